#!/usr/bin/env bats
# Loading from an SSH session: a stateful filter drops packets of a
# connection it never saw open, so load must either keep the session (a
# rule allows it) or refuse (none does), never cut it silently.

load ../helpers

setup_file() {
	export GW="exdp-ssh-gw-$$" PEER="exdp-ssh-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
	# An echo service standing in for sshd on the gateway itself.
	echo_service_start "$GW" 203.0.113.10 22
}

teardown_file() {
	echo_service_stop 22
	topology_teardown "$GW" "$PEER"
}

teardown() {
	in_ns "$GW" "$EDGEXDP" unload >/dev/null 2>&1 || true
}

ssh_env() { echo "203.0.113.99 $1 203.0.113.10 22"; }

@test "load refuses when no rule allows the SSH session it runs from" {
	run env SSH_CONNECTION="$(ssh_env 40022)" ip netns exec "$GW" "$EDGEXDP" load -c "$CFG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"drops the SSH session you are running from (203.0.113.99 -> 203.0.113.10:22, tcp)"* ]]
	[[ "$output" == *"refusing to load"* ]]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
	# -f overrides, after the same warning
	run env SSH_CONNECTION="$(ssh_env 40022)" ip netns exec "$GW" "$EDGEXDP" load -f -c "$CFG"
	[ "$status" -eq 0 ]
	[[ "$output" == *"drops the SSH session"* ]]
	[ -n "$(xdp_prog_id "$GW" veth-ext)" ]
}

@test "an SSH session a rule allows survives the load" {
	cfg="$BATS_TEST_TMPDIR/ssh.yaml"
	cat "$CFG" - > "$cfg" <<-YAML
	rules:
	  - { name: admin-ssh, zone: external, proto: tcp, ports: 22, from: [203.0.113.99], to: access_edge }
	YAML
	# The session is open before the filter exists.
	session_open "$PEER" 203.0.113.10 22 40122
	echo_line before

	run env SSH_CONNECTION="$(ssh_env 40122)" ip netns exec "$GW" "$EDGEXDP" load -c "$cfg"
	[ "$status" -eq 0 ]
	[[ "$output" == *"keeping your SSH session 203.0.113.99:40122 -> 203.0.113.10:22 open (rule 'admin-ssh')"* ]]
	run in_ns "$GW" "$EDGEXDP" -j status
	[ "$(jq .conntrack.confirmed.entries <<<"$output")" -eq 1 ]

	# The same connection still carries data both ways.
	echo_line after
	session_close
	run in_ns "$GW" "$EDGEXDP" -j stats
	[ "$(jq '.rules[] | select(.name == "admin-ssh") | .packets' <<<"$output")" -ge 2 ]
	[ "$(jq .drops.tcp_state <<<"$output")" -eq 0 ]
}

@test "without the seed, a session open before the load is cut (control)" {
	cfg="$BATS_TEST_TMPDIR/ssh.yaml"
	cat "$CFG" - > "$cfg" <<-YAML
	rules:
	  - { name: admin-ssh, zone: external, proto: tcp, ports: 22, from: [203.0.113.99], to: access_edge }
	YAML
	session_open "$PEER" 203.0.113.10 22 40222
	echo_line before
	# Loaded from a console (no SSH_CONNECTION): nobody tells load about it.
	run env -u SSH_CONNECTION ip netns exec "$GW" "$EDGEXDP" load -c "$cfg"
	[ "$status" -eq 0 ]
	echo after >&"${SESSION[1]}"
	line=
	read -r -t 1 line <&"${SESSION[0]}" || true
	[ -z "$line" ]
	run in_ns "$GW" "$EDGEXDP" -j stats
	[ "$(jq .drops.tcp_state <<<"$output")" -ge 1 ]
	session_close
}

@test "an SSH_CONNECTION the guard cannot parse is warned about, not ignored" {
	run env SSH_CONNECTION="garbage" ip netns exec "$GW" "$EDGEXDP" load -c "$CFG"
	[ "$status" -eq 0 ]
	[[ "$output" == *"cannot parse SSH_CONNECTION='garbage'"*"cannot check your session"* ]]
	run in_ns "$GW" "$EDGEXDP" status
	[ "$status" -eq 0 ]
}

@test "a session reaching the gateway on another NIC than its address is judged there" {
	# The address sits on lo; the session still arrives on veth-ext,
	# where the filter sees it (the weak host model).
	ip -n "$GW" addr add 198.51.100.10/32 dev lo
	ip -n "$PEER" route add 198.51.100.10/32 via 203.0.113.10
	run env SSH_CONNECTION="203.0.113.99 40422 198.51.100.10 22" \
		ip netns exec "$GW" "$EDGEXDP" load -c "$CFG"
	ip -n "$PEER" route del 198.51.100.10/32
	ip -n "$GW" addr del 198.51.100.10/32 dev lo
	[ "$status" -eq 1 ]
	[[ "$output" == *"reaches this gateway on veth-ext, but its address 198.51.100.10 is held on lo"* ]]
	[[ "$output" == *"drops the SSH session you are running from (203.0.113.99 -> 198.51.100.10:22, tcp)"* ]]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
}
