// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp unload: detach everywhere and remove the pinned state. */
#include <errno.h>
#include <stdbool.h>

#include "cmdline.h"
#include "common.h"
#include "loader.h"
#include "pins.h"

void help_unload(FILE *out)
{
	fprintf(out,
		"Usage: edgexdp unload [-k]\n\n"
		"Detach edgexdp from every NIC it was loaded on and remove its\n"
		"pinned maps under $EDGEXDP_BPFFS/edgexdp. Flows and counters are\n"
		"gone afterwards. Other XDP programs on those NICs are left alone.\n\n"
		"  -k, --keep-state  keep the flow tables pinned: the next load\n"
		"                    takes them over, so established connections\n"
		"                    survive (while unloaded, nothing is filtered);\n"
		"                    a plain unload later discards them\n");
}

static int on_unload_opt(int opt, const char *arg, void *ctx)
{
	if (opt != 'k')
		return -EINVAL;
	*(bool *)ctx = true;
	return 0;
}

int do_unload(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keep-state", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	bool keep = false;
	const struct cmd_opts co = { .extra_short = "k",
				     .extra_long = longopts,
				     .on_opt = on_unload_opt,
				     .ctx = &keep,
				     .help = help_unload };
	struct edgexdp_diag d;
	enum pins_state state;
	int err;

	err = parse_cmd_opts(argc, argv, &co);
	if (err)
		return err == CMD_OPTS_HELP ? 0 : 2;
	state = pins_state_explained();
	if (state == PINS_KEPT_ONLY && !keep) {
		/* Only flows kept by an earlier -k: discarding them is what
		 * a plain unload is for now. */
		err = pins_remove(NULL);
		if (err) {
			pr_err(err, "cannot remove the kept flow tables");
			return 1;
		}
		printf(g_opts.json ? "{\"unloaded\": false, \"discarded_kept_state\": true}\n" :
				     "edgexdp: not loaded; discarded the kept flow tables\n");
		return 0;
	}
	if (state != PINS_LOADED) {
		pr_not_loaded(state);
		return 1;
	}
	err = loader_unload(keep, &d);
	if (err) {
		pr_diag(&d);
		return 1;
	}
	if (g_opts.json)
		printf("{\"unloaded\": true, \"kept_state\": %s}\n",
		       keep ? "true" : "false");
	else if (keep)
		printf("edgexdp: unloaded; flow tables kept under %s/%s for "
		       "the next load\n", bpffs_root(), EDGEXDP_PIN_DIR);
	else
		printf("edgexdp: unloaded\n");
	return 0;
}
