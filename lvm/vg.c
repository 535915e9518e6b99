/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vg.c - the VG model: lookups, construction, freeing, UUIDs and names. */
#include "vg.h"
#include "cfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* ---- lookups -------------------------------------------------------- */

struct ivg_pv *ivg_vg_pv_by_name(const struct ivg_vg *vg, const char *name)
{
	size_t i;

	for (i = 0; i < vg->pv_count; i++)
		if (!strcmp(vg->pvs[i]->name, name))
			return vg->pvs[i];
	return NULL;
}

struct ivg_pv *ivg_vg_pv_by_id(const struct ivg_vg *vg, const char *id)
{
	size_t i;

	for (i = 0; i < vg->pv_count; i++)
		if (!strcmp(vg->pvs[i]->id, id))
			return vg->pvs[i];
	return NULL;
}

static int cmp_lv_name(const void *a, const void *b)
{
	return strcmp((*(struct ivg_lv *const *)a)->name,
		      (*(struct ivg_lv *const *)b)->name);
}

/* Sort the LVs by name into the index; false on ENOMEM. */
static bool build_lv_index(struct ivg_vg *vg)
{
	struct ivg_lv **idx = realloc(vg->lv_index,
				      (vg->lv_count + 1) * sizeof(*idx));

	if (!idx)
		return false;
	if (vg->lv_count) {
		memcpy(idx, vg->lvs, vg->lv_count * sizeof(*idx));
		qsort(idx, vg->lv_count, sizeof(*idx), cmp_lv_name);
	}
	vg->lv_index = idx;
	vg->lv_index_valid = true;
	return true;
}

