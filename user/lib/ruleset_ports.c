// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Port groups: per zone and protocol, the ports that exactly the same rules
 * cover form one group. A sweep over the rules' range boundaries cuts the
 * port space into segments with a constant set of covering rules; segments
 * with the same set (even far apart) share the group id.
 *
 * Destination and source ports are swept apart: a port's group says which
 * rules name it as their destination port, its source port group which
 * name it as their source port. A rule that leaves a side any is in no
 * sweep of that side (else every port would be named and the junk filter
 * would let everything through); ruleset_match.c lets it cover every group
 * of that side instead, group 0 included.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset_internal.h"

struct group_key {
	const struct rs_groups *g;
	const uint32_t *rules;
	size_t n;
};

static int group_eq(const void *ctx, uint32_t idx)
{
	const struct group_key *k = ctx;

	return k->g->len[idx] == k->n &&
	       memcmp(k->g->rules + k->g->off[idx], k->rules,
		      k->n * sizeof(*k->rules)) == 0;
}

static int groups_reserve(struct rs_groups *g, size_t n_groups, size_t n_more)
{
	if (n_groups == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		size_t *off = realloc(g->off, cap * sizeof(*off));
		uint32_t *len;

		if (!off)
			return -ENOMEM;
		g->off = off;
		len = realloc(g->len, cap * sizeof(*len));
		if (!len)
			return -ENOMEM;
		g->len = len;
		g->cap = cap;
	}
	while (g->n_rules + n_more > g->cap_rules) {
		size_t cap = g->cap_rules ? g->cap_rules * 2 : 256;
		uint32_t *rules = realloc(g->rules, cap * sizeof(*rules));

		if (!rules)
			return -ENOMEM;
		g->rules = rules;
		g->cap_rules = cap;
	}
	return 0;
}

/* The group id of a list of covering rules: 0 for none, else a new or
 * existing id. */
