// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * reload, as a cleanup ladder. A new program instance is loaded whose rule
 * maps are new and filled, and whose state maps (flows, fragments,
 * counters) are the pinned ones; its pins are staged in edgexdp_staged. Then:
 * NICs new to the config are attached; every NIC that stays is switched in
 * one atomic step (XDP_FLAGS_REPLACE: the kernel swaps the program pointer,
 * so a packet runs entirely the old program or entirely the new one); NICs
 * gone from the config are detached; the staged pins are exchanged with the
 * live ones (RENAME_EXCHANGE). A failure before the exchange undoes what
 * was done, switching NICs back, so the old rules stay in force.
 *
 * With libxdp's dispatcher (kernels that allow freplace, such as 6.1), a
 * component cannot be replaced in place: libxdp adds the new program to a
 * new dispatcher that replaces the old one atomically, then removes the old
 * one the same way. Between the two, a packet passes only if both rule sets
 * pass it (the old one runs first): never unfiltered, but counted by both.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <xdp/libxdp.h>

#include "edgexdp.skel.h"
#include "maps.h"
#include "pins.h"
#include "reload.h"
#include "reload_internal.h"

/* Tests inject a failure at a step: EDGEXDP_FAIL_AT=load|switch|... */

/* New rule ids and new NIC slots start at zero: no program counts there
 * yet (no flow carries such an id; no NIC has such a slot). */
static int zero_new_counters(struct reload_ctx *c)
{
	const struct ruleset *rs = c->req->rs;
	int rules_fd = bpf_map__fd(c->skel->maps.rule_stats);
	int slots_fd = bpf_map__fd(c->skel->maps.verdict_stats);
	int err = 0;

	for (__u32 id = 0; id < rs->n_rules && !err; id++)
		if (rs->rules[id].name &&
		    (id >= c->old.info.n_rule_ids || !c->old.rules[id].name[0]))
			err = maps_percpu_zero(
				rules_fd, id,
				sizeof(struct edgexdp_rule_stats));
	for (size_t k = 0; k < c->n_new && !err; k++)
		err = maps_percpu_zero(slots_fd, c->slots[c->new_nics[k]],
				       sizeof(struct edgexdp_slot_stats));
	return err;
}

/*
 * A running `edgexdp log` has switched the drop log on in the live NICs'
 * entries: the new entries start switched on where the old ones are, so
 * no drop goes unlogged between the switch and the log's next poll. (One
 * switched on after a log ended is switched off at the next drop, as a
 * lapsed lease.)
 */
static int keep_droplog_flags(struct reload_ctx *c)
{
	int old_fd = maps_open_pinned(PIN_INTERFACES);
	int new_fd = bpf_map__fd(c->skel->maps.interfaces);
	struct edgexdp_iface old, cur;
	int err = 0;

	if (old_fd < 0)
		return 0; /* nothing to keep */
	for (size_t i = 0; i < c->req->rs->n_ifaces && !err; i++) {
		__u32 key = c->ifindexes[i];

		if (bpf_map_lookup_elem(old_fd, &key, &old) ||
		    !(old.flags & EDGEXDP_IFACE_DROPLOG) ||
		    bpf_map_lookup_elem(new_fd, &key, &cur))
			continue;
		cur.flags |= EDGEXDP_IFACE_DROPLOG;
		if (bpf_map_update_elem(new_fd, &key, &cur, BPF_EXIST))
			err = -errno;
	}
	close(old_fd);
	return err;
}

