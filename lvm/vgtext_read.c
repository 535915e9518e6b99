/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgtext_read.c - LVM2 text metadata to the VG model (ivg_vg_from_text).
 *
 * Reading follows lvm2's import (lib/format_text/import_vsn1.c): the VG
 * is the top-level section (there must be exactly one), physical_volumes
 * are read first, then the LVs with their segments, so that an area can
 * name any PV or LV; a name is looked up among the PV keys first, as
 * lvm2 does, and is taken as an LV's otherwise. Every member of a section
 * that the model does not hold is copied into the object's 'extra', in
 * order.
 *
 * What is checked here is what only the text can tell: its syntax
 * (cfg.c), the type and range of every value, required keys, a key given
 * twice in one section, segment_count against the segments that follow,
 * creation_time and creation_host together, the header lines. Errors name
 * the line. The model that results is then held to the format's rules
 * (validate.h: names, references, counts, contiguous segments), which
 * apply to every model, read or built.
 */
#include "vgtext.h"

#include "cfg.h"
#include "validate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 32

struct rd {
	struct ivg_ctx *ctx;
	const char *src;
	struct ivg_vg *vg;
	const struct ivg_cfg_node *pvs_node, *lvs_node;
	int64_t segment_count;
	/* Where the reader is, formatted only for a message (it is hot). */
	const char *w_kind, *w_name, *w_seg;
	char where[384];           /* "VG tvg, LV lv1, segment1" */
	/* The PVs sorted by key, for the areas' lookups: a hostile text
	 * with many volumes must not cost quadratic time. */
	struct ivg_pv **pv_idx;
	/* The extra section appended to last, and its last member. */
	struct ivg_cfg_node *xsec, *xtail;
};

/* Names from a disk may hold any byte: messages quote a printable copy. */
#define SHOW(s, buf) ivg_printable(s, 64, buf, sizeof(buf))

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

	SHOW(r->vg && r->vg->name ? r->vg->name : "?", vg);
	if (!r->w_kind) {
		snprintf(r->where, sizeof(r->where), "VG %s", vg);
		return r->where;
	}
	SHOW(r->w_name ? r->w_name : "?", obj);
	SHOW(r->w_seg ? r->w_seg : "", sg);
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
	F_LIST,                    /* struct ivg_strvec             */
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
		      struct ivg_strvec *l)
{
	const struct ivg_cfg_value *v;
	size_t cnt, i;

