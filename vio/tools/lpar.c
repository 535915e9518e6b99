/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lpar.c - mklpar, rmlpar, chlpar, lslpar. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vios.h"


int do_mklpar(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	const char *name = NULL;
	struct txn t;
	int r;

	if ((r = one_name("mklpar", argc, argv, &name)))
		return r;
	if (!vio_name_valid(name))
		return usage_error("mklpar", "invalid partition name \"%s\" ([A-Za-z0-9._+-], at most %d)",
				   name, VIO_NAME_MAX - 1);
	r = txn_begin(ctx, o, true, true, &t);
	if (!r)
		r = vio_host_add_lpar(ctx, &t.h, name, o->memory_mb ? o->memory_mb : 512,
				      o->cpus ? (unsigned)o->cpus : 1);
	if (!r)
		r = txn_commit(ctx, &t);
	if (!r)
		printf("  Partition %s created (ID %u, vhost%u).\n", name,
		       vio_host_lpar(&t.h, name)->id, vio_host_lpar(&t.h, name)->adapter);
	txn_end(&t);
	return r ? fail(ctx) : ECMD_OK;
}

int do_rmlpar(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	const char *name = NULL;
	struct txn t;
	int r;

	if ((r = one_name("rmlpar", argc, argv, &name)))
		return r;
	r = txn_begin(ctx, o, true, true, &t);
	if (!r)
		r = vio_host_rm_lpar(ctx, &t.h, name);
	if (!r)
		r = txn_commit(ctx, &t);
	if (!r)
		printf("  Partition %s removed.\n", name);
	txn_end(&t);
	return r ? fail(ctx) : ECMD_OK;
}

/* "LIST=VTD,VTD" (an empty right side clears the list). */
static int apply_list(struct ivg_ctx *ctx, struct vio_host *h, struct vio_lpar *lp,
		      char *arg)
{
	char *eq = strchr(arg, '='), *names[VIO_LIST_MAX + 1], *save = NULL, *tok;
	enum vio_list l;
	size_t n = 0;

	if (!eq)
		return ivg_err(ctx, EINVAL, "--list %s: want LIST=VTD[,VTD...]", arg);
	*eq = 0;
	if (vio_list_parse(arg, &l))
		return ivg_err(ctx, EINVAL, "--list: unknown list \"%s\" (normal, install, maintenance, rootvg, primary, secondary, nonessential)",
			       arg);
	for (tok = strtok_r(eq + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned id, lun = 0;
		char end;

		if (n > VIO_LIST_MAX)
			break;
		/* A device by its SCSI ID (and LUN): the partition's VTD there. */
		if (sscanf(tok, "%u%c", &id, &end) == 1 ||
		    sscanf(tok, "%u:%u%c", &id, &lun, &end) == 2) {
			const char *found = NULL;

			for (size_t i = 0; i < h->nvtds && !found; i++)
				if (!strcmp(h->vtds[i].lpar, lp->name) && h->vtds[i].scsi_id == id &&
				    h->vtds[i].lun == lun)
					found = h->vtds[i].name;
			if (!found)
				return ivg_err(ctx, ENOENT, "partition %s has nothing at SCSI ID %u, LUN %u",
					       lp->name, id, lun);
			tok = (char *)found;
		}
		names[n++] = tok;
	}
	return vio_host_set_list(ctx, h, lp, l, names, n);
}

int do_chlpar(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	struct vio_lpar *lp = NULL;
	const char *name = NULL;
	struct txn t;
	int r;

	if ((r = one_name("chlpar", argc, argv, &name)))
		return r;
	r = txn_begin(ctx, o, true, true, &t);
	if (!r && !(lp = vio_host_lpar(&t.h, name)))
		r = ivg_err(ctx, ENOENT, "partition %s does not exist", name);
	if (!r) {
		if (o->memory_mb)
			lp->memory_mb = o->memory_mb;
		if (o->cpus)
			lp->cpus = (unsigned)o->cpus;
		if (o->have_boot_type)
			lp->boot_type = o->boot_type;
		for (size_t i = 0; !r && i < o->nlist; i++)
			r = apply_list(ctx, &t.h, lp, o->list_arg[i]);
	}
	if (!r)
		r = txn_commit(ctx, &t);
	txn_end(&t);
	return r ? fail(ctx) : ECMD_OK;
}

const char *lpar_state(const struct vio_lpar *lp)
{
	return vio_run_alive(&lp->run) ? "Running" : "Not Activated";
}

int do_lslpar(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	struct json_object *arr = NULL;
	const char *only = NULL;
	struct txn t;
	int r;

	if (argc - optind > 1)
		return usage_error("lslpar", "want at most one partition name");
	if (argc - optind == 1)
		only = argv[optind];
	if ((r = txn_begin(ctx, o, false, false, &t))) {
		txn_end(&t);
		return fail(ctx);
	}
	if (only && !vio_host_lpar(&t.h, only)) {
		ivg_err(ctx, ENOENT, "partition %s does not exist", only);
		txn_end(&t);
		return fail(ctx);
	}
	if (o->c.json)
		arr = json_object_new_array();
	for (size_t i = 0; i < t.h.nlpars; i++) {
		const struct vio_lpar *lp = &t.h.lpars[i];
		char svsa[32];

		if (only && strcmp(only, lp->name))
			continue;
		if (arr) {
			struct json_object *e = json_object_new_object(), *ls = json_object_new_object();

			json_object_object_add(e, "name", json_object_new_string(lp->name));
			json_object_object_add(e, "id", json_object_new_int((int)lp->id));
			snprintf(svsa, sizeof(svsa), "vhost%u", lp->adapter);
			json_object_object_add(e, "svsa", json_object_new_string(svsa));
			json_object_object_add(e, "memory_mb", json_object_new_int64((int64_t)lp->memory_mb));
			json_object_object_add(e, "cpus", json_object_new_int((int)lp->cpus));
			json_object_object_add(e, "boot_type", json_object_new_string(vio_boot_type_name(lp->boot_type)));
			json_object_object_add(e, "state", json_object_new_string(lpar_state(lp)));
			for (unsigned l = 0; l < VIO_NLISTS; l++) {
				struct json_object *a = json_object_new_array();

				for (size_t k = 0; k < lp->nlist[l]; k++)
					json_object_array_add(a, json_object_new_string(lp->list[l][k]));
				json_object_object_add(ls, vio_list_name((enum vio_list)l), a);
			}
			json_object_object_add(e, "lists", ls);
			json_object_array_add(arr, e);
			continue;
		}
		printf("Partition             %s\nPartition ID          %u\nSVSA                  vhost%u\n"
		       "State                 %s\nMemory                %llu MiB\nCPUs                  %u\n"
		       "Boot type             %s\n",
		       lp->name, lp->id, lp->adapter, lpar_state(lp),
		       (unsigned long long)lp->memory_mb, lp->cpus, vio_boot_type_name(lp->boot_type));
		for (unsigned l = 0; l < VIO_NLISTS; l++) {
			printf("%-22s", vio_list_name((enum vio_list)l));
			for (size_t k = 0; k < lp->nlist[l]; k++)
				printf("%s%s", k ? "," : "", lp->list[l][k]);
			printf("\n");
		}
		printf("\n");
	}
	if (arr)
		print_report("lslpar", arr);
	txn_end(&t);
	return ECMD_OK;
}
