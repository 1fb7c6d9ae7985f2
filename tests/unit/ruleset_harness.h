/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the rule compiler's unit tests (test_ruleset.c,
 * test_ruleset_tables.c) share: the config snippets they build on, a
 * compile that checks what every compiled ruleset must satisfy, and the
 * data path's lookups by plain scans (port -> group, LPM -> class,
 * (group, class, class) -> rule), from which they compute verdicts.
 */
#ifndef UNIT_RULESET_HARNESS_H
#define UNIT_RULESET_HARNESS_H

#include <stdint.h>

#include "config.h"
#include "ruleset.h"

#define EXT EDGEXDP_ZONE_EXTERNAL
#define INT EDGEXDP_ZONE_INTERNAL
#define TCP EDGEXDP_PROTO_TCP
#define UDP EDGEXDP_PROTO_UDP

#define IFACES                                                                 \
	"interfaces:\n"                                                        \
	"  - { name: eth0, zone: external }\n"                                 \
	"  - { name: eth1, zone: internal }\n"
#define PROFILE "profile: lync2013-edge\n"
#define EDGE_SETS                                                              \
	"addresses:\n"                                                         \
	"  access_edge: [203.0.113.10]\n"                                      \
	"  webconf_edge: [203.0.113.20]\n"                                     \
	"  av_edge: [203.0.113.30]\n"                                          \
	"  edge_internal: [172.25.33.10]\n"

struct compiled {
	struct edgexdp_config cfg;
	struct ruleset rs;
};

/* The data path's lookups. */
uint32_t class_of(const struct ruleset *rs, const char *text);
uint16_t group_of(const struct ruleset *rs, enum edgexdp_zone zone,
		  enum edgexdp_proto proto, uint32_t port);
uint16_t sport_group_of(const struct ruleset *rs, enum edgexdp_zone zone,
			enum edgexdp_proto proto, uint32_t port);
int match_of(const struct ruleset *rs, uint16_t group, uint16_t sport_group,
	     uint32_t src, uint32_t dst);
/* The rule that opens this flow from source port sport, or "none". */
const char *verdict_from(const struct ruleset *rs, enum edgexdp_zone zone,
			 enum edgexdp_proto proto, const char *src,
			 uint16_t sport, const char *dst, uint16_t port);
/* The same from source port 0, which no config can name. */
const char *verdict(const struct ruleset *rs, enum edgexdp_zone zone,
		    enum edgexdp_proto proto, const char *src, const char *dst,
		    uint16_t port);
/* The rule of that name; fails the test if there is none. */
const struct ruleset_rule *rule_named(const struct ruleset *rs,
				      const char *name);

/* Parse and compile yaml (as t.yaml) into c, failing the test on an error,
 * and check the ruleset's invariants; release frees both. */
void compile(const char *yaml, struct compiled *c);
void release(struct compiled *c);

#endif /* UNIT_RULESET_HARNESS_H */
