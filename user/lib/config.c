// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The config file: YAML through libyaml's document API, so every node keeps
 * the line and column it came from. Parsing stops at the first error, which
 * names FILE:LINE:COLUMN, the offending value and what was expected.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "addr.h"
#include "config.h"
#include "config_guard.h"
#include "idtab.h"
#include "profile.h"

#define CT_MIN_ENTRIES 1024u
#define CT_MAX_ENTRIES (16u << 20)
#define VALUE_SHOWN_MAX 120

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

static const char *const feature_names[] = {
	"core",	     "federation", "ocs2007_federation",
	"public_im", "xmpp",	   "centralized_logging",
};

static const char *const zone_names[] = {"external", "internal"};
static const char *const source_check_names[] = {"strict", "loose", "off"};
static const char *const proto_names[] = {"tcp", "udp"};

const char *zone_name(enum edgexdp_zone zone)
{
	return (unsigned int)zone < ARRAY_SIZE(zone_names) ? zone_names[zone]
							   : "unknown";
}

const char *source_check_name(enum edgexdp_source_check mode)
{
	return (unsigned int)mode < ARRAY_SIZE(source_check_names)
		       ? source_check_names[mode]
		       : "unknown";
}

const char *proto_name(enum edgexdp_proto proto)
{
	return (unsigned int)proto < ARRAY_SIZE(proto_names)
		       ? proto_names[proto]
		       : "unknown";
}

const char *xdp_mode_name(enum cfg_xdp_mode mode)
{
	switch (mode) {
	case CFG_XDP_AUTO:
		return "auto";
	case CFG_XDP_NATIVE:
		return "native";
	case CFG_XDP_GENERIC:
		return "generic";
	}
	return "unknown";
}

const char *feature_name(unsigned int feature_bit)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (feature_bit == 1u << i)
			return feature_names[i];
	return NULL;
}

/* ---- errors ---------------------------------------------------------- */

static struct cfg_pos pos_of(const yaml_node_t *n)
{
	struct cfg_pos pos = {(unsigned int)n->start_mark.line + 1,
			      (unsigned int)n->start_mark.column + 1};

	return pos;
}

/* Write "FILE:LINE:COLUMN: what" into the error. Callers return the
 * errno themselves, through fail() or fail_at(), so that the value is a
 * constant where it is returned. */
__attribute__((format(printf, 3, 4))) static void
set_error(struct pctx *c, struct cfg_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset_at(c->err, c->path, pos.line, pos.column, fmt, ap);
	va_end(ap);
}

#define fail_at(c, pos, ...) (set_error((c), (pos), __VA_ARGS__), -EINVAL)
#define fail(c, node, ...) fail_at((c), pos_of(node), __VA_ARGS__)

static yaml_node_t *node_at(struct pctx *c, int index)
{
	return yaml_document_get_node(c->doc, index);
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A scalar with a NUL byte inside: C would read it cut at the NUL. */
static int has_nul(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	       strlen(sval(n)) != n->data.scalar.length;
}

/* An empty plain scalar, `~` or `null`: YAML's null. */
static int is_null(const yaml_node_t *n)
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

/* A scalar with NUL bytes, each shown as \x00 rather than ending it. */
static const char *describe_nul(const yaml_node_t *n, char *buf, size_t len)
{
	size_t o = 0, shown = n->data.scalar.length;

	if (shown > VALUE_SHOWN_MAX / 4)
		shown = VALUE_SHOWN_MAX / 4;
	buf[o++] = '\'';
	for (size_t i = 0; i < shown && o + 6 < len; i++) {
		char ch = (char)n->data.scalar.value[i];

		if (ch)
			buf[o++] = ch;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x00");
	}
	snprintf(buf + o, len - o, "%s'",
		 n->data.scalar.length > shown ? "..." : "");
	return buf;
}

/* How an offending node is shown: 'value', a list, a mapping. */
static const char *describe(const yaml_node_t *n, char *buf, size_t len)
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

static int wrong_type(struct pctx *c, const yaml_node_t *n, const char *what,
		      const char *expected)
{
	char buf[VALUE_SHOWN_MAX + 8];

	return fail(c, n, "wrong type for %s: %s (expected %s)", what,
		    describe(n, buf, sizeof(buf)), expected);
}

/* A non-null scalar without NUL bytes, or an error. */
static int get_str(struct pctx *c, const yaml_node_t *n, const char *what,
		   const char *expected, const char **out)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n) ||
	    strlen(sval(n)) != n->data.scalar.length)
		return wrong_type(c, n, what, expected);
	*out = sval(n);
	return 0;
}

static size_t seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top -
			n->data.sequence.items.start);
}

static yaml_node_t *seq_item(struct pctx *c, const yaml_node_t *n, size_t i)
{
	return node_at(c, n->data.sequence.items.start[i]);
}

/* ---- mappings with fixed keys ---------------------------------------- */

static void key_list(const struct field *f, size_t n, char *buf, size_t len)
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
static int map_fields(struct pctx *c, const yaml_node_t *map, const char *what,
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

static int require(struct pctx *c, const yaml_node_t *map, const char *what,
		   const struct field *f, const char *required)
{
	if (f->val)
		return 0;
	return fail(c, map, "missing key in %s: '%s' (expected %s)", what,
		    f->key, required);
}

/* ---- scalars --------------------------------------------------------- */

static int parse_uint(const char *text, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*text)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

static int lookup_name(const char *text, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(text, names[i]) == 0)
			return (int)i;
	return -1;
}

