// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Flows: TCP handshakes to the end and UDP conversations on the rows that
 * carry real traffic, each plain and through the 1:1 NAT pair; replies
 * nobody asked for; the TCP state machine; expiry; ICMP errors about
 * flows; fragments of allowed datagrams.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define SEC EDGEXDP_NSEC_PER_SEC
#define TCP_EST_NS ((uint64_t)ORACLE_TCP_ESTABLISHED_TIMEOUT * SEC)
#define TCP_TRANS_NS ((uint64_t)EDGEXDP_TCP_TRANSITORY_TIMEOUT * SEC)
#define UDP_NS ((uint64_t)ORACLE_UDP_TIMEOUT * SEC)
#define TCP_HANDSHAKE_NS ((uint64_t)EDGEXDP_TCP_HANDSHAKE_TIMEOUT * SEC)
#define UDP_UNREPLIED_NS ((uint64_t)EDGEXDP_UDP_UNREPLIED_TIMEOUT * SEC)
#define FRAG_NS ((uint64_t)EDGEXDP_FRAG_TIMEOUT * SEC)

#define EXT EDGEXDP_ZONE_EXTERNAL
#define INT EDGEXDP_ZONE_INTERNAL

/*
 * A flow between a client (who opens it) and a server. With NAT, each
 * endpoint also has a twin address: the same host on the other side of
 * the translation. Client packets go addr -> addr (or twin -> twin, the
 * other side's view); server packets come back twin -> twin (or addr ->
 * addr). Without NAT the twins are the addresses themselves.
 */
struct flow_def {
	const char *name;
	enum edgexdp_zone zone;
	uint8_t proto;
	const char *client;
	uint16_t cport;
	const char *server;
	uint16_t sport;
	const char *rule;
	bool nat; /* use the NAT partners of the edge's addresses as twins */
};

static const char *twin(const struct flow_def *f, const char *addr)
{
	const char *partner = f->nat ? oracle_nat_partner(addr) : NULL;

	return partner ? partner : addr;
}

