// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The lync2013-edge profile against the source document: every row of
 * tests/data/lync2013-edge-ports.csv is covered by exactly one rule that
 * cites it, with the same zone, protocol, ports (on the side the row's
 * port column means: see row_is_sport) and direction; every rule
 * cites only real rows and opens no port its rows do not list; and the
 * features expand to the right rules.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "profile.h"
#include "ruleset.h"

#define CSV_PATH "tests/data/lync2013-edge-ports.csv"
#define MAX_ROWS 64
#define N_FIELDS 10

enum {
	F_TABLE,
	F_ROW,
	F_SERVICE,
	F_PROTOCOL,
	F_TRANSPORT,
	F_LO,
	F_HI,
	F_SOURCE,
	F_DEST,
	F_NOTE
};

struct csv_row {
	char f[N_FIELDS][320];
	char ref[48]; /* "table:row" */
};

static struct csv_row rows[MAX_ROWS];
static size_t n_rows;

/* ---- the CSV --------------------------------------------------------- */

/* Split one CSV line (double quotes allowed) into N_FIELDS fields. */
static int split_csv(const char *line, struct csv_row *r)
{
	size_t field = 0, len = 0;
	int quoted = 0;

	memset(r, 0, sizeof(*r));
	for (const char *p = line; *p && *p != '\n' && *p != '\r'; p++) {
		if (*p == '"' && quoted && p[1] == '"') {
			p++;
		} else if (*p == '"') {
			quoted = !quoted;
			continue;
		} else if (*p == ',' && !quoted) {
			if (++field >= N_FIELDS)
				return -1;
			len = 0;
			continue;
		}
		if (len + 1 >= sizeof(r->f[field]))
			return -1;
		r->f[field][len++] = *p;
	}
	return field == N_FIELDS - 1 ? 0 : -1;
}

static int read_csv(void **state)
{
	char line[1024], ref[sizeof(rows[0].ref)];
	FILE *f = fopen(CSV_PATH, "r");
	int header = 1;

	(void)state;
	if (!f) {
		fprintf(stderr, "%s: %s (run from the repo root)\n", CSV_PATH,
			strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct csv_row *r = &rows[n_rows];

		if (header) {
			header = 0;
			continue;
		}
		if (n_rows == MAX_ROWS || split_csv(line, r)) {
			fclose(f);
			return -1;
		}
		snprintf(ref, sizeof(ref), "%.20s:%.20s", r->f[F_TABLE],
			 r->f[F_ROW]);
		memcpy(r->ref, ref, sizeof(ref));
		n_rows++;
	}
	fclose(f);
	return 0;
}

/* The zone of a row: the seed's internal table and XMPP row 3 concern the
 * edge's internal interface, everything else its external one. */
static enum edgexdp_zone row_zone(const struct csv_row *r)
{
	if (!strcmp(r->f[F_TABLE], "internal") || !strcmp(r->ref, "xmpp:3"))
		return EDGEXDP_ZONE_INTERNAL;
	return EDGEXDP_ZONE_EXTERNAL;
}

/* The required role a source/destination column names, or NULL for
 * "any", "any (definable as ...)", partners and clients. */
static const char *row_role(const char *col)
{
	static const char *const roles[] = {"access_edge", "webconf_edge",
					    "av_edge", "edge_internal"};

	for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
		size_t n = strlen(roles[i]);

		if (!strncmp(col, roles[i], n) &&
		    (col[n] == '\0' || col[n] == ' '))
			return roles[i];
	}
	return NULL;
}

static const struct csv_row *find_row(const char *ref)
{
	for (size_t i = 0; i < n_rows; i++)
		if (!strcmp(rows[i].ref, ref))
			return &rows[i];
	return NULL;
}

/*
 * Is the row's port column the A/V edge's source port? The reading of
 * Microsoft's "Determine external A/V firewall and port requirements for
 * Lync Server 2013" (cited in user/lib/profile.c): the media relay's
 * range 50000-59999 on rows FROM the A/V edge (external 9, 10; public IM 4)
 * holds the edge's source ports; every other row gives the destination
 * port. Written from the CSV's columns, not from the profile.
 */
static int row_is_sport(const struct csv_row *r)
{
	const char *role = row_role(r->f[F_SOURCE]);

	return role && !strcmp(role, "av_edge") &&
	       !strcmp(r->f[F_LO], "50000") && !strcmp(r->f[F_HI], "59999");
}

