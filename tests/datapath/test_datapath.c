// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The data path suite: real frames through the real XDP program with
 * BPF_PROG_TEST_RUN, the maps filled from the test config
 * (tests/datapath/oracle.c) by the same code `edgexdp load` uses.
 *
 * Run as root from the repository root:
 *   make build/tests/datapath/test_datapath &&
 * ./build/tests/datapath/test_datapath Ends with the line "datapath: N passed,
 * N failed"; exits 1 on any failure.
 *
 * Cases are built at run time (one per seed row variant, flow script,
 * parser corner...) and named after what they prove.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

int main(void)
{
	int failed;
	size_t passed;

	if (geteuid() != 0) {
		fprintf(stderr,
			"datapath: must run as root (BPF_PROG_TEST_RUN)\n");
		printf("datapath: 0 passed, 1 failed\n");
		return 1;
	}
	if (dp_setup()) {
		printf("datapath: 0 passed, 1 failed\n");
		return 1;
	}

	cases_seed();
	cases_flow();
	cases_tcp_state();
	cases_icmp_err();
	cases_frag();
	cases_parse();
	cases_source();
	cases_egress();
	cases_valid();
	cases_droplog();
	cases_sport();
	cases_ct();
	cases_pins();

	printf("datapath: %zu cases:", g_n_cases);
	for (size_t i = 0; i < g_n_cats; i++)
		printf("%s %zu %s", i ? "," : "", g_cat_counts[i],
		       g_cat_names[i]);
	printf("\n");
	fflush(stdout);

	failed = _cmocka_run_group_tests("datapath", g_cases, g_n_cases, NULL,
					 NULL);
	dp_teardown();

	/* cmocka returns failures and errors; nothing here is ever skipped. */
	if (failed < 0 || (size_t)failed > g_n_cases)
		failed = (int)g_n_cases;
	passed = g_n_cases - (size_t)failed;
	fflush(stderr);
	printf("datapath: %zu passed, %d failed\n", passed, failed);
	return failed || passed == 0 ? 1 : 0;
}
