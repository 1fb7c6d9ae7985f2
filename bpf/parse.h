/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Packet parsing: Ethernet and VLAN tags, IPv4 and IPv6 with extension
 * headers, TCP, UDP, and the datagram an ICMP error quotes.
 *
 * Each step checks its bounds against data_end before the first read:
 * the verifier insists, and a truncated header must never be judged on
 * bytes the frame does not have. A step returns VERDICT_NONE to go on, or
 * the drop verdict that ends the packet.
 */
#ifndef EDGEXDP_PARSE_H
#define EDGEXDP_PARSE_H

#include "verdict.h"

/* Ethertypes (uapi/linux/if_ether.h): vmlinux.h carries no macros. */
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8

/* IPv6 next-header values that vmlinux.h lacks (uapi/linux/in6.h). */
#define IPPROTO_HOPOPTS 0
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_ICMPV6 58
#define IPPROTO_DSTOPTS 60

#define IPV4_VERSION 4
#define IPV4_MIN_IHL 5 /* 20 bytes, no options */
#define IPV4_IHL_UNIT 4 /* IHL counts 32-bit words */
#define IPV4_IHL_MASK 0x0f /* the low nibble of the first byte */
#define IP_MF 0x2000 /* more fragments */
#define IP_OFFSET 0x1fff /* fragment offset, 8-byte units */

#define IPV6_VERSION 6
#define IP6_MF 0x0001 /* fragment header: more fragments */
#define IP6_OFFSET 0xfff8 /* fragment header: offset, 8-byte units */
#define IP6_OFFSET_SHIFT 3
/* Hop-by-hop, routing, destination options: (hdrlen + 1) * 8 bytes. */
#define IPV6_OPT_LEN_BIAS 1
#define IPV6_OPT_LEN_UNIT 8
/* AH counts 32-bit words minus 2 (RFC 4302, 2.2). */
#define IPV6_AH_LEN_BIAS 2
#define IPV6_AH_LEN_UNIT 4

/* The header checksum sums the header as 16-bit words (RFC 791). */
#define IPV4_MIN_HDR_WORDS 10
#define IPV4_MAX_OPT_WORDS 20 /* IHL 15: 40 bytes of options */
#define CSUM_ALL_ONES 0xffff

/* RFC 1858: a TCP fragment at offset 1 (8 bytes) can only rewrite the
 * header of the first; nothing legitimate sends one. */
#define FRAG_OFFSET_TCP_OVERLAP 1

#define UDP_HDR_LEN 8

#define TCP_MIN_DOFF 5
#define TCP_DOFF_UNIT 4 /* data offset counts 32-bit words */
#define TCP_FLAGS_OFFSET 13 /* the header byte holding CWR..FIN */
#define TCPHDR_FIN 0x01
#define TCPHDR_SYN 0x02
#define TCPHDR_RST 0x04
#define TCPHDR_ACK 0x10
#define TCPHDR_PSH 0x08
#define TCPHDR_URG 0x20
#define TCPHDR_ECE 0x40
#define TCPHDR_CWR 0x80

/* A 16-bit length field's largest value once in host order. */
#define BE16_LEN_MAX 0xffff

/* TCP options (RFC 9293, RFC 7323): only the window scale matters here. */
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_WINDOW 3
#define TCPOLEN_WINDOW 3
#define TCP_MAX_OPTION_BYTES 40 /* doff 15 minus the fixed 20 bytes */
#define TCP_OPTION_OFF_MASK 63 /* >= TCP_MAX_OPTION_BYTES, for the verifier */
#define TCP_MAX_WSCALE 14 /* RFC 7323 2.3: larger shifts count as 14 */
#define TCP_WSCALE_NONE 0xff

/* ICMP errors, which quote the datagram they are about (RFC 792). */
#define ICMP_DEST_UNREACH 3
#define ICMP_TIME_EXCEEDED 11
#define ICMP_PARAMETERPROB 12

/* ICMPv6 errors (RFC 4443). */
#define ICMPV6_DEST_UNREACH 1
#define ICMPV6_PKT_TOOBIG 2
#define ICMPV6_TIME_EXCEED 3
#define ICMPV6_PARAMPROB 4
/* Link control IPv6 cannot work without: MLD 130-132, ND 133-137, and
 * the MLDv2 report 143 (RFC 4861, RFC 3810). */
#define ICMPV6_MLD_QUERY 130
#define ICMPV6_NDISC_REDIRECT 137
#define ICMPV6_MLD2_REPORT 143

/* An ICMP error quotes at least the first 8 bytes past the IP header,
 * enough for the ports of TCP and UDP (RFC 792). */