/* The new instance: live state maps, new filled rule maps, loaded. */
static int build_instance(struct reload_ctx *c, struct edgexdp_diag *d)
{
	struct ruleset *rs = c->req->rs;
	bool reused[MAPS_STATE_COUNT + 1] = {false};
	int err;

	if (rs->ct_max_entries != c->old.info.ct_max_entries)
		return diag_set(d, -EINVAL,
				"reload keeps the flow table, of %u entries; "
				"this config asks for %u "
				"(conntrack.max_entries): keep %u",
				c->old.info.ct_max_entries, rs->ct_max_entries,
				c->old.info.ct_max_entries);
	if (rs->ct_unconfirmed_max_entries !=
	    c->old.info.ct_unconfirmed_max_entries)
		return diag_set(d, -EINVAL,
				"reload keeps the unconfirmed flow table, of "
				"%u entries; this config asks for %u "
				"(conntrack.unconfirmed_max_entries): keep %u",
				c->old.info.ct_unconfirmed_max_entries,
				rs->ct_unconfirmed_max_entries,
				c->old.info.ct_unconfirmed_max_entries);
	c->skel = edgexdp_bpf__open();
	if (!c->skel)
		return diag_set(d, -errno, "cannot open the BPF object");
	err = maps_create_state(c->skel, rs, maps_state_names, reused, d);
	if (err)
		return err;
	for (size_t i = 0; maps_state_names[i]; i++)
		if (!reused[i])
			return diag_set(d, -EPROTO,
					"the pinned %s is not the "
					"one this edgexdp uses",
					maps_state_names[i]);
	rs->iface_slots = c->slots;
	err = maps_create_rules(c->skel, rs, c->ifindexes, d);
	if (!err)
		err = reload_injected("maps", d);
	if (!err)
		err = zero_new_counters(c);
	if (!err)
		err = keep_droplog_flags(c);
	if (err)
		return d->msg[0] ? err
				 : diag_set(d, err, "cannot fill the new maps");
	err = reload_injected("load", d);
	if (err)
		return err;
	if (c->dispatcher) {
		/* libxdp loads it as a dispatcher component on attach. */
		c->prog = xdp_program__from_bpf_obj(c->skel->obj, "xdp");
	} else {
		err = edgexdp_bpf__load(c->skel);
		if (err)
			return diag_set(d, err, "cannot load the new program");
		c->prog = xdp_program__from_fd(
			bpf_program__fd(c->skel->progs.edgexdp_xdp));
	}
	err = libxdp_get_error(c->prog);
	if (err) {
		c->prog = NULL;
		return diag_set(d, err, "cannot prepare the XDP program");
	}
	return 0;
}

static __u32 xdp_mode_flag(__u32 mode)
{
	return mode == XDP_MODE_SKB  ? XDP_FLAGS_SKB_MODE
	       : mode == XDP_MODE_HW ? XDP_FLAGS_HW_MODE
				     : XDP_FLAGS_DRV_MODE;
}

/* Replace prog `from` by `to` on a NIC, atomically, in its attach mode. */
static int replace_prog(const struct edgexdp_attached_iface *a, int to_fd,
			int from_fd)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = from_fd);

	return bpf_xdp_attach((int)a->ifindex, to_fd,
			      XDP_FLAGS_REPLACE | xdp_mode_flag(a->xdp_mode),
			      &opts);
}

/* Switch one NIC that stays from the old program to the new one. */
static int switch_nic(struct reload_ctx *c, size_t i, struct edgexdp_diag *d)
{
	const struct ruleset *rs = c->req->rs;
	__u32 slot = c->slots[i];
	struct edgexdp_attached_iface *now = &c->res->info.ifaces[slot];
	const struct edgexdp_attached_iface *was = &c->old.info.ifaces[slot];
	int err;

	*now = *was;
	if (c->dispatcher) {
		/* Two atomic dispatcher swaps: [old] -> [old, new] -> [new]. */
		err = xdp_program__attach(c->prog, (int)was->ifindex,
					  (enum xdp_attach_mode)was->xdp_mode,
					  0);
		if (!err) {
			err = loader_detach_nic(was);
			if (err) {
				now->prog_id = xdp_program__id(c->prog);
				loader_detach_nic(now);
			}
		}
	} else {
		err = replace_prog(was, xdp_program__fd(c->prog), c->old_fd);
	}
	if (err)
		return diag_set(d, err, "cannot switch %s to the new rules",
				rs->ifaces[i].name);
	now->prog_id = xdp_program__id(c->prog);
	now->zone = rs->ifaces[i].zone;
	snprintf(now->name, sizeof(now->name), "%s", rs->ifaces[i].name);
	return 0;
}

