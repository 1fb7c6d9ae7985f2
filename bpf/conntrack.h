/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Connection tracking: one LRU entry per flow, shared by both directions
 * because the key orders the two endpoints. The TCP state machine is a
 * small subset of the kernel's: enough to refuse ACK floods, replies
 * nobody asked for and handshakes run backwards.
 *
 * The helpers take the flow table they work on, so that one code serves
 * every table (bpf/maps.h); only nat_canon is used by name.
 */
#ifndef EDGEXDP_CONNTRACK_H
#define EDGEXDP_CONNTRACK_H

#include "maps.h"
#include "parse.h"

/* struct edgexdp_ct_entry.fin_seen */
#define CT_FIN_FROM_A (1U << 0)
#define CT_FIN_FROM_B (1U << 1)

#define ADDR_WORDS (sizeof(struct edgexdp_addr) / sizeof(__u32))

/*
 * Clocks of two CPUs race: an entry stamped after we read the clock
 * must count as fresh, not as 2^64 ns old.
 */
static __always_inline bool age_exceeds(__u64 now, __u64 then, __u64 timeout)
{
	return now > then && now - then > timeout;
}

/* Comparing words in host order is comparing the bytes in wire order. */
static __always_inline int addr_cmp(const struct edgexdp_addr *x,
				    const struct edgexdp_addr *y)
{
	__u32 a, b;
	int i;

#pragma unroll
	for (i = 0; i < ADDR_WORDS; i++) {
		a = bpf_ntohl(x->u32[i]);
		b = bpf_ntohl(y->u32[i]);
		if (a != b)
			return a < b ? -1 : 1;
	}
	return 0;
}

/*
 * A NAT pair's private address stands for its public one in the key, so
 * the flow seen on both sides of the translation is one entry. The filter
 * spares the hash lookup to the addresses of no pair: most of them.
 */
static __always_inline void nat_canonicalise(struct edgexdp_addr *addr,
					     __u8 family,
					     const struct edgexdp_settings *s)
{
	const struct edgexdp_addr *pub;
	struct edgexdp_nat_key nk;
	__u32 bit = edgexdp_nat_filter_bit(addr);

	if (!(s->nat_filter[bit / 64] & (1ULL << (bit % 64))))
		return;
	nk.addr = *addr;
	nk.family = family;
	nk.pad[0] = 0;
	nk.pad[1] = 0;
	nk.pad[2] = 0;
	pub = bpf_map_lookup_elem(&nat_canon, &nk);
	if (pub)
		*addr = *pub;
}

static __always_inline void ct_key_swap(struct edgexdp_ct_key *key)
{
	struct edgexdp_addr addr = key->addr_a;
	__be16 port = key->port_a;

	key->addr_a = key->addr_b;
	key->port_a = key->port_b;
	key->addr_b = addr;
	key->port_b = port;
}

/*
 * Builds the direction-free key of a tuple: endpoint a is the smaller one,
 * by address bytes, then by port in host order. Returns true when the
 * tuple's source is endpoint a.
 */
static __always_inline bool ct_key_build(struct edgexdp_ct_key *key,
					 const struct flow_tuple *t,
					 const struct edgexdp_settings *s)
{
	int cmp;

	key->addr_a = t->src;
	key->addr_b = t->dst;
	key->port_a = t->sport;
	key->port_b = t->dport;
	key->l4proto = t->l4proto;
	key->family = t->family;
	key->pad[0] = 0;
	key->pad[1] = 0;
	if (s->nat_enabled) {
		nat_canonicalise(&key->addr_a, key->family, s);
		nat_canonicalise(&key->addr_b, key->family, s);
	}

	cmp = addr_cmp(&key->addr_a, &key->addr_b);
	if (cmp < 0 ||
	    (cmp == 0 && bpf_ntohs(key->port_a) <= bpf_ntohs(key->port_b)))
		return true;
	ct_key_swap(key);
	return false;
}

static __always_inline __u64 ct_timeout(const struct edgexdp_ct_key *key,
					const struct edgexdp_ct_entry *ct,
					const struct edgexdp_settings *s)
{
	if (key->l4proto == IPPROTO_UDP)
		return s->udp_timeout_ns;
	if (ct->state == EDGEXDP_CT_ESTABLISHED)
		return s->tcp_established_timeout_ns;
	return s->tcp_transitory_timeout_ns;
}

/* An expired entry is gone: deleting it now lets a new flow reuse the
 * tuple at once instead of waiting for the LRU to evict it. */
static __always_inline struct edgexdp_ct_entry *
ct_lookup_live(void *table, const struct edgexdp_ct_key *key,
	       const struct edgexdp_settings *s, __u64 now)
{
	struct edgexdp_ct_entry *ct;

	ct = bpf_map_lookup_elem(table, key);
	if (!ct)
		return NULL;
	if (age_exceeds(now, ct->last_seen_ns, ct_timeout(key, ct, s))) {
		bpf_map_delete_elem(table, key);
		return NULL;
	}
	return ct;
}

/*
 * Timeouts are whole seconds: refreshing the stamp once a second is as
 * good as on every packet, and leaves the entry's cache line clean when
 * the two directions of a flow arrive on different CPUs.
 */
#define CT_REFRESH_NS EDGEXDP_NSEC_PER_SEC

