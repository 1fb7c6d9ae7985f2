// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The drop log's reader: ring buffer records, decoded to names and wall
 * clock time. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "diag.h"
#include "drops.h"
#include "loader.h"
#include "maps.h"
#include "pins.h"

#define NSEC_PER_SEC 1000000000L
/* After the switch goes off: far longer than a drop takes to finish its
 * record, far shorter than anyone notices. */
#define DROPS_SETTLE_US 20000

static const char *iface_name(const struct drops_reader *r, __u32 ifindex,
			      char *buf, size_t len)
{
	for (__u32 i = 0; i < r->info.n_ifaces; i++)
		if (r->info.ifaces[i].ifindex == ifindex)
			return r->info.ifaces[i].name;
	if (len >= IF_NAMESIZE && if_indextoname(ifindex, buf))
		return buf;
	snprintf(buf, len, "if%u", ifindex);
	return buf;
}

static struct timespec to_wall(const struct drops_reader *r, __u64 mono_ns)
{
	long long ns =
		(long long)(mono_ns % NSEC_PER_SEC) + r->mono_to_wall.tv_nsec;
	struct timespec ts = {
		.tv_sec = (time_t)(mono_ns / NSEC_PER_SEC) +
			  r->mono_to_wall.tv_sec + (time_t)(ns / NSEC_PER_SEC),
		.tv_nsec = (long)(ns % NSEC_PER_SEC),
	};

	return ts;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct drops_reader *r = ctx;
	const struct edgexdp_drop_record *rec = data;
	struct edgexdp_rule_info ri;
	struct drop_event ev = {.rec = rec};
	char ifbuf[IF_NAMESIZE + 8];

	if (r->stopped || size < sizeof(*rec) || rec->ts_ns < r->since_ns)
		return 0;
	ev.when = to_wall(r, rec->ts_ns);
	ev.iface = iface_name(r, rec->ifindex, ifbuf, sizeof(ifbuf));
	if (rec->rule_id != EDGEXDP_RULE_NONE &&
	    !bpf_map_lookup_elem(r->rule_info_fd, &rec->rule_id, &ri)) {
		ri.name[sizeof(ri.name) - 1] = '\0';
		ev.rule = ri.name;
	}
	if (r->fn(r->ctx, &ev))
		r->stopped = 1;
	return 0;
}

int drops_open(struct drops_reader *r, drop_event_fn fn, void *ctx,
	       struct edgexdp_diag *d)
{
	struct timespec mono, wall;
	int ring_fd, err;

	memset(r, 0, sizeof(*r));
	r->config_fd = r->rule_info_fd = r->ifaces_fd = r->buckets_fd = -1;
	r->lock_fd = -1;
	r->fn = fn;
	r->ctx = ctx;
	err = loader_read_info(&r->info);
	if (err)
		return diag_set(d, err, "cannot read the pinned state");
	err = loader_check_abi(&r->info, d);
	if (err)
		return err;
	r->lock_fd = pins_lock_log(r->lock_path, sizeof(r->lock_path), d);
	if (r->lock_fd < 0)
		return r->lock_fd;
	r->config_fd = maps_open_pinned(PIN_DROPLOG_CONFIG);
	ring_fd = maps_open_pinned(PIN_DROPLOG);
	r->rule_info_fd = maps_open_pinned(PIN_RULE_INFO);
	r->ifaces_fd = maps_open_pinned(PIN_INTERFACES);
	r->buckets_fd = maps_open_pinned(PIN_DROPLOG_BUCKETS);
	if (r->config_fd < 0 || ring_fd < 0 || r->rule_info_fd < 0 ||
	    r->ifaces_fd < 0 || r->buckets_fd < 0) {
		err = -ENOENT;
		diag_set(d, 0,
			 "the loaded filter has no drop log (an older edgexdp "
			 "loaded it): run 'edgexdp unload' and 'edgexdp load'");
		goto fail;
	}
	r->rb = ring_buffer__new(ring_fd, on_record, r, NULL);
	if (!r->rb) {
		err = diag_set(d, -errno, "cannot read the drop log");
		goto fail;
	}
	close(ring_fd);
	/* What a log killed before it could read is still there, and it
	 * happened before this one began. */
	r->since_ns = ~0ULL;
	ring_buffer__consume(r->rb);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &wall);
	r->mono_to_wall.tv_sec = wall.tv_sec - mono.tv_sec;
	r->mono_to_wall.tv_nsec = wall.tv_nsec - mono.tv_nsec;
	if (r->mono_to_wall.tv_nsec < 0) {
		r->mono_to_wall.tv_nsec += NSEC_PER_SEC;
		r->mono_to_wall.tv_sec--;
	}
	return 0;
