// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <limits.h>

#include "number.h"

int parse_uint(const char *text, unsigned long min, unsigned long max,
	       unsigned long *out)
{
	unsigned long v = 0;

	if (!text || !*text)
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned long d = (unsigned long)(*p - '0');

		if (v > (ULONG_MAX - d) / 10 || v * 10 + d > max)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v < min)
		return -ERANGE;
	*out = v;
	return 0;
}
