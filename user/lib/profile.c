// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The lync2013-edge profile: every row of the seed's five tables
 * (tests/data/lync2013-edge-ports.csv), merged where two rows allow the very
 * same thing. tests/unit/test_profile.c proves each CSV row maps to exactly
 * one rule here with the same zone, protocol, ports and direction.
 *
 * Zones: the external, federation and public IM tables, and XMPP rows 1-2,
 * concern the edge's external interface; the internal table and XMPP row 3
 * its internal interface.
 *
 * Ports: the seed gives one port column and does not say which end of the
 * flow it is. For every row to a service on the edge, and for the edge's
 * outbound DNS, HTTP, SIP, XMPP and STUN rows, it is the destination port:
 * the service's well-known port. The A/V edge's RTP rows with 50000-59999
 * are the media relay's port range. Inbound (external 11, 12) that is the
 * destination port on the edge; outbound (external 9, 10, public IM 4) it
 * is the edge's SOURCE port, to whatever port the remote party listens on.
 * Microsoft, "Determine external A/V firewall and port requirements for
 * Lync Server 2013" (https://learn.microsoft.com/en-us/previous-versions/
 * office/lync-server-2013/lync-server-2013-determining-external-a-v-
 * firewall-and-port-requirements): configuring the range "must take into
 * account that the port range will contain the source ports for
 * communications to federation partners"; its notes define outbound as
 * "RTP/TCP and RTP/UDP traffic from the A/V Edge external interface to the
 * Internet". Read as destination ports, those rows would cut a relay off
 * from a client's ordinary port and open 50000-59999 on the Internet's
 * hosts instead.
 */
#include <string.h>

#include "config.h"
#include "profile.h"

#define ANY                                                                    \
	{                                                                      \
		{NULL}, 0                                                      \
	}
#define ROLE(r)                                                                \
	{                                                                      \
		{(r)}, 0                                                       \
	}
#define OPTIONAL1(a)                                                           \
	{                                                                      \
		{(a)}, 1                                                       \
	}
#define OPTIONAL2(a, b)                                                        \
	{                                                                      \
		{(a), (b)}, 1                                                  \
	}

#define EXT EDGEXDP_ZONE_EXTERNAL
#define INT EDGEXDP_ZONE_INTERNAL
#define TCP EDGEXDP_PROTO_TCP
#define UDP EDGEXDP_PROTO_UDP

/* A port range that names no port: the rule matches any port there. */
#define ANY_PORT EDGEXDP_PORT_ANY_LO, EDGEXDP_PORT_ANY_HI

/* The A/V edge's media relay ports (and Centralized Logging's three). */
#define RTP_LO 50000
#define RTP_HI 59999
#define CLS_LO 50001
#define CLS_HI 50003

