// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Flows: TCP handshakes to the end and UDP conversations on the rows that
 * carry real traffic, each plain and through the 1:1 NAT pair; replies
 * nobody asked for. The helpers every flow case uses (flows.h) are here.
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

static const char *twin(const struct flow_def *f, const char *addr)
{
	const char *partner = f->nat ? oracle_nat_partner(addr) : NULL;

	return partner ? partner : addr;
}

/* A packet of the flow, from the client or the server side. */
void flow_pkt(struct pkt *p, const struct flow_def *f, bool client,
	      bool other_side, uint8_t flags, size_t payload)
{
	const char *src, *dst;
	uint16_t sport = client ? f->cport : f->sport;
	uint16_t dport = client ? f->sport : f->cport;

	if (client) {
		src = other_side ? twin(f, f->client) : f->client;
		dst = other_side ? twin(f, f->server) : f->server;
	} else {
		src = other_side ? f->server : twin(f, f->server);
		dst = other_side ? f->client : twin(f, f->client);
	}
	if (f->proto == IPPROTO_TCP)
		mk_tcp(p, src, sport, dst, dport, flags, payload);
	else
		mk_udp(p, src, sport, dst, dport, payload);
}

/* The flow's conntrack entry must be in `state` (or gone, state < 0). */
void expect_ct(const struct flow_def *f, int state, const char *what)
{
	struct edgexdp_ct_entry ct;
	struct edgexdp_ct_key key;
	bool present, client_is_a;

	client_is_a = ct_key_of(&key, f->proto, f->client, f->cport, f->server,
				f->sport);
	present =
		ct_get(f->proto, f->client, f->cport, f->server, f->sport, &ct);
	if (state < 0) {
		if (present)
			fail_msg("after '%s': flow still tracked (state %s)",
				 what, ct_state_name(ct.state));
		return;
	}
	if (!present)
		fail_msg(
			"after '%s': flow not tracked under the documented key",
			what);
	if (ct.state != state || ct.rule_id != (uint32_t)rule_id(f->rule) ||
	    ct.initiator_is_a != client_is_a)
		fail_msg("after '%s': conntrack state %s rule %u "
			 "initiator_is_a %u, want %s %d %d",
			 what, ct_state_name(ct.state), ct.rule_id,
			 ct.initiator_is_a, ct_state_name(state),
			 rule_id(f->rule), client_is_a);
}

/* fin_seen bits of the flow's entry, as client/server FIN flags. */
void expect_fins(const struct flow_def *f, bool client_fin, bool server_fin,
		 const char *what)
{
	struct edgexdp_ct_entry ct;
	struct edgexdp_ct_key key;
	bool client_is_a = ct_key_of(&key, f->proto, f->client, f->cport,
				     f->server, f->sport);
	unsigned int want = 0;

	if (client_fin)
		want |= client_is_a ? 1 : 2;
	if (server_fin)
		want |= client_is_a ? 2 : 1;
	if (!ct_get(f->proto, f->client, f->cport, f->server, f->sport, &ct))
		fail_msg("after '%s': flow not tracked", what);
	if (ct.fin_seen != want)
		fail_msg("after '%s': fin_seen %u, want %u", what, ct.fin_seen,
			 want);
}

/* ---- scripts: what a whole conversation looks like ---- */

enum outcome { NEW, FLOW };

struct script_step {
	const char *what;
	bool client;
	bool other_side; /* the other side of the NAT (if any) */
	uint8_t flags;
	size_t payload;
	enum outcome outcome;
	int ct_state; /* after the step */
	int fins; /* -1: not checked; bit 0 client, bit 1 server */
};

