/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosrm.c - remove BOS images from an IVG, and what interrupted commands left. */
#include <inttypes.h>
#include <stdio.h>

#include "boscmd.h"

static const char help[] =
"Usage: bosrm [options] VG NAME...\n"
"       bosrm --orphans [-y] [options] VG [NAME...]\n"
"\n"
"Remove base operating system images from the install volume group VG.\n"
"Every NAME is looked up first; a NAME that is not there is an error and\n"
"nothing is written. Each manifest is removed (and synced) before its\n"
"data: the file in bosfs, or the image's LV through a VG metadata commit.\n"
"Data left without a manifest by an interrupted bosadd or bosrm is removed\n"
"too. An exported VG is imported for the update and exported again.\n"
"\n"
"Options:\n"
"      --orphans      also give back all space in bosfs that no file uses:\n"
"                     files left in its staging directory and, when bosfs\n"
"                     is not mounted, inodes no name reaches and blocks no\n"
"                     file holds (boslist reports them); asks first\n"
"  -y, --yes          do it without asking (needed without a terminal)\n"
OPPCMD_HELP_COMMON
OPPCMD_HELP_EXIT;

enum { OPT_ORPHANS = OPT_FIRST_COMMAND_SPECIFIC };

static const struct option longopts[] = {
	{ "orphans", no_argument, NULL, OPT_ORPHANS },
	OPPCMD_LONGOPTS_COMMON,
};

static uint64_t kib(uint64_t bytes)
{
	return (bytes + 1023) >> 10;
}

/* What --orphans would give back, judged on the read-only store. */
static int ask_orphans(struct ivg_ctx *ctx, const struct opts *o,
		       struct boscmd *c, bool *any)
{
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
	return *any ? oppcmd_confirm(ctx, o, q, "bosrm --orphans") : 0;
}

static int rm(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
	      char **names, size_t n, bool orphans)
{
	struct opp_fs_waste w = { 0 };
	struct boscmd c;
	size_t removed = 0;
	bool any = false;
	int r = boscmd_open(ctx, o, vg, true, &c);

	if (!r && n)
		r = bos_store_remove_check(ctx, c.store, names, n);
	if (!r && orphans)
		r = ask_orphans(ctx, o, &c, &any);
	if (!r && !n && !any) {
		printf("  Nothing to give back in volume group \"%s\"\n", vg);
		boscmd_close(&c, false);
		return 0;
	}
	if (!r)
		r = boscmd_begin_write(ctx, &c);
	if (!r && n)
		r = bos_store_remove(ctx, c.store, names, n);
	if (!r)
		r = bos_store_cleanup(ctx, c.store, &removed);
	if (!r && any)
		r = bos_store_repair(ctx, c.store, &w);
	if (!r)
		r = boscmd_finish(ctx, &c);
	if (!r && removed)
		printf("  %zu orphan(s) left by an interrupted command removed\n", removed);
	if (!r && any)
		printf("  bosfs of volume group \"%s\": %" PRIu64 " KiB given back (%" PRIu64 " inode(s) no name reached)\n",
		       vg, kib(w.staged_bytes + w.leaked_bytes), w.orphans);
	if (!r && n)
		printf("  %zu BOS image(s) removed from volume group \"%s\"\n", n, vg);
	boscmd_close(&c, r != 0);
	return r;
}

static int own_flag(struct ivg_ctx *ctx, int c, const char *arg, void *data)
{
	if (c != OPT_ORPHANS)
		return 0;
	*(bool *)data = true;
	return 1;
}

int cmd_bosrm(struct ivg_ctx *ctx, int argc, char **argv)
{
	bool orphans = false;
	const struct oppcmd_line line = {
		"bosrm", help, "a VG name and at least one BOS NAME are needed",
		longopts, 0, SIZE_MAX, own_flag, &orphans,
	};
	struct opts o = { 0 };
	const char *vg;
	char **names;
	size_t n;
	int rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &names, &n);

	if (!rc && !n && !orphans)
		rc = usage_error("bosrm", "%s", line.need);
	for (size_t i = 0; !rc && i < n; i++)
		if (bos_name_check(ctx, names[i]))
			rc = usage_error("bosrm", "%s", ivg_errmsg(ctx));
	if (!rc && rm(ctx, &o, vg, names, n, orphans))
		rc = fail(ctx);
	opts_free(&o);
	return rc;
}
