// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One packet each: link layer (VLAN tags, non-IP), IPv4 options, IPv6
 * extension headers, ICMP types, protocols no rule can allow, truncation
 * at every layer, NICs not in the config. Table-driven: a builder makes a
 * packet (parse_frames.c), the table says where to cut it and what the
 * data path must do.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "parse_frames.h"

#define EXT EDGEXDP_ZONE_EXTERNAL
#define INT EDGEXDP_ZONE_INTERNAL

/* ---- the table ---- */

enum cut_kind {
	NO_CUT,
	CUT, /* frame cut, headers unchanged */
	CUT_FIX, /* frame cut, IP length fields agree */
};

enum anchor {
	AT_FRAME,
	AT_VLAN,
	AT_L3,
	AT_EXT0,
	AT_EXT1,
	AT_EXT2,
	AT_EXT3,
	AT_EXT4,
	AT_L4
};

struct parse_case {
	const char *name;
	void (*build)(struct pkt *p, int arg);
	int arg;
	enum edgexdp_zone zone;
	enum cut_kind cut;
	enum anchor at;
	int plus; /* cut at anchor + plus bytes */
	bool pass;
	int reason;
	const char *rule; /* a rule counts it (a new flow when NEW_FLOW) */
	int pad_to; /* pad the frame to this length (Ethernet padding) */
};

#define PASS_NEW(rule) true, EDGEXDP_PASS_NEW_FLOW, rule, 0
#define PASS_NEW_PADDED(rule, len) true, EDGEXDP_PASS_NEW_FLOW, rule, len
#define PASS(reason) true, EDGEXDP_PASS_##reason, NULL, 0
#define DROP(reason) false, EDGEXDP_DROP_##reason, NULL, 0
#define WHOLE NO_CUT, AT_FRAME, 0

#define SIP "ext-sip-tls-in"
#define DNS "ext-dns-udp-out"

