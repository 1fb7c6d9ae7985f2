// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The config parser: every accepted form, the defaults, and every error
 * with its exact FILE:LINE:COLUMN, offending value and expectation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

#define IFACES "interfaces:\n  - { name: eth0, zone: external }\n"
#define EDGE_SETS                                                              \
	"addresses:\n"                                                         \
	"  access_edge: [203.0.113.10]\n"                                      \
	"  webconf_edge: 203.0.113.20\n"                                       \
	"  av_edge: [203.0.113.30]\n"                                          \
	"  edge_internal: [172.25.33.10]\n"

static int load(const char *yaml, struct edgexdp_config *cfg,
		struct edgexdp_diag *err)
{
	return config_load_buffer("t.yaml", yaml, strlen(yaml), cfg, err);
}

static void assert_empty(const struct edgexdp_config *cfg)
{
	static const struct edgexdp_config zero;

	assert_memory_equal(cfg, &zero, sizeof(zero));
}

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

/* ---- files and the host ---------------------------------------------- */

static void test_missing_file(void **state)
{
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(
		config_load_file("tests/data/no-such.yaml", &cfg, &err),
		-ENOENT);
	assert_string_equal(
		err.msg, "tests/data/no-such.yaml: No such file or directory");
	assert_empty(&cfg);
}

/* Nesting: refused at the first collection past the limit, before libyaml
 * (quadratic in depth) builds anything; 80 KB of '[' took 19 s. */
static void test_nesting_limit(void **state)
{
	size_t n = 80 * 1024;
	char *yaml = malloc(n + 64);
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	int len = snprintf(yaml, 64, "%srules: ", IFACES);

	(void)state;
	assert_non_null(yaml);
	memset(yaml + len, '[', n);
	yaml[len + n] = '\0';
	assert_int_equal(load(yaml, &cfg, &err), -E2BIG);
	/* the root mapping is depth 1: the 16th '[' (column 23) is 17 */
	assert_string_equal(err.msg, "t.yaml:3:23: nesting too deep: more than "
				     "16 (expected at most 16)");
	assert_empty(&cfg);
	/* 16 levels are fine as far as the limit goes */
	yaml[len + 14] = '\0';
	assert_int_equal(load(yaml, &cfg, &err), -EINVAL);
	assert_null(strstr(err.msg, "nesting"));
	free(yaml);
}

/* A config of more values than any the maps can take is refused at the
 * first one too many, before libyaml builds a document of them all. */
static void test_too_many_values(void **state)
{
	size_t n = 1000001, len;
	char *yaml = malloc(2 * n + 64);
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_non_null(yaml);
	len = (size_t)snprintf(yaml, 64, "%srules: [", IFACES);
	for (size_t i = 0; i < n; i++) {
		yaml[len++] = '1';
		yaml[len++] = ',';
	}
	yaml[len - 1] = ']';
	yaml[len] = '\0';
	assert_int_equal(load(yaml, &cfg, &err), -E2BIG);
	assert_non_null(strstr(err.msg, ": too many values: more than 1000000 "
					"(expected at most 1000000)"));
	assert_int_equal(strncmp(err.msg, "t.yaml:3:", 9), 0);
	assert_empty(&cfg);
	free(yaml);
}

/* A FIFO would block the reader forever: refused without a read. */
static void test_fifo(void **state)
{
	char path[] = "/tmp/edgexdp-test-fifo-XXXXXX";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	char fifo[64];

	(void)state;
	assert_non_null(mkdtemp(path));
	snprintf(fifo, sizeof(fifo), "%s/config.yaml", path);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(config_load_file(fifo, &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, ": not a regular file (expected a "
					"config file)"));
	assert_empty(&cfg);
	unlink(fifo);
	rmdir(path);
}

