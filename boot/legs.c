/* SPDX-License-Identifier: GPL-2.0-or-later */
/* legs.c - bootlv's legs, and one image written onto all of them at once. */
#define _GNU_SOURCE
#include "legs.h"

#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dev.h"
#include "ivgvg.h"
#include "lvio.h"

int ivg_boot_legs_list(struct ivg_ctx *ctx, struct ivg_vg *vg,
		       struct ivg_boot_leg **legs, size_t *n)
{
	struct ivg_lv *lv = ivg_vg_lv(vg, IVG_BOOTLV);
	const struct ivg_seg *seg = lv && lv->seg_count == 1 ? &lv->segs[0] : NULL;
	struct ivg_boot_leg *v;

	*legs = NULL;
	*n = 0;
	if (!seg || strcmp(seg->type, "raid1") || !seg->area_count)
		return ivg_err(ctx, ENOENT, "VG %s has no raid1 LV %s",
			       vg->name, IVG_BOOTLV);
	v = calloc(seg->area_count, sizeof(*v));
	if (!v)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t k = 0; k < seg->area_count; k++) {
		struct ivg_lv *img = ivg_vg_lv(vg, seg->areas[k].name);
		struct ivg_lvio *io = NULL;
		struct ivg_dev *dev;
		uint64_t off;
		int r;

		v[k].leg = (int)k;
		if (!img || img->seg_count != 1 || img->segs[0].area_count != 1 ||
		    img->segs[0].areas[0].type != IVG_AREA_PV) {
			free(v);
			return ivg_err(ctx, EINVAL, "VG %s: %s is not a linear LV on one PV",
				       vg->name, seg->areas[k].name);
		}
		v[k].pv = ivg_vg_pv_by_name(vg, img->segs[0].areas[0].name);
		if (!v[k].pv || !v[k].pv->dev)
			continue;
		r = ivg_lvio_open(ctx, vg, IVG_BOOTLV, (int)k, &io);
		if (!r) {
			v[k].size = ivg_lvio_size(io);
			r = ivg_lvio_map(ctx, io, 0, v[k].size, &dev, &off);
		}
		ivg_lvio_close(io);
		if (r) {
			free(v);
			return r;
		}
		v[k].off = dev->base + off;
	}
	*legs = v;
	*n = seg->area_count;
	return 0;
}

/* ---- writing ---------------------------------------------------------- */

enum { CHUNK = 1 << 20, BATCH = 8, IVG_DIO_ALIGN_LEGS = 4096 };

struct target {
	const struct ivg_boot_leg *leg;
	int fd;
	bool direct;
};

struct job {
	struct ivg_ctx *ctx;
	struct target *t;
	size_t n;
	int img;
	const char *image;
	io_context_t aio;
	bool have_aio;
	void *buf[BATCH];
};

static int leg_err(struct job *j, const struct target *t, int err,
		   const char *what)
{
	return ivg_err(j->ctx, err, "%s: bootlv leg %d at %llu: %s: %s",
		       t->leg->pv->dev->path, t->leg->leg,
		       (unsigned long long)t->leg->off, what, strerror(err));
}

static int open_targets(struct job *j)
{
	for (size_t i = 0; i < j->n; i++) {
		struct target *t = &j->t[i];
		const char *path = t->leg->pv->dev->path;

		t->fd = open(path, O_WRONLY | O_DIRECT | O_CLOEXEC);
		t->direct = t->fd >= 0;
		if (t->fd < 0)
			t->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (t->fd < 0)
			return ivg_err(j->ctx, errno, "%s: cannot open for writing: %s",
				       path, strerror(errno));
	}
	return 0;
}

