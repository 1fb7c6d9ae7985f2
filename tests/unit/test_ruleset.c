// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The rule compiler: port groups, address classes and LPM entries, NAT,
 * first-match order, settings, limits and scale. Verdicts are computed
 * here from the compiled tables the way the data path looks them up
 * (port -> group, LPM -> class, (group, class, class) -> rule).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "config.h"
#include "ruleset.h"

#define EXT EDGEXDP_ZONE_EXTERNAL
#define INT EDGEXDP_ZONE_INTERNAL
#define TCP EDGEXDP_PROTO_TCP
#define UDP EDGEXDP_PROTO_UDP

#define IFACES                                                                 \
	"interfaces:\n"                                                        \
	"  - { name: eth0, zone: external }\n"                                 \
	"  - { name: eth1, zone: internal }\n"
#define PROFILE "profile: lync2013-edge\n"
#define EDGE_SETS                                                              \
	"addresses:\n"                                                         \
	"  access_edge: [203.0.113.10]\n"                                      \
	"  webconf_edge: [203.0.113.20]\n"                                     \
	"  av_edge: [203.0.113.30]\n"                                          \
	"  edge_internal: [172.25.33.10]\n"

struct compiled {
	struct edgexdp_config cfg;
	struct ruleset rs;
};

/* ---- the data path's lookups, by plain scans ------------------------- */

static struct cfg_prefix pfx(const char *text)
{
	struct cfg_prefix p;

	assert_int_equal(prefix_parse(text, &p), 0);
	return p;
}

static int covers(const uint8_t *net, unsigned int plen, const uint8_t *addr)
{
	for (unsigned int bit = 0; bit < plen; bit++) {
		uint8_t mask = (uint8_t)(0x80 >> (bit % 8));

		if ((net[bit / 8] ^ addr[bit / 8]) & mask)
			return 0;
	}
	return 1;
}

static uint32_t class_of(const struct ruleset *rs, const char *text)
{
	struct cfg_prefix a = pfx(text);
	uint32_t cls = 0;
	int best = -1;

	for (size_t i = 0; a.family == 4 && i < rs->n_lpm_v4; i++) {
		const struct ruleset_lpm_v4 *e = &rs->lpm_v4[i];

		if ((int)e->key.prefixlen > best &&
		    covers(e->key.addr, e->key.prefixlen, a.addr.u8)) {
			best = (int)e->key.prefixlen;
			cls = e->addr_class;
		}
	}
	for (size_t i = 0; a.family == 6 && i < rs->n_lpm_v6; i++) {
		const struct ruleset_lpm_v6 *e = &rs->lpm_v6[i];

		if ((int)e->key.prefixlen > best &&
		    covers(e->key.addr, e->key.prefixlen, a.addr.u8)) {
			best = (int)e->key.prefixlen;
			cls = e->addr_class;
		}
	}
	return cls;
}

static uint16_t group_of(const struct ruleset *rs, enum edgexdp_zone zone,
			 enum edgexdp_proto proto, uint32_t port)
{
	return rs->ports[(size_t)proto * EDGEXDP_PORTS_PER_PROTO + port]
		.group[zone];
}

static uint16_t sport_group_of(const struct ruleset *rs, enum edgexdp_zone zone,
			       enum edgexdp_proto proto, uint32_t port)
{
	return rs->ports[(size_t)proto * EDGEXDP_PORTS_PER_PROTO + port]
		.sport_group[zone];
}

static int match_of(const struct ruleset *rs, uint16_t group,
		    uint16_t sport_group, uint32_t src, uint32_t dst)
{
	for (size_t i = 0; i < rs->n_matches; i++) {
		const struct edgexdp_match_key *k = &rs->matches[i].key;

		if (k->group == group && k->sport_group == sport_group &&
		    k->src_class == src && k->dst_class == dst)
			return (int)rs->matches[i].rule_id;
	}
	return -1;
}

/* The rule that opens this flow from source port sport, or "none". */
static const char *verdict_from(const struct ruleset *rs,
				enum edgexdp_zone zone,
				enum edgexdp_proto proto, const char *src,
				uint16_t sport, const char *dst, uint16_t port)
{
	uint16_t g = group_of(rs, zone, proto, port);
	uint16_t sg = sport_group_of(rs, zone, proto, sport);
	int id;

	if (!g && !sg)
		return "none";
	id = match_of(rs, g, sg, class_of(rs, src), class_of(rs, dst));
	return id < 0 ? "none" : rs->rules[id].name;
}

/* The same from source port 0, which no config can name. */
static const char *verdict(const struct ruleset *rs, enum edgexdp_zone zone,
			   enum edgexdp_proto proto, const char *src,
			   const char *dst, uint16_t port)
{
	return verdict_from(rs, zone, proto, src, 0, dst, port);
}

static const struct ruleset_rule *rule_named(const struct ruleset *rs,
					     const char *name)
{
	for (size_t i = 0; i < rs->n_rules; i++)
		if (strcmp(rs->rules[i].name, name) == 0)
			return &rs->rules[i];
	fail_msg("no rule %s", name);
	return NULL;
}

/* ---- what every compiled ruleset must satisfy ------------------------- */

static int cmp_key(const void *a, const void *b)
{
	return memcmp(&((const struct ruleset_match *)a)->key,
		      &((const struct ruleset_match *)b)->key,
		      sizeof(struct edgexdp_match_key));
}

