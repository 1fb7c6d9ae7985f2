// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Per-command option parsing: global options are accepted after the
 * command name too, so every command takes -c, -j, -v and -h. Usage
 * errors are reported here, once, for every command. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "common.h"
#include "config.h"
#include "lint.h"
#include "ruleset.h"

#define MAX_OPTS 16

const struct cmd_option global_options[] = {
	{'c', "config", "FILE",
	 "config file (default " EDGEXDP_CONFIG_DEFAULT ")"},
	{'j', "json", NULL, "print JSON"},
	{'v', "verbose", NULL, "show libbpf/libxdp logs (twice: debug)"},
	{'h', "help", NULL, "this help"},
	{0},
};

int apply_global_opt(int key, const char *arg)
{
	switch (key) {
	case 'c':
		g_opts.config_path = arg;
		return 1;
	case 'j':
		g_opts.json = true;
		return 1;
	case 'v':
		g_opts.verbose++;
		return 1;
	default:
		return 0; /* -h and the command's own: the caller's */
	}
}

int getopt_tables(const struct cmd_option *const *tables, int stop_at_arg,
		  char *shortopts, size_t short_len, struct option *longopts,
		  size_t long_len)
{
	size_t n = 0, len = 0;

	/* ':' first: a missing value is ':', not '?', so we can say so. */
	len += (size_t)snprintf(shortopts, short_len,
				"%s:", stop_at_arg ? "+" : "");
	for (; *tables; tables++) {
		for (const struct cmd_option *o = *tables; o->key; o++) {
			if (n + 1 >= long_len || len + 3 >= short_len)
				return -E2BIG;
			longopts[n++] = (struct option){
				o->name,
				o->arg ? required_argument : no_argument, NULL,
				o->key};
			shortopts[len++] = (char)o->key;
			if (o->arg)
				shortopts[len++] = ':';
			shortopts[len] = '\0';
		}
	}
	longopts[n] = (struct option){NULL, 0, NULL, 0};
	return 0;
}

/* "-i, --interval SECONDS" */
static int option_label(char *buf, size_t len, const struct cmd_option *o)
{
	return snprintf(buf, len, "-%c, --%s%s%s", o->key, o->name,
			o->arg ? " " : "", o->arg ? o->arg : "");
}

void print_options(FILE *out, const struct cmd_option *const *tables)
{
	const struct cmd_option *const *t;
	char label[64];
	int width = 0;

	for (t = tables; *t; t++)
		for (const struct cmd_option *o = *t; o->key; o++) {
			int n = option_label(label, sizeof(label), o);

			width = n > width ? n : width;
		}
	for (t = tables; *t; t++)
		for (const struct cmd_option *o = *t; o->key; o++) {
			const char *h = o->help;

			option_label(label, sizeof(label), o);
			fprintf(out, "  %-*s  ", width, label);
			/* Continuation lines line up under the first. */
			for (; *h; h++) {
				fputc(*h, out);
				if (*h == '\n')
					fprintf(out, "  %-*s  ", width, "");
			}
			fputc('\n', out);
		}
}

static void print_usage_line(FILE *out, const struct cmd *cmd)
{
	fprintf(out, "Usage: edgexdp %s", cmd->name);
	if (cmd->args)
		fprintf(out, " %s", cmd->args);
	if (cmd->globals & CMD_CONFIG)
		fputs(" [-c FILE]", out);
	if (cmd->globals & CMD_JSON)
		fputs(" [-j]", out);
	for (const struct cmd_option *o = cmd->options; o && o->key; o++)
		fprintf(out, " [-%c%s%s]", o->key, o->arg ? " " : "",
			o->arg ? o->arg : "");
	fputc('\n', out);
}

void print_cmd_help(FILE *out, const struct cmd *cmd)
{
	const struct cmd_option *const tables[] = {cmd->options, NULL};

	print_usage_line(out, cmd);
	fprintf(out, "\n%s", cmd->text);
	if (cmd->options) {
		fputc('\n', out);
		print_options(out, tables);
	}
	if (cmd->after)
		fprintf(out, "\n%s", cmd->after);
}

int usage_error(const struct cmd *cmd, const struct edgexdp_diag *d)
{
	pr_diag(d);
	if (g_opts.json)
		return EXIT_USAGE; /* the error said it all, as JSON */
	if (cmd)
		print_usage_line(stderr, cmd);
	else
		fputs("Usage: edgexdp [OPTIONS] COMMAND [ARGS]; see 'edgexdp "
		      "help'\n",
		      stderr);
	return EXIT_USAGE;
}

