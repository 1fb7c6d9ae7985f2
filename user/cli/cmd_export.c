// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * edgexdp export nftables: the compiled config as an nftables ruleset, for
 * hosts without XDP and as a yardstick for the benchmark.
 *
 * What it enforces is what the data path enforces: on each configured NIC,
 * packets of tracked flows (and ICMP errors about them) pass, neighbour
 * discovery and MLD pass, a new flow passes when a rule of the NIC's zone
 * allows it (TCP: only a bare SYN opens one), everything else is dropped.
 * Every rule is an accept, so their order does not change the verdict.
 *
 * The filter hooks inet prerouting at priority mangle (-150): after
 * conntrack (-200), so ct state works, and before destination NAT (-100),
 * so it sees the addresses as they arrived, as XDP does. ARP is not in the
 * inet family and passes, as edgexdp passes non-IP. Fragments reach the
 * hook reassembled. NICs the config does not list are not filtered.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cmdline.h"
#include "common.h"
#include "config.h"
#include "output.h"
#include "profile.h"
#include "ruleset.h"

#define NFT_TABLE "edgexdp"
#define NFT_COMMENT_MAX 127 /* NFT_USERDATA comment: 128 with the NUL */
#define NFT_SET_NAME_MAX 64

/* The prefixes of one family of a rule side: a view into one compiled set,
 * or the sorted union of several (owned). */
struct plist {
	const struct cfg_prefix *v;
	size_t n;
	struct cfg_prefix *owned;
};

/*
 * One side (from or to) of a rule as the compiler resolved it (rs->sets:
 * NAT partners added): any, or the union of some address sets. When it is
 * exactly one named address set, rules name that set; otherwise the rule
 * gets a set of its own.
 */
struct side {
	int any;
	const char *only_set; /* the one address set it is, or NULL */
	struct plist fam[2]; /* [0] IPv4, [1] IPv6 */
};

/* A compiled set's prefixes of one family: IPv4 sort first (prefix_cmp),
 * so the IPv6 ones start at the first of family 6. */
static struct plist set_family(const struct ruleset_set *set, int v6)
{
	size_t lo = 0, hi = set->n_prefixes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->prefixes[mid].family == 4)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (v6)
		return (struct plist){set->prefixes + lo, set->n_prefixes - lo,
				      NULL};
	return (struct plist){set->prefixes, lo, NULL};
}

static int cmp_prefix(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* The union of several sets' prefixes of one family, sorted and unique:
 * n log n, where scanning for duplicates was quadratic. */
static int union_family(struct plist *l, const struct ruleset *rs,
			const struct ruleset_side *rside, int v6)
{
	size_t n = 0, out = 0;

	for (size_t i = 0; i < rside->n_sets; i++)
		n += set_family(&rs->sets[rside->sets[i]], v6).n;
	l->owned = malloc((n ? n : 1) * sizeof(*l->owned));
	if (!l->owned)
		return -ENOMEM;
	for (size_t i = 0; i < rside->n_sets; i++) {
		struct plist f = set_family(&rs->sets[rside->sets[i]], v6);

		memcpy(l->owned + out, f.v, f.n * sizeof(*f.v));
		out += f.n;
	}
	qsort(l->owned, n, sizeof(*l->owned), cmp_prefix);
	for (size_t i = 0; i < n; i++)
		if (!l->n || !prefix_equal(&l->owned[l->n - 1], &l->owned[i]))
			l->owned[l->n++] = l->owned[i];
	l->v = l->owned;
	return 0;
}

static void side_free(struct side *s)
{
	free(s->fam[0].owned);
	free(s->fam[1].owned);
	memset(s, 0, sizeof(*s));
}

static int side_from_ruleset(struct side *s, const struct ruleset *rs,
			     const struct ruleset_side *rside)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (rside->any) {
		s->any = 1;
		return 0;
	}
	if (rside->n_sets == 1) {
		const struct ruleset_set *set = &rs->sets[rside->sets[0]];

		s->only_set = set->name; /* NULL: a literal list */
		s->fam[0] = set_family(set, 0);
		s->fam[1] = set_family(set, 1);
		return 0;
	}
	for (int v6 = 0; v6 < 2 && !err; v6++)
		err = union_family(&s->fam[v6], rs, rside, v6);
	return err;
}

