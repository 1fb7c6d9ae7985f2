// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The data path test harness, the state a case inspects and scripts (see
 * harness.h): the flow tables and fragment records (clear, count, look up
 * by the documented key, age), the settings map, and the shorthands that
 * number a scripted TCP conversation's segments as a TCP stack would.
 * Loading, running and the counter checks are in harness.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "edgexdp.skel.h"
#include "harness.h"

/* ---- conntrack and frags ---- */

static void map_clear(int fd, size_t key_size)
{
	uint8_t key[128], next[128];

	if (key_size > sizeof(key))
		abort();
	while (bpf_map_get_next_key(fd, NULL, next) == 0) {
		memcpy(key, next, key_size);
		if (bpf_map_delete_elem(fd, key))
			fail_msg("map delete: %s", strerror(errno));
	}
}

static unsigned int map_count(int fd, size_t key_size)
{
	uint8_t key[128], next[128];
	unsigned int n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

/* The flow tables, by enum edgexdp_ct_table. */
int ct_table_fd(int table)
{
	return bpf_map__fd(table == EDGEXDP_CT_CONFIRMED
				   ? g_dp.skel->maps.conntrack
				   : g_dp.skel->maps.ct_unconfirmed);
}

void ct_clear(void)
{
	int ncpu = libbpf_num_possible_cpus();
	struct edgexdp_ct_stats *zeros;
	__u32 zero = 0;

	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++)
		map_clear(ct_table_fd(t), sizeof(struct edgexdp_ct_key));
	/* Each case counts from zero. */
	zeros = calloc((size_t)ncpu, sizeof(*zeros));
	if (!zeros || bpf_map_update_elem(bpf_map__fd(g_dp.skel->maps.ct_stats),
					  &zero, zeros, BPF_ANY))
		fail_msg("ct_stats reset: %s", strerror(errno));
	free(zeros);
	tcp_seq_reset();
}

void frags_clear(void)
{
	map_clear(bpf_map__fd(g_dp.skel->maps.frags),
		  sizeof(struct edgexdp_frag_key));
}

unsigned int ct_count(void)
{
	return ct_count_in(EDGEXDP_CT_CONFIRMED) +
	       ct_count_in(EDGEXDP_CT_UNCONFIRMED);
}

unsigned int ct_count_in(int table)
{
	return map_count(ct_table_fd(table), sizeof(struct edgexdp_ct_key));
}

void ct_stats_read(struct edgexdp_ct_stats *out)
{
	int ncpu = libbpf_num_possible_cpus();
	const size_t n = sizeof(*out) / sizeof(__u64);
	__u64 *values, *sum = (__u64 *)out;
	__u32 zero = 0;

	values = calloc((size_t)ncpu * n, sizeof(__u64));
	if (!values ||
	    bpf_map_lookup_elem(bpf_map__fd(g_dp.skel->maps.ct_stats), &zero,
				values))
		fail_msg("ct_stats lookup: %s", strerror(errno));
	memset(out, 0, sizeof(*out));
	for (int cpu = 0; cpu < ncpu; cpu++)
		for (size_t i = 0; i < n; i++)
			sum[i] += values[(size_t)cpu * n + i];
	free(values);
}

unsigned int frags_count(void)
{
	return map_count(bpf_map__fd(g_dp.skel->maps.frags),
			 sizeof(struct edgexdp_frag_key));
}

/* include/edgexdp.h: endpoints ordered by address bytes (memcmp), then
 * port in host order; NAT-private addresses replaced by public ones. */
bool ct_key_of(struct edgexdp_ct_key *key, uint8_t l4proto, const char *src,
	       uint16_t sport, const char *dst, uint16_t dport)
{
	struct edgexdp_addr s, d;
	int fam = pkt_addr(src, &s), cmp;

	if (!fam || pkt_addr(dst, &d) != fam)
		fail_msg("bad flow addresses %s %s", src, dst);
	oracle_nat_canon(&s, fam);
	oracle_nat_canon(&d, fam);
	memset(key, 0, sizeof(*key));
	key->l4proto = l4proto;
	key->family = (__u8)fam;
	cmp = memcmp(&s, &d, sizeof(s));
	if (cmp < 0 || (cmp == 0 && sport <= dport)) {
		key->addr_a = s;
		key->port_a = htons(sport);
		key->addr_b = d;
		key->port_b = htons(dport);
		return true;
	}
	key->addr_a = d;
	key->port_a = htons(dport);
	key->addr_b = s;
	key->port_b = htons(sport);
	return false;
}

int ct_table_of(uint8_t l4proto, const char *src, uint16_t sport,
		const char *dst, uint16_t dport, struct edgexdp_ct_entry *out)
{
	struct edgexdp_ct_key key;

	ct_key_of(&key, l4proto, src, sport, dst, dport);
	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++)
		if (bpf_map_lookup_elem(ct_table_fd(t), &key, out) == 0)
			return t;
	return -1;
}

bool ct_get(uint8_t l4proto, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, struct edgexdp_ct_entry *out)
{
	return ct_table_of(l4proto, src, sport, dst, dport, out) >= 0;
}

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * EDGEXDP_NSEC_PER_SEC +
	       (uint64_t)ts.tv_nsec;
}

