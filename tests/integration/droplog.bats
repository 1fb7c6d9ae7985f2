#!/usr/bin/env bats
# The drop log: each kind of drop shows up in `edgexdp log` with its
# reason and rule, -w writes a pcap tcpdump reads, the rate limit holds
# under a bounded flood, and the log is off whenever no listener runs.

load ../helpers

setup_file() {
	export GW="exdp-dlog-gw-$$" PEER="exdp-dlog-peer-$$"
	export CFG="$BATS_FILE_TMPDIR/edgexdp.yaml"
	topology_gw_peer "$GW" "$PEER"
	bpffs_setup
	in_ns "$GW" "$EDGEXDP" load -c "$CFG" >/dev/null
}

teardown_file() {
	topology_teardown "$GW" "$PEER"
}

teardown() {
	if [ -n "${LOG_PID:-}" ]; then
		kill "$LOG_PID" 2>/dev/null
		wait "$LOG_PID" 2>/dev/null
	fi
	return 0
}

# The switch the data path reads on every drop, as bpftool shows it.
log_enabled() {
	bpftool -j map lookup pinned "$EDGEXDP_BPFFS/edgexdp/droplog_config" key 0 0 0 0 |
		jq -r '.value[0] // .formatted.value.enabled' | grep -qE '^(0x01|1)$'
}

# The drop log's config (switch, rate, lease), as bpftool shows it.
log_config() {
	bpftool -j map lookup pinned "$EDGEXDP_BPFFS/edgexdp/droplog_config" key 0 0 0 0 |
		jq -c .value
}

# start_log ARGS...: edgexdp log in the gateway, its output in $LOG_OUT;
# wait until it has switched the records on: a lease of its own (one a
# killed listener left may still be there) and the external NIC's flag.
start_log() {
	local before
	before=$(log_config)
	LOG_OUT="$BATS_TEST_TMPDIR/log.out"
	ip netns exec "$GW" timeout 30 "$EDGEXDP" log "$@" >"$LOG_OUT" 2>&1 &
	LOG_PID=$!
	for _ in $(seq 100); do
		if log_enabled && [ "$(log_config)" != "$before" ] &&
			iface_flag_on veth-ext; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# stop_log: let the records drain, then SIGINT, as an operator's ^C.
stop_log() {
	sleep 0.5
	kill -INT "$LOG_PID"
	wait "$LOG_PID"
	LOG_PID=
}

# send_tcp SPORT DPORT FLAGS [DOFF] [COUNT]: TCP segments from the peer's
# external address to the gateway's, through a raw socket (the kernel
# writes the IP header): what no socket API sends.
send_tcp() {
	ip netns exec "$PEER" python3 - "$@" <<-'PY'
	import socket, struct, sys
	sport, dport, flags = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3], 0)
	doff = int(sys.argv[4]) if len(sys.argv) > 4 else 5
	count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
	src, dst = "203.0.113.99", "203.0.113.10"
	def csum(b):
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    while s >> 16:
	        s = (s & 0xFFFF) + (s >> 16)
	    return ~s & 0xFFFF
	s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
	for i in range(count):
	    hdr = struct.pack("!HHIIBBHHH", sport, dport, 1000 + i, 0, doff << 4, flags, 65535, 0, 0)
	    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(hdr))
	    hdr = hdr[:16] + struct.pack("!H", csum(pseudo + hdr)) + hdr[18:]
	    s.sendto(hdr, (dst, 0))
	PY
}

# send_proto PROTO: one IP datagram of another protocol (SCTP: 132).
send_proto() {
	ip netns exec "$PEER" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, int(sys.argv[1]))
s.sendto(b"\0" * 16, ("203.0.113.10", 0))' "$1"
}

# record REASON JQ-CONDITION: the first JSON record of REASON that holds.
record() {
	jq -c "select(.reason == \"$1\" and ($2))" "$LOG_OUT" | head -1
}

@test "the drop log is off until a listener switches it on" {
	! log_enabled
	run in_ns "$GW" "$EDGEXDP" log --reason nonsense
	[ "$status" -eq 2 ]
	! log_enabled
}

@test "help log names every drop reason, as stats does" {
	reasons=$("$EDGEXDP" help log | sed -n 's/^ *reasons: //p' | tr ',' '\n' | sort)
	[ -n "$reasons" ]
	[ "$reasons" = "$(in_ns "$GW" "$EDGEXDP" -j stats | jq -r '.drops | keys[]' | sort)" ]
}