/* A file over the size limit is refused before a byte is read. */
static void test_file_too_large(void **state)
{
	char path[] = "/tmp/edgexdp-test-big-XXXXXX";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	/* sparse: 64 MiB that cost no disk */
	assert_int_equal(ftruncate(fd, 64 << 20), 0);
	close(fd);
	assert_int_equal(config_load_file(path, &cfg, &err), -EFBIG);
	assert_non_null(strstr(err.msg, ": file too large (expected at most "
					"32 MiB)"));
	unlink(path);
}

static void test_directory(void **state)
{
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(config_load_file("tests/data", &cfg, &err), -EISDIR);
	assert_string_equal(err.msg, "tests/data: Is a directory");
}

static void test_example_file(void **state)
{
	const char *path = "examples/edgexdp.example.yaml";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(config_load_file(path, &cfg, &err), 0);
	assert_string_equal(cfg.path, path);
	assert_int_equal(cfg.n_ifaces, 2);
	assert_string_equal(cfg.ifaces[0].name, "eth0");
	assert_int_equal(cfg.ifaces[0].zone, EDGEXDP_ZONE_EXTERNAL);
	assert_string_equal(cfg.ifaces[1].name, "eth1");
	assert_int_equal(cfg.ifaces[1].zone, EDGEXDP_ZONE_INTERNAL);
	assert_string_equal(cfg.profile, "lync2013-edge");
	assert_int_equal(cfg.features, 0x3f); /* every feature */
	assert_int_equal(cfg.n_addrsets, 5);
	assert_int_equal(cfg.n_nat, 3);
	assert_int_equal(cfg.n_rules, 1);
	assert_string_equal(cfg.rules[0].name, "admin-ssh");
	assert_int_equal(cfg.rules[0].port_lo, 22);
	assert_int_equal(cfg.rules[0].from.n_prefixes, 1);
	assert_int_equal(cfg.rules[0].to.n_set_names, 1);
	assert_string_equal(cfg.rules[0].to.set_names[0], "edge_internal");
	config_free(&cfg);
	assert_empty(&cfg);
}

static void test_check_host(void **state)
{
	const char *yaml = "interfaces:\n"
			   "  - { name: lo, zone: internal }\n"
			   "  - { name: exdp-nonesuch, zone: external }\n";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(load(yaml, &cfg, &err), 0);
	assert_int_equal(config_check_host(&cfg, &err), -ENODEV);
	assert_string_equal(err.msg, "t.yaml:3:13: interface not found on this "
				     "host: 'exdp-nonesuch'");
	cfg.n_ifaces = 1;
	assert_int_equal(config_check_host(&cfg, &err), 0);
	cfg.n_ifaces = 2;
	config_free(&cfg);
}

/* ---- accepted forms and defaults ------------------------------------- */

static void test_defaults(void **state)
{
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(load(IFACES, &cfg, &err), 0);
	assert_string_equal(cfg.path, "t.yaml");
	assert_int_equal(cfg.xdp_mode, CFG_XDP_AUTO);
	assert_null(cfg.profile);
	assert_int_equal(cfg.features, CFG_FEATURE_CORE);
	assert_int_equal(cfg.ct_max_entries, EDGEXDP_CT_DEFAULT_ENTRIES);
	assert_int_equal(cfg.tcp_established_timeout,
			 EDGEXDP_TCP_ESTABLISHED_TIMEOUT);
	assert_int_equal(cfg.udp_timeout, EDGEXDP_UDP_TIMEOUT);
	assert_int_equal(cfg.ct_unconfirmed_max_entries,
			 EDGEXDP_CT_UNCONFIRMED_DEFAULT_ENTRIES);
	assert_false(cfg.local_responders);
	assert_int_equal(cfg.n_addrsets, 0);
	assert_int_equal(cfg.n_nat, 0);
	assert_int_equal(cfg.n_rules, 0);
	assert_int_equal(cfg.ifaces[0].pos.line, 2);
	assert_int_equal(cfg.ifaces[0].pos.column, 13);
	assert_int_equal(cfg.ifaces[0].source_check, EDGEXDP_SOURCE_STRICT);
	assert_false(cfg.ifaces[0].internet);
	config_free(&cfg);
}

