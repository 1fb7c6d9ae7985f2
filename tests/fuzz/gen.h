/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The fuzzer's generator: sequences of packets built from the test
 * config's addresses, ports and rules (tests/datapath/oracle.c), in
 * conversations that open flows and answer them, then mutated: flags,
 * lengths, offsets, extension headers, VLAN tags, fragments, ICMP errors
 * quoting earlier packets, both directions, both zones, every NIC setting.
 */
#ifndef FUZZ_GEN_H
#define FUZZ_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "pkt.h"

/* One step of a sequence: a frame and the NIC it arrives on. */
struct gen_step {
	struct model_nic nic;
	struct pkt pkt;
};

/* Start a sequence: pick its conversations and NIC settings. */
void gen_sequence(uint64_t *rng);
/* The next packet of the current sequence. */
void gen_step(uint64_t *rng, struct gen_step *out);

/* xorshift64*: fast, seedable, the same on every machine. */
uint64_t gen_rand(uint64_t *rng);

#endif /* FUZZ_GEN_H */
