// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Protocol validity (issue 9, classes 2-7), each refusal next to the
 * legitimate packet that must keep passing: ICMP errors reach only the
 * host they are about; ND and MLD stay on their link; malformed L4 opens
 * nothing; fragments cannot rewrite what was checked nor outlive their
 * flow; an IPv6 address is never an IPv4 NAT address; packets the kernel
 * will discard are not counted as passed on a rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <netinet/in.h>

#include "harness.h"

#define EXT EDGEXDP_ZONE_EXTERNAL

/* external:14: any -> av_edge UDP 3478; external:5: any -> access_edge
 * TCP 443; external:4: access_edge -> any UDP 53. */
#define STUN "ext-stun-udp-in"
#define HTTPS "ext-sip-tls-in"
#define DNS "ext-dns-udp-out"

#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4
#define ICMP6_PACKET_TOO_BIG 2
/* An ICMP error quotes at least 8 bytes past the IP header (RFC 792). */
#define QUOTED_L4_LEN 8

static void set16(struct pkt *p, size_t off, uint16_t v)
{
	p->data[off] = (uint8_t)(v >> 8);
	p->data[off + 1] = (uint8_t)v;
}

static void stun(struct pkt *p, const char *src, const char *dst,
		 size_t payload)
{
	mk_udp(p, src, 40000, dst, 3478, payload);
}

/* ---- class 2: ICMP errors go to the host they are about ---- */

static void https_open(void)
{
	struct pkt p;
	int id = rule_id(HTTPS);

	mk_tcp(&p, ANY_EXT4, 40001, "203.0.113.10", 443, F_SYN, 0);
	step("SYN", EXT, &p, WANT_NEW(id));
	mk_tcp(&p, "203.0.113.10", 443, ANY_EXT4, 40001, F_SYN | F_ACK, 0);
	step("SYN-ACK", EXT, &p, WANT_FLOW(id));
}

static void icmp_error_to(struct pkt *p, const char *src, const char *dst,
			  const struct pkt *quote)
{
	struct edgexdp_addr a;
	int fam = pkt_addr(src, &a);

	pkt_build(p, &(struct pkt_spec){
			     .src = src,
			     .dst = dst,
			     .proto = fam == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6,
			     .icmp_type = fam == 4 ? ICMP_DEST_UNREACH
						   : ICMP6_PACKET_TOO_BIG,
			     .icmp_code = fam == 4 ? ICMP_FRAG_NEEDED : 0,
			     .icmp_rest = 1280,
			     .quote = quote,
		     });
}

/* An HTTPS flow from the Internet to the access edge, and in *err the
 * error a router sends its source about the edge's segment: the flow's
 * quote is `inner`. IPv4: the edge's segment was too big (PMTUD); IPv6:
 * its SYN+ACK was. */
static void https_error(int family, struct pkt *err, struct pkt *inner)
{
	struct pkt p;

	if (family == 4) {
		https_open();
		mk_tcp(inner, "203.0.113.10", 443, ANY_EXT4, 40001, F_ACK,
		       1400);
		icmp_error_to(err, "198.51.100.1", "203.0.113.10", inner);
		return;
	}
	mk_tcp(&p, ANY_EXT6, 40001, "2001:db8:45::10", 443, F_SYN, 0);
	step("SYN", EXT, &p, WANT_NEW(rule_id(HTTPS)));
	mk_tcp(inner, "2001:db8:45::10", 443, ANY_EXT6, 40001, F_SYN | F_ACK,
	       0);
	icmp_error_to(err, "2001:db8:ff::1", "2001:db8:45::10", inner);
}