/* Rule and set names: 1-63 of [a-z0-9_-]. */
static int valid_name(const char *s)
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

static int parse_zone(struct pctx *c, const yaml_node_t *n,
		      enum edgexdp_zone *out)
{
	const char *expected = "external or internal";
	const char *s;
	int i, err;

	err = get_str(c, n, "zone", expected, &s);
	if (err)
		return err;
	i = lookup_name(s, zone_names, ARRAY_SIZE(zone_names));
	if (i < 0)
		return fail(c, n, "unknown zone: '%s' (expected %s)", s,
			    expected);
	*out = (enum edgexdp_zone)i;
	return 0;
}

static int parse_proto(struct pctx *c, const yaml_node_t *n,
		       enum edgexdp_proto *out)
{
	const char *s;
	int i, err;

	err = get_str(c, n, "proto", "tcp or udp", &s);
	if (err)
		return err;
	i = lookup_name(s, proto_names, ARRAY_SIZE(proto_names));
	if (i < 0)
		return fail(c, n, "unknown proto: '%s' (expected tcp or udp)",
			    s);
	*out = (enum edgexdp_proto)i;
	return 0;
}

/* A prefix from a scalar node, with the reason when it is not one. */
static int parse_prefix_node(struct pctx *c, const yaml_node_t *n,
			     const char *what, struct cfg_prefix *out)
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

/* ---- interfaces ------------------------------------------------------ */

static int parse_source_check(struct pctx *c, const yaml_node_t *n,
			      enum edgexdp_source_check *out)
{
	const char *expected = "strict, loose or off";
	const char *s;
	int i, err;

	err = get_str(c, n, "source_check", expected, &s);
	if (err)
		return err;
	i = lookup_name(s, source_check_names, ARRAY_SIZE(source_check_names));
	if (i < 0)
		return fail(c, n, "unknown source_check: '%s' (expected %s)", s,
			    expected);
	*out = (enum edgexdp_source_check)i;
	return 0;
}

/* YAML 1.2's two booleans; yes/no/on/off are YAML 1.1 and ambiguous. */
static int parse_bool(struct pctx *c, const yaml_node_t *n, const char *what,
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

/* What the kernel takes as a device name (dev_valid_name()): 1-15
 * characters, not "." or "..", no '/' or white space; and nothing a
 * terminal would act on. An alias's ':' is left to config_check_host(),
 * which says what the kernel would resolve it to. */
static int iface_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= IF_NAMESIZE || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return 0;
	for (; *name; name++)
		if (*name == '/' || isspace((unsigned char)*name) ||
		    iscntrl((unsigned char)*name) || (unsigned char)*name >= 0x7f)
			return 0;
	return 1;
}

static int parse_iface_name(struct pctx *c, const yaml_node_t *n, size_t idx,
			    const char **name)
{
	int err;

	err = get_str(c, n, "interface name", "a network interface name", name);
	if (err)
		return err;
	if (!iface_name_ok(*name))
		return fail(c, n,
			    "bad interface name: '%s' (expected at most %d "
			    "characters, no '/' or space)",
			    *name, IF_NAMESIZE - 1);
	for (size_t i = 0; i < idx; i++)
		if (strcmp(c->cfg->ifaces[i].name, *name) == 0)
			return fail(c, n,
				    "duplicate interface: '%s' (expected each "
				    "interface once)",
				    *name);
	return 0;
}

static int parse_iface(struct pctx *c, const yaml_node_t *n, size_t idx)
{
	struct field f[] = {{.key = "name"},
			    {.key = "zone"},
			    {.key = "source_check"},
			    {.key = "internet"}};
	struct cfg_iface *ifc = &c->cfg->ifaces[idx];
	const char *required = "name and zone";
	const char *name;
	int err;

	err = map_fields(c, n, "interface", f, ARRAY_SIZE(f));
	if (!err)
		err = require(c, n, "interface", &f[0], required);
	if (!err)
		err = require(c, n, "interface", &f[1], required);
	if (!err)
		err = parse_iface_name(c, f[0].val, idx, &name);
	if (!err)
		err = parse_zone(c, f[1].val, &ifc->zone);
	if (!err && f[2].val)
		err = parse_source_check(c, f[2].val, &ifc->source_check);
	if (!err && f[3].val)
		err = parse_bool(c, f[3].val, "internet", &ifc->internet);
	if (err)
		return err;
	ifc->pos = pos_of(f[0].val);
	ifc->name = strdup(name);
	if (!ifc->name)
		return -ENOMEM;
	c->cfg->n_ifaces = idx + 1;
	return 0;
}

static int parse_interfaces(struct pctx *c, const yaml_node_t *n)
{
	const char *expected =
		"a list of { name: NIC, zone: external|internal }";
	size_t len;
	int err;

	if (n->type != YAML_SEQUENCE_NODE)
		return wrong_type(c, n, "interfaces", expected);
	len = seq_len(n);
	if (!len)
		return fail(c, n, "no interfaces: an empty list (expected %s)",
			    expected);
	if (len > EDGEXDP_MAX_IFACES)
		return fail(c, n,
			    "too many interfaces: '%zu' (expected at most %d)",
			    len, EDGEXDP_MAX_IFACES);
	c->cfg->ifaces = calloc(len, sizeof(*c->cfg->ifaces));
	if (!c->cfg->ifaces)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		err = parse_iface(c, seq_item(c, n, i), i);
		if (err)
			return err;
	}
	return 0;
}

/* ---- xdp_mode, profile, features ------------------------------------- */

