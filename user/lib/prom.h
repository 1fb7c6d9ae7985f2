/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The counters in Prometheus' text exposition format (version 0.0.4). */
#ifndef EDGEXDP_PROM_H
#define EDGEXDP_PROM_H

#include <stddef.h>

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct stats_sample;
struct ct_usage;

/* Format a sample (and the conntrack usage, when ct is not NULL) into a
 * malloc'ed buffer; `version` is the edgexdp_info label. 0 or -ENOMEM. */
int prom_format(const struct stats_sample *s, const struct ct_usage *ct,
		const char *version, char **buf, size_t *len);

/* Write buf to path atomically: a temporary file in the same directory,
 * renamed over path, so a reader (node_exporter's textfile collector)
 * never sees half a file. 0 or negative errno. */
int write_file_atomic(const char *path, const char *buf, size_t len);

#endif /* EDGEXDP_PROM_H */
