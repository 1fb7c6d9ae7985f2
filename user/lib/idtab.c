// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Open addressing with linear probing, kept at most half full. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "idtab.h"

uint64_t hash_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return hash_mix(h, 0);
}

static int idtab_grow(struct idtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	struct idtab_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		size_t j = t->slots[i].hash & (cap - 1);

		if (!t->slots[i].id_plus1)
			continue;
		while (slots[j].id_plus1)
			j = (j + 1) & (cap - 1);
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return 0;
}

/* The slot holding an equal key, or the empty slot where it would go. */
static size_t idtab_probe(const struct idtab *t, uint64_t hash, idtab_eq_fn eq,
			  const void *ctx)
{
	size_t j = hash & (t->cap - 1);

	while (t->slots[j].id_plus1 &&
	       !(t->slots[j].hash == hash && eq(ctx, t->slots[j].id_plus1 - 1)))
		j = (j + 1) & (t->cap - 1);
	return j;
}

int idtab_find(const struct idtab *t, uint64_t hash, idtab_eq_fn eq,
	       const void *ctx, uint32_t *out)
{
	size_t j;

	if (!t->cap)
		return 0;
	j = idtab_probe(t, hash, eq, ctx);
	if (!t->slots[j].id_plus1)
		return 0;
	*out = t->slots[j].id_plus1 - 1;
	return 1;
}

int idtab_get(struct idtab *t, uint64_t hash, idtab_eq_fn eq, const void *ctx,
	      uint32_t new_id, uint32_t *out)
{
	size_t j;

	if ((t->n + 1) * 2 > t->cap && idtab_grow(t))
		return -ENOMEM;
	j = idtab_probe(t, hash, eq, ctx);
	if (t->slots[j].id_plus1) {
		*out = t->slots[j].id_plus1 - 1;
		return 1;
	}
	t->slots[j].hash = hash;
	t->slots[j].id_plus1 = new_id + 1;
	t->n++;
	*out = new_id;
	return 0;
}

void idtab_free(struct idtab *t)
{
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
