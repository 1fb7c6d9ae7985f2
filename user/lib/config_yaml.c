// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading the config's YAML: where a node stands, what it is, the
 * mapping, sequence and scalar helpers every section parser uses, and the
 * one error they set (config_parse.h).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <yaml.h>

#include "addr.h"
#include "config_parse.h"
#include "names.h"

/* ---- errors ---------------------------------------------------------- */

struct cfg_pos pos_of(const yaml_node_t *n)
{
	struct cfg_pos pos = {(unsigned int)n->start_mark.line + 1,
			      (unsigned int)n->start_mark.column + 1};

	return pos;
}

/* Write "FILE:LINE:COLUMN: what" into the error. Callers return the
 * errno themselves, through fail() or fail_at(), so that the value is a
 * constant where it is returned. */
__attribute__((format(printf, 3, 4))) void
set_error(struct pctx *c, struct cfg_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset_at(c->err, c->path, pos.line, pos.column, fmt, ap);
	va_end(ap);
}

yaml_node_t *node_at(struct pctx *c, int index)
{
	return yaml_document_get_node(c->doc, index);
}

const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* An empty plain scalar, `~` or `null`: YAML's null. */
int is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(nulls); i++)
		if (strcmp(sval(n), nulls[i]) == 0)
			return 1;
	return 0;
}

/* How an offending node is shown: 'value', a list, a mapping. */
const char *describe(const yaml_node_t *n, char *buf, size_t len)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return n->data.sequence.items.top ==
				       n->data.sequence.items.start
			       ? "an empty list"
			       : "a list";
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (is_null(n))
		return "an empty value";
	if (has_nul(n))
		return describe_nul(n, buf, len);
	snprintf(buf, len, "'%.*s%s'", VALUE_SHOWN_MAX, sval(n),
		 strlen(sval(n)) > VALUE_SHOWN_MAX ? "..." : "");
	return buf;
}

int wrong_type(struct pctx *c, const yaml_node_t *n, const char *what,
	       const char *expected)
{
	char buf[VALUE_SHOWN_MAX + 8];

	return fail(c, n, "wrong type for %s: %s (expected %s)", what,
		    describe(n, buf, sizeof(buf)), expected);
}

/* A non-null scalar without NUL bytes, or an error. */
int get_str(struct pctx *c, const yaml_node_t *n, const char *what,
	    const char *expected, const char **out)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n) ||
	    strlen(sval(n)) != n->data.scalar.length)
		return wrong_type(c, n, what, expected);
	*out = sval(n);
	return 0;
}

size_t seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top -
			n->data.sequence.items.start);
}

yaml_node_t *seq_item(struct pctx *c, const yaml_node_t *n, size_t i)
{
	return node_at(c, n->data.sequence.items.start[i]);
}

/* ---- mappings with fixed keys ---------------------------------------- */

void key_list(const struct field *f, size_t n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++) {
		snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
			 f[i].key);
		used = strlen(buf);
	}
}

/* Check that `map` is a mapping whose keys are all among f[], each once,
 * and point each f[i].val at its value (NULL when absent). */
int map_fields(struct pctx *c, const yaml_node_t *map, const char *what,
	       struct field *f, size_t n)
{
	char keys[256], buf[VALUE_SHOWN_MAX + 8];
	yaml_node_pair_t *p;

	key_list(f, n, keys, sizeof(keys));
	if (map->type != YAML_MAPPING_NODE) {
		char expected[300];

		snprintf(expected, sizeof(expected), "a mapping with keys %s",
			 keys);
		return wrong_type(c, map, what, expected);
	}
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node_at(c, p->key);
		size_t i = 0;

