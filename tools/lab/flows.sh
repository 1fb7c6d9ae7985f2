# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What the lab sends, and how it judges the answers.
#
# FLOWS: one client->server flow per profile rule (user/lib/profile.c),
# so every seed row of tests/data/lync2013-edge-ports.csv, in the rule's
# direction; IPv4 through the NAT, a few over IPv6. Fields:
#   id|rule|seed rows|proto|client side|source|destination|port|
#   address the server must see|rule whose counters carry it
# A port of the form SPORT>PORT sends from source port SPORT: the A/V
# edge's outbound media (external 9, 10; public IM 4) leaves from its relay
# ports 50000-59999 to a remote party's ordinary port (8080, 40000). A TCP
# source port is one the edge's listeners (LAB_PORTS) leave free.
# The last field differs from the rule where an earlier profile rule
# already allows the very same packets (first rule wins): the public IM
# rows repeat federation rows whose "any" side covers the partner too.
FLOWS="\
F01|ext-xmpp-in|external:1 xmpp:1|tcp|inet|$INET_XMPP|$PUB_ACCESS|5269|$INET_XMPP|ext-xmpp-in
F02|ext-xmpp-in|external:1 xmpp:1|tcp|inet|$INET6_XMPP|$EDGE6_ACCESS|5269|$INET6_XMPP|ext-xmpp-in
F03|ext-http-crl-out|external:2|tcp|edge|$EDGE_ACCESS|$INET_SRV|80|$PUB_ACCESS|ext-http-crl-out
F04|ext-dns-tcp-out|external:3|tcp|edge|$EDGE_ACCESS|$INET_SRV|53|$PUB_ACCESS|ext-dns-tcp-out
F05|ext-dns-udp-out|external:4|udp|edge|$EDGE_ACCESS|$INET_SRV|53|$PUB_ACCESS|ext-dns-udp-out
F06|ext-sip-tls-in|external:5 public_im:3|tcp|inet|$INET_USER|$PUB_ACCESS|443|$INET_USER|ext-sip-tls-in
F07|ext-sip-tls-in|external:5 public_im:3|tcp|inet|$INET6_USER|$EDGE6_ACCESS|443|$INET6_USER|ext-sip-tls-in
F08|ext-sip-mtls-in|external:6|tcp|inet|$INET_FED|$PUB_ACCESS|5061|$INET_FED|ext-sip-mtls-in
F09|ext-sip-mtls-out|external:7 federation:1|tcp|edge|$EDGE_ACCESS|$INET_FED|5061|$PUB_ACCESS|ext-sip-mtls-out
F10|ext-sip-mtls-out|external:7 federation:1|tcp|edge|$EDGE6_ACCESS|$INET6_FED|5061|$EDGE6_ACCESS|ext-sip-mtls-out
F11|ext-psom-tls-in|external:8|tcp|inet|$INET_USER|$PUB_WEBCONF|443|$INET_USER|ext-psom-tls-in
F12|ext-psom-tls-in|external:8|tcp|inet|$INET6_USER|$EDGE6_WEBCONF|443|$INET6_USER|ext-psom-tls-in
F13|ext-rtp-tcp-out|external:9|tcp|edge|$EDGE_AV|$INET_FED|50100>8080|$PUB_AV|ext-rtp-tcp-out
F14|ext-rtp-tcp-out|external:9|tcp|edge|$EDGE_AV|$INET_FED|59998>8080|$PUB_AV|ext-rtp-tcp-out
F15|ext-rtp-udp-out|external:10|udp|edge|$EDGE_AV|$INET_FED|55000>40000|$PUB_AV|ext-rtp-udp-out
F16|ext-rtp-tcp-in|external:11|tcp|inet|$INET_FED|$PUB_AV|50000|$INET_FED|ext-rtp-tcp-in
F17|ext-rtp-tcp-in|external:11|tcp|inet|$INET_FED|$PUB_AV|59999|$INET_FED|ext-rtp-tcp-in
F18|ext-rtp-udp-in|external:12|udp|inet|$INET_FED|$PUB_AV|55000|$INET_FED|ext-rtp-udp-in
F19|ext-rtp-udp-in|external:12|udp|inet|$INET6_FED|$EDGE6_AV|59999|$INET6_FED|ext-rtp-udp-in
F20|ext-stun-udp-out|external:13|udp|edge|$EDGE_AV|$INET_FED|3478|$PUB_AV|ext-stun-udp-out
F21|ext-stun-udp-in|external:14|udp|inet|$INET_USER|$PUB_AV|3478|$INET_USER|ext-stun-udp-in
F22|ext-stun-udp-in|external:14|udp|inet|$INET6_USER|$EDGE6_AV|3478|$INET6_USER|ext-stun-udp-in
F23|ext-stun-tcp-in|external:15|tcp|inet|$INET_USER|$PUB_AV|443|$INET_USER|ext-stun-tcp-in
F24|ext-stun-tcp-out|external:16|tcp|edge|$EDGE_AV|$INET_FED|443|$PUB_AV|ext-stun-tcp-out
F25|int-xmpp-gw-in|internal:1 xmpp:3|tcp|corp|$CORP_FE|$EDGE_INT|23456|$CORP_FE|int-xmpp-gw-in
F26|int-sip-mtls-in|internal:2|tcp|corp|$CORP_FE|$EDGE_INT|5061|$CORP_FE|int-sip-mtls-in
F27|int-sip-mtls-out|internal:3|tcp|edge|$EDGE_INT|$CORP_FE|5061|$EDGE_INT|int-sip-mtls-out
F28|int-psom-mtls-in|internal:4|tcp|corp|$CORP_FE|$EDGE_INT|8057|$CORP_FE|int-psom-mtls-in
F29|int-av-auth-in|internal:5|tcp|corp|$CORP_FE|$EDGE_INT|5062|$CORP_FE|int-av-auth-in
F30|int-stun-udp-in|internal:6|udp|corp|$CORP_FE|$EDGE_INT|3478|$CORP_FE|int-stun-udp-in
F31|int-stun-tcp-in|internal:7|tcp|corp|$CORP_FE|$EDGE_INT|443|$CORP_FE|int-stun-tcp-in
F32|int-cms-https-in|internal:8|tcp|corp|$CORP_FE|$EDGE_INT|4443|$CORP_FE|int-cms-https-in
F33|int-cls-mtls-in|internal:9|tcp|corp|$CORP_FE|$EDGE_INT|50001|$CORP_FE|int-cls-mtls-in
F34|int-cls-mtls-in|internal:10|tcp|corp|$CORP_FE|$EDGE_INT|50002|$CORP_FE|int-cls-mtls-in
F35|int-cls-mtls-in|internal:11|tcp|corp|$CORP_FE|$EDGE_INT|50003|$CORP_FE|int-cls-mtls-in
F36|pim-sip-mtls-in|public_im:1|tcp|inet|$INET_PIM|$PUB_ACCESS|5061|$INET_PIM|ext-sip-mtls-in
F37|pim-sip-mtls-out|public_im:2|tcp|edge|$EDGE_ACCESS|$INET_PIM|5061|$PUB_ACCESS|ext-sip-mtls-out
F38|pim-rtp-tcp-out|public_im:4|tcp|edge|$EDGE_AV|$INET_PIM|55100>40000|$PUB_AV|ext-rtp-tcp-out
F39|pim-stun-udp-out|public_im:5|udp|edge|$EDGE_AV|$INET_PIM|3478|$PUB_AV|ext-stun-udp-out
F40|pim-stun-udp-in|public_im:6|udp|inet|$INET_PIM|$PUB_AV|3478|$INET_PIM|ext-stun-udp-in
F41|ext-xmpp-out|xmpp:2|tcp|edge|$EDGE_ACCESS|$INET_XMPP|5269|$PUB_ACCESS|ext-xmpp-out"

