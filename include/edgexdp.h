/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * edgexdp: everything the XDP data path and the userspace tool share.
 *
 * Every map key and value, every enum and every limit lives here and only
 * here, so the two sides cannot drift apart. Types are fixed-width with
 * explicit padding: the layout is the ABI of the pinned maps.
 *
 * How a packet is classified (all lookups O(1) in the number of rules):
 *   1. ingress ifindex   -> zone               (interfaces, array)
 *   2. proto, dst port   -> port group per zone (port_groups, array)
 *      A port group is a class of ports that the same rules cover, so a
 *      range like 50000-59999 is one group, not 10,000 rules.
 *      Rules can also name a source port range (the A/V edge's media
 *      relay sends from 50000-59999 to any port): the same array gives a
 *      port's source port group, looked up on the source port only when
 *      some rule of the protocol names source ports (iface.sport_protos),
 *      and then only for a packet no flow knows or whose destination port
 *      no rule names. The junk filter lets a packet to an unnamed port
 *      through on its source port only for a source-port rule of the
 *      ingress NIC's zone (or, but for a bare SYN, as a reply from a
 *      rule's destination port).
 *      A rule that names no source port covers every source port group.
 *   3. src and dst addr  -> address class      (addr_v4 / addr_v6, LPM)
 *      An address class is one combination of address-set memberships.
 *   4. (group, sport group, src class, dst class) -> rule id (rule_match)
 *      Userspace expands every rule into the tuples it covers, first rule
 *      wins; group 0 stands for "a port no rule names on that side".
 * Replies never reach step 2: they match the flow in conntrack.
 */
#ifndef EDGEXDP_H
#define EDGEXDP_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifdef __BPF__
/* vmlinux.h already provides the __u8.. and __be16 types. */
#else
#include <linux/types.h>
#endif

/* Where state is pinned: $EDGEXDP_BPFFS (default below) + EDGEXDP_PIN_DIR. */
#define EDGEXDP_BPFFS_DEFAULT "/sys/fs/bpf"
#define EDGEXDP_PIN_DIR "edgexdp"

/* Limits. Each one sizes a map; userspace rejects configs that exceed them. */
#define EDGEXDP_MAX_RULES 4096
#define EDGEXDP_MAX_IFACES 64
#define EDGEXDP_MAX_IFINDEX 16384 /* size of the ifindex-indexed array */
#define EDGEXDP_MAX_PORT_GROUPS 65535 /* group ids are __u16, 0 = none */
#define EDGEXDP_MAX_ADDR_CLASSES 65535 /* class ids are __u16 */
#define EDGEXDP_MAX_PREFIXES 262144 /* per address family */
#define EDGEXDP_MAX_RULE_MATCHES (1 << 20)
#define EDGEXDP_MAX_NAT_PAIRS 4096
#define EDGEXDP_CT_DEFAULT_ENTRIES 262144 /* confirmed flows: conntrack */
/* Unconfirmed flows (ct_unconfirmed): a flood fills this table only. */
#define EDGEXDP_CT_UNCONFIRMED_DEFAULT_ENTRIES 65536
#define EDGEXDP_FRAG_ENTRIES 16384
#define EDGEXDP_PORTS_PER_PROTO 65536
/* A rule's port range that names no port on that side: every port. */
#define EDGEXDP_PORT_ANY_LO 0
#define EDGEXDP_PORT_ANY_HI 65535

/* Bounds for the parser: deeper stacks are dropped as malformed. */
#define EDGEXDP_MAX_VLAN_TAGS 2
#define EDGEXDP_MAX_IPV6_EXT_HDRS 6

/* Default timeouts in seconds (the config overrides the first two). */
#define EDGEXDP_TCP_ESTABLISHED_TIMEOUT 7200
#define EDGEXDP_UDP_TIMEOUT 60 /* replied */
#define EDGEXDP_TCP_TRANSITORY_TIMEOUT 120 /* closing: a FIN was seen */
/* Unconfirmed flows: short, as nf_conntrack's unassured ones. */
#define EDGEXDP_TCP_HANDSHAKE_TIMEOUT 30 /* SYN sent/received */
#define EDGEXDP_UDP_UNREPLIED_TIMEOUT 30
#define EDGEXDP_FRAG_TIMEOUT 30

