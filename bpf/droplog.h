/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The drop log (include/edgexdp.h): a record per dropped packet while a
 * listener has switched it on, at most `rate` per second per reason and
 * CPU. Only the drop path comes here, and with no listener it stops at a
 * flag of the NIC's entry, which the packet has read already.
 *
 * Uses the droplog_config, droplog_buckets, droplog and interfaces maps
 * (bpf/maps.h).
 */
#ifndef EDGEXDP_DROPLOG_H
#define EDGEXDP_DROPLOG_H

#include "maps.h"
#include "parse.h"
#include "verdict.h"

#define NSEC_PER_SEC 1000000000ULL
/* Past Ethernet and two VLAN tags: where an IP header can start. */
#define DROPLOG_L3_OFF_MAX 64
#define IPV4_SADDR_OFF 12
#define IPV4_DADDR_OFF 16
#define IPV6_SADDR_OFF 8
#define IPV6_DADDR_OFF 24

_Static_assert(RULE_NONE == EDGEXDP_RULE_NONE, "one 'no rule'");
_Static_assert(FAMILY_IPV4 == EDGEXDP_FAMILY_IPV4 &&
		       FAMILY_IPV6 == EDGEXDP_FAMILY_IPV6,
	       "the record's family is the parser's");
_Static_assert((EDGEXDP_DROPLOG_SNAPLEN & (EDGEXDP_DROPLOG_SNAPLEN - 1)) == 0,
	       "the snap length is masked: a power of two");

/*
 * Take a token from a reason's bucket: refilled at `rate` per second, up to
 * `rate` (the burst). A gap of a second or more refills it whole, which
 * also keeps elapsed * rate far from overflowing.
 */
static __always_inline bool droplog_take_token(struct edgexdp_droplog_bucket *b,
					       __u32 rate, __u64 now)
{
	__u64 elapsed = now - b->last_ns;
	__u64 tokens = b->tokens;
	__u64 add;

	if (elapsed >= NSEC_PER_SEC) {
		tokens = rate;
		b->last_ns = now;
	} else {
		add = elapsed * rate / NSEC_PER_SEC;
		if (add) {
			tokens += add;
			if (tokens > rate)
				tokens = rate;
			b->last_ns = now;
		}
	}
	if (!tokens) {
		b->suppressed++;
		return false;
	}
	b->tokens = (__u32)(tokens - 1);
	return true;
}

/* The frame's first bytes: at most the snap length. */
static __always_inline void droplog_capture(struct xdp_md *ctx,
					    struct edgexdp_drop_record *rec)
{
	__u32 len = bpf_xdp_get_buff_len(ctx);
	__u32 cap;

	rec->pkt_len = len;
	rec->cap_len = 0;
	if (!len)
		return;
	cap = len < EDGEXDP_DROPLOG_SNAPLEN ? len : EDGEXDP_DROPLOG_SNAPLEN;
	/* Linux 6.1's verifier learns no lower bound from cap != 0 and
	 * refuses a load of maybe 0 bytes: state 1..SNAPLEN in a form it
	 * reads, which clang must not fold away. */
	barrier_var(cap);
	cap = ((cap - 1) & (EDGEXDP_DROPLOG_SNAPLEN - 1)) + 1;
	if (!bpf_xdp_load_bytes(ctx, 0, rec->data, cap))
		rec->cap_len = cap;
}

/* Source and destination, `len` bytes each at their offsets. */
static __always_inline bool droplog_load_pair(struct xdp_md *ctx,
					      struct edgexdp_drop_record *rec,
					      __u32 src_off, __u32 dst_off,
					      __u32 len)
{
	return !bpf_xdp_load_bytes(ctx, src_off, &rec->saddr, len) &&
	       !bpf_xdp_load_bytes(ctx, dst_off, &rec->daddr, len);
}

/* The addresses, read again where the parser found the IP header; the
 * family is cleared when they cannot be. */
static __always_inline void
droplog_addrs(struct xdp_md *ctx, struct edgexdp_drop_record *rec, __u32 l3_off)
{
	bool ok = false;

	if (l3_off <= DROPLOG_L3_OFF_MAX && rec->family == FAMILY_IPV4)
		ok = droplog_load_pair(ctx, rec, l3_off + IPV4_SADDR_OFF,
				       l3_off + IPV4_DADDR_OFF, 4);
	else if (l3_off <= DROPLOG_L3_OFF_MAX && rec->family == FAMILY_IPV6)
		ok = droplog_load_pair(ctx, rec, l3_off + IPV6_SADDR_OFF,
				       l3_off + IPV6_DADDR_OFF, 16);
	if (!ok)
		rec->family = 0;
}

