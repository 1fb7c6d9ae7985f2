#!/usr/bin/env bats
# The proof that a reload never opens the gateway nor drops a packet: a
# TCP stream and a UDP flow both configs allow carry data, every message
# checked on return, while the config is reloaded 100 times between the
# two; a prober tries a port both deny all along; a connection on a rule
# only one config allows is cut at the reload that removes it.

load ../helpers

TRAFFIC="$REPO/tests/integration/reload_traffic.py"
RELOADS=${EDGEXDP_TEST_RELOADS:-100}

setup_file() {
	export GW="exdp-rlive-gw-$$" PEER="exdp-rlive-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
	# Site rules only: a reload costs what the verifier costs, no more.
	export CFG_A="$BATS_FILE_TMPDIR/a.yaml" CFG_B="$BATS_FILE_TMPDIR/b.yaml"
	sed -i '/^profile:/d; /^features:/d; /webconf_edge\|av_edge/d' "$CFG"
	cat "$CFG" - > "$CFG_A" <<-YAML
	rules:
	  - { name: site-tcp, zone: external, proto: tcp, ports: 8443, from: [203.0.113.99], to: access_edge }
	  - { name: site-udp, zone: external, proto: udp, ports: 5000, from: [203.0.113.99], to: access_edge }
	  - { name: site-a, zone: external, proto: tcp, ports: 8444, from: [203.0.113.99], to: access_edge }
	YAML
	cat "$CFG" - > "$CFG_B" <<-YAML
	rules:
	  - { name: site-b, zone: external, proto: tcp, ports: 8446, from: [203.0.113.99], to: access_edge }
	  - { name: site-udp, zone: external, proto: udp, ports: 5000, from: [203.0.113.99], to: access_edge }
	  - { name: site-tcp, zone: external, proto: tcp, ports: 8443, from: [203.0.113.99], to: access_edge }
	YAML
	echo_service_start "$GW" 203.0.113.10 8443
	echo_service_start "$GW" 203.0.113.10 8444
	echo_service_start "$GW" 203.0.113.10 9999 # denied by both
	ip netns exec "$GW" python3 "$TRAFFIC" udp-echo 203.0.113.10 5000 &
	echo $! >"$BATS_FILE_TMPDIR/udp-echo.pid"
	wait_listen "$GW" 5000 udp
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/udp-echo.pid")" 2>/dev/null || true
	for p in 8443 8444 9999; do echo_service_stop "$p"; done
	topology_teardown "$GW" "$PEER"
}

gw() { in_ns "$GW" "$EDGEXDP" "$@"; }

@test "$RELOADS reloads under live traffic: nothing lost, nothing let through" {
	stop="$BATS_TEST_TMPDIR/stop"
	run gw load -c "$CFG_A"
	[ "$status" -eq 0 ]
	session_open "$PEER" 203.0.113.10 8444
	echo_line before
	ip netns exec "$PEER" python3 "$TRAFFIC" flows 203.0.113.10 8443 5000 "$stop" \
		>"$BATS_TEST_TMPDIR/flows.json" &
	flows=$!
	ip netns exec "$PEER" python3 "$TRAFFIC" probe 203.0.113.10 9999 "$stop" \
		>"$BATS_TEST_TMPDIR/probe.json" &
	probe=$!
	sleep 0.5

	for i in $(seq 1 "$RELOADS"); do
		if [ $((i % 2)) -eq 1 ]; then cfg=$CFG_B; else cfg=$CFG_A; fi
		gw reload -c "$cfg" >/dev/null || { touch "$stop"; echo "reload $i failed"; return 1; }
		if [ "$i" -eq 1 ]; then
			# B removed site-a: its connection is cut, new ones refused.
			! echo_line after-b 2
			run bash -c "ip netns exec $PEER timeout 2 socat -T1 - TCP:203.0.113.10:8444,connect-timeout=0.5 <<<x 2>/dev/null"
			[ -z "$output" ]
		fi
	done
	sleep 0.3
	touch "$stop"
	wait "$flows" "$probe"
	session_close
	cat "$BATS_TEST_TMPDIR/flows.json" "$BATS_TEST_TMPDIR/probe.json"
	f=$(cat "$BATS_TEST_TMPDIR/flows.json")
	p=$(cat "$BATS_TEST_TMPDIR/probe.json")
	# 0 lost or reset: every message came back, the stream never broke.
	[ "$(jq -r .tcp_error <<<"$f")" = "" ]
	[ "$(jq .tcp_sent <<<"$f")" -gt 100 ]
	[ "$(jq .tcp_ok <<<"$f")" -eq "$(jq .tcp_sent <<<"$f")" ]
	[ "$(jq .udp_ok <<<"$f")" -eq "$(jq .udp_sent <<<"$f")" ]
	# The port both configs deny was never reachable.
	[ "$(jq .tries <<<"$p")" -gt 10 ]
	[ "$(jq .connected <<<"$p")" -eq 0 ]
	# The UDP rule counted every datagram sent, across every reload.
	stats=$(gw -j stats)
	[ "$(jq '.rules[] | select(.name == "site-udp") | .packets' <<<"$stats")" -eq "$(jq .udp_sent <<<"$f")" ]
	run gw -j status
	[ "$status" -eq 0 ]
	run gw unload
	[ "$status" -eq 0 ]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
}
