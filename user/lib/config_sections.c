// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The config's sections but the rules: interfaces, xdp_mode, profile,
 * features, addresses, nat, conntrack. */
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "addr.h"
#include "config_parse.h"
#include "names.h"
#include "number.h"
#include "profile.h"

#define CT_MIN_ENTRIES 1024u
#define CT_MAX_ENTRIES (16u << 20)

/* A scalar with a NUL byte inside: C would read it cut at the NUL. */
int has_nul(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE &&
	       strlen(sval(n)) != n->data.scalar.length;
}

/* A scalar with NUL bytes, each shown as \x00 rather than ending it. */
const char *describe_nul(const yaml_node_t *n, char *buf, size_t len)
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
	i = source_check_from_name(s);
	if (i < 0)
		return fail(c, n, "unknown source_check: '%s' (expected %s)", s,
			    expected);
	*out = (enum edgexdp_source_check)i;
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
		    iscntrl((unsigned char)*name) ||
		    (unsigned char)*name >= 0x7f)
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

int parse_interfaces(struct pctx *c, const yaml_node_t *n)
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

int parse_xdp_mode(struct pctx *c, const yaml_node_t *n)
{
	static const char *const modes[] = {"auto", "native", "generic"};
	const char *expected = "native, generic or auto";
	const char *s;
	int i, err;

	err = get_str(c, n, "xdp_mode", expected, &s);
	if (err)
		return err;
	i = name_lookup(s, modes, ARRAY_SIZE(modes));
	if (i < 0)
		return fail(c, n, "unknown xdp_mode: '%s' (expected %s)", s,
			    expected);
	c->cfg->xdp_mode = (enum cfg_xdp_mode)i;
	return 0;
}

int parse_profile(struct pctx *c, const yaml_node_t *key, const yaml_node_t *n)
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
	i = feature_from_name(s);
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

int parse_features(struct pctx *c, const yaml_node_t *n)
{
	unsigned int listed = 0;
	int err = 0;

	if (is_null(n))
		return 0;
	if (n->type == YAML_SCALAR_NODE)
		err = parse_feature(c, n, &listed);
	else if (n->type != YAML_SEQUENCE_NODE)
		return wrong_type(c, n, "features", "a list of feature names");
	for (size_t i = 0;
	     n->type == YAML_SEQUENCE_NODE && !err && i < seq_len(n); i++)
		err = parse_feature(c, seq_item(c, n, i), &listed);
	if (err)
		return err;
	/* Features choose among a profile's rules: without one, nothing. */
	if (!c->cfg->profile && (listed & ~CFG_FEATURE_CORE))
		return fail(c, n,
			    "features without a profile: %s (expected "
			    "profile: %s, or no features)",
			    n->type == YAML_SCALAR_NODE ? "'features'"
							: "a list",
			    PROFILE_LYNC2013_EDGE);
	return 0;
}

/* ---- addresses ------------------------------------------------------- */

int cfg_addrset_name_eq(const void *ctx, uint32_t id)
{
	const struct cfg_name_key *k = ctx;

	return strcmp(k->cfg->addrsets[id].name, k->name) == 0;
}

int rule_name_eq(const void *ctx, uint32_t id)
{
	const struct cfg_name_key *k = ctx;

	return strcmp(k->cfg->rules[id].name, k->name) == 0;
}

int set_defined(const struct pctx *c, const char *name)
{
	struct cfg_name_key key = {c->cfg, name};
	uint32_t id;

	return idtab_find(&c->set_names, hash_str(name), cfg_addrset_name_eq,
			  &key, &id);
}

/* Index a new name as `id`: 1 if it was already there, 0, or -ENOMEM. */
int add_name(struct idtab *t, idtab_eq_fn eq, const struct edgexdp_config *cfg,
	     const char *name, uint32_t id)
{
	struct cfg_name_key key = {cfg, name};
	uint32_t found;

	return idtab_get(t, hash_str(name), eq, &key, id, &found);
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

int parse_addresses(struct pctx *c, const yaml_node_t *n)
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
		    !valid_name(sval(k)) || strcmp(sval(k), "any") == 0)
			return fail(
				c, k,
				"bad address set name: %s (expected 1-63 "
				"characters of a-z, 0-9, _ and -, not 'any')",
				describe(k, buf, sizeof(buf)));
		set->name = strdup(sval(k));
		if (!set->name)
			return -ENOMEM;
		err = add_name(&c->set_names, cfg_addrset_name_eq, cfg,
			       set->name, (uint32_t)cfg->n_addrsets);
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

int parse_nat(struct pctx *c, const yaml_node_t *n)
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
	if (parse_uint(s, 0, max, &v) || v < min)
		return fail(c, n, "bad %s: '%s' (expected %s)", what, s,
			    expected);
	*out = (uint32_t)v;
	return 0;
}

int parse_conntrack(struct pctx *c, const yaml_node_t *n)
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
		err = parse_bool(c, f[4].val, "local_responders",
				 &cfg->local_responders);
	return err;
}
