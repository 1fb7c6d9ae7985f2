// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Source validation (issue 9, class 1): a packet a rule would let open a
 * flow opens it only if its source could have arrived on that NIC, by the
 * routing of the test's namespace (harness.c: everything through lo, the
 * DP_SRC_OTHER_NIC prefixes through another NIC, the DP_SRC_UNROUTED ones
 * unreachable), in each of the NIC's modes; and the edge's own addresses
 * never open a flow from a NIC that faces the Internet. Each refusal sits
 * next to the legitimate packet that must keep passing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "harness.h"

#define EXT EDGEXDP_ZONE_EXTERNAL

/* Inside the prefixes the namespace routes elsewhere (harness.h). */
#define OTHER_NIC4 "198.51.100.129"
#define OTHER_NIC6 "2001:db8:d0::9"
#define UNROUTED4 "198.51.100.193"
#define UNROUTED6 "2001:db8:d1::9"

/* external:14: any -> av_edge UDP 3478 */
#define STUN_RULE "ext-stun-udp-in"
#define STUN_DST4 "203.0.113.30"
#define STUN_DST6 "2001:db8:45::30"
#define STUN_PORT 3478

struct src_case {
	const char *src;
	const char *dst;
	uint8_t mode; /* enum edgexdp_source_check */
	bool pass;
};

/* A STUN request from `src`: opens a flow, or drops spoofed_source with
 * no state left behind. */
static void source_run(void **state)
{
	const struct src_case *c = *state;
	struct pkt p;

	dp_nic_set(c->mode, 0);
	mk_udp(&p, c->src, 40000, c->dst, STUN_PORT, 20);
	if (c->pass) {
		step("new flow", EXT, &p, WANT_NEW(rule_id(STUN_RULE)));
		assert_int_equal(ct_count(), 1);
	} else {
		step("refused", EXT, &p,
		     WANT_DROP(EDGEXDP_DROP_SPOOFED_SOURCE));
		assert_int_equal(ct_count(), 0);
	}
}

static const struct src_case src_cases[] = {
	{ANY_EXT4, STUN_DST4, EDGEXDP_SOURCE_STRICT, true},
	{ANY_EXT6, STUN_DST6, EDGEXDP_SOURCE_STRICT, true},
	{OTHER_NIC4, STUN_DST4, EDGEXDP_SOURCE_STRICT, false},
	{OTHER_NIC6, STUN_DST6, EDGEXDP_SOURCE_STRICT, false},
	{UNROUTED4, STUN_DST4, EDGEXDP_SOURCE_STRICT, false},
	{UNROUTED6, STUN_DST6, EDGEXDP_SOURCE_STRICT, false},
	{"127.0.0.1", STUN_DST4, EDGEXDP_SOURCE_STRICT, false},
	{"::1", STUN_DST6, EDGEXDP_SOURCE_STRICT, false},
	{"ff02::1", STUN_DST6, EDGEXDP_SOURCE_STRICT, false},
	{"fe80::1", STUN_DST6, EDGEXDP_SOURCE_STRICT, true},
	/* Martians: no host sends from them, a route lookup does not refuse
	 * them all (the namespace's default route covers them). */
	{"0.0.0.0", STUN_DST4, EDGEXDP_SOURCE_STRICT, false},
	{"0.1.2.3", STUN_DST4, EDGEXDP_SOURCE_STRICT, false},
	{"224.0.0.1", STUN_DST4, EDGEXDP_SOURCE_STRICT, false},
	{"239.255.255.250", STUN_DST4, EDGEXDP_SOURCE_LOOSE, false},
	{"240.0.0.1", STUN_DST4, EDGEXDP_SOURCE_STRICT, false},
	{"255.255.255.255", STUN_DST4, EDGEXDP_SOURCE_LOOSE, false},
	{"223.255.255.254", STUN_DST4, EDGEXDP_SOURCE_STRICT, true},
	{"1.0.0.1", STUN_DST4, EDGEXDP_SOURCE_STRICT, true},
	{"::", STUN_DST6, EDGEXDP_SOURCE_STRICT, false},
	{"ff0e::1", STUN_DST6, EDGEXDP_SOURCE_LOOSE, false},
	{"fec0::1", STUN_DST6, EDGEXDP_SOURCE_STRICT, true},
	{"240.0.0.1", STUN_DST4, EDGEXDP_SOURCE_OFF, true},
	{ANY_EXT4, STUN_DST4, EDGEXDP_SOURCE_LOOSE, true},
	{OTHER_NIC4, STUN_DST4, EDGEXDP_SOURCE_LOOSE, true},
	{OTHER_NIC6, STUN_DST6, EDGEXDP_SOURCE_LOOSE, true},
	{UNROUTED4, STUN_DST4, EDGEXDP_SOURCE_LOOSE, false},
	{UNROUTED6, STUN_DST6, EDGEXDP_SOURCE_LOOSE, false},
	{OTHER_NIC4, STUN_DST4, EDGEXDP_SOURCE_OFF, true},
	{UNROUTED4, STUN_DST4, EDGEXDP_SOURCE_OFF, true},
	{UNROUTED6, STUN_DST6, EDGEXDP_SOURCE_OFF, true},
};

