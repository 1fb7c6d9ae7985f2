/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Counters. All per-CPU: a plain increment is race-free and never bounces
 * a cache line between cores; userspace sums the CPUs.
 *
 * Uses the rule_stats, pass_stats, drop_stats and iface_stats maps,
 * defined by the including file.
 */
#ifndef EDGEXDP_STATS_H
#define EDGEXDP_STATS_H

#include "verdict.h"

static __always_inline void rule_stats_add(__u32 rule_id, __u64 bytes,
					   bool new_flow)
{
	struct edgexdp_rule_stats *rs;

	/* A rule id past the array (a config bug) is simply not counted. */
	rs = bpf_map_lookup_elem(&rule_stats, &rule_id);
	if (!rs)
		return;
	if (new_flow)
		rs->flows++;
	rs->packets++;
	rs->bytes += bytes;
}

static __always_inline void reason_stats_add(__u32 verdict, __u64 bytes)
{
	struct edgexdp_reason_stats *rs;
	__u32 reason = verdict_reason(verdict);

	/*
	 * Two lookups, each on one constant map, so the verifier inlines
	 * both: left alone, clang merges them into one call on a map chosen
	 * at run time, which cannot be inlined (12 ns on every packet).
	 */
	if (verdict_is_drop(verdict)) {
		rs = bpf_map_lookup_elem(&drop_stats, &reason);
		barrier_var(rs);
	} else {
		rs = bpf_map_lookup_elem(&pass_stats, &reason);
		barrier_var(rs);
	}
	if (!rs)
		return;
	rs->packets++;
	rs->bytes += bytes;
}

static __always_inline void iface_stats_add(__u32 slot, __u32 verdict,
					    __u64 bytes)
{
	struct edgexdp_iface_stats *is;

	is = bpf_map_lookup_elem(&iface_stats, &slot);
	if (!is)
		return;
	is->rx_packets++;
	is->rx_bytes += bytes;
	if (verdict_is_drop(verdict))
		is->drop_packets++;
	else
		is->pass_packets++;
}

/* The one exit of the program: count the verdict, then act on it. */
static __always_inline int verdict_account(__u32 verdict, __u32 slot,
					   __u64 bytes)
{
	/* Unreachable lookups only: no reason fits, the tracepoint tells. */
	if (verdict & VERDICT_ABORT_FLAG)
		return XDP_ABORTED;
	reason_stats_add(verdict, bytes);
	iface_stats_add(slot, verdict, bytes);
	return verdict_is_drop(verdict) ? XDP_DROP : XDP_PASS;
}

#endif /* EDGEXDP_STATS_H */