#define EDGEXDP_NSEC_PER_SEC 1000000000ULL

/* Which side of the edge a NIC serves: the seed's two interface tables. */
enum edgexdp_zone {
	EDGEXDP_ZONE_EXTERNAL = 0,
	EDGEXDP_ZONE_INTERNAL = 1,
	EDGEXDP_ZONE_COUNT,
};

/* Protocols a rule can name; index of the port_groups array is
 * proto * EDGEXDP_PORTS_PER_PROTO + port. */
enum edgexdp_proto {
	EDGEXDP_PROTO_TCP = 0,
	EDGEXDP_PROTO_UDP = 1,
	EDGEXDP_PROTO_COUNT,
};

/*
 * Why a packet passed; counted per reason in verdict_stats. One list
 * makes the enum here and the names `stats` prints (user/lib/names.c):
 * X(NAME, name) is EDGEXDP_PASS_NAME, shown as "name".
 */
#define EDGEXDP_PASS_REASONS(X)                                                \
	/* a rule allowed it and opened a flow */                              \
	X(NEW_FLOW, new_flow)                                                  \
	/* belongs to a tracked flow, either direction */                      \
	X(FLOW, flow)                                                          \
	/* ARP, LLDP, ...: not ours to judge */                                \
	X(NON_IP, non_ip)                                                      \
	/* ICMP error quoting a tracked flow */                                \
	X(ICMP_RELATED, icmp_related)                                          \
	/* neighbour discovery, MLD */                                         \
	X(ICMP6_LINK, icmp6_link)                                              \
	/* later fragment of an allowed datagram */                            \
	X(FRAGMENT, fragment)

#define EDGEXDP_PASS_ENUM(name, text) EDGEXDP_PASS_##name,
/* The count on a line of its own, not as the list's continuation. */
/* clang-format off */
enum edgexdp_pass_reason {
	EDGEXDP_PASS_REASONS(EDGEXDP_PASS_ENUM)
	EDGEXDP_PASS_REASON_COUNT,
};
/* clang-format on */
#undef EDGEXDP_PASS_ENUM

/*
 * Why a packet was dropped; counted per reason in verdict_stats. One list
 * makes the enum here and the names `stats` prints (user/lib/names.c):
 * X(NAME, name) is EDGEXDP_DROP_NAME, shown as "name". The order is the
 * enum's, which pinned counters index: add a reason at the end.
 */
#define EDGEXDP_DROP_REASONS(X)                                                \
	/* no rule on this proto/port, no flow */                              \
	X(NO_RULE_PORT, no_rule_port)                                          \
	/* port has rules, addresses match none */                             \
	X(NO_RULE_ADDR, no_rule_addr)                                          \
	/* a rule of the other zone, or a new flow routed out of the other     \
	 * zone, or to the gateway itself by a rule whose destination is any   \
	 */                                                                    \
	X(WRONG_ZONE, wrong_zone)                                              \
	/* looks like a reply, no flow to belong to */                         \
	X(NO_FLOW, no_flow)                                                    \
	/* ACK/FIN/RST with no flow, bad transition */                         \
	X(TCP_STATE, tcp_state)                                                \
	/* truncated or inconsistent header */                                 \
	X(MALFORMED, malformed)                                                \
	/* fragment of no allowed datagram */                                  \
	X(FRAGMENT, fragment)                                                  \
	/* ICMP not related to a tracked flow */                               \
	X(ICMP, icmp)                                                          \
	/* IP protocol no rule can allow (GRE, ESP..) */                       \
	X(PROTO, proto)                                                        \
	/* ingress NIC not in the config */                                    \
	X(UNKNOWN_IFACE, unknown_iface)                                        \
	/* new flow whose source fails the NIC's source check (RFC 3704) */    \
	X(SPOOFED_SOURCE, spoofed_source)                                      \
	/* seq or ack outside the flow's window */                             \
	X(TCP_WINDOW, tcp_window)

