/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Commands and their options, declared once: the dispatcher parses every
 * command's options from its table, reports a usage error once (exit 2),
 * and prints the help generated from the same table.
 */
#ifndef EDGEXDP_CMDLINE_H
#define EDGEXDP_CMDLINE_H

#include <stddef.h>
#include <stdio.h>

#include "diag.h"

#define EXIT_USAGE 2

/* One option: its letter, long name, argument and help, in one place. */
struct cmd_option {
	int key; /* the short letter */
	const char *name; /* the long name */
	const char *arg; /* its argument as the help names it; NULL: a flag */
	const char *help; /* '\n' continues it on the next line */
};

/* Which global options a command uses, for its usage line. */
#define CMD_CONFIG (1u << 0) /* -c FILE */
#define CMD_JSON (1u << 1) /* -j */

struct cmd {
	const char *name;
	const char *summary; /* its line in `edgexdp help` */
	unsigned int globals; /* CMD_CONFIG | CMD_JSON */
	const char *args; /* positional arguments in the usage, or NULL */
	int max_args;
	const char *text; /* what it does, above the options */
	const struct cmd_option *options; /* {0}-terminated, or NULL */
	const char *after; /* below the options, or NULL */
	size_t ctx_size; /* its parsed options (zeroed), handed to run */
	/* Apply one of its options: 0, or -EINVAL saying why in d. */
	int (*on_opt)(void *ctx, int key, const char *arg,
		      struct edgexdp_diag *d);
	/* Options and arguments together: 0, or -EINVAL saying why in d. */
	int (*check)(void *ctx, int argc, char **argv, struct edgexdp_diag *d);
	/* The positional arguments only; returns the exit status. */
	int (*run)(void *ctx, int argc, char **argv);
};

extern const struct cmd cmd_check, cmd_load, cmd_reload, cmd_unload, cmd_status,
	cmd_stats, cmd_export, cmd_exporter, cmd_log;

/* The options every command takes, before or after its name. */
extern const struct cmd_option global_options[];
/* Apply -c, -j or -v; 1 if key was one of them. */
int apply_global_opt(int key, const char *arg);
/* Build getopt's tables from option tables; the short string starts
 * with "+:" when stop_at_arg (the dispatcher before the command name). */
struct option;
int getopt_tables(const struct cmd_option *const *tables, int stop_at_arg,
		  char *shortopts, size_t short_len, struct option *longopts,
		  size_t long_len);

/* "  -i, --interval SECONDS  print every ..." lines, aligned. */
void print_options(FILE *out, const struct cmd_option *const *tables);
void print_cmd_help(FILE *out, const struct cmd *cmd);
/* The one report of a usage error: "edgexdp: <d->msg>" and the usage
 * line of the command (NULL: the global one); returns EXIT_USAGE. */
int usage_error(const struct cmd *cmd, const struct edgexdp_diag *d);

/* Parse the command's options, then run it: its exit status. */
int cmd_dispatch(const struct cmd *cmd, int argc, char **argv);

#include "number.h" /* parse_uint, for option values */

struct edgexdp_config;
struct ruleset;
/* Parse (and with check_host, check against this host) and compile the
 * config named by -c; prints the one error and returns it. */
int load_and_compile(struct edgexdp_config *cfg, struct ruleset *rs,
		     int check_host);

#endif /* EDGEXDP_CMDLINE_H */
