/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the flow cases share (cases_flow.c, cases_tcp_state.c,
 * cases_icmp_err.c, cases_frag.c): a flow between a client and a server,
 * plain or through the 1:1 NAT pair, its packets, its conntrack entry.
 */
#ifndef EDGEXDP_TEST_FLOWS_H
#define EDGEXDP_TEST_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* A packet of the flow, from the client or the server side; other_side:
 * as seen on the other side of the NAT (if any). */
void flow_pkt(struct pkt *p, const struct flow_def *f, bool client,
	      bool other_side, uint8_t flags, size_t payload);
/* The flow's conntrack entry must be in `state` (or gone, state < 0). */
void expect_ct(const struct flow_def *f, int state, const char *what);
/* fin_seen bits of the flow's entry, as client/server FIN flags. */
void expect_fins(const struct flow_def *f, bool client_fin, bool server_fin,
		 const char *what);
/* Opens the flow to ESTABLISHED (TCP: three steps; UDP: request, reply). */
void establish(const struct flow_def *f);

/* Two flows the single-packet cases build on (cases_tcp_state.c). */
extern const struct flow_def flow_https; /* TCP in, through the NAT */
extern const struct flow_def flow_dns; /* UDP out, through the NAT */
/* A segment of flow_https from the client (C) or the server (S). */
void tcp_send(const char *what, bool client, uint8_t flags, struct want w);

#define HTTPS_RULE rule_id(flow_https.rule)
#define C true
#define S false

#endif
