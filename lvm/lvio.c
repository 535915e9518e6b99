/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lvio.c - mapping LV offsets to PV offsets; raid1 reads and writes. */
#include "lvio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "fanout.h"
#include "rmeta.h"

struct ivg_lvio {
	struct ivg_vg *vg;
	const struct ivg_lv *lv;
	int leg;
	uint64_t size;
	char name[2 * IVG_NAME_MAX + 2];
	/* A raid1 LV: its legs' sync state (read on first need), the legs
	 * this handle marked out of sync (cleared by ivg_lvio_sync), and the
	 * parallel writer. */
	struct ivg_rmeta *rm;
	uint64_t marked;
	bool write_failed;         /* some leg may lack a write: keep marks */
	struct ivg_fanout *fanout;
	bool fanout_tried;
};

enum { MAX_DEPTH = 4 };   /* raid1 -> image -> striped; room to spare */

static uint64_t extent_bytes(const struct ivg_vg *vg)
{
	return (uint64_t)vg->extent_size * 512;
}

static bool is_mirrored(const struct ivg_seg *seg)
{
	return !strncmp(seg->type, "raid1", 5) || !strcmp(seg->type, "mirror");
}

static bool lv_present_depth(const struct ivg_vg *vg,
			     const struct ivg_lv *lv, int leg, int depth)
{
	if (depth > MAX_DEPTH)
		return false;
	for (size_t s = 0; s < lv->seg_count; s++) {
		const struct ivg_seg *seg = &lv->segs[s];

		for (size_t a = 0; a < seg->area_count; a++) {
			const struct ivg_area *ar = &seg->areas[a];

			if (leg >= 0 && is_mirrored(seg) && (size_t)leg != a)
				continue;
			if (ar->type == IVG_AREA_PV) {
				struct ivg_pv *pv = ivg_vg_pv_by_name(vg, ar->name);

				if (!pv || !pv->dev)
					return false;
			} else {
				struct ivg_lv *sub = ivg_vg_lv(vg, ar->name);

				if (!sub || !lv_present_depth(vg, sub, -1, depth + 1))
					return false;
			}
		}
	}
	return true;
}

bool ivg_lv_present(const struct ivg_vg *vg, const struct ivg_lv *lv,
		    int leg)
{
	return lv_present_depth(vg, lv, leg, 0);
}

int ivg_lvio_open(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name,
		  int leg, struct ivg_lvio **out)
{
	struct ivg_lv *lv = ivg_vg_lv(vg, name);
	struct ivg_lvio *io;

	*out = NULL;
	if (!lv)
		return ivg_err(ctx, ENOENT, "LV %s/%s not found", vg->name, name);
	io = calloc(1, sizeof(*io));
	if (!io)
		return ivg_err(ctx, ENOMEM, "out of memory");
	io->vg = vg;
	io->lv = lv;
	io->leg = leg;
	io->size = ivg_lv_extents(lv) * extent_bytes(vg);
	snprintf(io->name, sizeof(io->name), "%s/%s", vg->name, name);
	*out = io;
	return 0;
}

void ivg_lvio_close(struct ivg_lvio *io)
{
	if (!io)
		return;
	ivg_fanout_free(io->fanout);
	free(io->rm);
	free(io);
}

static bool avoided(const struct ivg_vg *vg, const char *lv, size_t k)
{
	char key[IVG_NAME_MAX + 16];

	if (!vg->avoid.n)
		return false;
	snprintf(key, sizeof(key), "%s:%zu", lv, k);
	return ivg_strvec_has(&vg->avoid, key);
}

/* The legs' sync state, read once; NULL (message set) if it cannot be. */
static struct ivg_rmeta *leg_state(struct ivg_ctx *ctx, struct ivg_lvio *io)
{
	if (io->rm)
		return io->rm;
	io->rm = malloc(sizeof(*io->rm));
	if (!io->rm) {
		ivg_err(ctx, ENOMEM, "out of memory");
		return NULL;
	}
	if (ivg_rmeta_read(ctx, io->vg, io->lv, io->rm)) {
		free(io->rm);
		io->rm = NULL;
	}
	return io->rm;
}

const struct ivg_rmeta *ivg_lvio_legs(struct ivg_ctx *ctx, struct ivg_lvio *io)
{
	return ivg_lv_is_raid1(io->lv) ? leg_state(ctx, io) : NULL;
}

