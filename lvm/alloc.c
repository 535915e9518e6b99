/* SPDX-License-Identifier: GPL-2.0-or-later */
/* alloc.c - free extent maps and contiguous-first allocation. */
#include "alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * The map keeps, per PV, the runs of extents in use, sorted by start and
 * never overlapping: its size and every query scale with the number of
 * areas in the metadata, never with pe_count, which a damaged or hostile
 * text may set to 2^32 - 1.
 */
struct used_run {
	uint64_t start, len;
	const struct ivg_lv *lv;   /* its user, for messages; NULL if taken */
};

struct pv_map {
	uint64_t pe_count;
	uint64_t used;             /* extents in runs */
	size_t n, cap;
	struct used_run *runs;
};

struct ivg_freemap {
	size_t pv_count;
	struct pv_map *pv;
};

void ivg_freemap_free(struct ivg_freemap *m)
{
	if (!m)
		return;
	for (size_t i = 0; m->pv && i < m->pv_count; i++)
		free(m->pv[i].runs);
	free(m->pv);
	free(m);
}

static ssize_t pv_index(const struct ivg_vg *vg, const char *name)
{
	for (size_t i = 0; i < vg->pv_count; i++)
		if (!strcmp(vg->pvs[i]->name, name))
			return (ssize_t)i;
	return -1;
}

/* Insert a run at position at (the sorted order is the caller's). */
static int insert_run(struct pv_map *p, size_t at, struct used_run r)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct used_run *g = realloc(p->runs, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		p->runs = g;
		p->cap = cap;
	}
	memmove(&p->runs[at + 1], &p->runs[at], (p->n - at) * sizeof(*p->runs));
	p->runs[at] = r;
	p->n++;
	p->used += r.len;
	return 0;
}

/* Record one PV area of a segment; reports overruns. */
static int mark_area(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		     struct ivg_freemap *m, const struct ivg_lv *lv,
		     const struct ivg_seg *seg, const struct ivg_area *a)
{
	uint64_t len = seg->extent_count;
	ssize_t p = pv_index(vg, a->name);
	struct pv_map *pm;

	if (!strcmp(seg->type, "striped") && seg->stripe_count > 1)
		len /= seg->stripe_count;
	if (p < 0)
		return ivg_err(ctx, ENOENT, "VG %s: LV %s uses unknown PV %s",
			       vg->name, lv->name, a->name);
	pm = &m->pv[p];
	if (a->start > pm->pe_count || len > pm->pe_count - a->start)
		return ivg_err(ctx, ERANGE,
			       "VG %s: LV %s uses extents %llu-%llu of %s, which has only %llu",
			       vg->name, lv->name, (unsigned long long)a->start,
			       (unsigned long long)(a->start + len - 1), a->name,
			       (unsigned long long)pm->pe_count);
	if (!len)
		return 0;
	if (insert_run(pm, pm->n, (struct used_run){ a->start, len, lv }))
		return ivg_err(ctx, ENOMEM, "out of memory");
	return 0;
}

