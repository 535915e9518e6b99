/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgreplace.c - replace a dead or dying disk of an install VG by a new one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootlist.h"
#include "cmd.h"
#include "vgdisks.h"
#include "vgdisks_cmd.h"
#include "vgio.h"

/* The boot order as PV UUIDs, to give the new disk the old one's place. */
struct order {
	char id[IVG_MAX_LEGS][IVG_UUID_LEN + 1];
	size_t n;
};

static int order_get(struct ivg_ctx *ctx, struct ivg_vg *vg, struct order *o)
{
	struct ivg_bootdisk *d = NULL;
	int legs[IVG_MAX_LEGS];
	size_t nd = 0, n = 0;
	int e = ivg_bootdisks(ctx, vg, &d, &nd);

	if (!e)
		e = ivg_bootlist_get(ctx, vg, legs, &n);
	o->n = 0;
	for (size_t i = 0; !e && i < n; i++)
		for (size_t k = 0; k < nd; k++)
			if (d[k].leg == legs[i] && d[k].pv)
				memcpy(o->id[o->n++], d[k].pv->id, IVG_UUID_LEN + 1);
	free(d);
	return e;
}

/* The old order with 'from' replaced by 'to', into the VG (committed). */
static int order_put(struct ivg_ctx *ctx, struct ivg_vg *vg, const struct order *o,
		     const char *from, const char *to)
{
	struct ivg_bootdisk *d = NULL;
	int legs[IVG_MAX_LEGS];
	size_t nd = 0, n = 0;
	int e = ivg_bootdisks(ctx, vg, &d, &nd);

	for (size_t i = 0; !e && i < o->n; i++) {
		const char *id = strcmp(o->id[i], from) ? o->id[i] : to;

		/* A rerun: NEW is in the order already; it takes OLD's place. */
		if (!strcmp(o->id[i], to))
			continue;

		for (size_t k = 0; k < nd; k++)
			if (d[k].pv && !strcmp(d[k].pv->id, id))
				legs[n++] = d[k].leg;
	}
	free(d);
	if (!e)
		e = ivg_bootlist_set(ctx, vg, legs, n);
	return e ? e : ivg_vg_commit(ctx, vg);
}

/*
 * While NEW joins, the VG carries the tag ivg_replace_<OLD's UUID>
 * (committed with NEW's joining, gone with the next commit once NEW's
 * legs are full): a rerun that finds NEW in the VG next to OLD knows the
 * replace was cut short, and tells it from a disk that was a member all
 * along, which is not taken for NEW.
 */
static void replace_tag(const char *old_id, char *tag, size_t len)
{
	snprintf(tag, len, "ivg_replace_%s", old_id);
}

/* Was an ivgreplace of OLD cut short while NEW joined? */
static bool replacing(const struct ivg_vg *vg, const struct ivg_pv *old)
{
	char tag[IVG_UUID_LEN + 16];

	replace_tag(old->id, tag, sizeof(tag));
	return ivg_strvec_has(&vg->tags, tag);
}

/* Only the disk to replace may be missing. */
static int check_missing(struct cmd_run *r, const struct ivg_pv *old)
{
	struct ivg_vg *vg = r->s.h->vg;

	for (size_t i = 0; i < vg->pv_count; i++)
		if (!vg->pvs[i]->dev && vg->pvs[i] != old)
			return ivg_err(r->ctx, ENXIO, "Volume group \"%s\": PV %s is missing too: drop it first (ivgreduce --removemissing)",
				       vg->name, vg->pvs[i]->name);
	return 0;
}

static int replace(struct cmd_run *r, struct ivg_pv *old, struct ivg_pv *new,
		   struct ivg_extension **ext, struct cmd_progress *bar)
{
	struct ivg_vg *vg = r->s.h->vg;
	struct ivg_extend_opts o = {
		.disks = r->operands + 2, .n_disks = 1,
		.force = r->o.force, .confirm = vgdisks_confirm, .confirm_arg = r,
		.progress = bar->fn, .progress_arg = bar->arg,
	};
	char old_id[IVG_UUID_LEN + 1], tag[IVG_UUID_LEN + 16];
	struct order ord;
	size_t filled;
	int e = order_get(r->ctx, vg, &ord);

	memcpy(old_id, old->id, sizeof(old_id));
	replace_tag(old_id, tag, sizeof(tag));
	/* A disk that is there keeps its legs until the new ones are full;
	 * a lost one goes first, so that the VG is whole to be written. */
	if (!e && !old->dev)
		e = ivg_reduce(r->ctx, vg, &old, 1);
	/* NEW in the VG already: a replace cut short; its legs are filled. */
	if (!e && new)
		e = ivg_extend_finish(r->ctx, vg, &new, 1, bar->fn, bar->arg, &filled);
	else if (!e && !(e = ivg_strvec_add_once(&vg->tags, tag)))
		e = ivg_extend(r->ctx, vg, &o, ext);
	else if (!e)
		e = ivg_err(r->ctx, ENOMEM, "out of memory");
	/* NEW's legs are full: the next commit drops the tag. */
	if (!e)
		ivg_strvec_del(&vg->tags, tag);
	if (!e && !new && (e = pv_from_arg(r->ctx, vg, r->operands[2], &new)))
		return e;
	if (!e && ivg_vg_pv_by_id(vg, old_id))
		e = ivg_reduce(r->ctx, vg, &old, 1);
	if (!e)
		e = order_put(r->ctx, vg, &ord, old_id, new->id);
	return e;
}

