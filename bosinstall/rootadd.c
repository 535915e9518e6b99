/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootadd.c - files for the installed root, as a tar stream for bos_untar. */
#include "rootadd.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "untar.h"

struct bos_rootadd {
	struct archive *ar;
	struct ivg_buf tar;        /* the archive so far */
	size_t pos;                /* read back from here */
	time_t now;
};

static la_ssize_t mem_write(struct archive *ar, void *arg, const void *p,
			    size_t n)
{
	struct bos_rootadd *a = arg;

	if (ivg_buf_add(&a->tar, p, n)) {
		archive_set_error(ar, ENOMEM, "out of memory");
		return -1;
	}
	return (la_ssize_t)n;
}

static int ar_fail(struct ivg_ctx *ctx, struct bos_rootadd *a,
		   const char *path)
{
	return ivg_err(ctx, archive_errno(a->ar) ? archive_errno(a->ar) : EIO,
		       "%s: cannot add it for the installed root: %s", path,
		       archive_error_string(a->ar));
}

int bos_rootadd_new(struct ivg_ctx *ctx, struct bos_rootadd **out)
{
	struct bos_rootadd *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (!a || !(a->ar = archive_write_new())) {
		free(a);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	a->now = time(NULL);
	if (archive_write_set_format_pax_restricted(a->ar) ||
	    archive_write_set_bytes_in_last_block(a->ar, 1) ||
	    archive_write_open2(a->ar, a, NULL, mem_write, NULL, NULL)) {
		int r = ar_fail(ctx, a, "(archive)");

		bos_rootadd_free(a);
		return r;
	}
	*out = a;
	return 0;
}

static struct archive_entry *entry(struct bos_rootadd *a, const char *path,
				   unsigned type, unsigned mode, uint64_t size)
{
	struct archive_entry *e = archive_entry_new();

	if (!e)
		return NULL;
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, mode & 07777);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, a->now, 0);
	archive_entry_set_size(e, (la_int64_t)size);
	return e;
}

int bos_rootadd_dir(struct ivg_ctx *ctx, struct bos_rootadd *a,
		    const char *path, unsigned mode)
{
	struct archive_entry *e = entry(a, path, AE_IFDIR, mode, 0);
	int r = 0;

	if (!e)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (archive_write_header(a->ar, e) != ARCHIVE_OK)
		r = ar_fail(ctx, a, path);
	archive_entry_free(e);
	return r;
}

static int write_data(struct ivg_ctx *ctx, struct bos_rootadd *a,
		      const char *path, const void *p, size_t n)
{
	if (archive_write_data(a->ar, p, n) != (la_ssize_t)n)
		return ar_fail(ctx, a, path);
	return 0;
}

int bos_rootadd_buf(struct ivg_ctx *ctx, struct bos_rootadd *a,
		    const char *path, unsigned mode, const void *buf,
		    size_t len)
{
	struct archive_entry *e = entry(a, path, AE_IFREG, mode, len);
	int r = 0;

	if (!e)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (archive_write_header(a->ar, e) != ARCHIVE_OK)
		r = ar_fail(ctx, a, path);
	if (!r && len)
		r = write_data(ctx, a, path, buf, len);
	archive_entry_free(e);
	return r;
}

int bos_rootadd_stream(struct ivg_ctx *ctx, struct bos_rootadd *a,
		       const char *path, unsigned mode, uint64_t size,
		       opp_read_fn read, void *arg)
{
	enum { CHUNK = 1 << 20 };
	struct archive_entry *e = entry(a, path, AE_IFREG, mode, size);
	char *buf = malloc(CHUNK);
	uint64_t done = 0;
	int r = 0;

	if (!e || !buf)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	if (!r && archive_write_header(a->ar, e) != ARCHIVE_OK)
		r = ar_fail(ctx, a, path);
	while (!r && done < size) {
		size_t got = 0;

		r = read(ctx, arg, buf, size - done < CHUNK ? size - done : CHUNK,
			 &got);
		if (!r && !got)
			r = ivg_err(ctx, EIO, "%s: its source ended after %llu of %llu bytes",
				    path, (unsigned long long)done,
				    (unsigned long long)size);
		if (!r)
			r = write_data(ctx, a, path, buf, got);
		done += got;
	}
	free(buf);
	archive_entry_free(e);
	return r;
}

struct src_reader {
	struct ivg_ctx *ctx;
	struct opp_src *src;
	char buf[1 << 16];
	int err;
};

static la_ssize_t src_read(struct archive *ar, void *arg, const void **p)
{
	struct src_reader *sr = arg;
	size_t got = 0;

	sr->err = opp_src_read(sr->ctx, sr->src, sr->buf, sizeof(sr->buf), &got);
	if (sr->err) {
		archive_set_error(ar, EIO, "%s", ivg_errmsg(sr->ctx));
		return -1;
	}
	*p = sr->buf;
	return (la_ssize_t)got;
}

