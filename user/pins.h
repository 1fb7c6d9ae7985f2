/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where the loaded state lives: $EDGEXDP_BPFFS/edgexdp/<map or prog>. */
#ifndef EDGEXDP_PINS_H
#define EDGEXDP_PINS_H

#include <stddef.h>

#define PIN_PROG "prog"
#define PIN_RULE_INFO "rule_info"
#define PIN_LOAD_INFO "load_info"

/* The bpffs root: $EDGEXDP_BPFFS or EDGEXDP_BPFFS_DEFAULT. */
const char *bpffs_root(void);
/* Mount bpffs at the root if it is not one already (ip netns exec remounts
 * /sys, so a fresh namespace shell usually has none). */
int bpffs_ensure_mounted(void);
/* "<root>/edgexdp" or "<root>/edgexdp/<name>"; -ENAMETOOLONG. */
int pin_path(char *buf, size_t len, const char *name);
/* Is anything loaded (does the pin directory hold load_info)? */
int pins_loaded(void);
/* Remove every pin and the directory; missing is fine. */
int pins_remove_all(void);

#endif /* EDGEXDP_PINS_H */
