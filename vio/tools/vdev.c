/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vdev.c - mkvdev, rmvdev, lsmap. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vioident.h"
#include "viorules.h"

#include "vios.h"


int do_mkvdev(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	struct vio_vtd *v = calloc(1, sizeof(*v)), *added;
	struct txn t;
	int r;

	if (!v)
		return fail(ctx);
	if ((r = no_args("mkvdev", argc, argv)) ||
	    (!o->lpar && (r = usage_error("mkvdev", "--lpar NAME is required"))) ||
	    (!o->vdev && (r = usage_error("mkvdev", "--vdev DEVICE is required"))) ||
	    (o->dev && !vio_name_valid(o->dev) &&
	     (r = usage_error("mkvdev", "--dev: invalid name \"%s\"", o->dev)))) {
		free(v);
		return r;
	}
	snprintf(v->lpar, sizeof(v->lpar), "%s", o->lpar);
	snprintf(v->name, sizeof(v->name), "%s", o->dev ? o->dev : "");
	v->ro = o->readonly;
	v->lun = (unsigned)o->lun;
	r = txn_begin(ctx, o, true, true, &t);
	if (!r && !vio_host_lpar(&t.h, o->lpar))
		r = ivg_err(ctx, ENOENT, "partition %s does not exist", o->lpar);
	if (!r)
		r = vio_ident_probe(ctx, o->vdev, &v->ident);
	if (!r && given(o, O_SCSI_ID)) {
		v->scsi_id = (unsigned)o->scsi_id;
	} else if (!r) {
		int id = vio_rules_free_scsi_id(&t.h, o->lpar, v->lun);

		if (id < 0)
			r = ivg_err(ctx, ENOSPC, "partition %s has no free SCSI ID for LUN %u", o->lpar, v->lun);
		v->scsi_id = (unsigned)id;
	}
	if (!r)
		r = vio_rules_map(ctx, &t.h, &t.others, v);
	if (!r)
		r = vio_host_add_vtd(ctx, &t.h, v, &added);
	if (!r) {
		char id[VIO_ID_STR], name[VIO_NAME_MAX];

		vio_ident_str(&added->ident, id);
		snprintf(name, sizeof(name), "%s", added->name);
		if (!(r = txn_commit(ctx, &t)))
			printf("%s Available (partition %s, SCSI ID %u, LUN %u, %s, %s)\n", name,
			       o->lpar, v->scsi_id, v->lun, v->ro ? "read-only" : "read-write", id);
	}
	txn_end(&t);
	free(v);
	return r ? fail(ctx) : ECMD_OK;
}

int do_rmvdev(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	struct txn t;
	int r;

	if ((r = no_args("rmvdev", argc, argv)))
		return r;
	if (!o->dev)
		return usage_error("rmvdev", "--dev VTD is required");
	r = txn_begin(ctx, o, true, true, &t);
	if (!r)
		r = vio_host_rm_vtd(ctx, &t.h, o->dev);
	if (!r)
		r = txn_commit(ctx, &t);
	if (!r)
		printf("%s deleted\n", o->dev);
	txn_end(&t);
	return r ? fail(ctx) : ECMD_OK;
}

/* Where a VTD's LUN is now; Status "Available" or "Defined" (not found). */
int locate(struct ivg_ctx *ctx, const struct vopts *o, const struct vio_vtd *v,
		  struct vio_ident *now)
{
	return vio_ident_find(ctx, &v->ident, o->search, o->nsearch, now);
}

static int vtd_cmp(const void *a, const void *b)
{
	const struct vio_vtd *x = *(const struct vio_vtd *const *)a;
	const struct vio_vtd *y = *(const struct vio_vtd *const *)b;

	if (x->scsi_id != y->scsi_id)
		return x->scsi_id < y->scsi_id ? -1 : 1;
	return x->lun < y->lun ? -1 : x->lun > y->lun;
}

/* The VTDs of a partition, by SCSI ID and LUN. */
size_t lpar_vtds(const struct vio_host *h, const char *lpar,
			const struct vio_vtd **out)
{
	size_t n = 0;

	for (size_t i = 0; i < h->nvtds; i++)
		if (!strcmp(h->vtds[i].lpar, lpar))
			out[n++] = &h->vtds[i];
	qsort(out, n, sizeof(*out), vtd_cmp);
	return n;
}