static const struct script_step tcp_script[] = {
	{"SYN", true, false, F_SYN, 0, NEW, EDGEXDP_CT_SYN_SENT, 0},
	{"SYN retransmitted", true, false, F_SYN, 0, FLOW, EDGEXDP_CT_SYN_SENT,
	 -1},
	{"SYN-ACK", false, false, F_SYN | F_ACK, 0, FLOW, EDGEXDP_CT_SYN_RECV,
	 -1},
	{"ACK", true, false, F_ACK, 0, FLOW, EDGEXDP_CT_ESTABLISHED, 0},
	{"data client->server", true, false, F_ACK | F_PSH, 200, FLOW,
	 EDGEXDP_CT_ESTABLISHED, -1},
	{"data client->server, other side of the NAT", true, true,
	 F_ACK | F_PSH, 200, FLOW, EDGEXDP_CT_ESTABLISHED, -1},
	{"data server->client", false, false, F_ACK | F_PSH, 900, FLOW,
	 EDGEXDP_CT_ESTABLISHED, -1},
	{"data server->client, other side of the NAT", false, true,
	 F_ACK | F_PSH, 900, FLOW, EDGEXDP_CT_ESTABLISHED, -1},
	{"FIN from the client", true, false, F_FIN | F_ACK, 0, FLOW,
	 EDGEXDP_CT_CLOSING, 1},
	{"data server->client after the half close", false, false,
	 F_ACK | F_PSH, 100, FLOW, EDGEXDP_CT_CLOSING, 1},
	{"FIN from the server", false, false, F_FIN | F_ACK, 0, FLOW,
	 EDGEXDP_CT_CLOSING, 3},
	{"last ACK", true, false, F_ACK, 0, FLOW, EDGEXDP_CT_CLOSING, 3},
};

static const struct script_step udp_script[] = {
	{"request", true, false, 0, 48, NEW, EDGEXDP_CT_NEW, -1},
	{"second request", true, false, 0, 48, FLOW, EDGEXDP_CT_NEW, -1},
	{"reply", false, false, 0, 300, FLOW, EDGEXDP_CT_ESTABLISHED, -1},
	{"reply, other side of the NAT", false, true, 0, 300, FLOW,
	 EDGEXDP_CT_ESTABLISHED, -1},
	{"request, other side of the NAT", true, true, 0, 48, FLOW,
	 EDGEXDP_CT_ESTABLISHED, -1},
};

static void run_script(const struct flow_def *f,
		       const struct script_step *steps, size_t n)
{
	int rule = rule_id(f->rule);

	for (size_t i = 0; i < n; i++) {
		const struct script_step *s = &steps[i];
		struct pkt p;

		flow_pkt(&p, f, s->client, s->other_side, s->flags, s->payload);
		step(s->what, f->zone, &p,
		     s->outcome == NEW ? WANT_NEW(rule) : WANT_FLOW(rule));
		expect_ct(f, s->ct_state, s->what);
		if (s->fins >= 0)
			expect_fins(f, s->fins & 1, s->fins & 2, s->what);
	}
	assert_int_equal(ct_count(), 1);
}

static void flow_run(void **state)
{
	const struct flow_def *f = *state;

	if (f->proto == IPPROTO_TCP)
		run_script(f, tcp_script,
			   sizeof(tcp_script) / sizeof(tcp_script[0]));
	else
		run_script(f, udp_script,
			   sizeof(udp_script) / sizeof(udp_script[0]));
}

/* Opens the flow to ESTABLISHED (TCP: three steps; UDP: request, reply). */
void establish(const struct flow_def *f)
{
	int rule = rule_id(f->rule);
	struct pkt p;

	if (f->proto == IPPROTO_TCP) {
		flow_pkt(&p, f, true, false, F_SYN, 0);
		step("SYN", f->zone, &p, WANT_NEW(rule));
		flow_pkt(&p, f, false, false, F_SYN | F_ACK, 0);
		step("SYN-ACK", f->zone, &p, WANT_FLOW(rule));
		flow_pkt(&p, f, true, false, F_ACK, 0);
		step("ACK", f->zone, &p, WANT_FLOW(rule));
	} else {
		flow_pkt(&p, f, true, false, 0, 40);
		step("request", f->zone, &p, WANT_NEW(rule));
		flow_pkt(&p, f, false, false, 0, 40);
		step("reply", f->zone, &p, WANT_FLOW(rule));
	}
	expect_ct(f, EDGEXDP_CT_ESTABLISHED, "establish");
}

