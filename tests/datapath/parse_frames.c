// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The frames of the parser cases (see parse_frames.h): one builder per
 * kind of packet, its argument the knob the table turns (option words,
 * VLAN tags, an extension header chain, a port, an ICMP type, a poked
 * field). The table and what each frame must do are in cases_parse.c.
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "parse_frames.h"

/* The allowed SYN of external:5 (any -> access_edge:443), IPv4. */
void b_syn4(struct pkt *p, int opt_words)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.ip4_opt_words = (uint8_t)opt_words});
}

/* Same SYN with `words` words of TCP options (doff 5 + words). */
void b_syn4_tcpopt(struct pkt *p, int words)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.tcp_opt_words = (uint8_t)words});
}

void b_syn4_port(struct pkt *p, int dport)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = (uint16_t)dport,
					.tcp_flags = F_SYN,
					.ip4_opt_words = 10});
}

/* The SYN behind VLAN tags: arg = tag count, outer 802.1ad if > 1. */
void b_syn4_vlan(struct pkt *p, int tags)
{
	struct pkt_spec s = {.src = ANY_EXT4,
			     .dst = "203.0.113.10",
			     .proto = IPPROTO_TCP,
			     .sport = 40001,
			     .dport = 443,
			     .tcp_flags = F_SYN,
			     .n_vlans = tags};

	for (int i = 0; i < tags; i++)
		s.vlan[i] = i == 0 && tags > 1 ? ETH_P_8021AD : ETH_P_8021Q;
	pkt_build(p, &s);
}

/* Two plain 802.1Q tags (no 802.1ad outer tag). */
void b_syn4_dot1q_dot1q(struct pkt *p, int unused)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.vlan = {ETH_P_8021Q, ETH_P_8021Q},
					.n_vlans = 2});
}

void b_syn6_vlan(struct pkt *p, int tags)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT6,
					.dst = "2001:db8:45::10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.vlan = {ETH_P_8021AD, ETH_P_8021Q},
					.n_vlans = tags});
}

/* IPv6 SYN to 443 behind extension header chains. */
static const uint8_t ext_chains[][8] = {
	{0}, /* none */
	{IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING},
	{IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH,
	 IPPROTO_FRAGMENT, IPPROTO_DSTOPTS},
	{IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_AH,
	 IPPROTO_FRAGMENT, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS},
	{IPPROTO_AH},
	{IPPROTO_FRAGMENT},
};
static const int ext_chain_len[] = {0, 3, 6, 7, 1, 1};

void b_syn6_ext(struct pkt *p, int chain)
{
	struct pkt_spec s = {.src = ANY_EXT6,
			     .dst = "2001:db8:45::10",
			     .proto = IPPROTO_TCP,
			     .sport = 40001,
			     .dport = 443,
			     .tcp_flags = F_SYN,
			     .n_ext = ext_chain_len[chain]};

	memcpy(s.ext, ext_chains[chain], sizeof(s.ext));
	pkt_build(p, &s);
}

void b_syn6_ext_port(struct pkt *p, int dport)
{
	pkt_build(p,
		  &(struct pkt_spec){.src = ANY_EXT6,
				     .dst = "2001:db8:45::10",
				     .proto = IPPROTO_TCP,
				     .sport = 40001,
				     .dport = (uint16_t)dport,
				     .tcp_flags = F_SYN,
				     .ext = {IPPROTO_HOPOPTS, IPPROTO_DSTOPTS,
					     IPPROTO_ROUTING},
				     .n_ext = 3});
}

/* DNS query of external:4 (access_edge -> any:53). */
void b_dns4(struct pkt *p, int opt_words)
{
	pkt_build(p, &(struct pkt_spec){.src = "10.45.16.10",
					.dst = "198.51.100.53",
					.proto = IPPROTO_UDP,
					.sport = 40020,
					.dport = 53,
					.payload_len = 40,
					.ip4_opt_words = (uint8_t)opt_words});
}

