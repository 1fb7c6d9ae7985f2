/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The SSH session a command runs from, against the rules it installs. */
#ifndef EDGEXDP_SSH_GUARD_H
#define EDGEXDP_SSH_GUARD_H

#include <stddef.h>

#include "loader.h"
#include "ruleset.h"

/*
 * Would these rules cut the SSH session we run from ($SSH_CONNECTION)?
 * When a rule allows it, *seed is its flow-table entry (*n_seeds = 1), to
 * enter before the filter sees a packet; when none does, a warning and
 * -EPERM unless `force` ("refusing to <cmd>"). Warns, and passes, when it
 * cannot tell: SSH_CONNECTION unparsable, no route to the client, or the
 * session arriving on another NIC than the one holding its address.
 */
int check_ssh_session(const struct ruleset *rs, const char *cmd, int force,
		      struct ct_seed *seed, size_t *n_seeds);

#endif /* EDGEXDP_SSH_GUARD_H */
