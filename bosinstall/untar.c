/* SPDX-License-Identifier: GPL-2.0-or-later */
/* untar.c - a tar archive unpacked into libext2fs, entry by entry (untar.h). */
#include "untar.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <et/com_err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "e2tree.h"

enum { READ_CHUNK = 1 << 20 };

struct untar {
	struct ivg_ctx *ctx;
	struct ivg_e2tree t;
	struct opp_src *src;
	const char *what;
	const struct bos_untar_opts *o;
	struct bos_untar_stats *st;
	char *rbuf;                /* libarchive's read buffer */
	char *wbuf;                /* a file's data, gathered into runs */
	int rerr;                  /* the stream's error, ctx holds its message */
	char path[BOS_PATH_MAX + 1], target[BOS_PATH_MAX + 1];
};

/* libarchive pulls the archive through the hashing stream. */
static la_ssize_t pull(struct archive *a, void *arg, const void **buf)
{
	struct untar *u = arg;
	size_t got = 0;

	if ((u->rerr = opp_src_read(u->ctx, u->src, u->rbuf, READ_CHUNK, &got))) {
		archive_set_error(a, EIO, "%s", ivg_errmsg(u->ctx));
		return -1;
	}
	if (u->o->progress)
		u->o->progress(u->o->progress_arg, u->src->size, u->o->total);
	*buf = u->rbuf;
	return (la_ssize_t)got;
}

enum bos_entry_kind bos_archive_kind(struct archive_entry *e)
{
	static const struct { unsigned type; enum bos_entry_kind k; } map[] = {
		{ AE_IFDIR, BOS_ENT_DIR }, { AE_IFLNK, BOS_ENT_SYMLINK },
		{ AE_IFCHR, BOS_ENT_CHR }, { AE_IFBLK, BOS_ENT_BLK },
		{ AE_IFIFO, BOS_ENT_FIFO }, { AE_IFSOCK, BOS_ENT_SOCK },
	};

	if (archive_entry_hardlink(e))
		return BOS_ENT_HARDLINK;
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (archive_entry_filetype(e) == map[i].type)
			return map[i].k;
	return BOS_ENT_FILE;
}

/* The entry's attributes as the tree writer takes them. */
static void attrs_of(struct archive_entry *e, struct ivg_e2tree_attrs *at)
{
	*at = (struct ivg_e2tree_attrs){
		.mode = (uint32_t)archive_entry_mode(e),
		.uid = (uint32_t)archive_entry_uid(e),
		.gid = (uint32_t)archive_entry_gid(e),
		.atime = archive_entry_atime(e), .atime_ns = archive_entry_atime_nsec(e),
		.mtime = archive_entry_mtime(e), .mtime_ns = archive_entry_mtime_nsec(e),
		.ctime = archive_entry_ctime_is_set(e) ? archive_entry_ctime(e) : archive_entry_mtime(e),
		.ctime_ns = archive_entry_ctime_is_set(e) ? archive_entry_ctime_nsec(e) : archive_entry_mtime_nsec(e),
		.rdev_major = archive_entry_rdevmajor(e),
		.rdev_minor = archive_entry_rdevminor(e),
	};
	if (!archive_entry_atime_is_set(e)) {
		at->atime = at->mtime;
		at->atime_ns = at->mtime_ns;
	}
}

/* Bytes a regular entry really holds: its sparse map's data, or its size. */
static uint64_t data_bytes(struct archive_entry *e)
{
	la_int64_t off, len;
	uint64_t sum = 0;

	if (archive_entry_sparse_reset(e) <= 0)
		return (uint64_t)archive_entry_size(e);
	while (archive_entry_sparse_next(e, &off, &len) == ARCHIVE_OK)
		sum += (uint64_t)len;
	return sum;
}

/* The file's data, block by block as libarchive hands it out. */
static int write_data(struct untar *u, struct archive *a, ext2_file_t f)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		int w = ivg_e2tree_file_write(u->ctx, &u->t, f, u->path, buf, len,
					      (uint64_t)off);

		if (w)
			return w;
		u->st->bytes += len;
	}
	if (r == ARCHIVE_EOF)
		return 0;
	return u->rerr ? u->rerr : ivg_err(u->ctx, EIO, "%s: entry \"%s\": %s",
					   u->what, u->path, archive_error_string(a));
}

