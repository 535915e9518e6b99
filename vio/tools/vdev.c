/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vdev.c - mkvdev, rmvdev, lsmap: LUNs mapped to partitions' SCSI disks. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg.h"
#include "viodom.h"
#include "vios.h"

/* ---- mkvdev -------------------------------------------------------------- */

static int mkvdev_check(struct cmd_run *r)
{
	struct ivg_iscsi_url url;
	long n;

	if (!vstr(r, "lpar"))
		return cmd_usage_error(r, "--lpar NAME is needed");
	if (!vstr(r, "vdev"))
		return cmd_usage_error(r, "--vdev LUN is needed");
	if (vstr(r, "dev") && !vio_name_valid(vstr(r, "dev")))
		return cmd_usage_error(r, "--dev: invalid name \"%s\" ([A-Za-z0-9._+-], at most %d)",
				       vstr(r, "dev"), VIO_NAME_MAX - 1);
	if (vnum(r, "scsi-id", 0, VIO_SCSI_ID_MAX, 0, &n) || vnum(r, "lun", 0, VIO_LUN_MAX, 0, &n))
		return EINVALID_CMD_LINE;
	if (!strncmp(vstr(r, "vdev"), "iscsi://", 8) &&
	    ivg_iscsi_url_parse(r->ctx, vstr(r, "vdev"), &url))
		return cmd_usage_error(r, "--vdev: %s", ivg_errmsg(r->ctx));
	return 0;
}

/* "vtscsiN", the lowest N no partition of the host uses. */
static void next_vtd_name(const struct vio_part *ps, size_t n, char out[VIO_NAME_MAX])
{
	for (unsigned k = 0;; k++) {
		bool taken = false;

		snprintf(out, VIO_NAME_MAX, "vtscsi%u", k);
		for (size_t i = 0; i < n && !taken; i++)
			taken = vio_lpar_vtd(&ps[i].lp, out) != NULL;
		if (!taken)
			return;
	}
}

static int mkvdev_run(struct cmd_run *r)
{
	struct vio_vtd *vtd = calloc(1, sizeof(*vtd));
	struct vios_world w = { 0 };
	struct vio_part *p = NULL;
	char id[VIO_WWN_MAX + 4200], *xml = NULL;
	struct vios v;
	long num;
	int e;

	if (!vtd)
		return ivg_err(r->ctx, ENOMEM, "out of memory");
	if ((e = vios_open(r, &v, true)) || (e = world_load(r, &v, NULL, &w)))
		goto out;
	for (size_t i = 0; i < w.nparts[0]; i++)
		if (!strcmp(w.parts[0][i].lp.name, vstr(r, "lpar")))
			p = &w.parts[0][i];
	if (!p) {
		e = ivg_err(r->ctx, ENOENT, "partition %s does not exist on host %s", vstr(r, "lpar"),
			    v.host.uri);
		goto out;
	}
	if ((e = vio_lun_probe(r->ctx, vstr(r, "vdev"), &vtd->backing)))
		goto out;
	if (vstr(r, "dev"))
		snprintf(vtd->name, sizeof(vtd->name), "%s", vstr(r, "dev"));
	else
		next_vtd_name(w.parts[0], w.nparts[0], vtd->name);
	vnum(r, "lun", 0, VIO_LUN_MAX, 0, &num);
	vtd->lun = (unsigned)num;
	vtd->ro = r->readonly;
	if (vgiven(r, "scsi-id")) {
		vnum(r, "scsi-id", 0, VIO_SCSI_ID_MAX, 0, &num);
		vtd->scsi_id = (unsigned)num;
	} else if ((num = vio_rules_free_scsi_id(&p->lp, vtd->lun)) >= 0) {
		vtd->scsi_id = (unsigned)num;
	} else {
		e = ivg_err(r->ctx, ENOSPC, "partition %s has no free SCSI ID for LUN %u", p->lp.name,
			    vtd->lun);
		goto out;
	}
	if ((e = vio_rules_map(r->ctx, w.placed, w.nplaced, v.host.uri, &p->lp, vtd)) ||
	    (e = vios_lease(r->ctx, &v, vtd)) || (e = vio_lpar_add_vtd(r->ctx, &p->lp, vtd)) ||
	    (e = vio_dom_xml(r->ctx, p->xml, &p->lp, p->lp.boot_type, vios_lockspace(&v), &xml)) ||
	    (e = vio_host_define(r->ctx, &v.host, xml, NULL)))
		goto out;
	vio_lun_identity(&vtd->backing, id, sizeof(id));
	printf("%s Available (partition %s, SCSI ID %u, LUN %u, %s, %s)%s\n", vtd->name, p->lp.name,
	       vtd->scsi_id, vtd->lun, vtd->ro ? "read-only" : "read-write", id,
	       vio_part_active(p) ? "; the partition sees it from its next boot" : "");
out:
	free(xml);
	free(vtd);
	world_free(&w);
	vios_close(&v);
	return e;
}

