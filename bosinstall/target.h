/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * target.h - the target disks of a BOS install, made into a root VG.
 *
 * A root VG is what bosinstall installs onto and ivgrecover repairs: every
 * target disk gets the IVG disk layout (gpt.h: BIOS boot partition, ESP,
 * the PV as partition 3), and together they hold a plain LVM2 VG (default
 * name "rootvg", VG tag "ivg_rootvg", never the IVG tag "ivg", no system
 * ID) with three linear LVs: bootlv (on the first target), swaplv and
 * rootlv (the rest; it may span every target).
 *
 * In three steps, like ivg_newvg (ivgvg.h), which does the disk work:
 * bos_target_plan() checks everything and writes nothing: no target may
 * be a disk of the IVG (refused even with force), a target holding a VG
 * needs force and one holding any other signature a yes (confirm) or
 * force, the targets must be large enough for bootlv, swaplv and a rootlv
 * of root_min bytes, and the VG name must be free on the other devices.
 * bos_target_prepare() writes the partition tables, the ESPs (empty: no
 * boot loader yet), an empty ext2 bootlv and swaplv's swap signature;
 * rootlv is left for the restore (which formats it). bos_target_commit()
 * writes the PV labels and the VG metadata. The boot records come last of
 * all (boot/rootboot.h), so a crash at any point leaves targets that do
 * not boot, never half of an install that does; rerunning with force
 * starts over.
 */
#ifndef BOS_TARGET_H
#define BOS_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include "vg.h"

#define BOS_ROOTVG_DEFAULT "rootvg"
#define BOS_ROOTVG_TAG "ivg_rootvg"
#define BOS_BOOTLV "bootlv"
#define BOS_SWAPLV "swaplv"
#define BOS_ROOTLV "rootlv"
#define BOS_DEFAULT_BOOTLV (256ULL << 20)
#define BOS_DEFAULT_SWAPLV (256ULL << 20)
/* rootlv gets at least this much, whatever the BOS needs. */
#define BOS_ROOTLV_MIN (64ULL << 20)

struct bos_target_opts {
	const char *vgname;         /* NULL: BOS_ROOTVG_DEFAULT */
	char *const *disks;         /* the targets, the first holds bootlv */
	size_t n_disks;
	uint64_t bootlv_size;       /* bytes; 0: BOS_DEFAULT_BOOTLV */
	uint64_t swap_size;         /* bytes; 0: BOS_DEFAULT_SWAPLV */
	uint64_t root_min;          /* bytes the BOS needs in rootlv */
	bool force;
	bool (*confirm)(void *arg, const char *question);
	void *confirm_arg;
	char *const *others;        /* devices where the VG name must be free */
	size_t n_others;
	const struct ivg_vg *ivg;   /* the IVG installed from; its disks are refused */
};

struct bos_target;

/* Everything checked, nothing written. 'o' must outlive the target. */
int bos_target_plan(struct ivg_ctx *ctx, const struct bos_target_opts *o,
		    struct bos_target **out);
/* The root VG being built; its PVs are open read-write after prepare. */
struct ivg_vg *bos_target_vg(const struct bos_target *t);
uint64_t bos_target_lv_bytes(const struct bos_target *t, const char *lv);
int bos_target_prepare(struct ivg_ctx *ctx, struct bos_target *t);
int bos_target_commit(struct ivg_ctx *ctx, struct bos_target *t);
void bos_target_free(struct bos_target *t);

/*
 * Is 'path' (a whole disk or image file, or a partition of one) one of
 * the disks under the VG's present PVs? 1 yes (message set, naming both),
 * 0 no, or a negative errno.
 */
int bos_target_in_vg(struct ivg_ctx *ctx, const char *path,
		     const struct ivg_vg *vg);

/* The swap signature of an LV of 'bytes' as mkswap writes it: its first
 * page (4096 bytes), with a new UUID and the label (may be NULL). */
int bos_swap_header(struct ivg_ctx *ctx, uint64_t bytes, const char *label,
		    uint8_t page[4096]);

#endif
