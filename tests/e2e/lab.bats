#!/usr/bin/env bats
# End to end: the Lync Server 2013 consolidated edge behind NAT, in network
# namespaces (tools/lab/), with edgexdp on the gateway's four NICs. Every
# documented flow must pass with its reply, every attack must be dropped and
# counted for the right reason. The tests run in order and build on each
# other: the lab is built once, the filter is loaded by the second test.
# shellcheck disable=SC2119,SC2143
# (SC2119: the lab_phase* functions take optional row ids; SC2143: a
# "[ -z $(... | grep) ]" fails a bats test where "! grep" would not.)

load ../helpers

. "$REPO/tools/lab/common.sh"
. "$REPO/tools/lab/topology.sh"
. "$REPO/tools/lab/services.sh"
. "$REPO/tools/lab/flows.sh"
. "$REPO/tools/lab/turn.sh"

setup_file() {
	# A run killed before its teardown leaves a lab: it is ours to remove.
	lab_down >/dev/null 2>&1
	lab_up
}

teardown_file() {
	lab_down
}

# The filter, loaded from CONFIG (default: the lab's), whatever is loaded.
reload() {
	lab_edgexdp unload >/dev/null 2>&1 || true
	lab_edgexdp load -c "${1:-$LAB_CONFIG}"
}

ensure_loaded() {
	lab_edgexdp status >/dev/null 2>&1 || lab_edgexdp load -c "$LAB_CONFIG"
}

# flow_result ID: "ok SEEN" or "fail WHY" of one FLOWS row, probed now.
flow_result() {
	local proto client src dst port
	IFS='|' read -r _ _ _ proto client src dst port _ <<<"$(lab_rows "$FLOWS" "$1")"
	lab_probe "$client" "$proto" "$src" "$dst" "$port" "t-$1-$RANDOM"
}

@test "the lab sends a flow for every seed row of the document" {
	local table row
	seeds=$(cut -d'|' -f3 <<<"$FLOWS" | tr ' ' '\n' | sort -u)
	while IFS=, read -r table row _; do
		[ "$table" = table ] && continue
		grep -qx "$table:$row" <<<"$seeds" || { echo "no flow for $table:$row"; return 1; }
	done <"$CSV"
	# and one for every rule of the profile
	profile_rules=$(sed -n 's/^	{ *"\([a-z0-9-]*\)", CFG_FEATURE_.*/\1/p' "$REPO/user/lib/profile.c")
	[ "$(wc -l <<<"$profile_rules")" -ge 30 ]
	for rule in $profile_rules; do
		cut -d'|' -f2 <<<"$FLOWS" | grep -qx "$rule" || { echo "no flow for rule $rule"; return 1; }
	done
}

@test "without the filter every flow and attack connects, every spoof arrives" {
	[ -z "$(xdp_prog_id "$NS_GW" "$GW_INET")" ]
	# shellcheck disable=SC2046
	lab_phase1 || {
		lab_report "phase 1, no filter" $(lab_ids "$FLOWS") \
			$(lab_ids "$ATTACKS") $(lab_ids "$SPOOFS")
		return 1
	}
}

@test "with edgexdp every documented flow connects and its reply returns" {
	run lab_edgexdp load -c "$LAB_CONFIG"
	echo "$output"
	[ "$status" -eq 0 ]
	for nic in "$GW_INET" "$GW_DMZ" "$GW_EDGEINT" "$GW_CORP"; do
		[ -n "$(xdp_prog_id "$NS_GW" "$nic")" ]
	done
	# shellcheck disable=SC2046
	lab_phase2_flows || {
		lab_report "documented flows, edgexdp loaded" $(lab_ids "$FLOWS")
		return 1
	}
}

@test "every attack is blocked, every spoofed reply dropped, listeners hear nothing" {
	ensure_loaded
	rc=0
	lab_phase2_attacks || rc=1
	lab_phase2_spoofs || rc=1
	# shellcheck disable=SC2046
	[ "$rc" = 0 ] || {
		lab_report "attacks, edgexdp loaded" $(lab_ids "$ATTACKS") $(lab_ids "$SPOOFS")
		return 1
	}
}