/*
 * The listener stopped renewing its lease (it was killed, say): switch the
 * log off where it costs, at this NIC's flag and the global switch, as the
 * listener would have. The other NICs follow at their own next drop.
 */
static __always_inline void
droplog_lease_expired(struct xdp_md *ctx, struct edgexdp_droplog_config *cfg)
{
	__u32 ifindex = ctx->ingress_ifindex;
	struct edgexdp_iface *iface;

	cfg->enabled = 0;
	iface = bpf_map_lookup_elem(&interfaces, &ifindex);
	if (iface)
		iface->flags &= ~EDGEXDP_IFACE_DROPLOG;
}

/*
 * What the record says of the packet, from the data path's own parser run
 * again: the caller keeps nothing of its parse for the call, since
 * carrying those fields to the end of the program would cost every drop,
 * logged or not (README, Benchmark). Ports where a TCP or UDP header
 * begins (not in a later fragment); the family is cleared when the
 * addresses cannot be read.
 */
static __always_inline void droplog_describe(struct xdp_md *ctx,
					     struct edgexdp_drop_record *rec)
{
	struct packet pkt = {.data_end = (void *)(long)ctx->data_end};
	const struct l4_ports *ports;
	__be16 eth_proto;
	__u32 verdict;

	if (parse_ethernet(&pkt, (void *)(long)ctx->data, &eth_proto))
		return;
	if (eth_proto == bpf_htons(ETH_P_IP))
		verdict = parse_ipv4(&pkt);
	else if (eth_proto == bpf_htons(ETH_P_IPV6))
		verdict = parse_ipv6(&pkt);
	else
		return;
	rec->family = pkt.family;
	rec->l4proto = pkt.l4proto;
	droplog_addrs(ctx, rec, pkt.l3_off);
	if (verdict || pkt.frag == FRAG_LATER ||
	    (pkt.l4proto != IPPROTO_TCP && pkt.l4proto != IPPROTO_UDP))
		return;
	ports = pkt.l4;
	if ((void *)(ports + 1) > pkt.data_end)
		return;
	rec->sport = ports->source;
	rec->dport = ports->dest;
}

/*
 * Emit one record. A global function: the verifier checks it once, on its
 * own, rather than once per path through the decision. It takes the
 * reason and the rule, scalars it bounds itself, and reads the rest from
 * the frame.
 */
__noinline int droplog_emit(struct xdp_md *ctx, __u32 reason, __u32 rule_id)
{
	struct edgexdp_droplog_config *cfg;
	struct edgexdp_droplog_bucket *b;
	struct edgexdp_drop_record *rec;
	__u32 zero = 0, rate;
	__u64 now;

	if (!ctx || reason >= EDGEXDP_DROP_REASON_COUNT)
		return 0;
	cfg = bpf_map_lookup_elem(&droplog_config, &zero);
	b = bpf_map_lookup_elem(&droplog_buckets, &reason);
	if (!cfg || !b)
		return 0;
	now = bpf_ktime_get_ns();
	if (now > cfg->lease_until_ns) {
		droplog_lease_expired(ctx, cfg);
		return 0;
	}
	rate = cfg->rate;
	if (rate > EDGEXDP_DROPLOG_RATE_MAX)
		rate = EDGEXDP_DROPLOG_RATE_MAX;
	if (!droplog_take_token(b, rate, now))
		return 0;
	rec = bpf_ringbuf_reserve(&droplog, sizeof(*rec), 0);
	if (!rec) {
		b->suppressed++; /* the listener is behind: a lost record */
		return 0;
	}
	__builtin_memset(rec, 0, offsetof(struct edgexdp_drop_record, data));
	rec->ts_ns = bpf_ktime_get_ns();
	rec->ifindex = ctx->ingress_ifindex;
	rec->reason = reason;
	rec->rule_id = rule_id;
	rec->suppressed = b->suppressed;
	b->suppressed = 0;
	droplog_describe(ctx, rec);
	droplog_capture(ctx, rec);
	bpf_ringbuf_submit(rec, 0);
	return 0;
}

/* A drop on a NIC whose entry has the EDGEXDP_IFACE_DROPLOG flag: the
 * caller tested it, on the entry it read for the packet anyway. */
static __always_inline void droplog_drop(struct xdp_md *ctx, __u32 verdict,
					 __u32 rule_id)
{
	droplog_emit(ctx, verdict_counter(verdict), rule_id);
}

/* A drop on a NIC with no entry to carry the flag: droplog_config says. */
static __always_inline void droplog_unknown_iface(struct xdp_md *ctx,
						  __u32 verdict)
{
	struct edgexdp_droplog_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&droplog_config, &zero);
	if (cfg && cfg->enabled)
		droplog_emit(ctx, verdict_counter(verdict), RULE_NONE);
}

#endif /* EDGEXDP_DROPLOG_H */
