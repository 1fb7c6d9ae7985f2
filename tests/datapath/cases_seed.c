// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Every row of every seed table (tests/data/lync2013-edge-ports.csv, read at
 * run time): packets the row allows, and its near misses (ports just
 * outside, the other protocol, the wrong direction, the wrong zone,
 * addresses outside the row's sets). Expected verdicts come from the
 * oracle; the rule compiler's reference classifier must agree with it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify.h"
#include "harness.h"

#define SEED_CSV "tests/data/lync2013-edge-ports.csv"
#define CLIENT_PORT 40000 /* no rule names it: a client's ephemeral port */
#define MAX_HOSTS 6

struct seed_row {
	char table[32];
	int row;
	enum edgexdp_proto proto;
	uint16_t port_lo, port_hi;
};

enum seed_kind {
	SEED_ALLOW, /* the row's rule must admit it */
	SEED_MISS, /* whatever the oracle says; usually a drop */
};

struct seed_case {
	char tag[40]; /* "external:5" */
	enum seed_kind kind;
	const struct profile_rule *row_rule;
	enum edgexdp_zone zone;
	enum edgexdp_proto proto;
	char src[48], dst[48];
	uint16_t sport, dport;
};

static uint8_t l4proto_of(enum edgexdp_proto proto)
{
	return proto == EDGEXDP_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
}

static const char *proto_str(enum edgexdp_proto proto)
{
	return proto == EDGEXDP_PROTO_TCP ? "tcp" : "udp";
}

static struct cfg_prefix host_prefix(const char *ip)
{
	struct cfg_prefix p = {0};

	p.family = (uint8_t)pkt_addr(ip, &p.addr);
	p.prefixlen = p.family == 4 ? 32 : 128;
	return p;
}

/* A TCP SYN or a UDP datagram, the opening packet of a flow. */
static void build_opener(struct pkt *p, const struct seed_case *c)
{
	pkt_build(p,
		  &(struct pkt_spec){
			  .src = c->src,
			  .dst = c->dst,
			  .proto = l4proto_of(c->proto),
			  .sport = c->sport,
			  .dport = c->dport,
			  .tcp_flags = F_SYN,
			  .tcp_opt_words = c->proto == EDGEXDP_PROTO_TCP,
			  .payload_len = c->proto == EDGEXDP_PROTO_UDP ? 32 : 0,
		  });
}

static struct oracle_verdict seed_oracle(const struct seed_case *c)
{
	return oracle_new_packet(c->zone, c->proto, F_SYN, c->src, c->sport,
				 c->dst, c->dport);
}

static void seed_run(void **state)
{
	const struct seed_case *c = *state;
	struct oracle_verdict ov = seed_oracle(c);
	struct cfg_prefix src = host_prefix(c->src), dst = host_prefix(c->dst);
	struct want w =
		ov.pass ? WANT_NEW(rule_id_of(ov.rule)) : WANT_DROP(ov.reason);
	int ref, want_ref = ov.pass ? rule_id_of(ov.rule) : -1;
	struct edgexdp_ct_entry ct;
	struct pkt p;

	/* The case itself must make sense before the data path is asked. */
	if (c->kind == SEED_ALLOW) {
		if (!oracle_rule_admits(c->row_rule, c->zone, c->proto, c->src,
					c->sport, c->dst, c->dport))
			fail_msg("test bug: %s's rule %s does not admit %s:%u "
				 "-> %s:%u",
				 c->tag, c->row_rule->name, c->src, c->sport,
				 c->dst, c->dport);
		if (!ov.pass)
			fail_msg("test bug: oracle drops what %s allows",
				 c->tag);
	}

	build_opener(&p, c);
	step(c->tag, c->zone, &p, w);

	/* The userspace reference classifier must name the same rule. */
	ref = classify_new_flow(&g_dp.rs, c->zone, c->proto, &src, &dst,
				c->sport, c->dport);
	if (ref != want_ref)
		fail_msg("classify_new_flow() says rule %d (%s), the profile "
			 "says %d (%s)",
			 ref, ref >= 0 ? g_dp.rs.rules[ref].name : "none",
			 want_ref, ov.pass ? ov.rule->name : "none");

	/* A new flow is in conntrack, opened by the source. */
	if (ov.pass) {
		bool src_is_a;
		struct edgexdp_ct_key key;

		src_is_a = ct_key_of(&key, l4proto_of(c->proto), c->src,
				     c->sport, c->dst, c->dport);
		if (!ct_get(l4proto_of(c->proto), c->src, c->sport, c->dst,
			    c->dport, &ct))
			fail_msg("no conntrack entry under the documented key");
		assert_int_equal(ct.rule_id, rule_id_of(ov.rule));
		assert_int_equal(ct.initiator_is_a, src_is_a);
		assert_int_equal(ct.state, c->proto == EDGEXDP_PROTO_TCP
						   ? EDGEXDP_CT_SYN_SENT
						   : EDGEXDP_CT_NEW);
		assert_int_equal(ct_count(), 1);
	} else {
		assert_int_equal(ct_count(), 0);
	}
}

/* ---- the CSV ---- */

static int parse_row(char *line, struct seed_row *r)
{
	/* table,row,service,protocol,transport,port_lo,port_hi,source,
	 * destination,note: no field but the note holds a comma. */
	char *field[9], *s = line;
	int n;

	line[strcspn(line, "\r\n")] = 0;
	for (n = 0; n < 9 && s; n++) {
		field[n] = s;
		s = strchr(s, ',');
		if (s)
			*s++ = 0;
	}
	if (n < 9)
		return -1;
	snprintf(r->table, sizeof(r->table), "%s", field[0]);
	r->row = atoi(field[1]);
	if (strcmp(field[4], "tcp") == 0)
		r->proto = EDGEXDP_PROTO_TCP;
	else if (strcmp(field[4], "udp") == 0)
		r->proto = EDGEXDP_PROTO_UDP;
	else
		return -1;
	r->port_lo = (uint16_t)atoi(field[5]);
	r->port_hi = (uint16_t)atoi(field[6]);
	/* source and destination are prose: the rule's sides say it */
	return 0;
}

/* The compiled rule whose seed lists "table:row"; -1 if none, -2 if more. */
static int rule_of_row(const char *tag)
{
	int found = -1;

	for (size_t i = 0; i < g_dp.rs.n_rules; i++) {
		const char *seed = g_dp.rs.rules[i].seed;
		size_t len = strlen(tag);

		for (const char *s = seed; s && (s = strstr(s, tag));
		     s += len) {
			bool start = s == seed || s[-1] == ' ';
			bool end = s[len] == 0 || s[len] == ' ';

			if (start && end) {
				if (found >= 0)
					return -2;
				found = (int)i;
			}
		}
	}
	return found;
}

/* Hosts of a side on a zone: the samples of its defined roles, or an
 * address in no set when the side is any. */
static int side_hosts(const struct profile_side *side, enum edgexdp_zone zone,
		      int family, const char **out)
{
	int n = 0;

	if (oracle_side_is_any(side)) {
		if (zone == EDGEXDP_ZONE_EXTERNAL)
			out[n++] = family == 4 ? ANY_EXT4 : ANY_EXT6;
		else
			out[n++] = family == 4 ? ANY_INT4 : ANY_INT6;
		return n;
	}
	for (int i = 0; i < PROFILE_MAX_ROLES && side->roles[i]; i++)
		for (int j = 0; n < MAX_HOSTS; j++) {
			const char *h =
				oracle_role_host(side->roles[i], family, j);

			if (!h)
				break;
			out[n++] = h;
		}
	return n;
}

static void add_case(const struct seed_case *tmpl, const char *what)
{
	struct seed_case *c = malloc(sizeof(*c));
	struct oracle_verdict ov;
	char outcome[96];

	if (!c)
		abort();
	*c = *tmpl;
	ov = seed_oracle(c);
	if (ov.pass)
		snprintf(outcome, sizeof(outcome), "pass %s", ov.rule->name);
	else
		snprintf(outcome, sizeof(outcome), "drop %s",
			 dp_drop_name(ov.reason));
	case_addf(seed_run, c, "%s %s [%s %s:%u -> %s:%u] => %s", c->tag, what,
		  zone_str(c->zone), c->src, c->sport, c->dst, c->dport,
		  outcome);
}

/* Does the profile read the row's port column as the source port? */
static bool row_is_sport(const struct profile_rule *pr)
{
	return !(pr->sport_lo == 0 && pr->sport_hi == 65535);
}

static void add_row_cases(const struct seed_row *row, const char *tag,
			  const struct profile_rule *pr)
{
	const char *src_hosts[MAX_HOSTS], *dst_hosts[MAX_HOSTS];
	char from[96], to[96], what[256];
	struct seed_case c = {
		.kind = SEED_ALLOW,
		.row_rule = pr,
		.zone = pr->zone,
		.proto = row->proto,
		.sport = CLIENT_PORT,
		.dport = CLIENT_PORT,
	};
	uint16_t ports[3] = {row->port_lo,
			     (uint16_t)((row->port_lo + row->port_hi) / 2),
			     row->port_hi};
	/* The port the row's column gives: the destination port, or for the
	 * A/V edge's outbound media the source port (the other one is a
	 * remote party's ordinary port). */
	bool sport_row = row_is_sport(pr);
	uint16_t *port = sport_row ? &c.sport : &c.dport;
	const char *side = sport_row ? "sport" : "port";
	uint16_t lo = sport_row ? pr->sport_lo : pr->port_lo;
	uint16_t hi = sport_row ? pr->sport_hi : pr->port_hi;
	const char *outside, *other;

	snprintf(c.tag, sizeof(c.tag), "%s", tag);
	oracle_side_name(&pr->from, from, sizeof(from));
	oracle_side_name(&pr->to, to, sizeof(to));

	for (int family = 4; family <= 6; family += 2) {
		int ns = side_hosts(&pr->from, pr->zone, family, src_hosts);
		int nd = side_hosts(&pr->to, pr->zone, family, dst_hosts);
		int n = ns > nd ? ns : nd;

		/* Every sample host at the first port ... */
		for (int i = 0; i < n; i++) {
			snprintf(c.src, sizeof(c.src), "%s", src_hosts[i % ns]);
			snprintf(c.dst, sizeof(c.dst), "%s", dst_hosts[i % nd]);
			*port = row->port_lo;
			snprintf(what, sizeof(what), "allows %s %s %u %s->%s",
				 proto_str(row->proto), side, *port, from, to);
			add_case(&c, what);
		}
		/* ... and the middle and the last port of a range. */
		snprintf(c.src, sizeof(c.src), "%s", src_hosts[0]);
		snprintf(c.dst, sizeof(c.dst), "%s", dst_hosts[0]);
		for (int i = 1; i < 3; i++) {
			if (ports[i] == ports[i - 1])
				continue;
			*port = ports[i];
			snprintf(what, sizeof(what), "allows %s %s %u %s->%s",
				 proto_str(row->proto), side, *port, from, to);
			add_case(&c, what);
		}
	}

	/* Near misses, from the first IPv4 packet the row allows. */
	side_hosts(&pr->from, pr->zone, 4, src_hosts);
	side_hosts(&pr->to, pr->zone, 4, dst_hosts);
	c.kind = SEED_MISS;
	snprintf(c.src, sizeof(c.src), "%s", src_hosts[0]);
	snprintf(c.dst, sizeof(c.dst), "%s", dst_hosts[0]);

	/* Ports just outside the rule's range (a row of a merged range,
	 * like internal:9 in 50001-50003, has its neighbours inside). */
	if (lo > 0) {
		*port = (uint16_t)(lo - 1);
		snprintf(what, sizeof(what), "near miss %s %u", side, *port);
		add_case(&c, what);
	}
	if (hi < 65535) {
		*port = (uint16_t)(hi + 1);
		snprintf(what, sizeof(what), "near miss %s %u", side, *port);
		add_case(&c, what);
	}
	*port = row->port_lo;

	c.proto = row->proto == EDGEXDP_PROTO_TCP ? EDGEXDP_PROTO_UDP
						  : EDGEXDP_PROTO_TCP;
	snprintf(what, sizeof(what), "other protocol (%s %s %u)",
		 proto_str(c.proto), side, *port);
	add_case(&c, what);
	c.proto = row->proto;

	snprintf(c.src, sizeof(c.src), "%s", dst_hosts[0]);
	snprintf(c.dst, sizeof(c.dst), "%s", src_hosts[0]);
	add_case(&c, "wrong direction");
	snprintf(c.src, sizeof(c.src), "%s", src_hosts[0]);
	snprintf(c.dst, sizeof(c.dst), "%s", dst_hosts[0]);

	c.zone = pr->zone == EDGEXDP_ZONE_EXTERNAL ? EDGEXDP_ZONE_INTERNAL
						   : EDGEXDP_ZONE_EXTERNAL;
	add_case(&c, "wrong zone");
	c.zone = pr->zone;

	/* Another role's host, e.g. webconf_edge where access_edge is meant:
	 * the address classes must keep the sets apart. */
	other = oracle_other_role(&pr->to, pr->zone, c.src);
	if (other) {
		snprintf(c.dst, sizeof(c.dst), "%s",
			 oracle_role_host(other, 4, 0));
		snprintf(what, sizeof(what), "destination is %s, not %s", other,
			 to);
		add_case(&c, what);
		snprintf(c.dst, sizeof(c.dst), "%s", dst_hosts[0]);
	}
	other = oracle_other_role(&pr->from, pr->zone, c.dst);
	if (other) {
		snprintf(c.src, sizeof(c.src), "%s",
			 oracle_role_host(other, 4, 0));
		snprintf(what, sizeof(what), "source is %s, not %s", other,
			 from);
		add_case(&c, what);
		snprintf(c.src, sizeof(c.src), "%s", src_hosts[0]);
	}

	for (int family = 4; family <= 6; family += 2) {
		const char *s6[MAX_HOSTS], *d6[MAX_HOSTS];

		side_hosts(&pr->from, pr->zone, family, s6);
		side_hosts(&pr->to, pr->zone, family, d6);
		outside = oracle_outside(&pr->to, family, pr->zone);
		if (outside) {
			snprintf(c.src, sizeof(c.src), "%s", s6[0]);
			snprintf(c.dst, sizeof(c.dst), "%s", outside);
			snprintf(what, sizeof(what), "destination outside %s",
				 to);
			add_case(&c, what);
		}
		outside = oracle_outside(&pr->from, family, pr->zone);
		if (outside) {
			snprintf(c.src, sizeof(c.src), "%s", outside);
			snprintf(c.dst, sizeof(c.dst), "%s", d6[0]);
			snprintf(what, sizeof(what), "source outside %s", from);
			add_case(&c, what);
		}
	}
}

/* A row that cannot be turned into cases is a failing case of its own. */
static void broken_row(void **state)
{
	fail_msg("%s", (const char *)*state);
}

static void add_broken(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void add_broken(const char *fmt, ...)
{
	char *msg = malloc(256);
	va_list ap;

	if (!msg)
		abort();
	va_start(ap, fmt);
	vsnprintf(msg, 256, fmt, ap);
	va_end(ap);
	case_add(msg, broken_row, msg);
}

/* The compiled rule is the profile's, and the row's port column is inside
 * the side the profile reads it as (the other side being any). */
static bool rule_covers_row(const struct ruleset_rule *r,
			    const struct profile_rule *pr,
			    const struct seed_row *row)
{
	bool sport_row = row_is_sport(pr);
	uint16_t lo = sport_row ? pr->sport_lo : pr->port_lo;
	uint16_t hi = sport_row ? pr->sport_hi : pr->port_hi;
	bool other_any =
		sport_row ? pr->port_lo == 0 && pr->port_hi == 65535 : true;

	return pr->proto == row->proto && row->port_lo >= lo &&
	       row->port_hi <= hi && other_any && r->zone == pr->zone &&
	       r->proto == pr->proto && r->port_lo == pr->port_lo &&
	       r->port_hi == pr->port_hi && r->sport_lo == pr->sport_lo &&
	       r->sport_hi == pr->sport_hi;
}

void cases_seed(void)
{
	FILE *f = fopen(SEED_CSV, "r");
	char line[1024];
	int n_rows = 0;

	case_category("seed rows");
	if (!f) {
		add_broken("cannot open %s (run from the repository root)",
			   SEED_CSV);
		return;
	}
	if (!fgets(line, sizeof(line), f)) { /* header */
		add_broken("%s is empty", SEED_CSV);
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		struct seed_row row;
		const struct profile_rule *pr;
		char tag[40];
		int id;

		if (line[0] == '\n' || line[0] == 0)
			continue;
		if (parse_row(line, &row)) {
			add_broken("unparsable seed row: %s", line);
			continue;
		}
		n_rows++;
		snprintf(tag, sizeof(tag), "%s:%d", row.table, row.row);
		id = rule_of_row(tag);
		if (id < 0) {
			add_broken("%s: %s compiled rule lists it in its seed",
				   tag, id == -1 ? "no" : "more than one");
			continue;
		}
		pr = oracle_rule_by_name(g_dp.rs.rules[id].name);
		if (!pr) {
			add_broken("%s: compiled rule %s is not a profile rule",
				   tag, g_dp.rs.rules[id].name);
			continue;
		}
		if (!rule_covers_row(&g_dp.rs.rules[id], pr, &row)) {
			add_broken("%s: rule %s (%s %u-%u, source %u-%u) does "
				   "not cover the row (%s %u-%u)",
				   tag, pr->name, proto_str(pr->proto),
				   pr->port_lo, pr->port_hi, pr->sport_lo,
				   pr->sport_hi, proto_str(row.proto),
				   row.port_lo, row.port_hi);
			continue;
		}
		add_row_cases(&row, tag, pr);
	}
	fclose(f);
	if (n_rows == 0)
		add_broken("%s has no rows", SEED_CSV);
}