static void icmp_to_quoted_source_only(void **state)
{
	int id = rule_id(HTTPS);
	struct pkt inner, p;

	(void)state;
	https_error(4, &p, &inner);
	step("PMTUD error to the sender of the quote", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, id));
	icmp_error_to(&p, "198.51.100.1", "198.51.100.99", &inner);
	step("the same error to a third party", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
	icmp_error_to(&p, "198.51.100.1", ANY_EXT4, &inner);
	step("the same error to the quote's destination", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
}

static void icmp6_to_quoted_source_only(void **state)
{
	struct pkt inner, p;
	int id = rule_id(HTTPS);

	(void)state;
	https_error(6, &p, &inner);
	step("packet too big to the sender of the quote", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, id));
	icmp_error_to(&p, "2001:db8:ff::1", "2001:db8:45::99", &inner);
	step("the same to a third party", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
}

/* A flow whose client is routed through another NIC (opened while the
 * check was off): an error about the edge's segment to it must come from
 * that side, not in on lo, the NIC the test's frames arrive on. */
static void icmp_off_the_flows_path(void **state)
{
	static const char *const client = "198.51.100.130"; /* via dp-other */
	int id = rule_id(HTTPS);
	struct pkt inner, p;

	(void)state;
	dp_nic_set(EDGEXDP_SOURCE_OFF, 0);
	mk_tcp(&p, client, 40001, "203.0.113.10", 443, F_SYN, 0);
	step("SYN, check off", EXT, &p, WANT_NEW(id));
	mk_tcp(&inner, "203.0.113.10", 443, client, 40001, F_SYN | F_ACK, 0);
	icmp_error_to(&p, "198.51.100.1", "203.0.113.10", &inner);
	dp_nic_set(EDGEXDP_SOURCE_STRICT, 0);
	step("strict: the error arrives off the flow's path", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
	dp_nic_set(EDGEXDP_SOURCE_LOOSE, 0);
	step("loose: any path", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, id));
}

/* The error's own datagram ends 8 bytes early: the quoted ports are
 * left in what is link padding to the kernel, which discards it. */
static void quote_ports_in_padding(struct pkt *p)
{
	size_t len_off = p->family == 4 ? p->l3 + 2 : p->l3 + 4;
	uint16_t len = (uint16_t)(p->data[len_off] << 8 | p->data[len_off + 1]);

	set16(p, len_off, len - QUOTED_L4_LEN);
	if (p->family == 4)
		pkt_ip4_fix_csum(p);
}

static void icmp_quote_in_padding(void **state)
{
	int id = rule_id(HTTPS);
	struct pkt inner, p;

	(void)state;
	for (int family = 4; family <= 6; family += 2) {
		https_error(family, &p, &inner);
		step("the error, its quote whole", EXT, &p,
		     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, id));
		quote_ports_in_padding(&p);
		step("the quote's ports past the datagram", EXT, &p,
		     WANT_DROP(EDGEXDP_DROP_MALFORMED));
	}
}

/* ---- class 3: ND and MLD stay on their link ---- */

struct link_case {
	const char *name;
	uint8_t type;
	const char *src;
	const char *dst;
	uint8_t hop_limit;
	bool pass;
};

#define NS 135
#define NA 136
#define RS 133
#define MLD_QUERY 130
#define MLD2_REPORT 143

static const struct link_case link_cases[] = {
	{"NS for DAD (from ::) to the solicited-node group", NS,
	 "::", "ff02::1:ff00:10", 255, true},
	{"NS with hop limit 254 (forwarded once)", NS, "::", "ff02::1:ff00:10",
	 254, false},
	{"NS for NUD, to a link-local neighbour", NS, "fe80::2", "fe80::1", 255,
	 true},
	{"NS for NUD, to the gateway's own global address", NS,
	 "2001:db8:45::10", DP_LOCAL6, 255, true},
	{"NS to a global address routed elsewhere", NS, "2001:db8:45::10",
	 "2001:db8:ff::7", 255, false},
	{"NA to all-nodes", NA, "fe80::2", "ff02::1", 255, true},
	{"NA with hop limit 64", NA, "fe80::2", "ff02::1", 64, false},
	{"RS to all-routers", RS, "fe80::2", "ff02::2", 255, true},
	{"RS to a site-scope group", RS, "fe80::2", "ff05::2", 255, false},
	{"MLD query from link-local, hop limit 1", MLD_QUERY, "fe80::1",
	 "ff02::1", 1, true},
	{"MLD query with hop limit 255", MLD_QUERY, "fe80::1", "ff02::1", 255,
	 false},
	{"MLD query from a global source", MLD_QUERY, "2001:db8:45::1",
	 "ff02::1", 1, false},
	{"MLDv2 report from :: to ff02::16", MLD2_REPORT, "::", "ff02::16", 1,
	 true},
	{"MLDv2 report to a global address routed elsewhere", MLD2_REPORT,
	 "fe80::2", "2001:db8:ff::7", 1, false},
};