static int parse_xdp_mode(struct pctx *c, const yaml_node_t *n)
{
	static const char *const modes[] = {"auto", "native", "generic"};
	const char *expected = "native, generic or auto";
	const char *s;
	int i, err;

	err = get_str(c, n, "xdp_mode", expected, &s);
	if (err)
		return err;
	i = lookup_name(s, modes, ARRAY_SIZE(modes));
	if (i < 0)
		return fail(c, n, "unknown xdp_mode: '%s' (expected %s)", s,
			    expected);
	c->cfg->xdp_mode = (enum cfg_xdp_mode)i;
	return 0;
}

static int parse_profile(struct pctx *c, const yaml_node_t *key,
			 const yaml_node_t *n)
{
	const char *expected = PROFILE_LYNC2013_EDGE " or none";
	const char *s;
	size_t n_rules;
	int err;

	c->profile_pos = pos_of(key);
	if (is_null(n))
		return 0;
	err = get_str(c, n, "profile", expected, &s);
	if (err)
		return err;
	if (strcmp(s, "none") == 0)
		return 0;
	if (!profile_find(s, &n_rules))
		return fail(c, n, "unknown profile: '%s' (expected %s)", s,
			    expected);
	c->cfg->profile = strdup(s);
	return c->cfg->profile ? 0 : -ENOMEM;
}

static int parse_feature(struct pctx *c, const yaml_node_t *n,
			 unsigned int *listed)
{
	const char *expected = "core, federation, ocs2007_federation, "
			       "public_im, xmpp or centralized_logging";
	const char *s;
	int i, err;

	err = get_str(c, n, "feature", expected, &s);
	if (err)
		return err;
	i = lookup_name(s, feature_names, ARRAY_SIZE(feature_names));
	if (i < 0)
		return fail(c, n, "unknown feature: '%s' (expected %s)", s,
			    expected);
	if (*listed & (1u << i))
		return fail(c, n,
			    "duplicate feature: '%s' (expected each feature "
			    "once)",
			    s);
	*listed |= 1u << i;
	c->cfg->features |= 1u << i;
	return 0;
}

static int parse_features(struct pctx *c, const yaml_node_t *n)
{
	unsigned int listed = 0;
	int err = 0;

	if (is_null(n))
		return 0;
	if (n->type == YAML_SCALAR_NODE)
		err = parse_feature(c, n, &listed);
	else if (n->type != YAML_SEQUENCE_NODE)
		return wrong_type(c, n, "features", "a list of feature names");
	for (size_t i = 0; n->type == YAML_SEQUENCE_NODE && !err &&
			   i < seq_len(n);
	     i++)
		err = parse_feature(c, seq_item(c, n, i), &listed);
	if (err)
		return err;
	/* Features choose among a profile's rules: without one, nothing. */
	if (!c->cfg->profile && (listed & ~CFG_FEATURE_CORE))
		return fail(c, n,
			    "features without a profile: %s (expected "
			    "profile: %s, or no features)",
			    n->type == YAML_SCALAR_NODE ? "'features'" : "a list",
			    PROFILE_LYNC2013_EDGE);
	return 0;
}

/* ---- addresses ------------------------------------------------------- */

struct name_key {
	const struct edgexdp_config *cfg;
	const char *name;
};

static int set_name_eq(const void *ctx, uint32_t id)
{
	const struct name_key *k = ctx;

	return strcmp(k->cfg->addrsets[id].name, k->name) == 0;
}

static int rule_name_eq(const void *ctx, uint32_t id)
{
	const struct name_key *k = ctx;

	return strcmp(k->cfg->rules[id].name, k->name) == 0;
}

static int set_defined(const struct pctx *c, const char *name)
{
	struct name_key key = {c->cfg, name};
	uint32_t id;

	return idtab_find(&c->set_names, hash_str(name), set_name_eq, &key,
			  &id);
}

/* Index a new name as `id`: 1 if it was already there, 0, or -ENOMEM. */
static int add_name(struct idtab *t, idtab_eq_fn eq,
		    const struct edgexdp_config *cfg, const char *name,
		    uint32_t id)
{
	struct name_key key = {cfg, name};
	uint32_t found;

	return idtab_get(t, hash_str(name), eq, &key, id, &found);
}

/* A scalar or a list of scalars: n_items and the item at i. */
static size_t items_len(const yaml_node_t *n)
{
	return n->type == YAML_SEQUENCE_NODE ? seq_len(n) : 1;
}

static yaml_node_t *item_at(struct pctx *c, yaml_node_t *n, size_t i)
{
	return n->type == YAML_SEQUENCE_NODE ? seq_item(c, n, i) : n;
}

static int parse_set_prefixes(struct pctx *c, yaml_node_t *n,
			      struct cfg_addrset *set)
{
	const char *expected = "addresses or prefixes, a scalar or a list";
	size_t len;
	int err;

	if (n->type == YAML_MAPPING_NODE || is_null(n))
		return wrong_type(c, n, "address set", expected);
	len = items_len(n);
	if (!len)
		return fail(c, n,
			    "empty address set: '%s' (expected at least one "
			    "address or prefix)",
			    set->name);
	set->prefixes = calloc(len, sizeof(*set->prefixes));
	if (!set->prefixes)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		err = parse_prefix_node(c, item_at(c, n, i), "address",
					&set->prefixes[i]);
		if (err)
			return err;
		set->n_prefixes = i + 1;
	}
	return 0;
}

