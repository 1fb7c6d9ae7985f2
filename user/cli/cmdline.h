/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef EDGEXDP_CMDLINE_H
#define EDGEXDP_CMDLINE_H

#include <getopt.h>
#include <stdio.h>

#define CMD_OPTS_HELP 1 /* help was printed: exit 0 */

/* Options every command takes, before or after its name. */
#define GLOBAL_SHORT_OPTS "c:jvh"
extern const struct option global_long_opts[];
/* Apply -c, -j or -v; 1 if opt was one of them. */
int apply_global_opt(int opt, const char *arg);

struct cmd_opts {
	const char *extra_short; /* getopt letters beyond c:jvh */
	const struct option *extra_long; /* NULL-terminated, or NULL */
	int (*on_opt)(int opt, const char *arg, void *ctx);
	void *ctx;
	void (*help)(FILE *out);
};

/* 0, CMD_OPTS_HELP, or negative errno (usage already printed). */
int parse_cmd_opts(int argc, char **argv, const struct cmd_opts *co);
int parse_uint(const char *text, unsigned long min, unsigned long max,
	       unsigned long *out);

struct edgexdp_config;
struct ruleset;
/* Parse (and with check_host, check against this host) and compile the
 * config named by -c; prints the one error and returns it. */
int load_and_compile(struct edgexdp_config *cfg, struct ruleset *rs,
		     int check_host);

#endif /* EDGEXDP_CMDLINE_H */