static void link_run(void **state)
{
	const struct link_case *c = *state;
	struct pkt p;

	pkt_build(&p, &(struct pkt_spec){.src = c->src,
					 .dst = c->dst,
					 .proto = IPPROTO_ICMPV6,
					 .icmp_type = c->type,
					 .ttl = c->hop_limit,
					 .payload_len = 20});
	step(c->name, EXT, &p,
	     c->pass ? WANT_PASS(EDGEXDP_PASS_ICMP6_LINK)
		     : WANT_DROP(EDGEXDP_DROP_ICMP));
}

/* ---- class 4: malformed L4 opens nothing ---- */

struct l4_case {
	const char *name;
	void (*build)(struct pkt *p);
	const char *rule; /* opens a flow on it, or NULL: malformed */
};

static void udp_len_beyond(struct pkt *p)
{
	stun(p, ANY_EXT4, "203.0.113.30", 20);
	set16(p, p->l4 + 4, 8 + 21);
	set16(p, p->l4 + 6, 0); /* IPv4: no checksum */
}

static void udp_len_short(struct pkt *p)
{
	stun(p, ANY_EXT4, "203.0.113.30", 20);
	set16(p, p->l4 + 4, 7);
	set16(p, p->l4 + 6, 0);
}

/* UDP length below the IP payload: the rest is padding (RFC 768). */
static void udp_padded(struct pkt *p)
{
	stun(p, ANY_EXT4, "203.0.113.30", 20);
	set16(p, p->l4 + 4, 8 + 4);
	set16(p, p->l4 + 6, 0);
}

static void udp6_zero_csum(struct pkt *p)
{
	stun(p, ANY_EXT6, "2001:db8:45::30", 20);
	set16(p, p->l4 + 6, 0);
}

static void udp4_zero_csum(struct pkt *p)
{
	stun(p, ANY_EXT4, "203.0.113.30", 20);
	set16(p, p->l4 + 6, 0);
}

static void udp6_ok(struct pkt *p)
{
	stun(p, ANY_EXT6, "2001:db8:45::30", 20);
}

static void tcp_flags(struct pkt *p, uint8_t flags)
{
	mk_tcp(p, ANY_EXT4, 40001, "203.0.113.10", 443, flags, 0);
}

static void tcp_null(struct pkt *p)
{
	tcp_flags(p, 0);
}

static void tcp_syn_fin(struct pkt *p)
{
	tcp_flags(p, F_SYN | F_FIN);
}

static void tcp_syn_rst(struct pkt *p)
{
	tcp_flags(p, F_SYN | F_RST);
}

static void tcp_xmas(struct pkt *p)
{
	tcp_flags(p, F_FIN | F_PSH | F_URG);
}

static void tcp_fin_alone(struct pkt *p)
{
	tcp_flags(p, F_FIN);
}

static void tcp_syn_ecn(struct pkt *p)
{
	tcp_flags(p, F_SYN | F_ECE | F_CWR);
}

/* Data offset 15 (60 bytes) on a 20-byte segment. */
static void tcp_doff_beyond(struct pkt *p)
{
	tcp_flags(p, F_SYN);
	p->data[p->l4 + 12] = 0xf0;
}

/* The first fragment of a datagram: its UDP length counts the whole. */
static void udp_first_fragment(struct pkt *p)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.30",
					.proto = IPPROTO_UDP,
					.sport = 40000,
					.dport = 3478,
					.frag = true,
					.frag_len = 16,
					.frag_more = true,
					.ip_id = 77,
					.payload_len = 100});
}

static const struct l4_case l4_cases[] = {
	{"UDP length beyond the IP payload", udp_len_beyond, NULL},
	{"UDP length 7", udp_len_short, NULL},
	{"UDP length below the IP payload (padding)", udp_padded, STUN},
	{"UDP over IPv6 with a zero checksum", udp6_zero_csum, NULL},
	{"UDP over IPv6 with its checksum", udp6_ok, STUN},
	{"UDP over IPv4 without checksum (0)", udp4_zero_csum, STUN},
	{"UDP first fragment, length of the whole datagram", udp_first_fragment,
	 STUN},
	{"TCP without flags", tcp_null, NULL},
	{"TCP SYN+FIN", tcp_syn_fin, NULL},
	{"TCP SYN+RST", tcp_syn_rst, NULL},
	{"TCP FIN+PSH+URG", tcp_xmas, NULL},
	{"TCP FIN alone", tcp_fin_alone, NULL},
	{"TCP SYN with ECE+CWR (ECN setup)", tcp_syn_ecn, HTTPS},
	{"TCP data offset beyond the segment", tcp_doff_beyond, NULL},
};