/* Each external IPv4 flow also runs through the NAT pair (see below). */
static const struct flow_def flows[] = {
	{"external:5 SIP/TLS 443 any->access_edge", EXT, IPPROTO_TCP, ANY_EXT4,
	 40001, "203.0.113.10", 443, "ext-sip-tls-in", false},
	{"external:5 SIP/TLS 443 any->access_edge (IPv6)", EXT, IPPROTO_TCP,
	 ANY_EXT6, 40001, "2001:db8:45::10", 443, "ext-sip-tls-in", false},
	{"external:8 PSOM 443 any->webconf_edge", EXT, IPPROTO_TCP, ANY_EXT4,
	 40002, "203.0.113.20", 443, "ext-psom-tls-in", false},
	{"external:15 STUN/TCP 443 any->av_edge", EXT, IPPROTO_TCP, ANY_EXT4,
	 40003, "203.0.113.30", 443, "ext-stun-tcp-in", false},
	{"external:16 STUN/TCP 443 av_edge->any", EXT, IPPROTO_TCP,
	 "10.45.16.30", 40004, ANY_EXT4, 443, "ext-stun-tcp-out", false},
	{"external:7 SIP/MTLS 5061 access_edge->any", EXT, IPPROTO_TCP,
	 "10.45.16.10", 40005, ANY_EXT4, 5061, "ext-sip-mtls-out", false},
	{"external:7 SIP/MTLS 5061 access_edge->any (IPv6)", EXT, IPPROTO_TCP,
	 "2001:db8:45::10", 40005, ANY_EXT6, 5061, "ext-sip-mtls-out", false},
	{"external:6 SIP/MTLS 5061 any->access_edge", EXT, IPPROTO_TCP,
	 ANY_EXT4, 40006, "203.0.113.10", 5061, "ext-sip-mtls-in", false},
	{"xmpp:1 XMPP 5269 any->access_edge", EXT, IPPROTO_TCP, ANY_EXT4, 40007,
	 "203.0.113.10", 5269, "ext-xmpp-in", false},
	{"external:2 HTTP 80 access_edge->any", EXT, IPPROTO_TCP, "10.45.16.10",
	 40008, ANY_EXT4, 80, "ext-http-crl-out", false},
	{"external:4 DNS/UDP 53 access_edge->any", EXT, IPPROTO_UDP,
	 "10.45.16.10", 40020, "198.51.100.53", 53, "ext-dns-udp-out", false},
	{"external:4 DNS/UDP 53 access_edge->any (IPv6)", EXT, IPPROTO_UDP,
	 "2001:db8:45::10", 40020, "2001:db8:ff::53", 53, "ext-dns-udp-out",
	 false},
	{"external:3 DNS/TCP 53 access_edge->any", EXT, IPPROTO_TCP,
	 "10.45.16.10", 40021, "198.51.100.53", 53, "ext-dns-tcp-out", false},
	{"external:14 STUN/UDP 3478 any->av_edge", EXT, IPPROTO_UDP, ANY_EXT4,
	 40022, "203.0.113.30", 3478, "ext-stun-udp-in", false},
	{"external:14 STUN/UDP 3478 any->av_edge (IPv6)", EXT, IPPROTO_UDP,
	 ANY_EXT6, 40022, "2001:db8:45::30", 3478, "ext-stun-udp-in", false},
	{"external:13 STUN/UDP 3478 av_edge->any", EXT, IPPROTO_UDP,
	 "10.45.16.30", 40023, ANY_EXT4, 3478, "ext-stun-udp-out", false},
	{"external:13 STUN/UDP 3478->3478 av_edge->any (edge to edge)", EXT,
	 IPPROTO_UDP, "10.45.16.30", 3478, ANY_EXT4, 3478, "ext-stun-udp-out",
	 false},
	{"external:9 RTP/TCP 50010->55000, both ports in the range", EXT,
	 IPPROTO_TCP, "10.45.16.30", 50010, ANY_EXT4, 55000, "ext-rtp-tcp-out",
	 false},
	{"external:12 RTP/UDP in (IPv6)", EXT, IPPROTO_UDP, ANY_EXT6, 40013,
	 "2001:db8:45::30", 50000, "ext-rtp-udp-in", false},
	{"internal:2 SIP/MTLS 5061 front_end->edge_internal", INT, IPPROTO_TCP,
	 "172.25.40.5", 40030, "172.25.33.10", 5061, "int-sip-mtls-in", false},
	{"internal:2 SIP/MTLS 5061 director->edge_internal (IPv6)", INT,
	 IPPROTO_TCP, "2001:db8:41::7", 40030, "2001:db8:33::10", 5061,
	 "int-sip-mtls-in", false},
	{"internal:3 SIP/MTLS 5061 edge_internal->director", INT, IPPROTO_TCP,
	 "172.25.33.10", 40031, "172.25.41.7", 5061, "int-sip-mtls-out", false},
	{"internal:4 PSOM 8057 front_end->edge_internal", INT, IPPROTO_TCP,
	 "172.25.40.5", 40032, "172.25.33.10", 8057, "int-psom-mtls-in", false},
	{"internal:6 STUN/UDP 3478 any->edge_internal", INT, IPPROTO_UDP,
	 ANY_INT4, 40033, "172.25.33.10", 3478, "int-stun-udp-in", false},
	{"internal:7 STUN/TCP 443 any->edge_internal (IPv6)", INT, IPPROTO_TCP,
	 ANY_INT6, 40034, "2001:db8:33::10", 443, "int-stun-tcp-in", false},
	{"internal:10 CLS 50002 any->edge_internal", INT, IPPROTO_TCP, ANY_INT4,
	 40035, "172.25.33.10", 50002, "int-cls-mtls-in", false},
	{"xmpp:3 XMPP gateway 23456 any->edge_internal", INT, IPPROTO_TCP,
	 ANY_INT4, 40036, "172.25.33.10", 23456, "int-xmpp-gw-in", false},
	/* Same host on both ends: the key is ordered by port, in host order
	 * (443 < 512, though 0x01bb > 0x0002 read as little-endian words). */
	{"internal:7 443 from the edge's own address, key ordered by port", INT,
	 IPPROTO_TCP, "172.25.33.10", 512, "172.25.33.10", 443,
	 "int-stun-tcp-in", false},
};

