// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench: what edgexdp costs per packet, measured with BPF_PROG_TEST_RUN,
 * and how that cost, its memory and its load time grow with the config.
 *
 * Each case is one frame run `repeat` times back to back by the kernel
 * (opts.duration is the mean ns of one run). Both configs are loaded side
 * by side and measured in alternation, `runs` rounds of one call per case
 * on each; a figure is the median of its rounds, and a scaling ratio (large
 * over default) the median of the rounds' ratios, with their min and max.
 * The same frame through the trivial xdp_pass_all gives the cost of
 * running any XDP program at all, the denominator of the ratios.
 *
 * Flows are opened the way traffic opens them (SYN, SYN-ACK, ACK; a
 * datagram and its reply) before the measured packet repeats on them.
 * The frame is the same every repetition, so everything it touches stays in
 * the CPU cache: these are warm-cache figures (the veth phase of
 * tools/bench/bench.sh is the cold, many-flow view).
 *
 * tcp_syn_new cannot repeat: the first SYN opens the flow, every later one
 * is a retransmit on it. It is measured one fresh flow per call (repeat 1,
 * a new source port each time, classify + conntrack insert every time):
 * the median of those calls, minus the median of the same one-run calls of
 * xdp_pass_all (the syscall's timer overhead both share), plus xdp_pass_all
 * at full repeat. tcp_syn_retransmit is the repeatable part, for reference.
 *
 * Writes a JSON object (testrun, testrun_ratio, scaling, scaling_range,
 * maps_bytes, load_ms, reload_ms, droplog_off) to -o FILE and a table to
 * stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>

#include "config.h"
#include "ct.h"
#include "edgexdp.skel.h"
#include "maps.h"
#include "pkt.h"
#include "ruleset.h"
#include "trivial.skel.h"
#include "bench.h"

/* The two configs. The default is the documented profile, every feature
 * on, the roles of tools/lab (NAT, IPv6). The large one adds, to exactly
 * that: EXTRA_RULES site rules, each allowing one of BULK_SETS address sets
 * of EXTRA_PREFIXES /32s in all, conntrack sized CT_LARGE_MAX with
 * CT_LARGE_FLOWS established flows in it. */
#define EXTRA_RULES 1000
#define EXTRA_PREFIXES 100000
#define BULK_SETS 10
#define EXTRA_RULE_PORT 10000 /* tcp 10000..10999 */
#define CT_LARGE_MAX (2u << 20)
#define CT_LARGE_FLOWS 1000000

static const char default_yaml[] =
	"interfaces:\n"
	"  - { name: lo, zone: external }\n"
	"xdp_mode: native\n"
	"profile: lync2013-edge\n"
	"features: [federation, ocs2007_federation, public_im, xmpp, "
	"centralized_logging]\n"
	"addresses:\n"
	"  access_edge: [10.45.16.10, 203.0.113.10, 2001:db8:45::10]\n"
	"  webconf_edge: [10.45.16.20, 203.0.113.20, 2001:db8:45::20]\n"
	"  av_edge: [10.45.16.30, 203.0.113.30, 2001:db8:45::30]\n"
	"  edge_internal: [172.25.33.10]\n"
	"  front_end: [172.25.40.0/24]\n"
	"nat:\n"
	"  - { private: 10.45.16.10, public: 203.0.113.10 }\n"
	"  - { private: 10.45.16.20, public: 203.0.113.20 }\n"
	"  - { private: 10.45.16.30, public: 203.0.113.30 }\n";

static void instance_free(struct instance *in)
{
	edgexdp_bpf__destroy(in->skel);
	ruleset_free(&in->rs);
	config_free(&in->cfg);
	memset(in, 0, sizeof(*in));
}

/* Compile, create and fill the maps, load: what `load` does short of
 * attaching and pinning. *ms is the wall time of all of it. */
static int instance_load(struct instance *in, const char *name,
			 const char *yaml, double *ms)
{
	const unsigned int ifindexes[] = {LO_IFINDEX};
	struct edgexdp_diag cerr;
	double t0 = now_ms();
	int err;

	memset(in, 0, sizeof(*in));
	err = config_load_buffer(name, yaml, strlen(yaml), &in->cfg, &cerr);
	if (!err)
		err = ruleset_compile(&in->cfg, &in->rs, &cerr);
	if (err) {
		fprintf(stderr, "bench: %s\n", cerr.msg);
		return err;
	}
	if (in->rs.n_ifaces != 1) {
		fprintf(stderr, "bench: %s: expected one interface\n", name);
		return -EINVAL;
	}
	in->skel = edgexdp_bpf__open();
	if (!in->skel)
		return -errno;
	err = maps_prepare(in->skel,
			   &(struct maps_prepare_opts){.rs = &in->rs,
						       .ifindexes = ifindexes},
			   &cerr);
	if (err) {
		fprintf(stderr, "bench: %s: %s\n", name, cerr.msg);
		return err;
	}
	err = edgexdp_bpf__load(in->skel);
	if (err) {
		fprintf(stderr, "bench: %s: cannot load: %s\n", name,
			strerror(-err));
		return err;
	}
	in->prog_fd = bpf_program__fd(in->skel->progs.edgexdp_xdp);
	*ms = now_ms() - t0;
	return 0;
}

/* Kernel memory of a map as the kernel accounts it (fdinfo memlock: for
 * preallocated maps the whole table, for LPM tries and non-preallocated
 * hashes what their elements use now). */
static long long map_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static long long maps_bytes(const struct instance *in, int verbose)
{
	const struct bpf_map *map;
	long long sum = 0;

	bpf_object__for_each_map (map, in->skel->obj) {
		long long b = map_memlock(bpf_map__fd(map));

		if (verbose)
			printf("    %-16s %10u entries max  %12lld bytes\n",
			       bpf_map__name(map), bpf_map__max_entries(map),
			       b);
		if (b > 0)
			sum += b;
	}
	return sum;
}

/*
 * The large config: `base` (which has a `nat:` block after its addresses)
 * plus the bulk sets and rules; with its conntrack sized for the flows
 * bench_large inserts unless for_reload (a reload keeps the table's size).
 */
static char *large_yaml(const char *base, int for_reload)
{
	const char *nat = strstr(base, "nat:\n");
	size_t cap = strlen(base) + (size_t)EXTRA_PREFIXES * 20 +
		     (size_t)EXTRA_RULES * 128 + 4096;
	size_t per_set = EXTRA_PREFIXES / BULK_SETS;
	char *y, *p;

	if (!nat)
		return NULL;
	y = malloc(cap);
	if (!y)
		return NULL;
	/* The bulk sets go at the end of `addresses:`, before `nat:`. */
	p = y + sprintf(y, "%.*s", (int)(nat - base), base);
	for (size_t s = 0; s < BULK_SETS; s++) {
		p += sprintf(p, "  bulk%zu: [", s);
		for (size_t i = 0; i < per_set; i++) {
			/* 198.18.0.0/15 (RFC 2544), from the bottom up. */
			unsigned int n = (unsigned int)(s * per_set + i);

			p += sprintf(p, "%s198.%u.%u.%u", i ? ", " : "",
				     18 + (n >> 16), (n >> 8) & 0xff, n & 0xff);
		}
		p += sprintf(p, "]\n");
	}
	p += sprintf(p, "%s", nat);
	p += sprintf(p, "rules:\n");
	for (int r = 0; r < EXTRA_RULES; r++)
		p += sprintf(p,
			     "  - { name: bulk-%d, zone: external, proto: tcp, "
			     "ports: %d, from: bulk%d, to: access_edge }\n",
			     r, EXTRA_RULE_PORT + r, r % BULK_SETS);
	if (!for_reload)
		sprintf(p, "conntrack: { max_entries: %u }\n", CT_LARGE_MAX);
	return y;
}

/* --write-large FILE: the large config built on the config read from
 * stdin, for tools/bench/bench.sh to reload a live filter into. */
static int write_large(const char *path)
{
	char base[8192], *yaml;
	size_t n = fread(base, 1, sizeof(base) - 1, stdin);
	FILE *f;
	int err = 0;

	base[n] = '\0';
	yaml = large_yaml(base, 1);
	if (!yaml) {
		fprintf(stderr,
			"bench: --write-large: no nat: block on stdin\n");
		return 1;
	}
	f = fopen(path, "w");
	if (!f || fputs(yaml, f) < 0) {
		fprintf(stderr, "bench: cannot write %s\n", path);
		err = 1;
	}
	if (f)
		fclose(f);
	free(yaml);
	return err;
}

/* Established flows straight into conntrack, as `load` seeds them. */
static int insert_flows(const struct instance *in, unsigned int n)
{
	int fd = bpf_map__fd(in->skel->maps.conntrack);
	const unsigned int chunk = 4096;
	struct edgexdp_ct_key *keys = calloc(chunk, sizeof(*keys));
	struct edgexdp_ct_entry *vals = calloc(chunk, sizeof(*vals));
	struct edgexdp_addr a = {0}, b = {0};
	int err = 0;

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	inet_pton(AF_INET, "203.0.113.20", b.u8);
	for (unsigned int done = 0; done < n && !err;) {
		__u32 count = 0;
		struct bpf_map_batch_opts bo = {.sz = sizeof(bo)};

		for (; count < chunk && done < n; count++, done++) {
			/* 100,000 clients x 10 source ports each */
			unsigned int c = done % EXTRA_PREFIXES;
			int is_a;

			a.u8[0] = 198;
			a.u8[1] = (unsigned char)(18 + (c >> 16));
			a.u8[2] = (unsigned char)(c >> 8);
			a.u8[3] = (unsigned char)c;
			is_a = ct_key_from_tuple(
				&keys[count], &in->rs, 4, IPPROTO_TCP, &a,
				(uint16_t)(1024 + done / EXTRA_PREFIXES), &b,
				443);
			ct_entry_established(&vals[count], 0, is_a);
		}
		if (bpf_map_update_batch(fd, keys, vals, &count, &bo))
			err = -errno;
	}
	free(keys);
	free(vals);
	return err;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: bench [-r REPEAT] [-n RUNS] [-o FILE] [--no-large]\n\n"
		"Per-packet cost of edgexdp with BPF_PROG_TEST_RUN (as root).\n"
		"  -r, --repeat N   runs per BPF_PROG_TEST_RUN call (default "
		"1000000)\n"
		"  -n, --runs N     alternated rounds, median taken (default "
		"5, max 64)\n"
		"  -o, --out FILE   write the JSON figures there\n"
		"      --no-large   skip the large config (no scaling, "
		"load_ms)\n"
		"      --nolog FILE the data path without its drop log call: "
		"measure\n"
		"                   what the log's switch costs a drop\n"
		"      --write-large FILE  write the large config built on "
		"the\n"
		"                   config on stdin (no conntrack size) and "
		"exit\n");
}

