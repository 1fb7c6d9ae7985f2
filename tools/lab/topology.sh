# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The lab's wiring: four namespaces, four veth pairs, routes between them
# only (no default route anywhere: nothing can leave the lab), the
# gateway's 1:1 NAT, and the private bpffs edgexdp pins into.
#
#   inet ── eth0 ═ gw-inet ┐                 ┌ gw-dmz ═ ext0 ── edge
#   198.51.100.0/24        │   gw (routes,   │  10.45.16.10/20/30
#   2001:db8:100::/64      │   NAT, edgexdp) │  2001:db8:45::10/20/30
#                          │                 │
#   corp ── eth0 ═ gw-corp ┘                 └ gw-edgeint ═ int0 ── edge
#   172.25.40.5                                 172.25.33.10
#
# External zone: gw-inet, gw-dmz. Internal zone: gw-edgeint, gw-corp.

# lab_ns_add NAME: a namespace with loopback up and the sysctls set before
# any NIC arrives (new NICs copy the "default" values).
lab_ns_add() {
	local ns=$1
	ip netns add "$ns" || return 1
	lab_in "$ns" sysctl -qw \
		net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 \
		net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.default.accept_ra=0 || return 1
	# Clients pick ephemeral ports below the RTP range 50000-59999: a
	# probe from such a source port to a closed port is looked up on the
	# A/V edge's source-port rules (external 9, 10) and counted as
	# no_rule_addr, not no_rule_port; the reason checks must not be luck.
	lab_in "$ns" sysctl -qw net.ipv4.ip_local_port_range="32768 49999" ||
		return 1
	ip -n "$ns" link set lo up
}

# lab_link GWNIC PEERNS PEERNIC: one veth pair from the gateway to a side.
lab_link() {
	ip -n "$NS_GW" link add "$1" type veth peer name "$3" netns "$2" &&
		ip -n "$NS_GW" link set "$1" up &&
		ip -n "$2" link set "$3" up
}

lab_topology_up() {
	local ns a
	for ns in $LAB_NAMESPACES; do
		lab_ns_add "$ns" || return 1
	done

	lab_link "$GW_INET" "$NS_INET" eth0 || return 1
	lab_link "$GW_DMZ" "$NS_EDGE" ext0 || return 1
	lab_link "$GW_EDGEINT" "$NS_EDGE" int0 || return 1
	lab_link "$GW_CORP" "$NS_CORP" eth0 || return 1

	# The gateway: one address per segment, forwarding on.
	ip -n "$NS_GW" addr add 198.51.100.1/24 dev "$GW_INET"
	ip -n "$NS_GW" addr add 2001:db8:100::1/64 dev "$GW_INET" nodad
	ip -n "$NS_GW" addr add 10.45.16.1/24 dev "$GW_DMZ"
	ip -n "$NS_GW" addr add 2001:db8:45::1/64 dev "$GW_DMZ" nodad
	ip -n "$NS_GW" addr add 172.25.33.1/24 dev "$GW_EDGEINT"
	ip -n "$NS_GW" addr add 172.25.40.1/24 dev "$GW_CORP"
	lab_in gw sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 || return 1

	# The Internet side: every party on one segment.
	for a in $INET_ADDRS; do
		ip -n "$NS_INET" addr add "$a/24" dev eth0 || return 1
	done
	for a in $INET6_ADDRS; do
		ip -n "$NS_INET" addr add "$a/64" dev eth0 nodad || return 1
	done
	ip -n "$NS_INET" route add 203.0.113.0/24 via 198.51.100.1
	ip -n "$NS_INET" route add 2001:db8:45::/64 via 2001:db8:100::1
	# The attacker sits next to the gateway and aims at the edge's
	# internal address too (the wrong-zone attacks).
	ip -n "$NS_INET" route add 172.25.33.0/24 via 198.51.100.1

	# The edge: three private addresses on the external NIC, one on the
	# internal NIC. It answers from the NIC its address lives on (policy
	# routing), so every path through the gateway is symmetric.
	for a in "$EDGE_ACCESS" "$EDGE_WEBCONF" "$EDGE_AV"; do
		ip -n "$NS_EDGE" addr add "$a/24" dev ext0 || return 1
	done
	for a in "$EDGE6_ACCESS" "$EDGE6_WEBCONF" "$EDGE6_AV"; do
		ip -n "$NS_EDGE" addr add "$a/64" dev ext0 nodad || return 1
	done
	ip -n "$NS_EDGE" addr add "$EDGE_INT/24" dev int0
	ip -n "$NS_EDGE" route add 198.51.100.0/24 via 10.45.16.1
	ip -n "$NS_EDGE" route add 2001:db8:100::/64 via 2001:db8:45::1
	ip -n "$NS_EDGE" route add 172.25.40.0/24 via 172.25.33.1
	ip -n "$NS_EDGE" route add 172.25.40.0/24 via 10.45.16.1 table 16
	ip -n "$NS_EDGE" rule add from 10.45.16.0/24 lookup 16 pref 100
	ip -n "$NS_EDGE" route add 198.51.100.0/24 via 172.25.33.1 table 33
	ip -n "$NS_EDGE" rule add from "$EDGE_INT" lookup 33 pref 101

	# The corporate side reaches the edge's internal NIC, and (for the
	# wrong-zone attacks) its external addresses.
	ip -n "$NS_CORP" addr add "$CORP_FE/24" dev eth0
	ip -n "$NS_CORP" route add 172.25.33.0/24 via 172.25.40.1
	ip -n "$NS_CORP" route add 10.45.16.0/24 via 172.25.40.1

	lab_nat_up
}

