#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The VM stage: what tests/run-all.sh runs inside tools/vm.sh, on Debian
# 12's own kernel: what meets the kernel's BPF. The integration suite of
# the tool (load, status, stats, unload on veths in namespaces) and the
# dispatcher test, then the data-path suite (BPF_PROG_TEST_RUN). Suites
# whose subject is not the kernel's BPF (nftables export, install) or that
# time a TCP echo (too tight for TCG) run on the host only.
#
# Prints one TAP stream: every suite's results renumbered in a row, each
# named after its suite, the plan at the end, everything else as comments.
# A suite that fails without saying which test (it could not start) is one
# "not ok" of its own.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
# shellcheck source=tests/uptime.sh
. tests/uptime.sh
n=0

# suite NAME CMD...: run one suite and fold its TAP into ours.
suite() {
	local name=$1 out rc
	shift
	out=$(mktemp)
	"$@" >"$out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "[0-9]* | "not ok "[0-9]*)
			n=$((n + 1))
			# "ok 3 - x" / "ok 3 x" -> "ok N - name: x"
			echo "$line" | sed -E "s/^(not ok|ok) [0-9]+( -)? ?/\\1 $n - $name: /"
			;;
		*) echo "# $line" ;;
		esac
	done <"$out"
	if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$out"; then
		n=$((n + 1))
		echo "not ok $n - $name: exited $rc without a failing test (see above)"
	fi
	rm -f "$out"
}

echo "# kernel: $(uname -r) (the VM stage ran on it)"
for t in tests/integration/cli.bats tests/vm/*.bats; do
	suite "$(basename "$t" .bats)" bats --tap "$t"
done
wait_datapath_uptime
CMOCKA_MESSAGE_OUTPUT=TAP suite datapath "$BUILD/tests/datapath/test_datapath"
echo "1..$n"
