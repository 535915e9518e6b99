/* SPDX-License-Identifier: GPL-2.0-or-later */
/* shadow.c - a scratch copy of parts of a disk, written back through dev.h. */
#define _GNU_SOURCE
#include "shadow.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

enum { MAX_RANGES = 4, CHUNK = 1 << 20, PAGE = 4096 };

struct range {
	uint64_t off, len;
};

struct ivg_shadow {
	struct ivg_dev *disk;
	struct ivg_dev *dev;            /* the memfd, as a device */
	int fd;
	char path[64];
	struct range r[MAX_RANGES];
	size_t n;
	char *a, *b;                    /* CHUNK buffers */
};

void ivg_shadow_free(struct ivg_shadow *sh)
{
	if (!sh)
		return;
	ivg_dev_close(sh->dev);
	if (sh->fd >= 0)
		close(sh->fd);
	free(sh->a);
	free(sh->b);
	free(sh);
}

/* The memfd as an ivg_dev named after the disk, outside fault injection. */
static int open_as_dev(struct ivg_ctx *ctx, struct ivg_shadow *sh)
{
	char *name;
	int r = ivg_dev_open(ctx, sh->path, IVG_DEV_RDWR, &sh->dev);

	if (r)
		return r;
	sh->dev->ctx = NULL;
	if (asprintf(&name, "%s (scratch copy)", sh->disk->path) < 0)
		return ivg_err(ctx, ENOMEM, "%s: out of memory", sh->disk->path);
	free(sh->dev->path);
	sh->dev->path = name;
	return 0;
}

int ivg_shadow_new(struct ivg_ctx *ctx, struct ivg_dev *disk,
		   struct ivg_shadow **out)
{
	struct ivg_shadow *sh;
	int r;

	*out = NULL;
	if (!disk->rdwr)
		return ivg_err(ctx, EROFS, "%s: opened read-only, not writing",
			       disk->path);
	sh = calloc(1, sizeof(*sh));
	if (sh)
		sh->fd = -1;
	if (!sh || !(sh->a = malloc(CHUNK)) || !(sh->b = malloc(CHUNK))) {
		ivg_shadow_free(sh);
		return ivg_err(ctx, ENOMEM, "%s: out of memory", disk->path);
	}
	sh->disk = disk;
	/* Not close-on-exec: the tools we spawn open it by its /proc path. */
	sh->fd = memfd_create("ivg-shadow", 0);
	if (sh->fd < 0 || ftruncate(sh->fd, (off_t)disk->disk_size) < 0) {
		r = ivg_err(ctx, errno, "%s: cannot make a scratch copy: %s",
			    disk->path, strerror(errno));
		ivg_shadow_free(sh);
		return r;
	}
	snprintf(sh->path, sizeof(sh->path), "/proc/self/fd/%d", sh->fd);
	r = open_as_dev(ctx, sh);
	if (r) {
		ivg_shadow_free(sh);
		return r;
	}
	*out = sh;
	return 0;
}

const char *ivg_shadow_path(const struct ivg_shadow *sh)
{
	return sh->path;
}

struct ivg_dev *ivg_shadow_dev(struct ivg_shadow *sh)
{
	return sh->dev;
}

static bool overlaps(const struct ivg_shadow *sh, uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < sh->n; i++)
		if (off < sh->r[i].off + sh->r[i].len && sh->r[i].off < off + len)
			return true;
	return false;
}