/* nft identifiers start with a letter; ours may start with a digit. */
static void set_name(char *buf, size_t len, const char *base, int v6)
{
	const char *prefix = isalpha((unsigned char)base[0]) ? "" : "s_";

	snprintf(buf, len, "%s%s_v%c", prefix, base, v6 ? '6' : '4');
	for (char *p = buf; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
}

static void print_elements(const struct plist *l)
{
	char buf[64];

	if (!l->n)
		return;
	printf("; elements = { ");
	for (size_t i = 0; i < l->n; i++) {
		prefix_format(&l->v[i], buf, sizeof(buf));
		printf("%s%s", i ? ", " : "", buf);
	}
	printf(" }");
}

static void print_addr_set(const char *name, int v6, const struct plist *l)
{
	printf("\tset %s {\n\t\ttype %s; flags interval; auto-merge", name,
	       v6 ? "ipv6_addr" : "ipv4_addr");
	print_elements(l);
	printf("\n\t}\n");
}

/* Comments are data to nft: no quotes, at most 127 bytes. */
static void print_comment(const char *name, const char *seed)
{
	char buf[NFT_COMMENT_MAX + 1];

	snprintf(buf, sizeof(buf), "%s: %s", name, seed ? seed : "");
	for (char *p = buf; *p; p++)
		if (*p == '"' || *p == '\\' || *p == '\n')
			*p = '\'';
	printf(" comment \"%s\"", buf);
}

struct export_rule {
	const struct ruleset_rule *r;
	struct side from, to;
};

struct export_ctx {
	const struct edgexdp_config *cfg;
	const struct ruleset *rs;
	struct export_rule *rules;
};

static int resolve_rule(struct export_ctx *x, size_t id)
{
	struct export_rule *e = &x->rules[id];
	int err;

	e->r = &x->rs->rules[id];
	err = side_from_ruleset(&e->from, x->rs, &x->rs->from[id]);
	if (!err)
		err = side_from_ruleset(&e->to, x->rs, &x->rs->to[id]);
	return err;
}

/* Rule-own sets: "r<id>_from_v4", only for sides that are no one set. */
static void print_rule_sets(const struct export_rule *e, size_t id)
{
	const struct side *sides[2] = {&e->from, &e->to};
	static const char *const which[2] = {"from", "to"};
	char name[NFT_SET_NAME_MAX];

	for (int s = 0; s < 2; s++) {
		if (sides[s]->any || sides[s]->only_set)
			continue;
		for (int v6 = 0; v6 < 2; v6++) {
			if (!sides[s]->fam[v6].n)
				continue;
			snprintf(name, sizeof(name), "r%zu_%s_v%c", id,
				 which[s], v6 ? '6' : '4');
			print_addr_set(name, v6, &sides[s]->fam[v6]);
		}
	}
}

static void side_ref(char *buf, size_t len, const struct side *s, size_t id,
		     const char *which, int v6)
{
	if (s->only_set)
		set_name(buf, len, s->only_set, v6);
	else
		snprintf(buf, len, "r%zu_%s_v%c", id, which, v6 ? '6' : '4');
}

/* Does a rule of this zone and protocol name source ports? */
static int zone_has_sports(const struct ruleset *rs, int zone, int proto)
{
	for (size_t i = 0; i < rs->n_rules; i++)
		if ((int)rs->rules[i].zone == zone &&
		    (int)rs->rules[i].proto == proto &&
		    !ports_any(rs->rules[i].sport_lo, rs->rules[i].sport_hi))
			return 1;
	return 0;
}

static void rule_ports(const struct ruleset_rule *r, int sports, uint16_t *lo,
		       uint16_t *hi)
{
	*lo = sports ? r->sport_lo : r->port_lo;
	*hi = sports ? r->sport_hi : r->port_hi;
}

/* The ports the rules of one zone and protocol open, as destination ports
 * (set ..._ports) or source ports (..._sports): a packet with neither
 * cannot open a flow there (the data path's junk filter). A rule that
 * names no port on a side is not in that side's set. */
static void print_port_set(const struct export_ctx *x, int zone, int proto,
			   int sports)
{
	uint16_t lo, hi, lo_j, hi_j;
	char ports[16];
	int n = 0;

	printf("\tset %s_%s_%sports {\n\t\ttype inet_service; flags "
	       "interval; auto-merge",
	       zone_name(zone), proto_name(proto), sports ? "s" : "");
	for (size_t i = 0; i < x->rs->n_rules; i++) {
		const struct ruleset_rule *r = &x->rs->rules[i];
		int seen = 0;

		rule_ports(r, sports, &lo, &hi);
		if ((int)r->zone != zone || (int)r->proto != proto ||
		    ports_any(lo, hi))
			continue;
		for (size_t j = 0; j < i && !seen; j++) {
			rule_ports(&x->rs->rules[j], sports, &lo_j, &hi_j);
			seen = x->rs->rules[j].zone == r->zone &&
			       x->rs->rules[j].proto == r->proto &&
			       lo_j == lo && hi_j == hi;
		}
		if (seen)
			continue;
		format_ports(ports, sizeof(ports), lo, hi);
		printf("%s%s", n++ ? ", " : "; elements = { ", ports);
	}
	printf("%s\n\t}\n", n ? " }" : "");
}

static void print_rule(const struct export_rule *e, size_t id)
{
	const struct ruleset_rule *r = e->r;
	const char *l4 = r->proto == EDGEXDP_PROTO_TCP ? "tcp" : "udp";
	char ports[16], sports[16], ref[NFT_SET_NAME_MAX];
	int printed = 0;

	format_ports(ports, sizeof(ports), r->port_lo, r->port_hi);
	format_ports(sports, sizeof(sports), r->sport_lo, r->sport_hi);
	for (int v6 = 0; v6 < 2; v6++) {
		const char *ip = v6 ? "ip6" : "ip";

		/* Both sides any: one rule for both families. */
		if (e->from.any && e->to.any && v6)
			break;
		if ((!e->from.any && !e->from.fam[v6].n) ||
		    (!e->to.any && !e->to.fam[v6].n))
			continue;
		/* A side that names no port is left out: any port. A rule
		 * names at least one (config.c), which implies the protocol. */
		printf("\t\t");
		if (!ports_any(r->sport_lo, r->sport_hi))
			printf("%s sport %s%s", l4, sports,
			       ports_any(r->port_lo, r->port_hi) ? "" : " ");
		if (!ports_any(r->port_lo, r->port_hi))
			printf("%s dport %s", l4, ports);
		if (r->proto == EDGEXDP_PROTO_TCP)
			printf(" tcp flags & (fin | syn | rst | ack) == syn");
		if (!e->from.any) {
			side_ref(ref, sizeof(ref), &e->from, id, "from", v6);
			printf(" %s saddr @%s", ip, ref);
		}
		if (!e->to.any) {
			side_ref(ref, sizeof(ref), &e->to, id, "to", v6);
			printf(" %s daddr @%s", ip, ref);
		}
		printf(" accept");
		print_comment(r->name, r->seed);
		printf("\n");
		printed = 1;
	}
	if (!printed)
		printf("\t\t# %s: its address sets are empty: matches "
		       "nothing\n",
		       r->name);
}

static int iface_name_ok(const char *name)
{
	return !strpbrk(name, "\"\\");
}

static void print_ifnames(const struct ruleset *rs, int zone)
{
	int n = 0;

	for (size_t i = 0; i < rs->n_ifaces; i++)
		if (zone < 0 || (int)rs->ifaces[i].zone == zone)
			printf("%s\"%s\"", n++ ? ", " : "", rs->ifaces[i].name);
}

static void print_header(const struct export_ctx *x)
{
	const struct edgexdp_config *cfg = x->cfg;
	const struct ruleset *rs = x->rs;

	printf("#!/usr/sbin/nft -f\n"
	       "# edgexdp export nftables, from %s: %zu %s.\n"
	       "# The XDP filter's allow-list for hosts without XDP; load "
	       "with\n"
	       "# 'nft -f FILE' (replaces an earlier table %s atomically).\n\n",
	       cfg->path ? cfg->path : "(config)", rs->n_rules,
	       plural(rs->n_rules, "rule", "rules"), NFT_TABLE);
	printf("table inet %s\ndelete table inet %s\n\n", NFT_TABLE, NFT_TABLE);
}

/* The named sets, before the chains that use them. */
static void print_sets(const struct export_ctx *x)
{
	const struct ruleset *rs = x->rs;
	char name[NFT_SET_NAME_MAX];

	printf("\t# Address sets the rules use; a NAT pair's two addresses "
	       "are one host.\n");
	for (size_t i = 0; i < rs->n_sets; i++) {
		const struct ruleset_set *set = &rs->sets[i];

		/* An empty family has no set: no rule can name it. */
		for (int v6 = 0; set->name && v6 < 2; v6++) {
			struct plist l = set_family(set, v6);

			if (!l.n)
				continue;
			set_name(name, sizeof(name), set->name, v6);
			print_addr_set(name, v6, &l);
		}
	}
	printf("\t# Sides of rules that are no single address set.\n");
	for (size_t i = 0; i < rs->n_rules; i++)
		print_rule_sets(&x->rules[i], i);
	printf("\t# Ports some rule opens, per zone and protocol: destination\n"
	       "\t# ports, and source ports where a rule names them.\n");
	for (int z = 0; z < EDGEXDP_ZONE_COUNT; z++)
		for (int p = 0; p < EDGEXDP_PROTO_COUNT; p++) {
			print_port_set(x, z, p, 0);
			if (zone_has_sports(rs, z, p))
				print_port_set(x, z, p, 1);
		}
}

/* What every packet meets first: flows already known, neighbour discovery,
 * then a jump to its NIC's zone. */
static void print_prerouting(const struct ruleset *rs)
{
	int n_vmap = 0;

	printf("\n\tchain prerouting {\n"
	       "\t\ttype filter hook prerouting priority mangle; policy drop;\n"
	       "\t\tiifname != { ");
	print_ifnames(rs, -1);
	printf(" } accept comment \"a NIC edgexdp does not filter\"\n"
	       "\t\tct state established,related accept comment \"tracked "
	       "flows, both ways, and ICMP errors about them\"\n"
	       "\t\ticmpv6 type { mld-listener-query, mld-listener-report, "
	       "mld-listener-done, nd-router-solicit, nd-router-advert, "
	       "nd-neighbor-solicit, nd-neighbor-advert, nd-redirect, "
	       "mld2-listener-report } accept comment \"neighbour discovery "
	       "and MLD\"\n"
	       "\t\tct state invalid drop\n"
	       "\t\tiifname vmap { ");
	for (int z = 0; z < EDGEXDP_ZONE_COUNT; z++)
		for (size_t i = 0; i < rs->n_ifaces; i++)
			if ((int)rs->ifaces[i].zone == z)
				printf("%s\"%s\" : jump zone_%s",
				       n_vmap++ ? ", " : "", rs->ifaces[i].name,
				       zone_name(z));
	printf(" }\n\t}\n");
}

static void print_zone_chain(const struct export_ctx *x, int z)
{
	const struct ruleset *rs = x->rs;

	printf("\n\t# New flows arriving on a NIC of zone %s: ", zone_name(z));
	print_ifnames(rs, z);
	printf(".\n\tchain zone_%s {\n", zone_name(z));
	for (int p = 0; p < EDGEXDP_PROTO_COUNT; p++) {
		printf("\t\t%s dport != @%s_%s_ports", proto_name(p),
		       zone_name(z), proto_name(p));
		if (zone_has_sports(rs, z, p))
			printf(" %s sport != @%s_%s_sports", proto_name(p),
			       zone_name(z), proto_name(p));
		printf(" drop comment \"no rule on this port\"\n");
	}
	for (size_t i = 0; i < rs->n_rules; i++)
		if ((int)rs->rules[i].zone == z)
			print_rule(&x->rules[i], i);
	printf("\t}\n");
}

static void print_ruleset(const struct export_ctx *x)
{
	print_header(x);
	printf("table inet %s {\n", NFT_TABLE);
	print_sets(x);
	print_prerouting(x->rs);
	for (int z = 0; z < EDGEXDP_ZONE_COUNT; z++)
		print_zone_chain(x, z);
	printf("}\n");
}

/* One format so far; nftables syntax has no JSON form here. */
static int check_export_args(void *ctx, int argc, char **argv,
			     struct edgexdp_diag *d)
{
	const char *format = argc ? argv[0] : NULL;

	if (!format || strcmp(format, "nftables") != 0) {
		diag_set(d, 0, "export: %s%s%s (expected: nftables)",
			 format ? "unknown format '" : "no format given",
			 format ? format : "", format ? "'" : "");
		return -EINVAL;
	}
	if (g_opts.json) {
		diag_set(d, 0,
			 "export prints nftables syntax; -j does not "
			 "apply");
		return -EINVAL;
	}
	return 0;
}

static int do_export(void *ctx, int argc, char **argv)
{
	struct edgexdp_config cfg = {0};
	struct ruleset rs = {0};
	struct export_ctx x = {0};
	int err = 0;

	if (load_and_compile(&cfg, &rs, 0))
		return 1;
	for (size_t i = 0; i < rs.n_ifaces; i++) {
		if (!iface_name_ok(rs.ifaces[i].name)) {
			pr_error("export: interface name '%s' "
				 "cannot be written in nftables syntax",
				 rs.ifaces[i].name);
			err = -EINVAL;
		}
	}
	x.cfg = &cfg;
	x.rs = &rs;
	x.rules = calloc(rs.n_rules ? rs.n_rules : 1, sizeof(*x.rules));
	if (!x.rules)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < rs.n_rules; i++) {
		err = resolve_rule(&x, i);
		if (err)
			pr_error("export: cannot resolve the "
				 "addresses of rule '%s'",
				 rs.rules[i].name);
	}
	if (!err)
		print_ruleset(&x);
	for (size_t i = 0; x.rules && i < rs.n_rules; i++) {
		side_free(&x.rules[i].from);
		side_free(&x.rules[i].to);
	}
	free(x.rules);
	ruleset_free(&rs);
	config_free(&cfg);
	return err ? 1 : 0;
}

const struct cmd cmd_export = {
	.name = "export",
	.summary = "print the config as an nftables ruleset, for hosts without "
		   "XDP",
	.globals = CMD_CONFIG,
	.args = "nftables",
	.max_args = 1,
	.text = "Print an nftables ruleset (table inet " NFT_TABLE
		") that enforces the\n"
		"same compiled config as the XDP filter, for hosts without "
		"XDP:\n"
		"  nft -c -f -   checks it,  nft -f -   loads it (replacing "
		"an\n"
		"earlier " NFT_TABLE " table atomically).\n\n"
		"One named interval set per address set and family, one per\n"
		"zone and protocol with the ports rules open, a chain per "
		"zone\n"
		"entered by input NIC name, conntrack for replies, neighbour\n"
		"discovery accepted, drop policy, and a comment per rule with\n"
		"its name and seed rows. It hooks inet prerouting at priority\n"
		"mangle: after conntrack, before destination NAT. NICs the\n"
		"config does not list are not filtered. Touches no kernel "
		"state.\n",
	.check = check_export_args,
	.run = do_export,
};