#define ICMP_QUOTED_L4_LEN 8

/* The family tags of struct edgexdp_ct_key and edgexdp_frag_key. */
#define FAMILY_IPV4 4
#define FAMILY_IPV6 6

enum frag_kind {
	FRAG_NONE = 0,
	FRAG_FIRST, /* offset 0: carries the L4 header, decided normally */
	FRAG_LATER, /* payload only: judged by the first fragment */
};

/* What the parser learnt. The decision reads this, not the frame. */
struct packet {
	void *data_end;
	void *l3; /* IPv4 or IPv6 header */
	void *l4; /* first byte after the IP header(s) */
	void *ip_end; /* end of the IP datagram (before link padding) */
	__u32 frag_id; /* host order */
	/* l3 and l4 as offsets from the frame's start: scalars the ICMPv6
	 * quote and TCP options are parsed from (decide_icmp6, tcp_wscale). */
	__u16 l3_off;
	__u16 l4_off;
	__be16 sport;
	__be16 dport;
	__u8 family;
	__u8 l4proto;
	__u8 tcp_flags;
	__u8 tcp_doff; /* TCP header length in bytes */
	__u8 tcp_wscale; /* a SYN's window scale option, decide_tcp_udp() */
	__u16 tcp_len; /* payload bytes; seq, ack, window: tcp_seg_read() */
	__u8 frag; /* enum frag_kind */
	__u8 frag_proto; /* next header named next to the fragment id */
	__u16 frag_offset; /* in 8-byte units */
};

/* One direction of a flow, addresses zero-padded to 16 bytes. */
struct flow_tuple {
	struct edgexdp_addr src;
	struct edgexdp_addr dst;
	__be16 sport;
	__be16 dport;
	__u8 l4proto;
	__u8 family;
};

/* TCP and UDP both open with the two ports: all an ICMP quote needs. */
struct l4_ports {
	__be16 source;
	__be16 dest;
};

static __always_inline bool eth_proto_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) ||
	       proto == bpf_htons(ETH_P_8021AD);
}

/* Leaves pkt->l3 past the tags and the ethertype they carry in *proto. */
static __always_inline __u32 parse_ethernet(struct packet *pkt, void *data,
					    __be16 *proto)
{
	struct ethhdr *eth = data;
	struct vlan_hdr *vlan;
	__be16 next;
	void *cur;
	int i;

	if ((void *)(eth + 1) > pkt->data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	next = eth->h_proto;
	cur = eth + 1;

#pragma unroll
	for (i = 0; i < EDGEXDP_MAX_VLAN_TAGS; i++) {
		if (!eth_proto_is_vlan(next))
			break;
		vlan = cur;
		if ((void *)(vlan + 1) > pkt->data_end)
			return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
		next = vlan->h_vlan_encapsulated_proto;
		cur = vlan + 1;
	}
	/* A deeper stack could hide IP behind a tag we did not read. */
	if (eth_proto_is_vlan(next))
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);

	pkt->l3 = cur;
	pkt->l3_off = sizeof(*eth) + i * sizeof(*vlan);
	*proto = next;
	return VERDICT_NONE;
}

/*
 * A 16-bit length from a header, in host order, with its bound explicit:
 * the verifier of Linux 6.1 (Debian 12) loses every bound of a value that
 * went through a byte swap, and refuses to move a packet pointer by it.
 * The barrier keeps clang from dropping the mask it knows to be redundant.
 */
static __always_inline __u32 be16_len(__be16 field)
{
	__u32 len = bpf_ntohs(field);

	barrier_var(len);
	return len & BE16_LEN_MAX;
}

static __always_inline __u32 parse_ipv4(struct packet *pkt)
{
	struct iphdr *iph = pkt->l3;
	__u32 hdr_len, tot_len;
	__u16 frag_off;

	if ((void *)(iph + 1) > pkt->data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	if (iph->version != IPV4_VERSION || iph->ihl < IPV4_MIN_IHL)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	hdr_len = iph->ihl * IPV4_IHL_UNIT;
	tot_len = be16_len(iph->tot_len);
	/* Bytes after the datagram are link padding and harmless; a
	 * datagram that claims more than the frame holds is not. */
	if (tot_len < hdr_len || pkt->l3 + tot_len > pkt->data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);

	pkt->family = FAMILY_IPV4;
	pkt->ip_end = pkt->l3 + tot_len;
	pkt->l4proto = iph->protocol;
	pkt->l4 = pkt->l3 + hdr_len;
	pkt->l4_off = pkt->l3_off + hdr_len;

	frag_off = bpf_ntohs(iph->frag_off);
	if (frag_off & (IP_MF | IP_OFFSET)) {
		pkt->frag = (frag_off & IP_OFFSET) ? FRAG_LATER : FRAG_FIRST;
		pkt->frag_id = bpf_ntohs(iph->id);
		pkt->frag_proto = iph->protocol;
		pkt->frag_offset = frag_off & IP_OFFSET;
	}
	return VERDICT_NONE;
}

static __always_inline bool ipv6_is_ext_hdr(__u8 nexthdr)
{
	switch (nexthdr) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
		return true;
	default:
		return false;
	}
}

