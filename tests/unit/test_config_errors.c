// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The config parser's errors: one table, one cmocka test per row, each
 * with its exact FILE:LINE:COLUMN, offending value and expectation, and
 * nothing left in the config. Accepted forms, defaults, files and the
 * host are in test_config.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "config_harness.h"

#define EDGE_SETS                                                              \
	"addresses:\n"                                                         \
	"  access_edge: [203.0.113.10]\n"                                      \
	"  webconf_edge: 203.0.113.20\n"                                       \
	"  av_edge: [203.0.113.30]\n"                                          \
	"  edge_internal: [172.25.33.10]\n"

/* ---- errors: one table, one cmocka test per row ---------------------- */

struct error_case {
	const char *name;
	const char *yaml;
	int ret;
	const char *msg;
};

static const struct error_case error_cases[] = {
	{"syntax_error", IFACES "rules:\n  - { name: x, zone: internal\n",
	 -EINVAL,
	 "t.yaml:5:1: YAML syntax error: did not find expected ',' or '}' "
	 "(while parsing a flow mapping)"},
	{"syntax_error_indent", "interfaces:\n  - name: eth0\n zone: x\n",
	 -EINVAL,
	 "t.yaml:3:2: YAML syntax error: did not find expected key (while "
	 "parsing a block mapping)"},
	{"bad_utf8", IFACES "profile: \xff\n", -EINVAL,
	 "t.yaml:3:10: YAML syntax error: invalid leading UTF-8 octet"},
	{"empty_file", "", -EINVAL,
	 "t.yaml:1:1: empty config (expected a mapping with at least "
	 "'interfaces')"},
	{"only_comments", "# nothing yet\n\n", -EINVAL,
	 "t.yaml:1:1: empty config (expected a mapping with at least "
	 "'interfaces')"},
	{"top_not_mapping", "- eth0\n- eth1\n", -EINVAL,
	 "t.yaml:1:1: top level is not a mapping: a list (expected a mapping "
	 "with keys interfaces, xdp_mode, profile, features, addresses, nat, "
	 "rules, conntrack)"},
	{"top_scalar", "hello\n", -EINVAL,
	 "t.yaml:1:1: top level is not a mapping: 'hello' (expected a mapping "
	 "with keys interfaces, xdp_mode, profile, features, addresses, nat, "
	 "rules, conntrack)"},
	{"two_documents", IFACES "---\n" IFACES, -EINVAL,
	 "t.yaml:4:1: more than one YAML document: '---' (expected a single "
	 "config)"},
	{"unknown_top_key", IFACES "xdp_mod: native\n", -EINVAL,
	 "t.yaml:3:1: unknown key in config: 'xdp_mod' (expected one of "
	 "interfaces, xdp_mode, profile, features, addresses, nat, rules, "
	 "conntrack)"},
	{"unknown_rule_key",
	 IFACES
	 "rules:\n  - { name: x, zone: internal, prot: tcp, ports: 22 }\n",
	 -EINVAL,
	 "t.yaml:4:32: unknown key in rule: 'prot' (expected one of name, "
	 "zone, proto, ports, sports, from, to, note)"},
	{"unknown_iface_key",
	 "interfaces:\n  - { name: eth0, zone: external, mtu: 1500 }\n",
	 -EINVAL,
	 "t.yaml:2:35: unknown key in interface: 'mtu' (expected one of name, "
	 "zone, source_check, internet)"},
	{"port_leading_zero",
	 IFACES "rules:\n  - { name: r, zone: internal, proto: tcp, ports: "
		"'022' }\n",
	 -EINVAL,
	 "t.yaml:4:51: bad port: '022' (expected a port 1-65535, lo-hi, or "
	 "[lo, hi])"},
	{"duplicate_feature",
	 IFACES "profile: lync2013-edge\nfeatures: [xmpp, federation, xmpp]\n",
	 -EINVAL,
	 "t.yaml:4:30: duplicate feature: 'xmpp' (expected each feature "
	 "once)"},
	{"features_without_profile", IFACES "features: [xmpp]\n", -EINVAL,
	 "t.yaml:3:11: features without a profile: a list (expected profile: "
	 "lync2013-edge, or no features)"},
	{"profile_none_features",
	 IFACES "profile: none\nfeatures: [federation]\n", -EINVAL,
	 "t.yaml:4:11: features without a profile: a list (expected profile: "
	 "lync2013-edge, or no features)"},
	{"set_name_nul", IFACES "addresses:\n  \"a\\0b\": [10.0.0.1]\n",
	 -EINVAL,
	 "t.yaml:4:3: bad address set name: 'a\\x00b' (expected 1-63 "
	 "characters of a-z, 0-9, _ and -, not 'any')"},
	{"key_nul", "\"interfaces\\0x\":\n  - { name: eth0, zone: external }\n",
	 -EINVAL,
	 "t.yaml:1:1: key in config is not a name: 'interfaces\\x00x' "
	 "(expected one of interfaces, xdp_mode, profile, features, "
	 "addresses, nat, rules, conntrack)"},
	{"iface_dotdot", "interfaces:\n  - { name: '..', zone: external }\n",
	 -EINVAL,
	 "t.yaml:2:13: bad interface name: '..' (expected at most 15 "
	 "characters, no '/' or space)"},
	{"iface_newline",
	 "interfaces:\n  - { name: \"eth\\n0\", zone: external }\n", -EINVAL,
	 "t.yaml:2:13: bad interface name: 'eth\\x0a0' (expected at most 15 "
	 "characters, no '/' or space)"},
	{"control_chars_escaped",
	 "interfaces:\n  - { name: eth0, zone: \"\\e[31mred\" }\n", -EINVAL,
	 "t.yaml:2:25: unknown zone: '\\x1b[31mred' (expected external or "
	 "internal)"},
	{"unknown_source_check",
	 "interfaces:\n  - { name: eth0, zone: external, source_check: 1 }\n",
	 -EINVAL,
	 "t.yaml:2:49: unknown source_check: '1' (expected strict, loose or "
	 "off)"},
	{"internet_yes",
	 "interfaces:\n  - { name: eth0, zone: external, internet: yes }\n",
	 -EINVAL, "t.yaml:2:45: bad internet: 'yes' (expected true or false)"},
	{"unknown_conntrack_key", IFACES "conntrack:\n  max_entrys: 2048\n",
	 -EINVAL,
	 "t.yaml:4:3: unknown key in conntrack: 'max_entrys' (expected one of "
	 "max_entries, tcp_established_timeout, udp_timeout, "
	 "unconfirmed_max_entries, local_responders)"},
	{"unknown_nat_key",
	 IFACES
	 "nat:\n  - { private: 10.0.0.1, public: 192.0.2.1, dnat: yes }\n",
	 -EINVAL,
	 "t.yaml:4:45: unknown key in nat pair: 'dnat' (expected one of "
	 "private, public)"},
	{"duplicate_key", IFACES "xdp_mode: native\nxdp_mode: generic\n",
	 -EINVAL,
	 "t.yaml:4:1: duplicate key in config: 'xdp_mode' (expected each key "
	 "once)"},
	{"missing_interfaces", "xdp_mode: native\n", -EINVAL,
	 "t.yaml:1:1: missing key in config: 'interfaces' (expected a list of "
	 "interfaces)"},
	{"interfaces_scalar", "interfaces: eth0\n", -EINVAL,
	 "t.yaml:1:13: wrong type for interfaces: 'eth0' (expected a list of { "
	 "name: NIC, zone: external|internal })"},
	{"interfaces_empty", "interfaces: []\n", -EINVAL,
	 "t.yaml:1:13: no interfaces: an empty list (expected a list of { "
	 "name: NIC, zone: external|internal })"},
	{"iface_missing_zone", "interfaces:\n  - name: eth0\n", -EINVAL,
	 "t.yaml:2:5: missing key in interface: 'zone' (expected name and "
	 "zone)"},
	{"iface_name_too_long",
	 "interfaces:\n  - { name: averyveryverylongname, zone: external }\n",
	 -EINVAL,
	 "t.yaml:2:13: bad interface name: 'averyveryverylongname' (expected "
	 "at most 15 characters, no '/' or space)"},
	{"duplicate_interface",
	 IFACES "  - { name: eth1, zone: internal }\n  - { name: eth0, zone: "
		"internal }\n",
	 -EINVAL,
	 "t.yaml:4:13: duplicate interface: 'eth0' (expected each interface "
	 "once)"},
	{"unknown_zone", "interfaces:\n  - { name: eth0, zone: dmz }\n",
	 -EINVAL,
	 "t.yaml:2:25: unknown zone: 'dmz' (expected external or internal)"},
	{"zone_list", "interfaces:\n  - { name: eth0, zone: [external] }\n",
	 -EINVAL,
	 "t.yaml:2:25: wrong type for zone: a list (expected external or "
	 "internal)"},
	{"unknown_xdp_mode", IFACES "xdp_mode: turbo\n", -EINVAL,
	 "t.yaml:3:11: unknown xdp_mode: 'turbo' (expected native, generic or "
	 "auto)"},
	{"empty_xdp_mode", IFACES "xdp_mode:\n", -EINVAL,
	 "t.yaml:3:10: wrong type for xdp_mode: an empty value (expected "
	 "native, generic or auto)"},
	{"unknown_profile", IFACES "profile: lync2010-edge\n", -EINVAL,
	 "t.yaml:3:10: unknown profile: 'lync2010-edge' (expected "
	 "lync2013-edge or none)"},
	{"unknown_feature", IFACES "features: [federation, fedaration]\n",
	 -EINVAL,
	 "t.yaml:3:24: unknown feature: 'fedaration' (expected core, "
	 "federation, ocs2007_federation, public_im, xmpp or "
	 "centralized_logging)"},
	{"features_mapping", IFACES "features: { xmpp: true }\n", -EINVAL,
	 "t.yaml:3:11: wrong type for features: a mapping (expected a list of "
	 "feature names)"},
	{"bad_address",
	 IFACES "addresses:\n  access_edge: [10.45.16.10, 10.0.0.300]\n",
	 -EINVAL,
	 "t.yaml:4:30: bad address: '10.0.0.300' (expected an IPv4 or IPv6 "
	 "address, optionally /prefix)"},
	{"bad_prefix_length", IFACES "addresses:\n  corp: 10.0.0.0/33\n",
	 -EINVAL,
	 "t.yaml:4:9: bad prefix length: '10.0.0.0/33' (expected /0 to /32)"},
	{"bad_prefix_length_v6", IFACES "addresses:\n  corp: 2001:db8::/129\n",
	 -EINVAL,
	 "t.yaml:4:9: bad prefix length: '2001:db8::/129' (expected /0 to "
	 "/128)"},
	{"bad_prefix_length_text", IFACES "addresses:\n  corp: 10.0.0.0/x\n",
	 -EINVAL,
	 "t.yaml:4:9: bad prefix length: '10.0.0.0/x' (expected /0 to /32)"},
	{"host_bits_set", IFACES "addresses:\n  corp: [10.0.0.1/24]\n", -EINVAL,
	 "t.yaml:4:10: host bits set: '10.0.0.1/24' (expected 10.0.0.0/24)"},
	{"host_bits_set_v6", IFACES "addresses:\n  corp: [2001:db8::1/64]\n",
	 -EINVAL,
	 "t.yaml:4:10: host bits set: '2001:db8::1/64' (expected "
	 "2001:db8::/64)"},
	{"empty_set", IFACES "addresses:\n  corp: []\n", -EINVAL,
	 "t.yaml:4:9: empty address set: 'corp' (expected at least one address "
	 "or prefix)"},
	{"bad_set_name", IFACES "addresses:\n  Corp Net: 10.0.0.0/8\n", -EINVAL,
	 "t.yaml:4:3: bad address set name: 'Corp Net' (expected 1-63 "
	 "characters of a-z, 0-9, _ and -, not 'any')"},
	{"duplicate_set",
	 IFACES "addresses:\n  corp: 10.0.0.0/8\n  lab: 192.0.2.0/24\n  corp: "
		"172.16.0.0/12\n",
	 -EINVAL,
	 "t.yaml:6:3: duplicate address set: 'corp' (expected each set once)"},
	{"port_zero",
	 IFACES
	 "rules:\n  - { name: x, zone: internal, proto: tcp, ports: 0 }\n",
	 -EINVAL,
	 "t.yaml:4:51: bad port: '0' (expected a port 1-65535, lo-hi, or [lo, "
	 "hi])"},
	{"port_too_big",
	 IFACES
	 "rules:\n  - { name: x, zone: internal, proto: tcp, ports: 65536 }\n",
	 -EINVAL,
	 "t.yaml:4:51: bad port: '65536' (expected a port 1-65535, lo-hi, or "
	 "[lo, hi])"},
	{"port_not_number",
	 IFACES
	 "rules:\n  - { name: x, zone: internal, proto: tcp, ports: https }\n",
	 -EINVAL,
	 "t.yaml:4:51: bad port: 'https' (expected a port 1-65535, lo-hi, or "
	 "[lo, hi])"},
	{"port_range_half",
	 IFACES
	 "rules:\n  - { name: x, zone: internal, proto: tcp, ports: 50000- }\n",
	 -EINVAL,
	 "t.yaml:4:51: bad port: '50000-' (expected a port 1-65535, lo-hi, or "
	 "[lo, hi])"},
	{"port_range_reversed",
	 IFACES "rules:\n  - { name: x, zone: internal, proto: tcp, ports: "
		"59999-50000 }\n",
	 -EINVAL,
	 "t.yaml:4:51: bad port range: '59999-50000' (expected lo-hi with lo "
	 "<= hi)"},
	{"port_list_reversed",
	 IFACES "rules:\n  - { name: x, zone: internal, proto: tcp, ports: "
		"[59999, 50000] }\n",
	 -EINVAL,
	 "t.yaml:4:51: bad port range: '[59999, 50000]' (expected lo-hi with "
	 "lo <= hi)"},
	{"port_list_item",
	 IFACES "rules:\n  - { name: x, zone: internal, proto: tcp, ports: [1, "
		"70000] }\n",
	 -EINVAL,
	 "t.yaml:4:55: bad port: '70000' (expected a number from 1 to 65535)"},
	{"port_list_three",
	 IFACES "rules:\n  - { name: x, zone: internal, proto: tcp, ports: [1, "
		"2, 3] }\n",
	 -EINVAL,
	 "t.yaml:4:51: wrong type for ports: a list (expected a port 1-65535, "
	 "lo-hi, or [lo, hi])"},
	{"unknown_proto",
	 IFACES
	 "rules:\n  - { name: x, zone: internal, proto: sctp, ports: 22 }\n",
	 -EINVAL, "t.yaml:4:39: unknown proto: 'sctp' (expected tcp or udp)"},
	{"rule_unknown_zone",
	 IFACES
	 "rules:\n  - { name: x, zone: inside, proto: tcp, ports: 22 }\n",
	 -EINVAL,
	 "t.yaml:4:22: unknown zone: 'inside' (expected external or internal)"},
	{"rule_missing_ports",
	 IFACES "rules:\n  - { name: x, zone: internal, proto: tcp }\n",
	 -EINVAL,
	 "t.yaml:4:5: missing key in rule: 'ports' (expected name, zone, "
	 "proto, and ports or sports)"},
	{"sports_reversed",
	 IFACES "rules:\n  - { name: x, zone: external, proto: udp, sports: "
		"59999-50000 }\n",
	 -EINVAL,
	 "t.yaml:4:52: bad port range: '59999-50000' (expected lo-hi with lo "
	 "<= hi)"},
	{"sports_zero",
	 IFACES "rules:\n  - { name: x, zone: external, proto: udp, ports: 53, "
		"sports: 0 }\n",
	 -EINVAL,
	 "t.yaml:4:63: bad port: '0' (expected a port 1-65535, lo-hi, or [lo, "
	 "hi])"},
	{"sports_mapping",
	 IFACES "rules:\n  - { name: x, zone: external, proto: tcp, sports: "
		"{ lo: 1 } }\n",
	 -EINVAL,
	 "t.yaml:4:52: wrong type for sports: a mapping (expected a port "
	 "1-65535, lo-hi, or [lo, hi])"},
	{"sports_list_item",
	 IFACES "rules:\n  - { name: x, zone: external, proto: tcp, sports: "
		"[50000, 70000] }\n",
	 -EINVAL,
	 "t.yaml:4:60: bad port: '70000' (expected a number from 1 to 65535)"},
	{"rule_bad_name",
	 IFACES "rules:\n  - { name: Admin SSH, zone: internal, proto: tcp, "
		"ports: 22 }\n",
	 -EINVAL,
	 "t.yaml:4:13: bad rule name: 'Admin SSH' (expected 1-63 characters of "
	 "a-z, 0-9, _ and -)"},
	{"rule_empty_name",
	 IFACES
	 "rules:\n  - { name: '', zone: internal, proto: tcp, ports: 22 }\n",
	 -EINVAL,
	 "t.yaml:4:13: bad rule name: '' (expected 1-63 characters of a-z, "
	 "0-9, _ and -)"},
	{"duplicate_rule",
	 IFACES "rules:\n"
		"  - { name: ssh, zone: internal, proto: tcp, ports: 22 }\n"
		"  - { name: ssh, zone: external, proto: tcp, ports: 22 }\n",
	 -EINVAL,
	 "t.yaml:5:13: duplicate rule name: 'ssh' (expected each rule name "
	 "once)"},
	{"rule_name_in_profile",
	 IFACES "profile: lync2013-edge\n" EDGE_SETS
		"rules:\n  - { name: ext-sip-tls-in, zone: external, proto: "
		"tcp, ports: 8443 }\n",
	 -EINVAL,
	 "t.yaml:10:13: duplicate rule name: 'ext-sip-tls-in' (expected a name "
	 "profile lync2013-edge does not use)"},
	{"unknown_set",
	 IFACES "addresses:\n  front_end: 172.25.40.0/24\n"
		"rules:\n  - { name: x, zone: internal, proto: tcp, ports: 22, "
		"from: [front_end, frontend] }\n",
	 -EINVAL,
	 "t.yaml:6:73: unknown address set: 'frontend' (expected a set defined "
	 "under addresses:, any, or an address)"},
	{"unknown_set_to",
	 IFACES "rules:\n  - { name: x, zone: internal, proto: tcp, ports: 22, "
		"to: edge_internal }\n",
	 -EINVAL,
	 "t.yaml:4:59: unknown address set: 'edge_internal' (expected a set "
	 "defined under addresses:, any, or an address)"},
	{"rule_bad_literal",
	 IFACES "rules:\n  - { name: x, zone: internal, proto: tcp, ports: 22, "
		"from: [172.25.40.5/31] }\n",
	 -EINVAL,
	 "t.yaml:4:62: host bits set: '172.25.40.5/31' (expected "
	 "172.25.40.4/31)"},
	{"rule_any_in_list",
	 IFACES "addresses:\n  a: 10.0.0.0/8\n"
		"rules:\n  - { name: x, zone: internal, proto: tcp, ports: 22, "
		"from: [a, any] }\n",
	 -EINVAL,
	 "t.yaml:6:65: 'any' listed with other addresses: 'any' (expected set "
	 "names and addresses only)"},
	{"profile_missing_role",
	 IFACES
	 "profile: lync2013-edge\naddresses:\n  access_edge: 203.0.113.10\n",
	 -EINVAL,
	 "t.yaml:3:1: address set needed by profile rule 'ext-psom-tls-in' is "
	 "not defined: 'webconf_edge' (expected it under addresses:)"},
	{"nat_not_host",
	 IFACES
	 "nat:\n  - { private: 10.45.16.0/24, public: 203.0.113.0/24 }\n",
	 -EINVAL,
	 "t.yaml:4:16: NAT address is not a host: '10.45.16.0/24' (expected a "
	 "single IPv4 or IPv6 address)"},
	{"nat_bad_address",
	 IFACES "nat:\n  - { private: 10.45.16.10, public: 203.0.113.256 }\n",
	 -EINVAL,
	 "t.yaml:4:37: bad address: '203.0.113.256' (expected an IPv4 or IPv6 "
	 "address, optionally /prefix)"},
	{"nat_family",
	 IFACES "nat:\n  - { private: 10.45.16.10, public: '2001:db8::10' }\n",
	 -EINVAL,
	 "t.yaml:4:37: NAT family mismatch: '2001:db8::10' (expected an IPv4 "
	 "address like private '10.45.16.10')"},
	{"nat_duplicate",
	 IFACES "nat:\n"
		"  - { private: 10.45.16.10, public: 203.0.113.10 }\n"
		"  - { private: 10.45.16.20, public: 203.0.113.10 }\n",
	 -EINVAL,
	 "t.yaml:5:37: duplicate NAT address: '203.0.113.10' (expected each "
	 "address in one pair only)"},
	{"nat_same",
	 IFACES "nat:\n  - { private: 10.45.16.10, public: 10.45.16.10 }\n",
	 -EINVAL,
	 "t.yaml:4:37: duplicate NAT address: '10.45.16.10' (expected each "
	 "address in one pair only)"},
	{"nat_missing_public", IFACES "nat:\n  - private: 10.45.16.10\n",
	 -EINVAL,
	 "t.yaml:4:5: missing key in nat pair: 'public' (expected private and "
	 "public)"},
	{"ct_too_small", IFACES "conntrack: { max_entries: 1023 }\n", -EINVAL,
	 "t.yaml:3:27: bad max_entries: '1023' (expected a number from 1024 to "
	 "16777216)"},
	{"ct_too_big", IFACES "conntrack: { max_entries: 16777217 }\n", -EINVAL,
	 "t.yaml:3:27: bad max_entries: '16777217' (expected a number from "
	 "1024 to 16777216)"},
	{"ct_timeout_zero", IFACES "conntrack: { udp_timeout: 0 }\n", -EINVAL,
	 "t.yaml:3:27: bad udp_timeout: '0' (expected a number from 1 to "
	 "4294967295)"},
	{"ct_unconfirmed_too_small",
	 IFACES "conntrack:\n  unconfirmed_max_entries: 100\n", -EINVAL,
	 "t.yaml:4:28: bad unconfirmed_max_entries: '100' (expected a number "
	 "from 1024 to 16777216)"},
	{"ct_local_responders_not_bool",
	 IFACES "conntrack:\n  local_responders: yes\n", -EINVAL,
	 "t.yaml:4:21: bad local_responders: 'yes' (expected true or false)"},
	{"ct_timeout_text",
	 IFACES "conntrack:\n  tcp_established_timeout: 2h\n", -EINVAL,
	 "t.yaml:4:28: bad tcp_established_timeout: '2h' (expected a number "
	 "from 1 to 4294967295)"},
	{"ct_not_mapping", IFACES "conntrack: 262144\n", -EINVAL,
	 "t.yaml:3:12: wrong type for conntrack: '262144' (expected a mapping "
	 "with keys max_entries, tcp_established_timeout, udp_timeout, "
	 "unconfirmed_max_entries, local_responders)"},
};

static void test_error_case(void **state)
{
	const struct error_case *c = *state;
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	int ret;

	memset(&cfg, 0xa5, sizeof(cfg));
	ret = load(c->yaml, &cfg, &err);
	assert_string_equal(err.msg, c->msg);
	assert_int_equal(ret, c->ret);
	assert_empty(&cfg);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(error_cases)];

	for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct CMUnitTest t = {
			.name = error_cases[i].name,
			.test_func = test_error_case,
			.initial_state = (void *)&error_cases[i],
		};

		tests[i] = t;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