static int parse_addresses(struct pctx *c, const yaml_node_t *n)
{
	struct edgexdp_config *cfg = c->cfg;
	yaml_node_pair_t *p, *start;
	char buf[VALUE_SHOWN_MAX + 8];
	size_t len;
	int err;

	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return wrong_type(c, n, "addresses",
				  "a mapping of set names to addresses");
	start = n->data.mapping.pairs.start;
	len = (size_t)(n->data.mapping.pairs.top - start);
	cfg->addrsets = calloc(len ? len : 1, sizeof(*cfg->addrsets));
	if (!cfg->addrsets)
		return -ENOMEM;
	for (p = start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_at(c, p->key);
		struct cfg_addrset *set = &cfg->addrsets[cfg->n_addrsets];

		if (k->type != YAML_SCALAR_NODE || has_nul(k) ||
		    !valid_name(sval(k)) ||
		    strcmp(sval(k), "any") == 0)
			return fail(
				c, k,
				"bad address set name: %s (expected 1-63 "
				"characters of a-z, 0-9, _ and -, not 'any')",
				describe(k, buf, sizeof(buf)));
		set->name = strdup(sval(k));
		if (!set->name)
			return -ENOMEM;
		err = add_name(&c->set_names, set_name_eq, cfg, set->name,
			       (uint32_t)cfg->n_addrsets);
		if (err < 0) {
			free(set->name);
			return err;
		}
		if (err) {
			free(set->name);
			set->name = NULL;
			return fail(c, k,
				    "duplicate address set: '%s' (expected "
				    "each set once)",
				    sval(k));
		}
		set->pos = pos_of(k);
		cfg->n_addrsets++;
		err = parse_set_prefixes(c, node_at(c, p->value), set);
		if (err)
			return err;
	}
	return 0;
}

/* ---- nat ------------------------------------------------------------- */

static int nat_seen(const struct edgexdp_config *cfg, size_t upto,
		    const struct cfg_prefix *a)
{
	for (size_t i = 0; i < upto; i++)
		if (prefix_equal(&cfg->nat[i].private_addr, a) ||
		    prefix_equal(&cfg->nat[i].public_addr, a))
			return 1;
	return 0;
}

static int parse_nat_host(struct pctx *c, const yaml_node_t *n, size_t idx,
			  struct cfg_prefix *out)
{
	int err;

	err = parse_prefix_node(c, n, "NAT address", out);
	if (err)
		return err;
	if (!prefix_is_host(out))
		return fail(c, n,
			    "NAT address is not a host: '%s' (expected a "
			    "single IPv4 or IPv6 address)",
			    sval(n));
	if (nat_seen(c->cfg, idx, out))
		return fail(c, n,
			    "duplicate NAT address: '%s' (expected each "
			    "address in one pair only)",
			    sval(n));
	return 0;
}

static int parse_nat_pair(struct pctx *c, const yaml_node_t *n, size_t idx)
{
	struct field f[] = {{.key = "private"}, {.key = "public"}};
	struct cfg_nat *pair = &c->cfg->nat[idx];
	const char *required = "private and public";
	int err;

	err = map_fields(c, n, "nat pair", f, ARRAY_SIZE(f));
	if (!err)
		err = require(c, n, "nat pair", &f[0], required);
	if (!err)
		err = require(c, n, "nat pair", &f[1], required);
	if (!err)
		err = parse_nat_host(c, f[0].val, idx, &pair->private_addr);
	if (!err)
		err = parse_nat_host(c, f[1].val, idx, &pair->public_addr);
	if (err)
		return err;
	if (pair->private_addr.family != pair->public_addr.family)
		return fail(c, f[1].val,
			    "NAT family mismatch: '%s' (expected an IPv%u "
			    "address like private '%s')",
			    sval(f[1].val), pair->private_addr.family,
			    sval(f[0].val));
	if (prefix_equal(&pair->private_addr, &pair->public_addr))
		return fail(c, f[1].val,
			    "duplicate NAT address: '%s' (expected each "
			    "address in one pair only)",
			    sval(f[1].val));
	pair->pos = pos_of(n);
	c->cfg->n_nat = idx + 1;
	return 0;
}

static int parse_nat(struct pctx *c, const yaml_node_t *n)
{
	size_t len;
	int err;

	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return wrong_type(c, n, "nat",
				  "a list of { private: ADDR, public: ADDR }");
	len = seq_len(n);
	if (len > EDGEXDP_MAX_NAT_PAIRS)
		return fail(c, n,
			    "too many NAT pairs: '%zu' (expected at most %d)",
			    len, EDGEXDP_MAX_NAT_PAIRS);
	c->cfg->nat = calloc(len ? len : 1, sizeof(*c->cfg->nat));
	if (!c->cfg->nat)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		err = parse_nat_pair(c, seq_item(c, n, i), i);
		if (err)
			return err;
	}
	return 0;
}

/* ---- rules ----------------------------------------------------------- */

#define PORTS_EXPECTED "a port 1-65535, lo-hi, or [lo, hi]"

