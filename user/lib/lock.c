// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The lock every command that changes the state holds: an flock on the
 * bpffs root. flock is released however the holder exits, even killed;
 * /proc/locks tells who holds it, so a second command can say so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "diag.h"
#include "number.h"
#include "pins.h"

/* The pid holding a flock on the inode `st` describes, from /proc/locks. */
static int lock_holder(const struct stat *st)
{
	char line[256], type[16];
	unsigned int maj, min;
	unsigned long ino;
	int pid, holder = 0;
	FILE *f = fopen("/proc/locks", "r");

	if (!f)
		return 0;
	while (!holder && fgets(line, sizeof(line), f)) {
		/* "3: FLOCK  ADVISORY  WRITE 1234 00:2e:1 0 EOF"; waiters
		 * have "->" after the number and are not holders. */
		if (sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%lu", type, &pid,
			   &maj, &min, &ino) != 5 ||
		    strcmp(type, "FLOCK") != 0)
			continue;
		if (ino == st->st_ino && makedev(maj, min) == st->st_dev)
			holder = pid;
	}
	fclose(f);
	return holder;
}

/* "edgexdp load -c x.yaml" for a pid, or "?" if it is gone. */
static void pid_cmdline(int pid, char *buf, size_t len)
{
	char path[64];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	for (size_t i = 0; i + 1 < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	if (n == 0)
		snprintf(buf, len, "?");
}

/* An flock on `path`, which must still name the file locked: a reader
 * that ends removes it (pins_unlock_log), and one that opened it just
 * before would otherwise lock a file nobody else can find. */
static int lock_file_nb(const char *path, struct stat *st)
{
	struct stat named;
	int fd;

	for (int tries = 0; tries < 8; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			  0600);
		if (fd < 0)
			return -errno;
		if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
			close(fd);
			return -EINVAL;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) || fstat(fd, st)) {
			int err = -errno;

			if (err == -EWOULDBLOCK && fstat(fd, st))
				err = -errno;
			close(fd);
			return err;
		}
		if (!stat(path, &named) && named.st_ino == st->st_ino &&
		    named.st_dev == st->st_dev)
			return fd;
		close(fd);
	}
	return -ESTALE; /* not -EAGAIN, which is -EWOULDBLOCK: "busy" */
}

/*
 * The directory of the log's locks: one no other user can write to, so no
 * one else can hold, replace or link a lock file there (/run/lock is
 * writable by all).
 */
static int log_lock_dir(struct edgexdp_diag *d)
{
	const char *dir = EDGEXDP_LOG_LOCK_DIR;
	struct stat st;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return diag_set(d, -errno, "cannot create %s", dir);
	if (lstat(dir, &st))
		return diag_set(d, -errno, "cannot open %s", dir);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		diag_set(d, 0,
			 "%s is not a directory only this user can write to "
			 "(owner %u, mode %04o): remove it, and run log again",
			 dir, (unsigned int)st.st_uid,
			 (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int pins_lock_log(char *path, size_t len, struct edgexdp_diag *d)
{
	const char *root = bpffs_root();
	char who[256];
	struct stat st;
	int fd, pid;

	if (stat(root, &st))
		return diag_set(d, -errno, "cannot open %s", root);
	snprintf(path, len, EDGEXDP_LOG_LOCK_DIR "/log-%u-%u-%lu.lock",
		 major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);
	fd = log_lock_dir(d);
	if (fd)
		return fd;
	fd = lock_file_nb(path, &st);
	if (fd >= 0)
		return fd;
	if (fd == -EINVAL) {
		diag_set(d, 0, "%s is no regular file: remove it", path);
		return fd;
	}
	if (fd != -EWOULDBLOCK)
		return diag_set(d, fd, "cannot lock the drop log (%s)", path);
	pid = lock_holder(&st);
	pid_cmdline(pid, who, sizeof(who));
	diag_set(d, 0,
		 "pid %d (%s) reads the drop log of %s already: one log at a "
		 "time, two would split its records",
		 pid, who, root);
	return -EBUSY;
}

void pins_unlock_log(const char *path, int fd)
{
	if (fd < 0)
		return;
	unlink(path); /* while held: see lock_file_nb */
	close(fd);
}

static unsigned int lock_wait_seconds(void)
{
	const char *env = getenv("EDGEXDP_LOCK_TIMEOUT");
	unsigned long v;

	if (!env || parse_uint(env, 0, 3600, &v))
		return EDGEXDP_LOCK_TIMEOUT_DEFAULT;
	return (unsigned int)v;
}

int pins_lock(struct edgexdp_diag *d)
{
	unsigned int tries = lock_wait_seconds() * 10;
	const char *root = bpffs_root();
	char who[256];
	struct stat st;
	int fd, err, pid;

	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, -errno, "cannot open %s to lock it", root);
	if (fstat(fd, &st)) {
		err = diag_set(d, -errno, "cannot open %s to lock it", root);
		close(fd);
		return err;
	}
	/* libxdp locks a directory of its own beneath, never this one. */
	for (unsigned int i = 0;; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		err = -errno;
		if (err != -EWOULDBLOCK || i >= tries)
			break;
		if (i == 0) {
			pid = lock_holder(&st);
			pid_cmdline(pid, who, sizeof(who));
			edgexdp_log(EDGEXDP_LOG_WARN,
				    "waiting for pid %d (%s), which is "
				    "changing the state under %s",
				    pid, who, root);
		}
		usleep(100 * 1000);
	}
	if (err == -EWOULDBLOCK) {
		pid = lock_holder(&st);
		pid_cmdline(pid, who, sizeof(who));
		err = -EBUSY;
		diag_set(d, 0,
			 "pid %d (%s) still holds the lock on %s; try "
			 "again when it is done",
			 pid, who, root);
	} else {
		diag_set(d, err, "cannot lock %s", root);
	}
	close(fd);
	return err;
}
