#!/usr/bin/env bats
# build/tools/trafficgen (tools/bench/trafficgen.c, the benchmark's
# generator) on this kernel: it needs live-frame test runs (Linux 5.18+) and
# bpf_xdp_store_bytes (6.0+), both in Debian 12's 6.1, where the VM stage
# runs this. Frames it sends into one end of a veth arrive at the other,
# counted there by xdp_count.

load ../helpers

GEN="$REPO/build/tools/trafficgen"
COUNT_OBJ="$REPO/build/tests/vm/xdp_count.bpf.o"
FRAMES=1000
PORT=9

setup_file() {
	export TXNS="exdp-tg-tx-$$" RXNS="exdp-tg-rx-$$"
	ip netns add "$TXNS"
	ip netns add "$RXNS"
	ip -n "$TXNS" link add tg-tx type veth peer name tg-rx netns "$RXNS"
	ip -n "$TXNS" link set tg-tx up
	ip -n "$RXNS" link set tg-rx up
	bpffs_setup
	export LIBXDP_BPFFS="$EDGEXDP_BPFFS" COUNT="$EDGEXDP_BPFFS/count"
}

teardown_file() {
	ip netns del "$TXNS" 2>/dev/null
	ip netns del "$RXNS" 2>/dev/null
	bpffs_teardown
}

@test "trafficgen sends live frames that arrive at the veth's peer" {
	mkdir -p "$COUNT"
	run in_ns "$RXNS" xdp-loader load -m native -p "$COUNT" tg-rx "$COUNT_OBJ"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run in_ns "$TXNS" "$GEN" -i tg-tx -n "$FRAMES" -b 100 -j \
		--src 198.51.100.1 --dst 198.51.100.2 --dport "$PORT"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(jq '.frames' <<<"$output")" -eq "$FRAMES" ]
	got=$(bpftool -j map lookup pinned "$COUNT/dport_frames" key "$PORT" 0 0 0 | jq '.formatted.value')
	[ "$got" -eq "$FRAMES" ] || { echo "received $got of $FRAMES"; return 1; }
}
