# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Sourced by tests/run-all.sh and tests/vm/run.sh before the data-path
# suite. Its flow-expiry cases back-date flows by up to the transitory
# timeout plus a second: CLOCK_MONOTONIC must be past that, and a machine
# that just booted (a fresh CI machine, the VM) is not.
DATAPATH_MIN_UPTIME=125

wait_datapath_uptime() {
	local up
	up=$(cut -d. -f1 /proc/uptime)
	if [ "$up" -lt "$DATAPATH_MIN_UPTIME" ]; then
		echo "# waiting $((DATAPATH_MIN_UPTIME - up)) s: the flow-expiry tests need an uptime of $DATAPATH_MIN_UPTIME s"
		sleep $((DATAPATH_MIN_UPTIME - up))
	fi
}