#define EDGEXDP_DROP_ENUM(name, text) EDGEXDP_DROP_##name,
/* The count on a line of its own, not as the list's continuation. */
/* clang-format off */
enum edgexdp_drop_reason {
	EDGEXDP_DROP_REASONS(EDGEXDP_DROP_ENUM)
	EDGEXDP_DROP_REASON_COUNT,
};
/* clang-format on */
#undef EDGEXDP_DROP_ENUM

/*
 * Flow states, a subset of the kernel's conntrack. NEW, SYN_SENT and
 * SYN_RECV are unconfirmed and live in ct_unconfirmed; a flow is confirmed
 * (moves to conntrack) when both sides have proven their address: for TCP,
 * the initiator's ACK of the responder's SYN+ACK; for UDP, a reply.
 */
enum edgexdp_ct_state {
	EDGEXDP_CT_NEW = 0, /* UDP: opened, no reply yet */
	EDGEXDP_CT_ESTABLISHED, /* UDP: replied; TCP: handshake done */
	EDGEXDP_CT_SYN_SENT,
	EDGEXDP_CT_SYN_RECV,
	EDGEXDP_CT_CLOSING, /* a FIN was seen */
	EDGEXDP_CT_STATE_COUNT,
};

/*
 * Source validation of a packet that would open a flow (RFC 3704), per NIC:
 * the route back to its source, in the host's own routing table, must leave
 * through the NIC it came in on (strict), exist at all (loose, rp_filter=2),
 * or is not asked (off: asymmetric routing).
 */
enum edgexdp_source_check {
	EDGEXDP_SOURCE_STRICT = 0, /* the default: the array starts zeroed */
	EDGEXDP_SOURCE_LOOSE,
	EDGEXDP_SOURCE_OFF,
	EDGEXDP_SOURCE_CHECK_COUNT,
};

/* struct edgexdp_iface.flags */
#define EDGEXDP_IFACE_INTERNET (1U << 0) /* faces the Internet */
/* A drop log listener wants this NIC's drops (set and cleared by it). */
#define EDGEXDP_IFACE_DROPLOG (1U << 1)

/* The flow tables; which one a state lives in is above. */
enum edgexdp_ct_table {
	EDGEXDP_CT_CONFIRMED = 0, /* map conntrack */
	EDGEXDP_CT_UNCONFIRMED, /* map ct_unconfirmed */
	EDGEXDP_CT_TABLE_COUNT,
};

/* interfaces: array indexed by ingress ifindex -> what this NIC is. */
struct edgexdp_iface {
	__u32 zone; /* enum edgexdp_zone */
	__u32 slot; /* interface slot of verdict_stats */
	__u32 configured; /* 0: not one of ours (the array starts zeroed) */
	__u8 source_check; /* enum edgexdp_source_check */
	__u8 flags; /* EDGEXDP_IFACE_* */
	/* Bit (1 << enum edgexdp_proto) set: a rule of that protocol, in
	 * any zone, names source ports, so new flows look up the source
	 * port's group. Kept here because this entry is read for every
	 * packet anyway: without such rules the check costs nothing. */
	__u8 sport_protos;
	__u8 pad;
};

/*
 * NAT filter: one bit per hash of an address, set for the private address
 * of every NAT pair, so that the data path looks up nat_canon only for
 * addresses that may be in it. A clear bit is a sure miss; a set bit may
 * be another address's, and the lookup decides.
 */
#define EDGEXDP_NAT_FILTER_BITS_LOG2 12
#define EDGEXDP_NAT_FILTER_WORDS ((1U << EDGEXDP_NAT_FILTER_BITS_LOG2) / 64)

