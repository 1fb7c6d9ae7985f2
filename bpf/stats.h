/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Counters. All per-CPU: a plain increment is race-free and never bounces
 * a cache line between cores; userspace sums the CPUs.
 *
 * Uses the rule_stats and verdict_stats maps (bpf/maps.h).
 */
#ifndef EDGEXDP_STATS_H
#define EDGEXDP_STATS_H

#include "maps.h"
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

/*
 * The counters of one NIC: every verdict's, so that a packet costs one
 * lookup. It is done as soon as the NIC is known, where its latency hides
 * behind the parse, not at the end where the verdict waits for it.
 */
static __always_inline struct edgexdp_slot_stats *slot_stats_get(__u32 slot)
{
	return bpf_map_lookup_elem(&verdict_stats, &slot);
}

/* The one exit of the program: count the verdict, then act on it. */
static __always_inline int verdict_account(struct edgexdp_slot_stats *ss,
					   __u32 verdict, __u64 bytes)
{
	struct edgexdp_reason_stats *vs;

	/* Unreachable lookups only: no reason fits, the tracepoint tells. */
	if (verdict & VERDICT_ABORT_FLAG)
		return XDP_ABORTED;
	if (ss) {
		vs = &ss->verdict[verdict_counter(verdict)];
		vs->packets++;
		vs->bytes += bytes;
	}
	return verdict_is_drop(verdict) ? XDP_DROP : XDP_PASS;
}

#endif /* EDGEXDP_STATS_H */