static int group_of(struct rs_build *b, struct idtab *tab,
		    const uint32_t *rules, size_t n, uint16_t *gid)
{
	struct rs_groups *g = &b->groups;
	struct group_key key = {g, rules, n};
	uint32_t n_groups = b->rs->n_port_groups, idx;
	uint64_t h = n;
	int err;

	*gid = 0;
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		h = hash_mix(h, rules[i]);
	err = idtab_get(tab, h, group_eq, &key, n_groups, &idx);
	if (err < 0)
		return err;
	if (err == 0) {
		if (n_groups >= EDGEXDP_MAX_PORT_GROUPS)
			return rs_fail(b, b->rule_pos[rules[n - 1]], E2BIG,
				       "too many port groups: '%u' (expected "
				       "at most %d)",
				       n_groups + 1, EDGEXDP_MAX_PORT_GROUPS);
		err = groups_reserve(g, n_groups, n);
		if (err)
			return err;
		g->off[idx] = g->n_rules;
		g->len[idx] = (uint32_t)n;
		memcpy(g->rules + g->n_rules, rules, n * sizeof(*rules));
		g->n_rules += n;
		b->rs->n_port_groups++;
	}
	*gid = (uint16_t)(idx + 1);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct sweep {
	uint32_t *ids; /* rules of this zone and protocol, in rule order */
	uint32_t *points; /* range boundaries: lo and hi + 1 */
	uint32_t *cover; /* the rules covering one segment */
	size_t n_ids, n_points;
	uint8_t *listed[2]; /* per sweep_side and group id: in zone_groups */
};

/* Which of a rule's two port ranges a sweep is about. */
enum sweep_side { SWEEP_DST, SWEEP_SRC };

static void rule_range(const struct ruleset_rule *r, enum sweep_side side,
		       uint32_t *lo, uint32_t *hi)
{
	*lo = side == SWEEP_DST ? r->port_lo : r->sport_lo;
	*hi = side == SWEEP_DST ? r->port_hi : r->sport_hi;
}

static void sweep_points(const struct ruleset *rs, struct sweep *s,
			 enum edgexdp_zone zone, enum edgexdp_proto proto,
			 enum sweep_side side)
{
	size_t n = 0;
	uint32_t lo, hi;

	s->n_ids = 0;
	for (uint32_t id = 0; id < rs->n_rules; id++) {
		const struct ruleset_rule *r = &rs->rules[id];

		rule_range(r, side, &lo, &hi);
		if (r->zone != zone || r->proto != proto ||
		    ports_any((uint16_t)lo, (uint16_t)hi))
			continue;
		s->ids[s->n_ids++] = id;
		s->points[n++] = lo;
		s->points[n++] = hi + 1;
	}
	qsort(s->points, n, sizeof(*s->points), cmp_u32);
	s->n_points = 0;
	for (size_t i = 0; i < n; i++)
		if (!s->n_points || s->points[s->n_points - 1] != s->points[i])
			s->points[s->n_points++] = s->points[i];
}

/* Remember that zone/proto uses group gid on this side, once. A group
 * belongs to one zone and protocol (its rules do), so one flag per side
 * and id says whether it is listed. */
static int note_group(struct sweep *s, struct rs_zone_groups *zg,
		      enum sweep_side side, uint16_t gid)
{
	uint16_t **ids = side == SWEEP_DST ? &zg->dst : &zg->src;
	size_t *n = side == SWEEP_DST ? &zg->n_dst : &zg->n_src;
	uint16_t *grown;

	if (s->listed[side][gid])
		return 0;
	/* Grown at powers of two: amortised O(1) per group. */
	if (!(*n & (*n - 1))) {
		grown = realloc(*ids, (*n ? 2 * *n : 1) * sizeof(**ids));
		if (!grown)
			return -ENOMEM;
		*ids = grown;
	}
	(*ids)[(*n)++] = gid;
	s->listed[side][gid] = 1;
	return 0;
}

static void set_group(struct edgexdp_port_entry *e, enum edgexdp_zone zone,
		      enum sweep_side side, uint16_t gid)
{
	if (side == SWEEP_DST)
		e->group[zone] = gid;
	else
		e->sport_group[zone] = gid;
}

static int sweep_zone_proto(struct rs_build *b, struct idtab *tab,
			    struct sweep *s, enum edgexdp_zone zone,
			    enum edgexdp_proto proto, enum sweep_side side)
{
	struct ruleset *rs = b->rs;
	struct edgexdp_port_entry *ports =
		rs->ports + (size_t)proto * EDGEXDP_PORTS_PER_PROTO;
	uint32_t r_lo, r_hi;
	uint16_t gid;
	int err;

	sweep_points(rs, s, zone, proto, side);
	for (size_t i = 0; i + 1 < s->n_points; i++) {
		uint32_t lo = s->points[i], end = s->points[i + 1];
		size_t n = 0;

		for (size_t k = 0; k < s->n_ids; k++) {
			rule_range(&rs->rules[s->ids[k]], side, &r_lo, &r_hi);
			if (r_lo <= lo && lo <= r_hi)
				s->cover[n++] = s->ids[k];
		}
		err = group_of(b, tab, s->cover, n, &gid);
		if (!err && gid)
			err = note_group(s, &b->zone_groups[zone][proto], side,
					 gid);
		if (err)
			return err;
		for (uint32_t p = lo; p < end; p++)
			set_group(&ports[p], zone, side, gid);
	}
	if (side == SWEEP_SRC && s->n_ids)
		rs->sport_protos |= 1U << proto;
	return 0;
}

int rs_build_port_groups(struct rs_build *b)
{
	struct ruleset *rs = b->rs;
	size_t n = rs->n_rules ? rs->n_rules : 1;
	struct idtab tab = {0};
	struct sweep s = {0};
	int err = -ENOMEM;

	rs->ports =
		calloc((size_t)EDGEXDP_PROTO_COUNT * EDGEXDP_PORTS_PER_PROTO,
		       sizeof(*rs->ports));
	s.ids = calloc(n, sizeof(*s.ids));
	s.cover = calloc(n, sizeof(*s.cover));
	s.points = calloc(2 * n, sizeof(*s.points));
	s.listed[SWEEP_DST] = calloc(EDGEXDP_MAX_PORT_GROUPS + 1, 1);
	s.listed[SWEEP_SRC] = calloc(EDGEXDP_MAX_PORT_GROUPS + 1, 1);
	if (rs->ports && s.ids && s.cover && s.points && s.listed[SWEEP_DST] &&
	    s.listed[SWEEP_SRC])
		err = 0;
	for (int z = 0; z < EDGEXDP_ZONE_COUNT && !err; z++)
		for (int p = 0; p < EDGEXDP_PROTO_COUNT && !err; p++)
			for (int side = SWEEP_DST; side <= SWEEP_SRC && !err;
			     side++)
				err = sweep_zone_proto(b, &tab, &s,
						       (enum edgexdp_zone)z,
						       (enum edgexdp_proto)p,
						       (enum sweep_side)side);
	idtab_free(&tab);
	free(s.ids);
	free(s.cover);
	free(s.points);
	free(s.listed[SWEEP_DST]);
	free(s.listed[SWEEP_SRC]);
	return err;
}
