/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lpar.c - mklpar, rmlpar, chlpar, lslpar: partitions as libvirt domains. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viodom.h"
#include "vios.h"

#define DEFAULT_MB 512

static int check_name(struct cmd_run *r)
{
	if (!vio_name_valid(r->operands[0]))
		return cmd_usage_error(r, "invalid partition name \"%s\" ([A-Za-z0-9._+-], at most %d, no leading '-')",
				       r->operands[0], VIO_NAME_MAX - 1);
	return 0;
}

/* --memory, --cpus and --accel, where given. */
static int check_shape(struct cmd_run *r)
{
	const struct cmd_value *mem = vval(r, "memory");
	enum vio_accel a;
	long cpus;
	int e;

	if ((e = vnum(r, "cpus", 1, 255, 1, &cpus)))
		return e;
	if (mem->count && mem->size < (16 << 20))
		return cmd_usage_error(r, "--memory: at least 16m");
	if (vstr(r, "accel") && vio_accel_parse(vstr(r, "accel"), &a))
		return cmd_usage_error(r, "--accel: auto, kvm or tcg, not \"%s\"", vstr(r, "accel"));
	return 0;
}

/* KVM where asked, or (auto) where the host offers it. */
static bool use_kvm(struct cmd_run *r, struct vios *v)
{
	enum vio_accel a = v->conf.accel;

	if (vstr(r, "accel"))
		vio_accel_parse(vstr(r, "accel"), &a);
	return a == VIO_ACCEL_KVM || (a == VIO_ACCEL_AUTO && vio_host_has_kvm(&v->host));
}

static int mklpar_check(struct cmd_run *r)
{
	int e = check_name(r);

	return e ? e : check_shape(r);
}

static int mklpar_run(struct cmd_run *r)
{
	const struct cmd_value *mem = vval(r, "memory");
	struct vio_part *ps = NULL;
	struct vio_lpar lp;
	virDomainPtr dom;
	struct vios v;
	char *xml = NULL;
	size_t n = 0;
	long cpus;
	int e;

	memset(&lp, 0, sizeof(lp));
	if ((e = vios_open(r, &v, true)))
		goto out;
	if ((dom = virDomainLookupByName(v.host.conn, r->operands[0]))) {
		virDomainFree(dom);
		e = ivg_err(r->ctx, EEXIST, "host %s has a domain %s already", v.host.uri,
			    r->operands[0]);
		goto out;
	}
	if ((e = vio_host_parts(r->ctx, &v.host, &ps, &n)))
		goto out;
	snprintf(lp.name, sizeof(lp.name), "%s", r->operands[0]);
	vio_parts_free_numbers(ps, n, &lp.id, &lp.adapter);
	lp.memory_mb = mem->count ? mem->size >> 20 : DEFAULT_MB;
	vnum(r, "cpus", 1, 255, 1, &cpus);
	lp.cpus = (unsigned)cpus;
	lp.kvm = use_kvm(r, &v);
	if (!(e = vio_dom_xml(r->ctx, NULL, &lp, lp.boot_type, vios_lockspace(&v), &xml)) &&
	    !(e = vio_host_define(r->ctx, &v.host, xml, NULL)))
		printf("  Partition %s defined on host %s (ID %u, vhost%u, %s, %llu MiB, %u CPU%s).\n",
		       lp.name, v.host.uri, lp.id, lp.adapter, lp.kvm ? "KVM" : "TCG",
		       (unsigned long long)lp.memory_mb, lp.cpus, lp.cpus == 1 ? "" : "s");
out:
	free(xml);
	vio_parts_free(ps, n);
	vios_close(&v);
	return e;
}

static const struct cmd_opt mklpar_opts[] = {
	VOPT_CONNECT,
	{ "memory", 0, ARG_SIZE, "SIZE", "memory (default 512m)" },
	{ "cpus", 0, ARG_STRING, "N", "virtual CPUs (default 1)" },
	{ "accel", 0, ARG_STRING, "auto|kvm|tcg",
	  "KVM, or QEMU's TCG (default: accel in vios.conf,\nelse auto: KVM where the host offers it)" },
};

