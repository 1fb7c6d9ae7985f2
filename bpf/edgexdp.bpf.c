// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * edgexdp: the XDP data path of an edge firewall.
 *
 * Per packet: find the NIC's zone, parse, then the cheapest question that
 * can end it. A flood to ports no rule names costs one hash lookup, the
 * parse and one or two array lookups; only packets on a rule's port (or,
 * from a source-port rule's range, on a NIC of that rule's zone) reach
 * conntrack, and only those no flow knows reach the rule lookups.
 *
 * Map names and layouts are ABI (include/edgexdp.h); userspace pins them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "edgexdp.h"

#include "maps.h"
#include "parse.h"
#include "conntrack.h"
#include "ct_tcp.h"
#include "classify.h"
#include "source.h"
#include "egress.h"
#include "linkctl.h"
#include "frags.h"
#include "stats.h"
#include "droplog.h"

/*
 * Flow timeouts are seconds long: the coarse clock (jiffy resolution, the
 * same CLOCK_MONOTONIC base) is precise enough and costs a third.
 */
static __always_inline __u64 flow_clock_ns(void)
{
	return bpf_ktime_get_coarse_ns();
}

/* Filled in as the decision goes; read by the accounting at the end. */
struct decision {
	__u64 now; /* set whenever rule_id is */
	__u32 zone;
	__u32 rule_id; /* rule to count the packet on, or RULE_NONE */
	__u8 source_check; /* the NIC's enum edgexdp_source_check */
	__u8 iface_flags; /* the NIC's EDGEXDP_IFACE_* */
	__u8 sport_protos; /* the NIC's edgexdp_iface.sport_protos */
	__u32 slot; /* the NIC's counter slot */
	/* The flow the packet belongs to, when rule_id came from one: a
	 * first fragment leaves it to its later ones. */
	struct edgexdp_ct_key flow;
};

static __always_inline const struct edgexdp_settings *settings_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&settings, &zero);
}

/* A later fragment has no L4 header: the first fragment speaks for it. */
static __always_inline __u32 decide_later_fragment(const struct packet *pkt,
						   struct decision *d)
{
	const struct edgexdp_settings *s = settings_get();

	if (!s)
		return VERDICT_ABORT;
	if (pkt->frag_proto == IPPROTO_TCP &&
	    pkt->frag_offset == FRAG_OFFSET_TCP_OVERLAP)
		return VERDICT_DROP(EDGEXDP_DROP_FRAGMENT);
	d->now = flow_clock_ns();
	return frag_later_verdict(pkt, s, d->now, &d->rule_id);
}

/* A live flow owns the packet; its state machine decides. */
static __always_inline __u32 decide_tracked(
	const struct ct_table *t, struct edgexdp_ct_entry *ct,
	const struct edgexdp_ct_key *key, const struct packet *pkt, bool from_a,
	const struct edgexdp_settings *s, struct decision *d)
{
	d->rule_id = ct->rule_id;
	d->flow = *key;
	if (pkt->l4proto == IPPROTO_TCP)
		return ct_tcp_update(t, ct, key, pkt, from_a, s, d->now);
	return ct_udp_update(ct, from_a, d->now);
}

/*
 * An unconfirmed flow's packet: when it confirms the flow, the flow moves
 * to conntrack. A RST has ended the flow instead: nothing to move. The
 * responder's packets (the SYN-ACK, the first reply) pass the source check
 * a new flow passes: else a blind spoofer forging both ends (a datagram,
 * then its "reply" from the edge's own address) confirms flows of its own.
 */
static __always_inline __u32 decide_unconfirmed(
	struct xdp_md *ctx, const struct flow_tuple *t,
	const struct ct_table *unconfirmed, const struct ct_table *confirmed,
	struct edgexdp_ct_entry *ct, const struct edgexdp_ct_key *key,
	const struct packet *pkt, bool from_a, const struct edgexdp_settings *s,
	struct decision *d)
{
	__u32 verdict;

	if (from_a != (bool)ct->initiator_is_a) {
		verdict =
			source_verdict(ctx, t, d->source_check, d->iface_flags);
		if (verdict)
			return verdict;
	}
	verdict = decide_tracked(unconfirmed, ct, key, pkt, from_a, s, d);
	if (!verdict_is_pass(verdict) || !ct_state_confirmed(ct->state) ||
	    (pkt->l4proto == IPPROTO_TCP && (pkt->tcp_flags & TCPHDR_RST)))
		return verdict;
	if (ct_promote(unconfirmed, confirmed, key, ct))
		ct_count_confirmed(key, ct);
	return verdict;
}

