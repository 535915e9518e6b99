/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viorules.c - may a LUN be mapped? */
#include "viorules.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool same_lpar(const struct vio_placed *p, const char *host, const struct vio_lpar *lp)
{
	return !strcmp(p->host, host) && !strcmp(p->lp->name, lp->name);
}

/* v against the VTDs of its own partition. */
static int within(struct ivg_ctx *ctx, const struct vio_lpar *lp, const struct vio_vtd *v)
{
	char id[VIO_WWN_MAX + 4200];

	for (size_t i = 0; i < lp->nvtds; i++) {
		const struct vio_vtd *o = &lp->vtds[i];

		if (o->scsi_id == v->scsi_id && o->lun == v->lun)
			return ivg_err(ctx, EEXIST, "partition %s has %s at SCSI ID %u, LUN %u already",
				       lp->name, o->name, v->scsi_id, v->lun);
		if (vio_lun_same(&o->backing, &v->backing)) {
			vio_lun_identity(&v->backing, id, sizeof(id));
			return ivg_err(ctx, EEXIST, "partition %s maps %s already, as %s", lp->name,
				       id, o->name);
		}
	}
	return 0;
}

int vio_rules_map(struct ivg_ctx *ctx, const struct vio_placed *all, size_t n,
		  const char *host, const struct vio_lpar *lp, const struct vio_vtd *v)
{
	char id[VIO_WWN_MAX + 4200];
	int r;

	if ((r = within(ctx, lp, v)))
		return r;
	vio_lun_identity(&v->backing, id, sizeof(id));
	for (size_t i = 0; i < n; i++) {
		const struct vio_lpar *o = all[i].lp;

		if (same_lpar(&all[i], host, lp))
			continue;
		for (size_t k = 0; k < o->nvtds; k++) {
			const struct vio_vtd *w = &o->vtds[k];

			if (!strcmp(all[i].host, host) && !strcmp(w->name, v->name))
				return ivg_err(ctx, EEXIST, "host %s has a virtual target device %s already (partition %s)",
					       host, v->name, o->name);
			if (!vio_lun_same(&w->backing, &v->backing) || (v->ro && w->ro))
				continue;
			if (!w->ro)
				return ivg_err(ctx, EBUSY, "%s is mapped read-write to partition %s on host %s (%s)",
					       id, o->name, all[i].host, w->name);
			return ivg_err(ctx, EBUSY, "%s is mapped read-only to partition %s on host %s (%s); a read-write mapping must be its only one",
				       id, o->name, all[i].host, w->name);
		}
	}
	return 0;
}

int vio_rules_free_scsi_id(const struct vio_lpar *lp, unsigned lun)
{
	for (unsigned id = 0; id <= VIO_SCSI_ID_MAX; id++)
		if (!vio_lpar_vtd_at(lp, id, lun))
			return (int)id;
	return -ENOSPC;
}
