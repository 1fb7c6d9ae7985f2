// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The TCP state machine and expiry: RST, FIN, timeouts, what each state
 * lets through (flows.h).
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

const struct flow_def flow_https = {
	"https",	EXT, IPPROTO_TCP,      ANY_EXT4, 40001,
	"203.0.113.10", 443, "ext-sip-tls-in", true,
};
const struct flow_def flow_dns = {
	"dns",		 EXT, IPPROTO_UDP,	 "10.45.16.10", 40020,
	"198.51.100.53", 53,  "ext-dns-udp-out", true,
};

void tcp_send(const char *what, bool client, uint8_t flags, struct want w)
{
	struct pkt p;

	flow_pkt(&p, &flow_https, client, false, flags, 0);
	step(what, flow_https.zone, &p, w);
}

static void rst_from_server_ends_flow(void **state)
{
	establish(&flow_https);
	tcp_send("RST from the server", S, F_RST | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	expect_ct(&flow_https, -1, "RST");
	tcp_send("client ACK after the RST", C, F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	tcp_send("server data after the RST", S, F_ACK | F_PSH,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
}

static void rst_from_client_ends_flow(void **state)
{
	establish(&flow_https);
	tcp_send("RST from the client", C, F_RST, WANT_FLOW(HTTPS_RULE));
	expect_ct(&flow_https, -1, "RST");
	tcp_send("server ACK after the RST", S, F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
}

static void rst_refuses_syn(void **state)
{
	tcp_send("SYN", C, F_SYN, WANT_NEW(HTTPS_RULE));
	tcp_send("RST-ACK: port closed", S, F_RST | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	expect_ct(&flow_https, -1, "RST-ACK");
	tcp_send("SYN-ACK after the RST", S, F_SYN | F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	tcp_send("SYN again opens again", C, F_SYN, WANT_NEW(HTTPS_RULE));
}

static void fin_enters_closing(void **state)
{
	establish(&flow_https);
	tcp_send("FIN from the server", S, F_FIN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	expect_ct(&flow_https, EDGEXDP_CT_CLOSING, "FIN");
	expect_fins(&flow_https, false, true, "FIN");
	/* CLOSING runs on the transitory timeout, not the established one */
	ct_age(IPPROTO_TCP, flow_https.client, flow_https.cport,
	       flow_https.server, flow_https.sport, TCP_TRANS_NS - SEC);
	tcp_send("ACK 1 s before the transitory timeout", C, F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	ct_age(IPPROTO_TCP, flow_https.client, flow_https.cport,
	       flow_https.server, flow_https.sport, TCP_TRANS_NS + SEC);
	tcp_send("ACK 1 s after the transitory timeout", C, F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&flow_https, -1, "expiry");
}

/* The stamp moves at most once a second (ct_touch): a packet 2 s before
 * the timeout still restarts it, the next one within the second does not. */
static void established_refresh_once_a_second(void **state)
{
	struct edgexdp_ct_entry ct, again;
	uint64_t now;

	establish(&flow_https);
	ct_age(IPPROTO_TCP, flow_https.client, flow_https.cport,
	       flow_https.server, flow_https.sport, TCP_EST_NS - 2 * SEC);
	tcp_send("data 2 s before the established timeout", S, F_ACK | F_PSH,
		 WANT_FLOW(HTTPS_RULE));
	now = mono_ns();
	if (!ct_get(IPPROTO_TCP, flow_https.client, flow_https.cport,
		    flow_https.server, flow_https.sport, &ct))
		fail_msg("flow gone");
	if (ct.last_seen_ns + SEC < now || ct.last_seen_ns > now)
		fail_msg("last_seen_ns %llu not refreshed to now %llu: the "
			 "flow would expire 2 s later",
			 (unsigned long long)ct.last_seen_ns,
			 (unsigned long long)now);
	/* Past a tick of the coarse clock (HZ >= 100), well within the
	 * second: a stamp refreshed on every packet would move. */
	usleep(50000);
	tcp_send("data 50 ms later", C, F_ACK | F_PSH, WANT_FLOW(HTTPS_RULE));
	if (!ct_get(IPPROTO_TCP, flow_https.client, flow_https.cport,
		    flow_https.server, flow_https.sport, &again))
		fail_msg("flow gone after the second packet");
	if (again.last_seen_ns != ct.last_seen_ns)
		fail_msg("last_seen_ns moved again within the second: %llu "
			 "-> %llu",
			 (unsigned long long)ct.last_seen_ns,
			 (unsigned long long)again.last_seen_ns);
}

static void established_expires(void **state)
{
	establish(&flow_https);
	ct_age(IPPROTO_TCP, flow_https.client, flow_https.cport,
	       flow_https.server, flow_https.sport, TCP_EST_NS - SEC);
	tcp_send("data 1 s before the established timeout", S, F_ACK | F_PSH,
		 WANT_FLOW(HTTPS_RULE));
	{
		struct edgexdp_ct_entry ct;
		uint64_t now = mono_ns();

		if (!ct_get(IPPROTO_TCP, flow_https.client, flow_https.cport,
			    flow_https.server, flow_https.sport, &ct))
			fail_msg("flow gone");
		if (ct.last_seen_ns + SEC < now || ct.last_seen_ns > now)
			fail_msg("last_seen_ns not refreshed by the packet");
	}
	ct_age(IPPROTO_TCP, flow_https.client, flow_https.cport,
	       flow_https.server, flow_https.sport, TCP_EST_NS + SEC);
	tcp_send("reply 1 s after the established timeout", S, F_ACK | F_PSH,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&flow_https, -1, "expiry");
	assert_int_equal(ct_count(), 0);
	tcp_send("a new SYN opens again", C, F_SYN, WANT_NEW(HTTPS_RULE));
	expect_ct(&flow_https, EDGEXDP_CT_SYN_SENT, "new SYN");
}

static void syn_sent_expires(void **state)
{
	tcp_send("SYN", C, F_SYN, WANT_NEW(HTTPS_RULE));
	ct_age(IPPROTO_TCP, flow_https.client, flow_https.cport,
	       flow_https.server, flow_https.sport, TCP_HANDSHAKE_NS - SEC);
	tcp_send("SYN repeated 1 s before the handshake timeout", C, F_SYN,
		 WANT_FLOW(HTTPS_RULE));
	ct_age(IPPROTO_TCP, flow_https.client, flow_https.cport,
	       flow_https.server, flow_https.sport, TCP_HANDSHAKE_NS + SEC);
	tcp_send("SYN-ACK after the handshake timeout", S, F_SYN | F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&flow_https, -1, "expiry");
}

static void udp_expires(void **state)
{
	struct pkt p;
	int rule = rule_id(flow_dns.rule);

	flow_pkt(&p, &flow_dns, true, false, 0, 40);
	step("query", flow_dns.zone, &p, WANT_NEW(rule));
	/* Unreplied, it runs on the short timeout; the reply confirms it. */
	ct_age(IPPROTO_UDP, flow_dns.client, flow_dns.cport, flow_dns.server,
	       flow_dns.sport, UDP_UNREPLIED_NS - SEC);
	flow_pkt(&p, &flow_dns, false, false, 0, 200);
	step("reply 1 s before the unreplied timeout", flow_dns.zone, &p,
	     WANT_FLOW(rule));
	ct_age(IPPROTO_UDP, flow_dns.client, flow_dns.cport, flow_dns.server,
	       flow_dns.sport, UDP_NS - SEC);
	step("reply 1 s before the UDP timeout", flow_dns.zone, &p,
	     WANT_FLOW(rule));
	ct_age(IPPROTO_UDP, flow_dns.client, flow_dns.cport, flow_dns.server,
	       flow_dns.sport, UDP_NS + SEC);
	step("reply 1 s after the UDP timeout", flow_dns.zone, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_FLOW));
	expect_ct(&flow_dns, -1, "expiry");
	flow_pkt(&p, &flow_dns, true, false, 0, 40);
	step("a new query opens again", flow_dns.zone, &p, WANT_NEW(rule));
}

static void synack_from_initiator(void **state)
{
	tcp_send("SYN", C, F_SYN, WANT_NEW(HTTPS_RULE));
	tcp_send("SYN-ACK from the client itself", C, F_SYN | F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&flow_https, EDGEXDP_CT_SYN_SENT, "bad SYN-ACK");
}

static void data_before_synack(void **state)
{
	tcp_send("SYN", C, F_SYN, WANT_NEW(HTTPS_RULE));
	tcp_send("server ACK instead of a SYN-ACK", S, F_ACK | F_PSH,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	/* Its destination port has no rule: dropped before conntrack. */
	tcp_send("SYN from the responder (simultaneous open)", S, F_SYN,
		 WANT_DROP(EDGEXDP_DROP_NO_RULE_PORT));
	/* Only SYN and RST go without ACK (nf_conntrack's tcp_error()):
	 * a bare PSH is no TCP segment at all. */
	tcp_send("client segment without ACK", C, F_PSH,
		 WANT_DROP(EDGEXDP_DROP_MALFORMED));
	expect_ct(&flow_https, EDGEXDP_CT_SYN_SENT, "bad segments");
	/* The gateway sees both directions: an ACK of a SYN-ACK nobody saw
	 * is a blind spoofer's (local_responders is off). */
	tcp_send("client ACK with the SYN-ACK unseen", C, F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&flow_https, EDGEXDP_CT_SYN_SENT, "unseen SYN-ACK");
}

static void syn_recv_needs_ack(void **state)
{
	tcp_send("SYN", C, F_SYN, WANT_NEW(HTTPS_RULE));
	tcp_send("SYN-ACK", S, F_SYN | F_ACK, WANT_FLOW(HTTPS_RULE));
	/* Only SYN and RST go without ACK (nf_conntrack's tcp_error()):
	 * a bare PSH is no TCP segment at all. */
	tcp_send("client segment without ACK", C, F_PSH,
		 WANT_DROP(EDGEXDP_DROP_MALFORMED));
	expect_ct(&flow_https, EDGEXDP_CT_SYN_RECV, "no ACK");
	tcp_send("SYN-ACK retransmitted", S, F_SYN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	tcp_send("server ACK keeps SYN_RECV", S, F_ACK, WANT_FLOW(HTTPS_RULE));
	expect_ct(&flow_https, EDGEXDP_CT_SYN_RECV, "server ACK");
	tcp_send("client ACK establishes", C, F_ACK, WANT_FLOW(HTTPS_RULE));
	expect_ct(&flow_https, EDGEXDP_CT_ESTABLISHED, "client ACK");
}

static void syn_on_established(void **state)
{
	establish(&flow_https);
	tcp_send("SYN on an established flow", C, F_SYN,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	tcp_send("SYN-ACK retransmitted late", S, F_SYN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	expect_ct(&flow_https, EDGEXDP_CT_ESTABLISHED, "late SYN-ACK");
}

static void syn_after_close(void **state)
{
	establish(&flow_https);
	tcp_send("FIN from the client", C, F_FIN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	tcp_send("FIN from the server", S, F_FIN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	tcp_send("last ACK", C, F_ACK, WANT_FLOW(HTTPS_RULE));
	/* As Linux allows from TIME_WAIT: a bare SYN on a closing flow is a
	 * new connection, judged by the rules again. */
	tcp_send("SYN reusing the 4-tuple while CLOSING", C, F_SYN,
		 WANT_NEW(HTTPS_RULE));
	expect_ct(&flow_https, EDGEXDP_CT_SYN_SENT, "reopened");
	tcp_send("old FIN after the reopen", S, F_FIN | F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
}

/* The timeouts the expiry cases rely on are the ones the config set. */
static void settings_match_config(void **state)
{
	struct edgexdp_settings s;

	dp_settings(&s);
	assert_int_equal(s.tcp_established_timeout_ns, TCP_EST_NS);
	assert_int_equal(s.udp_timeout_ns, UDP_NS);
	assert_int_equal(s.tcp_transitory_timeout_ns, TCP_TRANS_NS);
	assert_int_equal(s.frag_timeout_ns, FRAG_NS);
	assert_int_equal(s.tcp_handshake_timeout_ns, TCP_HANDSHAKE_NS);
	assert_int_equal(s.udp_unreplied_timeout_ns, UDP_UNREPLIED_NS);
	assert_int_equal(s.tcp_local_responders, 0);
	assert_int_not_equal(s.nat_enabled, 0);
	assert_memory_equal(&s, &g_dp.rs.settings, sizeof(s));
}

void cases_tcp_state(void)
{
	case_category("conntrack");
	case_add("settings map holds the config's timeouts and NAT switch",
		 settings_match_config, NULL);
	case_add("RST from the server ends the flow", rst_from_server_ends_flow,
		 NULL);
	case_add("RST from the client ends the flow", rst_from_client_ends_flow,
		 NULL);
	case_add("RST refusing a SYN ends the flow", rst_refuses_syn, NULL);
	case_add("FIN puts the flow in CLOSING, on the transitory timeout",
		 fin_enters_closing, NULL);
	case_add("established TCP flow expires after tcp_established_timeout",
		 established_expires, NULL);
	case_add("a packet 2 s before the timeout refreshes the stamp, the "
		 "next one within the second does not",
		 established_refresh_once_a_second, NULL);
	case_add("SYN_SENT expires after the transitory timeout",
		 syn_sent_expires, NULL);
	case_add("UDP flow expires after udp_timeout", udp_expires, NULL);
	case_add("SYN-ACK from the initiator is refused", synack_from_initiator,
		 NULL);
	case_add("before a SYN-ACK only the initiator's ACK passes",
		 data_before_synack, NULL);
	case_add("SYN_RECV: segments need ACK; the initiator's ACK establishes",
		 syn_recv_needs_ack, NULL);
	case_add("SYN on an established flow is refused", syn_on_established,
		 NULL);
	case_add("SYN reusing a closing 4-tuple opens a new flow",
		 syn_after_close, NULL);
}