/*
 * A flow no table knows: the rules decide, then the source check and the
 * egress zone, and an allowed one opens unconfirmed. Without room for it,
 * the packet still passes, and the flow's next packet finds no flow: as
 * for a full nf_conntrack table.
 */
static __always_inline __u32
decide_new(struct xdp_md *ctx, const struct flow_tuple *t,
	   const struct ct_table *unconfirmed, const struct edgexdp_ct_key *key,
	   const struct packet *pkt, const struct edgexdp_port_entry *to_port,
	   const struct edgexdp_port_entry *from_port, bool from_a,
	   struct decision *d)
{
	struct ct_scratch *scratch;
	struct edgexdp_ct_entry *ct;
	__u32 verdict, rule_id;

	if (pkt->l4proto == IPPROTO_TCP && !tcp_opens_flow(pkt->tcp_flags))
		return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
	/* The rule_match value: the rule id and EDGEXDP_MATCH_TO_ANY. */
	verdict = classify(t, to_port, from_port, d->zone, &rule_id);
	if (!verdict_is_pass(verdict))
		return verdict;
	/* Only now, when a flow would open: established packets never pay. */
	verdict = source_verdict(ctx, t, d->source_check, d->iface_flags);
	if (verdict)
		return verdict;
	verdict = egress_verdict(ctx, t, d->zone, rule_id);
	if (verdict)
		return verdict;
	rule_id &= EDGEXDP_MATCH_RULE_MASK;
	scratch = ct_scratch_get();
	if (!scratch)
		return VERDICT_ABORT;
	ct = &scratch->entry;
	__builtin_memset(ct, 0, sizeof(*ct));
	ct->last_seen_ns = d->now;
	ct->rule_id = rule_id;
	ct->initiator_is_a = from_a;
	if (pkt->l4proto == IPPROTO_TCP) {
		ct->state = EDGEXDP_CT_SYN_SENT;
		ct_tcp_open(scratch, pkt, from_a);
	} else {
		ct->state = EDGEXDP_CT_NEW;
	}
	ct_insert(unconfirmed, key, ct);
	d->rule_id = rule_id;
	d->flow = *key;
	return VERDICT_PASS(EDGEXDP_PASS_NEW_FLOW);
}

/* Past any TCP header the parser can reach (see QUOTE_OFF_MAX). */
#define TCP_OPTS_OFF_MAX 0x3fff

/*
 * The sequence numbers and window of the TCP header at l4_off, into seg
 * (a map value: the stack has no room). A global function, checked once:
 * the program's own paths keep no packet pointer for these reads.
 */
__noinline __u32 tcp_seg_read(struct xdp_md *ctx, __u32 l4_off,
			      struct tcp_seg *seg)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	const struct tcphdr *tcp;

	if (!seg || l4_off > TCP_OPTS_OFF_MAX)
		return VERDICT_ABORT;
	/* The bound the verifier must see on the very register it adds. */
	barrier_var(l4_off);
	l4_off &= TCP_OPTS_OFF_MAX;
	tcp = data + l4_off;
	/* One pointer for the check and the reads: the compiler would check
	 * a sum of its own, whose range the verifier does not carry over. */
	barrier_var(tcp);
	if ((void *)(tcp + 1) > data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	seg->seq = bpf_ntohl(tcp->seq);
	seg->ack = bpf_ntohl(tcp->ack_seq);
	seg->win = bpf_ntohs(tcp->window);
	return VERDICT_NONE;
}

/*
 * The window scale of a SYN whose options are opt_len bytes at opts_off
 * into the frame. A global function, checked once on its own: inlined, its
 * loop would be walked once for every way the headers before it can be
 * laid out, past the verifier's limit.
 */
__noinline __u32 tcp_wscale(struct xdp_md *ctx, __u32 opts_off, __u32 opt_len)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;

	if (opts_off > TCP_OPTS_OFF_MAX)
		return TCP_WSCALE_NONE;
	return parse_tcp_wscale(data + opts_off, opt_len, data_end);
}

static __always_inline __u32 decide_tcp_udp(struct xdp_md *ctx,
					    struct packet *pkt,
					    struct decision *d)
{
	const struct edgexdp_port_entry *to_port, *from_port = NULL;
	struct ct_table confirmed, unconfirmed;
	const struct edgexdp_settings *s;
	struct ct_scratch *scratch;
	struct edgexdp_ct_entry *ct;
	struct edgexdp_ct_key key;
	struct flow_tuple t;
	bool from_a, opens, sport_rules;
	__u32 verdict;

