// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "classify.h"

static int prefix_covers(const uint8_t *net, unsigned int plen,
			 const uint8_t *addr)
{
	unsigned int full = plen / 8, rest = plen % 8;

	if (memcmp(net, addr, full) != 0)
		return 0;
	if (!rest)
		return 1;
	return ((net[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* Keep the longer of the best match so far and this prefix. */
static void longest_match(const uint8_t *net, uint32_t plen, uint32_t cls,
			  const struct cfg_prefix *a, int *best_len,
			  uint32_t *best_class)
{
	if ((int)plen > *best_len && prefix_covers(net, plen, a->addr.u8)) {
		*best_len = (int)plen;
		*best_class = cls;
	}
}

uint32_t classify_addr(const struct ruleset *rs, const struct cfg_prefix *a)
{
	uint32_t best_class = 0;
	int best_len = -1;

	if (a->family == 4)
		for (size_t i = 0; i < rs->n_lpm_v4; i++)
			longest_match(rs->lpm_v4[i].key.addr,
				      rs->lpm_v4[i].key.prefixlen,
				      rs->lpm_v4[i].addr_class, a, &best_len,
				      &best_class);
	else
		for (size_t i = 0; i < rs->n_lpm_v6; i++)
			longest_match(rs->lpm_v6[i].key.addr,
				      rs->lpm_v6[i].key.prefixlen,
				      rs->lpm_v6[i].addr_class, a, &best_len,
				      &best_class);
	return best_class;
}

int classify_new_flow(const struct ruleset *rs, enum edgexdp_zone zone,
		      enum edgexdp_proto proto, const struct cfg_prefix *src,
		      const struct cfg_prefix *dst, uint16_t sport,
		      uint16_t dport)
{
	const struct edgexdp_port_entry *ports;
	struct edgexdp_match_key key = {0};

	if (zone >= EDGEXDP_ZONE_COUNT || proto >= EDGEXDP_PROTO_COUNT)
		return -1;
	ports = &rs->ports[(size_t)proto * EDGEXDP_PORTS_PER_PROTO];
	key.group = ports[dport].group[zone];
	key.sport_group = ports[sport].sport_group[zone];
	if (!key.group && !key.sport_group)
		return -1;
	key.src_class = (uint16_t)classify_addr(rs, src);
	key.dst_class = (uint16_t)classify_addr(rs, dst);
	for (size_t i = 0; i < rs->n_matches; i++)
		if (!memcmp(&rs->matches[i].key, &key, sizeof(key)))
			return (int)rs->matches[i].rule_id;
	return -1;
}