static int cmp_run(const void *a, const void *b)
{
	const struct used_run *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort a PV's runs; two that share an extent are an error. */
static int sort_runs(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		     struct pv_map *p, const char *pv)
{
	if (p->n > 1)
		qsort(p->runs, p->n, sizeof(*p->runs), cmp_run);
	for (size_t i = 1; i < p->n; i++) {
		const struct used_run *a = &p->runs[i - 1], *b = &p->runs[i];

		if (b->start < a->start + a->len)
			return ivg_err(ctx, EEXIST,
				       "VG %s: extent %llu of %s is allocated twice (LVs %s and %s)",
				       vg->name, (unsigned long long)b->start,
				       pv, a->lv->name, b->lv->name);
	}
	return 0;
}

static int mark_lvs(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    struct ivg_freemap *m)
{
	int r = 0;

	for (size_t l = 0; !r && l < vg->lv_count; l++) {
		const struct ivg_lv *lv = vg->lvs[l];

		for (size_t s = 0; !r && s < lv->seg_count; s++) {
			const struct ivg_seg *seg = &lv->segs[s];

			for (size_t a = 0; !r && a < seg->area_count; a++)
				if (seg->areas[a].type == IVG_AREA_PV)
					r = mark_area(ctx, vg, m, lv, seg,
						      &seg->areas[a]);
		}
	}
	for (size_t i = 0; !r && i < vg->pv_count; i++)
		r = sort_runs(ctx, vg, &m->pv[i], vg->pvs[i]->name);
	return r;
}

int ivg_freemap_build(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		      struct ivg_freemap **out)
{
	struct ivg_freemap *m = calloc(1, sizeof(*m));
	int r;

	*out = NULL;
	if (m)
		m->pv = calloc(vg->pv_count + 1, sizeof(*m->pv));
	if (!m || !m->pv) {
		ivg_freemap_free(m);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	m->pv_count = vg->pv_count;
	for (size_t i = 0; i < vg->pv_count; i++)
		m->pv[i].pe_count = vg->pvs[i]->pe_count;
	r = mark_lvs(ctx, vg, m);
	if (r) {
		ivg_freemap_free(m);
		return r;
	}
	*out = m;
	return 0;
}

int ivg_freemap_check(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	struct ivg_freemap *m;
	int r = ivg_freemap_build(ctx, vg, &m);

	ivg_freemap_free(m);
	return r;
}

uint64_t ivg_freemap_pv_free(const struct ivg_freemap *m, size_t i)
{
	return i < m->pv_count ? m->pv[i].pe_count - m->pv[i].used : 0;
}

uint64_t ivg_freemap_total_free(const struct ivg_freemap *m)
{
	uint64_t n = 0;

	for (size_t i = 0; i < m->pv_count; i++)
		n += ivg_freemap_pv_free(m, i);
	return n;
}

struct run {
	size_t pv;
	uint64_t start, len;
};

/* The first used run of PV i that ends after extent e. */
static size_t first_run_after(const struct pv_map *p, uint64_t e)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->runs[mid].start + p->runs[mid].len <= e)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first free run on PV i starting at or after 'from'. */
static struct run next_run(const struct ivg_freemap *m, size_t i,
			   uint64_t from)
{
	const struct pv_map *p = &m->pv[i];
	size_t j = first_run_after(p, from);
	uint64_t e = from, end;

	while (j < p->n && p->runs[j].start <= e) {
		e = p->runs[j].start + p->runs[j].len;
		j++;
	}
	if (e > p->pe_count)
		e = p->pe_count;
	end = j < p->n ? p->runs[j].start : p->pe_count;
	return (struct run){ i, e, end - e };
}

static struct run largest_run(const struct ivg_freemap *m, size_t i)
{
	struct run best = { i, 0, 0 };

	for (uint64_t e = 0; e < m->pv[i].pe_count;) {
		struct run r = next_run(m, i, e);

		if (r.len > best.len)
			best = r;
		e = r.start + r.len + 1;
	}
	return best;
}

/* Mark a free run used (it is free: next_run found it). */
static int take(struct ivg_freemap *m, struct run r)
{
	struct pv_map *p = &m->pv[r.pv];

	return insert_run(p, first_run_after(p, r.start),
			  (struct used_run){ r.start, r.len, NULL });
}

static bool allowed_pv(const struct ivg_vg *vg, size_t i,
		       struct ivg_pv *const *allowed, size_t n_allowed)
{
	const struct ivg_pv *pv = vg->pvs[i];

	if (!ivg_strvec_has(&pv->status, "ALLOCATABLE") ||
	    ivg_strvec_has(&pv->flags, "MISSING"))
		return false;
	/* Without a list, only PVs that are here; a list is trusted. */
	if (!allowed)
		return pv->dev != NULL;
	for (size_t k = 0; k < n_allowed; k++)
		if (allowed[k] == pv)
			return true;
	return false;
}

/*
 * Plan runs for 'need' extents: one run if any fits, else largest first.
 * -ENOSPC when they do not fit, -ENOMEM.
 */
static int plan_runs(const struct ivg_vg *vg, struct ivg_freemap *m,
		     uint64_t need, struct ivg_pv *const *allowed,
		     size_t n_allowed, struct run *runs, size_t *n_runs,
		     size_t max_runs)
{
	*n_runs = 0;
	for (size_t i = 0; i < m->pv_count; i++) {
		if (!allowed_pv(vg, i, allowed, n_allowed))
			continue;
		for (uint64_t e = 0; e < m->pv[i].pe_count;) {
			struct run r = next_run(m, i, e);

			if (r.len >= need) {
				r.len = need;
				runs[0] = r;
				*n_runs = 1;
				return take(m, r);
			}
			e = r.start + r.len + 1;
		}
	}
	while (need) {
		struct run best = { 0, 0, 0 };

		for (size_t i = 0; i < m->pv_count; i++) {
			struct run r;

			if (!allowed_pv(vg, i, allowed, n_allowed))
				continue;
			r = largest_run(m, i);
			if (r.len > best.len)
				best = r;
		}
		if (!best.len || *n_runs == max_runs)
			return -ENOSPC;
		if (best.len > need)
			best.len = need;
		if (take(m, best))
			return -ENOMEM;
		runs[(*n_runs)++] = best;
		need -= best.len;
	}
	return 0;
}

static int set_creation(struct ivg_lv *lv)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	lv->has_creation = true;
	lv->creation_time = (int64_t)time(NULL);
	free(lv->creation_host);
	lv->creation_host = strdup(host);
	return lv->creation_host ? 0 : -ENOMEM;
}