# ATTACKS: what no rule allows. Each target has a listener, so "blocked"
# is the filter's doing. Fields: id|what|proto|client|source|destination|
# port|drop reason edgexdp must count.
ATTACKS="\
A01|closed port|tcp|inet|$INET_ATT|$PUB_ACCESS|8080|no_rule_port
A02|closed port|udp|inet|$INET_ATT|$PUB_ACCESS|9999|no_rule_port
A03|closed port, IPv6|tcp|inet|$INET6_ATT|$EDGE6_ACCESS|8080|no_rule_port
A04|wrong direction: CRL is edge->Internet|tcp|inet|$INET_ATT|$PUB_ACCESS|80|no_rule_addr
A05|wrong direction: DNS is edge->Internet|udp|inet|$INET_ATT|$PUB_ACCESS|53|no_rule_addr
A06|wrong direction: PSOM is FE->edge|tcp|edge|$EDGE_INT|$CORP_FE|8057|no_rule_addr
A07|wrong address: SIP/MTLS to webconf|tcp|inet|$INET_ATT|$PUB_WEBCONF|5061|no_rule_addr
A08|internal-only port from the Internet|tcp|inet|$INET_ATT|$PUB_ACCESS|8057|no_rule_addr
A09|wrong zone: Internet->edge_internal|tcp|inet|$INET_ATT|$EDGE_INT|443|wrong_zone
A10|wrong zone: Internet->edge_internal|udp|inet|$INET_ATT|$EDGE_INT|3478|wrong_zone
A11|wrong zone: corp->edge external|tcp|corp|$CORP_FE|$EDGE_ACCESS|5269|wrong_zone
A12|wrong zone: corp->edge external|udp|corp|$CORP_FE|$EDGE_AV|3478|wrong_zone
A13|ICMP echo to the edge|icmp|inet|$INET_ATT|$PUB_ACCESS|-|icmp
A14|A/V edge from 49999, below its relay ports|udp|edge|$EDGE_AV|$INET_FED|49999>40000|no_rule_port
A15|A/V edge from 60000, above its relay ports|tcp|edge|$EDGE_AV|$INET_FED|60000>8080|no_rule_port
A16|relay's source range, not the A/V edge|tcp|edge|$EDGE_ACCESS|$INET_FED|55100>8080|no_rule_addr"