/* RTP, both protocols, both ways, at the range's ends and middle: the
 * A/V edge's port, a destination port inbound and the source port
 * outbound (to a remote party's ordinary port, 40010). */
static const struct rtp_kind {
	const char *tag;
	uint8_t proto;
	bool outbound; /* av_edge opens it */
	const char *rule;
} rtp_kinds[] = {
	{"external:9 RTP/TCP av_edge->any", IPPROTO_TCP, true,
	 "ext-rtp-tcp-out"},
	{"external:11 RTP/TCP any->av_edge", IPPROTO_TCP, false,
	 "ext-rtp-tcp-in"},
	{"external:10 RTP/UDP av_edge->any", IPPROTO_UDP, true,
	 "ext-rtp-udp-out"},
	{"external:12 RTP/UDP any->av_edge", IPPROTO_UDP, false,
	 "ext-rtp-udp-in"},
};
static const uint16_t rtp_ports[] = {50000, 55000, 59999};

static struct flow_def *rtp_flow(const struct rtp_kind *k, uint16_t port)
{
	struct flow_def *f = calloc(1, sizeof(*f));
	char name[128];

	if (!f)
		abort();
	snprintf(name, sizeof(name), "%s %s %u", k->tag,
		 k->outbound ? "from" : "to", port);
	f->name = strdup(name);
	f->zone = EXT;
	f->proto = k->proto;
	f->client = k->outbound ? "10.45.16.30" : ANY_EXT4;
	f->cport = k->outbound ? port : 40010;
	f->server = k->outbound ? ANY_EXT4 : "203.0.113.30";
	f->sport = k->outbound ? 40010 : port;
	f->rule = k->rule;
	return f;
}

/* ---- single packets: replies nobody asked for, scans ---- */

struct lone_def {
	const char *name;
	enum edgexdp_zone zone;
	uint8_t proto;
	const char *src;
	uint16_t sport;
	const char *dst;
	uint16_t dport;
	uint8_t flags;
	bool pass; /* only for new flows */
	int reason;
	const char *rule;
};