fail:
	if (ring_fd >= 0)
		close(ring_fd);
	drops_close(r);
	return err;
}

/* The switch, on with a lease that runs EDGEXDP_DROPLOG_LEASE_NS from now
 * (the data path's clock), or off. */
static int set_config(struct drops_reader *r, __u32 enabled, __u32 rate)
{
	struct edgexdp_droplog_config cfg = {.enabled = enabled, .rate = rate};
	__u32 zero = 0;

	if (enabled)
		cfg.lease_until_ns = maps_clock_ns() + EDGEXDP_DROPLOG_LEASE_NS;

	return bpf_map_update_elem(r->config_fd, &zero, &cfg, BPF_ANY) ? -errno
								       : 0;
}

/* The switch the data path tests on a drop: a flag of each NIC's entry,
 * which it has read for the packet anyway. */
static int set_iface_flags(struct drops_reader *r, int on)
{
	for (__u32 i = 0; i < r->info.n_ifaces; i++) {
		__u32 key = r->info.ifaces[i].ifindex;
		struct edgexdp_iface e;
		__u8 want;

		if (bpf_map_lookup_elem(r->ifaces_fd, &key, &e))
			return -errno;
		want = on ? e.flags | EDGEXDP_IFACE_DROPLOG
			  : e.flags & ~EDGEXDP_IFACE_DROPLOG;
		if (want == e.flags || !e.configured)
			continue;
		e.flags = want;
		if (bpf_map_update_elem(r->ifaces_fd, &key, &e, BPF_EXIST))
			return -errno;
	}
	return 0;
}

/* Room for a reason's bucket on every possible CPU; NULL and *err. */
static struct edgexdp_droplog_bucket *alloc_cpu_buckets(int *err)
{
	int ncpu = libbpf_num_possible_cpus();
	struct edgexdp_droplog_bucket *b;

	_Static_assert(sizeof(struct edgexdp_droplog_bucket) % 8 == 0,
		       "a per-CPU value is padded to 8 bytes: none here");
	if (ncpu <= 0) {
		*err = ncpu < 0 ? ncpu : -EINVAL;
		return NULL;
	}
	b = calloc((size_t)ncpu, sizeof(*b));
	if (!b)
		*err = -ENOMEM;
	return b;
}

/* Empty buckets, which the first drop fills (its last refill is more than
 * a second ago), and no count of withheld records left by an earlier log. */
static int reset_buckets(struct drops_reader *r)
{
	int err = 0;

	for (__u32 reason = 0; !err && reason < EDGEXDP_DROP_REASON_COUNT;
	     reason++)
		err = maps_percpu_zero(r->buckets_fd, reason,
				       sizeof(struct edgexdp_droplog_bucket));
	return err;
}

int drops_enable(struct drops_reader *r, __u32 rate, struct edgexdp_diag *d)
{
	int err;

	/* A log killed less than a lease ago still has the data path
	 * writing records: they are before this one began. */
	r->since_ns = maps_clock_ns();
	err = reset_buckets(r);
	if (!err)
		err = set_config(r, 1, rate);

	if (!err)
		err = set_iface_flags(r, 1);
	r->enabled = !err;
	r->rate = rate;
	return err ? diag_set(d, err, "cannot switch the drop log on") : 0;
}

