// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The bench's figures: a table on stdout and the JSON of build/bench.json
 * (json-c), one place each.
 */
#include <errno.h>
#include <stdio.h>

#include <json-c/json.h>

#include "bench.h"

struct json_object *jnum(double v, int decimals)
{
	char buf[32];

	if (v < 0)
		return NULL; /* null: not measured */
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

/* scale[c]: large / default, median, min and max of the rounds. */
static void print_table(const struct results *def, const struct results *big,
			const double (*scale)[3], int have_big)
{
	printf("\n  %-22s %9s %8s %9s %18s  %s\n", "case", "ns", "x pass",
	       have_big ? "ns large" : "", have_big ? "scaling (min-max)" : "",
	       "what");
	printf("  %-22s %9.1f %8.2f %9s %18s  %s\n", "xdp_pass_all (trivial)",
	       def->pass_all, 1.0, "", "",
	       "the cost of running any XDP program");
	for (int c = 0; c < C_COUNT; c++) {
		char big_ns[16] = "", sc[32] = "";

		if (have_big) {
			snprintf(big_ns, sizeof(big_ns), "%.1f", big->ns[c]);
			snprintf(sc, sizeof(sc), "%.2f (%.2f-%.2f)",
				 scale[c][0], scale[c][1], scale[c][2]);
		}
		printf("  %-22s %9.1f %8.2f %9s %18s  %s\n", case_names[c],
		       def->ns[c], def->ns[c] / def->pass_all, big_ns, sc,
		       case_notes[c]);
	}
}

static struct json_object *nolog_json(const struct figures *fig);

static void print_nolog(const struct figures *fig)
{
	struct json_object *j = nolog_json(fig);

	printf("  drop log switch, no listener: denied_junk %s ns with its "
	       "call, %s ns without; ratio %s\n",
	       json_object_get_string(
		       json_object_object_get(j, "denied_junk_ns")),
	       json_object_get_string(
		       json_object_object_get(j, "without_droplog_ns")),
	       json_object_to_json_string(json_object_object_get(j, "ratio")));
	json_object_put(j);
}

void print_figures(const struct figures *fig, int large)
{
	print_table(&fig->def, &fig->big, fig->scale, large);
	printf("\n  tcp_syn_new: median of %.0f fresh flows, one per call; "
	       "see README.md, Benchmark\n",
	       fig->def.syn_new_samples);
	printf("  maps_bytes: default %lld, large %lld\n", fig->bytes_def,
	       fig->bytes_big);
	printf("  load_ms (large: compile + create + fill + load) %.1f, "
	       "reload_ms %.1f (default config: %.1f)\n",
	       fig->load_ms, fig->reload_ms, fig->ms_def);
	if (fig->nolog_rounds)
		print_nolog(fig);
}

/* {case: f(case)} over the cases of the JSON. */
static struct json_object *per_case(const struct figures *fig, int what)
{
	struct json_object *j = json_object_new_object();
	const struct results *d = &fig->def;

	for (int c = 0; c < C_JSON_COUNT; c++)
		json_object_object_add(
			j, case_names[c],
			what == 0     ? jnum(d->ns[c], 1)
			: what == 1   ? jnum(d->ns[c] / d->pass_all, 3)
			: !fig->large ? NULL
				      : jnum(fig->scale[c][0], 3));
	return j;
}

/* denied_junk with and without the drop log call: medians, and the
 * per-round ratios' median, min and max. */
static struct json_object *nolog_json(const struct figures *fig)
{
	double with[NOLOG_ROUNDS] = {0}, without[NOLOG_ROUNDS] = {0};
	double ratio[NOLOG_ROUNDS] = {0};
	struct json_object *j = json_object_new_object(), *r;
	int n = fig->nolog_rounds;

	for (int i = 0; i < n; i++) {
		with[i] = fig->nolog_with[i];
		without[i] = fig->nolog_without[i];
		ratio[i] = with[i] / without[i];
	}
	json_object_object_add(j, "denied_junk_ns",
			       jnum(median(with, (size_t)n), 1));
	json_object_object_add(j, "without_droplog_ns",
			       jnum(median(without, (size_t)n), 1));
	r = json_object_new_object();
	/* median() sorts: then the ends are the min and the max. */
	json_object_object_add(r, "median", jnum(median(ratio, (size_t)n), 4));
	json_object_object_add(r, "min", jnum(ratio[0], 4));
	json_object_object_add(r, "max", jnum(ratio[n - 1], 4));
	json_object_object_add(j, "ratio", r);
	json_object_object_add(j, "rounds", json_object_new_int(n));
	return j;
}

/* {case: [min, max]} of the rounds' large / default ratios. */
static struct json_object *scaling_range(const struct figures *fig)
{
	struct json_object *j = json_object_new_object(), *a;

	for (int c = 0; c < C_JSON_COUNT; c++) {
		a = json_object_new_array();
		json_object_array_add(a, jnum(fig->scale[c][1], 3));
		json_object_array_add(a, jnum(fig->scale[c][2], 3));
		json_object_object_add(j, case_names[c], a);
	}
	json_object_object_add(j, "rounds", json_object_new_int(fig->rounds));
	return j;
}

static struct json_object *figures_json(const struct figures *fig)
{
	struct json_object *root = json_object_new_object(), *j;

	j = per_case(fig, 0);
	json_object_object_add(j, "xdp_pass_all", jnum(fig->def.pass_all, 1));
	json_object_object_add(root, "testrun", j);
	json_object_object_add(root, "testrun_ratio", per_case(fig, 1));
	json_object_object_add(root, "scaling", per_case(fig, 2));
	if (fig->large)
		json_object_object_add(root, "scaling_range",
				       scaling_range(fig));
	j = json_object_new_object();
	json_object_object_add(j, "default",
			       json_object_new_int64(fig->bytes_def));
	json_object_object_add(j, "large",
			       fig->bytes_big < 0
				       ? NULL
				       : json_object_new_int64(fig->bytes_big));
	json_object_object_add(root, "maps_bytes", j);
	json_object_object_add(root, "load_ms", jnum(fig->load_ms, 1));
	json_object_object_add(root, "reload_ms", jnum(fig->reload_ms, 1));
	if (fig->nolog_rounds)
		json_object_object_add(root, "droplog_off", nolog_json(fig));
	return root;
}

int write_json(const char *path, const struct figures *fig)
{
	struct json_object *root = figures_json(fig);
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f ||
	    fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY),
		  f) < 0) {
		fprintf(stderr, "bench: cannot write %s\n", path);
		err = -EIO;
	}
	if (f)
		fclose(f);
	json_object_put(root);
	return err;
}
