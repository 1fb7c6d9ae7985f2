// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ct.h"
#include "pins.h"
#include "maps.h"
#include "classify.h"
#include "ruleset.h"

const char *ct_state_label(uint8_t state)
{
	static const char *const names[EDGEXDP_CT_STATE_COUNT] = {
		[EDGEXDP_CT_NEW] = "new",
		[EDGEXDP_CT_ESTABLISHED] = "established",
		[EDGEXDP_CT_SYN_SENT] = "syn_sent",
		[EDGEXDP_CT_SYN_RECV] = "syn_recv",
		[EDGEXDP_CT_CLOSING] = "closing",
	};

	return state < EDGEXDP_CT_STATE_COUNT ? names[state] : "unknown";
}

const char *ct_table_name(enum edgexdp_ct_table t)
{
	return t == EDGEXDP_CT_CONFIRMED ? "confirmed" : "unconfirmed";
}

static const char *const ct_map_names[EDGEXDP_CT_TABLE_COUNT] = {
	[EDGEXDP_CT_CONFIRMED] = PIN_CONNTRACK,
	[EDGEXDP_CT_UNCONFIRMED] = PIN_CT_UNCONFIRMED,
};

int ct_stats_add(int fd, const struct edgexdp_ct_stats *delta)
{
	const size_t n = sizeof(*delta) / sizeof(__u64);
	int ncpu = libbpf_num_possible_cpus();
	const __u64 *add = (const __u64 *)delta;
	__u32 zero = 0;
	__u64 *values;
	int err = 0;

	if (ncpu < 0)
		return ncpu;
	values = calloc((size_t)ncpu * n, sizeof(__u64));
	if (!values)
		return -ENOMEM;
	/* CPU 0's copy: the sum is all anyone reads. */
	if (bpf_map_lookup_elem(fd, &zero, values))
		err = -errno;
	for (size_t i = 0; !err && i < n; i++)
		values[i] += add[i];
	if (!err && bpf_map_update_elem(fd, &zero, values, BPF_EXIST))
		err = -errno;
	free(values);
	return err;
}

/* Entries read per batch syscall when counting. */
#define CT_BATCH 4096

static void count_batch(struct ct_table_usage *usage,
			const struct edgexdp_ct_key *keys,
			const struct edgexdp_ct_entry *entries, __u32 n,
			const struct edgexdp_settings *settings, uint64_t now)
{
	for (__u32 i = 0; i < n; i++) {
		const struct edgexdp_ct_entry *e = &entries[i];

		/* A stamp newer than our clock read is fresh, not ancient. */
		if (now > e->last_seen_ns &&
		    now - e->last_seen_ns >
			    edgexdp_ct_timeout_ns(settings, keys[i].l4proto,
						  e->state))
			usage->expired++;
		else if (e->state < EDGEXDP_CT_STATE_COUNT)
			usage->live[e->state]++;
	}
}

/*
 * Batched reads: one syscall per CT_BATCH entries, and no restart when
 * the data path deletes the key a get_next_key walk stood on.
 */
static int count_table(struct ct_table_usage *usage, int ct_fd,
		       const struct edgexdp_settings *settings)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct bpf_map_info info = {0};
	__u32 info_len = sizeof(info);
	struct edgexdp_ct_entry *entries;
	struct edgexdp_ct_key *keys;
	__u32 token = 0, n;
	bool first = true;
	uint64_t now;
	int err = 0;

	keys = calloc(CT_BATCH, sizeof(*keys));
	entries = calloc(CT_BATCH, sizeof(*entries));
	if (!keys || !entries)
		err = -ENOMEM;
	else if (bpf_obj_get_info_by_fd(ct_fd, &info, &info_len))
		err = -errno;
	usage->max_entries = info.max_entries;
	now = maps_clock_ns();
	while (!err) {
		n = CT_BATCH;
		err = bpf_map_lookup_batch(ct_fd, first ? NULL : &token, &token,
					   keys, entries, &n, &opts);
		if (err)
			err = -errno;
		first = false;
		/* The last batch comes with ENOENT, and may hold entries. */
		count_batch(usage, keys, entries, n, settings, now);
	}
	if (err == -ENOENT)
		err = 0;
	free(keys);
	free(entries);
	return err;
}

uint64_t ct_table_live(const struct ct_table_usage *t)
{
	uint64_t sum = 0;

	for (int st = 0; st < EDGEXDP_CT_STATE_COUNT; st++)
		sum += t->live[st];
	return sum;
}

/* What the LRU took: entries created, neither removed nor still there.
 * A packet in flight between the reads may leave it one off, never less
 * than zero. */
static void derive_displaced(struct ct_usage *usage)
{
	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++) {
		const struct edgexdp_ct_table_stats *ts =
			&usage->stats.table[t];
		uint64_t gone = ts->removed + ct_table_live(&usage->table[t]) +
				usage->table[t].expired;

		usage->table[t].displaced =
			ts->created > gone ? ts->created - gone : 0;
	}
}

int ct_count_usage(struct ct_usage *usage)
{
	struct edgexdp_settings settings;
	int set_fd, stats_fd, fd, err;
	__u32 zero = 0;

	memset(usage, 0, sizeof(*usage));
	set_fd = maps_open_pinned(PIN_SETTINGS);
	if (set_fd < 0)
		return set_fd;
	err = bpf_map_lookup_elem(set_fd, &zero, &settings) ? -errno : 0;
	close(set_fd);
	/* Counters first: an entry created after they are read cannot
	 * make the displaced count go up. */
	stats_fd = err ? -1 : maps_open_pinned(PIN_CT_STATS);
	if (!err && stats_fd < 0)
		err = stats_fd;
	if (!err)
		err = maps_percpu_sum_u64(stats_fd, 0, (__u64 *)&usage->stats,
					  sizeof(usage->stats) / sizeof(__u64));
	if (stats_fd >= 0)
		close(stats_fd);
	for (int t = 0; !err && t < EDGEXDP_CT_TABLE_COUNT; t++) {
		fd = maps_open_pinned(ct_map_names[t]);
		if (fd < 0)
			return fd;
		err = count_table(&usage->table[t], fd, &settings);
		close(fd);
	}
	if (!err)
		derive_displaced(usage);
	return err;
}

