/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgreduce.c - drop disks, present or lost, from an install VG. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "dev.h"
#include "vgdisks.h"
#include "vgdisks_cmd.h"

enum { OPT_REMOVEMISSING };

static const struct cmd_opt opts[] = {
	[OPT_REMOVEMISSING] = { "removemissing", 0, ARG_NONE, NULL,
				"drop every missing PV (no DISK is given)" },
};

static int check(struct cmd_run *r)
{
	bool missing = cmd_given(r, OPT_REMOVEMISSING);

	if (missing && r->n_operands > 1)
		return cmd_usage_error(r, "--removemissing takes no disks");
	if (!missing && r->n_operands < 2)
		return cmd_usage_error(r, "a VG name and at least one disk are needed (or --removemissing)");
	return 0;
}

/*
 * The PVs to drop: those named, or every missing one. A disk named that is
 * no PV of the VG but an outdated one (a reduce cut short after its
 * commit) goes to outdated[], to be finished.
 */
static int pick(struct cmd_run *r, struct ivg_pv **pvs, size_t *n,
		const char **outdated, size_t *n_out)
{
	struct ivg_vg *vg = r->s.h->vg;
	struct ivg_ctx quiet;
	int e = 0;

	*n = *n_out = 0;
	if (cmd_given(r, OPT_REMOVEMISSING)) {
		for (size_t i = 0; i < vg->pv_count; i++)
			if (!vg->pvs[i]->dev)
				pvs[(*n)++] = vg->pvs[i];
		return 0;
	}
	ivg_ctx_init(&quiet);
	for (size_t i = 1; !e && i < r->n_operands; i++) {
		if (pv_from_arg(&quiet, vg, r->operands[i], &pvs[*n])) {
			outdated[(*n_out)++] = r->operands[i];
			continue;
		}
		for (size_t k = 0; !e && k < *n; k++)
			if (pvs[k] == pvs[*n])
				e = ivg_err(r->ctx, EINVAL, "%s: given twice", r->operands[i]);
		*n += !e;
	}
	/* Missing PVs go only with --removemissing, as vgreduce wants. */
	if (!e && r->s.h->missing)
		for (size_t i = 0; i < vg->pv_count; i++)
			if (!vg->pvs[i]->dev)
				return ivg_err(r->ctx, ENXIO, "Volume group \"%s\" has missing PVs: drop them with ivgreduce --removemissing first",
					       vg->name);
	return e;
}

/* The disks named that a cut-short reduce dropped: made orphans. */
static int finish_outdated(struct cmd_run *r, const char **outdated, size_t n)
{
	struct ivg_pv *none;
	int e = 0;

	for (size_t i = 0; !e && i < n; i++) {
		e = ivg_reduce_outdated(r->ctx, r->s.h, outdated[i]);
		if (e == -ENOENT)   /* says it is no PV of the VG */
			return pv_from_arg(r->ctx, r->s.h->vg, outdated[i], &none);
		if (!e)
			printf("  \"%s\": dropped from volume group \"%s\" before; made an orphan PV now\n",
			       outdated[i], r->vg);
	}
	return e;
}

static int run(struct cmd_run *r)
{
	struct ivg_vg *vg = r->s.h->vg;
	struct ivg_pv **pvs = calloc(vg->pv_count + r->n_operands + 1, sizeof(*pvs));
	const char **outdated = calloc(r->n_operands + 1, sizeof(*outdated));
	char names[4096] = "";
	size_t n = 0, n_out = 0, used = 0;
	int e = pvs && outdated ? 0 : ivg_err(r->ctx, ENOMEM, "out of memory");

	if (!e)
		e = pick(r, pvs, &n, outdated, &n_out);
	if (!e)
		e = vgdisks_may_write(r, cmd_given(r, OPT_REMOVEMISSING));
	if (!e && !n)   /* nothing to drop: a reduce cut short is finished */
		e = vgdisks_copies_current(r);
	if (!e)
		e = finish_outdated(r, outdated, n_out);
	for (size_t i = 0; !e && i < n && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
					 i ? ", " : "",
					 pvs[i]->dev ? pvs[i]->dev->path :
					 pvs[i]->device ? pvs[i]->device : pvs[i]->name);
	if (!e && n)
		e = ivg_reduce(r->ctx, vg, pvs, n);
	/* Also after a reduce cut short: the records may be the old ones. */
	if (!e)
		e = rewrite_boot_records(r->ctx, vg, "ivgreduce");
	free(pvs);
	free(outdated);
	if (e)
		return e;
	if (n)
		printf("  Removed \"%s\" from volume group \"%s\"\n", names, r->vg);
	else if (cmd_given(r, OPT_REMOVEMISSING))
		printf("  Volume group \"%s\" is already consistent.\n", r->vg);
	return 0;
}

const struct cmd_def cmd_ivgreduce_def = {
	.name = "ivgreduce",
	.summary = "Drop disks from an install volume group",
	.usage = "VG DISK... | --removemissing VG",
	.about =
"Drop PVs from the install volume group VG, as vgreduce does: the disks\n"
"named (a device, image file, PV UUID or PV name), or with\n"
"--removemissing every PV that is missing. Each goes with its legs of\n"
"the raid1 LVs (bootlv, bosfs, oppfs, the raw BOS LVs) and with its place\n"
"in the boot order; the legs after a dropped one move down a place, as\n"
"lvm2 renames them. Refused, writing nothing, when an LV other than a\n"
"raid1 leg has extents on a PV, or when an LV would lose its last leg or\n"
"its last leg in sync. One metadata commit; a dropped disk that is there\n"
"becomes an orphan PV. Afterwards the GRUB images of the other boot disks\n"
"are written again. Once the missing PVs are dropped the VG is complete\n"
"again and every command that writes works. Run again after a crash, it\n"
"finishes: a disk named that the VG no longer lists but whose metadata\n"
"is an older copy of it (lvm2's outdated PV) is made an orphan PV, and\n"
"--removemissing with nothing missing says the VG is already consistent.\n",
	.common = CO(CO_DEVICES),
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = SIZE_MAX,
	.operand_need = "a VG name is needed",
	.flags = CMD_VG_NAME | CMD_VG | CMD_WRITES_VG | CMD_CHECKS_OWN,
	.check = check,
	.run = run,
};
