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
