/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgtext_write.c - the VG model to LVM2 text metadata (ivg_vg_to_text).
 *
 * Writing follows lvm2 2.03.16's export (lib/format_text/export.c and the
 * segment types' text_export) in the form that lands in a metadata area:
 * no indentation and no comments, except in the header lines that follow
 * the VG section. GRUB's LVM driver reads that layout and nothing looser
 * (DESIGN.md), so every blank line and closing brace below is lvm2's.
 * Keys kept in 'extra' that lvm2 writes in a fixed place
 * (allocation_policy, read_ahead, ...) are written back in that place;
 * any other extra key follows the modelled keys of its object.
 *
 * The model is first held to the format's rules (validate.h); nothing is
 * written for a model that lvm2 could not read back.
 */
#include "vgtext.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "cfg.h"
#include "validate.h"
#include "version.h"

static void out_str(struct ivg_buf *b, const char *key, const char *s)
{
	ivg_buf_printf(b, "%s = ", key);
	ivg_cfg_quoted(b, s);
	ivg_buf_printf(b, "\n");
}

static void out_list(struct ivg_buf *b, const char *key,
		     const struct ivg_strvec *l)
{
	size_t i;

	ivg_buf_printf(b, "%s = [", key);
	for (i = 0; i < l->n; i++) {
		if (i)
			ivg_buf_printf(b, ", ");
		ivg_cfg_quoted(b, l->v[i]);
	}
	ivg_buf_printf(b, "]\n");
}

static void out_id(struct ivg_buf *b, const char *id)
{
	char s[IVG_UUID_LEN + 7];

	ivg_uuid_format(id, s);
	out_str(b, "id", s);
}

/* lvm2 writes status and flags always, tags only when there are some. */
static void out_flags(struct ivg_buf *b, const struct ivg_strvec *status,
		      const struct ivg_strvec *flags,
		      const struct ivg_strvec *tags)
{
	out_list(b, "status", status);
	out_list(b, "flags", flags);
	if (tags->n)
		out_list(b, "tags", tags);
}

