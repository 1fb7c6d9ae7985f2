/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where a new flow would leave. A rule belongs to the zone of the NIC its
 * packets arrive on, and "any" in an external rule means the Internet:
 * the A/V edge's media rules (source 50000-59999, any destination) must
 * not let it reach the internal network through the gateway. So a flow
 * that the gateway's routing would forward out of a NIC of the other zone
 * does not open, whatever the rule's addresses say. Nor may "any" reach
 * the gateway itself (SSH, DHCP, whatever listens there): a flow the
 * gateway would deliver to itself opens only to an edge address (a NAT
 * public address, before DNAT) or by a rule that names the destination.
 * A destination no route takes anywhere is not this check's business.
 *
 * Uses the interfaces map (maps.h).
 */
#ifndef EDGEXDP_EGRESS_H
#define EDGEXDP_EGRESS_H

#include "maps.h"
#include "parse.h"
#include "source.h" /* fib_params_load(), addr_is_own() */

/* route_of(): the gateway delivers the destination to itself. Above every
 * ifindex, which is a __u32; 0 stands for no route. */
#define ROUTE_LOCAL (1ULL << 32)

/*
 * Destinations the gateway never forwards and takes in itself, whatever
 * the route lookup says: link-scope IPv6, and IPv4 multicast, the
 * reserved 240/4 and the limited broadcast (the kernel decides these
 * before its route lookup; a default route would cover them).
 */
static __always_inline bool dst_is_link_scope(const struct flow_tuple *t)
{
	if (t->family == FAMILY_IPV4)
		return t->dst.u8[0] >= IPV4_MULTICAST_BYTE0;
	return ipv6_is_link_local(&t->dst) || ipv6_is_multicast(&t->dst);
}

/*
 * Where the routing takes t's destination: out of a NIC (its ifindex),
 * to the gateway itself (ROUTE_LOCAL: a local or broadcast address, or
 * anything at all when the NIC does not forward), or nowhere (0: no
 * route, a blackhole). Not
 * inlined, as reverse_path_ok: the lookup struct lives in a frame of its
 * own, only on the new-flow path.
 */
static __noinline __u64 route_of(struct xdp_md *ctx, const struct flow_tuple *t)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	if (dst_is_link_scope(t))
		return ROUTE_LOCAL;
	fib_params_load(&fib, t->family, t->l4proto, &t->src, t->sport, &t->dst,
			t->dport, ctx->ingress_ifindex);
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		return fib.ifindex;
	case BPF_FIB_LKUP_RET_NOT_FWDED:
	/* The helper says so before it looks: with forwarding off, what
	 * the kernel takes from this NIC it takes in itself. */
	case BPF_FIB_LKUP_RET_FWD_DISABLED:
		return ROUTE_LOCAL;
	default:
		return 0;
	}
}

/*
 * May a flow that arrived on a NIC of `zone`, allowed by the rule_match
 * value `match`, open towards t's destination?
 */
static __always_inline __u32 egress_verdict(struct xdp_md *ctx,
					    const struct flow_tuple *t,
					    __u32 zone, __u32 match)
{
	const struct edgexdp_iface *out;
	__u64 route = route_of(ctx, t);
	__u32 ifindex;

	if (route == ROUTE_LOCAL) {
		if (!(match & EDGEXDP_MATCH_TO_ANY) ||
		    addr_is_own(&t->dst, t->family))
			return VERDICT_NONE;
		return VERDICT_DROP(EDGEXDP_DROP_WRONG_ZONE);
	}
	ifindex = (__u32)route;
	if (!ifindex)
		return VERDICT_NONE;
	out = bpf_map_lookup_elem(&interfaces, &ifindex);
	if (out && out->configured && out->zone != zone)
		return VERDICT_DROP(EDGEXDP_DROP_WRONG_ZONE);
	return VERDICT_NONE;
}

/*
 * An ICMP error about a flow comes from a router between the gateway and
 * the quoted datagram's destination, so it arrives on the NIC that the
 * quoted datagram was forwarded out of (RFC 3704's question, asked of the
 * flow's path rather than of the router's address, which need not route
 * back this way). Only on a NIC whose source check is strict; a quote the
 * gateway would not forward (to itself, no route) is not this check's.
 */
static __always_inline bool icmp_error_on_path(struct xdp_md *ctx,
					       const struct flow_tuple *quoted,
					       __u8 source_check)
{
	__u64 out;

	if (source_check != EDGEXDP_SOURCE_STRICT)
		return true;
	out = route_of(ctx, quoted);
	return !out || out == ROUTE_LOCAL || out == ctx->ingress_ifindex;
}

#endif /* EDGEXDP_EGRESS_H */
