/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Names the operator reads for the data path's numbers. */
#ifndef EDGEXDP_NAMES_H
#define EDGEXDP_NAMES_H

#include "edgexdp.h"

/* "no_rule_port", "new_flow", ...; "unknown" out of range. */
const char *drop_reason_name(unsigned int reason);
const char *pass_reason_name(unsigned int reason);

#endif /* EDGEXDP_NAMES_H */