/* Undo a switch: the old program back on the NIC. */
static void switch_back(struct reload_ctx *c, size_t i)
{
	const struct edgexdp_attached_iface *was =
		&c->old.info.ifaces[c->slots[i]];
	const struct edgexdp_attached_iface *now =
		&c->res->info.ifaces[c->slots[i]];

	if (c->dispatcher) {
		struct xdp_program *old = xdp_program__from_fd(c->old_fd);

		if (!libxdp_get_error(old)) {
			xdp_program__attach(old, (int)was->ifindex,
					    (enum xdp_attach_mode)was->xdp_mode,
					    0);
			xdp_program__close(old);
		}
		loader_detach_nic(now);
	} else {
		replace_prog(was, c->old_fd, xdp_program__fd(c->prog));
	}
}

/* Which NICs of the config are new, which stay (by ifindex). */
static void sort_nics(struct reload_ctx *c)
{
	const struct ruleset *rs = c->req->rs;

	for (size_t i = 0; i < rs->n_ifaces; i++) {
		__u32 s = c->slots[i];
		bool stays = s < c->old.info.n_ifaces &&
			     c->old.info.ifaces[s].ifindex == c->ifindexes[i];

		if (stays)
			c->stay_nics[c->n_stay++] = i;
		else
			c->new_nics[c->n_new++] = i;
		if (c->old.info.ifaces[s].kind == EDGEXDP_ATTACH_DISPATCHER &&
		    stays)
			c->dispatcher = true;
	}
}

static int attach_new_nics(struct reload_ctx *c, size_t *done,
			   struct edgexdp_diag *d)
{
	const struct ruleset *rs = c->req->rs;
	int err = 0;

	for (*done = 0; *done < c->n_new && !err; (*done)++) {
		size_t i = c->new_nics[*done];

		err = loader_attach_nic(c->prog, rs, i, c->ifindexes[i],
					&c->res->info.ifaces[c->slots[i]], d);
		if (err)
			break;
	}
	return err;
}

static void detach_new_nics(struct reload_ctx *c, size_t n)
{
	while (n-- > 0)
		loader_detach_nic(
			&c->res->info.ifaces[c->slots[c->new_nics[n]]]);
}

/* NICs the config no longer lists: their old program comes off, once
 * the new rules are in force everywhere else. */
static void detach_removed(struct reload_ctx *c)
{
	char name[IF_NAMESIZE], buf[128];

	for (__u32 s = 0; s < c->old.info.n_ifaces; s++) {
		const struct edgexdp_attached_iface *a = &c->old.info.ifaces[s];
		int err;

		if (!a->ifindex || c->res->info.ifaces[s].ifindex)
			continue;
		if (!if_indextoname(a->ifindex, name))
			snprintf(name, sizeof(name), "%s", a->name);
		err = loader_detach_nic(a);
		if (err && err != -ENOENT)
			edgexdp_log(EDGEXDP_LOG_WARN,
				    "cannot detach from %s: %s", name,
				    bpf_errstr(err, buf, sizeof(buf)));
	}
}

/* After the switch: cut the flows no rule allows now, seed the SSH
 * session, report removed rules' totals once and zero them. */