/* settings: array of one, the runtime knobs of the data path. */
struct edgexdp_settings {
	__u64 tcp_established_timeout_ns;
	__u64 tcp_transitory_timeout_ns;
	__u64 udp_timeout_ns;
	__u64 frag_timeout_ns;
	__u64 tcp_handshake_timeout_ns; /* unconfirmed TCP */
	__u64 udp_unreplied_timeout_ns; /* unconfirmed UDP */
	__u32 nat_enabled; /* nonzero: look up nat_canon for each address */
	/*
	 * Nonzero: the initiator's ACK completes a handshake whose SYN+ACK
	 * was never seen (config conntrack.local_responders), for servers on
	 * this host, whose SYN+ACKs leave without passing XDP. A blind
	 * spoofer can then confirm flows; their windows go unchecked.
	 */
	__u32 tcp_local_responders;
	__u64 nat_filter[EDGEXDP_NAT_FILTER_WORDS];
};

/* IANA's number for UDP (netinet/in.h and vmlinux.h both have it, but not
 * every file that includes this one includes either). */
#define EDGEXDP_IPPROTO_UDP 17

/* How long a flow in `state` (enum edgexdp_ct_state) lives without a
 * packet: the data path expires flows by it and `status` shows it. */
static inline __u64 edgexdp_ct_timeout_ns(const struct edgexdp_settings *s,
					  __u8 l4proto, __u8 state)
{
	switch (state) {
	case EDGEXDP_CT_ESTABLISHED:
		return l4proto == EDGEXDP_IPPROTO_UDP
			       ? s->udp_timeout_ns
			       : s->tcp_established_timeout_ns;
	case EDGEXDP_CT_NEW:
		return s->udp_unreplied_timeout_ns;
	case EDGEXDP_CT_SYN_SENT:
	case EDGEXDP_CT_SYN_RECV:
		return s->tcp_handshake_timeout_ns;
	default:
		return s->tcp_transitory_timeout_ns;
	}
}

/* port_groups value: the port groups of one proto/port, per zone (0 = no
 * rule names the port on that side). */
struct edgexdp_port_entry {
	__u16 group[EDGEXDP_ZONE_COUNT]; /* as a rule's destination port */
	__u16 sport_group[EDGEXDP_ZONE_COUNT]; /* as a rule's source port */
};

/* Addresses are stored as 16 bytes; IPv4 uses the first 4, rest zero. */
struct edgexdp_addr {
	union {
		__u8 u8[16];
		__u32 u32[4];
	};
};

/*
 * nat_canon key: a private address of a NAT pair, with its family. Every
 * key that holds an address holds its family too: the 16 bytes of an IPv4
 * address padded with zeros are also an IPv6 address, which is not it.
 */
struct edgexdp_nat_key {
	struct edgexdp_addr addr;
	__u8 family; /* 4 or 6 */
	__u8 pad[3];
};

/*
 * addr_v4 / addr_v6 LPM keys; value is a __u32: the address class in the
 * low 16 bits, and EDGEXDP_ADDR_OWN when the address is one of the edge's
 * own roles' (no packet from the Internet may carry it as its source).
 */
#define EDGEXDP_ADDR_CLASS_MASK 0xffffU
#define EDGEXDP_ADDR_OWN (1U << 16)

struct edgexdp_lpm_v4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct edgexdp_lpm_v6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* The bit of an address in the NAT filter (both sides compute it). */
static inline __u32 edgexdp_nat_filter_bit(const struct edgexdp_addr *addr)
{
	__u32 x = addr->u32[0] ^ addr->u32[1] ^ addr->u32[2] ^ addr->u32[3];

	/* Fibonacci hashing: the top bits of the product mix every bit. */
	return (x * 0x9e3779b1U) >> (32 - EDGEXDP_NAT_FILTER_BITS_LOG2);
}

/*
 * rule_match key; the value is a __u32: the rule id in the low 16 bits,
 * and EDGEXDP_MATCH_TO_ANY when that rule's destination is "any". "Any"
 * means the far side of the gateway, never the gateway itself: a flow it
 * would deliver to itself opens only by a rule that names the address,
 * or to an edge address (bpf/egress.h).
 */
