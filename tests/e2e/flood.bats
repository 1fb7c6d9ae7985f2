#!/usr/bin/env bats
# A flood of spoofed openings to the ports the edge keeps open, from
# random sources, 32 times the size of the flow tables: every real TCP
# connection and replied UDP flow opened before it still carries data both
# ways after it, and status counts what happened.
#
#   client ── c0 ═ g-cl ┐  gateway   ┌ g-sv ═ s0 ── server
#   198.51.100.2        │ (edgexdp,  │        203.0.113.10 (access_edge, tcp/443)
#                       └ external)  ┘        203.0.113.30 (av_edge, udp/50000+)
#
# The spoofed frames are the project's own generator's (build/tools/trafficgen,
# from tools/bench/trafficgen.c, valid checksums), sent into c0, so the
# gateway's XDP program receives them on g-cl, bounded in count. Their
# broadcast destination MAC makes the gateway's stack discard them after
# edgexdp let them through.

load ../helpers

N=40                     # real TCP connections, and as many UDP flows
TABLE=1024               # both flow tables: the smallest the config takes
# Distinct spoofed tuples per protocol, 16x TABLE: enough that the kernel's
# LRU, which spares recently used entries for a while, reaches the real
# flows when one table holds everything (the build before issue 8 fails).
SPOOFS=16384
PEERS="$REPO/tests/e2e/flowpeers.py"
TRAFFICGEN="$REPO/build/tools/trafficgen"
# The edgexdp under test; FLOOD_EDGEXDP runs this test on another build.
EDGEXDP=${FLOOD_EDGEXDP:-$EDGEXDP}

setup_file() {
	export GW="exdp-fl-gw-$$" CL="exdp-fl-cl-$$" SV="exdp-fl-sv-$$"
	export CFG="$BATS_FILE_TMPDIR/flood.yaml"
	ip netns add "$GW"
	ip netns add "$CL"
	ip netns add "$SV"
	ip -n "$GW" link add g-cl type veth peer name c0 netns "$CL"
	ip -n "$GW" link add g-sv type veth peer name s0 netns "$SV"
	for l in lo g-cl g-sv; do ip -n "$GW" link set "$l" up; done
	for l in lo c0; do ip -n "$CL" link set "$l" up; done
	for l in lo s0; do ip -n "$SV" link set "$l" up; done
	ip -n "$GW" addr add 198.51.100.1/24 dev g-cl
	ip -n "$GW" addr add 203.0.113.1/24 dev g-sv
	ip -n "$CL" addr add 198.51.100.2/24 dev c0
	ip -n "$SV" addr add 203.0.113.10/24 dev s0
	ip -n "$SV" addr add 203.0.113.30/24 dev s0
	# Routes between the two sides only: nothing can leave.
	ip -n "$CL" route add 203.0.113.0/24 via 198.51.100.1
	ip -n "$SV" route add 198.51.100.0/24 via 203.0.113.1
	# The client side stands for the Internet: the spoofed sources are
	# routed there, so they pass edgexdp's source check (issue 9) as the
	# sources of an Internet-facing NIC's default route do.
	ip -n "$GW" route add 198.18.0.0/15 via 198.51.100.2
	in_ns "$GW" sysctl -qw net.ipv4.ip_forward=1
	bpffs_setup
	cat >"$CFG" <<-YAML
	interfaces:
	  - { name: g-cl, zone: external }
	  - { name: g-sv, zone: external }
	xdp_mode: native
	profile: lync2013-edge
	features: [federation, ocs2007_federation, public_im, xmpp, centralized_logging]
	addresses:
	  access_edge: [203.0.113.10]
	  webconf_edge: [203.0.113.20]
	  av_edge: [203.0.113.30]
	  edge_internal: [172.25.33.10]
	conntrack: { max_entries: $TABLE, unconfirmed_max_entries: $TABLE }
	YAML
	# ip netns exec execs python: $! is the server itself.
	ip netns exec "$SV" python3 "$PEERS" serve 203.0.113.10 443 203.0.113.30 50000 "$N" \
		>"$BATS_FILE_TMPDIR/serve.log" 2>&1 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/serve.pid"
	for _ in $(seq 50); do
		grep -q ready "$BATS_FILE_TMPDIR/serve.log" && break
		sleep 0.1
	done
}

teardown_file() {
	local pid
	[ -n "${CLIENTS_PID:-}" ] && kill "$CLIENTS_PID" 2>/dev/null
	pid=$(cat "$BATS_FILE_TMPDIR/serve.pid" 2>/dev/null) &&
		{ kill "$pid" && wait "$pid"; } 2>/dev/null
	in_ns "$GW" "$EDGEXDP" unload >/dev/null 2>&1
	ip netns del "$CL" 2>/dev/null
	ip netns del "$SV" 2>/dev/null
	ip netns del "$GW" 2>/dev/null
	bpffs_teardown
	return 0
}

