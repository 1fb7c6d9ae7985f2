#!/usr/bin/env bats
# The control plane never loses track of its filter: NIC names the kernel
# resolves to another NIC, NICs renamed or gone while loaded, pins of
# another layout, two commands at once, a bpffs that dies with the command,
# a user who is not root. After each, status tells the truth and unload
# removes everything.

load ../helpers

setup_file() {
	export GW="exdp-cp-gw-$$" PEER="exdp-cp-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
}

teardown_file() {
	topology_teardown "$GW" "$PEER"
}

teardown() {
	gw unload >/dev/null 2>&1 || true
}

gw() { in_ns "$GW" "$EDGEXDP" "$@"; }

# Nothing of edgexdp left: no program on the NICs, no pins.
assert_clean() {
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	[ -z "$(xdp_prog_id "$GW" veth-int)" ]
	[ ! -e "$EDGEXDP_BPFFS/edgexdp" ]
	run gw status
	[ "$status" -eq 1 ]
	[[ "$output" == *"not loaded"* ]]
}

@test "a NIC name the kernel resolves to another NIC is refused" {
	# SIOCGIFINDEX strips ":1": the kernel would attach to veth-ext.
	alias_cfg="$BATS_TEST_TMPDIR/alias.yaml"
	sed 's/name: veth-ext,/name: "veth-ext:1",/' "$CFG" > "$alias_cfg"
	run gw load -c "$alias_cfg"
	[ "$status" -eq 1 ]
	[[ "$output" == *"interface veth-ext:1: the kernel resolves that name to veth-ext"*"name the NIC exactly"* ]]
	assert_clean
}

@test "a NIC renamed while loaded is shown and unloaded under its new name" {
	run gw load -c "$CFG"
	[ "$status" -eq 0 ]
	id=$(xdp_prog_id "$GW" veth-int)
	ip -n "$GW" link set veth-int down
	ip -n "$GW" link set veth-int name veth-lan
	ip -n "$GW" link set veth-lan up
	run gw status
	[ "$status" -eq 0 ]
	[[ "$output" == *"veth-lan "*"$id"*"attached (loaded as veth-int)"* ]]
	run gw -j status
	[ "$(jq -r '.interfaces[] | select(.loaded_as == "veth-int") | .name + " " + .state' <<<"$output")" = "veth-lan attached" ]
	run gw unload
	ip -n "$GW" link set veth-lan down
	ip -n "$GW" link set veth-lan name veth-int
	ip -n "$GW" link set veth-int up
	[ "$status" -eq 0 ]
	[[ "$output" == *"detached from veth-lan (loaded as veth-int)"* ]]
	assert_clean
}

@test "a NIC that vanished or lost the program: status says so and exits 3" {
	ip -n "$GW" link add veth-tmp type veth peer name p-tmp netns "$PEER"
	ip -n "$GW" link set veth-tmp up
	tmp_cfg="$BATS_TEST_TMPDIR/tmp.yaml"
	sed 's/^interfaces:/interfaces:\n  - { name: veth-tmp, zone: external }/' "$CFG" > "$tmp_cfg"
	run gw load -c "$tmp_cfg"
	[ "$status" -eq 0 ]
	run gw status
	[ "$status" -eq 0 ]
	ip -n "$GW" link del veth-tmp
	# Someone else takes the program off veth-ext behind edgexdp's back.
	ip -n "$GW" link set dev veth-ext xdp off
	run gw status
	[ "$status" -eq 3 ]
	[[ "$output" == *"veth-tmp "*"GONE"* ]]
	[[ "$output" == *"veth-ext "*"NOT ATTACHED"* ]]
	[[ "$output" == *"veth-int "*" attached"* ]]
	run gw -j status
	[ "$status" -eq 3 ]
	[ "$(jq -r '[.interfaces[].state] | join(",")' <<<"$output")" = "gone,not-attached,attached" ]
	[ "$(jq .all_attached <<<"$output")" = false ]
	run gw unload
	[ "$status" -eq 0 ]
	[[ "$output" == *"veth-tmp (ifindex "*") is gone"* ]]
	assert_clean
}

@test "pins of another layout: status and stats refuse, unload still removes all" {
	run gw load -c "$CFG"
	[ "$status" -eq 0 ]
	# An older edgexdp's load_info: another size, layout 0.
	info="$EDGEXDP_BPFFS/edgexdp/load_info"
	rm "$info"
	bpftool map create "$info" type array key 4 value 8 entries 1 name load_info
	bpftool map update pinned "$info" key 0 0 0 0 value 0 0 0 0 0 0 0 0
	run gw status
	[ "$status" -eq 1 ]
	[[ "$output" == *"pinned state has layout 0, this edgexdp reads layout"* ]]
	run gw stats
	[ "$status" -eq 1 ]
	[[ "$output" == *"pinned state has layout 0"* ]]
	[ -n "$(xdp_prog_id "$GW" veth-ext)" ]
	run gw unload
	[ "$status" -eq 0 ]
	[[ "$output" == *"layout 0"*"detaching program id"* ]]
	[[ "$output" == *"detached from veth-ext"* ]]
	[[ "$output" == *"detached from veth-int"* ]]
	assert_clean
}

