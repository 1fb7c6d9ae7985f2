# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The A/V edge as what it is, a TURN media relay: coturn's turnserver on the
# A/V edge's address, behind the gateway's 1:1 NAT, relaying from ports
# 50000-59999 with long-term credentials; coturn's turnutils_peer as the
# remote party on an ordinary port of the Internet side; and
# turnutils_uclient as the external user, allocating over udp/3478
# (external 14) or TLS over tcp/443 (external 15). The relay's media to the
# peer leaves the A/V edge from its relay ports to the peer's port: the
# outbound A/V rows read as source ports (external 10, README.md).
#
# The daemons run in the lab's namespaces, so lab_down kills them whatever
# happens; lab_turn_down stops them earlier, by their pids.

TURN_USER=lab
TURN_PASS=lab-turn-secret
TURN_REALM=edge.lab.example
TURN_RELAY_LO=50000
TURN_RELAY_HI=59999
TURN_CLIENT=$INET_USER
TURN_PEER=$INET_FED
TURN_PEER_PORT=40004 # an ordinary port: no rule names it
TURN_MSGS=${TURN_MSGS:-20}
TURN_TIMEOUT=${TURN_TIMEOUT:-30} # seconds one client run may take
TURN_DIR=$LAB_STATE/turn

# lab_pids_named NS COMM: the pids of the processes called COMM in a side.
lab_pids_named() {
	local pid
	for pid in $(ip netns pids "$LAB_PREFIX$1" 2>/dev/null); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && echo "$pid"
	done
}

