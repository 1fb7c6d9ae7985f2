// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Source-port rules: the A/V edge's media relay sends from its ports
 * 50000-59999 to whatever port the remote party listens on (external 9,
 * 10; public IM 4). New flows are looked up on the source port's group,
 * replies pass only through conntrack, the range's neighbours and the
 * other zone's NICs stay closed. Single packets are checked against the
 * oracle as well as against the verdict written here.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define EXT EDGEXDP_ZONE_EXTERNAL
#define INT EDGEXDP_ZONE_INTERNAL

#define AV_EDGE "10.45.16.30" /* private, behind the 1:1 NAT */
#define AV_EDGE_PUBLIC "203.0.113.30"
#define AV_EDGE6 "2001:db8:45::30"
#define RELAY_PORT 55000
#define PEER_UDP_PORT 40004 /* a peer's ordinary port: no rule names it */
#define PEER_TCP_PORT 8080

struct sport_case {
	const char *name;
	enum edgexdp_zone zone;
	uint8_t proto;
	uint8_t flags;
	const char *src;
	uint16_t sport;
	const char *dst;
	uint16_t dport;
	int reason; /* a drop reason, or EDGEXDP_PASS_NEW_FLOW */
	const char *rule; /* on a pass */
};

static enum edgexdp_proto proto_of(uint8_t l4proto)
{
	return l4proto == IPPROTO_TCP ? EDGEXDP_PROTO_TCP : EDGEXDP_PROTO_UDP;
}

static void build(struct pkt *p, const struct sport_case *c)
{
	if (c->proto == IPPROTO_TCP)
		mk_tcp(p, c->src, c->sport, c->dst, c->dport, c->flags, 0);
	else
		mk_udp(p, c->src, c->sport, c->dst, c->dport, 40);
}

/* The oracle, which reads the profile and not the compiled maps, must
 * agree with the verdict the case names. */
static void check_oracle(const struct sport_case *c)
{
	struct oracle_verdict ov =
		oracle_new_packet(c->zone, proto_of(c->proto), c->flags, c->src,
				  c->sport, c->dst, c->dport);

	if (c->rule) {
		if (!ov.pass || strcmp(ov.rule->name, c->rule) != 0)
			fail_msg("oracle: %s, want a new flow on %s",
				 ov.pass ? ov.rule->name : "a drop", c->rule);
	} else if (ov.pass || ov.reason != c->reason) {
		fail_msg("oracle: %s %s, want drop %s",
			 ov.pass ? "pass" : "drop",
			 ov.pass ? ov.rule->name : dp_drop_name(ov.reason),
			 dp_drop_name(c->reason));
	}
}

static void single_run(void **state)
{
	const struct sport_case *c = *state;
	struct pkt p;

	check_oracle(c);
	build(&p, c);
	step(c->name, c->zone, &p,
	     c->rule ? WANT_NEW(rule_id(c->rule)) : WANT_DROP(c->reason));
	assert_int_equal(ct_count(), c->rule ? 1 : 0);
}