/* An extra key that lvm2 writes in a fixed place, if the model has it. */
static void out_extra(struct ivg_buf *b, const struct ivg_cfg_node *extra,
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
static void out_rest(struct ivg_buf *b, const struct ivg_cfg_node *extra,
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

static void out_area(struct ivg_buf *b, const struct ivg_area *a,
		     bool last)
{
	if (a->type == IVG_AREA_RAID) {
		if (a->meta) {
			ivg_cfg_quoted(b, a->meta);
			ivg_buf_printf(b, ", ");
		}
		ivg_cfg_quoted(b, a->name);
	} else {
		ivg_cfg_quoted(b, a->name);
		ivg_buf_printf(b, ", %" PRIu64, a->start);
	}
	ivg_buf_printf(b, "%s\n", last ? "" : ",");
}

/* The key of the area list, as lvm2's out_areas() names it. */
static const char *areas_key(enum ivg_seg_class c)
{
	switch (c) {
	case IVG_SEG_STRIPED:
		return "stripes";
	case IVG_SEG_MIRROR:
		return "mirrors";
	case IVG_SEG_RAID0:
		return "raid0_lvs";
	case IVG_SEG_RAID:
	case IVG_SEG_RAID0_META:
		return "raids";
	default:
		return NULL;
	}
}

/* lvm2's out_areas(): a blank line, then one area per line. */
static void out_areas(struct ivg_buf *b, const struct ivg_seg *seg)
{
	size_t i;

	ivg_buf_printf(b, "\n%s = [\n", areas_key(ivg_seg_class(seg->type)));
	for (i = 0; i < seg->area_count; i++)
		out_area(b, &seg->areas[i], i + 1 == seg->area_count);
	ivg_buf_printf(b, "]\n");
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
static void out_striped(struct ivg_buf *b, const struct ivg_seg *seg)
{
	ivg_buf_printf(b, "stripe_count = %" PRIu32 "\n",
			   seg->stripe_count);
	if (seg->stripe_count > 1)
		ivg_buf_printf(b, "stripe_size = %" PRIu64 "\n",
				   seg->stripe_size);
	out_rest(b, seg->extra, seg_placed, ALL);
	out_areas(b, seg);
}

/* lib/raid/raid.c, _raid_text_export_raid(). */
static void out_raid(struct ivg_buf *b, const struct ivg_seg *seg)
{
	ivg_buf_printf(b, "device_count = %" PRIu32 "\n",
			   seg->device_count);
	out_extra(b, seg->extra, "data_copies");
	if (seg->region_size)
		ivg_buf_printf(b, "region_size = %" PRIu32 "\n",
				   seg->region_size);
	if (seg->stripe_size)
		ivg_buf_printf(b, "stripe_size = %" PRIu64 "\n",
				   seg->stripe_size);
	out_extra(b, seg->extra, "writebehind");
	out_extra(b, seg->extra, "min_recovery_rate");
	out_extra(b, seg->extra, "max_recovery_rate");
	out_rest(b, seg->extra, raid_placed, ALL);
	out_areas(b, seg);
}

/* lib/raid/raid.c, _raid_text_export_raid0(). */
static void out_raid0(struct ivg_buf *b, const struct ivg_seg *seg)
{
	ivg_buf_printf(b, "stripe_count = %" PRIu32 "\n",
			   seg->stripe_count);
	if (seg->stripe_size)
		ivg_buf_printf(b, "stripe_size = %" PRIu64 "\n",
				   seg->stripe_size);
	out_rest(b, seg->extra, seg_placed, ALL);
	out_areas(b, seg);
}

/* lib/mirror/mirrored.c, _mirrored_text_export(). */
static void out_mirror(struct ivg_buf *b, const struct ivg_seg *seg)
{
	out_extra(b, seg->extra, "mirror_count");
	out_extra(b, seg->extra, "extents_moved");
	out_extra(b, seg->extra, "mirror_log");
	if (seg->region_size)
		ivg_buf_printf(b, "region_size = %" PRIu32 "\n",
				   seg->region_size);
	out_rest(b, seg->extra, mirror_placed, ALL);
	out_areas(b, seg);
}

static void out_seg_body(struct ivg_buf *b, const struct ivg_seg *seg)
{
	switch (ivg_seg_class(seg->type)) {
	case IVG_SEG_STRIPED:
		out_striped(b, seg);
		break;
	case IVG_SEG_RAID:
		out_raid(b, seg);
		break;
	case IVG_SEG_RAID0:
	case IVG_SEG_RAID0_META:
		out_raid0(b, seg);
		break;
	case IVG_SEG_MIRROR:
		out_mirror(b, seg);
		break;
	default:
		out_rest(b, seg->extra, seg_placed, ALL);
		break;
	}
}

static void out_seg(struct ivg_buf *b, const struct ivg_seg *seg,
		    size_t num)
{
	ivg_buf_printf(b, "segment%zu {\n", num);
	ivg_buf_printf(b, "start_extent = %" PRIu64 "\n",
			   seg->start_extent);
	ivg_buf_printf(b, "extent_count = %" PRIu64 "\n\n",
			   seg->extent_count);
	out_extra(b, seg->extra, "reshape_count");
	out_str(b, "type", seg->type);
	out_extra(b, seg->extra, "tags");
	out_seg_body(b, seg);
	ivg_buf_printf(b, "}\n");
}

/* ---- LVs, PVs, VG --------------------------------------------------- */

static const char *const lv_placed[] = {
	"lock_args", "allocation_policy", "profile", "read_ahead", "major",
	"minor", NULL
};

/* lvm2's _print_lv(). */
static void out_lv(struct ivg_buf *b, const struct ivg_lv *lv)
{
	const char *const *k;
	size_t i;

	ivg_buf_printf(b, "\n%s {\n", lv->name);
	out_id(b, lv->id);
	out_flags(b, &lv->status, &lv->flags, &lv->tags);
	if (lv->has_creation) {
		ivg_buf_printf(b, "creation_time = %" PRId64 "\n",
				   lv->creation_time);
		out_str(b, "creation_host",
			lv->creation_host ? lv->creation_host : "");
	}
	for (k = lv_placed; *k; k++)
		out_extra(b, lv->extra, *k);
	out_rest(b, lv->extra, lv_placed, VALUES);
	ivg_buf_printf(b, "segment_count = %zu\n\n", lv->seg_count);
	for (i = 0; i < lv->seg_count; i++)
		out_seg(b, &lv->segs[i], i + 1);
	ivg_buf_printf(b, "}\n");
}

/* Visible LVs first, then hidden ones, each group in model order. */
static void out_lvs(struct ivg_buf *b, const struct ivg_vg *vg)
{
	size_t i;
	int pass;

	if (!vg->lv_count)
		return;
	ivg_buf_printf(b, "logical_volumes {\n");
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < vg->lv_count; i++)
			if (ivg_lv_visible(vg->lvs[i]) == (bool)pass)
				out_lv(b, vg->lvs[i]);
	ivg_buf_printf(b, "}\n");
}

/* lvm2's _print_pvs(); the device is only a hint, "[unknown]" if none. */
static void out_pv(struct ivg_buf *b, const struct ivg_pv *pv)
{
	ivg_buf_printf(b, "\n%s {\n", pv->name);
	out_id(b, pv->id);
	out_str(b, "device", pv->device ? pv->device : "[unknown]");
	ivg_buf_printf(b, "\n");
	out_flags(b, &pv->status, &pv->flags, &pv->tags);
	ivg_buf_printf(b, "dev_size = %" PRIu64 "\n", pv->dev_size);
	ivg_buf_printf(b, "pe_start = %" PRIu64 "\n", pv->pe_start);
	ivg_buf_printf(b, "pe_count = %" PRIu64 "\n", pv->pe_count);
	if (pv->ba_start && pv->ba_size) {
		ivg_buf_printf(b, "ba_start = %" PRIu64 "\n", pv->ba_start);
		ivg_buf_printf(b, "ba_size = %" PRIu64 "\n", pv->ba_size);
	}
	out_rest(b, pv->extra, NULL, ALL);
	ivg_buf_printf(b, "}\n");
}

static void out_pvs(struct ivg_buf *b, const struct ivg_vg *vg)
{
	size_t i;

	ivg_buf_printf(b, "physical_volumes {\n");
	for (i = 0; i < vg->pv_count; i++)
		out_pv(b, vg->pvs[i]);
	ivg_buf_printf(b, "}\n");
}

/* Each historical LV is preceded by a blank line, as lvm2 writes them. */
static void out_historical(struct ivg_buf *b,
			   const struct ivg_cfg_node *extra)
{
	const struct ivg_cfg_node *n, *k;

	n = ivg_cfg_find(extra, "historical_logical_volumes");
	if (!n || n->type != IVG_CFG_SECTION) {
		if (n)
			ivg_cfg_emit(b, n);
		return;
	}
	ivg_buf_printf(b, "historical_logical_volumes {\n");
	for (k = n->child; k; k = k->next) {
		ivg_buf_printf(b, "\n");
		ivg_cfg_emit(b, k);
	}
	ivg_buf_printf(b, "}\n");
}

static const char *const vg_placed[] = {
	"lock_type", "lock_args", "allocation_policy", "profile",
	"historical_logical_volumes", NULL
};

/* lvm2's _print_vg(). */
static void out_vg_keys(struct ivg_buf *b, const struct ivg_vg *vg)
{
	out_id(b, vg->id);
	ivg_buf_printf(b, "seqno = %" PRIu32 "\n", vg->seqno);
	if (vg->format)
		out_str(b, "format", vg->format);
	out_flags(b, &vg->status, &vg->flags, &vg->tags);
	if (vg->system_id && *vg->system_id)
		out_str(b, "system_id", vg->system_id);
	out_extra(b, vg->extra, "lock_type");
	out_extra(b, vg->extra, "lock_args");
	ivg_buf_printf(b, "extent_size = %" PRIu32 "\n", vg->extent_size);
	ivg_buf_printf(b, "max_lv = %" PRIu32 "\n", vg->max_lv);
	ivg_buf_printf(b, "max_pv = %" PRIu32 "\n", vg->max_pv);
	if (ivg_cfg_find(vg->extra, "allocation_policy")) {
		ivg_buf_printf(b, "\n");
		out_extra(b, vg->extra, "allocation_policy");
	}
	out_extra(b, vg->extra, "profile");
	ivg_buf_printf(b, "metadata_copies = %" PRIu32 "\n",
			   vg->metadata_copies);
	out_rest(b, vg->extra, vg_placed, VALUES);
}

/* lvm2's _text_vg_export(): the blank lines between parts are fixed. */
static void out_vg(struct ivg_buf *b, const struct ivg_vg *vg)
{
	ivg_buf_printf(b, "%s {\n", vg->name);
	out_vg_keys(b, vg);
	ivg_buf_printf(b, "\n");
	out_pvs(b, vg);
	ivg_buf_printf(b, "\n");
	out_lvs(b, vg);
	ivg_buf_printf(b, "\n");
	out_historical(b, vg->extra);
	out_rest(b, vg->extra, vg_placed, SECTIONS);
	ivg_buf_printf(b, "}\n");
}

/*
 * lvm2's _print_header(), written after the VG section in a metadata
 * area. ctime's own newline ends the first line, so a blank line
 * follows it, and the text ends with an empty line.
 */
static void out_header(struct ivg_buf *b, const struct ivg_vg *vg)
{
	struct utsname u;
	time_t t = vg->creation_time ? (time_t)vg->creation_time : time(NULL);
	char when[64];

	if (!ctime_r(&t, when))
		strcpy(when, "(unknown time)\n");
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	ivg_buf_printf(b, "# Generated by ivg version %s: %s\n",
			   IVG_VERSION, when);
	ivg_buf_printf(b, "contents = \"" IVG_VGTEXT_CONTENTS "\"\n");
	ivg_buf_printf(b, "version = 1\n\n");
	out_str(b, "description", vg->description ? vg->description : "");
	ivg_buf_printf(b, "\ncreation_host = ");
	ivg_cfg_quoted(b, vg->creation_host ? vg->creation_host
						: u.nodename);
	ivg_buf_printf(b, "\t# %s %s %s %s %s\n", u.sysname, u.nodename,
			   u.release, u.version, u.machine);
	ivg_buf_printf(b, "creation_time = %" PRId64 "\t# %s\n",
			   (int64_t)t, when);
}

int ivg_vg_to_text(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		   char **text, size_t *len)
{
	struct ivg_buf b = { 0 };
	int ret;

	*text = NULL;
	*len = 0;
	ret = ivg_vg_check_format(ctx, vg);
	if (ret)
		return ret;
	out_vg(&b, vg);
	out_header(&b, vg);
	if (b.err) {
		ret = b.err;
		ivg_buf_free(&b);
		return ivg_err(ctx, ret, "VG %s: cannot write the metadata "
			       "text: %s", vg->name, strerror(-ret));
	}
	*text = b.p;
	*len = b.len + 1;
	return 0;
}
