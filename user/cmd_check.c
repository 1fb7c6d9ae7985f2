// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* edgexdp check: validate a config and print its expanded rule table,
 * without touching the kernel. */
#include <errno.h>

#include <json-c/json.h>

#include "cmdline.h"
#include "common.h"
#include "config.h"
#include "output.h"
#include "ruleset.h"

void help_check(FILE *out)
{
	fprintf(out,
		"Usage: edgexdp check [-c FILE] [-j]\n\n"
		"Parse and validate FILE (default %s), expand the profile's\n"
		"enabled features and the site rules, and print the rule table:\n"
		"name, zone, protocol, ports, from, to, seed rows and note.\n"
		"Touches no kernel state; the interfaces need not exist here.\n"
		"Exit status 0 if the config is valid, 1 with one error naming\n"
		"FILE:LINE:COLUMN and the offending value otherwise.\n",
		EDGEXDP_CONFIG_DEFAULT);
}

static void print_table(const struct ruleset *rs)
{
	char ports[16];

	printf("%-18s %-8s %-5s %-11s %-22s %-22s %-24s %s\n", "RULE", "ZONE",
	       "PROTO", "PORTS", "FROM", "TO", "SEED", "NOTE");
	for (size_t i = 0; i < rs->n_rules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];

		format_ports(ports, sizeof(ports), r->port_lo, r->port_hi);
		printf("%-18s %-8s %-5s %-11s %-22s %-22s %-24s %s\n", r->name,
		       zone_name(r->zone), proto_name(r->proto), ports, r->from,
		       r->to, r->seed, r->note ? r->note : "");
	}
	printf("\n%zu rules, %u port groups, %u address classes, %zu match "
	       "entries, %zu NAT pairs\n",
	       rs->n_rules, rs->n_port_groups, rs->n_addr_classes,
	       rs->n_matches, rs->n_nat);
}

static void print_json(const struct ruleset *rs)
{
	struct json_object *root = json_object_new_object();
	struct json_object *rules = json_object_new_array();

	for (size_t i = 0; i < rs->n_rules; i++) {
		const struct ruleset_rule *r = &rs->rules[i];
		struct json_object *o = json_rule_object(
			r->name, r->zone, r->proto, r->port_lo, r->port_hi,
			r->from, r->to);

		json_object_object_add(o, "seed", json_object_new_string(r->seed));
		json_object_object_add(o, "feature",
				       json_object_new_string(
					       r->feature ?
						       feature_name(r->feature) :
						       "site"));
		json_object_object_add(o, "note",
				       json_object_new_string(r->note ? r->note :
									"")); 
		json_object_array_add(rules, o);
	}
	json_object_object_add(root, "rules", rules);
	json_object_object_add(root, "port_groups",
			       json_object_new_int64(rs->n_port_groups));
	json_object_object_add(root, "address_classes",
			       json_object_new_int64(rs->n_addr_classes));
	json_object_object_add(root, "match_entries",
			       json_object_new_int64((int64_t)rs->n_matches));
	json_print(root);
}

int do_check(int argc, char **argv)
{
	const struct cmd_opts co = { .help = help_check };
	struct edgexdp_config cfg = { 0 };
	struct ruleset rs = { 0 };
	int err;

	err = parse_cmd_opts(argc, argv, &co);
	if (err)
		return err == CMD_OPTS_HELP ? 0 : 2;
	err = load_and_compile(&cfg, &rs, 0);
	if (err)
		return 1;
	if (g_opts.json)
		print_json(&rs);
	else
		print_table(&rs);
	ruleset_free(&rs);
	config_free(&cfg);
	return 0;
}