	/*
	 * Junk filter, before anything costlier: a new flow needs a rule on
	 * its destination port or a source-port rule of the ingress zone on
	 * its source port; a reply has a rule's port the other way round.
	 * With none of these, no flow can exist, so conntrack need not be
	 * asked. A packet to a named port never pays for its source port
	 * here: only a conntrack miss does, below.
	 */
	to_port = port_entry(pkt->l4proto, pkt->dport);
	opens = pkt->l4proto == IPPROTO_TCP && tcp_opens_flow(pkt->tcp_flags);
	sport_rules = d->sport_protos & (1U << proto_index(pkt->l4proto));
	if (!port_is_named(to_port)) {
		/* A bare SYN opens and never replies: its source port, often
		 * inside a rule's range by chance, says nothing unless a
		 * source-port rule of this NIC's zone names it. */
		if (sport_rules || !opens)
			from_port = port_entry(pkt->l4proto, pkt->sport);
		if (!(sport_rules && sport_group_of(from_port, d->zone)) &&
		    (opens || !port_has_group(from_port)))
			return VERDICT_DROP(EDGEXDP_DROP_NO_RULE_PORT);
	}
	/* Only a SYN's options matter to the flow: read them once here. */
	if (pkt->l4proto == IPPROTO_TCP && (pkt->tcp_flags & TCPHDR_SYN))
		pkt->tcp_wscale =
			tcp_wscale(ctx, pkt->l4_off + sizeof(struct tcphdr),
				   pkt->tcp_doff - sizeof(struct tcphdr));
	if (pkt->l4proto == IPPROTO_TCP) {
		scratch = ct_scratch_get();
		if (!scratch)
			return VERDICT_ABORT;
		verdict = tcp_seg_read(ctx, pkt->l4_off, &scratch->seg);
		if (verdict)
			return verdict;
	}

	s = settings_get();
	if (!s)
		return VERDICT_ABORT;
	ct_table_get(&confirmed, EDGEXDP_CT_CONFIRMED);
	ct_table_get(&unconfirmed, EDGEXDP_CT_UNCONFIRMED);
	d->now = flow_clock_ns();
	tuple_load(&t, pkt);
	from_a = ct_key_build(&key, &t, s);

	ct = ct_lookup_live(&confirmed, &key, s, d->now);
	if (ct) {
		if (!ct_tcp_reopens(&confirmed, ct, &key, pkt))
			return decide_tracked(&confirmed, ct, &key, pkt, from_a,
					      s, d);
	} else {
		ct = ct_lookup_live(&unconfirmed, &key, s, d->now);
		if (ct)
			return decide_unconfirmed(ctx, &t, &unconfirmed,
						  &confirmed, ct, &key, pkt,
						  from_a, s, d);
	}
	/* A flow no one knows: classify wants the source port's group. */
	if (!from_port && sport_rules)
		from_port = port_entry(pkt->l4proto, pkt->sport);
	return decide_new(ctx, &t, &unconfirmed, &key, pkt, to_port, from_port,
			  from_a, d);
}

/*
 * An ICMP error is as welcome as the flow it is about, and only on its way
 * to the host that sent the datagram it quotes (nf_conntrack's rule): any
 * router on the path may send it, but not to a third party; and, on a NIC
 * whose source check is strict, only from the flow's own path (egress.h).
 */
static __always_inline __u32 decide_icmp_error(struct xdp_md *ctx,
					       const struct packet *pkt,
					       struct flow_tuple *quoted,
					       struct decision *d)
{
	const struct edgexdp_settings *s = settings_get();
	struct edgexdp_ct_entry *ct;
	struct edgexdp_ct_key key;
	struct flow_tuple outer;

	if (!s)
		return VERDICT_ABORT;
	tuple_load_addrs(&outer, pkt->l3, pkt->family);
	if (addr_cmp(&outer.dst, &quoted->src) != 0)
		return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	d->now = flow_clock_ns();
	ct_key_build(&key, quoted, s);
	/* Related to a flow of either table; it confirms neither. */
	ct = ct_lookup_any(&key, s, d->now);
	if (!ct || !icmp_error_on_path(ctx, quoted, d->source_check))
		return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	d->rule_id = ct->rule_id;
	d->flow = key;
	return VERDICT_PASS(EDGEXDP_PASS_ICMP_RELATED);
}

static __always_inline __u32 decide_icmp(struct xdp_md *ctx,
					 const struct packet *pkt,
					 struct decision *d)
{
	struct icmphdr *icmp = pkt->l4;
	struct flow_tuple quoted;
	__u32 verdict;