static int parse_port_text(const char *text, uint16_t *out)
{
	unsigned long v;

	while (*text == ' ')
		text++;
	/* YAML 1.1 reads 022 as octal 18: refuse rather than guess. */
	if (text[0] == '0')
		return -EINVAL;
	if (parse_uint(text, 65535, &v) || v == 0)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static int port_range_ok(struct pctx *c, const yaml_node_t *n,
			 const char *shown, uint16_t lo, uint16_t hi)
{
	if (lo <= hi)
		return 0;
	return fail(c, n, "bad port range: '%s' (expected lo-hi with lo <= hi)",
		    shown);
}

/* `ports:` or `sports:` as a scalar: "443", "50000-59999". */
static int parse_ports_scalar(struct pctx *c, const yaml_node_t *n,
			      const char *what, uint16_t *lo, uint16_t *hi)
{
	char buf[32];
	const char *s;
	char *dash;
	int err;

	err = get_str(c, n, what, PORTS_EXPECTED, &s);
	if (err)
		return err;
	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	dash = strchr(buf, '-');
	if (dash) {
		char *end = dash;

		/* "lo-hi" or "lo - hi": cut at the dash, trim lo */
		*dash = '\0';
		while (end > buf && end[-1] == ' ')
			*--end = '\0';
		if (parse_port_text(buf, lo) || parse_port_text(dash + 1, hi))
			goto bad;
		return port_range_ok(c, n, s, *lo, *hi);
	}
	if (parse_port_text(buf, lo))
		goto bad;
	*hi = *lo;
	return 0;
bad:
	return fail(c, n, "bad port: '%s' (expected %s)", s, PORTS_EXPECTED);
}

static int parse_port_item(struct pctx *c, const yaml_node_t *n, uint16_t *out)
{
	const char *s;
	int err;

	err = get_str(c, n, "port", "a port 1-65535", &s);
	if (err)
		return err;
	if (parse_port_text(s, out))
		return fail(
			c, n,
			"bad port: '%s' (expected a number from 1 to 65535)",
			s);
	return 0;
}

/* `ports:` (what = "ports") or `sports:`; absent, the range is any. */
static int parse_ports(struct pctx *c, const yaml_node_t *n, const char *what,
		       uint16_t *lo, uint16_t *hi)
{
	char shown[32];
	int err;

	*lo = EDGEXDP_PORT_ANY_LO;
	*hi = EDGEXDP_PORT_ANY_HI;
	if (!n)
		return 0;
	if (n->type == YAML_SCALAR_NODE)
		return parse_ports_scalar(c, n, what, lo, hi);
	if (n->type != YAML_SEQUENCE_NODE || seq_len(n) != 2)
		return wrong_type(c, n, what, PORTS_EXPECTED);
	err = parse_port_item(c, seq_item(c, n, 0), lo);
	if (!err)
		err = parse_port_item(c, seq_item(c, n, 1), hi);
	if (err)
		return err;
	snprintf(shown, sizeof(shown), "[%u, %u]", *lo, *hi);
	return port_range_ok(c, n, shown, *lo, *hi);
}

/* Set names have no '.' or ':'; addresses always do. */
static int looks_like_address(const char *s)
{
	return strchr(s, '.') || strchr(s, ':');
}

static int endpoint_item(struct pctx *c, const yaml_node_t *n, const char *what,
			 struct cfg_endpoint *ep)
{
	const char *s;
	int err;

	err = get_str(c, n, what, "any, a set name or an address", &s);
	if (err)
		return err;
	if (strcmp(s, "any") == 0)
		return fail(c, n,
			    "'any' listed with other addresses: 'any' "
			    "(expected set names and addresses only)");
	if (looks_like_address(s))
		return parse_prefix_node(c, n, what,
					 &ep->prefixes[ep->n_prefixes++]);
	ep->set_pos[ep->n_set_names] = pos_of(n);
	ep->set_names[ep->n_set_names] = strdup(s);
	if (!ep->set_names[ep->n_set_names])
		return -ENOMEM;
	ep->n_set_names++;
	return 0;
}

static int parse_endpoint(struct pctx *c, yaml_node_t *n, const char *what,
			  struct cfg_endpoint *ep)
{
	const char *expected = "any, a set name, an address, or a list of them";
	size_t len;
	int err;

	ep->any = true;
	if (!n || (n->type == YAML_SCALAR_NODE && !strcmp(sval(n), "any")))
		return 0;
	if (n->type == YAML_SEQUENCE_NODE && seq_len(n) == 1 &&
	    seq_item(c, n, 0)->type == YAML_SCALAR_NODE &&
	    !strcmp(sval(seq_item(c, n, 0)), "any"))
		return 0;
	if (n->type == YAML_MAPPING_NODE || is_null(n))
		return wrong_type(c, n, what, expected);
	len = items_len(n);
	if (!len)
		return fail(c, n,
			    "no addresses in %s: an empty list (expected %s)",
			    what, expected);
	ep->any = false;
	ep->set_names = calloc(len, sizeof(*ep->set_names));
	ep->set_pos = calloc(len, sizeof(*ep->set_pos));
	ep->prefixes = calloc(len, sizeof(*ep->prefixes));
	if (!ep->set_names || !ep->set_pos || !ep->prefixes)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		err = endpoint_item(c, item_at(c, n, i), what, ep);
		if (err)
			return err;
	}
	return 0;
}

static int parse_rule_name(struct pctx *c, const yaml_node_t *n, size_t idx)
{
	const char *s;
	int err;

	err = get_str(c, n, "rule name", "a rule name", &s);
	if (err)
		return err;
	if (!valid_name(s))
		return fail(c, n,
			    "bad rule name: '%s' (expected 1-63 characters of "
			    "a-z, 0-9, _ and -)",
			    s);
	c->cfg->rules[idx].name = strdup(s);
	if (!c->cfg->rules[idx].name)
		return -ENOMEM;
	c->cfg->rules[idx].pos = pos_of(n);
	err = add_name(&c->rule_names, rule_name_eq, c->cfg, s, (uint32_t)idx);
	if (err == 1)
		return fail(c, n,
			    "duplicate rule name: '%s' (expected each rule "
			    "name once)",
			    s);
	return err;
}

