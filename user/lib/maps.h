/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Writing a compiled ruleset into the data path's maps. */
#ifndef EDGEXDP_MAPS_H
#define EDGEXDP_MAPS_H

#include <stdbool.h>

#include <bpf/libbpf.h>

#include "diag.h"
#include "ruleset.h"

struct edgexdp_bpf;

/*
 * Create and fill every map of an opened (not yet loaded) skeleton
 * ourselves, handing each to libbpf with bpf_map__reuse_fd: the maps are
 * full before any program exists, so the filter never runs against an
 * empty rule table, whoever (libbpf or libxdp) loads the program later.
 * `load`, the data-path tests and the benchmark all prepare maps this way.
 */
struct maps_prepare_opts {
	const struct ruleset *rs;
	const unsigned int *ifindexes; /* [i]: the NIC of rs->ifaces[i] */
	/* State maps (see maps_create_state) to take from their pins, NULL-
	 * terminated, or NULL; reused[i] says whether keep[i] was. */
	const char *const *keep;
	bool *reused;
};

int maps_prepare(struct edgexdp_bpf *skel, const struct maps_prepare_opts *o,
		 struct edgexdp_diag *d);

/*
 * The two halves of maps_prepare, so that a reload can build a complete
 * second rule set beside the live one and keep the live state.
 * State maps hold what outlives a rule set: flows, fragments, counters.
 * Each named in `keep` is taken over from its pin when one of the same
 * shape is pinned (`unload --keep-state` left it), else created; a kept
 * flow table too small or too large for rs is an error, and nothing is
 * changed. Sizes come from rs (conntrack.max_entries).
 */
/* The maps whose contents outlive a rule set: the flows, the fragments,
 * the counters, and the drop log (a listener reads on across a reload);
 * NULL-terminated. Every other map is compiled from the config. */
#define MAPS_STATE_COUNT 9
extern const char *const maps_state_names[MAPS_STATE_COUNT + 1];

int maps_create_state(struct edgexdp_bpf *skel, const struct ruleset *rs,
		      const char *const *keep, bool *reused,
		      struct edgexdp_diag *d);
/* Rule maps: interfaces, settings, ports, address classes, matches, NAT;
 * created new and filled from rs. */
int maps_create_rules(struct edgexdp_bpf *skel, const struct ruleset *rs,
		      const unsigned int *ifindexes, struct edgexdp_diag *d);

/* The userspace-only maps (see struct edgexdp_rule_info). */
int maps_create_rule_info(const struct ruleset *rs);
/* The same, filled and not pinned: an fd, or -errno. */
int maps_rule_info_fd(const struct ruleset *rs);
int maps_create_load_info(void);

/* Set a per-CPU value of `value_size` bytes to zero on every CPU. */
int maps_percpu_zero(int fd, __u32 key, size_t value_size);
/* CLOCK_MONOTONIC in ns: the data path's bpf_ktime_get_ns() (and, at
 * jiffy resolution, bpf_ktime_get_coarse_ns()). */
__u64 maps_clock_ns(void);

/* Sum a per-CPU value of `value_size` bytes made of __u64 counters. */
int maps_percpu_sum_u64(int fd, __u32 key, __u64 *sum, size_t n_counters);

/*
 * Add the verdict_stats counters of interface slot `slot` to the per-reason
 * totals drops[EDGEXDP_DROP_REASON_COUNT] and
 * passes[EDGEXDP_PASS_REASON_COUNT], and set *iface to the slot's totals.
 */
int maps_read_slot_stats(int fd, __u32 slot, struct edgexdp_reason_stats *drops,
			 struct edgexdp_reason_stats *passes,
			 struct edgexdp_iface_stats *iface);

/* Open a pinned map by its name under the pin directory. */
int maps_open_pinned(const char *name);

#endif /* EDGEXDP_MAPS_H */