int ivg_lvio_read_leg(struct ivg_ctx *ctx, struct ivg_lvio *io)
{
	const struct ivg_rmeta *m;

	if (io->leg >= 0 || !ivg_lv_is_raid1(io->lv))
		return io->leg;
	m = leg_state(ctx, io);
	for (size_t k = 0; m && k < m->n; k++)
		if (m->leg[k].in_sync && !avoided(io->vg, io->lv->name, k) &&
		    ivg_lv_present(io->vg, ivg_vg_lv(io->vg, io->lv->segs[0].areas[k].name), -1))
			return (int)k;
	return -1;
}

int ivg_lv_reading_leg(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name)
{
	struct ivg_lvio *io;
	int leg;

	if (ivg_lvio_open(ctx, vg, name, -1, &io))
		return -1;
	leg = ivg_lvio_read_leg(ctx, io);
	ivg_lvio_close(io);
	return leg;
}

int ivg_lv_avoid_leg(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name,
		     int leg)
{
	char key[IVG_NAME_MAX + 16];

	snprintf(key, sizeof(key), "%s:%d", name, leg);
	if (ivg_strvec_add_once(&vg->avoid, key))
		return ivg_err(ctx, ENOMEM, "out of memory");
	return ivg_lv_reading_leg(ctx, vg, name);
}

const struct ivg_pv *ivg_lv_leg_pv(const struct ivg_vg *vg, const char *name,
				   int leg)
{
	const struct ivg_lv *lv = ivg_vg_lv(vg, name), *img;

	if (!ivg_lv_is_raid1(lv) || leg < 0 || (size_t)leg >= lv->segs[0].area_count)
		return NULL;
	img = ivg_vg_lv(vg, lv->segs[0].areas[leg].name);
	if (!img || !img->seg_count || !img->segs[0].area_count ||
	    img->segs[0].areas[0].type != IVG_AREA_PV)
		return NULL;
	return ivg_vg_pv_by_name(vg, img->segs[0].areas[0].name);
}

uint64_t ivg_lvio_size(const struct ivg_lvio *io)
{
	return io->size;
}

const char *ivg_lvio_name(const struct ivg_lvio *io)
{
	return io->name;
}

struct xfer {
	struct ivg_ctx *ctx;
	struct ivg_lvio *io;
	struct ivg_vg *vg;
	char *buf;
	bool write;
	bool nowait;            /* a raid1 write may still be in flight */
	int leg;                /* for the top-level raid1 LV only */
	bool map;               /* resolve only: fill the fields below */
	struct ivg_dev *mdev;
	uint64_t moff, mlen;
	/* Collect the pieces of a write instead of writing them. */
	bool collect;
	struct ivg_fanout_req *reqs;
	size_t nreq, capreq;
};

static int collect_piece(struct xfer *x, struct ivg_dev *dev, uint64_t off,
			 size_t len, const char *buf)
{
	if (x->nreq == x->capreq) {
		size_t cap = x->capreq ? 2 * x->capreq : 8;
		struct ivg_fanout_req *v = realloc(x->reqs, cap * sizeof(*v));

		if (!v)
			return ivg_err(x->ctx, ENOMEM, "out of memory");
		x->reqs = v;
		x->capreq = cap;
	}
	x->reqs[x->nreq++] = (struct ivg_fanout_req){ dev, off, len, buf };
	return 0;
}

static int lv_xfer(struct xfer *x, const struct ivg_lv *lv, uint64_t off,
		   size_t len, char *buf, int depth);

static const struct ivg_seg *find_seg(const struct ivg_vg *vg,
				      const struct ivg_lv *lv, uint64_t off)
{
	uint64_t eb = extent_bytes(vg);

	for (size_t s = 0; s < lv->seg_count; s++) {
		const struct ivg_seg *seg = &lv->segs[s];
		uint64_t start = seg->start_extent * eb;

		if (off >= start && off < start + seg->extent_count * eb)
			return seg;
	}
	return NULL;
}

static int pv_xfer(struct xfer *x, const struct ivg_lv *lv,
		   const char *pvname, uint64_t pv_off, size_t len, char *buf)
{
	struct ivg_pv *pv = ivg_vg_pv_by_name(x->vg, pvname);

	if (!pv)
		return ivg_err(x->ctx, ENOENT, "LV %s/%s: unknown PV %s",
			       x->vg->name, lv->name, pvname);
	if (!pv->dev)
		return ivg_err(x->ctx, ENXIO,
			       "LV %s/%s: PV %s (%s) is missing", x->vg->name,
			       lv->name, pv->name,
			       pv->device ? pv->device : "unknown device");
	pv_off += pv->pe_start * 512;
	if (x->map) {
		x->mdev = pv->dev;
		x->moff = pv_off;
		x->mlen = len;
		return 0;
	}
	if (x->collect)
		return collect_piece(x, pv->dev, pv_off, len, buf);
	return x->write ? ivg_dev_pwrite(x->ctx, pv->dev, buf, len, pv_off)
			: ivg_dev_pread(x->ctx, pv->dev, buf, len, pv_off);
}