static void l4_run(void **state)
{
	const struct l4_case *c = *state;
	struct pkt p;

	c->build(&p);
	if (c->rule) {
		step(c->name, EXT, &p, WANT_NEW(rule_id(c->rule)));
		assert_int_equal(ct_count(), 1);
	} else {
		step(c->name, EXT, &p, WANT_DROP(EDGEXDP_DROP_MALFORMED));
		assert_int_equal(ct_count(), 0);
	}
}

/* ---- class 5: fragments ---- */

static void tcp_fragment(struct pkt *p, const char *src, const char *dst,
			 uint16_t offset, bool more)
{
	pkt_build(p, &(struct pkt_spec){.src = src,
					.dst = dst,
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.frag = true,
					.frag_offset = offset,
					.frag_len = offset ? 8 : 24,
					.frag_more = more,
					.ip_id = 99,
					.frag_id6 = 99,
					.payload_len = 40});
}

static void tcp_offset_one(void **state)
{
	const char *const *fam = *state;
	int id = rule_id(HTTPS);
	struct pkt p;

	tcp_fragment(&p, fam[0], fam[1], 0, true);
	step("first fragment of a SYN", EXT, &p, WANT_NEW(id));
	tcp_fragment(&p, fam[0], fam[1], 24, true);
	step("fragment at offset 24", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_FRAGMENT, id));
	tcp_fragment(&p, fam[0], fam[1], 8, true);
	step("fragment at offset 8 (1 unit): over the TCP header", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
}

static const char *const v4_pair[] = {ANY_EXT4, "203.0.113.10"};
static const char *const v6_pair[] = {ANY_EXT6, "2001:db8:45::10"};

/* Later fragments die with the flow their first fragment belonged to. */
static void fragments_die_with_flow(void **state)
{
	int id = rule_id(HTTPS);
	struct pkt p;

	(void)state;
	https_open();
	pkt_build(&p, &(struct pkt_spec){.src = ANY_EXT4,
					 .dst = "203.0.113.10",
					 .proto = IPPROTO_TCP,
					 .sport = 40001,
					 .dport = 443,
					 .tcp_flags = F_ACK | F_PSH,
					 /* in the window https_open left */
					 .seq = TCP_ISN_INITIATOR + 1,
					 .ack = TCP_ISN_RESPONDER + 1,
					 .frag = true,
					 .frag_len = 24,
					 .frag_more = true,
					 .ip_id = 5,
					 .payload_len = 200});
	step("first fragment of a segment", EXT, &p, WANT_FLOW(id));
	pkt_build(&p, &(struct pkt_spec){.src = ANY_EXT4,
					 .dst = "203.0.113.10",
					 .proto = IPPROTO_TCP,
					 .sport = 40001,
					 .dport = 443,
					 .tcp_flags = F_ACK | F_PSH,
					 .frag = true,
					 .frag_offset = 24,
					 .frag_len = 24,
					 .frag_more = true,
					 .ip_id = 5,
					 .payload_len = 200});
	step("its second fragment", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_FRAGMENT, id));
	{
		struct pkt rst;

		mk_tcp(&rst, "203.0.113.10", 443, ANY_EXT4, 40001, F_RST, 0);
		step("the edge resets the connection", EXT, &rst,
		     WANT_FLOW(id));
	}
	step("the third fragment, after the flow ended", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
}

/* ---- class 6: families never alias ---- */

/* The 16 bytes of 10.45.16.10 (a NAT private address) read as IPv6. */
#define V4_ALIAS6 "a2d:100a::"
/* and those of its public partner 203.0.113.10 */
#define V4_PUBLIC_ALIAS6 "cb00:710a::"

static void nat_no_family_alias(void **state)
{
	int id = rule_id(STUN);
	struct pkt p;

	(void)state;
	stun(&p, V4_PUBLIC_ALIAS6, "2001:db8:45::30", 20);
	step("STUN from the IPv6 twin of a NAT public address", EXT, &p,
	     WANT_NEW(id));
	mk_udp(&p, "2001:db8:45::30", 3478, V4_ALIAS6, 40000, 20);
	step("a reply to the IPv6 twin of the private address", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_FLOW));
	/* The NAT pair itself still makes one flow of both sides. */
	mk_udp(&p, "10.45.16.10", 40053, "198.51.100.53", 53, 20);
	step("query from the private address", EXT, &p, WANT_NEW(rule_id(DNS)));
	mk_udp(&p, "198.51.100.53", 53, "203.0.113.10", 40053, 20);
	step("its answer to the public address", EXT, &p,
	     WANT_FLOW(rule_id(DNS)));
}

