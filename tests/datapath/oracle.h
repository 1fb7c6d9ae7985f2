/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The test's own idea of the allow-list, independent of the rule compiler:
 * the address sets the test config defines (rendered into its YAML), the
 * profile's rules read straight from user/lib/profile.c, and a plain
 * first-match scan that says which rule should open a flow, or which drop
 * reason a packet no flow knows should get (the reason logic documented in
 * include/edgexdp.h and bpf/classify.h).
 */
#ifndef DATAPATH_ORACLE_H
#define DATAPATH_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#include "edgexdp.h"
#include "profile.h"

/*
 * Timeouts the test config sets (seconds); the compiled ones must match.
 * Short, so that "now - (timeout + 1 s)" is a time this boot has seen
 * (CLOCK_MONOTONIC starts at boot), and the established timeout is below
 * the transitory one (120 s): an entry aged between the two tells which
 * of them the data path applied.
 */
#define ORACLE_TCP_ESTABLISHED_TIMEOUT 90
#define ORACLE_UDP_TIMEOUT 45

/* Hosts outside every address set, per zone, per family. */
#define ANY_EXT4 "198.51.100.7"
#define ANY_EXT6 "2001:db8:ff::7"
#define ANY_INT4 "172.25.50.9"
#define ANY_INT6 "2001:db8:50::9"

/* The test config as YAML (every feature, every role, three NAT pairs). */
const char *oracle_config_yaml(void);

/* A host of `role` of the given family (idx-th sample), NULL if none. */
const char *oracle_role_host(const char *role, int family, int idx);
/* Is the role defined in the test config? */
bool oracle_role_defined(const char *role);
/* NAT: the public address of a private one, or the address itself. */
void oracle_nat_canon(struct edgexdp_addr *addr, int family);

/* The profile's rules (all features are enabled in the test config). */
const struct profile_rule *oracle_rules(size_t *n);
const struct profile_rule *oracle_rule_by_name(const char *name);

/* Does a side of a profile rule contain this address? */
bool oracle_side_contains(const struct profile_side *side, const char *ip);
/* Describe a side: "any", "access_edge", "director|front_end". */
void oracle_side_name(const struct profile_side *side, char *buf, size_t len);
bool oracle_side_is_any(const struct profile_side *side);
/* An address of the family the side does not contain (for near misses),
 * nearest first for the zone; NULL if the side is any. */
const char *oracle_outside(const struct profile_side *side, int family,
			   enum edgexdp_zone zone);
/* A defined role of the zone's hosts the side does not contain, whose
 * first IPv4 host is not `avoid`; or NULL. */
const char *oracle_other_role(const struct profile_side *side,
			      enum edgexdp_zone zone, const char *avoid);
/* The other address of a NAT pair, or NULL. */
const char *oracle_nat_partner(const char *ip);

/* Does this rule admit opening a flow with this packet on `zone`? */
bool oracle_rule_admits(const struct profile_rule *r, enum edgexdp_zone zone,
			enum edgexdp_proto proto, const char *src,
			uint16_t sport, const char *dst, uint16_t dport);
/* First rule (profile order) admitting it, or NULL. */
const struct profile_rule *oracle_first_rule(enum edgexdp_zone zone,
					     enum edgexdp_proto proto,
					     const char *src, uint16_t sport,
					     const char *dst, uint16_t dport);
/* Does any rule, in either zone, name this proto/port as its destination
 * port (oracle_port_used) or as its source port (oracle_sport_used)? */
bool oracle_port_used(enum edgexdp_proto proto, uint16_t port);
bool oracle_sport_used(enum edgexdp_proto proto, uint16_t port);
/* Only the rules of one zone: the junk filter's test of a source port. */
bool oracle_sport_used_in(enum edgexdp_proto proto, uint16_t port,
			  enum edgexdp_zone zone);

/* What the data path must do with a packet no flow knows. */
struct oracle_verdict {
	bool pass;
	int reason; /* pass or drop reason */
	const struct profile_rule *rule; /* on a pass */
};

struct oracle_verdict oracle_new_packet(enum edgexdp_zone zone,
					enum edgexdp_proto proto,
					uint8_t tcp_flags, const char *src,
					uint16_t sport, const char *dst,
					uint16_t dport);

#endif /* DATAPATH_ORACLE_H */
