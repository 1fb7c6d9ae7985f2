// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp log: what was dropped, live: one line (or JSON line) per record
 * of the data path's drop log, and with -w a pcap file through libpcap. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "cmdline.h"
#include "common.h"
#include "drops.h"
#include "output.h"
#include "pins.h"

#define LOG_POLL_MS 200
/* For the help; droplog.bats checks it names every reason names.c has. */
#define LOG_REASONS                                                            \
	"no_rule_port,no_rule_addr,wrong_zone,no_flow,tcp_state,malformed,"    \
	"fragment,icmp,proto,unknown_iface,spoofed_source,tcp_window"
#define STR_(x) #x
#define STR(x) STR_(x)

struct log_opts {
	const char *write_path;
	const char *iface;
	int reason; /* with reason_set, else every reason */
	int reason_set;
	unsigned long count;
	unsigned long rate;
};

static int find_reason(const char *name)
{
	for (unsigned int r = 0; r < EDGEXDP_DROP_REASON_COUNT; r++)
		if (strcmp(drop_reason_name(r), name) == 0)
			return (int)r;
	return -1;
}

static int on_log_opt(void *ctx, int key, const char *arg,
		      struct edgexdp_diag *d)
{
	struct log_opts *lo = ctx;

	switch (key) {
	case 'w':
		lo->write_path = arg;
		return 0;
	case 'i':
		lo->iface = arg;
		return 0;
	case 'r':
		lo->reason = find_reason(arg);
		lo->reason_set = 1;
		if (lo->reason >= 0)
			return 0;
		diag_set(d, 0,
			 "log: unknown reason '%s' (see 'edgexdp help log')",
			 arg);
		return -EINVAL;
	case 'c':
		if (!parse_uint(arg, 1, ~0UL, &lo->count))
			return 0;
		break;
	default: /* 'R' */
		if (!parse_uint(arg, 1, EDGEXDP_DROPLOG_RATE_MAX, &lo->rate))
			return 0;
		break;
	}
	diag_set(d, 0,
		 "log: bad -%c value '%s' (expected a whole number from 1%s)",
		 key, arg,
		 key == 'c' ? "" : " to " STR(EDGEXDP_DROPLOG_RATE_MAX));
	return -EINVAL;
}

/* What the reader hands each record to: filter, print, dump. */
struct log_ctx {
	const struct log_opts *lo;
	pcap_dumper_t *dumper;
	unsigned long printed;
};

static const char *l4_name(__u8 proto, char *buf, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	default:
		snprintf(buf, len, "proto-%u", proto);
		return buf;
	}
}