# 1:1 NAT of the three edge addresses, on the Internet NIC only: dnat on the
# way in, snat on the way out. IPv6 is not translated.
lab_nat_up() {
	lab_in gw nft -f - <<-EOF
	table ip exdp_lab_nat {
		map pub2priv {
			type ipv4_addr : ipv4_addr
			elements = { $PUB_ACCESS : $EDGE_ACCESS, $PUB_WEBCONF : $EDGE_WEBCONF, $PUB_AV : $EDGE_AV }
		}
		map priv2pub {
			type ipv4_addr : ipv4_addr
			elements = { $EDGE_ACCESS : $PUB_ACCESS, $EDGE_WEBCONF : $PUB_WEBCONF, $EDGE_AV : $PUB_AV }
		}
		chain prerouting {
			type nat hook prerouting priority dstnat; policy accept;
			iifname "$GW_INET" dnat to ip daddr map @pub2priv
		}
		chain postrouting {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "$GW_INET" snat to ip saddr map @priv2pub
		}
	}
	EOF
}

# The private bpffs: `ip netns exec` remounts /sys, so edgexdp's pins live
# outside it, in a bpffs every invocation sees.
lab_bpffs_up() {
	mkdir -p "$LAB_BPFFS" &&
		mount -t bpf bpf "$LAB_BPFFS" &&
		export EDGEXDP_BPFFS="$LAB_BPFFS"
}

# lab_up: the whole lab, services included, no filter. On any failure it
# removes what it built and returns 1.
lab_up() {
	mkdir -p "$LAB_STATE" &&
		lab_topology_up &&
		lab_bpffs_up &&
		lab_services_up && return 0
	lab_die "could not build the lab; removing what was built"
	lab_down
	return 1
}

# Everything the lab may have left, whatever state it is in: the filter,
# the processes in the lab's namespaces (by pid), the namespaces (their
# veths and XDP programs go with them), the bpffs and the state directory.
lab_down() {
	local ns pids left=0
	if [ -x "$LAB_EDGEXDP" ] && ip netns list | grep -qw "$NS_GW" &&
		mountpoint -q "$LAB_BPFFS" && [ -e "$LAB_BPFFS/edgexdp" ]; then
		lab_edgexdp unload >/dev/null 2>&1
	fi
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $ns in "$LAB_PREFIX"*) ;; *) continue ;; esac
		pids=$(ip netns pids "$ns" 2>/dev/null)
		if [ -n "$pids" ]; then
			# shellcheck disable=SC2086
			kill $pids 2>/dev/null
			sleep 0.2
			pids=$(ip netns pids "$ns" 2>/dev/null)
			# shellcheck disable=SC2086
			[ -n "$pids" ] && kill -9 $pids 2>/dev/null
		fi
		ip netns del "$ns" 2>/dev/null || left=1
	done
	if mountpoint -q "$LAB_BPFFS" 2>/dev/null; then
		umount "$LAB_BPFFS" || left=1
	fi
	if [ -d "$LAB_STATE" ]; then
		rm -rf "$LAB_STATE" || left=1
	fi
	return $left
}
