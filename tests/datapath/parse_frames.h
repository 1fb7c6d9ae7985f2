/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The frames of the parser cases (cases_parse.c), one builder each:
 * builder(packet, argument) makes the frame the table then cuts, pads and
 * runs. The SYN to 443 and the DNS query a rule allows, behind VLAN tags,
 * IPv4 options or IPv6 extension headers; ICMP and link control; other
 * IP protocols; header fields poked out of shape.
 */
#ifndef DATAPATH_PARSE_FRAMES_H
#define DATAPATH_PARSE_FRAMES_H

#include "pkt.h"

#define ETH_P_ARP 0x0806
#define ETH_P_LLDP 0x88cc
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define IPPROTO_GRE_ 47
#define IPPROTO_ESP_ 50
#define IPPROTO_NONE_ 59
#define IPPROTO_SCTP_ 132
#define IPPROTO_IPIP_ 4

/* Index into the IPv6 extension header chains of parse_frames.c: 0 none,
 * 1 HBH DST RT, 2 HBH DST RT AH FRAG DST, 3 the same and one DST more
 * (seven), 4 AH, 5 an atomic fragment. For the table's readability. */
#define CHAIN(n) (n)

/* The SYN to 443 a rule allows: IPv4 (options, TCP options, port, VLAN
 * tags), IPv6 (VLAN tags, extension headers, port). */
void b_syn4(struct pkt *p, int opt_words);
void b_syn4_tcpopt(struct pkt *p, int words);
void b_syn4_port(struct pkt *p, int dport);
void b_syn4_vlan(struct pkt *p, int tags);
void b_syn4_dot1q_dot1q(struct pkt *p, int unused);
void b_syn6_vlan(struct pkt *p, int tags);
void b_syn6_ext(struct pkt *p, int chain);
void b_syn6_ext_port(struct pkt *p, int dport);

/* The DNS query a rule allows, and packets of other IP protocols. */
void b_dns4(struct pkt *p, int opt_words);
void b_dns6(struct pkt *p, int chain);
void b_proto4(struct pkt *p, int proto);
void b_proto6(struct pkt *p, int proto);
void b_proto6_ext(struct pkt *p, int proto);

/* ICMP and ICMPv6 without a quote, link control, the wrong family. */
void b_icmp4(struct pkt *p, int type);
void b_icmp6(struct pkt *p, int type);
void b_mld(struct pkt *p, int type);
void b_nd_ns(struct pkt *p, int unused);
void b_icmp6_in_ipv4(struct pkt *p, int unused);
void b_icmp_in_ipv6(struct pkt *p, int unused);

/* ICMP errors quoting a SYN to 443. */
void b_icmp_err(struct pkt *p, int family);
void b_icmp6_err_ext(struct pkt *p, int chain);
void b_icmp_err_quote_vihl(struct pkt *p, int vihl);

/* Not IP. */
void b_non_ip(struct pkt *p, int ethertype);
void b_arp_vlan(struct pkt *p, int unused);

/* Header fields poked out of shape. */
void b_syn4_vihl(struct pkt *p, int vihl);
void b_syn4_totlen(struct pkt *p, int delta);
void b_syn4_short_datagram(struct pkt *p, int l4_bytes);
void b_syn6_short_payload(struct pkt *p, int l4_bytes);
void b_dns4_short_datagram(struct pkt *p, int l4_bytes);
void b_syn6_version(struct pkt *p, int version);
void b_syn4_doff(struct pkt *p, int doff);
void b_syn4_tiny_first_frag(struct pkt *p, int n);

#endif /* DATAPATH_PARSE_FRAMES_H */