#define RUN (-1)

/* RUN, or the exit status (help: 0, bad usage: 2). */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"repeat", required_argument, NULL, 'r'},
		{"runs", required_argument, NULL, 'n'},
		{"out", required_argument, NULL, 'o'},
		{"no-large", no_argument, NULL, 'L'},
		{"write-large", required_argument, NULL, 'W'},
		{"nolog", required_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "r:n:o:h", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'r':
			o->repeat = (__u32)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			o->runs = atoi(optarg);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'L':
			o->skip_large = 1;
			break;
		case 'W':
			o->write_large = optarg;
			break;
		case 'N':
			o->nolog_obj = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o->repeat || o->runs < 1 || o->runs > 64) {
		usage(stderr);
		return 2;
	}
	return RUN;
}

/* One CPU throughout: its caches and its share of the LRU free lists, not
 * whichever the scheduler picks per call. */
static void pin_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * The data path built without its drop log call (Makefile:
 * edgexdp_nolog.bpf.o), loaded on the maps of `in`; the program's fd, or
 * negative errno. *objp is to close.
 */
static int nolog_load(const struct instance *in, const char *path,
		      struct bpf_object **objp)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	struct bpf_map *map, *twin;
	int err = 0;

	if (!obj)
		return -errno;
	bpf_object__for_each_map (map, obj) {
		if (err || bpf_map__is_internal(map))
			continue;
		twin = bpf_object__find_map_by_name(in->skel->obj,
						    bpf_map__name(map));
		err = twin ? bpf_map__reuse_fd(map, bpf_map__fd(twin))
			   : -ENOENT;
	}
	prog = bpf_object__find_program_by_name(obj, "edgexdp_xdp");
	if (!err && !prog)
		err = -ENOENT;
	if (!err)
		err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return err;
	}
	*objp = obj;
	return bpf_program__fd(prog);
}

