/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the parts of tools/bench/bench share: the frames, the cases, the
 * options and the figures (bench.c says what is measured and how).
 */
#ifndef EDGEXDP_BENCH_H
#define EDGEXDP_BENCH_H

#include <stddef.h>

#include <linux/types.h>

#include "config.h"
#include "edgexdp.skel.h"
#include "pkt.h"
#include "ruleset.h"

#define LO_IFINDEX 1
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

struct frame_spec {
	const char *src, *dst;
	unsigned int sport, dport;
	int tcp; /* else UDP */
	unsigned char flags;
	int vlan; /* 802.1Q tagged (VID 100) */
	unsigned int seq, ack; /* TCP, host order */
};

struct opts {
	__u32 repeat;
	int runs;
	const char *out;
	const char *write_large; /* only write the large config there */
	const char *nolog_obj; /* the data path without its drop log call */
	int skip_large;
};

enum {
	C_DENIED_JUNK,
	C_DENIED_ADDR,
	C_TCP_SYN_NEW,
	C_TCP_ESTABLISHED,
	C_UDP_RTP_ESTABLISHED,
	C_IPV6_ESTABLISHED,
	C_VLAN_ESTABLISHED,
	C_TCP_SYN_RETRANSMIT, /* reference only, not in the JSON */
	C_COUNT,
	C_JSON_COUNT = C_TCP_SYN_RETRANSMIT,
};

/* Client and servers of the measured flows (RFC 5737 / RFC 3849). The
 * denied_addr source lies in the bulk range of the large config but in no
 * set: the deepest miss its LPM trie has. */
#define CLIENT4 "198.51.100.7"
#define CLIENT6 "2001:db8:99::7"
#define ACCESS4 "203.0.113.10"
#define ACCESS6 "2001:db8:45::10"
#define AV4 "203.0.113.30"
#define NOWHERE4 "203.0.113.99"
#define BULK_MISS4 "198.19.255.7"

struct results {
	double ns[C_COUNT];
	double pass_all; /* xdp_pass_all, same frame as tcp_established */
	double syn_new_samples; /* how many fresh SYNs the median is of */
};

/* What the rounds measured, per round, before the medians. */
#define MAX_ROUNDS 64

struct rounds {
	int n;
	double def[MAX_ROUNDS][C_COUNT], big[MAX_ROUNDS][C_COUNT];
	double pass_def[MAX_ROUNDS], pass_big[MAX_ROUNDS];
};

#define SYN_NEW_SAMPLES 20000
#define SYN_NEW_SPORT 20000

/* The frame of each repeatable case and its verdict, flows opened. */
struct case_frames {
	struct frame_spec spec[C_COUNT]; /* C_TCP_SYN_NEW: unused */
	__u32 expect[C_COUNT];
};

#define NOLOG_ROUNDS 21

struct instance {
	struct edgexdp_config cfg;
	struct ruleset rs;
	struct edgexdp_bpf *skel;
	int prog_fd;
};

/* Everything one run measures. */
struct figures {
	int large; /* the large config was measured too */
	struct results def, big;
	long long bytes_def, bytes_big;
	double ms_def, load_ms, reload_ms;
	/* denied_junk with the drop log's call and without, in alternation:
	 * what its switch costs a drop while no listener runs. */
	double nolog_with[NOLOG_ROUNDS], nolog_without[NOLOG_ROUNDS];
	int nolog_rounds;
	/* large / default per case: median, min, max of the rounds' */
	double scale[C_COUNT][3];
	int rounds;
};

/* bench_cases.c: frames, BPF_PROG_TEST_RUN, the cases and their rounds. */
extern const char *const case_names[C_COUNT];
extern const char *const case_notes[C_COUNT];
void frame_build(struct pkt *f, const struct frame_spec *s);
double median(double *v, size_t n);
double now_ms(void);
double measure(int prog_fd, const struct pkt *f, __u32 expect,
	       const struct opts *o, const char *what);
int open_flows(int prog_fd, struct case_frames *cf);
int measure_round(int prog_fd, int pass_fd, const struct case_frames *cf,
		  const struct opts *o, int round, int rounds,
		  double ns[C_COUNT], double *pass_all);

/* bench_output.c: the table on stdout, the JSON file. */
struct json_object *jnum(double v, int decimals);
void print_figures(const struct figures *fig, int large);
int write_json(const char *path, const struct figures *fig);

#endif /* EDGEXDP_BENCH_H */
