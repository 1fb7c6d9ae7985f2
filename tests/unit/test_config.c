// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The config parser: files and the host, every accepted form and the
 * defaults, names and prefixes. Its errors, each with its exact
 * FILE:LINE:COLUMN, offending value and expectation, are in
 * test_config_errors.c.
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

#include "config_harness.h"

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
	static const struct CMUnitTest tests[] = {
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

	return cmocka_run_group_tests(tests, NULL, NULL);
}
