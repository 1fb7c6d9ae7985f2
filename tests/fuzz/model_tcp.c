// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fuzzer's model, TCP and UDP (see model_internal.h): the L4 header,
 * the junk filter, a new flow by the oracle's rule, and the TCP state
 * machine and windows of a tracked flow (README, "Connection tracking").
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "harness.h"
#include "model_internal.h"
#include "oracle.h"

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

struct model_verdict tcp_udp(const struct model_nic *nic,
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
