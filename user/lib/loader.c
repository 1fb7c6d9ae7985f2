// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The load pipeline, as a cleanup ladder: maps are created and filled
 * first, then the program is attached NIC by NIC, then everything is pinned.
 * A failure at any step unwinds the earlier ones in reverse, so a failed
 * load leaves nothing attached and nothing pinned.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "ct.h"
#include "diag.h"
#include "edgexdp.skel.h"
#include "loader.h"
#include "maps.h"
#include "pins.h"

/* The state `unload --keep-state` leaves pinned for the next load: the
 * flows, so established connections survive a restart or an upgrade, and
 * the counters that describe the flow tables. */
enum kept_map {
	KEPT_CONNTRACK,
	KEPT_UNCONFIRMED,
	KEPT_CT_STATS,
	N_KEPT,
};
static const char *const kept_state[N_KEPT + 1] = {
	[KEPT_CONNTRACK] = PIN_CONNTRACK,
	[KEPT_UNCONFIRMED] = PIN_CT_UNCONFIRMED,
	[KEPT_CT_STATS] = PIN_CT_STATS,
	[N_KEPT] = NULL,
};

static int is_kept(const char *name, const bool *reused)
{
	for (size_t i = 0; i < N_KEPT; i++)
		if (strcmp(kept_state[i], name) == 0)
			return reused ? reused[i] : 1;
	return 0;
}

/* Pins to leave alone when undoing a load: those it took over. */
static void kept_names(const bool *reused, const char **names)
{
	size_t n = 0;

	for (size_t i = 0; i < N_KEPT; i++)
		if (reused[i])
			names[n++] = kept_state[i];
	names[n] = NULL;
}

static int pin_all(struct edgexdp_bpf *skel, const bool *reused)
{
	char path[EDGEXDP_PATH_LEN];
	struct bpf_map *map;
	int err;

	bpf_object__for_each_map (map, skel->obj) {
		if (bpf_map__is_internal(map) ||
		    is_kept(bpf_map__name(map), reused))
			continue;
		err = pin_path(path, sizeof(path), bpf_map__name(map));
		if (err)
			return err;
		err = bpf_map__pin(map, path);
		if (err)
			return err;
	}
	err = pin_path(path, sizeof(path), PIN_PROG);
	if (err)
		return err;
	if (bpf_obj_pin(bpf_program__fd(skel->progs.edgexdp_xdp), path))
		return -errno;
	return 0;
}

