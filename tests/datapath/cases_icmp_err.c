// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ICMP and ICMPv6 errors about flows: related to a tracked flow they
 * pass, about anything else they drop (flows.h).
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "flows.h"
#include "harness.h"

#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4
#define ICMP_PORT_UNREACH 3
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12
#define ICMP6_DST_UNREACH 1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3

static void icmp_error(struct pkt *p, const char *src, const char *dst,
		       uint8_t type, uint8_t code, uint32_t rest,
		       const struct pkt *quote)
{
	struct edgexdp_addr a;
	int fam = pkt_addr(src, &a);

	pkt_build(p, &(struct pkt_spec){
			     .src = src,
			     .dst = dst,
			     .proto = fam == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6,
			     .icmp_type = type,
			     .icmp_code = code,
			     .icmp_rest = rest,
			     .quote = quote,
		     });
}

static void icmp_frag_needed_related(void **state)
{
	struct pkt inner, p;

	establish(&flow_https);
	/* The edge's reply was too big for a router on the way back. */
	flow_pkt(&inner, &flow_https, false, false, F_ACK | F_PSH, 1400);
	icmp_error(&p, "198.51.100.1", "10.45.16.10", ICMP_DEST_UNREACH,
		   ICMP_FRAG_NEEDED, 1280, &inner);
	step("frag-needed quoting the flow", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, HTTPS_RULE));
	/* The same error quoting the public side of the NAT. */
	flow_pkt(&inner, &flow_https, false, true, F_ACK | F_PSH, 1400);
	icmp_error(&p, "198.51.100.1", "203.0.113.10", ICMP_DEST_UNREACH,
		   ICMP_FRAG_NEEDED, 1280, &inner);
	step("frag-needed quoting the NAT's public side", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, HTTPS_RULE));
	expect_ct(&flow_https, EDGEXDP_CT_ESTABLISHED, "ICMP");
}

static void icmp_time_exceeded_related(void **state)
{
	struct pkt inner, p;
	int rule = rule_id(flow_dns.rule);

	flow_pkt(&inner, &flow_dns, true, true, 0, 40);
	step("query", flow_dns.zone, &inner, WANT_NEW(rule));
	icmp_error(&p, "198.51.100.1", "203.0.113.10", ICMP_TIME_EXCEEDED, 0, 0,
		   &inner);
	step("time exceeded quoting the query", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, rule));
	icmp_error(&p, "198.51.100.53", "203.0.113.10", ICMP_DEST_UNREACH,
		   ICMP_PORT_UNREACH, 0, &inner);
	step("port unreachable quoting the query", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, rule));
	icmp_error(&p, "198.51.100.1", "203.0.113.10", ICMP_PARAMETERPROB, 0, 0,
		   &inner);
	step("parameter problem quoting the query", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, rule));
}

static void icmp_quote_with_ip_options(void **state)
{
	struct pkt inner, p;

	establish(&flow_https);
	pkt_build(&inner, &(struct pkt_spec){.src = "203.0.113.10",
					     .dst = ANY_EXT4,
					     .proto = IPPROTO_TCP,
					     .ip4_opt_words = 3,
					     .sport = 443,
					     .dport = 40001,
					     .tcp_flags = F_ACK});
	icmp_error(&p, "198.51.100.1", "203.0.113.10", ICMP_DEST_UNREACH,
		   ICMP_FRAG_NEEDED, 1280, &inner);
	step("frag-needed quoting a header with options (IHL 8)", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, HTTPS_RULE));
}

static void icmp6_too_big_related(void **state)
{
	static const struct flow_def f = {
		"v6",	     EXT,
		IPPROTO_TCP, ANY_EXT6,
		40001,	     "2001:db8:45::10",
		443,	     "ext-sip-tls-in",
		false,
	};
	struct pkt inner, p;

	establish(&f);
	flow_pkt(&inner, &f, false, false, F_ACK | F_PSH, 1400);
	icmp_error(&p, "2001:db8:ff::1", "2001:db8:45::10",
		   ICMP6_PACKET_TOO_BIG, 0, 1280, &inner);
	step("packet too big quoting the flow", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, rule_id(f.rule)));
	icmp_error(&p, "2001:db8:ff::1", "2001:db8:45::10", ICMP6_TIME_EXCEEDED,
		   0, 0, &inner);
	step("time exceeded quoting the flow", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, rule_id(f.rule)));
}

