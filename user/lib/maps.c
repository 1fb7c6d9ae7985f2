// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "diag.h"
#include "edgexdp.skel.h"
#include "maps.h"
#include "pins.h"

/* A pinned map can stand in for the object's only if it has its shape. */
static int pinned_compatible(int fd, const struct bpf_map *map)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.type == (__u32)bpf_map__type(map) &&
	       info.key_size == bpf_map__key_size(map) &&
	       info.value_size == bpf_map__value_size(map) &&
	       info.max_entries == bpf_map__max_entries(map);
}

static int reuse_pinned(struct bpf_map *map)
{
	int fd = maps_open_pinned(bpf_map__name(map)), err;

	if (fd < 0)
		return 0;
	if (!pinned_compatible(fd, map)) {
		close(fd);
		return 0;
	}
	err = bpf_map__reuse_fd(map, fd);
	close(fd);
	return err ? err : 1;
}

static int keep_index(const char *const *keep, const char *name)
{
	for (int i = 0; keep && keep[i]; i++)
		if (strcmp(keep[i], name) == 0)
			return i;
	return -1;
}

const char *const maps_state_names[MAPS_STATE_COUNT + 1] = {
	PIN_CONNTRACK, PIN_CT_UNCONFIRMED, PIN_CT_STATS,
	PIN_FRAGS,     PIN_RULE_STATS,	   PIN_VERDICT_STATS,
	PIN_DROPLOG,   PIN_DROPLOG_CONFIG, PIN_DROPLOG_BUCKETS,
	NULL,
};

static bool is_state_map(const struct bpf_map *map)
{
	return keep_index(maps_state_names, bpf_map__name(map)) >= 0;
}

/* Create `map` as the object declares it and hand it to libbpf. */
static int create_map(struct bpf_map *map)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts,
		    .map_flags = bpf_map__map_flags(map));
	int fd, err;

	fd = bpf_map_create(bpf_map__type(map), bpf_map__name(map),
			    bpf_map__key_size(map), bpf_map__value_size(map),
			    bpf_map__max_entries(map), &opts);
	if (fd < 0)
		return -errno;
	err = bpf_map__reuse_fd(map, fd);
	close(fd); /* reuse_fd dups it */
	return err;
}

/*
 * A kept map must fit this config's before anything is done: a load that
 * cannot take it over must fail untouched, not replace it. `key` names the
 * conntrack setting that sizes it (NULL: a fixed size).
 */
static int check_kept_fits(const struct bpf_map *map, const char *key,
			   struct edgexdp_diag *d)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);
	int fd, err = 0;

	fd = maps_open_pinned(bpf_map__name(map));
	if (fd < 0)
		return 0; /* nothing kept */
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = diag_set(d, -errno, "cannot read the kept flow table");
	} else if (info.key_size != bpf_map__key_size(map) ||
		   info.value_size != bpf_map__value_size(map) ||
		   info.map_flags != bpf_map__map_flags(map) ||
		   (!key && info.max_entries != bpf_map__max_entries(map))) {
		diag_set(d, 0,
			 "the kept flow table is from an incompatible "
			 "version; 'edgexdp unload' discards it");
		err = -EINVAL;
	} else if (info.max_entries != bpf_map__max_entries(map)) {
		diag_set(d, 0,
			 "the kept flow table %s has %u entries, this config "
			 "wants %u (conntrack.%s): keep %u, or run "
			 "'edgexdp unload' to discard the kept flows",
			 bpf_map__name(map), info.max_entries,
			 bpf_map__max_entries(map), key, info.max_entries);
		err = -EINVAL;
	}
	close(fd);
	return err;
}

int maps_create_state(struct edgexdp_bpf *skel, const struct ruleset *rs,
		      const char *const *keep, bool *reused,
		      struct edgexdp_diag *d)
{
	struct bpf_map *map;
	int err, k;
	const struct {
		const struct bpf_map *map;
		const char *key; /* conntrack.KEY sizes it; NULL: fixed */
	} kept[] = {
		{skel->maps.conntrack, "max_entries"},
		{skel->maps.ct_unconfirmed, "unconfirmed_max_entries"},
		{skel->maps.ct_stats, NULL},
	};

	err = bpf_map__set_max_entries(skel->maps.conntrack,
				       rs->ct_max_entries);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.ct_unconfirmed,
					       rs->ct_unconfirmed_max_entries);
	if (err)
		return diag_set(d, err, "cannot create and fill the maps");
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (keep_index(keep, bpf_map__name(kept[i].map)) < 0)
			continue;
		err = check_kept_fits(kept[i].map, kept[i].key, d);
		if (err)
			return err;
	}
	bpf_object__for_each_map (map, skel->obj) {
		if (!is_state_map(map))
			continue;
		k = keep_index(keep, bpf_map__name(map));
		if (k >= 0) {
			err = reuse_pinned(map);
			if (err < 0)
				return diag_set(
					d, err,
					"cannot take over the pinned %s",
					bpf_map__name(map));
			reused[k] = err == 1;
			if (reused[k])
				continue;
		}
		err = create_map(map);
		if (err)
			return diag_set(d, err,
					"cannot create and fill the maps");
	}
	return 0;
}

