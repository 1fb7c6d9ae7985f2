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

#include "ct.h"
#include "maps.h"
#include "classify.h"
#include "ruleset.h"

uint64_t ct_timeout_ns(const struct edgexdp_settings *s, uint8_t l4proto,
		       uint8_t state)
{
	if (l4proto == IPPROTO_UDP)
		return s->udp_timeout_ns;
	if (state == EDGEXDP_CT_ESTABLISHED)
		return s->tcp_established_timeout_ns;
	return s->tcp_transitory_timeout_ns;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	/* The data path stamps flows with bpf_ktime_get_coarse_ns(), the
	 * same clock at jiffy resolution. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * EDGEXDP_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Entries read per batch syscall when counting. */
#define CT_BATCH 4096

static void count_batch(struct ct_usage *usage, const struct edgexdp_ct_key *keys,
			const struct edgexdp_ct_entry *entries, __u32 n,
			const struct edgexdp_settings *settings, uint64_t now)
{
	for (__u32 i = 0; i < n; i++) {
		const struct edgexdp_ct_entry *e = &entries[i];

		/* A stamp newer than our clock read is fresh, not ancient. */
		if (now > e->last_seen_ns &&
		    now - e->last_seen_ns >
			    ct_timeout_ns(settings, keys[i].l4proto, e->state))
			usage->expired++;
		else
			usage->live++;
	}
}

/*
 * Batched reads: one syscall per CT_BATCH entries, and no restart when
 * the data path deletes the key a get_next_key walk stood on.
 */
int ct_count_usage(struct ct_usage *usage)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct edgexdp_settings settings;
	struct edgexdp_ct_entry *entries;
	struct edgexdp_ct_key *keys;
	__u32 zero = 0, token = 0, n;
	int ct_fd, set_fd, err = 0;
	bool first = true;
	uint64_t now;

	usage->live = usage->expired = 0;
	ct_fd = maps_open_pinned("conntrack");
	if (ct_fd < 0)
		return ct_fd;
	set_fd = maps_open_pinned("settings");
	keys = calloc(CT_BATCH, sizeof(*keys));
	entries = calloc(CT_BATCH, sizeof(*entries));
	if (set_fd < 0)
		err = set_fd;
	else if (!keys || !entries)
		err = -ENOMEM;
	else if (bpf_map_lookup_elem(set_fd, &zero, &settings))
		err = -errno;
	now = monotonic_ns();
	while (!err) {
		n = CT_BATCH;
		err = bpf_map_lookup_batch(ct_fd, first ? NULL : &token, &token,
					   keys, entries, &n, &opts);
		if (err)
			err = -errno;
		first = false;
		/* The last batch comes with ENOENT, and may hold entries. */
		count_batch(usage, keys, entries, n, &settings, now);
	}
	if (err == -ENOENT)
		err = 0;
	free(keys);
	free(entries);
	if (set_fd >= 0)
		close(set_fd);
	close(ct_fd);
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
	entry->last_seen_ns = monotonic_ns();
	entry->rule_id = rule_id;
	entry->state = EDGEXDP_CT_ESTABLISHED;
	entry->initiator_is_a = (uint8_t)initiator_is_a;
}

static int rule_for_flow(const struct ruleset *rs,
			 const struct edgexdp_ct_key *key,
			 const struct edgexdp_ct_entry *entry)
{
	const struct edgexdp_addr *src = &key->addr_a, *dst = &key->addr_b;
	__be16 sport = key->port_a, dport = key->port_b;
	struct cfg_prefix s = { 0 }, d = { 0 };
	enum edgexdp_proto proto;

	if (!entry->initiator_is_a) {
		src = &key->addr_b;
		dst = &key->addr_a;
		sport = key->port_b;
		dport = key->port_a;
	}
	proto = key->l4proto == IPPROTO_TCP ? EDGEXDP_PROTO_TCP :
					      EDGEXDP_PROTO_UDP;
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

int ct_reclassify(int ct_fd, const struct ruleset *rs,
		  struct ct_reclassified *out)
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
		if ((uint32_t)rule != entry.rule_id) {
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
