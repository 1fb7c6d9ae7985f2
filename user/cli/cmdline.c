// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Per-command option parsing: global options are accepted after the
 * command name too, so every command takes -c, -j, -v and -h. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "common.h"
#include "config.h"
#include "lint.h"
#include "ruleset.h"

#define MAX_LONG_OPTS 16

const struct option global_long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int apply_global_opt(int opt, const char *arg)
{
	switch (opt) {
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

int parse_cmd_opts(int argc, char **argv, const struct cmd_opts *co)
{
	struct option longopts[MAX_LONG_OPTS];
	char shortopts[64] = GLOBAL_SHORT_OPTS;
	size_t n = 0;
	int opt, err;

	for (const struct option *o = global_long_opts; o->name; o++)
		longopts[n++] = *o;
	for (const struct option *o = co->extra_long; o && o->name; o++) {
		if (n >= MAX_LONG_OPTS - 1)
			return -E2BIG;
		longopts[n++] = *o;
	}
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	if (co->extra_short)
		strncat(shortopts, co->extra_short,
			sizeof(shortopts) - strlen(shortopts) - 1);

	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		if (apply_global_opt(opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			co->help(stdout);
			return CMD_OPTS_HELP;
		case '?':
			co->help(stderr);
			return -EINVAL;
		default:
			if (!co->on_opt)
				return -EINVAL;
			err = co->on_opt(opt, optarg, co->ctx);
			if (err)
				return err;
		}
	}
	if (optind < argc) {
		pr_error("unexpected argument '%s'",
			argv[optind]);
		co->help(stderr);
		return -EINVAL;
	}
	return 0;
}

int parse_uint(const char *text, unsigned long min, unsigned long max,
	       unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!text || !*text || *text == '-')
		return -EINVAL;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
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