void b_dns6(struct pkt *p, int chain)
{
	struct pkt_spec s = {.src = "2001:db8:45::10",
			     .dst = "2001:db8:ff::53",
			     .proto = IPPROTO_UDP,
			     .sport = 40020,
			     .dport = 53,
			     .payload_len = 40,
			     .n_ext = ext_chain_len[chain]};

	memcpy(s.ext, ext_chains[chain], sizeof(s.ext));
	pkt_build(p, &s);
}

/* A packet of IP protocol `proto` (no L4 the data path knows). */
void b_proto4(struct pkt *p, int proto)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = (uint8_t)proto,
					.payload_len = 24});
}

void b_proto6(struct pkt *p, int proto)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT6,
					.dst = "2001:db8:45::10",
					.proto = (uint8_t)proto,
					.payload_len = 24});
}

void b_proto6_ext(struct pkt *p, int proto)
{
	pkt_build(p,
		  &(struct pkt_spec){.src = ANY_EXT6,
				     .dst = "2001:db8:45::10",
				     .proto = (uint8_t)proto,
				     .payload_len = 24,
				     .ext = {IPPROTO_HOPOPTS, IPPROTO_DSTOPTS},
				     .n_ext = 2});
}

/* ICMP / ICMPv6 message of type `type` with no quote (echo, ND, ...). */
void b_icmp4(struct pkt *p, int type)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_ICMP,
					.icmp_type = (uint8_t)type,
					.icmp_rest = 0x00010001,
					.payload_len = 32});
}

void b_icmp6(struct pkt *p, int type)
{
	pkt_build(p, &(struct pkt_spec){.src = "fe80::1",
					.dst = "ff02::1",
					.proto = IPPROTO_ICMPV6,
					.icmp_type = (uint8_t)type,
					.ttl = 255,
					.payload_len = 16});
}

/* MLD: from a link-local source, hop limit 1 (RFC 3810, 5). */
void b_mld(struct pkt *p, int type)
{
	pkt_build(p, &(struct pkt_spec){.src = "fe80::1",
					.dst = "ff02::1",
					.proto = IPPROTO_ICMPV6,
					.icmp_type = (uint8_t)type,
					.ttl = 1,
					.payload_len = 16});
}

void b_nd_ns(struct pkt *p, int unused)
{
	uint8_t body[24];
	size_t n = pkt_nd_ns_body("2001:db8:45::10", body, sizeof(body));

	pkt_build(p, &(struct pkt_spec){.src = "2001:db8:45::1",
					.dst = "ff02::1:ff00:10",
					.proto = IPPROTO_ICMPV6,
					.icmp_type = 135,
					.ttl = 255,
					.body = body,
					.body_len = n});
}

/* ICMPv6 in IPv4, ICMP in IPv6: a protocol the family does not have. */
void b_icmp6_in_ipv4(struct pkt *p, int unused)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_ICMPV6,
					.icmp_type = 128});
}

void b_icmp_in_ipv6(struct pkt *p, int unused)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT6,
					.dst = "2001:db8:45::10",
					.proto = IPPROTO_ICMP,
					.icmp_type = 8});
}

/* An ICMP error quoting an IPv4 (arg 4) or IPv6 (arg 6) SYN to 443. */
static struct pkt quoted;

void b_icmp_err(struct pkt *p, int family)
{
	if (family == 4) {
		b_syn4(&quoted, 0);
		pkt_build(p, &(struct pkt_spec){.src = "198.51.100.1",
						.dst = ANY_EXT4,
						.proto = IPPROTO_ICMP,
						.icmp_type = 3,
						.icmp_code = 4,
						.icmp_rest = 1280,
						.quote = &quoted});
	} else {
		b_syn6_ext(&quoted, CHAIN(0));
		pkt_build(p, &(struct pkt_spec){.src = "2001:db8:ff::1",
						.dst = ANY_EXT6,
						.proto = IPPROTO_ICMPV6,
						.icmp_type = 2,
						.icmp_rest = 1280,
						.quote = &quoted});
	}
}

