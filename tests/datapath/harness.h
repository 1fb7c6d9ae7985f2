/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The data path test harness: the loaded skeleton with the test config's
 * maps, a way to run one packet on a zone and check everything it must
 * move (action, exactly one reason counter, the rule's counters, the NIC's
 * counters), conntrack / frags inspection, and the case registry.
 * Implemented in harness.c and harness_ct.c (the flow tables, the
 * settings map, the scripted TCP segments).
 */
#ifndef DATAPATH_HARNESS_H
#define DATAPATH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edgexdp.h"
#include "oracle.h"
#include "pkt.h"
#include "ruleset.h"

struct CMUnitTest;

/* BPF_PROG_TEST_RUN needs a real ingress device: lo. */
#define DP_IFINDEX 1
#define DP_SLOT 0

/* The test's network namespace (dp_setup): sources whose route back leaves
 * through another NIC (the /26 or /64 of these), and unreachable ones. */
#define DP_OTHER_NIC "dp-other"
#define DP_SRC_OTHER_NIC4 "198.51.100.128"
#define DP_SRC_OTHER_NIC6 "2001:db8:d0::"
#define DP_SRC_UNROUTED4 "198.51.100.192"
#define DP_SRC_UNROUTED6 "2001:db8:d1::"
/* A global address of the gateway itself (on lo). */
#define DP_LOCAL6 "2001:db8:d2::1"

#define RULE_NONE (-1)

struct dp {
	struct edgexdp_bpf *skel;
	struct edgexdp_config cfg;
	struct ruleset rs;
	int prog_fd;
};

extern struct dp g_dp;

/* Load the skeleton, compile the test config, fill the maps. 0 or -1 with
 * a message on stderr. */
int dp_setup(void);
void dp_teardown(void);

/* Run one frame as received on a NIC of `zone`; returns the XDP action,
 * or -errno when the kernel refuses the run. */
int dp_run(enum edgexdp_zone zone, const uint8_t *frame, size_t len);

/* From the next run on, the NIC entry of lo is `iface` (NULL: none)
 * instead of the zone's; case_setup() ends the override. */
void dp_iface_override(const struct edgexdp_iface *iface);

/* From the next run on, the NIC's source check and EDGEXDP_IFACE_* flags
 * (case_setup(): strict, none). */
void dp_nic_set(uint8_t source_check, uint8_t flags);

/* The settings map's one entry, as the data path reads it. */
void dp_settings(struct edgexdp_settings *out);
/* Replace it (a case that does must restore it: dp_settings first). */
void dp_settings_set(const struct edgexdp_settings *s);

/* The flow tables' sizes in these tests: small, for the flood cases. */
#define DP_CONFIRMED_ENTRIES 4096
#define DP_UNCONFIRMED_ENTRIES 1024

/*
 * Shorthands for the packets most cases send. mk_tcp numbers a case's
 * segments as TCP stacks would (a SYN at its side's ISN, an ACK of all the
 * peer sent), so scripted conversations are in window; mk_tcp_seq sets
 * seq and ack by hand, for the cases about them.
 */
#define TCP_ISN_INITIATOR 1000U
#define TCP_ISN_RESPONDER 500000U
void mk_tcp(struct pkt *p, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, uint8_t flags, size_t payload);
void mk_tcp_seq(struct pkt *p, const char *src, uint16_t sport, const char *dst,
		uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
		size_t payload);
void tcp_seq_reset(void);
void mk_udp(struct pkt *p, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, size_t payload);

/* What a packet must do. */
struct want {
	bool pass;
	int reason;
	int rule; /* rule id to count on, RULE_NONE for none */
	bool new_flow; /* the rule's flow counter moves too */
};

#define WANT_DROP(r)                                                           \
	((struct want){.pass = false, .reason = (r), .rule = RULE_NONE})
#define WANT_PASS(r)                                                           \
	((struct want){.pass = true, .reason = (r), .rule = RULE_NONE})
