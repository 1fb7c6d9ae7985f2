// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Prometheus text exposition. Names follow the Prometheus conventions: one
 * prefix (edgexdp_), base units (bytes, seconds), _total on counters, and
 * labels of bounded cardinality only (rule, zone, proto, reason, interface).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
	fprintf(f, "edgexdp_rules %u\n", s->n_rules);
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

static void prom_conntrack(FILE *f, const struct stats_sample *s,
			   const struct ct_usage *ct)
{
	family(f, "edgexdp_conntrack_max_entries", "gauge",
	       "Size of the flow table.");
	fprintf(f, "edgexdp_conntrack_max_entries %u\n",
		s->info.ct_max_entries);
	if (!ct)
		return;
	family(f, "edgexdp_conntrack_entries", "gauge",
	       "Flows in the table the data path still matches.");
	fprintf(f, "edgexdp_conntrack_entries %llu\n",
		(unsigned long long)ct->live);
	family(f, "edgexdp_conntrack_expired_entries", "gauge",
	       "Expired flows waiting in the table for reuse.");
	fprintf(f, "edgexdp_conntrack_expired_entries %llu\n",
		(unsigned long long)ct->expired);
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
	prom_conntrack(f, s, ct);
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