static int update(int fd, const void *key, const void *value)
{
	return bpf_map_update_elem(fd, key, value, BPF_ANY) ? -errno : 0;
}

static int fill_ports(int fd, const struct ruleset *rs)
{
	const __u32 n = EDGEXDP_PROTO_COUNT * EDGEXDP_PORTS_PER_PROTO;
	int err;

	for (__u32 i = 0; i < n; i++) {
		const struct edgexdp_port_entry *e = &rs->ports[i];
		int used = 0;

		for (int z = 0; z < EDGEXDP_ZONE_COUNT; z++)
			used |= e->group[z] | e->sport_group[z];
		/* The array starts zeroed: only ports with a rule cost. */
		if (used && (err = update(fd, &i, e)))
			return err;
	}
	return 0;
}

/* An LPM value: the class, and whether its addresses are the edge's. */
static __u32 lpm_value(const struct ruleset *rs, uint32_t cls)
{
	bool own =
		rs->class_own && cls < rs->n_addr_classes && rs->class_own[cls];

	return cls | (own ? EDGEXDP_ADDR_OWN : 0);
}

/* A rule_match value: the rule, and whether its destination is any. */
static __u32 match_value(const struct ruleset *rs, uint32_t rule_id)
{
	bool to_any = rs->to && rule_id < rs->n_rules && rs->to[rule_id].any;

	return rule_id | (to_any ? EDGEXDP_MATCH_TO_ANY : 0);
}

static int fill_rules(struct edgexdp_bpf *skel, const struct ruleset *rs,
		      const unsigned int *ifindexes)
{
	__u32 zero = 0;
	int err;

	for (size_t i = 0; i < rs->n_ifaces; i++) {
		struct edgexdp_iface iface = {
			.zone = rs->ifaces[i].zone,
			.slot = rs->iface_slots ? rs->iface_slots[i] : (__u32)i,
			.configured = 1,
			.source_check = (__u8)rs->ifaces[i].source_check,
			.flags = rs->ifaces[i].internet ? EDGEXDP_IFACE_INTERNET
							: 0,
			.sport_protos = (__u8)rs->sport_protos,
		};
		__u32 key = ifindexes[i];

		err = update(bpf_map__fd(skel->maps.interfaces), &key, &iface);
		if (err)
			return err;
	}
	err = update(bpf_map__fd(skel->maps.settings), &zero, &rs->settings);
	if (err)
		return err;
	err = fill_ports(bpf_map__fd(skel->maps.port_groups), rs);
	if (err)
		return err;
	for (size_t i = 0; i < rs->n_lpm_v4; i++) {
		__u32 v = lpm_value(rs, rs->lpm_v4[i].addr_class);

		err = update(bpf_map__fd(skel->maps.addr_v4),
			     &rs->lpm_v4[i].key, &v);
		if (err)
			return err;
	}
	for (size_t i = 0; i < rs->n_lpm_v6; i++) {
		__u32 v = lpm_value(rs, rs->lpm_v6[i].addr_class);

		err = update(bpf_map__fd(skel->maps.addr_v6),
			     &rs->lpm_v6[i].key, &v);
		if (err)
			return err;
	}
	for (size_t i = 0; i < rs->n_matches; i++) {
		__u32 v = match_value(rs, rs->matches[i].rule_id);

		err = update(bpf_map__fd(skel->maps.rule_match),
			     &rs->matches[i].key, &v);
		if (err)
			return err;
	}
	for (size_t i = 0; i < rs->n_nat; i++) {
		struct edgexdp_nat_key nk = {.addr = rs->nat[i].private_addr,
					     .family = rs->nat[i].family};

		err = update(bpf_map__fd(skel->maps.nat_canon), &nk,
			     &rs->nat[i].public_addr);
		if (err)
			return err;
	}
	return 0;
}

int maps_create_rules(struct edgexdp_bpf *skel, const struct ruleset *rs,
		      const unsigned int *ifindexes, struct edgexdp_diag *d)
{
	struct bpf_map *map;
	int err;

	bpf_object__for_each_map (map, skel->obj) {
		if (bpf_map__is_internal(map) || is_state_map(map))
			continue;
		err = create_map(map);
		if (err)
			return diag_set(d, err,
					"cannot create and fill the maps");
	}
	err = fill_rules(skel, rs, ifindexes);
	if (err)
		return diag_set(d, err, "cannot create and fill the maps");
	return 0;
}

