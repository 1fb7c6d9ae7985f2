#!/usr/bin/env bats
# edgexdp export nftables: the ruleset it prints is valid nftables (checked
# by nft itself, in a throwaway namespace) and carries every rule.

load ../helpers

EXAMPLE="$REPO/tools/edgexdp.example.yaml"
LAB="$REPO/tools/lab/edgexdp-lab.yaml"

setup_file() {
	export NS="exdp-export-$$"
	ip netns add "$NS"
}

teardown_file() {
	ip netns del "$NS" 2>/dev/null
	return 0
}

# The rule names `check -j` lists for a config.
rule_names() {
	"$EDGEXDP" check -j -c "$1" | jq -r '.rules[].name'
}

@test "export nftables of the example config passes nft -c" {
	run bash -c "'$EDGEXDP' export nftables -c '$EXAMPLE' | ip netns exec '$NS' nft -c -f -"
	[ "$status" -eq 0 ]
}

@test "export nftables names every rule of the example config" {
	run "$EDGEXDP" export nftables -c "$EXAMPLE"
	[ "$status" -eq 0 ]
	[[ "$output" == *"table inet edgexdp {"* ]]
	[[ "$output" == *"ct state established,related accept"* ]]
	[[ "$output" == *"policy drop;"* ]]
	local names n=0
	names=$(rule_names "$EXAMPLE")
	[ -n "$names" ]
	for name in $names; do
		assert "grep -q 'comment \"$name: ' <<<\"\$output\"" "rule $name missing"
		n=$((n + 1))
	done
	[ "$n" -gt 20 ]
}

@test "export nftables of the lab config (IPv6, NAT) passes nft -c" {
	run bash -c "'$EDGEXDP' export nftables -c '$LAB' | ip netns exec '$NS' nft -c -f -"
	[ "$status" -eq 0 ]
	run "$EDGEXDP" export nftables -c "$LAB"
	# a NAT pair's private address is in the set beside the public one
	[[ "$output" == *"10.45.16.10, 203.0.113.10"* ]]
	[[ "$output" == *"set access_edge_v6"* ]]
	for name in $(rule_names "$LAB"); do
		assert "grep -q 'comment \"$name: ' <<<\"\$output\"" "rule $name missing"
	done
}

@test "export loads for real and is replaced atomically on a second load" {
	"$EDGEXDP" export nftables -c "$EXAMPLE" >"$BATS_TEST_TMPDIR/ex.nft"
	run ip netns exec "$NS" nft -f "$BATS_TEST_TMPDIR/ex.nft"
	[ "$status" -eq 0 ]
	run ip netns exec "$NS" nft -f "$BATS_TEST_TMPDIR/ex.nft"
	[ "$status" -eq 0 ]
	run ip netns exec "$NS" nft list chain inet edgexdp zone_external
	[ "$status" -eq 0 ]
	[[ "$output" == *"ext-sip-tls-in"* ]]
}

@test "export needs a known format and has help" {
	run "$EDGEXDP" export -c "$EXAMPLE"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no format given"* ]]
	run "$EDGEXDP" export pf -c "$EXAMPLE"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown format 'pf'"* ]]
	run "$EDGEXDP" help export
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: edgexdp export nftables"* ]]
	run "$EDGEXDP" export -c /nonexistent.yaml nftables
	[ "$status" -eq 1 ]
}
