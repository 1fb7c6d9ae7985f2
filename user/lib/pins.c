// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
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

static int same_link(const char *a, const char *b)
{
	char la[64], lb[64];
	ssize_t n = readlink(a, la, sizeof(la) - 1);
	ssize_t m = readlink(b, lb, sizeof(lb) - 1);

	if (n < 0 || m < 0)
		return -1;
	la[n] = lb[m] = '\0';
	return strcmp(la, lb) == 0;
}

/* Is a bpf filesystem of device `dev` mounted in PID 1's mount namespace? */
static int mounted_in_init_ns(dev_t dev)
{
	char line[1024], fstype[64];
	unsigned int maj, min;
	int found = 0;
	FILE *f = fopen("/proc/1/mountinfo", "r");

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f)) {
		/* "36 35 0:30 / /sys/fs/bpf rw ... - bpf bpf rw" */
		const char *sep = strstr(line, " - ");

		if (sscanf(line, "%*u %*u %u:%u", &maj, &min) != 2 || !sep ||
		    sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		found = strcmp(fstype, "bpf") == 0 && makedev(maj, min) == dev;
	}
	fclose(f);
	return found;
}

/*
 * Pins outlive this command only if their bpffs does: a bpffs mounted in a
 * mount namespace that dies with the command (`ip netns exec`, `unshare
 * -m`, a shell started from either) takes them with it and leaves the
 * filter attached with no way to find it. The mount namespace of PID 1
 * (the host's, or a container's init) outlives us; so does any bpffs
 * instance also mounted there, whichever namespace we see it from.
 * 1: it outlives us; 0: it does not; -errno: cannot tell.
 */
static int bpffs_outlives_us(const char *root)
{
	struct stat st;

	if (same_link("/proc/self/ns/mnt", "/proc/1/ns/mnt") == 1)
		return 1;
	if (stat(root, &st))
		return -errno;
	/* Not PID 1's namespace, or we may not look: ask its mounts. */
	return mounted_in_init_ns(st.st_dev);
}

static int in_init_mount_ns(void)
{
	return same_link("/proc/self/ns/mnt", "/proc/1/ns/mnt") == 1;
}

static void netns_hint(struct edgexdp_diag *d, const char *root)
{
	diag_set(d, 0,
		 "%s is no bpffs that outlives this command: it runs in a "
		 "mount namespace of its own (as 'ip netns exec' or 'unshare "
		 "-m' make), and pins made there vanish when it exits.",
		 root);
	diag_add_hint(d, "edgexdp: mount a bpffs outside /sys and point "
			 "EDGEXDP_BPFFS at it, e.g.\n"
			 "  mkdir -p /run/edgexdp-bpffs && mount -t bpf bpf "
			 "/run/edgexdp-bpffs\n"
			 "  EDGEXDP_BPFFS=/run/edgexdp-bpffs ip netns exec NS "
			 "edgexdp load");
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

/* Mount bpffs at root; keep it only if PID 1 sees it too (our mount
 * namespace is its, or propagates mounts back to it). */
static int mount_bpffs(const char *root, int existed, struct edgexdp_diag *d)
{
	if (!existed && mkdir(root, 0700) && errno != EEXIST)
		return diag_set(d, -errno, "cannot create %s", root);
	if (mount("bpf", root, "bpf", 0, "mode=0700"))
		return diag_set(d, -errno, "cannot mount bpffs at %s", root);
	if (bpffs_outlives_us(root) != 1) {
		umount2(root, MNT_DETACH);
		netns_hint(d, root);
		return -EXDEV;
	}
	edgexdp_log(EDGEXDP_LOG_INFO, "mounted bpffs at %s", root);
	return 0;
}

int bpffs_ensure_mounted(struct edgexdp_diag *d)
{
	const char *root = bpffs_root();
	int ret = is_bpffs(root);

	if (ret == 1) {
		ret = bpffs_outlives_us(root);
		if (ret == 1)
			return 0;
		if (ret == -EACCES || ret == -EPERM)
			return diag_set(d, ret,
					"cannot tell whether %s outlives "
					"this command",
					root);
		netns_hint(d, root);
		return -EXDEV;
	}
	if (ret == -EACCES || ret == -EPERM)
		return diag_set(d, ret, "cannot look at %s", root);
	/* Never hide what a directory holds under a mount of ours. */
	if (strcmp(root, EDGEXDP_BPFFS_DEFAULT) != 0 && !dir_is_empty(root)) {
		diag_set(d, 0,
			 "EDGEXDP_BPFFS=%s is no bpffs (and not empty, so "
			 "edgexdp will not mount one there)",
			 root);
		return -ENOTDIR;
	}
	return mount_bpffs(root, ret != -ENOENT, d);
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
	if (errno == EACCES || errno == EPERM)
		return PINS_NO_ACCESS;
	if (pin_path(path, sizeof(path), NULL) || dir_is_empty(path))
		return PINS_NONE;
	return PINS_KEPT_ONLY;
}

int pins_why_no_bpffs(struct edgexdp_diag *d)
{
	const char *root = bpffs_root();

	if (is_bpffs(root) == 1 || in_init_mount_ns())
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
