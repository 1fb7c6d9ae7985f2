/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Reading the pinned conntrack table from userspace. */
#ifndef EDGEXDP_CT_H
#define EDGEXDP_CT_H

#include <stdbool.h>
#include <stdint.h>

#include "edgexdp.h"

struct ct_table_usage {
	/* entries the data path would still match, per enum edgexdp_ct_state */
	uint64_t live[EDGEXDP_CT_STATE_COUNT];
	uint64_t expired; /* stale, waiting for LRU reuse or a packet */
	uint64_t displaced; /* taken by the LRU for another flow */
	uint32_t max_entries;
};

/* Both flow tables and their counters (struct edgexdp_ct_stats). */
struct ct_usage {
	struct ct_table_usage table[EDGEXDP_CT_TABLE_COUNT];
	struct edgexdp_ct_stats stats; /* summed over the CPUs */
};
const char *ct_state_label(uint8_t state);
const char *ct_table_name(enum edgexdp_ct_table t);
/* Reads the pinned tables and counters. */
int ct_count_usage(struct ct_usage *usage);
uint64_t ct_table_live(const struct ct_table_usage *t);
/* Adds to the pinned ct_stats (fd), for what userspace does to a table. */
int ct_stats_add(int fd, const struct edgexdp_ct_stats *delta);

struct ruleset;

struct ct_reclassified {
	uint64_t kept; /* still allowed, by the same or another rule */
	uint64_t reassigned; /* of those, now counted on another rule id */
	uint64_t dropped; /* no rule of this config allows them: removed */
};

/*
 * Flows kept across `unload --keep-state` carry the last load's rule ids.
 * Before the new filter attaches, judge each by this ruleset as if it
 * opened now (in the initiator's direction): rewrite its rule id, or
 * remove it when no rule allows it any more. Nothing is attached while
 * this runs, so the table holds still.
 */
int ct_reclassify(int ct_fd, const struct ruleset *rs,
		  struct ct_reclassified *out);
/*
 * The same judgement on a live table (reload, right after the switch): a
 * flow's rule id is rewritten only when another rule now allows it, so
 * concurrent updates by the data path are overwritten only then. With
 * apply false nothing changes (a plan); cut_by_rule[id], when given
 * (EDGEXDP_MAX_RULES entries), counts the flows removed by their old id.
 */
int ct_judge(int ct_fd, const struct ruleset *rs, bool apply,
	     uint64_t *cut_by_rule, struct ct_reclassified *out);

/*
 * The data path's flow key for a tuple (bpf/conntrack.h ct_key_build):
 * NAT pairs folded to their public address, endpoint a the smaller by
 * address bytes, then by port in host order. Returns 1 when the source is
 * endpoint a. Ports in host order; addresses 16 bytes, zero padded.
 */
int ct_key_from_tuple(struct edgexdp_ct_key *key, const struct ruleset *rs,
		      uint8_t family, uint8_t l4proto,
		      const struct edgexdp_addr *src, uint16_t sport,
		      const struct edgexdp_addr *dst, uint16_t dport);

/* An established flow entry for a connection opened before the load. */
void ct_entry_established(struct edgexdp_ct_entry *entry, uint32_t rule_id,
			  int initiator_is_a);

#endif /* EDGEXDP_CT_H */