static void test_iface_source(void **state)
{
	const char *yaml =
		"interfaces:\n"
		"  - { name: eth0, zone: external, internet: true }\n"
		"  - { name: eth1, zone: external, source_check: loose }\n"
		"  - { name: eth2, zone: internal, source_check: off,"
		" internet: false }\n";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(load(yaml, &cfg, &err), 0);
	assert_int_equal(cfg.ifaces[0].source_check, EDGEXDP_SOURCE_STRICT);
	assert_true(cfg.ifaces[0].internet);
	assert_int_equal(cfg.ifaces[1].source_check, EDGEXDP_SOURCE_LOOSE);
	assert_false(cfg.ifaces[1].internet);
	assert_int_equal(cfg.ifaces[2].source_check, EDGEXDP_SOURCE_OFF);
	assert_false(cfg.ifaces[2].internet);
	config_free(&cfg);
}

static void test_values(void **state)
{
	const char *yaml = IFACES "xdp_mode: generic\n"
				  "profile: none\n"
				  "conntrack:\n"
				  "  max_entries: 1024\n"
				  "  tcp_established_timeout: 3600\n"
				  "  udp_timeout: 30\n"
				  "  unconfirmed_max_entries: 2048\n"
				  "  local_responders: true\n"
				  "nat: []\n"
				  "rules:\n";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(load(yaml, &cfg, &err), 0);
	assert_int_equal(cfg.xdp_mode, CFG_XDP_GENERIC);
	assert_null(cfg.profile);
	assert_int_equal(cfg.features, CFG_FEATURE_CORE);
	assert_int_equal(cfg.ct_max_entries, 1024);
	assert_int_equal(cfg.tcp_established_timeout, 3600);
	assert_int_equal(cfg.udp_timeout, 30);
	assert_int_equal(cfg.ct_unconfirmed_max_entries, 2048);
	assert_true(cfg.local_responders);
	config_free(&cfg);
}

static void test_port_forms(void **state)
{
	const char *yaml = IFACES
		"rules:\n"
		"  - { name: a, zone: internal, proto: tcp, ports: 22 }\n"
		"  - { name: b, zone: external, proto: udp, ports: "
		"\"50000-59999\" }\n"
		"  - { name: c, zone: external, proto: tcp, ports: 50000-59999 "
		"}\n"
		"  - { name: d, zone: external, proto: tcp, ports: [3478, "
		"3479] }\n"
		"  - { name: e, zone: external, proto: tcp, ports: 65535 }\n"
		"  - { name: f, zone: external, proto: tcp, ports: '1 - 1024' "
		"}\n";
	static const uint16_t want[][2] = {{22, 22},	   {50000, 59999},
					   {50000, 59999}, {3478, 3479},
					   {65535, 65535}, {1, 1024}};
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(load(yaml, &cfg, &err), 0);
	assert_int_equal(cfg.n_rules, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_int_equal(cfg.rules[i].port_lo, want[i][0]);
		assert_int_equal(cfg.rules[i].port_hi, want[i][1]);
	}
	assert_int_equal(cfg.rules[1].proto, EDGEXDP_PROTO_UDP);
	assert_int_equal(cfg.rules[0].zone, EDGEXDP_ZONE_INTERNAL);
	assert_int_equal(cfg.rules[0].pos.line, 4);
	assert_int_equal(cfg.rules[0].pos.column, 13);
	/* no sports: any source port */
	assert_true(ports_any(cfg.rules[0].sport_lo, cfg.rules[0].sport_hi));
	config_free(&cfg);
}

