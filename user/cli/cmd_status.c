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

/* Is our program (by id) still on this NIC, looking the way we left it? */
static int still_attached(const struct edgexdp_attached_iface *a)
{
	char name[IF_NAMESIZE] = "";
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int found = 0;

	if (!if_indextoname(a->ifindex, name) || strcmp(name, a->name) != 0)
		return 0;
	mp = xdp_multiprog__get_from_ifindex((int)a->ifindex);
	if (libxdp_get_error(mp) || !mp)
		return 0;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		found = p && xdp_program__id(p) == a->prog_id;
	} else {
		for (p = xdp_multiprog__next_prog(NULL, mp); p && !found;
		     p = xdp_multiprog__next_prog(p, mp))
			found = xdp_program__id(p) == a->prog_id;
	}
	xdp_multiprog__close(mp);
	return found;
}

static void print_not_loaded(enum pins_state state)
{
	struct json_object *o;

	if (!g_opts.json) {
		pr_not_loaded(state);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "loaded", json_object_new_boolean(false));
	json_object_object_add(o, "kept_state",
			       json_object_new_boolean(state == PINS_KEPT_ONLY));
	json_print(o);
}

static int do_status(void *ctx, int argc, char **argv)
{
	struct edgexdp_load_info info;
	struct ct_usage usage = { 0 };
	char when[64], state_dir[EDGEXDP_PATH_LEN];
	struct edgexdp_diag d;
	enum pins_state state;
	int err;

	state = pins_state_explained();
	if (state != PINS_LOADED) {
		print_not_loaded(state);
		return 1;
	}
	err = loader_read_info(&info);
	if (!err && loader_check_abi(&info, &d)) {
		pr_diag(&d);
		return 1;
	}
	if (err) {
		pr_err(err, "cannot read the pinned state");
		return 1;
	}
	err = ct_count_usage(&usage);
	if (err) {
		pr_err(err, "cannot read the conntrack map");
		return 1;
	}
	{
		time_t t = (time_t)info.loaded_at;
		struct tm tm;

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z",
			 localtime_r(&t, &tm));
	}
	/* The one spelling of where the state is, for text and JSON. */
	if (pin_path(state_dir, sizeof(state_dir), NULL))
		snprintf(state_dir, sizeof(state_dir), "%s", bpffs_root());

	if (g_opts.json) {
		struct json_object *root = json_object_new_object();
		struct json_object *ifs = json_object_new_array();

		json_object_object_add(root, "loaded", json_object_new_boolean(1));
		json_object_object_add(root, "version", json_object_new_string(EDGEXDP_VERSION));
		json_object_object_add(root, "config", json_object_new_string(info.config_path));
		json_object_object_add(root, "state_dir", json_object_new_string(state_dir));
		json_object_object_add(root, "loaded_at", json_object_new_string(when));
		json_object_object_add(root, "rules", json_object_new_int64(info.n_rules));
		json_object_object_add(root, "conntrack_entries", json_object_new_int64(usage.live));
		json_object_object_add(root, "conntrack_expired", json_object_new_int64(usage.expired));
		json_object_object_add(root, "conntrack_max", json_object_new_int64(info.ct_max_entries));
		for (__u32 i = 0; i < info.n_ifaces; i++) {
			const struct edgexdp_attached_iface *a = &info.ifaces[i];
			struct json_object *o = json_attached_iface(a);

			json_object_object_add(o, "attached", json_object_new_boolean(still_attached(a)));
			json_object_array_add(ifs, o);
		}
		json_object_object_add(root, "interfaces", ifs);
		json_print(root);
		return 0;
	}
	printf("edgexdp: loaded from %s at %s\n", info.config_path, when);
	printf("  version:   edgexdp %s\n", EDGEXDP_VERSION);
	printf("  state:     %s\n", state_dir);
	printf("  rules:     %u\n", info.n_rules);
	printf("  conntrack: %llu entries in use (%llu expired awaiting reuse), "
	       "max %u\n",
	       (unsigned long long)usage.live,
	       (unsigned long long)usage.expired, info.ct_max_entries);
	printf("  %-16s %-8s %-8s %-15s %-8s %s\n", "INTERFACE", "ZONE", "MODE",
	       "ATTACH", "PROG", "STATE");
	for (__u32 i = 0; i < info.n_ifaces; i++) {
		const struct edgexdp_attached_iface *a = &info.ifaces[i];

		printf("  %-16s %-8s %-8s %-15s %-8u %s\n", a->name,
		       zone_name(a->zone), attach_mode_name(a->xdp_mode),
		       attach_kind_name(a->kind), a->prog_id,
		       still_attached(a) ? "attached" : "NOT ATTACHED");
	}
	return 0;
}

const struct cmd cmd_status = {
	.name = "status",
	.summary = "show where the filter is attached and how full it is",
	.globals = CMD_JSON,
	.text = "Show whether edgexdp is loaded, from which config, and for each\n"
		"NIC: zone, XDP mode (native/generic), attach kind (libxdp\n"
		"dispatcher or single program), program id and whether it is\n"
		"still attached; then the rule count and conntrack entries in use.\n"
		"Exit status 1 when edgexdp is not loaded.\n",
	.run = do_status,
};
