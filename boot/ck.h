/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ck.h - checking and repairing what makes an IVG's disks boot: every leg
 * of bootlv and every boot record of every boot disk (what ivgck does).
 *
 * A leg is healthy when its ext2 filesystem opens (that leg alone) and
 * every file its manifest.sha256 lists has that SHA-256. A boot record is
 * healthy when it is byte for byte what ivgmkboot would write to that
 * disk today: the GRUB images are rebuilt from the VG (same VG, same boot
 * list, same GRUB: the same bytes, see bootlist.h) and compared with
 * sector 0's boot code (0-0x1B7 with boot.img's pointer), the BIOS boot
 * partition's core.img (with its blocklist) and the ESP's
 * \EFI\BOOT\BOOTX64.EFI (read with mtools). Checking writes nothing.
 * A VG none of whose legs holds a boot image (an empty filesystem in
 * each: ivgcreate --no-boot-image; ivgvg.h judges it for ivgs and
 * ivgbootlist too) has none yet: its legs and records are "none", not
 * damage; once one leg holds the image, an empty leg is damaged.
 *
 * Repair copies a healthy leg (verified first) onto all damaged legs at
 * once (legs.h: libaio, O_DIRECT) and rewrites damaged records (an ESP
 * whose FAT is gone is formatted again first); the PVs must be open
 * read-write. Afterwards the caller checks again.
 */
#ifndef IVG_CK_H
#define IVG_CK_H

#include <stdbool.h>

#include "bootlist.h"
#include "legs.h"

enum ivg_ck_state {
	IVG_CK_OK,
	IVG_CK_DAMAGED,
	IVG_CK_MISSING,            /* the PV is missing */
	IVG_CK_NA,                 /* no such record: disk not bootable */
	IVG_CK_NONE,               /* no boot image yet (no leg holds one:
				    * ivgcreate --no-boot-image): no damage */
};

struct ivg_ck_item {
	enum ivg_ck_state state;
	char msg[300];
};

/* What ck checks on each disk. */
enum { IVG_CK_LEG, IVG_CK_MBR, IVG_CK_CORE, IVG_CK_EFI, IVG_CK_ITEMS };

struct ivg_ck_disk {
	struct ivg_bootdisk *d;    /* borrowed from struct ivg_ck */
	struct ivg_ck_item item[IVG_CK_ITEMS];
};

struct ivg_ck {
	struct ivg_bootdisk *disks;
	struct ivg_ck_disk *v;     /* in leg order */
	size_t n;
	size_t problems;
	bool no_image;             /* no leg holds a boot image yet */
};

const char *ivg_ck_item_name(int item);
const char *ivg_ck_state_name(enum ivg_ck_state s);

/* Check everything; dir is a work directory for the rebuilt images.
 * Returns 0 when the check ran (its findings are in out). */
int ivg_ck_run(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *dir,
	       struct ivg_ck *out);
void ivg_ck_free(struct ivg_ck *ck);

/*
 * One boot filesystem alone: LV's leg (-1: a linear LV, such as a root
 * VG's bootlv) opens as ext2 and every file its manifest lists has its
 * SHA-256, as GRUB's hashsum checks it at boot. 0, or an error naming
 * 'what' and the first file that does not match.
 */
int ivg_ck_boot_files(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		      int leg, const char *what);

/* Repair what ivg_ck_run found damaged (images still in dir). */
int ivg_ck_repair(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *dir,
		  const struct ivg_ck *ck, ivg_progress_fn progress, void *arg);

#endif
