/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vgdisks_cmd.c - what ivgextend, ivgreduce and ivgreplace share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootlist.h"
#include "cmd.h"
#include "dev.h"
#include "ivgvg.h"
#include "scan.h"
#include "vgio.h"
#include "sysid.h"
#include "vgdisks_cmd.h"

int pv_from_arg(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *arg,
		struct ivg_pv **out)
{
	char id[IVG_UUID_LEN + 1];
	bool uuid = !ivg_uuid_parse(arg, id);

	for (size_t i = 0; i < vg->pv_count; i++) {
		struct ivg_pv *pv = vg->pvs[i];

		if (!strcmp(pv->name, arg) || (uuid && !strcmp(pv->id, id)) ||
		    (pv->dev && !strcmp(pv->dev->path, arg)) ||
		    (!pv->dev && pv->device && !strcmp(pv->device, arg))) {
			*out = pv;
			return 0;
		}
	}
	return ivg_err(ctx, ENOENT, "%s: no PV of volume group \"%s\" (a device, image file, PV UUID or PV name is needed)",
		       arg, vg->name);
}

int vgdisks_may_write(struct cmd_run *r, bool partial)
{
	struct ivg_vgh *h = r->s.h;
	char me[IVG_SYSID_MAX + 1];
	int e;

	if (h->missing && !partial)
		return ivg_err(r->ctx, ENXIO, "Volume group \"%s\" is partial (%zu of %zu PVs missing): nothing written (ivgreduce --removemissing drops the missing PVs)",
			       r->vg, h->missing, h->vg->pv_count);
	if (ivg_vg_exported(h->vg))
		return ivg_err(r->ctx, EPERM, "Volume group \"%s\" is exported: ivgimport it first",
			       r->vg);
	if ((e = host_system_id(r->ctx, me)) || (e = ivg_vg_check_holder(r->ctx, h->vg, me)))
		return e;
	return partial ? ivg_vg_reopen_rw_present(r->ctx, h) : ivg_vg_reopen_rw(r->ctx, h);
}

int rewrite_boot_records(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *what)
{
	char dir[4096] = "";
	bool none = true;
	int e = ivg_boot_image_none(ctx, vg, &none, NULL);

	/* No boot image yet: ivgmkboot writes image and records together. */
	if (e || none)
		return e;
	e = ivg_workdir_make(ctx, getenv("TMPDIR"), what, dir, sizeof(dir));
	if (!e)
		e = ivg_bootlist_build_records(ctx, vg, dir);
	if (!e)
		e = ivg_bootlist_install_records(ctx, vg, dir);
	if (dir[0])
		ivg_workdir_remove(dir);
	return e;
}

bool vgdisks_confirm(void *arg, const char *question)
{
	return cmd_confirm(arg, question);
}

int vgdisks_copies_current(struct cmd_run *r)
{
	const struct ivg_vgh *h = r->s.h;
	bool stale = false;

	for (size_t d = 0; d < h->scan->count; d++) {
		const struct ivg_scan_pv *sp = &h->scan->pvs[d];
		const struct ivg_pv *pv = sp->has_label ?
			ivg_vg_pv_by_id(h->vg, sp->label.pv_uuid) : NULL;

		for (size_t k = 0; pv && pv->dev == sp->dev && k < sp->mda_count; k++)
			stale = stale || sp->mda[k].err || sp->mda[k].seqno != h->vg->seqno;
	}
	if (!stale)
		return 0;
	ivg_info(r->ctx, "Volume group \"%s\": writing the metadata copies that are not current",
		 r->vg);
	return ivg_vg_commit(r->ctx, h->vg);
}
