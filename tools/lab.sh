#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The Lync Server 2013 consolidated edge behind NAT, in network namespaces,
# with edgexdp on the gateway. Run as root.
#
#   lab.sh run [--keep]  build the lab, prove it works without the filter,
#                        load edgexdp, send every documented flow and the
#                        attacks, relay media through a real TURN server
#                        (coturn) on the A/V edge, print the results and
#                        `edgexdp stats`, then remove the lab (--keep:
#                        leave it up and say how to enter and remove it)
#   lab.sh up            build the lab and start its services, no filter
#   lab.sh down          remove the lab and anything a crashed run left
#   lab.sh shell SIDE    a shell in inet|gw|edge|corp (prints the command
#                        when not on a terminal)
#
# The pieces live in tools/lab/: common.sh (names, addresses), topology.sh,
# services.sh, flows.sh (what is sent and how it is judged), turn.sh (the
# TURN relay, its client and peer), labnet.py (listeners, probes, forged
# packets), edgexdp-lab.yaml (the config).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tools/lab/common.sh
. "$HERE/lab/common.sh"
# shellcheck source=tools/lab/topology.sh
. "$HERE/lab/topology.sh"
# shellcheck source=tools/lab/services.sh
. "$HERE/lab/services.sh"
# shellcheck source=tools/lab/flows.sh
. "$HERE/lab/flows.sh"
# shellcheck source=tools/lab/turn.sh
. "$HERE/lab/turn.sh"

usage() {
	sed -n '3,15s/^# \{0,1\}//p' "$0"
}

need_root() {
	[ "$(id -u)" = 0 ] || lab_die "must run as root (network namespaces, BPF)" || exit 1
	local t
	for t in ip nft jq "$LAB_PY"; do
		command -v "$t" >/dev/null ||
			{ lab_die "$t is missing; as root run: tools/install/install-deps.sh"; exit 1; }
	done
}

# Builds the lab; on any failure removes what was built.
cmd_up() {
	if lab_exists; then
		lab_die "a lab is already up (or left over): run '$0 down' first"
		return 1
	fi
	lab_say "building the lab: namespaces $LAB_NAMESPACES"
	lab_up
}

print_enter() {
	cat <<-EOF

	The lab is up. Enter a side (inet, gw, edge, corp):
	  $0 shell gw
	  EDGEXDP_BPFFS=$LAB_BPFFS ip netns exec $NS_GW $LAB_EDGEXDP stats
	Remove it:
	  $0 down
	EOF
}

KEEP=0
FINISHED=0
on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "$KEEP" = 1 ] && [ "$FINISHED" = 1 ]; then
		print_enter
	else
		lab_say "removing the lab"
		lab_down || lab_say "warning: some of the lab could not be removed"
	fi
	exit "$rc"
}