static const struct cmd_opt mkvdev_opts[] = {
	VOPT_CONNECT,
	{ "lpar", 0, ARG_STRING, "NAME", "the partition" },
	{ "vdev", 0, ARG_STRING, "LUN",
	  "iscsi://HOST[:PORT]/IQN/LUN, a block device\n(/dev/disk/by-id/wwn-..., /dev/mapper/...) or an image file" },
	{ "scsi-id", 0, ARG_STRING, "N", "its SCSI ID (target) in the partition (default: the\nlowest free one)" },
	{ "lun", 0, ARG_STRING, "L", "its LUN in the partition (default 0)" },
	{ "dev", 0, ARG_STRING, "VTD", "the VTD's name (default vtscsiN)" },
	VOPT_PEER,
};

const struct cmd_def vios_mkvdev_def = {
	.name = "vios mkvdev",
	.summary = "Map a LUN to a partition's virtual SCSI disk",
	.usage = "--lpar NAME --vdev LUN",
	.about =
"Map LUN to partition NAME at a SCSI ID and LUN of its virtual SCSI\n"
"adapter, as a virtual target device (VTD). The LUN is known by its WWN\n"
"(SCSI VPD page 0x83) and the UUID of the LVM PV it holds; it is read,\n"
"never written. A read-write mapping is refused when any partition on\n"
"this host or a peer maps the LUN, running or not; read-only mappings\n"
"may be shared. A read-write LUN gets a lease keyed by its WWN.\n",
	.common = CO(CO_READONLY),
	.common_help = { [CO_READONLY] = "map it read-only (and shareable)" },
	.opts = mkvdev_opts, .n_opts = sizeof(mkvdev_opts) / sizeof(mkvdev_opts[0]),
	.min_operands = 0, .max_operands = 0,
	.operand_need = "no operands: --lpar NAME --vdev LUN",
	.check = mkvdev_check,
	.run = mkvdev_run,
};

/* ---- rmvdev -------------------------------------------------------------- */

static int rmvdev_check(struct cmd_run *r)
{
	return vstr(r, "dev") ? 0 : cmd_usage_error(r, "--dev VTD is needed");
}

static int rmvdev_run(struct cmd_run *r)
{
	struct vio_part *ps = NULL, *p = NULL;
	const char *name = vstr(r, "dev");
	char *xml = NULL;
	struct vios v;
	size_t n = 0;
	int e;

	if ((e = vios_open(r, &v, true)) || (e = vio_host_parts(r->ctx, &v.host, &ps, &n)))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (vio_lpar_vtd(&ps[i].lp, name))
			p = &ps[i];
	if (!p) {
		e = ivg_err(r->ctx, ENOENT, "host %s has no virtual target device %s", v.host.uri, name);
		goto out;
	}
	if (vio_part_active(p)) {
		e = ivg_err(r->ctx, EBUSY, "%s: partition %s is running: shut it down first", name,
			    p->lp.name);
		goto out;
	}
	vio_lpar_rm_vtd(&p->lp, name);
	if (!(e = vio_dom_xml(r->ctx, p->xml, &p->lp, p->lp.boot_type, vios_lockspace(&v), &xml)) &&
	    !(e = vio_host_define(r->ctx, &v.host, xml, NULL)))
		printf("%s deleted\n", name);
out:
	free(xml);
	vio_parts_free(ps, n);
	vios_close(&v);
	return e;
}

