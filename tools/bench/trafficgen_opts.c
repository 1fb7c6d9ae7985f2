// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * trafficgen's command line (see trafficgen.c): its usage, the parsers of
 * each option, and the checks across them. --gro DEV, a command of its
 * own, is here too: it only turns GRO on.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "pkt.h"
#include "trafficgen.h"

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

/* Returned by the option parsers for an option they do not know (getopt's
 * '?' among them): a usage error, not a bad value. */
#define UNKNOWN_OPTION 1

/* The run's options, by their short letters: where, how much, how. */
static int parse_run_opt(int opt, const char *arg, struct gen_opts *o)
{
	switch (opt) {
	case 'i':
		o->dev = arg;
		break;
	case 'd':
		o->duration = strtod(arg, NULL);
		break;
	case 'n':
		o->count = strtoull(arg, NULL, 10);
		break;
	case 'b':
		o->batch = (unsigned int)strtoul(arg, NULL, 10);
		break;
	case 'F':
		o->flows = (unsigned int)strtoul(arg, NULL, 10);
		break;
	case 'C':
		o->cpu = atoi(arg);
		break;
	case 'j':
		o->json = 1;
		break;
	case 'R':
		o->rewrite = 1;
		break;
	case 'x':
		o->hex = arg;
		break;
	default:
		return UNKNOWN_OPTION;
	}
	return 0;
}

/* A number in lo..hi (parse_port's 0..65535 at most). */
static int parse_ranged(const char *arg, unsigned int lo, unsigned int hi,
			unsigned int *out)
{
	int err = parse_port(arg, out);

	if (!err && (*out < lo || *out > hi))
		err = -EINVAL;
	return err;
}

/* The options that describe the frame to build, long only. */
static int parse_frame_opt(int opt, const char *arg, struct gen_opts *o)
{
	unsigned int v = 0;
	int err = 0;

	switch (opt) {
	case OPT_SRC:
		return parse_addr(arg, &o->src, &o->family);
	case OPT_DST:
		return parse_addr(arg, &o->dst, &o->family);
	case OPT_PROTO:
		if (!strcmp(arg, "tcp"))
			o->l4proto = IPPROTO_TCP;
		else if (!strcmp(arg, "udp"))
			o->l4proto = IPPROTO_UDP;
		else
			err = -EINVAL;
		return err;
	case OPT_SPORT:
		return parse_port(arg, &o->sport);
	case OPT_DPORT:
		return parse_port(arg, &o->dport);
	case OPT_FLAGS:
		return parse_flags(arg, &o->tcp_flags);
	case OPT_DST_MAC:
		return parse_mac(arg, o->dst_mac);
	case OPT_SRC_MAC:
		return parse_mac(arg, o->src_mac);
	case OPT_VLAN:
		err = parse_ranged(arg, 0, 4095, &v);
		o->vlan = (int)v;
		return err;
	case OPT_SRC_BITS:
		return parse_ranged(arg, 1, 32, &o->src_bits);
	case OPT_DPORT_SPAN:
		return parse_ranged(arg, 1, 65535, &o->dport_span);
	case OPT_LEN:
		return parse_ranged(arg, 0, MAX_FRAME, &o->len);
	default:
		return UNKNOWN_OPTION;
	}
}

/* --gro DEV is a command of its own: turn GRO on and exit. */
__attribute__((noreturn)) static void gro_command(const char *dev)
{
	int err = gro_on(dev);

	if (err)
		fprintf(stderr, "trafficgen: GRO on %s: %s\n", dev,
			strerror(-err));
	exit(err ? 1 : 0);
}

/* What no single option's parser can see: options missing or at odds. */
static int check_args(const struct gen_opts *o, int extra_args)
{
	if (extra_args || !o->dev || (!o->hex && (!o->src || !o->dst))) {
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

int parse_args(int argc, char **argv, struct gen_opts *o)
{
	int opt, err;

	while ((opt = getopt_long(argc, argv, "i:d:n:b:F:C:jRx:h", longopts,
				  NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			exit(0);
		}
		if (opt == OPT_GRO)
			gro_command(optarg);
		err = opt < OPT_SRC ? parse_run_opt(opt, optarg, o)
				    : parse_frame_opt(opt, optarg, o);
		if (err == UNKNOWN_OPTION) {
			usage(stderr);
			return -EINVAL;
		}
		if (err) {
			fprintf(stderr, "trafficgen: bad value '%s'\n", optarg);
			return err;
		}
	}
	return check_args(o, optind < argc);
}