# SPOOFS: forged replies from the attacker to an edge port with a listener
# (SPOOF_PORT) where no flow exists. Fields: id|kind|source|source port|
# destination|drop reason. Each sends SPOOF_COUNT packets. The SYN+ACK goes
# over IPv6: the gateway's own conntrack calls an IPv4 SYN+ACK out of the
# blue invalid and does not NAT it, so without the filter it could not
# reach the edge and the phase-1 proof would fail.
SPOOF_COUNT=3
SPOOFS="\
s01|tcp-ack|$INET_ATT|443|$PUB_ACCESS|tcp_state
s02|tcp-synack|$INET6_ATT|5061|$EDGE6_ACCESS|tcp_state
s03|tcp-ack|$INET_ATT|50000|$PUB_AV|tcp_state
s04|udp|$INET_ATT|53|$PUB_ACCESS|no_flow
s05|udp|$INET_ATT|3478|$PUB_AV|no_flow
s06|udp|$INET_ATT|50000|$PUB_AV|no_rule_addr
s07|tcp-ack|$INET6_ATT|443|$EDGE6_ACCESS|tcp_state
s08|udp|$INET6_ATT|3478|$EDGE6_AV|no_flow"

# Seconds a probe waits for its reply. Every row of a table is probed at
# once, dozens of interpreters on two cores: a reply that comes, comes
# well within it; a row that must fail waits it out once per table.
LAB_TIMEOUT=${LAB_TIMEOUT:-2}