static const char *mode_str(uint8_t mode)
{
	static const char *const names[] = {"strict", "loose", "off"};

	return mode < EDGEXDP_SOURCE_CHECK_COUNT ? names[mode] : "?";
}

/*
 * The attack: access_edge -> any udp/53 opens flows from the DMZ;
 * from the Internet NIC a packet with the edge's address (private or its
 * NAT partner) opens nothing, whatever the NIC's source check, and the
 * attacker's "reply" from its real address then finds no flow.
 */
struct own_case {
	const char *src;
	const char *dst;
	uint8_t mode;
	uint8_t flags;
	bool pass;
};

static const struct own_case own_cases[] = {
	{"10.45.16.10", "198.51.100.53", EDGEXDP_SOURCE_STRICT, 0, true},
	{"10.45.16.10", "198.51.100.53", EDGEXDP_SOURCE_STRICT,
	 EDGEXDP_IFACE_INTERNET, false},
	{"10.45.16.10", "198.51.100.53", EDGEXDP_SOURCE_OFF,
	 EDGEXDP_IFACE_INTERNET, false},
	{"203.0.113.10", "198.51.100.53", EDGEXDP_SOURCE_OFF,
	 EDGEXDP_IFACE_INTERNET, false},
	{"2001:db8:45::10", "2001:db8:ff::53", EDGEXDP_SOURCE_LOOSE,
	 EDGEXDP_IFACE_INTERNET, false},
	{"2001:db8:45::10", "2001:db8:ff::53", EDGEXDP_SOURCE_LOOSE, 0, true},
};

static void own_run(void **state)
{
	const struct own_case *c = *state;
	struct pkt p;

	dp_nic_set(c->mode, c->flags);
	mk_udp(&p, c->src, 40053, c->dst, 53, 30);
	if (c->pass) {
		step("DNS query from the DMZ", EXT, &p,
		     WANT_NEW(rule_id("ext-dns-udp-out")));
		return;
	}
	step("spoofed DNS query", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_SPOOFED_SOURCE));
	assert_int_equal(ct_count(), 0);
	/* The attacker's "reply" from its real address: no flow. */
	mk_udp(&p, c->dst, 53, c->src, 40053, 30);
	step("reply to the spoofed query", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_FLOW));
	/* An Internet host still reaches the edge on a rule's port. */
	mk_udp(&p, ANY_EXT4, 40000, STUN_DST4, STUN_PORT, 20);
	step("STUN from the Internet", EXT, &p, WANT_NEW(rule_id(STUN_RULE)));
}

/* Established packets are never checked: a flow opened while the check
 * was off keeps passing after the NIC turns strict. */