const struct cmd_def vios_mklpar_def = {
	.name = "vios mklpar",
	.summary = "Define a partition (a persistent libvirt domain)",
	.usage = "NAME",
	.about =
"Define partition NAME on the libvirt host: a persistent domain with one\n"
"virtio-scsi controller (its virtual SCSI adapter, shown as vhostN), a\n"
"serial console logged to a file, and vios's metadata. It maps no LUN yet\n"
"(mkvdev).\n",
	.opts = mklpar_opts, .n_opts = sizeof(mklpar_opts) / sizeof(mklpar_opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one partition name is needed",
	.check = mklpar_check,
	.run = mklpar_run,
};

/* ---- rmlpar -------------------------------------------------------------- */

static int rmlpar_run(struct cmd_run *r)
{
	struct vio_part p = { 0 };
	struct vios v;
	int e;

	if ((e = vios_open(r, &v, true)) || (e = vio_host_part(r->ctx, &v.host, r->operands[0], &p)))
		goto out;
	if (vio_part_active(&p)) {
		e = ivg_err(r->ctx, EBUSY, "partition %s is running on host %s: shut it down first",
			    p.lp.name, v.host.uri);
		goto out;
	}
	if (virDomainUndefineFlags(p.dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
				   VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
				   VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA |
				   VIR_DOMAIN_UNDEFINE_NVRAM) < 0) {
		e = vio_virt_err(r->ctx, EIO, "cannot undefine partition %s", p.lp.name);
		goto out;
	}
	printf("  Partition %s removed from host %s.\n", p.lp.name, v.host.uri);
out:
	vio_part_free(&p);
	vios_close(&v);
	return e;
}

static const struct cmd_opt conn_opts[] = { VOPT_CONNECT };

const struct cmd_def vios_rmlpar_def = {
	.name = "vios rmlpar",
	.summary = "Remove a partition and its mappings",
	.usage = "NAME",
	.about = "Undefine partition NAME and its mappings (the LUNs are not touched).\n"
		 "Refused while it runs.\n",
	.opts = conn_opts, .n_opts = 1,
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one partition name is needed",
	.run = rmlpar_run,
};

/* ---- chlpar -------------------------------------------------------------- */

/* "LIST=VTD,VTD" (nothing after '=' empties it); a VTD also by "ID[:LUN]". */
static int apply_list(struct ivg_ctx *ctx, struct vio_lpar *lp, const char *arg)
{
	char *copy = strdup(arg), *eq, *names[VIO_LIST_MAX + 1], *save = NULL;
	enum vio_list l;
	size_t n = 0;
	int e = 0;

	if (!copy)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (!(eq = strchr(copy, '='))) {
		free(copy);
		return ivg_err(ctx, EINVAL, "--list %s: want LIST=VTD[,VTD...]", arg);
	}
	*eq = 0;
	if (vio_list_parse(copy, &l)) {
		e = ivg_err(ctx, EINVAL, "--list: unknown list \"%s\" (normal, install, maintenance, rootvg, primary, secondary, nonessential)",
			    copy);
		free(copy);
		return e;
	}
	for (char *t = strtok_r(eq + 1, ",", &save); t && !e; t = strtok_r(NULL, ",", &save)) {
		unsigned id, lun = 0;
		struct vio_vtd *at;
		char end;

		if (n > VIO_LIST_MAX)
			break;
		if (sscanf(t, "%u%c", &id, &end) == 1 || sscanf(t, "%u:%u%c", &id, &lun, &end) == 2) {
			if (!(at = vio_lpar_vtd_at(lp, id, lun)))
				e = ivg_err(ctx, ENOENT, "partition %s has nothing at SCSI ID %u, LUN %u",
					    lp->name, id, lun);
			else
				t = at->name;
		}
		names[n++] = t;
	}
	if (!e)
		e = vio_lpar_set_list(ctx, lp, l, names, n);
	free(copy);
	return e;
}

static int chlpar_check(struct cmd_run *r)
{
	enum vio_boot_type t;

	return check_shape(r) ? EINVALID_CMD_LINE : vboot_type(r, "boot-type", VIO_BOOT_NORMAL, &t);
}

static int chlpar_run(struct cmd_run *r)
{
	const struct cmd_value *mem = vval(r, "memory"), *lists = vval(r, "list");
	struct vio_part p = { 0 };
	struct vios v;
	char *xml = NULL;
	long cpus;
	int e;

	if ((e = vios_open(r, &v, true)) || (e = vio_host_part(r->ctx, &v.host, r->operands[0], &p)))
		goto out;
	if (mem->count)
		p.lp.memory_mb = mem->size >> 20;
	if (vgiven(r, "cpus") && !vnum(r, "cpus", 1, 255, 1, &cpus))
		p.lp.cpus = (unsigned)cpus;
	if (vgiven(r, "accel"))
		p.lp.kvm = use_kvm(r, &v);
	vboot_type(r, "boot-type", p.lp.boot_type, &p.lp.boot_type);
	for (size_t i = 0; !e && i < lists->list.n; i++)
		e = apply_list(r->ctx, &p.lp, lists->list.v[i]);
	if (!e && !(e = vio_dom_xml(r->ctx, p.xml, &p.lp, p.lp.boot_type, vios_lockspace(&v), &xml)))
		e = vio_host_define(r->ctx, &v.host, xml, NULL);
	if (!e && vio_part_active(&p))
		printf("  Partition %s changed; it runs on as it is until its next boot.\n", p.lp.name);
out:
	free(xml);
	vio_part_free(&p);
	vios_close(&v);
	return e;
}

static const struct cmd_opt chlpar_opts[] = {
	VOPT_CONNECT,
	{ "memory", 0, ARG_SIZE, "SIZE", "memory" },
	{ "cpus", 0, ARG_STRING, "N", "virtual CPUs" },
	{ "accel", 0, ARG_STRING, "auto|kvm|tcg", "KVM or TCG" },
	{ "boot-type", 0, ARG_STRING, "TYPE", "normal, install or maintenance" },
	{ "list", 0, ARG_STRINGS, "LIST=VTD,...",
	  "set a device list (repeatable; LIST= empties it):\nnormal, install, maintenance, rootvg, primary,\nsecondary, nonessential; a VTD also as ID[:LUN]" },
};

const struct cmd_def vios_chlpar_def = {
	.name = "vios chlpar",
	.summary = "Change a partition: memory, CPUs, boot type, device lists",
	.usage = "NAME",
	.about =
"Change partition NAME's definition. The boot type picks the boot list\n"
"the firmware gets (<boot order=> of its disks); a normal boot with an\n"
"empty normal list boots from the rootvg list. A running partition keeps\n"
"running as it is; the change counts from its next boot.\n",
	.opts = chlpar_opts, .n_opts = sizeof(chlpar_opts) / sizeof(chlpar_opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one partition name is needed",
	.check = chlpar_check,
	.run = chlpar_run,
};

/* ---- lslpar -------------------------------------------------------------- */

/* The domain's UUID: its guest's SMBIOS system UUID, which an IVG's
 * machine entry names (ivgmachine add --id uuid=UUID). */
static const char *smbios_uuid(const struct vio_part *p, char buf[VIR_UUID_STRING_BUFLEN])
{
	if (!p->dom || virDomainGetUUIDString(p->dom, buf))
		snprintf(buf, VIR_UUID_STRING_BUFLEN, "%s", "unknown");
	return buf;
}

static struct json_object *lpar_json(const struct vio_part *p)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct json_object *e = json_object_new_object(), *ls = json_object_new_object();
	const struct vio_lpar *lp = &p->lp;
	char svsa[32];

	snprintf(svsa, sizeof(svsa), "vhost%u", lp->adapter);
	json_object_object_add(e, "name", json_object_new_string(lp->name));
	json_object_object_add(e, "id", json_object_new_int((int)lp->id));
	json_object_object_add(e, "svsa", json_object_new_string(svsa));
	json_object_object_add(e, "state", json_object_new_string(vio_state_name(p->state)));
	json_object_object_add(e, "memory_mb", json_object_new_int64((int64_t)lp->memory_mb));
	json_object_object_add(e, "cpus", json_object_new_int((int)lp->cpus));
	json_object_object_add(e, "accel", json_object_new_string(lp->kvm ? "kvm" : "tcg"));
	json_object_object_add(e, "boot_type", json_object_new_string(vio_boot_type_name(lp->boot_type)));
	json_object_object_add(e, "smbios_uuid", json_object_new_string(smbios_uuid(p, uuid)));
	json_object_object_add(e, "console_log", json_object_new_string(lp->console_log));
	for (unsigned l = 0; l < VIO_NLISTS; l++) {
		struct json_object *a = json_object_new_array();

		for (size_t k = 0; k < lp->nlist[l]; k++)
			json_object_array_add(a, json_object_new_string(lp->list[l][k]));
		json_object_object_add(ls, vio_list_name((enum vio_list)l), a);
	}
	json_object_object_add(e, "lists", ls);
	return e;
}

static void lpar_text(const struct vio_part *p, const char *uri)
{
	const struct vio_lpar *lp = &p->lp;
	char uuid[VIR_UUID_STRING_BUFLEN];

	printf("Partition             %s\nHost                  %s\nPartition ID          %u\n"
	       "SVSA                  vhost%u\nState                 %s\nMemory                %llu MiB\n"
	       "CPUs                  %u\nAccelerator           %s\nBoot type             %s\n"
	       "SMBIOS UUID           %s\nConsole log           %s\n",
	       lp->name, uri, lp->id, lp->adapter, vio_state_name(p->state),
	       (unsigned long long)lp->memory_mb, lp->cpus, lp->kvm ? "KVM" : "TCG",
	       vio_boot_type_name(lp->boot_type), smbios_uuid(p, uuid),
	       lp->console_log[0] ? lp->console_log : "(none)");
	for (unsigned l = 0; l < VIO_NLISTS; l++) {
		printf("%-22s", vio_list_name((enum vio_list)l));
		for (size_t k = 0; k < lp->nlist[l]; k++)
			printf("%s%s", k ? "," : "", lp->list[l][k]);
		printf("\n");
	}
	printf("\n");
}

static int lslpar_run(struct cmd_run *r)
{
	const char *only = r->n_operands ? r->operands[0] : NULL;
	struct json_object *arr = r->o.json ? json_object_new_array() : NULL;
	struct vio_part *ps = NULL;
	size_t n = 0;
	struct vios v;
	int e;

	if ((e = vios_open(r, &v, false)))
		goto out;
	if (only && (ps = calloc(1, sizeof(*ps))))
		n = (e = vio_host_part(r->ctx, &v.host, only, ps)) ? 0 : 1;
	else if (!only)
		e = vio_host_parts(r->ctx, &v.host, &ps, &n);
	else
		e = ivg_err(r->ctx, ENOMEM, "out of memory");
	if (e)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (arr)
			json_object_array_add(arr, lpar_json(&ps[i]));
		else
			lpar_text(&ps[i], v.host.uri);
	}
	if (arr) {
		print_json("lslpar", arr);
		arr = NULL;
	}
out:
	json_object_put(arr);
	vio_parts_free(ps, n);
	vios_close(&v);
	return e;
}

const struct cmd_def vios_lslpar_def = {
	.name = "vios lslpar",
	.summary = "Show partitions",
	.usage = "[NAME]",
	.about =
"Show the host's partitions (or NAME): ID, adapter, state, memory, CPUs,\n"
"accelerator, boot type, device lists, and the file the serial console is\n"
"logged to (a path on the libvirt host).\n",
	.common = CO(CO_REPORTFORMAT),
	.opts = conn_opts, .n_opts = 1,
	.min_operands = 0, .max_operands = 1,
	.operand_need = "at most one partition name",
	.run = lslpar_run,
};
