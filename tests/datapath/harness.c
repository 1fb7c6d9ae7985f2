// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The data path test harness (see harness.h): the test's namespace, the
 * loaded skeleton and its maps, one run on a zone's NIC, the counter
 * snapshots step() checks, and the case registry. The flow tables, the
 * settings map and the scripted TCP segments are in harness_ct.c.
 */
#include <sched.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "classify.h"
#include "config.h"
#include "edgexdp.skel.h"
#include "harness.h"
#include "maps.h"
#include "names.h"

struct dp g_dp;

/* Fake NICs of the config's two interfaces; the tests use lo instead. */
static const unsigned int fake_ifindexes[] = {1001, 1002};

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/*
 * The routing the source check asks (bpf_fib_lookup), in a network
 * namespace of the test's own: every address is reachable through lo, the
 * NIC the frames arrive on, except the prefixes the source cases use. One
 * is routed through another NIC (strict fails, loose passes), one is
 * unreachable (both fail). The helper answers only where lo forwards.
 */
static const char *const netns_setup[] = {
	"ip link set lo up",
	"ip link add " DP_OTHER_NIC " type veth peer name dp-peer",
	"ip link set dp-peer up",
	"ip link set " DP_OTHER_NIC " up",
	"ip route add default dev lo",
	"ip -6 route add default dev lo",
	"ip route add " DP_SRC_OTHER_NIC4 "/26 dev " DP_OTHER_NIC,
	"ip -6 route add " DP_SRC_OTHER_NIC6 "/64 dev " DP_OTHER_NIC,
	"ip route add unreachable " DP_SRC_UNROUTED4 "/26",
	"ip -6 route add unreachable " DP_SRC_UNROUTED6 "/64",
	"ip -6 addr add " DP_LOCAL6 "/128 dev lo",
	"sysctl -qw net.ipv4.conf.all.forwarding=1 "
	"net.ipv4.conf.lo.forwarding=1 net.ipv6.conf.all.forwarding=1 "
	"net.ipv6.conf.lo.forwarding=1",
};

static int dp_netns(void)
{
	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "datapath: unshare(CLONE_NEWNET): %s\n",
			strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(netns_setup) / sizeof(*netns_setup);
	     i++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "%s >&2", netns_setup[i]);
		if (system(cmd) != 0) {
			fprintf(stderr, "datapath: failed: %s\n",
				netns_setup[i]);
			return -1;
		}
	}
	return 0;
}

/* A packet the case cannot build fails that case, not the run. */
static void pkt_fail_case(const char *msg)
{
	fail_msg("%s", msg);
}

int dp_setup(void)
{
	const char *yaml = oracle_config_yaml();
	struct edgexdp_diag err = {0};
	int ret;

	libbpf_set_print(libbpf_quiet);
	pkt_set_fail(pkt_fail_case);
	if (dp_netns())
		return -1;
	ret = config_load_buffer("datapath-test.yaml", yaml, strlen(yaml),
				 &g_dp.cfg, &err);
	if (ret) {
		fprintf(stderr, "datapath: config_load_buffer: %s\n%s", err.msg,
			yaml);
		return -1;
	}
	ret = ruleset_compile(&g_dp.cfg, &g_dp.rs, &err);
	if (ret) {
		fprintf(stderr, "datapath: ruleset_compile: %s\n", err.msg);
		return -1;
	}
	if (g_dp.rs.n_ifaces != 2) {
		fprintf(stderr, "datapath: compiled %zu interfaces, want 2\n",
			g_dp.rs.n_ifaces);
		return -1;
	}
	/* The maps as `load` makes them, then the program. Small flow
	 * tables, which the flood cases fill in a blink. */
	g_dp.rs.ct_max_entries = DP_CONFIRMED_ENTRIES;
	g_dp.rs.ct_unconfirmed_max_entries = DP_UNCONFIRMED_ENTRIES;
	g_dp.skel = edgexdp_bpf__open();
	if (!g_dp.skel) {
		fprintf(stderr, "datapath: edgexdp_bpf__open: %s\n",
			strerror(errno));
		return -1;
	}
	ret = maps_prepare(g_dp.skel,
			   &(struct maps_prepare_opts){
				   .rs = &g_dp.rs, .ifindexes = fake_ifindexes},
			   &err);
	if (ret) {
		fprintf(stderr, "datapath: %s\n", err.msg);
		return -1;
	}
	ret = edgexdp_bpf__load(g_dp.skel);
	if (ret) {
		fprintf(stderr, "datapath: edgexdp_bpf__load: %s\n",
			strerror(-ret));
		return -1;
	}
	g_dp.prog_fd = bpf_program__fd(g_dp.skel->progs.edgexdp_xdp);
	return 0;
}

