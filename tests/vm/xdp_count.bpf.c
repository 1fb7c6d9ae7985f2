// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A second XDP program for the dispatcher test (tests/vm/dispatcher.bats):
 * counts IPv4 TCP and UDP frames per destination port and passes every
 * frame on. Loaded before and after edgexdp in libxdp's dispatcher, its
 * counts show which frames reached it: all of them in front of edgexdp,
 * only the ones edgexdp passed behind it.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define ETH_P_IP 0x0800
#define PORTS 65536
#define IPV4_PLAIN_IHL 5 /* 20 bytes: no options */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PORTS);
	__type(key, __u32);
	__type(value, __u64);
	/* under xdp-loader's --pin-path, where the test reads it */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} dport_frames SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	/* Ports sit at the same offset in TCP and UDP; options are rare
	 * enough here (the test sends none) to read past a plain header. */
	struct udphdr *l4 = (void *)(iph + 1);
	__u32 port;
	__u64 *n;

	if ((void *)(l4 + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (iph->ihl != IPV4_PLAIN_IHL ||
	    (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP))
		return XDP_PASS;
	port = bpf_ntohs(l4->dest);
	n = bpf_map_lookup_elem(&dport_frames, &port);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