/* Write buf[0..nb) (chunk i at off + i*CHUNK, lens[i]) to every leg. */
static int write_batch(struct job *j, uint64_t off, size_t nb,
		       const size_t *lens)
{
	struct iocb cbs[BATCH * IVG_MAX_LEGS], *ptrs[BATCH * IVG_MAX_LEGS];
	struct io_event ev[BATCH * IVG_MAX_LEGS];
	size_t k = 0;

	for (size_t i = 0; i < j->n; i++)
		for (size_t b = 0; b < nb; b++) {
			struct target *t = &j->t[i];
			uint64_t at = t->leg->off + off + b * CHUNK;
			bool aligned = lens[b] % IVG_SECTOR == 0;

			if (!j->have_aio || !aligned || !t->direct) {
				/* Synchronous path (buffered fd if unaligned). */
				int fd = t->fd;

				if (t->direct && !aligned) {
					fd = open(t->leg->pv->dev->path, O_WRONLY | O_CLOEXEC);
					if (fd < 0)
						return leg_err(j, t, errno, "open");
				}
				ssize_t w = pwrite(fd, j->buf[b], lens[b], (off_t)at);
				int e = w < 0 ? errno : EIO;

				if (fd != t->fd)
					close(fd);
				if (w != (ssize_t)lens[b])
					return leg_err(j, t, e, "write");
				continue;
			}
			io_prep_pwrite(&cbs[k], t->fd, j->buf[b], lens[b],
				       (long long)at);
			cbs[k].data = t;
			ptrs[k] = &cbs[k];
			k++;
		}
	for (size_t done = 0; done < k;) {
		int r = io_submit(j->aio, (long)(k - done), ptrs + done);

		if (r < 0)
			return ivg_err(j->ctx, -r, "bootlv: io_submit: %s",
				       strerror(-r));
		done += (size_t)r;
	}
	for (size_t got = 0; got < k;) {
		int r = io_getevents(j->aio, 1, (long)(k - got), ev, NULL);

		if (r == -EINTR)
			continue;
		if (r < 0)
			return ivg_err(j->ctx, -r, "bootlv: io_getevents: %s",
				       strerror(-r));
		for (int e = 0; e < r; e++) {
			struct iocb *cb = ev[e].obj;

			if ((long)ev[e].res < 0 || ev[e].res != cb->u.c.nbytes)
				return leg_err(j, cb->data,
					       (long)ev[e].res < 0 ? (int)-(long)ev[e].res : EIO,
					       "write");
		}
		got += (size_t)r;
	}
	return 0;
}

/* Make [off, off+len) of every leg read as zero. */
static int zero_range(struct job *j, uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < j->n && len; i++) {
		struct target *t = &j->t[i];
		uint64_t at = t->leg->off + off;

		if (t->leg->pv->dev->is_blockdev) {
			uint64_t range[2] = { at, len };

			if (ioctl(t->fd, BLKZEROOUT, range) == 0)
				continue;
		} else if (fallocate(t->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				     (off_t)at, (off_t)len) == 0) {
			continue;
		}
		/* No hole punching here: write zeros. */
		if (ivg_dev_zero(j->ctx, t->leg->pv->dev,
				 at - t->leg->pv->dev->base, len))
			return ivg_err_prefix(j->ctx, EIO, "bootlv leg %d: ",
					      t->leg->leg);
	}
	return 0;
}

