// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * trafficgen: send frames into a NIC from the kernel at millions of frames
 * per second, for the veth phase of tools/bench.sh.
 *
 * xdp-trafficgen does not load on every kernel; this needs only
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES (5.18+): the kernel
 * builds each frame in a page pool, runs bpf/trafficgen.bpf.c on it, and
 * that program's bpf_redirect() really transmits it through the target's
 * ndo_xdp_xmit. On a veth, the frame lands in the peer's receive ring, where
 * the peer's XDP program (or, with NAPI on and no program, its stack) sees it.
 *
 * The frame is built from the options by the tests' packet builder
 * (tests/lib/pkt.c: Ethernet, optional 802.1Q tag, IPv4 or IPv6, TCP or UDP,
 * valid IPv4 header and L4 checksums), or read as hex.
 * With -F N it is N frames that differ in source port, sent in turn, one
 * batch (-b frames) at a time. --dport-span spreads their destination
 * ports (pseudo-random, the same on every run); --src-bits makes the BPF
 * program give every frame it sends a new IPv4 source address (checksums
 * updated), as a spoofed flood from all-new sources does.
 *
 * Pages of the kernel's live-frame pool are recycled without being
 * initialised again: with -R the program writes the frame's first bytes
 * back every time, for receivers whose stack rewrites them (forwarding
 * does). Without -R the frames must come back untouched (XDP_DROP, a
 * filter that drops).
 *
 * "Sent" counts frames handed to the redirect: a frame the target's ring
 * had no room for is counted here and lost there (the veth counts it as an
 * xmit error). Measure what was received at the receiver.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "pkt.h"
#include "trafficgen.skel.h"

#define MAX_FRAME 1514
#define MAX_FLOWS 16384
#define MIN_FRAME 60 /* without FCS */
/* Exit code when this kernel lacks what trafficgen needs: tools/bench.sh
 * then reports the veth phase unavailable, with the reason printed. */
#define EXIT_UNAVAILABLE 3
#define TCP_CSUM_OFF 16
#define UDP_CSUM_OFF 6
#define IP4_DF 0x40 /* in the byte at offset 6 of the IPv4 header */
/* Sequence and acknowledgement numbers of the TCP frames: any will do for a
 * flood; this one is what the generator has always sent. */
#define TCP_SEQ 0x10000

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

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: trafficgen -i DEV [-d SECONDS | -n FRAMES] "
		"[OPTIONS]\n\n"
		"Redirect frames into DEV (a veth: they arrive at its peer) "
		"with\n"
		"BPF_PROG_TEST_RUN live frames, and report frames sent per "
		"second.\n\n"
		"  -i, --dev DEV        NIC to transmit on (in this netns)\n"
		"  -d, --duration SEC   send for SEC seconds (default 5)\n"
		"  -n, --count N        send N frames, then stop\n"
		"  -b, --batch N        frames per BPF_PROG_TEST_RUN call "
		"(default 8192)\n"
		"  -F, --flows N        N frames differing in source port, in "
		"turn\n"
		"  -C, --cpu N          pin to CPU N\n"
		"  -j, --json           print one JSON object\n"
		"  -R, --rewrite        write the frame back before each send: "
		"for\n"
		"                       receivers that modify it (forwarding)\n"
		"      --gro DEV        only turn GRO on for DEV (as ethtool "
		"-K DEV\n"
		"                       gro on) and exit: a veth with no XDP "
		"program\n"
		"                       takes redirected frames only with GRO "
		"on\n\n"
		"The frame: either\n"
		"  -x, --hex HEX        a whole Ethernet frame in hex\n"
		"or built from:\n"
		"      --src ADDR --dst ADDR   IPv4 or IPv6 (required)\n"
		"      --proto tcp|udp         (default udp)\n"
		"      --sport N --dport N     (default 40000, 9)\n"
		"      --flags FLAGS           TCP flags from S A F R P U "
		"(default S)\n"
		"      --dst-mac MAC --src-mac MAC (default broadcast, "
		"02:00:00:00:00:01)\n"
		"      --vlan ID               add an 802.1Q tag\n"
		"      --len N                 frame length without FCS (min "
		"60)\n"
		"      --src-bits N            IPv4: every frame sent has new "
		"low\n"
		"                              N bits (1..32) of its source "
		"address\n"
		"      --dport-span N          with -F: each frame's "
		"destination\n"
		"                              port is random in "
		"dport..dport+N-1\n");
}

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = (unsigned char)b[i];
	}
	return 0;
}

static int parse_addr(const char *s, const char **out, int *family)
{
	struct edgexdp_addr addr;
	int fam = pkt_addr(s, &addr);

	if (!fam || (*family && *family != fam))
		return -EINVAL;
	*family = fam;
	*out = s;
	return 0;
}

