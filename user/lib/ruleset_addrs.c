// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Address classes. Every prefix of every set a rule uses becomes one LPM
 * entry; its membership is the union of the sets of all prefixes covering
 * it (itself included), since the LPM lookup returns only the longest
 * match. A class is one distinct membership; class 0 is "in no set".
 *
 * Sorted by (family, address, length), a prefix comes after every prefix
 * covering it, and prefixes nest or are disjoint: one pass with a stack of
 * the current ancestors computes every membership, as the sorted union of
 * the prefix's own sets and its nearest ancestor's membership. Memberships
 * are sparse lists of set ids, so memory follows the memberships that
 * exist, not prefixes x sets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "profile.h"
#include "ruleset_internal.h"

struct member {
	struct cfg_prefix p;
	uint32_t set;
};

/* Sorted lists of set ids, stored back to back. */
struct pool {
	uint32_t *ids;
	size_t n, cap;
};

struct prefixes {
	struct cfg_prefix *p; /* unique, sorted */
	size_t *off; /* membership: pool.ids[off[i] .. off[i] + len[i]] */
	uint32_t *len;
	uint32_t *cls;
	size_t n;
	struct pool pool;
};

/* Class c's membership, pointing into the prefixes' pool. */
struct classes {
	size_t *off;
	uint32_t *len;
	size_t cap;
};

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int c = prefix_cmp(&x->p, &y->p);

	if (c)
		return c;
	return x->set < y->set ? -1 : x->set > y->set;
}

static int covers(const struct cfg_prefix *outer, const struct cfg_prefix *in)
{
	struct cfg_prefix m = *in;

	if (outer->family != in->family || outer->prefixlen > in->prefixlen)
		return 0;
	prefix_mask(&m, outer->prefixlen);
	return memcmp(m.addr.u8, outer->addr.u8, sizeof(m.addr.u8)) == 0;
}