static void nat_fold(struct edgexdp_addr *addr, uint8_t family,
		     const struct ruleset *rs)
{
	for (size_t i = 0; i < rs->n_nat; i++) {
		if (rs->nat[i].family == family &&
		    !memcmp(addr, &rs->nat[i].private_addr, sizeof(*addr))) {
			*addr = rs->nat[i].public_addr;
			return;
		}
	}
}

int ct_key_from_tuple(struct edgexdp_ct_key *key, const struct ruleset *rs,
		      uint8_t family, uint8_t l4proto,
		      const struct edgexdp_addr *src, uint16_t sport,
		      const struct edgexdp_addr *dst, uint16_t dport)
{
	struct edgexdp_addr a = *src, b = *dst;
	int cmp;

	memset(key, 0, sizeof(*key));
	nat_fold(&a, family, rs);
	nat_fold(&b, family, rs);
	key->l4proto = l4proto;
	key->family = family;
	cmp = memcmp(&a, &b, sizeof(a));
	if (cmp < 0 || (cmp == 0 && sport <= dport)) {
		key->addr_a = a;
		key->addr_b = b;
		key->port_a = htons(sport);
		key->port_b = htons(dport);
		return 1;
	}
	key->addr_a = b;
	key->addr_b = a;
	key->port_a = htons(dport);
	key->port_b = htons(sport);
	return 0;
}

void ct_entry_established(struct edgexdp_ct_entry *entry, uint32_t rule_id,
			  int initiator_is_a)
{
	memset(entry, 0, sizeof(*entry));
	entry->last_seen_ns = maps_clock_ns();
	entry->rule_id = rule_id;
	entry->state = EDGEXDP_CT_ESTABLISHED;
	entry->initiator_is_a = (uint8_t)initiator_is_a;
	/* Its handshake was never seen: no windows to check. */
	entry->flags = EDGEXDP_CT_F_LIBERAL;
}

static int rule_for_flow(const struct ruleset *rs,
			 const struct edgexdp_ct_key *key,
			 const struct edgexdp_ct_entry *entry)
{
	const struct edgexdp_addr *src = &key->addr_a, *dst = &key->addr_b;
	__be16 sport = key->port_a, dport = key->port_b;
	struct cfg_prefix s = {0}, d = {0};
	enum edgexdp_proto proto;

	if (!entry->initiator_is_a) {
		src = &key->addr_b;
		dst = &key->addr_a;
		sport = key->port_b;
		dport = key->port_a;
	}
	proto = key->l4proto == IPPROTO_TCP ? EDGEXDP_PROTO_TCP
					    : EDGEXDP_PROTO_UDP;
	s.family = d.family = key->family;
	s.prefixlen = d.prefixlen = key->family == 4 ? 32 : 128;
	s.addr = *src;
	d.addr = *dst;
	/* The flow key forgets the NIC: either zone's rule will do. */
	for (int zone = 0; zone < EDGEXDP_ZONE_COUNT; zone++) {
		int rule = classify_new_flow(rs, zone, proto, &s, &d,
					     ntohs(sport), ntohs(dport));

		if (rule >= 0)
			return rule;
	}
	return -1;
}

int ct_judge(int ct_fd, const struct ruleset *rs, bool apply,
	     uint64_t *cut_by_rule, struct ct_reclassified *out)
{
	struct edgexdp_ct_key key, next, *doomed = NULL, *grown;
	size_t n_doomed = 0, cap = 0;
	struct edgexdp_ct_entry entry;
	void *prev = NULL;
	int rule, err = 0;

	memset(out, 0, sizeof(*out));
	while (!err && !bpf_map_get_next_key(ct_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(ct_fd, &key, &entry))
			continue;
		rule = rule_for_flow(rs, &key, &entry);
		if (rule < 0 && cut_by_rule &&
		    entry.rule_id < EDGEXDP_MAX_RULES)
			cut_by_rule[entry.rule_id]++;
		if (rule < 0 && !apply) {
			out->dropped++;
			continue;
		}
		if (rule < 0) {
			/* Deleted after the walk: deleting the current key
			 * would restart it at the first. */
			if (n_doomed == cap) {
				cap = cap ? 2 * cap : 256;
				grown = realloc(doomed, cap * sizeof(*doomed));
				if (!grown) {
					err = -ENOMEM;
					break;
				}
				doomed = grown;
			}
			doomed[n_doomed++] = key;
			continue;
		}
		out->kept++;
		if ((uint32_t)rule != entry.rule_id && !apply) {
			out->reassigned++;
		} else if ((uint32_t)rule != entry.rule_id) {
			entry.rule_id = (uint32_t)rule;
			if (bpf_map_update_elem(ct_fd, &key, &entry, BPF_EXIST))
				err = -errno;
			out->reassigned++;
		}
	}
	for (size_t i = 0; !err && i < n_doomed; i++) {
		if (bpf_map_delete_elem(ct_fd, &doomed[i]) && errno != ENOENT)
			err = -errno;
		out->dropped++;
	}
	free(doomed);
	return err;
}

int ct_reclassify(int ct_fd, const struct ruleset *rs,
		  struct ct_reclassified *out)
{
	return ct_judge(ct_fd, rs, true, NULL, out);
}