# lab_stop_pids PID...: TERM, then KILL what is left after a second.
lab_stop_pids() {
	local pid i
	[ $# -gt 0 ] || return 0
	kill "$@" 2>/dev/null
	for ((i = 0; i < 20; i++)); do
		for pid in "$@"; do
			kill -0 "$pid" 2>/dev/null && break
			pid=
		done
		[ -z "$pid" ] && return 0
		sleep 0.05
	done
	kill -9 "$@" 2>/dev/null
	return 0
}

# lab_edge_serve ADDR...: (re)start the edge's echo listener on these
# addresses only, and wait until it is ready.
lab_edge_serve() {
	local i
	# shellcheck disable=SC2046
	lab_stop_pids $(lab_listener_pids edge)
	rm -f "$LAB_STATE/edge.ready"
	lab_serve edge "$@"
	for ((i = 0; i < 100; i++)); do
		[ -s "$LAB_STATE/edge.ready" ] && return 0
		sleep 0.05
	done
	lab_die "the edge listeners did not restart"
}

# The echo listener's pids in a side (python3 running labnet.py serve).
lab_listener_pids() {
	local pid
	for pid in $(ip netns pids "$LAB_PREFIX$1" 2>/dev/null); do
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
			grep -q "$LAB_NET serve" && echo "$pid"
	done
}

# lab_wait_listen SIDE PROTO ADDR PORT: until a socket listens there (5 s).
lab_wait_listen() {
	local i flag=-ltn
	[ "$2" = udp ] && flag=-lun
	for ((i = 0; i < 100; i++)); do
		lab_in "$1" ss -H "$flag" "src $3:$4" 2>/dev/null | grep -q . &&
			return 0
		sleep 0.05
	done
	lab_die "nothing listens on $2 $3:$4 in $1"
}

# lab_turn_up: the echo listener leaves the A/V edge's addresses to the TURN
# server, which starts with a throwaway certificate for TLS on 443; the
# peer starts on the Internet side.
lab_turn_up() {
	mkdir -p "$TURN_DIR" || return 1
	lab_edge_serve "$EDGE_ACCESS" "$EDGE_WEBCONF" "$EDGE_INT" \
		"$EDGE6_ACCESS" "$EDGE6_WEBCONF" || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
		-subj "/CN=av.$TURN_REALM" -keyout "$TURN_DIR/key.pem" \
		-out "$TURN_DIR/cert.pem" >/dev/null 2>&1 ||
		{ lab_die "openssl could not make the TURN certificate"; return 1; }
	# The relay's addresses: private where it binds, public where clients
	# and peers reach it (the gateway's 1:1 NAT).
	lab_in edge turnserver -n --no-cli --no-dtls \
		--listening-ip="$EDGE_AV" --relay-ip="$EDGE_AV" \
		--external-ip="$PUB_AV/$EDGE_AV" \
		--listening-port=3478 --tls-listening-port=443 \
		--cert="$TURN_DIR/cert.pem" --pkey="$TURN_DIR/key.pem" \
		--min-port="$TURN_RELAY_LO" --max-port="$TURN_RELAY_HI" \
		--lt-cred-mech --user="$TURN_USER:$TURN_PASS" \
		--realm="$TURN_REALM" --fingerprint \
		--userdb="$TURN_DIR/turndb" --pidfile="$TURN_DIR/turnserver.pid" \
		--log-file="$TURN_DIR/turnserver.log" --simple-log \
		--no-stdout-log </dev/null >"$TURN_DIR/turnserver.err" 2>&1 3>&- &
	lab_in inet turnutils_peer -L "$TURN_PEER" -p "$TURN_PEER_PORT" \
		</dev/null >"$TURN_DIR/peer.log" 2>&1 3>&- &
	lab_wait_listen edge udp "$EDGE_AV" 3478 &&
		lab_wait_listen edge tcp "$EDGE_AV" 443 &&
		lab_wait_listen inet udp "$TURN_PEER" "$TURN_PEER_PORT" || {
		cat "$TURN_DIR/turnserver.err" "$TURN_DIR/peer.log" >&2
		return 1
	}
}

# lab_turn_down: stop the TURN server and the peer, give the A/V edge's
# addresses back to the echo listener.
lab_turn_down() {
	# shellcheck disable=SC2046
	lab_stop_pids $(lab_pids_named edge turnserver) \
		$(lab_pids_named inet turnutils_peer)
	lab_edge_serve "$EDGE_ACCESS" "$EDGE_WEBCONF" "$EDGE_AV" "$EDGE_INT" \
		"$EDGE6_ACCESS" "$EDGE6_WEBCONF" "$EDGE6_AV"
}

# lab_turn_client udp|tls [OUT]: one turnutils_uclient run from the Internet
# side: allocate a relay on the A/V edge's public address, send TURN_MSGS
# messages through it to the peer and count the echoes. Its output goes to
# OUT (default TURN_DIR/uclient-TRANSPORT.log, verbose: it names the
# relayed addresses); prints "sent N received M lost L P%" (-1 where the
# output says nothing).
lab_turn_client() {
	local transport=$1 out=${2:-$TURN_DIR/uclient-$1.log} args
	args=(-u "$TURN_USER" -w "$TURN_PASS" -L "$TURN_CLIENT"
		-e "$TURN_PEER" -r "$TURN_PEER_PORT" -n "$TURN_MSGS" -l 160 -z 10 -v)
	case $transport in
	udp) args+=(-p 3478) ;;
	tls) args+=(-t -S -p 443) ;;
	*) lab_die "lab_turn_client: udp or tls, not $transport"; return 1 ;;
	esac
	lab_in inet timeout "$TURN_TIMEOUT" turnutils_uclient "${args[@]}" \
		"$PUB_AV" </dev/null >"$out" 2>&1 3>&-
	lab_turn_summary "$out"
}

# lab_turn_relays LOG: the relayed addresses the server allocated, one a
# line ("203.0.113.30:56258"), as uclient's verbose output reports them.
lab_turn_relays() {
	sed -n 's/.*Received relay addr: \([0-9.]*:[0-9]*\).*/\1/p' "$1"
}

# lab_turn_summary LOG: "sent N received M lost L P%" from uclient's output.
lab_turn_summary() {
	local sent recv lost pct
	sent=$(sed -n 's/.*tot_send_msgs=\([0-9]*\).*/\1/p' "$1" | tail -1)
	recv=$(sed -n 's/.*tot_recv_msgs=\([0-9]*\).*/\1/p' "$1" | tail -1)
	lost=$(sed -n 's/.*Total lost packets \([0-9]*\) (\([0-9.]*\)%).*/\1/p' "$1" | tail -1)
	pct=$(sed -n 's/.*Total lost packets \([0-9]*\) (\([0-9.]*\)%).*/\2/p' "$1" | tail -1)
	echo "sent ${sent:--1} received ${recv:--1} lost ${lost:--1} ${pct:--1}%"
}