static const struct parse_case parse_cases[] = {
	/* link layer */
	{"802.1Q-tagged SYN to 443 opens a flow", b_syn4_vlan, 1, EXT, WHOLE,
	 PASS_NEW(SIP)},
	{"QinQ (802.1ad + 802.1Q) SYN to 443 opens a flow", b_syn4_vlan, 2, EXT,
	 WHOLE, PASS_NEW(SIP)},
	{"two 802.1Q tags, SYN to 443 opens a flow", b_syn4_dot1q_dot1q, 0, EXT,
	 WHOLE, PASS_NEW(SIP)},
	{"QinQ IPv6 SYN to 443 opens a flow", b_syn6_vlan, 2, EXT, WHOLE,
	 PASS_NEW(SIP)},
	{"three VLAN tags drop malformed", b_syn4_vlan, 3, EXT, WHOLE,
	 DROP(MALFORMED)},
	{"ARP passes (non_ip)", b_non_ip, ETH_P_ARP, EXT, WHOLE, PASS(NON_IP)},
	{"ARP passes on the internal zone (non_ip)", b_non_ip, ETH_P_ARP, INT,
	 WHOLE, PASS(NON_IP)},
	{"VLAN-tagged ARP passes (non_ip)", b_arp_vlan, 0, EXT, WHOLE,
	 PASS(NON_IP)},
	{"LLDP passes (non_ip)", b_non_ip, ETH_P_LLDP, EXT, WHOLE,
	 PASS(NON_IP)},
	{"minimum Ethernet frame: SYN padded to 60 bytes opens a flow", b_syn4,
	 0, EXT, WHOLE, PASS_NEW_PADDED(SIP, 60)},
	{"IPv6 SYN with 20 bytes of link padding opens a flow", b_syn6_vlan, 0,
	 EXT, WHOLE, PASS_NEW_PADDED(SIP, 94)},

	/* IPv4 options */
	{"IPv4 options (IHL 6) SYN to 443 opens a flow", b_syn4, 1, EXT, WHOLE,
	 PASS_NEW(SIP)},
	{"IPv4 options (IHL 15) SYN to 443 opens a flow", b_syn4, 10, EXT,
	 WHOLE, PASS_NEW(SIP)},
	{"IPv4 options (IHL 15) DNS query opens a flow", b_dns4, 10, EXT, WHOLE,
	 PASS_NEW(DNS)},
	{"IPv4 options (IHL 15) SYN to 444 drops no_rule_port", b_syn4_port,
	 444, EXT, WHOLE, DROP(NO_RULE_PORT)},
	{"TCP options (doff 15) SYN to 443 opens a flow", b_syn4_tcpopt, 10,
	 EXT, WHOLE, PASS_NEW(SIP)},

	/* IPv6 extension headers */
	{"IPv6 hop-by-hop + dest options + routing, SYN to 443 opens a flow",
	 b_syn6_ext, CHAIN(1), EXT, WHOLE, PASS_NEW(SIP)},
	{"IPv6 six extension headers (HBH DST RT AH FRAG DST) open a flow",
	 b_syn6_ext, CHAIN(2), EXT, WHOLE, PASS_NEW(SIP)},
	{"IPv6 seven extension headers drop malformed", b_syn6_ext, CHAIN(3),
	 EXT, WHOLE, DROP(MALFORMED)},
	{"IPv6 AH, DNS query opens a flow", b_dns6, CHAIN(4), EXT, WHOLE,
	 PASS_NEW(DNS)},
	{"IPv6 hop-by-hop + dest options + routing, DNS query opens a flow",
	 b_dns6, CHAIN(1), EXT, WHOLE, PASS_NEW(DNS)},
	{"IPv6 extension headers, SYN to 444 drops no_rule_port",
	 b_syn6_ext_port, 444, EXT, WHOLE, DROP(NO_RULE_PORT)},
	{"IPv6 extension headers, then GRE drops proto", b_proto6_ext,
	 IPPROTO_GRE_, EXT, WHOLE, DROP(PROTO)},

	/* ICMP that is not an error, and link control */
	{"ICMP echo request drops (icmp)", b_icmp4, 8, EXT, WHOLE, DROP(ICMP)},
	{"ICMP echo reply drops (icmp)", b_icmp4, 0, EXT, WHOLE, DROP(ICMP)},
	{"ICMP redirect drops (icmp)", b_icmp4, 5, EXT, WHOLE, DROP(ICMP)},
	{"ICMP timestamp drops (icmp)", b_icmp4, 13, EXT, WHOLE, DROP(ICMP)},
	{"ICMP echo request on the internal zone drops (icmp)", b_icmp4, 8, INT,
	 WHOLE, DROP(ICMP)},
	{"ICMPv6 echo request drops (icmp)", b_icmp6, 128, EXT, WHOLE,
	 DROP(ICMP)},
	{"ICMPv6 echo reply drops (icmp)", b_icmp6, 129, EXT, WHOLE,
	 DROP(ICMP)},
	{"ICMPv6 neighbour solicitation passes (icmp6_link)", b_nd_ns, 0, EXT,
	 WHOLE, PASS(ICMP6_LINK)},
	{"ICMPv6 neighbour solicitation on the internal zone passes", b_nd_ns,
	 0, INT, WHOLE, PASS(ICMP6_LINK)},
	{"ICMPv6 neighbour advertisement passes (icmp6_link)", b_icmp6, 136,
	 EXT, WHOLE, PASS(ICMP6_LINK)},
	{"ICMPv6 router solicitation passes (icmp6_link)", b_icmp6, 133, EXT,
	 WHOLE, PASS(ICMP6_LINK)},
	{"ICMPv6 router advertisement passes (icmp6_link)", b_icmp6, 134, EXT,
	 WHOLE, PASS(ICMP6_LINK)},
	{"ICMPv6 redirect passes (icmp6_link)", b_icmp6, 137, EXT, WHOLE,
	 PASS(ICMP6_LINK)},
	{"ICMPv6 MLD query passes (icmp6_link)", b_mld, 130, EXT, WHOLE,
	 PASS(ICMP6_LINK)},
	{"ICMPv6 MLDv2 report passes (icmp6_link)", b_mld, 143, EXT, WHOLE,
	 PASS(ICMP6_LINK)},
	{"ICMPv6 type 138 (router renumbering) drops (icmp)", b_icmp6, 138, EXT,
	 WHOLE, DROP(ICMP)},
	{"ICMPv6 type 144 drops (icmp)", b_icmp6, 144, EXT, WHOLE, DROP(ICMP)},
	{"ICMPv6 inside IPv4 drops proto", b_icmp6_in_ipv4, 0, EXT, WHOLE,
	 DROP(PROTO)},
	{"ICMP inside IPv6 drops proto", b_icmp_in_ipv6, 0, EXT, WHOLE,
	 DROP(PROTO)},

	/* protocols no rule can allow */
	{"GRE (47) drops proto", b_proto4, IPPROTO_GRE_, EXT, WHOLE,
	 DROP(PROTO)},
	{"GRE (47) on the internal zone drops proto", b_proto4, IPPROTO_GRE_,
	 INT, WHOLE, DROP(PROTO)},
	{"IP-in-IP (4) drops proto", b_proto4, IPPROTO_IPIP_, EXT, WHOLE,
	 DROP(PROTO)},
	{"SCTP (132) drops proto", b_proto4, IPPROTO_SCTP_, EXT, WHOLE,
	 DROP(PROTO)},
	{"IPv6 ESP (50) drops proto", b_proto6, IPPROTO_ESP_, EXT, WHOLE,
	 DROP(PROTO)},
	{"IPv6 no next header (59) drops proto", b_proto6, IPPROTO_NONE_, EXT,
	 WHOLE, DROP(PROTO)},

	/* truncation and inconsistency, layer by layer */
	/* (A frame shorter than its Ethernet header cannot be run: the
	 * kernel's BPF_PROG_TEST_RUN refuses it with -EINVAL.) */
	{"Ethernet header alone, IPv4 ethertype", b_syn4, 0, EXT, CUT, AT_FRAME,
	 14, DROP(MALFORMED)},
	{"truncated 802.1Q tag", b_syn4_vlan, 1, EXT, CUT, AT_VLAN, 2,
	 DROP(MALFORMED)},
	{"truncated inner tag of QinQ", b_syn4_vlan, 2, EXT, CUT, AT_FRAME, 20,
	 DROP(MALFORMED)},
	{"truncated IPv4 header (19 bytes)", b_syn4, 0, EXT, CUT, AT_L3, 19,
	 DROP(MALFORMED)},
	{"truncated IPv4 options (IHL 8, 24 bytes present)", b_syn4, 3, EXT,
	 CUT, AT_L3, 24, DROP(MALFORMED)},
	{"IPv4 IHL 4", b_syn4_vihl, 0x44, EXT, WHOLE, DROP(MALFORMED)},
	{"IPv4 IHL 0", b_syn4_vihl, 0x40, EXT, WHOLE, DROP(MALFORMED)},
	{"IPv6 version inside the IPv4 ethertype", b_syn4_vihl, 0x65, EXT,
	 WHOLE, DROP(MALFORMED)},
	{"IPv4 total length beyond the frame", b_syn4_totlen, 1, EXT, WHOLE,
	 DROP(MALFORMED)},
	{"IPv4 total length below the header length", b_syn4_totlen, -21, EXT,
	 WHOLE, DROP(MALFORMED)},
	{"IPv6 payload length beyond the frame", b_syn6_short_payload, 21, EXT,
	 WHOLE, DROP(MALFORMED)},
	{"truncated IPv6 header (39 bytes)", b_syn6_ext, CHAIN(0), EXT, CUT,
	 AT_L3, 39, DROP(MALFORMED)},
	{"IPv4 version inside the IPv6 ethertype", b_syn6_version, 4, EXT,
	 WHOLE, DROP(MALFORMED)},
	{"truncated hop-by-hop header (1 byte)", b_syn6_ext, CHAIN(1), EXT,
	 CUT_FIX, AT_EXT0, 1, DROP(MALFORMED)},
	{"hop-by-hop header cut inside its options", b_syn6_ext, CHAIN(1), EXT,
	 CUT_FIX, AT_EXT0, 5, DROP(MALFORMED)},
	{"truncated destination options header (1 byte)", b_syn6_ext, CHAIN(1),
	 EXT, CUT_FIX, AT_EXT1, 1, DROP(MALFORMED)},
	{"truncated routing header (1 byte)", b_syn6_ext, CHAIN(1), EXT,
	 CUT_FIX, AT_EXT2, 1, DROP(MALFORMED)},
	{"routing header cut inside its address", b_syn6_ext, CHAIN(1), EXT,
	 CUT_FIX, AT_EXT2, 12, DROP(MALFORMED)},
	{"truncated AH (11 bytes)", b_syn6_ext, CHAIN(2), EXT, CUT_FIX, AT_EXT3,
	 11, DROP(MALFORMED)},
	{"truncated fragment header (7 bytes)", b_syn6_ext, CHAIN(2), EXT,
	 CUT_FIX, AT_EXT4, 7, DROP(MALFORMED)},
	{"truncated TCP header (19 bytes, IPv4)", b_syn4, 0, EXT, CUT_FIX,
	 AT_L4, 19, DROP(MALFORMED)},
	{"truncated TCP header (19 bytes, IPv6)", b_syn6_ext, CHAIN(0), EXT,
	 CUT_FIX, AT_L4, 19, DROP(MALFORMED)},
	{"truncated TCP header (IPv4 cut raw at 30 bytes)", b_syn4, 0, EXT, CUT,
	 AT_L4, 10, DROP(MALFORMED)},
	{"TCP data offset 4", b_syn4_doff, 4, EXT, WHOLE, DROP(MALFORMED)},
	{"TCP data offset 0", b_syn4_doff, 0, EXT, WHOLE, DROP(MALFORMED)},
	{"truncated TCP options (doff 8, 24 bytes present)", b_syn4_tcpopt, 3,
	 EXT, CUT_FIX, AT_L4, 24, DROP(MALFORMED)},
	{"TCP data offset beyond the frame (doff 15, 20 bytes)", b_syn4_doff,
	 15, EXT, WHOLE, DROP(MALFORMED)},
	{"IPv4 total length ends inside the TCP header (frame padded)",
	 b_syn4_short_datagram, 10, EXT, WHOLE, DROP(MALFORMED)},
	{"IPv6 payload length ends inside the TCP header (frame padded)",
	 b_syn6_short_payload, 10, EXT, WHOLE, DROP(MALFORMED)},
	{"IPv4 total length ends inside the UDP header (frame padded)",
	 b_dns4_short_datagram, 4, EXT, WHOLE, DROP(MALFORMED)},
	{"first fragment with 8 bytes of the TCP header",
	 b_syn4_tiny_first_frag, 8, EXT, WHOLE, DROP(MALFORMED)},
	{"truncated UDP header (7 bytes, IPv4)", b_dns4, 0, EXT, CUT_FIX, AT_L4,
	 7, DROP(MALFORMED)},
	{"truncated UDP header (7 bytes, IPv6)", b_dns6, CHAIN(0), EXT, CUT_FIX,
	 AT_L4, 7, DROP(MALFORMED)},
	{"truncated ICMP header (7 bytes)", b_icmp4, 8, EXT, CUT_FIX, AT_L4, 7,
	 DROP(MALFORMED)},
	{"truncated ICMPv6 header (7 bytes)", b_icmp6, 135, EXT, CUT_FIX, AT_L4,
	 7, DROP(MALFORMED)},
	{"ICMP error with a truncated quoted IPv4 header (19 bytes)",
	 b_icmp_err, 4, EXT, CUT_FIX, AT_L4, 8 + 19, DROP(MALFORMED)},
	{"ICMP error quoting an IPv4 header with IHL 4", b_icmp_err_quote_vihl,
	 0x44, EXT, WHOLE, DROP(MALFORMED)},
	{"ICMP error quoting an IPv6 header as IPv4", b_icmp_err_quote_vihl,
	 0x65, EXT, WHOLE, DROP(MALFORMED)},
	{"ICMP error quoting 4 of the 8 L4 bytes", b_icmp_err, 4, EXT, CUT_FIX,
	 AT_L4, 8 + 20 + 4, DROP(MALFORMED)},
	{"ICMPv6 error with a truncated quoted IPv6 header (39 bytes)",
	 b_icmp_err, 6, EXT, CUT_FIX, AT_L4, 8 + 39, DROP(MALFORMED)},
	{"ICMPv6 error quoting 4 of the 8 L4 bytes", b_icmp_err, 6, EXT,
	 CUT_FIX, AT_L4, 8 + 40 + 4, DROP(MALFORMED)},

	/* ICMPv6 errors quoting extension headers (the tracked ones are in
	 * cases_icmp_err.c) */
	{"ICMPv6 error quoting no flow behind hop-by-hop, dest options, "
	 "routing drops (icmp)",
	 b_icmp6_err_ext, CHAIN(1), EXT, WHOLE, DROP(ICMP)},
	{"ICMPv6 error quoting no flow behind six extension headers drops "
	 "(icmp)",
	 b_icmp6_err_ext, CHAIN(2), EXT, WHOLE, DROP(ICMP)},
	{"ICMPv6 error quoting no flow behind an atomic fragment drops (icmp)",
	 b_icmp6_err_ext, CHAIN(5), EXT, WHOLE, DROP(ICMP)},
	{"ICMPv6 error quoting seven extension headers drops malformed",
	 b_icmp6_err_ext, CHAIN(3), EXT, WHOLE, DROP(MALFORMED)},
	{"ICMPv6 error quoting a truncated hop-by-hop header (1 byte)",
	 b_icmp6_err_ext, CHAIN(1), EXT, CUT_FIX, AT_L4, 8 + 40 + 1,
	 DROP(MALFORMED)},
	{"ICMPv6 error quoting dest options cut inside its options",
	 b_icmp6_err_ext, CHAIN(1), EXT, CUT_FIX, AT_L4, 8 + 40 + 8 + 5,
	 DROP(MALFORMED)},
	{"ICMPv6 error quoting a truncated fragment header (7 bytes)",
	 b_icmp6_err_ext, CHAIN(5), EXT, CUT_FIX, AT_L4, 8 + 40 + 7,
	 DROP(MALFORMED)},
	{"ICMPv6 error quoting 4 of the 8 L4 bytes behind extension headers",
	 b_icmp6_err_ext, CHAIN(1), EXT, CUT_FIX, AT_L4,
	 8 + 40 + 8 + 16 + 24 + 4, DROP(MALFORMED)},
};

