#!/bin/bash
# Run every test suite: unit (plain and ASan/UBSan), data path
# (BPF_PROG_TEST_RUN), integration (edgexdp in netns/veth) and end-to-end
# (the lab), then the VM stage: the suites that meet the kernel's BPF again
# on Debian 12's kernel. Needs root: the data path and network suites load
# BPF. Every suite reports in TAP and is counted from it; prints one "total: N
# passed, N failed, N skipped" line at the end; exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
# shellcheck source=tests/uptime.sh
. tests/uptime.sh
passed=0
failed=0
skipped=0
broken=()

if [ "$(id -u)" != 0 ]; then
	echo "run-all: must run as root (BPF and network namespaces)" >&2
	exit 1
fi

# run_tap NAME CMD...: run a suite that reports in TAP (cmocka with
# CMOCKA_MESSAGE_OUTPUT=TAP, bats --tap) and count its result lines:
# "ok N" passed, "ok N ... # skip" skipped, "not ok N" failed. Shows each
# failure with the diagnostics under it, and a line per suite. A suite that
# exits non-zero with no failing test (it crashed, a sanitizer stopped it,
# it could not start) is broken: a failure too.
run_tap() {
	local name=$1 rc p f s log
	shift
	log=$(mktemp)
	CMOCKA_MESSAGE_OUTPUT=TAP "$@" >"$log" 2>&1
	rc=$?
	p=$(grep -ciE '^ok [0-9]+' "$log")
	s=$(grep -ciE '^ok [0-9]+.*# *skip' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	p=$((p - s))
	awk '/^not ok [0-9]+/ { on = 1; print "  " $0; next }
	     /^(ok|not ok) [0-9]+/ { on = 0 }
	     on && /^#/ { print "  " $0 }
	     /^# kernel: / { print "  " $0 }' "$log"
	echo "  $name: $p passed, $f failed, $s skipped"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		tail -20 "$log"
		broken+=("$name (exit $rc)")
	fi
	rm -f "$log"
}

echo "== unit tests"
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] && run_tap "$(basename "$t")" "$t"
done
echo "== unit tests under ASan/UBSan"
for t in "$BUILD"/asan/tests/unit/test_*; do
	[ -x "$t" ] && ASAN_OPTIONS=detect_leaks=1 run_tap "asan $(basename "$t")" "$t"
done
echo "== data path (BPF_PROG_TEST_RUN)"
wait_datapath_uptime
run_tap datapath "$BUILD/tests/datapath/test_datapath"
echo "== differential fuzzing (a fixed seed, 200,000 packets)"
run_tap fuzz "$BUILD/tests/fuzz/fuzz_datapath" -n 200000 -s 9 \
	-o "$BUILD/fuzz"
echo "== integration (edgexdp in network namespaces)"
for t in tests/integration/*.bats; do
	run_tap "$t" bats --tap "$t"
done
echo "== end to end (the Lync edge lab)"
for t in tests/e2e/*.bats; do
	[ -e "$t" ] && run_tap "$t" bats --tap "$t"
done

# The same suites on the kernel a Debian 12 gateway runs: qemu boots
# Debian's 6.1 (tools/vm.sh, tests/vm/run.sh). Not booting is a failure.
echo "== VM stage: Debian 12's kernel in qemu"
if [ -n "${EDGEXDP_SKIP_VM:-}" ]; then
	echo "!!!!!! VM STAGE SKIPPED (EDGEXDP_SKIP_VM is set): nothing was tested on"
	echo "!!!!!! Debian 12's kernel. Counted as failed: this run proves nothing there."
	broken+=("VM stage skipped (EDGEXDP_SKIP_VM)")
else
	run_tap "VM stage" tools/vm.sh tests/vm/run.sh
fi

for b in "${broken[@]}"; do
	echo "BROKEN: $b"
	failed=$((failed + 1))
done
echo
echo "total: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
