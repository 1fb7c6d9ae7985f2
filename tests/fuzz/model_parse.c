// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fuzzer's model, parsing (see model_internal.h): the IPv4 header and
 * its checksum, the IPv6 header and its extension header chain, as the
 * RFCs lay them out; what the frame says about fragments.
 */
#include <string.h>

#include "model_internal.h"

/* ---- IPv4 and IPv6 ---- */

static bool ip4_sum_ok(const uint8_t *h, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += be16(h + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

struct model_verdict parse_ip4(struct parsed *p)
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
struct model_verdict walk6(struct parsed *p, size_t off, uint8_t nh)
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

struct model_verdict parse_ip6(struct parsed *p)
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
