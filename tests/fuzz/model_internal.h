/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the pieces of the fuzzer's reference model share (model.h is the
 * interface): header sizes and protocol numbers, the parsed frame, the
 * flow table, the verdict helpers, and each piece's entry points.
 *   model.c        the flow table, fragments, the whole frame
 *   model_parse.c  Ethernet's payload: IPv4, IPv6 and its extension headers
 *   model_addr.c   source addresses: the source check, the routing
 *   model_tcp.c    TCP and UDP: the junk filter, new flows, TCP states
 *   model_icmp.c   ICMP errors on their flows, IPv6 link control
 */
#ifndef FUZZ_MODEL_INTERNAL_H
#define FUZZ_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edgexdp.h"
#include "model.h"

#define MAX_FLOWS 1024
#define MAX_FRAGS 1024

/* Header sizes and protocol numbers, as the RFCs give them. */
#define ETH_LEN 14
#define VLAN_LEN 4
#define MAX_VLANS 2
#define IP4_LEN 20
#define IP6_LEN 40
#define TCP_LEN 20
#define UDP_LEN 8
#define ICMP_LEN 8
#define AH_FIXED 12
#define FRAG_HDR 8
#define OPT_FIXED 2
#define MAX_EXT 6
#define QUOTE_L4 8

enum {
	P_HOPOPTS = 0,
	P_ROUTING = 43,
	P_FRAGMENT = 44,
	P_AH = 51,
	P_DSTOPTS = 60,
	P_ICMP = 1,
	P_TCP = 6,
	P_UDP = 17,
	P_ICMPV6 = 58
};

enum {
	T_FIN = 1,
	T_SYN = 2,
	T_RST = 4,
	T_PSH = 8,
	T_ACK = 16,
	T_URG = 32,
	T_ECE = 64,
	T_CWR = 128
};

enum { S_NEW, S_EST, S_SYN_SENT, S_SYN_RECV, S_CLOSING };

enum frag { F_NONE, F_FIRST, F_LATER };

struct endpoint {
	uint8_t addr[16];
	uint16_t port;
};

/* What one side of a TCP flow sent and may send (README, "Connection
 * tracking"): sequence numbers, windows scaled. */
struct side {
	uint32_t end; /* past its last sequence number */
	uint32_t maxend; /* past the last its peer's window allows */
	uint32_t maxwin; /* its largest window */
	uint8_t wscale;
	bool offered_wscale;
};

struct flow {
	bool used;
	uint8_t family, proto;
	struct endpoint a, b; /* a < b, NAT-canonical */
	struct endpoint initiator;
	int state;
	int rule;
	struct side side[2]; /* [0]: the initiator's, [1]: the responder's */
	uint8_t fins; /* bit 0: the initiator's FIN, bit 1: the responder's */
};

struct fragrec {
	bool used;
	uint8_t family, proto;
	uint8_t src[16], dst[16];
	uint32_t id;
	int rule;
	int flow; /* index into flows, with its identity below */
	struct flow flow_id;
};

/* What parsing the frame found. */
struct parsed {
	const uint8_t *f;
	size_t len; /* the frame */
	size_t l3, l4, ip_end;
	int family;
	uint8_t src[16], dst[16];
	uint8_t proto;
	uint8_t hop;
	enum frag frag;
	uint32_t frag_id;
	uint8_t frag_proto;
	uint16_t frag_off; /* 8-byte units */
};

/* The flow table (model.c). */
extern struct flow flows[MAX_FLOWS];

/* Network byte order; verdicts, NONE while the frame goes on. */
static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline struct model_verdict drop(int reason)
{
	return (struct model_verdict){
		.pass = false, .reason = reason, .rule = -1};
}

static inline struct model_verdict pass(int reason, int rule)
{
	return (struct model_verdict){
		.pass = true, .reason = reason, .rule = rule};
}

#define MALFORMED drop(EDGEXDP_DROP_MALFORMED)
#define NONE ((struct model_verdict){.reason = -1})
#define IS_NONE(v) ((v).reason == -1)

/* ---- parsing (model_parse.c) ---- */

struct model_verdict parse_ip4(struct parsed *p);
struct model_verdict parse_ip6(struct parsed *p);
/* The IPv6 extension header chain from `off` (an ICMPv6 error's quote
 * too): leaves the upper protocol and its offset. */
struct model_verdict walk6(struct parsed *p, size_t off, uint8_t nh);

/* ---- addresses (model_addr.c) ---- */

bool link_local6(const uint8_t *a);
bool unspecified6(const uint8_t *a);
/* One of the edge's own addresses. */
bool own(const uint8_t *a, int family);

/* The routing of the test's namespace (tests/datapath/harness.c). */
enum route { R_LO, R_OTHER_NIC, R_NONE, R_LOCAL };

enum route route_of(const uint8_t *a, int family);
/* The NIC's source check and the edge's own addresses. */
bool source_ok(const struct model_nic *nic, const struct parsed *p);

/* ---- flows (model.c) ---- */

int ep_cmp(const struct endpoint *x, const struct endpoint *y);
/* The direction-free identity of src:sport -> dst:dport; `from` (if not
 * NULL) the sender's endpoint, NAT-canonical. */
void flow_id(struct flow *f, int family, uint8_t proto, const uint8_t *src,
	     uint16_t sport, const uint8_t *dst, uint16_t dport,
	     struct endpoint *from);
/* The index of the flow in the table, or -1. */
int flow_find(const struct flow *id);
/* Track a flow: its index, or -1 when the table is full. */
int flow_add(const struct flow *id);

/* ---- the protocols: a verdict, and the flow it is on in *flow_out ---- */

/* model_tcp.c */
struct model_verdict tcp_udp(const struct model_nic *nic,
			     const struct parsed *p, int *flow_out);
/* model_icmp.c */
struct model_verdict icmp4(const struct model_nic *nic, const struct parsed *p,
			   int *flow_out);
struct model_verdict icmp6(const struct model_nic *nic, const struct parsed *p,
			   int *flow_out);

#endif /* FUZZ_MODEL_INTERNAL_H */
