#!/usr/bin/env bats
# edgexdp sharing a NIC with other XDP programs through libxdp's
# multi-program dispatcher. Needs a kernel that lets libxdp build one
# (freplace programs): the VM stage runs it on Debian 12's 6.1
# (tests/vm/run.sh); on a kernel that refuses, every test fails.
#
# xdp_count (tests/vm/xdp_count.bpf.c) counts frames per destination port
# and passes them on. One copy runs in front of edgexdp (priority 10), one
# behind it (90; edgexdp has libxdp's default, 50): the front copy sees what
# edgexdp drops, the back copy only what it passed.

load ../helpers

COUNT_OBJ="$REPO/build/tests/vm/xdp_count.bpf.o"
FRONT_PRIO=10
BACK_PRIO=90
DROPPED_PORT=9 # UDP discard: no rule of the profile allows it
ALLOWED_PORT=443 # TCP to the access edge: remote user access
BURST=20

setup_file() {
	export GW="exdp-dp-gw-$$" PEER="exdp-dp-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
	# libxdp keeps its dispatcher state in the bpffs: the same one for
	# xdp-loader as for edgexdp, which points libxdp at EDGEXDP_BPFFS.
	export LIBXDP_BPFFS="$EDGEXDP_BPFFS"
	export FRONT="$EDGEXDP_BPFFS/count-front" BACK="$EDGEXDP_BPFFS/count-back"
}

teardown_file() {
	in_ns "$GW" xdp-loader unload -a veth-ext >/dev/null 2>&1
	topology_teardown "$GW" "$PEER"
}

gw() { in_ns "$GW" "$EDGEXDP" "$@"; }

# count_load DIR PRIO: an xdp_count on veth-ext, its map pinned in DIR.
count_load() {
	mkdir -p "$1"
	in_ns "$GW" xdp-loader load -m native -P "$2" -p "$1" veth-ext "$COUNT_OBJ"
}

# frames DIR PORT: what the xdp_count pinned in DIR counted for PORT.
frames() {
	# shellcheck disable=SC2046 # the key's four bytes, little-endian
	bpftool -j map lookup pinned "$1/dport_frames" key $(($2 & 255)) $(($2 >> 8)) 0 0 |
		jq -r '.formatted.value // (.value | map(ltrimstr("0x")) | reverse | join("") | ("0x" + .) | tonumber)'
}

# udp_burst PORT: BURST datagrams from the peer to the access edge.
udp_burst() {
	in_ns "$PEER" bash -c "for i in \$(seq $BURST); do echo x >/dev/udp/203.0.113.10/$1; done"
}

# tcp_try PORT: one connection attempt from the peer (refused or not).
tcp_try() {
	in_ns "$PEER" timeout 3 bash -c "echo >/dev/tcp/203.0.113.10/$1" 2>/dev/null || true
}

# veth_ext_progs: the names of the programs libxdp's dispatcher runs on
# veth-ext, in run order, one a line.
veth_ext_progs() {
	in_ns "$GW" xdp-loader status veth-ext | awk '/=>/ { print $3 }'
}

@test "edgexdp joins a dispatcher between two other programs, in priority order" {
	run count_load "$FRONT" "$FRONT_PRIO"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run gw load -c "$CFG"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[[ "$output" == *"veth-ext"*"via libxdp dispatcher"* ]]
	run count_load "$BACK" "$BACK_PRIO"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }

	run gw -j status
	[ "$status" -eq 0 ]
	[ "$(jq -r '.interfaces[] | select(.name == "veth-ext") | .attach' <<<"$output")" = dispatcher ]
	[ "$(jq -r '.interfaces[] | select(.name == "veth-ext") | .mode' <<<"$output")" = native ]
	run gw status
	[[ "$output" == *"dispatcher"* ]]
	order=$(veth_ext_progs | tr '\n' ' ')
	[ "$order" = "xdp_count edgexdp_xdp xdp_count " ] || { echo "run order: $order"; return 1; }
}

@test "all three run: the front sees what edgexdp drops, the back only what it passes" {
	drops_before=$(gw -j stats | jq '[.interfaces[] | select(.name == "veth-ext") | .drop_packets] | add')
	udp_burst "$DROPPED_PORT"
	tcp_try "$ALLOWED_PORT"
	drops_after=$(gw -j stats | jq '[.interfaces[] | select(.name == "veth-ext") | .drop_packets] | add')

	[ "$(frames "$FRONT" "$DROPPED_PORT")" -eq "$BURST" ]
	[ $((drops_after - drops_before)) -ge "$BURST" ]
	[ "$(frames "$BACK" "$DROPPED_PORT")" -eq 0 ]
	# The allowed SYN went through all three.
	[ "$(frames "$FRONT" "$ALLOWED_PORT")" -ge 1 ]
	[ "$(frames "$BACK" "$ALLOWED_PORT")" -ge 1 ]
}

@test "unload removes edgexdp only; the others stay attached and run" {
	run gw unload
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	order=$(veth_ext_progs | tr '\n' ' ')
	[ "$order" = "xdp_count xdp_count " ] || { echo "run order: $order"; return 1; }
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
	front=$(frames "$FRONT" "$DROPPED_PORT")
	udp_burst "$DROPPED_PORT"
	# Nothing filters now: the back copy sees the burst too.
	[ "$(frames "$FRONT" "$DROPPED_PORT")" -eq $((front + BURST)) ]
	[ "$(frames "$BACK" "$DROPPED_PORT")" -eq "$BURST" ]
}

@test "edgexdp loaded again into the dispatcher filters again" {
	run gw load -c "$CFG"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ "$(gw -j status | jq -r '.interfaces[] | select(.name == "veth-ext") | .attach')" = dispatcher ]
	back=$(frames "$BACK" "$DROPPED_PORT")
	udp_burst "$DROPPED_PORT"
	[ "$(frames "$BACK" "$DROPPED_PORT")" -eq "$back" ]
	run gw unload
	[ "$status" -eq 0 ]
	[ "$(veth_ext_progs | wc -l)" -eq 2 ]
}
