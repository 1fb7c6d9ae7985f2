// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fuzzer's reference model of the data path (see model.h): its flow
 * table and fragment records, and the whole frame, from the link layer to
 * the protocol a verdict depends on. The pieces it calls are listed in
 * model_internal.h.
 */
#include <string.h>

#include "model_internal.h"
#include "oracle.h"

struct flow flows[MAX_FLOWS];
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

/* ---- flows ---- */

static void canon(uint8_t *a, int family)
{
	struct edgexdp_addr x;

	memcpy(x.u8, a, 16);
	oracle_nat_canon(&x, family);
	memcpy(a, x.u8, 16);
}

int ep_cmp(const struct endpoint *x, const struct endpoint *y)
{
	int c = memcmp(x->addr, y->addr, 16);

	if (c)
		return c;
	return (int)x->port - (int)y->port;
}

/* The direction-free identity of src:sport -> dst:dport. */
void flow_id(struct flow *f, int family, uint8_t proto, const uint8_t *src,
	     uint16_t sport, const uint8_t *dst, uint16_t dport,
	     struct endpoint *from)
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

int flow_find(const struct flow *id)
{
	for (int i = 0; i < MAX_FLOWS; i++)
		if (flows[i].used && same_flow(&flows[i], id))
			return i;
	return -1;
}

int flow_add(const struct flow *id)
{
	for (int i = 0; i < MAX_FLOWS; i++)
		if (!flows[i].used) {
			flows[i] = *id;
			flows[i].used = true;
			return i;
		}
	return -1;
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
