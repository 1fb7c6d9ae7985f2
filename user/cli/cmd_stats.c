// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp stats: per-rule hits, drops and passes by reason, per-NIC totals,
 * read from the pinned per-CPU counters and summed over CPUs. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "common.h"
#include "ct.h"
#include "output.h"
#include "pins.h"
#include "prom.h"
#include "sample.h"

enum stats_format { STATS_TEXT, STATS_JSON, STATS_PROMETHEUS };

struct stats_opts {
	unsigned long interval;
	unsigned long count;
	enum stats_format format;
	const char *write_path;
};

static int parse_format(const char *arg, enum stats_format *out,
			struct edgexdp_diag *d)
{
	static const char *const names[] = {"text", "json", "prometheus"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(arg, names[i]) == 0) {
			*out = (enum stats_format)i;
			return 0;
		}
	}
	diag_set(d, 0,
		 "stats: unknown output format '%s' (expected text, json or "
		 "prometheus)",
		 arg);
	return -EINVAL;
}

static int on_stats_opt(void *ctx, int key, const char *arg,
			struct edgexdp_diag *d)
{
	struct stats_opts *so = ctx;
	int err;

	if (key == 'o')
		return parse_format(arg, &so->format, d);
	if (key == 'w') {
		so->write_path = arg;
		return 0;
	}
	if (key == 'i')
		err = parse_uint(arg, 1, 3600, &so->interval);
	else
		err = parse_uint(arg, 1, ~0UL, &so->count);
	if (err)
		diag_set(d, 0,
			 "stats: bad -%c value '%s' (expected a positive "
			 "whole number)",
			 key, arg);
	return err;
}

static int check_stats_opts(void *ctx, int argc, char **argv,
			    struct edgexdp_diag *d)
{
	const struct stats_opts *so = ctx;

	if (so->count && !so->interval) {
		diag_set(d, 0, "stats: -n needs -i");
		return -EINVAL;
	}
	if (so->write_path && so->format != STATS_PROMETHEUS) {
		diag_set(d, 0, "stats: -w needs -o prometheus");
		return -EINVAL;
	}
	return 0;
}

/* Rates need the previous sample of the same load (same rule count). */
static double rate(__u64 now, __u64 before, double secs)
{
	return now >= before && secs > 0 ? (double)(now - before) / secs : 0;
}

static struct json_object *json_rules(const struct stats_sample *s,
				      const struct stats_sample *prev,
				      double secs)
{
	struct json_object *rules = json_object_new_array();

	for (__u32 i = 0; i < s->n_rules; i++) {
		if (!s->rule_info[i].name[0])
			continue; /* an id a reload left free */
		const struct edgexdp_rule_info *ri = &s->rule_info[i];
		const struct edgexdp_rule_stats *st = &s->rules[i];
		struct json_object *o = json_rule_object(
			ri->name, ri->zone, ri->proto, ri->port_lo, ri->port_hi,
			ri->from, ri->to);

		json_add_sports(o, ri->sport_lo, ri->sport_hi);
		json_object_object_add(o, "seed",
				       json_object_new_string(ri->seed));
		json_object_object_add(o, "flows",
				       json_object_new_uint64(st->flows));
		json_object_object_add(o, "packets",
				       json_object_new_uint64(st->packets));
		json_object_object_add(o, "bytes",
				       json_object_new_uint64(st->bytes));
		if (prev) {
			const struct edgexdp_rule_stats *p = &prev->rules[i];

			json_object_object_add(
				o, "pps",
				json_object_new_double(
					rate(st->packets, p->packets, secs)));
			json_object_object_add(
				o, "bps",
				json_object_new_double(
					8 * rate(st->bytes, p->bytes, secs)));
		}
		json_object_array_add(rules, o);
	}
	return rules;
}

/* "drops"/"passes" {reason: packets}, "..._bytes" beside, as documented;
 * with a previous sample "..._pps" {reason: packets per second} too. */
