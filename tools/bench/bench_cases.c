// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The bench's cases: their frames through the shared packet builder, their
 * flows opened the way traffic opens them, and one round of measuring each
 * with BPF_PROG_TEST_RUN (bench.c says how the rounds make the figures).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>

#include "bench.h"

/* A bench frame through the shared builder (tests/lib/pkt.c), padded to
 * Ethernet's minimum as on a wire. */
void frame_build(struct pkt *f, const struct frame_spec *s)
{
	struct pkt_spec ps = {.src = s->src,
			      .dst = s->dst,
			      .proto = s->tcp ? IPPROTO_TCP : IPPROTO_UDP,
			      .sport = (uint16_t)s->sport,
			      .dport = (uint16_t)s->dport,
			      .tcp_flags = s->flags,
			      .seq = s->seq,
			      .ack = s->ack};

	if (s->vlan) {
		ps.vlan[0] = ETH_P_8021Q;
		ps.n_vlans = 1;
	}
	pkt_build(f, &ps);
	if (f->len < ETH_ZLEN)
		pkt_pad(f, ETH_ZLEN - f->len);
}

/* The same spec, the other way round. */
static struct frame_spec reverse(const struct frame_spec *s,
				 unsigned char flags)
{
	struct frame_spec r = *s;

	r.src = s->dst;
	r.dst = s->src;
	r.sport = s->dport;
	r.dport = s->sport;
	r.flags = flags;
	return r;
}