static int copy_entry(struct ivg_ctx *ctx, struct bos_rootadd *a,
		      struct archive *in, struct archive_entry *e,
		      const char *what)
{
	const void *p;
	size_t n;
	la_int64_t off;
	int st;

	if (archive_write_header(a->ar, e) != ARCHIVE_OK)
		return ar_fail(ctx, a, archive_entry_pathname(e));
	while ((st = archive_read_data_block(in, &p, &n, &off)) == ARCHIVE_OK)
		if (n && archive_write_data(a->ar, p, n) != (la_ssize_t)n)
			return ar_fail(ctx, a, archive_entry_pathname(e));
	if (st != ARCHIVE_EOF)
		return ivg_err(ctx, EIO, "%s: %s: %s", what,
			       archive_entry_pathname(e),
			       archive_error_string(in));
	return 0;
}

static bool same_member(const char *path, const char *name)
{
	return name && (!strcmp(path, name) ||
			(!strncmp(path, "./", 2) && !strcmp(path + 2, name)));
}

/* The member kept aside: into memory, at most BOS_ROOTADD_ASIDE_MAX. */
static int read_aside(struct ivg_ctx *ctx, struct archive *in,
		      struct archive_entry *e, const char *what, char **buf,
		      size_t *len)
{
	la_int64_t size = archive_entry_size(e);
	la_ssize_t got;

	if (size < 0 || size > BOS_ROOTADD_ASIDE_MAX)
		return ivg_err(ctx, EINVAL, "%s: %s is larger than %d bytes",
			       what, archive_entry_pathname(e),
			       BOS_ROOTADD_ASIDE_MAX);
	free(*buf);
	*buf = malloc((size_t)size + 1);
	if (!*buf)
		return ivg_err(ctx, ENOMEM, "out of memory");
	got = archive_read_data(in, *buf, (size_t)size);
	if (got != size)
		return ivg_err(ctx, EIO, "%s: %s: %s", what,
			       archive_entry_pathname(e),
			       got < 0 ? archive_error_string(in) : "truncated");
	(*buf)[size] = '\0';
	*len = (size_t)size;
	return 0;
}

int bos_rootadd_archive(struct ivg_ctx *ctx, struct bos_rootadd *a,
			struct opp_src *src, const char *aside, char **buf,
			size_t *len)
{
	struct archive *in = archive_read_new();
	struct src_reader *sr = calloc(1, sizeof(*sr));
	struct archive_entry *e;
	int r = 0, st;

	if (!in || !sr) {
		archive_read_free(in);
		free(sr);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	sr->ctx = ctx;
	sr->src = src;
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	if (archive_read_open2(in, sr, NULL, src_read, NULL, NULL) != ARCHIVE_OK)
		r = ivg_err(ctx, EINVAL, "%s: %s", src->what,
			    archive_error_string(in));
	while (!r && (st = archive_read_next_header(in, &e)) != ARCHIVE_EOF) {
		if (st != ARCHIVE_OK && st != ARCHIVE_WARN)
			r = sr->err ? sr->err :
				ivg_err(ctx, EINVAL, "%s: %s", src->what,
					archive_error_string(in));
		else if (same_member(archive_entry_pathname(e), aside))
			r = read_aside(ctx, in, e, src->what, buf, len);
		else
			r = copy_entry(ctx, a, in, e, src->what);
	}
	archive_read_free(in);
	free(sr);
	return r;
}

static int mem_read(struct ivg_ctx *ctx, void *arg, void *buf, size_t len,
		    size_t *got)
{
	struct bos_rootadd *a = arg;
	size_t n = a->tar.len - a->pos < len ? a->tar.len - a->pos : len;

	if (n)
		memcpy(buf, a->tar.p + a->pos, n);
	a->pos += n;
	*got = n;
	return 0;
}

int bos_rootadd_apply(struct ivg_ctx *ctx, struct bos_rootadd *a,
		      ext2_filsys fs, const char *what)
{
	struct bos_untar_opts uo = { .policy = &bos_policy_opp, .into_system = true };
	struct bos_untar_stats st;
	struct opp_src src;
	int r;

	if (archive_write_close(a->ar) != ARCHIVE_OK)
		return ar_fail(ctx, a, what);
	a->pos = 0;
	r = opp_src_init(ctx, &src, mem_read, a, what);
	if (r)
		return r;
	r = bos_untar(ctx, fs, &src, what, &uo, &st);
	opp_src_free(&src);
	return r;
}

void bos_rootadd_free(struct bos_rootadd *a)
{
	if (!a)
		return;
	archive_write_free(a->ar);
	ivg_buf_free(&a->tar);
	free(a);
}
