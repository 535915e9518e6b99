/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgchange.c - activate or deactivate an install VG's LVs, as vgchange -a. */
#include <errno.h>
#include <string.h>

#include "activate.h"
#include "vgio.h"
#include "cmd.h"
#include "ivgmount.h"
#include "ivgvg.h"
#include "sysid.h"

enum { OPT_ACTIVATE };

static const struct cmd_opt opts[] = {
	[OPT_ACTIVATE] = { "activate", 'a', ARG_STRING, "y|n",
			   "activate or deactivate" },
};

/* -a takes y or n, and is needed. */
static int check(struct cmd_run *r)
{
	const char *a = r->own[OPT_ACTIVATE].str;

	if (!a)
		return cmd_usage_error(r, "-a y|n is needed");
	if (strcmp(a, "y") && strcmp(a, "n"))
		return cmd_usage_error(r, "-a takes y or n, not \"%s\"", a);
	return 0;
}

/* Read-write activation needs the VG imported here, as lvm2 wants it. */
static int may_write(struct ivg_ctx *ctx, const struct ivg_vg *vg)
{
	char me[IVG_SYSID_MAX + 1];

	if (ivg_vg_exported(vg))
		return ivg_err(ctx, EPERM, "Volume group \"%s\" is exported: ivgimport it first, or use --readonly",
			       vg->name);
	if (host_system_id(ctx, me))
		return -1;
	return ivg_vg_check_holder(ctx, vg, me);
}

static int run(struct cmd_run *r)
{
	struct ivg_vg *vg = r->s.h->vg;
	bool activate = r->own[OPT_ACTIVATE].str[0] == 'y';
	int e;

	if (activate && !r->readonly && (e = may_write(r->ctx, vg)))
		return e;
	/*
	 * Without device-mapper a mirrored LV is a loop over one leg, its
	 * other legs marked out of sync while it is up read-write and copied
	 * back when it goes down (loopdev.h): that writes the PVs.
	 */
	if (!r->readonly && !r->s.h->missing && !ivg_dm_present() &&
	    ivg_vg_reopen_rw(r->ctx, r->s.h) && activate)
		return -1;
	if ((e = activate ? ivg_lvs_up(r->ctx, vg, r->readonly, NULL)
			  : ivg_lvs_down(r->ctx, vg)))
		return e;
	if (activate)
		printf("  %zu logical volume(s) in volume group \"%s\" now active%s\n",
		       ivg_lvs_up_count(vg), r->vg, r->readonly ? " (read-only)" : "");
	else
		printf("  0 logical volume(s) in volume group \"%s\" now active\n", r->vg);
	return 0;
}

const struct cmd_def cmd_ivgchange_def = {
	.name = "ivgchange",
	.summary = "Activate or deactivate an install volume group",
	.usage = "-a y|n VG",
	.about =
"Activate (y) every visible LV of the install volume group VG as a\n"
"device-mapper device, named and identified as lvm2 does\n"
"(/dev/mapper/VG-LV, /dev/VG/LV), or deactivate (n) every LV of VG,\n"
"whether ivg or lvm2 activated it. raid1 LVs (bootlv) use the raid\n"
"target over their legs; a leg on a missing PV is left out. Read-only,\n"
"a raid1 LV is its first leg, mapped linearly, so nothing is written.\n"
"Without device-mapper (a kernel without dm-mod), single-segment\n"
"linear LVs are made loop devices instead, and other LVs are refused.\n"
"Read-write activation needs the VG imported and held by this host\n"
"(ivgimport).\n",
	.common = CO(CO_DEVICES) | CO(CO_READONLY),
	.common_help = { [CO_READONLY] = "activate read-only; write no metadata" },
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	.flags = CMD_VG_NAME | CMD_VG | CMD_ALLOW_PARTIAL | CMD_NEEDS_ROOT,
	.check = check,
	.run = run,
};