static const struct lone_def lones[] = {
	{"spoofed TCP ACK from 443, no flow", EXT, IPPROTO_TCP, ANY_EXT4, 443,
	 "203.0.113.10", 40001, F_ACK, false, EDGEXDP_DROP_TCP_STATE, NULL},
	{"spoofed TCP SYN-ACK from 443, no flow", EXT, IPPROTO_TCP, ANY_EXT4,
	 443, "203.0.113.10", 40001, F_SYN | F_ACK, false,
	 EDGEXDP_DROP_TCP_STATE, NULL},
	{"spoofed TCP RST from 443, no flow", EXT, IPPROTO_TCP, ANY_EXT4, 443,
	 "203.0.113.10", 40001, F_RST, false, EDGEXDP_DROP_TCP_STATE, NULL},
	{"spoofed TCP FIN-ACK from 5061, no flow (internal)", INT, IPPROTO_TCP,
	 "172.25.33.10", 5061, "172.25.40.5", 40001, F_FIN | F_ACK, false,
	 EDGEXDP_DROP_TCP_STATE, NULL},
	{"TCP SYN from 443 to an ephemeral port is no reply: no_rule_port", EXT,
	 IPPROTO_TCP, ANY_EXT4, 443, "203.0.113.10", 40001, F_SYN, false,
	 EDGEXDP_DROP_NO_RULE_PORT, NULL},
	/* 50000-59999 is the A/V edge's source range (external 9): a SYN
	 * from it is looked up, and no rule lets a host outside av_edge use
	 * it. */
	{"TCP SYN from in-range port 51000, not from av_edge: no_rule_addr",
	 EXT, IPPROTO_TCP, ANY_EXT4, 51000, "203.0.113.10", 8080, F_SYN, false,
	 EDGEXDP_DROP_NO_RULE_ADDR, NULL},
	{"spoofed UDP from 53, no flow", EXT, IPPROTO_UDP, "198.51.100.53", 53,
	 "203.0.113.10", 40020, 0, false, EDGEXDP_DROP_NO_FLOW, NULL},
	{"spoofed UDP from 3478, no flow", EXT, IPPROTO_UDP, ANY_EXT4, 3478,
	 "203.0.113.30", 40022, 0, false, EDGEXDP_DROP_NO_FLOW, NULL},
	/* 50000 is a source-port rule's port too (external 10): the rule
	 * lookup, not the reply guess, gives the reason. */
	{"spoofed UDP from 50000, not from av_edge: no_rule_addr", EXT,
	 IPPROTO_UDP, ANY_EXT4, 50000, "203.0.113.30", 40013, 0, false,
	 EDGEXDP_DROP_NO_RULE_ADDR, NULL},
	{"spoofed UDP from 53, no flow (IPv6)", EXT, IPPROTO_UDP,
	 "2001:db8:ff::53", 53, "2001:db8:45::10", 40020, 0, false,
	 EDGEXDP_DROP_NO_FLOW, NULL},
	{"TCP ACK scan of 443", EXT, IPPROTO_TCP, ANY_EXT4, 40001,
	 "203.0.113.10", 443, F_ACK, false, EDGEXDP_DROP_TCP_STATE, NULL},
	{"TCP NULL scan of 443", EXT, IPPROTO_TCP, ANY_EXT4, 40001,
	 "203.0.113.10", 443, 0, false, EDGEXDP_DROP_MALFORMED, NULL},
	{"TCP Xmas scan of 443", EXT, IPPROTO_TCP, ANY_EXT4, 40001,
	 "203.0.113.10", 443, F_FIN | F_PSH | F_URG, false,
	 EDGEXDP_DROP_MALFORMED, NULL},
	{"TCP FIN scan of 443", EXT, IPPROTO_TCP, ANY_EXT4, 40001,
	 "203.0.113.10", 443, F_FIN, false, EDGEXDP_DROP_MALFORMED, NULL},
	{"TCP SYN-FIN to 443 opens nothing", EXT, IPPROTO_TCP, ANY_EXT4, 40001,
	 "203.0.113.10", 443, F_SYN | F_FIN, false, EDGEXDP_DROP_MALFORMED,
	 NULL},
	{"TCP SYN-RST to 443 opens nothing", EXT, IPPROTO_TCP, ANY_EXT4, 40001,
	 "203.0.113.10", 443, F_SYN | F_RST, false, EDGEXDP_DROP_MALFORMED,
	 NULL},
	{"TCP SYN with ECN (ECE|CWR) opens a flow", EXT, IPPROTO_TCP, ANY_EXT4,
	 40001, "203.0.113.10", 443, F_SYN | F_ECE | F_CWR, true,
	 EDGEXDP_PASS_NEW_FLOW, "ext-sip-tls-in"},
	{"TCP SYN with PSH|URG opens a flow", EXT, IPPROTO_TCP, ANY_EXT4, 40001,
	 "203.0.113.10", 443, F_SYN | F_PSH | F_URG, true,
	 EDGEXDP_PASS_NEW_FLOW, "ext-sip-tls-in"},
	{"TCP ACK between ports no rule names", EXT, IPPROTO_TCP, ANY_EXT4,
	 40001, "203.0.113.10", 40002, F_ACK, false, EDGEXDP_DROP_NO_RULE_PORT,
	 NULL},
	{"UDP between ports no rule names", EXT, IPPROTO_UDP, ANY_EXT4, 40001,
	 "203.0.113.10", 161, 0, false, EDGEXDP_DROP_NO_RULE_PORT, NULL},
	{"TCP SYN to port 0", EXT, IPPROTO_TCP, ANY_EXT4, 40001, "203.0.113.10",
	 0, F_SYN, false, EDGEXDP_DROP_NO_RULE_PORT, NULL},
	{"UDP to port 65535", INT, IPPROTO_UDP, ANY_INT4, 40001, "172.25.33.10",
	 65535, 0, false, EDGEXDP_DROP_NO_RULE_PORT, NULL},
};