gw() { in_ns "$GW" "$EDGEXDP" "$@"; }

# The clients, driven through two fifos (fds 7 and 8; bats owns 3).
clients_start() {
	local dir=$BATS_TEST_TMPDIR/clients
	mkdir -p "$dir"
	mkfifo "$dir/in" "$dir/out"
	ip netns exec "$CL" python3 "$PEERS" clients 203.0.113.10 443 203.0.113.30 50000 "$N" \
		<"$dir/in" >"$dir/out" 2>&1 3>&- &
	CLIENTS_PID=$!
	exec 7>"$dir/in" 8<"$dir/out"
}

# One more exchange on every flow: "alive TCP UDP".
clients_round() {
	local line
	echo go >&7
	read -r -t 150 line <&8
	echo "$line"
}

flood() {
	in_ns "$CL" "$TRAFFICGEN" -i c0 --src 198.18.0.0 --src-bits 16 \
		--dst "$1" --proto "$2" --dport "$3" --dport-span "$4" \
		-F "$SPOOFS" -b 1 -n "$SPOOFS"
}

@test "a spoofed flood of 32x the flow tables leaves every real flow carrying data" {
	run gw load -c "$CFG"
	[ "$status" -eq 0 ]
	clients_start
	read -r -t 60 line <&8
	echo "before the flood: $line"
	[ "$line" = "open $N $N" ]

	# SYNs to tcp/443 and datagrams to the RTP range, all-new sources.
	flood 203.0.113.10 tcp 443 1
	flood 203.0.113.30 udp 50000 10000
	status_json=$(gw -j status)
	echo "$status_json" | jq .conntrack

	line=$(clients_round)
	echo "after the flood: $line"
	[ "$line" = "alive $N $N" ]

	# The flood went through the unconfirmed table, which the LRU kept
	# at its size by displacing its own entries, and only those.
	ct=$(jq .conntrack <<<"$status_json")
	[ "$(jq .unconfirmed.created <<<"$ct")" -ge $((2 * SPOOFS)) ]
	[ "$(jq .unconfirmed.entries <<<"$ct")" -le "$TABLE" ]
	[ "$(jq '.unconfirmed | .created - .removed - .entries - .expired == .displaced' <<<"$ct")" = true ]
	[ "$(jq .unconfirmed.displaced <<<"$ct")" -ge $((2 * SPOOFS - TABLE)) ]
	[ "$(jq .confirmed.entries <<<"$ct")" -ge $((2 * N)) ]
	[ "$(jq .confirmed.displaced <<<"$ct")" -eq 0 ]
	[ "$(jq .confirmed.insert_failed <<<"$ct")" -eq 0 ]
	[ "$(jq .confirmations.tcp <<<"$ct")" -ge "$N" ]
	[ "$(jq .confirmations.udp <<<"$ct")" -ge "$N" ]
	[ "$(jq .confirmations.tcp_synack_unseen <<<"$ct")" -eq 0 ]
	exec 7>&- 8<&-
}

# Issue 8, point 5: the generator floods tcp/443 from all-new sources at
# its highest rate, for a bounded time, while a real client opens new
# connections one after another; with the default table sizes, at this
# RTT (near zero), at least 99% of them must complete.
CONNECTS=200

@test "new real connections complete while spoofed SYNs flood tcp/443 at the generator's highest rate" {
	gw unload >/dev/null 2>&1 || true
	sed -i '/^conntrack:/d' "$CFG"
	run gw load -c "$CFG"
	[ "$status" -eq 0 ]
	in_ns "$CL" "$TRAFFICGEN" -i c0 --src 198.18.0.0 --src-bits 17 \
		--dst 203.0.113.10 --proto tcp --dport 443 -b 8192 -d 8 -j \
		>"$BATS_TEST_TMPDIR/flood.json" 2>&1 3>&- &
	flood_pid=$!
	sleep 1
	result=$(ip netns exec "$CL" python3 "$PEERS" connect 203.0.113.10 443 203.0.113.30 50000 "$CONNECTS")
	wait "$flood_pid"
	echo "during the flood: $result; generator: $(cat "$BATS_TEST_TMPDIR/flood.json")"
	ct=$(gw -j status | jq .conntrack)
	echo "$ct" | jq -c .unconfirmed
	# the flood's 131,072 sources went through the unconfirmed table
	# (65,536 entries) more than once: it turned over all along
	[ "$(jq .unconfirmed.created <<<"$ct")" -ge 131072 ]
	[ "$(jq .unconfirmed.displaced <<<"$ct")" -ge 65536 ]
	ok=$(sed -n 's/^connected \([0-9]*\) of.*/\1/p' <<<"$result")
	[ "$ok" -ge $((CONNECTS * 99 / 100)) ]
}
