/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A config compiled into exactly what the data path's maps hold
 * (see include/edgexdp.h for the classification scheme). Compiling touches
 * no kernel object, so it is unit-tested and `check` can print it.
 */
#ifndef EDGEXDP_RULESET_H
#define EDGEXDP_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "edgexdp.h"

struct ruleset_rule {
	char *name;
	unsigned int feature; /* enum cfg_feature bit; 0 for site rules */
	enum edgexdp_zone zone;
	enum edgexdp_proto proto;
	uint16_t port_lo; /* destination ports; EDGEXDP_PORT_ANY_*: any */
	uint16_t port_hi;
	uint16_t sport_lo; /* source ports; EDGEXDP_PORT_ANY_*: any */
	uint16_t sport_hi;
	char *from; /* as shown to the operator: "any", "access_edge", ... */
	char *to;
	char *seed; /* "external:5 public_im:3", or "site" */
	char *note;
};

struct ruleset_lpm_v4 {
	struct edgexdp_lpm_v4 key;
	uint32_t addr_class;
};

struct ruleset_lpm_v6 {
	struct edgexdp_lpm_v6 key;
	uint32_t addr_class;
};

struct ruleset_match {
	struct edgexdp_match_key key;
	uint32_t rule_id;
};

struct ruleset_nat {
	uint8_t family; /* nat_canon key: family and private address */
	struct edgexdp_addr private_addr;
	struct edgexdp_addr public_addr; /* nat_canon value */
};

/*
 * An address set as the data path enforces it: a named set of `addresses:`
 * or the literal prefixes of one side of a site rule; sorted (IPv4 first),
 * unique, a NAT pair's partner added to each of its addresses.
 */
struct ruleset_set {
	char *name; /* NULL for a literal list */
	struct cfg_prefix *prefixes;
	size_t n_prefixes;
};

/* One side (from or to) of a rule: any, or the union of sets. */
struct ruleset_side {
	bool any;
	uint32_t *sets; /* indexes of rs->sets */
	size_t n_sets;
};

struct ruleset_iface {
	char *name;
	enum edgexdp_zone zone;
	enum edgexdp_source_check source_check;
	bool internet;
};

struct ruleset {
	struct ruleset_rule *rules; /* rule id = index */
	size_t n_rules;
	/* port_groups map contents, EDGEXDP_PROTO_COUNT * 65536 entries */
	struct edgexdp_port_entry *ports;
	uint32_t n_port_groups;
	/* Bit (1 << proto): some rule of it names source ports (iface
	 * entries carry it to the data path). */
	uint32_t sport_protos;
	struct ruleset_lpm_v4 *lpm_v4;
	size_t n_lpm_v4;
	struct ruleset_lpm_v6 *lpm_v6;
	size_t n_lpm_v6;
	uint32_t n_addr_classes; /* class 0: in no set */
	/* Per class: 1 when its addresses are the edge's own (a required
	 * role's), which never arrive from the Internet (EDGEXDP_ADDR_OWN). */
	uint8_t *class_own;
	struct ruleset_match *matches;
	size_t n_matches;
	struct ruleset_nat *nat;
	size_t n_nat;
	struct ruleset_iface *ifaces;
	size_t n_ifaces;
	/* The rules' sides, resolved: what `export` writes out. */
	struct ruleset_set *sets;
	size_t n_sets;
	struct ruleset_side *from, *to; /* per rule id */
	/* The counter slot of ifaces[i]; NULL: i. A reload keeps the slot
	 * of a NIC that stays, so its counters go on. Not owned. */
	const uint32_t *iface_slots;
	enum cfg_xdp_mode xdp_mode;
	uint32_t ct_max_entries;
	uint32_t ct_unconfirmed_max_entries;
	struct edgexdp_settings settings;
};

/* Compile a parsed config. 0, or -EINVAL/-E2BIG/-ENOMEM with err filled
 * (errors name the config position of the rule or set at fault). */
int ruleset_compile(const struct edgexdp_config *cfg, struct ruleset *rs,
		    struct edgexdp_diag *err);
void ruleset_free(struct ruleset *rs);

#endif /* EDGEXDP_RULESET_H */
