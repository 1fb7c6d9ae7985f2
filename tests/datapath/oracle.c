// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The test's independent model of the allow-list; see oracle.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oracle.h"
#include "pkt.h"

#define MAX_PREFIXES 4
#define MAX_SAMPLES 3

/*
 * Every role of the profile the test config defines, with some hosts of
 * each to send from or to. sba, xmpp_gateway and live_messenger are left
 * undefined on purpose: their rules fall back to "any". cms sits inside
 * front_end, so one address has two sets (nested prefixes).
 */
static const struct role_def {
	const char *name;
	const char *prefixes[MAX_PREFIXES];
	const char *hosts4[MAX_SAMPLES];
	const char *hosts6[MAX_SAMPLES];
} roles[] = {
	{"access_edge",
	 {"10.45.16.10", "203.0.113.10", "2001:db8:45::10"},
	 {"10.45.16.10", "203.0.113.10"},
	 {"2001:db8:45::10"}},
	{"webconf_edge",
	 {"10.45.16.20", "203.0.113.20", "2001:db8:45::20"},
	 {"10.45.16.20", "203.0.113.20"},
	 {"2001:db8:45::20"}},
	{"av_edge",
	 {"10.45.16.30", "203.0.113.30", "2001:db8:45::30"},
	 {"10.45.16.30", "203.0.113.30"},
	 {"2001:db8:45::30"}},
	{"edge_internal",
	 {"172.25.33.10", "2001:db8:33::10"},
	 {"172.25.33.10"},
	 {"2001:db8:33::10"}},
	{"front_end",
	 {"172.25.40.0/24", "2001:db8:40::/64"},
	 {"172.25.40.5", "172.25.40.250"},
	 {"2001:db8:40::5"}},
	{"director",
	 {"172.25.41.0/24", "2001:db8:41::/64"},
	 {"172.25.41.7"},
	 {"2001:db8:41::7"}},
	{"cms",
	 {"172.25.40.20", "2001:db8:40::20"},
	 {"172.25.40.20"},
	 {"2001:db8:40::20"}},
	{"public_im_partners",
	 {"192.0.2.0/24", "2001:db8:c0::/48"},
	 {"192.0.2.33"},
	 {"2001:db8:c0::33"}},
};

static const struct nat_def {
	const char *private_addr;
	const char *public_addr;
} nat_pairs[] = {
	{"10.45.16.10", "203.0.113.10"},
	{"10.45.16.20", "203.0.113.20"},
	{"10.45.16.30", "203.0.113.30"},
};

/* Candidates for "an address not in this side", nearest first: the same
 * /64 as the edge's IPv6 addresses, the edge's own networks, and on the
 * internal side a Front End host (inside front_end, outside cms). */
static const char *const outside_ext4[] = {
	"203.0.113.99",
	"10.45.16.99",
	"172.25.33.99",
};
static const char *const outside_ext6[] = {
	"2001:db8:45::99",
	"2001:db8:33::99",
};
static const char *const outside_int4[] = {
	"172.25.40.5",
	"172.25.33.99",
	"172.25.42.5",
};
static const char *const outside_int6[] = {
	"2001:db8:40::5",
	"2001:db8:33::99",
	"2001:db8:42::5",
};

