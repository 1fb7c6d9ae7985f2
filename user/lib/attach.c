// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One NIC at a time: attaching the data path with libxdp (native XDP, or
 * generic where the driver has none and the config allows it) and
 * detaching it by program id, as a lone program or one of a dispatcher's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xdp/libxdp.h>

#include "attach.h"
#include "diag.h"

const char *attach_mode_name(__u32 xdp_mode)
{
	switch (xdp_mode) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_SKB:
		return "generic";
	case XDP_MODE_HW:
		return "offload";
	default:
		return "unknown";
	}
}

const char *attach_kind_name(__u32 kind)
{
	return kind == EDGEXDP_ATTACH_DISPATCHER ? "dispatcher"
						 : "single-program";
}

/* Which libxdp mode to try first, and whether to fall back to generic. */
static enum xdp_attach_mode first_mode(enum cfg_xdp_mode mode)
{
	return mode == CFG_XDP_GENERIC ? XDP_MODE_SKB : XDP_MODE_NATIVE;
}

static __u32 other_prog_id(unsigned int ifindex)
{
	struct xdp_multiprog *mp =
		xdp_multiprog__get_from_ifindex((int)ifindex);
	struct xdp_program *p;
	__u32 id = 0;

	if (libxdp_get_error(mp) || !mp)
		return 0;
	p = xdp_multiprog__main_prog(mp);
	if (p)
		id = xdp_program__id(p);
	xdp_multiprog__close(mp);
	return id;
}

int loader_attach_nic(struct xdp_program *prog, const struct ruleset *rs,
		      size_t i, unsigned int ifindex,
		      struct edgexdp_attached_iface *out,
		      struct edgexdp_diag *d)
{
	enum xdp_attach_mode mode = first_mode(rs->xdp_mode);
	struct xdp_multiprog *mp;
	int err;

	err = xdp_program__attach(prog, (int)ifindex, mode, 0);
	/* Only a driver without native XDP is a reason for generic mode;
	 * another program in the way is not. */
	if ((err == -EOPNOTSUPP || err == -EINVAL) &&
	    rs->xdp_mode == CFG_XDP_AUTO) {
		char buf[128];

		edgexdp_log(EDGEXDP_LOG_WARN,
			    "%s: native XDP failed (%s), using generic XDP",
			    rs->ifaces[i].name,
			    bpf_errstr(err, buf, sizeof(buf)));
		mode = XDP_MODE_SKB;
		err = xdp_program__attach(prog, (int)ifindex, mode, 0);
	}
	if (err == -EBUSY || err == -EEXIST) {
		diag_set(d, 0,
			 "cannot attach to %s: another XDP program (id %u) "
			 "is attached there, and edgexdp does not replace it",
			 rs->ifaces[i].name, other_prog_id(ifindex));
		return err;
	}
	if (err)
		return diag_set(d, err, "cannot attach to %s (%s XDP)",
				rs->ifaces[i].name, attach_mode_name(mode));

	memset(out, 0, sizeof(*out));
	out->ifindex = ifindex;
	out->zone = rs->ifaces[i].zone;
	out->xdp_mode = mode;
	out->prog_id = xdp_program__id(prog);
	snprintf(out->name, sizeof(out->name), "%s", rs->ifaces[i].name);
	/* libxdp falls back to a lone program where the kernel refuses
	 * freplace; say which one we got. */
	mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	out->kind = EDGEXDP_ATTACH_SINGLE;
	if (!libxdp_get_error(mp) && mp) {
		if (!xdp_multiprog__is_legacy(mp))
			out->kind = EDGEXDP_ATTACH_DISPATCHER;
		xdp_multiprog__close(mp);
	}
	return 0;
}

/* Detach our program (by id) from one NIC, whichever way it is attached. */
int loader_detach_nic(const struct edgexdp_attached_iface *a)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int err = -ENOENT;

	mp = xdp_multiprog__get_from_ifindex((int)a->ifindex);
	if (libxdp_get_error(mp) || !mp)
		return -ENOENT;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && xdp_program__id(p) == a->prog_id)
			err = xdp_multiprog__detach(mp);
	} else {
		for (p = xdp_multiprog__next_prog(NULL, mp); p;
		     p = xdp_multiprog__next_prog(p, mp)) {
			if (xdp_program__id(p) != a->prog_id)
				continue;
			err = xdp_program__detach(
				p, (int)a->ifindex,
				xdp_multiprog__attach_mode(mp), 0);
			break;
		}
	}
	xdp_multiprog__close(mp);
	return err;
}
