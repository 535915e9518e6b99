/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs_dir.c - oppfs mounted on this host: ordinary system calls on
 * paths resolved inside the mount (oppfs.h): every directory opened
 * with openat(O_NOFOLLOW | O_DIRECTORY) from the mount point, on its
 * device, and the last name used relative to its directory. Staging is
 * the directory OPP_FS_STAGING; the kernel frees a file when its last
 * name goes, so reclaim only removes names (its own: see dir_reclaim).
 */
#define _GNU_SOURCE             /* syncfs */
#include "oppfs_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* A name changed since the last reclaim, to put back on rollback. */
struct change {
	char path[4096];
	char old[64];              /* the file it named, now in staging; "" none */
};

struct dirfs {
	struct opp_fs base;
	int fd;                    /* the mount point */
	dev_t dev;
	char dir[4096];
	struct change *changes;
	size_t n_changes;
};

struct dirfile {
	struct opp_file base;
	int fd;
	struct dirfs *d;
};

static int sys_fail(struct ivg_ctx *ctx, struct dirfs *d, int err,
		    const char *path, const char *what)
{
	return ivg_err(ctx, err, "%s: %s: %s: %s", d->base.where, path, what,
		       err == ENOSPC ? "no space left" : strerror(err));
}

/*
 * The directory that holds path's last name, opened, and that name.
 * Each directory is opened from the one before without following a
 * symbolic link, and must lie on the mount's device. -errno.
 */
static int parent_of(struct dirfs *d, const char *path, int *dfd,
		     const char **base)
{
	const char *p = path, *slash;
	int fd = dup(d->fd);

	while (fd >= 0 && (slash = strchr(p, '/'))) {
		char name[256];
		struct stat st;
		size_t n = (size_t)(slash - p);
		int next;

		if (n >= sizeof(name)) {
			close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(name, p, n);
		name[n] = 0;
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		if (fd >= 0 && (fstat(fd, &st) || st.st_dev != d->dev)) {
			close(fd);
			return -EXDEV;
		}
		p = slash + 1;
	}
	if (fd < 0)
		return -errno;
	*dfd = fd;
	*base = p;
	return 0;
}

static int staging_fd(struct ivg_ctx *ctx, struct dirfs *d, bool create)
{
	int fd = openat(d->fd, OPP_FS_STAGING,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(d->fd, OPP_FS_STAGING, 0700) && errno != EEXIST)
			return sys_fail(ctx, d, errno, OPP_FS_STAGING, "cannot make the directory");
		fsync(d->fd);
		fd = openat(d->fd, OPP_FS_STAGING,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return errno == ENOENT && !create ? -ENOENT :
			sys_fail(ctx, d, errno, OPP_FS_STAGING, "cannot open");
	return fd;
}

/* lstat of path inside the mount; false when it cannot be reached. */
static bool stat_at(struct dirfs *d, const char *path, struct stat *st)
{
	const char *base;
	int dfd;
	bool yes;

	if (!*path)
		return !fstat(d->fd, st);
	if (parent_of(d, path, &dfd, &base))
		return false;
	yes = !fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW);
	close(dfd);
	return yes;
}

static bool dir_exists(struct opp_fs *fs, const char *path)
{
	struct stat st;

	return stat_at((struct dirfs *)fs, path, &st);
}

static bool dir_is_dir(struct opp_fs *fs, const char *path)
{
	struct stat st;

	return stat_at((struct dirfs *)fs, path, &st) && S_ISDIR(st.st_mode);
}

/* Bytes of the regular files directly in staging (their blocks). */
static void staged_size(struct dirfs *d, uint64_t *files, uint64_t *bytes)
{
	int fd = openat(d->fd, OPP_FS_STAGING,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	*files = *bytes = 0;
	if (!dp) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(dp))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		(*files)++;
		/* A file with another name is not freed by reclaim. */
		if (st.st_nlink == 1)
			*bytes += (uint64_t)st.st_blocks * 512;
	}
	closedir(dp);
}

static uint64_t dir_free_bytes(struct opp_fs *fs)
{
	struct dirfs *d = (struct dirfs *)fs;
	struct statvfs sv;
	uint64_t files, bytes;

	if (fstatvfs(d->fd, &sv))
		return 0;
	staged_size(d, &files, &bytes);
	return (uint64_t)sv.f_bavail * sv.f_frsize + bytes;
}

static int dir_sync(struct ivg_ctx *ctx, struct opp_fs *fs)
{
	struct dirfs *d = (struct dirfs *)fs;

	return syncfs(d->fd) ? sys_fail(ctx, d, errno, ".", "cannot sync") : 0;
}

