/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small packet builder for the data path tests and the benchmark: Ethernet
 * with 0-3 VLAN tags, IPv4 (options, fragments, valid header checksum), IPv6
 * (hop-by-hop, routing, destination options, AH and fragment headers), TCP and
 * UDP with valid checksums, ICMP / ICMPv6 (errors quoting another packet, echo,
 * neighbour discovery) and non-IP frames (ARP, LLDP). Anything built can
 * then be cut short at any offset, with or without fixing the IP length
 * fields, to test each layer's bounds checks.
 *
 * Addresses are given as text ("203.0.113.10", "2001:db8::1"): the family
 * follows from the source address.
 */
#ifndef DATAPATH_PKT_H
#define DATAPATH_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edgexdp.h"

#define PKT_MAX 2048
#define PKT_MAX_VLANS 3
#define PKT_MAX_EXT 8

/* TCP flag bits, as in the header's flags byte. */
#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10
#define F_URG 0x20
#define F_ECE 0x40
#define F_CWR 0x80

struct pkt_spec {
	/* Link layer: VLAN tags outermost first, e.g. {0x88a8, 0x8100}. */
	uint16_t vlan[PKT_MAX_VLANS];
	int n_vlans;
	/* Non-IP frame when nonzero and not IPv4/IPv6 (ARP gets a request). */
	uint16_t ethertype;

	/* IP. The family follows from src (4 or 6). */
	const char *src;
	const char *dst;
	uint8_t proto; /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6, or any other */
	uint8_t ttl; /* 0: 64 */
	uint8_t ip4_opt_words; /* IPv4 options: IHL = 5 + this (NOPs, EOL) */
	uint16_t ip_id; /* IPv4 id */
	/* IPv6 extension headers in order: IPPROTO_HOPOPTS, _ROUTING,
	 * _DSTOPTS, _AH, _FRAGMENT (an atomic fragment unless frag is set). */
	uint8_t ext[PKT_MAX_EXT];
	int n_ext;
	uint32_t frag_id6; /* IPv6 fragment identification */

	/*
	 * Fragmentation: the L4 datagram (header, payload, checksum over all
	 * of it) is built whole, then bytes [frag_offset, frag_offset +
	 * frag_len) of it are carried (frag_len 0: to the end). IPv6 gets a
	 * fragment header (appended after `ext` unless listed there).
	 */
	bool frag;
	uint16_t frag_offset; /* bytes, a multiple of 8 */
	uint16_t frag_len;
	bool frag_more;

	/* TCP / UDP */
	uint16_t sport;
	uint16_t dport;
	uint8_t tcp_flags;
	uint8_t tcp_opt_words; /* TCP options: doff = 5 + this (MSS, NOPs) */
	uint32_t seq;
	uint32_t ack;

	/* ICMP / ICMPv6 */
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint32_t icmp_rest; /* the 4 bytes after the checksum, host order */
	const struct pkt *quote; /* an ICMP error quotes this packet's IP */
	size_t quote_len; /* bytes from its IP header; 0: IP headers + 8 */
	const uint8_t *body; /* or this body (neighbour discovery...) */
	size_t body_len;

	size_t payload_len; /* bytes after the L4 header (pattern filled) */
	bool zero_payload; /* fill them with zeros instead */
};

struct pkt {
	uint8_t data[PKT_MAX];
	size_t len;
	int family; /* 4, 6, or 0 for non-IP */
	size_t vlan[PKT_MAX_VLANS]; /* offsets of each tag (its TCI) */
	size_t l3; /* IP header (or the non-IP payload) */
	size_t ext[PKT_MAX_EXT]; /* IPv6 extension headers */
	int n_ext;
	size_t l4; /* first byte after the IP header(s) */
};

/* Build a packet. A bad spec calls the failure function, which must not
 * return: by default it prints the problem and aborts; the data path tests
 * make it fail the test case (cmocka's fail_msg). */
void pkt_build(struct pkt *p, const struct pkt_spec *s);
void pkt_set_fail(void (*fn)(const char *msg));

/* Cut the frame to `len` bytes, leaving every header as it was. */
void pkt_cut(struct pkt *p, size_t len);
/* Cut the frame to `len` bytes and make the IP header agree (IPv4 total
 * length and checksum, IPv6 payload length), so the cut shows up at the
 * layer it falls in rather than as an IP length mismatch. */
void pkt_cut_consistent(struct pkt *p, size_t len);
/* Append `n` zero bytes after the IP datagram (Ethernet padding). */
void pkt_pad(struct pkt *p, size_t n);
/* Recompute the IPv4 header checksum after poking at the header. */
void pkt_ip4_fix_csum(struct pkt *p);

/* Parse a textual address; returns the family (4 or 6), 0 if invalid. */
int pkt_addr(const char *text, struct edgexdp_addr *out);

/* An ICMPv6 neighbour solicitation body for `target` (with SLLA option). */
size_t pkt_nd_ns_body(const char *target, uint8_t *body, size_t cap);

#endif /* DATAPATH_PKT_H */
