/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ivgvg.h - the install volume group: what makes a VG an IVG, and the
 * operations the IVG commands share.
 *
 * An IVG is a plain LVM2 VG with the VG tag "ivg" (tags survive every
 * lvm2 operation), boot PVs tagged "ivg_boot", a raid1 LV "bootlv" with
 * one leg per boot PV, and the ext4 LVs "bosfs" and "oppfs". Every IVG
 * disk has the GPT layout of gpt.h; the PV is its third partition.
 *
 * The image LVs (bosfs, oppfs and each raw BOS LV) are raid1 with one leg
 * on each image PV: every boot PV by default, fewer when ivgcreate was
 * told so (--copies, --image-pvs). The image PVs are the PVs of bosfs's
 * legs; an IVG made before images were mirrored has linear ones, and its
 * raw BOS LVs stay linear too.
 */
#ifndef IVG_IVGVG_H
#define IVG_IVGVG_H

#include <stdbool.h>

#include "vgio.h"

#define IVG_VG_TAG "ivg"
#define IVG_BOOT_TAG "ivg_boot"
#define IVG_BOOTLV "bootlv"
/* The file in the root of a bootlv leg that makes it a boot image (boot/
 * manifest.h writes it, last); ivg_boot_legs judges legs by it. */
#define IVG_BOOT_MANIFEST "manifest.sha256"
#define IVG_BOSFS "bosfs"
#define IVG_OPPFS "oppfs"

#define IVG_DEFAULT_EXTENT (4ULL << 20)
#define IVG_DEFAULT_BOOTLV (256ULL << 20)
#define IVG_DEFAULT_BOSFS (2ULL << 30)
#define IVG_DEFAULT_OPPFS (1ULL << 30)

struct ivg_create_opts {
	const char *vgname;
	char *const *disks;
	size_t n_disks;
	char *const *boot_disks;   /* NULL: every disk is a boot disk */
	size_t n_boot;
	/* The image disks (boot disks, a leg of each image LV on each); NULL:
	 * the first 'copies' boot disks, or every boot disk when 0. */
	char *const *image_disks;
	size_t n_image;
	size_t copies;
	uint64_t extent_size;      /* bytes; 0: 4 MiB */
	uint64_t create_size;      /* bytes; 0: disks must exist */
	/* Bytes; 0: the default. bosfs and oppfs defaults that the disks have
	 * no room for shrink, in proportion, to what bootlv leaves free. */
	uint64_t bootlv_size, bosfs_size, oppfs_size;
	bool force;                /* take disks that are PVs of another VG */
	const char *system_id;     /* the holder (sysid.h); NULL: none */
	/* Asked before overwriting a signature; NULL or false: refuse. */
	bool (*confirm)(void *arg, const char *question);
	void *confirm_arg;
	/* Other devices, to refuse a VG name that exists already. */
	char *const *others;
	size_t n_others;
	/*
	 * Called after the filesystems are made and before the PV labels and
	 * the VG metadata are written, with the new VG's PVs open read-write
	 * (ivgcreate writes the boot image and boot records here); NULL: none.
	 */
	int (*before_commit)(struct ivg_ctx *ctx, struct ivg_vg *vg, void *arg);
	void *before_commit_arg;
};

/* What ivg_create() made, for the caller to report. */
struct ivg_create_made {
	uint64_t bootlv_size, bosfs_size, oppfs_size;   /* bytes */
	uint64_t free_after_bootlv;  /* bytes free once bootlv was placed (on
				      * each image disk: mirrored images) */
	bool scaled;                 /* a default size was scaled down */
};

/* Build a whole IVG. Everything is checked before the first write.
 * made: filled in on success; may be NULL. */
int ivg_create(struct ivg_ctx *ctx, const struct ivg_create_opts *o,
	       struct ivg_create_made *made);

/*
 * A new VG on whole disks with the IVG disk layout, in three steps, for
 * ivg_create() and for other VGs built the same way (bosinstall's root
 * VG). ivg_newvg_plan() checks everything of ivg_create_opts' kind and
 * builds the VG in memory: nothing is written. ivg_newvg_write() wipes
 * the signatures, writes the partition tables and ESPs, readies the PV
 * windows (old labels cleared, no new label yet), zeroes raid1 rmeta
 * areas and makes the filesystems asked for; the VG's PVs are then open
 * read-write, so the caller may write into its LVs (lvio.h).
 * ivg_newvg_commit() writes the PV labels and then the VG metadata
 * (vgio.h's commit): until its last step lvm2 sees no VG and no PV, so a
 * crash leaves the disks to be redone with -f (or -y). After the commit
 * the PVs stay open read-write until ivg_newvg_free().
 */
enum ivg_newlv_fs { IVG_NEWLV_NOFS, IVG_NEWLV_EXT2, IVG_NEWLV_EXT4 };

struct ivg_newlv {
	const char *name;
	uint64_t size;             /* bytes (whole extents); 0: all that is
				    * left where it may go (the last LV) */
	bool raid1;                /* a leg on each boot disk (image: on each
				    * image disk); else linear */
	bool image;
	int disk;                  /* linear: -1 any disk in order, K: disks[K] */
	enum ivg_newlv_fs fs;
	const char *fs_label;      /* may be NULL */
	bool fit;                  /* size a default: where the disks
				    * lack room, the fit LVs shrink in
				    * proportion to their sizes to what the
				    * LVs before them leave free */
};

