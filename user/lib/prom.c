// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Prometheus text exposition. Names follow the Prometheus conventions: one
 * prefix (edgexdp_), base units (bytes, seconds), _total on counters, and
 * labels of bounded cardinality only (rule, zone, proto, reason, interface).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ct.h"
#include "loader.h"
#include "names.h"
#include "prom.h"
#include "sample.h"

/* Label values escape backslash, double quote and newline. */
static void label(FILE *f, const char *name, const char *value, int first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (const char *c = value; *c; c++) {
		if (*c == '\\' || *c == '"')
			fputc('\\', f);
		if (*c == '\n')
			fputs("\\n", f);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The mode every NIC is attached in, or "mixed". */
static const char *attach_mode(const struct edgexdp_load_info *info)
{
	for (__u32 i = 1; i < info->n_ifaces; i++)
		if (info->ifaces[i].xdp_mode != info->ifaces[0].xdp_mode)
			return "mixed";
	return info->n_ifaces ? attach_mode_name(info->ifaces[0].xdp_mode)
			      : "none";
}

static void prom_info(FILE *f, const struct stats_sample *s,
		      const char *version)
{
	family(f, "edgexdp_info", "gauge",
	       "The edgexdp version and the XDP mode of its NICs.");
	fputs("edgexdp_info{", f);
	label(f, "version", version, 1);
	label(f, "attach_mode", attach_mode(&s->info), 0);
	fputs("} 1\n", f);
	family(f, "edgexdp_interface_info", "gauge",
	       "Each NIC the filter is attached to.");
	for (__u32 i = 0; i < s->info.n_ifaces; i++) {
		if (!s->info.ifaces[i].ifindex)
			continue;
		const struct edgexdp_attached_iface *a = &s->info.ifaces[i];

		fputs("edgexdp_interface_info{", f);
		label(f, "interface", a->name, 1);
		label(f, "zone", zone_name(a->zone), 0);
		label(f, "mode", attach_mode_name(a->xdp_mode), 0);
		label(f, "attach", attach_kind_name(a->kind), 0);
		fputs("} 1\n", f);
	}
	family(f, "edgexdp_loaded_timestamp_seconds", "gauge",
	       "When the filter was loaded, in seconds since the epoch.");
	fprintf(f, "edgexdp_loaded_timestamp_seconds %llu\n",
		(unsigned long long)s->info.loaded_at);
	family(f, "edgexdp_rules", "gauge", "Rules loaded.");
	fprintf(f, "edgexdp_rules %u\n", s->info.n_rules);
}

static void prom_rules(FILE *f, const struct stats_sample *s)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} m[] = {
		{"edgexdp_rule_flows_total", "Flows a rule opened.",
		 offsetof(struct edgexdp_rule_stats, flows)},
		{"edgexdp_rule_packets_total",
		 "Packets of the flows a rule opened, both directions.",
		 offsetof(struct edgexdp_rule_stats, packets)},
		{"edgexdp_rule_bytes_total",
		 "Bytes of the flows a rule opened, both directions.",
		 offsetof(struct edgexdp_rule_stats, bytes)},
	};

	for (size_t k = 0; k < ARRAY_SIZE(m); k++) {
		family(f, m[k].name, "counter", m[k].help);
		for (__u32 i = 0; i < s->n_rules; i++) {
			if (!s->rule_info[i].name[0])
				continue; /* an id a reload left free */
			const struct edgexdp_rule_info *ri = &s->rule_info[i];
			const __u64 *v =
				(const __u64 *)((const char *)&s->rules[i] +
						m[k].off);

			fprintf(f, "%s{", m[k].name);
			label(f, "rule", ri->name, 1);
			label(f, "zone", zone_name(ri->zone), 0);
			label(f, "proto", proto_name(ri->proto), 0);
			fprintf(f, "} %llu\n", (unsigned long long)*v);
		}
	}
}

static const char *slot_name(const struct stats_sample *s, __u32 slot)
{
	return slot < s->info.n_ifaces ? s->info.ifaces[slot].name : "unknown";
}

/* {reason, interface} counters; the slot of unknown NICs as "unknown". */
static void prom_reasons(FILE *f, const struct stats_sample *s, int pass,
			 int bytes)
{
	char name[64];
	unsigned int n =
		pass ? EDGEXDP_PASS_REASON_COUNT : EDGEXDP_DROP_REASON_COUNT;

	snprintf(name, sizeof(name), "edgexdp_%s_%s_total",
		 pass ? "pass" : "drop", bytes ? "bytes" : "packets");
	family(f, name, "counter",
	       pass ? (bytes ? "Bytes passed, by reason and NIC."
			     : "Packets passed, by reason and NIC.")
		    : (bytes ? "Bytes dropped, by reason and NIC."
			     : "Packets dropped, by reason and NIC."));
	for (__u32 slot = 0; slot < EDGEXDP_STATS_SLOTS; slot++) {
		const struct edgexdp_reason_stats *r =
			pass ? s->slot_passes[slot] : s->slot_drops[slot];

		if (slot >= s->info.n_ifaces && slot != EDGEXDP_STATS_NO_IFACE)
			continue;
		for (unsigned int i = 0; i < n; i++) {
			fprintf(f, "%s{", name);
			label(f, "reason",
			      pass ? pass_reason_name(i) : drop_reason_name(i),
			      1);
			label(f, "interface", slot_name(s, slot), 0);
			fprintf(f, "} %llu\n",
				(unsigned long long)(bytes ? r[i].bytes
							   : r[i].packets));
		}
	}
}

