/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rmeta.c - raid1 legs in sync or not: dm-raid's superblock and ivg's mark. */
#include "rmeta.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc.h"
#include "dev.h"
#include "le.h"
#include "lvio.h"
#include "vgio.h"

/* dm-raid's superblock (drivers/md/dm-raid.c), byte offsets. */
enum {
	SB_MAGIC = 0, SB_NUM_DEVICES = 8, SB_POSITION = 12, SB_EVENTS = 16,
	SB_FAILED = 24, SB_RECOVERY = 32, SB_RESYNC = 40,
	SB_EXT_FAILED = 120, SB_EXT_FAILED_N = 3,
};
#define MAX_SECTOR UINT64_MAX

/* ivg's mark: magic, version, leg, the LV's UUID, CRC of what precedes. */
static const char IVG_MARK[8] = "IvgStale";
enum { MARK_VERSION = 8, MARK_LEG = 12, MARK_UUID = 16,
       MARK_CRC = MARK_UUID + IVG_UUID_LEN, MARK_LEN = MARK_CRC + 4 };

bool ivg_lv_is_raid1(const struct ivg_lv *lv)
{
	return lv && lv->seg_count == 1 && !strcmp(lv->segs[0].type, "raid1") &&
	       lv->segs[0].area_count >= 1 &&
	       lv->segs[0].area_count <= IVG_MAX_LEGS;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static bool is_mark(const uint8_t *p, const struct ivg_lv *lv, size_t k)
{
	return !memcmp(p, IVG_MARK, sizeof(IVG_MARK)) &&
	       get32(p + MARK_VERSION) == 1 && get32(p + MARK_LEG) == k &&
	       !memcmp(p + MARK_UUID, lv->id, IVG_UUID_LEN) &&
	       get32(p + MARK_CRC) == ivg_crc(IVG_INITIAL_CRC, p, MARK_CRC);
}

static void classify(struct ivg_rmeta_leg *l, const struct ivg_lv *lv, size_t k)
{
	const uint8_t *p = l->sb;

	if (get32(p + SB_MAGIC) == IVG_DMRAID_MAGIC) {
		l->kind = IVG_RMETA_DMRAID;
		l->events = get64(p + SB_EVENTS);
		l->recovery = get64(p + SB_RECOVERY);
		l->resync = get64(p + SB_RESYNC);
		l->position = get32(p + SB_POSITION);
	} else if (all_zero(p, sizeof(l->sb))) {
		l->kind = IVG_RMETA_ZERO;
	} else if (is_mark(p, lv, k)) {
		l->kind = IVG_RMETA_IVG;
	} else {
		l->kind = IVG_RMETA_OTHER;
	}
}

static bool failed_in(const uint8_t *sb, size_t k)
{
	if (k < 64)
		return get64(sb + SB_FAILED) >> k & 1;
	return get64(sb + SB_EXT_FAILED + 8 * (k / 64 - 1)) >> (k % 64) & 1;
}

/*
 * As dm-raid judges: without superblocks, every leg but a marked one;
 * with them, a leg whose superblock is not recovering and not failed in
 * the freshest one, and, while the array resyncs, only the first of
 * those (dm-raid copies it over the others). A leg without a superblock
 * among legs with one is a new device: out of sync.
 */
static void judge(struct ivg_rmeta *m)
{
	const struct ivg_rmeta_leg *fresh =
		m->freshest >= 0 ? &m->leg[m->freshest] : NULL;
	bool resyncing = fresh && fresh->resync != MAX_SECTOR;
	bool first = true;

	for (size_t k = 0; k < m->n; k++) {
		struct ivg_rmeta_leg *l = &m->leg[k];

		switch (l->kind) {
		case IVG_RMETA_ZERO:
		case IVG_RMETA_OTHER:
			l->in_sync = !m->dmraid;
			break;
		case IVG_RMETA_DMRAID:
			l->in_sync = l->recovery == MAX_SECTOR &&
				     !failed_in(fresh->sb, k) &&
				     (!resyncing || first);
			break;
		default:
			l->in_sync = false;
		}
		l->in_sync = l->in_sync && !l->rebuild;
		if (l->in_sync)
			first = false;
	}
}

static int read_leg(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name,
		    struct ivg_rmeta_leg *l)
{
	struct ivg_lvio *io = NULL;
	int r = ivg_lvio_open(ctx, vg, name, -1, &io);

	if (!r)
		r = ivg_lvio_pread(ctx, io, l->sb, sizeof(l->sb), 0);
	ivg_lvio_close(io);
	return r;
}

int ivg_rmeta_read(struct ivg_ctx *ctx, struct ivg_vg *vg,
		   const struct ivg_lv *lv, struct ivg_rmeta *out)
{
	const struct ivg_seg *seg;

	if (!ivg_lv_is_raid1(lv))
		return ivg_err(ctx, EINVAL, "LV %s/%s is not a raid1 LV",
			       vg->name, lv ? lv->name : "?");
	seg = &lv->segs[0];
	memset(out, 0, sizeof(*out));
	out->lv = lv;
	out->n = seg->area_count;
	out->freshest = -1;
	for (size_t k = 0; k < out->n; k++) {
		const struct ivg_area *a = &seg->areas[k];
		struct ivg_rmeta_leg *l = &out->leg[k];
		const struct ivg_lv *img = ivg_vg_lv(vg, a->name);
		const struct ivg_lv *meta = a->meta ? ivg_vg_lv(vg, a->meta) : NULL;

		l->rebuild = img && ivg_strvec_has(&img->status, "REBUILD");
		if (!img || !ivg_lv_present(vg, img, -1) ||
		    (a->meta && (!meta || !ivg_lv_present(vg, meta, -1)))) {
			l->kind = IVG_RMETA_MISSING;
			continue;
		}
		if (!meta)           /* raid1 without metadata devices */
			continue;
		if (read_leg(ctx, vg, meta->name, l)) {
			ivg_debug(ctx, "%s", ivg_errmsg(ctx));
			l->kind = IVG_RMETA_UNREADABLE;
			continue;
		}
		classify(l, lv, k);
		if (l->kind != IVG_RMETA_DMRAID)
			continue;
		out->dmraid = true;
		if (out->freshest < 0 || l->events > out->leg[out->freshest].events)
			out->freshest = (int)k;
	}
	judge(out);
	return 0;
}

int ivg_rmeta_authority(const struct ivg_rmeta *m)
{
	for (size_t k = 0; k < m->n; k++)
		if (m->leg[k].in_sync)
			return (int)k;
	return -1;
}

const char *ivg_rmeta_state(const struct ivg_rmeta_leg *l)
{
	if (l->kind == IVG_RMETA_MISSING)
		return "missing";
	if (l->kind == IVG_RMETA_UNREADABLE)
		return "unreadable";
	if (l->in_sync)
		return "in sync";
	if (l->rebuild)
		return "rebuild";
	return "out of sync";
}

/* ---- writing marks ------------------------------------------------------ */

static int write_head(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      const struct ivg_lv *lv, size_t k, const uint8_t *sb,
		      struct ivg_dev **dev)
{
	const char *meta = lv->segs[0].areas[k].meta;
	uint8_t block[IVG_RMETA_HEAD] = { 0 };
	struct ivg_lvio *io = NULL;
	uint64_t off;
	int r = ivg_lvio_open(ctx, vg, meta, -1, &io);

	/* One 4 KiB block: the sector, then zeroes up to the bitmap. */
	memcpy(block, sb, 512);
	if (!r)
		r = ivg_lvio_map(ctx, io, 0, IVG_RMETA_HEAD, dev, &off);
	if (!r)
		r = ivg_dev_pwrite(ctx, *dev, block, sizeof(block), off);
	ivg_lvio_close(io);
	if (r)
		ivg_err_prefix(ctx, r, "LV %s/%s leg %zu: ", vg->name, lv->name, k);
	return r;
}

static void set_failed(uint8_t *sb, size_t k, bool on)
{
	size_t at = k < 64 ? SB_FAILED : SB_EXT_FAILED + 8 * (k / 64 - 1);
	uint64_t v = get64(sb + at), bit = 1ULL << (k % 64);

	put64(sb + at, on ? v | bit : v & ~bit);
}

static void make_mark(uint8_t *sb, const struct ivg_lv *lv, size_t k)
{
	memset(sb, 0, 512);
	memcpy(sb, IVG_MARK, sizeof(IVG_MARK));
	put32(sb + MARK_VERSION, 1);
	put32(sb + MARK_LEG, (uint32_t)k);
	memcpy(sb + MARK_UUID, lv->id, IVG_UUID_LEN);
	put32(sb + MARK_CRC, ivg_crc(IVG_INITIAL_CRC, sb, MARK_CRC));
}

/* What leg k's sector becomes; false when it stays as it is. */
static bool new_sector(const struct ivg_rmeta *m, size_t k, bool mark,
		       uint64_t which, uint8_t *sb)
{
	const struct ivg_rmeta_leg *l = &m->leg[k];
	bool target = which >> k & 1;

	memcpy(sb, l->sb, 512);
	if (!m->dmraid) {
		if (!target)
			return false;
		if (mark)
			make_mark(sb, m->lv, k);
		else
			memset(sb, 0, 512);
		return memcmp(sb, l->sb, 512) != 0;
	}
	if (l->kind != IVG_RMETA_DMRAID) {
		/* A new device being cleared: it takes the freshest's
		 * superblock as its own, in sync. */
		if (!target || mark || m->freshest < 0)
			return false;
		memcpy(sb, m->leg[m->freshest].sb, 512);
		put32(sb + SB_POSITION, (uint32_t)k);
	}
	/* Marked legs leave every failed_devices: a full recovery. */
	for (size_t j = 0; j < m->n; j++)
		if (which >> j & 1)
			set_failed(sb, j, false);
	if (target)
		put64(sb + SB_RECOVERY, mark ? 0 : MAX_SECTOR);
	return memcmp(sb, l->sb, 512) != 0;
}

static int rewrite(struct ivg_ctx *ctx, struct ivg_vg *vg,
		   struct ivg_rmeta *m, uint64_t which, bool mark)
{
	struct ivg_dev *devs[IVG_MAX_LEGS];
	size_t nd = 0;
	uint8_t sb[512];
	int r = 0;

	for (size_t k = 0; !r && k < m->n; k++) {
		struct ivg_rmeta_leg *l = &m->leg[k];
		struct ivg_dev *dev;

		if (l->kind == IVG_RMETA_MISSING || l->kind == IVG_RMETA_UNREADABLE) {
			if (which >> k & 1)
				r = ivg_err(ctx, ENXIO, "LV %s/%s: leg %zu is %s; its sync state cannot be written",
					    vg->name, m->lv->name, k, ivg_rmeta_state(l));
			continue;
		}
		if (!new_sector(m, k, mark, which, sb))
			continue;
		if (!m->lv->segs[0].areas[k].meta) {
			r = ivg_err(ctx, ENOTSUP, "LV %s/%s: leg %zu has no rmeta to record its sync state",
				    vg->name, m->lv->name, k);
			break;
		}
		r = write_head(ctx, vg, m->lv, k, sb, &dev);
		if (r)
			break;
		memcpy(l->sb, sb, sizeof(sb));
		classify(l, m->lv, k);
		if (nd < IVG_MAX_LEGS)
			devs[nd++] = dev;
	}
	for (size_t i = 0; !r && i < nd; i++)
		r = ivg_dev_sync(ctx, devs[i]);
	judge(m);
	return r;
}

int ivg_rmeta_mark(struct ivg_ctx *ctx, struct ivg_vg *vg,
		   struct ivg_rmeta *m, uint64_t which)
{
	return rewrite(ctx, vg, m, which, true);
}

int ivg_rmeta_clear(struct ivg_ctx *ctx, struct ivg_vg *vg,
		    struct ivg_rmeta *m, uint64_t which)
{
	return rewrite(ctx, vg, m, which, false);
}

int ivg_rmeta_set_rebuild(struct ivg_ctx *ctx, struct ivg_vg *vg,
			  const struct ivg_lv *lv, uint64_t which, bool on)
{
	bool changed = false;

	for (size_t k = 0; k < lv->segs[0].area_count; k++) {
		struct ivg_lv *img = ivg_vg_lv(vg, lv->segs[0].areas[k].name);

		if (!(which >> k & 1) || !img ||
		    ivg_strvec_has(&img->status, "REBUILD") == on)
			continue;
		if (on && ivg_strvec_add_once(&img->status, "REBUILD"))
			return ivg_err(ctx, ENOMEM, "out of memory");
		if (!on)
			ivg_strvec_del(&img->status, "REBUILD");
		changed = true;
	}
	return changed ? ivg_vg_commit(ctx, vg) : 0;
}

int ivg_rmeta_begin_write(struct ivg_ctx *ctx, struct ivg_vg *vg,
			  const struct ivg_lv *lv, uint64_t writing,
			  uint64_t *marked)
{
	struct ivg_rmeta *m = malloc(sizeof(*m));
	uint64_t all, in_sync = 0, present = 0, mark, written;
	int a, r;

	*marked = 0;
	if (!m)
		return ivg_err(ctx, ENOMEM, "out of memory");
	r = ivg_rmeta_read(ctx, vg, lv, m);
	a = r ? -1 : ivg_rmeta_authority(m);
	for (size_t k = 0; !r && k < m->n; k++) {
		in_sync |= (uint64_t)m->leg[k].in_sync << k;
		present |= (uint64_t)(m->leg[k].kind != IVG_RMETA_MISSING &&
				      m->leg[k].kind != IVG_RMETA_UNREADABLE) << k;
	}
	all = m->n >= 64 ? ~0ULL : (1ULL << m->n) - 1;
	/* The legs written whole: marked (those in sync) meanwhile, and all
	 * of them, those out of sync before too, in sync afterwards. */
	written = (writing & all) == all ? present & ~(a >= 0 ? 1ULL << a : 0)
					 : present & writing;
	mark = in_sync & written;
	if (!r && a >= 0 && (mark >> a & 1) && !m->dmraid)
		r = ivg_rmeta_set_rebuild(ctx, vg, lv, 1ULL << a, true);
	if (!r && mark)
		r = ivg_rmeta_mark(ctx, vg, m, mark);
	if (!r)
		*marked = written;
	free(m);
	return r;
}

int ivg_rmeta_end_write(struct ivg_ctx *ctx, struct ivg_vg *vg,
			const struct ivg_lv *lv, uint64_t marked)
{
	struct ivg_rmeta *m;
	int r;

	if (!marked)
		return 0;
	if (!(m = malloc(sizeof(*m))))
		return ivg_err(ctx, ENOMEM, "out of memory");
	r = ivg_rmeta_read(ctx, vg, lv, m);
	if (!r)
		r = ivg_rmeta_clear(ctx, vg, m, marked);
	free(m);
	return r ? r : ivg_rmeta_set_rebuild(ctx, vg, lv, marked, false);
}

int ivg_rmeta_renumber(struct ivg_ctx *ctx, struct ivg_vg *vg,
		       const struct ivg_lv *lv)
{
	struct ivg_rmeta *m = malloc(sizeof(*m));
	struct ivg_dev *devs[IVG_MAX_LEGS];
	size_t nd = 0;
	uint8_t sb[512];
	int r;

	if (!m)
		return ivg_err(ctx, ENOMEM, "out of memory");
	r = ivg_rmeta_read(ctx, vg, lv, m);
	for (size_t k = 0; !r && m->dmraid && k < m->n; k++) {
		struct ivg_rmeta_leg *l = &m->leg[k];

		if (l->kind != IVG_RMETA_DMRAID)
			continue;
		memcpy(sb, l->sb, sizeof(sb));
		put32(sb + SB_POSITION, (uint32_t)k);
		put32(sb + SB_NUM_DEVICES, (uint32_t)m->n);
		/* Failed bits name the old positions: gone; a leg out of sync
		 * is recovered in full instead. */
		put64(sb + SB_FAILED, 0);
		memset(sb + SB_EXT_FAILED, 0, 8 * SB_EXT_FAILED_N);
		if (!l->in_sync)
			put64(sb + SB_RECOVERY, 0);
		if (!memcmp(sb, l->sb, sizeof(sb)))
			continue;
		r = write_head(ctx, vg, lv, k, sb, &devs[nd]);
		nd += !r;
	}
	for (size_t i = 0; !r && i < nd; i++)
		r = ivg_dev_sync(ctx, devs[i]);
	free(m);
	return r;
}
