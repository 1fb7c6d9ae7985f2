/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Attaching and detaching the data path, with its pinned state. */
#ifndef EDGEXDP_LOADER_H
#define EDGEXDP_LOADER_H

#include <stdbool.h>

#include "edgexdp.h"
#include "ct.h"
#include "attach.h"
#include "diag.h"
#include "ruleset.h"

struct load_result {
	struct edgexdp_load_info info; /* what was attached where */
	bool kept_flows; /* conntrack came from an earlier --keep-state */
	struct ct_reclassified kept; /* what became of those flows */
};

/*
 * Load the data path for `rs`, fill its maps, attach it to every NIC and
 * pin its state. All or nothing: on any failure every earlier step is
 * undone (detached, unpinned) before returning the error.
 */
struct ct_seed {
	struct edgexdp_ct_key key;
	struct edgexdp_ct_entry entry;
};

/* Flows to put in conntrack before the filter sees a packet: connections
 * already open that a rule allows (the operator's SSH session). */
struct load_request {
	const struct ruleset *rs;
	const char *config_path;
	const struct ct_seed *seeds;
	size_t n_seeds;
};

int loader_load(const struct load_request *req, struct load_result *res,
		struct edgexdp_diag *d);

/* The ifindex of NIC `name`, refusing a name the kernel resolves to
 * another NIC (an alias "eth0:1" is eth0). */
int loader_resolve_exact(const char *name, unsigned int *ifindex,
			 struct edgexdp_diag *d);

/* Read what `load` recorded, its layout version first: -ENOENT when
 * nothing is loaded, -EPROTO (info->abi_version set, nothing else read)
 * when it is of another layout. */
int loader_read_info(struct edgexdp_load_info *info);
/* Refuse (-EPROTO, saying why) pins of a layout this tool does not read. */
int loader_check_abi(const struct edgexdp_load_info *info,
		     struct edgexdp_diag *d);

/* Detach from every NIC recorded at load (by ifindex, so renamed NICs
 * too) and remove the pins; with keep_state, the flow tables stay pinned
 * for the next load. Interfaces that have gone are reported and skipped.
 * Pins of another layout are not read: the pinned program is detached
 * wherever it is attached in this namespace. */
int loader_unload(bool keep_state, struct edgexdp_diag *d);

#endif /* EDGEXDP_LOADER_H */
