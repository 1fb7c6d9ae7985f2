// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The fuzzer's packet sequence generator; see gen.h. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "harness.h"
#include "oracle.h"

#define N_CONV 4
#define HISTORY 8

uint64_t gen_rand(uint64_t *rng)
{
	uint64_t x = *rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned int pick(uint64_t *rng, unsigned int n)
{
	return (unsigned int)(gen_rand(rng) % n);
}

static bool chance(uint64_t *rng, unsigned int percent)
{
	return pick(rng, 100) < percent;
}

#define PICK(rng, a) ((a)[pick((rng), sizeof(a) / sizeof(*(a)))])

/* Hosts: the config's roles, NAT twins, strangers, and the sources the
 * test namespace routes elsewhere, locally or nowhere. */
static const char *const hosts4[] = {
	"10.45.16.10",	"203.0.113.10",	 "10.45.16.20",	   "203.0.113.20",
	"10.45.16.30",	"203.0.113.30",	 "172.25.33.10",   "172.25.40.5",
	"172.25.40.20", "172.25.41.7",	 "192.0.2.33",	   ANY_EXT4,
	ANY_INT4,	"198.51.100.53", "198.51.100.129", "198.51.100.193",
	"127.0.0.1",	"203.0.113.99",	 "224.0.0.251",	   "255.255.255.255",
};
static const char *const hosts6[] = {
	"2001:db8:45::10", "2001:db8:45::20", "2001:db8:45::30",
	"2001:db8:33::10", "2001:db8:40::5",  "2001:db8:41::7",
	"2001:db8:c0::33", ANY_EXT6,	      ANY_INT6,
	"2001:db8:d0::9",  "2001:db8:d1::9",  "::1",
	"fe80::1",	   "a2d:100a::",      "cb00:710a::",
	"ff02::1",	   DP_LOCAL6,
};
/* The ports rules name, their ranges' ends, ephemeral ones, strangers. */
static const uint16_t ports[] = {
	53,    80,    443,   3478,  4443,  5061,  5062,	 5269,
	8057,  23456, 50000, 50001, 50003, 55000, 59999, 40000,
	40001, 40002, 1024,  65535, 161,   22,	  49999, 60000,
};
static const uint8_t tcp_flags[] = {
	0x02, 0x02, 0x12, 0x10, 0x10, 0x18, 0x11, 0x04, 0x14,
	0x01, 0x00, 0x03, 0x06, 0x29, 0xc2, 0x18, 0x10, 0x12,
};
static const uint8_t icmp6_types[] = {1,   2,	3,   4,	  128, 130, 131,
				      132, 133, 134, 135, 136, 137, 143};
static const uint8_t ext_types[] = {IPPROTO_HOPOPTS, IPPROTO_ROUTING,
				    IPPROTO_DSTOPTS, IPPROTO_AH,
				    IPPROTO_FRAGMENT};

struct conv {
	int family;
	uint8_t proto;
	const char *a, *b;
	uint16_t pa, pb;
	enum edgexdp_zone zone;
	unsigned int step; /* of its scripted opening */
	uint32_t next[2]; /* TCP: what a, then b, sends next */
};

/* A host of a rule's side: one of its roles', or any host of the zone. */
static const char *side_host(uint64_t *rng, const struct profile_side *side,
			     int family, enum edgexdp_zone zone)
{
	const char *h = NULL;

	if (!oracle_side_is_any(side)) {
		for (int i = 0; i < PROFILE_MAX_ROLES && side->roles[i]; i++)
			if (oracle_role_defined(side->roles[i]) &&
			    (h = oracle_role_host(side->roles[i], family, 0)) &&
			    chance(rng, 60))
				return h;
		if (h)
			return h;
	}
	if (zone == EDGEXDP_ZONE_EXTERNAL)
		return family == 4
			       ? (chance(rng, 80) ? ANY_EXT4 : "198.51.100.129")
			       : (chance(rng, 80) ? ANY_EXT6
						  : "2001:db8:d0::9");
	return family == 4 ? ANY_INT4 : ANY_INT6;
}

/* A conversation a rule allows: the opener on its from side. */
static void conv_from_rule(uint64_t *rng, struct conv *c)
{
	size_t n;
	const struct profile_rule *rules = oracle_rules(&n);
	const struct profile_rule *r = &rules[pick(rng, (unsigned int)n)];

	c->zone = r->zone;
	c->proto = r->proto == EDGEXDP_PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	c->a = side_host(rng, &r->from, c->family, c->zone);
	c->b = side_host(rng, &r->to, c->family, c->zone);
	c->pb = (uint16_t)(r->port_lo +
			   pick(rng, r->port_hi - r->port_lo + 1U));
	/* A source-port rule (the A/V edge's relay) opens from its range,
	 * to a port (pb) picked from all of them. */
	if (!(r->sport_lo == 0 && r->sport_hi == 65535))
		c->pa = (uint16_t)(r->sport_lo +
				   pick(rng, r->sport_hi - r->sport_lo + 1U));
}

static struct conv convs[N_CONV];
static struct model_nic nics[EDGEXDP_ZONE_COUNT];
static struct pkt history[HISTORY];
static unsigned int n_history, history_next;
static uint16_t ip_id;

static const char *host(uint64_t *rng, int family)
{
	return family == 4 ? PICK(rng, hosts4) : PICK(rng, hosts6);
}

void gen_sequence(uint64_t *rng)
{
	for (int z = 0; z < EDGEXDP_ZONE_COUNT; z++) {
		unsigned int m = pick(rng, 10);

		nics[z].zone = (enum edgexdp_zone)z;
		nics[z].source_check = m < 6   ? EDGEXDP_SOURCE_STRICT
				       : m < 8 ? EDGEXDP_SOURCE_LOOSE
					       : EDGEXDP_SOURCE_OFF;
		nics[z].flags = chance(rng, 30) ? EDGEXDP_IFACE_INTERNET : 0;
	}
	for (int i = 0; i < N_CONV; i++) {
		struct conv *c = &convs[i];

		c->family = chance(rng, 60) ? 4 : 6;
		c->proto = chance(rng, 50) ? IPPROTO_TCP : IPPROTO_UDP;
		c->a = host(rng, c->family);
		c->b = host(rng, c->family);
		c->pa = chance(rng, 70) ? (uint16_t)(40000 + pick(rng, 4))
					: PICK(rng, ports);
		c->pb = PICK(rng, ports);
		c->zone = (enum edgexdp_zone)pick(rng, EDGEXDP_ZONE_COUNT);
		c->step = 0;
		if (chance(rng, 75))
			conv_from_rule(rng, c);
	}
	n_history = 0;
	history_next = 0;
}

/* Extension headers, VLAN tags, IPv4 options: where the parser looks. */
static void mutate_spec(uint64_t *rng, struct pkt_spec *s, int family)
{
	if (chance(rng, 10)) {
		s->n_vlans = (int)pick(rng, 4);
		for (int i = 0; i < s->n_vlans; i++)
			s->vlan[i] = chance(rng, 50) ? 0x8100 : 0x88a8;
	}
	if (family == 4 && chance(rng, 10))
		s->ip4_opt_words = (uint8_t)pick(rng, 11);
	if (family == 6 && chance(rng, 15)) {
		s->n_ext = (int)pick(rng, 4) + 1;
		for (int i = 0; i < s->n_ext; i++)
			s->ext[i] = PICK(rng, ext_types);
	}
	if (chance(rng, 10)) {
		s->frag = true;
		s->frag_more = chance(rng, 70);
		s->frag_offset = (uint16_t)(8 * pick(rng, 5));
		s->frag_len = (uint16_t)(8 * (pick(rng, 4) + 1));
		s->ip_id = (uint16_t)(ip_id % 4);
		s->frag_id6 = ip_id % 4;
		/* The builder slices the datagram: keep the offset inside. */
		if (s->payload_len < 48)
			s->payload_len = 48;
	}
	if (chance(rng, 5))
		s->ttl = (uint8_t)pick(rng, 256);
}

/* Poke the built bytes: lengths, checksums, offsets, cuts. */
static void set16(struct pkt *p, size_t off, uint16_t v)
{
	if (off + 2 > p->len)
		return;
	p->data[off] = (uint8_t)(v >> 8);
	p->data[off + 1] = (uint8_t)v;
}

static void mutate_bytes(uint64_t *rng, struct pkt *p, uint8_t proto)
{
	if (!p->family)
		return;
	switch (pick(rng, 24)) {
	case 0:
		set16(p, p->l3 + (p->family == 4 ? 2 : 4),
		      (uint16_t)(gen_rand(rng) & 0x7ff));
		if (p->family == 4)
			pkt_ip4_fix_csum(p);
		break;
	case 1:
		if (p->family == 4)
			p->data[p->l3 + 10] ^= (uint8_t)(1 + pick(rng, 255));
		break;
	case 2:
		if (proto == IPPROTO_UDP)
			set16(p, p->l4 + 4, (uint16_t)pick(rng, 120));
		break;
	case 3:
		if (proto == IPPROTO_UDP)
			set16(p, p->l4 + 6, 0);
		break;
	case 4:
		if (proto == IPPROTO_TCP && p->l4 + 12 < p->len)
			p->data[p->l4 + 12] = (uint8_t)(pick(rng, 16) << 4);
		break;
	case 5:
		pkt_cut(p, 14 + pick(rng, (unsigned int)(p->len - 13)));
		break;
	case 6:
		pkt_cut_consistent(p,
				   14 + pick(rng, (unsigned int)(p->len - 13)));
		break;
	case 7:
		if (p->family == 4) {
			p->data[p->l3] = (uint8_t)(0x40 | pick(rng, 16));
			pkt_ip4_fix_csum(p);
		}
		break;
	case 8:
		if (p->n_ext && p->ext[0] + 1 < p->len)
			p->data[p->ext[pick(rng, (unsigned int)p->n_ext)] + 1] =
				(uint8_t)pick(rng, 8);
		break;
	case 9:
		pkt_pad(p, pick(rng, 32));
		break;
	default:
		break;
	}
}

/* The opening most conversations follow: SYN, SYN-ACK, ACK, data. */
static const struct {
	bool fwd;
	uint8_t flags;
} script[] = {{true, 0x02},  {false, 0x12}, {true, 0x10},  {true, 0x18},
	      {false, 0x18}, {true, 0x11},  {false, 0x11}, {true, 0x10}};

/*
 * Sequence numbers as a TCP stack would number the conversation, so that
 * its handshakes complete and its data is in window; now and then a wild
 * guess instead, which the data path must refuse.
 */
static void tcp_numbers(uint64_t *rng, struct conv *c, bool fwd, bool scripted,
			struct pkt_spec *s)
{
	uint32_t *me = &c->next[!fwd], peer = c->next[fwd];

	if (!scripted && chance(rng, 20)) {
		s->seq = (uint32_t)gen_rand(rng);
		s->ack = (uint32_t)gen_rand(rng);
		return;
	}
	if (s->tcp_flags & 0x02) /* a SYN starts its side afresh */
		*me = (uint32_t)gen_rand(rng);
	s->seq = *me;
	s->ack = (s->tcp_flags & 0x10) ? peer : 0;
	if (!(s->tcp_flags & 0x04))
		*me += (uint32_t)s->payload_len + !!(s->tcp_flags & 0x02) +
		       !!(s->tcp_flags & 0x01);
}

static void conv_packet(uint64_t *rng, struct gen_step *st)
{
	struct conv *c = &convs[pick(rng, N_CONV)];
	bool scripted =
		c->step < sizeof(script) / sizeof(*script) && chance(rng, 80);
	bool fwd = scripted ? script[c->step].fwd : chance(rng, 60);
	struct pkt_spec s = {
		.src = fwd ? c->a : c->b,
		.dst = fwd ? c->b : c->a,
		.proto = c->proto,
		.sport = fwd ? c->pa : c->pb,
		.dport = fwd ? c->pb : c->pa,
		.tcp_flags = scripted	      ? script[c->step].flags
			     : chance(rng, 5) ? (uint8_t)gen_rand(rng)
					      : PICK(rng, tcp_flags),
		.payload_len = pick(rng, 64),
	};

	if (c->proto == IPPROTO_TCP)
		tcp_numbers(rng, c, fwd, scripted, &s);
	if (scripted)
		c->step++;
	st->nic = nics[chance(rng, 90) ? c->zone : !c->zone];
	if (chance(rng, 40))
		mutate_spec(rng, &s, c->family);
	pkt_build(&st->pkt, &s);
	if (chance(rng, 30))
		mutate_bytes(rng, &st->pkt, c->proto);
}

static void icmp_packet(uint64_t *rng, struct gen_step *st)
{
	const struct pkt *q = &history[pick(rng, n_history)];
	char src[64], dst[64];
	struct edgexdp_addr a;
	bool to_source = chance(rng, 80);
	const uint8_t *ip = q->data + q->l3;
	unsigned int qmax = (unsigned int)(q->len - q->l3);

	if (q->family == 4) {
		inet_ntop(AF_INET, ip + (to_source ? 12 : 16), dst,
			  sizeof(dst));
		snprintf(src, sizeof(src), "198.51.100.1");
	} else {
		inet_ntop(AF_INET6, ip + (to_source ? 8 : 24), dst,
			  sizeof(dst));
		snprintf(src, sizeof(src), "2001:db8:ff::1");
	}
	if (chance(rng, 10))
		snprintf(dst, sizeof(dst), "%s", host(rng, q->family));
	pkt_addr(src, &a);
	pkt_build(
		&st->pkt,
		&(struct pkt_spec){
			.src = src,
			.dst = dst,
			.proto = q->family == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6,
			.icmp_type =
				q->family == 4
					? (uint8_t)PICK(rng,
							((uint8_t[]){3, 11, 12,
								     8, 0}))
					: (uint8_t)(1 + pick(rng, 4)),
			.icmp_rest = 1280,
			.quote = q,
			.quote_len = chance(rng, 20) || q->l4 <= q->l3
					     ? 1 + pick(rng, qmax)
					     : 0,
		});
	st->nic = nics[pick(rng, EDGEXDP_ZONE_COUNT)];
}

static void link_packet(uint64_t *rng, struct gen_step *st)
{
	static const char *const srcs[] = {"fe80::1", "::", "2001:db8:45::1",
					   ANY_EXT6};
	static const char *const dsts[] = {
		"ff02::1",	  "ff02::2", "ff02::1:ff00:10",
		"ff02::16",	  "fe80::2", DP_LOCAL6,
		"2001:db8:ff::7", "ff05::2", "2001:db8:d1::9",
	};
	static const uint8_t hops[] = {255, 1, 64, 254};

	pkt_build(&st->pkt, &(struct pkt_spec){
				    .src = PICK(rng, srcs),
				    .dst = PICK(rng, dsts),
				    .proto = IPPROTO_ICMPV6,
				    .icmp_type = PICK(rng, icmp6_types),
				    .ttl = PICK(rng, hops),
				    .payload_len = 16,
			    });
	st->nic = nics[pick(rng, EDGEXDP_ZONE_COUNT)];
}

static void other_packet(uint64_t *rng, struct gen_step *st)
{
	static const uint8_t protos[] = {47, 50,	   132,		  4,
					 41, IPPROTO_ICMP, IPPROTO_ICMPV6};
	int family = chance(rng, 50) ? 4 : 6;

	if (chance(rng, 20)) {
		pkt_build(&st->pkt, &(struct pkt_spec){.ethertype = 0x0806});
	} else {
		struct pkt_spec s = {.src = host(rng, family),
				     .dst = host(rng, family),
				     .proto = PICK(rng, protos),
				     .icmp_type = (uint8_t)pick(rng, 20),
				     .payload_len = 20};

		mutate_spec(rng, &s, family);
		pkt_build(&st->pkt, &s);
	}
	st->nic = nics[pick(rng, EDGEXDP_ZONE_COUNT)];
}

void gen_step(uint64_t *rng, struct gen_step *out)
{
	unsigned int k = pick(rng, 100);

	ip_id++;
	if (k < 70 || !n_history)
		conv_packet(rng, out);
	else if (k < 85)
		icmp_packet(rng, out);
	else if (k < 93)
		link_packet(rng, out);
	else
		other_packet(rng, out);
	if (out->pkt.family && out->pkt.len <= 200 &&
	    out->pkt.len > out->pkt.l3 + 8) {
		history[history_next++ % HISTORY] = out->pkt;
		if (n_history < HISTORY)
			n_history++;
	}
}
