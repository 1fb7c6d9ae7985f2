// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The packet builder of the data path tests and the benchmark; see pkt.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

#define ETH_ALEN 6
#define ETH_HLEN 14
#define VLAN_HLEN 4
#define IP4_HLEN 20
#define IP6_HLEN 40
#define TCP_HLEN 20
#define UDP_HLEN 8
#define ICMP_HLEN 8
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_ARP 0x0806
#define IP4_MF 0x2000

static const uint8_t mac_dst[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t mac_src[ETH_ALEN] = {0x02, 0, 0, 0, 0, 0x01};

static void fail_abort(const char *msg)
{
	fprintf(stderr, "%s\n", msg);
	abort();
}

static void (*fail_fn)(const char *msg) = fail_abort;

void pkt_set_fail(void (*fn)(const char *msg))
{
	fail_fn = fn ? fn : fail_abort;
}

/* A bad spec is the caller's bug: say which, and never return. */
__attribute__((format(printf, 1, 2), noreturn)) static void
pkt_fail(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_fn(msg);
	abort(); /* fail_fn must not return */
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* One's complement sum of a byte string, big-endian 16-bit words. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Pseudo-header sum of TCP, UDP and ICMPv6 (RFC 793, RFC 8200 8.1). */
static uint32_t csum_pseudo(int family, const struct edgexdp_addr *src,
			    const struct edgexdp_addr *dst, uint8_t proto,
			    size_t len)
{
	size_t alen = family == 4 ? 4 : 16;
	uint32_t sum = 0;

	sum = csum_add(sum, src->u8, alen);
	sum = csum_add(sum, dst->u8, alen);
	sum += proto;
	sum += (uint32_t)(len & 0xffff) + (uint32_t)(len >> 16);
	return sum;
}

int pkt_addr(const char *text, struct edgexdp_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!text)
		return 0;
	if (inet_pton(AF_INET, text, out->u8) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, out->u8) == 1)
		return 6;
	return 0;
}

/* The payload: a pattern, so that a test reading the wrong bytes sees it,
 * or zeros where the caller wants a frame's padding to look like padding. */
static void fill_payload(const struct pkt_spec *s, uint8_t *p, size_t len)
{
	if (s->zero_payload) {
		memset(p, 0, len);
		return;
	}
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + 3);
}

/* The L4 datagram, whole, with its checksum. Returns its length. */
static size_t build_l4(const struct pkt_spec *s, int family,
		       const struct edgexdp_addr *src,
		       const struct edgexdp_addr *dst, uint8_t *out, size_t cap)
{
	size_t hlen, body = 0, len;
	uint32_t sum;

	switch (s->proto) {
	case IPPROTO_TCP:
		hlen = TCP_HLEN + (size_t)s->tcp_opt_words * 4;
		len = hlen + s->payload_len;
		if (len > cap)
			pkt_fail("pkt: TCP datagram too long");
		memset(out, 0, hlen);
		put16(out, s->sport);
		put16(out + 2, s->dport);
		put32(out + 4, s->seq);
		put32(out + 8, s->ack);
		out[12] = (uint8_t)((hlen / 4) << 4);
		out[13] = s->tcp_flags;
		put16(out + 14, 65535);
		if (s->tcp_opt_words) {
			/* MSS 1460, then NOPs */
			memset(out + TCP_HLEN, 1, (size_t)s->tcp_opt_words * 4);
			out[TCP_HLEN] = 2;
			out[TCP_HLEN + 1] = 4;
			put16(out + TCP_HLEN + 2, 1460);
		}
		fill_payload(s, out + hlen, s->payload_len);
		sum = csum_pseudo(family, src, dst, IPPROTO_TCP, len);
		put16(out + 16, csum_fold(csum_add(sum, out, len)));
		return len;
	case IPPROTO_UDP:
		len = UDP_HLEN + s->payload_len;
		if (len > cap)
			pkt_fail("pkt: UDP datagram too long");
		put16(out, s->sport);
		put16(out + 2, s->dport);
		put16(out + 4, (uint16_t)len);
		put16(out + 6, 0);
		fill_payload(s, out + UDP_HLEN, s->payload_len);
		sum = csum_pseudo(family, src, dst, IPPROTO_UDP, len);
		sum = csum_fold(csum_add(sum, out, len));
		put16(out + 6, sum ? (uint16_t)sum : 0xffff);
		return len;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (s->quote) {
			const struct pkt *q = s->quote;

			body = s->quote_len ? s->quote_len : q->l4 - q->l3 + 8;
			if (q->l3 + body > q->len)
				body = q->len - q->l3;
		} else {
			body = s->body_len;
		}
		len = ICMP_HLEN + body + s->payload_len;
		if (len > cap)
			pkt_fail("pkt: ICMP message too long");
		out[0] = s->icmp_type;
		out[1] = s->icmp_code;
		put16(out + 2, 0);
		put32(out + 4, s->icmp_rest);
		if (s->quote)
			memcpy(out + ICMP_HLEN, s->quote->data + s->quote->l3,
			       body);
		else if (body)
			memcpy(out + ICMP_HLEN, s->body, body);
		fill_payload(s, out + ICMP_HLEN + body, s->payload_len);
		sum = s->proto == IPPROTO_ICMPV6
			      ? csum_pseudo(family, src, dst, IPPROTO_ICMPV6,
					    len)
			      : 0;
		put16(out + 2, csum_fold(csum_add(sum, out, len)));
		return len;
	default:
		/* GRE, ESP, ...: a payload the data path never reads. */
		if (s->payload_len > cap)
			pkt_fail("pkt: payload too long");
		fill_payload(s, out, s->payload_len);
		return s->payload_len;
	}
}

