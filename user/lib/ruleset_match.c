// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Match entries: for each port group, its rules in rule order, each
 * expanded into the (src class, dst class) pairs its sides admit. A pair an
 * earlier rule of the group already holds stays with it: first rule wins.
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
};

struct match_ctx {
	const struct ruleset *rs;
	struct edgexdp_match_key key;
};

static int match_eq(const void *ctx, uint32_t id)
{
	const struct match_ctx *m = ctx;
	const struct edgexdp_match_key *k = &m->rs->matches[id].key;

	return k->group == m->key.group && k->src_class == m->key.src_class &&
	       k->dst_class == m->key.dst_class;
}

/* The classes a side admits: all of them for any, else the classes that
 * hold one of its sets. */
static void side_classes(const struct rs_build *b, const struct ruleset_side *side,
			 struct expand *x, struct class_list *out)
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
	uint64_t packed = (uint64_t)m->key.group << 32 |
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

static int expand_rule(struct rs_build *b, struct expand *x, uint16_t group,
		       uint32_t rule)
{
	struct match_ctx m = {.rs = b->rs};
	int err = 0;

	side_classes(b, &b->from[rule], x, &x->src);
	side_classes(b, &b->to[rule], x, &x->dst);
	m.key.group = group;
	for (size_t i = 0; i < x->src.n && !err; i++) {
		m.key.src_class = (uint16_t)x->src.cls[i];
		for (size_t j = 0; j < x->dst.n && !err; j++) {
			m.key.dst_class = (uint16_t)x->dst.cls[j];
			err = add_match(b, x, &m, rule);
		}
	}
	return err;
}

int rs_build_matches(struct rs_build *b)
{
	uint32_t n_cls = b->rs->n_addr_classes;
	struct expand x = {0};
	int err = -ENOMEM;

	x.src.cls = calloc(n_cls, sizeof(*x.src.cls));
	x.dst.cls = calloc(n_cls, sizeof(*x.dst.cls));
	x.stamp = calloc(n_cls, sizeof(*x.stamp));
	if (x.src.cls && x.dst.cls && x.stamp)
		err = 0;
	for (uint32_t g = 0; g < b->rs->n_port_groups && !err; g++) {
		const uint32_t *rules = b->groups.rules + b->groups.off[g];

		for (uint32_t i = 0; i < b->groups.len[g] && !err; i++)
			err = expand_rule(b, &x, (uint16_t)(g + 1), rules[i]);
	}
	idtab_free(&x.tab);
	free(x.src.cls);
	free(x.dst.cls);
	free(x.stamp);
	return err;
}
