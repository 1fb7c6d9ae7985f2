// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One packet each: link layer (VLAN tags, non-IP), IPv4 options, IPv6
 * extension headers, ICMP types, protocols no rule can allow, truncation
 * at every layer, NICs not in the config. Table-driven: a builder makes a
 * packet, the table says where to cut it and what the data path must do.
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

#define ETH_P_ARP 0x0806
#define ETH_P_LLDP 0x88cc
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define IPPROTO_GRE_ 47
#define IPPROTO_ESP_ 50
#define IPPROTO_NONE_ 59
#define IPPROTO_SCTP_ 132
#define IPPROTO_IPIP_ 4

/* ---- builders: (packet, argument) ---- */

/* The allowed SYN of external:5 (any -> access_edge:443), IPv4. */
static void b_syn4(struct pkt *p, int opt_words)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.ip4_opt_words = (uint8_t)opt_words});
}

/* Same SYN with `words` words of TCP options (doff 5 + words). */
static void b_syn4_tcpopt(struct pkt *p, int words)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.tcp_opt_words = (uint8_t)words});
}

static void b_syn4_port(struct pkt *p, int dport)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = (uint16_t)dport,
					.tcp_flags = F_SYN,
					.ip4_opt_words = 10});
}

/* The SYN behind VLAN tags: arg = tag count, outer 802.1ad if > 1. */
static void b_syn4_vlan(struct pkt *p, int tags)
{
	struct pkt_spec s = {.src = ANY_EXT4,
			     .dst = "203.0.113.10",
			     .proto = IPPROTO_TCP,
			     .sport = 40001,
			     .dport = 443,
			     .tcp_flags = F_SYN,
			     .n_vlans = tags};

	for (int i = 0; i < tags; i++)
		s.vlan[i] = i == 0 && tags > 1 ? ETH_P_8021AD : ETH_P_8021Q;
	pkt_build(p, &s);
}

/* Two plain 802.1Q tags (no 802.1ad outer tag). */
static void b_syn4_dot1q_dot1q(struct pkt *p, int unused)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.vlan = {ETH_P_8021Q, ETH_P_8021Q},
					.n_vlans = 2});
}

static void b_syn6_vlan(struct pkt *p, int tags)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT6,
					.dst = "2001:db8:45::10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.vlan = {ETH_P_8021AD, ETH_P_8021Q},
					.n_vlans = tags});
}

/* IPv6 SYN to 443 behind extension header chains. */
static const uint8_t ext_chains[][8] = {
	{0}, /* none */
	{IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING},
	{IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH,
	 IPPROTO_FRAGMENT, IPPROTO_DSTOPTS},
	{IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH,
	 IPPROTO_FRAGMENT, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS},
	{IPPROTO_AH},
	{IPPROTO_FRAGMENT},
};
static const int ext_chain_len[] = {0, 3, 6, 7, 1, 1};

#define CHAIN(n) (n) /* index into ext_chains, for the table's readability */

static void b_syn6_ext(struct pkt *p, int chain)
{
	struct pkt_spec s = {.src = ANY_EXT6,
			     .dst = "2001:db8:45::10",
			     .proto = IPPROTO_TCP,
			     .sport = 40001,
			     .dport = 443,
			     .tcp_flags = F_SYN,
			     .n_ext = ext_chain_len[chain]};

	memcpy(s.ext, ext_chains[chain], sizeof(s.ext));
	pkt_build(p, &s);
}

static void b_syn6_ext_port(struct pkt *p, int dport)
{
	pkt_build(p,
		  &(struct pkt_spec){.src = ANY_EXT6,
				     .dst = "2001:db8:45::10",
				     .proto = IPPROTO_TCP,
				     .sport = 40001,
				     .dport = (uint16_t)dport,
				     .tcp_flags = F_SYN,
				     .ext = {IPPROTO_HOPOPTS, IPPROTO_DSTOPTS,
					     IPPROTO_ROUTING},
				     .n_ext = 3});
}