static void check_invariants(const struct ruleset *rs)
{
	size_t n_ports = (size_t)EDGEXDP_PROTO_COUNT * EDGEXDP_PORTS_PER_PROTO;
	uint8_t *seen = calloc(rs->n_port_groups + 1, 1);
	struct ruleset_match *m;

	assert_non_null(seen);
	assert_true(rs->n_addr_classes >= 1);
	for (size_t i = 0; i < n_ports; i++) {
		for (int z = 0; z < EDGEXDP_ZONE_COUNT; z++) {
			uint16_t g = rs->ports[i].group[z];
			uint16_t sg = rs->ports[i].sport_group[z];

			assert_true(g <= rs->n_port_groups);
			assert_true(sg <= rs->n_port_groups);
			seen[g] = 1;
			seen[sg] = 1;
		}
	}
	for (uint32_t g = 1; g <= rs->n_port_groups; g++)
		assert_true(seen[g]); /* every id used, none skipped */
	free(seen);
	for (size_t i = 0; i < rs->n_lpm_v4; i++)
		assert_in_range(rs->lpm_v4[i].addr_class, 1,
				rs->n_addr_classes - 1);
	for (size_t i = 0; i < rs->n_lpm_v6; i++)
		assert_in_range(rs->lpm_v6[i].addr_class, 1,
				rs->n_addr_classes - 1);
	m = malloc((rs->n_matches + 1) * sizeof(*m));
	assert_non_null(m);
	if (rs->n_matches)
		memcpy(m, rs->matches, rs->n_matches * sizeof(*m));
	qsort(m, rs->n_matches, sizeof(*m), cmp_key);
	for (size_t i = 0; i < rs->n_matches; i++) {
		assert_true(m[i].key.group <= rs->n_port_groups);
		assert_true(m[i].key.sport_group <= rs->n_port_groups);
		/* (0, 0): ports no rule names; the junk filter drops them. */
		assert_true(m[i].key.group || m[i].key.sport_group);
		assert_true(m[i].key.src_class < rs->n_addr_classes);
		assert_true(m[i].key.dst_class < rs->n_addr_classes);
		assert_true(m[i].rule_id < rs->n_rules);
		if (i)
			assert_true(cmp_key(&m[i - 1], &m[i]) != 0);
	}
	free(m);
}

static void compile(const char *yaml, struct compiled *c)
{
	struct edgexdp_diag err = {0};
	int ret;

	ret = config_load_buffer("t.yaml", yaml, strlen(yaml), &c->cfg, &err);
	if (ret)
		fail_msg("config: %s", err.msg);
	ret = ruleset_compile(&c->cfg, &c->rs, &err);
	if (ret)
		fail_msg("compile: %s", err.msg);
	check_invariants(&c->rs);
}

static void release(struct compiled *c)
{
	ruleset_free(&c->rs);
	config_free(&c->cfg);
}

/* ---- rules and how they are shown ------------------------------------ */

static void test_rule_strings(void **state)
{
	const char *yaml = IFACES PROFILE EDGE_SETS
		"  front_end: [172.25.40.0/24]\n"
		"  director: [172.25.41.0/24]\n"
		"rules:\n"
		"  - { name: admin-ssh, zone: internal, proto: tcp, ports: "
		"22,\n"
		"      from: [172.25.40.5], to: edge_internal, note: admin "
		"access }\n"
		"  - { name: mixed, zone: external, proto: udp, ports: "
		"7000-7010,\n"
		"      from: [access_edge, 192.0.2.0/24, av_edge] }\n";
	struct compiled c = {0};
	const struct ruleset_rule *r;

	(void)state;
	compile(yaml, &c);
	assert_int_equal(c.rs.n_rules, 15 + 2);
	r = rule_named(&c.rs, "ext-sip-tls-in");
	assert_string_equal(r->from, "any");
	assert_string_equal(r->to, "access_edge");
	assert_string_equal(r->seed, "external:5 public_im:3");
	assert_string_equal(
		r->note,
		"client-to-server SIP traffic for external user access");
	assert_int_equal(r->feature, CFG_FEATURE_CORE);
	r = rule_named(&c.rs, "int-sip-mtls-in");
	assert_string_equal(r->from, "director|front_end");
	assert_string_equal(r->to, "edge_internal");
	r = rule_named(&c.rs, "int-av-auth-in");
	assert_string_equal(r->from, "front_end"); /* sba not defined */
	r = rule_named(&c.rs, "int-cms-https-in");
	assert_string_equal(r->from, "any"); /* cms not defined */
	r = &c.rs.rules[15];
	assert_string_equal(r->name, "admin-ssh");
	assert_string_equal(r->from, "172.25.40.5");
	assert_string_equal(r->to, "edge_internal");
	assert_string_equal(r->seed, "site");
	assert_string_equal(r->note, "admin access");
	assert_int_equal(r->feature, 0);
	assert_int_equal(r->zone, INT);
	assert_int_equal(r->port_lo, 22);
	r = &c.rs.rules[16];
	assert_string_equal(r->from, "access_edge|av_edge|192.0.2.0/24");
	assert_string_equal(r->to, "any");
	assert_null(r->note);
	assert_int_equal(r->proto, UDP);
	assert_int_equal(r->port_hi, 7010);
	release(&c);
}

static void test_optional_roles(void **state)
{
	const char *bare = IFACES PROFILE EDGE_SETS;
	const char *narrowed =
		IFACES PROFILE EDGE_SETS "  front_end: [172.25.40.0/24]\n";
	struct compiled c = {0};

	(void)state;
	/* undefined optional role: the document's "any" */
	compile(bare, &c);
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.9.9.9", "172.25.33.10", 5061),
		"int-sip-mtls-in");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "172.25.33.10", "10.9.9.9", 5061),
		"int-sip-mtls-out");
	release(&c);
	/* defined: only the Front End subnet */
	compile(narrowed, &c);
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.9.9.9", "172.25.33.10", 5061),
		"none");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "172.25.40.7", "172.25.33.10", 5061),
		"int-sip-mtls-in");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "172.25.33.10", "172.25.40.7", 5061),
		"int-sip-mtls-out");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "172.25.33.10", "10.9.9.9", 5061),
		"none");
	/* the wrong destination, or the wrong zone */
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "172.25.40.7", "172.25.33.11", 5061),
		"none");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "172.25.40.7", "172.25.33.10", 5061),
		"none");
	release(&c);
}

