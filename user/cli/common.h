/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What every subcommand shares: global options, logging, command table. */
#ifndef EDGEXDP_COMMON_H
#define EDGEXDP_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#ifndef EDGEXDP_VERSION
#define EDGEXDP_VERSION "unknown" /* the Makefile passes VERSION's */
#endif

/* Global options, parsed once in main.c. */
struct global_opts {
	const char *config_path;
	bool json;
	int verbose;
};

extern struct global_opts g_opts;

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*help)(FILE *out);
	const char *summary;
};

/* Print one error line: "edgexdp: <what>: <strerror-like text of err>";
 * under -j, {"error": "<what>: <text>"} on stdout instead. */
void pr_err(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same without an errno: "edgexdp: <what>" or {"error": "<what>"}. */
void pr_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* libbpf/libxdp errors (negative errno or their own codes) as text. */
const char *bpf_errstr(int err, char *buf, size_t len);
/* Route libbpf and libxdp logs through one callback, quiet unless -v. */
void setup_library_logging(void);

int do_check(int argc, char **argv);
int do_load(int argc, char **argv);
int do_unload(int argc, char **argv);
int do_status(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_export(int argc, char **argv);
void help_check(FILE *out);
void help_load(FILE *out);
void help_unload(FILE *out);
void help_status(FILE *out);
void help_stats(FILE *out);
void help_export(FILE *out);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* EDGEXDP_COMMON_H */
