// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp reload: switch a loaded filter to a new config, atomically. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "common.h"
#include "config.h"
#include "output.h"
#include "pins.h"
#include "reload.h"
#include "ssh_guard.h"

struct reload_opts {
	bool force;
	bool dry_run;
};

static int on_reload_opt(void *ctx, int key, const char *arg,
			 struct edgexdp_diag *d)
{
	struct reload_opts *ro = ctx;

	if (key == 'f')
		ro->force = true;
	else
		ro->dry_run = true;
	return 0;
}

static struct json_object *json_rules(const struct reload_rule *r, size_t n,
				      bool totals)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name",
				       json_object_new_string(r[i].name));
		json_object_object_add(o, "flows_cut",
				       json_object_new_uint64(r[i].flows_cut));
		if (totals) {
			json_object_object_add(
				o, "flows",
				json_object_new_uint64(r[i].totals.flows));
			json_object_object_add(
				o, "packets",
				json_object_new_uint64(r[i].totals.packets));
			json_object_object_add(
				o, "bytes",
				json_object_new_uint64(r[i].totals.bytes));
		}
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_names(const char (*names)[EDGEXDP_IFNAME_LEN],
				      size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(names[i]));
	return a;
}

static void print_json(const struct reload_result *res, bool dry_run)
{
	struct json_object *root = json_object_new_object();
	struct json_object *flows = json_object_new_object();

	json_object_object_add(root, "dry_run",
			       json_object_new_boolean(dry_run));
	json_object_object_add(root, "rules",
			       json_object_new_uint64(res->n_rules));
	json_object_object_add(root, "added",
			       json_rules(res->added, res->n_added, false));
	json_object_object_add(
		root, "removed",
		json_rules(res->removed, res->n_removed, !dry_run));
	json_object_object_add(root, "changed",
			       json_rules(res->changed, res->n_changed, false));
	json_object_object_add(root, "attached",
			       json_names(res->attached, res->n_attached));
	json_object_object_add(root, "detached",
			       json_names(res->detached, res->n_detached));
	json_object_object_add(flows, "kept",
			       json_object_new_uint64(res->flows.kept));
	json_object_object_add(flows, "reassigned",
			       json_object_new_uint64(res->flows.reassigned));
	json_object_object_add(flows, "cut",
			       json_object_new_uint64(res->flows.dropped));
	json_object_object_add(root, "flows", flows);
	if (!dry_run)
		json_object_object_add(
			root, "reloads",
			json_object_new_uint64(res->info.reloads));
	json_print(root);
}

static void print_rules(const char *what, const struct reload_rule *r, size_t n,
			bool totals)
{
	for (size_t i = 0; i < n; i++) {
		printf("  %-8s %s", what, r[i].name);
		if (r[i].flows_cut)
			printf(" (%llu live flows cut)",
			       (unsigned long long)r[i].flows_cut);
		if (totals)
			printf(": %llu flows, %llu packets, %llu bytes in all",
			       (unsigned long long)r[i].totals.flows,
			       (unsigned long long)r[i].totals.packets,
			       (unsigned long long)r[i].totals.bytes);
		putchar('\n');
	}
}

static void print_plain(const struct reload_result *res, const char *config,
			bool dry_run)
{
	if (dry_run)
		printf("edgexdp: reloading %s would change:\n", config);
	else
		printf("edgexdp: reloaded %zu rule%s from %s\n", res->n_rules,
		       res->n_rules == 1 ? "" : "s", config);
	print_rules("added", res->added, res->n_added, false);
	print_rules("removed", res->removed, res->n_removed, !dry_run);
	print_rules("changed", res->changed, res->n_changed, false);
	for (size_t i = 0; i < res->n_attached; i++)
		printf("  %-8s NIC %s\n", dry_run ? "attach" : "attached",
		       res->attached[i]);
	for (size_t i = 0; i < res->n_detached; i++)
		printf("  %-8s NIC %s\n", dry_run ? "detach" : "detached",
		       res->detached[i]);
	printf("  flows:   %llu %s, %llu %s\n",
	       (unsigned long long)res->flows.kept,
	       dry_run ? "would stay" : "kept",
	       (unsigned long long)res->flows.dropped,
	       dry_run ? "would be cut (no rule allows them)"
		       : "cut (no rule allows them now)");
}

