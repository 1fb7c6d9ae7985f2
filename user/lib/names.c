// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "names.h"

static const char *const drop_names[EDGEXDP_DROP_REASON_COUNT] = {
	[EDGEXDP_DROP_NO_RULE_PORT] = "no_rule_port",
	[EDGEXDP_DROP_NO_RULE_ADDR] = "no_rule_addr",
	[EDGEXDP_DROP_WRONG_ZONE] = "wrong_zone",
	[EDGEXDP_DROP_NO_FLOW] = "no_flow",
	[EDGEXDP_DROP_TCP_STATE] = "tcp_state",
	[EDGEXDP_DROP_MALFORMED] = "malformed",
	[EDGEXDP_DROP_FRAGMENT] = "fragment",
	[EDGEXDP_DROP_ICMP] = "icmp",
	[EDGEXDP_DROP_PROTO] = "proto",
	[EDGEXDP_DROP_UNKNOWN_IFACE] = "unknown_iface",
	[EDGEXDP_DROP_SPOOFED_SOURCE] = "spoofed_source",
	[EDGEXDP_DROP_TCP_WINDOW] = "tcp_window",
};

static const char *const pass_names[EDGEXDP_PASS_REASON_COUNT] = {
	[EDGEXDP_PASS_NEW_FLOW] = "new_flow",
	[EDGEXDP_PASS_FLOW] = "flow",
	[EDGEXDP_PASS_NON_IP] = "non_ip",
	[EDGEXDP_PASS_ICMP_RELATED] = "icmp_related",
	[EDGEXDP_PASS_ICMP6_LINK] = "icmp6_link",
	[EDGEXDP_PASS_FRAGMENT] = "fragment",
};

const char *drop_reason_name(unsigned int reason)
{
	return reason < EDGEXDP_DROP_REASON_COUNT && drop_names[reason] ?
		       drop_names[reason] :
		       "unknown";
}

const char *pass_reason_name(unsigned int reason)
{
	return reason < EDGEXDP_PASS_REASON_COUNT && pass_names[reason] ?
		       pass_names[reason] :
		       "unknown";
}
