// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The SSH guard: a stateful filter drops packets of a connection it never
 * saw open, so `load` and `reload` check the SSH session they run from
 * against the new rules before anything changes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "common.h"
#include "ct.h"
#include "output.h"
#include "route.h"
#include "ssh_guard.h"

static int parse_host(const char *text, struct cfg_prefix *out)
{
	return prefix_parse(text, out) ||
			       (out->family == 4 ? out->prefixlen != 32
						 : out->prefixlen != 128)
		       ? -EINVAL
		       : 0;
}

/* The NIC holding address `server`, or "" if none does. */
static void addr_holder(const struct cfg_prefix *server, char *name)
{
	struct ifaddrs *ifas, *ifa;

	name[0] = '\0';
	if (getifaddrs(&ifas))
		return;
	for (ifa = ifas; ifa; ifa = ifa->ifa_next) {
		const void *a;
		size_t len;

		if (!ifa->ifa_addr)
			continue;
		if (ifa->ifa_addr->sa_family == AF_INET &&
		    server->family == 4) {
			a = &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr;
			len = 4;
		} else if (ifa->ifa_addr->sa_family == AF_INET6 &&
			   server->family == 6) {
			a = &((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
			len = 16;
		} else {
			continue;
		}
		if (memcmp(a, server->addr.u8, len) == 0) {
			snprintf(name, IF_NAMESIZE, "%s", ifa->ifa_name);
			break;
		}
	}
	freeifaddrs(ifas);
}

static int iface_zone(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->n_ifaces; i++)
		if (strcmp(rs->ifaces[i].name, name) == 0)
			return (int)rs->ifaces[i].zone;
	return -1;
}

struct ssh_session {
	char client[64], server[64];
	unsigned int cport, sport;
	struct cfg_prefix src, dst;
};

/*
 * The zone the session's packets reach the filter in, or -1 when they do
 * not cross it. They arrive on the NIC the kernel routes the client
 * through, which need not be the one holding the server address (a
 * loopback or dummy address, the weak host model): the filter judges them
 * on the first, so the guard does too, and says so when the two differ.
 */
static int ssh_zone(const struct ruleset *rs, const struct ssh_session *ss)
{
	char ingress[IF_NAMESIZE], holder[IF_NAMESIZE];
	int oif = route_oif(ss->src.family == 4 ? AF_INET : AF_INET6,
			    ss->src.addr.u8);

	if (oif < 0 || !if_indextoname((unsigned int)oif, ingress)) {
		pr_warn("cannot tell which NIC your SSH session arrives on (no "
			"route to %s): the SSH guard cannot check it",
			ss->client);
		return -1;
	}
	addr_holder(&ss->dst, holder);
	if (strcmp(holder, ingress) != 0)
		pr_warn("your SSH session reaches this gateway on %s, but its "
			"address %s is held %s%s: the filter judges it on %s",
			ingress, ss->server, holder[0] ? "on " : "on no NIC",
			holder, ingress);
	return iface_zone(rs, ingress); /* -1: a NIC edgexdp leaves alone */
}

/* SSH_CONNECTION: "client cport server sport"; 0 when not in SSH. */
static int parse_ssh_connection(struct ssh_session *ss)
{
	const char *conn = getenv("SSH_CONNECTION");

	if (!conn || !*conn)
		return 0;
	if (sscanf(conn, "%63s %u %63s %u", ss->client, &ss->cport, ss->server,
		   &ss->sport) != 4 ||
	    ss->sport > 65535 || ss->cport > 65535 ||
	    parse_host(ss->client, &ss->src) ||
	    parse_host(ss->server, &ss->dst) ||
	    ss->src.family != ss->dst.family) {
		pr_warn("cannot parse SSH_CONNECTION='%s' (expected 'client "
			"port server port'): the SSH guard cannot check your "
			"session",
			conn);
		return 0;
	}
	return 1;
}

int check_ssh_session(const struct ruleset *rs, const char *cmd, int force,
		      struct ct_seed *seed, size_t *n_seeds)
{
	char cli_ep[80], srv_ep[80];
	struct ssh_session ss;
	int zone, rule;

	*n_seeds = 0;
	if (!parse_ssh_connection(&ss))
		return 0;
	format_endpoint(cli_ep, sizeof(cli_ep), ss.client, ss.cport);
	format_endpoint(srv_ep, sizeof(srv_ep), ss.server, ss.sport);
	zone = ssh_zone(rs, &ss);
	if (zone < 0)
		return 0; /* it does not cross the filter */
	rule = classify_new_flow(rs, zone, EDGEXDP_PROTO_TCP, &ss.src, &ss.dst,
				 (uint16_t)ss.cport, (uint16_t)ss.sport);
	if (rule >= 0) {
		int src_is_a = ct_key_from_tuple(
			&seed->key, rs, ss.src.family, IPPROTO_TCP,
			&ss.src.addr, (uint16_t)ss.cport, &ss.dst.addr,
			(uint16_t)ss.sport);

		ct_entry_established(&seed->entry, (uint32_t)rule, src_is_a);
		*n_seeds = 1;
		pr_info("edgexdp: keeping your SSH session %s -> %s open "
			"(rule '%s')\n",
			cli_ep, srv_ep, rs->rules[rule].name);
		return 0;
	}
	pr_warn("this config drops the SSH session you are running from "
		"(%s -> %s, tcp): no rule allows it",
		ss.client, srv_ep);
	if (force)
		return 0;
	pr_error("refusing to %s; add a rule for it, or use 'edgexdp %s -f' "
		 "to %s anyway",
		 cmd, cmd, cmd);
	return -EPERM;
}
