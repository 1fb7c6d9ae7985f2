/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the config parser (config*.c): the parse context, the YAML
 * helpers every section uses, and the sections config.c calls.
 */
#ifndef EDGEXDP_CONFIG_PARSE_H
#define EDGEXDP_CONFIG_PARSE_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "config.h"
#include "idtab.h"

struct pctx {
	const char *path;
	yaml_document_t *doc;
	struct edgexdp_config *cfg;
	struct edgexdp_diag *err;
	struct cfg_pos profile_pos; /* the profile: key */
	struct idtab set_names; /* cfg->addrsets by name */
	struct idtab rule_names; /* cfg->rules by name */
};

/* One key of a mapping with a fixed set of keys. */
struct field {
	const char *key;
	yaml_node_t *knode;
	yaml_node_t *val;
};

#define VALUE_SHOWN_MAX 120
#define fail_at(c, pos, ...) (set_error((c), (pos), __VA_ARGS__), -EINVAL)
#define fail(c, node, ...) fail_at((c), pos_of(node), __VA_ARGS__)

/* Write "FILE:LINE:COLUMN: what" into c->err (fail and fail_at). */
__attribute__((format(printf, 3, 4))) void
set_error(struct pctx *c, struct cfg_pos pos, const char *fmt, ...);

/* YAML helpers (config_yaml.c). */
struct cfg_pos pos_of(const yaml_node_t *n);
yaml_node_t *node_at(struct pctx *c, int index);
const char *sval(const yaml_node_t *n);
int is_null(const yaml_node_t *n);
const char *describe(const yaml_node_t *n, char *buf, size_t len);
int wrong_type(struct pctx *c, const yaml_node_t *n, const char *what,
	       const char *expected);
int get_str(struct pctx *c, const yaml_node_t *n, const char *what,
	    const char *expected, const char **out);
size_t seq_len(const yaml_node_t *n);
yaml_node_t *seq_item(struct pctx *c, const yaml_node_t *n, size_t i);
void key_list(const struct field *f, size_t n, char *buf, size_t len);
int map_fields(struct pctx *c, const yaml_node_t *map, const char *what,
	       struct field *f, size_t n);
int require(struct pctx *c, const yaml_node_t *map, const char *what,
	    const struct field *f, const char *required);
int valid_name(const char *s);
int parse_zone(struct pctx *c, const yaml_node_t *n, enum edgexdp_zone *out);
int parse_proto(struct pctx *c, const yaml_node_t *n, enum edgexdp_proto *out);
int parse_prefix_node(struct pctx *c, const yaml_node_t *n, const char *what,
		      struct cfg_prefix *out);
int parse_bool(struct pctx *c, const yaml_node_t *n, const char *what,
	       bool *out);
size_t items_len(const yaml_node_t *n);
yaml_node_t *item_at(struct pctx *c, yaml_node_t *n, size_t i);

/* Sections (config_sections.c). */
int has_nul(const yaml_node_t *n);
const char *describe_nul(const yaml_node_t *n, char *buf, size_t len);
int parse_interfaces(struct pctx *c, const yaml_node_t *n);
int parse_xdp_mode(struct pctx *c, const yaml_node_t *n);
int parse_profile(struct pctx *c, const yaml_node_t *key, const yaml_node_t *n);
int parse_features(struct pctx *c, const yaml_node_t *n);
int rule_name_eq(const void *ctx, uint32_t id);
int set_defined(const struct pctx *c, const char *name);
int add_name(struct idtab *t, idtab_eq_fn eq, const struct edgexdp_config *cfg,
	     const char *name, uint32_t id);
int parse_addresses(struct pctx *c, const yaml_node_t *n);
int parse_nat(struct pctx *c, const yaml_node_t *n);
int parse_conntrack(struct pctx *c, const yaml_node_t *n);

/* Site rules and whole-config checks (config_rules.c). */
int parse_rules(struct pctx *c, const yaml_node_t *n);
int check_config(struct pctx *c);

#endif /* EDGEXDP_CONFIG_PARSE_H */
