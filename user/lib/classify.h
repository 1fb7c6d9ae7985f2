/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The userspace reference classifier: which rule, if any, opens a flow for
 * a packet, computed from a compiled ruleset by plain scans. It mirrors the
 * data path's lookups (port group, address classes, match) so it can check
 * them: `load` asks it about the operator's own SSH session, and the
 * data path tests compare the XDP verdict against it.
 */
#ifndef EDGEXDP_CLASSIFY_H
#define EDGEXDP_CLASSIFY_H

#include "config.h"
#include "ruleset.h"

/* Address class of a host address (longest prefix), 0 if in no set. */
uint32_t classify_addr(const struct ruleset *rs, const struct cfg_prefix *a);

/* Rule id that allows opening this flow on a NIC of `zone`, or -1. */
int classify_new_flow(const struct ruleset *rs, enum edgexdp_zone zone,
		      enum edgexdp_proto proto, const struct cfg_prefix *src,
		      const struct cfg_prefix *dst, uint16_t sport,
		      uint16_t dport);

#endif /* EDGEXDP_CLASSIFY_H */