static int dir_close(struct ivg_ctx *ctx, struct opp_fs *fs)
{
	struct dirfs *d = (struct dirfs *)fs;
	int r = 0;

	if (d->fd >= 0) {
		if (syncfs(d->fd))
			r = sys_fail(ctx, d, errno, ".", "cannot sync");
		close(d->fd);
	}
	free(d->changes);
	free(d);
	return r;
}

static int file_read(struct ivg_ctx *ctx, struct opp_file *f, void *buf,
		     size_t len, size_t *got)
{
	struct dirfile *df = (struct dirfile *)f;
	ssize_t n;

	do
		n = read(df->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sys_fail(ctx, df->d, errno, f->path, "read error");
	*got = (size_t)n;
	return 0;
}

static void file_close(struct opp_file *f)
{
	struct dirfile *df = (struct dirfile *)f;

	close(df->fd);
	free((char *)f->path);
	free(df);
}

static int dir_file_open(struct ivg_ctx *ctx, struct opp_fs *fs,
			 const char *path, struct opp_file **out, uint64_t *size)
{
	struct dirfs *d = (struct dirfs *)fs;
	struct dirfile *df;
	struct stat st;
	const char *base;
	int dfd, fd, r = parent_of(d, path, &dfd, &base);

	if (r)
		return sys_fail(ctx, d, -r, path, "cannot open");
	fd = openat(dfd, base, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	r = fd < 0 ? errno : 0;
	close(dfd);
	if (fd < 0)
		return sys_fail(ctx, d, r, path, "cannot open");
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return ivg_err(ctx, EINVAL, "%s: %s: not a regular file", fs->where, path);
	}
	df = calloc(1, sizeof(*df));
	if (!df || !(df->base.path = strdup(path))) {
		free(df);
		close(fd);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	df->fd = fd;
	df->d = d;
	df->base.read = file_read;
	df->base.close = file_close;
	*size = (uint64_t)st.st_size;
	*out = &df->base;
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? errno : EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int copy_in(struct ivg_ctx *ctx, struct opp_src *src, int fd,
		   int *werr)
{
	enum { CHUNK = 1 << 20 };
	char *buf = malloc(CHUNK);
	size_t got = CHUNK;
	int r = buf ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	while (!r && !*werr && got == CHUNK) {
		r = opp_src_read(ctx, src, buf, CHUNK, &got);
		if (!r && got)
			*werr = write_all(fd, buf, got);
	}
	free(buf);
	return r;
}

struct opp_staged {
	char name[64];             /* in staging */
};

static int dir_stage(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		     struct opp_src *src, struct opp_staged **out)
{
	struct dirfs *d = (struct dirfs *)fs;
	struct opp_staged *st = malloc(sizeof(*st));
	char sha[IVG_SHA256_HEX];
	int sfd, fd, r, werr = 0;

	if (!st)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if ((sfd = staging_fd(ctx, d, true)) < 0) {
		free(st);
		return sfd;
	}
	opp_fs_stage_name(fs, st->name, sizeof(st->name), "new");
	fd = openat(sfd, st->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		r = sys_fail(ctx, d, errno, path, "cannot create");
		close(sfd);
		free(st);
		return r;
	}
	r = copy_in(ctx, src, fd, &werr);
	if (!r && !werr)
		r = opp_src_finish(ctx, src, sha);
	if (!r && !werr && fsync(fd))
		werr = errno;
	if (close(fd) && !werr)
		werr = errno;
	close(sfd);
	if (r || werr) {
		free(st);          /* the file stays in staging: reclaim frees it */
		return r ? r : sys_fail(ctx, d, werr, path, "cannot write");
	}
	*out = st;
	return 0;
}

static int remember(struct ivg_ctx *ctx, struct dirfs *d, const char *path,
		    const char *old)
{
	struct change *c = realloc(d->changes, (d->n_changes + 1) * sizeof(*c));

	if (!c)
		return ivg_err(ctx, ENOMEM, "out of memory");
	d->changes = c;
	c += d->n_changes++;
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(c->old, sizeof(c->old), "%s", old);
	return 0;
}

/* Both directories synced: the names as they are now survive a crash. */
static int sync_dirs(struct ivg_ctx *ctx, struct dirfs *d, int a, int b,
		     const char *path)
{
	if (fsync(a) || fsync(b))
		return sys_fail(ctx, d, errno, path, "cannot sync its directory");
	return 0;
}

static int dir_publish(struct ivg_ctx *ctx, struct opp_fs *fs,
		       struct opp_staged *st, const char *path, bool replace)
{
	struct dirfs *d = (struct dirfs *)fs;
	char old[64] = "";
	const char *base;
	struct stat sb;
	int dfd, sfd, r = parent_of(d, path, &dfd, &base);

	if (r)
		return sys_fail(ctx, d, -r, path, "cannot name the file");
	if ((sfd = staging_fd(ctx, d, false)) < 0) {
		close(dfd);
		return sfd == -ENOENT ? sys_fail(ctx, d, ENOENT, OPP_FS_STAGING, "cannot open") : sfd;
	}
	if (!fstatat(dfd, base, &sb, AT_SYMLINK_NOFOLLOW)) {
		if (!replace) {
			r = ivg_err(ctx, EEXIST, "%s: %s exists already", fs->where, path);
			goto out;
		}
		/* The old file keeps a name in staging until reclaim. */
		opp_fs_stage_name(fs, old, sizeof(old), "old");
		if (linkat(dfd, base, sfd, old, 0)) {
			r = sys_fail(ctx, d, errno, path, "cannot keep the file it replaces");
			goto out;
		}
	}
	r = remember(ctx, d, path, old);
	if (!r && renameat(sfd, st->name, dfd, base)) {
		r = sys_fail(ctx, d, errno, path, "cannot name the file");
		d->n_changes--;
	}
	if (!r) {
		free(st);
		r = sync_dirs(ctx, d, dfd, sfd, path);
	}
out:
	close(sfd);
	close(dfd);
	return r;
}

static void dir_unstage(struct opp_fs *fs, struct opp_staged *st)
{
	free(st);
}

static int dir_unlink(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path)
{
	struct dirfs *d = (struct dirfs *)fs;
	char name[64];
	const char *base;
	int dfd, sfd, r = parent_of(d, path, &dfd, &base);

	if (r)
		return sys_fail(ctx, d, -r, path, "cannot remove");
	if ((sfd = staging_fd(ctx, d, true)) < 0) {
		close(dfd);
		return sfd;
	}
	opp_fs_stage_name(fs, name, sizeof(name), "rm");
	r = remember(ctx, d, path, name);
	if (!r && renameat(dfd, base, sfd, name)) {
		r = sys_fail(ctx, d, errno, path, "cannot remove");
		d->n_changes--;
	}
	if (!r)
		r = sync_dirs(ctx, d, dfd, sfd, path);
	close(sfd);
	close(dfd);
	return r;
}

static int dir_mkdir(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path)
{
	struct dirfs *d = (struct dirfs *)fs;
	const char *base;
	int dfd, r = parent_of(d, path, &dfd, &base);

	if (r)
		return sys_fail(ctx, d, -r, path, "cannot make the directory");
	if (mkdirat(dfd, base, 0755) || fsync(dfd))
		r = sys_fail(ctx, d, errno, path, "cannot make the directory");
	close(dfd);
	return r;
}

static int dir_symlink(struct ivg_ctx *ctx, struct opp_fs *fs,
		       const char *target, const char *path)
{
	struct dirfs *d = (struct dirfs *)fs;
	const char *base;
	int dfd, r = parent_of(d, path, &dfd, &base);

	if (r)
		return sys_fail(ctx, d, -r, path, "cannot make the symbolic link");
	if (symlinkat(target, dfd, base) || fsync(dfd))
		r = sys_fail(ctx, d, errno, path, "cannot make the symbolic link");
	close(dfd);
	return r;
}

static int list_fd(struct ivg_ctx *ctx, struct dirfs *d, int fd,
		   const char *dir, struct ivg_strvec *names)
{
	DIR *dp = fdopendir(fd);
	struct dirent *de;

	if (!dp) {
		int err = errno;

		close(fd);
		return sys_fail(ctx, d, err, dir, "cannot list");
	}
	while ((de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (ivg_strvec_add(names, de->d_name)) {
			closedir(dp);
			ivg_strvec_free(names);
			return ivg_err(ctx, ENOMEM, "out of memory");
		}
	}
	closedir(dp);
	return 0;
}

static int dir_list(struct ivg_ctx *ctx, struct opp_fs *fs, const char *dir,
		    struct ivg_strvec *names)
{
	struct dirfs *d = (struct dirfs *)fs;
	const char *base = ".";
	int dfd = dup(d->fd), fd, r = dfd < 0 ? -errno : 0;

	if (!r && *dir) {
		close(dfd);
		r = parent_of(d, dir, &dfd, &base);
	}
	if (r)
		return sys_fail(ctx, d, -r, dir, "cannot list");
	fd = openat(dfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	r = fd < 0 ? errno : 0;
	close(dfd);
	if (fd < 0)
		return sys_fail(ctx, d, r, dir, "cannot list");
	return list_fd(ctx, d, fd, dir, names);
}

/* Remove every name in staging: the kernel frees what has no other. */
static int dir_reclaim(struct ivg_ctx *ctx, struct opp_fs *fs,
		       struct opp_fs_waste *w)
{
	struct dirfs *d = (struct dirfs *)fs;
	struct ivg_strvec names = { 0 };
	int sfd = staging_fd(ctx, d, false), r;

	*w = (struct opp_fs_waste){ 0 };
	d->n_changes = 0;
	if (sfd == -ENOENT)
		return 0;
	if (sfd < 0)
		return sfd;
	staged_size(d, &w->staged, &w->staged_bytes);
	if ((r = list_fd(ctx, d, dup(sfd), OPP_FS_STAGING, &names))) {
		close(sfd);
		return r;
	}
	/* Only names the mounted side made: one that an interrupted write
	 * through libext2fs left may name an inode whose link count or
	 * blocks the kernel must not act on; an unmounted write gives
	 * those back. */
	for (size_t i = 0; !r && i < names.n; i++)
		if (names.v[i][0] == d->base.tag && unlinkat(sfd, names.v[i], 0) &&
		    errno != ENOENT)
			r = sys_fail(ctx, d, errno, names.v[i], "cannot remove from " OPP_FS_STAGING);
	if (!r && fsync(sfd))
		r = sys_fail(ctx, d, errno, OPP_FS_STAGING, "cannot sync");
	ivg_strvec_free(&names);
	close(sfd);
	return r ? r : dir_sync(ctx, fs);
}

/* Each name changed goes back, the last change first. */
static int dir_rollback(struct ivg_ctx *ctx, struct opp_fs *fs)
{
	struct dirfs *d = (struct dirfs *)fs;
	struct opp_fs_waste w;
	int sfd = staging_fd(ctx, d, false), r = 0;

	for (size_t i = d->n_changes; sfd >= 0 && !r && i-- > 0;) {
		const struct change *c = &d->changes[i];
		const char *base;
		int dfd;

		if ((r = parent_of(d, c->path, &dfd, &base))) {
			r = sys_fail(ctx, d, -r, c->path, "cannot put back");
			break;
		}
		if (c->old[0] && renameat(sfd, c->old, dfd, base))
			r = sys_fail(ctx, d, errno, c->path, "cannot put back");
		else if (!c->old[0] && unlinkat(dfd, base, 0) && errno != ENOENT)
			r = sys_fail(ctx, d, errno, c->path, "cannot remove");
		if (!r)
			r = sync_dirs(ctx, d, dfd, sfd, c->path);
		close(dfd);
	}
	if (sfd >= 0)
		close(sfd);
	if (sfd < 0 && sfd != -ENOENT)
		return sfd;
	return r ? r : dir_reclaim(ctx, fs, &w);
}

/* Mounted, the kernel owns the inodes: only staging is looked at. */
static int dir_survey(struct ivg_ctx *ctx, struct opp_fs *fs,
		      struct opp_fs_waste *w)
{
	*w = (struct opp_fs_waste){ 0 };
	staged_size((struct dirfs *)fs, &w->staged, &w->staged_bytes);
	return 0;
}

static int dir_reader(struct ivg_ctx *ctx, struct opp_fs *fs,
		      struct opp_fs **out)
{
	return opp_fs_open_dir(ctx, ((struct dirfs *)fs)->dir, false, out);
}

static const struct opp_fs_ops dir_ops = {
	.reader = dir_reader,
	.close = dir_close,
	.free_bytes = dir_free_bytes,
	.sync = dir_sync,
	.file_open = dir_file_open,
	.stage = dir_stage,
	.publish = dir_publish,
	.unstage = dir_unstage,
	.unlink = dir_unlink,
	.mkdir = dir_mkdir,
	.symlink = dir_symlink,
	.list = dir_list,
	.exists = dir_exists,
	.is_dir = dir_is_dir,
	.reclaim = dir_reclaim,
	.rollback = dir_rollback,
	.survey = dir_survey,
	.repair = dir_reclaim,
};

int opp_fs_open_dir(struct ivg_ctx *ctx, const char *dir, bool rw,
		    struct opp_fs **out)
{
	struct dirfs *d = calloc(1, sizeof(*d));
	struct stat st;

	if (!d)
		return ivg_err(ctx, ENOMEM, "out of memory");
	d->base.ops = &dir_ops;
	d->base.rw = rw;
	d->base.tag = 'k';
	snprintf(d->base.where, sizeof(d->base.where), "%s", dir);
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	d->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0 || fstat(d->fd, &st)) {
		int err = errno;

		if (d->fd >= 0)
			close(d->fd);
		free(d);
		return ivg_err(ctx, err, "%s: %s", dir, strerror(err));
	}
	d->dev = st.st_dev;
	*out = &d->base;
	return 0;
}