static int test_run(int prog_fd, const struct pkt *f, __u32 repeat,
		    __u32 *retval, __u32 *duration)
{
	struct xdp_md ctx = {.data_end = (__u32)f->len,
			     .ingress_ifindex = LO_IFINDEX};
	struct bpf_test_run_opts opts = {
		.sz = sizeof(opts),
		.data_in = f->data,
		.data_size_in = (__u32)f->len,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = repeat,
	};

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	*retval = opts.retval;
	if (duration)
		*duration = opts.duration;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median over `runs` calls of the mean ns per run; -1 on a wrong verdict. */
double measure(int prog_fd, const struct pkt *f, __u32 expect,
	       const struct opts *o, const char *what)
{
	double v[64] = {0};
	int runs = o->runs < 64 ? o->runs : 64;
	__u32 ret = 0, dur = 0;

	for (int i = 0; i < runs; i++) {
		int err = test_run(prog_fd, f, o->repeat, &ret, &dur);

		if (err || ret != expect) {
			fprintf(stderr,
				"bench: %s: %s (verdict %u, expected %u)\n",
				what, err ? strerror(-err) : "wrong verdict",
				ret, expect);
			return -1;
		}
		v[i] = dur;
	}
	return median(v, (size_t)runs);
}

/* One frame, once; its verdict must be `expect` (setting up a flow). */
static int send_once(int prog_fd, const struct frame_spec *s, __u32 expect,
		     const char *what)
{
	struct pkt f = {0};
	__u32 ret = 0;
	int err;

	frame_build(&f, s);
	err = test_run(prog_fd, &f, 1, &ret, NULL);
	if (!err && ret != expect)
		err = -EPROTO;
	if (err)
		fprintf(stderr, "bench: setting up %s: %s (verdict %u)\n", what,
			err == -EPROTO ? "wrong verdict" : strerror(-err), ret);
	return err;
}

/* Initial sequence numbers of the handshakes: the data path checks that
 * each ACK acknowledges what the other side sent. */
#define ISN_CLIENT 1000U

#define ISN_SERVER 500000U

/* Leaves *syn as the initiator's next segment would be (seq, ack). */
static int tcp_handshake(int prog_fd, struct frame_spec *syn, const char *what)
{
	struct frame_spec sa, ack = *syn;

	syn->seq = ISN_CLIENT;
	sa = reverse(syn, TCP_SYN | TCP_ACK);
	sa.seq = ISN_SERVER;
	sa.ack = ISN_CLIENT + 1;
	ack.flags = TCP_ACK;
	ack.seq = ISN_CLIENT + 1;
	ack.ack = ISN_SERVER + 1;
	if (send_once(prog_fd, syn, XDP_PASS, what) ||
	    send_once(prog_fd, &sa, XDP_PASS, what) ||
	    send_once(prog_fd, &ack, XDP_PASS, what))
		return -EPROTO;
	syn->seq = ack.seq;
	syn->ack = ack.ack;
	return 0;
}

const char *const case_names[C_COUNT] = {
	"denied_junk",	    "denied_addr",	   "tcp_syn_new",
	"tcp_established",  "udp_rtp_established", "ipv6_established",
	"vlan_established", "tcp_syn_retransmit",
};

const char *const case_notes[C_COUNT] = {
	"UDP to port 9: no rule on either port",
	"SYN to tcp/443 of an address in no set",
	"SYN opening a fresh flow (classify + insert)",
	"ACK on an established flow, tcp/443",
	"datagram of a replied flow, udp/50000",
	"ACK on an established IPv6 flow, tcp/443",
	"ACK on an established flow, 802.1Q tagged",
	"SYN again on a SYN_SENT flow (retransmit)",
};

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Fresh SYNs, one per call, each from a new source port (n of them from
 * first_sport on). Returns the median of their single-run durations minus
 * the median single-run duration of xdp_pass_all on the same frame shape.
 */
static double measure_syn_new(int prog_fd, int pass_fd,
			      unsigned int first_sport, int n)
{
	static double v[SYN_NEW_SAMPLES], p[SYN_NEW_SAMPLES];
	struct frame_spec s = {CLIENT4, ACCESS4, 0, 443, 1, TCP_SYN, 0, 0, 0};
	struct pkt f = {0};
	__u32 ret = 0, dur = 0;

	for (int i = 0; i < n && i < SYN_NEW_SAMPLES; i++) {
		s.sport = first_sport + (unsigned int)i;
		frame_build(&f, &s);
		if (test_run(prog_fd, &f, 1, &ret, &dur) || ret != XDP_PASS) {
			fprintf(stderr, "bench: tcp_syn_new: verdict %u\n",
				ret);
			return -1;
		}
		v[i] = dur;
		if (test_run(pass_fd, &f, 1, &ret, &dur))
			return -1;
		p[i] = dur;
	}
	return median(v, (size_t)n) - median(p, (size_t)n);
}

int open_flows(int prog_fd, struct case_frames *cf)
{
	static const struct frame_spec init[C_COUNT] = {
		[C_DENIED_JUNK] = {CLIENT4, ACCESS4, 40000, 9, 0, 0, 0, 0, 0},
		[C_DENIED_ADDR] = {BULK_MISS4, NOWHERE4, 40001, 443, 1, TCP_SYN,
				   0, 0, 0},
		[C_TCP_ESTABLISHED] = {CLIENT4, ACCESS4, 40002, 443, 1, TCP_SYN,
				       0, 0, 0},
		[C_UDP_RTP_ESTABLISHED] = {CLIENT4, AV4, 40003, 50000, 0, 0, 0,
					   0, 0},
		[C_IPV6_ESTABLISHED] = {CLIENT6, ACCESS6, 40004, 443, 1,
					TCP_SYN, 0, 0, 0},
		[C_VLAN_ESTABLISHED] = {CLIENT4, ACCESS4, 40005, 443, 1,
					TCP_SYN, 100, 0, 0},
		[C_TCP_SYN_RETRANSMIT] = {CLIENT4, ACCESS4, 40006, 443, 1,
					  TCP_SYN, 0, 0, 0},
	};
	struct frame_spec *sp = cf->spec, udp_reply;

	memcpy(cf->spec, init, sizeof(init));
	for (int c = 0; c < C_COUNT; c++)
		cf->expect[c] = c <= C_DENIED_ADDR ? XDP_DROP : XDP_PASS;
	udp_reply = reverse(&sp[C_UDP_RTP_ESTABLISHED], 0);
	if (tcp_handshake(prog_fd, &sp[C_TCP_ESTABLISHED], "tcp_established") ||
	    tcp_handshake(prog_fd, &sp[C_IPV6_ESTABLISHED],
			  "ipv6_established") ||
	    tcp_handshake(prog_fd, &sp[C_VLAN_ESTABLISHED],
			  "vlan_established") ||
	    send_once(prog_fd, &sp[C_UDP_RTP_ESTABLISHED], XDP_PASS,
		      "udp_rtp_established") ||
	    send_once(prog_fd, &udp_reply, XDP_PASS, "udp_rtp_established") ||
	    send_once(prog_fd, &sp[C_TCP_SYN_RETRANSMIT], XDP_PASS,
		      "tcp_syn_retransmit"))
		return -EPROTO;
	sp[C_TCP_ESTABLISHED].flags = sp[C_IPV6_ESTABLISHED].flags =
		sp[C_VLAN_ESTABLISHED].flags = TCP_ACK;
	return 0;
}

/*
 * Round `round` of `rounds`: every case once (one call of o->repeat runs)
 * into ns[], xdp_pass_all on the tcp_established frame into *pass_all,
 * and this round's share of the fresh SYNs.
 */
int measure_round(int prog_fd, int pass_fd, const struct case_frames *cf,
		  const struct opts *o, int round, int rounds,
		  double ns[C_COUNT], double *pass_all)
{
	struct opts once = *o;
	int n = SYN_NEW_SAMPLES / rounds;
	struct pkt f = {0};
	double syn;

	once.runs = 1;
	frame_build(&f, &cf->spec[C_TCP_ESTABLISHED]);
	*pass_all = measure(pass_fd, &f, XDP_PASS, &once, "xdp_pass_all");
	for (int c = 0; c < C_COUNT; c++) {
		if (c == C_TCP_SYN_NEW)
			continue;
		frame_build(&f, &cf->spec[c]);
		ns[c] = measure(prog_fd, &f, cf->expect[c], &once,
				case_names[c]);
		if (ns[c] < 0)
			return -EPROTO;
	}
	syn = measure_syn_new(prog_fd, pass_fd,
			      SYN_NEW_SPORT + (unsigned int)(round * n), n);
	if (syn < 0 || *pass_all < 0)
		return -EPROTO;
	ns[C_TCP_SYN_NEW] = syn + *pass_all;
	return 0;
}
