// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * reload's plan: a rule keeps the id of the old rule of its name (its flows
 * and counters go on), a new rule takes an id no old rule had, the match
 * table follows the ids, and a NIC that stays keeps its counter slot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "reload.h"
#include "ruleset.h"

#define HEAD                                                                   \
	"interfaces:\n"                                                        \
	"  - { name: eth0, zone: external }\n"                                 \
	"addresses:\n"                                                         \
	"  access_edge: [203.0.113.10]\n"                                      \
	"rules:\n"
#define RULE(name, port)                                                       \
	"  - { name: " name ", zone: external, proto: tcp, ports: " port       \
	", to: access_edge }\n"

struct compiled {
	struct edgexdp_config cfg;
	struct ruleset rs;
};

static void compile(const char *yaml, struct compiled *c)
{
	struct edgexdp_diag err = {0};

	memset(c, 0, sizeof(*c));
	if (config_load_buffer("t.yaml", yaml, strlen(yaml), &c->cfg, &err))
		fail_msg("config: %s", err.msg);
	if (ruleset_compile(&c->cfg, &c->rs, &err))
		fail_msg("compile: %s", err.msg);
}

static void release(struct compiled *c)
{
	ruleset_free(&c->rs);
	config_free(&c->cfg);
}

/* The pinned rule_info of a load of `rs`, as reload reads it back. */
static void old_from(const struct ruleset *rs, struct reload_old *old)
{
	memset(old, 0, sizeof(*old));
	old->info.n_rule_ids = (__u32)rs->n_rules;
	old->rules = calloc(rs->n_rules + 1, sizeof(*old->rules));
	assert_non_null(old->rules);
	for (size_t i = 0; i < rs->n_rules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];

		if (!r->name)
			continue;
		snprintf(old->rules[i].name, sizeof(old->rules[i].name), "%s",
			 r->name);
		old->rules[i].zone = r->zone;
		old->rules[i].proto = r->proto;
		old->rules[i].port_lo = r->port_lo;
		old->rules[i].port_hi = r->port_hi;
		snprintf(old->rules[i].from, sizeof(old->rules[i].from), "%s",
			 r->from ? r->from : "");
		snprintf(old->rules[i].to, sizeof(old->rules[i].to), "%s",
			 r->to ? r->to : "");
	}
}

static int id_of(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->n_rules; i++)
		if (rs->rules[i].name && strcmp(rs->rules[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void test_ids_follow_names(void **state)
{
	struct compiled a, b;
	struct reload_result res = {0};
	struct edgexdp_diag d = {0};
	struct reload_old old;

	(void)state;
	compile(HEAD RULE("one", "1001") RULE("two", "1002")
			RULE("three", "1003"),
		&a);
	old_from(&a.rs, &old);
	/* B: "two" goes, "four" comes first, "three" now on another port. */
	compile(HEAD RULE("four", "1004") RULE("three", "1033")
			RULE("one", "1001"),
		&b);
	assert_int_equal(reload_relabel(&b.rs, &old, &res, &d), 0);
	assert_int_equal(id_of(&b.rs, "one"), id_of(&a.rs, "one"));
	assert_int_equal(id_of(&b.rs, "three"), id_of(&a.rs, "three"));
	/* not the id "two" had: its flows are cut after the switch */
	assert_int_equal(id_of(&b.rs, "four"), 3);
	assert_int_equal(res.n_rules, 3);
	assert_int_equal(b.rs.n_rules, 4); /* ids 0..3, "two"'s a hole */
	assert_null(b.rs.rules[id_of(&a.rs, "two")].name);
	assert_int_equal(res.n_added, 1);
	assert_string_equal(res.added[0].name, "four");
	assert_int_equal(res.n_removed, 1);
	assert_string_equal(res.removed[0].name, "two");
	assert_int_equal(res.n_changed, 1);
	assert_string_equal(res.changed[0].name, "three");
	/* every match points at the rule it matched before the relabel */
	for (size_t m = 0; m < b.rs.n_matches; m++) {
		const struct ruleset_rule *r =
			&b.rs.rules[b.rs.matches[m].rule_id];

		assert_non_null(r->name);
	}
	reload_result_free(&res);
	reload_old_free(&old);
	release(&a);
	release(&b);
}

static void test_slots_stay(void **state)
{
	struct compiled b;
	struct edgexdp_diag d = {0};
	struct reload_old old = {0};
	unsigned int ifindexes[] = {7, 5};
	__u32 slots[2];

	(void)state;
	compile("interfaces:\n"
		"  - { name: eth2, zone: external }\n"
		"  - { name: eth0, zone: internal }\n"
		"addresses:\n  access_edge: [203.0.113.10]\n",
		&b);
	/* Loaded on ifindex 5 (slot 0) and 6 (slot 1); 6 goes, 7 comes. */
	old.info.n_ifaces = 2;
	old.info.ifaces[0].ifindex = 5;
	old.info.ifaces[1].ifindex = 6;
	assert_int_equal(reload_slots(&b.rs, ifindexes, &old, slots, &d), 0);
	assert_int_equal(slots[1], 0); /* eth0 stays in its slot */
	assert_int_equal(slots[0], 2); /* not the slot 6 still counts in */
	release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_follow_names),
		cmocka_unit_test(test_slots_stay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