/* Size of one IPv6 extension header as this builder writes it. */
static size_t ext_len(uint8_t type)
{
	switch (type) {
	case IPPROTO_HOPOPTS:
		return 8; /* hdrlen 0 */
	case IPPROTO_DSTOPTS:
		return 16; /* hdrlen 1: checks the (len + 1) * 8 rule */
	case IPPROTO_ROUTING:
		return 24; /* hdrlen 2: one address */
	case IPPROTO_AH:
		return 24; /* payload len 4: (4 + 2) * 4, 12-byte ICV */
	case IPPROTO_FRAGMENT:
		return 8;
	default:
		return 0;
	}
}

static void write_ext(uint8_t *h, uint8_t type, uint8_t next,
		      const struct pkt_spec *s)
{
	size_t len = ext_len(type);
	uint16_t off;

	memset(h, 0, len);
	h[0] = next;
	switch (type) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_DSTOPTS:
		h[1] = (uint8_t)(len / 8 - 1);
		h[2] = 1; /* PadN */
		h[3] = (uint8_t)(len - 4);
		break;
	case IPPROTO_ROUTING:
		h[1] = (uint8_t)(len / 8 - 1);
		h[2] = 0; /* type 0 */
		h[3] = 0; /* segments left: none, dst is final */
		memset(h + 8, 0x20, 16);
		break;
	case IPPROTO_AH:
		h[1] = (uint8_t)(len / 4 - 2);
		put32(h + 4, 0x1000); /* SPI */
		put32(h + 8, 1); /* sequence */
		memset(h + 12, 0xa5, len - 12); /* ICV */
		break;
	case IPPROTO_FRAGMENT:
		off = s->frag ? (uint16_t)(s->frag_offset |
					   (s->frag_more ? 1 : 0))
			      : 0;
		put16(h + 2, off);
		put32(h + 4, s->frag_id6);
		break;
	}
}

static size_t build_eth(struct pkt *p, const struct pkt_spec *s,
			uint16_t ethertype)
{
	size_t off = 2 * ETH_ALEN;

	if (s->n_vlans < 0 || s->n_vlans > PKT_MAX_VLANS)
		pkt_fail("pkt: bad VLAN count %d", s->n_vlans);
	memcpy(p->data, mac_dst, ETH_ALEN);
	memcpy(p->data + ETH_ALEN, mac_src, ETH_ALEN);
	for (int i = 0; i < s->n_vlans; i++) {
		put16(p->data + off, s->vlan[i]); /* TPID */
		p->vlan[i] = off + 2;
		put16(p->data + off + 2, (uint16_t)(100 + i)); /* TCI: VID */
		off += VLAN_HLEN;
	}
	put16(p->data + off, ethertype);
	return off + 2;
}

static void build_non_ip(struct pkt *p, const struct pkt_spec *s)
{
	size_t off = build_eth(p, s, s->ethertype);
	uint8_t *a = p->data + off;

	p->family = 0;
	p->l3 = p->l4 = off;
	if (s->ethertype == ETHERTYPE_ARP) {
		/* who-has 203.0.113.1 tell 203.0.113.2 */
		static const uint8_t arp[28] = {
			0,    1, 8, 0, 6, 4,	0,   1, /* Ethernet, IPv4,
							   request */
			0x02, 0, 0, 0, 0, 0x01, 203, 0, 113, 2,
			0,    0, 0, 0, 0, 0,	203, 0, 113, 1,
		};
		memcpy(a, arp, sizeof(arp));
		p->len = off + sizeof(arp);
		return;
	}
	fill_payload(s, a, s->payload_len ? s->payload_len : 46);
	p->len = off + (s->payload_len ? s->payload_len : 46);
}

