#!/usr/bin/env bats
# edgexdp export nftables: the ruleset it prints is valid nftables (checked
# by nft itself, in a throwaway namespace) and carries every rule.

load ../helpers

EXAMPLE="$REPO/examples/edgexdp.example.yaml"
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

@test "export nftables reads the A/V edge's outbound media as source ports" {
	run "$EDGEXDP" export nftables -c "$EXAMPLE"
	[ "$status" -eq 0 ]
	# external 9, 10 and public IM 4: from the relay's ports to any port
	assert "grep -q 'udp sport 50000-59999 ip saddr @av_edge_v4 accept comment \"ext-rtp-udp-out: ' <<<\"\$output\"" "ext-rtp-udp-out not on source ports"
	assert "grep -q 'tcp sport 50000-59999 tcp flags .* accept comment \"ext-rtp-tcp-out: ' <<<\"\$output\"" "ext-rtp-tcp-out not on source ports"
	assert "grep -q 'tcp sport 50000-59999 .* comment \"pim-rtp-tcp-out: ' <<<\"\$output\"" "pim-rtp-tcp-out not on source ports"
	# inbound (external 11, 12) stays a destination port on the edge
	assert "grep -q 'udp dport 50000-59999 ip daddr @av_edge_v4 accept comment \"ext-rtp-udp-in: ' <<<\"\$output\"" "ext-rtp-udp-in not on destination ports"
	# no rule reads the range as a destination port from the edge
	assert "! grep -q 'dport 50000-59999 .*saddr @av_edge' <<<\"\$output\"" "an outbound rule on destination ports"
	# the junk filter lets a named source port through
	assert "grep -q 'udp dport != @external_udp_ports udp sport != @external_udp_sports drop' <<<\"\$output\"" "junk filter ignores source ports"
	assert "grep -q 'tcp dport != @internal_tcp_ports drop' <<<\"\$output\"" "internal junk filter changed"
	# and nft takes it, loaded for real
	"$EDGEXDP" export nftables -c "$EXAMPLE" >"$BATS_TEST_TMPDIR/ex.nft"
	run ip netns exec "$NS" nft -f "$BATS_TEST_TMPDIR/ex.nft"
	[ "$status" -eq 0 ]
	run ip netns exec "$NS" nft list set inet edgexdp external_udp_sports
	[ "$status" -eq 0 ]
	[[ "$output" == *"50000-59999"* ]]
	run ip netns exec "$NS" nft list chain inet edgexdp zone_external
	[[ "$output" == *"udp sport 50000-59999"* ]]
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
