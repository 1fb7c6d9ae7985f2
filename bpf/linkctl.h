/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Neighbour discovery and MLD: IPv6 does not work without them, and they
 * mean nothing off their link. A neighbour discovery message passes only
 * with hop limit 255, which no router forwarding it can have left
 * (RFC 4861, 7.1.1); an MLD message only from a link-local or unspecified
 * source with hop limit 1 (RFC 2710, 3; RFC 3810, 5). Neither passes to be
 * forwarded off the link: its destination is a link-local address, a
 * link-scope multicast group (all-nodes, all-routers, solicited-node,
 * MLDv2 routers), or this host itself.
 */
#ifndef EDGEXDP_LINKCTL_H
#define EDGEXDP_LINKCTL_H

#include "parse.h"
#include "source.h" /* ipv6_is_link_local(), _multicast(), _unspecified() */

/* ICMPv6 types (RFC 2710, 3810, 4861). */
#define ICMPV6_MLD_REPORT 131
#define ICMPV6_MLD_DONE 132
#define ICMPV6_NDISC_RS 133

#define ND_HOP_LIMIT 255
#define MLD_HOP_LIMIT 1
#define IPV6_MCAST_SCOPE_MASK 0x0f
#define IPV6_MCAST_SCOPE_LINK 0x02

static __always_inline bool icmp6_is_nd(__u8 type)
{
	return type >= ICMPV6_NDISC_RS && type <= ICMPV6_NDISC_REDIRECT;
}

static __always_inline bool icmp6_is_mld(__u8 type)
{
	return (type >= ICMPV6_MLD_QUERY && type <= ICMPV6_MLD_DONE) ||
	       type == ICMPV6_MLD2_REPORT;
}

/*
 * Is a global destination this host's own? The route lookup forwards only
 * to unicast routes: a local address is "not forwarded"; a NIC that does
 * not forward can only receive for this host.
 */
static __always_inline bool ipv6_dst_is_local(struct xdp_md *ctx,
					      const struct edgexdp_addr *dst)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	fib.family = FIB_AF_INET6;
	fib.ifindex = ctx->ingress_ifindex;
	fib.l4_protocol = IPPROTO_ICMPV6;
	__builtin_memcpy(fib.ipv6_dst, dst->u8, sizeof(fib.ipv6_dst));
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	return rc == BPF_FIB_LKUP_RET_NOT_FWDED ||
	       rc == BPF_FIB_LKUP_RET_FWD_DISABLED;
}

static __always_inline bool ipv6_dst_on_link(struct xdp_md *ctx,
					     const struct edgexdp_addr *dst)
{
	if (ipv6_is_link_local(dst))
		return true;
	if (ipv6_is_multicast(dst))
		return (dst->u8[1] & IPV6_MCAST_SCOPE_MASK) ==
		       IPV6_MCAST_SCOPE_LINK;
	return ipv6_dst_is_local(ctx, dst);
}

/* The verdict on an ND or MLD message (type is one of them). */
static __always_inline __u32 icmp6_link_verdict(struct xdp_md *ctx,
						const struct packet *pkt,
						__u8 type)
{
	const struct ipv6hdr *ip6h = pkt->l3;
	struct flow_tuple t;

	tuple_load_addrs(&t, pkt->l3, FAMILY_IPV6);
	if (icmp6_is_nd(type)) {
		if (ip6h->hop_limit != ND_HOP_LIMIT)
			return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	} else {
		if (ip6h->hop_limit != MLD_HOP_LIMIT)
			return VERDICT_DROP(EDGEXDP_DROP_ICMP);
		if (!ipv6_is_link_local(&t.src) && !ipv6_is_unspecified(&t.src))
			return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	}
	if (!ipv6_dst_on_link(ctx, &t.dst))
		return VERDICT_DROP(EDGEXDP_DROP_ICMP);
	return VERDICT_PASS(EDGEXDP_PASS_ICMP6_LINK);
}

#endif /* EDGEXDP_LINKCTL_H */