	if ((void *)(icmp + 1) > pkt->data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	switch (icmp->type) {
	case ICMP_DEST_UNREACH: /* includes fragmentation needed: PMTUD */
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		break;
	default:
		return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	}
	verdict = parse_quoted_ipv4(&quoted, icmp + 1, pkt->ip_end,
				    pkt->data_end);
	if (verdict)
		return verdict;
	return decide_icmp_error(ctx, pkt, &quoted, d);
}

/*
 * Past any quote the parser can reach (VLAN tags, 40 bytes, six extension
 * headers of at most 2 KiB), and low enough that this offset plus the
 * quote's own headers stays within the verifier's 64 KiB packet range.
 */
#define QUOTE_OFF_MAX 0x3fff
/* No more than an IPv6 payload can hold. */
#define QUOTE_ROOM_MAX 0xffff

/*
 * The tuple of the datagram an ICMPv6 error quotes, quote_off bytes into
 * the frame, with quote_room bytes left before the error's own datagram
 * ends. A global function: the verifier checks it once, on its own.
 * Inlined, it would walk the quote's extension headers once for every way
 * the packet's own headers can be laid out, near the verifier's limit.
 * The offsets are 64-bit: clang zero-extends a 32-bit argument again after
 * its bound check, and the verifier then no longer sees the bound.
 */
__noinline __u32 icmp6_quoted_tuple(struct xdp_md *ctx, __u64 quote_off,
				    __u64 quote_room, struct flow_tuple *t)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	void *quote;

	if (!t)
		return VERDICT_ABORT;
	if (quote_off > QUOTE_OFF_MAX || quote_room > QUOTE_ROOM_MAX)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	quote = data + quote_off;
	return parse_quoted_ipv6(t, quote, quote + quote_room, data_end);
}

static __always_inline __u32 decide_icmp6(struct xdp_md *ctx,
					  const struct packet *pkt,
					  struct decision *d)
{
	struct icmp6hdr *icmp6 = pkt->l4;
	struct flow_tuple quoted = {};
	__u32 verdict;
	__u8 type;

	if ((void *)(icmp6 + 1) > pkt->data_end)
		return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	type = icmp6->icmp6_type;
	switch (type) {
	case ICMPV6_DEST_UNREACH:
	case ICMPV6_PKT_TOOBIG: /* IPv6 routers never fragment: PMTUD */
	case ICMPV6_TIME_EXCEED:
	case ICMPV6_PARAMPROB:
		break;
	default:
		if (icmp6_is_nd(type) || icmp6_is_mld(type))
			return icmp6_link_verdict(ctx, pkt, type);
		return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	}
	verdict =
		icmp6_quoted_tuple(ctx, pkt->l4_off + sizeof(*icmp6),
				   pkt->ip_end - (void *)(icmp6 + 1), &quoted);
	if (verdict)
		return verdict;
	return decide_icmp_error(ctx, pkt, &quoted, d);
}

static __always_inline __u32 decide_l4(struct xdp_md *ctx, struct packet *pkt,
				       struct decision *d)
{
	__u32 verdict;

	switch (pkt->l4proto) {
	case IPPROTO_TCP:
		verdict = parse_tcp(pkt);
		break;
	case IPPROTO_UDP:
		verdict = parse_udp(pkt);
		break;
	case IPPROTO_ICMP:
		if (pkt->family != FAMILY_IPV4)
			return VERDICT_DROP(EDGEXDP_DROP_PROTO);
		return decide_icmp(ctx, pkt, d);
	case IPPROTO_ICMPV6:
		if (pkt->family != FAMILY_IPV6)
			return VERDICT_DROP(EDGEXDP_DROP_PROTO);
		return decide_icmp6(ctx, pkt, d);
	default:
		return VERDICT_DROP(EDGEXDP_DROP_PROTO);
	}
	if (verdict)
		return verdict;
	return decide_tcp_udp(ctx, pkt, d);
}

/* Past the VLAN tags the parser reads, with room for a 60-byte header. */
#define L3_OFF_MAX 0xff

/*
 * Is the IPv4 header checksum right? The kernel discards a header with a
 * bad one (ip_rcv), so passing it would count a packet no one receives on
 * a rule. The ones'-complement sum does not care about byte order. A
 * global function: the verifier walks its loop once, not once per path.
 */
