/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* One reading of every counter of the loaded filter: what `stats` prints
 * and the Prometheus exporter serves. */
#ifndef EDGEXDP_SAMPLE_H
#define EDGEXDP_SAMPLE_H

#include <time.h>

#include "ct.h"
#include "edgexdp.h"

struct stats_sample {
	struct edgexdp_load_info info;
	__u32 n_rules;
	struct edgexdp_rule_info *rule_info;
	struct edgexdp_rule_stats *rules;
	/* per reason, summed over every slot (NICs and unknown NICs) */
	struct edgexdp_reason_stats drops[EDGEXDP_DROP_REASON_COUNT];
	struct edgexdp_reason_stats passes[EDGEXDP_PASS_REASON_COUNT];
	/* per slot (index = NIC slot, EDGEXDP_STATS_NO_IFACE: unknown NICs) */
	struct edgexdp_reason_stats slot_drops[EDGEXDP_STATS_SLOTS]
					      [EDGEXDP_DROP_REASON_COUNT];
	struct edgexdp_reason_stats slot_passes[EDGEXDP_STATS_SLOTS]
					       [EDGEXDP_PASS_REASON_COUNT];
	struct edgexdp_iface_stats ifaces[EDGEXDP_STATS_SLOTS];
	struct ct_usage ct; /* both flow tables */
	double at; /* seconds, monotonic: for rates */
	struct timespec wall; /* for timestamps */
};

struct edgexdp_diag;

/* Read the pinned counters; the caller frees with stats_sample_free, also
 * after a failure, which d explains (-EPROTO: a layout this tool does not
 * read). */
int stats_sample_read(struct stats_sample *s, struct edgexdp_diag *d);
void stats_sample_free(struct stats_sample *s);

#endif /* EDGEXDP_SAMPLE_H */