static int parse_note(struct pctx *c, const yaml_node_t *n, struct cfg_rule *r)
{
	const char *s;
	int err;

	if (!n || is_null(n))
		return 0;
	err = get_str(c, n, "note", "a text", &s);
	if (err)
		return err;
	r->note = strdup(s);
	return r->note ? 0 : -ENOMEM;
}

static int parse_rule(struct pctx *c, const yaml_node_t *n, size_t idx)
{
	struct field f[] = {{.key = "name"},   {.key = "zone"},
			    {.key = "proto"},  {.key = "ports"},
			    {.key = "sports"}, {.key = "from"},
			    {.key = "to"},     {.key = "note"}};
	const char *required = "name, zone, proto, and ports or sports";
	struct cfg_rule *r = &c->cfg->rules[idx];
	int err;

	err = map_fields(c, n, "rule", f, ARRAY_SIZE(f));
	for (size_t i = 0; i < 3 && !err; i++)
		err = require(c, n, "rule", &f[i], required);
	/* A rule with neither would open every port: say which to add. */
	if (!err && !f[4].val)
		err = require(c, n, "rule", &f[3], required);
	if (err)
		return err;
	/* Counted first: a half-parsed rule is freed with the others. */
	c->cfg->n_rules = idx + 1;
	err = parse_rule_name(c, f[0].val, idx);
	if (!err)
		err = parse_zone(c, f[1].val, &r->zone);
	if (!err)
		err = parse_proto(c, f[2].val, &r->proto);
	if (!err)
		err = parse_ports(c, f[3].val, "ports", &r->port_lo,
				  &r->port_hi);
	if (!err)
		err = parse_ports(c, f[4].val, "sports", &r->sport_lo,
				  &r->sport_hi);
	if (!err)
		err = parse_endpoint(c, f[5].val, "from", &r->from);
	if (!err)
		err = parse_endpoint(c, f[6].val, "to", &r->to);
	if (!err)
		err = parse_note(c, f[7].val, r);
	return err;
}

static int parse_rules(struct pctx *c, const yaml_node_t *n)
{
	size_t len;
	int err;

	if (is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return wrong_type(
			c, n, "rules",
			"a list of { name, zone, proto, ports, sports, "
			"from, to, note }");
	len = seq_len(n);
	if (len > EDGEXDP_MAX_RULES)
		return fail(c, n, "too many rules: '%zu' (expected at most %d)",
			    len, EDGEXDP_MAX_RULES);
	c->cfg->rules = calloc(len ? len : 1, sizeof(*c->cfg->rules));
	if (!c->cfg->rules)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		err = parse_rule(c, seq_item(c, n, i), i);
		if (err)
			return err;
	}
	return 0;
}

/* ---- conntrack ------------------------------------------------------- */

static int parse_ct_value(struct pctx *c, const yaml_node_t *n,
			  const char *what, unsigned long min,
			  unsigned long max, uint32_t *out)
{
	char expected[80];
	unsigned long v;
	const char *s;
	int err;

	snprintf(expected, sizeof(expected), "a number from %lu to %lu", min,
		 max);
	err = get_str(c, n, what, expected, &s);
	if (err)
		return err;
	if (parse_uint(s, max, &v) || v < min)
		return fail(c, n, "bad %s: '%s' (expected %s)", what, s,
			    expected);
	*out = (uint32_t)v;
	return 0;
}

/* YAML 1.2 core schema booleans, the spellings operators write. */
static int parse_ct_bool(struct pctx *c, const yaml_node_t *n, const char *what,
			 bool *out)
{
	const char *s;
	int err;

	err = get_str(c, n, what, "true or false", &s);
	if (err)
		return err;
	if (strcmp(s, "true") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0)
		*out = false;
	else
		return fail(c, n, "bad %s: '%s' (expected true or false)", what,
			    s);
	return 0;
}

static int parse_conntrack(struct pctx *c, const yaml_node_t *n)
{
	struct field f[] = {{.key = "max_entries"},
			    {.key = "tcp_established_timeout"},
			    {.key = "udp_timeout"},
			    {.key = "unconfirmed_max_entries"},
			    {.key = "local_responders"}};
	struct edgexdp_config *cfg = c->cfg;
	int err;

	if (is_null(n))
		return 0;
	err = map_fields(c, n, "conntrack", f, ARRAY_SIZE(f));
	if (!err && f[0].val)
		err = parse_ct_value(c, f[0].val, "max_entries", CT_MIN_ENTRIES,
				     CT_MAX_ENTRIES, &cfg->ct_max_entries);
	if (!err && f[1].val)
		err = parse_ct_value(c, f[1].val, "tcp_established_timeout", 1,
				     UINT32_MAX, &cfg->tcp_established_timeout);
	if (!err && f[2].val)
		err = parse_ct_value(c, f[2].val, "udp_timeout", 1, UINT32_MAX,
				     &cfg->udp_timeout);
	if (!err && f[3].val)
		err = parse_ct_value(c, f[3].val, "unconfirmed_max_entries",
				     CT_MIN_ENTRIES, CT_MAX_ENTRIES,
				     &cfg->ct_unconfirmed_max_entries);
	if (!err && f[4].val)
		err = parse_ct_bool(c, f[4].val, "local_responders",
				    &cfg->local_responders);
	return err;
}

/* ---- checks across sections ------------------------------------------ */

