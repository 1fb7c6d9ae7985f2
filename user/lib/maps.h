/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Writing a compiled ruleset into the data path's maps. */
#ifndef EDGEXDP_MAPS_H
#define EDGEXDP_MAPS_H

#include <stdbool.h>

#include <bpf/libbpf.h>

#include "ruleset.h"

struct edgexdp_bpf;

/*
 * Create every map of the (opened, not loaded) object ourselves and hand it
 * to libbpf with bpf_map__reuse_fd. The maps can then be filled before any
 * program exists, so the filter never runs against an empty rule table,
 * whoever (libbpf or libxdp) loads the program later.
 * Maps named in the NULL-terminated `keep` are taken from their pins
 * instead when a compatible one is pinned (unload --keep-state left it):
 * reused[i] says which were.
 */
int maps_create_all(struct bpf_object *obj, const char *const *keep,
		    bool *reused);

/* Fill the rule and setting maps; ifindexes[i] is rs->ifaces[i]'s NIC. */
int maps_fill(struct edgexdp_bpf *skel, const struct ruleset *rs,
	      const unsigned int *ifindexes);

/* The userspace-only maps (see struct edgexdp_rule_info). */
int maps_create_rule_info(const struct ruleset *rs);
int maps_create_load_info(void);

/* Sum a per-CPU value of `value_size` bytes made of __u64 counters. */
int maps_percpu_sum_u64(int fd, __u32 key, __u64 *sum, size_t n_counters);

/*
 * Add the verdict_stats counters of interface slot `slot` to the per-reason
 * totals drops[EDGEXDP_DROP_REASON_COUNT] and passes[EDGEXDP_PASS_REASON_COUNT],
 * and set *iface to the slot's totals.
 */
int maps_read_slot_stats(int fd, __u32 slot,
			 struct edgexdp_reason_stats *drops,
			 struct edgexdp_reason_stats *passes,
			 struct edgexdp_iface_stats *iface);

/* Open a pinned map by its name under the pin directory. */
int maps_open_pinned(const char *name);

#endif /* EDGEXDP_MAPS_H */
