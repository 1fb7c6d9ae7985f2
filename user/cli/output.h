/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Shared pieces of plain and JSON output. */
#ifndef EDGEXDP_OUTPUT_H
#define EDGEXDP_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "config.h"
#include "names.h"
#include "ruleset.h"

/* "443", "50000-59999", or "any" for a range that names no port. */
void format_ports(char *buf, size_t len, uint16_t lo, uint16_t hi);
/* "192.0.2.1:443" or "[2001:db8::1]:443". */
void format_endpoint(char *buf, size_t len, const char *addr,
		     unsigned int port);
struct timespec;
/* RFC 3339 in UTC with milliseconds: "2026-11-30T17:45:01.123Z". */
void format_timestamp(char *buf, size_t len, const struct timespec *ts);
/* `one` when n is 1, else `many`: "1 rule", "2 rules". */
const char *plural(unsigned long long n, const char *one, const char *many);
/* {name, zone, proto, ports, from, to}: the fields every rule view shares. */
struct json_object *json_rule_object(const char *name, uint32_t zone,
				     uint32_t proto, uint16_t lo, uint16_t hi,
				     const char *from, const char *to);
/* Add "sports": the source ports of a rule, formatted as format_ports. */
void json_add_sports(struct json_object *rule, uint16_t lo, uint16_t hi);
struct edgexdp_attached_iface;
/* {name, ifindex, zone, mode, attach, prog_id}: one NIC as load left it. */
struct json_object *json_attached_iface(const struct edgexdp_attached_iface *a);
/* Print and free. */
void json_print(struct json_object *root);

struct ct_usage;
/* Both flow tables: entries per state, counters, confirmations. */
struct json_object *json_ct_usage(const struct ct_usage *u);
void print_ct_usage(const struct ct_usage *u);

#endif /* EDGEXDP_OUTPUT_H */
