// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp unload: detach everywhere and remove the pinned state. */
#include <errno.h>
#include <stdbool.h>

#include "cmdline.h"
#include "common.h"
#include "loader.h"
#include "output.h"
#include "pins.h"

struct unload_opts {
	bool keep;
};

static int on_unload_opt(void *ctx, int key, const char *arg,
			 struct edgexdp_diag *d)
{
	struct unload_opts *uo = ctx;

	uo->keep = key == 'k';
	return 0;
}

/* {"unloaded": ..., key: true} under -j. */
static void print_json(bool unloaded, const char *key, bool value)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "unloaded",
			       json_object_new_boolean(unloaded));
	json_object_object_add(o, key, json_object_new_boolean(value));
	json_print(o);
}

static int do_unload(void *ctx, int argc, char **argv)
{
	const bool keep = ((const struct unload_opts *)ctx)->keep;
	struct edgexdp_diag d;
	enum pins_state state;
	int err;

	state = pins_state_explained();
	if (state == PINS_LOADED || state == PINS_KEPT_ONLY) {
		/* Held until we exit; then look again: it may have changed. */
		if (pins_lock(&d) < 0) {
			pr_diag(&d);
			return 1;
		}
		state = pins_state();
	}
	if (state == PINS_KEPT_ONLY && !keep) {
		/* Only flows kept by an earlier -k: discarding them is what
		 * a plain unload is for now. */
		err = pins_remove(NULL);
		if (err) {
			pr_err(err, "cannot remove the kept flow tables");
			return 1;
		}
		if (g_opts.json)
			print_json(false, "discarded_kept_state", true);
		else
			printf("edgexdp: not loaded; discarded the kept flow "
			       "tables\n");
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
		print_json(true, "kept_state", keep);
	else if (keep)
		printf("edgexdp: unloaded; flow tables kept under %s/%s for "
		       "the next load\n",
		       bpffs_root(), EDGEXDP_PIN_DIR);
	else
		printf("edgexdp: unloaded\n");
	return 0;
}

static const struct cmd_option unload_options[] = {
	{'k', "keep-state", NULL,
	 "keep the flow tables pinned: the next load\n"
	 "takes them over, so established connections\n"
	 "survive (while unloaded, nothing is filtered);\n"
	 "a plain unload later discards them"},
	{0},
};

const struct cmd cmd_unload = {
	.name = "unload",
	.summary = "detach the filter everywhere and remove its pinned state",
	.globals = CMD_JSON,
	.text = "Detach edgexdp from every NIC it was loaded on and remove "
		"its\n"
		"pinned maps under $EDGEXDP_BPFFS/edgexdp. Flows and counters "
		"are\n"
		"gone afterwards. Other XDP programs on those NICs are left "
		"alone.\n"
		"NICs are found by ifindex, so a renamed NIC is detached too.\n"
		"Pins of another edgexdp layout are not trusted: the pinned\n"
		"program is detached wherever it is attached in this "
		"namespace.\n",
	.options = unload_options,
	.ctx_size = sizeof(struct unload_opts),
	.on_opt = on_unload_opt,
	.run = do_unload,
};
