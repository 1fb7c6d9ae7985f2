#!/usr/bin/env bats
# edgexdp reload: the rules change with no moment unfiltered, flows and
# counters go on, and a failure at any step leaves the old rules in force
# with nothing new pinned.

load ../helpers

setup_file() {
	export GW="exdp-rl-gw-$$" PEER="exdp-rl-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
	# A: the profile and site rules both configs keep (8443) or only A
	# has (8444); B: without 8444, with a new rule (8445).
	export CFG_A="$BATS_FILE_TMPDIR/a.yaml" CFG_B="$BATS_FILE_TMPDIR/b.yaml"
	cat "$CFG" - > "$CFG_A" <<-YAML
	rules:
	  - { name: site-both, zone: external, proto: tcp, ports: 8443, from: [203.0.113.99], to: access_edge }
	  - { name: site-a, zone: external, proto: tcp, ports: 8444, from: [203.0.113.99], to: access_edge }
	YAML
	cat "$CFG" - > "$CFG_B" <<-YAML
	rules:
	  - { name: site-new, zone: external, proto: tcp, ports: 8445, from: [203.0.113.99], to: access_edge }
	  - { name: site-both, zone: external, proto: tcp, ports: 8443, from: [203.0.113.99], to: access_edge }
	YAML
	echo_service_start "$GW" 203.0.113.10 8443
	echo_service_start "$GW" 203.0.113.10 8444
}

teardown_file() {
	echo_service_stop 8443
	echo_service_stop 8444
	topology_teardown "$GW" "$PEER"
}

teardown() {
	gw unload >/dev/null 2>&1 || true
}

gw() { in_ns "$GW" "$EDGEXDP" "$@"; }

rule_json() {
	gw -j stats | jq -c ".rules[] | select(.name == \"$1\")"
}

# What must not move when a reload fails: programs, pins, recorded state.
snapshot() {
	echo "$(xdp_prog_id "$GW" veth-ext) $(xdp_prog_id "$GW" veth-int)"
	ls "$EDGEXDP_BPFFS" "$EDGEXDP_BPFFS/edgexdp"
	gw -j status | jq -c 'del(.conntrack[] | .entries, .expired, .states)' # expiry moves these
}

