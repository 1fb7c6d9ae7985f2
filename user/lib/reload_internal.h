/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What reload.c and reload_pins.c share, and nothing else sees. */
#ifndef EDGEXDP_RELOAD_INTERNAL_H
#define EDGEXDP_RELOAD_INTERNAL_H

#include "reload.h"

struct edgexdp_bpf;
struct xdp_program;

struct reload_ctx {
	const struct reload_request *req;
	struct reload_result *res;
	struct reload_old old;
	unsigned int ifindexes[EDGEXDP_MAX_IFACES];
	__u32 slots[EDGEXDP_MAX_IFACES];
	struct edgexdp_bpf *skel;
	struct xdp_program *prog; /* the new program, for libxdp */
	int old_fd; /* the old program */
	bool dispatcher; /* an old NIC runs under libxdp's dispatcher */
	size_t n_new, n_switched; /* progress, for the undo */
	size_t new_nics[EDGEXDP_MAX_IFACES]; /* rs->ifaces index */
	size_t stay_nics[EDGEXDP_MAX_IFACES];
	size_t n_stay;
};

/* Tests inject a failure at a step: EDGEXDP_FAIL_AT=maps|load|pins|switch
 * returns -EFAULT there, saying so in d; 0 elsewhere. */
int reload_injected(const char *step, struct edgexdp_diag *d);
/* Pin the new instance (rule maps, the shared state maps, the program,
 * rule_info, load_info) under edgexdp_staged; on failure nothing stays. */
int reload_stage_pins(struct reload_ctx *c, struct edgexdp_diag *d);
/* The staged pins become the live ones in one rename; the old ones go. */
int reload_exchange_pins(struct edgexdp_diag *d);

#endif /* EDGEXDP_RELOAD_INTERNAL_H */
