// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A reload's pins: staged in edgexdp_staged (bpffs refuses names with a
 * dot) while the old ones stay live, then exchanged with them in one
 * rename (RENAME_EXCHANGE), so a reader sees the old set or the new one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "edgexdp.skel.h"
#include "maps.h"
#include "pins.h"
#include "reload_internal.h"

#define STAGE_SUFFIX "_staged"

int reload_injected(const char *step, struct edgexdp_diag *d)
{
	const char *at = getenv("EDGEXDP_FAIL_AT");

	if (!at || strcmp(at, step) != 0)
		return 0;
	return diag_set(d, -EFAULT, "reload: failure injected at %s", step);
}

static int stage_path(char *buf, size_t len, const char *name)
{
	int n = name ? snprintf(buf, len, "%s/%s" STAGE_SUFFIX "/%s",
				bpffs_root(), EDGEXDP_PIN_DIR, name)
		     : snprintf(buf, len, "%s/%s" STAGE_SUFFIX, bpffs_root(),
				EDGEXDP_PIN_DIR);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Empty the staging directory and remove it; missing is fine. */
static int unstage(void)
{
	char dir[EDGEXDP_PATH_LEN], path[EDGEXDP_PATH_LEN * 2];
	struct dirent *de;
	int err = stage_path(dir, sizeof(dir), NULL);
	DIR *dh;

	if (err)
		return err;
	dh = opendir(dir);
	if (!dh)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && errno != ENOENT)
			err = -errno;
	}
	closedir(dh);
	if (rmdir(dir) && errno != ENOENT && !err)
		err = -errno;
	return err;
}

static int pin_fd_staged(int fd, const char *name)
{
	char path[EDGEXDP_PATH_LEN];
	int err = stage_path(path, sizeof(path), name);

	return err ? err : bpf_obj_pin(fd, path) ? -errno : 0;
}

static int stage_info(struct reload_ctx *c)
{
	struct edgexdp_load_info *info = &c->res->info;
	__u32 zero = 0;
	int fd, err;

	info->abi_version = EDGEXDP_ABI_VERSION;
	info->loaded_at = c->old.info.loaded_at;
	info->reloaded_at = (__u64)time(NULL);
	info->reloads = c->old.info.reloads + 1;
	info->n_rules = (__u32)c->res->n_rules;
	info->n_rule_ids = (__u32)c->req->rs->n_rules;
	info->ct_max_entries = c->req->rs->ct_max_entries;
	info->ct_unconfirmed_max_entries =
		c->req->rs->ct_unconfirmed_max_entries;
	snprintf(info->config_path, sizeof(info->config_path), "%s",
		 c->req->config_path);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, PIN_LOAD_INFO, sizeof(__u32),
			    sizeof(*info), 1, NULL);
	if (fd < 0)
		return -errno;
	err = bpf_map_update_elem(fd, &zero, info, BPF_ANY) ? -errno : 0;
	if (!err)
		err = pin_fd_staged(fd, PIN_LOAD_INFO);
	close(fd);
	return err;
}

/* Every map (new rule maps, the live state maps), the program, rule_info
 * and load_info, pinned under edgexdp_staged. */
int reload_stage_pins(struct reload_ctx *c, struct edgexdp_diag *d)
{
	char dir[EDGEXDP_PATH_LEN];
	struct bpf_map *map;
	int err, fd;

	err = unstage(); /* what a reload that died left */
	if (!err)
		err = stage_path(dir, sizeof(dir), NULL);
	if (!err && mkdir(dir, 0700))
		err = -errno;
	bpf_object__for_each_map (map, c->skel->obj) {
		if (err || bpf_map__is_internal(map))
			continue;
		err = pin_fd_staged(bpf_map__fd(map), bpf_map__name(map));
	}
	if (!err)
		err = pin_fd_staged(bpf_program__fd(c->skel->progs.edgexdp_xdp),
				    PIN_PROG);
	if (!err) {
		fd = maps_rule_info_fd(c->req->rs);
		err = fd < 0 ? fd : pin_fd_staged(fd, PIN_RULE_INFO);
		if (fd >= 0)
			close(fd);
	}
	if (!err)
		err = reload_injected("pins", d) ? -EFAULT : stage_info(c);
	if (err) {
		if (err != -EFAULT)
			diag_set(d, err, "cannot pin the new rules under %s",
				 dir);
		unstage();
	}
	return err;
}

/* The staged pins become the live ones in one rename; the old ones go. */
int reload_exchange_pins(struct edgexdp_diag *d)
{
	char live[EDGEXDP_PATH_LEN], staged[EDGEXDP_PATH_LEN];
	int err = pin_path(live, sizeof(live), NULL);

	if (!err)
		err = stage_path(staged, sizeof(staged), NULL);
	if (!err &&
	    renameat2(AT_FDCWD, staged, AT_FDCWD, live, RENAME_EXCHANGE))
		err = -errno;
	if (err)
		return diag_set(d, err, "cannot put the new pins in place");
	return unstage(); /* now the old ones */
}
