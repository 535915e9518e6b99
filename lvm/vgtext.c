/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgtext.c - LVM2 text metadata to the VG model and back.
 *
 * Reading follows lvm2's import (lib/format_text/import_vsn1.c): the VG
 * is the top-level section (there must be exactly one), physical_volumes
 * are read first, then the LV names, then the LVs with their segments,
 * so that areas can name any PV or LV. Every member of a section that
 * the model does not hold is copied into the object's 'extra', in order.
 *
 * Writing follows lvm2 2.03.16's export (lib/format_text/export.c and the
 * segment types' text_export) in the form that lands in a metadata area:
 * no indentation and no comments, except in the header lines that follow
 * the VG section. Keys kept in 'extra' that lvm2 writes in a fixed place
 * (allocation_policy, read_ahead, ...) are written back in that place;
 * any other extra key follows the modelled keys of its object.
 */
#include "vgtext.h"
#include "cfg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#define CONTENTS_VALUE "Text Format Volume Group"
#define MAX_FIELDS 32

/* ---- segment types -------------------------------------------------- */

/* The segment types whose keys the model holds; others stay in extra. */
enum seg_class {
	SEG_STRIPED,
	SEG_MIRROR,
	SEG_RAID,                  /* raid1, raid4/5/6/10: meta+image pairs */
	SEG_RAID0,                 /* raid0: images only, in raid0_lvs      */
	SEG_RAID0_META,            /* raid0_meta: pairs in raids            */
	SEG_OTHER,
};

static enum seg_class seg_class(const char *type)
{
	if (!strcmp(type, "striped"))
		return SEG_STRIPED;
	if (!strcmp(type, "mirror"))
		return SEG_MIRROR;
	if (!strcmp(type, "raid0"))
		return SEG_RAID0;
	if (!strcmp(type, "raid0_meta"))
		return SEG_RAID0_META;
	if (!strncmp(type, "raid", 4))
		return SEG_RAID;
	return SEG_OTHER;
}

/* The key of the area list, as lvm2's out_areas() names it. */
static const char *areas_key(enum seg_class c)
{
	switch (c) {
	case SEG_STRIPED:
		return "stripes";
	case SEG_MIRROR:
		return "mirrors";
	case SEG_RAID0:
		return "raid0_lvs";
	case SEG_RAID:
	case SEG_RAID0_META:
		return "raids";
	default:
		return NULL;
	}
}

/* ==== reading ========================================================= */

struct rd {
	struct ivg_ctx *ctx;
	const char *src;
	struct ivg_vg *vg;
	const struct ivg_cfg_node *pvs_node, *lvs_node;
	int64_t segment_count;
	/* Where the reader is, formatted only for a message (it is hot). */
	const char *w_kind, *w_name, *w_seg;
	char where[384];           /* "VG tvg, LV lv1, segment1" */
	/* Sorted by name for lookups: a hostile text with many volumes
	 * must not cost quadratic time. */
	struct ivg_pv **pv_idx;
	struct ivg_lv **lv_idx;
	/* The extra section appended to last, and its last member. */
	struct ivg_cfg_node *xsec, *xtail;
};