struct ivg_newvg_opts {
	const char *vgname;
	const char *vg_tag;        /* IVG_VG_TAG, or another tag; NULL: none */
	const char *boot_tag;      /* tag of boot PVs; NULL: none */
	char *const *disks;
	size_t n_disks;
	char *const *boot_disks;   /* NULL: every disk is a boot disk */
	size_t n_boot;
	char *const *image_disks;  /* as in ivg_create_opts */
	size_t n_image;
	size_t copies;
	uint64_t extent_size;      /* bytes; 0: 4 MiB */
	uint64_t create_size;      /* bytes; 0: disks must exist */
	const struct ivg_newlv *lvs;
	size_t n_lvs;
	bool force;                /* take disks that are PVs of another VG */
	const char *system_id;     /* NULL: none */
	bool (*confirm)(void *arg, const char *question);
	void *confirm_arg;
	char *const *others;       /* to refuse a VG name that exists already */
	size_t n_others;
};

struct ivg_newvg;
/* 'o' must outlive the plan. */
int ivg_newvg_plan(struct ivg_ctx *ctx, const struct ivg_newvg_opts *o,
		   struct ivg_newvg **out);
struct ivg_vg *ivg_newvg_vg(const struct ivg_newvg *n);
/* The planned size of lvs[i] in bytes, and whether fit LVs shrank. */
uint64_t ivg_newvg_lv_bytes(const struct ivg_newvg *n, size_t i);
bool ivg_newvg_scaled(const struct ivg_newvg *n);
/* Bytes free on the disks once lvs[0..i) are placed. */
uint64_t ivg_newvg_free_before(const struct ivg_newvg *n, size_t i);
int ivg_newvg_write(struct ivg_ctx *ctx, struct ivg_newvg *n);
int ivg_newvg_commit(struct ivg_ctx *ctx, struct ivg_newvg *n);
/* The PV labels alone (orphan PVs: empty metadata areas), for disks
 * planned to join another VG (vgdisks.h); then the PVs' labels are set. */
int ivg_newvg_write_labels(struct ivg_ctx *ctx, struct ivg_newvg *n);
void ivg_newvg_free(struct ivg_newvg *n);

bool ivg_vg_is_ivg(const struct ivg_vg *vg);
bool ivg_vg_exported(const struct ivg_vg *vg);
/* Set or clear EXPORTED on the VG and its PVs, as vgexport/vgimport do. */
int ivg_vg_set_exported(struct ivg_ctx *ctx, struct ivg_vg *vg, bool on);

/*
 * The holder: the host that uses the VG read-write, recorded as lvm2
 * records a VG's owner, in system_id (sysid.h). NULL: nobody holds it.
 */
const char *ivg_vg_holder(const struct ivg_vg *vg);
/* Set (id) or clear (NULL) the holder, with lvm2's WRITE_LOCKED flag. */
int ivg_vg_set_holder(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *id);
/* -EBUSY naming the holder when a host other than 'me' holds the VG. */
int ivg_vg_check_holder(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			const char *me);

enum ivg_leg_state {
	IVG_LEG_NONE,              /* not a boot PV */
	IVG_LEG_OK,                /* holds a boot image (its manifest) */
	IVG_LEG_MISSING,           /* its PV is missing */
	IVG_LEG_UNREADABLE,        /* I/O error or no filesystem */
	IVG_LEG_NO_IMAGE,          /* an empty filesystem, and so is every
				    * other readable leg: no boot image yet
				    * (ivgcreate --no-boot-image) */
	IVG_LEG_IMAGE_LOST,        /* damaged: files but no manifest (a write
				    * cut short), or an empty filesystem
				    * while another leg holds the image */
};

const char *ivg_leg_state_name(enum ivg_leg_state s);

struct ivg_leg_report {
	enum ivg_leg_state state;
	int leg;                   /* -1: none */
	char msg[256];
};

/*
 * The bootlv leg on every PV of the VG (out[i] for vg->pvs[i]): which
 * leg it holds, and whether that leg alone holds a filesystem that opens
 * and a boot image in it (ivgmkboot's manifest; why not goes to msg).
 * The heads of all legs' filesystems are read in parallel first, then
 * each filesystem is opened from what was read. ivgs, ivgbootlist and
 * ivgck all judge "no boot image yet" by these states.
 */
int ivg_boot_legs(struct ivg_ctx *ctx, struct ivg_vg *vg,
		  struct ivg_leg_report *out);

/*
 * Does no leg hold a boot image yet (*none: a leg is IVG_LEG_NO_IMAGE)?
 * With 'legs', the report of every PV is handed over too (malloc'ed, one
 * per vg->pvs[i]); the caller frees it.
 */
int ivg_boot_image_none(struct ivg_ctx *ctx, struct ivg_vg *vg, bool *none,
			struct ivg_leg_report **legs);

#endif
