/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boot.c - boot, shutdown, dumpxml. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vioboot.h"
#include "viodom.h"
#include "vios.h"

/*
 * Find every LUN of the partition by its identity and record where it is
 * now (lp is updated; *moved counts the moves). A LUN that is nowhere
 * stops the boot, unless it is in the non-essential list: then it is
 * left out of this boot (dropped from 'once'), with a warning.
 */
static int find_luns(struct ivg_ctx *ctx, struct vio_lpar *lp, struct vio_lpar *once,
		     size_t *moved)
{
	struct vio_lun *now = malloc(sizeof(*now));
	int e = 0;

	*moved = 0;
	if (!now)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !e && i < lp->nvtds; i++) {
		struct vio_vtd *vtd = &lp->vtds[i];
		bool optional = false;

		for (size_t k = 0; k < lp->nlist[VIO_LIST_NONESSENTIAL]; k++)
			optional |= !strcmp(lp->list[VIO_LIST_NONESSENTIAL][k], vtd->name);
		if ((e = vio_lun_find(ctx, &vtd->backing, now))) {
			if (!optional) {
				e = ivg_err_prefix(ctx, e, "cannot boot %s: %s: ", lp->name, vtd->name);
				break;
			}
			fprintf(stderr, "  WARNING: %s: %s; non-essential, booting without it.\n",
				vtd->name, ivg_errmsg(ctx));
			vio_lpar_rm_vtd(once, vtd->name);
			e = 0;
			continue;
		}
		if (strcmp(now->source, vtd->backing.source)) {
			printf("  %s: the LUN is at %s now (was %s).\n", vtd->name, now->source,
			       vtd->backing.source);
			vtd->backing = *now;
			*vio_lpar_vtd(once, vtd->name) = *vtd;
			(*moved)++;
		}
	}
	free(now);
	return e;
}

static void print_booted(const struct vio_lpar *lp, enum vio_boot_type mode)
{
	size_t order[VIO_LIST_MAX], n = vio_boot_order(lp, mode, order);

	printf("  Partition %s booted (%s, %zu disk%s, boot order:", lp->name,
	       vio_boot_type_name(mode), lp->nvtds, lp->nvtds == 1 ? "" : "s");
	for (size_t k = 0; k < n; k++)
		printf(" %s@%u:%u", lp->vtds[order[k]].name, lp->vtds[order[k]].scsi_id,
		       lp->vtds[order[k]].lun);
	printf("%s); console log %s\n", n ? "" : " firmware default",
	       lp->console_log[0] ? lp->console_log : "(none)");
}

/*
 * Define the persistent partition (with where its LUNs are now), and
 * start it: in its own boot type, or for one boot in 'mode' (defined for
 * the start, then the persistent definition again).
 */
static int define_and_start(struct cmd_run *r, struct vios *v, struct vio_part *p,
			    struct vio_lpar *once, enum vio_boot_type mode)
{
	const char *ls = vios_lockspace(v);
	char *xml = NULL, *boot_xml = NULL;
	bool special = mode != p->lp.boot_type || once->nvtds != p->lp.nvtds;
	int e;

	for (size_t i = 0; i < once->nvtds; i++)
		if ((e = vios_lease(r->ctx, v, &once->vtds[i])))
			return e;
	if ((e = vio_dom_xml(r->ctx, p->xml, &p->lp, p->lp.boot_type, ls, &xml)) ||
	    (e = vio_host_define(r->ctx, &v->host, xml, NULL)))
		goto out;
	if (special && ((e = vio_dom_xml(r->ctx, xml, once, mode, ls, &boot_xml)) ||
			(e = vio_host_define(r->ctx, &v->host, boot_xml, NULL))))
		goto out;
	if (virDomainCreate(p->dom) < 0)
		e = vio_virt_err(r->ctx, EIO, "cannot boot partition %s on host %s", p->lp.name,
				 v->host.uri);
	if (special) {
		int e2 = vio_host_define(r->ctx, &v->host, xml, NULL);

		e = e ? e : e2;
	}
out:
	free(xml);
	free(boot_xml);
	return e;
}

static int boot_check(struct cmd_run *r)
{
	enum vio_boot_type t;

	return vboot_type(r, "mode", VIO_BOOT_NORMAL, &t);
}