@test "each kind of drop shows up with its reason and rule" {
	start_log -j
	send_tcp 40000 8080 0x02                 # no rule on the port
	in_ns "$PEER" ping -c 1 -W 0.2 203.0.113.10 >/dev/null 2>&1 || true
	send_tcp 40001 443 0x02                  # opens a flow, rule ext-sip-tls-in
	send_tcp 40001 443 0x12                  # SYN+ACK from its initiator
	send_tcp 40002 443 0x02 2                # header length 8 bytes
	send_proto 132
	stop_log
	! log_enabled

	r=$(record no_rule_port '.dport == 8080')
	[ -n "$r" ] || { cat "$LOG_OUT"; return 1; }
	[ "$(jq -r '"\(.interface) \(.rule) \(.proto) \(.src):\(.sport) \(.dst)"' <<<"$r")" = \
	  "veth-ext null tcp 203.0.113.99:40000 203.0.113.10" ]
	[ "$(jq .len <<<"$r")" -eq 54 ]
	[ "$(jq .caplen <<<"$r")" -eq 54 ]
	[[ "$(jq -r .timestamp <<<"$r")" == "$(date -u +%Y-%m-%d)T"* ]]

	r=$(record icmp '.proto == "icmp"')
	[ -n "$r" ]
	[ "$(jq -r .rule <<<"$r")" = null ]

	r=$(record tcp_state '.sport == 40001')
	[ -n "$r" ]
	[ "$(jq -r .rule <<<"$r")" = ext-sip-tls-in ]

	r=$(record malformed '.proto == "tcp"')
	[ -n "$r" ]
	r=$(record proto '.proto == "proto-132"')
	[ -n "$r" ]
	# nothing of what passed: the flow's SYN is not a drop
	[ -z "$(jq -c 'select(.reason == "tcp_state" and .dport != 443)' "$LOG_OUT")" ]
}

@test "text lines say the same, and --reason and --iface filter" {
	start_log --reason no_rule_port --iface veth-ext
	in_ns "$PEER" ping -c 1 -W 0.2 203.0.113.10 >/dev/null 2>&1 || true
	send_tcp 40010 8081 0x02
	stop_log
	[ "$(wc -l < "$LOG_OUT")" -eq 1 ]
	grep -qE '^20[0-9-]+T[0-9:.]+Z veth-ext no_rule_port rule=- tcp 203.0.113.99:40010 -> 203.0.113.10:8081 len=54$' "$LOG_OUT"
	start_log --iface veth-int
	send_tcp 40011 8081 0x02
	stop_log
	[ ! -s "$LOG_OUT" ]
	start_log --reason no_rule_port --rate 1
	send_tcp 40012 8082 0x02 5 20
	stop_log
	cat "$LOG_OUT"
	tail -n 1 "$LOG_OUT" |
		grep -qE '^20[0-9-]+T[0-9:.]+Z \* no_rule_port \+[0-9]+ suppressed, counted on no record$'
}

@test "-w writes a pcap that tcpdump reads; frame K is the K-th record" {
	pcap="$BATS_TEST_TMPDIR/drops.pcap"
	start_log -j -w "$pcap" -c 3
	for p in 8091 8092 8093; do send_tcp 40020 "$p" 0x02; done
	wait "$LOG_PID"
	LOG_PID=
	[ "$(wc -l < "$LOG_OUT")" -eq 3 ]
	run sh -c 'tcpdump -nn -r "$1" 2>/dev/null' _ "$pcap"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	for k in 1 2 3; do
		r=$(sed -n "${k}p" "$LOG_OUT")
		[ "$(jq .frame <<<"$r")" -eq "$k" ]
		[ "$(jq -r .reason <<<"$r")" = no_rule_port ]
		[[ "${lines[$((k - 1))]}" == *"IP 203.0.113.99.40020 > 203.0.113.10.$(jq .dport <<<"$r"): Flags [S]"* ]]
	done
}

@test "the rate limit holds under a bounded flood" {
	before=$(in_ns "$GW" "$EDGEXDP" -j stats | jq .drops.no_rule_port)
	start_log -j --reason no_rule_port --rate 10
	t0=$(date +%s%N)
	send_tcp 40030 8095 0x02 5 2000
	t1=$(date +%s%N)
	stop_log
	after=$(in_ns "$GW" "$EDGEXDP" -j stats | jq .drops.no_rule_port)
	[ $((after - before)) -ge 2000 ]
	n=$(wc -l < "$LOG_OUT")
	# the burst, then 10/s, on each CPU, over the flood and the drain
	secs=$(( (t1 - t0) / 1000000000 + 2 ))
	max=$(( (10 + 10 * secs) * $(nproc) ))
	echo "records $n, at most $max"
	[ "$n" -ge 1 ]
	[ "$n" -le "$max" ]
	[ "$n" -lt 200 ]
	# every drop is a record or counted as withheld: on the record that
	# follows it, or on the line for its reason at the end
	records=$(jq -s 'map(select(.summary | not)) | length' "$LOG_OUT")
	withheld=$(jq -s 'map(.suppressed) | add' "$LOG_OUT")
	echo "records $records, withheld $withheld, drops $((after - before))"
	[ $((records + withheld)) -eq $((after - before)) ]
	[ "$(jq -s 'map(select(.summary)) | length' "$LOG_OUT")" -eq 1 ]
	[ "$(jq -s 'last | "\(.summary) \(.interface) \(.reason)"' -r "$LOG_OUT")" = \
	  "true null no_rule_port" ]
}

