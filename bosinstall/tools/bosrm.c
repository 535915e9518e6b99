/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosrm.c - remove BOS images from an IVG, and what interrupted commands left. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "boscmd.h"

enum { OPT_ORPHANS };

static const struct cmd_opt opts[] = {
	[OPT_ORPHANS] = { "orphans", 0, ARG_NONE, NULL,
			  "also give back all space in bosfs that no file uses:\n"
			  "files left in its staging directory and, when bosfs\n"
			  "is not mounted, inodes no name reaches and blocks no\n"
			  "file holds (boslist reports them); asks first" },
};

static uint64_t kib(uint64_t bytes)
{
	return (bytes + 1023) >> 10;
}

/* What --orphans would give back, judged on the read-only store. */
static int ask_orphans(struct cmd_run *run, struct boscmd *c, bool *any)
{
	struct ivg_ctx *ctx = run->ctx;
	struct opp_fs_waste w;
	struct bos_list l;
	char q[512];
	int r = bos_store_list(ctx, c->store, &l);

	if (!r)
		r = bos_store_survey(ctx, c->store, &w);
	if (r) {
		bos_list_free(&l);
		return r;
	}
	*any = l.orphans || w.staged || w.orphans || w.leaked_bytes;
	snprintf(q, sizeof(q), "Remove %zu orphan image(s) and give back %" PRIu64 " KiB of %s (%" PRIu64 " inode(s) no name reaches)?",
		 l.orphans, kib(w.staged_bytes + w.orphan_bytes + w.leaked_bytes),
		 bos_store_where(c->store), w.orphans);
	bos_list_free(&l);
	if (*any && !cmd_confirm(run, q))
		return ivg_err_prefix(ctx, -ECANCELED, "bosrm --orphans: not done: ");
	return 0;
}

static int check(struct cmd_run *r)
{
	if (r->n_operands < 2 && !cmd_given(r, OPT_ORPHANS))
		return cmd_usage_error(r, "%s", r->def->operand_need);
	for (size_t i = 1; i < r->n_operands; i++)
		if (bos_name_check(r->ctx, r->operands[i]))
			return cmd_usage_error(r, "%s", ivg_errmsg(r->ctx));
	return 0;
}

static int run(struct cmd_run *r)
{
	struct ivg_ctx *ctx = r->ctx;
	char **names = r->operands + 1;
	size_t n = r->n_operands - 1, removed = 0;
	struct opp_fs_waste w = { 0 };
	struct boscmd c;
	bool any = false;
	int e = boscmd_open(r, &c);

	if (!e && n)
		e = bos_store_remove_check(ctx, c.store, names, n);
	if (!e && cmd_given(r, OPT_ORPHANS))
		e = ask_orphans(r, &c, &any);
	if (!e && !n && !any) {
		printf("  Nothing to give back in volume group \"%s\"\n", r->vg);
		return boscmd_close(&c, 0);
	}
	if (!e)
		e = boscmd_begin_write(r, &c);
	if (!e && n)
		e = bos_store_remove(ctx, c.store, names, n);
	if (!e)
		e = bos_store_cleanup(ctx, c.store, &removed);
	if (!e && any)
		e = bos_store_repair(ctx, c.store, &w);
	if (!e)
		e = boscmd_finish(r, &c);
	if (!e && removed)
		printf("  %zu orphan(s) left by an interrupted command removed\n", removed);
	if (!e && any)
		printf("  bosfs of volume group \"%s\": %" PRIu64 " KiB given back (%" PRIu64 " inode(s) no name reached)\n",
		       r->vg, kib(w.staged_bytes + w.leaked_bytes), w.orphans);
	if (!e && n)
		printf("  %zu BOS image(s) removed from volume group \"%s\"\n", n, r->vg);
	return boscmd_close(&c, e);
}

const struct cmd_def cmd_bosrm_def = {
	.name = "bosrm",
	.summary = "Remove BOS images from an install volume group",
	.usage = "VG NAME...\n"
		 "       bosrm --orphans [-y] [options] VG [NAME...]",
	.about =
"Remove base operating system images from the install volume group VG.\n"
"Every NAME is looked up first; a NAME that is not there is an error and\n"
"nothing is written. Each manifest is removed (and synced) before its\n"
"data: the file in bosfs, or the image's LV through a VG metadata commit.\n"
"Data left without a manifest by an interrupted bosadd or bosrm is removed\n"
"too. An exported VG is imported for the update and exported again.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = { [CO_YES] = "do it without asking (needed without a terminal)" },
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = SIZE_MAX,
	.operand_need = "a VG name and at least one BOS NAME are needed",
	.flags = BOSCMD_WRITER,
	.check = check,
	.run = run,
};
