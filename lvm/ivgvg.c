/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgvg.c - install VG properties: marking, export state, boot legs. */
#include "ivgvg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2fs.h"
#include "lvio.h"

bool ivg_vg_is_ivg(const struct ivg_vg *vg)
{
	return ivg_strlist_has(&vg->tags, IVG_VG_TAG);
}

bool ivg_vg_exported(const struct ivg_vg *vg)
{
	return ivg_strlist_has(&vg->status, "EXPORTED");
}

int ivg_vg_set_exported(struct ivg_ctx *ctx, struct ivg_vg *vg, bool on)
{
	int r = 0;

	if (!on) {
		ivg_strlist_del(&vg->status, "EXPORTED");
		for (size_t i = 0; i < vg->pv_count; i++)
			ivg_strlist_del(&vg->pvs[i]->status, "EXPORTED");
		return 0;
	}
	r = ivg_strlist_add(&vg->status, "EXPORTED");
	for (size_t i = 0; !r && i < vg->pv_count; i++)
		r = ivg_strlist_add(&vg->pvs[i]->status, "EXPORTED");
	/* An exported VG belongs to no host, as vgexport leaves it. */
	if (!r) {
		free(vg->system_id);
		vg->system_id = NULL;
	}
	return r ? ivg_err(ctx, ENOMEM, "out of memory") : 0;
}

/* The index of the bootlv leg whose image lives on pv, or -1. */
static int leg_on_pv(const struct ivg_vg *vg, const struct ivg_lv *boot,
		     const struct ivg_pv *pv)
{
	const struct ivg_seg *seg = boot->seg_count ? &boot->segs[0] : NULL;

	for (size_t k = 0; seg && k < seg->area_count; k++) {
		const struct ivg_lv *img = ivg_vg_lv(vg, seg->areas[k].name);

		for (size_t s = 0; img && s < img->seg_count; s++)
			for (size_t a = 0; a < img->segs[s].area_count; a++)
				if (img->segs[s].areas[a].type == IVG_AREA_PV &&
				    !strcmp(img->segs[s].areas[a].name, pv->name))
					return (int)k;
	}
	return -1;
}

enum ivg_leg_state ivg_boot_leg_state(struct ivg_ctx *ctx,
				      struct ivg_vg *vg,
				      const struct ivg_pv *pv, int *leg,
				      char *msg, size_t msg_len)
{
	const struct ivg_lv *boot = ivg_vg_lv(vg, IVG_BOOTLV);
	struct ivg_lvio *io = NULL;
	ext2_filsys fs = NULL;
	int k = boot ? leg_on_pv(vg, boot, pv) : -1;

	*leg = k;
	msg[0] = 0;
	if (k < 0)
		return IVG_LEG_NONE;
	if (!ivg_lv_present(vg, boot, k)) {
		snprintf(msg, msg_len, "leg %d of %s: its PV is missing", k,
			 IVG_BOOTLV);
		return IVG_LEG_MISSING;
	}
	/* Readable means: the filesystem on this leg alone opens. */
	if (ivg_lvio_open(ctx, vg, IVG_BOOTLV, k, &io) ||
	    ivg_e2fs_open(ctx, io, 0, &fs)) {
		snprintf(msg, msg_len, "%s", ivg_errmsg(ctx));
		ivg_lvio_close(io);
		return IVG_LEG_UNREADABLE;
	}
	ext2fs_close_free(&fs);
	ivg_lvio_close(io);
	return IVG_LEG_OK;
}

const char *ivg_leg_state_name(enum ivg_leg_state s)
{
	switch (s) {
	case IVG_LEG_OK:
		return "ok";
	case IVG_LEG_MISSING:
		return "missing";
	case IVG_LEG_UNREADABLE:
		return "unreadable";
	case IVG_LEG_NONE:
	default:
		return "none";
	}
}