static const struct cmd_opt rmvdev_opts[] = {
	VOPT_CONNECT,
	{ "dev", 0, ARG_STRING, "VTD", "the virtual target device" },
};

const struct cmd_def vios_rmvdev_def = {
	.name = "vios rmvdev",
	.summary = "Remove a mapping",
	.usage = "--dev VTD",
	.about = "Remove the mapping VTD (and its place in the partition's lists).\n"
		 "Refused while its partition runs.\n",
	.opts = rmvdev_opts, .n_opts = sizeof(rmvdev_opts) / sizeof(rmvdev_opts[0]),
	.min_operands = 0, .max_operands = 0,
	.operand_need = "no operands: --dev VTD",
	.check = rmvdev_check,
	.run = rmvdev_run,
};

/* ---- lsmap --------------------------------------------------------------- */

static int vtd_cmp(const void *a, const void *b)
{
	const struct vio_vtd *x = a, *y = b;

	if (x->scsi_id != y->scsi_id)
		return x->scsi_id < y->scsi_id ? -1 : 1;
	return x->lun < y->lun ? -1 : x->lun > y->lun;
}

/* Where a VTD's LUN is now. */
struct seen {
	bool found;
	struct vio_lun now;
	char error[IVG_ERRMSG_MAX];
};

static void look(const struct vio_vtd *vtd, struct seen *s)
{
	struct ivg_ctx q;

	ivg_ctx_init(&q);
	s->found = !vio_lun_find(&q, &vtd->backing, &s->now);
	snprintf(s->error, sizeof(s->error), "%s", s->found ? "" : ivg_errmsg(&q));
}

static void pv_text(const char *pv, char out[IVG_UUID_LEN + 7])
{
	if (pv[0])
		ivg_uuid_format(pv, out);
	else
		out[0] = 0;
}

static struct json_object *vtd_json(const struct vio_vtd *vtd, const struct seen *s)
{
	struct json_object *x = json_object_new_object();
	char pv[IVG_UUID_LEN + 7];

	pv_text(vtd->backing.pv, pv);
	json_object_object_add(x, "vtd", json_object_new_string(vtd->name));
	json_object_object_add(x, "status", json_object_new_string(s->found ? "Available" : "Defined"));
	json_object_object_add(x, "scsi_id", json_object_new_int((int)vtd->scsi_id));
	json_object_object_add(x, "lun", json_object_new_int((int)vtd->lun));
	json_object_object_add(x, "mode", json_object_new_string(vtd->ro ? "ro" : "rw"));
	json_object_object_add(x, "kind", json_object_new_string(vio_lun_kind_name(vtd->backing.kind)));
	json_object_object_add(x, "backing_device",
			       json_object_new_string(s->found ? s->now.source : ""));
	json_object_object_add(x, "recorded_source", json_object_new_string(vtd->backing.source));
	json_object_object_add(x, "wwn", json_object_new_string(vtd->backing.wwn));
	json_object_object_add(x, "pv_uuid", json_object_new_string(pv));
	json_object_object_add(x, "size", json_object_new_int64((int64_t)vtd->backing.size));
	if (!s->found)
		json_object_object_add(x, "error", json_object_new_string(s->error));
	return x;
}

static void vtd_text(const struct vio_vtd *vtd, const struct seen *s)
{
	unsigned long long lun64 = (0x8000ULL | (unsigned long long)vtd->scsi_id << 8 | vtd->lun) << 48;
	char pv[IVG_UUID_LEN + 7];

	pv_text(vtd->backing.pv, pv);
	printf("VTD                   %s\n", vtd->name);
	printf("Status                %s\n", s->found ? "Available" : "Defined");
	printf("SCSI ID               %u\n", vtd->scsi_id);
	printf("LUN                   %u (0x%016llx)\n", vtd->lun, lun64);
	printf("Mode                  %s\n", vtd->ro ? "read-only" : "read-write");
	if (!s->found)
		printf("Backing device        (not found: %s)\n", s->error);
	else if (strcmp(s->now.source, vtd->backing.source))
		printf("Backing device        %s (recorded at %s)\n", s->now.source, vtd->backing.source);
	else
		printf("Backing device        %s\n", s->now.source);
	printf("WWN                   %s\n", vtd->backing.wwn[0] ? vtd->backing.wwn : "(none)");
	printf("PV UUID               %s\n", pv[0] ? pv : "(none)");
	printf("Size                  %llu bytes\n\n", (unsigned long long)vtd->backing.size);
}

