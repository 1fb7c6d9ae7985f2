// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading the loaded filter's counters, summed over CPUs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "diag.h"
#include "loader.h"
#include "maps.h"
#include "pins.h"
#include "sample.h"

#define U64S(x) (sizeof(x) / sizeof(__u64))

static int read_rules(struct stats_sample *s, int info_fd, int rules_fd)
{
	for (__u32 i = 0; i < s->n_rules; i++) {
		int err;

		if (bpf_map_lookup_elem(info_fd, &i, &s->rule_info[i]))
			return -errno;
		err = maps_percpu_sum_u64(rules_fd, i, &s->rules[i].flows,
					  U64S(s->rules[i]));
		if (err)
			return err;
	}
	return 0;
}

/* One slot's counters per reason, added to the totals over all slots. */
static int read_slot(struct stats_sample *s, int verdict_fd, __u32 slot)
{
	int err = maps_read_slot_stats(verdict_fd, slot, s->slot_drops[slot],
				       s->slot_passes[slot], &s->ifaces[slot]);

	for (__u32 r = 0; !err && r < EDGEXDP_DROP_REASON_COUNT; r++) {
		s->drops[r].packets += s->slot_drops[slot][r].packets;
		s->drops[r].bytes += s->slot_drops[slot][r].bytes;
	}
	for (__u32 r = 0; !err && r < EDGEXDP_PASS_REASON_COUNT; r++) {
		s->passes[r].packets += s->slot_passes[slot][r].packets;
		s->passes[r].bytes += s->slot_passes[slot][r].bytes;
	}
	return err;
}

int stats_sample_read(struct stats_sample *s, struct edgexdp_diag *d)
{
	int info_fd, rules_fd, verdict_fd;
	struct timespec ts;
	int err;

	memset(s, 0, sizeof(*s));
	err = loader_read_info(&s->info);
	if (err == -EPROTO)
		return loader_check_abi(&s->info, d); /* says what to do */
	if (err)
		return diag_set(d, err, "cannot read the counters");
	s->n_rules = s->info.n_rule_ids; /* ids, holes included */
	s->rule_info = calloc(s->n_rules + 1, sizeof(*s->rule_info));
	s->rules = calloc(s->n_rules + 1, sizeof(*s->rules));
	if (!s->rule_info || !s->rules)
		return diag_set(d, -ENOMEM, "cannot read the counters");
	info_fd = maps_open_pinned(PIN_RULE_INFO);
	rules_fd = maps_open_pinned(PIN_RULE_STATS);
	verdict_fd = maps_open_pinned(PIN_VERDICT_STATS);
	err = info_fd < 0      ? info_fd
	      : rules_fd < 0   ? rules_fd
	      : verdict_fd < 0 ? verdict_fd
			       : 0;
	if (!err)
		err = read_rules(s, info_fd, rules_fd);
	/* Per reason: every NIC's counters, and those of unknown NICs. */
	for (__u32 i = 0; !err && i < s->info.n_ifaces; i++)
		err = read_slot(s, verdict_fd, i);
	if (!err)
		err = read_slot(s, verdict_fd, EDGEXDP_STATS_NO_IFACE);
	if (!err)
		err = ct_count_usage(&s->ct);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->at = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	clock_gettime(CLOCK_REALTIME, &s->wall);
	if (info_fd >= 0)
		close(info_fd);
	if (rules_fd >= 0)
		close(rules_fd);
	if (verdict_fd >= 0)
		close(verdict_fd);
	return err ? diag_set(d, err, "cannot read the counters") : 0;
}

void stats_sample_free(struct stats_sample *s)
{
	free(s->rule_info);
	free(s->rules);
	s->rule_info = NULL;
	s->rules = NULL;
}
