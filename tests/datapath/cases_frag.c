// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Fragments of allowed datagrams: they follow their flow, or the flow
 * their first fragment opens, and nothing else (flows.h).
 */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "flows.h"
#include "harness.h"

struct frag_def {
	const char *name;
	const char *client; /* the edge, sending the query */
	const char *client_seen; /* where replies go (NAT: public) */
	const char *server;
	uint32_t id;
};

static const struct frag_def frag_defs[] = {
	{"IPv4", "10.45.16.10", "203.0.113.10", "198.51.100.53", 0x4242},
	{"IPv6", "2001:db8:45::10", "2001:db8:45::10", "2001:db8:ff::53",
	 0x42424242},
};

/* One fragment of a 1400-byte DNS reply (server:53 -> client:40020). */
static void reply_frag(struct pkt *p, const struct frag_def *d, const char *src,
		       uint32_t id, uint16_t off, uint16_t len, bool more)
{
	pkt_build(p, &(struct pkt_spec){.src = src,
					.dst = d->client_seen,
					.proto = IPPROTO_UDP,
					.sport = 53,
					.dport = 40020,
					.payload_len = 1400,
					.ip_id = (uint16_t)id,
					.frag_id6 = id,
					.frag = true,
					.frag_offset = off,
					.frag_len = len,
					.frag_more = more});
}

static void frags_of_tracked_reply(void **state)
{
	const struct frag_def *d = *state;
	int rule = rule_id("ext-dns-udp-out");
	struct pkt p;

	mk_udp(&p, d->client, 40020, d->server, 53, 40);
	step("query", EXT, &p, WANT_NEW(rule));
	/* later fragments before the first: nothing vouches for them yet */
	reply_frag(&p, d, d->server, d->id, 1008, 0, false);
	step("last fragment before the first", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
	reply_frag(&p, d, d->server, d->id, 0, 504, true);
	step("first fragment (carries the ports)", EXT, &p, WANT_FLOW(rule));
	assert_int_equal(frags_count(), 1);
	reply_frag(&p, d, d->server, d->id, 504, 504, true);
	step("middle fragment", EXT, &p, WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
	reply_frag(&p, d, d->server, d->id, 1008, 0, false);
	step("last fragment", EXT, &p, WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
	reply_frag(&p, d, d->server, d->id + 1, 504, 504, true);
	step("later fragment of another datagram", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
	reply_frag(&p, d, d->client, d->id, 504, 504, true);
	step("later fragment with the id from another source", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
	frags_age_all(FRAG_NS - SEC);
	reply_frag(&p, d, d->server, d->id, 504, 504, true);
	step("later fragment 1 s before the fragment timeout", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
	frags_age_all(FRAG_NS + SEC);
	step("later fragment 1 s after the fragment timeout", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_FRAGMENT));
}

static void frags_of_unsolicited_reply(void **state)
{
	const struct frag_def *d = *state;
	struct pkt p;

	reply_frag(&p, d, d->server, d->id, 0, 504, true);
	step("first fragment of a reply nobody asked for", EXT, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_FLOW));
	reply_frag(&p, d, d->server, d->id, 504, 504, true);
	step("its later fragment", EXT, &p, WANT_DROP(EDGEXDP_DROP_FRAGMENT));
	assert_int_equal(frags_count(), 0);
}

static void frags_of_new_flow(void **state)
{
	const struct frag_def *d = *state;
	int rule = rule_id("ext-dns-udp-out");
	struct pkt p;

	pkt_build(&p, &(struct pkt_spec){.src = d->client,
					 .dst = d->server,
					 .proto = IPPROTO_UDP,
					 .sport = 40020,
					 .dport = 53,
					 .payload_len = 1200,
					 .ip_id = 7,
					 .frag_id6 = 7,
					 .frag = true,
					 .frag_len = 512,
					 .frag_more = true});
	step("first fragment of a big query", EXT, &p, WANT_NEW(rule));
	pkt_build(&p, &(struct pkt_spec){.src = d->client,
					 .dst = d->server,
					 .proto = IPPROTO_UDP,
					 .sport = 40020,
					 .dport = 53,
					 .payload_len = 1200,
					 .ip_id = 7,
					 .frag_id6 = 7,
					 .frag = true,
					 .frag_offset = 512});
	step("its last fragment", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
}

static void v6_atomic_fragment(void **state)
{
	struct pkt p;

	pkt_build(&p, &(struct pkt_spec){.src = ANY_EXT6,
					 .dst = "2001:db8:45::10",
					 .proto = IPPROTO_TCP,
					 .sport = 40001,
					 .dport = 443,
					 .tcp_flags = F_SYN,
					 .ext = {IPPROTO_FRAGMENT},
					 .n_ext = 1,
					 .frag_id6 = 99});
	step("SYN in an atomic fragment (offset 0, M clear)", EXT, &p,
	     WANT_NEW(rule_id("ext-sip-tls-in")));
	assert_int_equal(frags_count(), 0);
}

static void frags_behind_ext_headers(void **state)
{
	int rule = rule_id("ext-dns-udp-out");
	struct pkt p;
	struct pkt_spec s = {
		.src = "2001:db8:ff::53",
		.dst = "2001:db8:45::10",
		.proto = IPPROTO_UDP,
		.sport = 53,
		.dport = 40020,
		.payload_len = 1400,
		.ext = {IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_FRAGMENT},
		.n_ext = 3,
		.frag_id6 = 5,
		.frag = true,
		.frag_len = 704,
		.frag_more = true};

	mk_udp(&p, "2001:db8:45::10", 40020, "2001:db8:ff::53", 53, 40);
	step("query", EXT, &p, WANT_NEW(rule));
	pkt_build(&p, &s);
	step("first fragment behind hop-by-hop and dest options", EXT, &p,
	     WANT_FLOW(rule));
	s.frag_offset = 704;
	s.frag_len = 0;
	s.frag_more = false;
	pkt_build(&p, &s);
	step("last fragment behind hop-by-hop and dest options", EXT, &p,
	     WANT_ON(EDGEXDP_PASS_FRAGMENT, rule));
}

void cases_frag(void)
{
	case_category("fragments");
	for (size_t i = 0; i < sizeof(frag_defs) / sizeof(frag_defs[0]); i++) {
		const struct frag_def *d = &frag_defs[i];

		case_addf(frags_of_tracked_reply, (void *)d,
			  "%s: fragments of a DNS reply to a tracked query "
			  "pass, others drop",
			  d->name);
		case_addf(frags_of_unsolicited_reply, (void *)d,
			  "%s: fragments of an unsolicited reply drop",
			  d->name);
		case_addf(frags_of_new_flow, (void *)d,
			  "%s: a fragmented query opens the flow, its "
			  "fragments follow",
			  d->name);
	}
	case_add("IPv6 atomic fragment opens a flow like a whole datagram",
		 v6_atomic_fragment, NULL);
	case_add("IPv6 fragments behind other extension headers",
		 frags_behind_ext_headers, NULL);
}