/* A file with holes: through libext2fs's file interface. */
static int write_sparse(struct untar *u, struct archive *a, ext2_ino_t ino,
			uint64_t size)
{
	ext2_file_t f;
	int r = ivg_e2tree_file_open(u->ctx, &u->t, u->path, ino, &f), c;

	if (r)
		return r;
	r = write_data(u, a, f);
	c = ivg_e2tree_file_close(u->ctx, &u->t, f, u->path, size);
	return r ? r : c;
}

/* A file without holes: its blocks allocated at once, the data written
 * in runs of up to READ_CHUNK bytes. */
static int write_dense(struct untar *u, struct archive *a, ext2_ino_t ino,
		       uint64_t size)
{
	const void *p;
	size_t len, have = 0;
	la_int64_t off;
	uint64_t at = 0;
	int r = ivg_e2tree_file_prealloc(u->ctx, &u->t, u->path, ino, size), h;

	while (!r && (h = archive_read_data_block(a, &p, &len, &off)) == ARCHIVE_OK) {
		while (!r && len) {
			size_t n = len < READ_CHUNK - have ? len : READ_CHUNK - have;

			if ((uint64_t)off != at + have)
				return ivg_err(u->ctx, EIO, "%s: entry \"%s\": data out of order",
					       u->what, u->path);
			memcpy(u->wbuf + have, p, n);
			have += n, len -= n, off += (la_int64_t)n;
			p = (const char *)p + n;
			if (have == READ_CHUNK) {
				r = ivg_e2tree_file_put(u->ctx, &u->t, u->path, ino, u->wbuf, have, at);
				at += have;
				have = 0;
			}
		}
	}
	if (!r && h != ARCHIVE_EOF)
		return u->rerr ? u->rerr : ivg_err(u->ctx, EIO, "%s: entry \"%s\": %s",
						   u->what, u->path, archive_error_string(a));
	if (!r && have)
		r = ivg_e2tree_file_put(u->ctx, &u->t, u->path, ino, u->wbuf, have, at);
	if (!r && at + have != size)
		r = ivg_err(u->ctx, EIO, "%s: entry \"%s\": %llu bytes of data, %llu expected",
			    u->what, u->path, (unsigned long long)(at + have),
			    (unsigned long long)size);
	u->st->bytes += r ? 0 : size;
	return r ? r : ivg_e2tree_file_set_size(u->ctx, &u->t, u->path, ino, size);
}

static int restore_file(struct untar *u, struct archive *a,
			struct archive_entry *e, const struct ivg_e2tree_attrs *at,
			ext2_ino_t *ino)
{
	uint64_t size = (uint64_t)archive_entry_size(e);
	bool sparse = archive_entry_sparse_reset(e) > 0;
	int r;

	if ((r = ivg_e2tree_check_room(u->ctx, &u->t, u->path, data_bytes(e))) ||
	    (r = ivg_e2tree_create(u->ctx, &u->t, u->path, at, ino)))
		return r;
	r = sparse ? write_sparse(u, a, *ino, size) : write_dense(u, a, *ino, size);
	if (!r)
		r = ivg_e2tree_set_attrs(u->ctx, &u->t, u->path, *ino, at);
	u->st->files += !r;
	return r;
}

static int restore_xattrs(struct untar *u, struct archive_entry *e,
			  ext2_ino_t ino)
{
	const char *name;
	const void *value;
	size_t len;
	int n = archive_entry_xattr_reset(e), r = 0;

	if (n <= 0)
		return 0;
	struct ivg_e2tree_xattr *v = calloc((size_t)n, sizeof(*v));

	if (!v)
		return ivg_err(u->ctx, ENOMEM, "out of memory");
	for (int i = 0; i < n && archive_entry_xattr_next(e, &name, &value, &len) == ARCHIVE_OK; i++)
		v[i] = (struct ivg_e2tree_xattr){ name, value, len };
	r = ivg_e2tree_set_xattrs(u->ctx, &u->t, u->path, ino, v, (size_t)n);
	u->st->xattrs += r ? 0 : (uint64_t)n;
	free(v);
	return r;
}

/* A hard link's new name is judged as what it links to: a device node
 * gets no name where device nodes may not be. */
static int judge_link(struct ivg_ctx *ctx, void *arg, uint32_t mode)
{
	static const struct { uint32_t type; enum bos_entry_kind k; } map[] = {
		{ S_IFCHR, BOS_ENT_CHR }, { S_IFBLK, BOS_ENT_BLK },
		{ S_IFIFO, BOS_ENT_FIFO }, { S_IFSOCK, BOS_ENT_SOCK },
	};
	struct untar *u = arg;
	char out[BOS_PATH_MAX + 1];

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if ((mode & S_IFMT) == map[i].type &&
		    bos_path_clean(ctx, u->path, map[i].k, u->o->policy, out, sizeof(out)))
			return ivg_err_prefix(ctx, -EINVAL, "%s: a hard link to \"%s\": ",
					      u->what, u->target);
	return 0;
}

