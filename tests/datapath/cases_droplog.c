// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The drop log through the real program: no record while it is off or for
 * a pass; a record carries the drop's reason, rule, addresses, ports and
 * first bytes; the token bucket lets `rate` through and counts the rest.
 * The test pins itself to one CPU: the buckets are per CPU.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "edgexdp.skel.h"
#include "harness.h"

#define MAX_RECORDS 64
#define NSEC_PER_SEC 1000000000ULL

struct collected {
	struct edgexdp_drop_record recs[MAX_RECORDS];
	size_t n;
};

static int collect(void *ctx, void *data, size_t size)
{
	struct collected *c = ctx;

	if (c->n < MAX_RECORDS && size >= sizeof(c->recs[0]))
		memcpy(&c->recs[c->n++], data, sizeof(c->recs[0]));
	return 0;
}

/* Every record the program has written since the last drain. */
static size_t drain(struct collected *c)
{
	struct ring_buffer *rb;

	memset(c, 0, sizeof(*c));
	rb = ring_buffer__new(bpf_map__fd(g_dp.skel->maps.droplog), collect, c,
			      NULL);
	assert_non_null(rb);
	assert_true(ring_buffer__consume(rb) >= 0);
	ring_buffer__free(rb);
	return c->n;
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * NSEC_PER_SEC + (__u64)ts.tv_nsec;
}

/* As `edgexdp log` does: the config with a lease ending lease_ns from now
 * (negative: already over), and the flag of the NIC's entry (case_setup's
 * NIC, with the drop log flag or without). */
static void droplog_set_lease(__u32 enabled, __u32 rate, long long lease_ns)
{
	struct edgexdp_droplog_config cfg = {.enabled = enabled,
					     .rate = rate,
					     .lease_until_ns = monotonic_ns() +
							       (__u64)lease_ns};
	__u32 zero = 0;

	dp_nic_set(EDGEXDP_SOURCE_STRICT, enabled ? EDGEXDP_IFACE_DROPLOG : 0);
	assert_int_equal(
		bpf_map_update_elem(bpf_map__fd(g_dp.skel->maps.droplog_config),
				    &zero, &cfg, BPF_ANY),
		0);
}

static void droplog_set(__u32 enabled, __u32 rate)
{
	droplog_set_lease(enabled, rate, (long long)EDGEXDP_DROPLOG_LEASE_NS);
}

/* Set every CPU's bucket of every reason: zeroed, or aged by `age_ns`. */
static void buckets_update(bool reset, __u64 age_ns)
{
	int fd = bpf_map__fd(g_dp.skel->maps.droplog_buckets);
	int ncpu = libbpf_num_possible_cpus();
	struct edgexdp_droplog_bucket *b;

	assert_true(ncpu > 0);
	b = calloc((size_t)ncpu, sizeof(*b));
	assert_non_null(b);
	for (__u32 r = 0; r < EDGEXDP_DROP_REASON_COUNT; r++) {
		if (!reset) {
			assert_int_equal(bpf_map_lookup_elem(fd, &r, b), 0);
			for (int i = 0; i < ncpu; i++)
				b[i].last_ns -= age_ns;
		}
		assert_int_equal(bpf_map_update_elem(fd, &r, b, BPF_ANY), 0);
	}
	free(b);
}

static int droplog_case_setup(void **state)
{
	struct collected c;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return -1;
	droplog_set(0, 0);
	drain(&c);
	buckets_update(true, 0);
	return case_setup(state);
}

static int droplog_case_teardown(void **state)
{
	cpu_set_t all;

	(void)state;
	droplog_set(0, 0);
	CPU_ZERO(&all);
	for (int i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof(all), &all);
	return 0;
}

static void off_writes_nothing(void **state)
{
	struct collected c;
	struct pkt p;

	(void)state;
	mk_tcp(&p, ANY_EXT4, 40000, "203.0.113.10", 8080, F_SYN, 0);
	step("closed port", EDGEXDP_ZONE_EXTERNAL, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_RULE_PORT));
	assert_int_equal(drain(&c), 0);
}