static void test_missing_role(void **state)
{
	const char *yaml = IFACES "addresses:\n  access_edge: 203.0.113.10\n";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	struct ruleset rs;

	(void)state;
	assert_int_equal(
		config_load_buffer("t.yaml", yaml, strlen(yaml), &cfg, &err),
		0);
	/* A config built in memory: the compiler checks roles itself. */
	cfg.profile = strdup("lync2013-edge");
	assert_int_equal(ruleset_compile(&cfg, &rs, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "t.yaml:1:1: address set needed by profile rule "
			    "'ext-psom-tls-in' is not defined: 'webconf_edge' "
			    "(expected it under addresses:)");
	assert_null(rs.rules);
	assert_int_equal(rs.n_rules, 0);
	free(cfg.profile);
	cfg.profile = strdup("lync2010");
	assert_int_equal(ruleset_compile(&cfg, &rs, &err), -EINVAL);
	assert_string_equal(err.msg, "t.yaml:1:1: unknown profile: 'lync2010' "
				     "(expected lync2013-edge or none)");
	config_free(&cfg);
}

/* ---- port groups ----------------------------------------------------- */

static void test_port_443(void **state)
{
	struct compiled c = {0};
	uint16_t ext443, int443;

	(void)state;
	compile(IFACES PROFILE EDGE_SETS, &c);
	ext443 = group_of(&c.rs, EXT, TCP, 443);
	int443 = group_of(&c.rs, INT, TCP, 443);
	assert_int_not_equal(ext443, 0);
	assert_int_not_equal(int443, 0);
	assert_int_not_equal(ext443, int443);
	assert_int_equal(group_of(&c.rs, EXT, UDP, 443), 0);
	assert_int_equal(group_of(&c.rs, EXT, TCP, 442), 0);
	assert_int_equal(group_of(&c.rs, EXT, TCP, 444), 0);
	/* one group, four rules, told apart by address */
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "203.0.113.10", 443),
		"ext-sip-tls-in");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "203.0.113.20", 443),
		"ext-psom-tls-in");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "203.0.113.30", 443),
		"ext-stun-tcp-in");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "203.0.113.30", "198.51.100.7", 443),
		"ext-stun-tcp-out");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "198.51.100.8", 443),
		"none");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "172.25.40.5", "172.25.33.10", 443),
		"int-stun-tcp-in");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "172.25.40.5", "203.0.113.10", 443),
		"none");
	/* core opens tcp 80, 53, 443 and udp 53, 3478 outside; tcp 5061,
	 * 8057, 5062, 443, 4443 and udp 3478 inside: 11 groups */
	assert_int_equal(c.rs.n_port_groups, 11);
	release(&c);
}

static void test_port_range(void **state)
{
	const char *yaml = IFACES PROFILE EDGE_SETS
		"features: [federation, ocs2007_federation, "
		"centralized_logging]\n";
	struct compiled c = {0};
	uint16_t tcp, udp;

	(void)state;
	compile(yaml, &c);
	tcp = group_of(&c.rs, EXT, TCP, 50000);
	udp = group_of(&c.rs, EXT, UDP, 50000);
	assert_int_not_equal(tcp, 0);
	assert_int_not_equal(udp, 0);
	assert_int_not_equal(tcp, udp);
	for (uint32_t p = 50000; p <= 59999; p++) {
		assert_int_equal(group_of(&c.rs, EXT, TCP, p), tcp);
		assert_int_equal(group_of(&c.rs, EXT, UDP, p), udp);
	}
	assert_int_equal(group_of(&c.rs, EXT, TCP, 49999), 0);
	assert_int_equal(group_of(&c.rs, EXT, TCP, 60000), 0);
	assert_int_equal(group_of(&c.rs, EXT, UDP, 49999), 0);
	assert_int_equal(group_of(&c.rs, EXT, UDP, 60000), 0);
	/* CLS 50001-50003 is an internal group of its own */
	assert_int_equal(group_of(&c.rs, INT, TCP, 50000), 0);
	assert_int_not_equal(group_of(&c.rs, INT, TCP, 50001), 0);
	assert_int_equal(group_of(&c.rs, INT, TCP, 50003),
			 group_of(&c.rs, INT, TCP, 50001));
	assert_int_equal(group_of(&c.rs, INT, TCP, 50004), 0);
	/* Outbound the range is the A/V edge's source port (external 9, 10):
	 * a source port group of its own, to any destination port. */
	tcp = sport_group_of(&c.rs, EXT, TCP, 50000);
	udp = sport_group_of(&c.rs, EXT, UDP, 50000);
	assert_int_not_equal(tcp, 0);
	assert_int_not_equal(udp, 0);
	assert_int_not_equal(tcp, udp);
	for (uint32_t p = 50000; p <= 59999; p++) {
		assert_int_equal(sport_group_of(&c.rs, EXT, TCP, p), tcp);
		assert_int_equal(sport_group_of(&c.rs, EXT, UDP, p), udp);
	}
	assert_int_equal(sport_group_of(&c.rs, EXT, TCP, 49999), 0);
	assert_int_equal(sport_group_of(&c.rs, EXT, UDP, 60000), 0);
	assert_int_equal(sport_group_of(&c.rs, INT, TCP, 50001), 0);
	assert_int_equal(c.rs.sport_protos, (1U << TCP) | (1U << UDP));
	assert_string_equal(verdict_from(&c.rs, EXT, TCP, "203.0.113.30", 55555,
					 "198.51.100.7", 8080),
			    "ext-rtp-tcp-out");
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "203.0.113.30", 50000,
					 "198.51.100.7", 40004),
			    "ext-rtp-udp-out");
	/* a rule on the destination port still matches from the range */
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "198.51.100.7", 55555,
					 "203.0.113.30", 3478),
			    "ext-stun-udp-in");
	assert_string_equal(verdict_from(&c.rs, EXT, TCP, "203.0.113.30", 49999,
					 "198.51.100.7", 8080),
			    "none");
	/* the old reading is gone: a destination port in the range from
	 * the A/V edge is no rule's */
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "203.0.113.30", "198.51.100.7", 55555),
		"none");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "203.0.113.30", 59999),
		"ext-rtp-tcp-in");
	assert_string_equal(
		verdict(&c.rs, EXT, UDP, "198.51.100.7", "203.0.113.30", 50000),
		"ext-rtp-udp-in");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "172.25.40.5", "172.25.33.10", 50002),
		"int-cls-mtls-in");
	release(&c);
}