static void established_not_checked(void **state)
{
	int id = rule_id(STUN_RULE);
	struct pkt p;

	(void)state;
	dp_nic_set(EDGEXDP_SOURCE_OFF, 0);
	mk_udp(&p, OTHER_NIC4, 40000, STUN_DST4, STUN_PORT, 20);
	step("opens with the check off", EXT, &p, WANT_NEW(id));
	dp_nic_set(EDGEXDP_SOURCE_STRICT, 0);
	step("same flow, strict now", EXT, &p, WANT_FLOW(id));
	mk_udp(&p, OTHER_NIC4, 40001, STUN_DST4, STUN_PORT, 20);
	step("a new flow from there, strict", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_SPOOFED_SOURCE));
}

/* A martian's flow, opened while the check was off, is not re-checked. */
static void established_martian_not_checked(void **state)
{
	int id = rule_id(STUN_RULE);
	struct pkt p;

	(void)state;
	dp_nic_set(EDGEXDP_SOURCE_OFF, 0);
	mk_udp(&p, "240.0.0.1", 40000, STUN_DST4, STUN_PORT, 20);
	step("opens with the check off", EXT, &p, WANT_NEW(id));
	dp_nic_set(EDGEXDP_SOURCE_STRICT, 0);
	step("same flow, strict now", EXT, &p, WANT_FLOW(id));
	mk_udp(&p, "240.0.0.1", 40001, STUN_DST4, STUN_PORT, 20);
	step("a new flow from there, strict", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_SPOOFED_SOURCE));
}

/* A blind spoofer forging both ends: a STUN request from a source of its
 * choice, then the "reply" from the edge's own address, in on the Internet
 * NIC. The reply must not confirm the flow; the edge's real reply does. */
static void spoofed_reply_confirms_nothing(void **state)
{
	int id = rule_id(STUN_RULE);
	struct pkt p;

	(void)state;
	dp_nic_set(EDGEXDP_SOURCE_STRICT, EDGEXDP_IFACE_INTERNET);
	mk_udp(&p, ANY_EXT4, 40000, STUN_DST4, STUN_PORT, 20);
	step("request", EXT, &p, WANT_NEW(id));
	mk_udp(&p, STUN_DST4, STUN_PORT, ANY_EXT4, 40000, 20);
	step("forged reply from the edge's address", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_SPOOFED_SOURCE));
	assert_int_equal(ct_count_in(EDGEXDP_CT_CONFIRMED), 0);
	dp_nic_set(EDGEXDP_SOURCE_STRICT, 0);
	step("the edge's reply, from its side", EXT, &p, WANT_FLOW(id));
	assert_int_equal(ct_count_in(EDGEXDP_CT_CONFIRMED), 1);
}

void cases_source(void)
{
	case_category("source validation");
	for (size_t i = 0; i < sizeof(src_cases) / sizeof(*src_cases); i++)
		case_addf(source_run, (void *)&src_cases[i],
			  "%s: STUN from %s %s", mode_str(src_cases[i].mode),
			  src_cases[i].src,
			  src_cases[i].pass ? "opens a flow"
					    : "drops spoofed_source");
	for (size_t i = 0; i < sizeof(own_cases) / sizeof(*own_cases); i++)
		case_addf(own_run, (void *)&own_cases[i],
			  "%s NIC, %s: DNS from the edge's %s %s",
			  own_cases[i].flags ? "Internet" : "DMZ",
			  mode_str(own_cases[i].mode), own_cases[i].src,
			  own_cases[i].pass ? "opens a flow"
					    : "drops spoofed_source");
	case_add("a forged reply from the edge's address confirms no flow",
		 spoofed_reply_confirms_nothing, NULL);
	case_add("established packets are not source-checked",
		 established_not_checked, NULL);
	case_add("established packets from a martian are not source-checked",
		 established_martian_not_checked, NULL);
}
