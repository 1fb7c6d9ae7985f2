/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The operator's config file, parsed (config.c) but not yet compiled. */
#ifndef EDGEXDP_CONFIG_H
#define EDGEXDP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "edgexdp.h"

#define EDGEXDP_CONFIG_DEFAULT "/etc/edgexdp/edgexdp.yaml"

/* Where a value stood in the file, 1-based, for error messages. */
struct cfg_pos {
	unsigned int line;
	unsigned int column;
};

enum cfg_xdp_mode {
	CFG_XDP_AUTO = 0, /* native, falling back to generic with a warning */
	CFG_XDP_NATIVE,
	CFG_XDP_GENERIC,
};

/* Optional parts of the profile; the core rows are always on. */
enum cfg_feature {
	CFG_FEATURE_CORE = 1u << 0,
	CFG_FEATURE_FEDERATION = 1u << 1,
	CFG_FEATURE_OCS2007_FEDERATION = 1u << 2,
	CFG_FEATURE_PUBLIC_IM = 1u << 3,
	CFG_FEATURE_XMPP = 1u << 4,
	CFG_FEATURE_CENTRALIZED_LOGGING = 1u << 5,
};

struct cfg_prefix {
	uint8_t family; /* 4 or 6 */
	uint8_t prefixlen;
	struct edgexdp_addr addr; /* host bits beyond prefixlen are zero */
};

struct cfg_iface {
	char *name;
	enum edgexdp_zone zone;
	enum edgexdp_source_check source_check;
	bool internet; /* faces the Internet: the edge's roles never arrive */
	struct cfg_pos pos;
};

/* A named address set from `addresses:`. */
struct cfg_addrset {
	char *name;
	struct cfg_prefix *prefixes;
	size_t n_prefixes;
	struct cfg_pos pos;
};

struct cfg_nat {
	struct cfg_prefix private_addr; /* always a host: /32 or /128 */
	struct cfg_prefix public_addr;
	struct cfg_pos pos;
};

/* from/to of a site rule: "any" (absent), or a list of set names and
 * literal prefixes, matched as their union. */
struct cfg_endpoint {
	bool any;
	char **set_names;
	struct cfg_pos *set_pos;
	size_t n_set_names;
	struct cfg_prefix *prefixes;
	size_t n_prefixes;
};

/* A rule names at least one of its two port ranges; the other is
 * EDGEXDP_PORT_ANY_LO-EDGEXDP_PORT_ANY_HI (config ports start at 1). */
struct cfg_rule {
	char *name;
	enum edgexdp_zone zone;
	enum edgexdp_proto proto;
	uint16_t port_lo; /* destination ports, `ports:` */
	uint16_t port_hi;
	uint16_t sport_lo; /* source ports, `sports:` */
	uint16_t sport_hi;
	struct cfg_endpoint from;
	struct cfg_endpoint to;
	char *note;
	struct cfg_pos pos;
};

struct edgexdp_config {
	char *path; /* as given, for messages */
	struct cfg_iface *ifaces;
	size_t n_ifaces;
	enum cfg_xdp_mode xdp_mode;
	char *profile; /* NULL: no profile, only site rules */
	unsigned int features; /* enum cfg_feature bits, CORE always set */
	struct cfg_addrset *addrsets;
	size_t n_addrsets;
	struct cfg_nat *nat;
	size_t n_nat;
	struct cfg_rule *rules;
	size_t n_rules;
	uint32_t ct_max_entries; /* confirmed flows */
	uint32_t ct_unconfirmed_max_entries;
	uint32_t tcp_established_timeout; /* seconds */
	uint32_t udp_timeout; /* seconds */
	/* Servers on the filtering host: their SYN+ACKs are never seen. */
	bool local_responders;
};

/* Parse and validate a config file. Returns 0, or -EINVAL / -errno with
 * err->msg filled. On error *cfg is left empty (nothing to free). */
int config_load_file(const char *path, struct edgexdp_config *cfg,
		     struct edgexdp_diag *err);
/* Same, from memory; `name` stands for the file in messages. */
int config_load_buffer(const char *name, const char *buf, size_t len,
		       struct edgexdp_config *cfg, struct edgexdp_diag *err);
/* Checks that need the host: every interface exists. */
int config_check_host(const struct edgexdp_config *cfg,
		      struct edgexdp_diag *err);
void config_free(struct edgexdp_config *cfg);

/* A name in cfg, as the key of a name index (idtab.h): the parser's and
 * the rule compiler's index of the address sets share its test. */
struct cfg_name_key {
	const struct edgexdp_config *cfg;
	const char *name;
};
/* Is cfg->addrsets[id] called key->name? An idtab_eq_fn. */
int cfg_addrset_name_eq(const void *ctx, uint32_t id);

/* Is lo-hi the range that names no port (any)? */
static inline bool ports_any(uint16_t lo, uint16_t hi)
{
	return lo == EDGEXDP_PORT_ANY_LO && hi == EDGEXDP_PORT_ANY_HI;
}

/* Parse a prefix "a.b.c.d[/n]" or "x::y[/n]"; 0 or -EINVAL. */
int prefix_parse(const char *text, struct cfg_prefix *out);
/* Format a prefix, host prefixes without "/32" or "/128". */
void prefix_format(const struct cfg_prefix *p, char *buf, size_t len);

#include "names.h" /* zone, proto, feature and mode names */

#endif /* EDGEXDP_CONFIG_H */
