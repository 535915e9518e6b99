/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lock.c - lvm2's file locks on VGs (flock on <locking_dir>/V_<vg>). */
#define _GNU_SOURCE
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lvmconf.h"
#include "pathf.h"

/* lvm2's DEFAULT_LOCK_DIR, as Debian and every distribution build it. */
#define DEFAULT_LOCKING_DIR "/run/lock/lvm"
/* lvm2's suffix of the companion file of prioritise_write_locks. */
#define AUX_SUFFIX ":aux"

struct held {
	char *name;                /* "V_vg", "P_global" */
	char *path;                /* in the locking directory */
	int fd;
};

struct ivg_locks {
	char dir[PATH_MAX];
	bool wait;                 /* global/wait_for_locks */
	bool prioritise_write;     /* global/prioritise_write_locks */
	size_t n;
	struct held *held;
};

static int read_config(struct ivg_ctx *ctx, const char *etc_lvm,
		       struct ivg_locks *l)
{
	struct ivg_cfg_node *root;
	char path[4096];
	const char *dir;
	bool lockd = false;
	int r = ivg_lvmconf_load(ctx, etc_lvm, "lvm.conf", path, &root);

	if (!r)
		r = ivg_lvmconf_str(ctx, root, path, "global", "locking_dir",
				    DEFAULT_LOCKING_DIR, &dir);
	if (!r)
		r = ivg_lvmconf_bool(ctx, root, path, "global", "use_lvmlockd",
				     false, &lockd);
	if (!r)
		r = ivg_lvmconf_bool(ctx, root, path, "global", "wait_for_locks",
				     true, &l->wait);
	if (!r)
		r = ivg_lvmconf_bool(ctx, root, path, "global",
				     "prioritise_write_locks", true,
				     &l->prioritise_write);
	if (!r && lockd)
		r = ivg_err(ctx, ENOTSUP, "%s: global/use_lvmlockd = 1: ivg does not support shared VGs under lvmlockd yet, and will not write them unlocked",
			    path);
	if (!r && (!*dir || strlen(dir) >= sizeof(l->dir) - 32))
		r = ivg_err(ctx, EINVAL, "%s: global/locking_dir \"%s\" is not a usable directory",
			    path, dir);
	if (!r)
		strcpy(l->dir, dir);
	ivg_cfg_free(root);
	return r;
}

/* mkdir -p, as lvm2 creates its locking directory when it is missing. */
static int make_dir(struct ivg_ctx *ctx, const char *dir)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; ; s++) {
		bool last = !*s;

		if (*s != '/' && !last)
			continue;
		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST)
			return ivg_err(ctx, errno, "cannot create the locking directory %s: %s",
				       p, strerror(errno));
		if (last)
			return 0;
		*s = '/';
	}
}

int ivg_locks_open(struct ivg_ctx *ctx, const char *etc_lvm,
		   struct ivg_locks **out)
{
	struct ivg_locks *l = calloc(1, sizeof(*l));
	int r = l ? read_config(ctx, etc_lvm, l) :
		ivg_err(ctx, ENOMEM, "out of memory");

	if (!r)
		r = make_dir(ctx, l->dir);
	if (r) {
		free(l);
		l = NULL;
	}
	*out = l;
	return r;
}

const char *ivg_locks_dir(const struct ivg_locks *l)
{
	return l->dir;
}

static void pause_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * flock, waiting if need be. A blocking flock cannot be interrupted
 * without changing the process's signal handling, which the library
 * leaves alone; so a wait polls, with a short back-off, and looks at
 * ctx->interrupted between tries.
 */
static int wait_flock(struct ivg_ctx *ctx, const struct ivg_locks *l, int fd,
		      int op, const char *path)
{
	unsigned ms = 1;
	bool told = false;

	for (;;) {
		int r;

		if (!flock(fd, op | LOCK_NB))
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return ivg_err(ctx, errno, "%s: cannot lock: %s", path,
				       strerror(errno));
		if (!l->wait)
			return ivg_err(ctx, EAGAIN, "%s is locked by another command, and global/wait_for_locks = 0",
				       path);
		if (!told)
			ivg_info(ctx, "Waiting for the lock %s", path);
		told = true;
		r = ivg_check_interrupt(ctx, "waiting for a lock");
		if (r)
			return ivg_err_prefix(ctx, r, "%s: ", path);
		pause_ms(ms);
		if (ms < 32)
			ms *= 2;
	}
}

