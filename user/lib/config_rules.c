// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The config's site rules (ports, from/to) and the checks that need the
 * whole config: names defined, profile roles present. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "addr.h"
#include "config_parse.h"
#include "number.h"
#include "profile.h"

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
	if (parse_uint(text, 0, 65535, &v) || v == 0)
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

int parse_rules(struct pctx *c, const yaml_node_t *n)
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

int check_config(struct pctx *c)
{
	int err = check_profile_roles(c);

	for (size_t i = 0; i < c->cfg->n_rules && !err; i++)
		err = check_rule(c, &c->cfg->rules[i]);
	return err;
}
