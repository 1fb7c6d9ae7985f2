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

int bpffs_ensure_mounted(void)
{
	const char *root = bpffs_root();
	int ret = is_bpffs(root);

	if (ret == 1)
		return 0;
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
