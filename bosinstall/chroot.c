/* SPDX-License-Identifier: GPL-2.0-or-later */
/* chroot.c - a system's own tools run in its root (chroot.h). */
#define _GNU_SOURCE
#include "chroot.h"

#include <dirent.h>
#include <ftw.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pathf.h"
#include "toolrun.h"

#define WORK_INSIDE "/run/ivg"
#define MAX_MOUNTS 8

/* The environment of the root's commands (chroot.h). */
static const char *const base_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root", "LC_ALL=C", "DEBIAN_FRONTEND=noninteractive",
	"DEBCONF_NONINTERACTIVE_SEEN=true", "TMPDIR=/tmp", NULL,
};

struct bos_chroot {
	char root[PATH_MAX];
	bool self;                  /* "/": this system, no chroot */
	char work[PATH_MAX];        /* as the root's commands see it */
	char work_host[PATH_MAX];
	char mounts[MAX_MOUNTS][PATH_MAX];   /* made, in order */
	size_t n_mounts;
	char made[MAX_MOUNTS][PATH_MAX];     /* directories made, in order */
	size_t n_made;
};

static int host_path(struct ivg_ctx *ctx, const struct bos_chroot *c,
		     const char *path, char *out, size_t len)
{
	while (*path == '/')
		path++;
	return ivg_pathf(ctx, out, len, "%s/%s", c->self ? "" : c->root, path);
}

int bos_chroot_path(struct ivg_ctx *ctx, const struct bos_chroot *c,
		    const char *path, char *out, size_t len)
{
	return host_path(ctx, c, path, out, len);
}