static const struct flow_def https6 = {
	"https6",	   EXT, IPPROTO_TCP,	  ANY_EXT6, 40001,
	"2001:db8:45::10", 443, "ext-sip-tls-in", false,
};

/* A packet of https6 from the server, behind the extension headers ext. */
static void https6_reply_ext(struct pkt *p, const uint8_t *ext, int n_ext,
			     bool frag, uint16_t frag_offset)
{
	struct pkt_spec s = {.src = https6.server,
			     .dst = https6.client,
			     .proto = IPPROTO_TCP,
			     .sport = https6.sport,
			     .dport = https6.cport,
			     .tcp_flags = F_ACK | F_PSH,
			     .payload_len = 1400,
			     .n_ext = n_ext,
			     .frag_id6 = 77,
			     .frag = frag,
			     .frag_offset = frag_offset,
			     .frag_len = frag ? 512 : 0,
			     .frag_more = frag};

	memcpy(s.ext, ext, (size_t)n_ext);
	pkt_build(p, &s);
}

static const uint8_t ext_dst[] = {IPPROTO_DSTOPTS};
static const uint8_t ext_hbh_rt_dst[] = {IPPROTO_HOPOPTS, IPPROTO_ROUTING,
					 IPPROTO_DSTOPTS};

static void icmp6_quote_dstopts_related(void **state)
{
	struct pkt inner, p;

	establish(&https6);
	https6_reply_ext(&inner, ext_dst, 1, false, 0);
	icmp_error(&p, "2001:db8:ff::1", https6.server, ICMP6_PACKET_TOO_BIG, 0,
		   1280, &inner);
	step("packet too big quoting the flow behind destination options", EXT,
	     &p, WANT_ON(EDGEXDP_PASS_ICMP_RELATED, HTTPS_RULE));
	https6_reply_ext(&inner, ext_hbh_rt_dst, 3, false, 0);
	icmp_error(&p, "2001:db8:ff::1", https6.server, ICMP6_DST_UNREACH, 1, 0,
		   &inner);
	step("unreachable quoting the flow behind hop-by-hop, routing, "
	     "destination options",
	     EXT, &p, WANT_ON(EDGEXDP_PASS_ICMP_RELATED, HTTPS_RULE));
	expect_ct(&https6, EDGEXDP_CT_ESTABLISHED, "ICMPv6");
}