cmd_run() {
	local rc=0 flows attacks spoofs json
	case ${1:-} in
	--keep) KEEP=1 ;;
	"") ;;
	*) usage >&2; exit 2 ;;
	esac
	if lab_exists; then
		lab_die "a lab is already up (or left over): run '$0 down' first"
		exit 1
	fi
	# From here on, whatever happens, the lab goes (unless --keep and the
	# run got to its end).
	trap on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	lab_say "building the lab: namespaces $LAB_NAMESPACES"
	lab_up || exit 1
	flows=$(lab_ids "$FLOWS")
	attacks=$(lab_ids "$ATTACKS")
	spoofs=$(lab_ids "$SPOOFS")

	lab_say "phase 1: no filter; every flow and attack must connect"
	# shellcheck disable=SC2086
	if lab_phase1; then
		echo "phase 1 (no filter): all $(wc -w <<<"$flows $attacks") flows" \
			"and attacks connected with their reply;" \
			"all $(wc -w <<<"$spoofs") spoofed replies reached the edge"
	else
		# shellcheck disable=SC2086
		lab_report "phase 1 (no filter): the lab itself is broken" \
			$flows $attacks $spoofs
		lab_die "phase 1 failed: the topology or the services are broken"
		exit 1
	fi

	if [ ! -x "$LAB_EDGEXDP" ]; then
		lab_die "$LAB_EDGEXDP is not built (make): phase 2 skipped"
		exit 1
	fi
	lab_say "loading edgexdp: $LAB_CONFIG"
	lab_edgexdp load -c "$LAB_CONFIG" >&2 || { lab_die "edgexdp load failed"; exit 1; }

	lab_say "phase 2: edgexdp loaded; documented flows, attacks, spoofed replies"
	# shellcheck disable=SC2119
	lab_phase2_flows || rc=1
	# shellcheck disable=SC2119
	lab_phase2_attacks || rc=1
	# shellcheck disable=SC2119
	lab_phase2_spoofs || rc=1
	# shellcheck disable=SC2086
	lab_report "phase 2, documented flows (edgexdp loaded; IPv4 via the NAT)" $flows || rc=1
	# shellcheck disable=SC2086
	lab_report "phase 2, attacks" $attacks $spoofs || rc=1

	lab_say "phase 3: a real TURN relay (coturn) on the A/V edge"
	lab_phase3_turn || rc=1

	json=$(lab_edgexdp -j stats) || rc=1
	echo
	if lab_check_rule_flows "$json"; then
		echo "rule counters: every rule that carried a flow counted it"
	else
		rc=1
	fi
	printf '\nedgexdp stats\n'
	lab_edgexdp stats || rc=1
	echo
	if [ "$rc" = 0 ]; then
		echo "lab: every flow, attack and counter as expected"
	else
		echo "lab: SOME CHECKS FAILED (rows marked FAIL above)"
	fi
	FINISHED=1
	exit "$rc"
}

# coturn's turnserver on the A/V edge, turnutils_uclient from the Internet
# over udp/3478 and TLS on tcp/443, media to turnutils_peer's ordinary port.
lab_phase3_turn() {
	local transport summary rc=0
	printf '\nphase 3, coturn on the A/V edge (%s:3478 udp, :443 tls; relay ports %s-%s)\n' \
		"$PUB_AV" "$TURN_RELAY_LO" "$TURN_RELAY_HI"
	lab_turn_up || { echo "TURN server or peer did not start: FAIL"; return 1; }
	for transport in udp tls; do
		summary=$(lab_turn_client "$transport")
		read -r _ sent _ recv _ _ _ <<<"$summary"
		printf '  %-4s %s; relayed %s to the peer %s:%s: %s\n' "$transport" \
			"$summary" "$(lab_turn_relays "$TURN_DIR/uclient-$transport.log" | tr '\n' ' ')" \
			"$TURN_PEER" "$TURN_PEER_PORT" \
			"$([ "$sent" -gt 0 ] && [ "$recv" = "$sent" ] && echo ok || echo FAIL)"
		[ "$sent" -gt 0 ] && [ "$recv" = "$sent" ] || rc=1
	done
	lab_turn_down
	return $rc
}

cmd_shell() {
	local side=${1:-}
	case $side in
	inet | gw | edge | corp) ;;
	"$LAB_PREFIX"*) side=${side#"$LAB_PREFIX"} ;;
	*) lab_die "usage: $0 shell inet|gw|edge|corp"; exit 2 ;;
	esac
	if [ -t 0 ] && [ -t 1 ]; then
		EDGEXDP_BPFFS=$LAB_BPFFS exec ip netns exec "$LAB_PREFIX$side" \
			"${SHELL:-/bin/bash}"
	fi
	echo "EDGEXDP_BPFFS=$LAB_BPFFS ip netns exec $LAB_PREFIX$side ${SHELL:-/bin/bash}"
}

case ${1:-} in
run) need_root; shift; cmd_run "$@" ;;
up) need_root; cmd_up && print_enter ;;
down) need_root; lab_down && lab_say "lab removed" ;;
shell) shift; cmd_shell "$@" ;;
-h | --help | help) usage ;;
*) usage >&2; exit 2 ;;
esac
