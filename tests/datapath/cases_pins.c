// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Userspace opens maps by their pins' names (user/lib/pins.h), which are
 * the names bpf/maps.h gives them: each must be a map of the program, or
 * a command would find nothing where the filter keeps its state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <bpf/libbpf.h>
#include <cmocka.h>

#include "edgexdp.skel.h"
#include "harness.h"
#include "maps.h"
#include "pins.h"

static const char *const other_pins[] = {PIN_INTERFACES, PIN_SETTINGS};

static void pin_names_a_map(void **state)
{
	const char *name = *state;

	if (!bpf_object__find_map_by_name(g_dp.skel->obj, name))
		fail_msg("no map of the program is named '%s'", name);
}

void cases_pins(void)
{
	case_category("pinned names");
	for (size_t i = 0; maps_state_names[i]; i++)
		case_addf(pin_names_a_map, (void *)maps_state_names[i],
			  "the state map pinned as '%s' is the program's",
			  maps_state_names[i]);
	for (size_t i = 0; i < sizeof(other_pins) / sizeof(*other_pins); i++)
		case_addf(pin_names_a_map, (void *)other_pins[i],
			  "the map pinned as '%s' is the program's",
			  other_pins[i]);
}
