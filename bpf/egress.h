/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where a new flow would leave. A rule belongs to the zone of the NIC its
 * packets arrive on, and "any" in an external rule means the Internet:
 * the A/V edge's media rules (source 50000-59999, any destination) must
 * not let it reach the internal network through the gateway. So a flow
 * that the gateway's routing would forward out of a NIC of the other zone
 * does not open, whatever the rule's addresses say. A destination the
 * gateway delivers to itself (a NAT address before DNAT) or that no NIC
 * of ours carries is not this check's business.
 *
 * Uses the interfaces map (maps.h).
 */
#ifndef EDGEXDP_EGRESS_H
#define EDGEXDP_EGRESS_H

#include "maps.h"
#include "parse.h"
#include "source.h" /* fib_params_load() */

/*
 * The ifindex the routing forwards t's destination out of, or 0 when it
 * forwards it nowhere. Not inlined, as reverse_path_ok: the lookup
 * struct lives in a frame of its own, only on the new-flow path.
 */
static __noinline __u32 forward_ifindex(struct xdp_md *ctx,
					const struct flow_tuple *t)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	/* Link-scope destinations are never forwarded. */
	if (t->family == FAMILY_IPV6 &&
	    (ipv6_is_link_local(&t->dst) || ipv6_is_multicast(&t->dst)))
		return 0;
	fib_params_load(&fib, t->family, t->l4proto, &t->src, t->sport, &t->dst,
			t->dport, ctx->ingress_ifindex);
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return fib.ifindex;
	return 0;
}

/* May a flow that arrived on a NIC of `zone` open towards t's destination? */
static __always_inline __u32 egress_verdict(struct xdp_md *ctx,
					    const struct flow_tuple *t,
					    __u32 zone)
{
	const struct edgexdp_iface *out;
	__u32 ifindex = forward_ifindex(ctx, t);

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
	__u32 out;

	if (source_check != EDGEXDP_SOURCE_STRICT)
		return true;
	out = forward_ifindex(ctx, quoted);
	return !out || out == ctx->ingress_ifindex;
}

#endif /* EDGEXDP_EGRESS_H */