#define EDGEXDP_MATCH_RULE_MASK 0xffffU
#define EDGEXDP_MATCH_TO_ANY (1U << 31)
_Static_assert(EDGEXDP_MAX_RULES <= EDGEXDP_MATCH_RULE_MASK + 1,
	       "a rule id fits the match value's low bits");

struct edgexdp_match_key {
	__u16 group; /* of the destination port */
	__u16 src_class;
	__u16 dst_class;
	__u16 sport_group; /* of the source port, 0 when none is named */
};

/* conntrack key: the 5-tuple with endpoints ordered (a < b), so both
 * directions of a flow share one key. With NAT, the private address of a
 * pair is replaced by its public one first (nat_canon). Order: address
 * bytes as memcmp() sees them, then the port in host order. */
struct edgexdp_ct_key {
	struct edgexdp_addr addr_a;
	struct edgexdp_addr addr_b;
	__be16 port_a;
	__be16 port_b;
	__u8 l4proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family; /* 4 or 6 */
	__u8 pad[2];
};

/*
 * What one side of a TCP flow has sent and may send, as nf_conntrack's
 * struct ip_ct_tcp_state; sequence numbers in host order.
 */
struct edgexdp_ct_tcp_side {
	__u32 end; /* past the last byte sent: seq + len (+1 for SYN/FIN) */
	__u32 maxend; /* past the last byte the peer's window allows */
	__u32 maxwin; /* largest window this side advertised, scaled */
	__u8 wscale; /* its window scale (RFC 7323), 0 unless both sent one */
	__u8 flags; /* EDGEXDP_CT_SIDE_* */
	__u8 pad[2];
};

#define EDGEXDP_CT_SIDE_SEEN (1U << 0) /* end/maxend/maxwin are known */
#define EDGEXDP_CT_SIDE_WSCALE (1U << 1) /* its SYN had a window scale */

/* struct edgexdp_ct_entry.flags */
/* No handshake seen (kept across a load, local responder): no window
 * checks, as nf_conntrack's "be liberal" for flows it picks up. */
#define EDGEXDP_CT_F_LIBERAL (1U << 0)

struct edgexdp_ct_entry {
	__u64 last_seen_ns; /* bpf_ktime_get_ns() of the last packet */
	__u32 rule_id; /* the rule that opened the flow */
	__u8 state; /* enum edgexdp_ct_state */
	__u8 initiator_is_a; /* 1 if the opener was endpoint a of the key */
	__u8 fin_seen; /* bit 0: from a, bit 1: from b */
	__u8 flags; /* EDGEXDP_CT_F_* */
	struct edgexdp_ct_tcp_side side[2]; /* [0]: endpoint a, [1]: b */
};

/*
 * ct_stats: per-CPU array of one, what happened to the flow tables. An
 * entry in a table was created and not yet removed, or the LRU took it:
 * userspace derives what the LRU displaced from these and the entries
 * it counts (created - removed - present). Userspace adds what it does
 * itself (seeds, kept flows a new config refuses) on CPU 0.
 */
struct edgexdp_ct_table_stats {
	__u64 created; /* entries inserted */
	__u64 removed; /* entries deleted: ended, expired, promoted */
	__u64 insert_failed; /* the map refused an insert: no free entry */
	__u64 pad;
};

struct edgexdp_ct_stats {
	struct edgexdp_ct_table_stats table[EDGEXDP_CT_TABLE_COUNT];
	__u64 confirmed_tcp; /* handshakes completed by the right ACK */
	__u64 confirmed_udp; /* first replies */
	__u64 confirmed_unseen; /* local_responders: no SYN+ACK seen */
	__u64 pad;
};

/* frags key: one IP datagram whose first fragment was allowed. */
struct edgexdp_frag_key {
	struct edgexdp_addr src;
	struct edgexdp_addr dst;
	__u32 id; /* IPv4 id (16 bits) or IPv6 fragment id, host order */
	__u8 l4proto;
	__u8 family;
	__u8 pad[2];
};

/* A later fragment passes only while the flow its first fragment belonged
 * to lives: `flow` is that flow's conntrack key. */