static int check_profile_roles(struct pctx *c)
{
	const struct edgexdp_config *cfg = c->cfg;
	const struct profile_rule *pr;
	size_t n;

	pr = profile_find(cfg->profile, &n);
	for (size_t i = 0; pr && i < n; i++) {
		const struct profile_side *sides[] = {&pr[i].from, &pr[i].to};

		if (!(pr[i].feature & cfg->features))
			continue;
		for (size_t s = 0; s < 2; s++) {
			for (size_t k = 0;
			     k < PROFILE_MAX_ROLES && !sides[s]->optional &&
			     sides[s]->roles[k];
			     k++) {
				const char *role = sides[s]->roles[k];

				if (!set_defined(c, role))
					return fail_at(
						c, c->profile_pos,
						"address set needed by profile "
						"rule '%s' is not defined: "
						"'%s' (expected it under "
						"addresses:)",
						pr[i].name, role);
			}
		}
	}
	return 0;
}

static int check_endpoint_sets(struct pctx *c, const struct cfg_endpoint *ep)
{
	for (size_t i = 0; i < ep->n_set_names; i++)
		if (!set_defined(c, ep->set_names[i]))
			return fail_at(
				c, ep->set_pos[i],
				"unknown address set: '%s' (expected a set "
				"defined under addresses:, any, or an address)",
				ep->set_names[i]);
	return 0;
}

static int check_rule(struct pctx *c, const struct cfg_rule *r)
{
	const struct profile_rule *pr;
	size_t n;
	int err;

	pr = profile_find(c->cfg->profile, &n);
	for (size_t i = 0; pr && i < n; i++)
		if (strcmp(pr[i].name, r->name) == 0)
			return fail_at(c, r->pos,
				       "duplicate rule name: '%s' (expected a "
				       "name profile %s does not use)",
				       r->name, c->cfg->profile);
	err = check_endpoint_sets(c, &r->from);
	if (!err)
		err = check_endpoint_sets(c, &r->to);
	return err;
}

static int check_config(struct pctx *c)
{
	int err = check_profile_roles(c);

	for (size_t i = 0; i < c->cfg->n_rules && !err; i++)
		err = check_rule(c, &c->cfg->rules[i]);
	return err;
}

/* ---- the document ---------------------------------------------------- */

enum top_key {
	TOP_INTERFACES,
	TOP_XDP_MODE,
	TOP_PROFILE,
	TOP_FEATURES,
	TOP_ADDRESSES,
	TOP_NAT,
	TOP_RULES,
	TOP_CONNTRACK,
	TOP_COUNT,
};

static int parse_top(struct pctx *c, const yaml_node_t *root)
{
	struct field f[TOP_COUNT] = {
		{.key = "interfaces"}, {.key = "xdp_mode"},  {.key = "profile"},
		{.key = "features"},   {.key = "addresses"}, {.key = "nat"},
		{.key = "rules"},      {.key = "conntrack"}};
	char keys[256], buf[VALUE_SHOWN_MAX + 8];
	int err;

	if (root->type != YAML_MAPPING_NODE) {
		key_list(f, TOP_COUNT, keys, sizeof(keys));
		return fail(c, root,
			    "top level is not a mapping: %s (expected a "
			    "mapping with keys %s)",
			    describe(root, buf, sizeof(buf)), keys);
	}
	err = map_fields(c, root, "config", f, TOP_COUNT);
	if (!err)
		err = require(c, root, "config", &f[TOP_INTERFACES],
			      "a list of interfaces");
	if (!err)
		err = parse_interfaces(c, f[TOP_INTERFACES].val);
	if (!err && f[TOP_XDP_MODE].val)
		err = parse_xdp_mode(c, f[TOP_XDP_MODE].val);
	if (!err && f[TOP_PROFILE].val)
		err = parse_profile(c, f[TOP_PROFILE].knode,
				    f[TOP_PROFILE].val);
	if (!err && f[TOP_FEATURES].val)
		err = parse_features(c, f[TOP_FEATURES].val);
	if (!err && f[TOP_ADDRESSES].val)
		err = parse_addresses(c, f[TOP_ADDRESSES].val);
	if (!err && f[TOP_NAT].val)
		err = parse_nat(c, f[TOP_NAT].val);
	if (!err && f[TOP_RULES].val)
		err = parse_rules(c, f[TOP_RULES].val);
	if (!err && f[TOP_CONNTRACK].val)
		err = parse_conntrack(c, f[TOP_CONNTRACK].val);
	if (!err)
		err = check_config(c);
	return err;
}

/* Line and column (0-based) of a byte offset, for reader errors. */
static yaml_mark_t mark_of_offset(const char *buf, size_t len, size_t offset)
{
	yaml_mark_t m = {0};

	for (size_t i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else {
			m.column++;
		}
	}
	return m;
}

static int syntax_error(struct pctx *c, const yaml_parser_t *p, const char *buf,
			size_t len)
{
	yaml_mark_t m = p->problem_mark;
	struct cfg_pos pos;

	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(c->err->msg, sizeof(c->err->msg), "%s: out of memory",
			 c->path);
		return -ENOMEM;
	}
	if (p->error == YAML_READER_ERROR)
		m = mark_of_offset(buf, len, p->problem_offset);
	pos.line = (unsigned int)m.line + 1;
	pos.column = (unsigned int)m.column + 1;
	return fail_at(c, pos, "YAML syntax error: %s%s%s%s",
		       p->problem ? p->problem : "unknown problem",
		       p->context ? " (" : "", p->context ? p->context : "",
		       p->context ? ")" : "");
}

static int empty_config(struct pctx *c)
{
	struct cfg_pos pos = {1, 1};

	return fail_at(
		c, pos,
		"empty config (expected a mapping with at least 'interfaces')");
}