# lab_rows TABLE [ID...]: the rows of a table, or only those ids.
lab_rows() {
	local table=$1 id
	shift
	if [ $# -eq 0 ]; then
		printf '%s\n' "$table"
		return
	fi
	for id in "$@"; do
		grep "^$id|" <<<"$table"
	done
}

# lab_endpoint ADDR PORT: 198.51.100.1:80 or [2001:db8::1]:80
lab_endpoint() {
	if [[ $1 == *:* ]]; then
		printf '[%s]:%s' "$1" "$2"
	else
		printf '%s:%s' "$1" "$2"
	fi
}

# lab_probe CLIENT PROTO SRC DST PORT TOKEN: "ok SEEN" or "fail WHY".
# PORT is a destination port, or SPORT>PORT.
lab_probe() {
	local client=$1 proto=$2 src=$3 dst=$4 port=$5 token=$6 sport=0
	if [[ $port == *'>'* ]]; then
		sport=${port%'>'*}
		port=${port#*'>'}
	fi
	if [ "$proto" = icmp ]; then
		if lab_in "$client" ping -q -c 2 -i 0.2 -W "$LAB_TIMEOUT" \
			-I "$src" "$dst" >/dev/null 2>&1; then
			echo "ok $dst"
		else
			echo "fail no_echo_reply"
		fi
		return
	fi
	lab_in "$client" "$LAB_PY" "$LAB_NET" probe "$proto" "$src" "$dst" \
		"$port" "$token" --timeout "$LAB_TIMEOUT" --sport "$sport" 2>&1
}

# lab_probe_all DIR PHASE TABLE: every row of a FLOWS or ATTACKS table at
# once; DIR/ID holds "ok SEEN" or "fail WHY", DIR/ID.token the token sent.
lab_probe_all() {
	local dir=$1 phase=$2 table=$3 id b c d e f g token
	local proto client src dst port pids=()
	mkdir -p "$dir"
	while IFS='|' read -r id _ b c d e f g _; do
		[ -n "$id" ] || continue
		token="$phase-$id-$RANDOM$RANDOM"
		echo "$token" >"$dir/$id.token"
		if [ "${id:0:1}" = F ]; then # id|rule|seeds|proto|client|src|dst|port
			proto=$c client=$d src=$e dst=$f port=$g
		else # id|what|proto|client|src|dst|port
			proto=$b client=$c src=$d dst=$e port=$f
		fi
		lab_probe "$client" "$proto" "$src" "$dst" "$port" "$token" \
			>"$dir/$id" 3>&- &
		pids+=($!)
	done <<<"$table"
	# only these: the listeners may be children of this shell too
	wait "${pids[@]}"
}

# lab_spoof_send ID: send one row of SPOOFS.
lab_spoof_send() {
	local id kind src sport dst
	IFS='|' read -r id kind src sport dst _ <<<"$(lab_rows "$SPOOFS" "$1")"
	lab_in inet "$LAB_PY" "$LAB_NET" spoof "$kind" "$src" "$sport" "$dst" \
		"$SPOOF_PORT" --count "$SPOOF_COUNT"
}

# The drop counters, as {"reason": packets}.
lab_drops() {
	lab_edgexdp -j stats |
		jq -c '.drops | map_values(if type == "object" then .packets else . end)'
}

# lab_drops_delta BEFORE AFTER: the reasons that rose, "reason +n ...".
lab_drops_delta() {
	jq -rn --argjson a "$1" --argjson b "$2" \
		'[$b | to_entries[] | {k: .key, d: (.value - ($a[.key] // 0))} | select(.d > 0) | "\(.k) +\(.d)"] | join(", ")'
}

# lab_delta_of DELTA REASON: the rise of one reason in a lab_drops_delta.
lab_delta_of() {
	sed -n "s/.*\\b$2 +\\([0-9]*\\).*/\\1/p" <<<"$1"
}

# ---------------------------------------------------------------- phases
# Each lab_phase* fills LAB_RES[id]="PASS|FAIL<tab>expected<tab>result" for
# the rows it ran and returns 1 if any row failed.

declare -gA LAB_RES

lab_set() { LAB_RES[$1]="$2	$3	$4"; }

# Phase 1, no filter: every flow and every attack connects, with its reply
# (the topology, the NAT and the listeners are sound), and every spoofed
# packet reaches the edge.
lab_phase1() {
	local dir=$LAB_STATE/results/phase1 id seen res f3 f6
	local rc=0 got expect n
	lab_probe_all "$dir" p1 "$FLOWS"
	lab_probe_all "$dir" p1 "$ATTACKS"
	while IFS='|' read -r id _ _ _ _ _ _ _ seen _; do
		read -r res got <"$dir/$id"
		if [ "$res" = ok ] && [ "$got" = "$seen" ]; then
			lab_set "$id" PASS "connects, seen as $seen" "echo back, seen as $got"
		else
			lab_set "$id" FAIL "connects, seen as $seen" "$res $got"
			rc=1
		fi
	done <<<"$FLOWS"
	while IFS='|' read -r id _ f3 _ _ f6 _; do
		read -r res got <"$dir/$id"
		if [ "$res" = ok ] && { [ "$f3" = icmp ] ||
			lab_heard "$(lab_owner "$f6")" "$(cat "$dir/$id.token")"; }; then
			lab_set "$id" PASS "connects without filter" "echo back"
		else
			lab_set "$id" FAIL "connects without filter" "$res $got"
			rc=1
		fi
	done <<<"$ATTACKS"
	declare -A n0
	while IFS='|' read -r id _; do
		n0[$id]=$(lab_watch_count "$id")
		lab_spoof_send "$id"
	done <<<"$SPOOFS"
	sleep 0.2
	while IFS='|' read -r id _; do
		n=$(($(lab_watch_count "$id") - n0[$id]))
		expect="arrives without filter"
		if [ "${n:-0}" -ge "$SPOOF_COUNT" ]; then
			lab_set "$id" PASS "$expect" "edge received $n"
		else
			lab_set "$id" FAIL "$expect" "edge received ${n:-0}"
			rc=1
		fi
	done <<<"$SPOOFS"
	return $rc
}

# Phase 2, flows: with edgexdp loaded every documented flow still connects
# and its reply comes back; the server sees the address NAT gives it.
lab_phase2_flows() {
	local dir=$LAB_STATE/results/phase2 id seen res got rc=0
	lab_probe_all "$dir" p2 "$(lab_rows "$FLOWS" "$@")"
	while IFS='|' read -r id _ _ _ _ _ _ _ seen _; do
		read -r res got <"$dir/$id"
		if [ "$res" = ok ] && [ "$got" = "$seen" ]; then
			lab_set "$id" PASS "allowed" "echo back, seen as $got"
		else
			lab_set "$id" FAIL "allowed" "$res $got"
			rc=1
		fi
	done <<<"$(lab_rows "$FLOWS" "$@")"
	return $rc
}

# Phase 2, attacks, one at a time so each drop is put down to its attack:
# the client gets nothing back, the listener hears nothing, and edgexdp
# counts a drop for the expected reason.
lab_phase2_attacks() {
	local dir=$LAB_STATE/results/phase2 id proto client src dst port
	local reason token res got before after delta rc=0 heard
	mkdir -p "$dir"
	while IFS='|' read -r id _ proto client src dst port reason; do
		token="p2-$id-$RANDOM$RANDOM"
		before=$(lab_drops)
		read -r res got < <(lab_probe "$client" "$proto" "$src" "$dst" \
			"$port" "$token")
		after=$(lab_drops)
		delta=$(lab_drops_delta "$before" "$after")
		heard=silent
		[ "$proto" != icmp ] &&
			lab_heard "$(lab_owner "$dst")" "$token" && heard=HEARD
		if [ "$res" = fail ] && [ "$heard" = silent ] &&
			[ -n "$(lab_delta_of "$delta" "$reason")" ]; then
			lab_set "$id" PASS "blocked: $reason" "blocked: ${delta:-no drop counted}"
		else
			lab_set "$id" FAIL "blocked: $reason" \
				"$res${got:+ $got}, listener $heard, drops: ${delta:-none}"
			rc=1
		fi
	done <<<"$(lab_rows "$ATTACKS" "$@")"
	return $rc
}

# Phase 2, spoofed replies: dropped for the expected reason, and the edge
# receives none of them.
lab_phase2_spoofs() {
	local id reason n0 n before after delta rc=0
	while IFS='|' read -r id _ _ _ _ reason; do
		n0=$(lab_watch_count "$id")
		before=$(lab_drops)
		lab_spoof_send "$id"
		sleep 0.1
		after=$(lab_drops)
		n=$(($(lab_watch_count "$id") - n0))
		delta=$(lab_drops_delta "$before" "$after")
		if [ "$n" -eq 0 ] &&
			[ "$(lab_delta_of "$delta" "$reason")" -ge "$SPOOF_COUNT" ] 2>/dev/null; then
			lab_set "$id" PASS "dropped: $reason" "dropped: $delta; edge got 0"
		else
			lab_set "$id" FAIL "dropped: $reason" \
				"drops: ${delta:-none}; edge got $n of $SPOOF_COUNT"
			rc=1
		fi
	done <<<"$(lab_rows "$SPOOFS" "$@")"
	return $rc
}

# Every rule that carried a flow in phase 2 counts it. Prints the rules
# that fall short; returns 1 if any.
lab_check_rule_flows() {
	local json=$1 rule n got rc=0
	while read -r n rule; do
		got=$(jq --arg r "$rule" '[.rules[] | select(.name == $r) | .flows] | add // 0' <<<"$json")
		if [ "$got" -lt "$n" ]; then
			echo "rule $rule: $got flows counted, $n carried"
			rc=1
		fi
	done < <(cut -d'|' -f10 <<<"$FLOWS" | sort | uniq -c)
	return $rc
}

# ---------------------------------------------------------------- report

# lab_from SRC PORT: the source as the flow sends it, "10.45.16.30:55000"
# for a SPORT>PORT row, else the address.
lab_from() {
	if [[ $2 == *'>'* ]]; then
		lab_endpoint "$1" "${2%'>'*}"
	else
		printf '%s' "$1"
	fi
}

# lab_describe ID: "tcp 198.51.100.10 -> 203.0.113.10:443" for any row.
lab_describe() {
	local row proto src dst port kind sport
	case $1 in
	F*)
		IFS='|' read -r _ _ _ proto client src dst port _ <<<"$(lab_rows "$FLOWS" "$1")"
		printf '%s %s -> %s' "$proto" "$(lab_from "$src" "$port")" \
			"$(lab_endpoint "$dst" "${port#*'>'}")"
		;;
	A*)
		IFS='|' read -r _ _ proto client src dst port _ <<<"$(lab_rows "$ATTACKS" "$1")"
		if [ "$proto" = icmp ]; then
			printf 'icmp %s -> %s' "$src" "$dst"
		else
			printf '%s %s -> %s' "$proto" "$(lab_from "$src" "$port")" \
				"$(lab_endpoint "$dst" "${port#*'>'}")"
		fi
		;;
	s*)
		row=$(lab_rows "$SPOOFS" "$1")
		IFS='|' read -r _ kind src sport dst _ <<<"$row"
		printf '%s %s -> %s' "$kind" "$(lab_endpoint "$src" "$sport")" \
			"$(lab_endpoint "$dst" "$SPOOF_PORT")"
		;;
	esac
}

# lab_report TITLE ID...: the table for these rows. Returns 1 if any failed.
lab_report() {
	local title=$1 id name seeds st exp res rc=0
	shift
	printf '\n%s\n' "$title"
	printf '%-4s %-4s %-38s %-60s %-23s %-26s %s\n' ID OK "RULE / ATTACK" \
		FLOW "SEED ROWS" EXPECTED RESULT
	for id in "$@"; do
		case $id in
		F*) IFS='|' read -r _ name seeds _ <<<"$(lab_rows "$FLOWS" "$id")" ;;
		A*)
			IFS='|' read -r _ name _ <<<"$(lab_rows "$ATTACKS" "$id")"
			seeds=-
			;;
		s*)
			name="spoofed reply"
			seeds=-
			;;
		esac
		IFS=$'\t' read -r st exp res <<<"${LAB_RES[$id]:-FAIL	?	not run}"
		[ "$st" = PASS ] || rc=1
		printf '%-4s %-4s %-38s %-60s %-23s %-26s %s\n' "$id" \
			"$([ "$st" = PASS ] && echo ok || echo FAIL)" "$name" \
			"$(lab_describe "$id")" "$seeds" "$exp" "$res"
	done
	return $rc
}

lab_ids() { cut -d'|' -f1 <<<"$1"; }