/* A piece of a striped segment: stripe chunk boundaries split I/O. */
static int striped_xfer(struct xfer *x, const struct ivg_lv *lv,
			const struct ivg_seg *seg, uint64_t seg_off,
			size_t len, char *buf, size_t *done)
{
	uint64_t eb = extent_bytes(x->vg);
	uint32_t n = seg->stripe_count ? seg->stripe_count : 1;
	uint64_t chunk = n > 1 ? seg->stripe_size * 512 : seg->extent_count * eb;
	uint64_t ci, in_chunk, area_off;
	const struct ivg_area *a;
	size_t piece;

	if (!chunk)
		return ivg_err(x->ctx, EINVAL, "LV %s/%s: stripe size is 0",
			       x->vg->name, lv->name);
	ci = seg_off / chunk;
	in_chunk = seg_off % chunk;
	a = &seg->areas[ci % n];
	area_off = a->start * eb + (ci / n) * chunk + in_chunk;
	piece = (size_t)(chunk - in_chunk < len ? chunk - in_chunk : len);
	*done = piece;
	if (a->type == IVG_AREA_PV)
		return pv_xfer(x, lv, a->name, area_off, piece, buf);
	return ivg_err(x->ctx, ENOTSUP, "LV %s/%s: striped over LVs is not supported",
		       x->vg->name, lv->name);
}

/*
 * May leg k of the top-level raid1 LV be read when no leg was chosen?
 * Only when it is in sync (rmeta.h); without a readable sync state
 * (another segment type, or no rmeta), any present leg.
 */
static bool leg_readable(struct xfer *x, int depth, size_t k)
{
	const struct ivg_rmeta *m;

	if (depth || !x->io || !ivg_lv_is_raid1(x->io->lv))
		return true;
	if (avoided(x->vg, x->io->lv->name, k))
		return false;
	m = leg_state(x->ctx, x->io);
	return !m || m->leg[k].in_sync;
}

static int mirror_read(struct xfer *x, const struct ivg_lv *lv,
		       const struct ivg_seg *seg, uint64_t sub_off,
		       size_t len, char *buf, int depth, int leg)
{
	int r = -ENODEV;
	bool skipped = false;

	for (size_t k = 0; k < seg->area_count; k++) {
		const struct ivg_area *a = &seg->areas[k];
		struct ivg_lv *img;

		if (leg >= 0 && (size_t)leg != k)
			continue;
		if (leg < 0 && !leg_readable(x, depth, k)) {
			skipped = true;
			continue;
		}
		img = ivg_vg_lv(x->vg, a->name);
		if (!img || !ivg_lv_present(x->vg, img, -1))
			continue;
		r = lv_xfer(x, img, sub_off + a->start * extent_bytes(x->vg) *
				    (a->type == IVG_AREA_LV),
			    len, buf, depth + 1);
		if (!r)
			return 0;
	}
	if (r == -ENODEV && leg >= 0)
		return ivg_err(x->ctx, ENODEV, "LV %s/%s: leg %d is missing",
			       x->vg->name, lv->name, leg);
	if (r == -ENODEV && skipped)
		return ivg_err(x->ctx, ENODEV, "LV %s/%s: no leg that is present is in sync",
			       x->vg->name, lv->name);
	if (r == -ENODEV)
		return ivg_err(x->ctx, ENODEV, "LV %s/%s: no leg is present",
			       x->vg->name, lv->name);
	return r;
}

/*
 * Before the first write of a raid1 LV through this handle: every in-sync
 * leg but the authority is marked out of sync (rmeta.h).
 */
static int mark_legs(struct xfer *x)
{
	struct ivg_lvio *io = x->io;
	struct ivg_rmeta *m;
	uint64_t which = 0;
	int a, r;

	if (io->marked || !(m = leg_state(x->ctx, io)))
		return io->marked ? 0 : -EIO;
	a = ivg_rmeta_authority(m);
	if (a < 0)
		return ivg_err(x->ctx, EIO, "LV %s: no leg is in sync; not writing (ivgck --repair)",
			       io->name);
	for (size_t k = 0; k < m->n; k++)
		if ((int)k != a && m->leg[k].in_sync)
			which |= 1ULL << k;
	if (!which)
		return 0;
	r = ivg_rmeta_mark(x->ctx, x->vg, m, which);
	/* Marked legs stay marked until the sync clears them, even when a
	 * later one failed. */
	for (size_t k = 0; k < m->n; k++)
		if ((which >> k & 1) && !m->leg[k].in_sync)
			io->marked |= 1ULL << k;
	return r;
}