int maps_prepare(struct edgexdp_bpf *skel, const struct maps_prepare_opts *o,
		 struct edgexdp_diag *d)
{
	int err;

	err = maps_create_state(skel, o->rs, o->keep, o->reused, d);
	if (!err)
		err = maps_create_rules(skel, o->rs, o->ifindexes, d);
	return err;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static int pin_new_map(int fd, const char *name)
{
	char path[EDGEXDP_PATH_LEN];
	int err = pin_path(path, sizeof(path), name);

	if (!err && bpf_obj_pin(fd, path))
		err = -errno;
	return err;
}

int maps_create_rule_info(const struct ruleset *rs)
{
	int fd = maps_rule_info_fd(rs), err;

	if (fd < 0)
		return fd;
	err = pin_new_map(fd, PIN_RULE_INFO);
	close(fd);
	return err;
}

int maps_rule_info_fd(const struct ruleset *rs)
{
	struct edgexdp_rule_info info;
	int fd, err = 0;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, PIN_RULE_INFO, sizeof(__u32),
			    sizeof(info), EDGEXDP_MAX_RULES, NULL);
	if (fd < 0)
		return -errno;
	for (__u32 id = 0; id < rs->n_rules && !err; id++) {
		const struct ruleset_rule *r = &rs->rules[id];

		memset(&info, 0, sizeof(info));
		copy_str(info.name, sizeof(info.name), r->name);
		copy_str(info.from, sizeof(info.from), r->from);
		copy_str(info.to, sizeof(info.to), r->to);
		copy_str(info.seed, sizeof(info.seed), r->seed);
		info.zone = r->zone;
		info.proto = r->proto;
		info.port_lo = r->port_lo;
		info.port_hi = r->port_hi;
		info.sport_lo = r->sport_lo;
		info.sport_hi = r->sport_hi;
		info.feature = r->feature;
		err = update(fd, &id, &info);
	}
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int maps_create_load_info(void)
{
	int fd, err;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, PIN_LOAD_INFO, sizeof(__u32),
			    sizeof(struct edgexdp_load_info), 1, NULL);
	if (fd < 0)
		return -errno;
	err = pin_new_map(fd, PIN_LOAD_INFO);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int maps_percpu_zero(int fd, __u32 key, size_t value_size)
{
	int ncpu = libbpf_num_possible_cpus();
	void *zeros;
	int err;

	if (ncpu < 0)
		return ncpu;
	zeros = calloc((size_t)ncpu, (value_size + 7) & ~(size_t)7);
	if (!zeros)
		return -ENOMEM;
	err = bpf_map_update_elem(fd, &key, zeros, BPF_ANY) ? -errno : 0;
	free(zeros);
	return err;
}

__u64 maps_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * EDGEXDP_NSEC_PER_SEC + (__u64)ts.tv_nsec;
}

int maps_percpu_sum_u64(int fd, __u32 key, __u64 *sum, size_t n_counters)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *values;

	if (ncpu < 0)
		return ncpu;
	values = calloc((size_t)ncpu * n_counters, sizeof(__u64));
	if (!values)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, values)) {
		int err = -errno;

		free(values);
		return err;
	}
	memset(sum, 0, n_counters * sizeof(__u64));
	for (int cpu = 0; cpu < ncpu; cpu++)
		for (size_t c = 0; c < n_counters; c++)
			sum[c] += values[(size_t)cpu * n_counters + c];
	free(values);
	return 0;
}

int maps_read_slot_stats(int fd, __u32 slot, struct edgexdp_reason_stats *drops,
			 struct edgexdp_reason_stats *passes,
			 struct edgexdp_iface_stats *iface)
{
	struct edgexdp_slot_stats st = {0};
	int err;

	err = maps_percpu_sum_u64(fd, slot, &st.verdict[0].packets,
				  sizeof(st) / sizeof(__u64));
	if (err)
		return err;
	memset(iface, 0, sizeof(*iface));
	for (__u32 pass = 0; pass < 2; pass++) {
		__u32 n = pass ? EDGEXDP_PASS_REASON_COUNT
			       : EDGEXDP_DROP_REASON_COUNT;
		struct edgexdp_reason_stats *total = pass ? passes : drops;

		for (__u32 r = 0; r < n; r++) {
			const struct edgexdp_reason_stats *c =
				&st.verdict[EDGEXDP_STATS_INDEX(pass, r)];

			total[r].packets += c->packets;
			total[r].bytes += c->bytes;
			if (pass)
				iface->pass_packets += c->packets;
			else
				iface->drop_packets += c->packets;
			iface->rx_packets += c->packets;
			iface->rx_bytes += c->bytes;
		}
	}
	return 0;
}

int maps_open_pinned(const char *name)
{
	char path[EDGEXDP_PATH_LEN];
	int fd, err = pin_path(path, sizeof(path), name);

	if (err)
		return err;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}