void dp_teardown(void)
{
	edgexdp_bpf__destroy(g_dp.skel);
	ruleset_free(&g_dp.rs);
	config_free(&g_dp.cfg);
}

static bool iface_overridden;
static struct edgexdp_iface iface_override;
static bool iface_override_none;

void dp_iface_override(const struct edgexdp_iface *iface)
{
	iface_overridden = true;
	iface_override_none = !iface;
	if (iface)
		iface_override = *iface;
}

static uint8_t nic_source_check, nic_flags;

void dp_nic_set(uint8_t source_check, uint8_t flags)
{
	nic_source_check = source_check;
	nic_flags = flags;
}

/* Is the NIC entry in force one the data path refuses (no slot)? */
static bool override_is_unknown(void)
{
	return iface_overridden &&
	       (iface_override_none || !iface_override.configured ||
		iface_override.zone >= EDGEXDP_ZONE_COUNT);
}

static void set_iface(enum edgexdp_zone zone)
{
	struct edgexdp_iface iface = {.zone = zone,
				      .slot = DP_SLOT,
				      .configured = 1,
				      .source_check = nic_source_check,
				      .flags = nic_flags,
				      .sport_protos =
					      (__u8)g_dp.rs.sport_protos};
	__u32 key = DP_IFINDEX;
	int fd = bpf_map__fd(g_dp.skel->maps.interfaces);

	if (iface_overridden) {
		/* An array slot cannot be deleted: a zeroed one is "not
		 * configured", as the data path reads it. */
		if (iface_override_none)
			memset(&iface, 0, sizeof(iface));
		else
			iface = iface_override;
	}
	if (bpf_map_update_elem(fd, &key, &iface, BPF_ANY))
		fail_msg("interfaces update: %s", strerror(errno));
}

/*
 * The kernel refuses frames shorter than an Ethernet header (-EINVAL, even
 * behind XDP metadata), so a runt cannot be run here.
 */
int dp_run(enum edgexdp_zone zone, const uint8_t *frame, size_t len)
{
	struct xdp_md ctx = {.ingress_ifindex = DP_IFINDEX,
			     .data_end = (__u32)len};
	int err;

	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = (__u32)len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	set_iface(zone);
	err = bpf_prog_test_run_opts(g_dp.prog_fd, &opts);
	if (err)
		return -errno;
	return (int)opts.retval;
}

/* ---- counters ---- */

struct snap {
	struct edgexdp_reason_stats pass[EDGEXDP_PASS_REASON_COUNT];
	struct edgexdp_reason_stats drop[EDGEXDP_DROP_REASON_COUNT];
	struct edgexdp_rule_stats *rules; /* n_rules */
	struct edgexdp_iface_stats iface;
};

static void sum(int fd, __u32 key, void *out, size_t size)
{
	int err = maps_percpu_sum_u64(fd, key, out, size / sizeof(__u64));

	if (err)
		fail_msg("per-CPU read of key %u: %s", key, strerror(-err));
}

static void snap_take(struct snap *s)
{
	struct edgexdp_bpf *skel = g_dp.skel;
	int fd = bpf_map__fd(skel->maps.verdict_stats);
	struct edgexdp_iface_stats unknown;
	int err;

	/* Per reason, what `edgexdp stats` sums: our NIC and unknown NICs. */
	memset(s->pass, 0, sizeof(s->pass));
	memset(s->drop, 0, sizeof(s->drop));
	err = maps_read_slot_stats(fd, DP_SLOT, s->drop, s->pass, &s->iface);
	if (!err)
		err = maps_read_slot_stats(fd, EDGEXDP_STATS_NO_IFACE, s->drop,
					   s->pass, &unknown);
	if (err)
		fail_msg("verdict_stats read: %s", strerror(-err));
	s->rules = calloc(g_dp.rs.n_rules, sizeof(*s->rules));
	if (!s->rules)
		fail_msg("out of memory");
	for (__u32 id = 0; id < g_dp.rs.n_rules; id++)
		sum(bpf_map__fd(skel->maps.rule_stats), id, &s->rules[id],
		    sizeof(s->rules[id]));
}

/* The names edgexdp stats prints, from the tool itself (user/lib/names.c). */
const char *dp_pass_name(int reason)
{
	return reason < 0 ? "?" : pass_reason_name((unsigned int)reason);
}

const char *dp_drop_name(int reason)
{
	return reason < 0 ? "?" : drop_reason_name((unsigned int)reason);
}

const char *zone_str(enum edgexdp_zone zone)
{
	return zone == EDGEXDP_ZONE_EXTERNAL ? "external" : "internal";
}

