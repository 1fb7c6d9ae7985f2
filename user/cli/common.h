/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What every subcommand shares: global options and the one way to print. */
#ifndef EDGEXDP_COMMON_H
#define EDGEXDP_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#ifndef EDGEXDP_VERSION
#define EDGEXDP_VERSION "unknown" /* the Makefile passes VERSION's */
#endif

#include "diag.h"
#include "pins.h"

/* Global options, parsed once in main.c. */
struct global_opts {
	const char *config_path;
	bool json;
	int verbose;
};

extern struct global_opts g_opts;

/* Print one error line: "edgexdp: <what>: <strerror-like text of err>";
 * under -j, {"error": "<what>: <text>"} on stdout instead. */
void pr_err(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same without an errno: "edgexdp: <what>" or {"error": "<what>"}. */
void pr_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the library's one error: "edgexdp: <d->msg>", or under -j
 * {"error": msg} with file, line and column when it has a position. */
void pr_diag(const struct edgexdp_diag *d);
/* Route the library's messages, libbpf's and libxdp's through one
 * callback: warnings always, libbpf/libxdp only with -v (debug: -vv). */
void setup_library_logging(void);

/* pins_state(), explaining on stderr an `ip netns exec` without
 * EDGEXDP_BPFFS, for the commands that read the pins. */
enum pins_state pins_state_explained(void);
/* The one "not loaded" message, for that state. */
void pr_not_loaded(enum pins_state state);

#endif /* EDGEXDP_COMMON_H */