/* denied_junk on `in` with its drop log call and without, in turn. */
static int measure_nolog(const struct instance *in, const struct opts *o,
			 struct figures *fig)
{
	struct frame_spec junk = {CLIENT4, ACCESS4, 40000, 9, 0, 0, 0, 0, 0};
	struct bpf_object *obj = NULL;
	struct pkt f = {0};
	int fd = nolog_load(in, o->nolog_obj, &obj);

	if (fd < 0) {
		fprintf(stderr, "bench: cannot load %s: %s\n", o->nolog_obj,
			strerror(-fd));
		return fd;
	}
	frame_build(&f, &junk);
	for (int r = 0; r < NOLOG_ROUNDS; r++) {
		fig->nolog_with[r] =
			measure(in->prog_fd, &f, XDP_DROP, o, "denied_junk");
		fig->nolog_without[r] =
			measure(fd, &f, XDP_DROP, o, "denied_junk, no log");
	}
	fig->nolog_rounds = NOLOG_ROUNDS;
	bpf_object__close(obj);
	return 0;
}

/* The documented profile, all features, and its cases' flows. */
static int load_default(struct instance *def, struct case_frames *cf,
			struct figures *fig)
{
	int err = instance_load(def, "default", default_yaml, &fig->ms_def);

	if (err)
		return err;
	printf("  default: the documented profile, all features: %zu rules, "
	       "%zu+%zu prefixes, %zu match entries, conntrack %u\n",
	       def->rs.n_rules, def->rs.n_lpm_v4, def->rs.n_lpm_v6,
	       def->rs.n_matches, def->rs.ct_max_entries);
	return open_flows(def->prog_fd, cf);
}

