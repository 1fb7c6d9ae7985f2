/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Limits on a config's shape, checked before it is parsed (config_guard.c). */
#ifndef EDGEXDP_CONFIG_GUARD_H
#define EDGEXDP_CONFIG_GUARD_H

#include <stddef.h>

#include "diag.h"

/*
 * The deepest real config nests 4 levels (rules, a rule, from, a list);
 * 16 leaves room and keeps libyaml's quadratic scanner cheap. Every value
 * of the largest config the maps take (EDGEXDP_MAX_PREFIXES per family,
 * EDGEXDP_MAX_RULES rules of a dozen values) fits in the node limit.
 */
#define CFG_DEPTH_MAX 16UL
#define CFG_NODES_MAX 1000000UL
/* Larger files are refused before they are read. */
#define CFG_FILE_MAX (32u << 20)

/* 0, or -E2BIG with err naming the first value past a limit. */
int config_guard_scan(const char *name, const char *buf, size_t len,
		      struct edgexdp_diag *err);

#endif /* EDGEXDP_CONFIG_GUARD_H */
