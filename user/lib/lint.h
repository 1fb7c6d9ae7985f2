/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Configs that load but most likely do not do what was meant. */
#ifndef EDGEXDP_LINT_H
#define EDGEXDP_LINT_H

#include <stddef.h>

struct edgexdp_config;
struct ruleset;

/* Called once per finding with one line of text (no prefix, no newline). */
typedef void (*lint_warn_fn)(void *ctx, const char *msg);

/*
 * Warn about: no rules at all; rules for a zone no interface serves; an
 * interface that is the loopback or is down (looked up on this host, when
 * it exists here). Returns the number of warnings.
 */
size_t config_lint(const struct edgexdp_config *cfg, const struct ruleset *rs,
		   lint_warn_fn warn, void *ctx);

#endif /* EDGEXDP_LINT_H */
