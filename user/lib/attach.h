/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Attaching the data path to one NIC, and detaching it (attach.c). */
#ifndef EDGEXDP_ATTACH_H
#define EDGEXDP_ATTACH_H

#include <stddef.h>

#include "diag.h"
#include "edgexdp.h"
#include "ruleset.h"

struct xdp_program;
/* Attach `prog` to rs->ifaces[i] (ifindex), as load does; *out records it. */
int loader_attach_nic(struct xdp_program *prog, const struct ruleset *rs,
		      size_t i, unsigned int ifindex,
		      struct edgexdp_attached_iface *out,
		      struct edgexdp_diag *d);
/* Detach a->prog_id from a->ifindex, whichever way it is attached;
 * -ENOENT when it is not there. */
int loader_detach_nic(const struct edgexdp_attached_iface *a);

const char *attach_mode_name(__u32 xdp_mode);
const char *attach_kind_name(__u32 kind);

#endif /* EDGEXDP_ATTACH_H */
