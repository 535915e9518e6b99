/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viorules.c - who may map and boot a LUN. */
#include "viorules.h"

#include <errno.h>
#include <string.h>

static bool conflict(const struct vio_vtd *a, const struct vio_vtd *b)
{
	return (!a->ro || !b->ro) && vio_ident_match(&a->ident, &b->ident);
}

static int held_locally(struct ivg_ctx *ctx, const struct vio_vtd *v,
			const struct vio_vtd *o, const char *verb)
{
	char id[VIO_ID_STR];

	vio_ident_str(&v->ident, id);
	return ivg_err(ctx, EBUSY,
		       "%s (%s) is already mapped %s to partition %s as %s (SCSI ID %u, LUN %u): %s",
		       v->ident.path, id, o->ro ? "read-only" : "read-write", o->lpar,
		       o->name, o->scsi_id, o->lun, verb);
}

static int held_remotely(struct ivg_ctx *ctx, const struct vio_vtd *v,
			 const struct vio_san_vtd *e, const char *verb)
{
	char id[VIO_ID_STR];

	vio_ident_str(&v->ident, id);
	return ivg_err(ctx, EBUSY,
		       "%s (%s) is mapped %s to partition %s on host %s (%s) as %s, and that partition is running (QEMU pid %d): %s",
		       v->ident.path, id, e->vtd.ro ? "read-only" : "read-write",
		       e->vtd.lpar, e->host_name, e->state, e->vtd.name, e->run.pid, verb);
}

int vio_rules_map(struct ivg_ctx *ctx, const struct vio_host *h,
		  const struct vio_san *san, const struct vio_vtd *v)
{
	const char *verb = v->ro ? "a read-only mapping cannot share a LUN mapped read-write"
				 : "a read-write mapping must be the only one of its LUN";

	if (!vio_host_lpar(h, v->lpar))
		return ivg_err(ctx, ENOENT, "partition %s does not exist", v->lpar);
	if (v->scsi_id > VIO_SCSI_ID_MAX || v->lun > VIO_LUN_MAX)
		return ivg_err(ctx, ERANGE, "SCSI ID %u, LUN %u: out of range (SCSI ID 0-%d, LUN 0-%d)",
			       v->scsi_id, v->lun, VIO_SCSI_ID_MAX, VIO_LUN_MAX);
	for (size_t i = 0; i < h->nvtds; i++) {
		const struct vio_vtd *o = &h->vtds[i];

		if (strcmp(o->lpar, v->lpar))
			continue;
		if (o->scsi_id == v->scsi_id && o->lun == v->lun)
			return ivg_err(ctx, EEXIST, "partition %s already has SCSI ID %u, LUN %u: %s (%s)",
				       v->lpar, v->scsi_id, v->lun, o->name, o->ident.path);
		if (vio_ident_match(&o->ident, &v->ident))
			return ivg_err(ctx, EEXIST, "%s is already mapped to partition %s as %s (SCSI ID %u, LUN %u)",
				       v->ident.path, v->lpar, o->name, o->scsi_id, o->lun);
	}
	for (size_t i = 0; i < h->nvtds; i++)
		if (conflict(v, &h->vtds[i]))
			return held_locally(ctx, v, &h->vtds[i], verb);
	for (size_t i = 0; san && i < san->n; i++)
		if (conflict(v, &san->v[i].vtd) && vio_run_alive(&san->v[i].run))
			return held_remotely(ctx, v, &san->v[i], verb);
	return 0;
}

int vio_rules_boot(struct ivg_ctx *ctx, const struct vio_host *h,
		   const struct vio_san *san, const struct vio_lpar *lp)
{
	for (size_t i = 0; i < h->nvtds; i++) {
		const struct vio_vtd *v = &h->vtds[i];

		if (strcmp(v->lpar, lp->name))
			continue;
		for (size_t j = 0; j < h->nvtds; j++) {
			const struct vio_vtd *o = &h->vtds[j];
			const struct vio_lpar *olp = vio_host_lpar(h, o->lpar);

			if (strcmp(o->lpar, lp->name) && conflict(v, o) && olp &&
			    vio_run_alive(&olp->run))
				return ivg_err_prefix(ctx, held_locally(ctx, v, o, "it runs there"),
						      "cannot boot %s: ", lp->name);
		}
		for (size_t j = 0; san && j < san->n; j++)
			if (conflict(v, &san->v[j].vtd) && vio_run_alive(&san->v[j].run))
				return ivg_err_prefix(ctx, held_remotely(ctx, v, &san->v[j], "shut it down first"),
						      "cannot boot %s: ", lp->name);
	}
	return 0;
}

int vio_rules_free_scsi_id(const struct vio_host *h, const char *lpar, unsigned lun)
{
	for (unsigned id = 0; id <= VIO_SCSI_ID_MAX; id++) {
		bool used = false;

		for (size_t i = 0; i < h->nvtds && !used; i++)
			used = !strcmp(h->vtds[i].lpar, lpar) && h->vtds[i].scsi_id == id &&
			       h->vtds[i].lun == lun;
		if (!used)
			return (int)id;
	}
	return -ENOSPC;
}