static const struct profile_rule lync2013_edge[] = {
	/* core: remote user access, web conferencing, A/V, internal side */
	{"ext-http-crl-out", CFG_FEATURE_CORE, EXT, TCP, 80, 80, ANY_PORT,
	 ROLE("access_edge"), ANY, "external:2",
	 "certificate revocation / CRL checking and retrieval"},
	{"ext-dns-tcp-out", CFG_FEATURE_CORE, EXT, TCP, 53, 53, ANY_PORT,
	 ROLE("access_edge"), ANY, "external:3", "DNS query over TCP"},
	{"ext-dns-udp-out", CFG_FEATURE_CORE, EXT, UDP, 53, 53, ANY_PORT,
	 ROLE("access_edge"), ANY, "external:4", "DNS query over UDP"},
	{"ext-sip-tls-in", CFG_FEATURE_CORE, EXT, TCP, 443, 443, ANY_PORT, ANY,
	 ROLE("access_edge"), "external:5 public_im:3",
	 "client-to-server SIP traffic for external user access"},
	{"ext-psom-tls-in", CFG_FEATURE_CORE, EXT, TCP, 443, 443, ANY_PORT, ANY,
	 ROLE("webconf_edge"), "external:8", "web conferencing media"},
	{"ext-stun-udp-in", CFG_FEATURE_CORE, EXT, UDP, 3478, 3478, ANY_PORT,
	 ANY, ROLE("av_edge"), "external:14",
	 "STUN/UDP TURN negotiation of candidates"},
	{"ext-stun-tcp-in", CFG_FEATURE_CORE, EXT, TCP, 443, 443, ANY_PORT, ANY,
	 ROLE("av_edge"), "external:15",
	 "STUN/TCP TURN negotiation of candidates"},
	{"ext-stun-tcp-out", CFG_FEATURE_CORE, EXT, TCP, 443, 443, ANY_PORT,
	 ROLE("av_edge"), ANY, "external:16",
	 "STUN/TCP TURN negotiation of candidates"},
	{"int-sip-mtls-in", CFG_FEATURE_CORE, INT, TCP, 5061, 5061, ANY_PORT,
	 OPTIONAL2("director", "front_end"), ROLE("edge_internal"),
	 "internal:2",
	 "outbound SIP traffic from Director or Front End to the edge internal "
	 "interface"},
	{"int-sip-mtls-out", CFG_FEATURE_CORE, INT, TCP, 5061, 5061, ANY_PORT,
	 ROLE("edge_internal"), OPTIONAL2("director", "front_end"),
	 "internal:3",
	 "inbound SIP traffic from the edge internal interface to Director or "
	 "Front End"},
	{"int-psom-mtls-in", CFG_FEATURE_CORE, INT, TCP, 8057, 8057, ANY_PORT,
	 OPTIONAL1("front_end"), ROLE("edge_internal"), "internal:4",
	 "web conferencing traffic from each Front End server to the edge "
	 "internal interface"},
	{"int-av-auth-in", CFG_FEATURE_CORE, INT, TCP, 5062, 5062, ANY_PORT,
	 OPTIONAL2("front_end", "sba"), ROLE("edge_internal"), "internal:5",
	 "A/V user authentication (A/V authentication service)"},
	{"int-stun-udp-in", CFG_FEATURE_CORE, INT, UDP, 3478, 3478, ANY_PORT,
	 ANY, ROLE("edge_internal"), "internal:6",
	 "preferred path for A/V media transfer between internal and external "
	 "users"},
	{"int-stun-tcp-in", CFG_FEATURE_CORE, INT, TCP, 443, 443, ANY_PORT, ANY,
	 ROLE("edge_internal"), "internal:7",
	 "fallback path for A/V media when UDP cannot be established; also "
	 "file transfer and desktop sharing"},
	{"int-cms-https-in", CFG_FEATURE_CORE, INT, TCP, 4443, 4443, ANY_PORT,
	 OPTIONAL1("cms"), ROLE("edge_internal"), "internal:8",
	 "replication of changes from the Central Management Store to the "
	 "edge"},

	/* federation with Lync / OCS 2007 R2 partners; ext-rtp-tcp-out and
	 * the two other *-rtp-*-out rules read the range as the A/V edge's
	 * source ports (see the top of this file). */
	{"ext-sip-mtls-in", CFG_FEATURE_FEDERATION, EXT, TCP, 5061, 5061,
	 ANY_PORT, ANY, ROLE("access_edge"), "external:6",
	 "federation and public IM connectivity using SIP"},
	{"ext-sip-mtls-out", CFG_FEATURE_FEDERATION, EXT, TCP, 5061, 5061,
	 ANY_PORT, ROLE("access_edge"), ANY, "external:7 federation:1",
	 "federation and public IM connectivity using SIP"},
	{"ext-rtp-tcp-out", CFG_FEATURE_FEDERATION, EXT, TCP, ANY_PORT, RTP_LO,
	 RTP_HI, ROLE("av_edge"), ANY, "external:9",
	 "required for federation with partners running OCS 2007 / OCS 2007 R2 "
	 "/ Lync Server 2010 / Lync Server 2013"},
	{"ext-stun-udp-out", CFG_FEATURE_FEDERATION, EXT, UDP, 3478, 3478,
	 ANY_PORT, ROLE("av_edge"), ANY, "external:13",
	 "edge version discovery and edge-to-edge media; federation with Lync "
	 "Server 2010 / Windows Live Messenger / OCS 2007 R2, several edge "
	 "pools"},

	/* the rows the seed says only OCS 2007 partners need */
	{"ext-rtp-udp-out", CFG_FEATURE_OCS2007_FEDERATION, EXT, UDP, ANY_PORT,
	 RTP_LO, RTP_HI, ROLE("av_edge"), ANY, "external:10",
	 "required only for federation with partners running OCS 2007"},
	{"ext-rtp-tcp-in", CFG_FEATURE_OCS2007_FEDERATION, EXT, TCP, RTP_LO,
	 RTP_HI, ANY_PORT, ANY, ROLE("av_edge"), "external:11",
	 "required only for federation with partners running OCS 2007"},
	{"ext-rtp-udp-in", CFG_FEATURE_OCS2007_FEDERATION, EXT, UDP, RTP_LO,
	 RTP_HI, ANY_PORT, ANY, ROLE("av_edge"), "external:12",
	 "required only for federation with partners running OCS 2007"},

	/* public IM connectivity */
	{"pim-sip-mtls-in", CFG_FEATURE_PUBLIC_IM, EXT, TCP, 5061, 5061,
	 ANY_PORT, OPTIONAL1("public_im_partners"), ROLE("access_edge"),
	 "public_im:1", "federation and public IM connectivity using SIP"},
	{"pim-sip-mtls-out", CFG_FEATURE_PUBLIC_IM, EXT, TCP, 5061, 5061,
	 ANY_PORT, ROLE("access_edge"), OPTIONAL1("public_im_partners"),
	 "public_im:2", "federation and public IM connectivity using SIP"},
	{"pim-rtp-tcp-out", CFG_FEATURE_PUBLIC_IM, EXT, TCP, ANY_PORT, RTP_LO,
	 RTP_HI, ROLE("av_edge"), OPTIONAL1("live_messenger"), "public_im:4",
	 "A/V sessions with Windows Live Messenger when public IM connectivity "
	 "is configured"},
	{"pim-stun-udp-out", CFG_FEATURE_PUBLIC_IM, EXT, UDP, 3478, 3478,
	 ANY_PORT, ROLE("av_edge"), OPTIONAL1("live_messenger"), "public_im:5",
	 "required for public IM connectivity with Windows Live Messenger"},
	{"pim-stun-udp-in", CFG_FEATURE_PUBLIC_IM, EXT, UDP, 3478, 3478,
	 ANY_PORT, OPTIONAL1("live_messenger"), ROLE("av_edge"), "public_im:6",
	 "required for public IM connectivity with Windows Live Messenger"},

	/* XMPP federation through the edge's XMPP proxy */
	{"ext-xmpp-in", CFG_FEATURE_XMPP, EXT, TCP, 5269, 5269, ANY_PORT, ANY,
	 ROLE("access_edge"), "external:1 xmpp:1",
	 "XMPP proxy (shares the Access Edge IP) accepts traffic from XMPP "
	 "contacts in defined XMPP federations"},
	{"ext-xmpp-out", CFG_FEATURE_XMPP, EXT, TCP, 5269, 5269, ANY_PORT,
	 ROLE("access_edge"), ANY, "xmpp:2",
	 "standard server-to-server XMPP: edge XMPP proxy to federated XMPP "
	 "partners"},
	{"int-xmpp-gw-in", CFG_FEATURE_XMPP, INT, TCP, 23456, 23456, ANY_PORT,
	 OPTIONAL1("xmpp_gateway"), ROLE("edge_internal"), "internal:1 xmpp:3",
	 "XMPP traffic from the XMPP gateway on the Front End server or pool "
	 "to the edge internal interface"},

	/* Centralized Logging Service: three rows, one port range */
	{"int-cls-mtls-in", CFG_FEATURE_CENTRALIZED_LOGGING, INT, TCP, CLS_LO,
	 CLS_HI, ANY_PORT, ANY, ROLE("edge_internal"),
	 "internal:9 internal:10 internal:11",
	 "Centralized Logging Service controller / agent commands and log "
	 "collection"},
};

static const char *const required_roles[] = {
	"access_edge",
	"webconf_edge",
	"av_edge",
	"edge_internal",
};

static const char *const optional_roles[] = {
	"front_end",	      "director",	"sba", "cms", "xmpp_gateway",
	"public_im_partners", "live_messenger",
};

const struct profile_rule *profile_find(const char *name, size_t *n_rules)
{
	if (name && strcmp(name, PROFILE_LYNC2013_EDGE) == 0) {
		*n_rules = ARRAY_SIZE(lync2013_edge);
		return lync2013_edge;
	}
	*n_rules = 0;
	return NULL;
}

int profile_role_required(const char *role)
{
	for (size_t i = 0; i < ARRAY_SIZE(required_roles); i++)
		if (strcmp(role, required_roles[i]) == 0)
			return 1;
	return 0;
}

int profile_role_known(const char *role)
{
	if (profile_role_required(role))
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(optional_roles); i++)
		if (strcmp(role, optional_roles[i]) == 0)
			return 1;
	return 0;
}
