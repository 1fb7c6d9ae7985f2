/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A hash index from keys to small integer ids (array indexes), for the
 * config parser and the rule compiler. The table stores only ids and
 * hashes; the caller keeps the keys and says when two are equal.
 */
#ifndef EDGEXDP_IDTAB_H
#define EDGEXDP_IDTAB_H

#include <stddef.h>
#include <stdint.h>

struct idtab_slot {
	uint64_t hash;
	uint32_t id_plus1; /* 0: empty */
};

struct idtab {
	struct idtab_slot *slots;
	size_t cap, n;
};

/* Does the key behind `ctx` equal the key of `id`? */
typedef int (*idtab_eq_fn)(const void *ctx, uint32_t id);

uint64_t hash_mix(uint64_t h, uint64_t v);
uint64_t hash_str(const char *s);
/* Find the id of a key equal to ctx's; if none, insert new_id. *out gets
 * the id. 1: found, 0: inserted, -ENOMEM. */
int idtab_get(struct idtab *t, uint64_t hash, idtab_eq_fn eq, const void *ctx,
	      uint32_t new_id, uint32_t *out);
/* Find only. 1: found (*out set), 0: not found. */
int idtab_find(const struct idtab *t, uint64_t hash, idtab_eq_fn eq,
	       const void *ctx, uint32_t *out);
void idtab_free(struct idtab *t);

#endif /* EDGEXDP_IDTAB_H */