static const struct sport_case singles[] = {
	{"UDP av_edge:55000 -> peer:40004 opens external:10", EXT, IPPROTO_UDP,
	 0, AV_EDGE, RELAY_PORT, ANY_EXT4, PEER_UDP_PORT, EDGEXDP_PASS_NEW_FLOW,
	 "ext-rtp-udp-out"},
	{"UDP av_edge:55000 -> peer:40004 opens external:10 (IPv6)", EXT,
	 IPPROTO_UDP, 0, AV_EDGE6, RELAY_PORT, ANY_EXT6, PEER_UDP_PORT,
	 EDGEXDP_PASS_NEW_FLOW, "ext-rtp-udp-out"},
	{"TCP SYN av_edge:55000 -> peer:8080 opens external:9", EXT,
	 IPPROTO_TCP, F_SYN, AV_EDGE, RELAY_PORT, ANY_EXT4, PEER_TCP_PORT,
	 EDGEXDP_PASS_NEW_FLOW, "ext-rtp-tcp-out"},
	{"UDP from 50000, the range's first port", EXT, IPPROTO_UDP, 0, AV_EDGE,
	 50000, ANY_EXT4, PEER_UDP_PORT, EDGEXDP_PASS_NEW_FLOW,
	 "ext-rtp-udp-out"},
	{"UDP from 59999, the range's last port", EXT, IPPROTO_UDP, 0, AV_EDGE,
	 59999, ANY_EXT4, PEER_UDP_PORT, EDGEXDP_PASS_NEW_FLOW,
	 "ext-rtp-udp-out"},
	{"UDP from 49999, just below the range", EXT, IPPROTO_UDP, 0, AV_EDGE,
	 49999, ANY_EXT4, PEER_UDP_PORT, EDGEXDP_DROP_NO_RULE_PORT, NULL},
	{"UDP from 60000, just above the range", EXT, IPPROTO_UDP, 0, AV_EDGE,
	 60000, ANY_EXT4, PEER_UDP_PORT, EDGEXDP_DROP_NO_RULE_PORT, NULL},
	{"TCP SYN from 49999, just below the range", EXT, IPPROTO_TCP, F_SYN,
	 AV_EDGE, 49999, ANY_EXT4, PEER_TCP_PORT, EDGEXDP_DROP_NO_RULE_PORT,
	 NULL},
	{"TCP SYN from 60000, just above the range", EXT, IPPROTO_TCP, F_SYN,
	 AV_EDGE, 60000, ANY_EXT4, PEER_TCP_PORT, EDGEXDP_DROP_NO_RULE_PORT,
	 NULL},
	{"UDP av_edge:55000 on an internal NIC: wrong_zone", INT, IPPROTO_UDP,
	 0, AV_EDGE, RELAY_PORT, ANY_EXT4, PEER_UDP_PORT,
	 EDGEXDP_DROP_WRONG_ZONE, NULL},
	/* The junk filter counts a source port only for a source-port
	 * rule of the ingress zone: on an internal NIC, a SYN from the
	 * relay's range to a port no rule names never reaches conntrack. */
	{"TCP SYN av_edge:55000 on an internal NIC: junk", INT, IPPROTO_TCP,
	 F_SYN, AV_EDGE, RELAY_PORT, ANY_EXT4, PEER_TCP_PORT,
	 EDGEXDP_DROP_NO_RULE_PORT, NULL},
	{"TCP SYN 198.51.100.66:55000 -> 203.0.113.10:8080 on an internal "
	 "NIC: junk",
	 INT, IPPROTO_TCP, F_SYN, "198.51.100.66", RELAY_PORT, "203.0.113.10",
	 PEER_TCP_PORT, EDGEXDP_DROP_NO_RULE_PORT, NULL},
	{"TCP SYN 10.45.16.30:55000 -> 10.0.0.1:8080 on an internal NIC: "
	 "junk",
	 INT, IPPROTO_TCP, F_SYN, AV_EDGE, RELAY_PORT, "10.0.0.1",
	 PEER_TCP_PORT, EDGEXDP_DROP_NO_RULE_PORT, NULL},
	{"TCP SYN from a peer's 55000 to the access edge: the range is "
	 "av_edge's",
	 EXT, IPPROTO_TCP, F_SYN, ANY_EXT4, RELAY_PORT, "203.0.113.10",
	 PEER_TCP_PORT, EDGEXDP_DROP_NO_RULE_ADDR, NULL},
	{"TCP SYN-ACK peer:8080 -> av_edge:55000, no flow: a reply needs "
	 "one",
	 EXT, IPPROTO_TCP, F_SYN | F_ACK, ANY_EXT4, PEER_TCP_PORT, AV_EDGE,
	 RELAY_PORT, EDGEXDP_DROP_TCP_STATE, NULL},
	{"TCP ACK peer:8080 -> av_edge:55000, no flow", EXT, IPPROTO_TCP, F_ACK,
	 ANY_EXT4, PEER_TCP_PORT, AV_EDGE_PUBLIC, RELAY_PORT,
	 EDGEXDP_DROP_TCP_STATE, NULL},
};

/* The relay's media both ways: the reply, to the private or the public
 * address of the A/V edge, belongs to the flow the relay opened. */