void ct_age(uint8_t l4proto, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, uint64_t age_ns)
{
	struct edgexdp_ct_entry ct;
	struct edgexdp_ct_key key;
	int fd, t;

	if (age_ns >= mono_ns())
		fail_msg("this boot is younger than the %llu s to age a flow "
			 "by: rerun later",
			 (unsigned long long)(age_ns / EDGEXDP_NSEC_PER_SEC));
	ct_key_of(&key, l4proto, src, sport, dst, dport);
	t = ct_table_of(l4proto, src, sport, dst, dport, &ct);
	if (t < 0)
		fail_msg("ct_age: no flow %s:%u -> %s:%u", src, sport, dst,
			 dport);
	fd = ct_table_fd(t);
	ct.last_seen_ns = mono_ns() - age_ns;
	if (bpf_map_update_elem(fd, &key, &ct, BPF_EXIST))
		fail_msg("ct_age: update: %s", strerror(errno));
}

void frags_age_all(uint64_t age_ns)
{
	int fd = bpf_map__fd(g_dp.skel->maps.frags);
	struct edgexdp_frag_key key, next;
	struct edgexdp_frag_entry e;
	void *prev = NULL;

	if (age_ns >= mono_ns())
		fail_msg("this boot is younger than the fragment age: rerun "
			 "later");
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &e))
			fail_msg("frags lookup: %s", strerror(errno));
		e.last_seen_ns = mono_ns() - age_ns;
		if (bpf_map_update_elem(fd, &key, &e, BPF_EXIST))
			fail_msg("frags update: %s", strerror(errno));
	}
}

/* ---- the settings map ---- */

void dp_settings_set(const struct edgexdp_settings *s)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(bpf_map__fd(g_dp.skel->maps.settings), &zero, s,
				BPF_EXIST))
		fail_msg("settings update: %s", strerror(errno));
}

void dp_settings(struct edgexdp_settings *out)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(g_dp.skel->maps.settings), &zero,
				out))
		fail_msg("settings lookup: %s", strerror(errno));
}

/* ---- scripted TCP and UDP packets ---- */

/*
 * What each direction of the conversations a case scripts has sent, so
 * that mk_tcp numbers segments as a TCP stack would: a SYN starts at its
 * side's ISN, later segments follow on, and an ACK acknowledges all the
 * other side sent. Reset with the flow tables, before each case.
 */
#define TCP_SEQ_DIRS 16
static struct tcp_seq_dir {
	struct edgexdp_addr src, dst; /* NAT-canonical, as the flow key */
	uint16_t sport, dport;
	uint32_t next;
} tcp_dirs[TCP_SEQ_DIRS];
static size_t n_tcp_dirs;

void tcp_seq_reset(void)
{
	n_tcp_dirs = 0;
}

static struct tcp_seq_dir *tcp_dir(const char *src_s, uint16_t sport,
				   const char *dst_s, uint16_t dport, bool add)
{
	struct edgexdp_addr src = {0}, dst = {0};
	struct tcp_seq_dir *d;

	int fam = pkt_addr(src_s, &src);

	pkt_addr(dst_s, &dst);
	oracle_nat_canon(&src, fam);
	oracle_nat_canon(&dst, fam);
	for (size_t i = 0; i < n_tcp_dirs; i++) {
		d = &tcp_dirs[i];
		if (d->sport == sport && d->dport == dport &&
		    !memcmp(&d->src, &src, sizeof(src)) &&
		    !memcmp(&d->dst, &dst, sizeof(dst)))
			return d;
	}
	if (!add || n_tcp_dirs == TCP_SEQ_DIRS)
		return NULL;
	d = &tcp_dirs[n_tcp_dirs++];
	d->src = src;
	d->dst = dst;
	d->sport = sport;
	d->dport = dport;
	return d;
}

void mk_tcp(struct pkt *p, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, uint8_t flags, size_t payload)
{
	struct tcp_seq_dir *me = tcp_dir(src, sport, dst, dport, true);
	struct tcp_seq_dir *peer = tcp_dir(dst, dport, src, sport, false);
	uint32_t seq, ack = 0;

	if (flags & F_SYN)
		me->next =
			(flags & F_ACK) ? TCP_ISN_RESPONDER : TCP_ISN_INITIATOR;
	else if (!me->next)
		me->next = TCP_ISN_INITIATOR + 1; /* a segment out of nowhere */
	seq = me->next;
	if (flags & F_ACK)
		ack = peer ? peer->next : TCP_ISN_RESPONDER + 1;
	/* A RST consumes nothing; SYN and FIN one sequence number each. */
	if (!(flags & F_RST))
		me->next += (uint32_t)payload + !!(flags & F_SYN) +
			    !!(flags & F_FIN);
	mk_tcp_seq(p, src, sport, dst, dport, flags, seq, ack, payload);
}

void mk_tcp_seq(struct pkt *p, const char *src, uint16_t sport, const char *dst,
		uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
		size_t payload)
{
	pkt_build(p, &(struct pkt_spec){.src = src,
					.dst = dst,
					.proto = IPPROTO_TCP,
					.sport = sport,
					.dport = dport,
					.tcp_flags = flags,
					.seq = seq,
					.ack = ack,
					.payload_len = payload});
}

void mk_udp(struct pkt *p, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, size_t payload)
{
	pkt_build(p, &(struct pkt_spec){.src = src,
					.dst = dst,
					.proto = IPPROTO_UDP,
					.sport = sport,
					.dport = dport,
					.payload_len = payload});
}