static int parse_flags(const char *s, unsigned char *flags)
{
	*flags = 0;
	for (; *s; s++) {
		switch (*s) {
		case 'F':
			*flags |= F_FIN;
			break;
		case 'S':
			*flags |= F_SYN;
			break;
		case 'R':
			*flags |= F_RST;
			break;
		case 'P':
			*flags |= F_PSH;
			break;
		case 'A':
			*flags |= F_ACK;
			break;
		case 'U':
			*flags |= F_URG;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_hex(const char *s, unsigned char *buf, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (*s) {
		if (*s == ' ' || *s == ':' || *s == '\n') {
			s++;
			continue;
		}
		if (n >= max || sscanf(s, "%2x", &b) != 1 || !s[1])
			return -EINVAL;
		buf[n++] = (unsigned char)b;
		s += 2;
	}
	return (int)n;
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/*
 * Builds one frame with source port sport into p. The datagram fills the
 * frame, --len bytes or at least the Ethernet minimum: what follows the L4
 * header is zeros inside the datagram, not link padding. The builder's own
 * MACs and VLAN ID are replaced by the options', and IPv4 says DF.
 */
static void build_frame(const struct gen_opts *o, unsigned int sport,
			struct pkt *p)
{
	struct pkt_spec s = {
		.src = o->src,
		.dst = o->dst,
		.proto = (uint8_t)o->l4proto,
		.ip_id = (uint16_t)sport,
		.sport = (uint16_t)sport,
		.dport = (uint16_t)o->dport,
		.tcp_flags = o->tcp_flags,
		.seq = TCP_SEQ,
		.ack = o->tcp_flags & F_ACK ? TCP_SEQ : 0,
		.zero_payload = true,
	};
	size_t want = o->len > MIN_FRAME ? o->len : MIN_FRAME;

	if (o->vlan >= 0) {
		s.vlan[0] = ETH_P_8021Q;
		s.n_vlans = 1;
	}
	/* Headers alone first, to learn how much payload fills the frame. */
	pkt_build(p, &s);
	if (p->len < want) {
		s.payload_len = want - p->len;
		pkt_build(p, &s);
	}
	memcpy(p->data, o->dst_mac, ETH_ALEN);
	memcpy(p->data + ETH_ALEN, o->src_mac, ETH_ALEN);
	if (o->vlan >= 0)
		put16(p->data + p->vlan[0], (unsigned int)o->vlan);
	if (p->family == 4) {
		p->data[p->l3 + 6] |= IP4_DF;
		pkt_ip4_fix_csum(p);
	}
}

/* xorshift32: a fixed sequence, so that every run floods the same way. */
static uint32_t next_random(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* The next frame's destination port (--dport-span). */
static void spread(struct gen_opts *fo, const struct gen_opts *o)
{
	static uint32_t state = 2463534242U;

	if (o->dport_span)
		fo->dport = (o->dport + next_random(&state) % o->dport_span) &
			    0xffff;
}

/* ethtool -K DEV gro on, for machines without ethtool. */
static int gro_on(const char *dev)
{
	struct ethtool_value ev = {.cmd = ETHTOOL_SGRO, .data = 1};
	struct ifreq ifr = {0};
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	close(fd);
	return err;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum {
	OPT_SRC = 256,
	OPT_DST,
	OPT_PROTO,
	OPT_SPORT,
	OPT_DPORT,
	OPT_FLAGS,
	OPT_DST_MAC,
	OPT_SRC_MAC,
	OPT_VLAN,
	OPT_LEN,
	OPT_GRO,
	OPT_SRC_BITS,
	OPT_DPORT_SPAN,
};

static int parse_port(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || v > 65535)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct gen_opts *o)
{
	static const struct option longopts[] = {
		{"dev", required_argument, NULL, 'i'},
		{"duration", required_argument, NULL, 'd'},
		{"count", required_argument, NULL, 'n'},
		{"batch", required_argument, NULL, 'b'},
		{"flows", required_argument, NULL, 'F'},
		{"cpu", required_argument, NULL, 'C'},
		{"json", no_argument, NULL, 'j'},
		{"rewrite", no_argument, NULL, 'R'},
		{"hex", required_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},
		{"src", required_argument, NULL, OPT_SRC},
		{"dst", required_argument, NULL, OPT_DST},
		{"proto", required_argument, NULL, OPT_PROTO},
		{"sport", required_argument, NULL, OPT_SPORT},
		{"dport", required_argument, NULL, OPT_DPORT},
		{"flags", required_argument, NULL, OPT_FLAGS},
		{"dst-mac", required_argument, NULL, OPT_DST_MAC},
		{"src-mac", required_argument, NULL, OPT_SRC_MAC},
		{"vlan", required_argument, NULL, OPT_VLAN},
		{"len", required_argument, NULL, OPT_LEN},
		{"src-bits", required_argument, NULL, OPT_SRC_BITS},
		{"dport-span", required_argument, NULL, OPT_DPORT_SPAN},
		{"gro", required_argument, NULL, OPT_GRO},
		{NULL, 0, NULL, 0},
	};
	int opt, err = 0;
	unsigned int v = 0;

	while ((opt = getopt_long(argc, argv, "i:d:n:b:F:C:jRx:h", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'i':
			o->dev = optarg;
			break;
		case 'd':
			o->duration = strtod(optarg, NULL);
			break;
		case 'n':
			o->count = strtoull(optarg, NULL, 10);
			break;
		case 'b':
			o->batch = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'F':
			o->flows = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'C':
			o->cpu = atoi(optarg);
			break;
		case 'j':
			o->json = 1;
			break;
		case 'R':
			o->rewrite = 1;
			break;
		case 'x':
			o->hex = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case OPT_SRC:
			err = parse_addr(optarg, &o->src, &o->family);
			break;
		case OPT_DST:
			err = parse_addr(optarg, &o->dst, &o->family);
			break;
		case OPT_PROTO:
			if (!strcmp(optarg, "tcp"))
				o->l4proto = IPPROTO_TCP;
			else if (!strcmp(optarg, "udp"))
				o->l4proto = IPPROTO_UDP;
			else
				err = -EINVAL;
			break;
		case OPT_SPORT:
			err = parse_port(optarg, &o->sport);
			break;
		case OPT_DPORT:
			err = parse_port(optarg, &o->dport);
			break;
		case OPT_FLAGS:
			err = parse_flags(optarg, &o->tcp_flags);
			break;
		case OPT_DST_MAC:
			err = parse_mac(optarg, o->dst_mac);
			break;
		case OPT_SRC_MAC:
			err = parse_mac(optarg, o->src_mac);
			break;
		case OPT_VLAN:
			err = parse_port(optarg, &v);
			if (!err && v > 4095)
				err = -EINVAL;
			o->vlan = (int)v;
			break;
		case OPT_GRO:
			err = gro_on(optarg);
			if (err)
				fprintf(stderr, "trafficgen: GRO on %s: %s\n",
					optarg, strerror(-err));
			exit(err ? 1 : 0);
		case OPT_SRC_BITS:
			err = parse_port(optarg, &o->src_bits);
			if (!err && (!o->src_bits || o->src_bits > 32))
				err = -EINVAL;
			break;
		case OPT_DPORT_SPAN:
			err = parse_port(optarg, &o->dport_span);
			if (!err && !o->dport_span)
				err = -EINVAL;
			break;
		case OPT_LEN:
			err = parse_port(optarg, &o->len);
			if (!err && o->len > MAX_FRAME)
				err = -EINVAL;
			break;
		default:
			usage(stderr);
			return -EINVAL;
		}
		if (err) {
			fprintf(stderr, "trafficgen: bad value '%s'\n", optarg);
			return err;
		}
	}
	if (optind < argc || !o->dev || (!o->hex && (!o->src || !o->dst))) {
		usage(stderr);
		return -EINVAL;
	}
	if (!o->batch || !o->flows || o->flows > MAX_FLOWS) {
		fprintf(stderr, "trafficgen: -b must be > 0, -F 1..%d\n",
			MAX_FLOWS);
		return -EINVAL;
	}
	if (o->src_bits && (o->hex || o->family != 4)) {
		fprintf(stderr, "trafficgen: --src-bits needs a built IPv4 "
				"frame\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * What the kernel must have, beyond what edgexdp needs: both are in Linux
 * 6.1, the oldest kernel edgexdp supports. On an older one, a sentence
 * naming the missing piece instead of a verifier dump or a bare errno.
 */
static int kernel_has_store_bytes(void)
{
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_store_bytes,
				    NULL) == 1)
		return 1;
	fprintf(stderr, "trafficgen: unavailable: this kernel has no "
			"bpf_xdp_store_bytes (Linux 6.0+), which writes each "
			"frame into its recycled page\n");
	return 0;
}

/* The first live-frames run: EINVAL for a valid frame and batch is a
 * kernel that does not know the flag (before Linux 5.18). */
static int report_run_error(int err, unsigned long long calls)
{
	if (err == EINVAL && calls == 0) {
		fprintf(stderr, "trafficgen: unavailable: this kernel refuses "
				"BPF_F_TEST_XDP_LIVE_FRAMES (Linux 5.18+): it "
				"cannot transmit test-run frames\n");
		return EXIT_UNAVAILABLE;
	}
	fprintf(stderr, "trafficgen: BPF_PROG_TEST_RUN: %s\n", strerror(err));
	return 1;
}

int main(int argc, char **argv)
{
	static unsigned char frames[MAX_FLOWS][MAX_FRAME];
	static size_t frame_len[MAX_FLOWS];
	struct gen_opts o = {
		.duration = 5.0,
		.batch = 8192,
		.flows = 1,
		.cpu = -1,
		.l4proto = IPPROTO_UDP,
		.sport = 40000,
		.dport = 9,
		.tcp_flags = 0x02,
		.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		.src_mac = {0x02, 0, 0, 0, 0, 0x01},
		.vlan = -1,
	};
	struct trafficgen_bpf *skel;
	unsigned long long sent = 0, calls = 0;
	unsigned int ifindex, n_frames;
	size_t tpl_len, l3 = 0, l4 = 0;
	double t0, t1, deadline;
	int err, prog_fd, rc = 0;

	if (parse_args(argc, argv, &o))
		return 2;
	ifindex = if_nametoindex(o.dev);
	if (!ifindex) {
		fprintf(stderr, "trafficgen: no interface '%s'\n", o.dev);
		return 1;
	}
	if (o.hex) {
		int n = parse_hex(o.hex, frames[0], MAX_FRAME);

		if (n < ETH_HLEN) {
			fprintf(stderr, "trafficgen: bad hex frame\n");
			return 2;
		}
		frame_len[0] = (size_t)n;
		n_frames = 1;
	} else {
		for (unsigned int i = 0; i < o.flows; i++) {
			struct gen_opts fo = o;
			struct pkt p;

			spread(&fo, &o);
			build_frame(&fo, (o.sport + i) & 0xffff, &p);
			memcpy(frames[i], p.data, p.len);
			frame_len[i] = p.len;
			/* The same in every frame: only ports differ. */
			l3 = p.l3;
			l4 = p.l4;
		}
		n_frames = o.flows;
	}
	if (o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("trafficgen: sched_setaffinity");
	}

	if (!kernel_has_store_bytes())
		return EXIT_UNAVAILABLE;
	skel = trafficgen_bpf__open();
	if (!skel) {
		perror("trafficgen: open");
		return 1;
	}
	skel->rodata->target_ifindex = ifindex;
	if (o.src_bits) {
		skel->rodata->spread_src_bits = o.src_bits;
		skel->rodata->spread_l3_off = (__u32)l3;
		skel->rodata->spread_l4_csum_off =
			(__u32)l4 + (o.l4proto == IPPROTO_TCP ? TCP_CSUM_OFF
							      : UDP_CSUM_OFF);
	}
	err = trafficgen_bpf__load(skel);
	if (err) {
		fprintf(stderr, "trafficgen: load: %s\n", strerror(-err));
		trafficgen_bpf__destroy(skel);
		return 1;
	}
	prog_fd = bpf_program__fd(skel->progs.trafficgen_xdp);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	t0 = now_s();
	deadline = o.count ? 0 : t0 + o.duration;
	while (!stop) {
		unsigned int i = (unsigned int)(calls % n_frames);
		unsigned long long n = o.batch;
		struct bpf_test_run_opts opts = {
			.sz = sizeof(opts),
			.data_in = frames[i],
			.data_size_in = (__u32)frame_len[i],
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		};

		if (o.count && o.count - sent < n)
			n = o.count - sent;
		/* What the program writes back over recycled pages. */
		tpl_len = !o.rewrite ? 0
			  : frame_len[i] < sizeof(skel->bss->tpl.data)
				  ? frame_len[i]
				  : sizeof(skel->bss->tpl.data);
		memcpy(skel->bss->tpl.data, frames[i], tpl_len);
		skel->bss->tpl.len = (__u32)tpl_len;
		opts.repeat = (__u32)n;
		err = bpf_prog_test_run_opts(prog_fd, &opts);
		if (err) {
			rc = report_run_error(errno, calls);
			break;
		}
		sent += n;
		calls++;
		if (o.count ? sent >= o.count : now_s() >= deadline)
			break;
	}
	t1 = now_s();
	trafficgen_bpf__destroy(skel);
	if (rc)
		return rc;
	if (o.json)
		printf("{\"frames\": %llu, \"seconds\": %.3f, \"pps\": %.0f}\n",
		       sent, t1 - t0, (double)sent / (t1 - t0));
	else
		printf("trafficgen: sent %llu frames in %.3f s: %.3f Mpps\n",
		       sent, t1 - t0, (double)sent / (t1 - t0) / 1e6);
	return 0;
}