/* The raid1 writes still in flight complete (ivg_lvio_pwrite_nowait). */
static int wait_writes(struct ivg_ctx *ctx, struct ivg_lvio *io)
{
	int r = ivg_fanout_wait(ctx, io->fanout);

	if (r) {
		io->write_failed = true;
		ivg_err_prefix(ctx, r, "LV %s: ", io->name);
	}
	return r;
}

/* The top-level raid1 write: every leg's pieces, issued together. */
static int fanout_write(struct xfer *x, const struct ivg_lv *lv,
			const struct ivg_seg *seg, uint64_t sub_off,
			size_t len, char *buf)
{
	struct ivg_lvio *io = x->io;
	int r = mark_legs(x);

	x->collect = true;
	x->nreq = 0;
	for (size_t k = 0; !r && k < seg->area_count; k++) {
		const struct ivg_area *a = &seg->areas[k];

		r = lv_xfer(x, ivg_vg_lv(x->vg, a->name),
			    sub_off + a->start * extent_bytes(x->vg) *
				      (a->type == IVG_AREA_LV),
			    len, buf, 1);
	}
	x->collect = false;
	if (r)
		return r;
	if (!io->fanout_tried) {
		io->fanout = ivg_fanout_new(x->ctx);
		io->fanout_tried = true;
	}
	r = ivg_fanout_submit(x->ctx, io->fanout, x->reqs, x->nreq);
	if (r) {
		io->write_failed = true;
		ivg_err_prefix(x->ctx, r, "LV %s/%s: ", x->vg->name, lv->name);
	}
	return r || x->nowait ? r : wait_writes(x->ctx, io);
}

static int mirror_write(struct xfer *x, const struct ivg_lv *lv,
			const struct ivg_seg *seg, uint64_t sub_off,
			size_t len, char *buf, int depth)
{
	for (size_t k = 0; k < seg->area_count; k++) {
		struct ivg_lv *img = ivg_vg_lv(x->vg, seg->areas[k].name);

		if (!img || !ivg_lv_present(x->vg, img, -1))
			return ivg_err(x->ctx, ENXIO,
				       "LV %s/%s: leg %zu (%s) is on a missing PV, not writing",
				       x->vg->name, lv->name, k,
				       seg->areas[k].name);
	}
	if (depth == 0 && x->io && ivg_lv_is_raid1(lv))
		return fanout_write(x, lv, seg, sub_off, len, buf);
	for (size_t k = 0; k < seg->area_count; k++) {
		const struct ivg_area *a = &seg->areas[k];
		int r = lv_xfer(x, ivg_vg_lv(x->vg, a->name),
				sub_off + a->start * extent_bytes(x->vg) *
						  (a->type == IVG_AREA_LV),
				len, buf, depth + 1);

		if (r)
			return r;
	}
	return 0;
}

static int seg_xfer(struct xfer *x, const struct ivg_lv *lv,
		    const struct ivg_seg *seg, uint64_t off, size_t len,
		    char *buf, int depth, size_t *done)
{
	uint64_t eb = extent_bytes(x->vg);
	uint64_t seg_off = off - seg->start_extent * eb;
	uint64_t left = seg->extent_count * eb - seg_off;

	if (!strcmp(seg->type, "striped"))
		return striped_xfer(x, lv, seg, seg_off, len, buf, done);
	if (is_mirrored(seg)) {
		int leg = depth == 0 ? x->leg : -1;

		*done = (size_t)(left < len ? left : len);
		/* Images are addressed from the LV's start, not the segment. */
		return x->write ? mirror_write(x, lv, seg, off, *done, buf, depth)
				: mirror_read(x, lv, seg, off, *done, buf, depth,
					      leg);
	}
	return ivg_err(x->ctx, ENOTSUP,
		       "LV %s/%s: segment type %s is not supported for I/O",
		       x->vg->name, lv->name, seg->type);
}

