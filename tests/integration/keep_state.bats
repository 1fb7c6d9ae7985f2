#!/usr/bin/env bats
# unload --keep-state, then load: established flows survive, judged by the
# new config (rule ids move, rules go away), and a load that cannot take
# the kept flows over fails without touching them.

load ../helpers

setup_file() {
	export GW="exdp-ks-gw-$$" PEER="exdp-ks-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
	# The site rule comes after the profile's: its id depends on features.
	export WITH_SITE="$BATS_FILE_TMPDIR/site.yaml" CORE_SITE="$BATS_FILE_TMPDIR/core.yaml"
	export NO_SITE="$BATS_FILE_TMPDIR/nosite.yaml" SMALL_CT="$BATS_FILE_TMPDIR/small.yaml"
	site='  - { name: site-echo, zone: external, proto: tcp, ports: 8443, from: [203.0.113.99], to: access_edge }'
	printf 'rules:\n%s\n' "$site" | cat "$CFG" - > "$WITH_SITE"
	sed 's/^features:.*/features: []/' "$WITH_SITE" > "$CORE_SITE"
	cp "$CFG" "$NO_SITE"
	sed 's/^conntrack: {/conntrack: { max_entries: 4096,/' "$WITH_SITE" > "$SMALL_CT"
	echo_service_start "$GW" 203.0.113.10 8443
}

teardown_file() {
	echo_service_stop 8443
	topology_teardown "$GW" "$PEER"
}

gw() { in_ns "$GW" "$EDGEXDP" "$@"; }

teardown() {
	# loaded, then kept-only: two unloads leave nothing
	gw unload >/dev/null 2>&1 || true
	gw unload >/dev/null 2>&1 || true
}

rule_packets() {
	gw -j stats | jq ".rules[] | select(.name == \"$1\") | .packets"
}

@test "kept flows move to their rule's new id, and the rest of the state goes" {
	run gw load -c "$WITH_SITE"
	[ "$status" -eq 0 ]
	session_open "$PEER" 203.0.113.10 8443
	echo_line one
	run gw unload -k
	[ "$status" -eq 0 ]
	[ "$(ls "$EDGEXDP_BPFFS/edgexdp" | xargs)" = "conntrack ct_stats ct_unconfirmed" ]
	run gw status
	[ "$status" -eq 1 ]
	[[ "$output" == *"flow tables kept"* ]]

	# Core only: site-echo moves from id 31 to id 15.
	run gw load -c "$CORE_SITE"
	[ "$status" -eq 0 ]
	[[ "$output" == *"took over the kept flows: 1 still allowed (1 now counted on another rule), 0 removed"* ]]
	echo_line two
	[ "$(rule_packets site-echo)" -ge 2 ]
	[ "$(gw -j stats | jq '[.rules[] | select(.name != "site-echo") | .packets] | add')" -eq 0 ]
	session_close
	run gw unload
	[ "$status" -eq 0 ]
}

@test "a kept flow no rule allows any more is removed on load" {
	run gw load -c "$WITH_SITE"
	[ "$status" -eq 0 ]
	session_open "$PEER" 203.0.113.10 8443
	echo_line one
	run gw unload -k
	[ "$status" -eq 0 ]
	run gw load -c "$NO_SITE"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 still allowed (0 now counted on another rule), 1 removed"* ]]
	! echo_line two 2
	# no_rule_port, or tcp_state when the client's port happens to lie
	# in a rule's range (50000-59999) and the segment looks like a reply
	[ "$(gw -j stats | jq '.drops.no_rule_port + .drops.tcp_state')" -ge 1 ]
	session_close
	run gw unload
	[ "$status" -eq 0 ]
}

@test "a load that cannot take the kept flows over fails and keeps them" {
	run gw load -c "$WITH_SITE"
	[ "$status" -eq 0 ]
	run gw unload -k
	[ "$status" -eq 0 ]
	run gw load -c "$SMALL_CT"
	[ "$status" -eq 1 ]
	[[ "$output" == *"kept flow table conntrack has 262144 entries, this config wants 4096"* ]]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ "$(ls "$EDGEXDP_BPFFS/edgexdp" | xargs)" = "conntrack ct_stats ct_unconfirmed" ]
	# A plain unload is how to discard them.
	run gw unload
	[ "$status" -eq 0 ]
	[[ "$output" == *"discarded the kept flow tables"* ]]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
	run gw status
	[ "$status" -eq 1 ]
	[[ "$output" == *"nothing pinned"* ]]
}
