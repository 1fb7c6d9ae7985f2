// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer on the config parser and the rule compiler: any bytes, as a
 * config file's contents, must end in a config and a ruleset or in one
 * error, without a crash, a leak, undefined behaviour or a hang. `make
 * fuzz` builds it with -fsanitize=fuzzer,address,undefined and seeds it
 * with the example configs; every input it ever broke on is a unit test
 * (tests/unit/test_config.c, or test_config_errors.c if it must be refused).
 */
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct edgexdp_config cfg;
	struct edgexdp_diag err;
	struct ruleset rs;

	if (config_load_buffer("fuzz.yaml", (const char *)data, size, &cfg,
			       &err))
		return 0;
	if (!ruleset_compile(&cfg, &rs, &err))
		ruleset_free(&rs);
	config_free(&cfg);
	return 0;
}