static bool still_named(int fd, const char *path)
{
	struct stat a, b;

	return !stat(path, &a) && !fstat(fd, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/*
 * Open and lock one file; again when the file was removed by a releasing
 * holder between our open and our lock (the lock would guard nothing).
 */
static int lock_file(struct ivg_ctx *ctx, const struct ivg_locks *l,
		     const char *path, int op, int *out)
{
	for (;;) {
		int fd = open(path, O_CREAT | O_APPEND | O_RDWR | O_CLOEXEC,
			      0600);
		int r;

		if (fd < 0)
			return ivg_err(ctx, errno, "%s: cannot open the lock file: %s",
				       path, strerror(errno));
		r = wait_flock(ctx, l, fd, op, path);
		if (r) {
			close(fd);
			return r;
		}
		if (still_named(fd, path)) {
			*out = fd;
			return 0;
		}
		close(fd);
	}
}

/* Unlock, and remove the file when nobody else holds or waits on it. */
static void unlock_file(const char *path, int fd)
{
	flock(fd, LOCK_UN | LOCK_NB);
	if (!flock(fd, LOCK_EX | LOCK_NB) && still_named(fd, path))
		unlink(path);
	close(fd);
}

/*
 * prioritise_write_locks, as lvm2 does it: everyone passes through the
 * exclusive ":aux" file; a writer keeps it until it has the lock itself,
 * so readers arriving after a waiting writer queue behind it.
 */
static int take(struct ivg_ctx *ctx, struct ivg_locks *l, const char *name,
		bool exclusive)
{
	char path[PATH_MAX], aux[PATH_MAX];
	int op = exclusive ? LOCK_EX : LOCK_SH, fd = -1, afd = -1, r;
	struct held *grown;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->held[i].name, name))
			return ivg_err(ctx, EDEADLK, "%s/%s: already locked by this command",
				       l->dir, name);
	grown = realloc(l->held, (l->n + 1) * sizeof(*grown));
	if (!grown)
		return ivg_err(ctx, ENOMEM, "out of memory");
	l->held = grown;
	if ((r = ivg_pathf(ctx, path, sizeof(path), "%s/%s", l->dir, name)) ||
	    (r = ivg_pathf(ctx, aux, sizeof(aux), "%s%s", path, AUX_SUFFIX)))
		return r;
	if (l->prioritise_write) {
		r = lock_file(ctx, l, aux, LOCK_EX, &afd);
		if (r)
			return r;
		if (!exclusive) {
			unlock_file(aux, afd);
			afd = -1;
		}
	}
	r = lock_file(ctx, l, path, op, &fd);
	if (afd >= 0)
		unlock_file(aux, afd);
	if (r)
		return r;
	l->held[l->n].name = strdup(name);
	l->held[l->n].path = strdup(path);
	if (!l->held[l->n].name || !l->held[l->n].path) {
		free(l->held[l->n].name);
		free(l->held[l->n].path);
		unlock_file(path, fd);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	l->held[l->n++].fd = fd;
	ivg_debug(ctx, "Locked %s %s", path, exclusive ? "exclusive" : "shared");
	return 0;
}

int ivg_lock_vg(struct ivg_ctx *ctx, struct ivg_locks *l, const char *vgname,
		bool exclusive)
{
	char name[NAME_MAX + 1];

	/* A VG name is at most 128 of [A-Za-z0-9._+-]: a file name as is. */
	if (!*vgname || strchr(vgname, '/') ||
	    (size_t)snprintf(name, sizeof(name), "V_%s", vgname) >= sizeof(name))
		return ivg_err(ctx, EINVAL, "cannot lock VG \"%s\": not a VG name",
			       vgname);
	return take(ctx, l, name, exclusive);
}

int ivg_lock_global(struct ivg_ctx *ctx, struct ivg_locks *l, bool exclusive)
{
	return take(ctx, l, "P_global", exclusive);
}

static void release(struct ivg_locks *l, size_t i)
{
	unlock_file(l->held[i].path, l->held[i].fd);
	free(l->held[i].name);
	free(l->held[i].path);
	l->held[i] = l->held[--l->n];
}

int ivg_unlock_vg(struct ivg_locks *l, const char *vgname)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (!strncmp(l->held[i].name, "V_", 2) &&
		    !strcmp(l->held[i].name + 2, vgname)) {
			release(l, i);
			return 0;
		}
	return -ENOENT;
}

void ivg_locks_close(struct ivg_locks *l)
{
	if (!l)
		return;
	while (l->n)
		release(l, l->n - 1);
	free(l->held);
	free(l);
}
