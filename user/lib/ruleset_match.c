// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Match entries: for each pair of a destination port group and a source
 * port group of one zone and protocol (0 on a side: a port no rule names
 * there), the rules that cover both, in rule order, each expanded into the
 * (src class, dst class) pairs its sides admit. A rule that leaves a side
 * any covers every group of that side. A pair an earlier rule already
 * holds stays with it: first rule wins.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ruleset_internal.h"

struct class_list {
	uint32_t *cls;
	size_t n;
};

struct expand {
	struct idtab tab;
	size_t cap; /* of rs->matches */
	struct class_list src, dst;
	uint32_t *stamp; /* per class: the tag of the list that has it */
	uint32_t tag;
	uint32_t *in_src; /* per rule: the source group tag that has it */
	uint32_t src_tag;
	uint32_t *cover; /* the rules of one (group, sport group) pair */
};

struct match_ctx {
	const struct ruleset *rs;
	struct edgexdp_match_key key;
};

static int match_eq(const void *ctx, uint32_t id)
{
	const struct match_ctx *m = ctx;
	const struct edgexdp_match_key *k = &m->rs->matches[id].key;

	return k->group == m->key.group &&
	       k->sport_group == m->key.sport_group &&
	       k->src_class == m->key.src_class &&
	       k->dst_class == m->key.dst_class;
}

/* The classes a side admits: all of them for any, else the classes that
 * hold one of its sets. */
static void side_classes(const struct rs_build *b,
			 const struct ruleset_side *side, struct expand *x,
			 struct class_list *out)
{
	uint32_t n_cls = b->rs->n_addr_classes;

	out->n = 0;
	if (side->any) {
		for (uint32_t c = 0; c < n_cls; c++)
			out->cls[out->n++] = c;
		return;
	}
	x->tag++;
	for (size_t i = 0; i < side->n_sets; i++) {
		uint32_t s = side->sets[i];

		for (uint32_t k = b->set_cls_off[s]; k < b->set_cls_off[s + 1];
		     k++) {
			uint32_t c = b->set_classes[k];

			if (x->stamp[c] != x->tag) {
				x->stamp[c] = x->tag;
				out->cls[out->n++] = c;
			}
		}
	}
}

static int add_match(struct rs_build *b, struct expand *x,
		     const struct match_ctx *m, uint32_t rule)
{
	struct ruleset *rs = b->rs;
	uint64_t packed = (uint64_t)m->key.sport_group << 48 |
			  (uint64_t)m->key.group << 32 |
			  (uint64_t)m->key.src_class << 16 | m->key.dst_class;
	uint32_t idx;
	int err;

	err = idtab_get(&x->tab, hash_mix(0, packed), match_eq, m,
			(uint32_t)rs->n_matches, &idx);
	if (err)
		return err < 0 ? err : 0;
	if (rs->n_matches >= EDGEXDP_MAX_RULE_MATCHES)
		return rs_fail(b, b->rule_pos[rule], E2BIG,
			       "too many rule match entries at rule '%s': '%d' "
			       "(expected at most %d; fewer address classes or "
			       "narrower rules)",
			       rs->rules[rule].name,
			       EDGEXDP_MAX_RULE_MATCHES + 1,
			       EDGEXDP_MAX_RULE_MATCHES);
	if (rs->n_matches == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		struct ruleset_match *nm =
			realloc(rs->matches, cap * sizeof(*nm));

		if (!nm)
			return -ENOMEM;
		rs->matches = nm;
		x->cap = cap;
	}
	rs->matches[rs->n_matches].key = m->key;
	rs->matches[rs->n_matches++].rule_id = rule;
	return 0;
}

static int expand_rule(struct rs_build *b, struct expand *x,
		       const struct edgexdp_match_key *groups, uint32_t rule)
{
	struct match_ctx m = {.rs = b->rs, .key = *groups};
	int err = 0;

	side_classes(b, &b->from[rule], x, &x->src);
	side_classes(b, &b->to[rule], x, &x->dst);
	for (size_t i = 0; i < x->src.n && !err; i++) {
		m.key.src_class = (uint16_t)x->src.cls[i];
		for (size_t j = 0; j < x->dst.n && !err; j++) {
			m.key.dst_class = (uint16_t)x->dst.cls[j];
			err = add_match(b, x, &m, rule);
		}
	}
	return err;
}