static void assert_addr(const struct edgexdp_addr *got, const char *want)
{
	struct edgexdp_addr a = {0};

	assert_true(pkt_addr(want, &a) != 0);
	assert_memory_equal(got, &a, sizeof(a));
}

static void record_carries_the_drop(void **state)
{
	const char *srcs[] = {ANY_EXT4, ANY_EXT6};
	const char *dsts[] = {"203.0.113.10", "2001:db8:45::10"};
	struct collected c;
	struct pkt p;

	(void)state;
	droplog_set(1, 100);
	for (int i = 0; i < 2; i++) {
		const struct edgexdp_drop_record *r = &c.recs[0];

		mk_tcp(&p, srcs[i], 40000, dsts[i], 8080, F_SYN, 200);
		step("closed port", EDGEXDP_ZONE_EXTERNAL, &p,
		     WANT_DROP(EDGEXDP_DROP_NO_RULE_PORT));
		assert_int_equal(drain(&c), 1);
		assert_int_equal(r->reason, EDGEXDP_DROP_NO_RULE_PORT);
		assert_int_equal(r->rule_id, EDGEXDP_RULE_NONE);
		assert_int_equal(r->ifindex, DP_IFINDEX);
		assert_int_equal(r->family,
				 i ? EDGEXDP_FAMILY_IPV6 : EDGEXDP_FAMILY_IPV4);
		assert_int_equal(r->l4proto, IPPROTO_TCP);
		assert_int_equal(ntohs(r->sport), 40000);
		assert_int_equal(ntohs(r->dport), 8080);
		assert_addr(&r->saddr, srcs[i]);
		assert_addr(&r->daddr, dsts[i]);
		assert_int_equal(r->pkt_len, p.len);
		assert_int_equal(r->cap_len, EDGEXDP_DROPLOG_SNAPLEN);
		assert_memory_equal(r->data, p.data, EDGEXDP_DROPLOG_SNAPLEN);
		assert_int_equal(r->suppressed, 0);
	}
	/* A frame shorter than the snap length is kept whole. */
	mk_tcp(&p, ANY_EXT4, 40000, "203.0.113.10", 8080, F_SYN, 0);
	step("short frame", EDGEXDP_ZONE_EXTERNAL, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_RULE_PORT));
	assert_int_equal(drain(&c), 1);
	assert_int_equal(c.recs[0].cap_len, p.len);
	assert_memory_equal(c.recs[0].data, p.data, p.len);
}

