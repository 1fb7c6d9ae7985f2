// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * trafficgen: send frames into a NIC from the kernel at millions of frames
 * per second, for the veth phase of tools/bench/bench.sh.
 *
 * xdp-trafficgen does not load on every kernel; this needs only
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES (5.18+): the kernel
 * builds each frame in a page pool, runs trafficgen.bpf.c (beside this file)
 * on it, and that program's bpf_redirect() really transmits it through the
 * target's ndo_xdp_xmit. On a veth, the frame lands in the peer's receive
 * ring, where the peer's XDP program (or, with NAPI on and no program, its
 * stack) sees it.
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
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <linux/if_ether.h>

#include "pkt.h"
#include "trafficgen.h"
#include "trafficgen.skel.h"

#define MIN_FRAME 60 /* without FCS */
/* Exit code when this kernel lacks what trafficgen needs: tools/bench/bench.sh
 * then reports the veth phase unavailable, with the reason printed. */
#define EXIT_UNAVAILABLE 3
#define TCP_CSUM_OFF 16
#define UDP_CSUM_OFF 6
#define IP4_DF 0x40 /* in the byte at offset 6 of the IPv4 header */
/* Sequence and acknowledgement numbers of the TCP frames: any will do for a
 * flood; this one is what the generator has always sent. */
#define TCP_SEQ 0x10000

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* The frames sent in turn, one batch each. */
struct frames {
	unsigned char data[MAX_FLOWS][MAX_FRAME];
	size_t len[MAX_FLOWS];
	unsigned int n;
	size_t l3, l4; /* where built frames' IP and L4 headers start */
};

static int read_hex_frame(const char *hex, struct frames *fr)
{
	int n = parse_hex(hex, fr->data[0], MAX_FRAME);

	if (n < ETH_HLEN) {
		fprintf(stderr, "trafficgen: bad hex frame\n");
		return -EINVAL;
	}
	fr->len[0] = (size_t)n;
	fr->n = 1;
	return 0;
}

/* -F frames, by source port; --dport-span gives each its own dport. */
static void build_frames(const struct gen_opts *o, struct frames *fr)
{
	for (unsigned int i = 0; i < o->flows; i++) {
		struct gen_opts fo = *o;
		struct pkt p;

		spread(&fo, o);
		build_frame(&fo, (o->sport + i) & 0xffff, &p);
		memcpy(fr->data[i], p.data, p.len);
		fr->len[i] = p.len;
		/* The same in every frame: only ports differ. */
		fr->l3 = p.l3;
		fr->l4 = p.l4;
	}
	fr->n = o->flows;
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("trafficgen: sched_setaffinity");
}

/* The program, told before its load where to send and what to rewrite. */
static struct trafficgen_bpf *load_prog(const struct gen_opts *o,
					unsigned int ifindex,
					const struct frames *fr)
{
	struct trafficgen_bpf *skel = trafficgen_bpf__open();
	int err;

	if (!skel) {
		perror("trafficgen: open");
		return NULL;
	}
	skel->rodata->target_ifindex = ifindex;
	if (o->src_bits) {
		skel->rodata->spread_src_bits = o->src_bits;
		skel->rodata->spread_l3_off = (__u32)fr->l3;
		skel->rodata->spread_l4_csum_off =
			(__u32)fr->l4 + (o->l4proto == IPPROTO_TCP
						 ? TCP_CSUM_OFF
						 : UDP_CSUM_OFF);
	}
	err = trafficgen_bpf__load(skel);
	if (err) {
		fprintf(stderr, "trafficgen: load: %s\n", strerror(-err));
		trafficgen_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/* What the program writes back over recycled pages: the frame with -R,
 * nothing without. */
static void set_template(struct trafficgen_bpf *skel, const unsigned char *f,
			 size_t len, int rewrite)
{
	size_t n = !rewrite ? 0
		   : len < sizeof(skel->bss->tpl.data)
			   ? len
			   : sizeof(skel->bss->tpl.data);

	memcpy(skel->bss->tpl.data, f, n);
	skel->bss->tpl.len = (__u32)n;
}

/*
 * Sends a batch of each frame in turn until -n frames are sent, -d seconds
 * have passed since t0, or a signal came. Returns 0 or main's exit code.
 */
static int send_frames(const struct gen_opts *o, struct trafficgen_bpf *skel,
		       const struct frames *fr, double t0,
		       unsigned long long *sent)
{
	int prog_fd = bpf_program__fd(skel->progs.trafficgen_xdp);
	double deadline = o->count ? 0 : t0 + o->duration;
	unsigned long long calls = 0;

	while (!stop) {
		unsigned int i = (unsigned int)(calls % fr->n);
		unsigned long long n = o->batch;
		struct bpf_test_run_opts opts = {
			.sz = sizeof(opts),
			.data_in = fr->data[i],
			.data_size_in = (__u32)fr->len[i],
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		};

		if (o->count && o->count - *sent < n)
			n = o->count - *sent;
		set_template(skel, fr->data[i], fr->len[i], o->rewrite);
		opts.repeat = (__u32)n;
		if (bpf_prog_test_run_opts(prog_fd, &opts))
			return report_run_error(errno, calls);
		*sent += n;
		calls++;
		if (o->count ? *sent >= o->count : now_s() >= deadline)
			break;
	}
	return 0;
}

/* A double printed with `decimals` decimals, as a JSON number. */
static struct json_object *json_fixed(double v, int decimals)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

static void print_rate(const struct gen_opts *o, unsigned long long sent,
		       double secs)
{
	struct json_object *j;

	if (o->json) {
		j = json_object_new_object();
		json_object_object_add(j, "frames",
				       json_object_new_uint64(sent));
		json_object_object_add(j, "seconds", json_fixed(secs, 3));
		json_object_object_add(j, "pps",
				       json_fixed((double)sent / secs, 0));
		puts(json_object_to_json_string_ext(j,
						    JSON_C_TO_STRING_SPACED));
		json_object_put(j);
	} else
		printf("trafficgen: sent %llu frames in %.3f s: %.3f Mpps\n",
		       sent, secs, (double)sent / secs / 1e6);
}

int main(int argc, char **argv)
{
	static struct frames fr;
	struct gen_opts o = {
		.duration = 5.0,
		.batch = 8192,
		.flows = 1,
		.cpu = -1,
		.l4proto = IPPROTO_UDP,
		.sport = 40000,
		.dport = 9,
		.tcp_flags = F_SYN,
		.dst_mac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		.src_mac = {0x02, 0, 0, 0, 0, 0x01},
		.vlan = -1,
	};
	struct trafficgen_bpf *skel;
	unsigned long long sent = 0;
	unsigned int ifindex;
	double t0, t1;
	int rc;

	if (parse_args(argc, argv, &o))
		return 2;
	ifindex = if_nametoindex(o.dev);
	if (!ifindex) {
		fprintf(stderr, "trafficgen: no interface '%s'\n", o.dev);
		return 1;
	}
	if (!o.hex)
		build_frames(&o, &fr);
	else if (read_hex_frame(o.hex, &fr))
		return 2;
	if (o.cpu >= 0)
		pin_cpu(o.cpu);
	if (!kernel_has_store_bytes())
		return EXIT_UNAVAILABLE;
	skel = load_prog(&o, ifindex, &fr);
	if (!skel)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	t0 = now_s();
	rc = send_frames(&o, skel, &fr, t0, &sent);
	t1 = now_s();
	trafficgen_bpf__destroy(skel);
	if (rc)
		return rc;
	print_rate(&o, sent, t1 - t0);
	return 0;
}