static int after_switch(struct reload_ctx *c)
{
	uint64_t *cut = calloc(EDGEXDP_MAX_RULES, sizeof(*cut));
	int ct_fd = bpf_map__fd(c->skel->maps.conntrack);
	int rules_fd = bpf_map__fd(c->skel->maps.rule_stats);
	struct reload_result *res = c->res;
	int err;

	if (!cut)
		return -ENOMEM;
	/* Packets already in the old program finish within its NAPI poll. */
	usleep(1000);
	err = ct_judge(ct_fd, c->req->rs, true, cut, &res->flows);
	for (size_t i = 0; !err && i < c->req->n_seeds; i++)
		bpf_map_update_elem(ct_fd, &c->req->seeds[i].key,
				    &c->req->seeds[i].entry, BPF_NOEXIST);
	for (size_t k = 0; !err && k < res->n_removed; k++) {
		struct reload_rule *r = &res->removed[k];
		int id = -1;

		for (__u32 o = 0; o < c->old.info.n_rule_ids && id < 0; o++)
			if (strcmp(c->old.rules[o].name, r->name) == 0)
				id = (int)o;
		if (id < 0)
			continue;
		r->flows_cut = cut[id];
		err = maps_percpu_sum_u64(rules_fd, (__u32)id, &r->totals.flows,
					  sizeof(r->totals) / sizeof(__u64));
		if (!err)
			err = maps_percpu_zero(
				rules_fd, (__u32)id,
				sizeof(struct edgexdp_rule_stats));
	}
	for (size_t k = 0; k < res->n_changed; k++) {
		int id = -1;

		for (__u32 o = 0; o < c->old.info.n_rule_ids && id < 0; o++)
			if (strcmp(c->old.rules[o].name,
				   res->changed[k].name) == 0)
				id = (int)o;
		if (id >= 0)
			res->changed[k].flows_cut = cut[id];
	}
	free(cut);
	return err;
}

/* What would be cut, for --dry-run: nothing changes. */
static int plan_flows(struct reload_ctx *c, struct edgexdp_diag *d)
{
	uint64_t *cut = calloc(EDGEXDP_MAX_RULES, sizeof(*cut));
	struct reload_result *res = c->res;
	int fd = maps_open_pinned(PIN_CONNTRACK), err;

	if (!cut || fd < 0) {
		free(cut);
		if (fd >= 0)
			close(fd);
		return diag_set(d, fd < 0 ? fd : -ENOMEM,
				"cannot read the flow table");
	}
	err = ct_judge(fd, c->req->rs, false, cut, &res->flows);
	close(fd);
	for (__u32 o = 0; o < c->old.info.n_rule_ids; o++) {
		for (size_t k = 0; k < res->n_removed; k++)
			if (!strcmp(c->old.rules[o].name, res->removed[k].name))
				res->removed[k].flows_cut = cut[o];
		for (size_t k = 0; k < res->n_changed; k++)
			if (!strcmp(c->old.rules[o].name, res->changed[k].name))
				res->changed[k].flows_cut = cut[o];
	}
	free(cut);
	return err ? diag_set(d, err, "cannot read the flow table") : 0;
}

/* Old state, NICs, rule ids and slots: everything a dry run reports. */
static int plan(struct reload_ctx *c, struct edgexdp_diag *d)
{
	struct ruleset *rs = c->req->rs;
	struct reload_result *res = c->res;
	int err;

	err = reload_read_old(&c->old, d);
	if (err)
		return err;
	if (rs->n_ifaces > EDGEXDP_MAX_IFACES)
		return diag_set(d, -E2BIG, "%zu interfaces", rs->n_ifaces);
	for (size_t i = 0; i < rs->n_ifaces; i++) {
		err = loader_resolve_exact(rs->ifaces[i].name, &c->ifindexes[i],
					   d);
		if (err)
			return err;
		if (c->ifindexes[i] >= EDGEXDP_MAX_IFINDEX)
			return diag_set(d, -ERANGE,
					"interface %s has ifindex "
					"%u, beyond the %u edgexdp supports",
					rs->ifaces[i].name, c->ifindexes[i],
					EDGEXDP_MAX_IFINDEX - 1);
	}
	err = reload_relabel(rs, &c->old, res, d);
	if (!err)
		err = reload_slots(rs, c->ifindexes, &c->old, c->slots, d);
	if (err)
		return err;
	sort_nics(c);
	for (size_t k = 0; k < c->n_new; k++)
		snprintf(res->attached[res->n_attached++], EDGEXDP_IFNAME_LEN,
			 "%s", rs->ifaces[c->new_nics[k]].name);
	for (__u32 s = 0; s < c->old.info.n_ifaces; s++) {
		const struct edgexdp_attached_iface *a = &c->old.info.ifaces[s];
		bool stays = false;

		for (size_t k = 0; k < c->n_stay && !stays; k++)
			stays = c->slots[c->stay_nics[k]] == s;
		if (a->ifindex && !stays)
			snprintf(res->detached[res->n_detached++],
				 EDGEXDP_IFNAME_LEN, "%s", a->name);
	}
	return 0;
}