/* An ICMPv6 packet too big quoting the IPv6 SYN behind ext_chains[chain]:
 * no flow is tracked, so a whole quote drops (icmp). */
void b_icmp6_err_ext(struct pkt *p, int chain)
{
	b_syn6_ext(&quoted, chain);
	pkt_build(p, &(struct pkt_spec){.src = "2001:db8:ff::1",
					.dst = ANY_EXT6,
					.proto = IPPROTO_ICMPV6,
					.icmp_type = 2,
					.icmp_rest = 1280,
					.quote = &quoted});
}

/* Poke at the quoted IPv4 header's first byte (version / IHL). */
void b_icmp_err_quote_vihl(struct pkt *p, int vihl)
{
	b_icmp_err(p, 4);
	p->data[p->l4 + 8] = (uint8_t)vihl;
}

void b_non_ip(struct pkt *p, int ethertype)
{
	pkt_build(p, &(struct pkt_spec){.ethertype = (uint16_t)ethertype});
}

void b_arp_vlan(struct pkt *p, int unused)
{
	pkt_build(p, &(struct pkt_spec){.ethertype = ETH_P_ARP,
					.vlan = {ETH_P_8021Q},
					.n_vlans = 1});
}

/* IPv4 header pokes: version/IHL byte, total length. */
void b_syn4_vihl(struct pkt *p, int vihl)
{
	b_syn4(p, 0);
	p->data[p->l3] = (uint8_t)vihl;
	pkt_ip4_fix_csum(p);
}

void b_syn4_totlen(struct pkt *p, int delta)
{
	size_t tot;

	b_syn4(p, 0);
	tot = p->len - p->l3 + (size_t)(long)delta;
	p->data[p->l3 + 2] = (uint8_t)(tot >> 8);
	p->data[p->l3 + 3] = (uint8_t)tot;
	pkt_ip4_fix_csum(p);
}

/* Total length 20 + `l4_bytes`: the datagram ends inside the TCP header
 * while the frame goes on (its tail is link padding). */
void b_syn4_short_datagram(struct pkt *p, int l4_bytes)
{
	size_t tot = 20 + (size_t)l4_bytes;

	b_syn4(p, 0);
	p->data[p->l3 + 2] = (uint8_t)(tot >> 8);
	p->data[p->l3 + 3] = (uint8_t)tot;
	pkt_ip4_fix_csum(p);
}

void b_syn6_short_payload(struct pkt *p, int l4_bytes)
{
	b_syn6_ext(p, CHAIN(0));
	p->data[p->l3 + 4] = (uint8_t)(l4_bytes >> 8);
	p->data[p->l3 + 5] = (uint8_t)l4_bytes;
}

void b_dns4_short_datagram(struct pkt *p, int l4_bytes)
{
	size_t tot = 20 + (size_t)l4_bytes;

	b_dns4(p, 0);
	p->data[p->l3 + 2] = (uint8_t)(tot >> 8);
	p->data[p->l3 + 3] = (uint8_t)tot;
	pkt_ip4_fix_csum(p);
}

void b_syn6_version(struct pkt *p, int version)
{
	b_syn6_ext(p, CHAIN(0));
	p->data[p->l3] = (uint8_t)((version << 4) | (p->data[p->l3] & 0xf));
}

void b_syn4_doff(struct pkt *p, int doff)
{
	b_syn4(p, 0);
	p->data[p->l4 + 12] = (uint8_t)(doff << 4);
}

/* A first fragment carrying only `n` bytes of the TCP header. */
void b_syn4_tiny_first_frag(struct pkt *p, int n)
{
	pkt_build(p, &(struct pkt_spec){.src = ANY_EXT4,
					.dst = "203.0.113.10",
					.proto = IPPROTO_TCP,
					.sport = 40001,
					.dport = 443,
					.tcp_flags = F_SYN,
					.payload_len = 64,
					.ip_id = 9,
					.frag = true,
					.frag_len = (uint16_t)n,
					.frag_more = true});
}