static void prom_ifaces(FILE *f, const struct stats_sample *s)
{
	for (int bytes = 0; bytes < 2; bytes++) {
		const char *name =
			bytes ? "edgexdp_interface_receive_bytes_total"
			      : "edgexdp_interface_receive_packets_total";

		family(f, name, "counter",
		       bytes ? "Bytes the filter saw arrive on a NIC."
			     : "Packets the filter saw arrive on a NIC.");
		for (__u32 i = 0; i < s->info.n_ifaces; i++) {
			if (!s->info.ifaces[i].ifindex)
				continue;
			fprintf(f, "%s{", name);
			label(f, "interface", s->info.ifaces[i].name, 1);
			label(f, "zone", zone_name(s->info.ifaces[i].zone), 0);
			fprintf(f, "} %llu\n",
				(unsigned long long)(bytes ? s->ifaces[i]
								     .rx_bytes
							   : s->ifaces[i]
								     .rx_packets));
		}
	}
}

static void prom_ct_table(FILE *f, const char *metric,
			  const struct ct_usage *ct, size_t off)
{
	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++) {
		const char *v = (const char *)&ct->stats.table[t] + off;

		fprintf(f, "%s{table=\"%s\"} %llu\n", metric, ct_table_name(t),
			(unsigned long long)*(const __u64 *)v);
	}
}

static void prom_conntrack(FILE *f, const struct ct_usage *ct)
{
	const struct ct_table_usage *tu;

	family(f, "edgexdp_conntrack_max_entries", "gauge",
	       "Size of each flow table.");
	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++)
		fprintf(f, "edgexdp_conntrack_max_entries{table=\"%s\"} %u\n",
			ct_table_name(t), ct->table[t].max_entries);
	family(f, "edgexdp_conntrack_entries", "gauge",
	       "Flows the data path still matches, per table and state.");
	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++) {
		tu = &ct->table[t];
		for (int st = 0; st < EDGEXDP_CT_STATE_COUNT; st++)
			if (tu->live[st])
				fprintf(f,
					"edgexdp_conntrack_entries{table=\"%"
					"s\","
					"state=\"%s\"} %llu\n",
					ct_table_name(t),
					ct_state_label((uint8_t)st),
					(unsigned long long)tu->live[st]);
	}
	family(f, "edgexdp_conntrack_expired_entries", "gauge",
	       "Expired flows waiting in each table for reuse.");
	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++)
		fprintf(f,
			"edgexdp_conntrack_expired_entries{table=\"%s\"} "
			"%llu\n",
			ct_table_name(t),
			(unsigned long long)ct->table[t].expired);
	family(f, "edgexdp_conntrack_created_total", "counter",
	       "Entries inserted in each table.");
	prom_ct_table(f, "edgexdp_conntrack_created_total", ct,
		      offsetof(struct edgexdp_ct_table_stats, created));
	family(f, "edgexdp_conntrack_insert_failed_total", "counter",
	       "Inserts a full table refused.");
	prom_ct_table(f, "edgexdp_conntrack_insert_failed_total", ct,
		      offsetof(struct edgexdp_ct_table_stats, insert_failed));
	family(f, "edgexdp_conntrack_displaced_entries", "gauge",
	       "Entries the LRU took for other flows (created, neither removed "
	       "nor present).");
	for (int t = 0; t < EDGEXDP_CT_TABLE_COUNT; t++)
		fprintf(f,
			"edgexdp_conntrack_displaced_entries{table=\"%s\"} "
			"%llu\n",
			ct_table_name(t),
			(unsigned long long)ct->table[t].displaced);
	family(f, "edgexdp_conntrack_confirmations_total", "counter",
	       "Flows confirmed, by how.");
	fprintf(f,
		"edgexdp_conntrack_confirmations_total{by=\"tcp\"} %llu\n"
		"edgexdp_conntrack_confirmations_total{by=\"udp\"} %llu\n"
		"edgexdp_conntrack_confirmations_total{by=\"tcp_synack_"
		"unseen\"} "
		"%llu\n",
		(unsigned long long)ct->stats.confirmed_tcp,
		(unsigned long long)ct->stats.confirmed_udp,
		(unsigned long long)ct->stats.confirmed_unseen);
}

int prom_format(const struct stats_sample *s, const struct ct_usage *ct,
		const char *version, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		return -ENOMEM;
	prom_info(f, s, version);
	prom_rules(f, s);
	for (int pass = 0; pass < 2; pass++)
		for (int bytes = 0; bytes < 2; bytes++)
			prom_reasons(f, s, pass, bytes);
	prom_ifaces(f, s);
	if (ct)
		prom_conntrack(f, ct);
	if (fclose(f)) {
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	return 0;
}

int write_file_atomic(const char *path, const char *buf, size_t len)
{
	char tmp[EDGEXDP_PATH_LEN + 16];
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	/* mkstemp makes it 0600; a collector runs as another user */
	if (fchmod(fd, 0644) || write(fd, buf, len) != (ssize_t)len ||
	    fsync(fd))
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
