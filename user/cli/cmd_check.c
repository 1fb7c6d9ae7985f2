// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp check: validate a config and print its expanded rule table,
 * without touching the kernel. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "cmdline.h"
#include "common.h"
#include "config.h"
#include "output.h"
#include "ruleset.h"

/*
 * A rule that wins no (group, class, class) triple never sees a packet:
 * every one it allows goes to an earlier rule first (the profile's public
 * IM rules, when federation's "any" rules are on). Say so, rather than
 * let `stats` show zeros that look like no traffic.
 */
static bool *find_shadowed(const struct ruleset *rs)
{
	bool *shadowed = calloc(rs->n_rules ? rs->n_rules : 1, sizeof(bool));

	if (!shadowed)
		return NULL;
	for (size_t i = 0; i < rs->n_rules; i++)
		shadowed[i] = true;
	for (size_t i = 0; i < rs->n_matches; i++)
		if (rs->matches[i].rule_id < rs->n_rules)
			shadowed[rs->matches[i].rule_id] = false;
	return shadowed;
}

static void print_shadowed(const struct ruleset *rs, const bool *shadowed)
{
	const char *sep = "";
	size_t n = 0;

	for (size_t i = 0; i < rs->n_rules; i++)
		n += shadowed[i];
	if (!n)
		return;
	printf("\n%zu rule%s never match%s: an earlier rule takes every packet "
	       "they allow:\n  ",
	       n, n == 1 ? "" : "s", n == 1 ? "es" : "");
	for (size_t i = 0; i < rs->n_rules; i++) {
		if (!shadowed[i])
			continue;
		printf("%s%s", sep, rs->rules[i].name);
		sep = ", ";
	}
	putchar('\n');
}

static void print_table(const struct ruleset *rs, const bool *shadowed)
{
	char ports[16], sports[16];

	printf("%-18s %-8s %-5s %-11s %-11s %-22s %-22s %-24s %s\n", "RULE",
	       "ZONE", "PROTO", "SPORTS", "PORTS", "FROM", "TO", "SEED",
	       "NOTE");
	for (size_t i = 0; i < rs->n_rules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];

		format_ports(ports, sizeof(ports), r->port_lo, r->port_hi);
		format_ports(sports, sizeof(sports), r->sport_lo, r->sport_hi);
		printf("%-18s %-8s %-5s %-11s %-11s %-22s %-22s %-24s %s\n",
		       r->name, zone_name(r->zone), proto_name(r->proto),
		       sports, ports, r->from, r->to, r->seed,
		       r->note ? r->note : "");
	}
	print_shadowed(rs, shadowed);
	printf("\n%zu %s, %u port %s, %u address %s, %zu match %s, %zu NAT "
	       "%s\n",
	       rs->n_rules, plural(rs->n_rules, "rule", "rules"),
	       rs->n_port_groups, plural(rs->n_port_groups, "group", "groups"),
	       rs->n_addr_classes,
	       plural(rs->n_addr_classes, "class", "classes"), rs->n_matches,
	       plural(rs->n_matches, "entry", "entries"), rs->n_nat,
	       plural(rs->n_nat, "pair", "pairs"));
}

static void print_json(const struct ruleset *rs, const bool *shadowed)
{
	struct json_object *root = json_object_new_object();
	struct json_object *rules = json_object_new_array();

	for (size_t i = 0; i < rs->n_rules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];
		struct json_object *o =
			json_rule_object(r->name, r->zone, r->proto, r->port_lo,
					 r->port_hi, r->from, r->to);

		json_add_sports(o, r->sport_lo, r->sport_hi);
		json_object_object_add(o, "seed",
				       json_object_new_string(r->seed));
		json_object_object_add(
			o, "feature",
			json_object_new_string(
				r->feature ? feature_name(r->feature)
					   : "site"));
		json_object_object_add(
			o, "note",
			json_object_new_string(r->note ? r->note : ""));
		json_object_object_add(o, "shadowed",
				       json_object_new_boolean(shadowed[i]));
		json_object_array_add(rules, o);
	}
	json_object_object_add(root, "rules", rules);
	json_object_object_add(root, "port_groups",
			       json_object_new_int64(rs->n_port_groups));
	json_object_object_add(root, "address_classes",
			       json_object_new_int64(rs->n_addr_classes));
	json_object_object_add(root, "match_entries",
			       json_object_new_int64((int64_t)rs->n_matches));
	json_object_object_add(root, "nat_pairs",
			       json_object_new_int64((int64_t)rs->n_nat));
	json_print(root);
}

static int do_check(void *ctx, int argc, char **argv)
{
	struct edgexdp_config cfg = {0};
	struct ruleset rs = {0};
	bool *shadowed;
	int err;

	err = load_and_compile(&cfg, &rs, 0);
	if (err)
		return 1;
	shadowed = find_shadowed(&rs);
	if (!shadowed) {
		pr_err(-ENOMEM, "check");
		err = -ENOMEM;
	} else if (g_opts.json) {
		print_json(&rs, shadowed);
	} else {
		print_table(&rs, shadowed);
	}
	free(shadowed);
	ruleset_free(&rs);
	config_free(&cfg);
	return err ? 1 : 0;
}

const struct cmd cmd_check = {
	.name = "check",
	.summary = "validate a config and print the rule table it expands to",
	.globals = CMD_CONFIG | CMD_JSON,
	.text = "Parse and validate FILE (default " EDGEXDP_CONFIG_DEFAULT
		"), expand the profile's\n"
		"enabled features and the site rules, and print the rule "
		"table:\n"
		"name, zone, protocol, source ports, destination ports, from, "
		"to,\n"
		"seed rows and note (\"any\": the rule names no port on that "
		"side).\n"
		"Rules that can never match, because an earlier rule takes "
		"every\n"
		"packet they allow, are listed after the table (\"shadowed\" "
		"in -j).\n"
		"Touches no kernel state; the interfaces need not exist here.\n"
		"Exit status 0 if the config is valid, 1 with one error "
		"naming\n"
		"FILE:LINE:COLUMN and the offending value otherwise.\n",
	.run = do_check,
};
