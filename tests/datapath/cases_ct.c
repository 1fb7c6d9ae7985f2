// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The state model (include/edgexdp.h, enum edgexdp_ct_state): where a flow
 * lives, confirmed or not, and what may move it. Every TCP transition,
 * handshakes completed only by the right ACK, resets in and out of the
 * window, flag combinations TCP never sends on each state, UDP
 * confirmation, and a flood of spoofed openings four times the unconfirmed
 * table that leaves every confirmed flow where it was.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/bpf.h>

#include "harness.h"

#define CLIENT ANY_EXT4
#define CPORT 40001
#define SERVER "203.0.113.10"
#define SPORT 443
#define TCP_RULE "ext-sip-tls-in"
#define UDP_CLIENT "10.45.16.10"
#define UDP_CPORT 40020
#define UDP_SERVER "198.51.100.53"
#define UDP_SPORT 53
#define UDP_RULE "ext-dns-udp-out"
#define CONFIRMED EDGEXDP_CT_CONFIRMED
#define UNCONFIRMED EDGEXDP_CT_UNCONFIRMED

/* After the scripted handshake (harness.h): what each side sends next. */
#define C_NEXT (TCP_ISN_INITIATOR + 1)
#define S_NEXT (TCP_ISN_RESPONDER + 1)
/* Far outside any window: a blind guess. */
#define FAR (1U << 30)

/* A segment from the client (or the server) with seq and ack by hand. */
static void seg(const char *what, bool client, uint8_t flags, uint32_t seq,
		uint32_t ack, size_t payload, struct want w)
{
	struct pkt p;

	if (client)
		mk_tcp_seq(&p, CLIENT, CPORT, SERVER, SPORT, flags, seq, ack,
			   payload);
	else
		mk_tcp_seq(&p, SERVER, SPORT, CLIENT, CPORT, flags, seq, ack,
			   payload);
	step(what, EDGEXDP_ZONE_EXTERNAL, &p, w);
}

/* The same, numbered as the conversation so far goes (mk_tcp). */
static void next(const char *what, bool client, uint8_t flags, size_t payload,
		 struct want w)
{
	struct pkt p;

	if (client)
		mk_tcp(&p, CLIENT, CPORT, SERVER, SPORT, flags, payload);
	else
		mk_tcp(&p, SERVER, SPORT, CLIENT, CPORT, flags, payload);
	step(what, EDGEXDP_ZONE_EXTERNAL, &p, w);
}

#define FLOW() WANT_FLOW(rule_id(TCP_RULE))

/* The flow must be in `table`, in `state` (table < 0: tracked nowhere). */
static void expect(int table, int state, const char *what)
{
	struct edgexdp_ct_entry ct;
	int got = ct_table_of(IPPROTO_TCP, CLIENT, CPORT, SERVER, SPORT, &ct);

	if (got != table)
		fail_msg("after '%s': flow in table %d, want %d", what, got,
			 table);
	if (table >= 0 && ct.state != state)
		fail_msg("after '%s': state %s, want %s", what,
			 ct_state_name(ct.state), ct_state_name(state));
}

static void snapshot(struct edgexdp_ct_entry *out)
{
	if (ct_table_of(IPPROTO_TCP, CLIENT, CPORT, SERVER, SPORT, out) < 0)
		fail_msg("flow not tracked");
}

static void expect_unchanged(const struct edgexdp_ct_entry *before,
			     const char *what)
{
	struct edgexdp_ct_entry now;

	snapshot(&now);
	if (memcmp(before, &now, sizeof(now)))
		fail_msg("after '%s': the flow's entry changed", what);
}

static void handshake(void)
{
	next("SYN", true, F_SYN, 0, WANT_NEW(rule_id(TCP_RULE)));
	next("SYN-ACK", false, F_SYN | F_ACK, 0, FLOW());
	next("ACK", true, F_ACK, 0, FLOW());
	expect(CONFIRMED, EDGEXDP_CT_ESTABLISHED, "handshake");
}