static int collect(struct rs_build *b, struct member **out, size_t *n_out)
{
	struct member *m;
	size_t n = 0;

	for (size_t s = 0; s < b->n_sets; s++)
		n += b->sets[s].n_prefixes;
	m = calloc(n ? n : 1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	n = 0;
	for (uint32_t s = 0; s < b->n_sets; s++) {
		for (size_t i = 0; i < b->sets[s].n_prefixes; i++) {
			m[n].p = b->sets[s].prefixes[i];
			m[n++].set = s;
		}
	}
	qsort(m, n, sizeof(*m), cmp_member);
	*out = m;
	*n_out = n;
	return 0;
}

static int pool_reserve(struct pool *pool, size_t more)
{
	while (pool->n + more > pool->cap) {
		size_t cap = pool->cap ? pool->cap * 2 : 1024;
		uint32_t *ids = realloc(pool->ids, cap * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		pool->ids = ids;
		pool->cap = cap;
	}
	return 0;
}

/* Append the sorted union of two sorted lists; return its length. */
static uint32_t pool_union(struct pool *pool, const uint32_t *a, size_t na,
			   size_t b_off, size_t nb)
{
	const uint32_t *b = pool->ids + b_off;
	uint32_t *out = pool->ids + pool->n;
	size_t i = 0, j = 0, n = 0;

	while (i < na || j < nb) {
		if (j == nb || (i < na && a[i] < b[j])) {
			out[n++] = a[i++];
		} else if (i == na || b[j] < a[i]) {
			out[n++] = b[j++];
		} else {
			out[n++] = a[i++];
			j++;
		}
	}
	pool->n += n;
	return (uint32_t)n;
}

static int too_many_prefixes(struct rs_build *b, const struct member *m)
{
	return rs_fail(b, b->sets[m->set].pos, E2BIG,
		       "too many IPv%u prefixes in address sets: '%d' "
		       "(expected at most %d)",
		       m->p.family, EDGEXDP_MAX_PREFIXES + 1,
		       EDGEXDP_MAX_PREFIXES);
}

static int alloc_prefixes(struct prefixes *u, size_t n)
{
	if (!n)
		n = 1;
	u->p = calloc(n, sizeof(*u->p));
	u->off = calloc(n, sizeof(*u->off));
	u->len = calloc(n, sizeof(*u->len));
	u->cls = calloc(n, sizeof(*u->cls));
	return u->p && u->off && u->len && u->cls ? 0 : -ENOMEM;
}

/*
 * Merge identical prefixes and give each its membership: the sets it was
 * listed in (a run of m[], sorted by set) united with the membership of
 * the nearest prefix covering it, the top of the ancestor stack.
 */
static int memberships(struct rs_build *b, const struct member *m, size_t n,
		       struct prefixes *u)
{
	size_t per_family[2] = {0, 0}, depth = 0, *stack;
	uint32_t *own;
	int err = alloc_prefixes(u, n);

	stack = calloc(n ? n : 1, sizeof(*stack));
	own = calloc(n ? n : 1, sizeof(*own));
	if (!stack || !own)
		err = -ENOMEM;
	for (size_t i = 0, end; i < n && !err; i = end) {
		size_t k = u->n, n_own = 0, up_off = 0, up_len = 0;

		for (end = i; end < n && prefix_equal(&m[end].p, &m[i].p);
		     end++)
			own[n_own++] = m[end].set;
		if (++per_family[m[i].p.family == 6] > EDGEXDP_MAX_PREFIXES) {
			err = too_many_prefixes(b, &m[i]);
			break;
		}
		u->p[k] = m[i].p;
		while (depth && !covers(&u->p[stack[depth - 1]], &u->p[k]))
			depth--;
		if (depth) {
			up_off = u->off[stack[depth - 1]];
			up_len = u->len[stack[depth - 1]];
		}
		err = pool_reserve(&u->pool, n_own + up_len);
		if (err)
			break;
		u->off[k] = u->pool.n;
		u->len[k] = pool_union(&u->pool, own, n_own, up_off, up_len);
		stack[depth++] = k;
		u->n++;
	}
	free(stack);
	free(own);
	return err;
}

struct class_key {
	const struct prefixes *u;
	const struct classes *cl;
	const uint32_t *ids;
	uint32_t len;
};

static int class_eq(const void *ctx, uint32_t cls)
{
	const struct class_key *k = ctx;

	return k->cl->len[cls] == k->len &&
	       memcmp(k->u->pool.ids + k->cl->off[cls], k->ids,
		      k->len * sizeof(*k->ids)) == 0;
}

static int add_class(struct rs_build *b, struct classes *cl, size_t off,
		     uint32_t len, const uint32_t *ids)
{
	uint32_t n = b->rs->n_addr_classes;

	if (n > EDGEXDP_MAX_ADDR_CLASSES)
		return rs_fail(b, b->sets[ids[0]].pos, E2BIG,
			       "too many address classes: '%u' (expected at "
			       "most %d)",
			       n, EDGEXDP_MAX_ADDR_CLASSES);
	if (n == cl->cap) {
		size_t cap = cl->cap * 2;
		size_t *noff = realloc(cl->off, cap * sizeof(*noff));
		uint32_t *nlen;

		if (!noff)
			return -ENOMEM;
		cl->off = noff;
		nlen = realloc(cl->len, cap * sizeof(*nlen));
		if (!nlen)
			return -ENOMEM;
		cl->len = nlen;
		cl->cap = cap;
	}
	cl->off[n] = off;
	cl->len[n] = len;
	b->rs->n_addr_classes = n + 1;
	return 0;
}

/* One class per distinct membership, numbered from 1 in address order. */
static int assign_classes(struct rs_build *b, struct prefixes *u,
			  struct classes *cl)
{
	struct idtab tab = {0};
	int err = 0;

	cl->cap = 16;
	cl->off = calloc(cl->cap, sizeof(*cl->off));
	cl->len = calloc(cl->cap, sizeof(*cl->len));
	if (!cl->off || !cl->len)
		return -ENOMEM;
	b->rs->n_addr_classes = 1; /* class 0: no set, empty list */
	for (size_t i = 0; i < u->n && !err; i++) {
		struct class_key key = {u, cl, u->pool.ids + u->off[i],
					u->len[i]};
		uint64_t h = key.len;

		for (uint32_t k = 0; k < key.len; k++)
			h = hash_mix(h, key.ids[k]);
		err = idtab_get(&tab, h, class_eq, &key, b->rs->n_addr_classes,
				&u->cls[i]);
		if (err == 0)
			err = add_class(b, cl, u->off[i], key.len, key.ids);
		else if (err == 1)
			err = 0;
	}
	idtab_free(&tab);
	return err;
}

static int emit_lpm(struct rs_build *b, const struct prefixes *u)
{
	struct ruleset *rs = b->rs;

	rs->lpm_v4 = calloc(u->n ? u->n : 1, sizeof(*rs->lpm_v4));
	rs->lpm_v6 = calloc(u->n ? u->n : 1, sizeof(*rs->lpm_v6));
	if (!rs->lpm_v4 || !rs->lpm_v6)
		return -ENOMEM;
	for (size_t i = 0; i < u->n; i++) {
		const struct cfg_prefix *p = &u->p[i];

		if (p->family == 4) {
			struct ruleset_lpm_v4 *e = &rs->lpm_v4[rs->n_lpm_v4++];

			e->key.prefixlen = p->prefixlen;
			memcpy(e->key.addr, p->addr.u8, sizeof(e->key.addr));
			e->addr_class = u->cls[i];
		} else {
			struct ruleset_lpm_v6 *e = &rs->lpm_v6[rs->n_lpm_v6++];

			e->key.prefixlen = p->prefixlen;
			memcpy(e->key.addr, p->addr.u8, sizeof(e->key.addr));
			e->addr_class = u->cls[i];
		}
	}
	return 0;
}

/* Count (fill == NULL) or list, per set, the classes that hold it. */
static void walk_set_classes(struct rs_build *b, const struct prefixes *u,
			     const struct classes *cl, uint32_t *off,
			     uint32_t *fill)
{
	for (uint32_t c = 1; c < b->rs->n_addr_classes; c++) {
		const uint32_t *ids = u->pool.ids + cl->off[c];

		for (uint32_t k = 0; k < cl->len[c]; k++) {
			uint32_t s = ids[k];

			if (fill)
				b->set_classes[off[s] + fill[s]++] = c;
			else
				off[s + 1]++;
		}
	}
}

/* set_classes: for each set, the classes whose membership holds it. */
static int index_set_classes(struct rs_build *b, const struct prefixes *u,
			     const struct classes *cl)
{
	uint32_t *off = calloc(b->n_sets + 1, sizeof(*off)), *fill;

	if (!off)
		return -ENOMEM;
	b->set_cls_off = off;
	walk_set_classes(b, u, cl, off, NULL);
	for (size_t s = 0; s < b->n_sets; s++)
		off[s + 1] += off[s];
	b->set_classes = calloc(off[b->n_sets] ? off[b->n_sets] : 1,
				sizeof(*b->set_classes));
	fill = calloc(b->n_sets + 1, sizeof(*fill));
	if (!b->set_classes || !fill) {
		free(fill);
		return -ENOMEM;
	}
	walk_set_classes(b, u, cl, off, fill);
	free(fill);
	return 0;
}

/*
 * The classes of the edge's own addresses: those of the profile's required
 * roles (access_edge, webconf_edge, av_edge, edge_internal), NAT partners
 * included. A packet from the Internet never carries one as its source.
 */
static int mark_own_classes(struct rs_build *b)
{
	uint8_t *own = calloc(b->rs->n_addr_classes, sizeof(*own));

	if (!own)
		return -ENOMEM;
	b->rs->class_own = own;
	for (size_t s = 0; s < b->n_sets; s++) {
		if (!b->sets[s].name || !profile_role_required(b->sets[s].name))
			continue;
		for (uint32_t i = b->set_cls_off[s]; i < b->set_cls_off[s + 1];
		     i++)
			own[b->set_classes[i]] = 1;
	}
	return 0;
}

int rs_build_addr_classes(struct rs_build *b)
{
	struct prefixes u = {0};
	struct classes cl = {0};
	struct member *m = NULL;
	size_t n = 0;
	int err;

	err = collect(b, &m, &n);
	if (!err)
		err = memberships(b, m, n, &u);
	free(m);
	if (!err)
		err = assign_classes(b, &u, &cl);
	if (!err)
		err = emit_lpm(b, &u);
	if (!err)
		err = index_set_classes(b, &u, &cl);
	if (!err)
		err = mark_own_classes(b);
	free(u.p);
	free(u.off);
	free(u.len);
	free(u.cls);
	free(u.pool.ids);
	free(cl.off);
	free(cl.len);
	return err;
}