/* `sports:` beside `ports:`, or alone: then any destination port. */
static void test_sports(void **state)
{
	const char *yaml = IFACES
		"rules:\n"
		"  - { name: relay, zone: external, proto: udp, sports: "
		"50000-59999 }\n"
		"  - { name: both, zone: external, proto: tcp, ports: 8080, "
		"sports: [50000, 50009] }\n"
		"  - { name: one, zone: external, proto: tcp, sports: 3478 }\n";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(load(yaml, &cfg, &err), 0);
	assert_int_equal(cfg.n_rules, 3);
	assert_true(ports_any(cfg.rules[0].port_lo, cfg.rules[0].port_hi));
	assert_int_equal(cfg.rules[0].sport_lo, 50000);
	assert_int_equal(cfg.rules[0].sport_hi, 59999);
	assert_int_equal(cfg.rules[1].port_lo, 8080);
	assert_int_equal(cfg.rules[1].port_hi, 8080);
	assert_int_equal(cfg.rules[1].sport_lo, 50000);
	assert_int_equal(cfg.rules[1].sport_hi, 50009);
	assert_int_equal(cfg.rules[2].sport_lo, 3478);
	assert_int_equal(cfg.rules[2].sport_hi, 3478);
	config_free(&cfg);
}

static void test_endpoints(void **state)
{
	const char *yaml = IFACES
		"addresses:\n"
		"  fe: [172.25.40.0/24, '2001:db8:40::/48']\n"
		"  dir: 172.25.41.7\n"
		"rules:\n"
		"  - { name: a, zone: internal, proto: tcp, ports: 22 }\n"
		"  - { name: b, zone: internal, proto: tcp, ports: 22, from: "
		"any, to: [any] }\n"
		"  - { name: c, zone: internal, proto: tcp, ports: 22, from: "
		"fe, to: 10.1.2.3 }\n"
		"  - { name: d, zone: internal, proto: tcp, ports: 22, note: "
		"hi,\n"
		"      from: [dir, 192.0.2.0/24, fe, '2001:db8::5'] }\n";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	const struct cfg_rule *r;

	(void)state;
	assert_int_equal(load(yaml, &cfg, &err), 0);
	assert_int_equal(cfg.n_addrsets, 2);
	assert_int_equal(cfg.addrsets[0].n_prefixes, 2);
	assert_int_equal(cfg.addrsets[0].prefixes[1].family, 6);
	assert_int_equal(cfg.addrsets[0].prefixes[1].prefixlen, 48);
	assert_int_equal(cfg.addrsets[1].prefixes[0].prefixlen, 32);
	assert_int_equal(cfg.addrsets[1].pos.line, 5);
	r = &cfg.rules[0];
	assert_true(r->from.any && r->to.any);
	assert_null(r->note);
	r = &cfg.rules[1];
	assert_true(r->from.any && r->to.any);
	r = &cfg.rules[2];
	assert_false(r->from.any);
	assert_int_equal(r->from.n_set_names, 1);
	assert_string_equal(r->from.set_names[0], "fe");
	assert_int_equal(r->from.n_prefixes, 0);
	assert_int_equal(r->to.n_set_names, 0);
	assert_int_equal(r->to.n_prefixes, 1);
	assert_int_equal(r->to.prefixes[0].addr.u8[3], 3);
	r = &cfg.rules[3];
	assert_string_equal(r->note, "hi");
	assert_int_equal(r->from.n_set_names, 2);
	assert_string_equal(r->from.set_names[1], "fe");
	assert_int_equal(r->from.set_pos[1].line, 11);
	assert_int_equal(r->from.set_pos[1].column, 33);
	assert_int_equal(r->from.n_prefixes, 2);
	assert_int_equal(r->from.prefixes[1].family, 6);
	config_free(&cfg);
}