__noinline bool ipv4_csum_ok(struct xdp_md *ctx, __u32 l3_off)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	const __u16 *w;
	__u32 sum = 0, opt_words;
	int i;

	if (l3_off > L3_OFF_MAX)
		return false;
	w = data + l3_off;
	if ((void *)(w + IPV4_MIN_HDR_WORDS) > data_end)
		return false;
	opt_words = (((const __u8 *)w)[0] & IPV4_IHL_MASK) * 2;
	opt_words = opt_words > IPV4_MIN_HDR_WORDS
			    ? opt_words - IPV4_MIN_HDR_WORDS
			    : 0;
#pragma unroll
	for (i = 0; i < IPV4_MIN_HDR_WORDS; i++) {
		sum += w[i];
	}
	/* parse_ipv4() saw the whole header in the frame: a word past the
	 * frame cannot be one of it, and leaves the sum wrong. */
#pragma unroll
	for (i = 0; i < IPV4_MAX_OPT_WORDS; i++) {
		const __u16 *o = w + IPV4_MIN_HDR_WORDS + i;

		if (i < opt_words && (void *)(o + 1) <= data_end)
			sum += *o;
	}
	sum = (sum & CSUM_ALL_ONES) + (sum >> 16);
	sum = (sum & CSUM_ALL_ONES) + (sum >> 16);
	return sum == CSUM_ALL_ONES;
}

static __always_inline __u32 decide(struct xdp_md *ctx, struct packet *pkt,
				    void *data, struct decision *d)
{
	__be16 eth_proto;
	__u32 verdict;

	verdict = parse_ethernet(pkt, data, &eth_proto);
	if (verdict)
		return verdict;
	if (eth_proto == bpf_htons(ETH_P_IP)) {
		verdict = parse_ipv4(pkt);
		if (!verdict && !ipv4_csum_ok(ctx, pkt->l3_off))
			return VERDICT_DROP(EDGEXDP_DROP_MALFORMED);
	} else if (eth_proto == bpf_htons(ETH_P_IPV6))
		verdict = parse_ipv6(pkt);
	else
		return VERDICT_PASS(EDGEXDP_PASS_NON_IP);
	if (verdict)
		return verdict;

	if (pkt->frag == FRAG_LATER)
		return decide_later_fragment(pkt, d);
	return decide_l4(ctx, pkt, d);
}

SEC("xdp")
int edgexdp_xdp(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u64 bytes = data_end - data;
	struct packet pkt = {.data_end = data_end};
	struct decision d = {.rule_id = RULE_NONE};
	__u32 ifindex = ctx->ingress_ifindex;
	struct edgexdp_slot_stats *ss;
	struct edgexdp_iface *iface;
	__u32 verdict;
	int action;

	iface = bpf_map_lookup_elem(&interfaces, &ifindex);
	/* A zone we do not know is as bad as no zone. */
	if (!iface || !iface->configured || iface->zone >= EDGEXDP_ZONE_COUNT) {
		ss = slot_stats_get(EDGEXDP_STATS_NO_IFACE);
		verdict = VERDICT_DROP(EDGEXDP_DROP_UNKNOWN_IFACE);
#ifndef EDGEXDP_NO_DROPLOG
		droplog_unknown_iface(ctx, verdict);
#endif
		return verdict_account(ss, verdict, bytes);
	}
	d.zone = iface->zone;
	d.source_check = iface->source_check;
	d.iface_flags = iface->flags;
	d.sport_protos = iface->sport_protos;
	d.slot = iface->slot;

	verdict = decide(ctx, &pkt, data, &d);
	/* Looked up only now: a register less to keep across the decision. */
	ss = slot_stats_get(d.slot);

	if (verdict_is_pass(verdict) && d.rule_id != RULE_NONE) {
		rule_stats_add(d.rule_id, bytes,
			       verdict == VERDICT_PASS(EDGEXDP_PASS_NEW_FLOW));
		/* Its later fragments follow whatever let the first through. */
		if (pkt.frag == FRAG_FIRST)
			frag_record(&pkt, d.rule_id, &d.flow, d.now);
	}
	action = verdict_account(ss, verdict, bytes);
	/* Last, once counted, and with nothing of the parse: droplog_emit
	 * reads the frame again. Only ctx lives to here for it; every field
	 * kept for the call would cost each drop (README, Benchmark). */
#ifndef EDGEXDP_NO_DROPLOG /* the bench's baseline of the switch's cost */
	if (verdict_is_drop(verdict) && (d.iface_flags & EDGEXDP_IFACE_DROPLOG))
		droplog_drop(ctx, verdict, d.rule_id);
#endif
	return action;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