static int read_full(struct job *j, void *buf, size_t len, uint64_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(j->img, (char *)buf + got, len - got,
				  (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ivg_err(j->ctx, r < 0 ? errno : EIO, "%s: read at %llu: %s",
				       j->image, (unsigned long long)(off + got),
				       r < 0 ? strerror(errno) : "short read");
		got += (size_t)r;
	}
	return 0;
}

/* Copy the data range [off, end) in batches. */
static int copy_range(struct job *j, uint64_t off, uint64_t end,
		      uint64_t *done, uint64_t total, ivg_progress_fn progress,
		      void *arg)
{
	while (off < end) {
		size_t lens[BATCH], nb = 0;
		int r = ivg_check_interrupt(j->ctx, "writing the boot image");

		if (r)
			return r;

		while (nb < BATCH && off + (uint64_t)nb * CHUNK < end) {
			uint64_t left = end - off - (uint64_t)nb * CHUNK;

			lens[nb] = left > CHUNK ? CHUNK : (size_t)left;
			if ((r = read_full(j, j->buf[nb], lens[nb],
					   off + (uint64_t)nb * CHUNK)))
				return r;
			nb++;
		}
		if ((r = write_batch(j, off, nb, lens)))
			return r;
		for (size_t b = 0; b < nb; b++) {
			off += lens[b];
			*done += lens[b];
		}
		if (progress)
			progress(arg, *done, total);
	}
	return 0;
}

static int copy_image(struct job *j, uint64_t size, ivg_progress_fn progress,
		      void *arg)
{
	uint64_t off = 0, done = 0;
	int r = 0;

	while (!r && off < size) {
		off_t data = lseek(j->img, (off_t)off, SEEK_DATA);
		off_t hole;

		if (data < 0 && errno != ENXIO)
			data = (off_t)off;      /* no SEEK_DATA: all data */
		if (data < 0 || (uint64_t)data >= size) {
			r = zero_range(j, off, size - off);
			done = size;
			break;
		}
		hole = lseek(j->img, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size)
			hole = (off_t)size;
		/* Data ranges start and end on the file's block boundaries;
		 * round out to whole 4 KiB for O_DIRECT. */
		data &= ~(off_t)(IVG_DIO_ALIGN_LEGS - 1);
		hole = (hole + IVG_DIO_ALIGN_LEGS - 1) & ~(off_t)(IVG_DIO_ALIGN_LEGS - 1);
		if ((uint64_t)hole > size)
			hole = (off_t)size;
		if ((uint64_t)data > off)
			r = zero_range(j, off, (uint64_t)data - off);
		done += (uint64_t)data - off;
		if (!r)
			r = copy_range(j, (uint64_t)data, (uint64_t)hole, &done,
				       size, progress, arg);
		off = (uint64_t)hole;
	}
	if (progress && !r)
		progress(arg, size, size);
	return r;
}

int ivg_boot_legs_write(struct ivg_ctx *ctx, const struct ivg_boot_leg *legs,
			size_t n, const char *image, ivg_progress_fn progress,
			void *arg)
{
	struct job j = { .ctx = ctx, .n = n, .image = image, .img = -1 };
	struct stat st;
	int r = 0;

	if (!n || n > IVG_MAX_LEGS)
		return ivg_err(ctx, EINVAL, "bootlv: %zu legs", n);
	for (size_t i = 0; i < n; i++) {
		if (!legs[i].pv || !legs[i].pv->dev)
			return ivg_err(ctx, ENODEV, "bootlv leg %d: its PV %s is missing; nothing written",
				       legs[i].leg, legs[i].pv ? legs[i].pv->name : "?");
		if (legs[i].off % IVG_DIO_ALIGN_LEGS)
			return ivg_err(ctx, EINVAL, "%s: bootlv leg %d is not 4 KiB aligned",
				       legs[i].pv->dev->path, legs[i].leg);
	}
	j.img = open(image, O_RDONLY | O_CLOEXEC);
	if (j.img < 0 || fstat(j.img, &st))
		r = ivg_err(ctx, errno, "%s: %s", image, strerror(errno));
	else if ((uint64_t)st.st_size > legs[0].size)
		r = ivg_err(ctx, EFBIG, "%s: %llu bytes do not fit into bootlv (%llu bytes)",
			    image, (unsigned long long)st.st_size,
			    (unsigned long long)legs[0].size);
	if (!r && !(j.t = calloc(n, sizeof(*j.t))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		j.t[i].leg = &legs[i];
		j.t[i].fd = -1;
	}
	for (size_t b = 0; !r && b < BATCH; b++)
		if (posix_memalign(&j.buf[b], IVG_DIO_ALIGN_LEGS, CHUNK))
			r = ivg_err(ctx, ENOMEM, "out of memory");
	/* One fault point per leg: the writes bypass the device layer. */
	for (size_t i = 0; !r && i < n; i++)
		r = ivg_dev_fault_external(ctx, legs[i].pv->dev,
					   "writing the boot image");
	if (!r)
		r = open_targets(&j);
	if (!r)
		j.have_aio = io_setup(BATCH * (int)n, &j.aio) == 0;
	if (!r)
		r = copy_image(&j, (uint64_t)st.st_size, progress, arg);
	for (size_t i = 0; !r && i < n; i++)
		if (fsync(j.t[i].fd))
			r = leg_err(&j, &j.t[i], errno, "fsync");
	if (j.have_aio)
		io_destroy(j.aio);
	for (size_t i = 0; j.t && i < n; i++)
		if (j.t[i].fd >= 0)
			close(j.t[i].fd);
	for (size_t b = 0; b < BATCH; b++)
		free(j.buf[b]);
	free(j.t);
	if (j.img >= 0)
		close(j.img);
	return r;
}