@test "stats: flows on the rules that carried them, drops by reason, every NIC" {
	json=$(lab_edgexdp -j stats)
	lab_check_rule_flows "$json"
	# each reason at least as often as the attacks above caused it
	while read -r n reason; do
		got=$(jq --arg r "$reason" '.drops[$r] | if type == "object" then .packets else . end // 0' <<<"$json")
		echo "drops.$reason: $got (attacks expecting it: $n)"
		[ "$got" -ge "$n" ]
	done < <({ cut -d'|' -f8 <<<"$ATTACKS"; cut -d'|' -f6 <<<"$SPOOFS"; } | sort | uniq -c)
	for nic in "$GW_INET" "$GW_DMZ" "$GW_EDGEINT" "$GW_CORP"; do
		jq -e --arg n "$nic" '.interfaces[] | select(.name == $n) |
			.rx_packets > 0 and .pass_packets > 0' <<<"$json"
	done
	# the attacks were dropped where they came in
	jq -e '.interfaces[] | select(.name == "gw-inet") | .drop_packets > 0' <<<"$json"
	jq -e '.interfaces[] | select(.name == "gw-corp") | .drop_packets > 0' <<<"$json"
}

# The issue-9 attack: from the Internet, a DNS query forged with the edge's
# own address matches access_edge -> any udp/53; had it opened a flow, the
# attacker's "reply" would reach the edge's UDP listener on a port no rule
# opens (SPOOF_PORT). IPv6, which the gateway's kernel does not rp_filter:
# only edgexdp stands in the way.
SPOOFED_DNS=2001:db8:45::99 # the "resolver": routed from inet through gw

spoofed_query_then_reply() {
	lab_in inet "$LAB_PY" "$LAB_NET" spoof udp "$EDGE6_ACCESS" "$SPOOF_PORT" \
		"$SPOOFED_DNS" 53 --count 1
	lab_in inet "$LAB_PY" "$LAB_NET" spoof udp "$SPOOFED_DNS" 53 \
		"$EDGE6_ACCESS" "$SPOOF_PORT" --count 3
	sleep 0.2
}

# Datagrams the edge's listener took from the forged resolver.
spoofed_reply_heard() {
	grep -c "^udp $EDGE6_ACCESS $SPOOF_PORT $SPOOFED_DNS 53 " \
		"$LAB_STATE/edge.log" 2>/dev/null || true
}