/* Site rules with sports: first match across destination-port and
 * source-port rules, a rule with both ranges, groups per side. */
static void test_sport_rules(void **state)
{
	const char *yaml = IFACES
		"rules:\n"
		"  - { name: relay, zone: external, proto: udp, sports: "
		"50000-59999, from: 192.0.2.30 }\n"
		"  - { name: both, zone: external, proto: udp, ports: "
		"8000-8100, "
		"sports: 50000-50009 }\n"
		"  - { name: dns, zone: external, proto: udp, ports: 53 }\n";
	struct compiled c = {0};

	(void)state;
	compile(yaml, &c);
	assert_int_equal(c.rs.sport_protos, 1U << UDP);
	assert_int_not_equal(sport_group_of(&c.rs, EXT, UDP, 50005), 0);
	assert_int_not_equal(sport_group_of(&c.rs, EXT, UDP, 50005),
			     sport_group_of(&c.rs, EXT, UDP, 50010));
	assert_int_equal(sport_group_of(&c.rs, EXT, UDP, 60000), 0);
	assert_int_equal(sport_group_of(&c.rs, EXT, UDP, 53), 0);
	assert_int_equal(sport_group_of(&c.rs, EXT, TCP, 50005), 0);
	/* a rule that leaves a side any names no port there */
	assert_int_equal(group_of(&c.rs, EXT, UDP, 40004), 0);
	assert_int_not_equal(group_of(&c.rs, EXT, UDP, 8050), 0);
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "192.0.2.30", 50005,
					 "198.51.100.1", 8050),
			    "relay");
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "192.0.2.30", 55000,
					 "198.51.100.1", 40004),
			    "relay");
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "198.51.100.1", 50005,
					 "192.0.2.30", 8050),
			    "both");
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "198.51.100.1", 50010,
					 "192.0.2.30", 8050),
			    "none");
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "198.51.100.1", 50005,
					 "192.0.2.30", 8101),
			    "none");
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "192.0.2.30", 50005,
					 "198.51.100.1", 53),
			    "relay");
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "198.51.100.1", 50005,
					 "192.0.2.30", 53),
			    "dns");
	assert_string_equal(verdict_from(&c.rs, EXT, UDP, "198.51.100.1", 1234,
					 "192.0.2.30", 53),
			    "dns");
	assert_string_equal(verdict_from(&c.rs, INT, UDP, "192.0.2.30", 55000,
					 "198.51.100.1", 40004),
			    "none");
	release(&c);
}

static void test_port_split(void **state)
{
	const char *yaml = IFACES
		"rules:\n"
		"  - { name: wide, zone: internal, proto: tcp, ports: "
		"1000-2000 }\n"
		"  - { name: hole, zone: internal, proto: tcp, ports: 1500 }\n"
		"  - { name: wide-udp, zone: internal, proto: udp, ports: "
		"1000-2000 }\n"
		"  - { name: top, zone: external, proto: tcp, ports: 65535 }\n";
	struct compiled c = {0};
	uint16_t g;

	(void)state;
	compile(yaml, &c);
	g = group_of(&c.rs, INT, TCP, 1000);
	assert_int_not_equal(g, 0);
	/* 1000-1499 and 1501-2000: the same rules, the same group */
	assert_int_equal(group_of(&c.rs, INT, TCP, 1499), g);
	assert_int_equal(group_of(&c.rs, INT, TCP, 1501), g);
	assert_int_equal(group_of(&c.rs, INT, TCP, 2000), g);
	assert_int_not_equal(group_of(&c.rs, INT, TCP, 1500), g);
	assert_int_not_equal(group_of(&c.rs, INT, TCP, 1500), 0);
	assert_int_equal(group_of(&c.rs, INT, TCP, 999), 0);
	assert_int_equal(group_of(&c.rs, INT, TCP, 2001), 0);
	assert_int_not_equal(group_of(&c.rs, INT, UDP, 1500), 0);
	assert_int_not_equal(group_of(&c.rs, INT, UDP, 1500), g);
	assert_int_equal(group_of(&c.rs, EXT, TCP, 1500), 0);
	assert_int_not_equal(group_of(&c.rs, EXT, TCP, 65535), 0);
	assert_int_equal(group_of(&c.rs, EXT, TCP, 65534), 0);
	assert_int_equal(c.rs.n_port_groups, 4);
	/* in the hole, the first rule still wins */
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "1.2.3.4", "5.6.7.8", 1500), "wide");
	release(&c);
}

/* ---- address classes ------------------------------------------------- */