/* A drop inside a flow names the flow's rule; a pass writes nothing. */
static void flow_drop_names_its_rule(void **state)
{
	struct collected c;
	struct pkt p;

	(void)state;
	droplog_set(1, 100);
	mk_tcp(&p, ANY_EXT4, 40001, "203.0.113.10", 443, F_SYN, 0);
	step("SYN opens", EDGEXDP_ZONE_EXTERNAL, &p,
	     WANT_NEW(rule_id("ext-sip-tls-in")));
	assert_int_equal(drain(&c), 0);
	mk_tcp(&p, ANY_EXT4, 40001, "203.0.113.10", 443, F_SYN | F_ACK, 0);
	step("SYN+ACK from the initiator", EDGEXDP_ZONE_EXTERNAL, &p,
	     WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	assert_int_equal(drain(&c), 1);
	assert_int_equal(c.recs[0].reason, EDGEXDP_DROP_TCP_STATE);
	assert_int_equal(c.recs[0].rule_id, rule_id("ext-sip-tls-in"));
}

static void rate_limits_records(void **state)
{
	struct collected c;
	struct pkt p;
	__u64 t0, refills;
	size_t burst;

	(void)state;
	droplog_set(1, 3);
	mk_tcp(&p, ANY_EXT4, 40000, "203.0.113.10", 8080, F_SYN, 0);
	t0 = monotonic_ns();
	for (int i = 0; i < 10; i++)
		step("flood", EDGEXDP_ZONE_EXTERNAL, &p,
		     WANT_DROP(EDGEXDP_DROP_NO_RULE_PORT));
	/* The burst, and a token for each third of a second the ten runs
	 * took: none on a machine that is not starved (under TCG it may). */
	refills = (monotonic_ns() - t0) * 3 / NSEC_PER_SEC;
	burst = drain(&c);
	if (burst < 3 || burst > 3 + refills)
		fail_msg("%zu records of 10 drops at 3/s, %llu refills", burst,
			 (unsigned long long)refills);
	/* Other reasons have buckets of their own. */
	mk_tcp(&p, ANY_EXT4, 40000, "203.0.113.10", 443, F_ACK, 0);
	step("stray ACK", EDGEXDP_ZONE_EXTERNAL, &p,
	     WANT_DROP(EDGEXDP_DROP_TCP_STATE));
	assert_int_equal(drain(&c), 1);
	/* A second later the bucket is full again, and the first record
	 * says how many were withheld. */
	buckets_update(false, NSEC_PER_SEC);
	mk_tcp(&p, ANY_EXT4, 40000, "203.0.113.10", 8080, F_SYN, 0);
	step("after a second", EDGEXDP_ZONE_EXTERNAL, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_RULE_PORT));
	assert_int_equal(drain(&c), 1);
	/* (A token that came back mid-flood took a record, which carried
	 * the count withheld before it.) */
	if (burst == 3)
		assert_int_equal(c.recs[0].suppressed, 7);
	else
		assert_in_range(c.recs[0].suppressed, 0, 10 - burst);
}

/* A listener killed before it switched off: at the NIC's first drop after
 * the lease, the data path switches the log off itself. */
static void lapsed_lease_switches_off(void **state)
{
	struct edgexdp_droplog_config cfg;
	struct edgexdp_iface iface;
	__u32 zero = 0, ifindex = DP_IFINDEX;
	struct collected c;
	struct pkt p;

	(void)state;
	droplog_set_lease(1, 100, -1);
	mk_tcp(&p, ANY_EXT4, 40000, "203.0.113.10", 8080, F_SYN, 0);
	step("closed port, lease over", EDGEXDP_ZONE_EXTERNAL, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_RULE_PORT));
	assert_int_equal(drain(&c), 0);
	assert_int_equal(
		bpf_map_lookup_elem(bpf_map__fd(g_dp.skel->maps.droplog_config),
				    &zero, &cfg),
		0);
	assert_int_equal(cfg.enabled, 0);
	assert_int_equal(
		bpf_map_lookup_elem(bpf_map__fd(g_dp.skel->maps.interfaces),
				    &ifindex, &iface),
		0);
	assert_int_equal(iface.flags & EDGEXDP_IFACE_DROPLOG, 0);
	/* A renewed lease: records again. */
	droplog_set(1, 100);
	step("closed port, lease renewed", EDGEXDP_ZONE_EXTERNAL, &p,
	     WANT_DROP(EDGEXDP_DROP_NO_RULE_PORT));
	assert_int_equal(drain(&c), 1);
}

void cases_droplog(void)
{
	static const struct {
		const char *name;
		case_fn fn;
	} cases[] = {
		{"drop log off: a drop writes no record", off_writes_nothing},
		{"drop log: a record carries reason, addresses, ports, bytes",
		 record_carries_the_drop},
		{"drop log: a drop in a flow names its rule; a pass writes "
		 "none",
		 flow_drop_names_its_rule},
		{"drop log: the token bucket lets the rate through, counts the "
		 "rest",
		 rate_limits_records},
		{"drop log: a lapsed lease switches it off at the next drop",
		 lapsed_lease_switches_off},
	};

	case_category("drop log");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		case_add_fixture(cases[i].name, cases[i].fn, droplog_case_setup,
				 droplog_case_teardown);
}