static int boot_run(struct cmd_run *r)
{
	struct vio_part p = { 0 };
	struct vio_lpar once = { 0 };
	enum vio_boot_type mode;
	struct vios v;
	size_t moved;
	int e;

	if ((e = vios_open(r, &v, true)) || (e = vio_host_part(r->ctx, &v.host, r->operands[0], &p)))
		goto out;
	if (vio_part_active(&p)) {
		e = ivg_err(r->ctx, EBUSY, "partition %s is running on host %s already", p.lp.name,
			    v.host.uri);
		goto out;
	}
	vboot_type(r, "mode", p.lp.boot_type, &mode);
	if ((e = vio_lpar_copy(r->ctx, &once, &p.lp)) ||
	    (e = find_luns(r->ctx, &p.lp, &once, &moved)) ||
	    (e = define_and_start(r, &v, &p, &once, mode)))
		goto out;
	print_booted(&once, mode);
out:
	vio_lpar_free(&once);
	vio_part_free(&p);
	vios_close(&v);
	return e;
}

static const struct cmd_opt boot_opts[] = { VOPT_CONNECT, VOPT_MODE };

const struct cmd_def vios_boot_def = {
	.name = "vios boot",
	.summary = "Boot a partition from its LUNs",
	.usage = "NAME",
	.about =
"Find every LUN of partition NAME by its WWN (where it was, or where the\n"
"SAN moved it; the definition follows it), and start the domain. The\n"
"firmware boots the boot list of its boot type, or of --mode for this\n"
"boot only. A LUN of the non-essential list that is missing is left out\n"
"with a warning; any other stops the boot. libvirt's lock manager\n"
"refuses the start while another domain, here or on a host sharing the\n"
"lockspace, runs with one of its read-write LUNs.\n",
	.opts = boot_opts, .n_opts = sizeof(boot_opts) / sizeof(boot_opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one partition name is needed",
	.check = boot_check,
	.run = boot_run,
};

/* ---- shutdown ------------------------------------------------------------ */

static int shutdown_check(struct cmd_run *r)
{
	long t;

	return vnum(r, "timeout", 0, 86400, 60, &t);
}

static int shutdown_run(struct cmd_run *r)
{
	struct vio_part p = { 0 };
	struct vios v;
	long timeout;
	int e;

	vnum(r, "timeout", 0, 86400, 60, &timeout);
	if ((e = vios_open(r, &v, false)) || (e = vio_host_part(r->ctx, &v.host, r->operands[0], &p)))
		goto out;
	if (!vio_part_active(&p)) {
		printf("  Partition %s is not running.\n", p.lp.name);
		goto out;
	}
	if (!(e = vio_dom_stop(r->ctx, p.dom, p.lp.name, r->o.force ? 0 : timeout, r->o.force)))
		printf("  Partition %s is down.\n", p.lp.name);
out:
	vio_part_free(&p);
	vios_close(&v);
	return e;
}

static const struct cmd_opt shutdown_opts[] = { VOPT_CONNECT, VOPT_TIMEOUT };

const struct cmd_def vios_shutdown_def = {
	.name = "vios shutdown",
	.summary = "Shut a partition down",
	.usage = "NAME",
	.about = "Press the partition's ACPI power button and wait for it to power down.\n"
		 "--force stops it at once (virsh destroy).\n",
	.common = CO(CO_FORCE),
	.common_help = { [CO_FORCE] = "stop it at once" },
	.opts = shutdown_opts, .n_opts = sizeof(shutdown_opts) / sizeof(shutdown_opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one partition name is needed",
	.check = shutdown_check,
	.run = shutdown_run,
};

/* ---- dumpxml ------------------------------------------------------------- */

static int dumpxml_run(struct cmd_run *r)
{
	struct vio_part p = { 0 };
	enum vio_boot_type mode;
	char *xml = NULL;
	struct vios v;
	int e;

	if ((e = vios_open(r, &v, false)) || (e = vio_host_part(r->ctx, &v.host, r->operands[0], &p)))
		goto out;
	vboot_type(r, "mode", p.lp.boot_type, &mode);
	if (!vgiven(r, "mode"))
		fputs(p.xml, stdout);
	else if (!(e = vio_dom_xml(r->ctx, p.xml, &p.lp, mode, vios_lockspace(&v), &xml)))
		fputs(xml, stdout);
out:
	free(xml);
	vio_part_free(&p);
	vios_close(&v);
	return e;
}

const struct cmd_def vios_dumpxml_def = {
	.name = "vios dumpxml",
	.summary = "Print a partition's libvirt domain XML",
	.usage = "NAME",
	.about = "Print partition NAME's persistent domain XML (as virsh dumpxml --inactive),\n"
		 "or with --mode the XML it boots with in that boot type.\n",
	.opts = boot_opts, .n_opts = sizeof(boot_opts) / sizeof(boot_opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one partition name is needed",
	.check = boot_check,
	.run = dumpxml_run,
};
