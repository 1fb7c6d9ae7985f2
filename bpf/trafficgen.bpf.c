// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Traffic generator: tools/trafficgen runs this program with
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
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define TPL_MAX 256 /* the headers, and then some; a power of two */

const volatile __u32 target_ifindex = 0;

struct {
	__u32 len; /* bytes of data to write back, at most TPL_MAX */
	__u8 data[TPL_MAX];
} tpl = {};

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
	return bpf_redirect(target_ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