static __always_inline void ct_touch(struct edgexdp_ct_entry *ct, __u64 now)
{
	if (age_exceeds(now, ct->last_seen_ns, CT_REFRESH_NS))
		ct->last_seen_ns = now;
}

/* Only a bare SYN may open a flow; SYN+ACK, SYN+RST, SYN+FIN cannot. */
static __always_inline bool tcp_opens_flow(__u8 flags)
{
	return (flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST | TCPHDR_FIN)) ==
	       TCPHDR_SYN;
}

/*
 * A bare SYN on a closing flow starts a new connection on the same tuple,
 * as Linux allows when a port is reused from TIME_WAIT: the old entry goes
 * and the rules decide the SYN afresh.
 */
static __always_inline bool ct_tcp_reopens(void *table,
					   struct edgexdp_ct_entry *ct,
					   const struct edgexdp_ct_key *key,
					   const struct packet *pkt)
{
	if (pkt->l4proto != IPPROTO_TCP || ct->state != EDGEXDP_CT_CLOSING ||
	    !tcp_opens_flow(pkt->tcp_flags))
		return false;
	bpf_map_delete_elem(table, key);
	return true;
}

/* A SYN, with or without ACK: the handshake's two opening segments. */
static __always_inline __u32 ct_tcp_syn(struct edgexdp_ct_entry *ct, __u8 flags,
					bool from_initiator)
{
	if (flags & TCPHDR_ACK) {
		/* Only the responder answers a SYN. */
		if (from_initiator)
			return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
		if (ct->state == EDGEXDP_CT_SYN_SENT)
			ct->state = EDGEXDP_CT_SYN_RECV;
		/* Retransmitted SYN+ACKs pass in any later state. */
		return VERDICT_PASS(EDGEXDP_PASS_FLOW);
	}
	/* A SYN is a retransmit only while the handshake has not moved. */
	if (from_initiator && ct->state == EDGEXDP_CT_SYN_SENT)
		return VERDICT_PASS(EDGEXDP_PASS_FLOW);
	return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
}

/* Any segment without SYN or RST. */
static __always_inline __u32 ct_tcp_segment(struct edgexdp_ct_entry *ct,
					    __u8 flags, bool from_a,
					    bool from_initiator)
{
	__u8 state = ct->state;

	/*
	 * Only the initiator's ACK may follow a SYN before a SYN+ACK is
	 * seen: when the responder is this host itself, its SYN+ACK leaves
	 * without passing XDP, which sees ingress only. Nothing from the
	 * responder's side passes before its SYN+ACK.
	 */
	if (state == EDGEXDP_CT_SYN_SENT) {
		if (!from_initiator || !(flags & TCPHDR_ACK))
			return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
		state = EDGEXDP_CT_ESTABLISHED;
	}
	if (state == EDGEXDP_CT_SYN_RECV) {
		/* Every segment after the SYN carries an ACK (RFC 9293). */
		if (!(flags & TCPHDR_ACK))
			return VERDICT_DROP(EDGEXDP_DROP_TCP_STATE);
		if (from_initiator)
			state = EDGEXDP_CT_ESTABLISHED;
	}
	if (flags & TCPHDR_FIN) {
		ct->fin_seen |= from_a ? CT_FIN_FROM_A : CT_FIN_FROM_B;
		state = EDGEXDP_CT_CLOSING;
	}
	if (state != ct->state)
		ct->state = state;
	return VERDICT_PASS(EDGEXDP_PASS_FLOW);
}

static __always_inline __u32 ct_tcp_update(void *table,
					   struct edgexdp_ct_entry *ct,
					   const struct edgexdp_ct_key *key,
					   __u8 flags, bool from_a, __u64 now)
{
	bool from_initiator = from_a == (bool)ct->initiator_is_a;
	__u32 verdict;

	/* Either side may abort at any time; the flow ends with it. */
	if (flags & TCPHDR_RST) {
		bpf_map_delete_elem(table, key);
		return VERDICT_PASS(EDGEXDP_PASS_FLOW);
	}
	if (flags & TCPHDR_SYN)
		verdict = ct_tcp_syn(ct, flags, from_initiator);
	else
		verdict = ct_tcp_segment(ct, flags, from_a, from_initiator);
	if (verdict_is_pass(verdict))
		ct_touch(ct, now);
	return verdict;
}

static __always_inline __u32 ct_udp_update(struct edgexdp_ct_entry *ct,
					   bool from_a, __u64 now)
{
	/* The first datagram back makes it a conversation. */
	if (ct->state == EDGEXDP_CT_NEW && from_a != (bool)ct->initiator_is_a)
		ct->state = EDGEXDP_CT_ESTABLISHED;
	ct_touch(ct, now);
	return VERDICT_PASS(EDGEXDP_PASS_FLOW);
}

/* A lost race with another CPU creating the same flow is fine: the flow
 * exists either way, and the packet passes either way. */
static __always_inline void ct_create(void *table,
				      const struct edgexdp_ct_key *key,
				      __u32 rule_id, bool from_a, __u64 now)
{
	struct edgexdp_ct_entry ct = {
		.last_seen_ns = now,
		.rule_id = rule_id,
		.state = key->l4proto == IPPROTO_TCP ? EDGEXDP_CT_SYN_SENT
						     : EDGEXDP_CT_NEW,
		.initiator_is_a = from_a,
	};

	bpf_map_update_elem(table, key, &ct, BPF_NOEXIST);
}

#endif /* EDGEXDP_CONNTRACK_H */
