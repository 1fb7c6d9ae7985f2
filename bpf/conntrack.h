/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Connection tracking: one entry per flow, shared by both directions
 * because the key orders the two endpoints, in one of two tables. A flow
 * opens unconfirmed (ct_unconfirmed) and moves to conntrack when both
 * sides have proven their address (include/edgexdp.h, enum
 * edgexdp_ct_state); a flood of spoofed openings thus only ever competes
 * with other unconfirmed flows. The TCP state machine is in ct_tcp.h.
 *
 * The helpers take the flow table they work on, so that one code serves
 * every table (bpf/maps.h); only nat_canon is used by name.
 */
#ifndef EDGEXDP_CONNTRACK_H
#define EDGEXDP_CONNTRACK_H

#include "maps.h"
#include "parse.h"

/* struct edgexdp_ct_entry.fin_seen */
#define CT_FIN_FROM_A (1U << 0)
#define CT_FIN_FROM_B (1U << 1)
#define CT_FIN_BOTH (CT_FIN_FROM_A | CT_FIN_FROM_B)

/* uapi/asm-generic/errno-base.h: vmlinux.h carries no macros. */
#define EEXIST 17

#define ADDR_WORDS (sizeof(struct edgexdp_addr) / sizeof(__u32))

/*
 * Clocks of two CPUs race: an entry stamped after we read the clock
 * must count as fresh, not as 2^64 ns old.
 */
static __always_inline bool age_exceeds(__u64 now, __u64 then, __u64 timeout)
{
	return now > then && now - then > timeout;
}

/* Comparing words in host order is comparing the bytes in wire order. */
static __always_inline int addr_cmp(const struct edgexdp_addr *x,
				    const struct edgexdp_addr *y)
{
	__u32 a, b;
	int i;

#pragma unroll
	for (i = 0; i < ADDR_WORDS; i++) {
		a = bpf_ntohl(x->u32[i]);
		b = bpf_ntohl(y->u32[i]);
		if (a != b)
			return a < b ? -1 : 1;
	}
	return 0;
}

/*
 * A NAT pair's private address stands for its public one in the key, so
 * the flow seen on both sides of the translation is one entry. The filter
 * spares the hash lookup to the addresses of no pair: most of them.
 */
static __always_inline void nat_canonicalise(struct edgexdp_addr *addr,
					     __u8 family,
					     const struct edgexdp_settings *s)
{
	const struct edgexdp_addr *pub;
	struct edgexdp_nat_key nk;
	__u32 bit = edgexdp_nat_filter_bit(addr);

	if (!(s->nat_filter[bit / 64] & (1ULL << (bit % 64))))
		return;
	nk.addr = *addr;
	nk.family = family;
	nk.pad[0] = 0;
	nk.pad[1] = 0;
	nk.pad[2] = 0;
	pub = bpf_map_lookup_elem(&nat_canon, &nk);
	if (pub)
		*addr = *pub;
}

static __always_inline void ct_key_swap(struct edgexdp_ct_key *key)
{
	struct edgexdp_addr addr = key->addr_a;
	__be16 port = key->port_a;

	key->addr_a = key->addr_b;
	key->port_a = key->port_b;
	key->addr_b = addr;
	key->port_b = port;
}

/*
 * Builds the direction-free key of a tuple: endpoint a is the smaller one,
 * by address bytes, then by port in host order. Returns true when the
 * tuple's source is endpoint a.
 */
static __always_inline bool ct_key_build(struct edgexdp_ct_key *key,
					 const struct flow_tuple *t,
					 const struct edgexdp_settings *s)
{
	int cmp;

	key->addr_a = t->src;
	key->addr_b = t->dst;
	key->port_a = t->sport;
	key->port_b = t->dport;
	key->l4proto = t->l4proto;
	key->family = t->family;
	key->pad[0] = 0;
	key->pad[1] = 0;
	if (s->nat_enabled) {
		nat_canonicalise(&key->addr_a, key->family, s);
		nat_canonicalise(&key->addr_b, key->family, s);
	}

	cmp = addr_cmp(&key->addr_a, &key->addr_b);
	if (cmp < 0 ||
	    (cmp == 0 && bpf_ntohs(key->port_a) <= bpf_ntohs(key->port_b)))
		return true;
	ct_key_swap(key);
	return false;
}

_Static_assert(EDGEXDP_IPPROTO_UDP == IPPROTO_UDP, "UDP is UDP");

/* The table a flow in this state lives in. */
static __always_inline bool ct_state_confirmed(__u8 state)
{
	return state == EDGEXDP_CT_ESTABLISHED || state == EDGEXDP_CT_CLOSING;
}

static __always_inline struct ct_scratch *ct_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ct_scratch, &zero);
}

/* A flow table, and which one it is: its counters in ct_stats. */
struct ct_table {
	void *map;
	__u32 which; /* enum edgexdp_ct_table */
};

static __always_inline struct edgexdp_ct_stats *ct_stats_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ct_stats, &zero);
}

static __always_inline void ct_table_get(struct ct_table *t,
					 enum edgexdp_ct_table which)
{
	if (which == EDGEXDP_CT_CONFIRMED)
		t->map = &conntrack;
	else
		t->map = &ct_unconfirmed;
	t->which = which;
}

/* The table's counters, looked up only when one moves: rarely, but for
 * the inserts of a flood. */
static __always_inline struct edgexdp_ct_table_stats *
ct_table_stats(const struct ct_table *t)
{
	struct edgexdp_ct_stats *cs = ct_stats_get();

	if (!cs || t->which >= EDGEXDP_CT_TABLE_COUNT)
		return NULL;
	return &cs->table[t->which];
}

