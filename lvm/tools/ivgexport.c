/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgexport.c - release an install volume group for another host. */
#include <errno.h>

#include "ivgmount.h"
#include "ivgvg.h"
#include "cmd.h"
#include "sysid.h"

/* Unmount and deactivate everything of the VG on this host. */
static int release(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	size_t unmounted;

	if (ivg_umount_vg(ctx, vg, &unmounted) || ivg_lvs_down(ctx, vg))
		return -1;
	if (unmounted)
		printf("  %zu filesystem(s) of volume group \"%s\" unmounted\n",
		       unmounted, vg->name);
	return 0;
}

static int export_vg(struct ivg_ctx *ctx, struct session *s, bool force)
{
	struct ivg_vg *vg = s->h->vg;
	char me[IVG_SYSID_MAX + 1];

	/*
	 * An export that crashed between the first and the last PV's commit
	 * leaves the newest copy exported and older copies behind: finishing
	 * it means writing the exported state to every copy again.
	 */
	bool finish = ivg_vg_exported(vg) && s->h->problems.n &&
		      !s->h->missing && !s->h->duplicates;

	if (ivg_vg_exported(vg) && !finish)
		return ivg_err(ctx, EALREADY, "Volume group \"%s\" is already exported",
			       vg->name);
	if (finish) {
		if (ivg_vg_reopen_rw(ctx, s->h) || ivg_vg_commit(ctx, vg))
			return -1;
		printf("  Volume group \"%s\" was exported with damaged or stale metadata copies; every copy rewritten\n",
		       vg->name);
		return 0;
	}
	if (!force && (host_system_id(ctx, me) ||
		       ivg_vg_check_holder(ctx, vg, me)))
		return -1;
	/* What would stop the commit stops us before anything is released. */
	if (ivg_vg_reopen_rw(ctx, s->h))
		return -1;
	/* As vgexport wants it: nothing of the VG in use on this host. */
	if (release(ctx, vg) || ivg_vg_set_exported(ctx, vg, true) ||
	    ivg_vg_commit(ctx, vg))
		return -1;
	printf("  Volume group \"%s\" successfully exported\n", vg->name);
	return 0;
}

static int run(struct cmd_run *r)
{
	if (!r->readonly)
		return export_vg(r->ctx, &r->s, r->o.force);
	if (release(r->ctx, r->s.h->vg))
		return -1;
	printf("  Volume group \"%s\" released on this host, read-only: nothing written\n",
	       r->vg);
	return 0;
}

const struct cmd_def cmd_ivgexport_def = {
	.name = "ivgexport",
	.summary = "Export an install volume group",
	.usage = "VG",
	.about =
"Unmount the filesystems of the install volume group VG (wherever\n"
"ivgimport -m or anyone mounted them), deactivate its LVs (device-mapper\n"
"or loop devices) and mark it exported, as vgexport does (VG and PV\n"
"status EXPORTED, system ID cleared), so that another host may import\n"
"it. A VG that another host holds is refused unless --force.\n",
	.common = CO(CO_DEVICES) | CO(CO_FORCE) | CO(CO_READONLY),
	.common_help = {
		[CO_FORCE] = "export a VG that another host holds",
		[CO_READONLY] = "only unmount and deactivate on this host, write\n"
				"nothing (the end of ivgimport --readonly)",
	},
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	.flags = CMD_VG_NAME | CMD_VG | CMD_WRITES_VG | CMD_READ_ONLY_OK |
		 CMD_ALLOW_PARTIAL | CMD_CHECKS_OWN,
	.run = run,
};