static bool all_zero(const char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Copy the disk's [off, off+len) in; zero chunks stay holes. */
static int copy_in(struct ivg_ctx *ctx, struct ivg_shadow *sh, uint64_t off,
		   uint64_t len)
{
	while (len) {
		size_t n = len > CHUNK ? CHUNK : (size_t)len;
		int r = ivg_dev_pread_abs(ctx, sh->disk, sh->a, n, off);

		if (!r && !all_zero(sh->a, n))
			r = ivg_dev_pwrite_abs(ctx, sh->dev, sh->a, n, off);
		if (r)
			return r;
		off += n;
		len -= n;
	}
	return 0;
}

int ivg_shadow_take(struct ivg_ctx *ctx, struct ivg_shadow *sh, uint64_t off,
		    uint64_t len, bool blank)
{
	if (off % IVG_SECTOR || len % IVG_SECTOR || !len ||
	    off > sh->disk->disk_size || len > sh->disk->disk_size - off)
		return ivg_err(ctx, ERANGE,
			       "%s: area at %llu (+%llu bytes) is not whole sectors of the disk (%llu bytes)",
			       sh->disk->path, (unsigned long long)off,
			       (unsigned long long)len,
			       (unsigned long long)sh->disk->disk_size);
	if (sh->n == MAX_RANGES || overlaps(sh, off, len))
		return ivg_err(ctx, EINVAL, "%s: scratch copy: too many or overlapping areas",
			       sh->disk->path);
	sh->r[sh->n++] = (struct range){ off, len };
	return blank ? 0 : copy_in(ctx, sh, off, len);
}

/* The range holding byte 'at', rounded out to whole pages (the shadow's
 * data granularity), or NULL. */
static const struct range *range_at(const struct ivg_shadow *sh, uint64_t at,
				    uint64_t *end)
{
	for (size_t i = 0; i < sh->n; i++) {
		uint64_t s = sh->r[i].off / PAGE * PAGE;
		uint64_t e = (sh->r[i].off + sh->r[i].len + PAGE - 1) / PAGE * PAGE;

		if (at >= s && at < e) {
			*end = e;
			return &sh->r[i];
		}
	}
	return NULL;
}

/* Every data extent of the shadow must lie within the ranges. */
static int check_outside(struct ivg_ctx *ctx, struct ivg_shadow *sh)
{
	off_t pos = 0;

	for (;;) {
		off_t data = lseek(sh->fd, pos, SEEK_DATA), hole;
		uint64_t at, end;

		if (data < 0 && errno == ENXIO)
			return 0;
		hole = data < 0 ? -1 : lseek(sh->fd, data, SEEK_HOLE);
		if (hole < 0)
			return ivg_err(ctx, errno, "%s: scratch copy: %s",
				       sh->disk->path, strerror(errno));
		for (at = (uint64_t)data; at < (uint64_t)hole; at = end)
			if (!range_at(sh, at, &end))
				return ivg_err(ctx, EIO,
					       "%s: a tool wrote at %llu, outside the areas it was given; nothing written",
					       sh->disk->path, (unsigned long long)at);
		pos = hole;
	}
}

/* Write the runs of sectors in which a (new) and b (disk) differ. */
static int write_runs(struct ivg_ctx *ctx, struct ivg_shadow *sh,
		      uint64_t off, size_t n)
{
	size_t s = 0;

	while (s < n) {
		size_t e;

		if (!memcmp(sh->a + s, sh->b + s, IVG_SECTOR)) {
			s += IVG_SECTOR;
			continue;
		}
		for (e = s + IVG_SECTOR; e < n &&
		     memcmp(sh->a + e, sh->b + e, IVG_SECTOR); e += IVG_SECTOR)
			;
		int r = ivg_dev_pwrite_abs(ctx, sh->disk, sh->a + s, e - s, off + s);

		if (r)
			return r;
		s = e;
	}
	return 0;
}

static int commit_range(struct ivg_ctx *ctx, struct ivg_shadow *sh,
			const struct range *rg)
{
	for (uint64_t done = 0; done < rg->len;) {
		size_t n = rg->len - done > CHUNK ? CHUNK : (size_t)(rg->len - done);
		int r = ivg_dev_pread_abs(ctx, sh->dev, sh->a, n, rg->off + done);

		if (!r)
			r = ivg_dev_pread_abs(ctx, sh->disk, sh->b, n, rg->off + done);
		if (!r)
			r = write_runs(ctx, sh, rg->off + done, n);
		if (r)
			return r;
		done += n;
	}
	return 0;
}

int ivg_shadow_commit(struct ivg_ctx *ctx, struct ivg_shadow *sh)
{
	int r = check_outside(ctx, sh);

	for (size_t i = 0; !r && i < sh->n; i++)
		r = commit_range(ctx, sh, &sh->r[i]);
	return r ? r : ivg_dev_sync(ctx, sh->disk);
}