#define WANT_NEW(id)                                                           \
	((struct want){.pass = true,                                           \
		       .reason = EDGEXDP_PASS_NEW_FLOW,                        \
		       .rule = (id),                                           \
		       .new_flow = true})
#define WANT_FLOW(id)                                                          \
	((struct want){.pass = true, .reason = EDGEXDP_PASS_FLOW, .rule = (id)})
#define WANT_ON(r, id)                                                         \
	((struct want){.pass = true, .reason = (r), .rule = (id)})

/*
 * Run `p` on `zone` and assert: the action; that exactly one pass/drop
 * reason counter moved, by one packet and the frame's bytes; that the
 * rule's packets (and flows for a new flow) moved by one and no other
 * rule's did; that the NIC slot counted it. Fails the cmocka test with
 * `what` and the difference otherwise.
 */
void step(const char *what, enum edgexdp_zone zone, const struct pkt *p,
	  struct want w);

/* Rule id of a compiled rule by name; fails the test if absent. */
int rule_id(const char *name);
/* Rule id of a compiled rule by profile rule. */
int rule_id_of(const struct profile_rule *r);

/* Names for messages. */
const char *dp_pass_name(int reason);
const char *dp_drop_name(int reason);
const char *zone_str(enum edgexdp_zone zone);
const char *ct_state_name(int state);

/* conntrack and frags */
void ct_clear(void);
void frags_clear(void);
unsigned int ct_count(void); /* both tables */
unsigned int ct_count_in(int table); /* enum edgexdp_ct_table */
int ct_table_fd(int table);
/* The ct_stats counters, summed over the CPUs. */
void ct_stats_read(struct edgexdp_ct_stats *out);
/* The table holding the flow (enum edgexdp_ct_table), or -1. */
int ct_table_of(uint8_t l4proto, const char *src, uint16_t sport,
		const char *dst, uint16_t dport, struct edgexdp_ct_entry *out);
unsigned int frags_count(void);
/* Build the documented direction-free key (NAT-canonical, a < b) of
 * src:sport -> dst:dport; returns whether src is endpoint a. */
bool ct_key_of(struct edgexdp_ct_key *key, uint8_t l4proto, const char *src,
	       uint16_t sport, const char *dst, uint16_t dport);
/* Look the flow up by that key; false if absent. */
bool ct_get(uint8_t l4proto, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, struct edgexdp_ct_entry *out);
/* Make the flow's last packet `age_ns` old. */
void ct_age(uint8_t l4proto, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, uint64_t age_ns);
/* Make every frags entry `age_ns` old. */
void frags_age_all(uint64_t age_ns);
uint64_t mono_ns(void);

/* Per-test setup: empty conntrack and frags, restore the NIC entry. */
int case_setup(void **state);

/* The case registry: cmocka tests built at run time. */
typedef void (*case_fn)(void **state);
/* Cases added from now on count in this category (for the summary). */
void case_category(const char *name);
void case_add(const char *name, case_fn fn, void *arg);
/* With a setup (which should call case_setup) and teardown of its own. */
void case_add_fixture(const char *name, case_fn fn, int (*setup)(void **),
		      int (*teardown)(void **));
/* printf-style name; the argument is owned by the case list. */
void case_addf(case_fn fn, void *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

extern struct CMUnitTest *g_cases;
extern size_t g_n_cases;
extern const char *g_cat_names[];
extern size_t g_cat_counts[];
extern size_t g_n_cats;

/* Case categories, each registering its cases. */
void cases_seed(void);
void cases_flow(void);
void cases_tcp_state(void);
void cases_icmp_err(void);
void cases_frag(void);
void cases_parse(void);
void cases_source(void);
void cases_egress(void);
void cases_pins(void);
void cases_valid(void);
void cases_droplog(void);
void cases_sport(void);
void cases_ct(void);

#endif /* DATAPATH_HARNESS_H */
