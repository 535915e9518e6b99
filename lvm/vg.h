/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vg.h - the in-memory model of an LVM2 volume group.
 *
 * Mirrors LVM2's text metadata one to one: a VG with PVs and LVs, an LV
 * with segments, a segment with areas. Status and flag words and tags are
 * kept as string vectors, sets without duplicates (ivg_strvec_add_once),
 * so that words ivg does not know survive a rewrite; keys ivg does not
 * model are kept verbatim in 'extra' (a config subtree) and written back.
 * Sizes in the model are in the units of the text format: sectors of 512
 * bytes for dev_size/pe_start/extent_size, extents for pe_count and
 * segment positions.
 *
 * vgtext.h converts between this model and the text (ivg_vg_from_text,
 * ivg_vg_to_text), validate.h holds the rules a model must keep; vg.c has
 * lookups, construction and freeing.
 */
#ifndef IVG_VG_H
#define IVG_VG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "strvec.h"

struct ivg_dev;
struct ivg_label;
struct ivg_cfg_node;

#define IVG_UUID_LEN 32            /* without dashes */
#define IVG_NAME_MAX 128
#define IVG_MAX_LEGS 64

struct ivg_pv {
	char name[16];             /* "pv0", key in physical_volumes */
	char id[IVG_UUID_LEN + 1];
	char *device;              /* hint only */
	struct ivg_strvec status;  /* "ALLOCATABLE", "EXPORTED" */
	struct ivg_strvec flags;
	struct ivg_strvec tags;
	uint64_t dev_size;         /* sectors */
	uint64_t pe_start;         /* sectors */
	uint64_t pe_count;
	uint64_t ba_start;         /* sectors; 0 with ba_size 0: none */
	uint64_t ba_size;
	struct ivg_cfg_node *extra;

	/* Runtime state, not part of the text. */
	struct ivg_dev *dev;       /* NULL when the PV is missing */
	struct ivg_label *label;   /* its label (mda locations); not owned */
};

enum ivg_area_type {
	IVG_AREA_PV,               /* name = PV key ("pv0"), start = PE */
	IVG_AREA_LV,               /* name = LV name, start = LE */
	IVG_AREA_RAID,             /* name = rimage LV, meta = rmeta LV */
};

struct ivg_area {
	enum ivg_area_type type;
	char *name;
	char *meta;                /* IVG_AREA_RAID only; may be NULL */
	uint64_t start;
};

/*
 * The segment types whose keys the model holds, by how lvm2 lists their
 * areas: striped and mirror as (volume, extent) pairs, the raid types as
 * LV names (rmeta/rimage pairs; raid0 images only). Other types keep all
 * their keys in the segment's 'extra' and have no areas.
 */
enum ivg_seg_class {
	IVG_SEG_STRIPED,           /* "striped": stripe_count, "stripes"    */
	IVG_SEG_MIRROR,            /* "mirror": "mirrors"                   */
	IVG_SEG_RAID,              /* raid1, raid4/5/6/10: device_count,
				      "raids" of meta+image pairs           */
	IVG_SEG_RAID0,             /* "raid0": stripe_count, "raid0_lvs"    */
	IVG_SEG_RAID0_META,        /* "raid0_meta": stripe_count, "raids"   */
	IVG_SEG_OTHER,
};

enum ivg_seg_class ivg_seg_class(const char *type);
/* Do the segment's areas name raid images (IVG_AREA_RAID)? */
bool ivg_seg_class_raid(enum ivg_seg_class c);

struct ivg_seg {
	uint64_t start_extent;
	uint64_t extent_count;
	char *type;                /* "striped", "raid1", ... */
	uint32_t stripe_count;     /* striped */
	uint64_t stripe_size;      /* sectors; striped with >1 stripe */
	uint32_t device_count;     /* raid */
	uint32_t region_size;      /* raid, sectors */
	size_t area_count;
	struct ivg_area *areas;
	struct ivg_cfg_node *extra;
};

struct ivg_lv {
	char *name;
	char id[IVG_UUID_LEN + 1];
	struct ivg_strvec status;  /* "READ", "WRITE", "VISIBLE" */
	struct ivg_strvec flags;
	struct ivg_strvec tags;
	bool has_creation;
	int64_t creation_time;
	char *creation_host;
	struct ivg_cfg_node *extra;
	size_t seg_count;
	struct ivg_seg *segs;
};

struct ivg_vg {
	char *name;
	char id[IVG_UUID_LEN + 1];
	uint32_t seqno;
	char *format;              /* "lvm2" */
	struct ivg_strvec status;  /* "RESIZEABLE", "READ", "WRITE", "EXPORTED" */
	struct ivg_strvec flags;
	struct ivg_strvec tags;
	char *system_id;           /* NULL: none */
	uint32_t extent_size;      /* sectors */
	uint32_t max_lv, max_pv, metadata_copies;
	struct ivg_cfg_node *extra;
	size_t pv_count;
	struct ivg_pv **pvs;
	size_t lv_count;
	struct ivg_lv **lvs;
	/* ivg_vg_lv's index, built on demand by vg.c: the LVs by name. */
	struct ivg_lv **lv_index;
	bool lv_index_valid;

	/* The text's header, outside the VG section. */
	char *description;
	char *creation_host;
	int64_t creation_time;
};

/*
 * Lookups; NULL when absent. ivg_vg_lv keeps a sorted index in the VG,
 * rebuilt after LVs are added or removed through vg.c (an LV's name must
 * not be changed in place).
 */
struct ivg_pv *ivg_vg_pv_by_name(const struct ivg_vg *vg, const char *name);
struct ivg_pv *ivg_vg_pv_by_id(const struct ivg_vg *vg, const char *id);
struct ivg_lv *ivg_vg_lv(const struct ivg_vg *vg, const char *name);
bool ivg_lv_visible(const struct ivg_lv *lv);
/* Is name in the NULL-terminated list 'only'? A NULL list names every LV. */
bool ivg_lv_selected(const char *const *only, const char *name);
uint64_t ivg_lv_extents(const struct ivg_lv *lv);
/* A segment's type as lvs(8) names it: "linear" for a striped segment
 * with one stripe, else its type ("striped", "raid1", ...). */
const char *ivg_seg_type_name(const struct ivg_seg *seg);

/* Construction. All return 0 or a negative errno (ENOMEM). */
struct ivg_vg *ivg_vg_new(void);
struct ivg_pv *ivg_vg_add_pv(struct ivg_vg *vg);             /* named pvN */
struct ivg_lv *ivg_vg_add_lv(struct ivg_vg *vg, const char *name);
struct ivg_seg *ivg_lv_add_seg(struct ivg_lv *lv, const char *type,
			       size_t area_count);
int ivg_vg_remove_lv(struct ivg_vg *vg, const char *name);
void ivg_vg_free(struct ivg_vg *vg);

/* UUIDs: random 32 chars of [0-9A-Za-z]; printed 6-4-4-4-4-4-6. */
int ivg_uuid_generate(char out[IVG_UUID_LEN + 1]);
void ivg_uuid_format(const char *id, char out[IVG_UUID_LEN + 7]);
/* Accepts dashed or undashed; returns 0 or -EINVAL. */
int ivg_uuid_parse(const char *in, char out[IVG_UUID_LEN + 1]);

/* Names: [A-Za-z0-9._+-], no leading '-', not "." or "..", <= 128. */
bool ivg_name_valid(const char *name);

#endif
