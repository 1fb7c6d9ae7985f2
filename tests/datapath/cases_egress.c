// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A new flow does not leave through a NIC of the other zone (bpf/egress.h).
 * The A/V edge's media rules allow source ports 50000-59999 to any
 * destination from the DMZ: "any" is the Internet, not the internal
 * network behind the gateway's internal NIC. The test's namespace routes
 * DP_SRC_OTHER_NIC through the NIC dp-other (harness.c); each case makes
 * that NIC one of ours in a zone, or none, and sends the A/V edge's media
 * there. Nor does "any" reach the gateway itself: a flow the gateway
 * would deliver to itself opens only to an edge address or by a rule
 * that names the destination. The local cases put the address on lo for
 * the case alone.
 */
#include <net/if.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <cmocka.h>

#include "edgexdp.skel.h"
#include "harness.h"

#define EXT EDGEXDP_ZONE_EXTERNAL
#define INT EDGEXDP_ZONE_INTERNAL

#define AV_EDGE "10.45.16.30" /* the A/V edge's DMZ address */
#define AV_EDGE6 "2001:db8:45::30"
#define RELAY_PORT 55000
/* Inside the prefixes the namespace routes through dp-other. */
#define BEHIND_OTHER4 "198.51.100.140"
#define BEHIND_OTHER6 "2001:db8:d0::40"
#define ANY_PORT 22 /* not a port any rule names */
#define EDGE_INTERNAL "172.25.33.10"
#define FRONT_END "172.25.40.5" /* named by int-sip-mtls-out's "to" */
#define AV_EDGE_PUBLIC "203.0.113.30" /* the A/V edge's NAT partner */
#define SIP_MTLS_PORT 5061
#define CLIENT_PORT 40000

enum other_nic { NOT_OURS, OURS_EXTERNAL, OURS_INTERNAL };

struct egress_case {
	const char *name;
	enum other_nic other;
	uint8_t proto;
	const char *src;
	const char *dst;
	bool pass;
};

static const struct egress_case egress_cases[] = {
	{"media to a NIC of the internal zone", OURS_INTERNAL, IPPROTO_UDP,
	 AV_EDGE, BEHIND_OTHER4, false},
	{"TCP media to a NIC of the internal zone", OURS_INTERNAL, IPPROTO_TCP,
	 AV_EDGE, BEHIND_OTHER4, false},
	{"IPv6 media to a NIC of the internal zone", OURS_INTERNAL, IPPROTO_UDP,
	 AV_EDGE6, BEHIND_OTHER6, false},
	{"media to another NIC of the external zone", OURS_EXTERNAL,
	 IPPROTO_UDP, AV_EDGE, BEHIND_OTHER4, true},
	{"IPv6 media to another NIC of the external zone", OURS_EXTERNAL,
	 IPPROTO_UDP, AV_EDGE6, BEHIND_OTHER6, true},
	{"media to a NIC that is not ours", NOT_OURS, IPPROTO_TCP, AV_EDGE,
	 BEHIND_OTHER4, true},
};

/* Makes dp-other one of ours in a zone, or no NIC of ours. */
static void other_nic_set(enum other_nic other)
{
	struct edgexdp_iface iface = {.configured = other != NOT_OURS,
				      .zone = other == OURS_INTERNAL ? INT
								     : EXT};
	__u32 ifindex = if_nametoindex(DP_OTHER_NIC);
	int fd = bpf_map__fd(g_dp.skel->maps.interfaces);

	assert_true(ifindex != 0);
	assert_int_equal(bpf_map_update_elem(fd, &ifindex, &iface, BPF_ANY), 0);
}

static void egress_run(void **state)
{
	const struct egress_case *c = *state;
	const char *rule =
		c->proto == IPPROTO_TCP ? "ext-rtp-tcp-out" : "ext-rtp-udp-out";
	struct pkt p;

	other_nic_set(c->other);
	if (c->proto == IPPROTO_TCP)
		mk_tcp(&p, c->src, RELAY_PORT, c->dst, ANY_PORT, F_SYN, 0);
	else
		mk_udp(&p, c->src, RELAY_PORT, c->dst, ANY_PORT, 40);
	if (c->pass) {
		step("opens", EXT, &p, WANT_NEW(rule_id(rule)));
		assert_int_equal(ct_count(), 1);
	} else {
		step("refused", EXT, &p, WANT_DROP(EDGEXDP_DROP_WRONG_ZONE));
		assert_int_equal(ct_count(), 0);
	}
	other_nic_set(NOT_OURS);
}

/* A flow to an address the gateway delivers to itself. */
struct local_case {
	const char *name;
	enum edgexdp_zone zone;
	const char *rule; /* the rule that opens it, when it passes */
	uint8_t proto;
	const char *src;
	uint16_t sport;
	const char *dst;
	uint16_t dport;
	const char *on_lo; /* made local for the case; NULL: already is */
	bool pass;
	bool no_forwarding; /* lo forwards no IPv4 for the case */
};

