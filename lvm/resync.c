/* SPDX-License-Identifier: GPL-2.0-or-later */
/* resync.c - copy a raid1 LV's authority over legs out of sync. */
#include "resync.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "fanout.h"
#include "lvio.h"
#include "rmeta.h"

enum { CHUNK = 4 << 20 };

uint64_t ivg_raid1_stale_legs(const struct ivg_rmeta *m)
{
	uint64_t v = 0;

	for (size_t k = 0; k < m->n; k++)
		if (!m->leg[k].in_sync && m->leg[k].kind != IVG_RMETA_MISSING &&
		    m->leg[k].kind != IVG_RMETA_UNREADABLE)
			v |= 1ULL << k;
	return v;
}

struct job {
	struct ivg_ctx *ctx;
	struct ivg_vg *vg;
	const struct ivg_lv *lv;
	struct ivg_rmeta *m;
	uint64_t which;
	/* The authority through the LV; each leg to write through its image
	 * sub-LV (addressed as the LV is). */
	struct ivg_lvio *src, *leg[IVG_MAX_LEGS];
	struct ivg_fanout *fan;
	char *buf, *cmp;
	uint64_t size, copied;
};

static int open_legs(struct job *j, int from)
{
	int r = ivg_lvio_open(j->ctx, j->vg, j->lv->name, from, &j->src);

	for (size_t k = 0; !r && k < j->m->n; k++)
		if (j->which >> k & 1)
			r = ivg_lvio_open(j->ctx, j->vg, j->lv->segs[0].areas[k].name,
					  -1, &j->leg[k]);
	if (!r)
		j->size = ivg_lvio_size(j->src);
	return r;
}

/* Leg k's piece of one chunk: where it lies, or written through lvio when
 * it is not contiguous on one PV. */
static int queue_leg(struct job *j, size_t k, uint64_t off, size_t len,
		     struct ivg_fanout_req *q, size_t *nq)
{
	struct ivg_dev *dev;
	uint64_t at;
	int r = ivg_lvio_map(j->ctx, j->leg[k], off, len, &dev, &at);

	if (r == -ERANGE)
		return ivg_lvio_pwrite(j->ctx, j->leg[k], j->buf, len, off);
	if (r)
		return r;
	q[(*nq)++] = (struct ivg_fanout_req){ dev, at, len, j->buf };
	return 0;
}

static int copy_chunk(struct job *j, uint64_t off, size_t len)
{
	struct ivg_fanout_req q[IVG_MAX_LEGS];
	size_t nq = 0;
	int r = ivg_lvio_pread(j->ctx, j->src, j->buf, len, off);

	for (size_t k = 0; !r && k < j->m->n; k++) {
		if (!(j->which >> k & 1))
			continue;
		/* A leg that reads badly is written all the same. */
		if (!ivg_lvio_pread(j->ctx, j->leg[k], j->cmp, len, off) &&
		    !memcmp(j->buf, j->cmp, len))
			continue;
		r = queue_leg(j, k, off, len, q, &nq);
		j->copied += len;
	}
	return r ? r : ivg_fanout_write(j->ctx, j->fan, q, nq);
}

static int sync_all(struct job *j)
{
	struct ivg_dev **devs = calloc(j->vg->pv_count + 1, sizeof(*devs));
	size_t n = 0;
	int r;

	if (!devs)
		return ivg_err(j->ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < j->vg->pv_count; i++)
		if (j->vg->pvs[i]->dev && j->vg->pvs[i]->dev->rdwr)
			devs[n++] = j->vg->pvs[i]->dev;
	r = ivg_fanout_sync(j->ctx, j->fan, devs, n);
	free(devs);
	return r;
}

static int copy_all(struct job *j, ivg_progress_fn progress, void *arg)
{
	int r = 0;

	for (uint64_t off = 0; !r && off < j->size; off += CHUNK) {
		size_t len = j->size - off < CHUNK ? (size_t)(j->size - off) : CHUNK;

		r = ivg_check_interrupt(j->ctx, j->lv->name);
		if (!r)
			r = copy_chunk(j, off, len);
		if (!r && progress)
			progress(arg, off + len, j->size);
	}
	return r;
}

static int check_legs(struct job *j, int from)
{
	if (from < 0)
		return ivg_err(j->ctx, EIO, "LV %s/%s: no leg is in sync to copy from",
			       j->vg->name, j->lv->name);
	if (j->which >> from & 1)
		return ivg_err(j->ctx, EIO, "LV %s/%s: leg %d is the one to copy from",
			       j->vg->name, j->lv->name, from);
	for (size_t k = 0; k < j->m->n; k++)
		if ((j->which >> k & 1) && (j->m->leg[k].kind == IVG_RMETA_MISSING ||
					    j->m->leg[k].kind == IVG_RMETA_UNREADABLE))
			return ivg_err(j->ctx, ENXIO, "LV %s/%s: leg %zu is %s",
				       j->vg->name, j->lv->name, k,
				       ivg_rmeta_state(&j->m->leg[k]));
	return 0;
}

int ivg_raid1_resync(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     const struct ivg_lv *lv, uint64_t which,
		     ivg_progress_fn progress, void *arg, uint64_t *copied)
{
	struct job j = { .ctx = ctx, .vg = vg, .lv = lv, .which = which };
	uint64_t unmarked = 0;
	int from, r;

	j.m = malloc(sizeof(*j.m));
	if (!j.m)
		return ivg_err(ctx, ENOMEM, "out of memory");
	r = ivg_rmeta_read(ctx, vg, lv, j.m);
	from = r ? -1 : ivg_rmeta_authority(j.m);
	if (!r)
		r = check_legs(&j, from);
	for (size_t k = 0; !r && k < j.m->n; k++)
		if ((which >> k & 1) && j.m->leg[k].in_sync)
			unmarked |= 1ULL << k;
	/* Overwritten legs are marked before the first byte goes. */
	if (!r && unmarked)
		r = ivg_rmeta_mark(ctx, vg, j.m, unmarked);
	if (!r)
		r = open_legs(&j, from);
	if (!r && (!(j.buf = malloc(CHUNK)) || !(j.cmp = malloc(CHUNK))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	j.fan = r ? NULL : ivg_fanout_new(ctx);
	if (!r)
		r = copy_all(&j, progress, arg);
	if (!r)
		r = sync_all(&j);
	if (!r)
		r = ivg_rmeta_clear(ctx, vg, j.m, which);
	/* A leg lvm2 was told to rebuild is rebuilt now (rmeta.h). */
	if (!r)
		r = ivg_rmeta_set_rebuild(ctx, vg, lv, which, false);
	if (copied)
		*copied = j.copied;
	ivg_fanout_free(j.fan);
	ivg_lvio_close(j.src);
	for (size_t k = 0; k < IVG_MAX_LEGS; k++)
		ivg_lvio_close(j.leg[k]);
	free(j.buf);
	free(j.cmp);
	free(j.m);
	return r;
}
