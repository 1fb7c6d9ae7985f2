// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The rule compiler's tables: port groups (destination and source ports)
 * and address classes with their LPM entries, IPv4 and IPv6. Verdicts are
 * computed from the compiled tables the way the data path looks them up
 * (ruleset_harness.h). Rules, NAT, order, settings and limits are in
 * test_ruleset.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ruleset_harness.h"

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

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_443),
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_sport_rules),
		cmocka_unit_test(test_port_split),
		cmocka_unit_test(test_overlapping_prefixes),
		cmocka_unit_test(test_identical_prefixes_merge),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_many_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