/* The large config, its conntrack full of established flows, and its
 * cases' flows. */
static int load_large(struct instance *big, const char *yaml,
		      struct case_frames *cf, struct figures *fig)
{
	double t;
	int err = instance_load(big, "large", yaml, &fig->load_ms);

	if (err)
		return err;
	printf("  large: + %d site rules, + %d prefixes: %zu rules, "
	       "%zu+%zu prefixes, %zu match entries, conntrack %u\n",
	       EXTRA_RULES, EXTRA_PREFIXES, big->rs.n_rules, big->rs.n_lpm_v4,
	       big->rs.n_lpm_v6, big->rs.n_matches, big->rs.ct_max_entries);
	t = now_ms();
	err = insert_flows(big, CT_LARGE_FLOWS);
	if (err) {
		fprintf(stderr, "bench: inserting flows: %s\n", strerror(-err));
		return err;
	}
	printf("  large: %d established flows inserted in %.0f ms\n",
	       CT_LARGE_FLOWS, now_ms() - t);
	return open_flows(big->prog_fd, cf);
}

/* Per case, the median over the rounds; the scaling ratios' too, with
 * their min and max. */
static void reduce_rounds(const struct rounds *rd, int large,
			  struct figures *fig)
{
	double d[MAX_ROUNDS] = {0}, b[MAX_ROUNDS] = {0}, q[MAX_ROUNDS] = {0};
	int n = rd->n, per_round = SYN_NEW_SAMPLES / n;