static int new_lv(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name,
		  bool visible, struct ivg_lv **out)
{
	struct ivg_lv *lv;

	if (!ivg_name_valid(name))
		return ivg_err(ctx, EINVAL, "invalid LV name \"%s\"", name);
	if (ivg_vg_lv(vg, name))
		return ivg_err(ctx, EEXIST, "LV %s/%s already exists",
			       vg->name, name);
	if (strlen(vg->name) + strlen(name) > 124)
		return ivg_err(ctx, ENAMETOOLONG,
			       "LV name %s/%s is too long (VG and LV names together at most 124)",
			       vg->name, name);
	lv = ivg_vg_add_lv(vg, name);
	if (!lv || ivg_uuid_generate(lv->id) ||
	    ivg_strvec_add_once(&lv->status, "READ") ||
	    ivg_strvec_add_once(&lv->status, "WRITE") ||
	    (visible && ivg_strvec_add_once(&lv->status, "VISIBLE")) ||
	    set_creation(lv)) {
		if (lv)
			ivg_vg_remove_lv(vg, name);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	*out = lv;
	return 0;
}

static int add_linear_segs(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			   struct ivg_lv *lv, const struct run *runs,
			   size_t n_runs)
{
	uint64_t le = 0;

	for (size_t k = 0; k < n_runs; k++) {
		struct ivg_seg *seg = ivg_lv_add_seg(lv, "striped", 1);

		if (!seg)
			return ivg_err(ctx, ENOMEM, "out of memory");
		seg->start_extent = le;
		seg->extent_count = runs[k].len;
		seg->stripe_count = 1;
		seg->areas[0].type = IVG_AREA_PV;
		seg->areas[0].name = strdup(vg->pvs[runs[k].pv]->name);
		seg->areas[0].start = runs[k].start;
		if (!seg->areas[0].name)
			return ivg_err(ctx, ENOMEM, "out of memory");
		le += runs[k].len;
	}
	return 0;
}

/* free_ext: counted before planning, which marks what it tried as used. */
static int no_space(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		    const char *name, uint64_t extents, uint64_t free_ext)
{
	return ivg_err(ctx, ENOSPC,
		       "VG %s: not enough free space for %s: %llu extents needed, %llu free",
		       vg->name, name, (unsigned long long)extents,
		       (unsigned long long)free_ext);
}

/* Free extents on the PVs an LV may use. */
static uint64_t allowed_free(const struct ivg_vg *vg, const struct ivg_freemap *m,
			     struct ivg_pv *const *allowed, size_t n_allowed)
{
	uint64_t n = 0;

	for (size_t i = 0; i < m->pv_count; i++)
		if (allowed_pv(vg, i, allowed, n_allowed))
			n += ivg_freemap_pv_free(m, i);
	return n;
}

int ivg_lv_create_linear(struct ivg_ctx *ctx, struct ivg_vg *vg,
			 const char *name, uint64_t extents,
			 struct ivg_pv *const *allowed, size_t n_allowed,
			 struct ivg_lv **out)
{
	struct ivg_freemap *m;
	struct run *runs;
	size_t n_runs = 0, max_runs = 0;
	uint64_t free_ext;
	struct ivg_lv *lv;
	int r;

	if (!extents)
		return ivg_err(ctx, EINVAL, "LV %s: size must be positive", name);
	r = ivg_freemap_build(ctx, vg, &m);
	if (r)
		return r;
	/* Each run planned is a free gap of its own, or ends the plan. */
	for (size_t i = 0; i < m->pv_count; i++)
		max_runs += m->pv[i].n + 1;
	runs = calloc(max_runs + 1, sizeof(*runs));
	if (!runs) {
		ivg_freemap_free(m);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	free_ext = allowed_free(vg, m, allowed, n_allowed);
	r = plan_runs(vg, m, extents, allowed, n_allowed, runs, &n_runs,
		      max_runs);
	if (r == -ENOMEM)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	else if (r)
		r = no_space(ctx, vg, name, extents, free_ext);
	if (!r)
		r = new_lv(ctx, vg, name, true, &lv);
	if (!r) {
		r = add_linear_segs(ctx, vg, lv, runs, n_runs);
		if (r)
			ivg_vg_remove_lv(vg, name);
		else if (out)
			*out = lv;
	}
	free(runs);
	ivg_freemap_free(m);
	return r;
}

/*
 * rmeta at the first free extent of the PV, rimage right after it;
 * -ENOSPC, -ENOMEM.
 */
static int place_leg(struct ivg_freemap *m, size_t pv, uint64_t extents,
		     struct run *meta, struct run *image)
{
	for (uint64_t e = 0; e < m->pv[pv].pe_count;) {
		struct run r = next_run(m, pv, e);

		if (r.len >= extents + 1) {
			*meta = (struct run){ pv, r.start, 1 };
			*image = (struct run){ pv, r.start + 1, extents };
			if (take(m, *meta) || take(m, *image))
				return -ENOMEM;
			return 0;
		}
		e = r.start + r.len + 1;
	}
	return -ENOSPC;
}

static int sub_lv(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *name,
		  struct run r)
{
	struct ivg_lv *lv;
	int e = new_lv(ctx, vg, name, false, &lv);

	if (e)
		return e;
	/* lvm2 gives sub-LVs no creation time or host. */
	lv->has_creation = false;
	return add_linear_segs(ctx, vg, lv, &r, 1);
}

static int raid1_top(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     const char *name, uint64_t extents, size_t n_legs,
		     struct ivg_lv **out)
{
	struct ivg_seg *seg;
	struct ivg_lv *lv;
	char sub[IVG_NAME_MAX + 32];
	int r = new_lv(ctx, vg, name, true, &lv);

	if (r)
		return r;
	seg = ivg_lv_add_seg(lv, "raid1", n_legs);
	if (!seg)
		return ivg_err(ctx, ENOMEM, "out of memory");
	seg->start_extent = 0;
	seg->extent_count = extents;
	seg->device_count = (uint32_t)n_legs;
	seg->region_size = 4096;
	for (size_t k = 0; k < n_legs; k++) {
		struct ivg_area *a = &seg->areas[k];

		a->type = IVG_AREA_RAID;
		snprintf(sub, sizeof(sub), "%s_rimage_%zu", name, k);
		a->name = strdup(sub);
		snprintf(sub, sizeof(sub), "%s_rmeta_%zu", name, k);
		a->meta = strdup(sub);
		if (!a->name || !a->meta)
			return ivg_err(ctx, ENOMEM, "out of memory");
	}
	*out = lv;
	return 0;
}

static void remove_raid1(struct ivg_vg *vg, const char *name, size_t n_legs)
{
	char sub[IVG_NAME_MAX + 32];

	ivg_vg_remove_lv(vg, name);
	for (size_t k = 0; k < n_legs; k++) {
		snprintf(sub, sizeof(sub), "%s_rimage_%zu", name, k);
		ivg_vg_remove_lv(vg, sub);
		snprintf(sub, sizeof(sub), "%s_rmeta_%zu", name, k);
		ivg_vg_remove_lv(vg, sub);
	}
}

static int check_legs(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		      const char *name, struct ivg_pv *const *legs,
		      size_t n_legs)
{
	if (n_legs < 1 || n_legs > IVG_MAX_LEGS)
		return ivg_err(ctx, EINVAL,
			       "LV %s: raid1 needs 1 to %d legs, not %zu", name,
			       IVG_MAX_LEGS, n_legs);
	for (size_t k = 0; k < n_legs; k++)
		for (size_t j = 0; j < k; j++)
			if (legs[j] == legs[k])
				return ivg_err(ctx, EINVAL,
					       "LV %s: two raid1 legs on PV %s",
					       name, legs[k]->name);
	(void)vg;
	return 0;
}

int ivg_lv_create_raid1(struct ivg_ctx *ctx, struct ivg_vg *vg,
			const char *name, uint64_t extents,
			struct ivg_pv *const *legs, size_t n_legs,
			struct ivg_lv **out)
{
	struct ivg_freemap *m;
	char sub[IVG_NAME_MAX + 32];
	struct ivg_lv *lv = NULL;
	int r = check_legs(ctx, vg, name, legs, n_legs);

	if (r)
		return r;
	r = ivg_freemap_build(ctx, vg, &m);
	if (r)
		return r;
	r = raid1_top(ctx, vg, name, extents, n_legs, &lv);
	for (size_t k = 0; !r && k < n_legs; k++) {
		struct run meta, image;
		ssize_t p = pv_index(vg, legs[k]->name);
		int placed = p < 0 ? -ENOSPC :
			     place_leg(m, (size_t)p, extents, &meta, &image);

		if (placed == -ENOMEM) {
			r = ivg_err(ctx, ENOMEM, "out of memory");
			break;
		}
		if (placed) {
			r = ivg_err(ctx, ENOSPC,
				    "VG %s: PV %s has no free run of %llu extents for leg %zu of %s",
				    vg->name, legs[k]->name,
				    (unsigned long long)extents + 1, k, name);
			break;
		}
		snprintf(sub, sizeof(sub), "%s_rmeta_%zu", name, k);
		r = sub_lv(ctx, vg, sub, meta);
		snprintf(sub, sizeof(sub), "%s_rimage_%zu", name, k);
		if (!r)
			r = sub_lv(ctx, vg, sub, image);
	}
	ivg_freemap_free(m);
	if (r) {
		remove_raid1(vg, name, n_legs);
		return r;
	}
	if (out)
		*out = lv;
	return 0;
}