void pkt_build(struct pkt *p, const struct pkt_spec *s)
{
	struct edgexdp_addr src, dst;
	uint8_t l4[PKT_MAX];
	size_t l4_len, slice_off = 0, slice_len, off, hlen;
	uint8_t chain[PKT_MAX_EXT + 1];
	int family, n_chain = 0;

	memset(p, 0, sizeof(*p));
	if (s->ethertype && s->ethertype != ETHERTYPE_IPV4 &&
	    s->ethertype != ETHERTYPE_IPV6) {
		build_non_ip(p, s);
		return;
	}
	family = pkt_addr(s->src, &src);
	if (!family || pkt_addr(s->dst, &dst) != family)
		pkt_fail("pkt: bad addresses %s -> %s", s->src, s->dst);
	p->family = family;

	l4_len = build_l4(s, family, &src, &dst, l4, sizeof(l4));
	slice_len = l4_len;
	if (s->frag) {
		slice_off = s->frag_offset;
		if (slice_off > l4_len || slice_off % 8)
			pkt_fail("pkt: bad fragment offset %zu", slice_off);
		slice_len = l4_len - slice_off;
		if (s->frag_len && s->frag_len < slice_len)
			slice_len = s->frag_len;
	}

	off = build_eth(p, s, family == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
	p->l3 = off;
	if (family == 4) {
		uint8_t *ip = p->data + off;
		uint16_t frag_off = 0;

		hlen = IP4_HLEN + (size_t)s->ip4_opt_words * 4;
		if (hlen > 60)
			pkt_fail("pkt: IPv4 header of %zu bytes", hlen);
		if (s->frag)
			frag_off = (uint16_t)((s->frag_offset / 8) |
					      (s->frag_more ? IP4_MF : 0));
		memset(ip, 0, hlen);
		ip[0] = (uint8_t)(0x40 | (hlen / 4));
		put16(ip + 2, (uint16_t)(hlen + slice_len));
		put16(ip + 4, s->ip_id);
		put16(ip + 6, frag_off);
		ip[8] = s->ttl ? s->ttl : 64;
		ip[9] = s->proto;
		memcpy(ip + 12, src.u8, 4);
		memcpy(ip + 16, dst.u8, 4);
		if (s->ip4_opt_words) {
			/* NOPs, then End of Options List */
			memset(ip + IP4_HLEN, 1, hlen - IP4_HLEN);
			ip[hlen - 1] = 0;
		}
		put16(ip + 10, csum_fold(csum_add(0, ip, hlen)));
		off += hlen;
	} else {
		uint8_t *ip = p->data + off;
		bool have_frag = false;
		size_t ext_total = 0;

		if (s->n_ext < 0 || s->n_ext > PKT_MAX_EXT)
			pkt_fail("pkt: bad extension header count");
		for (int i = 0; i < s->n_ext; i++) {
			chain[n_chain++] = s->ext[i];
			have_frag |= s->ext[i] == IPPROTO_FRAGMENT;
		}
		if (s->frag && !have_frag) {
			if (n_chain == PKT_MAX_EXT)
				pkt_fail("pkt: too many extension headers");
			chain[n_chain++] = IPPROTO_FRAGMENT;
		}
		for (int i = 0; i < n_chain; i++) {
			if (!ext_len(chain[i]))
				pkt_fail("pkt: unknown extension header %u",
					 chain[i]);
			ext_total += ext_len(chain[i]);
		}
		memset(ip, 0, IP6_HLEN);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(ext_total + slice_len));
		ip[6] = n_chain ? chain[0] : s->proto;
		ip[7] = s->ttl ? s->ttl : 64;
		memcpy(ip + 8, src.u8, 16);
		memcpy(ip + 24, dst.u8, 16);
		off += IP6_HLEN;
		for (int i = 0; i < n_chain; i++) {
			uint8_t next =
				i + 1 < n_chain ? chain[i + 1] : s->proto;

			p->ext[p->n_ext++] = off;
			write_ext(p->data + off, chain[i], next, s);
			off += ext_len(chain[i]);
		}
	}
	p->l4 = off;
	if (off + slice_len > PKT_MAX)
		pkt_fail("pkt: packet too long");
	memcpy(p->data + off, l4 + slice_off, slice_len);
	p->len = off + slice_len;
}

void pkt_ip4_fix_csum(struct pkt *p)
{
	uint8_t *ip = p->data + p->l3;
	size_t hlen = (size_t)(ip[0] & 0xf) * 4;

	put16(ip + 10, 0);
	put16(ip + 10, csum_fold(csum_add(0, ip, hlen)));
}

void pkt_cut(struct pkt *p, size_t len)
{
	if (len > p->len)
		pkt_fail("pkt: cannot cut %zu bytes to %zu", p->len, len);
	p->len = len;
}

void pkt_cut_consistent(struct pkt *p, size_t len)
{
	pkt_cut(p, len);
	if (p->family == 4 && len >= p->l3 + IP4_HLEN) {
		put16(p->data + p->l3 + 2, (uint16_t)(len - p->l3));
		pkt_ip4_fix_csum(p);
	} else if (p->family == 6 && len >= p->l3 + IP6_HLEN) {
		put16(p->data + p->l3 + 4, (uint16_t)(len - p->l3 - IP6_HLEN));
	}
}

void pkt_pad(struct pkt *p, size_t n)
{
	if (p->len + n > PKT_MAX)
		pkt_fail("pkt: cannot pad");
	memset(p->data + p->len, 0, n);
	p->len += n;
}

size_t pkt_nd_ns_body(const char *target, uint8_t *body, size_t cap)
{
	struct edgexdp_addr t;

	if (cap < 24 || pkt_addr(target, &t) != 6)
		pkt_fail("pkt: bad ND target %s", target);
	memcpy(body, t.u8, 16);
	body[16] = 1; /* source link-layer address option */
	body[17] = 1; /* 8 bytes */
	memcpy(body + 18, mac_src, ETH_ALEN);
	return 24;
}