static void addr_text(const struct edgexdp_drop_record *rec,
		      const struct edgexdp_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(rec->family == EDGEXDP_FAMILY_IPV4 ? AF_INET : AF_INET6,
		       a->u8, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static void print_json_event(const struct drop_event *ev, const char *when,
			     const char *proto, const char *src,
			     const char *dst, unsigned long frame)
{
	const struct edgexdp_drop_record *rec = ev->rec;
	struct json_object *o = json_object_new_object();
	int ip = rec->family != 0;

	json_object_object_add(o, "timestamp", json_object_new_string(when));
	json_object_object_add(o, "interface",
			       json_object_new_string(ev->iface));
	json_object_object_add(
		o, "reason",
		json_object_new_string(drop_reason_name(rec->reason)));
	json_object_object_add(
		o, "rule", ev->rule ? json_object_new_string(ev->rule) : NULL);
	json_object_object_add(
		o, "family",
		ip ? json_object_new_string(rec->family == EDGEXDP_FAMILY_IPV4
						    ? "ipv4"
						    : "ipv6")
		   : NULL);
	json_object_object_add(o, "proto",
			       ip ? json_object_new_string(proto) : NULL);
	json_object_object_add(o, "src",
			       ip ? json_object_new_string(src) : NULL);
	json_object_object_add(o, "sport",
			       json_object_new_int(ntohs(rec->sport)));
	json_object_object_add(o, "dst",
			       ip ? json_object_new_string(dst) : NULL);
	json_object_object_add(o, "dport",
			       json_object_new_int(ntohs(rec->dport)));
	json_object_object_add(o, "len", json_object_new_int64(rec->pkt_len));
	json_object_object_add(o, "caplen",
			       json_object_new_int64(rec->cap_len));
	json_object_object_add(o, "suppressed",
			       json_object_new_int64(rec->suppressed));
	if (frame)
		json_object_object_add(o, "frame",
				       json_object_new_int64((int64_t)frame));
	puts(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void print_event(const struct drop_event *ev, unsigned long frame)
{
	const struct edgexdp_drop_record *rec = ev->rec;
	char when[40], pbuf[16], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char sep[80], dep[80];
	const char *proto = l4_name(rec->l4proto, pbuf, sizeof(pbuf));

	format_timestamp(when, sizeof(when), &ev->when);
	addr_text(rec, &rec->saddr, src, sizeof(src));
	addr_text(rec, &rec->daddr, dst, sizeof(dst));
	if (g_opts.json) {
		print_json_event(ev, when, proto, src, dst, frame);
		return;
	}
	printf("%s %s %s rule=%s", when, ev->iface,
	       drop_reason_name(rec->reason), ev->rule ? ev->rule : "-");
	if (rec->family && (rec->sport || rec->dport)) {
		format_endpoint(sep, sizeof(sep), src, ntohs(rec->sport));
		format_endpoint(dep, sizeof(dep), dst, ntohs(rec->dport));
		printf(" %s %s -> %s", proto, sep, dep);
	} else if (rec->family) {
		printf(" %s %s -> %s", proto, src, dst);
	}
	printf(" len=%u", rec->pkt_len);
	if (rec->suppressed)
		printf(" (+%u suppressed)", rec->suppressed);
	if (frame)
		printf(" frame=%lu", frame);
	putchar('\n');
}

static void dump_event(pcap_dumper_t *dumper, const struct drop_event *ev)
{
	struct pcap_pkthdr h = {
		.ts = {.tv_sec = ev->when.tv_sec,
		       .tv_usec = ev->when.tv_nsec / 1000},
		.caplen = ev->rec->cap_len,
		.len = ev->rec->pkt_len,
	};

	pcap_dump((u_char *)dumper, &h, ev->rec->data);
}

static int on_event(void *ctx, const struct drop_event *ev)
{
	struct log_ctx *lc = ctx;
	const struct log_opts *lo = lc->lo;

	if (lo->reason_set && ev->rec->reason != (__u32)lo->reason)
		return 0;
	if (lo->iface && strcmp(lo->iface, ev->iface) != 0)
		return 0;
	if (ev->rec->cap_len > EDGEXDP_DROPLOG_SNAPLEN)
		return 0; /* not a record this tool wrote the reader for */
	lc->printed++;
	if (lc->dumper)
		dump_event(lc->dumper, ev);
	print_event(ev, lc->dumper ? lc->printed : 0);
	fflush(stdout);
	if (lc->dumper)
		pcap_dump_flush(lc->dumper);
	return lo->count && lc->printed >= lo->count;
}

/* A pcap file of Ethernet frames cut at the snap length, through
 * libpcap's dump API: tcpdump and Wireshark read it. */
static pcap_dumper_t *open_dump(const char *path, pcap_t **pcap)
{
	pcap_dumper_t *d;

	*pcap = pcap_open_dead(DLT_EN10MB, EDGEXDP_DROPLOG_SNAPLEN);
	if (!*pcap) {
		pr_err(-ENOMEM, "log: cannot write %s", path);
		return NULL;
	}
	d = pcap_dump_open(*pcap, path);
	if (!d) {
		pr_error("log: cannot write %s: %s", path, pcap_geterr(*pcap));
		pcap_close(*pcap);
		*pcap = NULL;
	}
	return d;
}

/*
 * The records the rate limit withheld after a reason's last record: no
 * record carries them, so a line of its own says how many, for every NIC
 * (the buckets are per reason and CPU, not per NIC).
 */
static void print_withheld(const struct log_opts *lo, __u32 reason,
			   __u64 withheld)
{
	struct json_object *o;
	struct timespec now;
	char when[40];

	if (!withheld || (lo->reason_set && reason != (__u32)lo->reason))
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	format_timestamp(when, sizeof(when), &now);
	if (!g_opts.json) {
		printf("%s * %s +%llu suppressed, counted on no record\n", when,
		       drop_reason_name(reason), (unsigned long long)withheld);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "timestamp", json_object_new_string(when));
	json_object_object_add(o, "interface", NULL);
	json_object_object_add(
		o, "reason", json_object_new_string(drop_reason_name(reason)));
	json_object_object_add(o, "suppressed",
			       json_object_new_int64((int64_t)withheld));
	json_object_object_add(o, "summary", json_object_new_boolean(1));
	puts(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* The end of a log that was not cut short by -c: what is left in the ring
 * buffer, then what the rate limit withheld after the last records. What
 * it printed stands if the counts cannot be read: a warning, not a
 * failure. */
static void finish_log(const struct log_opts *lo, struct drops_reader *r)
{
	__u64 withheld[EDGEXDP_DROP_REASON_COUNT];
	struct edgexdp_diag d;

	if (drops_finish(r, withheld, &d)) {
		pr_warn("log: %s: no count of the records withheld at the end",
			d.msg);
		return;
	}
	for (__u32 reason = 0;
	     !r->stopped && reason < EDGEXDP_DROP_REASON_COUNT; reason++)
		print_withheld(lo, reason, withheld[reason]);
	fflush(stdout);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Read until interrupted, COUNT records, or an error; then the end. */
static int read_log(const struct log_opts *lo, struct drops_reader *r)
{
	struct edgexdp_diag d;
	int err = drops_enable(r, (__u32)lo->rate, &d);

	if (err) {
		pr_diag(&d);
		return err;
	}
	while (!err && !stop && !r->stopped)
		err = drops_poll(r, LOG_POLL_MS);
	if (err == -EINTR)
		err = 0;
	else if (err)
		pr_err(err, "log: cannot read the drop log");
	if (!err && !r->stopped)
		finish_log(lo, r);
	return err;
}

static int run_log(const struct log_opts *lo)
{
	static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT,
					   SIGPIPE};
	struct log_ctx lc = {.lo = lo};
	struct edgexdp_diag d;
	struct drops_reader r;
	pcap_t *pcap = NULL;
	int err;

	/* From here on a signal ends the log the way ^C does: switched
	 * off, and its lock let go. */
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		signal(stop_signals[i], on_signal);
	/* The lock first: a second log must not truncate the first's -w
	 * file before it is refused. */
	err = drops_open(&r, on_event, &lc, &d);
	if (err) {
		pr_diag(&d);
		return err;
	}
	if (lo->write_path && !(lc.dumper = open_dump(lo->write_path, &pcap)))
		err = -EIO;
	if (!err && !stop)
		err = read_log(lo, &r);
	drops_close(&r); /* switches the log off again */
	if (lc.dumper)
		pcap_dump_close(lc.dumper);
	if (pcap)
		pcap_close(pcap);
	return err;
}

static int do_log(void *ctx, int argc, char **argv)
{
	struct log_opts *lo = ctx;
	enum pins_state state;

	/* The context starts zeroed: a zero rate means the default. */
	if (!lo->rate)
		lo->rate = EDGEXDP_DROPLOG_RATE_DEFAULT;
	if (!lo->reason_set)
		lo->reason = -1;
	state = pins_state_explained();
	if (state != PINS_LOADED) {
		pr_not_loaded(state);
		return 1;
	}
	return run_log(lo) ? 1 : 0;
}

static const struct cmd_option log_options[] = {
	{'w', "write", "FILE",
	 "also write the packets (first " STR(
		 EDGEXDP_DROPLOG_SNAPLEN) " bytes) to\n"
					  "FILE in pcap format; frame K of "
					  "FILE is the\n"
					  "K-th record printed, whose line "
					  "says\n"
					  "frame=K (\"frame\" with -j): its "
					  "reason, rule"},
	{'r', "reason", "REASON", "only drops for REASON (below)"},
	{'i', "iface", "NIC", "only drops on NIC"},
	{'c', "count", "COUNT",
	 "stop after COUNT records (-c is a count\n"
	 "here, not a config file: log reads none)"},
	{'R', "rate", "N",
	 "records per second per reason and CPU\n"
	 "(default " STR(EDGEXDP_DROPLOG_RATE_DEFAULT) ", at most " STR(
		 EDGEXDP_DROPLOG_RATE_MAX) ")"},
	{0},
};

const struct cmd cmd_log = {
	.name = "log",
	.summary = "print what is dropped, live; or write it to a pcap file",
	.globals = CMD_JSON,
	.text = "Print a line per dropped packet, live, until interrupted or "
		"COUNT\n"
		"records: time, interface, reason, rule (where a flow's or\n"
		"fragment's rule applies, else -), protocol, source and "
		"destination,\n"
		"frame length. The data path emits records only while a log "
		"runs,\n"
		"at most N per second per reason and CPU (a token bucket: a "
		"flood\n"
		"is no flood of records); \"+K suppressed\" counts those "
		"withheld\n"
		"before a record, on its CPU. When the log ends (not at "
		"COUNT), a\n"
		"line per reason with interface * counts those withheld that "
		"no\n"
		"record counted, on every NIC and CPU. While the log keeps "
		"up,\n"
		"records and withheld add up to each reason's drops (--iface "
		"shows\n"
		"one NIC's records; the end's lines count every NIC's).\n"
		"One log at a time: a second one, which would split the "
		"records,\n"
		"is refused and told the first one's pid.\n",
	.options = log_options,
	.after = "-j prints one JSON object per line: timestamp, interface, "
		 "reason,\n"
		 "rule (or null), family, proto, src, sport, dst, dport, len,\n"
		 "caplen, suppressed; the lines at the end: timestamp,\n"
		 "interface (null), reason, suppressed, summary (true).\n"
		 "  reasons: " LOG_REASONS "\n",
	.ctx_size = sizeof(struct log_opts),
	.on_opt = on_log_opt,
	.run = do_log,
};
