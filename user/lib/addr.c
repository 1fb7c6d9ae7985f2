// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* IPv4/IPv6 prefixes: parsing with a reason for each failure, formatting. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "config.h"
#include "number.h"

#define ADDR_TEXT_MAX 64

/* Are the bits of addr beyond plen all zero? */
static int host_bits_clear(const struct edgexdp_addr *a, unsigned int plen,
			   unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int first = i * 8;
		uint8_t mask;

		if (first + 8 <= plen)
			continue;
		mask = first >= plen ? 0xff : (uint8_t)(0xff >> (plen - first));
		if (a->u8[i] & mask)
			return 0;
	}
	return 1;
}

void prefix_mask(struct cfg_prefix *p, unsigned int plen)
{
	unsigned int bytes = p->family == 4 ? 4 : 16;

	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int first = i * 8;

		if (first + 8 <= plen)
			continue;
		if (first >= plen)
			p->addr.u8[i] = 0;
		else
			p->addr.u8[i] &=
				(uint8_t)(0xff << (8 - (plen - first)));
	}
	p->prefixlen = (uint8_t)plen;
}

int prefix_parse_why(const char *text, struct cfg_prefix *out,
		     enum prefix_error *why)
{
	char buf[ADDR_TEXT_MAX];
	unsigned long max, plen;
	char *slash;

	memset(out, 0, sizeof(*out));
	*why = PREFIX_BAD_ADDRESS;
	if (!text || strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, out->addr.u8) == 1)
		out->family = 4;
	else if (inet_pton(AF_INET6, buf, out->addr.u8) == 1)
		out->family = 6;
	else
		return -EINVAL;
	max = out->family == 4 ? 32 : 128;
	plen = max;
	/* At most three digits, as ever: "/0024" is no prefix length. */
	if (slash &&
	    (strlen(slash + 1) > 3 || parse_uint(slash + 1, 0, max, &plen))) {
		*why = PREFIX_BAD_LENGTH;
		return -EINVAL;
	}
	out->prefixlen = (uint8_t)plen;
	if (!host_bits_clear(&out->addr, (unsigned int)plen,
			     (unsigned int)max / 8)) {
		*why = PREFIX_HOST_BITS;
		return -EINVAL;
	}
	*why = PREFIX_OK;
	return 0;
}

int prefix_parse(const char *text, struct cfg_prefix *out)
{
	enum prefix_error why;

	return prefix_parse_why(text, out, &why);
}

int prefix_is_host(const struct cfg_prefix *p)
{
	return p->prefixlen == (p->family == 4 ? 32 : 128);
}

int prefix_equal(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	return a->family == b->family && a->prefixlen == b->prefixlen &&
	       memcmp(a->addr.u8, b->addr.u8, sizeof(a->addr.u8)) == 0;
}

int prefix_cmp(const struct cfg_prefix *a, const struct cfg_prefix *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr.u8, b->addr.u8, sizeof(a->addr.u8));
	if (c)
		return c;
	if (a->prefixlen != b->prefixlen)
		return a->prefixlen < b->prefixlen ? -1 : 1;
	return 0;
}

void prefix_format(const struct cfg_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	int af = p->family == 4 ? AF_INET : AF_INET6;

	if (!len)
		return;
	if (!inet_ntop(af, p->addr.u8, addr, sizeof(addr))) {
		snprintf(buf, len, "?");
		return;
	}
	if (prefix_is_host(p))
		snprintf(buf, len, "%s", addr);
	else
		snprintf(buf, len, "%s/%u", addr, p->prefixlen);
}