static int range_any(uint16_t lo, uint16_t hi)
{
	return lo == 0 && hi == 65535;
}

/* Does a rule's seed cite `ref`? */
static int cites(const struct profile_rule *r, const char *ref)
{
	size_t n = strlen(ref);

	for (const char *p = r->seed; (p = strstr(p, ref)); p += n)
		if ((p == r->seed || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

static const struct profile_rule *profile(size_t *n)
{
	const struct profile_rule *pr = profile_find(PROFILE_LYNC2013_EDGE, n);

	assert_non_null(pr);
	return pr;
}

/* ---- the profile against the document -------------------------------- */

static void test_csv_complete(void **state)
{
	(void)state;
	/* external 16, internal 11, federation 1, public_im 6, xmpp 3 */
	assert_int_equal(n_rows, 37);
	assert_non_null(find_row("external:16"));
	assert_non_null(find_row("internal:11"));
	assert_non_null(find_row("public_im:6"));
	assert_null(find_row("external:17"));
}

static void check_side(const struct profile_side *side, const char *col,
		       const char *what, const struct csv_row *row)
{
	const char *role = row_role(col);

	if (role) {
		if (side->optional || !side->roles[0] ||
		    strcmp(side->roles[0], role) || side->roles[1])
			fail_msg("%s: %s should be exactly %s", row->ref, what,
				 role);
	} else if (side->roles[0] && !side->optional) {
		fail_msg("%s: %s '%s' is not a required role", row->ref, what,
			 col);
	}
}

static void test_every_row_one_rule(void **state)
{
	size_t n;
	const struct profile_rule *pr = profile(&n);

	(void)state;
	for (size_t i = 0; i < n_rows; i++) {
		const struct csv_row *row = &rows[i];
		const struct profile_rule *hit = NULL;
		long lo = atol(row->f[F_LO]), hi = atol(row->f[F_HI]);

		for (size_t k = 0; k < n; k++) {
			if (!cites(&pr[k], row->ref))
				continue;
			if (hit)
				fail_msg("%s cited by %s and %s", row->ref,
					 hit->name, pr[k].name);
			hit = &pr[k];
		}
		if (!hit)
			fail_msg("%s is in no rule", row->ref);
		assert_int_equal(hit->zone, row_zone(row));
		assert_string_equal(proto_name(hit->proto),
				    row->f[F_TRANSPORT]);
		if (row_is_sport(row)) {
			if (!range_any(hit->port_lo, hit->port_hi) ||
			    !(hit->sport_lo <= lo && hi <= hit->sport_hi))
				fail_msg("%s: %s should name source ports "
					 "%ld-%ld to any destination port",
					 row->ref, hit->name, lo, hi);
		} else if (!range_any(hit->sport_lo, hit->sport_hi) ||
			   !(hit->port_lo <= lo && hi <= hit->port_hi)) {
			fail_msg("%s: %s should name destination ports "
				 "%ld-%ld from any source port",
				 row->ref, hit->name, lo, hi);
		}
		check_side(&hit->from, row->f[F_SOURCE], "from", row);
		check_side(&hit->to, row->f[F_DEST], "to", row);
	}
}

static void test_every_citation_real(void **state)
{
	size_t n;
	const struct profile_rule *pr = profile(&n);

	(void)state;
	for (size_t k = 0; k < n; k++) {
		char seed[EDGEXDP_SEED_LEN];
		uint8_t opened[65536] = {0};
		int cited = 0;

		assert_true(strlen(pr[k].seed) < sizeof(seed));
		strcpy(seed, pr[k].seed);
		for (char *save, *ref = strtok_r(seed, " ", &save); ref;
		     ref = strtok_r(NULL, " ", &save)) {
			const struct csv_row *row = find_row(ref);

			if (!row)
				fail_msg("%s cites %s, no such row", pr[k].name,
					 ref);
			for (long p = atol(row->f[F_LO]);
			     p <= atol(row->f[F_HI]); p++)
				opened[p] = 1;
			cited++;
		}
		assert_true(cited > 0);
		/* the rule opens no port its rows do not list, on the side
		 * it names (the other is any: a peer's ordinary port) */
		for (uint32_t p = pr[k].port_lo;
		     p <= pr[k].port_hi &&
		     !range_any(pr[k].port_lo, pr[k].port_hi);
		     p++)
			if (!opened[p])
				fail_msg("%s opens %u, no cited row does",
					 pr[k].name, p);
		for (uint32_t p = pr[k].sport_lo;
		     p <= pr[k].sport_hi &&
		     !range_any(pr[k].sport_lo, pr[k].sport_hi);
		     p++)
			if (!opened[p])
				fail_msg("%s opens source port %u, no cited "
					 "row does",
					 pr[k].name, p);
		/* exactly one side names ports */
		assert_true(range_any(pr[k].port_lo, pr[k].port_hi) !=
			    range_any(pr[k].sport_lo, pr[k].sport_hi));
	}
}

/* The rows read as source ports are exactly the three the documentation
 * names, and their rules are the three *-rtp-*-out ones. */
static void test_sport_rows(void **state)
{
	static const char *const want[] = {"external:9", "external:10",
					   "public_im:4"};
	size_t n, found = 0;
	const struct profile_rule *pr = profile(&n);

	(void)state;
	for (size_t i = 0; i < n_rows; i++) {
		if (!row_is_sport(&rows[i]))
			continue;
		assert_true(found < ARRAY_SIZE(want));
		assert_string_equal(rows[i].ref, want[found]);
		found++;
	}
	assert_int_equal(found, ARRAY_SIZE(want));
	found = 0;
	for (size_t k = 0; k < n; k++)
		if (!range_any(pr[k].sport_lo, pr[k].sport_hi))
			found++;
	assert_int_equal(found, ARRAY_SIZE(want));
	/* the inbound rows stay destination ports on the edge */
	for (size_t k = 0; k < n; k++)
		if (cites(&pr[k], "external:11") ||
		    cites(&pr[k], "external:12")) {
			assert_int_equal(pr[k].port_lo, 50000);
			assert_int_equal(pr[k].port_hi, 59999);
			assert_true(range_any(pr[k].sport_lo, pr[k].sport_hi));
		}
}

static void test_names(void **state)
{
	size_t n;
	const struct profile_rule *pr = profile(&n);

	(void)state;
	assert_int_equal(n, 31);
	for (size_t k = 0; k < n; k++) {
		assert_true(strlen(pr[k].name) < EDGEXDP_NAME_LEN);
		assert_int_equal(
			strspn(pr[k].name,
			       "abcdefghijklmnopqrstuvwxyz0123456789_-"),
			strlen(pr[k].name));
		assert_non_null(feature_name(pr[k].feature));
		for (size_t j = 0; j < k; j++)
			assert_string_not_equal(pr[j].name, pr[k].name);
	}
	assert_null(profile_find("lync2010-edge", &n));
	assert_int_equal(n, 0);
	assert_true(profile_role_required("av_edge"));
	assert_false(profile_role_required("front_end"));
	assert_true(profile_role_known("front_end"));
	assert_false(profile_role_known("frontend"));
}

/* ---- features -------------------------------------------------------- */

#define BASE                                                                   \
	"interfaces:\n"                                                        \
	"  - { name: eth0, zone: external }\n"                                 \
	"profile: lync2013-edge\n"                                             \
	"addresses:\n"                                                         \
	"  access_edge: [203.0.113.10]\n"                                      \
	"  webconf_edge: [203.0.113.20]\n"                                     \
	"  av_edge: [203.0.113.30]\n"                                          \
	"  edge_internal: [172.25.33.10]\n"

static void expand(const char *features, struct ruleset *rs)
{
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	char yaml[1024];

	snprintf(yaml, sizeof(yaml), BASE "features: [%s]\n", features);
	if (config_load_buffer("t.yaml", yaml, strlen(yaml), &cfg, &err))
		fail_msg("%s", err.msg);
	if (ruleset_compile(&cfg, rs, &err))
		fail_msg("%s", err.msg);
	config_free(&cfg);
}

static int has_seed(const struct ruleset *rs, const char *ref)
{
	for (size_t i = 0; i < rs->n_rules; i++) {
		const char *s = strstr(rs->rules[i].seed, ref);
		size_t n = strlen(ref);

		if (s && (s[n] == '\0' || s[n] == ' '))
			return 1;
	}
	return 0;
}

static void test_core_only(void **state)
{
	static const char *const names[] = {
		"ext-http-crl-out", "ext-dns-tcp-out",	"ext-dns-udp-out",
		"ext-sip-tls-in",   "ext-psom-tls-in",	"ext-stun-udp-in",
		"ext-stun-tcp-in",  "ext-stun-tcp-out", "int-sip-mtls-in",
		"int-sip-mtls-out", "int-psom-mtls-in", "int-av-auth-in",
		"int-stun-udp-in",  "int-stun-tcp-in",	"int-cms-https-in",
	};
	struct ruleset rs;

	(void)state;
	expand("", &rs);
	assert_int_equal(rs.n_rules, ARRAY_SIZE(names));
	for (size_t i = 0; i < rs.n_rules; i++) {
		assert_string_equal(rs.rules[i].name, names[i]);
		assert_int_equal(rs.rules[i].feature, CFG_FEATURE_CORE);
	}
	assert_false(has_seed(&rs, "external:6"));
	assert_false(has_seed(&rs, "xmpp:1"));
	ruleset_free(&rs);
	expand("core", &rs);
	assert_int_equal(rs.n_rules, ARRAY_SIZE(names));
	ruleset_free(&rs);
}

static void test_all_features(void **state)
{
	size_t n;
	const struct profile_rule *pr = profile(&n);
	struct ruleset rs;

	(void)state;
	expand("federation, ocs2007_federation, public_im, xmpp, "
	       "centralized_logging",
	       &rs);
	assert_int_equal(rs.n_rules, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rs.rules[i].name, pr[i].name);
		assert_string_equal(rs.rules[i].seed, pr[i].seed);
		assert_int_equal(rs.rules[i].feature, pr[i].feature);
	}
	for (size_t i = 0; i < n_rows; i++)
		if (!has_seed(&rs, rows[i].ref))
			fail_msg("%s missing with every feature", rows[i].ref);
	ruleset_free(&rs);
}

static void test_each_feature(void **state)
{
	static const struct {
		const char *feature;
		size_t extra;
		const char *first;
	} cases[] = {
		{"federation", 4, "ext-sip-mtls-in"},
		{"ocs2007_federation", 3, "ext-rtp-udp-out"},
		{"public_im", 5, "pim-sip-mtls-in"},
		{"xmpp", 3, "ext-xmpp-in"},
		{"centralized_logging", 1, "int-cls-mtls-in"},
	};
	struct ruleset rs;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		expand(cases[i].feature, &rs);
		assert_int_equal(rs.n_rules, 15 + cases[i].extra);
		assert_string_equal(rs.rules[15].name, cases[i].first);
		for (size_t k = 15; k < rs.n_rules; k++)
			assert_string_equal(feature_name(rs.rules[k].feature),
					    cases[i].feature);
		ruleset_free(&rs);
	}
}

static void test_ocs2007_rows(void **state)
{
	static const char *const refs[] = {"external:10", "external:11",
					   "external:12"};
	struct ruleset rs;

	(void)state;
	expand("federation, public_im, xmpp, centralized_logging", &rs);
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++)
		assert_false(has_seed(&rs, refs[i]));
	assert_true(has_seed(&rs, "external:9"));
	ruleset_free(&rs);
	expand("ocs2007_federation", &rs);
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++)
		assert_true(has_seed(&rs, refs[i]));
	assert_false(has_seed(&rs, "external:9"));
	assert_string_equal(rs.rules[15].seed, "external:10");
	assert_string_equal(rs.rules[16].seed, "external:11");
	assert_string_equal(rs.rules[17].seed, "external:12");
	ruleset_free(&rs);
}

static void test_no_profile(void **state)
{
	const char *yaml = "interfaces:\n  - { name: eth0, zone: external }\n"
			   "rules:\n  - { name: only, zone: external, proto: "
			   "tcp, ports: 1 }\n";
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	struct ruleset rs;

	(void)state;
	assert_int_equal(
		config_load_buffer("t.yaml", yaml, strlen(yaml), &cfg, &err),
		0);
	assert_int_equal(ruleset_compile(&cfg, &rs, &err), 0);
	assert_int_equal(rs.n_rules, 1);
	assert_string_equal(rs.rules[0].name, "only");
	ruleset_free(&rs);
	config_free(&cfg);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_complete),
		cmocka_unit_test(test_every_row_one_rule),
		cmocka_unit_test(test_every_citation_real),
		cmocka_unit_test(test_sport_rows),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_core_only),
		cmocka_unit_test(test_all_features),
		cmocka_unit_test(test_each_feature),
		cmocka_unit_test(test_ocs2007_rows),
		cmocka_unit_test(test_no_profile),
	};

	return cmocka_run_group_tests(tests, read_csv, NULL);
}