static void record_nics(struct reload_ctx *c)
{
	__u32 bound = 0;

	for (size_t i = 0; i < c->req->rs->n_ifaces; i++)
		if (c->slots[i] + 1 > bound)
			bound = c->slots[i] + 1;
	c->res->info.n_ifaces = bound;
	c->res->n_switched = c->n_switched;
}

/* Switch every NIC that stays; on failure, those switched go back. */
static int switch_all(struct reload_ctx *c, struct edgexdp_diag *d)
{
	int err = 0;

	for (c->n_switched = 0; c->n_switched < c->n_stay && !err;) {
		err = switch_nic(c, c->stay_nics[c->n_switched], d);
		if (err)
			break;
		c->n_switched++;
		err = reload_injected("switch", d);
	}
	record_nics(c);
	if (!err)
		err = reload_stage_pins(c, d);
	if (!err)
		err = reload_exchange_pins(d);
	if (err)
		while (c->n_switched-- > 0)
			switch_back(c, c->stay_nics[c->n_switched]);
	return err;
}

static int open_old_prog(struct reload_ctx *c, struct edgexdp_diag *d)
{
	char path[EDGEXDP_PATH_LEN];
	int err = pin_path(path, sizeof(path), PIN_PROG);

	if (err)
		return diag_set(d, err, "cannot find the loaded program");
	c->old_fd = bpf_obj_get(path);
	if (c->old_fd < 0)
		return diag_set(d, -errno, "cannot open the loaded program");
	return 0;
}

int loader_reload(const struct reload_request *req, struct reload_result *res,
		  struct edgexdp_diag *d)
{
	struct reload_ctx c = {.req = req, .res = res, .old_fd = -1};
	size_t attached = 0;
	int err;

	memset(res, 0, sizeof(*res));
	err = plan(&c, d);
	if (!err && req->dry_run)
		err = plan_flows(&c, d);
	if (err || req->dry_run)
		goto out;
	err = open_old_prog(&c, d);
	if (!err)
		err = build_instance(&c, d);
	if (!err)
		err = attach_new_nics(&c, &attached, d);
	if (!err)
		err = switch_all(&c, d);
	if (err) {
		detach_new_nics(&c, attached);
		goto out;
	}
	/* The new rules are in force on every NIC: what follows only
	 * tidies up, and cannot put the old ones back. */
	detach_removed(&c);
	err = after_switch(&c);
	if (err)
		diag_set(d, err,
			 "the new rules are in force, but the flows "
			 "they no longer allow could not all be removed");
out:
	if (c.prog)
		xdp_program__close(c.prog);
	if (c.skel)
		edgexdp_bpf__destroy(c.skel);
	if (c.old_fd >= 0)
		close(c.old_fd);
	reload_old_free(&c.old);
	return err;
}

void reload_result_free(struct reload_result *res)
{
	free(res->added);
	free(res->removed);
	free(res->changed);
	res->added = res->removed = res->changed = NULL;
}
