// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "diag.h"
#include "edgexdp.h"
#include "pins.h"

const char *bpffs_root(void)
{
	const char *env = getenv("EDGEXDP_BPFFS");

	return env && *env ? env : EDGEXDP_BPFFS_DEFAULT;
}

static int is_bpffs(const char *path)
{
	struct statfs st;

	if (statfs(path, &st))
		return -errno;
	return st.f_type == BPF_FS_MAGIC;
}

/*
 * `ip netns exec` runs us in a mount namespace of our own that dies with
 * the command: a bpffs mounted there takes our pins with it and leaves
 * the filter attached with no way to find it. Tell that from a container
 * (whose shell shares our mount namespace) by asking our parent's.
 */
static int mount_ns_is_transient(void)
{
	char self[64], parent[64], path[64];
	ssize_t n, m;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)getppid());
	n = readlink("/proc/self/ns/mnt", self, sizeof(self) - 1);
	m = readlink(path, parent, sizeof(parent) - 1);
	if (n < 0 || m < 0)
		return 0;
	self[n] = parent[m] = '\0';
	return strcmp(self, parent) != 0;
}

static void netns_hint(struct edgexdp_diag *d, const char *root)
{
	diag_set(d, 0,
		"%s is no bpffs, and this command runs in a mount "
		"namespace of its own (as 'ip netns exec' makes): pins made "
		"there vanish when it exits.\n"
		"edgexdp: mount a bpffs outside /sys and point EDGEXDP_BPFFS at "
		"it, e.g.\n"
		"  mkdir -p /run/edgexdp-bpffs && mount -t bpf bpf "
		"/run/edgexdp-bpffs\n"
		"  EDGEXDP_BPFFS=/run/edgexdp-bpffs ip netns exec NS edgexdp "
		"load",
		root);
}

static int dir_is_empty(const char *path)
{
	struct dirent *de;
	int empty = 1;
	DIR *d = opendir(path);

	if (!d)
		return errno == ENOENT;
	while (empty && (de = readdir(d)))
		empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(d);
	return empty;
}

int bpffs_ensure_mounted(struct edgexdp_diag *d)
{
	const char *root = bpffs_root();
	int ret = is_bpffs(root);

	if (ret == 1)
		return 0;
	if (mount_ns_is_transient()) {
		netns_hint(d, root);
		return -EXDEV;
	}
	/* Never hide what a directory holds under a mount of ours. */
	if (strcmp(root, EDGEXDP_BPFFS_DEFAULT) != 0 && !dir_is_empty(root)) {
		diag_set(d, 0, "EDGEXDP_BPFFS=%s is no bpffs (and not empty, so "
			       "edgexdp will not mount one there)",
			 root);
		return -ENOTDIR;
	}
	if (ret == -ENOENT && mkdir(root, 0700) && errno != EEXIST)
		return diag_set(d, -errno, "cannot create %s", root);
	if (mount("bpf", root, "bpf", 0, "mode=0700"))
		return diag_set(d, -errno, "cannot mount bpffs at %s", root);
	edgexdp_log(EDGEXDP_LOG_INFO, "mounted bpffs at %s", root);
	return 0;
}

enum pins_state pins_state(void)
{
	const char *root = bpffs_root();
	char path[EDGEXDP_PATH_LEN];

	/* Attached or not, nothing pinned can be found from here. */
	if (is_bpffs(root) != 1)
		return PINS_NO_BPFFS;
	if (pin_path(path, sizeof(path), PIN_LOAD_INFO))
		return PINS_NONE;
	if (access(path, F_OK) == 0)
		return PINS_LOADED;
	if (pin_path(path, sizeof(path), NULL) || dir_is_empty(path))
		return PINS_NONE;
	return PINS_KEPT_ONLY;
}

int pins_why_no_bpffs(struct edgexdp_diag *d)
{
	const char *root = bpffs_root();

	if (is_bpffs(root) == 1 || !mount_ns_is_transient())
		return 0;
	netns_hint(d, root);
	return 1;
}

int pin_path(char *buf, size_t len, const char *name)
{
	int n;

	if (name)
		n = snprintf(buf, len, "%s/%s/%s", bpffs_root(),
			     EDGEXDP_PIN_DIR, name);
	else
		n = snprintf(buf, len, "%s/%s", bpffs_root(), EDGEXDP_PIN_DIR);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int name_listed(const char *name, const char *const *names)
{
	for (size_t i = 0; names && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

int pins_remove(const char *const *keep)
{
	char dir[EDGEXDP_PATH_LEN], path[EDGEXDP_PATH_LEN * 2];
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (pin_path(dir, sizeof(dir), NULL))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || name_listed(de->d_name, keep))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && errno != ENOENT)
			err = -errno;
	}
	closedir(d);
	/* With kept pins left the directory stays, as it should. */
	if (rmdir(dir) && errno != ENOENT && errno != ENOTEMPTY && !err)
		err = -errno;
	return err;
}
