// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * edgexdp: enforce the Lync Server 2013 edge allow-list with XDP.
 * Global options here; each subcommand in its own cmd_*.c.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "common.h"
#include "config.h"
#include "pins.h"

static const struct cmd cmds[] = {
	{ "check", do_check, help_check,
	  "validate a config and print the rule table it expands to" },
	{ "load", do_load, help_load,
	  "attach the filter to every configured NIC and fill its maps" },
	{ "unload", do_unload, help_unload,
	  "detach the filter everywhere and remove its pinned state" },
	{ "status", do_status, help_status,
	  "show where the filter is attached and how full it is" },
	{ "stats", do_stats, help_stats,
	  "show per-rule hits, drops by reason and per-NIC totals" },
	{ "export", do_export, help_export,
	  "print the config as an nftables ruleset, for hosts without XDP" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: edgexdp [OPTIONS] COMMAND [ARGS]\n"
		"       edgexdp help [COMMAND]\n\n"
		"Options:\n"
		"  -c, --config FILE  config file (default %s)\n"
		"  -j, --json         print JSON\n"
		"  -v, --verbose      show libbpf/libxdp logs (twice: debug)\n"
		"  -V, --version      print the version and exit\n"
		"  -h, --help         this help\n\n"
		"Commands:\n",
		EDGEXDP_CONFIG_DEFAULT);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(out, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(out, "  %-8s %s\n", "help", "this text, or a command's own");
	fprintf(out,
		"\nEnvironment:\n"
		"  EDGEXDP_BPFFS      bpffs mount holding the pinned state "
		"(default /sys/fs/bpf)\n\n"
		"Exit status: 0 done, 1 failed (one message says why), 2 usage "
		"error.\n");
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return &cmds[i];
	return NULL;
}

static int do_help(int argc, char **argv)
{
	const struct cmd *cmd;

	if (argc < 2 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd) {
		pr_error("unknown command '%s'", argv[1]);
		return 2;
	}
	cmd->help(stdout);
	return 0;
}

static void print_version(void)
{
	if (g_opts.json)
		printf("{\"version\": \"%s\"}\n", EDGEXDP_VERSION);
	else
		printf("edgexdp %s\n", EDGEXDP_VERSION);
}

int main(int argc, char **argv)
{
	struct option longopts[8];
	const struct cmd *cmd;
	size_t n = 0;
	int opt;

	/* The global options, and --version, which only makes sense here. */
	for (const struct option *o = global_long_opts; o->name; o++)
		longopts[n++] = *o;
	longopts[n++] = (struct option){ "version", no_argument, NULL, 'V' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	g_opts.config_path = EDGEXDP_CONFIG_DEFAULT;
	/* '+': stop at the command name; the command parses the rest, and
	 * takes these options too (cmdline.c). */
	while ((opt = getopt_long(argc, argv, "+V" GLOBAL_SHORT_OPTS, longopts,
				  NULL)) != -1) {
		if (apply_global_opt(opt, optarg))
			continue;
		switch (opt) {
		case 'V':
			print_version();
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	setup_library_logging(); /* quiet, unless -v said otherwise */
	/* libxdp pins its dispatcher state too: keep it beside ours, in the
	 * bpffs that outlives `ip netns exec`. */
	setenv("LIBXDP_BPFFS", bpffs_root(), 0);

	argc -= optind;
	argv += optind;
	if (strcmp(argv[0], "help") == 0)
		return do_help(argc, argv);
	cmd = find_cmd(argv[0]);
	if (!cmd) {
		pr_error("unknown command '%s'; see 'edgexdp help'",
			argv[0]);
		return 2;
	}
	return cmd->run(argc, argv);
}