/* Every delete goes through here: only one that removed an entry counts,
 * so that a race of two CPUs over one flow counts once. */
static __always_inline void ct_delete(const struct ct_table *t,
				      const struct edgexdp_ct_key *key)
{
	struct edgexdp_ct_table_stats *ts;

	if (bpf_map_delete_elem(t->map, key))
		return;
	ts = ct_table_stats(t);
	if (ts)
		ts->removed++;
}

/*
 * Inserts a flow that must not exist yet. Losing a race with another CPU
 * inserting the same flow is fine: the flow exists either way. Any other
 * refusal means the LRU found no entry to reuse; it is counted.
 */
static __always_inline int ct_insert(const struct ct_table *t,
				     const struct edgexdp_ct_key *key,
				     const struct edgexdp_ct_entry *ct)
{
	int err = bpf_map_update_elem(t->map, key, ct, BPF_NOEXIST);
	struct edgexdp_ct_table_stats *ts;

	if (err == -EEXIST)
		return err;
	ts = ct_table_stats(t);
	if (ts && err == 0)
		ts->created++;
	else if (ts)
		ts->insert_failed++;
	return err;
}

/*
 * Has the entry expired? A global function: the verifier checks the
 * timeouts of every state once, not on every path that looks a flow up.
 * The caller deletes: a global function's pointer arguments are plain
 * memory to the verifier, and Linux 6.1 takes a map key only from the
 * stack, a map value or the packet.
 */
__noinline bool ct_expired(const struct edgexdp_ct_entry *ct,
			   const struct edgexdp_ct_key *key,
			   const struct edgexdp_settings *s, __u64 now)
{
	if (!ct || !key || !s)
		return true;
	return age_exceeds(now, ct->last_seen_ns,
			   edgexdp_ct_timeout_ns(s, key->l4proto, ct->state));
}

/* An expired entry is deleted at once, so that a new flow can reuse the
 * tuple instead of waiting for the LRU to evict it. */
static __always_inline struct edgexdp_ct_entry *
ct_lookup_live(const struct ct_table *t, const struct edgexdp_ct_key *key,
	       const struct edgexdp_settings *s, __u64 now)
{
	struct edgexdp_ct_entry *ct;

	ct = bpf_map_lookup_elem(t->map, key);
	if (!ct)
		return NULL;
	if (ct_expired(ct, key, s, now)) {
		ct_delete(t, key);
		return NULL;
	}
	return ct;
}

/* The live flow of either table: for packets related to a flow (an ICMP
 * error, a later fragment), which move no state. */
static __always_inline struct edgexdp_ct_entry *
ct_lookup_any(const struct edgexdp_ct_key *key,
	      const struct edgexdp_settings *s, __u64 now)
{
	struct edgexdp_ct_entry *ct;
	struct ct_table t;

	ct_table_get(&t, EDGEXDP_CT_CONFIRMED);
	ct = ct_lookup_live(&t, key, s, now);
	if (ct)
		return ct;
	ct_table_get(&t, EDGEXDP_CT_UNCONFIRMED);
	return ct_lookup_live(&t, key, s, now);
}

/*
 * Timeouts are whole seconds: refreshing the stamp once a second is as
 * good as on every packet, and leaves the entry's cache line clean when
 * the two directions of a flow arrive on different CPUs.
 */
#define CT_REFRESH_NS EDGEXDP_NSEC_PER_SEC

static __always_inline void ct_touch(struct edgexdp_ct_entry *ct, __u64 now)
{
	if (age_exceeds(now, ct->last_seen_ns, CT_REFRESH_NS))
		ct->last_seen_ns = now;
}

/*
 * Moves a flow that just confirmed from ct_unconfirmed to conntrack; true
 * when this CPU moved it. When conntrack refuses it (counted as its
 * insert_failed), the flow stays where it is, unconfirmed, and the next
 * packet tries again.
 */
static __always_inline bool ct_promote(const struct ct_table *unconfirmed,
				       const struct ct_table *confirmed,
				       const struct edgexdp_ct_key *key,
				       const struct edgexdp_ct_entry *ct)
{
	int err;

	/* The map value itself is the value to insert: no copy on the
	 * stack, which the verifier caps at 512 bytes. */
	err = ct_insert(confirmed, key, ct);
	if (err == 0 || err == -EEXIST)
		ct_delete(unconfirmed, key);
	return err == 0;
}

/* Counts why a flow confirmed, once: only the CPU that moved it. */
static __always_inline void
ct_count_confirmed(const struct edgexdp_ct_key *key,
		   const struct edgexdp_ct_entry *ct)
{
	struct edgexdp_ct_stats *cs = ct_stats_get();

	if (!cs)
		return;
	if (key->l4proto == IPPROTO_UDP)
		cs->confirmed_udp++;
	else if (ct->flags & EDGEXDP_CT_F_LIBERAL)
		cs->confirmed_unseen++;
	else
		cs->confirmed_tcp++;
}

/* UDP: the first datagram back makes it a conversation. A datagram from
 * the initiator again proves nothing; an ICMP error never gets here. */
static __always_inline __u32 ct_udp_update(struct edgexdp_ct_entry *ct,
					   bool from_a, __u64 now)
{
	if (ct->state == EDGEXDP_CT_NEW && from_a != (bool)ct->initiator_is_a)
		ct->state = EDGEXDP_CT_ESTABLISHED;
	ct_touch(ct, now);
	return VERDICT_PASS(EDGEXDP_PASS_FLOW);
}

#endif /* EDGEXDP_CONNTRACK_H */