static void test_overlapping_prefixes(void **state)
{
	const char *yaml = IFACES "addresses:\n"
				  "  a: 10.0.0.0/8\n"
				  "  b: 10.1.0.0/16\n"
				  "  t: 192.0.2.1\n"
				  "rules:\n"
				  "  - { name: from-a, zone: internal, proto: "
				  "tcp, ports: 100, from: a, to: t }\n"
				  "  - { name: from-b, zone: internal, proto: "
				  "tcp, ports: 200, from: b, to: t }\n";
	struct compiled c = {0};
	uint32_t c8, c16, ct;
	uint16_t g100, g200;

	(void)state;
	compile(yaml, &c);
	assert_int_equal(c.rs.n_lpm_v4, 3);
	assert_int_equal(c.rs.n_lpm_v6, 0);
	assert_int_equal(c.rs.lpm_v4[0].key.prefixlen, 8);
	assert_memory_equal(c.rs.lpm_v4[0].key.addr, "\x0a\x00\x00\x00", 4);
	assert_int_equal(c.rs.lpm_v4[1].key.prefixlen, 16);
	assert_memory_equal(c.rs.lpm_v4[1].key.addr, "\x0a\x01\x00\x00", 4);
	assert_int_equal(c.rs.lpm_v4[2].key.prefixlen, 32);
	c8 = c.rs.lpm_v4[0].addr_class;
	c16 = c.rs.lpm_v4[1].addr_class;
	ct = c.rs.lpm_v4[2].addr_class;
	assert_int_equal(c.rs.n_addr_classes, 4); /* none, a, a+b, t */
	assert_int_not_equal(c8, c16);
	assert_int_not_equal(c8, ct);
	g100 = group_of(&c.rs, INT, TCP, 100);
	g200 = group_of(&c.rs, INT, TCP, 200);
	/* the /16's class admits a's rule and b's rule */
	assert_int_equal(match_of(&c.rs, g100, 0, c16, ct), 0);
	assert_int_equal(match_of(&c.rs, g200, 0, c16, ct), 1);
	/* the /8's class only a's */
	assert_int_equal(match_of(&c.rs, g100, 0, c8, ct), 0);
	assert_int_equal(match_of(&c.rs, g200, 0, c8, ct), -1);
	assert_int_equal(match_of(&c.rs, g100, 0, 0, ct), -1);
	assert_int_equal(c.rs.n_matches, 3);
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.1.2.3", "192.0.2.1", 200),
		"from-b");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.2.0.1", "192.0.2.1", 200), "none");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.2.0.1", "192.0.2.1", 100),
		"from-a");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "11.0.0.1", "192.0.2.1", 100), "none");
	release(&c);
}

static void test_identical_prefixes_merge(void **state)
{
	const char *yaml =
		IFACES "addresses:\n"
		       "  a: [10.0.0.0/8, 192.0.2.0/24]\n"
		       "  b: [10.0.0.0/8]\n"
		       "rules:\n"
		       "  - { name: ra, zone: internal, proto: udp, ports: 53, "
		       "from: a }\n"
		       "  - { name: rb, zone: internal, proto: udp, ports: 54, "
		       "from: b }\n"
		       "  - { name: rl, zone: internal, proto: udp, ports: 55, "
		       "from: [192.0.2.0/24, 10.0.0.0/8] }\n";
	struct compiled c = {0};

	(void)state;
	compile(yaml, &c);
	assert_int_equal(c.rs.n_lpm_v4, 2);
	/* 10/8 is in a, b and rl's literal list: one entry, one class */
	assert_string_equal(verdict(&c.rs, INT, UDP, "10.0.0.1", "1.1.1.1", 53),
			    "ra");
	assert_string_equal(verdict(&c.rs, INT, UDP, "10.0.0.1", "1.1.1.1", 54),
			    "rb");
	assert_string_equal(verdict(&c.rs, INT, UDP, "10.0.0.1", "1.1.1.1", 55),
			    "rl");
	assert_string_equal(
		verdict(&c.rs, INT, UDP, "192.0.2.9", "1.1.1.1", 54), "none");
	assert_string_equal(
		verdict(&c.rs, INT, UDP, "192.0.2.9", "1.1.1.1", 55), "rl");
	assert_int_equal(c.rs.n_addr_classes, 3);
	release(&c);
}

static void test_ipv6(void **state)
{
	const char *yaml =
		IFACES "addresses:\n"
		       "  corp: ['2001:db8:40::/48', 172.25.40.0/24]\n"
		       "  edge: ['2001:db8:33::10']\n"
		       "rules:\n"
		       "  - { name: v6, zone: internal, proto: tcp, ports: 22, "
		       "from: corp, to: edge }\n";
	struct compiled c = {0};
	static const uint8_t net[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x40};

	(void)state;
	compile(yaml, &c);
	assert_int_equal(c.rs.n_lpm_v6, 2);
	assert_int_equal(c.rs.n_lpm_v4, 1);
	/* sorted by address: 2001:db8:33::10 first */
	assert_int_equal(c.rs.lpm_v6[0].key.prefixlen, 128);
	assert_int_equal(c.rs.lpm_v6[0].key.addr[5], 0x33);
	assert_int_equal(c.rs.lpm_v6[0].key.addr[15], 0x10);
	assert_int_equal(c.rs.lpm_v6[1].key.prefixlen, 48);
	assert_memory_equal(c.rs.lpm_v6[1].key.addr, net, 16);
	/* v4 and v6 prefixes of one set share its class */
	assert_int_equal(c.rs.lpm_v6[1].addr_class, c.rs.lpm_v4[0].addr_class);
	assert_int_not_equal(c.rs.lpm_v6[0].addr_class,
			     c.rs.lpm_v6[1].addr_class);
	assert_string_equal(verdict(&c.rs, INT, TCP, "2001:db8:40::7",
				    "2001:db8:33::10", 22),
			    "v6");
	assert_string_equal(verdict(&c.rs, INT, TCP, "2001:db8:41::7",
				    "2001:db8:33::10", 22),
			    "none");
	release(&c);
}

