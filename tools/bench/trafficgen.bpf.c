// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Traffic generator: trafficgen (trafficgen.c beside this file) runs it with
 * BPF_PROG_TEST_RUN and BPF_F_TEST_XDP_LIVE_FRAMES, so every frame it is
 * handed is redirected for real, through the driver's ndo_xdp_xmit, to the
 * NIC named by target_ifindex (a veth, whose peer's XDP program or stack
 * then receives it). Set target_ifindex through the skeleton before load.
 *
 * Live frames live in a page pool that the kernel initialises from the
 * test run's data only once per page: a page that comes back after the
 * receiver's stack wrote to it (forwarding rewrites the Ethernet header and
 * the TTL) would go out again as it was left. So the program first writes
 * the frame back from tpl, which userspace keeps equal to the data it
 * passes to each test run.
 *
 * With spread_src_bits set (IPv4 frames only), each frame leaves with a
 * new source address: the low bits are a counter's hash, and both the IP
 * and the L4 checksum are updated to match (RFC 1624), so a flood of all-
 * new tuples runs at the generator's full rate.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TPL_MAX 256 /* the headers, and then some; a power of two */
#define IPV4_SADDR_OFF 12
#define IPV4_CSUM_OFF 10
#define IPV4_HLEN 20
#define TCP_CSUM_OFF 16
#define UDP_CSUM_OFF 6
#define GOLDEN_RATIO_32 0x9e3779b1U

const volatile __u32 target_ifindex = 0;
/* Frame layout for spreading: IPv4 header offset, and the L4 checksum's
 * offset from the frame's start (0: no L4 checksum to fix). */
const volatile __u32 spread_src_bits = 0;
const volatile __u32 spread_l3_off = 0;
const volatile __u32 spread_l4_csum_off = 0;

struct {
	__u32 len; /* bytes of data to write back, at most TPL_MAX */
	__u8 data[TPL_MAX];
} tpl = {};

__u32 spread_counter = 0;

/* RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m'), for one 32-bit field. */
static __always_inline __u16 csum_replace4(__u16 check, __be32 from, __be32 to)
{
	__u32 sum = (__u16)~check;

	sum += (__u16) ~(from >> 16) + (__u16) ~(from & 0xffff);
	sum += (to >> 16) + (to & 0xffff);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static __always_inline void spread_source(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u32 off = spread_l3_off & 0xff, csum_off = spread_l4_csum_off & 0xff;
	__u32 mask = spread_src_bits >= 32 ? 0xffffffffU
					   : (1U << spread_src_bits) - 1;
	__be32 *saddr, old, new;
	__u16 *ip_csum, *l4_csum;

	if (data + off + IPV4_HLEN > data_end)
		return;
	saddr = data + off + IPV4_SADDR_OFF;
	ip_csum = data + off + IPV4_CSUM_OFF;
	old = *saddr;
	new = bpf_htonl((bpf_ntohl(old) & ~mask) |
			((++spread_counter * GOLDEN_RATIO_32) & mask));
	*saddr = new;
	*ip_csum = csum_replace4(*ip_csum, old, new);
	if (!csum_off || data + csum_off + sizeof(__u16) > data_end)
		return;
	l4_csum = data + csum_off;
	/* UDP's zero means "no checksum": leave it so. */
	if (*l4_csum)
		*l4_csum = csum_replace4(*l4_csum, old, new);
}

SEC("xdp")
int trafficgen_xdp(struct xdp_md *ctx)
{
	__u32 len = tpl.len;

	if (len > TPL_MAX)
		len = TPL_MAX;
	if (len) {
		/* Linux 6.1's verifier learns no lower bound from len != 0
		 * and refuses a store of maybe 0 bytes: state 1..TPL_MAX in
		 * a form it reads, which clang must not fold away. */
		barrier_var(len);
		len = ((len - 1) & (TPL_MAX - 1)) + 1;
		bpf_xdp_store_bytes(ctx, 0, tpl.data, len);
	}
	if (spread_src_bits)
		spread_source(ctx);
	return bpf_redirect(target_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
