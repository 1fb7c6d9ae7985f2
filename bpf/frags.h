/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IP fragments. Only the first fragment carries ports, so it is decided
 * like any packet and, when it passes, leaves its rule in the frags map
 * under the datagram's identity. Later fragments pass only on that record.
 *
 * Uses the frags map (bpf/maps.h).
 */
#ifndef EDGEXDP_FRAGS_H
#define EDGEXDP_FRAGS_H

#include "conntrack.h" /* age_exceeds() */
#include "maps.h"
#include "parse.h"

/* Raw addresses, not NAT-canonical: a datagram is fragmented on one side
 * of the translation and its fragments all carry the same header. */
static __always_inline void frag_key_build(struct edgexdp_frag_key *key,
					   const struct packet *pkt)
{
	struct flow_tuple t;

	tuple_load_addrs(&t, pkt->l3, pkt->family);
	key->src = t.src;
	key->dst = t.dst;
	key->id = pkt->frag_id;
	key->l4proto = pkt->frag_proto;
	key->family = pkt->family;
	key->pad[0] = 0;
	key->pad[1] = 0;
}

static __always_inline void frag_record(const struct packet *pkt, __u32 rule_id,
					const struct edgexdp_ct_key *flow,
					__u64 now)
{
	struct edgexdp_frag_entry entry = {
		.last_seen_ns = now,
		.rule_id = rule_id,
		.flow = *flow,
	};
	struct edgexdp_frag_key key;

	frag_key_build(&key, pkt);
	bpf_map_update_elem(&frags, &key, &entry, BPF_ANY);
}

/*
 * The timeout runs from the first fragment, as for the kernel's own
 * reassembly queue: later fragments do not extend it. Nor do they outlive
 * the flow that admitted the first (RFC 3128): once it ends, the rest of
 * the datagram has nothing to belong to.
 */
static __always_inline __u32
frag_later_verdict(const struct packet *pkt, const struct edgexdp_settings *s,
		   __u64 now, __u32 *rule_id)
{
	const struct edgexdp_frag_entry *entry;
	struct edgexdp_frag_key key;

	frag_key_build(&key, pkt);
	entry = bpf_map_lookup_elem(&frags, &key);
	if (!entry || age_exceeds(now, entry->last_seen_ns, s->frag_timeout_ns))
		return VERDICT_DROP(EDGEXDP_DROP_FRAGMENT);
	if (!ct_lookup_any(&entry->flow, s, now))
		return VERDICT_DROP(EDGEXDP_DROP_FRAGMENT);
	*rule_id = entry->rule_id;
	return VERDICT_PASS(EDGEXDP_PASS_FRAGMENT);
}

#endif /* EDGEXDP_FRAGS_H */