static int restore_entry(struct untar *u, struct archive *a,
			 struct archive_entry *e)
{
	enum bos_entry_kind kind = bos_archive_kind(e);
	struct ivg_e2tree_attrs at;
	ext2_ino_t ino = 0;
	int r;

	if ((r = bos_path_clean(u->ctx, archive_entry_pathname(e), kind,
				u->o->policy, u->path, sizeof(u->path))))
		return ivg_err_prefix(u->ctx, r, "%s: ", u->what);
	bos_kernel_note(u->st->kernel, sizeof(u->st->kernel), u->path, kind);
	attrs_of(e, &at);
	if (kind == BOS_ENT_FILE)      /* also for types tar knows, we do not */
		at.mode = S_IFREG | (at.mode & 07777);
	switch (kind) {
	case BOS_ENT_FILE:
		r = restore_file(u, a, e, &at, &ino);
		break;
	case BOS_ENT_HARDLINK:
		if ((r = bos_path_clean(u->ctx, archive_entry_hardlink(e),
					BOS_ENT_HARDLINK, u->o->policy,
					u->target, sizeof(u->target))))
			return ivg_err_prefix(u->ctx, r, "%s: ", u->what);
		r = ivg_e2tree_hardlink(u->ctx, &u->t, u->path, u->target,
					judge_link, u);
		u->st->hardlinks += !r;
		return r;
	case BOS_ENT_SYMLINK:
		r = ivg_e2tree_symlink(u->ctx, &u->t, u->path,
				       archive_entry_symlink(e), &at, &ino);
		u->st->symlinks += !r;
		break;
	case BOS_ENT_DIR:
		r = ivg_e2tree_mkdir(u->ctx, &u->t, u->path, &at, &ino);
		u->st->dirs += !r;
		break;
	default:                   /* devices, FIFOs, sockets */
		r = ivg_e2tree_create(u->ctx, &u->t, u->path, &at, &ino);
		u->st->devices += !r && (kind == BOS_ENT_CHR || kind == BOS_ENT_BLK);
		break;
	}
	return r ? r : restore_xattrs(u, e, ino);
}

static int unpack(struct untar *u, struct archive *a)
{
	struct archive_entry *e;
	int r = 0, h;

	while (!r && (h = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (h < ARCHIVE_WARN)
			return u->rerr ? u->rerr :
				ivg_err(u->ctx, EIO, "%s: not a readable tar archive after %llu entries: %s",
					u->what, (unsigned long long)u->st->entries,
					archive_error_string(a));
		r = restore_entry(u, a, e);
		u->st->entries += !r;
	}
	return r;
}

int bos_untar(struct ivg_ctx *ctx, ext2_filsys fs, struct opp_src *src,
	      const char *what, const struct bos_untar_opts *o,
	      struct bos_untar_stats *st)
{
	struct bos_untar_opts dflt = { 0 };
	struct untar *u = calloc(1, sizeof(*u));
	struct archive *a = archive_read_new();
	int r;

	*st = (struct bos_untar_stats){ 0 };
	if (!o)
		o = &dflt;
	if (!u || !a || !(u->rbuf = malloc(READ_CHUNK)) || !(u->wbuf = malloc(READ_CHUNK))) {
		r = ivg_err(ctx, ENOMEM, "out of memory");
		goto out;
	}
	*u = (struct untar){ .ctx = ctx, .src = src, .what = what, .o = o,
			     .st = st, .rbuf = u->rbuf, .wbuf = u->wbuf };
	ivg_e2tree_init(&u->t, fs, what);
	u->t.follow_dir_links = o->into_system;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open(a, u, NULL, pull, NULL) != ARCHIVE_OK) {
		r = u->rerr ? u->rerr : ivg_err(ctx, EINVAL, "%s: not a tar archive: %s",
						what, archive_error_string(a));
		goto out;
	}
	r = unpack(u, a);
out:
	if (a)
		archive_read_free(a);
	if (u) {
		ivg_e2tree_free(&u->t);
		free(u->rbuf);
		free(u->wbuf);
	}
	free(u);
	return r;
}
