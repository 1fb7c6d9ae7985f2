/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where the loaded state lives: $EDGEXDP_BPFFS/edgexdp/<map or prog>. */
#ifndef EDGEXDP_PINS_H
#define EDGEXDP_PINS_H

#include <stddef.h>

#include "diag.h"

#define PIN_PROG "prog"
#define PIN_RULE_INFO "rule_info"
#define PIN_LOAD_INFO "load_info"

/* The maps userspace opens by their pins: the names bpf/maps.h gives them
 * (the data-path tests check each against the program's skeleton). */
#define PIN_CONNTRACK "conntrack"
#define PIN_CT_UNCONFIRMED "ct_unconfirmed"
#define PIN_CT_STATS "ct_stats"
#define PIN_FRAGS "frags"
#define PIN_RULE_STATS "rule_stats"
#define PIN_VERDICT_STATS "verdict_stats"
#define PIN_INTERFACES "interfaces"
#define PIN_SETTINGS "settings"
#define PIN_DROPLOG "droplog"
#define PIN_DROPLOG_CONFIG "droplog_config"
#define PIN_DROPLOG_BUCKETS "droplog_buckets"

/* The bpffs root: $EDGEXDP_BPFFS or EDGEXDP_BPFFS_DEFAULT. */
const char *bpffs_root(void);
/* Mount bpffs at the root if it is not one already (ip netns exec remounts
 * /sys, so a fresh namespace shell usually has none). Refuses (-EXDEV) a
 * bpffs that would not outlive the command: one PID 1's mount namespace
 * does not see, however our mount namespace was entered. */
int bpffs_ensure_mounted(struct edgexdp_diag *d);
/* "<root>/edgexdp" or "<root>/edgexdp/<name>"; -ENAMETOOLONG. */
int pin_path(char *buf, size_t len, const char *name);
enum pins_state {
	PINS_NO_BPFFS, /* the root is no bpffs: nothing to find here */
	PINS_NO_ACCESS, /* not ours to read: not root */
	PINS_NONE, /* nothing pinned */
	PINS_KEPT_ONLY, /* only what `unload --keep-state` kept */
	PINS_LOADED,
};

/* What the pin directory holds, for the commands that read it. */
enum pins_state pins_state(void);
/* When the root is no bpffs because this runs in a mount namespace of its
 * own (`ip netns exec` without EDGEXDP_BPFFS), say so and how to fix it:
 * 1 with d filled, else 0. */
int pins_why_no_bpffs(struct edgexdp_diag *d);
/* Remove every pin but those named in the NULL-terminated `keep` (NULL:
 * all), and the directory when it is empty; missing is fine. */
int pins_remove(const char *const *keep);

/*
 * Take the lock every state-changing command holds until it exits (an
 * flock on the bpffs root, so two bpffs never block each other). Waits up
 * to $EDGEXDP_LOCK_TIMEOUT seconds (default 10), logging who holds it;
 * then -EBUSY, naming the holder. Returns the fd that holds the lock.
 */
#define EDGEXDP_LOCK_TIMEOUT_DEFAULT 10
int pins_lock(struct edgexdp_diag *d);

/*
 * The drop log's reader is one at a time per bpffs: two would split the
 * ring buffer's records and each other's counts. An flock, without
 * waiting, on a file in EDGEXDP_LOG_LOCK_DIR (root's alone, so no other
 * user can hold or plant it) named after the bpffs root's device (each
 * mount of a bpffs is a device of its own), removed when the reader ends.
 * Not the root's own flock, which the state-changing commands take and a
 * log must not hold for its whole life. -EBUSY naming the reader that
 * holds it; else the fd that holds the lock, its file's name in path.
 */
#define EDGEXDP_LOG_LOCK_DIR "/run/edgexdp"
int pins_lock_log(char *path, size_t len, struct edgexdp_diag *d);
/* Let it go, and remove its file (fd < 0: nothing held). */
void pins_unlock_log(const char *path, int fd);

#endif /* EDGEXDP_PINS_H */
