/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * activate.h - LVs as device-mapper devices, named as lvm2 names them.
 *
 * A VG's LVs become /dev/mapper/VG-LV ('-' inside a name doubled) with the
 * dm UUID "LVM-" + VG UUID + LV UUID, and /dev/VG/LV links, so that lvm2
 * sees them as its own and ivg sees what lvm2 activated. Linear and
 * striped segments map PV extents; raid1 uses the "raid" target over its
 * rmeta/rimage sub-LVs, which are activated first. Tables are built from
 * the model by pure functions (testable without a kernel); activation
 * goes through libdevmapper. PVs must be block devices.
 */
#ifndef IVG_ACTIVATE_H
#define IVG_ACTIVATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "vg.h"

#define IVG_DM_UUID_LEN (4 + 2 * IVG_UUID_LEN)

/* "VG-LV" with '-' doubled in both names; -ENAMETOOLONG if it won't fit. */
int ivg_dm_name(const char *vg, const char *lv, char *out, size_t len);
void ivg_dm_uuid(const struct ivg_vg *vg, const struct ivg_lv *lv,
		 char out[IVG_DM_UUID_LEN + 1]);

struct ivg_dm_target {
	uint64_t start, len;       /* sectors */
	char type[16];             /* "linear", "striped", "raid" */
	char params[4096];
};

/*
 * The table of lv. Sub-LVs (raid legs) are referred to by the
 * "major:minor" that 'sub' returns for them; PVs by their device's
 * major:minor and the sector offset of the extent (window included).
 */
typedef int (*ivg_sub_dev_fn)(void *arg, const struct ivg_lv *sub,
			      char *majmin, size_t len);
int ivg_dm_table(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		 const struct ivg_lv *lv, bool readonly, ivg_sub_dev_fn sub,
		 void *arg, struct ivg_dm_target **out, size_t *n);

/*
 * Activate the visible LVs named in 'only' (NULL: all) and the sub-LVs
 * they need. Read-only, a raid1 LV maps one leg linearly and its rmeta
 * legs stay down, so that nothing is written (the raid target writes
 * its superblocks even on a read-only table).
 */
int ivg_activate_vg(struct ivg_ctx *ctx, struct ivg_vg *vg, bool readonly,
		    const char *const *only);
/* Remove the LV's dm device and those of its sub-LVs (not active: 0). */
int ivg_deactivate_lv(struct ivg_ctx *ctx, const struct ivg_vg *vg,
		      const struct ivg_lv *lv);
/* Remove every dm device of the VG, whoever activated it. */
int ivg_deactivate_vg(struct ivg_ctx *ctx, const struct ivg_vg *vg);
/* Does this kernel have device-mapper (/proc/misc)? */
bool ivg_dm_present(void);
/* The device number of the LV's dm device; -ENOENT when not active. */
int ivg_lv_dm_devno(const struct ivg_vg *vg, const struct ivg_lv *lv,
		    dev_t *out);
/*
 * -EEXIST (message set) when a dm device of the LV's name is there but is
 * another VG's (its dm UUID is not "LVM-" VGUUID LVUUID): VG names repeat
 * (every install calls its root VG "rootvg"). 0 otherwise.
 */
int ivg_lv_dm_check_owner(struct ivg_ctx *ctx, const struct ivg_vg *vg,
			  const struct ivg_lv *lv);
/* Is the LV a dm device now? */
bool ivg_lv_active(const struct ivg_vg *vg, const struct ivg_lv *lv);

#endif