static void json_reasons(struct json_object *root, const char *key,
			 const char *stem,
			 const struct edgexdp_reason_stats *now,
			 const struct edgexdp_reason_stats *before,
			 unsigned int n, const char *(*name)(unsigned int),
			 double secs)
{
	struct json_object *pkts = json_object_new_object();
	struct json_object *bytes = json_object_new_object();
	struct json_object *pps = before ? json_object_new_object() : NULL;
	char k[32];

	for (unsigned int r = 0; r < n; r++) {
		json_object_object_add(pkts, name(r),
				       json_object_new_uint64(now[r].packets));
		json_object_object_add(bytes, name(r),
				       json_object_new_uint64(now[r].bytes));
		if (pps)
			json_object_object_add(
				pps, name(r),
				json_object_new_double(rate(now[r].packets,
							    before[r].packets,
							    secs)));
	}
	json_object_object_add(root, key, pkts);
	snprintf(k, sizeof(k), "%s_bytes", stem);
	json_object_object_add(root, k, bytes);
	if (pps) {
		snprintf(k, sizeof(k), "%s_pps", stem);
		json_object_object_add(root, k, pps);
	}
}

static struct json_object *json_ifaces(const struct stats_sample *s,
				       const struct stats_sample *prev,
				       double secs)
{
	struct json_object *ifs = json_object_new_array();

	for (__u32 i = 0; i < s->info.n_ifaces; i++) {
		if (!s->info.ifaces[i].ifindex)
			continue; /* a slot a reload left free */
		const struct edgexdp_iface_stats *st = &s->ifaces[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(
			o, "name",
			json_object_new_string(s->info.ifaces[i].name));
		json_object_object_add(o, "zone",
				       json_object_new_string(zone_name(
					       s->info.ifaces[i].zone)));
		json_object_object_add(o, "rx_packets",
				       json_object_new_uint64(st->rx_packets));
		json_object_object_add(o, "rx_bytes",
				       json_object_new_uint64(st->rx_bytes));
		json_object_object_add(
			o, "pass_packets",
			json_object_new_uint64(st->pass_packets));
		json_object_object_add(
			o, "drop_packets",
			json_object_new_uint64(st->drop_packets));
		if (prev) {
			const struct edgexdp_iface_stats *p = &prev->ifaces[i];

			json_object_object_add(
				o, "rx_pps",
				json_object_new_double(rate(
					st->rx_packets, p->rx_packets, secs)));
			json_object_object_add(
				o, "rx_bps",
				json_object_new_double(8 * rate(st->rx_bytes,
								p->rx_bytes,
								secs)));
			json_object_object_add(o, "pass_pps",
					       json_object_new_double(rate(
						       st->pass_packets,
						       p->pass_packets, secs)));
			json_object_object_add(o, "drop_pps",
					       json_object_new_double(rate(
						       st->drop_packets,
						       p->drop_packets, secs)));
		}
		json_object_array_add(ifs, o);
	}
	return ifs;
}

/* One object per sample; with -i one line each (JSON Lines). */
static void print_json(const struct stats_sample *s,
		       const struct stats_sample *prev, bool lines)
{
	struct json_object *root = json_object_new_object();
	double secs = prev ? s->at - prev->at : 0;
	char stamp[40];

	format_timestamp(stamp, sizeof(stamp), &s->wall);
	json_object_object_add(root, "timestamp",
			       json_object_new_string(stamp));
	json_object_object_add(root, "rules", json_rules(s, prev, secs));
	json_reasons(root, "drops", "drop", s->drops, prev ? prev->drops : NULL,
		     EDGEXDP_DROP_REASON_COUNT, drop_reason_name, secs);
	json_reasons(root, "passes", "pass", s->passes,
		     prev ? prev->passes : NULL, EDGEXDP_PASS_REASON_COUNT,
		     pass_reason_name, secs);
	json_object_object_add(root, "interfaces", json_ifaces(s, prev, secs));
	json_object_object_add(root, "conntrack", json_ct_usage(&s->ct));
	if (prev)
		json_object_object_add(root, "interval",
				       json_object_new_double(secs));
	if (lines) {
		puts(json_object_to_json_string_ext(
			root, JSON_C_TO_STRING_PLAIN |
				      JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	} else {
		json_print(root);
	}
}

static void print_rules_plain(const struct stats_sample *s,
			      const struct stats_sample *prev, double secs)
{
	char ports[16], sports[16];

	printf("%-18s %-8s %-5s %-11s %-11s %-20s %-20s %8s %10s %12s", "RULE",
	       "ZONE", "PROTO", "SPORTS", "PORTS", "FROM", "TO", "FLOWS",
	       "PACKETS", "BYTES");
	if (prev)
		printf(" %10s %12s", "PKT/S", "BIT/S");
	putchar('\n');
	for (__u32 i = 0; i < s->n_rules; i++) {
		if (!s->rule_info[i].name[0])
			continue; /* an id a reload left free */
		const struct edgexdp_rule_info *ri = &s->rule_info[i];
		const struct edgexdp_rule_stats *st = &s->rules[i];

		format_ports(ports, sizeof(ports), ri->port_lo, ri->port_hi);
		format_ports(sports, sizeof(sports), ri->sport_lo,
			     ri->sport_hi);
		printf("%-18s %-8s %-5s %-11s %-11s %-20s %-20s %8llu %10llu "
		       "%12llu",
		       ri->name, zone_name(ri->zone), proto_name(ri->proto),
		       sports, ports, ri->from, ri->to,
		       (unsigned long long)st->flows,
		       (unsigned long long)st->packets,
		       (unsigned long long)st->bytes);
		if (prev)
			printf(" %10.0f %12.0f",
			       rate(st->packets, prev->rules[i].packets, secs),
			       8 * rate(st->bytes, prev->rules[i].bytes, secs));
		putchar('\n');
	}
}

static void print_reasons_plain(const char *title,
				const struct edgexdp_reason_stats *now,
				const struct edgexdp_reason_stats *before,
				unsigned int n,
				const char *(*name)(unsigned int), double secs)
{
	printf("\n%-22s %10s %12s", title, "PACKETS", "BYTES");
	if (before)
		printf(" %10s", "PKT/S");
	putchar('\n');
	for (unsigned int r = 0; r < n; r++) {
		printf("%-22s %10llu %12llu", name(r),
		       (unsigned long long)now[r].packets,
		       (unsigned long long)now[r].bytes);
		if (before)
			printf(" %10.0f",
			       rate(now[r].packets, before[r].packets, secs));
		putchar('\n');
	}
}

static void print_ifaces_plain(const struct stats_sample *s,
			       const struct stats_sample *prev, double secs)
{
	printf("\n%-16s %-8s %10s %12s %10s %10s", "INTERFACE", "ZONE",
	       "RX_PKTS", "RX_BYTES", "PASSED", "DROPPED");
	if (prev)
		printf(" %10s %12s %10s %10s", "RX_PKT/S", "RX_BIT/S", "PASS/S",
		       "DROP/S");
	putchar('\n');
	for (__u32 i = 0; i < s->info.n_ifaces; i++) {
		if (!s->info.ifaces[i].ifindex)
			continue; /* a slot a reload left free */
		const struct edgexdp_iface_stats *st = &s->ifaces[i];

		printf("%-16s %-8s %10llu %12llu %10llu %10llu",
		       s->info.ifaces[i].name,
		       zone_name(s->info.ifaces[i].zone),
		       (unsigned long long)st->rx_packets,
		       (unsigned long long)st->rx_bytes,
		       (unsigned long long)st->pass_packets,
		       (unsigned long long)st->drop_packets);
		if (prev) {
			const struct edgexdp_iface_stats *p = &prev->ifaces[i];

			printf(" %10.0f %12.0f %10.0f %10.0f",
			       rate(st->rx_packets, p->rx_packets, secs),
			       8 * rate(st->rx_bytes, p->rx_bytes, secs),
			       rate(st->pass_packets, p->pass_packets, secs),
			       rate(st->drop_packets, p->drop_packets, secs));
		}
		putchar('\n');
	}
	printf("\nFLOWS\n");
	print_ct_usage(&s->ct);
}

static void print_plain(const struct stats_sample *s,
			const struct stats_sample *prev)
{
	double secs = prev ? s->at - prev->at : 0;

	print_rules_plain(s, prev, secs);
	print_reasons_plain("DROPPED (reason)", s->drops,
			    prev ? prev->drops : NULL,
			    EDGEXDP_DROP_REASON_COUNT, drop_reason_name, secs);
	print_reasons_plain("PASSED (reason)", s->passes,
			    prev ? prev->passes : NULL,
			    EDGEXDP_PASS_REASON_COUNT, pass_reason_name, secs);
	print_ifaces_plain(s, prev, secs);
}

static int print_prometheus(const struct stats_sample *s,
			    const struct stats_opts *so)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	err = prom_format(s, &s->ct, EDGEXDP_VERSION, &buf, &len);
	if (err) {
		pr_err(err, "cannot format the metrics");
		return err;
	}
	if (so->write_path) {
		err = write_file_atomic(so->write_path, buf, len);
		if (err)
			pr_err(err, "cannot write %s", so->write_path);
	} else {
		fwrite(buf, 1, len, stdout);
	}
	free(buf);
	return err;
}

/* One sample in the chosen format; prev (same load) gives rates. */
static int print_sample(const struct stats_sample *s,
			const struct stats_sample *prev,
			const struct stats_opts *so)
{
	switch (so->format) {
	case STATS_PROMETHEUS:
		return print_prometheus(s, so);
	case STATS_JSON:
		print_json(s, prev, so->interval != 0);
		return 0;
	default:
		print_plain(s, prev);
		return 0;
	}
}

/* Read, and say why not. */
static int read_sample(struct stats_sample *s)
{
	struct edgexdp_diag d;
	int err = stats_sample_read(s, &d);

	if (err)
		pr_diag(&d);
	return err;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int stats_loop(const struct stats_opts *so)
{
	struct stats_sample prev = {0}, cur = {0};
	unsigned long done = 0;
	int err;

	err = read_sample(&prev);
	if (err)
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop && (!so->count || done < so->count)) {
		sleep((unsigned int)so->interval);
		if (stop)
			break;
		err = read_sample(&cur);
		if (err)
			break;
		/* A reload in between changes the rule table: no rates then. */
		int same = cur.n_rules == prev.n_rules &&
			   cur.info.loaded_at == prev.info.loaded_at;
		err = print_sample(&cur, same ? &prev : NULL, so);
		if (err)
			break;
		fflush(stdout);
		stats_sample_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		done++;
		if (so->format == STATS_TEXT && !stop &&
		    (!so->count || done < so->count))
			putchar('\n');
	}
out:
	stats_sample_free(&prev);
	stats_sample_free(&cur);
	return err;
}

static int do_stats(void *ctx, int argc, char **argv)
{
	struct stats_opts *so = ctx;
	struct stats_sample s = {0};
	enum pins_state state;
	int err;

	state = pins_state_explained();
	if (state != PINS_LOADED) {
		pr_not_loaded(state);
		return 1;
	}
	if (g_opts.json && so->format == STATS_TEXT)
		so->format = STATS_JSON;
	if (so->interval)
		err = stats_loop(so);
	else if (!(err = read_sample(&s)))
		err = print_sample(&s, NULL, so);
	stats_sample_free(&s);
	return err ? 1 : 0;
}

static const struct cmd_option stats_options[] = {
	{'i', "interval", "SECONDS",
	 "print every SECONDS, with rates over\n"
	 "the interval (packets/s, bits/s)"},
	{'n', "count", "COUNT",
	 "stop after COUNT intervals (default:\n"
	 "until interrupted)"},
	{'o', "output", "FORMAT",
	 "text (default), json (as -j) or\n"
	 "prometheus: the text exposition format"},
	{'w', "write", "FILE",
	 "with -o prometheus: write FILE\n"
	 "atomically (temporary file, rename) for\n"
	 "node_exporter's textfile collector;\n"
	 "with -i, rewrite it every interval"},
	{0},
};

const struct cmd cmd_stats = {
	.name = "stats",
	.summary = "show per-rule hits, drops by reason and per-NIC totals",
	.globals = CMD_JSON,
	.text = "Per rule: name, zone, protocol, source ports, destination "
		"ports,\n"
		"from, to, flows opened,\n"
		"packets and bytes of those flows (both directions); drops "
		"and\n"
		"passes by reason; per-interface totals; the flow tables, as\n"
		"status shows them.\n",
	.options = stats_options,
	.after = "-j prints one JSON object per sample: {\"timestamp\": RFC "
		 "3339 UTC,\n"
		 "\"rules\": [...], \"drops\": {reason: packets}, "
		 "\"drop_bytes\":\n"
		 "{reason: bytes}, \"passes\", \"pass_bytes\" likewise,\n"
		 "\"interfaces\": [...], \"conntrack\": {\"confirmed\", "
		 "\"unconfirmed\",\n"
		 "\"confirmations\"}}; with -i one object per line (JSON "
		 "Lines),\n"
		 "with rates: \"pps\"/\"bps\" per rule, \"drop_pps\" and "
		 "\"pass_pps\"\n"
		 "{reason: packets/s}, \"rx_pps\", \"rx_bps\", \"pass_pps\" "
		 "and\n"
		 "\"drop_pps\" per interface, and \"interval\" (seconds).\n",
	.ctx_size = sizeof(struct stats_opts),
	.on_opt = on_stats_opt,
	.check = check_stats_opts,
	.run = do_stats,
};
