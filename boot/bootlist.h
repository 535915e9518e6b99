/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bootlist.h - the selection order of an IVG's boot disks, and the GRUB
 * images that follow it.
 *
 * The order is kept in the VG metadata as PV tags: boot PV number i of
 * the list carries the tag "ivg_bootorder_I" (lvm2 keeps PV tags across
 * all of its own metadata rewrites; an lvm2 tag holds no more than 128
 * characters, too few for 64 PV UUIDs in one VG tag). Boot PVs without
 * such a tag (none set yet, or a PV that lvm2 added) follow the tagged
 * ones in bootlv leg order; a VG without any keeps leg order.
 *
 * Disk K's GRUB images (grubimg.h) try its own leg first and then the
 * other legs in boot-list order (ivg_bootlist_fallback). Setting the
 * order changes only the tags (one metadata commit: a crash leaves the
 * old order or the new one); the GRUB images of every boot disk are
 * rewritten after it, the bootlv legs are not touched.
 */
#ifndef IVG_BOOTLIST_H
#define IVG_BOOTLIST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "efivar.h"
#include "gpt.h"
#include "vg.h"

#define IVG_BOOTORDER_TAG "ivg_bootorder_"

/* A boot disk: the PV of bootlv leg 'leg' and the whole disk under it. */
struct ivg_bootdisk {
	int leg;
	struct ivg_pv *pv;          /* pv->dev NULL: missing */
	char disk[PATH_MAX];        /* "" when missing */
	bool bootable;              /* has the IVG layout (gpt.h) */
	struct ivg_layout layout;   /* valid when bootable */
	char why[256];              /* why not bootable */
};

/* The boot disks in leg order (*out malloc'ed). -ENOENT: no raid1 bootlv. */
int ivg_bootdisks(struct ivg_ctx *ctx, struct ivg_vg *vg,
		  struct ivg_bootdisk **out, size_t *n);

/*
 * The IVG's bootable disks as UEFI boot entries ("IVG VG leg K", the
 * ESP of each), in boot-list order: t[] has room for IVG_MAX_LEGS. A
 * missing or unbootable disk is left out; -ENOENT when none is left.
 */
int ivg_bootlist_efi_targets(struct ivg_ctx *ctx, struct ivg_vg *vg,
			     struct ivg_efi_target *t, size_t *n);

/* The boot list: legs[i] = the leg of the i-th disk to try; *n legs. */
int ivg_bootlist_get(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     int legs[IVG_MAX_LEGS], size_t *n);

/* Disk 'leg's fallback order: its own leg, then the boot list's others. */
int ivg_bootlist_fallback(struct ivg_ctx *ctx, struct ivg_vg *vg, int leg,
			  int order[IVG_MAX_LEGS], size_t *n);

/*
 * Put the boot list into the model (not yet committed): 'first' legs
 * (distinct boot legs, checked: -EINVAL naming the culprit) first, the
 * other boot legs after them in their current order.
 */
int ivg_bootlist_set(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     const int *first, size_t n);

/* Which leg the PV given on a command line is: a device or image path
 * (the PV or its whole disk), a PV UUID, or the PV's name in the VG
 * ("pv2"). -ENOENT naming it. */
int ivg_bootlist_find_leg(struct ivg_ctx *ctx, const struct ivg_bootdisk *d,
			  size_t n, const char *arg, int *leg);

/* Build the GRUB images (BIOS core.img, UEFI BOOTX64.EFI) of the disk of
 * leg 'leg' into core and efi, in the work directory 'dir'. The same VG
 * gives the same bytes (ivgck compares them with the disk's). */
int ivg_bootlist_images(struct ivg_ctx *ctx, struct ivg_vg *vg, int leg,
			const char *dir, const char *core, const char *efi);

/* Where the images of leg 'leg' go in the work directory 'dir'. */
void ivg_bootlist_image_paths(const char *dir, int leg, char *core, char *efi,
			      size_t sz);

/* Both GRUB images of every bootable disk (every boot PV must be
 * present) into the work directory 'dir'; then, in a second step after
 * all checks, written onto the disks (bootrec.h). */
int ivg_bootlist_build_records(struct ivg_ctx *ctx, struct ivg_vg *vg,
			       const char *dir);
int ivg_bootlist_install_records(struct ivg_ctx *ctx, struct ivg_vg *vg,
				 const char *dir);

/* A private work directory "WHAT.XXXXXX" in tmp (NULL: /tmp), and its
 * removal with the files in it. */
int ivg_workdir_make(struct ivg_ctx *ctx, const char *tmp, const char *what,
		     char *dir, size_t sz);
void ivg_workdir_remove(const char *dir);

#endif
