#!/usr/bin/env bats
# Metrics for Prometheus: stats -o prometheus (promtool accepts it, values
# equal stats -j), -w written atomically, and the exporter answering real
# HTTP scrapes in the gateway's namespace.

load ../helpers

setup_file() {
	export GW="exdp-met-gw-$$" PEER="exdp-met-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
	in_ns "$GW" "$EDGEXDP" load -c "$CFG" >/dev/null
	# an allowed flow, pings (dropped: icmp) and a closed port (no_rule_port)
	in_ns "$GW" timeout 5 socat -T2 TCP-LISTEN:443,bind=203.0.113.10,reuseaddr OPEN:/dev/null 3>&- &
	sleep 0.3
	in_ns "$PEER" timeout 5 socat -T2 - TCP:203.0.113.10:443,connect-timeout=2 <<<"hello" || true
	wait
	in_ns "$PEER" timeout 5 ping -c 3 -W 0.2 -i 0.2 203.0.113.10 >/dev/null 2>&1 || true
	in_ns "$PEER" timeout 5 socat -T1 - TCP:203.0.113.10:8080,connect-timeout=1 </dev/null 2>/dev/null || true
}

teardown_file() {
	topology_teardown "$GW" "$PEER"
}

teardown() {
	if [ -n "${EXPORTER_PID:-}" ]; then
		kill "$EXPORTER_PID" 2>/dev/null
		wait "$EXPORTER_PID" 2>/dev/null
	fi
	return 0
}

gw() { in_ns "$GW" "$EDGEXDP" "$@"; }

# metric TEXT NAME LABELS: the value of one series, e.g.
# metric "$prom" edgexdp_drop_packets_total 'reason="icmp",interface="veth-ext"'
metric() {
	awk -v s="$2{$3}" 'index($0, s " ") == 1 { print $2 }' <<<"$1"
}

# sum TEXT NAME LABEL-FRAGMENT: the sum of the series that carry it.
sum_metric() {
	awk -v n="$2{" -v f="$3" 'index($0, n) == 1 && index($0, f) { t += $2 } END { print t + 0 }' <<<"$1"
}

@test "stats -o prometheus passes promtool check metrics" {
	run gw stats -o prometheus
	[ "$status" -eq 0 ]
	prom=$output
	run promtool check metrics <<<"$prom"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ -z "$output" ]
	grep -q "^edgexdp_info{version=\"$(cat "$REPO/VERSION")\",attach_mode=\"native\"} 1$" <<<"$prom"
	grep -q '^# TYPE edgexdp_rule_packets_total counter$' <<<"$prom"
	grep -q '^# TYPE edgexdp_conntrack_entries gauge$' <<<"$prom"
	# it can fail: promtool refuses a counter without _total
	run promtool check metrics <<<"$(sed 's/edgexdp_rule_packets_total/edgexdp_rule_packets/' <<<"$prom")"
	[ "$status" -ne 0 ]
}

@test "the Prometheus values equal stats -j" {
	# a snapshot: the exposition read before and after the JSON is the same
	for try in 1 2 3; do
		before=$(gw stats -o prometheus | grep -v conntrack)
		json=$(gw stats -j)
		after=$(gw stats -o prometheus | grep -v conntrack)
		[ "$before" = "$after" ] && break
	done
	[ "$before" = "$after" ]
	prom=$before
	n=0
	while read -r name zone proto packets bytes flows; do
		l="rule=\"$name\",zone=\"$zone\",proto=\"$proto\""
		[ "$(metric "$prom" edgexdp_rule_packets_total "$l")" = "$packets" ]
		[ "$(metric "$prom" edgexdp_rule_bytes_total "$l")" = "$bytes" ]
		[ "$(metric "$prom" edgexdp_rule_flows_total "$l")" = "$flows" ]
		n=$((n + 1))
	done < <(jq -r '.rules[] | "\(.name) \(.zone) \(.proto) \(.packets) \(.bytes) \(.flows)"' <<<"$json")
	[ "$n" -eq "$(jq '.rules | length' <<<"$json")" ]
	[ "$(metric "$prom" edgexdp_rule_flows_total 'rule="ext-sip-tls-in",zone="external",proto="tcp"')" -eq 1 ]
	for r in $(jq -r '.drops | keys[]' <<<"$json"); do
		[ "$(sum_metric "$prom" edgexdp_drop_packets_total "reason=\"$r\"")" = "$(jq ".drops.$r" <<<"$json")" ] ||
			{ echo "drops $r differ"; return 1; }
		[ "$(sum_metric "$prom" edgexdp_drop_bytes_total "reason=\"$r\"")" = "$(jq ".drop_bytes.$r" <<<"$json")" ]
	done
	for r in $(jq -r '.passes | keys[]' <<<"$json"); do
		[ "$(sum_metric "$prom" edgexdp_pass_packets_total "reason=\"$r\"")" = "$(jq ".passes.$r" <<<"$json")" ]
	done
	[ "$(metric "$prom" edgexdp_drop_packets_total 'reason="icmp",interface="veth-ext"')" -ge 3 ]
	[ "$(metric "$prom" edgexdp_interface_receive_packets_total 'interface="veth-ext",zone="external"')" = \
	  "$(jq '.interfaces[] | select(.name == "veth-ext") | .rx_packets' <<<"$json")" ]
	[ "$(metric "$prom" edgexdp_rules '')" = "" ] # no labels: written bare
	grep -qx "edgexdp_rules $(jq '.rules | length' <<<"$json")" <<<"$prom"
}