/* Replace *fd by a fresh open of the pin `name`, when it opens. */
static void reopen_pinned(int *fd, const char *name)
{
	int nfd = maps_open_pinned(name);

	if (nfd < 0)
		return;
	close(*fd);
	*fd = nfd;
}

/*
 * A reload replaced the rule maps (the interfaces and their switch, the
 * rule names) and maybe the NICs: follow the pins. The ring buffer and the
 * config are state and stay. Before each poll: a few system calls every
 * LOG_POLL_MS, against a listener that would hear nothing after a reload.
 */
static void follow_reload(struct drops_reader *r)
{
	struct edgexdp_load_info info;

	if (!loader_read_info(&info) && info.abi_version == r->info.abi_version)
		r->info = info;
	reopen_pinned(&r->ifaces_fd, PIN_INTERFACES);
	reopen_pinned(&r->rule_info_fd, PIN_RULE_INFO);
}

int drops_poll(struct drops_reader *r, int timeout_ms)
{
	int n = ring_buffer__poll(r->rb, timeout_ms);

	if (n >= 0 && r->enabled)
		follow_reload(r);

	/* Renew the lease; switch the NICs on again if a reload rewrote
	 * their entries or the data path found the lease run out. */
	if (n >= 0 && r->enabled && !set_config(r, 1, r->rate))
		set_iface_flags(r, 1);
	return n < 0 ? n : 0;
}

/* Add up the withheld counts of every reason's buckets, on every CPU. */
static int sum_withheld(struct drops_reader *r,
			__u64 withheld[EDGEXDP_DROP_REASON_COUNT])
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	struct edgexdp_droplog_bucket *b = alloc_cpu_buckets(&err);

	for (__u32 reason = 0; b && !err && reason < EDGEXDP_DROP_REASON_COUNT;
	     reason++) {
		withheld[reason] = 0;
		if (bpf_map_lookup_elem(r->buckets_fd, &reason, b))
			err = -errno;
		for (int cpu = 0; !err && cpu < ncpu; cpu++)
			withheld[reason] += b[cpu].suppressed;
	}
	free(b);
	return err;
}

int drops_finish(struct drops_reader *r,
		 __u64 withheld[EDGEXDP_DROP_REASON_COUNT],
		 struct edgexdp_diag *d)
{
	int err = 0;

	memset(withheld, 0, sizeof(__u64) * EDGEXDP_DROP_REASON_COUNT);
	if (r->enabled) {
		err = set_iface_flags(r, 0);
		if (!err)
			err = set_config(r, 0, 0);
		if (err)
			return diag_set(d, err,
					"cannot switch the drop log off");
		r->enabled = 0;
	}
	/* A drop already past the switch on another CPU takes a few
	 * microseconds more to reserve and submit its record: let it. */
	usleep(DROPS_SETTLE_US);
	ring_buffer__consume(r->rb);
	err = sum_withheld(r, withheld);
	return err ? diag_set(d, err, "cannot read the drop log's counts") : 0;
}

void drops_close(struct drops_reader *r)
{
	if (r->ifaces_fd >= 0) {
		/* Off again: with no listener a drop costs what it did. */
		set_iface_flags(r, 0);
		close(r->ifaces_fd);
	}
	if (r->config_fd >= 0) {
		set_config(r, 0, 0);
		close(r->config_fd);
	}
	if (r->rule_info_fd >= 0)
		close(r->rule_info_fd);
	if (r->buckets_fd >= 0)
		close(r->buckets_fd);
	ring_buffer__free(r->rb);
	r->rb = NULL;
	/* last: the next log finds it all off */
	pins_unlock_log(r->lock_path, r->lock_fd);
	r->config_fd = r->rule_info_fd = r->ifaces_fd = r->buckets_fd = -1;
	r->lock_fd = -1;
	r->enabled = 0;
}
