/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Source validation (RFC 2827, RFC 3704) of a packet that would open a
 * flow. The kernel's rp_filter drops a spoofed packet only after XDP has
 * passed it: had it opened a flow here, the attacker's "replies" from its
 * real address would belong to that flow. So the new-flow path asks the
 * host's own routing table the question rp_filter asks, before the flow
 * exists. Established packets never pay for it.
 *
 * Uses the addr_v4 and addr_v6 maps (maps.h).
 */
#ifndef EDGEXDP_SOURCE_H
#define EDGEXDP_SOURCE_H

#include "classify.h" /* addr_lookup() */
#include "maps.h"
#include "parse.h"

/* Address families of struct bpf_fib_lookup (uapi/linux/socket.h). */
#define FIB_AF_INET 2
#define FIB_AF_INET6 10

/* fe80::/10 and ff00::/8: never routed, so never a route's question. */
#define IPV6_LINKLOCAL_BYTE0 0xfe
#define IPV6_LINKLOCAL_BYTE1_MASK 0xc0
#define IPV6_LINKLOCAL_BYTE1 0x80
#define IPV6_MULTICAST_BYTE0 0xff
/* IPv4 0.0.0.0/8 ("this network"); 224/4 multicast, 240/4 reserved and
 * 255.255.255.255 all start at or above 224. */
#define IPV4_ZERONET_BYTE0 0
#define IPV4_MULTICAST_BYTE0 224

static __always_inline bool ipv6_is_link_local(const struct edgexdp_addr *a)
{
	return a->u8[0] == IPV6_LINKLOCAL_BYTE0 &&
	       (a->u8[1] & IPV6_LINKLOCAL_BYTE1_MASK) == IPV6_LINKLOCAL_BYTE1;
}

static __always_inline bool ipv6_is_multicast(const struct edgexdp_addr *a)
{
	return a->u8[0] == IPV6_MULTICAST_BYTE0;
}

static __always_inline bool ipv6_is_unspecified(const struct edgexdp_addr *a)
{
	return !(a->u32[0] | a->u32[1] | a->u32[2] | a->u32[3]);
}

/* Is the address one of the edge's own roles' (EDGEXDP_ADDR_OWN)? */
static __always_inline bool addr_is_own(const struct edgexdp_addr *addr,
					__u8 family)
{
	const __u32 *v = addr_lookup(addr, family);

	return v && (*v & EDGEXDP_ADDR_OWN);
}

/*
 * The route lookup's question for a packet from `from` to `to` arriving on
 * ifindex. The helper refuses a link-scope source: it is left out, and
 * the lookup is by destination alone.
 */
static __always_inline void
fib_params_load(struct bpf_fib_lookup *fib, __u8 family, __u8 l4proto,
		const struct edgexdp_addr *from, __be16 from_port,
		const struct edgexdp_addr *to, __be16 to_port, __u32 ifindex)
{
	fib->ifindex = ifindex;
	fib->l4_protocol = l4proto;
	fib->sport = from_port;
	fib->dport = to_port;
	if (family == FAMILY_IPV4) {
		fib->family = FIB_AF_INET;
		fib->ipv4_src = from->u32[0];
		fib->ipv4_dst = to->u32[0];
		return;
	}
	fib->family = FIB_AF_INET6;
	__builtin_memcpy(fib->ipv6_dst, to->u8, sizeof(fib->ipv6_dst));
	if (!ipv6_is_link_local(from) && !ipv6_is_multicast(from))
		__builtin_memcpy(fib->ipv6_src, from->u8,
				 sizeof(fib->ipv6_src));
}

/*
 * The reverse path: a route lookup of the reversed tuple, as received on
 * `ifindex`. Strict wants the route back to leave through that NIC, loose
 * only that one exists. A NIC that does not forward cannot be asked (the
 * helper answers FWD_DISABLED): that host routes nothing, the kernel's
 * own rp_filter stands, and the check passes.
 *
 * Not inlined: its 64-byte lookup struct then lives in a frame of its own,
 * only on the new-flow path, instead of in the main program's frame, which
 * Linux 6.1 caps (with the deepest call below it) at 512 bytes.
 */
static __noinline bool reverse_path_ok(struct xdp_md *ctx,
				       const struct flow_tuple *t,
				       __u32 ifindex, __u8 mode)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	/* A link-local source is on this link by definition. */
	if (t->family == FAMILY_IPV6 && ipv6_is_link_local(&t->src))
		return true;
	fib_params_load(&fib, t->family, t->l4proto, &t->dst, t->dport, &t->src,
			t->sport, ifindex);
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
	case BPF_FIB_LKUP_RET_NO_NEIGH: /* a route, its neighbour unresolved */
		return mode == EDGEXDP_SOURCE_LOOSE || fib.ifindex == ifindex;
	case BPF_FIB_LKUP_RET_FWD_DISABLED:
		return true;
	default:
		/* No route, a blackhole, or a local or broadcast source. */
		return false;
	}
}

/*
 * A source no host can send from (the kernel's martians: RFC 1122
 * 3.2.1.3, RFC 4291 2.5.2 and 2.7): a route lookup does not refuse them
 * all, a default route covers 0.0.0.0/8 and 240/4. A link-local source
 * never leaves its link: only a flow to the edge itself, or to another
 * link-local address, may have one; a flow that would be forwarded not.
 */
static __always_inline bool source_is_martian(const struct flow_tuple *t)
{
	__u8 first = t->src.u8[0];

	if (t->family == FAMILY_IPV4)
		return first == IPV4_ZERONET_BYTE0 ||
		       first >= IPV4_MULTICAST_BYTE0;
	if (ipv6_is_unspecified(&t->src) || ipv6_is_multicast(&t->src))
		return true;
	if (ipv6_is_link_local(&t->src))
		return !ipv6_is_link_local(&t->dst) &&
		       !addr_is_own(&t->dst, t->family);
	return false;
}

/*
 * May this packet, which a rule would let open a flow, do so? Not with an
 * edge address as its source from a NIC that faces the Internet, whatever
 * the routing says; then, unless the NIC's check is off, no martian
 * source, and the NIC's reverse-path check.
 */
static __always_inline __u32 source_verdict(struct xdp_md *ctx,
					    const struct flow_tuple *t,
					    __u8 mode, __u8 iface_flags)
{
	if ((iface_flags & EDGEXDP_IFACE_INTERNET) &&
	    addr_is_own(&t->src, t->family))
		return VERDICT_DROP(EDGEXDP_DROP_SPOOFED_SOURCE);
	if (mode == EDGEXDP_SOURCE_OFF)
		return VERDICT_NONE;
	if (source_is_martian(t))
		return VERDICT_DROP(EDGEXDP_DROP_SPOOFED_SOURCE);
	if (!reverse_path_ok(ctx, t, ctx->ingress_ifindex, mode))
		return VERDICT_DROP(EDGEXDP_DROP_SPOOFED_SOURCE);
	return VERDICT_NONE;
}

#endif /* EDGEXDP_SOURCE_H */
