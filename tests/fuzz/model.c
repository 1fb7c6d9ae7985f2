// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The fuzzer's reference model of the data path; see model.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "harness.h"
#include "model.h"
#include "oracle.h"

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

static struct flow flows[MAX_FLOWS];
static struct fragrec frags[MAX_FRAGS];

void model_reset(void)
{
	memset(flows, 0, sizeof(flows));
	memset(frags, 0, sizeof(frags));
}

size_t model_flows(void)
{
	size_t n = 0;

	for (size_t i = 0; i < MAX_FLOWS; i++)
		n += flows[i].used;
	return n;
}

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

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static struct model_verdict drop(int reason)
{
	return (struct model_verdict){
		.pass = false, .reason = reason, .rule = -1};
}

static struct model_verdict pass(int reason, int rule)
{
	return (struct model_verdict){
		.pass = true, .reason = reason, .rule = rule};
}

#define MALFORMED drop(EDGEXDP_DROP_MALFORMED)
#define NONE ((struct model_verdict){.reason = -1})
#define IS_NONE(v) ((v).reason == -1)

static bool ip4_sum_ok(const uint8_t *h, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += be16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static struct model_verdict parse_ip4(struct parsed *p)
{
	const uint8_t *h = p->f + p->l3;
	size_t ihl, tot;
	uint16_t fo;

	if (p->l3 + IP4_LEN > p->len)
		return MALFORMED;
	ihl = (size_t)(h[0] & 0x0f) * 4;
	tot = be16(h + 2);
	if ((h[0] >> 4) != 4 || ihl < IP4_LEN)
		return MALFORMED;
	if (tot < ihl || p->l3 + tot > p->len)
		return MALFORMED;
	if (!ip4_sum_ok(h, ihl))
		return MALFORMED;
	p->family = 4;
	memset(p->src, 0, 16);
	memset(p->dst, 0, 16);
	memcpy(p->src, h + 12, 4);
	memcpy(p->dst, h + 16, 4);
	p->proto = h[9];
	p->hop = h[8];
	p->l4 = p->l3 + ihl;
	p->ip_end = p->l3 + tot;
	fo = be16(h + 6);
	if (fo & 0x3fff) {
		p->frag_off = fo & 0x1fff;
		p->frag = p->frag_off ? F_LATER : F_FIRST;
		p->frag_id = be16(h + 4);
		p->frag_proto = h[9];
	}
	return NONE;
}

static bool is_ext(uint8_t nh)
{
	return nh == P_HOPOPTS || nh == P_ROUTING || nh == P_FRAGMENT ||
	       nh == P_AH || nh == P_DSTOPTS;
}

/*
 * The IPv6 extension header chain from `off`, headers bounded by the
 * frame: at most six, hop-by-hop only first, nothing read past a later
 * fragment's header. Leaves the upper protocol and its offset.
 */
static struct model_verdict walk6(struct parsed *p, size_t off, uint8_t nh)
{
	for (int i = 0; i < MAX_EXT && is_ext(nh); i++) {
		const uint8_t *h = p->f + off;

		if (nh == P_HOPOPTS && i > 0)
			return MALFORMED;
		if (nh == P_FRAGMENT) {
			uint16_t fo;

			if (off + FRAG_HDR > p->len)
				return MALFORMED;
			fo = be16(h + 2);
			if (fo & 0xfff9) {
				p->frag_off = fo >> 3;
				p->frag = p->frag_off ? F_LATER : F_FIRST;
				p->frag_id = be32(h + 4);
				p->frag_proto = h[0];
			}
			nh = h[0];
			off += FRAG_HDR;
			if (p->frag == F_LATER)
				break;
		} else if (nh == P_AH) {
			if (off + AH_FIXED > p->len)
				return MALFORMED;
			nh = h[0];
			off += ((size_t)h[1] + 2) * 4;
		} else {
			if (off + OPT_FIXED > p->len)
				return MALFORMED;
			nh = h[0];
			off += ((size_t)h[1] + 1) * 8;
		}
	}
	if (p->frag != F_LATER && is_ext(nh))
		return MALFORMED;
	p->proto = nh;
	p->l4 = off;
	return NONE;
}

static struct model_verdict parse_ip6(struct parsed *p)
{
	const uint8_t *h = p->f + p->l3;

	if (p->l3 + IP6_LEN > p->len)
		return MALFORMED;
	if ((h[0] >> 4) != 6)
		return MALFORMED;
	p->family = 6;
	p->ip_end = p->l3 + IP6_LEN + be16(h + 4);
	if (p->ip_end > p->len)
		return MALFORMED;
	memcpy(p->src, h + 8, 16);
	memcpy(p->dst, h + 24, 16);
	p->hop = h[7];
	return walk6(p, p->l3 + IP6_LEN, h[6]);
}

/* ---- addresses ---- */

static bool addr_is(const uint8_t *a, int family, const char *text)
{
	struct edgexdp_addr x;

	return pkt_addr(text, &x) == family && memcmp(a, x.u8, 16) == 0;
}

static bool in_prefix(const uint8_t *a, int family, const char *net,
		      unsigned int plen)
{
	struct edgexdp_addr x;
	unsigned int full = plen / 8, rest = plen % 8;

	if (pkt_addr(net, &x) != family || memcmp(a, x.u8, full) != 0)
		return false;
	return !rest || ((a[full] ^ x.u8[full]) & (0xff << (8 - rest))) == 0;
}

static bool link_local6(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static bool unspecified6(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* The edge's own addresses: the required roles' hosts, NAT partners. */
static const char *const own_addrs[] = {
	"10.45.16.10",	   "203.0.113.10",    "2001:db8:45::10", "10.45.16.20",
	"203.0.113.20",	   "2001:db8:45::20", "10.45.16.30",	 "203.0.113.30",
	"2001:db8:45::30", "172.25.33.10",    "2001:db8:33::10",
};

static bool own(const uint8_t *a, int family)
{
	for (size_t i = 0; i < sizeof(own_addrs) / sizeof(*own_addrs); i++)
		if (addr_is(a, family, own_addrs[i]))
			return true;
	return false;
}

/* The routing of the test's namespace (tests/datapath/harness.c). */
enum route { R_LO, R_OTHER_NIC, R_NONE, R_LOCAL };

static enum route route_of(const uint8_t *a, int family)
{
	if (family == 4) {
		/* Loopback; multicast, 240/4 and the limited broadcast,
		 * which the kernel takes in before any route. */
		if (a[0] == 127 || a[0] >= 224)
			return R_LOCAL;
		if (in_prefix(a, 4, DP_SRC_OTHER_NIC4, 26))
			return R_OTHER_NIC;
		if (in_prefix(a, 4, DP_SRC_UNROUTED4, 26))
			return R_NONE;
		return R_LO;
	}
	if (addr_is(a, 6, "::1") || addr_is(a, 6, DP_LOCAL6) ||
	    link_local6(a) || a[0] == 0xff)
		return R_LOCAL;
	if (in_prefix(a, 6, DP_SRC_OTHER_NIC6, 64))
		return R_OTHER_NIC;
	if (in_prefix(a, 6, DP_SRC_UNROUTED6, 64))
		return R_NONE;
	return R_LO;
}

/* RFC 3704 on the NIC's terms; then the edge's own addresses. */
/* The reverse-path lookup, by the namespace's routing. */
static bool route_ok(const struct model_nic *nic, const struct parsed *p)
{
	enum route r;

	/* The kernel's route lookup refuses a loopback end (rt6_need_strict):
	 * a packet to ::1 arriving on a NIC is bogus anyway. */
	if (p->family == 6 && addr_is(p->dst, 6, "::1"))
		return false;
	r = route_of(p->src, p->family);
	if (r == R_LO)
		return true;
	return r == R_OTHER_NIC && nic->source_check == EDGEXDP_SOURCE_LOOSE;
}

static bool source_ok(const struct model_nic *nic, const struct parsed *p)
{

	if ((nic->flags & EDGEXDP_IFACE_INTERNET) && own(p->src, p->family))
		return false;
	if (nic->source_check == EDGEXDP_SOURCE_OFF)
		return true;
	/* Martians: 0/8, 224/4, 240/4; ::, ff00::/8, and fe80::/10 but to
	 * the edge itself or on the link (bpf/source.h). */
	if (p->family == 4)
		return p->src[0] != 0 && p->src[0] < 224 && route_ok(nic, p);
	if (unspecified6(p->src) || p->src[0] == 0xff)
		return false;
	if (link_local6(p->src))
		return link_local6(p->dst) || own(p->dst, p->family);
	return route_ok(nic, p);
}

/* ---- flows ---- */

static void canon(uint8_t *a, int family)
{
	struct edgexdp_addr x;

	memcpy(x.u8, a, 16);
	oracle_nat_canon(&x, family);
	memcpy(a, x.u8, 16);
}

static int ep_cmp(const struct endpoint *x, const struct endpoint *y)
{
	int c = memcmp(x->addr, y->addr, 16);

	if (c)
		return c;
	return (int)x->port - (int)y->port;
}

/* The direction-free identity of src:sport -> dst:dport. */
static void flow_id(struct flow *f, int family, uint8_t proto,
		    const uint8_t *src, uint16_t sport, const uint8_t *dst,
		    uint16_t dport, struct endpoint *from)
{
	struct endpoint s = {.port = sport}, d = {.port = dport};

	memcpy(s.addr, src, 16);
	memcpy(d.addr, dst, 16);
	canon(s.addr, family);
	canon(d.addr, family);
	memset(f, 0, sizeof(*f));
	f->family = (uint8_t)family;
	f->proto = proto;
	f->a = ep_cmp(&s, &d) <= 0 ? s : d;
	f->b = ep_cmp(&s, &d) <= 0 ? d : s;
	if (from)
		*from = s;
}

static bool same_flow(const struct flow *x, const struct flow *y)
{
	return x->family == y->family && x->proto == y->proto &&
	       !ep_cmp(&x->a, &y->a) && !ep_cmp(&x->b, &y->b);
}

static int flow_find(const struct flow *id)
{
	for (int i = 0; i < MAX_FLOWS; i++)
		if (flows[i].used && same_flow(&flows[i], id))
			return i;
	return -1;
}

static int flow_add(const struct flow *id)
{
	for (int i = 0; i < MAX_FLOWS; i++)
		if (!flows[i].used) {
			flows[i] = *id;
			flows[i].used = true;
			return i;
		}
	return -1;
}

/* ---- TCP and UDP ---- */

struct l4 {
	uint16_t sport, dport;
	uint8_t flags;
	/* TCP */
	uint32_t seq, ack, end, win;
	int wscale; /* a SYN's window scale option, or -1 */
};

#define WSCALE_MAX 14
#define ACK_WINDOW_MIN 66000
#define OPT_MAX 40

/* RFC 7323: the window scale option among a SYN's options, or -1. */
static int tcp_wscale(const struct parsed *p, size_t doff)
{
	size_t opts = p->l4 + TCP_LEN, n = doff - TCP_LEN, off = 0;

	for (int i = 0; i < OPT_MAX && off < n; i++) {
		const uint8_t *o = p->f + opts + off;

		if (opts + off + 1 > p->len || o[0] == 0)
			break;
		if (o[0] == 1) {
			off++;
			continue;
		}
		if (opts + off + 3 > p->len)
			break;
		if (o[0] == 3 && o[1] == 3)
			return o[2] > WSCALE_MAX ? WSCALE_MAX : o[2];
		if (o[1] < 2)
			break;
		off += o[1];
	}
	return -1;
}

static bool tcp_flags_ok(uint8_t fl)
{
	switch (fl & ~(T_PSH | T_ECE | T_CWR)) {
	case T_SYN:
	case T_SYN | T_URG:
	case T_SYN | T_ACK:
	case T_RST:
	case T_RST | T_ACK:
	case T_FIN | T_ACK:
	case T_FIN | T_ACK | T_URG:
	case T_ACK:
	case T_ACK | T_URG:
		return true;
	default:
		return false;
	}
}

static bool bare_syn(uint8_t fl)
{
	return (fl & (T_SYN | T_ACK | T_RST | T_FIN)) == T_SYN;
}

static struct model_verdict parse_l4(const struct parsed *p, struct l4 *l)
{
	const uint8_t *h = p->f + p->l4;

	if (p->proto == P_TCP) {
		size_t doff;

		if (p->l4 + TCP_LEN > p->len)
			return MALFORMED;
		doff = (size_t)(h[12] >> 4) * 4;
		if (doff < TCP_LEN || p->l4 + doff > p->len ||
		    p->l4 + doff > p->ip_end)
			return MALFORMED;
		l->flags = h[13];
		if (!tcp_flags_ok(l->flags))
			return MALFORMED;
		l->seq = be32(h + 4);
		l->ack = be32(h + 8);
		l->win = be16(h + 14);
		l->end = l->seq + (uint32_t)(p->ip_end - p->l4 - doff) +
			 !!(l->flags & T_SYN) + !!(l->flags & T_FIN);
		l->wscale = (l->flags & T_SYN) ? tcp_wscale(p, doff) : -1;
	} else {
		size_t ulen;

		if (p->l4 + UDP_LEN > p->len || p->l4 + UDP_LEN > p->ip_end)
			return MALFORMED;
		ulen = be16(h + 4);
		if (ulen < UDP_LEN ||
		    (p->frag == F_NONE && p->l4 + ulen > p->ip_end))
			return MALFORMED;
		if (p->family == 6 && !be16(h + 6))
			return MALFORMED;
	}
	l->sport = be16(h);
	l->dport = be16(h + 2);
	return NONE;
}

/* Sequence space is modulo 2^32. */
static bool before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static void side_open(struct side *sd, const struct l4 *l)
{
	sd->end = sd->maxend = l->end;
	sd->maxwin = l->win ? l->win : 1;
	sd->offered_wscale = l->wscale >= 0;
	sd->wscale = l->wscale >= 0 ? (uint8_t)l->wscale : 0;
}

/* The segment lies in what the receiver allowed and acknowledges only
 * what the receiver sent, not far behind (nf_conntrack's tcp_in_window). */
static bool in_window(const struct side *snd, const struct side *rcv,
		      const struct l4 *l)
{
	uint32_t ack = (l->flags & T_ACK) ? l->ack : rcv->end;
	uint32_t lag =
		snd->maxwin > ACK_WINDOW_MIN ? snd->maxwin : ACK_WINDOW_MIN;

	return !before(snd->maxend, l->seq) &&
	       !before(l->end, snd->end - rcv->maxwin) &&
	       !before(rcv->end, ack) && !before(ack, rcv->end - lag);
}

static void window_learn(struct side *snd, struct side *rcv, const struct l4 *l)
{
	uint32_t win = l->win << snd->wscale;
	uint32_t reach = l->ack + (win ? win : 1);

	if (snd->maxwin < win)
		snd->maxwin = win;
	if (before(snd->end, l->end))
		snd->end = l->end;
	if ((l->flags & T_ACK) && before(rcv->maxend, reach))
		rcv->maxend = reach;
}

/* A RST ends the flow only at the exact sequence number (RFC 5961). */
static struct model_verdict tcp_rst(struct flow *f, const struct l4 *l,
				    bool from_init)
{
	struct side *snd = &f->side[!from_init], *rcv = &f->side[from_init];

	if (f->state == S_SYN_SENT && !from_init) {
		if (!(l->flags & T_ACK) || l->ack != rcv->end)
			return drop(EDGEXDP_DROP_TCP_WINDOW);
		f->used = false;
		return pass(EDGEXDP_PASS_FLOW, f->rule);
	}
	if (l->seq == snd->end) {
		f->used = false;
		return pass(EDGEXDP_PASS_FLOW, f->rule);
	}
	if (f->state != S_SYN_SENT && !before(l->seq, snd->end - rcv->maxwin) &&
	    !before(snd->maxend, l->seq))
		return pass(EDGEXDP_PASS_FLOW, f->rule);
	return drop(EDGEXDP_DROP_TCP_WINDOW);
}

/* SYN_SENT: only the responder's SYN-ACK of the initiator's SYN moves on. */
static struct model_verdict tcp_syn_sent(struct flow *f, const struct l4 *l,
					 bool from_init)
{
	struct side *snd = &f->side[!from_init], *rcv = &f->side[from_init];

	if (from_init) {
		if (!bare_syn(l->flags))
			return drop(EDGEXDP_DROP_TCP_STATE);
		side_open(snd, l);
		return pass(EDGEXDP_PASS_FLOW, f->rule);
	}
	if ((l->flags & (T_SYN | T_ACK)) != (T_SYN | T_ACK))
		return drop(EDGEXDP_DROP_TCP_STATE);
	if (l->ack != rcv->end)
		return drop(EDGEXDP_DROP_TCP_WINDOW);
	side_open(snd, l);
	if (!snd->offered_wscale || !rcv->offered_wscale)
		snd->wscale = rcv->wscale = 0;
	rcv->maxend = l->ack + snd->maxwin;
	f->state = S_SYN_RECV;
	return pass(EDGEXDP_PASS_FLOW, f->rule);
}

/* The TCP state machine of a tracked flow (README, "Connection
 * tracking"); the parser already refused impossible flags. */
static struct model_verdict tcp_step(int fi, const struct l4 *l, bool from_init)
{
	struct flow *f = &flows[fi];
	struct side *snd = &f->side[!from_init], *rcv = &f->side[from_init];

	if (l->flags & T_RST)
		return tcp_rst(f, l, from_init);
	if (f->state == S_SYN_SENT)
		return tcp_syn_sent(f, l, from_init);
	if (l->flags & T_SYN) {
		bool again = l->end == snd->end;

		if ((l->flags & T_ACK)
			    ? !from_init && again && in_window(snd, rcv, l)
			    : from_init && again && f->state == S_SYN_RECV)
			return pass(EDGEXDP_PASS_FLOW, f->rule);
		return drop(EDGEXDP_DROP_TCP_STATE);
	}
	if (!in_window(snd, rcv, l))
		return drop(EDGEXDP_DROP_TCP_WINDOW);
	if (f->state == S_SYN_RECV && from_init) {
		if (l->ack != rcv->end)
			return drop(EDGEXDP_DROP_TCP_WINDOW);
		f->state = S_EST;
	}
	window_learn(snd, rcv, l);
	if ((l->flags & T_FIN) && f->state != S_SYN_RECV) {
		f->fins |= from_init ? 1 : 2;
		f->state = S_CLOSING;
	}
	return pass(EDGEXDP_PASS_FLOW, f->rule);
}

static void ntop(const uint8_t *a, int family, char *buf)
{
	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static struct model_verdict tcp_udp(const struct model_nic *nic,
				    const struct parsed *p, int *flow_out)
{
	enum edgexdp_proto ep =
		p->proto == P_TCP ? EDGEXDP_PROTO_TCP : EDGEXDP_PROTO_UDP;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	struct oracle_verdict ov;
	struct endpoint from;
	struct model_verdict v;
	struct flow id;
	struct l4 l = {0};
	int fi;

	v = parse_l4(p, &l);
	if (!IS_NONE(v))
		return v;
	/* The junk filter: no rule names the destination port (as either
	 * end), nor, in the NIC's zone, the source port as a source port,
	 * nor, but for a bare SYN, the source port as a destination port
	 * (a reply's). */
	if (!oracle_port_used(ep, l.dport) && !oracle_sport_used(ep, l.dport) &&
	    !oracle_sport_used_in(ep, l.sport, nic->zone) &&
	    (!oracle_port_used(ep, l.sport) ||
	     (p->proto == P_TCP && bare_syn(l.flags))))
		return drop(EDGEXDP_DROP_NO_RULE_PORT);
	flow_id(&id, p->family, p->proto, p->src, l.sport, p->dst, l.dport,
		&from);
	fi = flow_find(&id);
	if (fi >= 0 && p->proto == P_TCP && flows[fi].state == S_CLOSING &&
	    flows[fi].fins == 3 && bare_syn(l.flags)) {
		flows[fi].used = false; /* the tuple is reused: decide afresh */
		fi = -1;
	}
	if (fi >= 0) {
		bool from_init = !ep_cmp(&from, &flows[fi].initiator);

		*flow_out = fi;
		/* The responder of an unconfirmed flow proves its source as
		 * a new flow's initiator does (README, Connection tracking). */
		if (!from_init && flows[fi].state != S_EST &&
		    flows[fi].state != S_CLOSING && !source_ok(nic, p))
			return drop(EDGEXDP_DROP_SPOOFED_SOURCE);
		if (p->proto == P_TCP)
			return tcp_step(fi, &l, from_init);
		if (flows[fi].state == S_NEW && !from_init)
			flows[fi].state = S_EST;
		return pass(EDGEXDP_PASS_FLOW, flows[fi].rule);
	}
	ntop(p->src, p->family, src);
	ntop(p->dst, p->family, dst);
	ov = oracle_new_packet(nic->zone, ep, l.flags, src, l.sport, dst,
			       l.dport);
	if (!ov.pass)
		return drop(ov.reason);
	if (!source_ok(nic, p))
		return drop(EDGEXDP_DROP_SPOOFED_SOURCE);
	/* "Any" is the far side of the gateway, never the gateway itself. */
	if (route_of(p->dst, p->family) == R_LOCAL &&
	    oracle_side_is_any(&ov.rule->to) && !own(p->dst, p->family))
		return drop(EDGEXDP_DROP_WRONG_ZONE);
	id.initiator = from;
	id.state = p->proto == P_TCP ? S_SYN_SENT : S_NEW;
	memset(id.side, 0, sizeof(id.side));
	id.fins = 0;
	if (p->proto == P_TCP)
		side_open(&id.side[0], &l);
	id.rule = rule_id_of(ov.rule);
	*flow_out = flow_add(&id);
	return pass(EDGEXDP_PASS_NEW_FLOW, id.rule);
}

/* ---- ICMP ---- */

struct quoted {
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t proto;
};

static struct model_verdict quote_ports(const struct parsed *p, size_t l4,
					uint8_t proto, struct quoted *q)
{
	if (proto != P_TCP && proto != P_UDP)
		return drop(EDGEXDP_DROP_ICMP);
	/* The quote ends with the error's own datagram, not the frame. */
	if (l4 + QUOTE_L4 > p->len || l4 + QUOTE_L4 > p->ip_end)
		return MALFORMED;
	q->sport = be16(p->f + l4);
	q->dport = be16(p->f + l4 + 2);
	q->proto = proto;
	return NONE;
}

static struct model_verdict quote4(const struct parsed *p, size_t off,
				   struct quoted *q)
{
	const uint8_t *h = p->f + off;

	if (off + IP4_LEN > p->len)
		return MALFORMED;
	if ((h[0] >> 4) != 4 || (h[0] & 0x0f) < 5)
		return MALFORMED;
	if (be16(h + 6) & 0x1fff)
		return drop(EDGEXDP_DROP_ICMP);
	memset(q, 0, sizeof(*q));
	memcpy(q->src, h + 12, 4);
	memcpy(q->dst, h + 16, 4);
	return quote_ports(p, off + (size_t)(h[0] & 0x0f) * 4, h[9], q);
}

static struct model_verdict quote6(const struct parsed *outer, size_t off,
				   struct quoted *q)
{
	struct parsed in = {.f = outer->f, .len = outer->len};
	const uint8_t *h = outer->f + off;
	struct model_verdict v;

	if (off + IP6_LEN > outer->len)
		return MALFORMED;
	if ((h[0] >> 4) != 6)
		return MALFORMED;
	v = walk6(&in, off + IP6_LEN, h[6]);
	if (!IS_NONE(v))
		return v;
	if (in.frag == F_LATER)
		return drop(EDGEXDP_DROP_ICMP);
	memcpy(q->src, h + 8, 16);
	memcpy(q->dst, h + 24, 16);
	return quote_ports(outer, in.l4, in.proto, q);
}

/* An error passes toward the quoted datagram's source, on its flow; on a
 * strict NIC only if the quoted datagram would leave through that NIC
 * (lo here), or would not be forwarded at all. */
static struct model_verdict icmp_error(const struct model_nic *nic,
				       const struct parsed *p,
				       const struct quoted *q, int *flow_out)
{
	struct flow id;
	int fi;

	if (memcmp(p->dst, q->src, 16) != 0)
		return drop(EDGEXDP_DROP_ICMP);
	flow_id(&id, p->family, q->proto, q->src, q->sport, q->dst, q->dport,
		NULL);
	fi = flow_find(&id);
	if (fi < 0)
		return drop(EDGEXDP_DROP_ICMP);
	if (nic->source_check == EDGEXDP_SOURCE_STRICT &&
	    route_of(q->dst, p->family) == R_OTHER_NIC)
		return drop(EDGEXDP_DROP_ICMP);
	*flow_out = fi;
	return pass(EDGEXDP_PASS_ICMP_RELATED, flows[fi].rule);
}

static struct model_verdict icmp4(const struct model_nic *nic,
				  const struct parsed *p, int *flow_out)
{
	struct quoted q;
	struct model_verdict v;
	uint8_t type;

	if (p->l4 + ICMP_LEN > p->len)
		return MALFORMED;
	type = p->f[p->l4];
	if (type != 3 && type != 11 && type != 12)
		return drop(EDGEXDP_DROP_ICMP);
	v = quote4(p, p->l4 + ICMP_LEN, &q);
	if (!IS_NONE(v))
		return v;
	return icmp_error(nic, p, &q, flow_out);
}

/* ND and MLD: on their link only (README, "Threat model"). */
static struct model_verdict link_control(const struct parsed *p, uint8_t type)
{
	bool nd = type >= 133 && type <= 137;
	bool on_link;

	if (nd && p->hop != 255)
		return drop(EDGEXDP_DROP_ICMP);
	if (!nd &&
	    (p->hop != 1 || (!link_local6(p->src) && !unspecified6(p->src))))
		return drop(EDGEXDP_DROP_ICMP);
	if (link_local6(p->dst))
		on_link = true;
	else if (p->dst[0] == 0xff)
		on_link = (p->dst[1] & 0x0f) == 2;
	else
		on_link = route_of(p->dst, 6) == R_LOCAL;
	return on_link ? pass(EDGEXDP_PASS_ICMP6_LINK, -1)
		       : drop(EDGEXDP_DROP_ICMP);
}

static struct model_verdict icmp6(const struct model_nic *nic,
				  const struct parsed *p, int *flow_out)
{
	struct quoted q;
	struct model_verdict v;
	uint8_t type;

	if (p->l4 + ICMP_LEN > p->len)
		return MALFORMED;
	type = p->f[p->l4];
	if (type >= 1 && type <= 4) {
		v = quote6(p, p->l4 + ICMP_LEN, &q);
		if (!IS_NONE(v))
			return v;
		return icmp_error(nic, p, &q, flow_out);
	}
	if ((type >= 130 && type <= 137) || type == 143)
		return link_control(p, type);
	return drop(EDGEXDP_DROP_ICMP);
}

/* ---- fragments ---- */

static bool frag_match(const struct fragrec *r, const struct parsed *p)
{
	return r->used && r->family == p->family && r->proto == p->frag_proto &&
	       r->id == p->frag_id && !memcmp(r->src, p->src, 16) &&
	       !memcmp(r->dst, p->dst, 16);
}

static void frag_record(const struct parsed *p, int rule, int fi)
{
	struct fragrec *slot = NULL;

	for (int i = 0; i < MAX_FRAGS; i++) {
		if (frag_match(&frags[i], p)) {
			slot = &frags[i];
			break;
		}
		if (!slot && !frags[i].used)
			slot = &frags[i];
	}
	if (!slot)
		return;
	slot->used = true;
	slot->family = (uint8_t)p->family;
	slot->proto = p->frag_proto;
	slot->id = p->frag_id;
	memcpy(slot->src, p->src, 16);
	memcpy(slot->dst, p->dst, 16);
	slot->rule = rule;
	slot->flow = fi;
	if (fi >= 0)
		slot->flow_id = flows[fi];
}

static struct model_verdict later_fragment(const struct parsed *p)
{
	if (p->frag_proto == P_TCP && p->frag_off == 1)
		return drop(EDGEXDP_DROP_FRAGMENT);
	for (int i = 0; i < MAX_FRAGS; i++) {
		const struct fragrec *r = &frags[i];

		if (!frag_match(r, p))
			continue;
		/* Only while the flow of its first fragment lives. */
		if (r->flow < 0 || flow_find(&r->flow_id) < 0)
			return drop(EDGEXDP_DROP_FRAGMENT);
		return pass(EDGEXDP_PASS_FRAGMENT, r->rule);
	}
	return drop(EDGEXDP_DROP_FRAGMENT);
}

/* ---- the whole ---- */

static struct model_verdict decide(const struct model_nic *nic,
				   struct parsed *p, int *flow_out)
{
	struct model_verdict v;
	uint16_t et;
	size_t off = ETH_LEN;
	int i;

	et = be16(p->f + 12);
	for (i = 0; i < MAX_VLANS && (et == 0x8100 || et == 0x88a8); i++) {
		if (off + VLAN_LEN > p->len)
			return MALFORMED;
		et = be16(p->f + off + 2);
		off += VLAN_LEN;
	}
	if (et == 0x8100 || et == 0x88a8)
		return MALFORMED;
	p->l3 = off;
	if (et == 0x0800)
		v = parse_ip4(p);
	else if (et == 0x86dd)
		v = parse_ip6(p);
	else
		return pass(EDGEXDP_PASS_NON_IP, -1);
	if (!IS_NONE(v))
		return v;
	if (p->frag == F_LATER)
		return later_fragment(p);
	switch (p->proto) {
	case P_TCP:
	case P_UDP:
		return tcp_udp(nic, p, flow_out);
	case P_ICMP:
		if (p->family != 4)
			return drop(EDGEXDP_DROP_PROTO);
		return icmp4(nic, p, flow_out);
	case P_ICMPV6:
		if (p->family != 6)
			return drop(EDGEXDP_DROP_PROTO);
		return icmp6(nic, p, flow_out);
	default:
		return drop(EDGEXDP_DROP_PROTO);
	}
}

struct model_verdict model_run(const struct model_nic *nic,
			       const uint8_t *frame, size_t len)
{
	struct parsed p = {.f = frame, .len = len};
	struct model_verdict v;
	int fi = -1;

	v = decide(nic, &p, &fi);
	/* A first fragment leaves its rule and flow to the later ones. */
	if (v.pass && v.rule >= 0 && p.frag == F_FIRST)
		frag_record(&p, v.rule, fi);
	return v;
}
