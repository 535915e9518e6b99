/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppfs_dir.c - oppfs mounted on this host: ordinary system calls. */
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

struct dirfs {
	struct opp_fs base;
	int fd;                    /* the mount point */
	unsigned tmp;
	char dir[4096];
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

static bool dir_exists(struct opp_fs *fs, const char *path)
{
	struct stat st;

	return !fstatat(((struct dirfs *)fs)->fd, path, &st, AT_SYMLINK_NOFOLLOW);
}

static uint64_t dir_free_bytes(const struct opp_fs *fs)
{
	struct statvfs sv;

	if (fstatvfs(((const struct dirfs *)fs)->fd, &sv))
		return 0;
	return (uint64_t)sv.f_bavail * sv.f_frsize;
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
	int fd = openat(d->fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return sys_fail(ctx, d, errno, path, "cannot open");
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
	char tmp[4096];
};

static int dir_stage(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		     struct opp_src *src, struct opp_staged **out)
{
	struct dirfs *d = (struct dirfs *)fs;
	const char *slash = strrchr(path, '/');
	struct opp_staged *st = malloc(sizeof(*st));
	char sha[OPP_SHA256_HEX];
	int fd, r, werr = 0;

	if (!st)
		return ivg_err(ctx, ENOMEM, "out of memory");
	snprintf(st->tmp, sizeof(st->tmp), "%.*s.opp-tmp-%ld-%u",
		 slash ? (int)(slash - path + 1) : 0, path, (long)getpid(), d->tmp++);
	fd = openat(d->fd, st->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(st);
		return sys_fail(ctx, d, errno, path, "cannot create");
	}
	r = copy_in(ctx, src, fd, &werr);
	if (!r && !werr)
		r = opp_src_finish(ctx, src, sha);
	if (!r && !werr && fsync(fd))
		werr = errno;
	if (close(fd) && !werr)
		werr = errno;
	if (r || werr) {
		unlinkat(d->fd, st->tmp, 0);
		free(st);
		return r ? r : sys_fail(ctx, d, werr, path, "cannot write");
	}
	*out = st;
	return 0;
}

static int dir_publish(struct ivg_ctx *ctx, struct opp_fs *fs,
		       struct opp_staged *st, const char *path, bool replace)
{
	struct dirfs *d = (struct dirfs *)fs;

	if (!replace && dir_exists(fs, path))
		return ivg_err(ctx, EEXIST, "%s: %s exists already", fs->where, path);
	if (renameat(d->fd, st->tmp, d->fd, path))
		return sys_fail(ctx, d, errno, path, "cannot name the file");
	free(st);
	if (fsync(d->fd))
		return sys_fail(ctx, d, errno, path, "cannot sync its directory");
	return 0;
}

static void dir_unstage(struct opp_fs *fs, struct opp_staged *st)
{
	unlinkat(((struct dirfs *)fs)->fd, st->tmp, 0);
	free(st);
}

static int dir_unlink(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path)
{
	struct dirfs *d = (struct dirfs *)fs;

	return unlinkat(d->fd, path, 0) ? sys_fail(ctx, d, errno, path, "cannot remove") : 0;
}

static int dir_mkdir(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path)
{
	struct dirfs *d = (struct dirfs *)fs;

	return mkdirat(d->fd, path, 0755) ? sys_fail(ctx, d, errno, path, "cannot make the directory") : 0;
}

static int dir_symlink(struct ivg_ctx *ctx, struct opp_fs *fs,
		       const char *target, const char *path)
{
	struct dirfs *d = (struct dirfs *)fs;

	return symlinkat(target, d->fd, path) ? sys_fail(ctx, d, errno, path, "cannot make the symbolic link") : 0;
}

static int dir_list(struct ivg_ctx *ctx, struct opp_fs *fs, const char *dir,
		    char ***names, size_t *n)
{
	struct dirfs *d = (struct dirfs *)fs;
	int fd = openat(d->fd, *dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!dp) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return sys_fail(ctx, d, err, dir, "cannot list");
	}
	while ((de = readdir(dp))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (opp_names_add(names, n, de->d_name, strlen(de->d_name))) {
			closedir(dp);
			opp_names_free(*names, *n);
			*names = NULL;
			*n = 0;
			return ivg_err(ctx, ENOMEM, "out of memory");
		}
	}
	closedir(dp);
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
};

int opp_fs_open_dir(struct ivg_ctx *ctx, const char *dir, bool rw,
		    struct opp_fs **out)
{
	struct dirfs *d = calloc(1, sizeof(*d));

	if (!d)
		return ivg_err(ctx, ENOMEM, "out of memory");
	d->base.ops = &dir_ops;
	snprintf(d->base.where, sizeof(d->base.where), "%s", dir);
	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	d->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0) {
		int err = errno;

		free(d);
		return ivg_err(ctx, err, "%s: %s", dir, strerror(err));
	}
	*out = &d->base;
	return 0;
}