# hold_lock SECONDS: flock(1) holds the bpffs's lock for SECONDS, in the
# background (its pid in $holder); returns once it holds it.
hold_lock() {
	flock "$EDGEXDP_BPFFS" sleep "$1" &
	holder=$!
	while flock -n "$EDGEXDP_BPFFS" true; do sleep 0.05; done
}

@test "a second command waits for the lock, then says who holds it" {
	hold_lock 3
	run gw load -c "$CFG"
	wait "$holder"
	[ "$status" -eq 0 ]
	[[ "$output" == *"waiting for pid $holder (flock $EDGEXDP_BPFFS sleep 3)"* ]]
	[ -n "$(xdp_prog_id "$GW" veth-ext)" ]

	hold_lock 10
	EDGEXDP_LOCK_TIMEOUT=1 run gw unload
	kill "$holder"
	wait "$holder" 2>/dev/null || true
	[ "$status" -eq 1 ]
	[[ "$output" == *"pid $holder (flock"*") still holds the lock on $EDGEXDP_BPFFS; try again when it is done"* ]]
	[ -n "$(xdp_prog_id "$GW" veth-ext)" ]
	run gw status
	[ "$status" -eq 0 ]
	run gw unload
	[ "$status" -eq 0 ]
	assert_clean
}

@test "two loads at once: one loads, the other finds it loaded" {
	gw load -c "$CFG" > "$BATS_TEST_TMPDIR/a" 2>&1 &
	a=$!
	gw load -c "$CFG" > "$BATS_TEST_TMPDIR/b" 2>&1 &
	b=$!
	rc_a=0 rc_b=0
	wait "$a" || rc_a=$?
	wait "$b" || rc_b=$?
	cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	[ $((rc_a + rc_b)) -eq 1 ]
	grep -q "already loaded" "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	! grep -q "another XDP program" "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	run gw status
	[ "$status" -eq 0 ]
	run gw unload
	[ "$status" -eq 0 ]
	assert_clean
}

@test "load refuses a bpffs that dies with the command, however it got there" {
	# A shell started by ip netns exec: its parent shares the namespace.
	run env -u EDGEXDP_BPFFS ip netns exec "$GW" sh -c "$EDGEXDP load -c $CFG"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no bpffs that outlives this command"* ]]
	# the advice on lines of its own, not with its newlines escaped
	[[ "$output" == *$'exits.\nedgexdp: mount a bpffs outside /sys'* ]]
	[[ "$output" == *$'\n  mkdir -p /run/edgexdp-bpffs'* ]]
	[[ "$output" != *'\x0a'* ]]
	run env -u EDGEXDP_BPFFS ip netns exec "$GW" sh -c "$EDGEXDP -j load -c $CFG"
	[ "$status" -eq 1 ]
	jq -r .error <<<"$output" | grep -qx '  mkdir -p /run/edgexdp-bpffs && mount -t bpf bpf /run/edgexdp-bpffs'
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	# A bpffs mounted inside a private mount namespace.
	d=$(mktemp -d /tmp/edgexdp-private.XXXXXX)
	run in_ns "$GW" unshare -m --propagation private sh -c \
		"mount -t bpf bpf $d && EDGEXDP_BPFFS=$d $EDGEXDP load -c $CFG"
	rmdir "$d"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$d is no bpffs that outlives this command"* ]]
	[ -z "$(xdp_prog_id "$GW" veth-ext)" ]
	# The shared private bpffs, seen from such a shell, is fine.
	run in_ns "$GW" sh -c "$EDGEXDP load -c $CFG"
	[ "$status" -eq 0 ]
	run gw status
	[ "$status" -eq 0 ]
	run gw unload
	[ "$status" -eq 0 ]
	assert_clean
}

@test "not root: every command says to run as root, never not loaded" {
	run gw load -c "$CFG"
	[ "$status" -eq 0 ]
	for cmd in status stats unload; do
		run in_ns "$GW" setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$EDGEXDP" "$cmd"
		[ "$status" -eq 1 ]
		[[ "$output" == *"run as root"* ]] || { echo "$cmd: $output"; return 1; }
		[[ "$output" != *"not loaded"* ]]
	done
	# A config the user may read: the refusal is about BPF, not the file.
	public_cfg=$(mktemp /tmp/edgexdp-cfg.XXXXXX)
	cp "$CFG" "$public_cfg"
	chmod 644 "$public_cfg"
	run in_ns "$GW" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$EDGEXDP" load -c "$public_cfg"
	rm -f "$public_cfg"
	[ "$status" -eq 1 ]
	[[ "$output" == *"run as root"* ]]
	run gw status
	[ "$status" -eq 0 ]
	run gw unload
	[ "$status" -eq 0 ]
	assert_clean
}
