// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The differential fuzzer of the data path: packet sequences from the
 * generator (gen.c) run through the real XDP program with BPF_PROG_TEST_RUN
 * and through the reference model (model.h, model*.c); the verdict, the
 * reason counted and the rule counted on must agree, packet by packet.
 *
 *   fuzz_datapath [-n PACKETS] [-t SECONDS] [-s SEED] [-o DIR]
 *   fuzz_datapath -r CASE       replay a saved mismatch
 *
 * A mismatch is saved in DIR (default build/fuzz) as a replayable case:
 * the sequence from its start to the packet that disagreed. Reports in TAP
 * (tests/run-all.sh): the run is one test, "ok 1" when no packet
 * disagreed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "edgexdp.skel.h"
#include "gen.h"
#include "harness.h"
#include "maps.h"
#include "names.h"

#define MAX_SEQ 48
#define CASE_MAGIC "edgexdp-fuzz-case 1"

struct run {
	uint64_t packets, mismatches;
	const char *outdir;
	uint64_t seed;
	bool verbose; /* -v: every step, not just mismatches */
	struct edgexdp_reason_stats last[EDGEXDP_STATS_PER_SLOT];
	uint64_t *rule_pkts; /* per rule, as last read */
};

/* What the real program did: its action, the counter that moved, the
 * rule whose packet counter moved. */
struct real {
	int action;
	bool pass;
	int reason;
	int rule;
};

static int read_slot(struct edgexdp_reason_stats *out)
{
	int fd = bpf_map__fd(g_dp.skel->maps.verdict_stats);

	return maps_percpu_sum_u64(fd, DP_SLOT, &out[0].packets,
				   EDGEXDP_STATS_PER_SLOT * 2);
}

static int read_rule(uint32_t id, uint64_t *pkts)
{
	struct edgexdp_rule_stats st;
	int fd = bpf_map__fd(g_dp.skel->maps.rule_stats);
	int err = maps_percpu_sum_u64(fd, id, &st.flows, 3);

	*pkts = st.packets;
	return err;
}

/* Run one step for real and find which counters moved. */
static int run_real(struct run *r, const struct gen_step *st, int want_rule,
		    struct real *out)
{
	struct edgexdp_reason_stats now[EDGEXDP_STATS_PER_SLOT];
	int moved = 0;

	dp_nic_set(st->nic.source_check, st->nic.flags);
	out->action = dp_run(st->nic.zone, st->pkt.data, st->pkt.len);
	if (out->action < 0 || read_slot(now))
		return -1;
	out->reason = -1;
	for (int i = 0; i < EDGEXDP_STATS_PER_SLOT; i++) {
		if (now[i].packets == r->last[i].packets)
			continue;
		moved++;
		out->pass = i >= EDGEXDP_STATS_REASONS;
		out->reason = i % EDGEXDP_STATS_REASONS;
	}
	memcpy(r->last, now, sizeof(now));
	if (moved != 1)
		out->reason = -2;
	/* The rule the model names must have moved; a wrong one shows in
	 * the totals compared at the end of each sequence. */
	out->rule = -1;
	if (want_rule >= 0) {
		uint64_t p;

		if (read_rule((uint32_t)want_rule, &p))
			return -1;
		if (p != r->rule_pkts[want_rule])
			out->rule = want_rule;
		r->rule_pkts[want_rule] = p;
	}
	return 0;
}

/* Every rule's packets, against the model's count: no other rule moved. */
static int rules_agree(struct run *r)
{
	for (uint32_t id = 0; id < g_dp.rs.n_rules; id++) {
		uint64_t p;

		if (read_rule(id, &p))
			return -1;
		if (p != r->rule_pkts[id]) {
			fprintf(stderr, "fuzz: rule %u %s moved unexpectedly\n",
				id, g_dp.rs.rules[id].name);
			r->rule_pkts[id] = p;
			return 1;
		}
	}
	return 0;
}

static const char *reason_str(bool pass, int reason)
{
	if (reason < 0)
		return reason == -2 ? "(not exactly one counter)" : "?";
	return pass ? pass_reason_name((unsigned int)reason)
		    : drop_reason_name((unsigned int)reason);
}

static void save_case(struct run *r, const struct gen_step *seq, size_t n)
{
	char path[512];
	FILE *f;

	mkdir(r->outdir, 0755);
	snprintf(path, sizeof(path), "%s/mismatch-%" PRIu64 "-%" PRIu64 ".case",
		 r->outdir, r->seed, r->packets);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "fuzz: %s: %s\n", path, strerror(errno));
		return;
	}
	fprintf(f, "%s\n", CASE_MAGIC);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%d %u %u", seq[i].nic.zone, seq[i].nic.source_check,
			seq[i].nic.flags);
		fprintf(f, " ");
		for (size_t b = 0; b < seq[i].pkt.len; b++)
			fprintf(f, "%02x", seq[i].pkt.data[b]);
		fprintf(f, "\n");
	}
	fclose(f);
	fprintf(stderr, "fuzz: saved %s (replay: fuzz_datapath -r %s)\n", path,
		path);
}

static void hexdump(const struct pkt *p)
{
	for (size_t b = 0; b < p->len; b++)
		fprintf(stderr, "%02x%s", p->data[b],
			(b + 1) % 32 == 0 ? "\n" : "");
	fprintf(stderr, "\n");
}

