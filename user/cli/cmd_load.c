// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp load: compile the config, fill the maps, attach everywhere. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "ct.h"
#include "common.h"
#include "loader.h"
#include "output.h"
#include "pins.h"
#include "ssh_guard.h"

struct load_opts {
	int force;
};

static int on_load_opt(void *ctx, int key, const char *arg,
		       struct edgexdp_diag *d)
{
	struct load_opts *lo = ctx;

	lo->force = key == 'f';
	return 0;
}

static void print_result(const struct load_result *res)
{
	const struct edgexdp_load_info *info = &res->info;

	if (g_opts.json) {
		struct json_object *root = json_object_new_object();
		struct json_object *ifs = json_object_new_array();

		for (__u32 i = 0; i < info->n_ifaces; i++)
			json_object_array_add(
				ifs, json_attached_iface(&info->ifaces[i]));
		json_object_object_add(root, "rules",
				       json_object_new_int64(info->n_rules));
		json_object_object_add(root, "interfaces", ifs);
		if (res->kept_flows) {
			struct json_object *k = json_object_new_object();

			json_object_object_add(
				k, "kept",
				json_object_new_uint64(res->kept.kept));
			json_object_object_add(
				k, "reassigned",
				json_object_new_uint64(res->kept.reassigned));
			json_object_object_add(
				k, "dropped",
				json_object_new_uint64(res->kept.dropped));
			json_object_object_add(root, "kept_flows", k);
		}
		json_print(root);
		return;
	}
	printf("edgexdp: loaded %u %s from %s\n", info->n_rules,
	       plural(info->n_rules, "rule", "rules"), info->config_path);
	if (res->kept_flows)
		printf("edgexdp: took over the kept flows: %llu still allowed "
		       "(%llu now counted on another rule), %llu removed: no "
		       "rule allows them now\n",
		       (unsigned long long)res->kept.kept,
		       (unsigned long long)res->kept.reassigned,
		       (unsigned long long)res->kept.dropped);
	for (__u32 i = 0; i < info->n_ifaces; i++) {
		const struct edgexdp_attached_iface *a = &info->ifaces[i];

		printf("  %-16s zone %-8s %s XDP, %s%s (prog id %u)\n", a->name,
		       zone_name(a->zone), attach_mode_name(a->xdp_mode),
		       attach_kind_name(a->kind),
		       a->kind == EDGEXDP_ATTACH_SINGLE
			       ? " (libxdp dispatcher unavailable here)"
			       : " via libxdp dispatcher",
		       a->prog_id);
	}
}

static int do_load(void *ctx, int argc, char **argv)
{
	const struct load_opts *lo = ctx;
	struct edgexdp_config cfg = {0};
	struct load_request req = {0};
	struct load_result res;
	struct ruleset rs = {0};
	char config_abs[PATH_MAX];
	struct edgexdp_diag d;
	struct ct_seed ssh_seed;
	int err;

	if (load_and_compile(&cfg, &rs, 1))
		return 1;
	err = check_ssh_session(&rs, "load", lo->force, &ssh_seed,
				&req.n_seeds);
	if (!err && (err = bpffs_ensure_mounted(&d)))
		pr_diag(&d);
	/* Held until we exit: a second load waits, then finds this one. */
	if (!err && (err = pins_lock(&d)) < 0)
		pr_diag(&d);
	else if (err > 0)
		err = 0;
	if (!err && pins_state() == PINS_NO_ACCESS) {
		pr_not_loaded(PINS_NO_ACCESS);
		err = -EACCES;
	}
	if (!err && pins_state() == PINS_LOADED) {
		err = -EEXIST;
		pr_error("already loaded (state pinned under %s/%s); "
			 "run 'edgexdp unload' first",
			 bpffs_root(), EDGEXDP_PIN_DIR);
	}
	req.rs = &rs;
	/* status shows it later, from anywhere: make it absolute. */
	req.config_path =
		realpath(cfg.path, config_abs) ? config_abs : cfg.path;
	req.seeds = &ssh_seed;
	if (!err && (err = loader_load(&req, &res, &d)))
		pr_diag(&d);
	if (!err)
		print_result(&res);
	ruleset_free(&rs);
	config_free(&cfg);
	return err ? 1 : 0;
}

static const struct cmd_option load_options[] = {
	{'f', "force", NULL,
	 "load even if it cuts the SSH session it runs from"},
	{0},
};

const struct cmd cmd_load = {
	.name = "load",
	.summary =
		"attach the filter to every configured NIC and fill its maps",
	.globals = CMD_CONFIG | CMD_JSON,
	.text = "Compile FILE (default " EDGEXDP_CONFIG_DEFAULT
		"), create and fill the filter's maps,\n"
		"attach the XDP program to every NIC the config lists "
		"(through\n"
		"libxdp: its multi-program dispatcher where the kernel allows\n"
		"freplace, a single program otherwise; the output says which)\n"
		"and pin the state under $EDGEXDP_BPFFS/edgexdp (default\n"
		"/sys/fs/bpf/edgexdp), mounting bpffs there if needed.\n"
		"All or nothing: a failure at any step undoes the earlier "
		"ones.\n\n"
		"Run from an SSH session ($SSH_CONNECTION), load enters that\n"
		"session in the flow table when a rule allows it, so the\n"
		"stateful filter does not cut it; when no rule allows it, "
		"load\n"
		"refuses unless -f is given.\n",
	.options = load_options,
	.ctx_size = sizeof(struct load_opts),
	.on_opt = on_load_opt,
	.run = do_load,
};