/* Only one document: a second one (or junk after the first) is an error. */
static int check_end(struct pctx *c, yaml_parser_t *p, const char *buf,
		     size_t len)
{
	yaml_document_t next;
	yaml_node_t *root;
	int err = 0;

	if (!yaml_parser_load(p, &next))
		return syntax_error(c, p, buf, len);
	root = yaml_document_get_root_node(&next);
	if (root)
		err = fail(c, root,
			   "more than one YAML document: %s (expected a single "
			   "config)",
			   "'---'");
	yaml_document_delete(&next);
	return err;
}

static int load_document(struct pctx *c, yaml_parser_t *p, const char *buf,
			 size_t len)
{
	yaml_document_t doc;
	yaml_node_t *root;
	int err;

	if (!yaml_parser_load(p, &doc))
		return syntax_error(c, p, buf, len);
	c->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root || is_null(root))
		err = empty_config(c);
	else
		err = parse_top(c, root);
	if (!err)
		err = check_end(c, p, buf, len);
	yaml_document_delete(&doc);
	c->doc = NULL;
	return err;
}

int config_load_buffer(const char *name, const char *buf, size_t len,
		       struct edgexdp_config *cfg, struct edgexdp_diag *err)
{
	struct pctx c = {.path = name, .cfg = cfg, .err = err};
	yaml_parser_t parser;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	diag_clear(err);
	cfg->xdp_mode = CFG_XDP_AUTO;
	cfg->features = CFG_FEATURE_CORE;
	cfg->ct_max_entries = EDGEXDP_CT_DEFAULT_ENTRIES;
	cfg->ct_unconfirmed_max_entries =
		EDGEXDP_CT_UNCONFIRMED_DEFAULT_ENTRIES;
	cfg->tcp_established_timeout = EDGEXDP_TCP_ESTABLISHED_TIMEOUT;
	cfg->udp_timeout = EDGEXDP_UDP_TIMEOUT;
	cfg->path = strdup(name);
	if (!cfg->path || !yaml_parser_initialize(&parser)) {
		free(cfg->path);
		cfg->path = NULL;
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	ret = config_guard_scan(name, buf, len, err);
	if (!ret)
		ret = load_document(&c, &parser, buf, len);
	yaml_parser_delete(&parser);
	idtab_free(&c.set_names);
	idtab_free(&c.rule_names);
	if (ret == -ENOMEM && !err->msg[0])
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
	if (ret)
		config_free(cfg);
	return ret;
}

/*
 * Only a regular file, opened without blocking: a FIFO would wait for a
 * writer forever, a device could be endless. Its size is known before a
 * byte is read, so a file over the limit costs nothing.
 */
static int read_file(const char *path, char **out, size_t *out_len)
{
	struct stat st;
	size_t len = 0;
	char *buf;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	} else if ((uint64_t)st.st_size > CFG_FILE_MAX) {
		err = -EFBIG;
	}
	buf = err ? NULL : malloc((size_t)st.st_size + 1);
	if (!err && !buf)
		err = -ENOMEM;
	while (!err && len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n == 0)
			break; /* it shrank while we read: take what is there */
		else if (n > 0)
			len += (size_t)n;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int config_load_file(const char *path, struct edgexdp_config *cfg,
		     struct edgexdp_diag *err)
{
	size_t len = 0;
	char *buf = NULL;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = read_file(path, &buf, &len);
	if (ret == -EINVAL)
		diag_set(err, 0, "%s: not a regular file (expected a config file)",
			 path);
	else if (ret == -EFBIG)
		diag_set(err, 0, "%s: file too large (expected at most %u MiB)",
			 path, CFG_FILE_MAX >> 20);
	else if (ret)
		diag_set(err, 0, "%s: %s", path, strerror(-ret));
	if (ret)
		return ret;
	ret = config_load_buffer(path, buf, len, cfg, err);
	free(buf);
	return ret;
}

int config_check_host(const struct edgexdp_config *cfg, struct edgexdp_diag *err)
{
	for (size_t i = 0; i < cfg->n_ifaces; i++) {
		const struct cfg_iface *ifc = &cfg->ifaces[i];

		if (if_nametoindex(ifc->name))
			continue;
		diag_set_at(err, cfg->path, ifc->pos.line, ifc->pos.column,
			    "interface not found on this host: '%s'",
			    ifc->name);
		return -ENODEV;
	}
	return 0;
}

static void free_endpoint(struct cfg_endpoint *ep)
{
	for (size_t i = 0; i < ep->n_set_names; i++)
		free(ep->set_names[i]);
	free(ep->set_names);
	free(ep->set_pos);
	free(ep->prefixes);
}

void config_free(struct edgexdp_config *cfg)
{
	for (size_t i = 0; i < cfg->n_ifaces; i++)
		free(cfg->ifaces[i].name);
	for (size_t i = 0; i < cfg->n_addrsets; i++) {
		free(cfg->addrsets[i].name);
		free(cfg->addrsets[i].prefixes);
	}
	for (size_t i = 0; i < cfg->n_rules; i++) {
		free(cfg->rules[i].name);
		free(cfg->rules[i].note);
		free_endpoint(&cfg->rules[i].from);
		free_endpoint(&cfg->rules[i].to);
	}
	free(cfg->path);
	free(cfg->ifaces);
	free(cfg->profile);
	free(cfg->addrsets);
	free(cfg->nat);
	free(cfg->rules);
	memset(cfg, 0, sizeof(*cfg));
}
