/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the parts of the rule compiler share while they build a ruleset:
 * ruleset.c (rules, address sets, NAT, settings), ruleset_addrs.c (address
 * classes, LPM entries), ruleset_ports.c (port groups) and ruleset_match.c
 * (the (group, sport group, class, class) -> rule entries).
 */
#ifndef EDGEXDP_RULESET_INTERNAL_H
#define EDGEXDP_RULESET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "idtab.h"
#include "ruleset.h"

/* An address set some enabled rule side uses: a named set from
 * `addresses:` or the literal prefixes of one side of a site rule. */
struct rs_set {
	const char *name; /* NULL for a literal list */
	struct cfg_prefix *prefixes; /* sorted, unique, NAT partners added */
	size_t n_prefixes;
	struct cfg_pos pos;
};

/* Port group id g (>= 1) covers rules group_rules[off[g-1]..+len[g-1]],
 * in rule order. */
struct rs_groups {
	uint32_t *rules;
	size_t n_rules, cap_rules;
	size_t *off;
	uint32_t *len;
	size_t cap;
};

/* The port group ids one zone and protocol uses, per side of a rule. */
struct rs_zone_groups {
	uint16_t *dst; /* ids in port_groups' group[] */
	size_t n_dst;
	uint16_t *src; /* ids in port_groups' sport_group[] */
	size_t n_src;
};

struct rs_build {
	const struct edgexdp_config *cfg;
	struct ruleset *rs;
	struct edgexdp_diag *err;

	struct rs_set *sets;
	size_t n_sets, cap_sets;
	uint32_t *named_set_id; /* per cfg->addrsets index, 0 or id + 1 */
	struct idtab literal_sets;
	struct idtab set_names; /* cfg->addrsets by name */

	struct ruleset_side *from, *to; /* per rule id */
	struct cfg_pos *rule_pos; /* per rule id, 1:1 for profile rules */

	/* Address classes (rs->n_addr_classes of them, class 0 in no set):
	 * set_classes[set_cls_off[s] .. set_cls_off[s + 1]] lists the
	 * classes that contain set s. */
	uint32_t *set_cls_off;
	uint32_t *set_classes;

	struct rs_groups groups;
	struct rs_zone_groups zone_groups[EDGEXDP_ZONE_COUNT]
					 [EDGEXDP_PROTO_COUNT];
};

/* Write "FILE:LINE:COLUMN: what" into the error; rs_fail() also gives the
 * negative errno to return. */
__attribute__((format(printf, 3, 4))) void
rs_set_error(struct rs_build *b, struct cfg_pos pos, const char *fmt, ...);
#define rs_fail(b, pos, errnum, ...)                                           \
	(rs_set_error((b), (pos), __VA_ARGS__), -(errnum))

/* ruleset_sets.c */
size_t rs_sort_unique(struct cfg_prefix *p, size_t n);
int rs_find_addrset(const struct rs_build *b, const char *name, uint32_t *idx);
int rs_index_addrsets(struct rs_build *b);
int rs_named_set(struct rs_build *b, const char *name, struct cfg_pos pos,
		 uint32_t *id);
int rs_literal_set(struct rs_build *b, const struct cfg_prefix *p, size_t n,
		   struct cfg_pos pos, uint32_t *id);

int rs_build_addr_classes(struct rs_build *b);
int rs_build_port_groups(struct rs_build *b);
int rs_build_matches(struct rs_build *b);

#endif /* EDGEXDP_RULESET_INTERNAL_H */