static int lv_xfer(struct xfer *x, const struct ivg_lv *lv, uint64_t off,
		   size_t len, char *buf, int depth)
{
	if (depth > MAX_DEPTH)
		return ivg_err(x->ctx, ELOOP, "LV %s/%s: sub-LVs nest too deep",
			       x->vg->name, lv->name);
	while (len) {
		const struct ivg_seg *seg = find_seg(x->vg, lv, off);
		size_t done = 0;
		int r;

		if (!seg)
			return ivg_err(x->ctx, ERANGE,
				       "LV %s/%s: offset %llu is beyond its end",
				       x->vg->name, lv->name,
				       (unsigned long long)off);
		r = seg_xfer(x, lv, seg, off, len, buf, depth, &done);
		if (r || x->map)        /* a mapping is of the first piece */
			return r;
		off += done;
		buf += done;
		len -= done;
	}
	return 0;
}

static int check_io(struct ivg_ctx *ctx, struct ivg_lvio *io, size_t len,
		    uint64_t off)
{
	if (off > io->size || len > io->size - off)
		return ivg_err(ctx, ERANGE,
			       "LV %s: I/O of %zu bytes at %llu is beyond its size %llu",
			       io->name, len, (unsigned long long)off,
			       (unsigned long long)io->size);
	return 0;
}

int ivg_lvio_pread(struct ivg_ctx *ctx, struct ivg_lvio *io, void *buf,
		   size_t len, uint64_t off)
{
	struct xfer x = { .ctx = ctx, .io = io, .vg = io->vg, .buf = buf,
			  .leg = io->leg };
	int r = check_io(ctx, io, len, off);

	/* Reads see this handle's writes. */
	if (!r)
		r = wait_writes(ctx, io);
	return r ? r : lv_xfer(&x, io->lv, off, len, buf, 0);
}

static int pwrite_how(struct ivg_ctx *ctx, struct ivg_lvio *io,
		      const void *buf, size_t len, uint64_t off, bool nowait)
{
	struct xfer x = { .ctx = ctx, .io = io, .vg = io->vg, .buf = (char *)buf,
			  .write = true, .nowait = nowait, .leg = -1 };
	int r = check_io(ctx, io, len, off);

	if (!r)
		r = lv_xfer(&x, io->lv, off, len, (char *)buf, 0);
	free(x.reqs);
	return r;
}

int ivg_lvio_pwrite(struct ivg_ctx *ctx, struct ivg_lvio *io,
		    const void *buf, size_t len, uint64_t off)
{
	return pwrite_how(ctx, io, buf, len, off, false);
}

int ivg_lvio_wait(struct ivg_ctx *ctx, struct ivg_lvio *io)
{
	return wait_writes(ctx, io);
}

int ivg_lvio_pwrite_nowait(struct ivg_ctx *ctx, struct ivg_lvio *io,
			   const void *buf, size_t len, uint64_t off)
{
	return pwrite_how(ctx, io, buf, len, off, true);
}

int ivg_lvio_map(struct ivg_ctx *ctx, struct ivg_lvio *io, uint64_t off,
		 uint64_t len, struct ivg_dev **dev, uint64_t *dev_off)
{
	struct xfer x = { .ctx = ctx, .vg = io->vg, .map = true,
			  .leg = ivg_lvio_read_leg(ctx, io) };
	int r = check_io(ctx, io, (size_t)len, off);

	if (!r)
		r = lv_xfer(&x, io->lv, off, (size_t)len, NULL, 0);
	if (!r && x.mlen < len)
		r = ivg_err(ctx, ERANGE, "LV %s: %llu bytes at %llu are not contiguous on one PV",
			    io->name, (unsigned long long)len,
			    (unsigned long long)off);
	if (!r) {
		*dev = x.mdev;
		*dev_off = x.moff;
	}
	return r;
}

int ivg_lvio_sync(struct ivg_ctx *ctx, struct ivg_lvio *io)
{
	struct ivg_dev **devs = calloc(io->vg->pv_count + 1, sizeof(*devs));
	size_t n = 0;
	int r;

	if (!devs)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if ((r = wait_writes(ctx, io))) {
		free(devs);
		return r;
	}
	/* Every present PV, all at once: cheap for untouched ones. */
	for (size_t i = 0; i < io->vg->pv_count; i++)
		if (io->vg->pvs[i]->dev && io->vg->pvs[i]->dev->rdwr)
			devs[n++] = io->vg->pvs[i]->dev;
	r = ivg_fanout_sync(ctx, io->fanout, devs, n);
	free(devs);
	/* Every leg's data is on disk: the marks go (rmeta.h). Not after a
	 * failed write: some leg may lack it, a resync brings it back. */
	if (!r && io->marked && io->rm && !io->write_failed) {
		r = ivg_rmeta_clear(ctx, io->vg, io->rm, io->marked);
		if (!r)
			io->marked = 0;
	}
	return r;
}