static void test_many_sets(void **state)
{
	/* more sets than one 64-bit word: the membership bitset grows */
	char *yaml = malloc(65536), *p = yaml;
	struct compiled c = {0};

	(void)state;
	assert_non_null(yaml);
	p += sprintf(p, IFACES "addresses:\n");
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "  s%d: 10.%d.0.0/16\n", i, i);
	p += sprintf(p, "  big: 10.0.0.0/8\nrules:\n");
	for (int i = 0; i < 100; i++)
		p += sprintf(p,
			     "  - { name: r%d, zone: internal, proto: tcp, "
			     "ports: %d, from: s%d }\n",
			     i, 1000 + i, i);
	p += sprintf(p, "  - { name: all, zone: internal, proto: tcp, ports: "
			"1000-1099, from: big }\n");
	compile(yaml, &c);
	assert_int_equal(c.rs.n_addr_classes, 1 + 1 + 100);
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.77.1.1", "1.1.1.1", 1077), "r77");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.78.1.1", "1.1.1.1", 1077), "all");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.99.1.1", "1.1.1.1", 1099), "r99");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.200.1.1", "1.1.1.1", 1099), "all");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "11.0.0.1", "1.1.1.1", 1099), "none");
	release(&c);
	free(yaml);
}

/* ---- NAT ------------------------------------------------------------- */

static void test_nat_expansion(void **state)
{
	const char *yaml = IFACES PROFILE
		"addresses:\n"
		"  access_edge: [203.0.113.10]\n"
		"  webconf_edge: [10.45.16.20]\n"
		"  av_edge: [10.45.17.0/24]\n"
		"  edge_internal: [172.25.33.10]\n"
		"nat:\n"
		"  - { private: 10.45.16.10, public: 203.0.113.10 }\n"
		"  - { private: 10.45.16.20, public: 203.0.113.20 }\n"
		"  - { private: 10.45.17.30, public: 203.0.113.30 }\n";
	struct compiled c = {0};

	(void)state;
	compile(yaml, &c);
	assert_int_equal(c.rs.n_nat, 3);
	assert_int_equal(c.rs.settings.nat_enabled, 1);
	assert_memory_equal(c.rs.nat[0].private_addr.u8, "\x0a\x2d\x10\x0a", 4);
	assert_memory_equal(c.rs.nat[0].public_addr.u8, "\xcb\x00\x71\x0a", 4);
	/* every private address passes the data path's NAT filter */
	for (size_t i = 0; i < c.rs.n_nat; i++) {
		__u32 bit = edgexdp_nat_filter_bit(&c.rs.nat[i].private_addr);

		assert_true(c.rs.settings.nat_filter[bit / 64] &
			    (1ULL << (bit % 64)));
	}
	/* public listed: the private address joins the set, and back */
	assert_int_equal(class_of(&c.rs, "10.45.16.10"),
			 class_of(&c.rs, "203.0.113.10"));
	assert_int_equal(class_of(&c.rs, "10.45.16.20"),
			 class_of(&c.rs, "203.0.113.20"));
	assert_int_not_equal(class_of(&c.rs, "10.45.16.10"), 0);
	assert_int_not_equal(class_of(&c.rs, "10.45.16.20"), 0);
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "10.45.16.10", 443),
		"ext-sip-tls-in");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "203.0.113.10", 443),
		"ext-sip-tls-in");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "203.0.113.20", 443),
		"ext-psom-tls-in");
	/* a /24 holding a NAT host is not that host: no partner added */
	assert_int_equal(class_of(&c.rs, "203.0.113.30"), 0);
	assert_string_equal(
		verdict(&c.rs, EXT, UDP, "198.51.100.7", "203.0.113.30", 3478),
		"none");
	assert_string_equal(
		verdict(&c.rs, EXT, UDP, "198.51.100.7", "10.45.17.30", 3478),
		"ext-stun-udp-in");
	release(&c);
}

static void test_no_nat(void **state)
{
	struct compiled c = {0};

	(void)state;
	compile(IFACES PROFILE EDGE_SETS, &c);
	assert_int_equal(c.rs.n_nat, 0);
	assert_null(c.rs.nat);
	assert_int_equal(c.rs.settings.nat_enabled, 0);
	for (size_t i = 0; i < EDGEXDP_NAT_FILTER_WORDS; i++)
		assert_int_equal(c.rs.settings.nat_filter[i], 0);
	assert_int_equal(class_of(&c.rs, "10.45.16.10"), 0);
	assert_int_not_equal(class_of(&c.rs, "203.0.113.10"), 0);
	release(&c);
}

/* ---- order ----------------------------------------------------------- */

static void test_first_match(void **state)
{
	const char *broad_first =
		IFACES "addresses:\n  s: 10.0.0.0/8\n  t: 192.0.2.1\n"
		       "rules:\n"
		       "  - { name: broad, zone: internal, proto: tcp, ports: "
		       "300, to: t }\n"
		       "  - { name: narrow, zone: internal, proto: tcp, ports: "
		       "300, from: s, to: t }\n";
	const char *narrow_first =
		IFACES "addresses:\n  s: 10.0.0.0/8\n  t: 192.0.2.1\n"
		       "rules:\n"
		       "  - { name: narrow, zone: internal, proto: tcp, ports: "
		       "300, from: s, to: t }\n"
		       "  - { name: broad, zone: internal, proto: tcp, ports: "
		       "300, to: t }\n";
	struct compiled c = {0};

	(void)state;
	compile(broad_first, &c);
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.1.1.1", "192.0.2.1", 300),
		"broad");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "11.1.1.1", "192.0.2.1", 300),
		"broad");
	release(&c);
	compile(narrow_first, &c);
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.1.1.1", "192.0.2.1", 300),
		"narrow");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "11.1.1.1", "192.0.2.1", 300),
		"broad");
	release(&c);
}