/*
 * Each skips one header: *cur moves past it, and *off with it. Each kind
 * moves both on its own path: a shared "advance by len" tail costs the
 * verifier four times the states (merged lengths prune worse).
 */
static __always_inline __u32 ipv6_skip_frag_hdr(struct packet *pkt, void **cur,
						__u32 *off, __u8 *nexthdr)
{
	struct frag_hdr *fh = *cur;
	__u16 frag_off;

	if ((void *)(fh + 1) > pkt->data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	frag_off = bpf_ntohs(fh->frag_off);
	*nexthdr = fh->nexthdr;
	*cur = fh + 1;
	*off += sizeof(*fh);
	/* Offset 0 with M clear is an atomic fragment: a whole datagram. */
	if (frag_off & (IP6_MF | IP6_OFFSET)) {
		pkt->frag = (frag_off & IP6_OFFSET) ? FRAG_LATER : FRAG_FIRST;
		pkt->frag_id = bpf_ntohl(fh->identification);
		pkt->frag_proto = fh->nexthdr;
		pkt->frag_offset = (frag_off & IP6_OFFSET) >> IP6_OFFSET_SHIFT;
	}
	return VERDICT_NONE;
}

static __always_inline __u32 ipv6_skip_ext_hdr(struct packet *pkt, void **cur,
					       __u32 *off, __u8 *nexthdr)
{
	struct ipv6_opt_hdr *opt;
	struct ip_auth_hdr *ah;

	switch (*nexthdr) {
	case IPPROTO_FRAGMENT:
		return ipv6_skip_frag_hdr(pkt, cur, off, nexthdr);
	case IPPROTO_AH:
		ah = *cur;
		if ((void *)(ah + 1) > pkt->data_end)
			return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
		*nexthdr = ah->nexthdr;
		*cur += (ah->hdrlen + IPV6_AH_LEN_BIAS) * IPV6_AH_LEN_UNIT;
		*off += (ah->hdrlen + IPV6_AH_LEN_BIAS) * IPV6_AH_LEN_UNIT;
		return VERDICT_NONE;
	default:
		/* Hop-by-hop, routing, destination options: one layout. */
		opt = *cur;
		if ((void *)(opt + 1) > pkt->data_end)
			return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
		*nexthdr = opt->nexthdr;
		*cur += (opt->hdrlen + IPV6_OPT_LEN_BIAS) * IPV6_OPT_LEN_UNIT;
		*off += (opt->hdrlen + IPV6_OPT_LEN_BIAS) * IPV6_OPT_LEN_UNIT;
		return VERDICT_NONE;
	}
}

/*
 * Walks the extension headers from cur (off bytes into the frame), whose
 * type nexthdr names, to the upper-layer header: leaves it in pkt->l4,
 * pkt->l4_off and pkt->l4proto, and what a fragment header says in
 * pkt->frag*. Walks the packet, and the datagram an ICMPv6 error quotes.
 */
static __always_inline __u32 ipv6_walk_ext_hdrs(struct packet *pkt, void *cur,
						__u32 off, __u8 nexthdr)
{
	__u32 verdict;
	int i;

	for (i = 0; i < EDGEXDP_MAX_IPV6_EXT_HDRS; i++) {
		if (!ipv6_is_ext_hdr(nexthdr))
			break;
		/* Hop-by-hop comes first or not at all (RFC 8200, 4.1): the
		 * kernel discards it anywhere else. */
		if (nexthdr == IPPROTO_HOPOPTS && i > 0)
			return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
		verdict = ipv6_skip_ext_hdr(pkt, &cur, &off, &nexthdr);
		if (verdict)
			return verdict;
		/* Past a later fragment's header is payload, not headers. */
		if (pkt->frag == FRAG_LATER)
			break;
	}
	/* A chain longer than we walk could hide the real protocol. */
	if (pkt->frag != FRAG_LATER && ipv6_is_ext_hdr(nexthdr))
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);

	pkt->l4proto = nexthdr;
	pkt->l4 = cur;
	pkt->l4_off = off;
	return VERDICT_NONE;
}

