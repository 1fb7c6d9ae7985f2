// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp status: where the filter is attached and how full it is. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <xdp/libxdp.h>

#include "cmdline.h"
#include "common.h"
#include "ct.h"
#include "loader.h"
#include "maps.h"
#include "output.h"
#include "pins.h"

#define STATUS_NOT_ATTACHED 3

enum nic_state {
	NIC_ATTACHED,
	NIC_NOT_ATTACHED, /* exists, but our program is not on it */
	NIC_GONE, /* no NIC has this ifindex any more */
};

static const char *const nic_state_names[] = {
	[NIC_ATTACHED] = "attached",
	[NIC_NOT_ATTACHED] = "not-attached",
	[NIC_GONE] = "gone",
};

/* Is our program (by id) still on this NIC (by ifindex, whatever it is
 * called now)? `name` gets its current name. */
static enum nic_state nic_state(const struct edgexdp_attached_iface *a,
				char *name)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int found = 0;

	if (!if_indextoname(a->ifindex, name)) {
		snprintf(name, IF_NAMESIZE, "%s", a->name);
		return NIC_GONE;
	}
	mp = xdp_multiprog__get_from_ifindex((int)a->ifindex);
	if (libxdp_get_error(mp) || !mp)
		return NIC_NOT_ATTACHED;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		found = p && xdp_program__id(p) == a->prog_id;
	} else {
		for (p = xdp_multiprog__next_prog(NULL, mp); p && !found;
		     p = xdp_multiprog__next_prog(p, mp))
			found = xdp_program__id(p) == a->prog_id;
	}
	xdp_multiprog__close(mp);
	return found ? NIC_ATTACHED : NIC_NOT_ATTACHED;
}

static void print_not_loaded(enum pins_state state)
{
	struct json_object *o;

	if (!g_opts.json || state == PINS_NO_ACCESS) {
		pr_not_loaded(state);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "loaded", json_object_new_boolean(false));
	json_object_object_add(
		o, "kept_state",
		json_object_new_boolean(state == PINS_KEPT_ONLY));
	json_print(o);
}

/* Reads the pinned state; prints why not and returns 1 when it cannot. */
static int read_state(struct edgexdp_load_info *info, struct ct_usage *usage)
{
	enum pins_state state = pins_state_explained();
	struct edgexdp_diag d;
	int err;

	if (state != PINS_LOADED) {
		print_not_loaded(state);
		return 1;
	}
	/* The layout first: nothing else is read from pins of another. */
	err = loader_read_info(info);
	if (err == -EPROTO) {
		loader_check_abi(info, &d); /* says what to do */
		pr_diag(&d);
		return 1;
	}
	if (!err)
		err = ct_count_usage(usage);
	if (err) {
		pr_err(err, "cannot read the pinned state");
		return 1;
	}
	return 0;
}

static void format_time(__u64 secs, char *buf, size_t len)
{
	time_t t = (time_t)secs;
	struct tm tm;

	strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", localtime_r(&t, &tm));
}

/* The one spelling of where the state is, for text and JSON. */
static void state_dir(char *buf, size_t len)
{
	if (pin_path(buf, len, NULL))
		snprintf(buf, len, "%s", bpffs_root());
}

static int print_json_status(const struct edgexdp_load_info *info,
			     const struct ct_usage *usage, const char *when)
{
	struct json_object *root = json_object_new_object();
	struct json_object *ifs = json_object_new_array();
	char dir[EDGEXDP_PATH_LEN];
	int all = 1;

	state_dir(dir, sizeof(dir));
	json_object_object_add(root, "loaded", json_object_new_boolean(1));
	json_object_object_add(root, "version",
			       json_object_new_string(EDGEXDP_VERSION));
	json_object_object_add(root, "config",
			       json_object_new_string(info->config_path));
	json_object_object_add(root, "state_dir", json_object_new_string(dir));
	json_object_object_add(root, "loaded_at", json_object_new_string(when));
	json_object_object_add(root, "rules",
			       json_object_new_int64(info->n_rules));
	json_object_object_add(root, "conntrack", json_ct_usage(usage));
	for (__u32 i = 0; i < info->n_ifaces; i++) {
		const struct edgexdp_attached_iface *a = &info->ifaces[i];
		char name[IF_NAMESIZE];
		struct json_object *o;
		enum nic_state st;

		if (!a->ifindex)
			continue; /* a slot a reload left free */
		st = nic_state(a, name);
		all &= st == NIC_ATTACHED;
		o = json_attached_iface(a);
		json_object_object_add(o, "name", json_object_new_string(name));
		if (strcmp(name, a->name) != 0)
			json_object_object_add(o, "loaded_as",
					       json_object_new_string(a->name));
		json_object_object_add(
			o, "attached",
			json_object_new_boolean(st == NIC_ATTACHED));
		json_object_object_add(
			o, "state",
			json_object_new_string(nic_state_names[st]));
		json_object_array_add(ifs, o);
	}
	json_object_object_add(root, "all_attached",
			       json_object_new_boolean(all));
	json_object_object_add(root, "interfaces", ifs);
	json_print(root);
	return all ? 0 : STATUS_NOT_ATTACHED;
}

