# shellcheck shell=bash disable=SC2034
# (SC2034: the names below are used by the files that source this one.)
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The lab's names, addresses and small helpers; sourced by tools/lab.sh and
# tests/e2e/lab.bats. Everything the lab creates carries LAB_PREFIX or lives
# under LAB_STATE, so `lab.sh down` finds every leftover.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_REPO=$(cd "$LAB_DIR/../.." && pwd)
# Both can be overridden so that two labs (two checkouts) can run at once.
LAB_PREFIX=${LAB_PREFIX:-exdp-lab-}
LAB_STATE=${LAB_STATE:-/run/exdp-lab} # logs, pid files, and the private bpffs
LAB_BPFFS=$LAB_STATE/bpffs
LAB_CONFIG=$LAB_DIR/edgexdp-lab.yaml
LAB_EDGEXDP=${EDGEXDP:-$LAB_REPO/build/edgexdp}
LAB_PY=/usr/bin/python3 # Debian's, whatever python3 comes first in PATH
LAB_NET=$LAB_DIR/labnet.py

# The four sides, each a network namespace.
NS_INET=${LAB_PREFIX}inet # remote users, partners, the attacker
NS_GW=${LAB_PREFIX}gw # the gateway: routes, NATs, runs edgexdp
NS_EDGE=${LAB_PREFIX}edge # the consolidated edge server
NS_CORP=${LAB_PREFIX}corp # the Front End pool
LAB_NAMESPACES="$NS_INET $NS_GW $NS_EDGE $NS_CORP"

# The gateway's four NICs and their edgexdp zones.
GW_INET=gw-inet # external: the Internet side
GW_DMZ=gw-dmz # external: the edge's external NIC
GW_EDGEINT=gw-edgeint # internal: the edge's internal NIC
GW_CORP=gw-corp # internal: the corporate network

# Internet side (RFC 5737 / RFC 3849): who is who.
INET_USER=198.51.100.10 # remote user (Lync client)
INET_FED=198.51.100.20 # federation partner's edge
INET_XMPP=198.51.100.30 # XMPP federation partner
INET_PIM=198.51.100.40 # public IM provider / Live Messenger client
INET_SRV=198.51.100.50 # public DNS and CRL server
INET_ATT=198.51.100.66 # attacker
INET6_USER=2001:db8:100::10
INET6_FED=2001:db8:100::20
INET6_XMPP=2001:db8:100::30
INET6_PIM=2001:db8:100::40
INET6_SRV=2001:db8:100::50
INET6_ATT=2001:db8:100::66
INET_ADDRS="$INET_USER $INET_FED $INET_XMPP $INET_PIM $INET_SRV $INET_ATT"
INET6_ADDRS="$INET6_USER $INET6_FED $INET6_XMPP $INET6_PIM $INET6_SRV $INET6_ATT"

# The edge: private external addresses, their public NAT twins, IPv6
# (not translated), the internal NIC.
EDGE_ACCESS=10.45.16.10
EDGE_WEBCONF=10.45.16.20
EDGE_AV=10.45.16.30
PUB_ACCESS=203.0.113.10
PUB_WEBCONF=203.0.113.20
PUB_AV=203.0.113.30
EDGE6_ACCESS=2001:db8:45::10
EDGE6_WEBCONF=2001:db8:45::20
EDGE6_AV=2001:db8:45::30
EDGE_INT=172.25.33.10
CORP_FE=172.25.40.5 # Front End

# Every port a listener answers on, TCP and UDP, on every address: each
# documented port, both ends of the RTP range and its middle, the attack
# ports (8080, 9999) and the target of the spoofed replies (40000).
LAB_PORTS=53,80,443,3478,4443,5061,5062,5269,8057,8080,9999,23456,40000,50000,50001,50002,50003,55000,59999
SPOOF_PORT=40000

# Output: keep stdout for the tables, progress on stderr.
lab_say() { printf 'lab: %s\n' "$*" >&2; }
lab_die() {
	printf 'lab: error: %s\n' "$*" >&2
	return 1
}

# lab_in NS CMD...: NS is a short side name (inet, gw, edge, corp) or a full
# namespace name. EDGEXDP_BPFFS goes along so edgexdp finds its pins.
lab_in() {
	local ns=$1
	shift
	case $ns in
	"$LAB_PREFIX"*) ;;
	*) ns=$LAB_PREFIX$ns ;;
	esac
	EDGEXDP_BPFFS=$LAB_BPFFS ip netns exec "$ns" "$@"
}

# lab_edgexdp ARGS...: the tool, in the gateway, with the lab's bpffs.
lab_edgexdp() {
	lab_in gw "$LAB_EDGEXDP" "$@"
}

# The namespace that owns an address (the side whose listener answers).
lab_owner() {
	case $1 in
	198.51.100.* | 2001:db8:100:*) echo inet ;;
	203.0.113.* | 10.45.16.* | 2001:db8:45:* | 172.25.33.*) echo edge ;;
	172.25.40.*) echo corp ;;
	*) return 1 ;;
	esac
}

# The address a listener sees for a destination (NAT undone).
lab_private() {
	case $1 in
	"$PUB_ACCESS") echo "$EDGE_ACCESS" ;;
	"$PUB_WEBCONF") echo "$EDGE_WEBCONF" ;;
	"$PUB_AV") echo "$EDGE_AV" ;;
	*) echo "$1" ;;
	esac
}

lab_exists() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $ns in "$LAB_PREFIX"*) return 0 ;; esac
	done
	[ -d "$LAB_STATE" ]
}