@test "reload refuses when nothing is loaded, and says to load" {
	run gw reload -c "$CFG_A"
	[ "$status" -eq 1 ]
	[[ "$output" == *"nothing is loaded to reload"*"use 'edgexdp load'"* ]]
	run gw reload -n -c "$CFG_A"
	[ "$status" -eq 1 ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
}

@test "dry run: rules, NICs and the flows that would be cut, and nothing changes" {
	run gw load -c "$CFG_A"
	[ "$status" -eq 0 ]
	session_open "$PEER" 203.0.113.10 8444
	echo_line one
	before=$(snapshot)
	nolan="$BATS_TEST_TMPDIR/nolan.yaml"
	sed '/name: veth-int/d' "$CFG_B" > "$nolan"
	output=$(gw -j reload --dry-run -c "$nolan" 2>/dev/null)
	[ "$(jq -c '[.added[].name]' <<<"$output")" = '["site-new"]' ]
	[ "$(jq -c '[.removed[] | [.name, .flows_cut]]' <<<"$output")" = '[["site-a",1]]' ]
	[ "$(jq -c .detached <<<"$output")" = '["veth-int"]' ]
	[ "$(jq .flows.cut <<<"$output")" -eq 1 ]
	run gw reload -n -c "$nolan"
	[[ "$output" == *"removed  site-a (1 live flows cut)"* ]]
	[[ "$output" == *"detach   NIC veth-int"* ]]
	[ "$(snapshot)" = "$before" ]
	echo_line two
	session_close
}

@test "reload switches every NIC, keeps flows and counters, cuts what it no longer allows" {
	run gw load -c "$CFG_A"
	[ "$status" -eq 0 ]
	old=$(xdp_prog_id "$GW" veth-ext)
	session_open "$PEER" 203.0.113.10 8443
	echo_line both-1
	SESSION_BOTH=("${SESSION[@]}") BOTH_PID=$SESSION_PID
	coproc SITE_A { ip netns exec "$PEER" socat - TCP:203.0.113.10:8444 2>/dev/null; }
	echo a-1 >&"${SITE_A[1]}"
	read -r -t 2 line <&"${SITE_A[0]}"
	[ "$line" = a-1 ]
	both_before=$(rule_json site-both | jq .packets)
	a_before=$(rule_json site-a | jq .packets)

	run gw reload -c "$CFG_B"
	[ "$status" -eq 0 ]
	[[ "$output" == *"added    site-new"* ]]
	[[ "$output" == *"removed  site-a (1 live flows cut): 1 flows, $a_before packets"* ]]
	[[ "$output" == *"1 kept, 1 cut"* ]]
	new=$(xdp_prog_id "$GW" veth-ext)
	[ "$new" != "$old" ]
	[ "$(xdp_prog_id "$GW" veth-int)" = "$new" ]
	run gw status
	[ "$status" -eq 0 ]
	[[ "$output" == *"loaded from $CFG_B"* ]]

	# The connection both configs allow carries on, counted on.
	SESSION=("${SESSION_BOTH[@]}") SESSION_PID=$BOTH_PID
	echo_line both-2
	[ "$(rule_json site-both | jq .packets)" -ge $((both_before + 2)) ]
	[ "$(rule_json site-new | jq .packets)" -eq 0 ]
	[ -z "$(rule_json site-a)" ]
	# The one only A allowed is cut, and a new one is refused.
	echo a-2 >&"${SITE_A[1]}"
	line=
	read -r -t 1 line <&"${SITE_A[0]}" || true
	[ -z "$line" ]
	run bash -c "ip netns exec $PEER timeout 3 socat -T1 - TCP:203.0.113.10:8444,connect-timeout=1 <<<x 2>/dev/null"
	[ "$status" -ne 0 ]
	[ -z "$output" ]
	kill "$SITE_A_PID" 2>/dev/null || true
	session_close
	[ ! -e "$EDGEXDP_BPFFS/edgexdp_staged" ]
	run gw unload
	[ "$status" -eq 0 ]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
}

@test "a failure at any step leaves the old rules in force and nothing new pinned" {
	run gw load -c "$CFG_A"
	[ "$status" -eq 0 ]
	session_open "$PEER" 203.0.113.10 8443
	echo_line before
	before=$(snapshot)

	# validation
	bad="$BATS_TEST_TMPDIR/bad.yaml"
	sed 's/access_edge: \[203.0.113.10\]/access_edge: [203.0.113.300]/' "$CFG_B" > "$bad"
	run gw reload -c "$bad"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$bad:8:"*"203.0.113.300"* ]]
	[ "$(snapshot)" = "$before" ]
	# maps: the flow table cannot change size under live flows
	small="$BATS_TEST_TMPDIR/small.yaml"
	sed 's/^conntrack: {/conntrack: { max_entries: 4096,/' "$CFG_B" > "$small"
	run gw reload -c "$small"
	[ "$status" -eq 1 ]
	[[ "$output" == *"reload keeps the flow table, of 262144 entries; this config asks for 4096"* ]]
	[ "$(snapshot)" = "$before" ]
	# attach: a NIC new to the config that cannot take native XDP
	lo="$BATS_TEST_TMPDIR/lo.yaml"
	sed 's/^interfaces:/interfaces:\n  - { name: lo, zone: internal }/' "$CFG_B" > "$lo"
	run gw reload -c "$lo"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot attach to lo"* ]]
	[ "$(snapshot)" = "$before" ]
	# program load, pins, and the switch itself (after the first NIC)
	for step in maps load pins switch; do
		EDGEXDP_FAIL_AT=$step run gw reload -c "$CFG_B"
		[ "$status" -eq 1 ]
		[[ "$output" == *"failure injected at $step"* ]] || { echo "$step: $output"; return 1; }
		[ "$(snapshot)" = "$before" ] || { echo "$step changed the state"; return 1; }
	done
	echo_line after
	session_close
	run gw reload -c "$CFG_B"
	[ "$status" -eq 0 ]
}

@test "reload refuses pins of another layout, and says what to do" {
	run gw load -c "$CFG_A"
	[ "$status" -eq 0 ]
	info="$EDGEXDP_BPFFS/edgexdp/load_info"
	rm "$info"
	bpftool map create "$info" type array key 4 value 8 entries 1 name load_info
	bpftool map update pinned "$info" key 0 0 0 0 value 0 0 0 0 0 0 0 0
	run gw reload -c "$CFG_B"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layout 0"*"reload cannot carry it over"*"'edgexdp unload' and 'edgexdp load'"* ]]
	run gw unload
	[ "$status" -eq 0 ]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
}
