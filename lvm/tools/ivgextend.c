/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgextend.c - add disks to an install VG, a leg of every mirror on each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "ivgvg.h"
#include "vgdisks.h"
#include "vgdisks_cmd.h"

/* Every disk given a PV of the VG already: an extend cut short, finished. */
static int members(struct cmd_run *r, struct ivg_pv ***pvs)
{
	struct ivg_ctx quiet;
	int all = 1;

	ivg_ctx_init(&quiet);
	*pvs = calloc(r->n_operands, sizeof(**pvs));
	if (!*pvs)
		return ivg_err(r->ctx, ENOMEM, "out of memory");
	for (size_t i = 1; i < r->n_operands; i++)
		if (pv_from_arg(&quiet, r->s.h->vg, r->operands[i], &(*pvs)[i - 1]))
			all = 0;
	return all;
}

static int finish(struct cmd_run *r, struct ivg_pv **pvs, struct cmd_progress *bar)
{
	size_t n = 0;
	int e = vgdisks_copies_current(r);

	if (!e)
		e = ivg_extend_finish(r->ctx, r->s.h->vg, pvs, r->n_operands - 1,
				      bar->fn, bar->arg, &n);

	/* The boot records too: a crash may have come before they were. */
	if (!e)
		e = rewrite_boot_records(r->ctx, r->s.h->vg, "ivgextend");
	if (!e)
		printf("  Volume group \"%s\": %zu leg(s) on %zu disk(s) already in it filled\n",
		       r->vg, n, r->n_operands - 1);
	return e;
}

static int extend(struct cmd_run *r, struct cmd_progress *bar)
{
	struct ivg_extend_opts o = {
		.disks = r->operands + 1, .n_disks = r->n_operands - 1,
		.force = r->o.force, .confirm = vgdisks_confirm, .confirm_arg = r,
		.progress = bar->fn, .progress_arg = bar->arg,
	};
	struct ivg_extension *ext = NULL;
	int e = ivg_extend(r->ctx, r->s.h->vg, &o, &ext);

	if (!e)
		e = rewrite_boot_records(r->ctx, r->s.h->vg, "ivgextend");
	/* The new PVs' devices close with the plan; nothing reads them after. */
	ivg_extension_free(ext);
	if (e)
		return e;
	for (size_t i = 0; i < o.n_disks; i++)
		printf("  Physical volume \"%s\" successfully created.\n", o.disks[i]);
	printf("  Volume group \"%s\" successfully extended\n", r->vg);
	return 0;
}

static int run(struct cmd_run *r)
{
	struct cmd_progress bar;
	struct ivg_pv **pvs = NULL;
	int e = vgdisks_may_write(r, false), all;

	cmd_progress_init(r, &bar, "Copying onto the new legs");
	all = e ? 0 : members(r, &pvs);
	if (all < 0)
		e = all;
	else if (!e && all)
		e = finish(r, pvs, &bar);
	else if (!e)
		e = extend(r, &bar);
	free(pvs);
	return e;
}

const struct cmd_def cmd_ivgextend_def = {
	.name = "ivgextend",
	.summary = "Add disks to an install volume group",
	.usage = "VG DISK...",
	.about =
"Add the disks (block devices or image files) to the install volume\n"
"group VG, as vgextend does, each with the IVG disk layout (a GPT with a\n"
"BIOS boot partition, an EFI system partition and the PV) as ivgcreate\n"
"makes it. Each becomes a boot PV with a leg of bootlv, and, when the\n"
"images are mirrored, an image PV with a leg of bosfs, oppfs and every\n"
"raw BOS LV: the legs are added in one metadata commit (flagged REBUILD,\n"
"as lvm2's lvconvert -m+1 leaves them), then filled from the legs in\n"
"sync, with a progress bar on a terminal. Last the GRUB images of every\n"
"boot disk are written again, so that the new disks boot and every disk\n"
"falls back to them. The new disks alone then boot, list the images and\n"
"install. Given disks that are PVs of VG already (an extend cut short),\n"
"their legs still to be filled are filled.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES) | CO(CO_FORCE),
	.common_help = {
		[CO_FORCE] = "take disks that are PVs of another VG",
		[CO_YES] = "wipe signatures found on the disks without asking",
	},
	.min_operands = 2, .max_operands = SIZE_MAX,
	.operand_need = "a VG name and at least one disk are needed",
	.flags = CMD_VG_NAME | CMD_VG | CMD_WRITES_VG | CMD_CHECKS_OWN |
		 CMD_INTERRUPTIBLE,
	.run = run,
};
