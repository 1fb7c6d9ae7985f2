# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The lab's services: an echo listener (tools/lab/labnet.py serve) on every
# address of the Internet side, the edge and the Front End, TCP and UDP, on
# every port in LAB_PORTS; and, on the edge, nftables counters that see
# each spoofed reply arrive (a forged ACK reaches no listener, a counter
# still sees it).

# lab_serve SIDE ADDR...: start one listener process for these addresses.
lab_serve() {
	local side=$1 addrs
	shift
	addrs=$(tr ' ' ',' <<<"$*")
	lab_in "$side" "$LAB_PY" "$LAB_NET" serve --log "$LAB_STATE/$side.log" \
		--addrs "$addrs" --ports "$LAB_PORTS" \
		--ready "$LAB_STATE/$side.ready" \
		</dev/null >>"$LAB_STATE/$side.err" 2>&1 3>&- &
}

lab_services_up() {
	local side i
	mkdir -p "$LAB_STATE"
	# shellcheck disable=SC2086
	lab_serve inet $INET_ADDRS $INET6_ADDRS
	lab_serve edge "$EDGE_ACCESS" "$EDGE_WEBCONF" "$EDGE_AV" "$EDGE_INT" \
		"$EDGE6_ACCESS" "$EDGE6_WEBCONF" "$EDGE6_AV"
	lab_serve corp "$CORP_FE"
	for side in inet edge corp; do
		for ((i = 0; i < 100; i++)); do
			[ -s "$LAB_STATE/$side.ready" ] && break
			sleep 0.05
		done
		if [ ! -s "$LAB_STATE/$side.ready" ]; then
			cat "$LAB_STATE/$side.err" >&2
			lab_die "the $side listeners did not start"
			return 1
		fi
	done
	lab_watch_up
}

# One named counter per spoofed reply of SPOOFS (tools/lab/flows.sh),
# matched on what the edge receives (after the gateway's dnat).
lab_watch_up() {
	local id kind src sport dst fam
	{
		echo "table inet exdp_lab_watch {"
		while IFS='|' read -r id _; do
			echo "	counter $id { }"
		done <<<"$SPOOFS"
		echo "	chain prerouting {"
		echo "		type filter hook prerouting priority raw; policy accept;"
		while IFS='|' read -r id kind src sport dst _; do
			fam=ip
			[[ $dst == *:* ]] && fam=ip6
			echo "		$fam saddr $src $fam daddr $(lab_private "$dst") meta l4proto ${kind%%-*} th sport $sport th dport $SPOOF_PORT counter name $id"
		done <<<"$SPOOFS"
		echo "	}"
		echo "}"
	} | lab_in edge nft -f -
}

# lab_watch_count ID: packets the edge received for one spoofed reply.
lab_watch_count() {
	lab_in edge nft -j list counter inet exdp_lab_watch "$1" |
		jq '[.nftables[] | select(.counter) | .counter.packets] | add // 0'
}

# lab_heard SIDE TOKEN: did that side's listener receive TOKEN?
lab_heard() {
	grep -q " $2\$" "$LAB_STATE/$1.log" 2>/dev/null
}