/*
 * OLD, if it is there with the VG's older metadata (a crash between the
 * commit dropping it and its orphaning), is made an orphan PV, as
 * ivgreduce finishes such a disk. A lost OLD, or one already an orphan,
 * has nothing to finish.
 */
static int orphan_old(struct cmd_run *r)
{
	struct ivg_ctx quiet;
	int e;

	ivg_ctx_init(&quiet);
	e = ivg_reduce_outdated(&quiet, r->s.h, r->operands[1]);
	if (e == -ENOENT)
		return 0;
	return e ? ivg_err(r->ctx, -e, "%s", ivg_errmsg(&quiet)) : 0;
}

/*
 * OLD no PV of the VG any more and NEW one: a replace cut short after
 * OLD left. NEW's legs still to be filled are filled.
 */
static int resume(struct cmd_run *r, struct ivg_pv *new, struct cmd_progress *bar)
{
	size_t filled;
	int e = vgdisks_may_write(r, false);

	if (!e)
		e = vgdisks_copies_current(r);
	if (!e)
		e = orphan_old(r);
	if (!e)
		e = ivg_extend_finish(r->ctx, r->s.h->vg, &new, 1, bar->fn, bar->arg, &filled);
	if (!e)
		e = rewrite_boot_records(r->ctx, r->s.h->vg, "ivgreplace");
	if (!e)
		printf("  \"%s\" is no PV of volume group \"%s\" any more; \"%s\" is: %zu leg(s) on it filled\n",
		       r->operands[1], r->vg, r->operands[2], filled);
	return e;
}

static int run(struct cmd_run *r)
{
	struct ivg_extension *ext = NULL;
	struct cmd_progress bar;
	struct ivg_pv *old = NULL, *new = NULL;
	struct ivg_ctx quiet;
	int e;

	ivg_ctx_init(&quiet);
	cmd_progress_init(r, &bar, "Copying onto the new disk");
	if (pv_from_arg(&quiet, r->s.h->vg, r->operands[2], &new))
		new = NULL;
	if (new && pv_from_arg(&quiet, r->s.h->vg, r->operands[1], &old))
		return resume(r, new, &bar);
	e = pv_from_arg(r->ctx, r->s.h->vg, r->operands[1], &old);
	if (!e && old == new)
		e = ivg_err(r->ctx, EINVAL, "%s and %s are the same PV", r->operands[1],
			    r->operands[2]);
	if (!e && new && !replacing(r->s.h->vg, old))
		e = ivg_err(r->ctx, EEXIST, "%s: is PV %s of volume group \"%s\" already, not a new disk (ivgreduce %s %s drops %s)",
			    r->operands[2], new->name, r->vg, r->vg, r->operands[1],
			    r->operands[1]);
	if (!e && !new && !old->dev)
		ivg_info(r->ctx, "%s is missing: it leaves the VG first", r->operands[1]);
	if (!e)
		e = check_missing(r, old);
	if (!e)
		e = vgdisks_may_write(r, true);
	if (!e)
		e = replace(r, old, new, &ext, &bar);
	if (!e)
		e = rewrite_boot_records(r->ctx, r->s.h->vg, "ivgreplace");
	ivg_extension_free(ext);
	if (!e)
		printf("  Replaced \"%s\" by \"%s\" in volume group \"%s\"\n",
		       r->operands[1], r->operands[2], r->vg);
	if (e == -ENOENT && !new && !old)
		e = ivg_err(r->ctx, ENOENT, "%s: no PV of volume group \"%s\" (if an ivgreplace was cut short after the lost disk left, ivgextend %s %s adds the new disk)",
				   r->operands[1], r->vg, r->vg, r->operands[2]);
	return e;
}

const struct cmd_def cmd_ivgreplace_def = {
	.name = "ivgreplace",
	.summary = "Replace a disk of an install volume group",
	.usage = "VG OLD NEW",
	.about =
"Replace the disk OLD of the install volume group VG (a device, image\n"
"file, PV UUID or PV name; present, or lost) by the new disk NEW, in one\n"
"command: NEW joins as ivgextend adds a disk (its legs filled from the\n"
"legs in sync, with a progress bar on a terminal), OLD leaves as\n"
"ivgreduce drops one (a lost OLD leaves first, so that the VG is whole\n"
"again before anything is copied), and NEW takes OLD's place in the boot\n"
"order. Then the GRUB images of every boot disk are written again.\n"
"Run again after a crash it goes on where it stopped.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES) | CO(CO_FORCE),
	.common_help = {
		[CO_FORCE] = "take a NEW that is a PV of another VG",
		[CO_YES] = "wipe signatures found on NEW without asking",
	},
	.min_operands = 3, .max_operands = 3,
	.operand_need = "a VG name, the disk to replace and the new disk are needed",
	.flags = CMD_VG_NAME | CMD_VG | CMD_WRITES_VG | CMD_CHECKS_OWN |
		 CMD_INTERRUPTIBLE,
	.run = run,
};
