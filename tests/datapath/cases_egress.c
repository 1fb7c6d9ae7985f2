// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A new flow does not leave through a NIC of the other zone (bpf/egress.h).
 * The A/V edge's media rules allow source ports 50000-59999 to any
 * destination from the DMZ: "any" is the Internet, not the internal
 * network behind the gateway's internal NIC. The test's namespace routes
 * DP_SRC_OTHER_NIC through the NIC dp-other (harness.c); each case makes
 * that NIC one of ours in a zone, or none, and sends the A/V edge's media
 * there.
 */
#include <net/if.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/bpf.h>
#include <cmocka.h>

#include "edgexdp.skel.h"
#include "harness.h"

#define EXT EDGEXDP_ZONE_EXTERNAL
#define INT EDGEXDP_ZONE_INTERNAL

#define AV_EDGE "10.45.16.30" /* the A/V edge's DMZ address */
#define AV_EDGE6 "2001:db8:45::30"
#define RELAY_PORT 55000
/* Inside the prefixes the namespace routes through dp-other. */
#define BEHIND_OTHER4 "198.51.100.140"
#define BEHIND_OTHER6 "2001:db8:d0::40"
#define ANY_PORT 22 /* not a port any rule names */

enum other_nic { NOT_OURS, OURS_EXTERNAL, OURS_INTERNAL };

struct egress_case {
	const char *name;
	enum other_nic other;
	uint8_t proto;
	const char *src;
	const char *dst;
	bool pass;
};

static const struct egress_case egress_cases[] = {
	{"media to a NIC of the internal zone", OURS_INTERNAL, IPPROTO_UDP,
	 AV_EDGE, BEHIND_OTHER4, false},
	{"TCP media to a NIC of the internal zone", OURS_INTERNAL, IPPROTO_TCP,
	 AV_EDGE, BEHIND_OTHER4, false},
	{"IPv6 media to a NIC of the internal zone", OURS_INTERNAL, IPPROTO_UDP,
	 AV_EDGE6, BEHIND_OTHER6, false},
	{"media to another NIC of the external zone", OURS_EXTERNAL,
	 IPPROTO_UDP, AV_EDGE, BEHIND_OTHER4, true},
	{"IPv6 media to another NIC of the external zone", OURS_EXTERNAL,
	 IPPROTO_UDP, AV_EDGE6, BEHIND_OTHER6, true},
	{"media to a NIC that is not ours", NOT_OURS, IPPROTO_TCP, AV_EDGE,
	 BEHIND_OTHER4, true},
};

/* Makes dp-other one of ours in a zone, or no NIC of ours. */
static void other_nic_set(enum other_nic other)
{
	struct edgexdp_iface iface = {.configured = other != NOT_OURS,
				      .zone = other == OURS_INTERNAL ? INT
								     : EXT};
	__u32 ifindex = if_nametoindex(DP_OTHER_NIC);
	int fd = bpf_map__fd(g_dp.skel->maps.interfaces);

	assert_true(ifindex != 0);
	assert_int_equal(bpf_map_update_elem(fd, &ifindex, &iface, BPF_ANY), 0);
}

static void egress_run(void **state)
{
	const struct egress_case *c = *state;
	const char *rule =
		c->proto == IPPROTO_TCP ? "ext-rtp-tcp-out" : "ext-rtp-udp-out";
	struct pkt p;

	other_nic_set(c->other);
	if (c->proto == IPPROTO_TCP)
		mk_tcp(&p, c->src, RELAY_PORT, c->dst, ANY_PORT, F_SYN, 0);
	else
		mk_udp(&p, c->src, RELAY_PORT, c->dst, ANY_PORT, 40);
	if (c->pass) {
		step("opens", EXT, &p, WANT_NEW(rule_id(rule)));
		assert_int_equal(ct_count(), 1);
	} else {
		step("refused", EXT, &p, WANT_DROP(EDGEXDP_DROP_WRONG_ZONE));
		assert_int_equal(ct_count(), 0);
	}
	other_nic_set(NOT_OURS);
}

void cases_egress(void)
{
	case_category("egress zone");
	for (size_t i = 0; i < sizeof(egress_cases) / sizeof(*egress_cases);
	     i++)
		case_addf(egress_run, (void *)&egress_cases[i], "%s %s",
			  egress_cases[i].name,
			  egress_cases[i].pass ? "opens a flow"
					       : "drops wrong_zone");
}