/* Keep a valid index valid: insert lv (just appended to lvs) in order. */
static void index_insert(struct ivg_vg *vg, struct ivg_lv *lv)
{
	struct ivg_lv **idx;
	size_t lo = 0, hi = vg->lv_count - 1;

	if (!vg->lv_index_valid)
		return;
	idx = realloc(vg->lv_index, (vg->lv_count + 1) * sizeof(*idx));
	if (!idx) {
		vg->lv_index_valid = false;
		return;
	}
	vg->lv_index = idx;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(idx[mid]->name, lv->name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(idx + lo + 1, idx + lo, (vg->lv_count - 1 - lo) * sizeof(*idx));
	idx[lo] = lv;
}

struct ivg_lv *ivg_vg_lv(const struct ivg_vg *vg, const char *name)
{
	size_t i;

	struct ivg_vg *mvg = (struct ivg_vg *)vg;   /* the index is a cache */
	size_t lo = 0, hi;

	if (!vg->lv_index_valid && !build_lv_index(mvg)) {
		for (i = 0; i < vg->lv_count; i++)
			if (!strcmp(vg->lvs[i]->name, name))
				return vg->lvs[i];
		return NULL;
	}
	hi = vg->lv_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(vg->lv_index[mid]->name, name);

		if (!c)
			return vg->lv_index[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool ivg_lv_selected(const char *const *only, const char *name)
{
	for (; only && *only; only++)
		if (!strcmp(*only, name))
			return true;
	return !only;
}

bool ivg_lv_visible(const struct ivg_lv *lv)
{
	return ivg_strvec_has(&lv->status, "VISIBLE");
}

uint64_t ivg_lv_extents(const struct ivg_lv *lv)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < lv->seg_count; i++)
		sum += lv->segs[i].extent_count;
	return sum;
}

const char *ivg_seg_type_name(const struct ivg_seg *seg)
{
	if (!strcmp(seg->type, "striped") && seg->stripe_count <= 1)
		return "linear";
	return seg->type;
}

/* ---- freeing -------------------------------------------------------- */

static void seg_free(struct ivg_seg *seg)
{
	size_t i;

	for (i = 0; i < seg->area_count; i++) {
		free(seg->areas[i].name);
		free(seg->areas[i].meta);
	}
	free(seg->areas);
	free(seg->type);
	ivg_cfg_free(seg->extra);
}

static void lv_free(struct ivg_lv *lv)
{
	size_t i;

	if (!lv)
		return;
	for (i = 0; i < lv->seg_count; i++)
		seg_free(&lv->segs[i]);
	free(lv->segs);
	free(lv->name);
	free(lv->creation_host);
	ivg_strvec_free(&lv->status);
	ivg_strvec_free(&lv->flags);
	ivg_strvec_free(&lv->tags);
	ivg_cfg_free(lv->extra);
	free(lv);
}

/* pv->dev is runtime state owned by whoever opened it; not closed here. */
static void pv_free(struct ivg_pv *pv)
{
	if (!pv)
		return;
	free(pv->device);
	ivg_strvec_free(&pv->status);
	ivg_strvec_free(&pv->flags);
	ivg_strvec_free(&pv->tags);
	ivg_cfg_free(pv->extra);
	free(pv);
}

void ivg_vg_free(struct ivg_vg *vg)
{
	size_t i;

	if (!vg)
		return;
	for (i = 0; i < vg->pv_count; i++)
		pv_free(vg->pvs[i]);
	free(vg->pvs);
	for (i = 0; i < vg->lv_count; i++)
		lv_free(vg->lvs[i]);
	free(vg->lvs);
	free(vg->lv_index);
	free(vg->name);
	free(vg->format);
	free(vg->system_id);
	ivg_strvec_free(&vg->status);
	ivg_strvec_free(&vg->flags);
	ivg_strvec_free(&vg->tags);
	ivg_cfg_free(vg->extra);
	free(vg->description);
	free(vg->creation_host);
	free(vg);
}

/* ---- construction --------------------------------------------------- */

/*
 * An empty VG, every field zero or NULL (callers set name, format, ...).
 * NULL on ENOMEM.
 */
struct ivg_vg *ivg_vg_new(void)
{
	return calloc(1, sizeof(struct ivg_vg));
}

/* Grow an array of pointers by one slot; 0 or -ENOMEM. */
static int push_ptr(void ***arr, size_t *count, void *p)
{
	void **a = realloc(*arr, (*count + 1) * sizeof(*a));

	if (!a)
		return -ENOMEM;
	a[(*count)++] = p;
	*arr = a;
	return 0;
}

/* N of a name "pvN" (decimal, no leading zero), or -1. */
static long pv_number(const char *name)
{
	char *end;
	long n;

	if (strncmp(name, "pv", 2) || name[2] < '0' || name[2] > '9' ||
	    (name[2] == '0' && name[3]))
		return -1;
	n = strtol(name + 2, &end, 10);
	return *end ? -1 : n;
}

/*
 * The lowest N with no PV named "pvN". With k PVs it is at most k, so a
 * table of k+1 flags answers in one pass over the PVs.
 */
static int lowest_free_pv(const struct ivg_vg *vg, size_t *out)
{
	bool *used = calloc(vg->pv_count + 1, sizeof(*used));
	size_t i;
	long n;

	if (!used)
		return -ENOMEM;
	for (i = 0; i < vg->pv_count; i++) {
		n = pv_number(vg->pvs[i]->name);
		if (n >= 0 && (size_t)n <= vg->pv_count)
			used[n] = true;
	}
	for (i = 0; used[i]; i++)
		;
	free(used);
	*out = i;
	return 0;
}

/* A new PV named "pvN" with the lowest N not in use; NULL on ENOMEM. */
struct ivg_pv *ivg_vg_add_pv(struct ivg_vg *vg)
{
	struct ivg_pv *pv = calloc(1, sizeof(*pv));
	size_t n;

	if (!pv || lowest_free_pv(vg, &n) ||
	    push_ptr((void ***)&vg->pvs, &vg->pv_count, pv)) {
		free(pv);
		return NULL;
	}
	/* Fewer than 2^32 PVs: "pv" and ten digits fit the name. */
	snprintf(pv->name, sizeof(pv->name), "pv%u", (unsigned)n);
	return pv;
}

/*
 * A new LV at the end of the list. NULL with errno EEXIST if the name is
 * taken, EINVAL if it is not a valid name, ENOMEM.
 */
struct ivg_lv *ivg_vg_add_lv(struct ivg_vg *vg, const char *name)
{
	struct ivg_lv *lv;

	if (!ivg_name_valid(name)) {
		errno = EINVAL;
		return NULL;
	}
	if (ivg_vg_lv(vg, name)) {
		errno = EEXIST;
		return NULL;
	}
	lv = calloc(1, sizeof(*lv));
	if (!lv || !(lv->name = strdup(name)) ||
	    push_ptr((void ***)&vg->lvs, &vg->lv_count, lv)) {
		if (lv)
			free(lv->name);
		free(lv);
		errno = ENOMEM;
		return NULL;
	}
	index_insert(vg, lv);
	return lv;
}

enum ivg_seg_class ivg_seg_class(const char *type)
{
	if (!strcmp(type, "striped"))
		return IVG_SEG_STRIPED;
	if (!strcmp(type, "mirror"))
		return IVG_SEG_MIRROR;
	if (!strcmp(type, "raid0"))
		return IVG_SEG_RAID0;
	if (!strcmp(type, "raid0_meta"))
		return IVG_SEG_RAID0_META;
	if (!strncmp(type, "raid", 4))
		return IVG_SEG_RAID;
	return IVG_SEG_OTHER;
}

bool ivg_seg_class_raid(enum ivg_seg_class c)
{
	return c == IVG_SEG_RAID || c == IVG_SEG_RAID0 ||
	       c == IVG_SEG_RAID0_META;
}

/* Counts that lvm2 writes from the area count, set here once. */
static void seg_init(struct ivg_seg *seg, uint64_t start, size_t area_count)
{
	enum ivg_seg_class c = ivg_seg_class(seg->type);
	size_t i;

	seg->start_extent = start;
	seg->area_count = area_count;
	if (c == IVG_SEG_STRIPED || c == IVG_SEG_RAID0 ||
	    c == IVG_SEG_RAID0_META)
		seg->stripe_count = (uint32_t)area_count;
	if (c == IVG_SEG_RAID)
		seg->device_count = (uint32_t)area_count;
	for (i = 0; i < area_count; i++)
		seg->areas[i].type = ivg_seg_class_raid(c) ? IVG_AREA_RAID
							   : IVG_AREA_PV;
}

/*
 * Append a segment starting at the LV's current end, with area_count
 * zeroed areas (IVG_AREA_RAID for raid types, IVG_AREA_PV otherwise).
 * lv->segs may move: earlier segment pointers become invalid.
 * NULL on ENOMEM.
 */
struct ivg_seg *ivg_lv_add_seg(struct ivg_lv *lv, const char *type,
			       size_t area_count)
{
	struct ivg_seg *segs, *seg;

	segs = realloc(lv->segs, (lv->seg_count + 1) * sizeof(*segs));
	if (!segs)
		return NULL;
	lv->segs = segs;
	seg = &segs[lv->seg_count];
	memset(seg, 0, sizeof(*seg));
	seg->type = strdup(type);
	if (area_count)
		seg->areas = calloc(area_count, sizeof(*seg->areas));
	if (!seg->type || (area_count && !seg->areas)) {
		free(seg->type);
		free(seg->areas);
		return NULL;
	}
	seg_init(seg, ivg_lv_extents(lv), area_count);
	lv->seg_count++;
	return seg;
}

/* Remove and free an LV, keeping the order of the others. */
int ivg_vg_remove_lv(struct ivg_vg *vg, const char *name)
{
	size_t i;

	for (i = 0; i < vg->lv_count; i++) {
		if (strcmp(vg->lvs[i]->name, name))
			continue;
		lv_free(vg->lvs[i]);
		vg->lv_index_valid = false;
		memmove(&vg->lvs[i], &vg->lvs[i + 1],
			(vg->lv_count - i - 1) * sizeof(*vg->lvs));
		vg->lv_count--;
		return 0;
	}
	return -ENOENT;
}

/* ---- UUIDs and names ------------------------------------------------ */

static const char uuid_chars[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static bool uuid_char(char c)
{
	return c && strchr(uuid_chars, c);
}

static int random_bytes(unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t n = getrandom(buf, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * 62 symbols: bytes >= 248 (4 * 62) are drawn again so that every symbol
 * is equally likely.
 */
int ivg_uuid_generate(char out[IVG_UUID_LEN + 1])
{
	unsigned char buf[64];
	size_t got = 0, i;
	int r;

	while (got < IVG_UUID_LEN) {
		r = random_bytes(buf, sizeof(buf));
		if (r)
			return r;
		for (i = 0; i < sizeof(buf) && got < IVG_UUID_LEN; i++)
			if (buf[i] < 248)
				out[got++] = uuid_chars[buf[i] % 62];
	}
	out[IVG_UUID_LEN] = '\0';
	return 0;
}

/* 6-4-4-4-4-4-6 as lvm2 prints it; 'id' must hold 32 characters. */
void ivg_uuid_format(const char *id, char out[IVG_UUID_LEN + 7])
{
	static const int groups[] = { 6, 4, 4, 4, 4, 4, 6 };
	size_t g, k, o = 0, i = 0;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		if (g)
			out[o++] = '-';
		for (k = 0; k < (size_t)groups[g] && id[i]; k++)
			out[o++] = id[i++];
	}
	out[o] = '\0';
}

/* Like lvm2: dashes anywhere are dropped, 32 symbols must remain. */
int ivg_uuid_parse(const char *in, char out[IVG_UUID_LEN + 1])
{
	char id[IVG_UUID_LEN + 1];
	size_t o = 0;

	for (; *in; in++) {
		if (*in == '-')
			continue;
		if (o == IVG_UUID_LEN || !uuid_char(*in))
			return -EINVAL;
		id[o++] = *in;
	}
	if (o != IVG_UUID_LEN)
		return -EINVAL;
	id[o] = '\0';
	memcpy(out, id, sizeof(id));
	return 0;
}

bool ivg_name_valid(const char *name)
{
	size_t len;
	const char *c;

	if (!name)
		return false;
	len = strlen(name);
	if (!len || len > IVG_NAME_MAX || name[0] == '-')
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (c = name; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("._+-", *c))
			continue;
		return false;
	}
	return true;
}