/* DNS query of external:4 (access_edge -> any:53). */
static void b_dns4(struct pkt *p, int opt_words)
{
	pkt_build(p, &(struct pkt_spec){.src = "10.45.16.10",
					.dst = "198.51.100.53",
					.proto = IPPROTO_UDP,
					.sport = 40020,
					.dport = 53,
					.payload_len = 40,
					.ip4_opt_words = (uint8_t)opt_words});
}

static void b_dns6(struct pkt *p, int chain)
{
	struct pkt_spec s = {.src = "2001:db8:45::10",
			     .dst = "2001:db8:ff::53",
			     .proto = IPPROTO_UDP,
			     .sport = 40020,
			     .dport = 53,
			     .payload_len = 40,
			     .n_ext = ext_chain_len[chain]};

	memcpy(s.ext, ext_chains[chain], sizeof(s.ext));
	pkt_build(p, &s);
}

/* A packet of IP protocol `proto` (no L4 the data path knows). */
static void b_proto4(struct pkt *p, int proto)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = (uint8_t)proto,
					.payload_len = 24});
}

static void b_proto6(struct pkt *p, int proto)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT6,
					.dst = "2001:db8:45::10",
					.proto = (uint8_t)proto,
					.payload_len = 24});
}

static void b_proto6_ext(struct pkt *p, int proto)
{
	pkt_build(p,
		  &(struct pkt_spec){.src = ANY_EXT6,
				     .dst = "2001:db8:45::10",
				     .proto = (uint8_t)proto,
				     .payload_len = 24,
				     .ext = {IPPROTO_HOPOPTS, IPPROTO_DSTOPTS},
				     .n_ext = 2});
}

/* ICMP / ICMPv6 message of type `type` with no quote (echo, ND, ...). */
static void b_icmp4(struct pkt *p, int type)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_ICMP,
					.icmp_type = (uint8_t)type,
					.icmp_rest = 0x00010001,
					.payload_len = 32});
}

static void b_icmp6(struct pkt *p, int type)
{
	pkt_build(p, &(struct pkt_spec){.src = "fe80::1",
					.dst = "ff02::1",
					.proto = IPPROTO_ICMPV6,
					.icmp_type = (uint8_t)type,
					.ttl = 255,
					.payload_len = 16});
}

/* MLD: from a link-local source, hop limit 1 (RFC 3810, 5). */
static void b_mld(struct pkt *p, int type)
{
	pkt_build(p, &(struct pkt_spec){.src = "fe80::1",
					.dst = "ff02::1",
					.proto = IPPROTO_ICMPV6,
					.icmp_type = (uint8_t)type,
					.ttl = 1,
					.payload_len = 16});
}

static void b_nd_ns(struct pkt *p, int unused)
{
	uint8_t body[24];
	size_t n = pkt_nd_ns_body("2001:db8:45::10", body, sizeof(body));

	pkt_build(p, &(struct pkt_spec){.src = "2001:db8:45::1",
					.dst = "ff02::1:ff00:10",
					.proto = IPPROTO_ICMPV6,
					.icmp_type = 135,
					.ttl = 255,
					.body = body,
					.body_len = n});
}

/* ICMPv6 in IPv4, ICMP in IPv6: a protocol the family does not have. */
static void b_icmp6_in_ipv4(struct pkt *p, int unused)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_ICMPV6,
					.icmp_type = 128});
}

static void b_icmp_in_ipv6(struct pkt *p, int unused)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT6,
					.dst = "2001:db8:45::10",
					.proto = IPPROTO_ICMP,
					.icmp_type = 8});
}

/* An ICMP error quoting an IPv4 (arg 4) or IPv6 (arg 6) SYN to 443. */
static struct pkt quoted;

static void b_icmp_err(struct pkt *p, int family)
{
	if (family == 4) {
		b_syn4(&quoted, 0);
		pkt_build(p, &(struct pkt_spec){.src = "198.51.100.1",
						.dst = ANY_EXT4,
						.proto = IPPROTO_ICMP,
						.icmp_type = 3,
						.icmp_code = 4,
						.icmp_rest = 1280,
						.quote = &quoted});
	} else {
		b_syn6_ext(&quoted, CHAIN(0));
		pkt_build(p, &(struct pkt_spec){.src = "2001:db8:ff::1",
						.dst = ANY_EXT6,
						.proto = IPPROTO_ICMPV6,
						.icmp_type = 2,
						.icmp_rest = 1280,
						.quote = &quoted});
	}
}

