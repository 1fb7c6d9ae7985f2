// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Warnings for configs that are valid but probably wrong: the mistakes an
 * operator only notices when traffic does not flow. */
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "lint.h"
#include "ruleset.h"

static const char *cfg_name(const struct edgexdp_config *cfg)
{
	return cfg->path ? cfg->path : "config";
}

/* Interface flags, or -1 when there is no such interface here. */
static int iface_flags(int sock, const char *name)
{
	struct ifreq ifr = {0};

	if (sock < 0 || strlen(name) >= sizeof(ifr.ifr_name))
		return -1;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(sock, SIOCGIFFLAGS, &ifr))
		return -1;
	return ifr.ifr_flags;
}

static size_t lint_ifaces(const struct edgexdp_config *cfg, lint_warn_fn warn,
			  void *ctx)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char msg[512];
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_ifaces; i++) {
		const struct cfg_iface *ifc = &cfg->ifaces[i];
		int flags = iface_flags(sock, ifc->name);

		if (flags < 0)
			continue; /* load says so; check need not run here */
		if (flags & IFF_LOOPBACK) {
			snprintf(msg, sizeof(msg),
				 "%s:%u:%u: interface '%s' is the loopback: "
				 "no traffic from the network arrives there",
				 cfg_name(cfg), ifc->pos.line, ifc->pos.column,
				 ifc->name);
			warn(ctx, msg);
			n++;
		} else if (!(flags & IFF_UP)) {
			snprintf(msg, sizeof(msg),
				 "%s:%u:%u: interface '%s' is down: nothing is "
				 "filtered there until it is up",
				 cfg_name(cfg), ifc->pos.line, ifc->pos.column,
				 ifc->name);
			warn(ctx, msg);
			n++;
		}
	}
	if (sock >= 0)
		close(sock);
	return n;
}

static int zone_has_iface(const struct edgexdp_config *cfg, uint32_t zone)
{
	for (size_t i = 0; i < cfg->n_ifaces; i++)
		if ((uint32_t)cfg->ifaces[i].zone == zone)
			return 1;
	return 0;
}

/* One warning per zone, not per rule: a profile has dozens of rules. */
static size_t lint_zones(const struct edgexdp_config *cfg,
			 const struct ruleset *rs, lint_warn_fn warn, void *ctx)
{
	char msg[512];
	size_t n = 0;

	for (uint32_t zone = 0; zone < EDGEXDP_ZONE_COUNT; zone++) {
		const char *first = NULL;
		size_t count = 0;

		if (zone_has_iface(cfg, zone))
			continue;
		for (size_t i = 0; i < rs->n_rules; i++) {
			if (rs->rules[i].zone != zone)
				continue;
			if (!first)
				first = rs->rules[i].name;
			count++;
		}
		if (!count)
			continue;
		snprintf(msg, sizeof(msg),
			 "%s: %zu rule%s for zone %s (first '%s'), but no "
			 "interface is in that zone: %s never match%s",
			 cfg_name(cfg), count, count == 1 ? " is" : "s are",
			 zone_name((enum edgexdp_zone)zone), first,
			 count == 1 ? "it" : "they", count == 1 ? "es" : "");
		warn(ctx, msg);
		n++;
	}
	return n;
}

size_t config_lint(const struct edgexdp_config *cfg, const struct ruleset *rs,
		   lint_warn_fn warn, void *ctx)
{
	char msg[512];
	size_t n;

	if (!rs->n_rules) {
		snprintf(msg, sizeof(msg),
			 "%s: no rules (no profile, no site rules): every new "
			 "flow is dropped",
			 cfg_name(cfg));
		warn(ctx, msg);
		return 1 + lint_ifaces(cfg, warn, ctx);
	}
	n = lint_zones(cfg, rs, warn, ctx);
	return n + lint_ifaces(cfg, warn, ctx);
}
