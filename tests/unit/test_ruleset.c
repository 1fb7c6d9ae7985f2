// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The rule compiler: rules and how they are shown, NAT, first-match
 * order, settings, limits and scale. Verdicts are computed from the
 * compiled tables the way the data path looks them up (ruleset_harness.h).
 * Port groups and address classes are in test_ruleset_tables.c.
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

#include "ruleset_harness.h"

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