struct edgexdp_frag_entry {
	__u64 last_seen_ns;
	__u32 rule_id;
	__u32 pad;
	struct edgexdp_ct_key flow;
};

/* rule_stats: per-CPU, per rule, summed in userspace. */
struct edgexdp_rule_stats {
	__u64 flows; /* flows this rule opened */
	__u64 packets; /* packets of those flows, both directions */
	__u64 bytes;
};

/*
 * verdict_stats: per-CPU, per interface slot: one counter per verdict, so a
 * packet costs one counter lookup. A drop counts on verdict[reason], a pass
 * on verdict[EDGEXDP_STATS_REASONS + reason]. Userspace sums the slots for
 * the per-reason totals and the reasons for the per-interface ones. Packets
 * from a NIC not in the config count on slot EDGEXDP_STATS_NO_IFACE.
 */
#define EDGEXDP_STATS_REASONS 16 /* per verdict kind; >= every reason count */
#define EDGEXDP_STATS_PER_SLOT (2 * EDGEXDP_STATS_REASONS)
#define EDGEXDP_STATS_NO_IFACE EDGEXDP_MAX_IFACES
#define EDGEXDP_STATS_SLOTS (EDGEXDP_MAX_IFACES + 1)
#define EDGEXDP_STATS_INDEX(pass, reason)                                      \
	(((pass) ? EDGEXDP_STATS_REASONS : 0) + (reason))

_Static_assert(EDGEXDP_PASS_REASON_COUNT <= EDGEXDP_STATS_REASONS &&
		       EDGEXDP_DROP_REASON_COUNT <= EDGEXDP_STATS_REASONS,
	       "a reason past its verdict_stats range");

struct edgexdp_reason_stats {
	__u64 packets;
	__u64 bytes;
};

struct edgexdp_slot_stats {
	struct edgexdp_reason_stats verdict[EDGEXDP_STATS_PER_SLOT];
};

/* Per-interface totals: the sums of one slot of verdict_stats. */
struct edgexdp_iface_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 pass_packets;
	__u64 drop_packets;
};

/*
 * The drop log: a record per dropped packet, through the droplog ring
 * buffer, while a listener (`edgexdp log`) has switched it on: a flag in
 * each NIC's interfaces entry, which every packet reads anyway, and
 * droplog_config for NICs without one. Off by default: then a drop costs
 * one test of a byte already read, and a pass nothing. Rate-limited by a token
 * bucket per reason and CPU (droplog_buckets), so a flood of drops is no flood
 * of records.
 */
#define EDGEXDP_DROPLOG_SNAPLEN 128 /* frame bytes kept; a power of 2 */
#define EDGEXDP_DROPLOG_RING_BYTES (1U << 20) /* ~5000 records */
#define EDGEXDP_DROPLOG_RATE_DEFAULT 100 /* records/s per reason and CPU */
#define EDGEXDP_DROPLOG_RATE_MAX 100000
#define EDGEXDP_RULE_NONE 0xffffffffU /* a record of a drop no rule made */
#define EDGEXDP_FAMILY_IPV4 4 /* edgexdp_drop_record.family; 0: not IP */
#define EDGEXDP_FAMILY_IPV6 6

/*
 * droplog_config: ARRAY [1], written by the listener. The switch is a
 * lease: the listener renews it while it reads (every poll), and the data
 * path switches a NIC off itself at its first drop after the lease ran out,
 * so a listener killed before it could switch off leaves no cost behind.
 */
#define EDGEXDP_DROPLOG_LEASE_NS (3ULL * 1000000000ULL)
struct edgexdp_droplog_config {
	__u32 enabled;
	__u32 rate; /* records per second per reason and CPU; also the burst */
	__u64 lease_until_ns; /* CLOCK_MONOTONIC; records stop after it */
};

/* droplog_buckets: PERCPU_ARRAY [EDGEXDP_DROP_REASON_COUNT]. */
struct edgexdp_droplog_bucket {
	__u64 last_ns; /* last refill */
	__u32 tokens;
	__u32 suppressed; /* records withheld since the last one sent */
};

