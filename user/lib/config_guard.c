// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Limits a config must keep before libyaml builds its document: nesting
 * depth and node count. libyaml's scanner is quadratic in nesting depth
 * (an 80 KB file of '[' took 19 s) and its document costs memory per node
 * (a 46 MB file took 677 MB before the rule compiler refused it), so one
 * linear pass over the events stops at the first collection too deep or
 * the first node too many, naming where.
 */
#include <errno.h>
#include <yaml.h>

#include "config_guard.h"

static int guard_fail(const char *name, const yaml_mark_t *m,
		      struct edgexdp_diag *err, const char *what,
		      unsigned long limit)
{
	diag_set_at(err, name, (unsigned int)m->line + 1,
		    (unsigned int)m->column + 1,
		    "%s: more than %lu (expected at most %lu)", what, limit,
		    limit);
	return -E2BIG;
}

int config_guard_scan(const char *name, const char *buf, size_t len,
		      struct edgexdp_diag *err)
{
	unsigned long depth = 0, nodes = 0;
	yaml_parser_t p;
	yaml_event_t ev;
	int ret = 0, done = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && !ret) {
		/* A syntax error is the full parse's to report, with context.
		 */
		if (!yaml_parser_parse(&p, &ev))
			break;
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > CFG_DEPTH_MAX)
				ret = guard_fail(name, &ev.start_mark, err,
						 "nesting too deep",
						 CFG_DEPTH_MAX);
			/* a collection is a node too */
			__attribute__((fallthrough));
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (!ret && ++nodes > CFG_NODES_MAX)
				ret = guard_fail(name, &ev.start_mark, err,
						 "too many values",
						 CFG_NODES_MAX);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ret;
}
