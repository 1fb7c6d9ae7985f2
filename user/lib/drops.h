/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Reading the data path's drop log (include/edgexdp.h) from its ring
 * buffer; what to do with each record is the caller's. */
#ifndef EDGEXDP_DROPS_H
#define EDGEXDP_DROPS_H

#include <time.h>

#include "edgexdp.h"

struct drop_event {
	const struct edgexdp_drop_record *rec;
	struct timespec when; /* wall clock */
	const char *iface; /* the NIC's name, or "if<index>" */
	const char *rule; /* the rule's name, or NULL when none applies */
};

/* Return nonzero to stop reading. */
typedef int (*drop_event_fn)(void *ctx, const struct drop_event *ev);

struct ring_buffer;
struct edgexdp_diag;

struct drops_reader {
	int config_fd;
	int ifaces_fd; /* the interfaces map, whose entries carry the switch */
	int buckets_fd; /* the rate limit's buckets, per reason and CPU */
	int lock_fd; /* one reader at a time (pins_lock_log) */
	char lock_path[128];
	int enabled;
	__u32 rate; /* records per second, renewed with the lease */
	int rule_info_fd;
	struct ring_buffer *rb;
	struct edgexdp_load_info info;
	struct timespec mono_to_wall; /* realtime - monotonic, at open */
	drop_event_fn fn;
	void *ctx;
	int stopped;
	__u64 since_ns; /* this log's start: records before it are not its */
};

/* Open the pinned drop log; -ENOENT when the loaded filter has none,
 * -EBUSY when another reader has it. d says why on failure. Nothing is
 * switched on yet. */
int drops_open(struct drops_reader *r, drop_event_fn fn, void *ctx,
	       struct edgexdp_diag *d);
/* Switch the data path's records on, at `rate` per second per reason and
 * CPU, with full buckets and nothing counted as withheld yet. */
int drops_enable(struct drops_reader *r, __u32 rate, struct edgexdp_diag *d);
/* Wait up to timeout_ms for records and hand each to fn; renew the lease
 * (EDGEXDP_DROPLOG_LEASE_NS: call at least that often) and switch the
 * NICs on again if a reload in between rewrote their entries. 0, -EINTR, or
 * negative errno; r->stopped once fn asked to stop. */
int drops_poll(struct drops_reader *r, int timeout_ms);
/* Switch the records off, hand fn what is still in the ring buffer (unless
 * it asked to stop), and set withheld[reason] to the records the rate
 * limit withheld after that reason's last record, on every CPU: what no
 * record carries in its `suppressed`. 0 or negative errno. */
int drops_finish(struct drops_reader *r,
		 __u64 withheld[EDGEXDP_DROP_REASON_COUNT],
		 struct edgexdp_diag *d);
/* Switch the records off again and close everything. */
void drops_close(struct drops_reader *r);

#endif /* EDGEXDP_DROPS_H */
