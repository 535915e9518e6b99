/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dev.c - disks and image files, windowed I/O, fault injection. */
#define _GNU_SOURCE

#include "dev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* A read-only block device opens O_RDWR; its writes fail later. */
static bool is_readonly_bdev(int fd)
{
	int ro = 0;

	return ioctl(fd, BLKROGET, &ro) == 0 && ro;
}

int ivg_dev_open(struct ivg_ctx *ctx, const char *path, unsigned flags,
		 struct ivg_dev **out)
{
	struct ivg_dev *dev;
	struct stat st;
	int oflags = O_CLOEXEC | ((flags & IVG_DEV_RDWR) ? O_RDWR : O_RDONLY);
	int fd;

	*out = NULL;
	if (stat(path, &st) < 0)
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		return ivg_err(ctx, ENODEV,
			       "%s: not a block device or regular file", path);
	if ((flags & IVG_DEV_EXCL) && S_ISBLK(st.st_mode))
		oflags |= O_EXCL;
	fd = open(path, oflags);
	if (fd < 0) {
		int e = errno;

		if (e == EBUSY)
			return ivg_err(ctx, e, "%s: device is in use", path);
		return ivg_err(ctx, e, "%s: cannot open%s: %s", path,
			       (flags & IVG_DEV_RDWR) ? " for writing" : "",
			       strerror(e));
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev || !(dev->path = strdup(path))) {
		free(dev);
		close(fd);
		return ivg_err(ctx, ENOMEM, "%s: out of memory", path);
	}
	dev->fd = fd;
	dev->dfd = -1;
	dev->rdwr = flags & IVG_DEV_RDWR;
	dev->is_blockdev = S_ISBLK(st.st_mode);
	dev->st_dev = dev->is_blockdev ? st.st_rdev : st.st_dev;
	dev->st_ino = dev->is_blockdev ? 0 : st.st_ino;
	dev->ctx = ctx;
	if (dev->is_blockdev) {
		uint64_t bytes = 0;

		if (ioctl(fd, BLKGETSIZE64, &bytes) < 0) {
			int e = errno;

			ivg_dev_close(dev);
			return ivg_err(ctx, e, "%s: cannot get size: %s", path,
				       strerror(e));
		}
		dev->disk_size = bytes;
		if (dev->rdwr && is_readonly_bdev(fd)) {
			ivg_dev_close(dev);
			return ivg_err(ctx, EROFS,
				       "%s: cannot open for writing: the device is read-only",
				       path);
		}
	} else {
		dev->disk_size = (uint64_t)st.st_size;
	}
	dev->base = 0;
	dev->size = dev->disk_size;
	*out = dev;
	return 0;
}

void ivg_dev_open_direct(struct ivg_dev *dev)
{
	if (dev->dfd < 0)
		dev->dfd = open(dev->path, O_RDONLY | O_DIRECT | O_CLOEXEC);
}

int ivg_dev_set_excl(struct ivg_ctx *ctx, struct ivg_dev *dev, bool excl)
{
	int fd;

	if (!dev->is_blockdev)
		return 0;
	fd = open(dev->path, O_CLOEXEC | (dev->rdwr ? O_RDWR : O_RDONLY) |
		  (excl ? O_EXCL : 0));
	if (fd < 0)
		return ivg_err(ctx, errno, "%s: %s", dev->path,
			       errno == EBUSY ? "device is in use" : strerror(errno));
	/* The old descriptor, and its claim, go; the number stays. */
	if (dup3(fd, dev->fd, O_CLOEXEC) < 0) {
		int e = errno;

		close(fd);
		return ivg_err(ctx, e, "%s: %s", dev->path, strerror(e));
	}
	close(fd);
	/* Taken back: what the kernel wrote meanwhile (device-mapper writes
	 * below this device's page cache) is read from the disk. */
	if (excl && ioctl(dev->fd, BLKFLSBUF, 0))
		return ivg_err(ctx, errno, "%s: cannot drop its cache: %s",
			       dev->path, strerror(errno));
	return 0;
}

void ivg_dev_close(struct ivg_dev *dev)
{
	if (!dev)
		return;
	if (dev->dfd >= 0)
		close(dev->dfd);
	if (dev->fd >= 0)
		close(dev->fd);
	free(dev->path);
	free(dev);
}

int ivg_dev_create_file(struct ivg_ctx *ctx, const char *path, uint64_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return ivg_err(ctx, errno, "%s: cannot create: %s", path,
			       strerror(errno));
	if (ftruncate(fd, (off_t)size) < 0) {
		int e = errno;

		close(fd);
		unlink(path);
		return ivg_err(ctx, e, "%s: cannot set size: %s", path,
			       strerror(e));
	}
	close(fd);
	return 0;
}

bool ivg_dev_same(const struct ivg_dev *a, const struct ivg_dev *b)
{
	return a->is_blockdev == b->is_blockdev && a->st_dev == b->st_dev &&
	       a->st_ino == b->st_ino;
}

int ivg_dev_set_window(struct ivg_ctx *ctx, struct ivg_dev *dev,
		       uint64_t base, uint64_t size)
{
	if (base > dev->disk_size || size > dev->disk_size - base)
		return ivg_err(ctx, ERANGE,
			       "%s: area at %llu (+%llu bytes) is beyond the end of the device (%llu bytes)",
			       dev->path, (unsigned long long)base,
			       (unsigned long long)size,
			       (unsigned long long)dev->disk_size);
	dev->base = base;
	dev->size = size;
	return 0;
}

