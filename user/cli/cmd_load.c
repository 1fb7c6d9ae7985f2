// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp load: compile the config, fill the maps, attach everywhere. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "cmdline.h"
#include "ct.h"
#include "common.h"
#include "loader.h"
#include "output.h"
#include "pins.h"

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

static int parse_host(const char *text, struct cfg_prefix *out)
{
	return prefix_parse(text, out) || (out->family == 4 ?
						   out->prefixlen != 32 :
						   out->prefixlen != 128) ?
		       -EINVAL :
		       0;
}

/*
 * The zone of the NIC that holds the session's server address, or -1 when
 * that NIC is not one edgexdp filters (loopback, a management port).
 */
static int ssh_zone(const struct ruleset *rs, const struct cfg_prefix *server)
{
	struct ifaddrs *ifas, *ifa;
	int zone = -1;

	if (getifaddrs(&ifas))
		return -1;
	for (ifa = ifas; ifa && zone < 0; ifa = ifa->ifa_next) {
		const void *a;
		size_t len;

		if (!ifa->ifa_addr)
			continue;
		if (ifa->ifa_addr->sa_family == AF_INET && server->family == 4) {
			a = &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
			len = 4;
		} else if (ifa->ifa_addr->sa_family == AF_INET6 &&
			   server->family == 6) {
			a = &((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
			len = 16;
		} else {
			continue;
		}
		if (memcmp(a, server->addr.u8, len) != 0)
			continue;
		for (size_t i = 0; i < rs->n_ifaces; i++)
			if (strcmp(rs->ifaces[i].name, ifa->ifa_name) == 0)
				zone = (int)rs->ifaces[i].zone;
		break;
	}
	freeifaddrs(ifas);
	return zone;
}

/*
 * Would this config cut the SSH session we run from? A stateful filter
 * drops packets of a connection it never saw open, so when a rule allows
 * the session it is put in conntrack before the filter attaches; when no
 * rule does, load refuses unless forced.
 */
static int check_ssh_session(const struct ruleset *rs, int force,
			     struct ct_seed *seed, size_t *n_seeds)
{
	const char *conn = getenv("SSH_CONNECTION");
	char client[64], server[64], cli_ep[80], srv_ep[80];
	unsigned int cport, sport;
	struct cfg_prefix src, dst;
	int zone, rule;

	*n_seeds = 0;
	if (!conn || sscanf(conn, "%63s %u %63s %u", client, &cport, server,
			    &sport) != 4 || sport > 65535 || cport > 65535)
		return 0;
	if (parse_host(client, &src) || parse_host(server, &dst) ||
	    src.family != dst.family)
		return 0;
	format_endpoint(cli_ep, sizeof(cli_ep), client, cport);
	format_endpoint(srv_ep, sizeof(srv_ep), server, sport);
	zone = ssh_zone(rs, &dst);
	if (zone < 0)
		return 0; /* it arrives on a NIC edgexdp leaves alone */
	rule = classify_new_flow(rs, zone, EDGEXDP_PROTO_TCP, &src, &dst,
				 (uint16_t)sport);
	if (rule >= 0) {
		int src_is_a = ct_key_from_tuple(&seed->key, rs, src.family,
						 IPPROTO_TCP, &src.addr,
						 (uint16_t)cport, &dst.addr,
						 (uint16_t)sport);

		ct_entry_established(&seed->entry, (uint32_t)rule, src_is_a);
		*n_seeds = 1;
		pr_info("edgexdp: keeping your SSH session %s -> %s open "
			"(rule '%s')\n",
			cli_ep, srv_ep, rs->rules[rule].name);
		return 0;
	}
	pr_warn("this config drops the SSH session you are running from "
		"(%s -> %s, tcp): no rule allows it",
		client, srv_ep);
	if (force)
		return 0;
	pr_error("refusing to load; add a rule for it, or "
			"use 'edgexdp load -f' to load anyway");
	return -EPERM;
}

static void print_result(const struct load_result *res)
{
	const struct edgexdp_load_info *info = &res->info;

	if (g_opts.json) {
		struct json_object *root = json_object_new_object();
		struct json_object *ifs = json_object_new_array();

		for (__u32 i = 0; i < info->n_ifaces; i++)
			json_object_array_add(ifs, json_attached_iface(&info->ifaces[i]));
		json_object_object_add(root, "rules", json_object_new_int64(info->n_rules));
		json_object_object_add(root, "interfaces", ifs);
		if (res->kept_flows) {
			struct json_object *k = json_object_new_object();

			json_object_object_add(k, "kept", json_object_new_uint64(res->kept.kept));
			json_object_object_add(k, "reassigned", json_object_new_uint64(res->kept.reassigned));
			json_object_object_add(k, "dropped", json_object_new_uint64(res->kept.dropped));
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
		       a->kind == EDGEXDP_ATTACH_SINGLE ?
			       " (libxdp dispatcher unavailable here)" :
			       " via libxdp dispatcher",
		       a->prog_id);
	}
}

static int do_load(void *ctx, int argc, char **argv)
{
	const struct load_opts *lo = ctx;
	struct edgexdp_config cfg = { 0 };
	struct load_request req = { 0 };
	struct load_result res;
	struct ruleset rs = { 0 };
	char config_abs[PATH_MAX];
	struct edgexdp_diag d;
	struct ct_seed ssh_seed;
	int err;

	if (load_and_compile(&cfg, &rs, 1))
		return 1;
	err = check_ssh_session(&rs, lo->force, &ssh_seed, &req.n_seeds);
	if (!err && (err = bpffs_ensure_mounted(&d)))
		pr_diag(&d);
	if (!err && pins_state() == PINS_LOADED) {
		err = -EEXIST;
		pr_error(
			"already loaded (state pinned under %s/%s); "
			"run 'edgexdp unload' first",
			bpffs_root(), EDGEXDP_PIN_DIR);
	}
	req.rs = &rs;
	/* status shows it later, from anywhere: make it absolute. */
	req.config_path = realpath(cfg.path, config_abs) ? config_abs : cfg.path;
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
	{ 'f', "force", NULL,
	  "load even if it cuts the SSH session it runs from" },
	{ 0 },
};

const struct cmd cmd_load = {
	.name = "load",
	.summary = "attach the filter to every configured NIC and fill its maps",
	.globals = CMD_CONFIG | CMD_JSON,
	.text = "Compile FILE (default " EDGEXDP_CONFIG_DEFAULT
		"), create and fill the filter's maps,\n"
		"attach the XDP program to every NIC the config lists (through\n"
		"libxdp: its multi-program dispatcher where the kernel allows\n"
		"freplace, a single program otherwise; the output says which)\n"
		"and pin the state under $EDGEXDP_BPFFS/edgexdp (default\n"
		"/sys/fs/bpf/edgexdp), mounting bpffs there if needed.\n"
		"All or nothing: a failure at any step undoes the earlier ones.\n\n"
		"Run from an SSH session ($SSH_CONNECTION), load enters that\n"
		"session in the flow table when a rule allows it, so the\n"
		"stateful filter does not cut it; when no rule allows it, load\n"
		"refuses unless -f is given.\n",
	.options = load_options,
	.ctx_size = sizeof(struct load_opts),
	.on_opt = on_load_opt,
	.run = do_load,
};