		if (k->type != YAML_SCALAR_NODE || has_nul(k))
			return fail(c, k,
				    "key in %s is not a name: %s (expected one "
				    "of %s)",
				    what, describe(k, buf, sizeof(buf)), keys);
		while (i < n && strcmp(f[i].key, sval(k)) != 0)
			i++;
		if (i == n)
			return fail(
				c, k,
				"unknown key in %s: %s (expected one of %s)",
				what, describe(k, buf, sizeof(buf)), keys);
		if (f[i].val)
			return fail(c, k,
				    "duplicate key in %s: '%s' (expected each "
				    "key once)",
				    what, sval(k));
		f[i].knode = k;
		f[i].val = node_at(c, p->value);
	}
	return 0;
}

int require(struct pctx *c, const yaml_node_t *map, const char *what,
	    const struct field *f, const char *required)
{
	if (f->val)
		return 0;
	return fail(c, map, "missing key in %s: '%s' (expected %s)", what,
		    f->key, required);
}

/* Rule and set names: 1-63 of [a-z0-9_-]. */
int valid_name(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= EDGEXDP_NAME_LEN)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '-'))
			return 0;
	return 1;
}

int parse_zone(struct pctx *c, const yaml_node_t *n, enum edgexdp_zone *out)
{
	const char *expected = "external or internal";
	const char *s;
	int i, err;

	err = get_str(c, n, "zone", expected, &s);
	if (err)
		return err;
	i = zone_from_name(s);
	if (i < 0)
		return fail(c, n, "unknown zone: '%s' (expected %s)", s,
			    expected);
	*out = (enum edgexdp_zone)i;
	return 0;
}

int parse_proto(struct pctx *c, const yaml_node_t *n, enum edgexdp_proto *out)
{
	const char *s;
	int i, err;

	err = get_str(c, n, "proto", "tcp or udp", &s);
	if (err)
		return err;
	i = proto_from_name(s);
	if (i < 0)
		return fail(c, n, "unknown proto: '%s' (expected tcp or udp)",
			    s);
	*out = (enum edgexdp_proto)i;
	return 0;
}

/* A prefix from a scalar node, with the reason when it is not one. */
int parse_prefix_node(struct pctx *c, const yaml_node_t *n, const char *what,
		      struct cfg_prefix *out)
{
	enum prefix_error why;
	struct cfg_prefix masked;
	char buf[INET6_ADDRSTRLEN + 8];
	const char *s;
	int err;

	err = get_str(c, n, what, "an IPv4 or IPv6 address, optionally /prefix",
		      &s);
	if (err)
		return err;
	if (!prefix_parse_why(s, out, &why))
		return 0;
	switch (why) {
	case PREFIX_BAD_LENGTH:
		return fail(c, n,
			    "bad prefix length: '%s' (expected /0 to /%u)", s,
			    out->family == 4 ? 32 : 128);
	case PREFIX_HOST_BITS:
		masked = *out;
		prefix_mask(&masked, out->prefixlen);
		prefix_format(&masked, buf, sizeof(buf));
		return fail(c, n, "host bits set: '%s' (expected %s)", s, buf);
	default:
		return fail(c, n,
			    "bad address: '%s' (expected an IPv4 or IPv6 "
			    "address, optionally /prefix)",
			    s);
	}
}

/* YAML 1.2's two booleans; yes/no/on/off are YAML 1.1 and ambiguous. */
int parse_bool(struct pctx *c, const yaml_node_t *n, const char *what,
	       bool *out)
{
	const char *s;
	int err;

	err = get_str(c, n, what, "true or false", &s);
	if (err)
		return err;
	if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
		return fail(c, n, "bad %s: '%s' (expected true or false)", what,
			    s);
	*out = s[0] == 't';
	return 0;
}

/* A scalar or a list of scalars: n_items and the item at i. */
size_t items_len(const yaml_node_t *n)
{
	return n->type == YAML_SEQUENCE_NODE ? seq_len(n) : 1;
}

yaml_node_t *item_at(struct pctx *c, yaml_node_t *n, size_t i)
{
	return n->type == YAML_SEQUENCE_NODE ? seq_item(c, n, i) : n;
}
