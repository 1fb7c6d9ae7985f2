/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * How the library speaks. It never prints: a failing call returns a
 * negative errno and fills one struct edgexdp_diag, which the caller (the
 * CLI) prints once; warnings and progress, and libbpf's and libxdp's own
 * logs, go to the one print callback the caller sets (as libbpf_set_print).
 */
#ifndef EDGEXDP_DIAG_H
#define EDGEXDP_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/*
 * One error. msg is the whole message as the operator reads it, with
 * "FILE:LINE:COLUMN: " in front when it is about a value in the config;
 * file, line and column repeat that position for machines (line 0: the
 * error has no position). The first error stops the call: nothing that
 * follows a bad value can be trusted, and the operator fixes one thing at
 * a time.
 */
struct edgexdp_diag {
	char msg[512];
	char file[256];
	unsigned int line;
	unsigned int column;
};

/* Set the message; with err nonzero, ": <text of err>" follows it (as
 * "cannot attach to eth0: Device or resource busy"). Returns err. */
int diag_set(struct edgexdp_diag *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* " (run as root)" for a permission error, else "". */
const char *diag_privilege_hint(int err);
/* Set a message about the value at file:line:column. */
void diag_set_at(struct edgexdp_diag *d, const char *file, unsigned int line,
		 unsigned int column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_vset_at(struct edgexdp_diag *d, const char *file, unsigned int line,
		  unsigned int column, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
void diag_clear(struct edgexdp_diag *d);
/* A line of advice under the message, kept as written: a constant of the
 * code's, where the message's values (from files, the environment) have
 * their control characters escaped. */
void diag_add_hint(struct edgexdp_diag *d, const char *hint);

/* libbpf/libxdp errors (negative errno or their own codes) as text. */
const char *bpf_errstr(int err, char *buf, size_t len);

enum edgexdp_log_level {
	EDGEXDP_LOG_WARN, /* the operator must see it: we went on anyway */
	EDGEXDP_LOG_INFO, /* what was done on the way ("mounted bpffs") */
	EDGEXDP_LOG_LIBRARY, /* libbpf's and libxdp's warnings and notes */
	EDGEXDP_LOG_DEBUG, /* libbpf's and libxdp's debug output */
};

typedef void (*edgexdp_print_fn)(enum edgexdp_log_level level, const char *fmt,
				 va_list ap);

/* Route the library's messages, and libbpf's and libxdp's, to `fn`
 * (NULL: silence them all). */
void edgexdp_set_print(edgexdp_print_fn fn);
void edgexdp_log(enum edgexdp_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* EDGEXDP_DIAG_H */
