// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "names.h"

static const char *const drop_names[EDGEXDP_DROP_REASON_COUNT] = {
#define NAME(name, text) [EDGEXDP_DROP_##name] = #text,
	EDGEXDP_DROP_REASONS(NAME)
#undef NAME
};

static const char *const pass_names[EDGEXDP_PASS_REASON_COUNT] = {
#define NAME(name, text) [EDGEXDP_PASS_##name] = #text,
	EDGEXDP_PASS_REASONS(NAME)
#undef NAME
};

const char *drop_reason_name(unsigned int reason)
{
	return reason < EDGEXDP_DROP_REASON_COUNT && drop_names[reason]
		       ? drop_names[reason]
		       : "unknown";
}

const char *pass_reason_name(unsigned int reason)
{
	return reason < EDGEXDP_PASS_REASON_COUNT && pass_names[reason]
		       ? pass_names[reason]
		       : "unknown";
}

static const char *const feature_names[] = {
	"core",	     "federation", "ocs2007_federation",
	"public_im", "xmpp",	   "centralized_logging",
};

static const char *const zone_names[] = {"external", "internal"};
static const char *const source_check_names[] = {"strict", "loose", "off"};
static const char *const proto_names[] = {"tcp", "udp"};

const char *zone_name(enum edgexdp_zone zone)
{
	return (unsigned int)zone < ARRAY_SIZE(zone_names) ? zone_names[zone]
							   : "unknown";
}

const char *source_check_name(enum edgexdp_source_check mode)
{
	return (unsigned int)mode < ARRAY_SIZE(source_check_names)
		       ? source_check_names[mode]
		       : "unknown";
}

const char *proto_name(enum edgexdp_proto proto)
{
	return (unsigned int)proto < ARRAY_SIZE(proto_names)
		       ? proto_names[proto]
		       : "unknown";
}

const char *xdp_mode_name(enum cfg_xdp_mode mode)
{
	switch (mode) {
	case CFG_XDP_AUTO:
		return "auto";
	case CFG_XDP_NATIVE:
		return "native";
	case CFG_XDP_GENERIC:
		return "generic";
	}
	return "unknown";
}

const char *feature_name(unsigned int feature_bit)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(feature_names); i++)
		if (feature_bit == 1u << i)
			return feature_names[i];
	return NULL;
}

int name_lookup(const char *text, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(text, names[i]) == 0)
			return (int)i;
	return -1;
}

int zone_from_name(const char *text)
{
	return name_lookup(text, zone_names, ARRAY_SIZE(zone_names));
}

int proto_from_name(const char *text)
{
	return name_lookup(text, proto_names, ARRAY_SIZE(proto_names));
}

int feature_from_name(const char *text)
{
	return name_lookup(text, feature_names, ARRAY_SIZE(feature_names));
}

int source_check_from_name(const char *text)
{
	return name_lookup(text, source_check_names,
			   ARRAY_SIZE(source_check_names));
}