/* One step through both; true when they agree. */
static bool check_step(struct run *r, const struct gen_step *st, size_t idx,
		       bool verbose)
{
	struct model_verdict m = model_run(&st->nic, st->pkt.data, st->pkt.len);
	struct real got;
	bool ok;

	if (m.rule >= 0 && m.rule >= (int)g_dp.rs.n_rules)
		m.rule = -1;
	if (run_real(r, st, m.rule, &got)) {
		fprintf(stderr, "fuzz: test run failed: %s\n", strerror(errno));
		return false;
	}
	ok = got.reason == m.reason && got.pass == m.pass &&
	     (got.action == 2) == m.pass && got.rule == m.rule;
	if (!ok || verbose)
		fprintf(stderr,
			"fuzz: %s step %zu on %s (check %u, flags %u): model "
			"%s %s rule %d, program %s %s rule %d\n",
			ok ? "ok" : "MISMATCH", idx, zone_str(st->nic.zone),
			st->nic.source_check, st->nic.flags,
			m.pass ? "pass" : "drop", reason_str(m.pass, m.reason),
			m.rule, got.action == 2 ? "pass" : "drop",
			reason_str(got.pass, got.reason), got.rule);
	if (!ok)
		hexdump(&st->pkt);
	return ok;
}

static void sequence_reset(void)
{
	ct_clear();
	frags_clear();
	model_reset();
}

static int fuzz(struct run *r, uint64_t max_packets, double seconds)
{
	static struct gen_step seq[MAX_SEQ];
	uint64_t rng = r->seed * 0x9E3779B97F4A7C15ULL + 1;
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (r->packets < max_packets) {
		size_t n = 1 + gen_rand(&rng) % MAX_SEQ;
		bool bad = false;

		sequence_reset();
		gen_sequence(&rng);
		for (size_t i = 0; i < n && !bad; i++) {
			gen_step(&rng, &seq[i]);
			r->packets++;
			if (!check_step(r, &seq[i], i, r->verbose)) {
				bad = true;
				save_case(r, seq, i + 1);
			}
		}
		if (!bad && rules_agree(r)) {
			bad = true;
			save_case(r, seq, n);
		}
		r->mismatches += bad;
		if (r->mismatches >= 10)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (seconds > 0 &&
		    (double)(t.tv_sec - t0.tv_sec) +
				    (t.tv_nsec - t0.tv_nsec) / 1e9 >=
			    seconds)
			break;
	}
	return 0;
}

static int replay(struct run *r, const char *path)
{
	static struct gen_step seq[MAX_SEQ];
	char line[8192];
	size_t n = 0;
	FILE *f = fopen(path, "r");

	if (!f || !fgets(line, sizeof(line), f) ||
	    strncmp(line, CASE_MAGIC, strlen(CASE_MAGIC)) != 0) {
		fprintf(stderr, "fuzz: %s: not a fuzz case\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	while (n < MAX_SEQ && fgets(line, sizeof(line), f)) {
		struct gen_step *st = &seq[n];
		unsigned int zone, check, flags;
		char *hex = NULL;
		int used = 0;

		memset(st, 0, sizeof(*st));
		if (sscanf(line, "%u %u %u %n", &zone, &check, &flags, &used) !=
		    3)
			break;
		st->nic.zone = (enum edgexdp_zone)zone;
		st->nic.source_check = (uint8_t)check;
		st->nic.flags = (uint8_t)flags;
		hex = line + used;
		while (st->pkt.len < PKT_MAX &&
		       sscanf(hex, "%2hhx", &st->pkt.data[st->pkt.len]) == 1) {
			st->pkt.len++;
			hex += 2;
		}
		n++;
	}
	fclose(f);
	sequence_reset();
	for (size_t i = 0; i < n; i++) {
		r->packets++;
		if (!check_step(r, &seq[i], i, true))
			r->mismatches++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct run r = {.outdir = "build/fuzz", .seed = 1};
	uint64_t max_packets = 200000;
	const char *replay_path = NULL;
	double seconds = 0;
	int opt;

	while ((opt = getopt(argc, argv, "n:t:s:o:r:v")) != -1) {
		switch (opt) {
		case 'v':
			r.verbose = true;
			break;
		case 'n':
			max_packets = strtoull(optarg, NULL, 10);
			break;
		case 't':
			seconds = strtod(optarg, NULL);
			max_packets = UINT64_MAX;
			break;
		case 's':
			r.seed = strtoull(optarg, NULL, 10);
			break;
		case 'o':
			r.outdir = optarg;
			break;
		case 'r':
			replay_path = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-n PACKETS] [-t SECONDS] "
				"[-s SEED] [-o DIR] [-r CASE] [-v]\n",
				argv[0]);
			return 2;
		}
	}
	if (dp_setup()) {
		printf("1..1\nnot ok 1 - differential fuzz: setup failed\n");
		return 1;
	}
	r.rule_pkts = calloc(g_dp.rs.n_rules, sizeof(*r.rule_pkts));
	if (!r.rule_pkts || read_slot(r.last)) {
		printf("1..1\nnot ok 1 - differential fuzz: no counters\n");
		return 1;
	}
	if (replay_path)
		replay(&r, replay_path);
	else
		fuzz(&r, max_packets, seconds);
	dp_teardown();
	printf("1..1\n%s 1 - differential fuzz: seed %" PRIu64 ", %" PRIu64
	       " packets, %" PRIu64 " mismatches\n",
	       r.mismatches ? "not ok" : "ok", r.seed, r.packets, r.mismatches);
	return r.mismatches ? 1 : 0;
}
