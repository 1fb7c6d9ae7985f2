#!/usr/bin/env bats
# What an operator trips on: --version, help help, JSON on failure too,
# wording, warnings for configs that load but cannot work, and stats as
# JSON Lines with rates.

load ../helpers

setup_file() {
	export GW="exdp-op-gw-$$" PEER="exdp-op-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
}

teardown_file() {
	topology_teardown "$GW" "$PEER"
}

teardown() {
	in_ns "$GW" "$EDGEXDP" unload >/dev/null 2>&1 || true
}

gw() { in_ns "$GW" "$EDGEXDP" "$@"; }

# one_rule FILE IFACE...: a config without profile, one site rule.
one_rule() {
	local out=$1 i
	shift
	{
		echo "interfaces:"
		for i in "$@"; do echo "  - { name: $i, zone: external }"; done
		echo "xdp_mode: native"
		echo "addresses: { access_edge: [203.0.113.10] }"
		echo "rules:"
		echo "  - { name: web, zone: external, proto: tcp, ports: 443, from: any, to: access_edge }"
	} >"$out"
}

@test "--version prints the version of the VERSION file, as text and JSON" {
	run "$EDGEXDP" --version
	[ "$status" -eq 0 ]
	[ "$output" = "edgexdp $(cat "$REPO/VERSION")" ]
	run "$EDGEXDP" -j --version
	[ "$status" -eq 0 ]
	[ "$(jq -r .version <<<"$output")" = "$(cat "$REPO/VERSION")" ]
}

@test "help help is the general help, not an unknown command" {
	run "$EDGEXDP" help help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: edgexdp [OPTIONS] COMMAND"* ]]
}

@test "-j makes every failure one JSON error, with the documented exit status" {
	run "$EDGEXDP" -j frobnicate
	[ "$status" -eq 2 ]
	[[ "$(jq -r .error <<<"$output")" == "unknown command 'frobnicate'"* ]]
	run gw -j stats
	[ "$status" -eq 1 ]
	[[ "$(jq -r .error <<<"$output")" == "not loaded"* ]]
	run gw -j unload
	[ "$status" -eq 1 ]
	[[ "$(jq -r .error <<<"$output")" == "not loaded"* ]]
	bad="$BATS_TEST_TMPDIR/bad.yaml"
	sed 's/access_edge: \[203.0.113.10\]/access_edge: [203.0.113.300]/' "$CFG" > "$bad"
	run "$EDGEXDP" -j check -c "$bad"
	[ "$status" -eq 1 ]
	[[ "$(jq -r .error <<<"$output")" == "$bad:8:"*"203.0.113.300"* ]]
	run "$EDGEXDP" check -j -c "$bad"
	[ "$status" -eq 1 ]
	jq -e .error <<<"$output"
	# without -j the same error is text on stderr, not JSON
	run "$EDGEXDP" check -c "$bad"
	[ "$status" -eq 1 ]
	[[ "$output" == "edgexdp: $bad:8:"* ]]
}

@test "one rule is 'loaded 1 rule', and status shows the version" {
	cfg="$BATS_TEST_TMPDIR/one.yaml"
	one_rule "$cfg" veth-ext
	run gw load -c "$cfg"
	[ "$status" -eq 0 ]
	[[ "$output" == *"loaded 1 rule from $cfg"* ]]
	run gw status
	[[ "$output" == *"version:   edgexdp $(cat "$REPO/VERSION")"* ]]
	text_dir=$(sed -n 's/^  state: *//p' <<<"$output")
	run gw -j status
	[ "$(jq -r .version <<<"$output")" = "$(cat "$REPO/VERSION")" ]
	# the state directory reads the same in text and JSON
	[ "$(jq -r .state_dir <<<"$output")" = "$text_dir" ]
	[ "$text_dir" = "$EDGEXDP_BPFFS/edgexdp" ]
}

@test "IPv6 endpoints are written with brackets" {
	ip -n "$GW" addr add 2001:db8:a::10/64 dev veth-ext nodad
	run env SSH_CONNECTION="2001:db8:a::99 40022 2001:db8:a::10 22" \
		ip netns exec "$GW" "$EDGEXDP" load -c "$CFG"
	ip -n "$GW" addr del 2001:db8:a::10/64 dev veth-ext
	[ "$status" -eq 1 ]
	[[ "$output" == *"(2001:db8:a::99 -> [2001:db8:a::10]:22, tcp)"* ]]
}

@test "warnings: loopback, a NIC that is down, no rules, a zone without NIC" {
	cfg="$BATS_TEST_TMPDIR/w.yaml"
	one_rule "$cfg" lo veth-ext
	ip -n "$GW" link set veth-ext down
	run gw check -c "$cfg"
	ip -n "$GW" link set veth-ext up
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: $cfg:2:"*"interface 'lo' is the loopback"* ]]
	[[ "$output" == *"warning: $cfg:3:"*"interface 'veth-ext' is down"* ]]
	# up again: no warning for it
	run gw check -c "$cfg"
	[[ "$output" != *"is down"* ]]

	sed -i '/^rules:/,$d' "$cfg"
	run "$EDGEXDP" check -c "$cfg"
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: $cfg: no rules"*"every new flow is dropped"* ]]

	# the whole profile on an external NIC only: the internal rules are idle
	sed '/name: veth-int/d' "$CFG" > "$cfg"
	run "$EDGEXDP" check -c "$cfg"
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: $cfg: "*" rules are for zone internal"*"no interface is in that zone"* ]]
	[[ "$output" != *"zone external"* ]]
	# the full config warns about nothing
	run gw check -c "$CFG"
	[[ "$output" != *"warning"* ]]
}

@test "stats -j -i is JSON Lines, each with a timestamp and rates everywhere" {
	run gw load -c "$CFG"
	[ "$status" -eq 0 ]
	in_ns "$PEER" timeout 5 ping -c 20 -i 0.1 -W 0.1 203.0.113.10 >/dev/null 2>&1 &
	pinger=$!
	run timeout 20 ip netns exec "$GW" "$EDGEXDP" stats -j -i 1 -n 2
	wait "$pinger" || true
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -eq 2 ]
	while IFS= read -r line; do
		jq -e . <<<"$line" >/dev/null
		[[ "$(jq -r .timestamp <<<"$line")" =~ ^20[0-9-]{8}T[0-9:]{8}\.[0-9]{3}Z$ ]]
		jq -e '.drop_pps.icmp != null and .pass_pps.flow != null' <<<"$line"
		jq -e '.interfaces[] | select(.name == "veth-ext") | .rx_pps != null and .drop_pps != null' <<<"$line"
	done <<<"$output"
	# pings were dropped during at least one interval
	[ "$(jq -s '[.[].drop_pps.icmp] | max' <<<"$output")" != 0 ]
	# a single sample is one pretty object, with a timestamp, no rates
	run gw stats -j
	jq -e '.timestamp and (.drop_pps == null)' <<<"$output"
}