static void lone_run(void **state)
{
	const struct lone_def *l = *state;
	struct pkt p;

	if (l->proto == IPPROTO_TCP)
		mk_tcp(&p, l->src, l->sport, l->dst, l->dport, l->flags, 0);
	else
		mk_udp(&p, l->src, l->sport, l->dst, l->dport, 20);
	step(l->name, l->zone, &p,
	     l->pass ? WANT_NEW(rule_id(l->rule)) : WANT_DROP(l->reason));
	assert_int_equal(ct_count(), l->pass ? 1 : 0);
}

/* ---- registration ---- */

static struct flow_def *nat_variant(const struct flow_def *f)
{
	struct flow_def *v = malloc(sizeof(*v));

	if (!v)
		abort();
	*v = *f;
	v->nat = true;
	return v;
}

static bool has_nat_partner(const struct flow_def *f)
{
	return oracle_nat_partner(f->client) || oracle_nat_partner(f->server);
}

static void add_flow(const struct flow_def *f)
{
	const char *kind = f->proto == IPPROTO_TCP ? "handshake to close"
						   : "request and replies";

	case_addf(flow_run, (void *)f, "%s: %s", f->name, kind);
	if (has_nat_partner(f))
		case_addf(flow_run, nat_variant(f),
			  "%s: %s through the 1:1 NAT pair", f->name, kind);
}

void cases_flow(void)
{
	case_category("flows");
	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
		add_flow(&flows[i]);
	for (size_t i = 0; i < sizeof(rtp_kinds) / sizeof(rtp_kinds[0]); i++)
		for (size_t j = 0; j < sizeof(rtp_ports) / sizeof(rtp_ports[0]);
		     j++)
			add_flow(rtp_flow(&rtp_kinds[i], rtp_ports[j]));

	case_category("no-flow replies and scans");
	for (size_t i = 0; i < sizeof(lones) / sizeof(lones[0]); i++)
		case_addf(lone_run, (void *)&lones[i], "%s => %s %s",
			  lones[i].name, lones[i].pass ? "pass" : "drop",
			  lones[i].pass ? dp_pass_name(lones[i].reason)
					: dp_drop_name(lones[i].reason));
}