# heard_at_least N0 N: the listener logged N more than N0, within 5 s.
heard_at_least() {
	for _ in $(seq 50); do
		[ "$(($(spoofed_reply_heard) - $1))" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

@test "a query forged with the edge's address opens no flow: its reply is never heard" {
	cfg=$BATS_TEST_TMPDIR/no-source-check.yaml
	sed -e 's/{ name: gw-inet, zone: external, internet: true }/{ name: gw-inet, zone: external, source_check: off }/' \
		"$LAB_CONFIG" >"$cfg"
	grep -q 'source_check: off' "$cfg"
	# The control: without source validation the attack works.
	reload "$cfg"
	n0=$(spoofed_reply_heard)
	spoofed_query_then_reply
	heard_at_least "$n0" 3 || true
	echo "no check: heard $(($(spoofed_reply_heard) - n0))"
	[ "$(($(spoofed_reply_heard) - n0))" -ge 3 ]

	# strict alone (the default): the route back leaves through gw-dmz
	sed -i 's/, source_check: off }/ }/' "$cfg"
	reload "$cfg"
	before=$(lab_drops)
	n0=$(spoofed_reply_heard)
	spoofed_query_then_reply
	delta=$(lab_drops_delta "$before" "$(lab_drops)")
	echo "strict: heard $(($(spoofed_reply_heard) - n0)), drops: $delta"
	[ "$(($(spoofed_reply_heard) - n0))" -eq 0 ]
	[ "$(lab_delta_of "$delta" spoofed_source)" -ge 1 ]
	[ "$(lab_delta_of "$delta" no_flow)" -ge 3 ]

	# the lab's config: gw-inet faces the Internet, and strict
	reload
	before=$(lab_drops)
	n0=$(spoofed_reply_heard)
	spoofed_query_then_reply
	delta=$(lab_drops_delta "$before" "$(lab_drops)")
	echo "internet: heard $(($(spoofed_reply_heard) - n0)), drops: $delta"
	[ "$(($(spoofed_reply_heard) - n0))" -eq 0 ]
	[ "$(lab_delta_of "$delta" spoofed_source)" -ge 1 ]
	# and a documented flow from the Internet still connects
	read -r res _ < <(flow_result F06)
	[ "$res" = ok ]
}

# The A/V edge's media, sent out of its external NIC towards the corporate
# network: "any" in external 9 and 10 is the Internet, not what lies behind
# the gateway's internal NICs.
@test "the A/V edge's media rules do not reach the internal network from the DMZ" {
	ensure_loaded
	lab_in edge ip route add "$CORP_FE/32" via 10.45.16.1 dev ext0
	before=$(lab_drops)
	read -r res why < <(lab_probe edge udp "$EDGE_AV" "$CORP_FE" '55000>9999' "t-xz-$RANDOM")
	read -r res_tcp why_tcp < <(lab_probe edge tcp "$EDGE_AV" "$CORP_FE" '55001>9999' "t-xz-$RANDOM")
	delta=$(lab_drops_delta "$before" "$(lab_drops)")
	lab_in edge ip route del "$CORP_FE/32" via 10.45.16.1 dev ext0
	echo "udp: $res $why; tcp: $res_tcp $why_tcp; drops: $delta"
	[ "$res" = fail ]
	[ "$res_tcp" = fail ]
	[ "$(lab_delta_of "$delta" wrong_zone)" -ge 2 ]
	# and the same media to the Internet still opens (external 9)
	read -r res _ < <(lab_probe edge udp "$EDGE_AV" "$INET_USER" '55002>9999' "t-xz-$RANDOM")
	[ "$res" = ok ]
}

# The same media towards the gateway's own DMZ address: "any" is the far side
# of the gateway, not the gateway, where SSH or anything else may listen.
@test "the A/V edge's media rules do not reach the gateway itself" {
	ensure_loaded
	local ready="$BATS_TEST_TMPDIR/gw.ready" log="$BATS_TEST_TMPDIR/gw.log"
	lab_in gw "$LAB_PY" "$LAB_NET" serve --log "$log" --addrs 10.45.16.1 \
		--ports 9999 --ready "$ready" </dev/null >/dev/null 2>&1 3>&- &
	for ((i = 0; i < 100; i++)); do
		[ -s "$ready" ] && break
		sleep 0.05
	done
	# the listener answers on the gateway itself, where XDP is not
	read -r res _ < <(lab_probe gw udp 10.45.16.1 10.45.16.1 '9999' "t-gw-$RANDOM")
	local self=$res
	before=$(lab_drops)
	read -r res why < <(lab_probe edge udp "$EDGE_AV" 10.45.16.1 '55003>9999' "t-gw-$RANDOM")
	read -r res_tcp why_tcp < <(lab_probe edge tcp "$EDGE_AV" 10.45.16.1 '55004>9999' "t-gw-$RANDOM")
	delta=$(lab_drops_delta "$before" "$(lab_drops)")
	kill "$(cat "$ready")"
	echo "self: $self; udp: $res $why; tcp: $res_tcp $why_tcp; drops: $delta"
	[ "$self" = ok ]
	[ "$res" = fail ]
	[ "$res_tcp" = fail ]
	[ "$(lab_delta_of "$delta" wrong_zone)" -ge 2 ]
}

@test "a feature turned off closes its ports after unload and load" {
	noxmpp="$BATS_TEST_TMPDIR/no-xmpp.yaml"
	sed -e 's/^features: .*/features: [federation, ocs2007_federation, public_im, centralized_logging]/' \
		"$LAB_CONFIG" >"$noxmpp"
	[ "$(grep -c xmpp "$noxmpp")" -eq 0 ]
	reload "$noxmpp"
	json=$(lab_edgexdp -j stats)
	[ "$(jq '[.rules[] | select(.name | test("xmpp"))] | length' <<<"$json")" -eq 0 ]
	before=$(lab_drops)
	# F01: Internet -> edge 5269, F41: edge -> Internet 5269, F25: FE -> 23456
	for id in F01 F41 F25; do
		read -r res _ < <(flow_result "$id")
		echo "$id: $res"
		[ "$res" = fail ]
	done
	delta=$(lab_drops_delta "$before" "$(lab_drops)")
	echo "drops: $delta"
	[ "$(lab_delta_of "$delta" no_rule_port)" -ge 3 ]
	# what stays on still works
	read -r res _ < <(flow_result F06)
	[ "$res" = ok ]
	read -r res _ < <(flow_result F26)
	[ "$res" = ok ]
	# and back on again
	reload
	read -r res _ < <(flow_result F01)
	[ "$res" = ok ]
}

# A long TCP connection from the Internet to the access edge, driven line by
# line through two fifos (fds 7 and 8; bats owns 3).
hold_open() {
	HOLD_DIR=$BATS_TEST_TMPDIR/hold-$1
	mkdir -p "$HOLD_DIR"
	mkfifo "$HOLD_DIR/in" "$HOLD_DIR/out"
	lab_in inet "$LAB_PY" "$LAB_NET" hold "$INET_USER" "$PUB_ACCESS" 443 \
		--timeout 1.5 <"$HOLD_DIR/in" >"$HOLD_DIR/out" 2>&1 3>&- &
	HOLD_PID=$!
	exec 7>"$HOLD_DIR/in" 8<"$HOLD_DIR/out"
	read -r -t 5 line <&8
	echo "hold: $line"
	[[ $line == connected* ]]
}

hold_say() {
	local line
	echo "$1" >&7
	read -r -t 5 line <&8 || line="fail no_answer"
	echo "$line"
}

hold_close() {
	exec 7>&-
	wait "$HOLD_PID" 2>/dev/null
	exec 8<&-
}

@test "a connection survives unload --keep-state, load and other invocations" {
	reload
	hold_open kept
	[ "$(hold_say one)" = ok ]
	for cmd in status stats "-j status" "-j stats"; do
		# shellcheck disable=SC2086
		lab_edgexdp $cmd >/dev/null
		[ "$(hold_say "after-${cmd// /}")" = ok ]
	done
	ts0=$(lab_drops | jq '.tcp_state // 0')
	run lab_edgexdp unload --keep-state
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(xdp_prog_id "$NS_GW" "$GW_INET")" ]
	run lab_edgexdp load -c "$LAB_CONFIG"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(hold_say after-reload)" = ok ]
	[ "$(hold_say again)" = ok ]
	# not one of its segments was taken for a stray ACK
	[ "$(lab_drops | jq '.tcp_state // 0')" -eq "$ts0" ]
	hold_close

	# The control: a plain unload forgets the flow, and the same kind of
	# connection is cut after the next load (its ACKs have no flow).
	hold_open forgotten
	[ "$(hold_say one)" = ok ]
	lab_edgexdp unload >/dev/null
	lab_edgexdp load -c "$LAB_CONFIG" >/dev/null
	ts0=$(lab_drops | jq '.tcp_state // 0')
	[ "$(hold_say after-reload)" != ok ]
	[ "$(lab_drops | jq '.tcp_state // 0')" -gt "$ts0" ]
	hold_close
}

# turn_run udp|tls: one turnutils_uclient run; sets SENT RECV LOST PCT.
turn_run() {
	local summary
	summary=$(lab_turn_client "$1")
	echo "turnutils_uclient over $1: $summary"
	read -r _ SENT _ RECV _ LOST PCT <<<"$summary"
}

# relays_ok TRANSPORT: uclient got relayed addresses, all on the A/V edge's
# public address and in its relay range.
relays_ok() {
	local relays relay port
	relays=$(lab_turn_relays "$TURN_DIR/uclient-$1.log")
	echo "relayed addresses: $(tr '\n' ' ' <<<"$relays")"
	[ -n "$relays" ] || return 1
	for relay in $relays; do
		port=${relay##*:}
		[ "${relay%:*}" = "$PUB_AV" ] || return 1
		[ "$port" -ge "$TURN_RELAY_LO" ] && [ "$port" -le "$TURN_RELAY_HI" ] || return 1
	done
}

# media_drops DELTA: a lab_drops_delta without tcp_state, which is no
# relay's UDP: an earlier test's connection, cut on purpose, goes on
# retransmitting for a minute or two, and each segment drops as tcp_state.
media_drops() {
	sed -E 's/(^|, )tcp_state \+[0-9]+//; s/^, //' <<<"$1"
}

# flows_of JSON RULE: the flows a rule opened so far.
flows_of() {
	jq --arg r "$2" '[.rules[] | select(.name == $r) | .flows] | add // 0' <<<"$1"
}

@test "coturn on the A/V edge relays media to a peer's ordinary port, over udp/3478 and tcp/443" {
	reload
	lab_turn_up
	before=$(lab_edgexdp -j stats)
	for transport in udp tls; do
		drops0=$(lab_drops)
		turn_run "$transport"
		drops=$(lab_drops_delta "$drops0" "$(lab_drops)")
		echo "edgexdp drops meanwhile: ${drops:-none}"
		relays_ok "$transport"
		# the messages came back through the relay, and uclient reports
		# the loss; on this shared machine a late echo can count as lost,
		# but none may be the filter's doing
		[ "$SENT" -ge "$TURN_MSGS" ]
		[ "$RECV" -gt 0 ]
		[ "$LOST" -eq $((SENT - RECV)) ]
		[ "$RECV" -eq "$SENT" ] || [ -z "$(media_drops "$drops")" ]
	done
	after=$(lab_edgexdp -j stats)
	# the allocations (external 14, 15) and the relay's media, from its
	# ports 50000-59999 to the peer's 40004 (external 10)
	for rule in ext-stun-udp-in ext-stun-tcp-in ext-rtp-udp-out; do
		echo "$rule: $(flows_of "$before" "$rule") -> $(flows_of "$after" "$rule") flows"
		[ "$(flows_of "$after" "$rule")" -gt "$(flows_of "$before" "$rule")" ]
	done
}

@test "without ocs2007_federation (external 10-12) the relay still allocates, its media to the peer is cut" {
	noocs="$BATS_TEST_TMPDIR/no-ocs2007.yaml"
	sed -e 's/^features: .*/features: [federation, public_im, xmpp, centralized_logging]/' \
		"$LAB_CONFIG" >"$noocs"
	reload "$noocs"
	[ -n "$(lab_pids_named edge turnserver)" ] || lab_turn_up
	before=$(lab_drops)
	turn_run udp
	delta=$(lab_drops_delta "$before" "$(lab_drops)")
	echo "drops: $delta"
	# the allocation over udp/3478 (external 14, core) succeeded ...
	relays_ok udp
	# ... and nothing came back from the peer: the relay's datagrams, from
	# 50000-59999 to the peer's ordinary port, are no rule's any more
	[ "$SENT" -ge "$TURN_MSGS" ]
	[ "$RECV" -eq 0 ]
	[ "$(lab_delta_of "$delta" no_rule_port)" -ge "$TURN_MSGS" ]
	# the same over TLS on tcp/443 (external 15): the relay leg is UDP
	turn_run tls
	relays_ok tls
	[ "$RECV" -eq 0 ]
	# every feature on again: the media flows again (a late echo may
	# count as lost, as above, but none may be the filter's doing)
	reload
	before=$(lab_drops)
	turn_run udp
	delta=$(lab_drops_delta "$before" "$(lab_drops)")
	echo "drops: ${delta:-none}"
	[ "$RECV" -gt 0 ]
	[ "$RECV" -eq "$SENT" ] || [ -z "$(media_drops "$delta")" ]
	lab_turn_down
}

@test "after teardown nothing of the lab is left" {
	lab_down
	[ -z "$(ip netns list | grep "^$LAB_PREFIX")" ]
	[ -z "$(mount | grep " $LAB_BPFFS ")" ]
	[ ! -e "$LAB_STATE" ]
	[ -z "$(grep -l "$LAB_NET" /proc/[0-9]*/cmdline 2>/dev/null)" ]
	# the gateway's NICs (and their XDP programs) went with its namespace
	[ -z "$(ip -o link show | grep -E 'gw-(inet|dmz|edgeint|corp)')" ]
}