/* Roles whose hosts are on each zone, for "another role's address". */
static const char *const zone_roles[EDGEXDP_ZONE_COUNT][4] = {
	[EDGEXDP_ZONE_EXTERNAL] = {"access_edge", "webconf_edge", "av_edge"},
	[EDGEXDP_ZONE_INTERNAL] = {"edge_internal", "front_end", "director",
				   "cms"},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *oracle_config_yaml(void)
{
	static char buf[4096];
	size_t off = 0;

#define OUT(...)                                                               \
	off += (size_t)snprintf(buf + off, sizeof(buf) - off, __VA_ARGS__)
	OUT("# edgexdp data path test config (tests/datapath/oracle.c)\n"
	    "interfaces:\n"
	    "  - { name: dpext0, zone: external }\n"
	    "  - { name: dpint0, zone: internal }\n"
	    "xdp_mode: native\n"
	    "profile: lync2013-edge\n"
	    "features: [federation, ocs2007_federation, public_im, xmpp, "
	    "centralized_logging]\n"
	    "addresses:\n");
	for (size_t i = 0; i < ARRAY_LEN(roles); i++) {
		OUT("  %s: [", roles[i].name);
		for (int j = 0; j < MAX_PREFIXES && roles[i].prefixes[j]; j++)
			OUT("%s%s", j ? ", " : "", roles[i].prefixes[j]);
		OUT("]\n");
	}
	OUT("nat:\n");
	for (size_t i = 0; i < ARRAY_LEN(nat_pairs); i++)
		OUT("  - { private: %s, public: %s }\n",
		    nat_pairs[i].private_addr, nat_pairs[i].public_addr);
	OUT("conntrack: { max_entries: 65536, tcp_established_timeout: %d, "
	    "udp_timeout: %d }\n",
	    ORACLE_TCP_ESTABLISHED_TIMEOUT, ORACLE_UDP_TIMEOUT);
#undef OUT
	if (off >= sizeof(buf))
		abort();
	return buf;
}

static const struct role_def *role_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(roles); i++)
		if (strcmp(roles[i].name, name) == 0)
			return &roles[i];
	return NULL;
}

bool oracle_role_defined(const char *role)
{
	return role_find(role) != NULL;
}

const char *oracle_role_host(const char *role, int family, int idx)
{
	const struct role_def *r = role_find(role);

	if (!r || idx < 0 || idx >= MAX_SAMPLES)
		return NULL;
	return family == 4 ? r->hosts4[idx] : r->hosts6[idx];
}

void oracle_nat_canon(struct edgexdp_addr *addr, int family)
{
	struct edgexdp_addr priv;

	for (size_t i = 0; i < ARRAY_LEN(nat_pairs); i++) {
		int fam = pkt_addr(nat_pairs[i].private_addr, &priv);

		if (fam == family && memcmp(&priv, addr, sizeof(priv)) == 0) {
			pkt_addr(nat_pairs[i].public_addr, addr);
			return;
		}
	}
}

/* "a.b.c.d/n" or "x::y/n" contains the host `ip`? */
static bool prefix_contains(const char *prefix, const char *ip)
{
	struct edgexdp_addr net, host;
	char text[64];
	const char *slash = strchr(prefix, '/');
	int fam, plen;

	snprintf(text, sizeof(text), "%.*s",
		 slash ? (int)(slash - prefix) : (int)strlen(prefix), prefix);
	fam = pkt_addr(text, &net);
	if (!fam || pkt_addr(ip, &host) != fam)
		return false;
	plen = slash ? atoi(slash + 1) : (fam == 4 ? 32 : 128);
	for (int bit = 0; bit < plen; bit++) {
		uint8_t mask = (uint8_t)(0x80 >> (bit % 8));

		if ((net.u8[bit / 8] ^ host.u8[bit / 8]) & mask)
			return false;
	}
	return true;
}

static bool role_contains(const struct role_def *r, const char *ip)
{
	for (int j = 0; j < MAX_PREFIXES && r->prefixes[j]; j++)
		if (prefix_contains(r->prefixes[j], ip))
			return true;
	return false;
}

/* A side is any when it names no role, or only undefined optional ones. */
static bool side_is_any(const struct profile_side *side)
{
	for (int i = 0; i < PROFILE_MAX_ROLES && side->roles[i]; i++)
		if (role_find(side->roles[i]))
			return false;
	return true;
}

bool oracle_side_contains(const struct profile_side *side, const char *ip)
{
	if (side_is_any(side))
		return true;
	for (int i = 0; i < PROFILE_MAX_ROLES && side->roles[i]; i++) {
		const struct role_def *r = role_find(side->roles[i]);

		if (r && role_contains(r, ip))
			return true;
	}
	return false;
}