static void test_profile_before_site(void **state)
{
	const char *yaml =
		IFACES PROFILE EDGE_SETS "rules:\n"
					 "  - { name: https-anywhere, zone: "
					 "external, proto: tcp, ports: 443 }\n";
	struct compiled c = {0};

	(void)state;
	compile(yaml, &c);
	assert_string_equal(c.rs.rules[c.rs.n_rules - 1].name,
			    "https-anywhere");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "203.0.113.10", 443),
		"ext-sip-tls-in");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "198.51.100.7", "198.51.100.9", 443),
		"https-anywhere");
	release(&c);
}

/* ---- settings -------------------------------------------------------- */

static void test_settings(void **state)
{
	const char *yaml =
		IFACES "xdp_mode: native\n"
		       "conntrack: { max_entries: 4096, "
		       "tcp_established_timeout: 3600, udp_timeout: 30 }\n";
	struct compiled c = {0};
	const struct edgexdp_settings *s = &c.rs.settings;

	(void)state;
	compile(yaml, &c);
	assert_int_equal(s->tcp_established_timeout_ns, 3600000000000ULL);
	assert_int_equal(s->udp_timeout_ns, 30000000000ULL);
	assert_int_equal(s->tcp_transitory_timeout_ns, 120000000000ULL);
	assert_int_equal(s->frag_timeout_ns, 30000000000ULL);
	assert_int_equal(s->nat_enabled, 0);
	assert_int_equal(c.rs.xdp_mode, CFG_XDP_NATIVE);
	assert_int_equal(c.rs.ct_max_entries, 4096);
	assert_int_equal(c.rs.n_ifaces, 2);
	assert_string_equal(c.rs.ifaces[0].name, "eth0");
	assert_int_equal(c.rs.ifaces[0].zone, EXT);
	assert_string_equal(c.rs.ifaces[1].name, "eth1");
	assert_int_equal(c.rs.ifaces[1].zone, INT);
	/* no rules at all: nothing opens, every port has no group */
	assert_int_equal(c.rs.n_rules, 0);
	assert_int_equal(c.rs.n_port_groups, 0);
	assert_int_equal(c.rs.n_matches, 0);
	assert_int_equal(c.rs.n_addr_classes, 1);
	release(&c);
	compile(IFACES, &c);
	assert_int_equal(s->tcp_established_timeout_ns,
			 EDGEXDP_TCP_ESTABLISHED_TIMEOUT *
				 EDGEXDP_NSEC_PER_SEC);
	assert_int_equal(s->udp_timeout_ns,
			 EDGEXDP_UDP_TIMEOUT * EDGEXDP_NSEC_PER_SEC);
	assert_int_equal(c.rs.ct_max_entries, EDGEXDP_CT_DEFAULT_ENTRIES);
	assert_int_equal(c.rs.xdp_mode, CFG_XDP_AUTO);
	release(&c);
}

/* ---- limits and scale ------------------------------------------------ */

static void expect_compile_error(const char *yaml, int ret, const char *msg)
{
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	struct ruleset rs;

	assert_int_equal(
		config_load_buffer("t.yaml", yaml, strlen(yaml), &cfg, &err),
		0);
	assert_int_equal(ruleset_compile(&cfg, &rs, &err), ret);
	assert_string_equal(err.msg, msg);
	assert_null(rs.rules);
	assert_null(rs.matches);
	assert_null(rs.ports);
	config_free(&cfg);
}

static void test_too_many_matches(void **state)
{
	/* 1025 one-host sets and t make 1027 classes; a rule from any to any
	 * needs 1027 * 1027 > 2^20 entries. */
	char *yaml = malloc(1 << 20), *p = yaml;

	(void)state;
	assert_non_null(yaml);
	p += sprintf(p, IFACES "addresses:\n  t: 192.0.2.1\n");
	for (int i = 0; i < 1025; i++)
		p += sprintf(p, "  s%d: 10.0.%d.%d\n", i, i / 256, i % 256);
	p += sprintf(
		p,
		"rules:\n"
		"  - { name: all, zone: internal, proto: tcp, ports: 80 }\n");
	for (int i = 0; i < 1025; i++)
		p += sprintf(p,
			     "  - { name: r%d, zone: internal, proto: tcp, "
			     "ports: %d, from: s%d, to: t }\n",
			     i, 1000 + i, i);
	expect_compile_error(yaml, -E2BIG,
			     "t.yaml:1032:13: too many rule match entries at "
			     "rule 'all': '1048577' (expected at most 1048576; "
			     "fewer address classes or narrower rules)");
	free(yaml);
}

static void test_too_many_rules(void **state)
{
	/* 31 profile rules and 4066 site rules: one too many */
	char *yaml = malloc(1 << 20), *p = yaml;
	char msg[160];

	(void)state;
	assert_non_null(yaml);
	p += sprintf(p, IFACES PROFILE EDGE_SETS
		     "features: [federation, ocs2007_federation, public_im, "
		     "xmpp, centralized_logging]\n"
		     "rules:\n");
	for (int i = 0; i < 4066; i++)
		p += sprintf(p,
			     "  - { name: r%d, zone: internal, proto: udp, "
			     "ports: %d }\n",
			     i, 1 + i);
	snprintf(msg, sizeof(msg),
		 "t.yaml:%d:13: too many rules: '4097' (expected at most 4096 "
		 "with the profile's)",
		 11 + 4066);
	expect_compile_error(yaml, -E2BIG, msg);
	free(yaml);
}

