// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ct.h"
#include "loader.h"
#include "output.h"

void format_ports(char *buf, size_t len, uint16_t lo, uint16_t hi)
{
	if (ports_any(lo, hi))
		snprintf(buf, len, "any");
	else if (lo == hi)
		snprintf(buf, len, "%u", lo);
	else
		snprintf(buf, len, "%u-%u", lo, hi);
}

void format_endpoint(char *buf, size_t len, const char *addr, unsigned int port)
{
	/* RFC 3986's brackets: 2001:db8::1:22 would read as an address. */
	if (strchr(addr, ':'))
		snprintf(buf, len, "[%s]:%u", addr, port);
	else
		snprintf(buf, len, "%s:%u", addr, port);
}

void format_timestamp(char *buf, size_t len, const struct timespec *ts)
{
	struct tm tm;
	char base[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", base, ts->tv_nsec / 1000000);
}

const char *plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

struct json_object *json_rule_object(const char *name, uint32_t zone,
				     uint32_t proto, uint16_t lo, uint16_t hi,
				     const char *from, const char *to)
{
	struct json_object *o = json_object_new_object();
	char ports[16];

	/* "ports" are destination ports; callers add "sports". */
	format_ports(ports, sizeof(ports), lo, hi);
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "zone",
			       json_object_new_string(zone_name(zone)));
	json_object_object_add(o, "proto",
			       json_object_new_string(proto_name(proto)));
	json_object_object_add(o, "ports", json_object_new_string(ports));
	json_object_object_add(o, "from", json_object_new_string(from));
	json_object_object_add(o, "to", json_object_new_string(to));
	return o;
}

struct json_object *json_attached_iface(const struct edgexdp_attached_iface *a)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(a->name));
	json_object_object_add(o, "ifindex", json_object_new_int64(a->ifindex));
	json_object_object_add(o, "zone",
			       json_object_new_string(zone_name(a->zone)));
	json_object_object_add(
		o, "mode",
		json_object_new_string(attach_mode_name(a->xdp_mode)));
	json_object_object_add(
		o, "attach", json_object_new_string(attach_kind_name(a->kind)));
	json_object_object_add(o, "prog_id", json_object_new_int64(a->prog_id));
	return o;
}

void json_add_sports(struct json_object *rule, uint16_t lo, uint16_t hi)
{
	char sports[16];

	format_ports(sports, sizeof(sports), lo, hi);
	json_object_object_add(rule, "sports", json_object_new_string(sports));
}

void json_print(struct json_object *root)
{
	puts(json_object_to_json_string_ext(
		root,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}

static struct json_object *json_ct_table(const struct ct_usage *u,
					 enum edgexdp_ct_table t)
{
	const struct ct_table_usage *tu = &u->table[t];
	const struct edgexdp_ct_table_stats *ts = &u->stats.table[t];
	struct json_object *o = json_object_new_object();
	struct json_object *states = json_object_new_object();

	for (int st = 0; st < EDGEXDP_CT_STATE_COUNT; st++)
		if (tu->live[st])
			json_object_object_add(
				states, ct_state_label((uint8_t)st),
				json_object_new_uint64(tu->live[st]));
	json_object_object_add(o, "entries",
			       json_object_new_uint64(ct_table_live(tu)));
	json_object_object_add(o, "expired",
			       json_object_new_uint64(tu->expired));
	json_object_object_add(o, "max",
			       json_object_new_uint64(tu->max_entries));
	json_object_object_add(o, "states", states);
	json_object_object_add(o, "created",
			       json_object_new_uint64(ts->created));
	json_object_object_add(o, "removed",
			       json_object_new_uint64(ts->removed));
	json_object_object_add(o, "insert_failed",
			       json_object_new_uint64(ts->insert_failed));
	json_object_object_add(o, "displaced",
			       json_object_new_uint64(tu->displaced));
	return o;
}

struct json_object *json_ct_usage(const struct ct_usage *u)
{
	struct json_object *o = json_object_new_object();
	struct json_object *conf = json_object_new_object();

	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++)
		json_object_object_add(o, ct_table_name(t),
				       json_ct_table(u, t));
	json_object_object_add(conf, "tcp",
			       json_object_new_uint64(u->stats.confirmed_tcp));
	json_object_object_add(conf, "udp",
			       json_object_new_uint64(u->stats.confirmed_udp));
	json_object_object_add(
		conf, "tcp_synack_unseen",
		json_object_new_uint64(u->stats.confirmed_unseen));
	json_object_object_add(o, "confirmations", conf);
	return o;
}

void print_ct_usage(const struct ct_usage *u)
{
	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++) {
		const struct ct_table_usage *tu = &u->table[t];
		const struct edgexdp_ct_table_stats *ts = &u->stats.table[t];

		printf("  %-12s %llu of %u entries (%llu expired awaiting "
		       "reuse)",
		       ct_table_name(t), (unsigned long long)ct_table_live(tu),
		       tu->max_entries, (unsigned long long)tu->expired);
		for (int st = 0; st < EDGEXDP_CT_STATE_COUNT; st++)
			if (tu->live[st])
				printf(", %s %llu", ct_state_label((uint8_t)st),
				       (unsigned long long)tu->live[st]);
		printf("\n  %-12s created %llu, removed %llu, insert failed "
		       "%llu, "
		       "displaced by the LRU %llu\n",
		       "", (unsigned long long)ts->created,
		       (unsigned long long)ts->removed,
		       (unsigned long long)ts->insert_failed,
		       (unsigned long long)tu->displaced);
	}
	printf("  %-12s tcp %llu, udp %llu, tcp without a seen SYN+ACK %llu\n",
	       "confirmed by", (unsigned long long)u->stats.confirmed_tcp,
	       (unsigned long long)u->stats.confirmed_udp,
	       (unsigned long long)u->stats.confirmed_unseen);
}