const char *ct_state_name(int state)
{
	static const char *const names[] = {"NEW", "ESTABLISHED", "SYN_SENT",
					    "SYN_RECV", "CLOSING"};

	if (state < 0 || state >= EDGEXDP_CT_STATE_COUNT)
		return "?";
	return names[state];
}

static const char *rule_str(int id)
{
	static char buf[96];

	if (id == RULE_NONE)
		return "no rule";
	if (id < 0 || (size_t)id >= g_dp.rs.n_rules)
		snprintf(buf, sizeof(buf), "rule #%d (out of range)", id);
	else
		snprintf(buf, sizeof(buf), "rule #%d %s", id,
			 g_dp.rs.rules[id].name);
	return buf;
}

static void want_str(char *buf, size_t len, bool pass, int reason)
{
	snprintf(buf, len, "%s %s", pass ? "PASS" : "DROP",
		 pass ? dp_pass_name(reason) : dp_drop_name(reason));
}

/*
 * Everything that moved between two snapshots, checked against `w`.
 * Returns 0, or writes what is wrong into `msg`.
 */
static int snap_check(const struct snap *a, const struct snap *b, size_t len,
		      struct want w, char *msg, size_t msg_len)
{
	size_t off = 0;
	int bad = 0;

#define WRONG(...)                                                             \
	do {                                                                   \
		bad = 1;                                                       \
		off += (size_t)snprintf(msg + off,                             \
					off < msg_len ? msg_len - off : 0,     \
					__VA_ARGS__);                          \
	} while (0)

	for (int r = 0; r < EDGEXDP_PASS_REASON_COUNT; r++) {
		__u64 dp = b->pass[r].packets - a->pass[r].packets;
		__u64 db = b->pass[r].bytes - a->pass[r].bytes;
		bool exp = w.pass && w.reason == r;

		if (dp != (exp ? 1 : 0) || db != (exp ? len : 0))
			WRONG("; passes[%s] moved %llu pkts/%llu bytes, "
			      "want %d/%zu",
			      dp_pass_name(r), (unsigned long long)dp,
			      (unsigned long long)db, exp, exp ? len : 0);
	}
	for (int r = 0; r < EDGEXDP_DROP_REASON_COUNT; r++) {
		__u64 dp = b->drop[r].packets - a->drop[r].packets;
		__u64 db = b->drop[r].bytes - a->drop[r].bytes;
		bool exp = !w.pass && w.reason == r;

		if (dp != (exp ? 1 : 0) || db != (exp ? len : 0))
			WRONG("; drops[%s] moved %llu pkts/%llu bytes, "
			      "want %d/%zu",
			      dp_drop_name(r), (unsigned long long)dp,
			      (unsigned long long)db, exp, exp ? len : 0);
	}
	for (size_t id = 0; id < g_dp.rs.n_rules; id++) {
		__u64 dp = b->rules[id].packets - a->rules[id].packets;
		__u64 df = b->rules[id].flows - a->rules[id].flows;
		__u64 db = b->rules[id].bytes - a->rules[id].bytes;
		bool exp = w.rule == (int)id;
		bool exp_flow = exp && w.new_flow;

		if (dp != (exp ? 1 : 0) || df != (exp_flow ? 1 : 0) ||
		    db != (exp ? len : 0))
			WRONG("; rule_stats[%zu %s] moved flows %llu packets "
			      "%llu bytes %llu, want %d/%d/%zu",
			      id, g_dp.rs.rules[id].name,
			      (unsigned long long)df, (unsigned long long)dp,
			      (unsigned long long)db, exp_flow, exp,
			      exp ? len : 0);
	}
	if (override_is_unknown()) {
		/* an unknown NIC has no slot to count on */
		if (memcmp(&a->iface, &b->iface, sizeof(a->iface)))
			WRONG("; interface slot %d moved for an unknown NIC",
			      DP_SLOT);
	} else {
		__u64 rx = b->iface.rx_packets - a->iface.rx_packets;
		__u64 rxb = b->iface.rx_bytes - a->iface.rx_bytes;
		__u64 ps = b->iface.pass_packets - a->iface.pass_packets;
		__u64 dr = b->iface.drop_packets - a->iface.drop_packets;

		if (rx != 1 || rxb != len || ps != (w.pass ? 1 : 0) ||
		    dr != (w.pass ? 0 : 1))
			WRONG("; interface slot %d moved rx %llu/%llu pass "
			      "%llu "
			      "drop %llu",
			      DP_SLOT, (unsigned long long)rx,
			      (unsigned long long)rxb, (unsigned long long)ps,
			      (unsigned long long)dr);
	}
#undef WRONG
	return bad;
}

