/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A verdict packs the action and the reason to count into one scalar, so
 * every decision step can hand back "decided, and why" in one register and
 * the program accounts for it in exactly one place (stats.h).
 */
#ifndef EDGEXDP_VERDICT_H
#define EDGEXDP_VERDICT_H

/*
 * Zero means "no verdict yet, keep going": parsers return it on success.
 * The low bits are the verdict's counter in its interface's slot of
 * verdict_stats (EDGEXDP_STATS_INDEX): the reason, plus
 * EDGEXDP_STATS_REASONS for a pass.
 */
#define VERDICT_NONE 0U
#define VERDICT_PASS_FLAG (1U << 8)
#define VERDICT_DROP_FLAG (1U << 9)
/* Only for lookups that cannot fail but that the verifier makes us check. */
#define VERDICT_ABORT_FLAG (1U << 10)
#define VERDICT_COUNTER_MASK (EDGEXDP_STATS_PER_SLOT - 1)

_Static_assert((EDGEXDP_STATS_PER_SLOT & VERDICT_COUNTER_MASK) == 0 &&
		       EDGEXDP_STATS_PER_SLOT <= VERDICT_PASS_FLAG,
	       "verdict_stats slots must be a power of two below the flags");

#define VERDICT_PASS(reason)                                                   \
	(VERDICT_PASS_FLAG | EDGEXDP_STATS_INDEX(1, reason))
#define VERDICT_DROP(reason)                                                   \
	(VERDICT_DROP_FLAG | EDGEXDP_STATS_INDEX(0, reason))
#define VERDICT_ABORT VERDICT_ABORT_FLAG

/* No rule to count the packet on (non-IP, neighbour discovery, drops). */
#define RULE_NONE 0xffffffffU

static __always_inline bool verdict_is_pass(__u32 verdict)
{
	return verdict & VERDICT_PASS_FLAG;
}

static __always_inline bool verdict_is_drop(__u32 verdict)
{
	return verdict & VERDICT_DROP_FLAG;
}

/* The verdict's counter in its interface's struct edgexdp_slot_stats. */
static __always_inline __u32 verdict_counter(__u32 verdict)
{
	return verdict & VERDICT_COUNTER_MASK;
}

#endif /* EDGEXDP_VERDICT_H */
