// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What a reload changes, before anything is changed. Rule ids are stable
 * across reloads: a rule keeps the id of the old rule of its name, so its
 * flows (which carry the id) and its counters (indexed by it) go on with
 * nothing copied or raced with; a new rule takes an id no old rule had, so
 * it starts at zero and never inherits a removed rule's flows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "maps.h"
#include "pins.h"
#include "reload.h"

int reload_read_old(struct reload_old *old, struct edgexdp_diag *d)
{
	int fd, err;

	memset(old, 0, sizeof(*old));
	err = loader_read_info(&old->info);
	if (err == -EPROTO)
		return diag_set(d, -EPROTO,
				"the loaded filter's pinned state has layout "
				"%u, this edgexdp reads layout %u: reload "
				"cannot carry it over; reload with the edgexdp "
				"that loaded it, or upgrade with 'edgexdp "
				"unload' and 'edgexdp load'",
				old->info.abi_version, EDGEXDP_ABI_VERSION);
	if (err)
		return diag_set(d, err, "cannot read the pinned state");
	if (old->info.n_rule_ids > EDGEXDP_MAX_RULES)
		return diag_set(d, -EPROTO, "the pinned state is damaged");
	old->rules = calloc(old->info.n_rule_ids + 1, sizeof(*old->rules));
	if (!old->rules)
		return diag_set(d, -ENOMEM, "cannot read the pinned rules");
	fd = maps_open_pinned(PIN_RULE_INFO);
	if (fd < 0)
		return diag_set(d, fd, "cannot read the pinned rules");
	for (__u32 id = 0; id < old->info.n_rule_ids; id++)
		if (bpf_map_lookup_elem(fd, &id, &old->rules[id])) {
			err = diag_set(d, -errno,
				       "cannot read the pinned rules");
			break;
		}
	close(fd);
	return err;
}

void reload_old_free(struct reload_old *old)
{
	free(old->rules);
	old->rules = NULL;
}

static int old_id_of(const struct reload_old *old, const char *name)
{
	for (__u32 id = 0; id < old->info.n_rule_ids; id++)
		if (old->rules[id].name[0] &&
		    strcmp(old->rules[id].name, name) == 0)
			return (int)id;
	return -1;
}

static int side_differs(const char *old, const char *now)
{
	return strncmp(old, now ? now : "", EDGEXDP_SIDE_LEN - 1) != 0;
}

static int rule_changed(const struct edgexdp_rule_info *o,
			const struct ruleset_rule *r)
{
	return o->zone != r->zone || o->proto != r->proto ||
	       o->port_lo != r->port_lo || o->port_hi != r->port_hi ||
	       side_differs(o->from, r->from) || side_differs(o->to, r->to);
}

static void add_change(struct reload_rule *list, size_t *n, const char *name)
{
	memset(&list[*n], 0, sizeof(list[*n]));
	snprintf(list[*n].name, sizeof(list[*n].name), "%s", name);
	(*n)++;
}

/* newid[i] for every rule of rs; lists added and changed rules. */
static int assign_ids(const struct ruleset *rs, const struct reload_old *old,
		      uint32_t *newid, struct reload_result *res)
{
	bool taken[EDGEXDP_MAX_RULES] = {false};
	uint32_t next = 0;

	for (__u32 id = 0; id < old->info.n_rule_ids; id++)
		taken[id] = old->rules[id].name[0] != '\0';
	for (size_t i = 0; i < rs->n_rules; i++) {
		int o = old_id_of(old, rs->rules[i].name);

		if (o >= 0) {
			newid[i] = (uint32_t)o;
			if (rule_changed(&old->rules[o], &rs->rules[i]))
				add_change(res->changed, &res->n_changed,
					   rs->rules[i].name);
			continue;
		}
		while (next < EDGEXDP_MAX_RULES && taken[next])
			next++;
		if (next >= EDGEXDP_MAX_RULES)
			return -E2BIG;
		taken[next] = true;
		newid[i] = next;
		add_change(res->added, &res->n_added, rs->rules[i].name);
	}
	return 0;
}

