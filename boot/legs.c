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

/* The fault point of leg t's write (ivg_dev_fault_write): 0 to write all
 * *len bytes, 1 to write the *len it now holds and then fail (torn), or
 * the injected error, naming the leg. The writes bypass the device layer,
 * so each one is made a fault point here. */
static int leg_fault(struct job *j, const struct target *t, const char *what,
		     size_t *len, size_t align)
{
	int r = ivg_dev_fault_write(j->ctx, t->leg->pv->dev, what, len, align);

	return r < 0 ? ivg_err_prefix(j->ctx, r, "bootlv leg %d: ", t->leg->leg) : r;
}

static int torn_err(struct job *j, const struct target *t, uint64_t at,
		    size_t wrote, size_t len)
{
	return ivg_err(j->ctx, EIO, "%s: bootlv leg %d: injected torn write at %llu (%zu of %zu bytes)",
		       t->leg->pv->dev->path, t->leg->leg,
		       (unsigned long long)at, wrote, len);
}

/* One chunk onto one leg synchronously (where AIO or O_DIRECT is refused,
 * or the length is not whole sectors: then through a buffered fd). */
static int write_sync(struct job *j, const struct target *t, const void *buf,
		      size_t len, uint64_t at)
{
	int fd = t->fd;

	if (t->direct && len % IVG_SECTOR) {
		fd = open(t->leg->pv->dev->path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return leg_err(j, t, errno, "open");
	}
	ssize_t w = pwrite(fd, buf, len, (off_t)at);
	int e = w < 0 ? errno : EIO;

	if (fd != t->fd)
		close(fd);
	return w == (ssize_t)len ? 0 : leg_err(j, t, e, "write");
}

/* Submit the k prepared writes and wait for all of them. 'pending' is an
 * error already met in the batch: the writes issued before it still
 * complete (as they would before a crash), and it is what is returned. */
static int run_iocbs(struct job *j, struct iocb **ptrs, size_t k, int pending)
{
	struct io_event ev[BATCH * IVG_MAX_LEGS];
	size_t sent = 0;
	int r = 0;

	while (sent < k) {
		int s = io_submit(j->aio, (long)(k - sent), ptrs + sent);

		if (s < 0) {
			if (!pending)
				r = ivg_err(j->ctx, -s, "bootlv: io_submit: %s",
					    strerror(-s));
			break;
		}
		sent += (size_t)s;
	}
	for (size_t got = 0; got < sent;) {
		int n = io_getevents(j->aio, 1, (long)(sent - got), ev, NULL);

		if (n == -EINTR)
			continue;
		if (n < 0)
			return pending ? pending :
				ivg_err(j->ctx, -n, "bootlv: io_getevents: %s", strerror(-n));
		for (int e = 0; e < n && !r && !pending; e++) {
			struct iocb *cb = ev[e].obj;
			long res = (long)ev[e].res;

			if (res < 0 || (unsigned long)res != cb->u.c.nbytes)
				r = leg_err(j, cb->data, res < 0 ? (int)-res : EIO, "write");
		}
		got += (size_t)n;
	}
	return pending ? pending : r;
}

/*
 * Write buf[0..nb) (chunk b at off + b*CHUNK, lens[b]) to every leg. Each
 * leg's write of each chunk is a fault point: a failed one ends the batch
 * and a torn one is issued halved (4 KiB multiples for O_DIRECT, sectors
 * else); the batch's writes issued before it are reaped before the error
 * is returned.
 */
static int write_batch(struct job *j, uint64_t off, size_t nb,
		       const size_t *lens)
{
	struct iocb cbs[BATCH * IVG_MAX_LEGS], *ptrs[BATCH * IVG_MAX_LEGS];
	size_t k = 0;
	int r = 0;

	for (size_t i = 0; !r && i < j->n; i++)
		for (size_t b = 0; !r && b < nb; b++) {
			struct target *t = &j->t[i];
			uint64_t at = t->leg->off + off + b * CHUNK;
			size_t len = lens[b];
			int torn = leg_fault(j, t, "writing the boot image", &len,
					     t->direct ? IVG_DIO_ALIGN_LEGS : IVG_SECTOR);

			if (torn < 0) {
				r = torn;
			} else if (j->have_aio && t->direct && len % IVG_SECTOR == 0) {
				io_prep_pwrite(&cbs[k], t->fd, j->buf[b], len,
					       (long long)at);
				cbs[k].data = t;
				ptrs[k] = &cbs[k];
				k++;
			} else {
				r = write_sync(j, t, j->buf[b], len, at);
			}
			if (!r && torn)
				r = torn_err(j, t, at, len, lens[b]);
		}
	return k ? run_iocbs(j, ptrs, k, r) : r;
}

/* Make [off, off+len) of every leg read as zero. Each leg's zeroing is a
 * fault point (it cannot tear). */
static int zero_range(struct job *j, uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < j->n && len; i++) {
		struct target *t = &j->t[i];
		uint64_t at = t->leg->off + off;
		int r = leg_fault(j, t, "zeroing the boot image's holes", NULL, 0);

		if (r)
			return r;
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
	if (!r)
		r = open_targets(&j);
	if (!r)
		j.have_aio = io_setup(BATCH * (int)n, &j.aio) == 0;
	if (!r)
		r = copy_image(&j, (uint64_t)st.st_size, progress, arg);
	for (size_t i = 0; !r && i < n; i++) {
		r = leg_fault(&j, &j.t[i], "syncing the boot image", NULL, 0);
		if (!r && fsync(j.t[i].fd))
			r = leg_err(&j, &j.t[i], errno, "fsync");
	}
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
