/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * trafficgen's options, parsed by trafficgen_opts.c for trafficgen.c: what
 * to send, where, and for how long.
 */
#ifndef TRAFFICGEN_H
#define TRAFFICGEN_H

#define MAX_FRAME 1514
#define MAX_FLOWS 16384

struct gen_opts {
	const char *dev;
	double duration;
	unsigned long long count;
	unsigned int batch;
	unsigned int flows;
	int cpu;
	int json;
	int rewrite;
	/* frame */
	const char *hex;
	unsigned char dst_mac[6];
	unsigned char src_mac[6];
	int family; /* 4 or 6 */
	const char *src; /* addresses as given: the builder parses them */
	const char *dst;
	int l4proto; /* IPPROTO_TCP or IPPROTO_UDP */
	unsigned int sport;
	unsigned int dport;
	unsigned char tcp_flags;
	int vlan; /* -1: untagged */
	unsigned int len;
	unsigned int src_bits; /* low source bits new in every frame sent */
	unsigned int dport_span; /* dport .. dport + span - 1, per frame */
};

/*
 * Fills o, which holds the defaults, from the command line. Returns 0, or
 * -EINVAL after saying why on stderr. --help and --gro are commands of
 * their own: they exit.
 */
int parse_args(int argc, char **argv, struct gen_opts *o);

#endif /* TRAFFICGEN_H */