static void icmp6_quote_fragment_related(void **state)
{
	struct pkt inner, p;

	establish(&https6);
	https6_reply_ext(&inner, NULL, 0, true, 0);
	icmp_error(&p, "2001:db8:ff::1", https6.server, ICMP6_PACKET_TOO_BIG, 0,
		   1280, &inner);
	step("packet too big quoting the flow's first fragment (offset 0)", EXT,
	     &p, WANT_ON(EDGEXDP_PASS_ICMP_RELATED, HTTPS_RULE));
	https6_reply_ext(&inner, ext_dst, 1, true, 0);
	icmp_error(&p, "2001:db8:ff::1", https6.server, ICMP6_TIME_EXCEEDED, 1,
		   0, &inner);
	step("time exceeded quoting the first fragment behind destination "
	     "options",
	     EXT, &p, WANT_ON(EDGEXDP_PASS_ICMP_RELATED, HTTPS_RULE));
	/* A later fragment of the same flow quotes payload, not ports. */
	https6_reply_ext(&inner, NULL, 0, true, 512);
	icmp_error(&p, "2001:db8:ff::1", https6.server, ICMP6_TIME_EXCEEDED, 1,
		   0, &inner);
	step("time exceeded quoting the flow's later fragment", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
}

static void icmp_unknown_flow(void **state)
{
	struct pkt inner, p;

	mk_tcp(&inner, "203.0.113.10", 443, ANY_EXT4, 40001, F_ACK, 1400);
	icmp_error(&p, "198.51.100.1", "203.0.113.10", ICMP_DEST_UNREACH,
		   ICMP_FRAG_NEEDED, 1280, &inner);
	step("frag-needed quoting no flow", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
	mk_udp(&inner, "2001:db8:45::10", 40020, "2001:db8:ff::53", 53, 40);
	icmp_error(&p, "2001:db8:ff::53", "2001:db8:45::10", ICMP6_DST_UNREACH,
		   4, 0, &inner);
	step("ICMPv6 port unreachable quoting no flow", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
	mk_udp(&inner, "2001:db8:45::10", 40020, "2001:db8:ff::53", 53, 40);
	icmp_error(&p, "2001:db8:ff::1", "2001:db8:45::10",
		   ICMP6_PACKET_TOO_BIG, 0, 1280, &inner);
	step("packet too big quoting no flow", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
}

static void icmp_after_flow_ends(void **state)
{
	struct pkt inner, p;

	establish(&flow_https);
	tcp_send("RST", C, F_RST, WANT_FLOW(HTTPS_RULE));
	flow_pkt(&inner, &flow_https, false, false, F_ACK, 1400);
	icmp_error(&p, "198.51.100.1", "10.45.16.10", ICMP_DEST_UNREACH,
		   ICMP_FRAG_NEEDED, 1280, &inner);
	step("frag-needed quoting a flow that was reset", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
	establish(&flow_https);
	ct_age(IPPROTO_TCP, flow_https.client, flow_https.cport,
	       flow_https.server, flow_https.sport, TCP_EST_NS + SEC);
	step("frag-needed quoting a flow that expired", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
}

static void icmp_quotes_nothing_trackable(void **state)
{
	struct pkt inner, p;

	establish(&flow_https);
	pkt_build(&inner, &(struct pkt_spec){.src = "203.0.113.10",
					     .dst = ANY_EXT4,
					     .proto = 47,
					     .payload_len = 16});
	icmp_error(&p, "198.51.100.1", "203.0.113.10", ICMP_DEST_UNREACH,
		   ICMP_FRAG_NEEDED, 1280, &inner);
	step("error quoting GRE", EXT, &p, WANT_DROP(EDGEXDP_DROP_ICMP));
	/* a later fragment of the flow's own tuple: no ports to match */
	pkt_build(&inner, &(struct pkt_spec){.src = "203.0.113.10",
					     .dst = ANY_EXT4,
					     .proto = IPPROTO_TCP,
					     .sport = 443,
					     .dport = 40001,
					     .tcp_flags = F_ACK,
					     .payload_len = 64,
					     .frag = true,
					     .frag_offset = 24});
	icmp_error(&p, "198.51.100.1", "203.0.113.10", ICMP_TIME_EXCEEDED, 1, 0,
		   &inner);
	step("error quoting a later fragment", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
	pkt_build(&inner, &(struct pkt_spec){.src = "203.0.113.10",
					     .dst = ANY_EXT4,
					     .proto = IPPROTO_ICMP,
					     .icmp_type = 8});
	icmp_error(&p, "198.51.100.1", "203.0.113.10", ICMP_TIME_EXCEEDED, 0, 0,
		   &inner);
	step("error quoting an echo request", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
}

void cases_icmp_err(void)
{
	case_category("ICMP errors");
	case_add(
		"ICMP frag-needed quoting a tracked flow passes (icmp_related)",
		icmp_frag_needed_related, NULL);
	case_add("ICMP time exceeded / port unreachable / parameter problem "
		 "quoting a tracked UDP flow",
		 icmp_time_exceeded_related, NULL);
	case_add("ICMP error quoting an IPv4 header with options",
		 icmp_quote_with_ip_options, NULL);
	case_add("ICMPv6 packet too big / time exceeded quoting a tracked flow",
		 icmp6_too_big_related, NULL);
	case_add("ICMPv6 packet too big / unreachable quoting a tracked flow "
		 "behind extension headers passes (icmp_related)",
		 icmp6_quote_dstopts_related, NULL);
	case_add("ICMPv6 errors quoting a tracked flow's first fragment pass, "
		 "its later fragment drops (icmp)",
		 icmp6_quote_fragment_related, NULL);
	case_add("ICMP and ICMPv6 errors quoting an unknown flow drop (icmp)",
		 icmp_unknown_flow, NULL);
	case_add("ICMP error quoting a flow that ended or expired drops",
		 icmp_after_flow_ends, NULL);
	case_add("ICMP error quoting GRE, a later fragment, an echo drops",
		 icmp_quotes_nothing_trackable, NULL);
}
