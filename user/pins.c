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

#include "common.h"
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

int bpffs_ensure_mounted(void)
{
	const char *root = bpffs_root();
	int ret = is_bpffs(root);

	if (ret == 1)
		return 0;
	if (mount_ns_is_transient()) {
		fprintf(stderr,
			"edgexdp: %s is no bpffs, and this command runs in a mount "
			"namespace of its own (as 'ip netns exec' makes): pins "
			"made there vanish when it exits.\n"
			"edgexdp: mount a bpffs outside /sys and point "
			"EDGEXDP_BPFFS at it, e.g.\n"
			"  mkdir -p /run/edgexdp-bpffs && mount -t bpf bpf "
			"/run/edgexdp-bpffs\n"
			"  EDGEXDP_BPFFS=/run/edgexdp-bpffs ip netns exec NS "
			"edgexdp load\n",
			root);
		return -EXDEV;
	}
	if (ret == -ENOENT && mkdir(root, 0700) && errno != EEXIST)
		return -errno;
	if (mount("bpf", root, "bpf", 0, "mode=0700")) {
		ret = -errno;
		pr_err(ret, "cannot mount bpffs at %s", root);
		return ret;
	}
	pr_info("mounted bpffs at %s\n", root);
	return 0;
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

int pins_loaded(void)
{
	char path[EDGEXDP_PATH_LEN];

	if (pin_path(path, sizeof(path), PIN_LOAD_INFO))
		return 0;
	return access(path, F_OK) == 0;
}

int pins_remove_all(void)
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
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && errno != ENOENT)
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT && !err)
		err = -errno;
	return err;
}