static const uint32_t *group_rules(const struct rs_build *b, uint16_t gid,
				   uint32_t *n)
{
	*n = gid ? b->groups.len[gid - 1] : 0;
	return gid ? b->groups.rules + b->groups.off[gid - 1] : NULL;
}

/*
 * The rules a packet with a destination port of group `group` and a source
 * port of group `sport_group` can match, in rule order: the destination
 * group's rules whose source side is any or covers the source port, and
 * the source group's rules whose destination side is any. Both lists are
 * in rule order and disjoint, so a merge keeps the order.
 */
static size_t pair_rules(const struct rs_build *b, struct expand *x,
			 uint16_t group, uint16_t sport_group)
{
	const struct ruleset_rule *rules = b->rs->rules;
	uint32_t n_dst, n_src, i = 0, j = 0;
	const uint32_t *dst = group_rules(b, group, &n_dst);
	const uint32_t *src = group_rules(b, sport_group, &n_src);
	size_t n = 0;

	x->src_tag++;
	for (uint32_t k = 0; k < n_src; k++)
		x->in_src[src[k]] = x->src_tag;
	while (i < n_dst || j < n_src) {
		if (j == n_src || (i < n_dst && dst[i] < src[j])) {
			uint32_t r = dst[i++];

			if (ports_any(rules[r].sport_lo, rules[r].sport_hi) ||
			    x->in_src[r] == x->src_tag)
				x->cover[n++] = r;
		} else {
			uint32_t r = src[j++];

			/* A rule in both lists is taken from dst's. */
			if (ports_any(rules[r].port_lo, rules[r].port_hi))
				x->cover[n++] = r;
		}
	}
	return n;
}

static int expand_zone_proto(struct rs_build *b, struct expand *x,
			     const struct rs_zone_groups *zg)
{
	struct edgexdp_match_key groups = {0};
	int err = 0;

	/* Index 0 of each side stands for group 0: a port no rule names. */
	for (size_t s = 0; s <= zg->n_src && !err; s++) {
		groups.sport_group = s ? zg->src[s - 1] : 0;
		for (size_t d = 0; d <= zg->n_dst && !err; d++) {
			size_t n;

			groups.group = d ? zg->dst[d - 1] : 0;
			if (!groups.group && !groups.sport_group)
				continue; /* the junk filter drops those */
			n = pair_rules(b, x, groups.group, groups.sport_group);
			for (size_t k = 0; k < n && !err; k++)
				err = expand_rule(b, x, &groups, x->cover[k]);
		}
	}
	return err;
}

int rs_build_matches(struct rs_build *b)
{
	uint32_t n_cls = b->rs->n_addr_classes;
	size_t n_rules = b->rs->n_rules ? b->rs->n_rules : 1;
	struct expand x = {0};
	int err = -ENOMEM;

	x.src.cls = calloc(n_cls, sizeof(*x.src.cls));
	x.dst.cls = calloc(n_cls, sizeof(*x.dst.cls));
	x.stamp = calloc(n_cls, sizeof(*x.stamp));
	x.in_src = calloc(n_rules, sizeof(*x.in_src));
	x.cover = calloc(n_rules, sizeof(*x.cover));
	if (x.src.cls && x.dst.cls && x.stamp && x.in_src && x.cover)
		err = 0;
	for (int z = 0; z < EDGEXDP_ZONE_COUNT && !err; z++)
		for (int p = 0; p < EDGEXDP_PROTO_COUNT && !err; p++)
			err = expand_zone_proto(b, &x, &b->zone_groups[z][p]);
	idtab_free(&x.tab);
	free(x.src.cls);
	free(x.dst.cls);
	free(x.stamp);
	free(x.in_src);
	free(x.cover);
	return err;
}
