// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * edgexdp: enforce the Lync Server 2013 edge allow-list with XDP.
 * Global options here; each subcommand in its own cmd_*.c, dispatched
 * through cmdline.c.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cmdline.h"
#include "common.h"
#include "config.h"
#include "output.h"
#include "pins.h"

static const struct cmd *const cmds[] = {
	&cmd_check, &cmd_load,	 &cmd_reload,	&cmd_unload, &cmd_status,
	&cmd_stats, &cmd_export, &cmd_exporter, &cmd_log,
};

/* --version only makes sense before a command. */
static const struct cmd_option main_options[] = {
	{'V', "version", NULL, "print the version and exit"},
	{0},
};

static void usage(FILE *out)
{
	const struct cmd_option *const tables[] = {global_options, main_options,
						   NULL};

	fprintf(out, "Usage: edgexdp [OPTIONS] COMMAND [ARGS]\n"
		     "       edgexdp help [COMMAND]\n\n"
		     "Options:\n");
	print_options(out, tables);
	fprintf(out, "\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(out, "  %-8s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(out, "  %-8s %s\n", "help", "this text, or a command's own");
	fprintf(out,
		"\nEnvironment:\n"
		"  EDGEXDP_BPFFS      bpffs mount holding the pinned state "
		"(default /sys/fs/bpf)\n"
		"  EDGEXDP_LOCK_TIMEOUT  seconds a command that changes the "
		"state\n"
		"                     waits for another to finish (default "
		"10)\n\n"
		"Exit status: 0 done, 1 failed (one message says why), 2 usage "
		"error;\n"
		"status: 3 loaded, but not attached to every NIC it was loaded "
		"on.\n");
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(cmds[i]->name, name) == 0)
			return cmds[i];
	return NULL;
}

static int unknown_command(const char *name, const char *hint)
{
	struct edgexdp_diag d;

	diag_set(&d, 0, "unknown command '%s'%s", name, hint);
	return usage_error(NULL, &d);
}

static int do_help(int argc, char **argv)
{
	const struct cmd *cmd;

	if (argc < 2 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd)
		return unknown_command(argv[1], "");
	print_cmd_help(stdout, cmd);
	return 0;
}

static void print_version(void)
{
	struct json_object *o;

	if (!g_opts.json) {
		printf("edgexdp %s\n", EDGEXDP_VERSION);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "version",
			       json_object_new_string(EDGEXDP_VERSION));
	json_print(o);
}

#define GO_ON (-1)

/* The options before the command name: GO_ON, or the exit status. */
static int parse_global(int argc, char **argv)
{
	const struct cmd_option *const tables[] = {global_options, main_options,
						   NULL};
	struct option longopts[8];
	struct edgexdp_diag d;
	char shortopts[24];
	int opt;

	if (getopt_tables(tables, 1, shortopts, sizeof(shortopts), longopts,
			  ARRAY_SIZE(longopts)))
		return 1;
	opterr = 0; /* we say it, once */
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		if (apply_global_opt(opt, optarg))
			continue;
		switch (opt) {
		case 'V':
			print_version();
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			diag_set(&d, 0, "option '%s' needs a value",
				 argv[optind - 1]);
			return usage_error(NULL, &d);
		default:
			diag_set(&d, 0, "unknown option '%s'",
				 argv[optind - 1]);
			return usage_error(NULL, &d);
		}
	}
	if (optind >= argc) {
		diag_set(&d, 0, "no command given");
		return usage_error(NULL, &d);
	}
	return GO_ON;
}

int main(int argc, char **argv)
{
	const struct cmd *cmd;
	int ret;

	g_opts.config_path = EDGEXDP_CONFIG_DEFAULT;
	/* Stop at the command name; the command parses the rest, and takes
	 * these options too (cmdline.c). */
	ret = parse_global(argc, argv);
	if (ret != GO_ON)
		return ret;
	setup_library_logging(); /* quiet, unless -v said otherwise */
	/* libxdp pins its dispatcher state too: keep it beside ours, in the
	 * bpffs that outlives `ip netns exec`. */
	setenv("LIBXDP_BPFFS", bpffs_root(), 0);

	argc -= optind;
	argv += optind;
	if (strcmp(argv[0], "help") == 0)
		return do_help(argc, argv);
	cmd = find_cmd(argv[0]);
	if (!cmd)
		return unknown_command(argv[0], "; see 'edgexdp help'");
	return cmd_dispatch(cmd, argc, argv);
}