/* The reason that moved, for the message: first nonzero delta. */
static void moved_str(const struct snap *a, const struct snap *b, char *buf,
		      size_t len)
{
	snprintf(buf, len, "no reason counter");
	for (int r = 0; r < EDGEXDP_PASS_REASON_COUNT; r++)
		if (b->pass[r].packets != a->pass[r].packets) {
			want_str(buf, len, true, r);
			return;
		}
	for (int r = 0; r < EDGEXDP_DROP_REASON_COUNT; r++)
		if (b->drop[r].packets != a->drop[r].packets) {
			want_str(buf, len, false, r);
			return;
		}
}

static int moved_rule(const struct snap *a, const struct snap *b)
{
	for (size_t id = 0; id < g_dp.rs.n_rules; id++)
		if (b->rules[id].packets != a->rules[id].packets)
			return (int)id;
	return RULE_NONE;
}

void step(const char *what, enum edgexdp_zone zone, const struct pkt *p,
	  struct want w)
{
	struct snap before, after;
	char msg[2048] = "", wanted[64], got[64];
	int action, want_action = w.pass ? XDP_PASS : XDP_DROP, bad;

	snap_take(&before);
	action = dp_run(zone, p->data, p->len);
	snap_take(&after);
	want_str(wanted, sizeof(wanted), w.pass, w.reason);
	moved_str(&before, &after, got, sizeof(got));
	bad = snap_check(&before, &after, p->len, w, msg, sizeof(msg));
	if (action != want_action || bad) {
		int got_rule = moved_rule(&before, &after);
		char rule_got[96];

		snprintf(rule_got, sizeof(rule_got), "%s", rule_str(got_rule));
		print_error("step '%s' on %s (%zu bytes):\n"
			    "  want %s (%s) on %s%s\n"
			    "  got  %s (%s) on %s\n"
			    "  counters%s\n",
			    what, zone_str(zone), p->len,
			    want_action == XDP_PASS ? "XDP_PASS" : "XDP_DROP",
			    wanted, rule_str(w.rule),
			    w.new_flow ? " (new flow)" : "",
			    action == XDP_PASS	    ? "XDP_PASS"
			    : action == XDP_DROP    ? "XDP_DROP"
			    : action == XDP_ABORTED ? "XDP_ABORTED"
						    : "?",
			    got, rule_got, msg[0] ? msg : ": as wanted");
		free(before.rules);
		free(after.rules);
		if (action < 0)
			fail_msg("BPF_PROG_TEST_RUN failed: %s",
				 strerror(-action));
		fail();
	}
	free(before.rules);
	free(after.rules);
}

int rule_id(const char *name)
{
	for (size_t i = 0; i < g_dp.rs.n_rules; i++)
		if (g_dp.rs.rules[i].name &&
		    strcmp(g_dp.rs.rules[i].name, name) == 0)
			return (int)i;
	fail_msg("no compiled rule named %s", name);
	return RULE_NONE;
}

int rule_id_of(const struct profile_rule *r)
{
	return r ? rule_id(r->name) : RULE_NONE;
}

/* ---- registry ---- */

int case_setup(void **state)
{
	iface_overridden = false;
	dp_nic_set(EDGEXDP_SOURCE_STRICT, 0);
	ct_clear();
	frags_clear();
	set_iface(EDGEXDP_ZONE_EXTERNAL);
	return 0;
}

struct CMUnitTest *g_cases;
size_t g_n_cases;
static size_t cap_cases;

#define MAX_CATEGORIES 32
const char *g_cat_names[MAX_CATEGORIES];
size_t g_cat_counts[MAX_CATEGORIES];
size_t g_n_cats;

void case_category(const char *name)
{
	if (g_n_cats == MAX_CATEGORIES)
		abort();
	g_cat_names[g_n_cats++] = name;
}

void case_add(const char *name, case_fn fn, void *arg)
{
	if (g_n_cases == cap_cases) {
		cap_cases = cap_cases ? cap_cases * 2 : 256;
		g_cases = realloc(g_cases, cap_cases * sizeof(*g_cases));
		if (!g_cases)
			abort();
	}
	g_cases[g_n_cases++] = (struct CMUnitTest){
		.name = strdup(name),
		.test_func = fn,
		.setup_func = case_setup,
		.teardown_func = NULL,
		.initial_state = arg,
	};
	if (g_n_cats)
		g_cat_counts[g_n_cats - 1]++;
}

void case_add_fixture(const char *name, case_fn fn, int (*setup)(void **),
		      int (*teardown)(void **))
{
	case_add(name, fn, NULL);
	g_cases[g_n_cases - 1].setup_func = setup;
	g_cases[g_n_cases - 1].teardown_func = teardown;
}

void case_addf(case_fn fn, void *arg, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	case_add(name, fn, arg);
}