#define ANY_INTERNET "198.51.100.7"

static const struct local_case local_cases[] = {
	{"UDP media to the gateway's loopback", EXT, NULL, IPPROTO_UDP, AV_EDGE,
	 RELAY_PORT, "127.0.0.1", ANY_PORT, NULL, false, false},
	{"TCP media to an address of the gateway", EXT, NULL, IPPROTO_TCP,
	 AV_EDGE, RELAY_PORT, FRONT_END, ANY_PORT, FRONT_END, false, false},
	{"IPv6 media to an address of the gateway", EXT, NULL, IPPROTO_UDP,
	 AV_EDGE6, RELAY_PORT, DP_LOCAL6, ANY_PORT, NULL, false, false},
	{"media to IPv4 multicast", EXT, NULL, IPPROTO_UDP, AV_EDGE, RELAY_PORT,
	 "224.0.0.251", ANY_PORT, NULL, false, false},
	{"media to the limited broadcast", EXT, NULL, IPPROTO_UDP, AV_EDGE,
	 RELAY_PORT, "255.255.255.255", 67, NULL, false, false},
	{"IPv6 media to all nodes", EXT, NULL, IPPROTO_UDP, AV_EDGE6,
	 RELAY_PORT, "ff02::1", ANY_PORT, NULL, false, false},
	{"IPv6 media to a link-local address", EXT, NULL, IPPROTO_UDP, AV_EDGE6,
	 RELAY_PORT, "fe80::1", ANY_PORT, NULL, false, false},
	{"media to the edge's public address, local before DNAT", EXT,
	 "ext-rtp-udp-out", IPPROTO_UDP, AV_EDGE, RELAY_PORT, AV_EDGE_PUBLIC,
	 ANY_PORT, AV_EDGE_PUBLIC, true, false},
	{"media through a NIC that does not forward", EXT, NULL, IPPROTO_UDP,
	 AV_EDGE, RELAY_PORT, ANY_INTERNET, ANY_PORT, NULL, false, true},
	{"media to the edge's public address through a NIC that does not "
	 "forward",
	 EXT, "ext-rtp-udp-out", IPPROTO_UDP, AV_EDGE, RELAY_PORT,
	 AV_EDGE_PUBLIC, ANY_PORT, NULL, true, true},
	{"SIP to a local address the rule names", INT, "int-sip-mtls-out",
	 IPPROTO_TCP, EDGE_INTERNAL, CLIENT_PORT, FRONT_END, SIP_MTLS_PORT,
	 FRONT_END, true, false},
};

/* Sets IPv4 forwarding on lo, the NIC every test frame arrives on. */
static int lo_forwarding(int on)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "sysctl -qw net.ipv4.conf.lo.forwarding=%d",
		 on);
	return system(cmd);
}

/* Adds (or deletes) addr on lo, the NIC every test frame arrives on. */
static int lo_addr(const char *verb, const char *addr)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ip addr %s %s/%d dev lo", verb, addr,
		 strchr(addr, ':') ? 128 : 32);
	return system(cmd);
}

static void local_run(void **state)
{
	const struct local_case *c = *state;
	struct pkt p;

	if (c->on_lo)
		assert_int_equal(lo_addr("add", c->on_lo), 0);
	if (c->no_forwarding)
		assert_int_equal(lo_forwarding(0), 0);
	if (c->proto == IPPROTO_TCP)
		mk_tcp(&p, c->src, c->sport, c->dst, c->dport, F_SYN, 0);
	else
		mk_udp(&p, c->src, c->sport, c->dst, c->dport, 40);
	if (c->pass)
		step("opens", c->zone, &p, WANT_NEW(rule_id(c->rule)));
	else
		step("refused", c->zone, &p,
		     WANT_DROP(EDGEXDP_DROP_WRONG_ZONE));
	assert_int_equal(ct_count(), c->pass ? 1 : 0);
}

/* Runs even when the case fails: the next cases see the namespace's own
 * routing. */
static int local_teardown(void **state)
{
	const struct local_case *c = *state;

	if (c->no_forwarding && lo_forwarding(1))
		return -1;
	return c->on_lo ? lo_addr("del", c->on_lo) : 0;
}

void cases_egress(void)
{
	case_category("egress zone");
	for (size_t i = 0; i < sizeof(egress_cases) / sizeof(*egress_cases);
	     i++)
		case_addf(egress_run, (void *)&egress_cases[i], "%s %s",
			  egress_cases[i].name,
			  egress_cases[i].pass ? "opens a flow"
					       : "drops wrong_zone");
	for (size_t i = 0; i < ARRAY_SIZE(local_cases); i++) {
		case_addf(local_run, (void *)&local_cases[i], "%s %s",
			  local_cases[i].name,
			  local_cases[i].pass ? "opens a flow"
					      : "drops wrong_zone");
		g_cases[g_n_cases - 1].teardown_func = local_teardown;
	}
}