static void lsmap_part(const struct vios *v, const struct vio_part *p, struct json_object *arr)
{
	struct vio_vtd *vs = malloc((p->lp.nvtds + 1) * sizeof(*vs));
	struct seen *s = malloc(sizeof(*s));
	struct json_object *e = NULL, *ja = NULL;
	char svsa[32], physloc[128];

	if (!vs || !s)
		goto out;
	memcpy(vs, p->lp.vtds, p->lp.nvtds * sizeof(*vs));
	qsort(vs, p->lp.nvtds, sizeof(*vs), vtd_cmp);
	snprintf(svsa, sizeof(svsa), "vhost%u", p->lp.adapter);
	snprintf(physloc, sizeof(physloc), "%.60s-V1-C%u", v->host.hostname, p->lp.adapter + 2);
	if (arr) {
		e = json_object_new_object();
		ja = json_object_new_array();
		json_object_object_add(e, "svsa", json_object_new_string(svsa));
		json_object_object_add(e, "physloc", json_object_new_string(physloc));
		json_object_object_add(e, "lpar", json_object_new_string(p->lp.name));
		json_object_object_add(e, "client_partition_id", json_object_new_int((int)p->lp.id));
		json_object_object_add(e, "state", json_object_new_string(vio_state_name(p->state)));
	} else {
		printf("SVSA            Physloc                                      Client Partition ID\n"
		       "--------------- -------------------------------------------- ------------------\n"
		       "%-15s %-44s 0x%08x\n", svsa, physloc, p->lp.id);
		printf("Partition       %s (%s)\n\n", p->lp.name, vio_state_name(p->state));
		if (!p->lp.nvtds)
			printf("VTD                   NO VIRTUAL TARGET DEVICE FOUND\n\n");
	}
	for (size_t k = 0; k < p->lp.nvtds; k++) {
		look(&vs[k], s);
		if (ja)
			json_object_array_add(ja, vtd_json(&vs[k], s));
		else
			vtd_text(&vs[k], s);
	}
	if (e) {
		json_object_object_add(e, "vtds", ja);
		json_object_array_add(arr, e);
	}
out:
	free(vs);
	free(s);
}

static int lsmap_check(struct cmd_run *r)
{
	if (vgiven(r, "all") + vgiven(r, "lpar") + vgiven(r, "vadapter") > 1)
		return cmd_usage_error(r, "--all, --lpar and --vadapter exclude each other");
	return 0;
}