@test "stats -w writes the file atomically, by rename" {
	dir="$BATS_TEST_TMPDIR/textfile"
	mkdir "$dir"
	run gw stats -o prometheus -w "$dir/edgexdp.prom"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	promtool check metrics < "$dir/edgexdp.prom"
	[ "$(stat -c %a "$dir/edgexdp.prom")" = 644 ]
	ino=$(stat -c %i "$dir/edgexdp.prom")
	run timeout 10 ip netns exec "$GW" "$EDGEXDP" stats -o prometheus -w "$dir/edgexdp.prom" -i 1 -n 1
	[ "$status" -eq 0 ]
	# a new file renamed over the old one; no temporary left behind
	[ "$(stat -c %i "$dir/edgexdp.prom")" != "$ino" ]
	[ "$(ls "$dir")" = edgexdp.prom ]
	# a failure leaves the old file whole
	cp "$dir/edgexdp.prom" "$BATS_TEST_TMPDIR/before"
	run gw stats -o prometheus -w "$dir/missing/edgexdp.prom"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot write $dir/missing/edgexdp.prom"* ]]
	cmp "$dir/edgexdp.prom" "$BATS_TEST_TMPDIR/before"
	run gw stats -w "$dir/x.prom"
	[ "$status" -eq 2 ]
	run gw stats -o yaml
	[ "$status" -eq 2 ]
}

# start_exporter LISTEN: run the exporter in the gateway; wait until it
# answers (3 s at most).
start_exporter() {
	ip netns exec "$GW" "$EDGEXDP" exporter --listen "$1" >/dev/null 2>&1 &
	EXPORTER_PID=$!
	for _ in $(seq 30); do
		in_ns "$GW" curl -s -o /dev/null "http://$1/" && return 0
		sleep 0.1
	done
	return 1
}

@test "the exporter answers a real HTTP scrape in the namespace" {
	start_exporter 127.0.0.1:9739
	run in_ns "$GW" curl -s -D "$BATS_TEST_TMPDIR/headers" http://127.0.0.1:9739/metrics
	[ "$status" -eq 0 ]
	body=$output
	grep -qi '^content-type: text/plain; version=0.0.4' "$BATS_TEST_TMPDIR/headers"
	grep -q '^HTTP/1.1 200' "$BATS_TEST_TMPDIR/headers"
	promtool check metrics <<<"$body"
	# read on each scrape: new drops show in the next one
	before=$(metric "$body" edgexdp_drop_packets_total 'reason="icmp",interface="veth-ext"')
	in_ns "$PEER" timeout 5 ping -c 2 -W 0.2 -i 0.2 203.0.113.10 >/dev/null 2>&1 || true
	body=$(in_ns "$GW" curl -s http://127.0.0.1:9739/metrics)
	[ "$(metric "$body" edgexdp_drop_packets_total 'reason="icmp",interface="veth-ext"')" -eq $((before + 2)) ]
	[ "$(in_ns "$GW" curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9739/nope)" = 404 ]
	# SIGTERM stops it cleanly
	kill "$EXPORTER_PID"
	wait "$EXPORTER_PID"
	EXPORTER_PID=
}

@test "the exporter listens on IPv6 and says 503 while edgexdp is not loaded" {
	start_exporter '[::1]:9740'
	[ "$(in_ns "$GW" curl -s -o /dev/null -w '%{http_code}' 'http://[::1]:9740/metrics')" = 200 ]
	gw unload >/dev/null
	[ "$(in_ns "$GW" curl -s -o /dev/null -w '%{http_code}' 'http://[::1]:9740/metrics')" = 503 ]
	gw load -c "$CFG" >/dev/null
	[ "$(in_ns "$GW" curl -s -o /dev/null -w '%{http_code}' 'http://[::1]:9740/metrics')" = 200 ]
	run gw exporter --listen nonsense
	[ "$status" -eq 2 ]
	# the port is taken: one clear error
	run gw exporter --listen '[::1]:9740'
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot listen on [::1]:9740"* ]]
}
