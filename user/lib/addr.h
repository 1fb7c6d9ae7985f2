/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Prefix helpers beyond config.h's prefix_parse()/prefix_format(). */
#ifndef EDGEXDP_ADDR_H
#define EDGEXDP_ADDR_H

#include "config.h"

enum prefix_error {
	PREFIX_OK = 0,
	PREFIX_BAD_ADDRESS, /* not an IPv4 or IPv6 address */
	PREFIX_BAD_LENGTH, /* "/n" not a number in 0..32 or 0..128 */
	PREFIX_HOST_BITS, /* 10.0.0.1/24: bits set past the length */
};

/* prefix_parse(), saying why it failed. */
int prefix_parse_why(const char *text, struct cfg_prefix *out,
		     enum prefix_error *why);
/* Clear the bits past plen and set the length to plen. */
void prefix_mask(struct cfg_prefix *p, unsigned int plen);
int prefix_is_host(const struct cfg_prefix *p);
int prefix_equal(const struct cfg_prefix *a, const struct cfg_prefix *b);
/* Family, then address bytes, then length: a prefix sorts before every
 * prefix it covers. */
int prefix_cmp(const struct cfg_prefix *a, const struct cfg_prefix *b);

#endif /* EDGEXDP_ADDR_H */