/* Returns 0 to go on, or the injected error; may tear or exit. */
static int fault_point(struct ivg_dev *dev, size_t *len)
{
	struct ivg_fault *f = dev->ctx ? dev->ctx->fault : NULL;

	if (!f || !f->at)
		return 0;
	if (++f->count != f->at)
		return 0;
	switch (f->mode) {
	case IVG_FAULT_EXIT:
		if (f->stop)
			f->stop();
		return -EIO;
	case IVG_FAULT_TEAR:
		if (len && *len > 1) {
			*len /= 2;
			return 1;       /* write the first half, then fail */
		}
		return -EIO;
	case IVG_FAULT_FAIL:
	default:
		return -EIO;
	}
}

int ivg_dev_fault_write(struct ivg_ctx *ctx, struct ivg_dev *dev,
			const char *what, size_t *len, size_t align)
{
	size_t half = len ? *len : 0;
	int inj;

	if (!dev->rdwr)
		return ivg_err(ctx, EROFS, "%s: opened read-only, not writing",
			       dev->path);
	inj = fault_point(dev, len ? &half : NULL);
	if (inj > 0 && align > 1)
		half -= half % align;
	if (inj > 0 && half) {
		*len = half;
		return 1;
	}
	return inj ? ivg_err(ctx, -EIO, "%s: injected failure of %s",
			     dev->path, what) : 0;
}

static int check_range(struct ivg_ctx *ctx, struct ivg_dev *dev, size_t len,
		       uint64_t off, uint64_t limit, const char *what)
{
	if (off > limit || len > limit - off)
		return ivg_err(ctx, ERANGE,
			       "%s: %s of %zu bytes at %llu is beyond the end (%llu bytes)",
			       dev->path, what, len, (unsigned long long)off,
			       (unsigned long long)limit);
	return 0;
}

static int do_pread(struct ivg_ctx *ctx, struct ivg_dev *dev, void *buf,
		    size_t len, uint64_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(dev->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ivg_err(ctx, errno, "%s: read at %llu failed: %s",
				       dev->path, (unsigned long long)off,
				       strerror(errno));
		if (n == 0)
			return ivg_err(ctx, EIO, "%s: short read at %llu",
				       dev->path, (unsigned long long)off);
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int do_pwrite(struct ivg_ctx *ctx, struct ivg_dev *dev,
		     const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;
	int inj;

	if (!dev->rdwr)
		return ivg_err(ctx, EROFS, "%s: opened read-only, not writing",
			       dev->path);
	inj = fault_point(dev, &len);
	if (inj < 0)
		return ivg_err(ctx, inj, "%s: injected write failure at %llu",
			       dev->path, (unsigned long long)off);
	while (len) {
		ssize_t n = pwrite(dev->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ivg_err(ctx, errno,
				       "%s: write at %llu failed: %s", dev->path,
				       (unsigned long long)off, strerror(errno));
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	if (inj > 0)
		return ivg_err(ctx, EIO, "%s: injected torn write at %llu",
			       dev->path, (unsigned long long)off);
	return 0;
}

int ivg_dev_pread(struct ivg_ctx *ctx, struct ivg_dev *dev, void *buf,
		  size_t len, uint64_t off)
{
	int r = check_range(ctx, dev, len, off, dev->size, "read");

	return r ? r : do_pread(ctx, dev, buf, len, dev->base + off);
}

int ivg_dev_pwrite(struct ivg_ctx *ctx, struct ivg_dev *dev, const void *buf,
		   size_t len, uint64_t off)
{
	int r = check_range(ctx, dev, len, off, dev->size, "write");

	return r ? r : do_pwrite(ctx, dev, buf, len, dev->base + off);
}

int ivg_dev_pread_abs(struct ivg_ctx *ctx, struct ivg_dev *dev, void *buf,
		      size_t len, uint64_t off)
{
	int r = check_range(ctx, dev, len, off, dev->disk_size, "read");

	return r ? r : do_pread(ctx, dev, buf, len, off);
}

int ivg_dev_pwrite_abs(struct ivg_ctx *ctx, struct ivg_dev *dev,
		       const void *buf, size_t len, uint64_t off)
{
	int r = check_range(ctx, dev, len, off, dev->disk_size, "write");

	return r ? r : do_pwrite(ctx, dev, buf, len, off);
}

static bool all_zero(const char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

int ivg_dev_zero(struct ivg_ctx *ctx, struct ivg_dev *dev, uint64_t off,
		 uint64_t len)
{
	enum { CHUNK = 1 << 20 };
	char *buf, *zero;
	int r = check_range(ctx, dev, (size_t)len, off, dev->size, "zero");

	if (r)
		return r;
	buf = malloc(CHUNK);
	zero = calloc(1, CHUNK);
	if (!buf || !zero) {
		free(buf);
		free(zero);
		return ivg_err(ctx, ENOMEM, "%s: out of memory", dev->path);
	}
	while (len && !r) {
		size_t n = len > CHUNK ? CHUNK : (size_t)len;

		r = ivg_dev_pread(ctx, dev, buf, n, off);
		if (!r && !all_zero(buf, n))
			r = ivg_dev_pwrite(ctx, dev, zero, n, off);
		off += n;
		len -= n;
	}
	free(buf);
	free(zero);
	return r;
}

int ivg_dev_sync(struct ivg_ctx *ctx, struct ivg_dev *dev)
{
	int inj;

	if (!dev->rdwr)
		return 0;
	inj = fault_point(dev, NULL);
	if (inj < 0)
		return ivg_err(ctx, inj, "%s: injected sync failure", dev->path);
	if (fsync(dev->fd) < 0)
		return ivg_err(ctx, errno, "%s: sync failed: %s", dev->path,
			       strerror(errno));
	return 0;
}