static int lsmap_run(struct cmd_run *r)
{
	const char *only = vstr(r, "lpar"), *adapter = vstr(r, "vadapter");
	struct json_object *arr = r->o.json ? json_object_new_array() : NULL;
	struct vio_part *ps = NULL;
	struct vios v;
	bool any = false;
	size_t n = 0;
	int e;

	if ((e = vios_open(r, &v, false)) || (e = vio_host_parts(r->ctx, &v.host, &ps, &n)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		char svsa[32];

		snprintf(svsa, sizeof(svsa), "vhost%u", ps[i].lp.adapter);
		if ((only && strcmp(only, ps[i].lp.name)) || (adapter && strcmp(adapter, svsa)))
			continue;
		any = true;
		lsmap_part(&v, &ps[i], arr);
	}
	if (only && !any)
		e = ivg_err(r->ctx, ENOENT, "partition %s does not exist on host %s", only, v.host.uri);
	else if (adapter && !any)
		e = ivg_err(r->ctx, ENOENT, "host %s has no virtual SCSI server adapter %s", v.host.uri,
			    adapter);
	else if (arr)
		print_json("lsmap", arr), arr = NULL;
out:
	json_object_put(arr);
	vio_parts_free(ps, n);
	vios_close(&v);
	return e;
}

static const struct cmd_opt lsmap_opts[] = {
	VOPT_CONNECT,
	{ "all", 0, ARG_NONE, NULL, "every adapter (the default)" },
	{ "lpar", 0, ARG_STRING, "NAME", "only this partition's adapter" },
	{ "vadapter", 0, ARG_STRING, "vhostN", "only this adapter" },
};

const struct cmd_def vios_lsmap_def = {
	.name = "vios lsmap",
	.summary = "Show the mappings of the virtual SCSI adapters",
	.usage = "[--all|--lpar NAME|--vadapter vhostN]",
	.about =
"Show each virtual SCSI server adapter with its partition, and each VTD:\n"
"Available when its LUN is found now (by WWN: at its recorded place, or\n"
"where the SAN moved it), else Defined; its SCSI ID and LUN, mode,\n"
"backing device, WWN and PV UUID.\n",
	.common = CO(CO_REPORTFORMAT),
	.opts = lsmap_opts, .n_opts = sizeof(lsmap_opts) / sizeof(lsmap_opts[0]),
	.min_operands = 0, .max_operands = 0,
	.operand_need = "no operands",
	.check = lsmap_check,
	.run = lsmap_run,
};

/* ---- lsdev --------------------------------------------------------------- */

static struct json_object *lun_json(const char *spec, const struct vio_lun *l)
{
	struct json_object *x = json_object_new_object();
	char pv[IVG_UUID_LEN + 7];

	pv_text(l->pv, pv);
	json_object_object_add(x, "lun", json_object_new_string(spec));
	json_object_object_add(x, "kind", json_object_new_string(vio_lun_kind_name(l->kind)));
	json_object_object_add(x, "source", json_object_new_string(l->source));
	json_object_object_add(x, "wwn", json_object_new_string(l->wwn));
	json_object_object_add(x, "pv_uuid", json_object_new_string(pv));
	json_object_object_add(x, "size", json_object_new_int64((int64_t)l->size));
	return x;
}

static void lun_text(const char *spec, const struct vio_lun *l)
{
	char pv[IVG_UUID_LEN + 7];

	pv_text(l->pv, pv);
	printf("LUN                   %s\nKind                  %s\nSource                %s\n"
	       "WWN                   %s\nPV UUID               %s\nSize                  %llu bytes\n\n",
	       spec, vio_lun_kind_name(l->kind), l->source, l->wwn[0] ? l->wwn : "(none)",
	       pv[0] ? pv : "(none)", (unsigned long long)l->size);
}

static int lsdev_check(struct cmd_run *r)
{
	struct ivg_iscsi_url url;

	for (size_t i = 0; i < r->n_operands; i++)
		if (!strncmp(r->operands[i], "iscsi://", 8) &&
		    ivg_iscsi_url_parse(r->ctx, r->operands[i], &url))
			return cmd_usage_error(r, "%s", ivg_errmsg(r->ctx));
	return 0;
}

static int lsdev_run(struct cmd_run *r)
{
	struct json_object *arr = r->o.json ? json_object_new_array() : NULL;
	struct vio_lun *l = malloc(sizeof(*l));
	int e = l ? 0 : ivg_err(r->ctx, ENOMEM, "out of memory");

	for (size_t i = 0; !e && i < r->n_operands; i++) {
		if ((e = vio_lun_probe(r->ctx, r->operands[i], l)))
			break;
		if (arr)
			json_object_array_add(arr, lun_json(r->operands[i], l));
		else
			lun_text(r->operands[i], l);
	}
	if (arr && !e) {
		print_json("lsdev", arr);
		arr = NULL;
	}
	json_object_put(arr);
	free(l);
	return e;
}

const struct cmd_def vios_lsdev_def = {
	.name = "vios lsdev",
	.summary = "Show what identifies LUNs: kind, WWN, PV UUID, size",
	.usage = "LUN...",
	.about =
"Probe each LUN (iscsi://HOST[:PORT]/IQN/LUN, a block device, an image\n"
"file) as mkvdev does, and show what vios knows it by: its WWN (SCSI VPD\n"
"page 0x83), the UUID of the LVM PV it holds, its size, and the name it\n"
"would be recorded under. Reads the LUNs only; needs no libvirt host.\n",
	.common = CO(CO_REPORTFORMAT),
	.min_operands = 1, .max_operands = SIZE_MAX,
	.operand_need = "at least one LUN is needed",
	.check = lsdev_check,
	.run = lsdev_run,
};