static void every_transition(void **state)
{
	struct edgexdp_ct_stats st;

	next("SYN", true, F_SYN, 0, WANT_NEW(rule_id(TCP_RULE)));
	expect(UNCONFIRMED, EDGEXDP_CT_SYN_SENT, "SYN");
	next("SYN repeated", true, F_SYN, 0, FLOW());
	expect(UNCONFIRMED, EDGEXDP_CT_SYN_SENT, "SYN repeated");
	next("SYN-ACK", false, F_SYN | F_ACK, 0, FLOW());
	expect(UNCONFIRMED, EDGEXDP_CT_SYN_RECV, "SYN-ACK");
	next("SYN-ACK repeated", false, F_SYN | F_ACK, 0, FLOW());
	next("SYN repeated after the SYN-ACK", true, F_SYN, 0, FLOW());
	seg("server ACK", false, F_ACK, S_NEXT, C_NEXT, 0, FLOW());
	expect(UNCONFIRMED, EDGEXDP_CT_SYN_RECV, "server ACK");
	next("client ACK of the SYN-ACK", true, F_ACK, 0, FLOW());
	expect(CONFIRMED, EDGEXDP_CT_ESTABLISHED, "client ACK");
	next("client data", true, F_ACK | F_PSH, 100, FLOW());
	next("server data", false, F_ACK | F_PSH, 1000, FLOW());
	seg("SYN-ACK repeated late", false, F_SYN | F_ACK, TCP_ISN_RESPONDER,
	    C_NEXT, 0, WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	next("client FIN", true, F_FIN | F_ACK, 0, FLOW());
	expect(CONFIRMED, EDGEXDP_CT_CLOSING, "client FIN");
	next("SYN on a half-closed flow", true, F_SYN, 0,
	     WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	tcp_seq_reset(); /* forget that SYN */
	seg("server data after the client's FIN", false, F_ACK | F_PSH,
	    S_NEXT + 1000, C_NEXT + 101, 10, FLOW());
	seg("server FIN", false, F_FIN | F_ACK, S_NEXT + 1010, C_NEXT + 101, 0,
	    FLOW());
	seg("last ACK", true, F_ACK, C_NEXT + 101, S_NEXT + 1011, 0, FLOW());
	expect(CONFIRMED, EDGEXDP_CT_CLOSING, "last ACK");
	next("SYN reusing the closed tuple", true, F_SYN, 0,
	     WANT_NEW(rule_id(TCP_RULE)));
	expect(UNCONFIRMED, EDGEXDP_CT_SYN_SENT, "reopened");
	assert_int_equal(ct_count(), 1);

	ct_stats_read(&st);
	assert_int_equal(st.confirmed_tcp, 1);
	assert_int_equal(st.table[UNCONFIRMED].created, 2);
	assert_int_equal(st.table[UNCONFIRMED].removed, 1); /* promoted */
	assert_int_equal(st.table[CONFIRMED].created, 1);
	assert_int_equal(st.table[CONFIRMED].removed, 1); /* reopened */
}

static void only_the_right_ack_confirms(void **state)
{
	struct edgexdp_ct_entry before;
	struct edgexdp_ct_stats st;

	next("SYN", true, F_SYN, 0, WANT_NEW(rule_id(TCP_RULE)));
	seg("SYN-ACK acknowledging the wrong ISN", false, F_SYN | F_ACK,
	    TCP_ISN_RESPONDER, TCP_ISN_INITIATOR + 2, 0,
	    WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	expect(UNCONFIRMED, EDGEXDP_CT_SYN_SENT, "bad SYN-ACK");
	next("SYN-ACK", false, F_SYN | F_ACK, 0, FLOW());
	snapshot(&before);
	seg("ACK one short of the SYN-ACK", true, F_ACK, C_NEXT,
	    TCP_ISN_RESPONDER, 0, WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	seg("ACK one past the SYN-ACK", true, F_ACK, C_NEXT, S_NEXT + 1, 0,
	    WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	seg("ACK of a guessed ISN", true, F_ACK, C_NEXT, S_NEXT + FAR, 0,
	    WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	expect_unchanged(&before, "wrong ACKs");
	expect(UNCONFIRMED, EDGEXDP_CT_SYN_RECV, "wrong ACKs");
	ct_stats_read(&st);
	assert_int_equal(st.confirmed_tcp, 0);
	seg("the ACK of the SYN-ACK, with data", true, F_ACK | F_PSH, C_NEXT,
	    S_NEXT, 20, FLOW());
	expect(CONFIRMED, EDGEXDP_CT_ESTABLISHED, "right ACK");
	ct_stats_read(&st);
	assert_int_equal(st.confirmed_tcp, 1);
}

/* A blind spoofer never sees the SYN-ACK: its ACK cannot confirm, unless
 * the operator said the responders are on this host. */
static void unseen_synack(void **state)
{
	struct edgexdp_settings s, loose;
	struct edgexdp_ct_entry ct;
	struct edgexdp_ct_stats st;

	next("SYN", true, F_SYN, 0, WANT_NEW(rule_id(TCP_RULE)));
	seg("ACK of a SYN-ACK never seen", true, F_ACK, C_NEXT, 12345, 0,
	    WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect(UNCONFIRMED, EDGEXDP_CT_SYN_SENT, "blind ACK");

	dp_settings(&s);
	loose = s;
	loose.tcp_local_responders = 1;
	dp_settings_set(&loose);
	seg("the same with local_responders", true, F_ACK, C_NEXT, 12345, 0,
	    FLOW());
	dp_settings_set(&s);
	expect(CONFIRMED, EDGEXDP_CT_ESTABLISHED, "local_responders");
	ct_table_of(IPPROTO_TCP, CLIENT, CPORT, SERVER, SPORT, &ct);
	assert_true(ct.flags & EDGEXDP_CT_F_LIBERAL);
	ct_stats_read(&st);
	assert_int_equal(st.confirmed_unseen, 1);
	assert_int_equal(st.confirmed_tcp, 0);
}

static void rst_refusing_a_syn(void **state)
{
	next("SYN", true, F_SYN, 0, WANT_NEW(rule_id(TCP_RULE)));
	seg("RST-ACK not acknowledging the SYN", false, F_RST | F_ACK, 0,
	    C_NEXT + 5, 0, WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	seg("bare RST from the responder", false, F_RST, 0, 0, 0,
	    WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	expect(UNCONFIRMED, EDGEXDP_CT_SYN_SENT, "bad RSTs");
	seg("RST-ACK of the SYN: port closed", false, F_RST | F_ACK, 0, C_NEXT,
	    0, FLOW());
	expect(-1, 0, "refused");
}

static void rst_exact_ends(void **state)
{
	handshake();
	seg("client RST at the next sequence number", true, F_RST, C_NEXT, 0, 0,
	    FLOW());
	expect(-1, 0, "exact RST");
	assert_int_equal(ct_count(), 0);
}

static void rst_in_window_keeps(void **state)
{
	struct edgexdp_ct_entry before;

	handshake();
	snapshot(&before);
	seg("server RST inside the window, not exact", false, F_RST | F_ACK,
	    S_NEXT + 100, C_NEXT, 0, FLOW());
	expect_unchanged(&before, "in-window RST");
	seg("the RST again, exact", false, F_RST | F_ACK, S_NEXT, C_NEXT, 0,
	    FLOW());
	expect(-1, 0, "exact RST");
}

static void rst_out_of_window_dropped(void **state)
{
	struct edgexdp_ct_entry before;

	handshake();
	snapshot(&before);
	seg("RST far ahead of the window", true, F_RST, C_NEXT + FAR, 0, 0,
	    WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	seg("RST far behind the window", false, F_RST, S_NEXT - FAR, 0, 0,
	    WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	expect_unchanged(&before, "blind RSTs");
	next("data still flows", true, F_ACK | F_PSH, 10, FLOW());
}

static void data_out_of_window(void **state)
{
	struct edgexdp_ct_entry before;

	handshake();
	snapshot(&before);
	seg("data far past what the server allowed", true, F_ACK | F_PSH,
	    C_NEXT + FAR, S_NEXT, 100, WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	seg("ACK of data the client never sent", false, F_ACK, S_NEXT,
	    C_NEXT + 100000, 0, WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	seg("FIN far behind", true, F_FIN | F_ACK, C_NEXT - FAR, S_NEXT, 0,
	    WANT_DROP(EDGEXDP_DROP_TCP_WINDOW));
	expect_unchanged(&before, "out-of-window segments");
	expect(CONFIRMED, EDGEXDP_CT_ESTABLISHED, "out-of-window segments");
	next("in-window data passes", true, F_ACK | F_PSH, 100, FLOW());
	next("and its ACK", false, F_ACK, 0, FLOW());
}

static void bare_fin_and_stray_syn(void **state)
{
	struct edgexdp_ct_entry before;

	handshake();
	snapshot(&before);
	seg("bare FIN (no ACK)", true, F_FIN, C_NEXT, 0, 0,
	    WANT_DROP(EDGEXDP_DROP_MALFORMED));
	seg("stray SYN", true, F_SYN, 777, 0, 0,
	    WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	seg("stray SYN at the flow's own sequence", true, F_SYN, C_NEXT - 1, 0,
	    0, WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_unchanged(&before, "bare FIN, stray SYN");
}

/* Each combination nf_conntrack's tcp_valid_flags refuses. */
static const uint8_t invalid_flags[] = {
	0,
	F_FIN,
	F_PSH,
	F_URG,
	F_FIN | F_PSH | F_URG,
	F_SYN | F_FIN,
	F_SYN | F_RST,
	F_SYN | F_FIN | F_ACK,
	F_SYN | F_RST | F_ACK,
	F_RST | F_FIN,
	F_RST | F_FIN | F_ACK,
	F_SYN | F_FIN | F_RST | F_ACK | F_PSH | F_URG,
};

/* Bring the flow to `state` (a value of enum edgexdp_ct_state). */
static void reach(int state)
{
	next("SYN", true, F_SYN, 0, WANT_NEW(rule_id(TCP_RULE)));
	if (state == EDGEXDP_CT_SYN_SENT)
		return;
	next("SYN-ACK", false, F_SYN | F_ACK, 0, FLOW());
	if (state == EDGEXDP_CT_SYN_RECV)
		return;
	next("ACK", true, F_ACK, 0, FLOW());
	if (state == EDGEXDP_CT_ESTABLISHED)
		return;
	next("FIN", true, F_FIN | F_ACK, 0, FLOW());
}

static void invalid_flags_on(void **state)
{
	int ct_state = (int)(intptr_t)*state;
	struct edgexdp_ct_entry before;
	char what[64];

	reach(ct_state);
	snapshot(&before);
	for (size_t i = 0; i < sizeof(invalid_flags); i++) {
		for (int client = 0; client < 2; client++) {
			snprintf(what, sizeof(what), "flags 0x%02x from the %s",
				 invalid_flags[i],
				 client ? "client" : "server");
			seg(what, client, invalid_flags[i],
			    client ? C_NEXT : S_NEXT, client ? S_NEXT : C_NEXT,
			    0, WANT_DROP(EDGEXDP_DROP_MALFORMED));
		}
	}
	expect_unchanged(&before, "invalid flags");
}

static void udp_confirmation(void **state)
{
	int rule = rule_id(UDP_RULE);
	struct edgexdp_ct_entry ct;
	struct edgexdp_ct_stats st;
	struct pkt q, r, icmp;

	mk_udp(&q, UDP_CLIENT, UDP_CPORT, UDP_SERVER, UDP_SPORT, 40);
	mk_udp(&r, UDP_SERVER, UDP_SPORT, UDP_CLIENT, UDP_CPORT, 200);
	step("query", EDGEXDP_ZONE_EXTERNAL, &q, WANT_NEW(rule));
	step("query repeated", EDGEXDP_ZONE_EXTERNAL, &q, WANT_FLOW(rule));
	assert_int_equal(ct_table_of(IPPROTO_UDP, UDP_CLIENT, UDP_CPORT,
				     UDP_SERVER, UDP_SPORT, &ct),
			 UNCONFIRMED);
	/* Port unreachable about the query: related, but not a reply. */
	pkt_build(&icmp, &(struct pkt_spec){.src = UDP_SERVER,
					    .dst = UDP_CLIENT,
					    .proto = IPPROTO_ICMP,
					    .icmp_type = 3,
					    .icmp_code = 3,
					    .quote = &q});
	step("ICMP port unreachable", EDGEXDP_ZONE_EXTERNAL, &icmp,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, rule));
	assert_int_equal(ct_table_of(IPPROTO_UDP, UDP_CLIENT, UDP_CPORT,
				     UDP_SERVER, UDP_SPORT, &ct),
			 UNCONFIRMED);
	assert_int_equal(ct.state, EDGEXDP_CT_NEW);
	step("reply", EDGEXDP_ZONE_EXTERNAL, &r, WANT_FLOW(rule));
	assert_int_equal(ct_table_of(IPPROTO_UDP, UDP_CLIENT, UDP_CPORT,
				     UDP_SERVER, UDP_SPORT, &ct),
			 CONFIRMED);
	assert_int_equal(ct.state, EDGEXDP_CT_ESTABLISHED);
	ct_stats_read(&st);
	assert_int_equal(st.confirmed_udp, 1);
	assert_int_equal(st.table[UNCONFIRMED].removed, 1);
	assert_int_equal(st.table[CONFIRMED].created, 1);
}

/*
 * The flood: confirmed flows, then spoofed openings from all-new sources,
 * four times the unconfirmed table, SYNs to 443 and datagrams to the RTP
 * range. Every confirmed flow stays and carries data; the LRU displaced
 * only unconfirmed entries, and the counters add up.
 */
#define FLOOD_FLOWS 32
#define FLOOD_FACTOR 4

static void flood_src(char *buf, size_t len, unsigned int i)
{
	/* 198.18.0.0/15 (RFC 2544): distinct, and no rule names them. */
	snprintf(buf, len, "198.18.%u.%u", (i >> 8) & 0xff, i & 0xff);
}

static void flood_leaves_confirmed(void **state)
{
	char src[32], client[32];
	struct edgexdp_ct_stats st;
	uint64_t displaced;
	struct pkt p;
	int rtp = rule_id("ext-rtp-udp-in");

	for (unsigned int i = 0; i < FLOOD_FLOWS; i++) {
		snprintf(client, sizeof(client), "198.51.100.%u", 10 + i);
		mk_tcp(&p, client, 41000, SERVER, SPORT, F_SYN, 0);
		step("SYN", EDGEXDP_ZONE_EXTERNAL, &p,
		     WANT_NEW(rule_id(TCP_RULE)));
		mk_tcp(&p, SERVER, SPORT, client, 41000, F_SYN | F_ACK, 0);
		step("SYN-ACK", EDGEXDP_ZONE_EXTERNAL, &p, FLOW());
		mk_tcp(&p, client, 41000, SERVER, SPORT, F_ACK, 0);
		step("ACK", EDGEXDP_ZONE_EXTERNAL, &p, FLOW());
		mk_udp(&p, client, 42000, "203.0.113.30", 50000 + i, 100);
		step("RTP in", EDGEXDP_ZONE_EXTERNAL, &p, WANT_NEW(rtp));
		mk_udp(&p, "203.0.113.30", 50000 + i, client, 42000, 100);
		step("RTP back", EDGEXDP_ZONE_EXTERNAL, &p, WANT_FLOW(rtp));
		tcp_seq_reset(); /* a handful of directions at a time */
	}
	assert_int_equal(ct_count_in(CONFIRMED), 2 * FLOOD_FLOWS);

	for (unsigned int i = 0; i < FLOOD_FACTOR * DP_UNCONFIRMED_ENTRIES;
	     i++) {
		flood_src(src, sizeof(src), i);
		if (i % 2)
			mk_tcp_seq(&p, src, 1024 + i % 60000, SERVER, SPORT,
				   F_SYN, i * 7919U, 0, 0);
		else
			mk_udp(&p, src, 1024 + i % 60000, "203.0.113.30",
			       50000 + i % 10000, 100);
		if (dp_run(EDGEXDP_ZONE_EXTERNAL, p.data, p.len) != XDP_PASS)
			fail_msg("spoofed opening %u not passed", i);
	}

	assert_int_equal(ct_count_in(CONFIRMED), 2 * FLOOD_FLOWS);
	assert_true(ct_count_in(UNCONFIRMED) <= DP_UNCONFIRMED_ENTRIES);
	for (unsigned int i = 0; i < FLOOD_FLOWS; i++) {
		snprintf(client, sizeof(client), "198.51.100.%u", 10 + i);
		mk_tcp_seq(&p, client, 41000, SERVER, SPORT, F_ACK | F_PSH,
			   C_NEXT, S_NEXT, 50);
		step("client data after the flood", EDGEXDP_ZONE_EXTERNAL, &p,
		     FLOW());
		mk_tcp_seq(&p, SERVER, SPORT, client, 41000, F_ACK | F_PSH,
			   S_NEXT, C_NEXT + 50, 50);
		step("server data after the flood", EDGEXDP_ZONE_EXTERNAL, &p,
		     FLOW());
		mk_udp(&p, "203.0.113.30", 50000 + i, client, 42000, 100);
		step("RTP after the flood", EDGEXDP_ZONE_EXTERNAL, &p,
		     WANT_FLOW(rtp));
	}

	ct_stats_read(&st);
	assert_int_equal(st.table[CONFIRMED].created, 2 * FLOOD_FLOWS);
	assert_int_equal(st.table[CONFIRMED].removed, 0);
	assert_int_equal(st.table[CONFIRMED].insert_failed, 0);
	assert_int_equal(st.table[UNCONFIRMED].insert_failed, 0);
	assert_int_equal(st.table[UNCONFIRMED].created,
			 2 * FLOOD_FLOWS +
				 FLOOD_FACTOR * DP_UNCONFIRMED_ENTRIES);
	/* What `status` reports as displaced: created, not removed, gone. */
	displaced = st.table[UNCONFIRMED].created -
		    st.table[UNCONFIRMED].removed - ct_count_in(UNCONFIRMED);
	assert_true(displaced >= (FLOOD_FACTOR - 1) * DP_UNCONFIRMED_ENTRIES);
}

void cases_ct(void)
{
	static const int states[] = {EDGEXDP_CT_SYN_SENT, EDGEXDP_CT_SYN_RECV,
				     EDGEXDP_CT_ESTABLISHED,
				     EDGEXDP_CT_CLOSING};

	case_category("conntrack");
	case_add("TCP: every transition, and which table it lands in",
		 every_transition, NULL);
	case_add("TCP: only the ACK of the SYN-ACK's ISN confirms",
		 only_the_right_ack_confirms, NULL);
	case_add("TCP: an ACK of an unseen SYN-ACK confirms only with "
		 "local_responders",
		 unseen_synack, NULL);
	case_add("TCP: a RST refuses a SYN only if it acknowledges it",
		 rst_refusing_a_syn, NULL);
	case_add("TCP: a RST at the exact sequence number ends the flow",
		 rst_exact_ends, NULL);
	case_add("TCP: a RST elsewhere in the window leaves the flow",
		 rst_in_window_keeps, NULL);
	case_add("TCP: a RST outside the window is dropped",
		 rst_out_of_window_dropped, NULL);
	case_add("TCP: segments outside the window are dropped, flow unchanged",
		 data_out_of_window, NULL);
	case_add("TCP: a bare FIN or a stray SYN cannot move an established "
		 "flow",
		 bare_fin_and_stray_syn, NULL);
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		case_addf(invalid_flags_on, (void *)(intptr_t)states[i],
			  "TCP: invalid flag combinations on %s: dropped, flow "
			  "unchanged",
			  ct_state_name(states[i]));
	case_add(
		"UDP: confirmed by the reply, not by a repeat or an ICMP error",
		udp_confirmation, NULL);
	case_add(
		"flood of 4x the unconfirmed table leaves every confirmed flow",
		flood_leaves_confirmed, NULL);
}