static void list_removed(const struct ruleset *rs, const struct reload_old *old,
			 struct reload_result *res)
{
	for (__u32 id = 0; id < old->info.n_rule_ids; id++) {
		const char *name = old->rules[id].name;
		bool kept = false;

		for (size_t i = 0; name[0] && i < rs->n_rules && !kept; i++)
			kept = strcmp(rs->rules[i].name, name) == 0;
		if (name[0] && !kept)
			add_change(res->removed, &res->n_removed, name);
	}
}

int reload_relabel(struct ruleset *rs, const struct reload_old *old,
		   struct reload_result *res, struct edgexdp_diag *d)
{
	size_t cap = rs->n_rules + old->info.n_rule_ids + 1, bound = 0;
	struct ruleset_side *from, *to;
	struct ruleset_rule *rules;
	uint32_t *newid;
	int err;

	res->added = calloc(cap, sizeof(*res->added));
	res->removed = calloc(cap, sizeof(*res->removed));
	res->changed = calloc(cap, sizeof(*res->changed));
	newid = calloc(rs->n_rules + 1, sizeof(*newid));
	if (!res->added || !res->removed || !res->changed || !newid) {
		free(newid);
		return diag_set(d, -ENOMEM, "cannot plan the reload");
	}
	err = assign_ids(rs, old, newid, res);
	if (err) {
		free(newid);
		return diag_set(d, err,
				"more than %u rules before and after "
				"the reload together",
				EDGEXDP_MAX_RULES);
	}
	list_removed(rs, old, res);
	for (size_t i = 0; i < rs->n_rules; i++)
		if (newid[i] + 1 > bound)
			bound = newid[i] + 1;
	rules = calloc(bound + 1, sizeof(*rules));
	from = calloc(bound + 1, sizeof(*from));
	to = calloc(bound + 1, sizeof(*to));
	if (!rules || !from || !to) {
		free(rules);
		free(from);
		free(to);
		free(newid);
		return diag_set(d, -ENOMEM, "cannot plan the reload");
	}
	for (size_t i = 0; i < rs->n_rules; i++) {
		rules[newid[i]] = rs->rules[i];
		if (rs->from)
			from[newid[i]] = rs->from[i];
		if (rs->to)
			to[newid[i]] = rs->to[i];
	}
	free(rs->from);
	free(rs->to);
	rs->from = from; /* per rule id too */
	rs->to = to;
	for (size_t m = 0; m < rs->n_matches; m++)
		rs->matches[m].rule_id = newid[rs->matches[m].rule_id];
	res->n_rules = rs->n_rules;
	free(rs->rules);
	rs->rules = rules; /* holes: zeroed, no name */
	rs->n_rules = bound;
	free(newid);
	return 0;
}

static int old_slot_of(const struct reload_old *old, unsigned int ifindex)
{
	for (__u32 s = 0; s < old->info.n_ifaces && s < EDGEXDP_MAX_IFACES; s++)
		if (old->info.ifaces[s].ifindex == ifindex)
			return (int)s;
	return -1;
}

int reload_slots(const struct ruleset *rs, const unsigned int *ifindexes,
		 const struct reload_old *old, __u32 *slots,
		 struct edgexdp_diag *d)
{
	bool taken[EDGEXDP_MAX_IFACES] = {false};
	__u32 next = 0;

	/* A removed NIC's slot stays out of use: its old program counts
	 * there until it is detached, after the switch. */
	for (__u32 s = 0; s < old->info.n_ifaces && s < EDGEXDP_MAX_IFACES; s++)
		taken[s] = old->info.ifaces[s].ifindex != 0;
	for (size_t i = 0; i < rs->n_ifaces; i++) {
		int s = old_slot_of(old, ifindexes[i]);

		if (s >= 0) {
			slots[i] = (__u32)s;
			continue;
		}
		while (next < EDGEXDP_MAX_IFACES && taken[next])
			next++;
		if (next >= EDGEXDP_MAX_IFACES)
			return diag_set(d, -E2BIG,
					"more than %u NICs before "
					"and after the reload together",
					EDGEXDP_MAX_IFACES);
		taken[next] = true;
		slots[i] = next;
	}
	return 0;
}
