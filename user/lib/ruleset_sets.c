// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The rule compiler's address sets: each named set of the config once,
 * each literal list of a rule once (equal lists share one set), their
 * prefixes sorted and unique.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "ruleset_internal.h"

static int cmp_prefix(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* Sort and drop repeats in place. */
size_t rs_sort_unique(struct cfg_prefix *p, size_t n)
{
	size_t out = 0;

	if (!n)
		return 0;
	qsort(p, n, sizeof(*p), cmp_prefix);
	for (size_t i = 1; i < n; i++)
		if (!prefix_equal(&p[out], &p[i]))
			p[++out] = p[i];
	return out + 1;
}

static int new_set(struct rs_build *b, const char *name,
		   const struct cfg_prefix *p, size_t n, struct cfg_pos pos,
		   uint32_t *id)
{
	struct rs_set *s;

	if (b->n_sets == b->cap_sets) {
		size_t cap = b->cap_sets ? b->cap_sets * 2 : 16;
		struct rs_set *ns = realloc(b->sets, cap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		b->sets = ns;
		b->cap_sets = cap;
	}
	s = &b->sets[b->n_sets];
	memset(s, 0, sizeof(*s));
	s->prefixes = malloc((n ? n : 1) * sizeof(*p));
	if (!s->prefixes)
		return -ENOMEM;
	if (n)
		memcpy(s->prefixes, p, n * sizeof(*p));
	s->n_prefixes = rs_sort_unique(s->prefixes, n);
	s->name = name;
	s->pos = pos;
	*id = (uint32_t)b->n_sets++;
	return 0;
}

/* The index in cfg->addrsets of the set called `name`. */
int rs_find_addrset(const struct rs_build *b, const char *name, uint32_t *idx)
{
	struct cfg_name_key key = {b->cfg, name};

	return idtab_find(&b->set_names, hash_str(name), cfg_addrset_name_eq,
			  &key, idx);
}

int rs_index_addrsets(struct rs_build *b)
{
	const struct edgexdp_config *cfg = b->cfg;
	uint32_t found;

	for (uint32_t i = 0; i < cfg->n_addrsets; i++) {
		struct cfg_name_key key = {cfg, cfg->addrsets[i].name};

		/* a repeated name (only in a config built in memory): the
		 * first one counts, as for the parser */
		if (idtab_get(&b->set_names, hash_str(cfg->addrsets[i].name),
			      cfg_addrset_name_eq, &key, i, &found) < 0)
			return -ENOMEM;
	}
	return 0;
}

int rs_named_set(struct rs_build *b, const char *name, struct cfg_pos pos,
		 uint32_t *id)
{
	const struct edgexdp_config *cfg = b->cfg;
	uint32_t i;
	int err;

	if (!rs_find_addrset(b, name, &i))
		return rs_fail(b, pos, EINVAL,
			       "unknown address set: '%s' (expected a set "
			       "defined under addresses:, any, or an address)",
			       name);
	if (b->named_set_id[i]) {
		*id = b->named_set_id[i] - 1;
		return 0;
	}
	err = new_set(b, cfg->addrsets[i].name, cfg->addrsets[i].prefixes,
		      cfg->addrsets[i].n_prefixes, cfg->addrsets[i].pos, id);
	if (!err)
		b->named_set_id[i] = *id + 1;
	return err;
}

struct literal_key {
	const struct rs_build *b;
	const struct cfg_prefix *p;
	size_t n;
};

static int literal_eq(const void *ctx, uint32_t id)
{
	const struct literal_key *k = ctx;
	const struct rs_set *s = &k->b->sets[id];

	if (s->name || s->n_prefixes != k->n)
		return 0;
	for (size_t i = 0; i < k->n; i++)
		if (!prefix_equal(&s->prefixes[i], &k->p[i]))
			return 0;
	return 1;
}

static uint64_t prefix_hash(uint64_t h, const struct cfg_prefix *p)
{
	h = hash_mix(h, (uint64_t)p->family << 8 | p->prefixlen);
	for (size_t i = 0; i < 4; i++)
		h = hash_mix(h, p->addr.u32[i]);
	return h;
}

/* The literal prefixes of one rule side: one set per distinct list. */
int rs_literal_set(struct rs_build *b, const struct cfg_prefix *p, size_t n,
		   struct cfg_pos pos, uint32_t *id)
{
	struct literal_key key = {b, NULL, 0};
	uint64_t h = 0;
	uint32_t found;
	int err;

	err = new_set(b, NULL, p, n, pos, id);
	if (err)
		return err;
	key.p = b->sets[*id].prefixes;
	key.n = b->sets[*id].n_prefixes;
	for (size_t i = 0; i < key.n; i++)
		h = prefix_hash(h, &key.p[i]);
	err = idtab_get(&b->literal_sets, h, literal_eq, &key, *id, &found);
	if (err < 0)
		return err;
	if (err == 1) {
		/* Same list as an earlier side: use that set. */
		free(b->sets[*id].prefixes);
		b->n_sets--;
		*id = found;
	}
	return 0;
}
