#!/bin/bash
# Run every test suite: unit (plain and ASan/UBSan), data path
# (BPF_PROG_TEST_RUN), integration (edgexdp in netns/veth) and end-to-end
# (the lab). Needs root: the data path and network suites load BPF.
# Prints one "N passed, N failed" line at the end; exit 1 if anything failed.
set -u
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
passed=0
failed=0
broken=()

if [ "$(id -u)" != 0 ]; then
	echo "run-all: must run as root (BPF and network namespaces)" >&2
	exit 1
fi

# cmocka: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)"
run_cmocka() {
	local bin=$1 out rc p f
	out=$("$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (FAILED|ERROR)|^\[  PASSED|^\[==========\]' | sed "s|^|  $(basename "$bin"): |"
	printf '%s\n' "$out" | grep -E '^\[  FAILED  \] [a-z_]' | sed 's/^/  /'
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" != 0 ] && [ "${f:-0}" = 0 ]; then
		# crashed, or a sanitizer stopped it: that is a failure too
		printf '%s\n' "$out" | tail -20
		broken+=("$bin (exit $rc)")
	fi
}

# Programs and bats suites that end with "N passed, N failed" or TAP.
run_counted() {
	local name=$1 rc p f
	shift
	local log
	log=$(mktemp)
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	if grep -qE '^(ok|not ok) [0-9]+' "$log"; then
		p=$(grep -cE '^ok [0-9]+' "$log")
		f=$(grep -cE '^not ok [0-9]+' "$log")
	else
		p=$(sed -n 's/^.*\b\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*$/\1/p' "$log" | tail -1)
		f=$(sed -n 's/^.*\b\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*$/\2/p' "$log" | tail -1)
	fi
	rm -f "$log"
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" != 0 ] && [ "${f:-0}" = 0 ]; then
		broken+=("$name (exit $rc)")
	fi
}

echo "== unit tests"
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] && run_cmocka "$t"
done
echo "== unit tests under ASan/UBSan"
for t in "$BUILD"/asan/tests/unit/test_*; do
	[ -x "$t" ] && ASAN_OPTIONS=detect_leaks=1 run_cmocka "$t"
done
echo "== data path (BPF_PROG_TEST_RUN)"
run_counted datapath "$BUILD/tests/datapath/test_datapath"
echo "== integration (edgexdp in network namespaces)"
for t in tests/integration/*.bats; do
	run_counted "$t" bats --tap "$t"
done
echo "== end to end (the Lync edge lab)"
for t in tests/e2e/*.bats; do
	[ -e "$t" ] && run_counted "$t" bats --tap "$t"
done

for b in "${broken[@]}"; do
	echo "BROKEN: $b"
	failed=$((failed + 1))
done
echo
echo "total: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
