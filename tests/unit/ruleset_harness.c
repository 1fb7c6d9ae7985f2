// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The rule compiler tests' harness (ruleset_harness.h): the data path's
 * lookups by plain scans over the compiled tables, and the invariants
 * every compiled ruleset must satisfy, checked on each compile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ruleset_harness.h"

/* ---- the data path's lookups, by plain scans ------------------------- */

static struct cfg_prefix pfx(const char *text)
{
	struct cfg_prefix p;

	assert_int_equal(prefix_parse(text, &p), 0);
	return p;
}

static int covers(const uint8_t *net, unsigned int plen, const uint8_t *addr)
{
	for (unsigned int bit = 0; bit < plen; bit++) {
		uint8_t mask = (uint8_t)(0x80 >> (bit % 8));

		if ((net[bit / 8] ^ addr[bit / 8]) & mask)
			return 0;
	}
	return 1;
}

uint32_t class_of(const struct ruleset *rs, const char *text)
{
	struct cfg_prefix a = pfx(text);
	uint32_t cls = 0;
	int best = -1;

	for (size_t i = 0; a.family == 4 && i < rs->n_lpm_v4; i++) {
		const struct ruleset_lpm_v4 *e = &rs->lpm_v4[i];

		if ((int)e->key.prefixlen > best &&
		    covers(e->key.addr, e->key.prefixlen, a.addr.u8)) {
			best = (int)e->key.prefixlen;
			cls = e->addr_class;
		}
	}
	for (size_t i = 0; a.family == 6 && i < rs->n_lpm_v6; i++) {
		const struct ruleset_lpm_v6 *e = &rs->lpm_v6[i];

		if ((int)e->key.prefixlen > best &&
		    covers(e->key.addr, e->key.prefixlen, a.addr.u8)) {
			best = (int)e->key.prefixlen;
			cls = e->addr_class;
		}
	}
	return cls;
}

uint16_t group_of(const struct ruleset *rs, enum edgexdp_zone zone,
		  enum edgexdp_proto proto, uint32_t port)
{
	return rs->ports[(size_t)proto * EDGEXDP_PORTS_PER_PROTO + port]
		.group[zone];
}

uint16_t sport_group_of(const struct ruleset *rs, enum edgexdp_zone zone,
			enum edgexdp_proto proto, uint32_t port)
{
	return rs->ports[(size_t)proto * EDGEXDP_PORTS_PER_PROTO + port]
		.sport_group[zone];
}

int match_of(const struct ruleset *rs, uint16_t group, uint16_t sport_group,
	     uint32_t src, uint32_t dst)
{
	for (size_t i = 0; i < rs->n_matches; i++) {
		const struct edgexdp_match_key *k = &rs->matches[i].key;

		if (k->group == group && k->sport_group == sport_group &&
		    k->src_class == src && k->dst_class == dst)
			return (int)rs->matches[i].rule_id;
	}
	return -1;
}

/* The rule that opens this flow from source port sport, or "none". */
const char *verdict_from(const struct ruleset *rs, enum edgexdp_zone zone,
			 enum edgexdp_proto proto, const char *src,
			 uint16_t sport, const char *dst, uint16_t port)
{
	uint16_t g = group_of(rs, zone, proto, port);
	uint16_t sg = sport_group_of(rs, zone, proto, sport);
	int id;

	if (!g && !sg)
		return "none";
	id = match_of(rs, g, sg, class_of(rs, src), class_of(rs, dst));
	return id < 0 ? "none" : rs->rules[id].name;
}

/* The same from source port 0, which no config can name. */
const char *verdict(const struct ruleset *rs, enum edgexdp_zone zone,
		    enum edgexdp_proto proto, const char *src, const char *dst,
		    uint16_t port)
{
	return verdict_from(rs, zone, proto, src, 0, dst, port);
}

const struct ruleset_rule *rule_named(const struct ruleset *rs,
				      const char *name)
{
	for (size_t i = 0; i < rs->n_rules; i++)
		if (strcmp(rs->rules[i].name, name) == 0)
			return &rs->rules[i];
	fail_msg("no rule %s", name);
	return NULL;
}

/* ---- what every compiled ruleset must satisfy ------------------------- */

static int cmp_key(const void *a, const void *b)
{
	return memcmp(&((const struct ruleset_match *)a)->key,
		      &((const struct ruleset_match *)b)->key,
		      sizeof(struct edgexdp_match_key));
}

static void check_invariants(const struct ruleset *rs)
{
	size_t n_ports = (size_t)EDGEXDP_PROTO_COUNT * EDGEXDP_PORTS_PER_PROTO;
	uint8_t *seen = calloc(rs->n_port_groups + 1, 1);
	struct ruleset_match *m;

	assert_non_null(seen);
	assert_true(rs->n_addr_classes >= 1);
	for (size_t i = 0; i < n_ports; i++) {
		for (int z = 0; z < EDGEXDP_ZONE_COUNT; z++) {
			uint16_t g = rs->ports[i].group[z];
			uint16_t sg = rs->ports[i].sport_group[z];

			assert_true(g <= rs->n_port_groups);
			assert_true(sg <= rs->n_port_groups);
			seen[g] = 1;
			seen[sg] = 1;
		}
	}
	for (uint32_t g = 1; g <= rs->n_port_groups; g++)
		assert_true(seen[g]); /* every id used, none skipped */
	free(seen);
	for (size_t i = 0; i < rs->n_lpm_v4; i++)
		assert_in_range(rs->lpm_v4[i].addr_class, 1,
				rs->n_addr_classes - 1);
	for (size_t i = 0; i < rs->n_lpm_v6; i++)
		assert_in_range(rs->lpm_v6[i].addr_class, 1,
				rs->n_addr_classes - 1);
	m = malloc((rs->n_matches + 1) * sizeof(*m));
	assert_non_null(m);
	if (rs->n_matches)
		memcpy(m, rs->matches, rs->n_matches * sizeof(*m));
	qsort(m, rs->n_matches, sizeof(*m), cmp_key);
	for (size_t i = 0; i < rs->n_matches; i++) {
		assert_true(m[i].key.group <= rs->n_port_groups);
		assert_true(m[i].key.sport_group <= rs->n_port_groups);
		/* (0, 0): ports no rule names; the junk filter drops them. */
		assert_true(m[i].key.group || m[i].key.sport_group);
		assert_true(m[i].key.src_class < rs->n_addr_classes);
		assert_true(m[i].key.dst_class < rs->n_addr_classes);
		assert_true(m[i].rule_id < rs->n_rules);
		if (i)
			assert_true(cmp_key(&m[i - 1], &m[i]) != 0);
	}
	free(m);
}

void compile(const char *yaml, struct compiled *c)
{
	struct edgexdp_diag err = {0};
	int ret;

	ret = config_load_buffer("t.yaml", yaml, strlen(yaml), &c->cfg, &err);
	if (ret)
		fail_msg("config: %s", err.msg);
	ret = ruleset_compile(&c->cfg, &c->rs, &err);
	if (ret)
		fail_msg("compile: %s", err.msg);
	check_invariants(&c->rs);
}

void release(struct compiled *c)
{
	ruleset_free(&c->rs);
	config_free(&c->cfg);
}