void oracle_side_name(const struct profile_side *side, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	if (side_is_any(side)) {
		snprintf(buf, len, "any");
		return;
	}
	for (int i = 0; i < PROFILE_MAX_ROLES && side->roles[i]; i++)
		if (role_find(side->roles[i]))
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						off ? "|" : "", side->roles[i]);
}

const char *oracle_outside(const struct profile_side *side, int family,
			   enum edgexdp_zone zone)
{
	bool ext = zone == EDGEXDP_ZONE_EXTERNAL;
	const char *const *cand = family == 4
					  ? (ext ? outside_ext4 : outside_int4)
					  : (ext ? outside_ext6 : outside_int6);
	size_t n = family == 4 ? (ext ? ARRAY_LEN(outside_ext4)
				      : ARRAY_LEN(outside_int4))
			       : (ext ? ARRAY_LEN(outside_ext6)
				      : ARRAY_LEN(outside_int6));

	if (side_is_any(side))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!oracle_side_contains(side, cand[i]))
			return cand[i];
	return NULL;
}

bool oracle_side_is_any(const struct profile_side *side)
{
	return side_is_any(side);
}

const char *oracle_other_role(const struct profile_side *side,
			      enum edgexdp_zone zone, const char *avoid)
{
	if (side_is_any(side))
		return NULL;
	for (int i = 0; i < 4 && zone_roles[zone][i]; i++) {
		const char *host = oracle_role_host(zone_roles[zone][i], 4, 0);

		if (!oracle_side_contains(side, host) &&
		    (!avoid || strcmp(host, avoid) != 0))
			return zone_roles[zone][i];
	}
	return NULL;
}

const char *oracle_nat_partner(const char *ip)
{
	for (size_t i = 0; i < ARRAY_LEN(nat_pairs); i++) {
		if (strcmp(ip, nat_pairs[i].private_addr) == 0)
			return nat_pairs[i].public_addr;
		if (strcmp(ip, nat_pairs[i].public_addr) == 0)
			return nat_pairs[i].private_addr;
	}
	return NULL;
}

const struct profile_rule *oracle_rules(size_t *n)
{
	return profile_find(PROFILE_LYNC2013_EDGE, n);
}

const struct profile_rule *oracle_rule_by_name(const char *name)
{
	const struct profile_rule *rules;
	size_t n;

	rules = oracle_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rules[i].name, name) == 0)
			return &rules[i];
	return NULL;
}

static bool in_range(uint16_t port, uint16_t lo, uint16_t hi)
{
	return port >= lo && port <= hi;
}

/* A rule's range that names no port (0-65535) admits every port, as its
 * plain reading says. */
bool oracle_rule_admits(const struct profile_rule *r, enum edgexdp_zone zone,
			enum edgexdp_proto proto, const char *src,
			uint16_t sport, const char *dst, uint16_t dport)
{
	return r->zone == zone && r->proto == proto &&
	       in_range(dport, r->port_lo, r->port_hi) &&
	       in_range(sport, r->sport_lo, r->sport_hi) &&
	       oracle_side_contains(&r->from, src) &&
	       oracle_side_contains(&r->to, dst);
}

const struct profile_rule *oracle_first_rule(enum edgexdp_zone zone,
					     enum edgexdp_proto proto,
					     const char *src, uint16_t sport,
					     const char *dst, uint16_t dport)
{
	const struct profile_rule *rules;
	size_t n;

	rules = oracle_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (oracle_rule_admits(&rules[i], zone, proto, src, sport, dst,
				       dport))
			return &rules[i];
	return NULL;
}

/* Does a rule of the zone name this port on that side? A side of
 * 0-65535 names no port: it is "any", not a list of every port. */
static bool port_named_in_zone(enum edgexdp_proto proto, uint16_t port,
			       enum edgexdp_zone zone, bool as_source)
{
	const struct profile_rule *rules;
	size_t n;