/* mkdir, remembering it so that close removes it again. */
static int make_dir(struct ivg_ctx *ctx, struct bos_chroot *c,
		    const char *dir)
{
	if (!mkdir(dir, 0755)) {
		if (c->n_made < MAX_MOUNTS)
			snprintf(c->made[c->n_made++], PATH_MAX, "%s", dir);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	return ivg_err(ctx, errno, "%s: cannot make the directory: %s", dir,
		       strerror(errno));
}

static int mount_in(struct ivg_ctx *ctx, struct bos_chroot *c,
		    const char *inside, const char *type, unsigned long flags,
		    const char *data)
{
	char dir[PATH_MAX];
	int r = host_path(ctx, c, inside, dir, sizeof(dir));

	if (!r)
		r = make_dir(ctx, c, dir);
	if (r)
		return r;
	if (c->n_mounts == MAX_MOUNTS)
		return ivg_err(ctx, E2BIG, "%s: too many mounts", c->root);
	if (mount(type, dir, type, flags, data))
		return ivg_err(ctx, errno, "cannot mount %s at %s: %s", type, dir,
			       strerror(errno));
	snprintf(c->mounts[c->n_mounts++], PATH_MAX, "%s", dir);
	return 0;
}

/* What a boot mounts, for the root's tools. */
static int mount_api(struct ivg_ctx *ctx, struct bos_chroot *c)
{
	unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int r = mount_in(ctx, c, "proc", "proc", safe, NULL);

	if (!r)
		r = mount_in(ctx, c, "sys", "sysfs", safe | MS_RDONLY, NULL);
	if (!r)
		r = mount_in(ctx, c, "dev", "devtmpfs", MS_NOSUID, "mode=0755");
	if (!r)
		r = mount_in(ctx, c, "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			     "newinstance,ptmxmode=0666,mode=0620");
	if (!r)
		r = mount_in(ctx, c, "run", "tmpfs", MS_NOSUID | MS_NODEV,
			     "mode=0755");
	return r;
}

int bos_chroot_open(struct ivg_ctx *ctx, const char *root,
		    const char *tmpdir, struct bos_chroot **out)
{
	struct bos_chroot *c = calloc(1, sizeof(*c));
	int r = 0;

	*out = NULL;
	if (!c)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (!realpath(root, c->root))
		r = ivg_err(ctx, errno, "%s: %s", root, strerror(errno));
	c->self = !r && !strcmp(c->root, "/");
	if (!r && c->self) {
		r = ivg_pathf(ctx, c->work_host, sizeof(c->work_host),
			      "%s/ivg-opp.XXXXXX", tmpdir ? tmpdir : "/tmp");
		if (!r && !mkdtemp(c->work_host))
			r = ivg_err(ctx, errno, "%s: %s", c->work_host, strerror(errno));
		else if (!r)
			snprintf(c->made[c->n_made++], PATH_MAX, "%s", c->work_host);
		snprintf(c->work, sizeof(c->work), "%s", c->work_host);
	} else if (!r) {
		r = mount_api(ctx, c);
		snprintf(c->work, sizeof(c->work), "%s", WORK_INSIDE);
		if (!r)
			r = host_path(ctx, c, WORK_INSIDE, c->work_host,
				      sizeof(c->work_host));
		if (!r && mkdir(c->work_host, 0755))
			r = ivg_err(ctx, errno, "%s: %s", c->work_host, strerror(errno));
	}
	if (r) {
		struct ivg_ctx quiet;

		ivg_ctx_init(&quiet);
		bos_chroot_close(&quiet, c);
		return r;
	}
	*out = c;
	return 0;
}

const char *bos_chroot_root(const struct bos_chroot *c)
{
	return c->root;
}

const char *bos_chroot_work(const struct bos_chroot *c)
{
	return c->work;
}

const char *bos_chroot_work_host(const struct bos_chroot *c)
{
	return c->work_host;
}

/* 'path' with its last component's links followed inside the root (the
 * root's links are the root's: an absolute one starts at the root). */
static bool resolve(const struct bos_chroot *c, const char *path, char *out,
		    size_t len, int depth)
{
	struct ivg_ctx quiet;
	char p[PATH_MAX], target[PATH_MAX], next[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;
	ssize_t n;
	int w;

	ivg_ctx_init(&quiet);
	if (depth > 16 || host_path(&quiet, c, path, p, sizeof(p)) || lstat(p, &st))
		return false;
	if (c->self || !S_ISLNK(st.st_mode)) {
		snprintf(out, len, "%s", path);
		return true;
	}
	n = readlink(p, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	/* A link's path too long for PATH_MAX is not followed. */
	if (target[0] == '/')
		w = snprintf(next, sizeof(next), "%s", target + 1);
	else
		w = snprintf(next, sizeof(next), "%.*s%s",
			     slash ? (int)(slash - path + 1) : 0, path, target);
	if (w < 0 || (size_t)w >= sizeof(next))
		return false;
	return resolve(c, next, out, len, depth + 1);
}

bool bos_chroot_has(const struct bos_chroot *c, const char *path)
{
	struct ivg_ctx quiet;
	char real[PATH_MAX], p[PATH_MAX];
	struct stat st;

	ivg_ctx_init(&quiet);
	if (!resolve(c, path, real, sizeof(real), 0) ||
	    host_path(&quiet, c, real, p, sizeof(p)))
		return false;
	return !stat(p, &st) && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

bool bos_chroot_is_busybox(const struct bos_chroot *c, const char *path)
{
	char real[PATH_MAX];
	const char *base;

	if (!resolve(c, path, real, sizeof(real), 0))
		return false;
	base = strrchr(real, '/');
	return !strcmp(base ? base + 1 : real, "busybox");
}

/* toolrun's message names chroot(8): name the tool that ran in the root. */
static int name_the_tool(struct ivg_ctx *ctx, int r, const char *tool)
{
	char msg[IVG_ERRMSG_MAX];
	const char *m = ivg_errmsg(ctx), *at = strstr(m, ": chroot "),
		   *base = strrchr(tool, '/');

	if (!at)
		return r;
	snprintf(msg, sizeof(msg), "%.*s: %s %s", (int)(at - m), m,
		 base ? base + 1 : tool, at + 9);
	return ivg_err(ctx, -r, "%s", msg);
}

static size_t count(char *const v[])
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

int bos_chroot_run(struct ivg_ctx *ctx, struct bos_chroot *c,
		   const char *what, char *const argv[], char *const env[],
		   int passfd)
{
	size_t nb = count((char *const *)base_env), ne = count(env);
	size_t na = count(argv), k = 0;
	const char *envtool = bos_chroot_has(c, "usr/bin/env") ? "/usr/bin/env" :
			      "/bin/env";
	char **v = calloc(4 + nb + ne + na + 1, sizeof(*v));
	int r;

	if (!v)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (c->self) {
		for (size_t i = 0; i < nb; i++)
			if (strncmp(base_env[i], "PATH=", 5) &&
			    strncmp(base_env[i], "TMPDIR=", 7) &&
			    strncmp(base_env[i], "HOME=", 5))
				v[k++] = (char *)base_env[i];
		for (size_t i = 0; i < ne; i++)
			v[k++] = env[i];
		r = ivg_spawn(ctx, what, argv, v, passfd);
		free(v);
		return r;
	}
	if (!c->self && !bos_chroot_has(c, envtool + 1)) {
		free(v);
		return ivg_err(ctx, ENOENT, "%s: the root %s has no %s", what,
			       c->root, envtool);
	}
	v[k++] = "chroot";
	v[k++] = c->root;
	v[k++] = (char *)envtool;
	v[k++] = "-i";
	for (size_t i = 0; i < nb; i++)
		v[k++] = (char *)base_env[i];
	for (size_t i = 0; i < ne; i++)
		v[k++] = env[i];
	for (size_t i = 0; i < na; i++)
		v[k++] = argv[i];
	r = ivg_spawn(ctx, what, v, NULL, passfd);
	free(v);
	return r ? name_the_tool(ctx, r, argv[0]) : 0;
}

/* Kill every process whose root is c->root; how many were there. */
static size_t kill_inside(const struct bos_chroot *c)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d))) {
		char link[sizeof("/proc//root") + sizeof(e->d_name)], root[PATH_MAX];
		ssize_t len;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(link, sizeof(link), "/proc/%s/root", e->d_name);
		len = readlink(link, root, sizeof(root) - 1);
		if (len <= 0)
			continue;
		root[len] = '\0';
		if (!strcmp(root, c->root)) {
			kill((pid_t)atoi(e->d_name), SIGKILL);
			n++;
		}
	}
	if (d)
		closedir(d);
	return n;
}

/* Wait until nothing runs in the root (killed processes take a moment). */
static void clear_root(const struct bos_chroot *c)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < 100 && kill_inside(c); i++)
		nanosleep(&nap, NULL);
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

int bos_chroot_close(struct ivg_ctx *ctx, struct bos_chroot *c)
{
	int r = 0;

	if (!c)
		return 0;
	if (!c->self)
		clear_root(c);
	while (c->n_mounts) {
		const char *dir = c->mounts[--c->n_mounts];

		if (!umount2(dir, 0))
			continue;
		/* Still busy: detached, so that nothing stays in sight, and
		 * said, since the root's filesystem cannot be unmounted yet. */
		if (!r)
			r = ivg_err(ctx, errno, "cannot unmount %s: %s", dir,
				    strerror(errno));
		umount2(dir, MNT_DETACH);
	}
	/* The work directory holds only what this step wrote. */
	if (c->self && c->work_host[0])
		nftw(c->work_host, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	while (c->n_made)
		rmdir(c->made[--c->n_made]);
	free(c);
	return r;
}