static size_t anchor_offset(const struct pkt *p, enum anchor at)
{
	switch (at) {
	case AT_FRAME:
		return 0;
	case AT_VLAN:
		return p->vlan[0];
	case AT_L3:
		return p->l3;
	case AT_L4:
		return p->l4;
	default:
		if ((int)(at - AT_EXT0) >= p->n_ext)
			fail_msg("test bug: no extension header %d",
				 at - AT_EXT0);
		return p->ext[at - AT_EXT0];
	}
}

static void parse_run(void **state)
{
	const struct parse_case *c = *state;
	struct want w;
	struct pkt p;

	c->build(&p, c->arg);
	if (c->cut != NO_CUT) {
		size_t at = anchor_offset(&p, c->at) + (size_t)c->plus;

		if (at >= p.len)
			fail_msg("test bug: cut at %zu of a %zu-byte frame", at,
				 p.len);
		if (c->cut == CUT)
			pkt_cut(&p, at);
		else
			pkt_cut_consistent(&p, at);
	}
	if (c->pad_to) {
		if ((size_t)c->pad_to <= p.len)
			fail_msg("test bug: %zu-byte frame padded to %d", p.len,
				 c->pad_to);
		pkt_pad(&p, (size_t)c->pad_to - p.len);
	}

	if (c->pass && c->reason == EDGEXDP_PASS_NEW_FLOW)
		w = WANT_NEW(rule_id(c->rule));
	else if (c->pass)
		w = c->rule ? WANT_ON(c->reason, rule_id(c->rule))
			    : WANT_PASS(c->reason);
	else
		w = WANT_DROP(c->reason);
	step(c->name, c->zone, &p, w);
	assert_int_equal(ct_count(), w.new_flow ? 1 : 0);
}

/* ---- NICs the config does not know ---- */

static void unknown_nic(void **state)
{
	struct pkt p;

	b_syn4(&p, 0);
	dp_iface_override(NULL);
	step("SYN to 443 on a NIC not in the interfaces map", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_UNKNOWN_IFACE));
	assert_int_equal(ct_count(), 0);
}

static void bad_zone_nic(void **state)
{
	struct edgexdp_iface bad = {
		.zone = EDGEXDP_ZONE_COUNT, .slot = 0, .configured = 1};
	struct pkt p;

	b_syn4(&p, 0);
	dp_iface_override(&bad);
	step("SYN to 443 on a NIC with zone 2", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_UNKNOWN_IFACE));
	assert_int_equal(ct_count(), 0);
}

void cases_parse(void)
{
	case_category("parser and link");
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]);
	     i++)
		case_add(parse_cases[i].name, parse_run,
			 (void *)&parse_cases[i]);
	case_add("frame on a NIC not in the config drops unknown_iface",
		 unknown_nic, NULL);
	case_add("NIC with an out-of-range zone drops unknown_iface",
		 bad_zone_nic, NULL);
}