int do_lsmap(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	struct json_object *arr = NULL;
	const struct vio_vtd **vs = NULL;
	struct vio_ident *now = malloc(sizeof(*now));
	struct txn t;
	bool any = false;
	int r;

	if ((r = no_args("lsmap", argc, argv)) ||
	    ((o->all + !!o->lpar + !!o->vadapter > 1) &&
	     (r = usage_error("lsmap", "--all, --lpar and --vadapter exclude each other")))) {
		free(now);
		return r;
	}
	if (!now || txn_begin(ctx, o, false, false, &t)) {
		free(now);
		txn_end(&t);
		return fail(ctx);
	}
	if (o->lpar && !vio_host_lpar(&t.h, o->lpar)) {
		ivg_err(ctx, ENOENT, "partition %s does not exist", o->lpar);
		goto fail;
	}
	vs = calloc(t.h.nvtds + 1, sizeof(*vs));
	if (!vs)
		goto fail;
	if (o->c.json)
		arr = json_object_new_array();
	for (size_t i = 0; i < t.h.nlpars; i++) {
		const struct vio_lpar *lp = &t.h.lpars[i];
		struct json_object *e = NULL, *ja = NULL;
		char svsa[32], physloc[96];
		size_t n;

		snprintf(svsa, sizeof(svsa), "vhost%u", lp->adapter);
		if ((o->lpar && strcmp(o->lpar, lp->name)) || (o->vadapter && strcmp(o->vadapter, svsa)))
			continue;
		any = true;
		snprintf(physloc, sizeof(physloc), "%.40s-V1-C%u", t.h.name, lp->adapter + 2);
		if (arr) {
			e = json_object_new_object();
			ja = json_object_new_array();
			json_object_object_add(e, "svsa", json_object_new_string(svsa));
			json_object_object_add(e, "physloc", json_object_new_string(physloc));
			json_object_object_add(e, "lpar", json_object_new_string(lp->name));
			json_object_object_add(e, "client_partition_id", json_object_new_int((int)lp->id));
			json_object_object_add(e, "state", json_object_new_string(lpar_state(lp)));
		} else {
			printf("SVSA            Physloc                                      Client Partition ID\n"
			       "--------------- -------------------------------------------- ------------------\n"
			       "%-15s %-44s 0x%08x\n", svsa, physloc, lp->id);
			printf("Partition       %s (%s)\n\n", lp->name, lpar_state(lp));
		}
		n = lpar_vtds(&t.h, lp->name, vs);
		if (!n && !arr)
			printf("VTD                   NO VIRTUAL TARGET DEVICE FOUND\n\n");
		for (size_t k = 0; k < n; k++) {
			const struct vio_vtd *v = vs[k];
			struct ivg_ctx q;
			char id[VIO_ID_STR], luns[32];
			bool found;

			ivg_ctx_init(&q);
			found = !locate(&q, o, v, now);
			vio_ident_str(found ? now : &v->ident, id);
			snprintf(luns, sizeof(luns), "0x%016llx",
				 (unsigned long long)(0x8000ULL | ((unsigned long long)v->scsi_id << 8) | v->lun) << 48);
			if (ja) {
				struct json_object *x = json_object_new_object();

				json_object_object_add(x, "vtd", json_object_new_string(v->name));
				json_object_object_add(x, "status", json_object_new_string(found ? "Available" : "Defined"));
				json_object_object_add(x, "scsi_id", json_object_new_int((int)v->scsi_id));
				json_object_object_add(x, "lun", json_object_new_int((int)v->lun));
				json_object_object_add(x, "mode", json_object_new_string(v->ro ? "ro" : "rw"));
				json_object_object_add(x, "backing_device",
						       json_object_new_string(found ? now->path : ""));
				json_object_object_add(x, "last_seen", json_object_new_string(v->ident.path));
				json_object_object_add(x, "identity", json_object_new_string(id));
				json_object_object_add(x, "pv_uuid", json_object_new_string(v->ident.pv));
				json_object_object_add(x, "wwn", json_object_new_string(v->ident.wwn));
				json_object_object_add(x, "serial", json_object_new_string(v->ident.serial));
				json_object_object_add(x, "size", json_object_new_int64((int64_t)v->ident.size));
				if (!found)
					json_object_object_add(x, "error", json_object_new_string(ivg_errmsg(&q)));
				json_object_array_add(ja, x);
				continue;
			}
			printf("VTD                   %s\n", v->name);
			printf("Status                %s\n", found ? "Available" : "Defined");
			printf("SCSI ID               %u\n", v->scsi_id);
			printf("LUN                   %u (%s)\n", v->lun, luns);
			printf("Mode                  %s\n", v->ro ? "read-only" : "read-write");
			printf("Backing device        %s\n", found ? now->path : "(not found)");
			printf("Identity              %s\n", id);
			if (!found)
				printf("Last seen             %s: %s\n", v->ident.path, ivg_errmsg(&q));
			printf("\n");
		}
		if (e) {
			json_object_object_add(e, "vtds", ja);
			json_object_array_add(arr, e);
		}
	}
	if (arr) {
		print_report("lsmap", arr);
	} else if (!any && o->vadapter) {
		ivg_err(ctx, ENOENT, "no virtual SCSI server adapter %s", o->vadapter);
		goto fail;
	}
	free(vs);
	free(now);
	txn_end(&t);
	return ECMD_OK;
fail:
	free(vs);
	free(now);
	txn_end(&t);
	return fail(ctx);
}
