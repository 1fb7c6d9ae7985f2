/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Rule classification of a packet no flow knows, in O(1) lookups:
 * port -> group per zone (and the source port's, when some rule names
 * source ports), each address -> class, then
 * (group, sport group, src class, dst class) -> rule. See include/edgexdp.h.
 *
 * Uses the port_groups, addr_v4, addr_v6 and rule_match maps
 * (bpf/maps.h).
 */
#ifndef EDGEXDP_CLASSIFY_H
#define EDGEXDP_CLASSIFY_H

#include "maps.h"
#include "parse.h"

#define IPV4_PREFIX_BITS 32
#define IPV6_PREFIX_BITS 128

/* classify() finds the other zone as the one that is not ours. */
_Static_assert(EDGEXDP_ZONE_COUNT == 2, "zones are external and internal");

static __always_inline __u32 other_zone(__u32 zone)
{
	return EDGEXDP_ZONE_COUNT - 1 - zone;
}

static __always_inline __u32 proto_index(__u8 l4proto)
{
	return l4proto == IPPROTO_TCP ? EDGEXDP_PROTO_TCP : EDGEXDP_PROTO_UDP;
}

static __always_inline const struct edgexdp_port_entry *port_entry(__u8 l4proto,
								   __be16 port)
{
	__u32 index = proto_index(l4proto) * EDGEXDP_PORTS_PER_PROTO +
		      bpf_ntohs(port);

	/* Holds by construction (proto < 2, port < 65536); checked so the
	 * index stays right if a protocol is ever added. */
	if (index >= EDGEXDP_PROTO_COUNT * EDGEXDP_PORTS_PER_PROTO)
		return NULL;
	return bpf_map_lookup_elem(&port_groups, &index);
}

/* Is a group set for either zone in this per-zone array? */
static __always_inline bool
zone_groups_any(const __u16 groups[EDGEXDP_ZONE_COUNT])
{
	__u16 any = 0;
	int zone;

#pragma unroll
	for (zone = 0; zone < EDGEXDP_ZONE_COUNT; zone++)
		any |= groups[zone];
	return any;
}

/* Does a rule of either zone name this port as its destination port? */
static __always_inline bool port_has_group(const struct edgexdp_port_entry *e)
{
	return e && zone_groups_any(e->group);
}

/* Does a rule of either zone name this port as its source port? */
static __always_inline bool
port_has_sport_group(const struct edgexdp_port_entry *e)
{
	return e && zone_groups_any(e->sport_group);
}

/* A port some rule names, on either side: a packet to it may open a flow
 * (destination) or belong to one (a source-port rule's reply). */
static __always_inline bool port_is_named(const struct edgexdp_port_entry *e)
{
	return port_has_group(e) || port_has_sport_group(e);
}

/* The zone bound is checked here, where the index is used: an older
 * verifier need not carry it from the NIC entry through other_zone(). */
static __always_inline __u16 group_of(const struct edgexdp_port_entry *e,
				      __u32 zone)
{
	if (!e || zone >= EDGEXDP_ZONE_COUNT)
		return 0;
	return e->group[zone];
}

static __always_inline __u16 sport_group_of(const struct edgexdp_port_entry *e,
					    __u32 zone)
{
	if (!e || zone >= EDGEXDP_ZONE_COUNT)
		return 0;
	return e->sport_group[zone];
}

/* The addr_v4 / addr_v6 value of an address (its class and
 * EDGEXDP_ADDR_OWN), or NULL when no address set contains it. */
static __always_inline const __u32 *addr_lookup(const struct edgexdp_addr *addr,
						__u8 family)
{
	struct edgexdp_lpm_v4 key4;
	struct edgexdp_lpm_v6 key6;

	if (family == FAMILY_IPV4) {
		key4.prefixlen = IPV4_PREFIX_BITS;
		__builtin_memcpy(key4.addr, addr->u8, sizeof(key4.addr));
		return bpf_map_lookup_elem(&addr_v4, &key4);
	}
	key6.prefixlen = IPV6_PREFIX_BITS;
	__builtin_memcpy(key6.addr, addr->u8, sizeof(key6.addr));
	return bpf_map_lookup_elem(&addr_v6, &key6);
}

/* The class of an address, 0 when no address set contains it. */
static __always_inline __u16 addr_class(const struct edgexdp_addr *addr,
					__u8 family)
{
	const __u32 *v = addr_lookup(addr, family);

	return v ? *v & EDGEXDP_ADDR_CLASS_MASK : 0;
}

static __always_inline __u32 *rule_lookup(struct edgexdp_match_key *key,
					  __u16 group, __u16 sport_group)
{
	key->group = group;
	key->sport_group = sport_group;
	return bpf_map_lookup_elem(&rule_match, key);
}

/*
 * Why a packet no rule can open is dropped, when no rule names its
 * destination port nor its source port as a source port: a UDP datagram
 * whose ports are the other way round (a rule's port as its source, a
 * source-port rule's port as its destination) is a reply whose flow is
 * gone; anything else (TCP here is always a bare SYN) is nothing we know.
 */
static __always_inline __u32 unnamed_verdict(
	const struct flow_tuple *t, const struct edgexdp_port_entry *to_port,
	const struct edgexdp_port_entry *from_port)
{
	if (t->l4proto == IPPROTO_UDP &&
	    (port_has_group(from_port) || port_has_sport_group(to_port)))
		return VERDICT_DROP(EDGEXDP_DROP_NO_FLOW);
	return VERDICT_DROP(EDGEXDP_DROP_NO_RULE_PORT);
}

/*
 * Decides a packet that belongs to no flow. to_port is the dport entry;
 * from_port the sport entry, or NULL when it was not looked up (no rule
 * names source ports and the destination port settled the junk filter).
 * On a pass, *rule_id is the rule_match value of the rule that allows it:
 * its id, with EDGEXDP_MATCH_TO_ANY when its destination is any.
 */
static __always_inline __u32
classify(const struct flow_tuple *t, const struct edgexdp_port_entry *to_port,
	 const struct edgexdp_port_entry *from_port, __u32 zone, __u32 *rule_id)
{
	__u32 other = other_zone(zone);
	__u16 group = group_of(to_port, zone);
	__u16 sport_group = sport_group_of(from_port, zone);
	__u16 other_group = group_of(to_port, other);
	__u16 other_sport_group = sport_group_of(from_port, other);
	struct edgexdp_match_key key;
	__u32 *rule;

	if (!group && !sport_group && !other_group && !other_sport_group)
		return unnamed_verdict(t, to_port, from_port);

	key.src_class = addr_class(&t->src, t->family);
	key.dst_class = addr_class(&t->dst, t->family);
	if (group || sport_group) {
		rule = rule_lookup(&key, group, sport_group);
		if (rule) {
			*rule_id = *rule;
			return VERDICT_PASS(EDGEXDP_PASS_NEW_FLOW);
		}
	}
	/* Tell a NIC mix-up apart from a plain address mismatch. */
	if ((other_group || other_sport_group) &&
	    rule_lookup(&key, other_group, other_sport_group))
		return VERDICT_DROP(EDGEXDP_DROP_WRONG_ZONE);
	return VERDICT_DROP(EDGEXDP_DROP_NO_RULE_ADDR);
}

#endif /* EDGEXDP_CLASSIFY_H */
