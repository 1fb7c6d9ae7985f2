/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Changing the rules of a loaded filter without a moment unfiltered: a
 * complete second rule set is built beside the live one, sharing its state
 * maps (flows, fragments, counters), and every NIC is switched to it in
 * one atomic step.
 */
#ifndef EDGEXDP_RELOAD_H
#define EDGEXDP_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "ct.h"
#include "diag.h"
#include "edgexdp.h"
#include "loader.h"
#include "ruleset.h"

struct reload_request {
	struct ruleset *rs; /* its rule ids are rewritten (see reload.c) */
	const char *config_path;
	const struct ct_seed *seeds; /* the operator's SSH session */
	size_t n_seeds;
	bool dry_run; /* plan only: change nothing */
};

struct reload_rule {
	char name[EDGEXDP_NAME_LEN];
	__u64 flows_cut; /* live flows of this rule no rule allows now */
	struct edgexdp_rule_stats totals; /* removed rules: their last */
};

struct reload_result {
	struct reload_rule *added, *removed, *changed;
	size_t n_added, n_removed, n_changed, n_rules;
	char attached[EDGEXDP_MAX_IFACES][EDGEXDP_IFNAME_LEN];
	char detached[EDGEXDP_MAX_IFACES][EDGEXDP_IFNAME_LEN];
	size_t n_attached, n_detached, n_switched;
	struct ct_reclassified flows; /* kept, reassigned, removed (cut) */
	struct edgexdp_load_info info; /* what is attached where now */
};

/*
 * Switch the loaded filter to req->rs. Refuses (-ENOENT) when nothing is
 * loaded and (-EPROTO) pins of another layout, saying what to do. All or
 * nothing: a failure at any step (maps, program load, attach, pins, the
 * switch itself) leaves the old rules in force and nothing new pinned.
 */
int loader_reload(const struct reload_request *req, struct reload_result *res,
		  struct edgexdp_diag *d);
void reload_result_free(struct reload_result *res);

/* The planning half, exposed for loader_reload only. */
struct reload_old {
	struct edgexdp_load_info info;
	struct edgexdp_rule_info *rules; /* [info.n_rule_ids] */
};

int reload_read_old(struct reload_old *old, struct edgexdp_diag *d);
void reload_old_free(struct reload_old *old);
/* Give every rule of rs the id of the old rule of its name, new ones ids
 * no old rule had; fill the added/removed/changed lists. */
int reload_relabel(struct ruleset *rs, const struct reload_old *old,
		   struct reload_result *res, struct edgexdp_diag *d);
/* Slots for rs->ifaces: an old NIC's (by ifindex) where it stays, else a
 * slot no old NIC had. */
int reload_slots(const struct ruleset *rs, const unsigned int *ifindexes,
		 const struct reload_old *old, __u32 *slots,
		 struct edgexdp_diag *d);

#endif /* EDGEXDP_RELOAD_H */