static int print_plain_status(const struct edgexdp_load_info *info,
			      const struct ct_usage *usage, const char *when)
{
	char dir[EDGEXDP_PATH_LEN];
	int all = 1;

	state_dir(dir, sizeof(dir));
	printf("edgexdp: loaded from %s at %s\n", info->config_path, when);
	printf("  version:   edgexdp %s\n", EDGEXDP_VERSION);
	printf("  state:     %s\n", dir);
	printf("  rules:     %u\n", info->n_rules);
	printf("  flows:\n");
	print_ct_usage(usage);
	printf("  %-16s %-8s %-8s %-15s %-8s %s\n", "INTERFACE", "ZONE", "MODE",
	       "ATTACH", "PROG", "STATE");
	for (__u32 i = 0; i < info->n_ifaces; i++) {
		const struct edgexdp_attached_iface *a = &info->ifaces[i];
		static const char *const shown[] = {
			[NIC_ATTACHED] = "attached",
			[NIC_NOT_ATTACHED] = "NOT ATTACHED",
			[NIC_GONE] = "GONE (no such NIC)",
		};
		char name[IF_NAMESIZE];
		enum nic_state st;

		if (!a->ifindex)
			continue;
		st = nic_state(a, name);
		all &= st == NIC_ATTACHED;
		printf("  %-16s %-8s %-8s %-15s %-8u %s", name,
		       zone_name(a->zone), attach_mode_name(a->xdp_mode),
		       attach_kind_name(a->kind), a->prog_id, shown[st]);
		if (strcmp(name, a->name) != 0)
			printf(" (loaded as %s)", a->name);
		putchar('\n');
	}
	if (!all)
		pr_warn("not attached to every NIC it was loaded on");
	return all ? 0 : STATUS_NOT_ATTACHED;
}

static int do_status(void *ctx, int argc, char **argv)
{
	struct edgexdp_load_info info;
	struct ct_usage usage = {0};
	char when[64];

	if (read_state(&info, &usage))
		return 1;
	format_time(info.loaded_at, when, sizeof(when));
	if (g_opts.json)
		return print_json_status(&info, &usage, when);
	return print_plain_status(&info, &usage, when);
}

const struct cmd cmd_status = {
	.name = "status",
	.summary = "show where the filter is attached and how full it is",
	.globals = CMD_JSON,
	.text = "Show whether edgexdp is loaded, from which config, and for "
		"each\n"
		"NIC: zone, XDP mode (native/generic), attach kind (libxdp\n"
		"dispatcher or single program), program id and whether it is\n"
		"still attached; then the rule count and, for the confirmed "
		"and\n"
		"unconfirmed flow tables, entries per state, entries created,\n"
		"removed, refused (insert failed) and displaced by the LRU, "
		"and\n"
		"how many flows confirmed.\n"
		"NICs are followed by ifindex: a NIC renamed since the load "
		"is\n"
		"shown under its new name, one that no longer exists as "
		"gone.\n\n"
		"Exit status: 0 loaded and attached to every NIC it was "
		"loaded\n"
		"on; 1 not loaded (or the state cannot be read); 3 loaded, "
		"but\n"
		"not attached to every such NIC.\n",
	.run = do_status,
};
