// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fuzzer's model, addresses (see model_internal.h): the edge's own
 * addresses, the routing of the test's network namespace, and the source
 * check a NIC makes (RFC 3704, martians, the edge's own addresses).
 */
#include <string.h>

#include "harness.h"
#include "model_internal.h"

/* ---- addresses ---- */

static bool addr_is(const uint8_t *a, int family, const char *text)
{
	struct edgexdp_addr x;

	return pkt_addr(text, &x) == family && memcmp(a, x.u8, 16) == 0;
}

static bool in_prefix(const uint8_t *a, int family, const char *net,
		      unsigned int plen)
{
	struct edgexdp_addr x;
	unsigned int full = plen / 8, rest = plen % 8;

	if (pkt_addr(net, &x) != family || memcmp(a, x.u8, full) != 0)
		return false;
	return !rest || ((a[full] ^ x.u8[full]) & (0xff << (8 - rest))) == 0;
}

bool link_local6(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

bool unspecified6(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* The edge's own addresses: the required roles' hosts, NAT partners. */
static const char *const own_addrs[] = {
	"10.45.16.10",	   "203.0.113.10",    "2001:db8:45::10", "10.45.16.20",
	"203.0.113.20",	   "2001:db8:45::20", "10.45.16.30",	 "203.0.113.30",
	"2001:db8:45::30", "172.25.33.10",    "2001:db8:33::10",
};

bool own(const uint8_t *a, int family)
{
	for (size_t i = 0; i < sizeof(own_addrs) / sizeof(*own_addrs); i++)
		if (addr_is(a, family, own_addrs[i]))
			return true;
	return false;
}

/* The routing of the test's namespace (tests/datapath/harness.c). */
enum route route_of(const uint8_t *a, int family)
{
	if (family == 4) {
		/* Loopback; multicast, 240/4 and the limited broadcast,
		 * which the kernel takes in before any route. */
		if (a[0] == 127 || a[0] >= 224)
			return R_LOCAL;
		if (in_prefix(a, 4, DP_SRC_OTHER_NIC4, 26))
			return R_OTHER_NIC;
		if (in_prefix(a, 4, DP_SRC_UNROUTED4, 26))
			return R_NONE;
		return R_LO;
	}
	if (addr_is(a, 6, "::1") || addr_is(a, 6, DP_LOCAL6) ||
	    link_local6(a) || a[0] == 0xff)
		return R_LOCAL;
	if (in_prefix(a, 6, DP_SRC_OTHER_NIC6, 64))
		return R_OTHER_NIC;
	if (in_prefix(a, 6, DP_SRC_UNROUTED6, 64))
		return R_NONE;
	return R_LO;
}

/* RFC 3704 on the NIC's terms; then the edge's own addresses. */
/* The reverse-path lookup, by the namespace's routing. */
static bool route_ok(const struct model_nic *nic, const struct parsed *p)
{
	enum route r;

	/* The kernel's route lookup refuses a loopback end (rt6_need_strict):
	 * a packet to ::1 arriving on a NIC is bogus anyway. */
	if (p->family == 6 && addr_is(p->dst, 6, "::1"))
		return false;
	r = route_of(p->src, p->family);
	if (r == R_LO)
		return true;
	return r == R_OTHER_NIC && nic->source_check == EDGEXDP_SOURCE_LOOSE;
}

bool source_ok(const struct model_nic *nic, const struct parsed *p)
{

	if ((nic->flags & EDGEXDP_IFACE_INTERNET) && own(p->src, p->family))
		return false;
	if (nic->source_check == EDGEXDP_SOURCE_OFF)
		return true;
	/* Martians: 0/8, 224/4, 240/4; ::, ff00::/8, and fe80::/10 but to
	 * the edge itself or on the link (bpf/source.h). */
	if (p->family == 4)
		return p->src[0] != 0 && p->src[0] < 224 && route_ok(nic, p);
	if (unspecified6(p->src) || p->src[0] == 0xff)
		return false;
	if (link_local6(p->src))
		return link_local6(p->dst) || own(p->dst, p->family);
	return route_ok(nic, p);
}