/* An ICMPv6 packet too big quoting the IPv6 SYN behind ext_chains[chain]:
 * no flow is tracked, so a whole quote drops (icmp). */
static void b_icmp6_err_ext(struct pkt *p, int chain)
{
	b_syn6_ext(&quoted, chain);
	pkt_build(p, &(struct pkt_spec){.src = "2001:db8:ff::1",
					.dst = ANY_EXT6,
					.proto = IPPROTO_ICMPV6,
					.icmp_type = 2,
					.icmp_rest = 1280,
					.quote = &quoted});
}

/* Poke at the quoted IPv4 header's first byte (version / IHL). */
static void b_icmp_err_quote_vihl(struct pkt *p, int vihl)
{
	b_icmp_err(p, 4);
	p->data[p->l4 + 8] = (uint8_t)vihl;
}

static void b_non_ip(struct pkt *p, int ethertype)
{
	pkt_build(p, &(struct pkt_spec){.ethertype = (uint16_t)ethertype});
}

static void b_arp_vlan(struct pkt *p, int unused)
{
	pkt_build(p, &(struct pkt_spec){.ethertype = ETH_P_ARP,
					.vlan = {ETH_P_8021Q},
					.n_vlans = 1});
}

/* IPv4 header pokes: version/IHL byte, total length. */
static void b_syn4_vihl(struct pkt *p, int vihl)
{
	b_syn4(p, 0);
	p->data[p->l3] = (uint8_t)vihl;
	pkt_ip4_fix_csum(p);
}

static void b_syn4_totlen(struct pkt *p, int delta)
{
	size_t tot;

	b_syn4(p, 0);
	tot = p->len - p->l3 + (size_t)(long)delta;
	p->data[p->l3 + 2] = (uint8_t)(tot >> 8);
	p->data[p->l3 + 3] = (uint8_t)tot;
	pkt_ip4_fix_csum(p);
}

/* Total length 20 + `l4_bytes`: the datagram ends inside the TCP header
 * while the frame goes on (its tail is link padding). */
static void b_syn4_short_datagram(struct pkt *p, int l4_bytes)
{
	size_t tot = 20 + (size_t)l4_bytes;

	b_syn4(p, 0);
	p->data[p->l3 + 2] = (uint8_t)(tot >> 8);
	p->data[p->l3 + 3] = (uint8_t)tot;
	pkt_ip4_fix_csum(p);
}

static void b_syn6_short_payload(struct pkt *p, int l4_bytes)
{
	b_syn6_ext(p, CHAIN(0));
	p->data[p->l3 + 4] = (uint8_t)(l4_bytes >> 8);
	p->data[p->l3 + 5] = (uint8_t)l4_bytes;
}

static void b_dns4_short_datagram(struct pkt *p, int l4_bytes)
{
	size_t tot = 20 + (size_t)l4_bytes;

	b_dns4(p, 0);
	p->data[p->l3 + 2] = (uint8_t)(tot >> 8);
	p->data[p->l3 + 3] = (uint8_t)tot;
	pkt_ip4_fix_csum(p);
}

static void b_syn6_version(struct pkt *p, int version)
{
	b_syn6_ext(p, CHAIN(0));
	p->data[p->l3] = (uint8_t)((version << 4) | (p->data[p->l3] & 0xf));
}

static void b_syn4_doff(struct pkt *p, int doff)
{
	b_syn4(p, 0);
	p->data[p->l4 + 12] = (uint8_t)(doff << 4);
}

/* A first fragment carrying only `n` bytes of the TCP header. */
static void b_syn4_tiny_first_frag(struct pkt *p, int n)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.payload_len = 64,
					.ip_id = 9,
					.frag = true,
					.frag_len = (uint16_t)n,
					.frag_more = true});
}

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

	/* ICMPv6 errors quoting extension headers (see cases_icmp_err.c) */
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