	if (ivg_cfg_node_strings(n, &v, &cnt))
		return rerr(r, n, "'%s' must be a list of strings", n->key);
	for (i = 0; i < cnt; i++)
		if (ivg_strvec_add_once(l, v[i].s))
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
		return store_list(r, n, (struct ivg_strvec *)p);
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

/* ---- PVs by key ---------------------------------------------------- */

static int cmp_pv(const void *a, const void *b)
{
	return strcmp((*(struct ivg_pv *const *)a)->name,
		      (*(struct ivg_pv *const *)b)->name);
}

static int cmp_pv_key(const void *key, const void *elem)
{
	return strcmp(key, (*(struct ivg_pv *const *)elem)->name);
}

static int index_pvs(struct rd *r)
{
	size_t n = r->vg->pv_count;

	r->pv_idx = malloc((n ? n : 1) * sizeof(*r->pv_idx));
	if (!r->pv_idx)
		return rnomem(r);
	memcpy(r->pv_idx, r->vg->pvs, n * sizeof(*r->pv_idx));
	qsort(r->pv_idx, n, sizeof(*r->pv_idx), cmp_pv);
	return 0;
}

static bool is_pv(const struct rd *r, const char *name)
{
	return bsearch(name, r->pv_idx, r->vg->pv_count, sizeof(*r->pv_idx),
		       cmp_pv_key) != NULL;
}

static int need_section(struct rd *r, const struct ivg_cfg_node *n,
			const char *what)
{
	char key[80];

	if (n->type == IVG_CFG_SECTION)
		return 0;
	return rerr(r, n, "'%s' must be a %s section", SHOW(n->key, key),
		    what);
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
	a->type = is_pv(r, a->name) ? IVG_AREA_PV : IVG_AREA_LV;
	return 0;
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

static int raid_lv(struct rd *r, const char *s, char **dst)
{
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
			ret = raid_lv(r, v[i].s, &seg->areas[a].meta);
			if (!ret && ++i == cnt)
				ret = rerr(r, n, "'%s' ends without the data "
					   "LV of a pair", n->key);
		}
		if (!ret)
			ret = raid_lv(r, v[i].s, &seg->areas[a].name);
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

static const struct field *seg_table(enum ivg_seg_class c)
{
	switch (c) {
	case IVG_SEG_STRIPED:
		return seg_striped;
	case IVG_SEG_MIRROR:
		return seg_mirror;
	case IVG_SEG_RAID:
		return seg_raid;
	case IVG_SEG_RAID0:
		return seg_raid0;
	case IVG_SEG_RAID0_META:
		return seg_raid0_meta;
	default:
		return seg_none;
	}
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
	tabs[1] = seg_table(ivg_seg_class(type));
	return read_fields(r, n, seg, tabs, seg_other);
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

/*
 * segment_count must count the segments that follow; they are kept in
 * the order of their extents, whatever their order in the text (whether
 * they then join up is one of the format's rules).
 */
static int order_segments(struct rd *r, const struct ivg_cfg_node *n,
			  struct ivg_lv *lv)
{
	if (r->segment_count != (int64_t)lv->seg_count)
		return rerr(r, n, "segment_count is %" PRId64 " but %zu "
			    "segments follow", r->segment_count, lv->seg_count);
	if (lv->seg_count)
		qsort(lv->segs, lv->seg_count, sizeof(*lv->segs), cmp_seg);
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
	return order_segments(r, n, lv);
}

static int add_lv(struct rd *r, const struct ivg_cfg_node *n)
{
	struct ivg_lv *lv;
	int ret = need_section(r, n, "logical volume");

	if (ret)
		return ret;
	lv = calloc(1, sizeof(*lv));
	if (!lv)
		return rnomem(r);
	r->vg->lvs[r->vg->lv_count++] = lv;
	lv->name = strdup(n->key);
	return lv->name ? 0 : rnomem(r);
}

/*
 * The model is filled directly, not with ivg_vg_add_lv, which searches
 * the list each time: names used twice are one of the format's rules.
 */
static int add_lvs(struct rd *r, const struct ivg_cfg_node *sec)
{
	const struct ivg_cfg_node *n;
	size_t count = ivg_cfg_count(sec);
	int ret = 0;

	r->vg->lvs = calloc(count ? count : 1, sizeof(*r->vg->lvs));
	if (!r->vg->lvs)
		return rnomem(r);
	for (n = sec->child; !ret && n; n = n->next)
		ret = add_lv(r, n);
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

/* The model holds PV keys ("pv0") of up to 15 characters. */
static int check_pv_key(struct rd *r, const struct ivg_cfg_node *n)
{
	char name[80];
	int ret = need_section(r, n, "physical volume");

	if (ret)
		return ret;
	if (strlen(n->key) >= sizeof(((struct ivg_pv *)0)->name))
		return rerr(r, n, "'%s' is too long for a PV key",
			    SHOW(n->key, name));
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

static int read_pvs(struct rd *r)
{
	const struct ivg_cfg_node *n;
	size_t count = ivg_cfg_count(r->pvs_node);
	int ret = 0;

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
	ret = read_fields(r, sec, r->vg, tabs, vg_other);
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
	if (n && (ivg_cfg_node_str(n, &s) || strcmp(s, IVG_VGTEXT_CONTENTS)))
		return rerr(r, n, "'contents' is not \"" IVG_VGTEXT_CONTENTS "\"");
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
	if (!ret && (ret = ivg_vg_check_format(ctx, r.vg)))
		ret = ivg_err_prefix(ctx, ret, "%s: ", r.src);
	ivg_cfg_free(root);
	free(r.pv_idx);
	if (ret) {
		ivg_vg_free(r.vg);
		return ret;
	}
	*out = r.vg;
	return 0;
}
