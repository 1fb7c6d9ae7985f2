/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The one parser of whole numbers: config values, options, prefix lengths. */
#ifndef EDGEXDP_NUMBER_H
#define EDGEXDP_NUMBER_H

/*
 * A whole number in decimal digits only (no sign, no space, no 0x) from
 * min to max. 0, -EINVAL when the text is no such number, -ERANGE when it
 * is one outside [min, max] (*out untouched either way).
 */
int parse_uint(const char *text, unsigned long min, unsigned long max,
	       unsigned long *out);

#endif /* EDGEXDP_NUMBER_H */
