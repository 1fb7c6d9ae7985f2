// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fuzzer's model, ICMP (see model_internal.h): ICMP and ICMPv6 errors
 * pass on the flow of the datagram they quote, ND and MLD on their link;
 * everything else drops.
 */
#include <string.h>

#include "model_internal.h"

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

struct model_verdict icmp4(const struct model_nic *nic, const struct parsed *p,
			   int *flow_out)
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

struct model_verdict icmp6(const struct model_nic *nic, const struct parsed *p,
			   int *flow_out)
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
