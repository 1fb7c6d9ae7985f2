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
# $CFG with the whole profile.
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
	YAML
}