/* Names from a disk may hold any byte; messages get a printable copy. */
static void safe_copy(char *dst, size_t size, const char *s)
{
	size_t o = 0;

	for (; *s && o + 1 < size && o < 64; s++)
		dst[o++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	dst[o] = '\0';
}

static void where_vg(struct rd *r)
{
	r->w_kind = NULL;
}

static void where_obj(struct rd *r, const char *kind, const char *name,
		      const char *seg)
{
	r->w_kind = kind;
	r->w_name = name;
	r->w_seg = seg;
}

/* "VG tvg" or "VG tvg, LV lv1, segment1", into r->where. */
static const char *where(struct rd *r)
{
	char vg[80], obj[80], sg[80];

	safe_copy(vg, sizeof(vg), r->vg->name ? r->vg->name : "?");
	if (!r->w_kind) {
		snprintf(r->where, sizeof(r->where), "VG %s", vg);
		return r->where;
	}
	safe_copy(obj, sizeof(obj), r->w_name ? r->w_name : "?");
	safe_copy(sg, sizeof(sg), r->w_seg ? r->w_seg : "");
	snprintf(r->where, sizeof(r->where), "VG %s, %s %s%s%s", vg, r->w_kind,
		 obj, r->w_seg ? ", " : "", sg);
	return r->where;
}

__attribute__((format(printf, 3, 4)))
static int rerr(struct rd *r, const struct ivg_cfg_node *n, const char *fmt,
		...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ivg_err(r->ctx, -EINVAL, "%s: line %d: %s: %s", r->src,
		       n ? n->line : 0, where(r), msg);
}

static int rnomem(struct rd *r)
{
	return ivg_err(r->ctx, -ENOMEM, "%s: %s: out of memory", r->src,
		       where(r));
}

/* ---- typed fields --------------------------------------------------- */

enum fkind {
	F_UUID,                    /* char[33]                      */
	F_U32,                     /* uint32_t                      */
	F_E32,                     /* uint64_t holding a 32-bit one */
	F_U64,                     /* uint64_t, not negative        */
	F_I64,                     /* int64_t                       */
	F_STR,                     /* char *                        */
	F_LIST,                    /* struct ivg_strlist            */
	F_FN,                      /* custom                        */
};

typedef int (*field_fn)(struct rd *r, void *obj, const struct ivg_cfg_node *n);

struct field {
	const char *key;
	enum fkind kind;
	size_t off;
	bool required;
	field_fn fn;
};

#define FLD(k, kind, type, member, req) \
	{ k, kind, offsetof(type, member), req, NULL }
#define FFN(k, fn, req) { k, F_FN, 0, req, fn }
#define FEND { NULL, F_FN, 0, false, NULL }

static int want_int(struct rd *r, const struct ivg_cfg_node *n, int64_t min,
		    int64_t max, int64_t *v)
{
	if (ivg_cfg_node_int(n, v))
		return rerr(r, n, "'%s' must be a number", n->key);
	if (*v < min || *v > max)
		return rerr(r, n, "'%s' = %" PRId64 " is out of range",
			    n->key, *v);
	return 0;
}

static int store_str(struct rd *r, const struct ivg_cfg_node *n, char **dst)
{
	const char *s;

	if (ivg_cfg_node_str(n, &s))
		return rerr(r, n, "'%s' must be a string", n->key);
	*dst = strdup(s);
	return *dst ? 0 : rnomem(r);
}

static int store_list(struct rd *r, const struct ivg_cfg_node *n,
		      struct ivg_strlist *l)
{
	const struct ivg_cfg_value *v;
	size_t cnt, i;

	if (ivg_cfg_node_strings(n, &v, &cnt))
		return rerr(r, n, "'%s' must be a list of strings", n->key);
	for (i = 0; i < cnt; i++)
		if (ivg_strlist_add(l, v[i].s))
			return rnomem(r);
	return 0;
}

static int store_uuid(struct rd *r, const struct ivg_cfg_node *n, char *dst)
{
	const char *s;

	if (ivg_cfg_node_str(n, &s))
		return rerr(r, n, "'%s' must be a string", n->key);
	if (ivg_uuid_parse(s, dst))
		return rerr(r, n, "'%s' is not a valid UUID", n->key);
	return 0;
}

static int store_int(struct rd *r, const struct field *f, char *p,
		     const struct ivg_cfg_node *n)
{
	int64_t v;
	int ret;

	switch (f->kind) {
	case F_U32:
	case F_E32:
		ret = want_int(r, n, 0, UINT32_MAX, &v);
		break;
	case F_U64:
		ret = want_int(r, n, 0, INT64_MAX, &v);
		break;
	default:
		ret = want_int(r, n, INT64_MIN, INT64_MAX, &v);
		break;
	}
	if (ret)
		return ret;
	if (f->kind == F_U32)
		*(uint32_t *)p = (uint32_t)v;
	else if (f->kind == F_I64)
		*(int64_t *)p = v;
	else
		*(uint64_t *)p = (uint64_t)v;
	return 0;
}

static int store(struct rd *r, const struct field *f, void *obj,
		 const struct ivg_cfg_node *n)
{
	char *p = (char *)obj + f->off;

	switch (f->kind) {
	case F_UUID:
		return store_uuid(r, n, p);
	case F_STR:
		return store_str(r, n, (char **)p);
	case F_LIST:
		return store_list(r, n, (struct ivg_strlist *)p);
	case F_FN:
		return f->fn(r, obj, n);
	default:
		return store_int(r, f, p, n);
	}
}

/* ---- walking a section ---------------------------------------------- */

static const struct field *find_field(const struct field *const *tabs,
				      const char *key, size_t *idx)
{
	size_t t, i, k = 0;

	for (t = 0; tabs[t]; t++)
		for (i = 0; tabs[t][i].key; i++, k++)
			if (!strcmp(tabs[t][i].key, key)) {
				*idx = k;
				return &tabs[t][i];
			}
	return NULL;
}

static int check_required(struct rd *r, const struct ivg_cfg_node *sec,
			  const struct field *const *tabs, const bool *seen)
{
	size_t t, i, k = 0;

	for (t = 0; tabs[t]; t++)
		for (i = 0; tabs[t][i].key; i++, k++)
			if (tabs[t][i].required && !seen[k])
				return rerr(r, sec, "'%s' is missing",
					    tabs[t][i].key);
	return 0;
}

/*
 * Store the members of 'sec' that the tables name into 'obj' (each at
 * most once); hand every other member to 'other'.
 */
static int read_fields(struct rd *r, const struct ivg_cfg_node *sec,
		       void *obj, const struct field *const *tabs,
		       field_fn other)
{
	bool seen[MAX_FIELDS] = { false };
	const struct ivg_cfg_node *n;
	const struct field *f;
	size_t idx;
	int ret;

	for (n = sec->child; n; n = n->next) {
		f = find_field(tabs, n->key, &idx);
		if (!f) {
			ret = other(r, obj, n);
		} else if (seen[idx]) {
			ret = rerr(r, n, "'%s' appears twice", f->key);
		} else {
			seen[idx] = true;
			ret = store(r, f, obj, n);
		}
		if (ret)
			return ret;
	}
	return check_required(r, sec, tabs, seen);
}

/* Copy n to the end of *extra; remembers the tail for the next call. */
static int keep_extra(struct rd *r, struct ivg_cfg_node **extra,
		      const struct ivg_cfg_node *n)
{
	struct ivg_cfg_node *c = ivg_cfg_copy(n);

	if (!c)
		return rnomem(r);
	if (!*extra && !(*extra = ivg_cfg_new_section(""))) {
		ivg_cfg_free(c);
		return rnomem(r);
	}
	if (r->xsec != *extra) {
		r->xsec = *extra;
		for (r->xtail = (*extra)->child; r->xtail && r->xtail->next;
		     r->xtail = r->xtail->next)
			;
	}
	if (r->xtail)
		r->xtail->next = c;
	else
		(*extra)->child = c;
	r->xtail = c;
	return 0;
}

/* ---- volumes by name ------------------------------------------------ */

static int cmp_pv(const void *a, const void *b)
{
	return strcmp((*(struct ivg_pv *const *)a)->name,
		      (*(struct ivg_pv *const *)b)->name);
}

static int cmp_pv_key(const void *key, const void *elem)
{
	return strcmp(key, (*(struct ivg_pv *const *)elem)->name);
}

static int cmp_lv(const void *a, const void *b)
{
	return strcmp((*(struct ivg_lv *const *)a)->name,
		      (*(struct ivg_lv *const *)b)->name);
}

static int cmp_lv_key(const void *key, const void *elem)
{
	return strcmp(key, (*(struct ivg_lv *const *)elem)->name);
}

static struct ivg_pv *find_pv(const struct rd *r, const char *name)
{
	struct ivg_pv **p = NULL;

	if (r->pv_idx)
		p = bsearch(name, r->pv_idx, r->vg->pv_count, sizeof(*p),
			    cmp_pv_key);
	return p ? *p : NULL;
}

static struct ivg_lv *find_lv(const struct rd *r, const char *name)
{
	struct ivg_lv **p = NULL;

	if (r->lv_idx)
		p = bsearch(name, r->lv_idx, r->vg->lv_count, sizeof(*p),
			    cmp_lv_key);
	return p ? *p : NULL;
}

/* A sorted copy of an array of pointers; NULL on ENOMEM. */
static void *sorted_copy(void *arr, size_t n,
			 int (*cmp)(const void *, const void *))
{
	void **c = malloc((n ? n : 1) * sizeof(*c));

	if (!c)
		return NULL;
	if (n)
		memcpy(c, arr, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp);
	return c;
}

static int cmp_node(const void *a, const void *b)
{
	const struct ivg_cfg_node *x = *(const struct ivg_cfg_node *const *)a;
	const struct ivg_cfg_node *y = *(const struct ivg_cfg_node *const *)b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Two members of 'sec' with one key: an error at the later one. */
static int check_unique(struct rd *r, const struct ivg_cfg_node *sec,
			const char *what)
{
	size_t n = ivg_cfg_count(sec), i = 0;
	const struct ivg_cfg_node **v = malloc((n ? n : 1) * sizeof(*v));
	const struct ivg_cfg_node *k;
	char name[80];
	int ret = 0;

	if (!v)
		return rnomem(r);
	for (k = sec->child; k; k = k->next)
		v[i++] = k;
	qsort(v, n, sizeof(*v), cmp_node);
	for (i = 1; !ret && i < n; i++) {
		if (strcmp(v[i - 1]->key, v[i]->key))
			continue;
		safe_copy(name, sizeof(name), v[i]->key);
		ret = rerr(r, v[i], "%s '%s' appears twice", what, name);
	}
	free(v);
	return ret;
}

static int need_section(struct rd *r, const struct ivg_cfg_node *n,
			const char *what)
{
	char key[80];

	if (n->type == IVG_CFG_SECTION)
		return 0;
	safe_copy(key, sizeof(key), n->key);
	return rerr(r, n, "'%s' must be a %s section", key, what);
}

/* ---- segments ------------------------------------------------------- */

static int seg_other(struct rd *r, void *obj, const struct ivg_cfg_node *n)
{
	return keep_extra(r, &((struct ivg_seg *)obj)->extra, n);
}

/* "type" was read before the walk; listing it keeps it out of extra. */
static int seg_type_seen(struct rd *r, void *obj, const struct ivg_cfg_node *n)
{
	return 0;
}

static int alloc_areas(struct rd *r, struct ivg_seg *seg, size_t count)
{
	seg->areas = calloc(count, sizeof(*seg->areas));
	if (!seg->areas)
		return rnomem(r);
	seg->area_count = count;
	return 0;
}

/*
 * A PV key or, failing that, an LV name: lvm2 looks names up in that
 * order (text_import_areas).
 */
static int resolve_pair(struct rd *r, const struct ivg_cfg_node *n,
			struct ivg_area *a)
{
	char name[80];

	if (find_pv(r, a->name)) {
		a->type = IVG_AREA_PV;
		return 0;
	}
	if (find_lv(r, a->name)) {
		a->type = IVG_AREA_LV;
		return 0;
	}
	safe_copy(name, sizeof(name), a->name);
	return rerr(r, n, "'%s' names unknown PV or LV '%s'", n->key, name);
}

static int read_pair(struct rd *r, const struct ivg_cfg_node *n,
		     const struct ivg_cfg_value *v, struct ivg_area *a)
{
	if (v[0].type != IVG_CFG_STRING)
		return rerr(r, n, "'%s' has a bad volume name", n->key);
	if (v[1].type != IVG_CFG_INT || v[1].i < 0 || v[1].i > UINT32_MAX)
		return rerr(r, n, "'%s' has a bad extent number", n->key);
	a->name = strdup(v[0].s);
	if (!a->name)
		return rnomem(r);
	a->start = (uint64_t)v[1].i;
	return resolve_pair(r, n, a);
}

/* stripes = ["pv0", 0, "pv1", 0] and mirrors = ["lv_mimage_0", 0, ...] */
static int seg_pairs(struct rd *r, void *obj, const struct ivg_cfg_node *n)
{
	struct ivg_seg *seg = obj;
	const struct ivg_cfg_value *v;
	size_t cnt, i;
	int ret;

	if (ivg_cfg_node_array(n, &v, &cnt) || !cnt || cnt % 2)
		return rerr(r, n, "'%s' must list pairs of a volume and an "
			    "extent", n->key);
	ret = alloc_areas(r, seg, cnt / 2);
	for (i = 0; !ret && i < cnt / 2; i++)
		ret = read_pair(r, n, &v[2 * i], &seg->areas[i]);
	return ret;
}

static int raid_lv(struct rd *r, const struct ivg_cfg_node *n, const char *s,
		   char **dst)
{
	char name[80];

	if (!find_lv(r, s)) {
		safe_copy(name, sizeof(name), s);
		return rerr(r, n, "'%s' names unknown LV '%s'", n->key, name);
	}
	*dst = strdup(s);
	return *dst ? 0 : rnomem(r);
}

/* The number of areas in a raid list; each meta LV precedes its image. */
static size_t raid_count(const struct ivg_cfg_value *v, size_t cnt)
{
	size_t i, areas = 0;

	for (i = 0; i < cnt; i++, areas++)
		if (strstr(v[i].s, "_rmeta_"))
			i++;
	return areas;
}

/* raids = ["lv_rmeta_0", "lv_rimage_0", ...]; lists without metas too. */
static int seg_raids(struct rd *r, void *obj, const struct ivg_cfg_node *n)
{
	struct ivg_seg *seg = obj;
	const struct ivg_cfg_value *v;
	size_t cnt, i, a = 0;
	int ret;

	if (ivg_cfg_node_strings(n, &v, &cnt) || !cnt)
		return rerr(r, n, "'%s' must list LV names", n->key);
	ret = alloc_areas(r, seg, raid_count(v, cnt));
	for (i = 0; !ret && i < cnt; i++, a++) {
		seg->areas[a].type = IVG_AREA_RAID;
		if (strstr(v[i].s, "_rmeta_")) {
			ret = raid_lv(r, n, v[i].s, &seg->areas[a].meta);
			if (!ret && ++i == cnt)
				ret = rerr(r, n, "'%s' ends without the data "
					   "LV of a pair", n->key);
		}
		if (!ret)
			ret = raid_lv(r, n, v[i].s, &seg->areas[a].name);
	}
	return ret;
}

static const struct field seg_common[] = {
	FLD("start_extent", F_E32, struct ivg_seg, start_extent, true),
	FLD("extent_count", F_E32, struct ivg_seg, extent_count, true),
	FFN("type", seg_type_seen, true),
	FEND
};

static const struct field seg_striped[] = {
	FLD("stripe_count", F_U32, struct ivg_seg, stripe_count, true),
	FLD("stripe_size", F_E32, struct ivg_seg, stripe_size, false),
	FFN("stripes", seg_pairs, true),
	FEND
};

static const struct field seg_mirror[] = {
	FLD("region_size", F_U32, struct ivg_seg, region_size, false),
	FFN("mirrors", seg_pairs, true),
	FEND
};

static const struct field seg_raid[] = {
	FLD("device_count", F_U32, struct ivg_seg, device_count, true),
	FLD("region_size", F_U32, struct ivg_seg, region_size, false),
	FLD("stripe_size", F_E32, struct ivg_seg, stripe_size, false),
	FFN("raids", seg_raids, true),
	FEND
};

static const struct field seg_raid0[] = {
	FLD("stripe_count", F_U32, struct ivg_seg, stripe_count, true),
	FLD("stripe_size", F_E32, struct ivg_seg, stripe_size, false),
	FFN("raid0_lvs", seg_raids, true),
	FEND
};

static const struct field seg_raid0_meta[] = {
	FLD("stripe_count", F_U32, struct ivg_seg, stripe_count, true),
	FLD("stripe_size", F_E32, struct ivg_seg, stripe_size, false),
	FFN("raids", seg_raids, true),
	FEND
};

static const struct field seg_none[] = { FEND };

static const struct field *seg_table(enum seg_class c)
{
	switch (c) {
	case SEG_STRIPED:
		return seg_striped;
	case SEG_MIRROR:
		return seg_mirror;
	case SEG_RAID:
		return seg_raid;
	case SEG_RAID0:
		return seg_raid0;
	case SEG_RAID0_META:
		return seg_raid0_meta;
	default:
		return seg_none;
	}
}

/* The count key lvm2 checks against the number of areas. */
static int check_area_count(struct rd *r, const struct ivg_cfg_node *n,
			    const struct ivg_seg *seg)
{
	enum seg_class c = seg_class(seg->type);
	uint32_t want;
	const char *key;

	if (c == SEG_OTHER || c == SEG_MIRROR)
		return 0;
	key = c == SEG_RAID ? "device_count" : "stripe_count";
	want = c == SEG_RAID ? seg->device_count : seg->stripe_count;
	if (want != seg->area_count)
		return rerr(r, n, "'%s' = %" PRIu32 " but '%s' lists %zu "
			    "areas", key, want, areas_key(c), seg->area_count);
	return 0;
}

static int read_segment(struct rd *r, struct ivg_lv *lv,
			const struct ivg_cfg_node *n)
{
	const struct field *tabs[3] = { seg_common, NULL, NULL };
	struct ivg_seg *seg;
	const char *type;
	int ret;

	where_obj(r, "LV", lv->name, n->key);
	ret = ivg_cfg_get_str(n, "type", &type);
	if (ret == -ENOENT)
		return rerr(r, n, "'type' is missing");
	if (ret)
		return rerr(r, n, "'type' must be a string");
	seg = ivg_lv_add_seg(lv, type, 0);
	if (!seg)
		return rnomem(r);
	tabs[1] = seg_table(seg_class(type));
	ret = read_fields(r, n, seg, tabs, seg_other);
	if (!ret)
		ret = check_area_count(r, n, seg);
	return ret;
}

/* ---- LVs ------------------------------------------------------------ */

static int lv_other(struct rd *r, void *obj, const struct ivg_cfg_node *n)
{
	struct ivg_lv *lv = obj;

	int ret;

	/* As in lvm2, every subsection of an LV is a segment. */
	if (n->type != IVG_CFG_SECTION)
		return keep_extra(r, &lv->extra, n);
	ret = read_segment(r, lv, n);
	where_obj(r, "LV", lv->name, NULL);
	return ret;
}

static int lv_segment_count(struct rd *r, void *obj,
			    const struct ivg_cfg_node *n)
{
	return want_int(r, n, 0, INT32_MAX, &r->segment_count);
}

static const struct field lv_fields[] = {
	FLD("id", F_UUID, struct ivg_lv, id, true),
	FLD("status", F_LIST, struct ivg_lv, status, true),
	FLD("flags", F_LIST, struct ivg_lv, flags, false),
	FLD("tags", F_LIST, struct ivg_lv, tags, false),
	FLD("creation_time", F_I64, struct ivg_lv, creation_time, false),
	FLD("creation_host", F_STR, struct ivg_lv, creation_host, false),
	FFN("segment_count", lv_segment_count, true),
	FEND
};

static int cmp_seg(const void *a, const void *b)
{
	const struct ivg_seg *x = a, *y = b;

	return x->start_extent < y->start_extent ? -1 :
	       x->start_extent > y->start_extent;
}

/* lvm2's check_lv_segments: no gaps, no overlaps, starting at 0. */
static int check_segments(struct rd *r, const struct ivg_cfg_node *n,
			  struct ivg_lv *lv)
{
	uint64_t le = 0;
	size_t i;

	where_obj(r, "LV", lv->name, NULL);
	if (r->segment_count != (int64_t)lv->seg_count)
		return rerr(r, n, "segment_count is %" PRId64 " but %zu "
			    "segments follow", r->segment_count, lv->seg_count);
	if (lv->seg_count)
		qsort(lv->segs, lv->seg_count, sizeof(*lv->segs), cmp_seg);
	for (i = 0; i < lv->seg_count; i++) {
		if (lv->segs[i].start_extent != le)
			return rerr(r, n, "a segment starts at extent %" PRIu64
				    " where %" PRIu64 " was expected",
				    lv->segs[i].start_extent, le);
		le += lv->segs[i].extent_count;
	}
	return 0;
}

static int read_lv(struct rd *r, struct ivg_lv *lv,
		   const struct ivg_cfg_node *n)
{
	const struct field *tabs[] = { lv_fields, NULL };
	bool has_time, has_host;
	int ret;

	where_obj(r, "LV", lv->name, NULL);
	r->segment_count = -1;
	ret = read_fields(r, n, lv, tabs, lv_other);
	if (ret)
		return ret;
	where_obj(r, "LV", lv->name, NULL);
	has_time = ivg_cfg_find(n, "creation_time") != NULL;
	has_host = ivg_cfg_find(n, "creation_host") != NULL;
	if (has_time != has_host)
		return rerr(r, n, "'creation_time' and 'creation_host' "
			    "come together");
	lv->has_creation = has_time;
	return check_segments(r, n, lv);
}

static int add_lv(struct rd *r, const struct ivg_cfg_node *n)
{
	struct ivg_lv *lv;
	char name[80];
	int ret = need_section(r, n, "logical volume");

	if (ret)
		return ret;
	safe_copy(name, sizeof(name), n->key);
	if (!ivg_name_valid(n->key))
		return rerr(r, n, "'%s' is not a valid LV name", name);
	lv = calloc(1, sizeof(*lv));
	if (!lv)
		return rnomem(r);
	r->vg->lvs[r->vg->lv_count++] = lv;
	lv->name = strdup(n->key);
	return lv->name ? 0 : rnomem(r);
}

/*
 * First pass: all LV names, so that segments may refer to any LV. The
 * model is filled directly (not with ivg_vg_add_lv, which searches the
 * list each time) after one sorted check for duplicates.
 */
static int add_lvs(struct rd *r, const struct ivg_cfg_node *sec)
{
	const struct ivg_cfg_node *n;
	size_t count = ivg_cfg_count(sec);
	int ret = check_unique(r, sec, "LV");

	if (ret)
		return ret;
	r->vg->lvs = calloc(count ? count : 1, sizeof(*r->vg->lvs));
	if (!r->vg->lvs)
		return rnomem(r);
	for (n = sec->child; !ret && n; n = n->next)
		ret = add_lv(r, n);
	if (!ret && !(r->lv_idx = sorted_copy(r->vg->lvs, r->vg->lv_count,
					      cmp_lv)))
		ret = rnomem(r);
	return ret;
}

static int read_lvs(struct rd *r)
{
	const struct ivg_cfg_node *n;
	size_t i = 0;
	int ret;

	if (!r->lvs_node)
		return 0;
	ret = add_lvs(r, r->lvs_node);
	for (n = r->lvs_node->child; !ret && n; n = n->next)
		ret = read_lv(r, r->vg->lvs[i++], n);
	where_vg(r);
	return ret;
}

/* ---- PVs ------------------------------------------------------------ */

static int pv_other(struct rd *r, void *obj, const struct ivg_cfg_node *n)
{
	return keep_extra(r, &((struct ivg_pv *)obj)->extra, n);
}

static const struct field pv_fields[] = {
	FLD("id", F_UUID, struct ivg_pv, id, true),
	FLD("device", F_STR, struct ivg_pv, device, false),
	FLD("status", F_LIST, struct ivg_pv, status, true),
	FLD("flags", F_LIST, struct ivg_pv, flags, false),
	FLD("tags", F_LIST, struct ivg_pv, tags, false),
	FLD("dev_size", F_U64, struct ivg_pv, dev_size, false),
	FLD("pe_start", F_U64, struct ivg_pv, pe_start, true),
	FLD("pe_count", F_E32, struct ivg_pv, pe_count, true),
	FLD("ba_start", F_U64, struct ivg_pv, ba_start, false),
	FLD("ba_size", F_U64, struct ivg_pv, ba_size, false),
	FEND
};

static int check_pv_key(struct rd *r, const struct ivg_cfg_node *n)
{
	char name[80];
	int ret = need_section(r, n, "physical volume");

	if (ret)
		return ret;
	safe_copy(name, sizeof(name), n->key);
	if (!ivg_name_valid(n->key) ||
	    strlen(n->key) >= sizeof(((struct ivg_pv *)0)->name))
		return rerr(r, n, "'%s' is not a usable PV key", name);
	return 0;
}

static int read_pv(struct rd *r, const struct ivg_cfg_node *n)
{
	const struct field *tabs[] = { pv_fields, NULL };
	struct ivg_pv *pv;
	int ret = check_pv_key(r, n);

	if (ret)
		return ret;
	pv = calloc(1, sizeof(*pv));
	if (!pv)
		return rnomem(r);
	r->vg->pvs[r->vg->pv_count++] = pv;
	strcpy(pv->name, n->key);
	where_obj(r, "PV", pv->name, NULL);
	return read_fields(r, n, pv, tabs, pv_other);
}

static int cmp_pv_id(const void *a, const void *b)
{
	return strcmp((*(struct ivg_pv *const *)a)->id,
		      (*(struct ivg_pv *const *)b)->id);
}

/* The PVs by key for lookups; no two PVs may share an id. */
static int index_pvs(struct rd *r)
{
	struct ivg_pv **by_id;
	size_t i, n = r->vg->pv_count;
	int ret = 0;

	r->pv_idx = sorted_copy(r->vg->pvs, n, cmp_pv);
	by_id = sorted_copy(r->vg->pvs, n, cmp_pv_id);
	if (!r->pv_idx || !by_id) {
		free(by_id);
		return rnomem(r);
	}
	for (i = 1; !ret && i < n; i++)
		if (!strcmp(by_id[i - 1]->id, by_id[i]->id))
			ret = rerr(r, r->pvs_node, "PVs %s and %s have the same "
				   "id", by_id[i - 1]->name, by_id[i]->name);
	free(by_id);
	return ret;
}

/* Filled directly after one sorted check for duplicate keys. */
static int read_pvs(struct rd *r)
{
	const struct ivg_cfg_node *n;
	size_t count = ivg_cfg_count(r->pvs_node);
	int ret = check_unique(r, r->pvs_node, "PV");

	if (ret)
		return ret;
	r->vg->pvs = calloc(count ? count : 1, sizeof(*r->vg->pvs));
	if (!r->vg->pvs)
		return rnomem(r);
	for (n = r->pvs_node->child; !ret && n; n = n->next)
		ret = read_pv(r, n);
	where_vg(r);
	return ret ? ret : index_pvs(r);
}

/* ---- the VG --------------------------------------------------------- */

static int vg_other(struct rd *r, void *obj, const struct ivg_cfg_node *n)
{
	return keep_extra(r, &r->vg->extra, n);
}

static int vg_pvs(struct rd *r, void *obj, const struct ivg_cfg_node *n)
{
	r->pvs_node = n;
	return need_section(r, n, "");
}

static int vg_lvs(struct rd *r, void *obj, const struct ivg_cfg_node *n)
{
	r->lvs_node = n;
	return need_section(r, n, "");
}

static const struct field vg_fields[] = {
	FLD("id", F_UUID, struct ivg_vg, id, true),
	FLD("seqno", F_U32, struct ivg_vg, seqno, true),
	FLD("format", F_STR, struct ivg_vg, format, false),
	FLD("status", F_LIST, struct ivg_vg, status, true),
	FLD("flags", F_LIST, struct ivg_vg, flags, false),
	FLD("tags", F_LIST, struct ivg_vg, tags, false),
	FLD("system_id", F_STR, struct ivg_vg, system_id, false),
	FLD("extent_size", F_U32, struct ivg_vg, extent_size, true),
	FLD("max_lv", F_U32, struct ivg_vg, max_lv, true),
	FLD("max_pv", F_U32, struct ivg_vg, max_pv, true),
	FLD("metadata_copies", F_U32, struct ivg_vg, metadata_copies, false),
	FFN("physical_volumes", vg_pvs, true),
	FFN("logical_volumes", vg_lvs, false),
	FEND
};

static int read_vg(struct rd *r, const struct ivg_cfg_node *sec)
{
	const struct field *tabs[] = { vg_fields, NULL };
	int ret;

	r->vg->name = strdup(sec->key);
	if (!r->vg->name)
		return rnomem(r);
	where_vg(r);
	if (!ivg_name_valid(sec->key))
		return rerr(r, sec, "not a valid VG name");
	ret = read_fields(r, sec, r->vg, tabs, vg_other);
	if (!ret && !r->vg->extent_size)
		ret = rerr(r, sec, "'extent_size' is 0");
	if (!ret)
		ret = read_pvs(r);
	if (!ret)
		ret = read_lvs(r);
	return ret;
}

/* ---- the header around the VG section ------------------------------- */

static int header_str(struct rd *r, const struct ivg_cfg_node *root,
		      const char *key, char **dst)
{
	const struct ivg_cfg_node *n = ivg_cfg_find(root, key);

	return n ? store_str(r, n, dst) : 0;
}

static int check_header(struct rd *r, const struct ivg_cfg_node *root)
{
	const struct ivg_cfg_node *n;
	const char *s;
	int64_t v;

	n = ivg_cfg_find(root, "contents");
	if (n && (ivg_cfg_node_str(n, &s) || strcmp(s, CONTENTS_VALUE)))
		return rerr(r, n, "'contents' is not \"" CONTENTS_VALUE "\"");
	n = ivg_cfg_find(root, "version");
	if (n && (ivg_cfg_node_int(n, &v) || v != 1))
		return rerr(r, n, "unknown format 'version'");
	n = ivg_cfg_find(root, "creation_time");
	if (n && want_int(r, n, INT64_MIN, INT64_MAX,
			  &r->vg->creation_time))
		return -EINVAL;
	if (header_str(r, root, "description", &r->vg->description))
		return -EINVAL;
	return header_str(r, root, "creation_host", &r->vg->creation_host);
}

/* The VG is the one top-level section. */
static int find_vg(struct rd *r, const struct ivg_cfg_node *root,
		   const struct ivg_cfg_node **vgn)
{
	const struct ivg_cfg_node *n;

	*vgn = NULL;
	for (n = root->child; n; n = n->next) {
		if (n->type != IVG_CFG_SECTION)
			continue;
		if (*vgn)
			return rerr(r, n, "more than one volume group section");
		*vgn = n;
	}
	if (!*vgn)
		return ivg_err(r->ctx, -EINVAL, "%s: no volume group section "
			       "in the metadata text", r->src);
	return 0;
}

int ivg_vg_from_text(struct ivg_ctx *ctx, const char *text, size_t len,
		     const char *src, struct ivg_vg **out)
{
	struct rd r = { .ctx = ctx, .src = src ? src : "(text)" };
	struct ivg_cfg_node *root;
	const struct ivg_cfg_node *vgn;
	int ret;

	*out = NULL;
	ret = ivg_cfg_parse(ctx, text, len, r.src, &root);
	if (ret)
		return ret;
	r.vg = ivg_vg_new();
	strcpy(r.where, "header");
	if (!r.vg)
		ret = rnomem(&r);
	if (!ret)
		ret = check_header(&r, root);
	if (!ret)
		ret = find_vg(&r, root, &vgn);
	if (!ret)
		ret = read_vg(&r, vgn);
	ivg_cfg_free(root);
	free(r.pv_idx);
	free(r.lv_idx);
	if (ret) {
		ivg_vg_free(r.vg);
		return ret;
	}
	*out = r.vg;
	return 0;
}

/* ==== checking a model before writing it ============================= */

static int werr(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		const struct ivg_lv *lv, size_t seg, const char *msg)
{
	if (seg)
		return ivg_err(ctx, -EINVAL, "VG %s: LV %s: segment%zu: %s",
			       vg->name, lv->name, seg, msg);
	if (lv)
		return ivg_err(ctx, -EINVAL, "VG %s: LV %s: %s", vg->name,
			       lv->name, msg);
	return ivg_err(ctx, -EINVAL, "VG %s: %s", vg->name, msg);
}

static bool id_valid(const char *id)
{
	char tmp[IVG_UUID_LEN + 1];

	return strlen(id) == IVG_UUID_LEN && !ivg_uuid_parse(id, tmp);
}

/* What the checks look names up in: both lists sorted by name. */
struct chk {
	const struct ivg_vg *vg;
	struct ivg_pv **pvs;
	struct ivg_lv **lvs;
};

static bool chk_pv(const struct chk *c, const char *name)
{
	return bsearch(name, c->pvs, c->vg->pv_count, sizeof(*c->pvs),
		       cmp_pv_key) != NULL;
}

static bool chk_lv(const struct chk *c, const char *name)
{
	return bsearch(name, c->lvs, c->vg->lv_count, sizeof(*c->lvs),
		       cmp_lv_key) != NULL;
}

static const char *check_area(const struct chk *c, enum seg_class sc,
			      const struct ivg_area *a)
{
	bool raid = sc == SEG_RAID || sc == SEG_RAID0 || sc == SEG_RAID0_META;

	if (!a->name)
		return "an area has no name";
	if (raid != (a->type == IVG_AREA_RAID))
		return "an area's type does not fit the segment type";
	if (a->type == IVG_AREA_PV && !chk_pv(c, a->name))
		return "an area names an unknown PV";
	if (a->type != IVG_AREA_PV && !chk_lv(c, a->name))
		return "an area names an unknown LV";
	if (a->meta && !chk_lv(c, a->meta))
		return "a raid area names an unknown metadata LV";
	return NULL;
}

static const char *check_seg(const struct chk *c, const struct ivg_seg *s)
{
	enum seg_class sc;
	const char *why;
	size_t i;

	if (!s->type)
		return "no segment type";
	sc = seg_class(s->type);
	if (sc == SEG_OTHER)
		return NULL;
	if (!s->area_count)
		return "no areas";
	if (sc == SEG_RAID ? s->device_count != s->area_count
			   : sc != SEG_MIRROR &&
			     s->stripe_count != s->area_count)
		return "the stripe or device count does not match the areas";
	for (i = 0; i < s->area_count; i++)
		if ((why = check_area(c, sc, &s->areas[i])))
			return why;
	return NULL;
}

/* LV extras must be plain values: lvm2 reads a subsection as a segment. */
static bool extra_has_section(const struct ivg_cfg_node *extra)
{
	const struct ivg_cfg_node *n;

	for (n = extra ? extra->child : NULL; n; n = n->next)
		if (n->type == IVG_CFG_SECTION)
			return true;
	return false;
}

static int check_lv(struct ivg_ctx *ctx, const struct chk *c,
		    const struct ivg_lv *lv)
{
	uint64_t le = 0;
	const char *why;
	size_t i;

	if (!id_valid(lv->id))
		return werr(ctx, c->vg, lv, 0, "invalid id");
	if (extra_has_section(lv->extra))
		return werr(ctx, c->vg, lv, 0,
			    "a section among the extra keys");
	for (i = 0; i < lv->seg_count; i++) {
		if (lv->segs[i].start_extent != le)
			return werr(ctx, c->vg, lv, i + 1, "not contiguous "
				    "with the previous segment");
		le += lv->segs[i].extent_count;
		if ((why = check_seg(c, &lv->segs[i])))
			return werr(ctx, c->vg, lv, i + 1, why);
	}
	return 0;
}

static int check_names(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	size_t i;

	for (i = 0; i < vg->pv_count; i++)
		if (!ivg_name_valid(vg->pvs[i]->name) ||
		    !id_valid(vg->pvs[i]->id))
			return werr(ctx, vg, NULL, 0,
				    "a PV has a bad key or id");
	for (i = 0; i < vg->lv_count; i++)
		if (!ivg_name_valid(vg->lvs[i]->name))
			return werr(ctx, vg, NULL, 0, "an LV has a bad name");
	return 0;
}

/* Names are valid (check_names); now sort them and find duplicates. */
static int check_unique_names(struct ivg_ctx *ctx, struct chk *c)
{
	const struct ivg_vg *vg = c->vg;
	size_t i;

	c->pvs = sorted_copy(vg->pvs, vg->pv_count, cmp_pv);
	c->lvs = sorted_copy(vg->lvs, vg->lv_count, cmp_lv);
	if (!c->pvs || !c->lvs)
		return ivg_err(ctx, -ENOMEM, "VG %s: out of memory", vg->name);
	for (i = 1; i < vg->pv_count; i++)
		if (!strcmp(c->pvs[i - 1]->name, c->pvs[i]->name))
			return werr(ctx, vg, NULL, 0, "two PVs share a key");
	for (i = 1; i < vg->lv_count; i++)
		if (!strcmp(c->lvs[i - 1]->name, c->lvs[i]->name))
			return werr(ctx, vg, c->lvs[i], 0, "name used twice");
	return 0;
}

static int check_vg(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	struct chk c = { .vg = vg };
	size_t i;
	int ret;

	if (!ivg_name_valid(vg->name))
		return ivg_err(ctx, -EINVAL, "VG name '%s' is not valid",
			       vg->name ? vg->name : "(none)");
	if (!id_valid(vg->id))
		return werr(ctx, vg, NULL, 0, "invalid id");
	ret = check_names(ctx, vg);
	if (!ret)
		ret = check_unique_names(ctx, &c);
	for (i = 0; !ret && i < vg->lv_count; i++)
		ret = check_lv(ctx, &c, vg->lvs[i]);
	free(c.pvs);
	free(c.lvs);
	return ret;
}

/* ==== writing ========================================================= */

static void out_str(struct ivg_cfg_buf *b, const char *key, const char *s)
{
	ivg_cfg_buf_printf(b, "%s = ", key);
	ivg_cfg_buf_quoted(b, s);
	ivg_cfg_buf_printf(b, "\n");
}

static void out_list(struct ivg_cfg_buf *b, const char *key,
		     const struct ivg_strlist *l)
{
	size_t i;

	ivg_cfg_buf_printf(b, "%s = [", key);
	for (i = 0; i < l->n; i++) {
		if (i)
			ivg_cfg_buf_printf(b, ", ");
		ivg_cfg_buf_quoted(b, l->v[i]);
	}
	ivg_cfg_buf_printf(b, "]\n");
}

static void out_id(struct ivg_cfg_buf *b, const char *id)
{
	char s[IVG_UUID_LEN + 7];

	ivg_uuid_format(id, s);
	out_str(b, "id", s);
}

/* lvm2 writes status and flags always, tags only when there are some. */
static void out_flags(struct ivg_cfg_buf *b, const struct ivg_strlist *status,
		      const struct ivg_strlist *flags,
		      const struct ivg_strlist *tags)
{
	out_list(b, "status", status);
	out_list(b, "flags", flags);
	if (tags->n)
		out_list(b, "tags", tags);
}

/* An extra key that lvm2 writes in a fixed place, if the model has it. */
static void out_extra(struct ivg_cfg_buf *b, const struct ivg_cfg_node *extra,
		      const char *key)
{
	const struct ivg_cfg_node *n = ivg_cfg_find(extra, key);

	if (n)
		ivg_cfg_emit(b, n);
}

static bool listed(const char *const *keys, const char *key)
{
	for (; keys && *keys; keys++)
		if (!strcmp(*keys, key))
			return true;
	return false;
}

enum which { VALUES, SECTIONS, ALL };

/* Every extra key not written in a fixed place, in the order read. */
static void out_rest(struct ivg_cfg_buf *b, const struct ivg_cfg_node *extra,
		     const char *const *placed, enum which which)
{
	const struct ivg_cfg_node *n;
	bool sec;

	for (n = extra ? extra->child : NULL; n; n = n->next) {
		sec = n->type == IVG_CFG_SECTION;
		if (listed(placed, n->key) || (which == VALUES && sec) ||
		    (which == SECTIONS && !sec))
			continue;
		ivg_cfg_emit(b, n);
	}
}

/* ---- segments ------------------------------------------------------- */

static void out_area(struct ivg_cfg_buf *b, const struct ivg_area *a,
		     bool last)
{
	if (a->type == IVG_AREA_RAID) {
		if (a->meta) {
			ivg_cfg_buf_quoted(b, a->meta);
			ivg_cfg_buf_printf(b, ", ");
		}
		ivg_cfg_buf_quoted(b, a->name);
	} else {
		ivg_cfg_buf_quoted(b, a->name);
		ivg_cfg_buf_printf(b, ", %" PRIu64, a->start);
	}
	ivg_cfg_buf_printf(b, "%s\n", last ? "" : ",");
}

/* lvm2's out_areas(): a blank line, then one area per line. */
static void out_areas(struct ivg_cfg_buf *b, const struct ivg_seg *seg)
{
	size_t i;

	ivg_cfg_buf_printf(b, "\n%s = [\n", areas_key(seg_class(seg->type)));
	for (i = 0; i < seg->area_count; i++)
		out_area(b, &seg->areas[i], i + 1 == seg->area_count);
	ivg_cfg_buf_printf(b, "]\n");
}

static const char *const seg_placed[] = { "reshape_count", "tags", NULL };
static const char *const raid_placed[] = {
	"reshape_count", "tags", "data_copies", "writebehind",
	"min_recovery_rate", "max_recovery_rate", NULL
};
static const char *const mirror_placed[] = {
	"reshape_count", "tags", "mirror_count", "extents_moved",
	"mirror_log", NULL
};

/* lib/striped/striped.c: stripe_size only with more than one stripe. */
static void out_striped(struct ivg_cfg_buf *b, const struct ivg_seg *seg)
{
	ivg_cfg_buf_printf(b, "stripe_count = %" PRIu32 "\n",
			   seg->stripe_count);
	if (seg->stripe_count > 1)
		ivg_cfg_buf_printf(b, "stripe_size = %" PRIu64 "\n",
				   seg->stripe_size);
	out_rest(b, seg->extra, seg_placed, ALL);
	out_areas(b, seg);
}

/* lib/raid/raid.c, _raid_text_export_raid(). */
static void out_raid(struct ivg_cfg_buf *b, const struct ivg_seg *seg)
{
	ivg_cfg_buf_printf(b, "device_count = %" PRIu32 "\n",
			   seg->device_count);
	out_extra(b, seg->extra, "data_copies");
	if (seg->region_size)
		ivg_cfg_buf_printf(b, "region_size = %" PRIu32 "\n",
				   seg->region_size);
	if (seg->stripe_size)
		ivg_cfg_buf_printf(b, "stripe_size = %" PRIu64 "\n",
				   seg->stripe_size);
	out_extra(b, seg->extra, "writebehind");
	out_extra(b, seg->extra, "min_recovery_rate");
	out_extra(b, seg->extra, "max_recovery_rate");
	out_rest(b, seg->extra, raid_placed, ALL);
	out_areas(b, seg);
}

/* lib/raid/raid.c, _raid_text_export_raid0(). */
static void out_raid0(struct ivg_cfg_buf *b, const struct ivg_seg *seg)
{
	ivg_cfg_buf_printf(b, "stripe_count = %" PRIu32 "\n",
			   seg->stripe_count);
	if (seg->stripe_size)
		ivg_cfg_buf_printf(b, "stripe_size = %" PRIu64 "\n",
				   seg->stripe_size);
	out_rest(b, seg->extra, seg_placed, ALL);
	out_areas(b, seg);
}

/* lib/mirror/mirrored.c, _mirrored_text_export(). */
static void out_mirror(struct ivg_cfg_buf *b, const struct ivg_seg *seg)
{
	out_extra(b, seg->extra, "mirror_count");
	out_extra(b, seg->extra, "extents_moved");
	out_extra(b, seg->extra, "mirror_log");
	if (seg->region_size)
		ivg_cfg_buf_printf(b, "region_size = %" PRIu32 "\n",
				   seg->region_size);
	out_rest(b, seg->extra, mirror_placed, ALL);
	out_areas(b, seg);
}

static void out_seg_body(struct ivg_cfg_buf *b, const struct ivg_seg *seg)
{
	switch (seg_class(seg->type)) {
	case SEG_STRIPED:
		out_striped(b, seg);
		break;
	case SEG_RAID:
		out_raid(b, seg);
		break;
	case SEG_RAID0:
	case SEG_RAID0_META:
		out_raid0(b, seg);
		break;
	case SEG_MIRROR:
		out_mirror(b, seg);
		break;
	default:
		out_rest(b, seg->extra, seg_placed, ALL);
		break;
	}
}

static void out_seg(struct ivg_cfg_buf *b, const struct ivg_seg *seg,
		    size_t num)
{
	ivg_cfg_buf_printf(b, "segment%zu {\n", num);
	ivg_cfg_buf_printf(b, "start_extent = %" PRIu64 "\n",
			   seg->start_extent);
	ivg_cfg_buf_printf(b, "extent_count = %" PRIu64 "\n\n",
			   seg->extent_count);
	out_extra(b, seg->extra, "reshape_count");
	out_str(b, "type", seg->type);
	out_extra(b, seg->extra, "tags");
	out_seg_body(b, seg);
	ivg_cfg_buf_printf(b, "}\n");
}

/* ---- LVs, PVs, VG --------------------------------------------------- */

static const char *const lv_placed[] = {
	"lock_args", "allocation_policy", "profile", "read_ahead", "major",
	"minor", NULL
};

/* lvm2's _print_lv(). */
static void out_lv(struct ivg_cfg_buf *b, const struct ivg_lv *lv)
{
	const char *const *k;
	size_t i;

	ivg_cfg_buf_printf(b, "\n%s {\n", lv->name);
	out_id(b, lv->id);
	out_flags(b, &lv->status, &lv->flags, &lv->tags);
	if (lv->has_creation) {
		ivg_cfg_buf_printf(b, "creation_time = %" PRId64 "\n",
				   lv->creation_time);
		out_str(b, "creation_host",
			lv->creation_host ? lv->creation_host : "");
	}
	for (k = lv_placed; *k; k++)
		out_extra(b, lv->extra, *k);
	out_rest(b, lv->extra, lv_placed, VALUES);
	ivg_cfg_buf_printf(b, "segment_count = %zu\n\n", lv->seg_count);
	for (i = 0; i < lv->seg_count; i++)
		out_seg(b, &lv->segs[i], i + 1);
	ivg_cfg_buf_printf(b, "}\n");
}

/* Visible LVs first, then hidden ones, each group in model order. */
static void out_lvs(struct ivg_cfg_buf *b, const struct ivg_vg *vg)
{
	size_t i;
	int pass;

	if (!vg->lv_count)
		return;
	ivg_cfg_buf_printf(b, "logical_volumes {\n");
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < vg->lv_count; i++)
			if (ivg_lv_visible(vg->lvs[i]) == (bool)pass)
				out_lv(b, vg->lvs[i]);
	ivg_cfg_buf_printf(b, "}\n");
}

/* lvm2's _print_pvs(); the device is only a hint, "[unknown]" if none. */
static void out_pv(struct ivg_cfg_buf *b, const struct ivg_pv *pv)
{
	ivg_cfg_buf_printf(b, "\n%s {\n", pv->name);
	out_id(b, pv->id);
	out_str(b, "device", pv->device ? pv->device : "[unknown]");
	ivg_cfg_buf_printf(b, "\n");
	out_flags(b, &pv->status, &pv->flags, &pv->tags);
	ivg_cfg_buf_printf(b, "dev_size = %" PRIu64 "\n", pv->dev_size);
	ivg_cfg_buf_printf(b, "pe_start = %" PRIu64 "\n", pv->pe_start);
	ivg_cfg_buf_printf(b, "pe_count = %" PRIu64 "\n", pv->pe_count);
	if (pv->ba_start && pv->ba_size) {
		ivg_cfg_buf_printf(b, "ba_start = %" PRIu64 "\n", pv->ba_start);
		ivg_cfg_buf_printf(b, "ba_size = %" PRIu64 "\n", pv->ba_size);
	}
	out_rest(b, pv->extra, NULL, ALL);
	ivg_cfg_buf_printf(b, "}\n");
}

static void out_pvs(struct ivg_cfg_buf *b, const struct ivg_vg *vg)
{
	size_t i;

	ivg_cfg_buf_printf(b, "physical_volumes {\n");
	for (i = 0; i < vg->pv_count; i++)
		out_pv(b, vg->pvs[i]);
	ivg_cfg_buf_printf(b, "}\n");
}

/* Each historical LV is preceded by a blank line, as lvm2 writes them. */
static void out_historical(struct ivg_cfg_buf *b,
			   const struct ivg_cfg_node *extra)
{
	const struct ivg_cfg_node *n, *k;

	n = ivg_cfg_find(extra, "historical_logical_volumes");
	if (!n || n->type != IVG_CFG_SECTION) {
		if (n)
			ivg_cfg_emit(b, n);
		return;
	}
	ivg_cfg_buf_printf(b, "historical_logical_volumes {\n");
	for (k = n->child; k; k = k->next) {
		ivg_cfg_buf_printf(b, "\n");
		ivg_cfg_emit(b, k);
	}
	ivg_cfg_buf_printf(b, "}\n");
}

static const char *const vg_placed[] = {
	"lock_type", "lock_args", "allocation_policy", "profile",
	"historical_logical_volumes", NULL
};

/* lvm2's _print_vg(). */
static void out_vg_keys(struct ivg_cfg_buf *b, const struct ivg_vg *vg)
{
	out_id(b, vg->id);
	ivg_cfg_buf_printf(b, "seqno = %" PRIu32 "\n", vg->seqno);
	if (vg->format)
		out_str(b, "format", vg->format);
	out_flags(b, &vg->status, &vg->flags, &vg->tags);
	if (vg->system_id && *vg->system_id)
		out_str(b, "system_id", vg->system_id);
	out_extra(b, vg->extra, "lock_type");
	out_extra(b, vg->extra, "lock_args");
	ivg_cfg_buf_printf(b, "extent_size = %" PRIu32 "\n", vg->extent_size);
	ivg_cfg_buf_printf(b, "max_lv = %" PRIu32 "\n", vg->max_lv);
	ivg_cfg_buf_printf(b, "max_pv = %" PRIu32 "\n", vg->max_pv);
	if (ivg_cfg_find(vg->extra, "allocation_policy")) {
		ivg_cfg_buf_printf(b, "\n");
		out_extra(b, vg->extra, "allocation_policy");
	}
	out_extra(b, vg->extra, "profile");
	ivg_cfg_buf_printf(b, "metadata_copies = %" PRIu32 "\n",
			   vg->metadata_copies);
	out_rest(b, vg->extra, vg_placed, VALUES);
}

/* lvm2's _text_vg_export(): the blank lines between parts are fixed. */
static void out_vg(struct ivg_cfg_buf *b, const struct ivg_vg *vg)
{
	ivg_cfg_buf_printf(b, "%s {\n", vg->name);
	out_vg_keys(b, vg);
	ivg_cfg_buf_printf(b, "\n");
	out_pvs(b, vg);
	ivg_cfg_buf_printf(b, "\n");
	out_lvs(b, vg);
	ivg_cfg_buf_printf(b, "\n");
	out_historical(b, vg->extra);
	out_rest(b, vg->extra, vg_placed, SECTIONS);
	ivg_cfg_buf_printf(b, "}\n");
}

/*
 * lvm2's _print_header(), written after the VG section in a metadata
 * area. ctime's own newline ends the first line, so a blank line
 * follows it, and the text ends with an empty line.
 */
static void out_header(struct ivg_cfg_buf *b, const struct ivg_vg *vg)
{
	struct utsname u;
	time_t t = vg->creation_time ? (time_t)vg->creation_time : time(NULL);
	char when[64];

	if (!ctime_r(&t, when))
		strcpy(when, "(unknown time)\n");
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	ivg_cfg_buf_printf(b, "# Generated by ivg version %s: %s\n",
			   IVG_VERSION, when);
	ivg_cfg_buf_printf(b, "contents = \"" CONTENTS_VALUE "\"\n");
	ivg_cfg_buf_printf(b, "version = 1\n\n");
	out_str(b, "description", vg->description ? vg->description : "");
	ivg_cfg_buf_printf(b, "\ncreation_host = ");
	ivg_cfg_buf_quoted(b, vg->creation_host ? vg->creation_host
						: u.nodename);
	ivg_cfg_buf_printf(b, "\t# %s %s %s %s %s\n", u.sysname, u.nodename,
			   u.release, u.version, u.machine);
	ivg_cfg_buf_printf(b, "creation_time = %" PRId64 "\t# %s\n",
			   (int64_t)t, when);
}

int ivg_vg_to_text(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		   char **text, size_t *len)
{
	struct ivg_cfg_buf b = { 0 };
	int ret;

	*text = NULL;
	*len = 0;
	ret = check_vg(ctx, vg);
	if (ret)
		return ret;
	out_vg(&b, vg);
	out_header(&b, vg);
	if (b.err) {
		ret = b.err;
		ivg_cfg_buf_free(&b);
		return ivg_err(ctx, ret, "VG %s: cannot write the metadata "
			       "text: %s", vg->name, strerror(-ret));
	}
	*text = b.p;
	*len = b.len + 1;
	return 0;
}