/* A packet of the flow, from the client or the server side. */
static void flow_pkt(struct pkt *p, const struct flow_def *f, bool client,
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
static void expect_ct(const struct flow_def *f, int state, const char *what)
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
static void expect_fins(const struct flow_def *f, bool client_fin,
			bool server_fin, const char *what)
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
static void establish(const struct flow_def *f)
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

/* ---- the TCP state machine and expiry ---- */

static const struct flow_def https = {
	"https",	EXT, IPPROTO_TCP,      ANY_EXT4, 40001,
	"203.0.113.10", 443, "ext-sip-tls-in", true,
};
static const struct flow_def dns = {
	"dns",		 EXT, IPPROTO_UDP,	 "10.45.16.10", 40020,
	"198.51.100.53", 53,  "ext-dns-udp-out", true,
};

static void tcp_send(const char *what, bool client, uint8_t flags,
		     struct want w)
{
	struct pkt p;

	flow_pkt(&p, &https, client, false, flags, 0);
	step(what, https.zone, &p, w);
}

#define HTTPS_RULE rule_id(https.rule)
#define C true
#define S false

static void rst_from_server_ends_flow(void **state)
{
	establish(&https);
	tcp_send("RST from the server", S, F_RST | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	expect_ct(&https, -1, "RST");
	tcp_send("client ACK after the RST", C, F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	tcp_send("server data after the RST", S, F_ACK | F_PSH,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
}

static void rst_from_client_ends_flow(void **state)
{
	establish(&https);
	tcp_send("RST from the client", C, F_RST, WANT_FLOW(HTTPS_RULE));
	expect_ct(&https, -1, "RST");
	tcp_send("server ACK after the RST", S, F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
}

static void rst_refuses_syn(void **state)
{
	tcp_send("SYN", C, F_SYN, WANT_NEW(HTTPS_RULE));
	tcp_send("RST-ACK: port closed", S, F_RST | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	expect_ct(&https, -1, "RST-ACK");
	tcp_send("SYN-ACK after the RST", S, F_SYN | F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	tcp_send("SYN again opens again", C, F_SYN, WANT_NEW(HTTPS_RULE));
}

static void fin_enters_closing(void **state)
{
	establish(&https);
	tcp_send("FIN from the server", S, F_FIN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	expect_ct(&https, EDGEXDP_CT_CLOSING, "FIN");
	expect_fins(&https, false, true, "FIN");
	/* CLOSING runs on the transitory timeout, not the established one */
	ct_age(IPPROTO_TCP, https.client, https.cport, https.server,
	       https.sport, TCP_TRANS_NS - SEC);
	tcp_send("ACK 1 s before the transitory timeout", C, F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	ct_age(IPPROTO_TCP, https.client, https.cport, https.server,
	       https.sport, TCP_TRANS_NS + SEC);
	tcp_send("ACK 1 s after the transitory timeout", C, F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&https, -1, "expiry");
}

/* The stamp moves at most once a second (ct_touch): a packet 2 s before
 * the timeout still restarts it, the next one within the second does not. */
static void established_refresh_once_a_second(void **state)
{
	struct edgexdp_ct_entry ct, again;
	uint64_t now;

	establish(&https);
	ct_age(IPPROTO_TCP, https.client, https.cport, https.server,
	       https.sport, TCP_EST_NS - 2 * SEC);
	tcp_send("data 2 s before the established timeout", S, F_ACK | F_PSH,
		 WANT_FLOW(HTTPS_RULE));
	now = mono_ns();
	if (!ct_get(IPPROTO_TCP, https.client, https.cport, https.server,
		    https.sport, &ct))
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
	if (!ct_get(IPPROTO_TCP, https.client, https.cport, https.server,
		    https.sport, &again))
		fail_msg("flow gone after the second packet");
	if (again.last_seen_ns != ct.last_seen_ns)
		fail_msg("last_seen_ns moved again within the second: %llu "
			 "-> %llu",
			 (unsigned long long)ct.last_seen_ns,
			 (unsigned long long)again.last_seen_ns);
}

static void established_expires(void **state)
{
	establish(&https);
	ct_age(IPPROTO_TCP, https.client, https.cport, https.server,
	       https.sport, TCP_EST_NS - SEC);
	tcp_send("data 1 s before the established timeout", S, F_ACK | F_PSH,
		 WANT_FLOW(HTTPS_RULE));
	{
		struct edgexdp_ct_entry ct;
		uint64_t now = mono_ns();

		if (!ct_get(IPPROTO_TCP, https.client, https.cport,
			    https.server, https.sport, &ct))
			fail_msg("flow gone");
		if (ct.last_seen_ns + SEC < now || ct.last_seen_ns > now)
			fail_msg("last_seen_ns not refreshed by the packet");
	}
	ct_age(IPPROTO_TCP, https.client, https.cport, https.server,
	       https.sport, TCP_EST_NS + SEC);
	tcp_send("reply 1 s after the established timeout", S, F_ACK | F_PSH,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&https, -1, "expiry");
	assert_int_equal(ct_count(), 0);
	tcp_send("a new SYN opens again", C, F_SYN, WANT_NEW(HTTPS_RULE));
	expect_ct(&https, EDGEXDP_CT_SYN_SENT, "new SYN");
}

static void syn_sent_expires(void **state)
{
	tcp_send("SYN", C, F_SYN, WANT_NEW(HTTPS_RULE));
	ct_age(IPPROTO_TCP, https.client, https.cport, https.server,
	       https.sport, TCP_HANDSHAKE_NS - SEC);
	tcp_send("SYN repeated 1 s before the handshake timeout", C, F_SYN,
		 WANT_FLOW(HTTPS_RULE));
	ct_age(IPPROTO_TCP, https.client, https.cport, https.server,
	       https.sport, TCP_HANDSHAKE_NS + SEC);
	tcp_send("SYN-ACK after the handshake timeout", S, F_SYN | F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&https, -1, "expiry");
}

static void udp_expires(void **state)
{
	struct pkt p;
	int rule = rule_id(dns.rule);

	flow_pkt(&p, &dns, true, false, 0, 40);
	step("query", dns.zone, &p, WANT_NEW(rule));
	/* Unreplied, it runs on the short timeout; the reply confirms it. */
	ct_age(IPPROTO_UDP, dns.client, dns.cport, dns.server, dns.sport,
	       UDP_UNREPLIED_NS - SEC);
	flow_pkt(&p, &dns, false, false, 0, 200);
	step("reply 1 s before the unreplied timeout", dns.zone, &p,
	     WANT_FLOW(rule));
	ct_age(IPPROTO_UDP, dns.client, dns.cport, dns.server, dns.sport,
	       UDP_NS - SEC);
	step("reply 1 s before the UDP timeout", dns.zone, &p, WANT_FLOW(rule));
	ct_age(IPPROTO_UDP, dns.client, dns.cport, dns.server, dns.sport,
	       UDP_NS + SEC);
	step("reply 1 s after the UDP timeout", dns.zone, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_FLOW));
	expect_ct(&dns, -1, "expiry");
	flow_pkt(&p, &dns, true, false, 0, 40);
	step("a new query opens again", dns.zone, &p, WANT_NEW(rule));
}

static void synack_from_initiator(void **state)
{
	tcp_send("SYN", C, F_SYN, WANT_NEW(HTTPS_RULE));
	tcp_send("SYN-ACK from the client itself", C, F_SYN | F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&https, EDGEXDP_CT_SYN_SENT, "bad SYN-ACK");
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
	expect_ct(&https, EDGEXDP_CT_SYN_SENT, "bad segments");
	/* The gateway sees both directions: an ACK of a SYN-ACK nobody saw
	 * is a blind spoofer's (local_responders is off). */
	tcp_send("client ACK with the SYN-ACK unseen", C, F_ACK,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	expect_ct(&https, EDGEXDP_CT_SYN_SENT, "unseen SYN-ACK");
}

static void syn_recv_needs_ack(void **state)
{
	tcp_send("SYN", C, F_SYN, WANT_NEW(HTTPS_RULE));
	tcp_send("SYN-ACK", S, F_SYN | F_ACK, WANT_FLOW(HTTPS_RULE));
	/* Only SYN and RST go without ACK (nf_conntrack's tcp_error()):
	 * a bare PSH is no TCP segment at all. */
	tcp_send("client segment without ACK", C, F_PSH,
		 WANT_DROP(EDGEXDP_DROP_MALFORMED));
	expect_ct(&https, EDGEXDP_CT_SYN_RECV, "no ACK");
	tcp_send("SYN-ACK retransmitted", S, F_SYN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	tcp_send("server ACK keeps SYN_RECV", S, F_ACK, WANT_FLOW(HTTPS_RULE));
	expect_ct(&https, EDGEXDP_CT_SYN_RECV, "server ACK");
	tcp_send("client ACK establishes", C, F_ACK, WANT_FLOW(HTTPS_RULE));
	expect_ct(&https, EDGEXDP_CT_ESTABLISHED, "client ACK");
}

static void syn_on_established(void **state)
{
	establish(&https);
	tcp_send("SYN on an established flow", C, F_SYN,
		 WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	tcp_send("SYN-ACK retransmitted late", S, F_SYN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	expect_ct(&https, EDGEXDP_CT_ESTABLISHED, "late SYN-ACK");
}

static void syn_after_close(void **state)
{
	establish(&https);
	tcp_send("FIN from the client", C, F_FIN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	tcp_send("FIN from the server", S, F_FIN | F_ACK,
		 WANT_FLOW(HTTPS_RULE));
	tcp_send("last ACK", C, F_ACK, WANT_FLOW(HTTPS_RULE));
	/* As Linux allows from TIME_WAIT: a bare SYN on a closing flow is a
	 * new connection, judged by the rules again. */
	tcp_send("SYN reusing the 4-tuple while CLOSING", C, F_SYN,
		 WANT_NEW(HTTPS_RULE));
	expect_ct(&https, EDGEXDP_CT_SYN_SENT, "reopened");
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

/* ---- ICMP errors about flows ---- */

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

	establish(&https);
	/* The edge's reply was too big for a router on the way back. */
	flow_pkt(&inner, &https, false, false, F_ACK | F_PSH, 1400);
	icmp_error(&p, "198.51.100.1", "10.45.16.10", ICMP_DEST_UNREACH,
		   ICMP_FRAG_NEEDED, 1280, &inner);
	step("frag-needed quoting the flow", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, HTTPS_RULE));
	/* The same error quoting the public side of the NAT. */
	flow_pkt(&inner, &https, false, true, F_ACK | F_PSH, 1400);
	icmp_error(&p, "198.51.100.1", "203.0.113.10", ICMP_DEST_UNREACH,
		   ICMP_FRAG_NEEDED, 1280, &inner);
	step("frag-needed quoting the NAT's public side", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_ICMP_RELATED, HTTPS_RULE));
	expect_ct(&https, EDGEXDP_CT_ESTABLISHED, "ICMP");
}

static void icmp_time_exceeded_related(void **state)
{
	struct pkt inner, p;
	int rule = rule_id(dns.rule);

	flow_pkt(&inner, &dns, true, true, 0, 40);
	step("query", dns.zone, &inner, WANT_NEW(rule));
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

	establish(&https);
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

	establish(&https);
	tcp_send("RST", C, F_RST, WANT_FLOW(HTTPS_RULE));
	flow_pkt(&inner, &https, false, false, F_ACK, 1400);
	icmp_error(&p, "198.51.100.1", "10.45.16.10", ICMP_DEST_UNREACH,
		   ICMP_FRAG_NEEDED, 1280, &inner);
	step("frag-needed quoting a flow that was reset", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
	establish(&https);
	ct_age(IPPROTO_TCP, https.client, https.cport, https.server,
	       https.sport, TCP_EST_NS + SEC);
	step("frag-needed quoting a flow that expired", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_ICMP));
}

static void icmp_quotes_nothing_trackable(void **state)
{
	struct pkt inner, p;

	establish(&https);
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

/* ---- fragments ---- */

struct frag_def {
	const char *name;
	const char *client; /* the edge, sending the query */
	const char *client_seen; /* where replies go (NAT: public) */
	const char *server;
	uint32_t id;
};

static const struct frag_def frag_defs[] = {
	{"IPv4", "10.45.16.10", "203.0.113.10", "198.51.100.53", 0x4242},
	{"IPv6", "2001:db8:45::10", "2001:db8:45::10", "2001:db8:ff::53",
	 0x42424242},
};

/* One fragment of a 1400-byte DNS reply (server:53 -> client:40020). */
static void reply_frag(struct pkt *p, const struct frag_def *d, const char *src,
		       uint32_t id, uint16_t off, uint16_t len, bool more)
{
	pkt_build(p, &(struct pkt_spec){.src = src,
					.dst = d->client_seen,
					.proto = IPPROTO_UDP,
					.sport = 53,
					.dport = 40020,
					.payload_len = 1400,
					.ip_id = (uint16_t)id,
					.frag_id6 = id,
					.frag = true,
					.frag_offset = off,
					.frag_len = len,
					.frag_more = more});
}

static void frags_of_tracked_reply(void **state)
{
	const struct frag_def *d = *state;
	int rule = rule_id("ext-dns-udp-out");
	struct pkt p;

	mk_udp(&p, d->client, 40020, d->server, 53, 40);
	step("query", EXT, &p, WANT_NEW(rule));
	/* later fragments before the first: nothing vouches for them yet */
	reply_frag(&p, d, d->server, d->id, 1008, 0, false);
	step("last fragment before the first", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
	reply_frag(&p, d, d->server, d->id, 0, 504, true);
	step("first fragment (carries the ports)", EXT, &p, WANT_FLOW(rule));
	assert_int_equal(frags_count(), 1);
	reply_frag(&p, d, d->server, d->id, 504, 504, true);
	step("middle fragment", EXT, &p, WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
	reply_frag(&p, d, d->server, d->id, 1008, 0, false);
	step("last fragment", EXT, &p, WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
	reply_frag(&p, d, d->server, d->id + 1, 504, 504, true);
	step("later fragment of another datagram", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
	reply_frag(&p, d, d->client, d->id, 504, 504, true);
	step("later fragment with the id from another source", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
	frags_age_all(FRAG_NS - SEC);
	reply_frag(&p, d, d->server, d->id, 504, 504, true);
	step("later fragment 1 s before the fragment timeout", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
	frags_age_all(FRAG_NS + SEC);
	step("later fragment 1 s after the fragment timeout", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
}

static void frags_of_unsolicited_reply(void **state)
{
	const struct frag_def *d = *state;
	struct pkt p;

	reply_frag(&p, d, d->server, d->id, 0, 504, true);
	step("first fragment of a reply nobody asked for", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_FLOW));
	reply_frag(&p, d, d->server, d->id, 504, 504, true);
	step("its later fragment", EXT, &p, WANT_DROP(EDGEXDP_DROP_FRAGMENT));
	assert_int_equal(frags_count(), 0);
}

static void frags_of_new_flow(void **state)
{
	const struct frag_def *d = *state;
	int rule = rule_id("ext-dns-udp-out");
	struct pkt p;

	pkt_build(&p, &(struct pkt_spec){.src = d->client,
					 .dst = d->server,
					 .proto = IPPROTO_UDP,
					 .sport = 40020,
					 .dport = 53,
					 .payload_len = 1200,
					 .ip_id = 7,
					 .frag_id6 = 7,
					 .frag = true,
					 .frag_len = 512,
					 .frag_more = true});
	step("first fragment of a big query", EXT, &p, WANT_NEW(rule));
	pkt_build(&p, &(struct pkt_spec){.src = d->client,
					 .dst = d->server,
					 .proto = IPPROTO_UDP,
					 .sport = 40020,
					 .dport = 53,
					 .payload_len = 1200,
					 .ip_id = 7,
					 .frag_id6 = 7,
					 .frag = true,
					 .frag_offset = 512});
	step("its last fragment", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
}

static void v6_atomic_fragment(void **state)
{
	struct pkt p;

	pkt_build(&p, &(struct pkt_spec){.src = ANY_EXT6,
					 .dst = "2001:db8:45::10",
					 .proto = IPPROTO_TCP,
					 .sport = 40001,
					 .dport = 443,
					 .tcp_flags = F_SYN,
					 .ext = {IPPROTO_FRAGMENT},
					 .n_ext = 1,
					 .frag_id6 = 99});
	step("SYN in an atomic fragment (offset 0, M clear)", EXT, &p,
	     WANT_NEW(rule_id("ext-sip-tls-in")));
	assert_int_equal(frags_count(), 0);
}

static void frags_behind_ext_headers(void **state)
{
	int rule = rule_id("ext-dns-udp-out");
	struct pkt p;
	struct pkt_spec s = {
		.src = "2001:db8:ff::53",
		.dst = "2001:db8:45::10",
		.proto = IPPROTO_UDP,
		.sport = 53,
		.dport = 40020,
		.payload_len = 1400,
		.ext = {IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_FRAGMENT},
		.n_ext = 3,
		.frag_id6 = 5,
		.frag = true,
		.frag_len = 704,
		.frag_more = true};

	mk_udp(&p, "2001:db8:45::10", 40020, "2001:db8:ff::53", 53, 40);
	step("query", EXT, &p, WANT_NEW(rule));
	pkt_build(&p, &s);
	step("first fragment behind hop-by-hop and dest options", EXT, &p,
	     WANT_FLOW(rule));
	s.frag_offset = 704;
	s.frag_len = 0;
	s.frag_more = false;
	pkt_build(&p, &s);
	step("last fragment behind hop-by-hop and dest options", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
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

	case_category("fragments");
	for (size_t i = 0; i < sizeof(frag_defs) / sizeof(frag_defs[0]); i++) {
		const struct frag_def *d = &frag_defs[i];

		case_addf(frags_of_tracked_reply, (void *)d,
			  "%s: fragments of a DNS reply to a tracked query "
			  "pass, others drop",
			  d->name);
		case_addf(frags_of_unsolicited_reply, (void *)d,
			  "%s: fragments of an unsolicited reply drop",
			  d->name);
		case_addf(frags_of_new_flow, (void *)d,
			  "%s: a fragmented query opens the flow, its "
			  "fragments follow",
			  d->name);
	}
	case_add("IPv6 atomic fragment opens a flow like a whole datagram",
		 v6_atomic_fragment, NULL);
	case_add("IPv6 fragments behind other extension headers",
		 frags_behind_ext_headers, NULL);
}