static void test_nat(void **state)
{
	const char *yaml =
		IFACES "nat:\n"
		       "  - { private: 10.45.16.10, public: 203.0.113.10/32 }\n"
		       "  - { private: 'fd00::10', public: '2001:db8::10' }\n";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;

	(void)state;
	assert_int_equal(load(yaml, &cfg, &err), 0);
	assert_int_equal(cfg.n_nat, 2);
	assert_int_equal(cfg.nat[0].private_addr.addr.u8[3], 10);
	assert_int_equal(cfg.nat[0].public_addr.addr.u8[0], 203);
	assert_int_equal(cfg.nat[1].public_addr.family, 6);
	assert_int_equal(cfg.nat[1].pos.line, 5);
	config_free(&cfg);
}

/* ---- names and prefixes ---------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(zone_name(EDGEXDP_ZONE_EXTERNAL), "external");
	assert_string_equal(zone_name(EDGEXDP_ZONE_INTERNAL), "internal");
	assert_string_equal(proto_name(EDGEXDP_PROTO_TCP), "tcp");
	assert_string_equal(proto_name(EDGEXDP_PROTO_UDP), "udp");
	assert_string_equal(xdp_mode_name(CFG_XDP_AUTO), "auto");
	assert_string_equal(xdp_mode_name(CFG_XDP_NATIVE), "native");
	assert_string_equal(xdp_mode_name(CFG_XDP_GENERIC), "generic");
	assert_string_equal(feature_name(CFG_FEATURE_CORE), "core");
	assert_string_equal(feature_name(CFG_FEATURE_OCS2007_FEDERATION),
			    "ocs2007_federation");
	assert_string_equal(feature_name(CFG_FEATURE_CENTRALIZED_LOGGING),
			    "centralized_logging");
	assert_null(feature_name(1u << 6));
	assert_null(feature_name(CFG_FEATURE_CORE | CFG_FEATURE_XMPP));
}

static void test_prefixes(void **state)
{
	static const struct {
		const char *in, *out;
		int family, len;
	} ok[] = {
		{"10.0.0.1", "10.0.0.1", 4, 32},
		{"10.0.0.1/32", "10.0.0.1", 4, 32},
		{"10.0.0.0/8", "10.0.0.0/8", 4, 8},
		{"0.0.0.0/0", "0.0.0.0/0", 4, 0},
		{"172.25.40.4/31", "172.25.40.4/31", 4, 31},
		{"2001:db8::/32", "2001:db8::/32", 6, 32},
		{"2001:DB8:0:0::1", "2001:db8::1", 6, 128},
		{"::/0", "::/0", 6, 0},
	};
	static const char *const bad[] = {
		"",
		"10.0.0",
		"10.0.0.256",
		"10.0.0.1/",
		"10.0.0.1/24",
		"10.0.0.0/33",
		"10.0.0.0/-1",
		"10.0.0.0/+8",
		"any",
		"2001:db8::1/64",
		"::/129",
		" 10.0.0.1",
	};
	struct cfg_prefix p;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(prefix_parse(ok[i].in, &p), 0);
		assert_int_equal(p.family, ok[i].family);
		assert_int_equal(p.prefixlen, ok[i].len);
		prefix_format(&p, buf, sizeof(buf));
		assert_string_equal(buf, ok[i].out);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(prefix_parse(bad[i], &p), -EINVAL);
	assert_int_equal(prefix_parse("192.0.2.129", &p), 0);
	assert_memory_equal(p.addr.u8, "\xc0\x00\x02\x81", 4);
	for (int i = 4; i < 16; i++)
		assert_int_equal(p.addr.u8[i], 0);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_check_host),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_too_many_values),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_iface_source),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_port_forms),
		cmocka_unit_test(test_sports),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_prefixes),
	};
	struct CMUnitTest tests[ARRAY_SIZE(fixed) + ARRAY_SIZE(error_cases)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct CMUnitTest t = {
			.name = error_cases[i].name,
			.test_func = test_error_case,
			.initial_state = (void *)&error_cases[i],
		};

		tests[n++] = t;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
