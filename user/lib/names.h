/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Names the operator reads for the data path's numbers. */
#ifndef EDGEXDP_NAMES_H
#define EDGEXDP_NAMES_H

#include <stddef.h>

#include "config.h"
#include "edgexdp.h"

/* "no_rule_port", "new_flow", ...; "unknown" out of range. */
const char *drop_reason_name(unsigned int reason);
const char *pass_reason_name(unsigned int reason);

const char *zone_name(enum edgexdp_zone zone);
const char *proto_name(enum edgexdp_proto proto);
const char *xdp_mode_name(enum cfg_xdp_mode mode);
const char *source_check_name(enum edgexdp_source_check mode);
/* Name of a single feature bit, NULL if unknown. */
const char *feature_name(unsigned int feature_bit);

/* The index of `text` in names[0..n), or -1. */
int name_lookup(const char *text, const char *const *names, size_t n);
/* The enum value, feature bit index, or -1 for a name not known. */
int zone_from_name(const char *text);
int proto_from_name(const char *text);
int feature_from_name(const char *text);
int source_check_from_name(const char *text);

#endif /* EDGEXDP_NAMES_H */