/* Loaded, of this layout, and ours to change: else say what to do. */
static int check_loaded(void)
{
	enum pins_state state = pins_state_explained();

	if (state == PINS_LOADED)
		return 0;
	if (state == PINS_NO_ACCESS)
		pr_not_loaded(state);
	else
		pr_error("nothing is loaded to reload (no filter pinned under "
			 "%s/%s): use 'edgexdp load'",
			 bpffs_root(), EDGEXDP_PIN_DIR);
	return -ENOENT;
}

static int do_reload(void *ctx, int argc, char **argv)
{
	const struct reload_opts *ro = ctx;
	struct reload_request req = {.dry_run = ro->dry_run};
	struct edgexdp_config cfg = {0};
	struct reload_result res = {0};
	struct ruleset rs = {0};
	char config_abs[PATH_MAX];
	struct edgexdp_diag d;
	struct ct_seed ssh_seed;
	int err;

	if (load_and_compile(&cfg, &rs, 1))
		return 1;
	err = check_ssh_session(&rs, "reload", ro->force, &ssh_seed,
				&req.n_seeds);
	/* Held until we exit; the state is looked at under it. */
	if (!err && !ro->dry_run && (err = pins_lock(&d)) < 0)
		pr_diag(&d);
	else if (err > 0)
		err = 0;
	if (!err)
		err = check_loaded();
	req.rs = &rs;
	req.config_path =
		realpath(cfg.path, config_abs) ? config_abs : cfg.path;
	req.seeds = &ssh_seed;
	if (!err && (err = loader_reload(&req, &res, &d)))
		pr_diag(&d);
	if (!err && g_opts.json)
		print_json(&res, ro->dry_run);
	else if (!err)
		print_plain(&res, req.config_path, ro->dry_run);
	reload_result_free(&res);
	ruleset_free(&rs);
	config_free(&cfg);
	return err ? 1 : 0;
}

static const struct cmd_option reload_options[] = {
	{'n', "dry-run", NULL,
	 "say what would change (rules added, removed,\n"
	 "changed; NICs attached, detached; live flows\n"
	 "cut, by rule) and change nothing"},
	{'f', "force", NULL,
	 "reload even if it cuts the SSH session it runs from"},
	{0},
};

const struct cmd cmd_reload = {
	.name = "reload",
	.summary = "switch the loaded filter to a new config, atomically",
	.globals = CMD_CONFIG | CMD_JSON,
	.text = "Compile FILE (default " EDGEXDP_CONFIG_DEFAULT
		") and fill a complete new rule set\n"
		"beside the live one, sharing its flow table and counters; "
		"then\n"
		"switch every NIC to it in one atomic step (each packet is "
		"judged\n"
		"entirely by the old rules or entirely by the new), attach "
		"NICs\n"
		"new to the config and detach those it no longer lists. At no\n"
		"moment is a NIC unfiltered. Flows no rule allows any more "
		"are\n"
		"removed right after the switch, and counted; a rule that "
		"exists\n"
		"before and after (same name) keeps its counters, a new one\n"
		"starts at zero, a removed one's totals are printed once.\n"
		"A failure at any step changes nothing: the old rules stay.\n"
		"Needs a loaded filter ('edgexdp load' first). Each NIC keeps "
		"its\n"
		"XDP mode; the flow table keeps its size.\n",
	.options = reload_options,
	.ctx_size = sizeof(struct reload_opts),
	.on_opt = on_reload_opt,
	.run = do_reload,
};
