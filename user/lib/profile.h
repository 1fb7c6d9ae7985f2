/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Built-in allow-list profiles: the documented rows, de-duplicated. */
#ifndef EDGEXDP_PROFILE_H
#define EDGEXDP_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "edgexdp.h"

#define PROFILE_LYNC2013_EDGE "lync2013-edge"
#define PROFILE_MAX_ROLES 3

/*
 * A side of a profile rule. Required roles (access_edge, webconf_edge,
 * av_edge, edge_internal) must be defined when the rule is enabled.
 * Optional roles narrow the seed's "any (definable as ...)": the side is the
 * union of whichever of them the config defines, or any if none is.
 * No role at all means the seed's plain "any".
 */
struct profile_side {
	const char *roles[PROFILE_MAX_ROLES];
	int optional;
};

struct profile_rule {
	const char *name; /* stable: counters and reload key on it */
	unsigned int feature; /* enum cfg_feature bit */
	enum edgexdp_zone zone;
	enum edgexdp_proto proto;
	uint16_t port_lo; /* destination ports; ANY_PORT: any */
	uint16_t port_hi;
	uint16_t sport_lo; /* source ports; ANY_PORT: any */
	uint16_t sport_hi;
	struct profile_side from;
	struct profile_side to;
	const char *seed; /* table:row list, e.g. "external:1 xmpp:1" */
	const char *note; /* the seed's note, in English */
};

/* The profile's rules, or NULL if the name is unknown. */
const struct profile_rule *profile_find(const char *name, size_t *n_rules);
/* Is `role` one the profile knows (required or optional)? */
int profile_role_known(const char *role);
int profile_role_required(const char *role);

#endif /* EDGEXDP_PROFILE_H */
