#!/usr/bin/env bats
# The edgexdp tool for real: load, status, stats, unload in a network
# namespace with veth pairs, and failures that must leave nothing behind.

load ../helpers

setup_file() {
	export GW="exdp-it-gw-$$" PEER="exdp-it-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
}

teardown_file() {
	topology_teardown "$GW" "$PEER"
}

gw() { in_ns "$GW" "$EDGEXDP" "$@"; }

@test "every command has help" {
	for cmd in check load reload unload status stats export; do
		run "$EDGEXDP" help "$cmd"
		[ "$status" -eq 0 ]
		[[ "$output" == *"Usage: edgexdp $cmd"* ]]
		run "$EDGEXDP" "$cmd" -h
		[ "$status" -eq 0 ]
		[[ "$output" == *"Usage: edgexdp $cmd"* ]]
	done
	run "$EDGEXDP" --help
	[ "$status" -eq 0 ]
	for cmd in check load reload unload status stats export help; do
		[[ "$output" == *"  $cmd "* ]] || { echo "no $cmd in --help"; return 1; }
	done
	run "$EDGEXDP" help bogus
	[ "$status" -eq 2 ]
	run "$EDGEXDP" frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown command 'frobnicate'"* ]]
}

@test "check lists every documented seed row for the example config" {
	run "$EDGEXDP" -j check -c "$REPO/examples/edgexdp.example.yaml"
	[ "$status" -eq 0 ]
	seeds=$(printf '%s\n' "$output" | jq -r '.rules[].seed' | tr ' ' '\n' | sort -u)
	while IFS=, read -r table row _; do
		[ "$table" = table ] && continue
		grep -qx "$table:$row" <<<"$seeds" || { echo "missing $table:$row"; return 1; }
	done < "$CSV"
}

@test "check names the rules an earlier rule shadows" {
	# With federation's "any" rules on, the public IM rules never match.
	run "$EDGEXDP" -j check -c "$REPO/examples/edgexdp.example.yaml"
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.rules[] | select(.shadowed) | .name] | join(",")' <<<"$output")" = \
	  "pim-sip-mtls-in,pim-sip-mtls-out,pim-rtp-tcp-out,pim-stun-udp-out,pim-stun-udp-in" ]
	run "$EDGEXDP" check -c "$REPO/examples/edgexdp.example.yaml"
	[[ "$output" == *"5 rules never match"* ]]
	# Without federation they carry public IM traffic themselves, but
	# for public_im:6, which is the core's external:14 over again.
	pim="$BATS_TEST_TMPDIR/pim.yaml"
	sed 's/^features:.*/features: [public_im]/' "$CFG" > "$pim"
	run "$EDGEXDP" -j check -c "$pim"
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.rules[] | select(.shadowed) | .name] | join(",")' <<<"$output")" = pim-stun-udp-in ]
}

@test "a bad config is one clear error and touches nothing" {
	bad="$BATS_TEST_TMPDIR/bad.yaml"
	sed 's/access_edge: \[203.0.113.10\]/access_edge: [203.0.113.300]/' "$CFG" > "$bad"
	run gw load -c "$bad"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$bad:8:"*"203.0.113.300"* ]]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
}

@test "a failed attach undoes the earlier ones" {
	# loopback has no native XDP: veth-ext attaches first, lo fails.
	cfg2="$BATS_TEST_TMPDIR/lo.yaml"
	sed 's/name: veth-int/name: lo/' "$CFG" > "$cfg2"
	run gw load -c "$cfg2"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot attach to lo"* ]]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ -z "$(xdp_prog_id "$GW" lo)" ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
}

@test "load refuses to pin into a bpffs that dies with ip netns exec" {
	run env -u EDGEXDP_BPFFS ip netns exec "$GW" "$EDGEXDP" load -c "$CFG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mount namespace of its own"*"EDGEXDP_BPFFS"* ]]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
}

@test "a failure while pinning undoes the attach and every pin" {
	# Something already sits where rule_info must be pinned.
	mkdir -p "$EDGEXDP_BPFFS/edgexdp/rule_info"
	run gw load -c "$CFG"
	rc=$status
	left=$(ls "$EDGEXDP_BPFFS/edgexdp")
	rmdir "$EDGEXDP_BPFFS/edgexdp/rule_info" "$EDGEXDP_BPFFS/edgexdp"
	[ "$rc" -eq 1 ]
	[[ "$output" == *"cannot pin state"* ]]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ -z "$(xdp_prog_id "$GW" veth-int)" ]
	[ "$left" = rule_info ]
}