static __always_inline __u32 parse_ipv6(struct packet *pkt)
{
	struct ipv6hdr *ip6h = pkt->l3;

	if ((void *)(ip6h + 1) > pkt->data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	if (ip6h->version != IPV6_VERSION)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	pkt->family = FAMILY_IPV6;
	pkt->ip_end = (void *)(ip6h + 1) + be16_len(ip6h->payload_len);
	if (pkt->ip_end > pkt->data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	return ipv6_walk_ext_hdrs(pkt, ip6h + 1, pkt->l3_off + sizeof(*ip6h),
				  ip6h->nexthdr);
}

/*
 * The flag combinations nf_conntrack's tcp_error() accepts (PSH, ECE and
 * CWR aside): a SYN, a SYN+ACK, a RST, a RST+ACK, a FIN+ACK or an ACK,
 * each with or without URG except RST. Anything else (no flags, FIN
 * alone, SYN+FIN, SYN+RST...) no TCP stack sends.
 */
static __always_inline bool tcp_flags_valid(__u8 flags)
{
	flags &= ~(TCPHDR_PSH | TCPHDR_ECE | TCPHDR_CWR);
	switch (flags) {
	case TCPHDR_SYN:
	case TCPHDR_SYN | TCPHDR_URG:
	case TCPHDR_SYN | TCPHDR_ACK:
	case TCPHDR_RST:
	case TCPHDR_RST | TCPHDR_ACK:
	case TCPHDR_FIN | TCPHDR_ACK:
	case TCPHDR_FIN | TCPHDR_ACK | TCPHDR_URG:
	case TCPHDR_ACK:
	case TCPHDR_ACK | TCPHDR_URG:
		return true;
	default:
		return false;
	}
}

static __always_inline __u32 parse_tcp(struct packet *pkt)
{
	struct tcphdr *tcp = pkt->l4;

	if ((void *)(tcp + 1) > pkt->data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	if (tcp->doff < TCP_MIN_DOFF)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	/* The options belong to the header: a cut-short header is malformed. */
	if (pkt->l4 + tcp->doff * TCP_DOFF_UNIT > pkt->data_end ||
	    pkt->l4 + tcp->doff * TCP_DOFF_UNIT > pkt->ip_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	pkt->sport = tcp->source;
	pkt->dport = tcp->dest;
	/* One byte read beats decoding the flag bitfields one by one. */
	pkt->tcp_flags = ((__u8 *)tcp)[TCP_FLAGS_OFFSET];
	if (!tcp_flags_valid(pkt->tcp_flags))
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	pkt->tcp_doff = tcp->doff * TCP_DOFF_UNIT;
	/* Checked above: the header ends within the datagram. */
	pkt->tcp_len = (__u16)((pkt->ip_end - pkt->l4) - pkt->tcp_doff);
	return VERDICT_NONE;
}

/*
 * The window scale a SYN's options (opt_len bytes at opts) offer, or
 * TCP_WSCALE_NONE. Walks at most the 40 option bytes; each option is read
 * through one pointer, checked against the frame's end, at an offset
 * masked explicitly, so that the verifier of older kernels sees every
 * bound without having to infer it.
 */
static __always_inline __u8 parse_tcp_wscale(const __u8 *opts, __u32 opt_len,
					     void *data_end)
{
	const __u8 *opt;
	__u32 off = 0;
	int i;

	for (i = 0; i < TCP_MAX_OPTION_BYTES; i++) {
		if (off >= opt_len)
			break;
		/* Hidden from the compiler, which would otherwise drop the
		 * mask it can prove a no-op: the verifier needs to see it. */
		barrier_var(off);
		off &= TCP_OPTION_OFF_MASK;
		opt = opts + off;
		if ((void *)(opt + 1) > data_end || opt[0] == TCPOPT_EOL)
			break;
		if (opt[0] == TCPOPT_NOP) {
			off++;
			continue;
		}
		if ((void *)(opt + TCPOLEN_WINDOW) > data_end)
			break; /* no room for a window scale, nor past it */
		if (opt[0] == TCPOPT_WINDOW && opt[1] == TCPOLEN_WINDOW)
			return opt[2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE
						       : opt[2];
		if (opt[1] < 2)
			break; /* malformed: no option is shorter */
		off += opt[1];
	}
	return TCP_WSCALE_NONE;
}

static __always_inline __u32 parse_udp(struct packet *pkt)
{
	struct udphdr *udp = pkt->l4;

	__u32 len, carried;

	if ((void *)(udp + 1) > pkt->data_end ||
	    (void *)(udp + 1) > pkt->ip_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	/*
	 * nf_conntrack's udp_error(): the length covers at least the header
	 * and at most what the IP datagram carries (less is padding). A first
	 * fragment carries part of the datagram its length counts.
	 */
	len = bpf_ntohs(udp->len);
	carried = pkt->ip_end - pkt->l4;
	if (len < UDP_HDR_LEN || (pkt->frag == FRAG_NONE && len > carried))
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	/* IPv6 makes the checksum mandatory (RFC 8200, 8.1). */
	if (pkt->family == FAMILY_IPV6 && !udp->check)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	pkt->sport = udp->source;
	pkt->dport = udp->dest;
	return VERDICT_NONE;
}

static __always_inline void addr_from_ipv4(struct edgexdp_addr *addr, __be32 ip)
{
	addr->u32[0] = ip;
	addr->u32[1] = 0;
	addr->u32[2] = 0;
	addr->u32[3] = 0;
}

static __always_inline void addr_from_ipv6(struct edgexdp_addr *addr,
					   const struct in6_addr *ip)
{
	__builtin_memcpy(addr, ip, sizeof(*addr));
}

/* The addresses of an IP header the parser has bounds-checked already. */
static __always_inline void tuple_load_addrs(struct flow_tuple *t,
					     const void *l3, __u8 family)
{
	const struct ipv6hdr *ip6h = l3;
	const struct iphdr *iph = l3;

	t->family = family;
	if (family == FAMILY_IPV4) {
		addr_from_ipv4(&t->src, iph->saddr);
		addr_from_ipv4(&t->dst, iph->daddr);
	} else {
		addr_from_ipv6(&t->src, &ip6h->saddr);
		addr_from_ipv6(&t->dst, &ip6h->daddr);
	}
}

static __always_inline void tuple_load(struct flow_tuple *t,
				       const struct packet *pkt)
{
	tuple_load_addrs(t, pkt->l3, pkt->family);
	t->sport = pkt->sport;
	t->dport = pkt->dport;
	t->l4proto = pkt->l4proto;
}

/*
 * The ports of the quoted datagram. Only TCP and UDP can have a flow; any
 * other quote, or one of a later fragment (no ports), relates to nothing.
 * The quote ends where the error's own IP datagram does (ip_end): bytes
 * past it are link padding, which the kernel discards, not a quote. Its
 * ports are its last bytes read, so their bound holds for every header
 * before them.
 */
static __always_inline __u32 parse_quoted_ports(struct flow_tuple *t, void *l4,
						__u8 l4proto, void *ip_end,
						void *data_end)
{
	struct l4_ports *ports = l4;

	if (l4proto != IPPROTO_TCP && l4proto != IPPROTO_UDP)
		return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	if (l4 + ICMP_QUOTED_L4_LEN > data_end ||
	    l4 + ICMP_QUOTED_L4_LEN > ip_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	t->sport = ports->source;
	t->dport = ports->dest;
	t->l4proto = l4proto;
	return VERDICT_NONE;
}

static __always_inline __u32 parse_quoted_ipv4(struct flow_tuple *t,
					       void *inner, void *ip_end,
					       void *data_end)
{
	struct iphdr *iph = inner;

	if ((void *)(iph + 1) > data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	if (iph->version != IPV4_VERSION || iph->ihl < IPV4_MIN_IHL)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	if (bpf_ntohs(iph->frag_off) & IP_OFFSET)
		return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	tuple_load_addrs(t, iph, FAMILY_IPV4);
	return parse_quoted_ports(t, inner + iph->ihl * IPV4_IHL_UNIT,
				  iph->protocol, ip_end, data_end);
}

/* The quote is cut short by design: only its headers must be whole. */
static __always_inline __u32 parse_quoted_ipv6(struct flow_tuple *t,
					       void *inner, void *ip_end,
					       void *data_end)
{
	struct ipv6hdr *ip6h = inner;
	struct packet quote = {.data_end = data_end};
	__u32 verdict;

	if ((void *)(ip6h + 1) > data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	if (ip6h->version != IPV6_VERSION)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	verdict = ipv6_walk_ext_hdrs(&quote, ip6h + 1, 0, ip6h->nexthdr);
	if (verdict)
		return verdict;
	if (quote.frag == FRAG_LATER)
		return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	tuple_load_addrs(t, ip6h, FAMILY_IPV6);
	return parse_quoted_ports(t, quote.l4, quote.l4proto, ip_end, data_end);
}

#endif /* EDGEXDP_PARSE_H */