static void udp_relay_both_ways(void **state)
{
	int rule = rule_id("ext-rtp-udp-out");
	struct edgexdp_ct_entry ct;
	struct pkt p;

	(void)state;
	mk_udp(&p, AV_EDGE, RELAY_PORT, ANY_EXT4, PEER_UDP_PORT, 160);
	step("relay -> peer", EXT, &p, WANT_NEW(rule));
	mk_udp(&p, ANY_EXT4, PEER_UDP_PORT, AV_EDGE, RELAY_PORT, 160);
	step("peer -> relay", EXT, &p, WANT_FLOW(rule));
	mk_udp(&p, ANY_EXT4, PEER_UDP_PORT, AV_EDGE_PUBLIC, RELAY_PORT, 160);
	step("peer -> relay's public address", EXT, &p, WANT_FLOW(rule));
	assert_true(ct_get(IPPROTO_UDP, AV_EDGE, RELAY_PORT, ANY_EXT4,
			   PEER_UDP_PORT, &ct));
	assert_int_equal(ct.rule_id, rule);
	assert_int_equal(ct.state, EDGEXDP_CT_ESTABLISHED);
	assert_int_equal(ct_count(), 1);
}

static void tcp_relay_handshake(void **state)
{
	int rule = rule_id("ext-rtp-tcp-out");
	struct edgexdp_ct_entry ct;
	struct pkt p;

	(void)state;
	mk_tcp(&p, AV_EDGE, RELAY_PORT, ANY_EXT4, PEER_TCP_PORT, F_SYN, 0);
	step("SYN relay -> peer:8080", EXT, &p, WANT_NEW(rule));
	mk_tcp(&p, ANY_EXT4, PEER_TCP_PORT, AV_EDGE_PUBLIC, RELAY_PORT,
	       F_SYN | F_ACK, 0);
	step("SYN-ACK peer -> relay", EXT, &p, WANT_FLOW(rule));
	mk_tcp(&p, AV_EDGE, RELAY_PORT, ANY_EXT4, PEER_TCP_PORT, F_ACK, 0);
	step("ACK relay -> peer", EXT, &p, WANT_FLOW(rule));
	mk_tcp(&p, ANY_EXT4, PEER_TCP_PORT, AV_EDGE, RELAY_PORT, F_ACK | F_PSH,
	       100);
	step("media peer -> relay", EXT, &p, WANT_FLOW(rule));
	assert_true(ct_get(IPPROTO_TCP, AV_EDGE, RELAY_PORT, ANY_EXT4,
			   PEER_TCP_PORT, &ct));
	assert_int_equal(ct.state, EDGEXDP_CT_ESTABLISHED);
}

/* The source port's group is only looked up for a new TCP flow when the
 * NIC entry says some rule names source ports: with the bit clear, the
 * SYN that external 9 admits is junk to the data path. */
static void sport_lookup_needs_the_flag(void **state)
{
	struct edgexdp_iface nic = {.zone = EXT,
				    .slot = DP_SLOT,
				    .configured = 1,
				    .sport_protos = 1U << EDGEXDP_PROTO_UDP};
	struct pkt p;

	(void)state;
	assert_int_equal(g_dp.rs.sport_protos,
			 (1U << EDGEXDP_PROTO_TCP) | (1U << EDGEXDP_PROTO_UDP));
	dp_iface_override(&nic);
	mk_tcp(&p, AV_EDGE, RELAY_PORT, ANY_EXT4, PEER_TCP_PORT, F_SYN, 0);
	step("SYN from 55000, TCP bit clear", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_RULE_PORT));
	mk_udp(&p, AV_EDGE, RELAY_PORT, ANY_EXT4, PEER_UDP_PORT, 40);
	step("UDP from 55000, UDP bit set", EXT, &p,
	     WANT_NEW(rule_id("ext-rtp-udp-out")));
}

void cases_sport(void)
{
	case_category("source-port rules");
	for (size_t i = 0; i < sizeof(singles) / sizeof(singles[0]); i++)
		case_addf(single_run, (void *)&singles[i], "%s => %s %s",
			  singles[i].name, singles[i].rule ? "pass" : "drop",
			  singles[i].rule ? singles[i].rule
					  : dp_drop_name(singles[i].reason));
	case_add("relay media both ways, replies to either A/V edge address "
		 "through conntrack",
		 udp_relay_both_ways, NULL);
	case_add("relay TCP media to a peer's ordinary port: handshake and "
		 "data",
		 tcp_relay_handshake, NULL);
	case_add("the NIC entry's sport_protos gates the source port lookup",
		 sport_lookup_needs_the_flag, NULL);
}