	rules = oracle_rules(&n);
	for (size_t i = 0; i < n; i++) {
		const struct profile_rule *r = &rules[i];
		uint16_t lo = as_source ? r->sport_lo : r->port_lo;
		uint16_t hi = as_source ? r->sport_hi : r->port_hi;

		if (r->zone == zone && r->proto == proto &&
		    !(lo == 0 && hi == 65535) && in_range(port, lo, hi))
			return true;
	}
	return false;
}

bool oracle_port_used(enum edgexdp_proto proto, uint16_t port)
{
	return port_named_in_zone(proto, port, EDGEXDP_ZONE_EXTERNAL, false) ||
	       port_named_in_zone(proto, port, EDGEXDP_ZONE_INTERNAL, false);
}

bool oracle_sport_used_in(enum edgexdp_proto proto, uint16_t port,
			  enum edgexdp_zone zone)
{
	return port_named_in_zone(proto, port, zone, true);
}

bool oracle_sport_used(enum edgexdp_proto proto, uint16_t port)
{
	return port_named_in_zone(proto, port, EDGEXDP_ZONE_EXTERNAL, true) ||
	       port_named_in_zone(proto, port, EDGEXDP_ZONE_INTERNAL, true);
}

/*
 * The documented order: junk filter (no rule names the destination port
 * on either side, nor the source port as a source port in the ingress
 * zone, nor, unless the packet is a bare SYN, the source port as a
 * destination port), TCP
 * segments that cannot open a flow, then the rule lookup on both ports
 * with the reason for a miss (bpf/classify.h).
 */
struct oracle_verdict oracle_new_packet(enum edgexdp_zone zone,
					enum edgexdp_proto proto,
					uint8_t tcp_flags, const char *src,
					uint16_t sport, const char *dst,
					uint16_t dport)
{
	struct oracle_verdict v = {.pass = false};
	enum edgexdp_zone other = zone == EDGEXDP_ZONE_EXTERNAL
					  ? EDGEXDP_ZONE_INTERNAL
					  : EDGEXDP_ZONE_EXTERNAL;
	bool to_dst = oracle_port_used(proto, dport);
	bool to_src = oracle_sport_used(proto, dport);
	bool from_dst = oracle_port_used(proto, sport);
	bool from_src = oracle_sport_used(proto, sport);
	bool from_src_here = oracle_sport_used_in(proto, sport, zone);
	uint8_t open_mask = F_SYN | F_ACK | F_RST | F_FIN;

	bool opens =
		proto == EDGEXDP_PROTO_TCP && (tcp_flags & open_mask) == F_SYN;

	/* A bare SYN is never a reply: its source port only counts as a
	 * source-port rule's port, and only for a rule of the ingress zone. */
	if (!to_dst && !to_src && !from_src_here && (opens || !from_dst)) {
		v.reason = EDGEXDP_DROP_NO_RULE_PORT;
		return v;
	}
	if (proto == EDGEXDP_PROTO_TCP && !opens) {
		v.reason = EDGEXDP_DROP_TCP_STATE;
		return v;
	}
	/* No rule could open it: a UDP reply whose flow is gone, if its
	 * ports are a rule's the other way round. */
	if (!to_dst && !from_src) {
		v.reason = proto == EDGEXDP_PROTO_UDP && (from_dst || to_src)
				   ? EDGEXDP_DROP_NO_FLOW
				   : EDGEXDP_DROP_NO_RULE_PORT;
		return v;
	}
	v.rule = oracle_first_rule(zone, proto, src, sport, dst, dport);
	if (v.rule) {
		v.pass = true;
		v.reason = EDGEXDP_PASS_NEW_FLOW;
		return v;
	}
	if (oracle_first_rule(other, proto, src, sport, dst, dport))
		v.reason = EDGEXDP_DROP_WRONG_ZONE;
	else
		v.reason = EDGEXDP_DROP_NO_RULE_ADDR;
	return v;
}
