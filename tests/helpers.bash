# Shared helpers for the bats suites (integration and end-to-end).
# Every namespace and mount a suite makes carries its PID in the name and is
# removed by its teardown, whether the tests passed or not.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EDGEXDP="$REPO/build/edgexdp"
CSV="$REPO/tests/data/lync2013-edge-ports.csv"

# A private bpffs outside /sys: `ip netns exec` remounts /sys, so pins must
# live elsewhere to outlive one invocation.
bpffs_setup() {
	BPFFS_DIR=$(mktemp -d /tmp/edgexdp-bpffs.XXXXXX)
	mount -t bpf bpf "$BPFFS_DIR"
	export EDGEXDP_BPFFS="$BPFFS_DIR"
}

bpffs_teardown() {
	if [ -n "${BPFFS_DIR:-}" ]; then
		umount "$BPFFS_DIR" 2>/dev/null
		rmdir "$BPFFS_DIR" 2>/dev/null
	fi
	return 0
}

# in_ns NS CMD...: run in a namespace (a fresh mount namespace each time).
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# xdp_prog_id NS IFACE: the XDP program id on a NIC, empty if none.
xdp_prog_id() {
	ip -n "$1" -j link show dev "$2" | jq -r '.[0].xdp.prog.id // .[0].xdp.attached[0].prog.id // empty'
}

# Fail with a message when a condition does not hold.
assert() {
	if ! eval "$1"; then
		echo "assertion failed: $1${2:+ ($2)}" >&2
		return 1
	fi
}

# topology_gw_peer GW PEER: a gateway namespace with veth-ext (external,
# 203.0.113.10/24) and veth-int (internal, 172.25.33.10/24), their peers
# p-ext / p-int in PEER (.99 of each), and an edgexdp config for them in
# $CFG with the whole profile. The services the tests reach run on the
# gateway itself, whose SYN+ACKs leave by egress, unseen by XDP: hence
# conntrack.local_responders.
topology_gw_peer() {
	local gw=$1 peer=$2
	ip netns add "$gw"
	ip netns add "$peer"
	ip -n "$gw" link add veth-ext type veth peer name p-ext netns "$peer"
	ip -n "$gw" link add veth-int type veth peer name p-int netns "$peer"
	for l in lo veth-ext veth-int; do ip -n "$gw" link set "$l" up; done
	for l in lo p-ext p-int; do ip -n "$peer" link set "$l" up; done
	ip -n "$gw" addr add 203.0.113.10/24 dev veth-ext
	ip -n "$peer" addr add 203.0.113.99/24 dev p-ext
	ip -n "$gw" addr add 172.25.33.10/24 dev veth-int
	ip -n "$peer" addr add 172.25.33.99/24 dev p-int
	cat >"$CFG" <<-YAML
	interfaces:
	  - { name: veth-ext, zone: external }
	  - { name: veth-int, zone: internal }
	xdp_mode: native
	profile: lync2013-edge
	features: [federation, ocs2007_federation, public_im, xmpp, centralized_logging]
	addresses:
	  access_edge: [203.0.113.10]
	  webconf_edge: [203.0.113.20]
	  av_edge: [203.0.113.30]
	  edge_internal: [172.25.33.10]
	conntrack: { local_responders: true }
	YAML
}

# topology_teardown GW PEER: whatever edgexdp left loaded or kept, the two
# namespaces and the private bpffs; quiet about what is already gone.
topology_teardown() {
	in_ns "$1" "$EDGEXDP" unload >/dev/null 2>&1 # loaded
	in_ns "$1" "$EDGEXDP" unload >/dev/null 2>&1 # kept flows only
	ip netns del "$1" 2>/dev/null
	ip netns del "$2" 2>/dev/null
	bpffs_teardown
}

# wait_tcp_listen NS PORT: until something listens on tcp PORT in NS (at
# most 5 s): a fixed sleep is too short on a slow machine (TCG in the VM
# stage).
wait_tcp_listen() {
	wait_listen "$1" "$2" tcp
}

# wait_listen NS PORT tcp|udp: wait until a socket is bound to PORT in NS.
wait_listen() {
	local tries=50 flag=-Hltn
	[ "$3" = udp ] && flag=-Hlun
	while [ "$tries" -gt 0 ]; do
		[ -n "$(ip netns exec "$1" ss "$flag" "sport = :$2")" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	echo "nothing listens on $3 $2 in $1" >&2
	return 1
}

# echo_service_start NS ADDR PORT: a TCP echo service, one line back per
# line in; echo_service_stop PORT ends it.
echo_service_start() {
	ip netns exec "$1" socat TCP-LISTEN:"$3",bind="$2",reuseaddr,fork \
		EXEC:cat 3>&- >/dev/null 2>&1 &
	echo $! >"$BATS_FILE_TMPDIR/echo-$3.pid"
	wait_tcp_listen "$1" "$3"
}

echo_service_stop() {
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/echo-$1.pid" 2>/dev/null) || return 0
	# First the children socat forked for sessions: one whose connection
	# a filter cut waits for a FIN forever, and holds bats's output open.
	pkill -P "$pid" 2>/dev/null
	{ kill "$pid" && wait "$pid"; } 2>/dev/null || true
	return 0
}

# session_open NS ADDR PORT [SRCPORT]: one TCP connection, held open in the
# coproc SESSION, so a test can use it before and after a change.
session_open() {
	local src=${4:+,sourceport=$4}
	coproc SESSION { ip netns exec "$1" socat - "TCP:$2:$3$src" 2>/dev/null; }
}

# echo_line LINE [SECONDS]: send a line on the session; succeed if it comes
# back within SECONDS (5: a line that must come back; a test that expects
# none passes less).
echo_line() {
	local line=
	echo "$1" >&"${SESSION[1]}"
	read -r -t "${2:-5}" line <&"${SESSION[0]}" || true
	[ "$line" = "$1" ]
}

# session_close: end the session gracefully, or kill it if a filter cut
# it and it waits for a FIN that will never come.
session_close() {
	local tries=10
	eval "exec ${SESSION[1]}>&-"
	while [ "$tries" -gt 0 ] && kill -0 "$SESSION_PID" 2>/dev/null; do
		sleep 0.1
		tries=$((tries - 1))
	done
	kill "$SESSION_PID" 2>/dev/null || true
	wait "$SESSION_PID" 2>/dev/null || true
}