/* ---- class 7: what the kernel discards is not counted on a rule ---- */

static void bad_ipv4_csum(void **state)
{
	struct pkt p;

	(void)state;
	stun(&p, ANY_EXT4, "203.0.113.30", 20);
	p.data[p.l3 + 10] ^= 0x55;
	step("bad IPv4 header checksum", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_MALFORMED));
	assert_int_equal(ct_count(), 0);
	pkt_ip4_fix_csum(&p);
	step("the same, checksum fixed", EXT, &p, WANT_NEW(rule_id(STUN)));
}

static void bad_ipv4_csum_options(void **state)
{
	struct pkt p;

	(void)state;
	pkt_build(&p, &(struct pkt_spec){.src = ANY_EXT4,
					 .dst = "203.0.113.30",
					 .proto = IPPROTO_UDP,
					 .ip4_opt_words = 10,
					 .sport = 40000,
					 .dport = 3478,
					 .payload_len = 20});
	p.data[p.l3 + 20 + 39] ^= 0x01; /* the last option byte */
	step("bad checksum over 40 bytes of options", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_MALFORMED));
	pkt_ip4_fix_csum(&p);
	step("the same, checksum fixed", EXT, &p, WANT_NEW(rule_id(STUN)));
}

static void hbh_not_first(void **state)
{
	struct pkt p;

	(void)state;
	pkt_build(&p,
		  &(struct pkt_spec){.src = ANY_EXT6,
				     .dst = "2001:db8:45::30",
				     .proto = IPPROTO_UDP,
				     .ext = {IPPROTO_DSTOPTS, IPPROTO_HOPOPTS},
				     .n_ext = 2,
				     .sport = 40000,
				     .dport = 3478,
				     .payload_len = 20});
	step("hop-by-hop after destination options", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_MALFORMED));
	pkt_build(&p,
		  &(struct pkt_spec){.src = ANY_EXT6,
				     .dst = "2001:db8:45::30",
				     .proto = IPPROTO_UDP,
				     .ext = {IPPROTO_HOPOPTS, IPPROTO_DSTOPTS},
				     .n_ext = 2,
				     .sport = 40000,
				     .dport = 3478,
				     .payload_len = 20});
	step("hop-by-hop first", EXT, &p, WANT_NEW(rule_id(STUN)));
}

void cases_valid(void)
{
	case_category("protocol validity");
	case_add("ICMP error passes only to the quoted packet's source",
		 icmp_to_quoted_source_only, NULL);
	case_add("ICMPv6 error passes only to the quoted packet's source",
		 icmp6_to_quoted_source_only, NULL);
	case_add("ICMP error from off the flow's path drops on a strict NIC",
		 icmp_off_the_flows_path, NULL);
	case_add("an ICMP error's quote ends with its datagram, not the frame",
		 icmp_quote_in_padding, NULL);
	for (size_t i = 0; i < sizeof(link_cases) / sizeof(*link_cases); i++)
		case_addf(link_run, (void *)&link_cases[i], "%s %s",
			  link_cases[i].name,
			  link_cases[i].pass ? "passes" : "drops (icmp)");
	for (size_t i = 0; i < sizeof(l4_cases) / sizeof(*l4_cases); i++)
		case_addf(l4_run, (void *)&l4_cases[i], "%s %s",
			  l4_cases[i].name,
			  l4_cases[i].rule ? "opens a flow"
					   : "drops malformed, no state");
	case_add("IPv4 TCP fragment at offset 1 drops, offset 3 passes",
		 tcp_offset_one, (void *)v4_pair);
	case_add("IPv6 TCP fragment at offset 1 drops, offset 3 passes",
		 tcp_offset_one, (void *)v6_pair);
	case_add("later fragments die with the flow of their first",
		 fragments_die_with_flow, NULL);
	case_add("an IPv6 address sharing a NAT address's bytes is not it",
		 nat_no_family_alias, NULL);
	case_add("bad IPv4 header checksum drops malformed, not on a rule",
		 bad_ipv4_csum, NULL);
	case_add("bad IPv4 header checksum over options drops malformed",
		 bad_ipv4_csum_options, NULL);
	case_add("hop-by-hop not first drops malformed; first passes",
		 hbh_not_first, NULL);
}