	for (int c = 0; c < C_COUNT; c++) {
		for (int i = 0; i < n; i++) {
			d[i] = rd->def[i][c];
			b[i] = rd->big[i][c];
			q[i] = b[i] / d[i];
		}
		fig->def.ns[c] = median(d, (size_t)n);
		if (!large)
			continue;
		fig->big.ns[c] = median(b, (size_t)n);
		/* median() sorts: then the ends are the min and the max. */
		fig->scale[c][0] = median(q, (size_t)n);
		fig->scale[c][1] = q[0];
		fig->scale[c][2] = q[n - 1];
	}
	memcpy(d, rd->pass_def, sizeof(d));
	fig->def.pass_all = median(d, (size_t)n);
	/* Each round takes its whole share of the fresh SYNs. */
	fig->def.syn_new_samples = per_round * n;
	fig->rounds = n;
}

/*
 * Both configs loaded side by side, every case measured on one then the
 * other, o->runs rounds: a drift of the machine lands in both sides of a
 * round's ratio alike. Then the drop log's switch, memory, and the large
 * config prepared again beside the live one.
 */
static int bench_configs(int pass_fd, const struct opts *o, struct figures *fig)
{
	struct instance def = {0}, big = {0}, again = {0};
	static struct rounds rd;
	struct case_frames cf_def = {0}, cf_big = {0};
	int large = !o->skip_large, err;
	char *yaml = large ? large_yaml(default_yaml, 0) : NULL;

	if (large && !yaml)
		return -ENOMEM;
	err = load_default(&def, &cf_def, fig);
	if (!err && large)
		err = load_large(&big, yaml, &cf_big, fig);
	rd.n = o->runs;
	for (int r = 0; !err && r < rd.n; r++) {
		err = measure_round(def.prog_fd, pass_fd, &cf_def, o, r, rd.n,
				    rd.def[r], &rd.pass_def[r]);
		if (!err && large)
			err = measure_round(big.prog_fd, pass_fd, &cf_big, o, r,
					    rd.n, rd.big[r], &rd.pass_big[r]);
	}
	if (!err)
		reduce_rounds(&rd, large, fig);
	if (!err && o->nolog_obj)
		err = measure_nolog(&def, o, fig);
	if (!err)
		fig->bytes_def = maps_bytes(&def, 0);
	if (!err && large)
		err = instance_load(&again, "large", yaml, &fig->reload_ms);
	instance_free(&again);
	if (!err && large) {
		printf("  large config maps, by fdinfo memlock:\n");
		fig->bytes_big = maps_bytes(&big, 1);
	}
	instance_free(&big);
	instance_free(&def);
	free(yaml);
	return err;
}

int main(int argc, char **argv)
{
	struct opts o = {.repeat = 1000000, .runs = 5};
	struct figures fig = {
		.bytes_big = -1, .ms_def = -1, .load_ms = -1, .reload_ms = -1};
	struct trivial_bpf *triv;
	int err, pass_fd;

	err = parse_opts(argc, argv, &o);
	if (err != RUN)
		return err;
	if (o.write_large)
		return write_large(o.write_large);
	libbpf_set_print(NULL);
	pin_cpu();
	triv = trivial_bpf__open_and_load();
	if (!triv) {
		fprintf(stderr, "bench: cannot load the trivial programs: %s\n",
			strerror(errno));
		return 1;
	}
	pass_fd = bpf_program__fd(triv->progs.xdp_pass_all);

	printf("bench: BPF_PROG_TEST_RUN, repeat %u, median of %d alternated "
	       "rounds\n",
	       o.repeat, o.runs);
	fig.large = !o.skip_large;
	err = bench_configs(pass_fd, &o, &fig);
	if (!err) {
		print_figures(&fig, fig.large);
		if (o.out)
			err = write_json(o.out, &fig);
	}
	trivial_bpf__destroy(triv);
	return err ? 1 : 0;
}