/* getopt's '?' or ':' as words: the option as it was typed. */
static void bad_option(const struct cmd *cmd, int opt, char **argv,
		       struct edgexdp_diag *d)
{
	const char *typed = argv[optind - 1];

	if (opt == ':')
		diag_set(d, 0, "%s: option '%s' needs a value", cmd->name,
			 typed);
	else if (optopt)
		diag_set(d, 0, "%s: unknown option '-%c'", cmd->name, optopt);
	else
		diag_set(d, 0, "%s: unknown option '%s'", cmd->name, typed);
}

static int cmd_takes(const struct cmd *cmd, int key)
{
	for (const struct cmd_option *o = cmd->options; o && o->key; o++)
		if (o->key == key)
			return 1;
	return 0;
}

/* 1: help printed; 0: parsed; -EINVAL: usage error in d. */
static int parse_opts(const struct cmd *cmd, void *ctx, int argc, char **argv,
		      struct edgexdp_diag *d)
{
	struct cmd_option globals[MAX_OPTS];
	const struct cmd_option *const tables[] = {globals, cmd->options, NULL};
	struct option longopts[MAX_OPTS];
	char shortopts[2 * MAX_OPTS + 3];
	size_t n = 0;
	int opt, err;

	/* A command may take a global letter for its own (log -c COUNT):
	 * then the global option is not one of its options at all. */
	for (const struct cmd_option *o = global_options;
	     o->key && n < MAX_OPTS - 1; o++)
		if (!cmd_takes(cmd, o->key))
			globals[n++] = *o;
	globals[n] = (struct cmd_option){0};

	err = getopt_tables(tables, 0, shortopts, sizeof(shortopts), longopts,
			    MAX_OPTS);
	if (err)
		return diag_set(d, err, "%s: option table", cmd->name);
	/* 0, not 1: glibc then rereads the ordering ('+' stopped the global
	 * options at the command name; the command's own may come after its
	 * arguments). */
	optind = 0;
	opterr = 0; /* we say it, once */
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		if (!cmd_takes(cmd, opt) && apply_global_opt(opt, optarg))
			continue;
		if (opt == 'h') {
			print_cmd_help(stdout, cmd);
			return 1;
		}
		if (opt == '?' || opt == ':' || !cmd->on_opt) {
			bad_option(cmd, opt, argv, d);
			return -EINVAL;
		}
		err = cmd->on_opt(ctx, opt, optarg, d);
		if (err)
			return err;
	}
	if (argc - optind > cmd->max_args) {
		diag_set(d, 0, "%s: unexpected argument '%s'", cmd->name,
			 argv[optind + cmd->max_args]);
		return -EINVAL;
	}
	return 0;
}

int cmd_dispatch(const struct cmd *cmd, int argc, char **argv)
{
	struct edgexdp_diag d;
	void *ctx = NULL;
	int err, ret;

	diag_clear(&d);
	if (cmd->ctx_size && !(ctx = calloc(1, cmd->ctx_size))) {
		pr_err(-ENOMEM, "%s", cmd->name);
		return 1;
	}
	err = parse_opts(cmd, ctx, argc, argv, &d);
	if (!err && cmd->check)
		err = cmd->check(ctx, argc - optind, argv + optind, &d);
	if (err == 1)
		ret = 0;
	else if (err)
		ret = usage_error(cmd, &d);
	else
		ret = cmd->run(ctx, argc - optind, argv + optind);
	free(ctx);
	return ret;
}

static void warn_line(void *ctx, const char *msg)
{
	(void)ctx;
	pr_warn("%s", msg);
}

int load_and_compile(struct edgexdp_config *cfg, struct ruleset *rs,
		     int check_host)
{
	struct edgexdp_diag cerr;
	int err;

	err = config_load_file(g_opts.config_path, cfg, &cerr);
	if (!err && check_host)
		err = config_check_host(cfg, &cerr);
	if (!err)
		err = ruleset_compile(cfg, rs, &cerr);
	if (err) {
		pr_diag(&cerr);
		config_free(cfg);
		return err;
	}
	config_lint(cfg, rs, warn_line, NULL);
	return 0;
}