@test "load attaches to every NIC and status says how" {
	run gw load -c "$CFG"
	[ "$status" -eq 0 ]
	[[ "$output" == *"veth-ext"*"native XDP"* ]]
	run gw -j status
	[ "$status" -eq 0 ]
	[ "$(jq '.interfaces | length' <<<"$output")" -eq 2 ]
	[ "$(jq '[.interfaces[] | select(.attached and .mode == "native")] | length' <<<"$output")" -eq 2 ]
	[ "$(jq -r '.config' <<<"$output")" = "$CFG" ]
	rules=$(jq '.rules' <<<"$output")
	[ "$rules" -eq "$("$EDGEXDP" -j check -c "$CFG" | jq '.rules | length')" ]
	# single-program mode: the NIC runs exactly our program id
	id=$(jq -r '.interfaces[0].prog_id' <<<"$output")
	kind=$(jq -r '.interfaces[0].attach' <<<"$output")
	if [ "$kind" = single-program ]; then
		[ "$(xdp_prog_id "$GW" veth-ext)" = "$id" ]
	else
		[ "$kind" = dispatcher ]
	fi
}

@test "a second load refuses and leaves the first intact" {
	before=$(xdp_prog_id "$GW" veth-ext)
	run gw load -c "$CFG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"already loaded"* ]]
	[ "$(xdp_prog_id "$GW" veth-ext)" = "$before" ]
}

@test "stats counts real packets: an allowed flow, its replies and drops" {
	in_ns "$GW" timeout 30 socat -T2 TCP-LISTEN:443,bind=203.0.113.10,reuseaddr OPEN:/dev/null 3>&- &
	listener=$!
	wait_tcp_listen "$GW" 443
	run in_ns "$PEER" timeout 5 socat -T2 - TCP:203.0.113.10:443,connect-timeout=2 <<<"hello"
	[ "$status" -eq 0 ]
	wait "$listener" || true
	# ICMP echo is in no row of the seed: dropped and counted
	run in_ns "$PEER" timeout 5 ping -c 2 -W 0.2 -i 0.2 203.0.113.10
	[ "$status" -ne 0 ]
	# a closed port: nothing on tcp 8080 in any table. From a source port
	# below 50000: a SYN from the A/V edge's relay range (external 9) is
	# looked up on it, and would count as no_rule_addr
	run in_ns "$PEER" timeout 5 socat -T1 - TCP:203.0.113.10:8080,connect-timeout=1,sourceport=40321,reuseaddr </dev/null
	[ "$status" -ne 0 ]
	run gw stats -j
	[ "$status" -eq 0 ]
	json=$output
	rule=$(jq '.rules[] | select(.name == "ext-sip-tls-in")' <<<"$json")
	[ "$(jq .flows <<<"$rule")" -eq 1 ]
	[ "$(jq .packets <<<"$rule")" -ge 3 ]
	[ "$(jq .drops.icmp <<<"$json")" -ge 2 ]
	[ "$(jq .drops.no_rule_port <<<"$json")" -ge 1 ]
	[ "$(jq '.interfaces[] | select(.name == "veth-ext") | .rx_packets' <<<"$json")" -ge 6 ]
	run gw stats
	[ "$status" -eq 0 ]
	[[ "$output" == *"ext-sip-tls-in"*"tcp"*"443"* ]]
	run timeout 10 ip netns exec "$GW" "$EDGEXDP" stats -j -i 1 -n 1
	[ "$status" -eq 0 ]
	jq -e '.rules[0].pps != null' <<<"$output"
}

@test "unload detaches everywhere and removes the pins" {
	run gw unload
	[ "$status" -eq 0 ]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ -z "$(xdp_prog_id "$GW" veth-int)" ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
	run gw status
	[ "$status" -eq 1 ]
	[[ "$output" == *"not loaded"* ]]
	run gw unload
	[ "$status" -eq 1 ]
}
