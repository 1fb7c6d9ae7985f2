/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the config parser's unit tests (test_config.c,
 * test_config_errors.c) share: the one interface every config starts
 * with, a load from a buffer (as t.yaml), and the check that a refused
 * config leaves nothing behind.
 */
#ifndef UNIT_CONFIG_HARNESS_H
#define UNIT_CONFIG_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

#define IFACES "interfaces:\n  - { name: eth0, zone: external }\n"

static inline int load(const char *yaml, struct edgexdp_config *cfg,
		       struct edgexdp_diag *err)
{
	return config_load_buffer("t.yaml", yaml, strlen(yaml), cfg, err);
}

static inline void assert_empty(const struct edgexdp_config *cfg)
{
	static const struct edgexdp_config zero;

	assert_memory_equal(cfg, &zero, sizeof(zero));
}

#endif /* UNIT_CONFIG_HARNESS_H */