@test "a log shows nothing a log killed before it left behind" {
	start_log -j --reason no_rule_port --rate 1
	send_tcp 40031 8096 0x02 5 50   # a record per CPU, the rest withheld
	pkill -KILL -P "$LOG_PID"       # edgexdp, under timeout: no end
	wait "$LOG_PID" || true
	LOG_PID=
	sleep 1.1                       # a token again; the lease still runs:
	send_tcp 40032 8097 0x02 5 5    # a record no one reads, and withheld
	sleep 2.5                       # the lease runs out
	start_log -j --reason no_rule_port --rate 100
	send_tcp 40033 8098 0x02
	stop_log
	cat "$LOG_OUT"
	[ "$(wc -l < "$LOG_OUT")" -eq 1 ]
	[ "$(jq .dport "$LOG_OUT")" -eq 8098 ]
	[ "$(jq .suppressed "$LOG_OUT")" -eq 0 ]
}

@test "one log at a time: a second is refused, naming the first, which hears on" {
	lock="/run/edgexdp/log-$(stat -c '%Hd-%Ld-%i' "$EDGEXDP_BPFFS").lock"
	start_log -j
	[ -e "$lock" ]
	run in_ns "$GW" timeout 5 "$EDGEXDP" log
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"pid "*" reads the drop log of $EDGEXDP_BPFFS already: one log at a time"* ]]
	run in_ns "$GW" timeout 5 "$EDGEXDP" -j log --rate 5
	[ "$status" -eq 1 ]
	jq -e '.error | test("one log at a time")' <<<"$output"
	send_tcp 40060 8099 0x02
	stop_log
	[ -n "$(record no_rule_port '.dport == 8099')" ] || { cat "$LOG_OUT"; return 1; }
	[ ! -e "$lock" ]
	# gone, it leaves the next one free to start
	start_log -j
	stop_log
	[ ! -e "$lock" ]
}

@test "the log's lock lives where no other user can hold or plant it" {
	start_log -j
	stop_log
	[ "$(stat -c '%U %a' /run/edgexdp)" = "root 700" ]
	chmod 1777 /run/edgexdp
	run in_ns "$GW" timeout 5 "$EDGEXDP" log
	chmod 700 /run/edgexdp
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/run/edgexdp is not a directory only this user can write to (owner 0, mode 1777)"* ]]
	! log_enabled
}

# Is the drop log flag set on NIC's entry of the interfaces map?
iface_flag_on() {
	local idx bytes flags
	idx=$(ip -n "$GW" -j link show "$1" | jq '.[0].ifindex')
	bytes=$(printf '%d %d %d %d' $((idx & 255)) $((idx >> 8 & 255)) $((idx >> 16 & 255)) $((idx >> 24)))
	# shellcheck disable=SC2086
	flags=$(bpftool -j map lookup pinned "$EDGEXDP_BPFFS/edgexdp/interfaces" key $bytes |
		jq -r '.formatted.value.flags // .value[13]')
	(( flags & 2 )) # EDGEXDP_IFACE_DROPLOG
}

@test "a listener killed by SIGKILL leaves no cost: its lease lapses, the next drop switches off" {
	start_log -j
	iface_flag_on veth-ext
	# the listener itself, under its timeout(1), which then exits too
	pkill -KILL -P "$LOG_PID"
	wait "$LOG_PID" || true
	LOG_PID=
	# nobody switched it off
	log_enabled
	iface_flag_on veth-ext
	sleep 3.5 # EDGEXDP_DROPLOG_LEASE_NS
	send_tcp 40040 8096 0x02
	! log_enabled
	! iface_flag_on veth-ext
	# a new listener switches it on again and hears the next drop
	start_log -j
	send_tcp 40041 8097 0x02
	stop_log
	[ -n "$(record no_rule_port '.dport == 8097')" ]
}

@test "a listener reads on across a reload: the log is state, not rules" {
	start_log -j
	in_ns "$GW" "$EDGEXDP" reload -c "$CFG" >/dev/null
	# the new entries come switched on: no wait for the listener's poll
	iface_flag_on veth-ext
	send_tcp 40050 8098 0x02
	stop_log
	[ -n "$(record no_rule_port '.dport == 8098')" ] || { cat "$LOG_OUT"; return 1; }
}