static int make_pin_dir(void)
{
	char dir[EDGEXDP_PATH_LEN];
	int err = pin_path(dir, sizeof(dir), NULL);

	if (err)
		return err;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int write_load_info(int fd, const struct edgexdp_load_info *info)
{
	__u32 zero = 0;

	return bpf_map_update_elem(fd, &zero, info, BPF_ANY) ? -errno : 0;
}

/* Seeds are confirmed flows the data path did not create: counted here,
 * so that the table's numbers add up (struct edgexdp_ct_stats). */
static int seed_flows(struct edgexdp_bpf *skel, const struct ct_seed *seeds,
		      size_t n)
{
	int fd = bpf_map__fd(skel->maps.conntrack);
	struct edgexdp_ct_stats delta = {0};

	for (size_t i = 0; i < n; i++) {
		if (bpf_map_update_elem(fd, &seeds[i].key, &seeds[i].entry,
					BPF_NOEXIST) == 0)
			delta.table[EDGEXDP_CT_CONFIRMED].created++;
		else if (errno != EEXIST)
			return -errno;
	}
	return ct_stats_add(bpf_map__fd(skel->maps.ct_stats), &delta);
}

/* Both tables' kept flows, judged by this config (ct_reclassify). */
static int ct_reclassify_tables(struct edgexdp_bpf *skel,
				const struct ruleset *rs,
				struct ct_reclassified *out)
{
	struct edgexdp_ct_stats delta = {0};
	int fds[EDGEXDP_CT_TABLE_COUNT] = {
		[EDGEXDP_CT_CONFIRMED] = bpf_map__fd(skel->maps.conntrack),
		[EDGEXDP_CT_UNCONFIRMED] =
			bpf_map__fd(skel->maps.ct_unconfirmed),
	};
	struct ct_reclassified one;
	int err = 0;

	memset(out, 0, sizeof(*out));
	for (int t = 0; !err && t < EDGEXDP_CT_TABLE_COUNT; t++) {
		err = ct_reclassify(fds[t], rs, &one);
		out->kept += one.kept;
		out->reassigned += one.reassigned;
		out->dropped += one.dropped;
		delta.table[t].removed += one.dropped;
	}
	if (!err)
		err = ct_stats_add(bpf_map__fd(skel->maps.ct_stats), &delta);
	return err;
}

int loader_resolve_exact(const char *name, unsigned int *ifindex,
			 struct edgexdp_diag *d)
{
	char kname[IF_NAMESIZE] = "";

	*ifindex = if_nametoindex(name);
	if (!*ifindex)
		return diag_set(d, -errno, "interface %s", name);
	/* The kernel strips an alias suffix ("eth0:1" is eth0): attaching
	 * to a NIC the config does not name would leave it unrecognised. */
	if (!if_indextoname(*ifindex, kname) || strcmp(kname, name) != 0)
		return diag_set(d, -EINVAL,
				"interface %s: the kernel resolves that name "
				"to %s (ifindex %u); name the NIC exactly",
				name, kname[0] ? kname : "?", *ifindex);
	return 0;
}

static int resolve_ifindexes(const struct ruleset *rs, unsigned int *ifindexes,
			     struct edgexdp_diag *d)
{
	if (rs->n_ifaces > EDGEXDP_MAX_IFACES)
		return diag_set(d, -E2BIG, "%zu interfaces", rs->n_ifaces);
	for (size_t i = 0; i < rs->n_ifaces; i++) {
		int err = loader_resolve_exact(rs->ifaces[i].name,
					       &ifindexes[i], d);

		if (err)
			return err;
		if (ifindexes[i] >= EDGEXDP_MAX_IFINDEX)
			return diag_set(d, -ERANGE,
					"interface %s has ifindex %u, beyond "
					"the %u edgexdp supports",
					rs->ifaces[i].name, ifindexes[i],
					EDGEXDP_MAX_IFINDEX - 1);
	}
	return 0;
}

/* Every map created (or taken over) and filled, before any program. */
static int prepare_maps(struct edgexdp_bpf *skel,
			const struct load_request *req,
			const unsigned int *ifindexes, bool *reused,
			struct load_result *res, struct edgexdp_diag *d)
{
	const struct maps_prepare_opts opts = {.rs = req->rs,
					       .ifindexes = ifindexes,
					       .keep = kept_state,
					       .reused = reused};
	int err;

	err = maps_prepare(skel, &opts, d);
	if (err)
		return err; /* it said why */
	/* Kept flows were opened under the last load's rule ids. */
	if (reused[KEPT_CONNTRACK])
		err = ct_reclassify_tables(skel, req->rs, &res->kept);
	if (!err)
		err = seed_flows(skel, req->seeds, req->n_seeds);
	if (err)
		diag_set(d, err, "cannot create and fill the maps");
	return err;
}

/* Pin maps, program and what load did; the caller unwinds on failure. */
static int pin_and_record(struct edgexdp_bpf *skel,
			  const struct load_request *req, const bool *reused,
			  struct edgexdp_load_info *info,
			  struct edgexdp_diag *d)
{
	const struct ruleset *rs = req->rs;
	int err, info_fd = -1;

	err = make_pin_dir();
	if (!err)
		err = pin_all(skel, reused);
	if (!err)
		err = maps_create_rule_info(rs);
	if (!err) {
		info_fd = maps_create_load_info();
		err = info_fd < 0 ? info_fd : 0;
	}
	if (err)
		return diag_set(d, err, "cannot pin state under %s/%s",
				bpffs_root(), EDGEXDP_PIN_DIR);
	info->abi_version = EDGEXDP_ABI_VERSION;
	info->loaded_at = (__u64)time(NULL);
	info->n_rules = (__u32)rs->n_rules;
	info->n_rule_ids = (__u32)rs->n_rules;
	info->n_ifaces = (__u32)rs->n_ifaces;
	info->ct_max_entries = rs->ct_max_entries;
	info->ct_unconfirmed_max_entries = rs->ct_unconfirmed_max_entries;
	snprintf(info->config_path, sizeof(info->config_path), "%s",
		 req->config_path);
	err = write_load_info(info_fd, info);
	close(info_fd);
	if (err)
		diag_set(d, err, "cannot record the load");
	return err;
}

int loader_load(const struct load_request *req, struct load_result *res,
		struct edgexdp_diag *d)
{
	const struct ruleset *rs = req->rs;
	struct edgexdp_load_info *info = &res->info;
	unsigned int ifindexes[EDGEXDP_MAX_IFACES] = {0};
	struct xdp_program *prog = NULL;
	bool reused[N_KEPT] = {false};
	const char *keep[N_KEPT + 1];
	struct edgexdp_bpf *skel;
	size_t attached = 0;
	int err;

	memset(info, 0, sizeof(*info));
	err = resolve_ifindexes(rs, ifindexes, d);
	if (err)
		return err;
	skel = edgexdp_bpf__open();
	if (!skel)
		return diag_set(d, -errno, "cannot open the BPF object");
	err = prepare_maps(skel, req, ifindexes, reused, res, d);
	if (err)
		goto out_skel;

	prog = xdp_program__from_bpf_obj(skel->obj, "xdp");
	err = libxdp_get_error(prog);
	if (err) {
		prog = NULL;
		diag_set(d, err, "cannot prepare the XDP program");
		goto out_skel;
	}
	for (; attached < rs->n_ifaces; attached++) {
		err = loader_attach_nic(prog, rs, attached, ifindexes[attached],
					&info->ifaces[attached], d);
		if (err)
			goto out_detach;
	}

	err = pin_and_record(skel, req, reused, info, d);
	if (err)
		goto out_unpin;
	res->kept_flows = reused[KEPT_CONNTRACK];
	xdp_program__close(prog);
	edgexdp_bpf__destroy(skel);
	return 0;

out_unpin:
	kept_names(reused, keep);
	pins_remove(keep); /* ours only: never what it took over */
out_detach:
	while (attached-- > 0)
		loader_detach_nic(&info->ifaces[attached]);
	memset(info, 0, sizeof(*info));
out_skel:
	if (prog)
		xdp_program__close(prog);
	edgexdp_bpf__destroy(skel);
	return err;
}

/*
 * The layout version first, from the map's own size and its first field
 * (every layout starts with it), before anything else is trusted: a map of
 * another layout read into this one's struct would be misread, or overrun.
 */
int loader_read_info(struct edgexdp_load_info *info)
{
	struct bpf_map_info mi = {0};
	__u32 len = sizeof(mi), zero = 0;
	int fd, err = 0;
	__u8 *buf;

	fd = maps_open_pinned(PIN_LOAD_INFO);
	if (fd < 0)
		return fd;
	if (bpf_obj_get_info_by_fd(fd, &mi, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	buf = calloc(1, mi.value_size > sizeof(*info) ? mi.value_size
						      : sizeof(*info));
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	info->abi_version = 0;
	if (mi.value_size < sizeof(__u32)) {
		err = -EPROTO;
	} else if (bpf_map_lookup_elem(fd, &zero, buf)) {
		err = -errno;
	} else {
		memcpy(&info->abi_version, buf, sizeof(__u32));
		if (info->abi_version != EDGEXDP_ABI_VERSION ||
		    mi.value_size != sizeof(*info))
			err = -EPROTO;
		else
			memcpy(info, buf, sizeof(*info));
	}
	free(buf);
	close(fd);
	return err;
}

int loader_check_abi(const struct edgexdp_load_info *info,
		     struct edgexdp_diag *d)
{
	if (info->abi_version == EDGEXDP_ABI_VERSION)
		return 0;
	diag_set(d, 0,
		 "the loaded filter's pinned state has layout %u, this "
		 "edgexdp reads layout %u: run 'edgexdp unload' and 'edgexdp "
		 "load' with this version",
		 info->abi_version, EDGEXDP_ABI_VERSION);
	return -EPROTO;
}

/* The id of the pinned program: layout-free, any version pins it. */
static int pinned_prog_id(__u32 *id)
{
	struct bpf_prog_info pi = {0};
	__u32 len = sizeof(pi);
	char path[EDGEXDP_PATH_LEN];
	int fd, err = pin_path(path, sizeof(path), PIN_PROG);

	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &pi, &len) ? -errno : 0;
	*id = pi.id;
	close(fd);
	return err;
}

/*
 * Pins of another layout: trust none of its records, find the program by
 * the id of its pin on every NIC of this namespace, and detach it there.
 */
static int unload_foreign(__u32 abi_version, struct edgexdp_diag *d)
{
	struct edgexdp_attached_iface a = {0};
	struct if_nameindex *ifs, *it;
	int err, ret = 0;

	err = pinned_prog_id(&a.prog_id);
	if (err)
		return diag_set(d, err, "cannot read the pinned program");
	edgexdp_log(EDGEXDP_LOG_WARN,
		    "the pinned state has layout %u, this edgexdp reads layout "
		    "%u: detaching program id %u wherever it is attached here",
		    abi_version, EDGEXDP_ABI_VERSION, a.prog_id);
	ifs = if_nameindex();
	if (!ifs)
		return diag_set(d, -errno, "cannot list the interfaces");
	for (it = ifs; it->if_index; it++) {
		a.ifindex = it->if_index;
		err = loader_detach_nic(&a);
		if (err == -ENOENT)
			continue;
		if (err && !ret)
			ret = diag_set(d, err, "cannot detach from %s",
				       it->if_name);
		else if (!err)
			edgexdp_log(EDGEXDP_LOG_INFO, "detached from %s",
				    it->if_name);
	}
	if_freenameindex(ifs);
	return ret;
}

/* Detach from one recorded NIC, found by ifindex whatever its name now. */
static int unload_nic(const struct edgexdp_attached_iface *a, int ret,
		      struct edgexdp_diag *d)
{
	char name[IF_NAMESIZE] = "", buf[128];
	int err;

	if (!if_indextoname(a->ifindex, name)) {
		edgexdp_log(EDGEXDP_LOG_WARN,
			    "%s (ifindex %u) is gone; nothing to detach there",
			    a->name, a->ifindex);
		return ret;
	}
	err = loader_detach_nic(a);
	if (err == -ENOENT)
		edgexdp_log(EDGEXDP_LOG_WARN,
			    "%s: edgexdp (prog id %u) is no longer attached",
			    name, a->prog_id);
	else if (err && !ret)
		return diag_set(d, err, "cannot detach from %s", name);
	else if (err) /* the first one is the error */
		edgexdp_log(EDGEXDP_LOG_WARN, "cannot detach from %s: %s", name,
			    bpf_errstr(err, buf, sizeof(buf)));
	else if (strcmp(name, a->name) != 0)
		edgexdp_log(EDGEXDP_LOG_INFO, "detached from %s (loaded as %s)",
			    name, a->name);
	return ret;
}

int loader_unload(bool keep_state, struct edgexdp_diag *d)
{
	struct edgexdp_load_info info = {0};
	int err, ret = 0;

	err = loader_read_info(&info);
	if (err == -EPROTO) {
		ret = unload_foreign(info.abi_version, d);
		/* Its flows are of another layout: nothing to keep. */
		keep_state = false;
		info.n_ifaces = 0;
	} else if (err) {
		return diag_set(d, err, "cannot read the pinned state");
	}
	for (__u32 i = 0; i < info.n_ifaces && i < EDGEXDP_MAX_IFACES; i++)
		if (info.ifaces[i].ifindex) /* 0: a slot a reload left free */
			ret = unload_nic(&info.ifaces[i], ret, d);
	if (ret)
		return ret; /* keep the pins: the state is still in use */
	err = pins_remove(keep_state ? kept_state : NULL);
	if (err)
		diag_set(d, err, "cannot remove the pins under %s/%s",
			 bpffs_root(), EDGEXDP_PIN_DIR);
	return err;
}
