/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The data path's maps, in one place. Their names and layouts are ABI
 * (include/edgexdp.h): userspace creates, fills and pins them by these
 * names. Helpers that work on a table of several (conntrack) take it as a
 * parameter; the others use their one map by name.
 */
#ifndef EDGEXDP_MAPS_H
#define EDGEXDP_MAPS_H

/* ifindex -> zone and stats slot of each NIC we are attached to. An
 * array, not a hash: the lookup is inlined, on every packet. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EDGEXDP_MAX_IFINDEX);
	__type(key, __u32);
	__type(value, struct edgexdp_iface);
} interfaces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct edgexdp_settings);
} settings SEC(".maps");

/* proto * EDGEXDP_PORTS_PER_PROTO + port (host order) -> group per zone. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, (EDGEXDP_PROTO_COUNT * EDGEXDP_PORTS_PER_PROTO));
	__type(key, __u32);
	__type(value, struct edgexdp_port_entry);
} port_groups SEC(".maps");

/* address -> class; the longest prefix wins, a miss is class 0. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, EDGEXDP_MAX_PREFIXES);
	__type(key, struct edgexdp_lpm_v4);
	__type(value, __u32);
} addr_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, EDGEXDP_MAX_PREFIXES);
	__type(key, struct edgexdp_lpm_v6);
	__type(value, __u32);
} addr_v6 SEC(".maps");

/*
 * (group, src class, dst class) -> rule id. Not preallocated: sized for
 * the worst expansion, a preallocated table pins 80 MB of kernel memory for
 * the few thousand triples a real config needs. Only userspace inserts, so the
 * lookups this program does cost the same.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, EDGEXDP_MAX_RULE_MATCHES);
	__type(key, struct edgexdp_match_key);
	__type(value, __u32);
} rule_match SEC(".maps");

/* private address -> public address of each NAT pair. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EDGEXDP_MAX_NAT_PAIRS);
	__type(key, struct edgexdp_nat_key);
	__type(value, struct edgexdp_addr);
} nat_canon SEC(".maps");

/*
 * Confirmed flows: only a flow whose two sides have both proven their
 * address gets here, so unconfirmed traffic can never evict one. LRU: when
 * it is full, the least recently used confirmed flow goes (expired ones
 * first, as they are the oldest), and ct_stats counts it. One LRU list
 * for all CPUs: inserts are rare (one per handshake), and a per-CPU list
 * would evict on a CPU whose share is full while others have room.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EDGEXDP_CT_DEFAULT_ENTRIES);
	__type(key, struct edgexdp_ct_key);
	__type(value, struct edgexdp_ct_entry);
} conntrack SEC(".maps");

/*
 * Unconfirmed flows: a bare SYN or an unreplied datagram, which anyone can
 * spoof. Smaller, short timeouts, and an LRU of its own, so a flood only
 * displaces other unconfirmed flows. Per-CPU LRU lists: a flood inserts
 * on every packet, and the common list's lock is where it would spend
 * its time.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__uint(max_entries, EDGEXDP_CT_UNCONFIRMED_DEFAULT_ENTRIES);
	__type(key, struct edgexdp_ct_key);
	__type(value, struct edgexdp_ct_entry);
} ct_unconfirmed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct edgexdp_ct_stats);
} ct_stats SEC(".maps");

/* One TCP segment, as the window checks see it (bpf/ct_tcp.h). */
struct tcp_seg {
	__u32 seq;
	__u32 ack;
	__u32 end; /* seq + payload, + 1 for a SYN, + 1 for a FIN */
	__u32 win; /* the raw window field */
	__u8 flags;
	__u8 wscale; /* a SYN's window scale option, or TCP_WSCALE_NONE */
	__u8 from_a; /* sent by endpoint a of the flow's key */
	__u8 local_responders; /* the setting (include/edgexdp.h) */
};

/*
 * Where conntrack builds a new flow's entry and the segment it judges: the
 * program's stack (512 bytes for it and every function it calls) has no
 * room left for them. Per CPU, so no other packet shares it.
 */
struct ct_scratch {
	struct edgexdp_ct_entry entry;
	struct tcp_seg seg;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ct_scratch);
} ct_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EDGEXDP_FRAG_ENTRIES);
	__type(key, struct edgexdp_frag_key);
	__type(value, struct edgexdp_frag_entry);
} frags SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EDGEXDP_MAX_RULES);
	__type(key, __u32);
	__type(value, struct edgexdp_rule_stats);
} rule_stats SEC(".maps");

/* Per interface slot, every verdict reason; see include/edgexdp.h. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EDGEXDP_STATS_SLOTS);
	__type(key, __u32);
	__type(value, struct edgexdp_slot_stats);
} verdict_stats SEC(".maps");

/* The drop log (include/edgexdp.h): switch, token buckets, records. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct edgexdp_droplog_config);
} droplog_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EDGEXDP_DROP_REASON_COUNT);
	__type(key, __u32);
	__type(value, struct edgexdp_droplog_bucket);
} droplog_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EDGEXDP_DROPLOG_RING_BYTES);
} droplog SEC(".maps");

#endif /* EDGEXDP_MAPS_H */