/* One dropped packet, as the droplog ring buffer carries it. */
struct edgexdp_drop_record {
	__u64 ts_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 ifindex;
	__u32 reason; /* enum edgexdp_drop_reason */
	__u32 rule_id; /* the flow's or fragment's rule, or EDGEXDP_RULE_NONE */
	__u32 pkt_len; /* the whole frame */
	__u32 cap_len; /* bytes of it in data[] */
	__u32 suppressed; /* this reason's records withheld just before (CPU) */
	struct edgexdp_addr saddr; /* IPv4: the first 4 bytes */
	struct edgexdp_addr daddr;
	__be16 sport; /* TCP and UDP, else 0 */
	__be16 dport;
	__u8 family; /* EDGEXDP_FAMILY_IPV4/6, or 0 */
	__u8 l4proto; /* IPPROTO_*, when family is set */
	__u8 pad[2];
	__u8 data[EDGEXDP_DROPLOG_SNAPLEN];
};

/*
 * Maps that only userspace reads, pinned beside the data path's so that
 * `status` and `stats` describe what is loaded, not what a config file on
 * disk says now.
 */
#define EDGEXDP_NAME_LEN 64
#define EDGEXDP_SIDE_LEN 96
#define EDGEXDP_SEED_LEN 64
#define EDGEXDP_PATH_LEN 256
#define EDGEXDP_IFNAME_LEN 16

/* rule_info: ARRAY [EDGEXDP_MAX_RULES], index = rule id. */
struct edgexdp_rule_info {
	char name[EDGEXDP_NAME_LEN];
	char from[EDGEXDP_SIDE_LEN];
	char to[EDGEXDP_SIDE_LEN];
	char seed[EDGEXDP_SEED_LEN];
	__u32 zone;
	__u32 proto;
	__u16 port_lo; /* destination ports; 0-65535: any */
	__u16 port_hi;
	__u32 feature;
	__u16 sport_lo; /* source ports; 0-65535: any */
	__u16 sport_hi;
};

/* How edgexdp is attached to one NIC. */
enum edgexdp_attach_kind {
	EDGEXDP_ATTACH_SINGLE = 0, /* our program alone on the NIC */
	EDGEXDP_ATTACH_DISPATCHER, /* one program of libxdp's dispatcher */
};

struct edgexdp_attached_iface {
	__u32 ifindex;
	__u32 zone;
	__u32 xdp_mode; /* enum xdp_attach_mode: native or skb (generic) */
	__u32 kind; /* enum edgexdp_attach_kind */
	__u32 prog_id;
	__u32 pad;
	char name[EDGEXDP_IFNAME_LEN];
};

/* load_info: ARRAY [1], what `load` did. */
/*
 * The layout of the pinned maps. A tool reading pins of another layout
 * would misread every counter, so it refuses, and says to reload; bump
 * this with any change to a pinned map's key or value.
 */
#define EDGEXDP_ABI_VERSION 6U

/*
 * A reload keeps a rule's id (so its flows and counters) while a rule of
 * that name exists, and a NIC's counter slot while the NIC stays: ids and
 * slots then have holes, rule_info entries with an empty name and ifaces[]
 * entries with ifindex 0, which readers skip.
 */
struct edgexdp_load_info {
	__u32 abi_version; /* EDGEXDP_ABI_VERSION of the tool that loaded */
	__u32 n_rules; /* rules in force */
	__u64 loaded_at; /* seconds since the epoch */
	__u32 n_ifaces; /* bound of ifaces[] in use (slots) */
	__u32 ct_max_entries;
	__u32 ct_unconfirmed_max_entries;
	__u32 n_rule_ids; /* bound of the rule ids in use */
	__u32 reloads; /* reloads since the load */
	__u32 pad;
	__u64 reloaded_at; /* seconds since the epoch; 0: never */
	char config_path[EDGEXDP_PATH_LEN];
	struct edgexdp_attached_iface ifaces[EDGEXDP_MAX_IFACES];
};

#endif /* EDGEXDP_H */
