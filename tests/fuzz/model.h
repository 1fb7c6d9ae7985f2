/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The differential fuzzer's reference model of the whole data path,
 * written from the documented behaviour (README "How it works" and "Threat
 * model", include/edgexdp.h), not from the BPF code: it parses the frame's
 * bytes itself, keeps its own flows and fragment records, and asks the
 * test oracle (tests/datapath/oracle.c) which rule a new flow opens on.
 * Time does not pass inside a sequence: no flow or fragment expires.
 * Implemented in model.c and the model_*.c it calls, one topic each
 * (model_internal.h lists them).
 */
#ifndef FUZZ_MODEL_H
#define FUZZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "edgexdp.h"

/* The NIC a frame arrives on. */
struct model_nic {
	enum edgexdp_zone zone;
	uint8_t source_check; /* enum edgexdp_source_check */
	uint8_t flags; /* EDGEXDP_IFACE_* */
};

struct model_verdict {
	bool pass;
	int reason; /* enum edgexdp_pass_reason or _drop_reason */
	int rule; /* rule id counted on, -1 for none */
};

/* Forget every flow and fragment. */
void model_reset(void);
struct model_verdict model_run(const struct model_nic *nic,
			       const uint8_t *frame, size_t len);
/* Flows the model tracks now. */
size_t model_flows(void);

#endif /* FUZZ_MODEL_H */