static void test_too_many_prefixes(void **state)
{
	/* one more IPv4 prefix than the LPM map holds */
	int n = EDGEXDP_MAX_PREFIXES + 1;
	char *yaml = malloc((size_t)n * 24 + 4096), *p = yaml;

	(void)state;
	assert_non_null(yaml);
	p += sprintf(p, IFACES "addresses:\n  t: 192.0.2.1\n  big:\n");
	for (int i = 0; i < n; i++)
		p += sprintf(p, "    - 10.%d.%d.%d\n", i >> 16, (i >> 8) & 255,
			     i & 255);
	p += sprintf(p, "rules:\n  - { name: r, zone: internal, proto: tcp, "
			"ports: 1, from: big, to: t }\n");
	expect_compile_error(yaml, -E2BIG,
			     "t.yaml:6:3: too many IPv4 prefixes in address "
			     "sets: '262145' (expected at most 262144)");
	free(yaml);
}

static void test_too_many_classes(void **state)
{
	/* 65536 sets of one host each, all on one rule side: 65536 classes
	 * besides class 0, one more than the 16-bit ids allow */
	int n = EDGEXDP_MAX_ADDR_CLASSES + 1;
	char *yaml = malloc((size_t)n * 40 + 4096), *p = yaml;

	(void)state;
	assert_non_null(yaml);
	p += sprintf(p, IFACES "addresses:\n");
	for (int i = 0; i < n; i++)
		p += sprintf(p, "  s%d: 10.%d.%d.%d\n", i, i >> 16,
			     (i >> 8) & 255, i & 255);
	p += sprintf(p, "rules:\n  - { name: r, zone: internal, proto: tcp, "
			"ports: 1, from: [");
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%ss%d", i ? ", " : "", i);
	p += sprintf(p, "] }\n");
	expect_compile_error(yaml, -E2BIG,
			     "t.yaml:65540:3: too many address classes: "
			     "'65536' (expected at most 65535)");
	free(yaml);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_scale(void **state)
{
	/* 1,000 rules over 10 sets of 10,000 prefixes each: /24s with /32s
	 * of other sets inside some of them. */
	size_t cap = 8u << 20;
	char *yaml = malloc(cap), *p = yaml;
	struct compiled c = {0};
	double t0, t1, t2;

	(void)state;
	assert_non_null(yaml);
	p += sprintf(p, IFACES "addresses:\n  edge: 172.25.33.10\n");
	for (int s = 0; s < 10; s++) {
		p += sprintf(p, "  net%d:\n", s);
		for (int i = 0; i < 10000; i++) {
			/* odd items: a /24 of their own; even items: a /32
			 * inside an odd /24 of the next set */
			int n = i % 2 ? s * 10000 + i
				      : (s + 1) % 10 * 10000 + i + 1;

			p += sprintf(p,
				     i % 2 ? "    - %d.%d.%d.0/24\n"
					   : "    - %d.%d.%d.%d\n",
				     10 + n / 65536, n / 256 % 256, n % 256,
				     1 + s);
		}
	}
	p += sprintf(p, "rules:\n");
	for (int r = 0; r < 1000; r++)
		p += sprintf(p,
			     "  - { name: r%d, zone: %s, proto: %s, ports: "
			     "%d-%d, from: net%d, to: edge }\n",
			     r, r % 2 ? "internal" : "external",
			     r % 3 ? "tcp" : "udp", 1000 + 7 * r,
			     1000 + 7 * r + (r % 5) * 10, r % 10);
	assert_true((size_t)(p - yaml) < cap);
	t0 = now();
	compile(yaml, &c);
	t1 = now();
	assert_int_equal(c.rs.n_rules, 1000);
	assert_int_equal(c.rs.n_lpm_v4, 100001);
	assert_true(c.rs.n_port_groups > 1000);
	/* 10.39.17.1 is a /32 of net0 inside net1's 10.39.17.0/24 (item
	 * 10001): r10 (net0, external tcp 1070) applies to it, not to the
	 * rest of the /24; r8 (net8) also covers 1070. */
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "10.39.17.1", "172.25.33.10", 1070),
		"r10");
	assert_string_equal(
		verdict(&c.rs, EXT, TCP, "10.39.17.2", "172.25.33.10", 1070),
		"none");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.39.17.2", "172.25.33.10", 1077),
		"r11");
	assert_string_equal(
		verdict(&c.rs, INT, TCP, "10.39.17.1", "172.25.33.10", 1077),
		"r11");
	t2 = now();
	print_message(
		"scale: 1000 rules, 100001 prefixes: parse+compile %.3f s, "
		"%u groups, %u classes, %zu matches\n",
		t1 - t0, c.rs.n_port_groups, c.rs.n_addr_classes,
		c.rs.n_matches);
	assert_true(t1 - t0 < 60.0); /* loose: ASan and slow CI too */
	(void)t2;
	release(&c);
	free(yaml);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_strings),
		cmocka_unit_test(test_optional_roles),
		cmocka_unit_test(test_missing_role),
		cmocka_unit_test(test_port_443),
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_sport_rules),
		cmocka_unit_test(test_port_split),
		cmocka_unit_test(test_overlapping_prefixes),
		cmocka_unit_test(test_identical_prefixes_merge),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_many_sets),
		cmocka_unit_test(test_nat_expansion),
		cmocka_unit_test(test_no_nat),
		cmocka_unit_test(test_first_match),
		cmocka_unit_test(test_profile_before_site),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_too_many_matches),
		cmocka_unit_test(test_too_many_rules),
		cmocka_unit_test(test_too_many_prefixes),
		cmocka_unit_test(test_too_many_classes),
		cmocka_unit_test(test_scale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
