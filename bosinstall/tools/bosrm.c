/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosrm.c - remove BOS images from an IVG. */
#include "boscmd.h"

static const char help[] =
"Usage: bosrm [options] VG NAME...\n"
"\n"
"Remove base operating system images from the install volume group VG.\n"
"Every NAME is looked up first; a NAME that is not there is an error and\n"
"nothing is written. Each manifest is removed (and synced) before its\n"
"data: the file in bosfs, or the image's LV through a VG metadata commit.\n"
"Data left without a manifest by an interrupted bosadd or bosrm is removed\n"
"too. An exported VG is imported for the update and exported again.\n"
"\n"
"Options:\n"
OPPCMD_HELP_COMMON
OPPCMD_HELP_EXIT;

static const struct option longopts[] = {
	OPPCMD_LONGOPTS_COMMON,
};

static int rm(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
	      char **names, size_t n)
{
	struct boscmd c;
	struct bos_manifest m;
	size_t orphans = 0;
	int r = boscmd_open(ctx, o, vg, true, &c);

	for (size_t i = 0; !r && i < n; i++)
		r = bos_store_get(ctx, c.store, names[i], &m);
	if (!r)
		r = boscmd_begin_write(ctx, &c);
	if (!r)
		r = bos_store_remove(ctx, c.store, names, n);
	if (!r)
		r = bos_store_cleanup(ctx, c.store, &orphans);
	if (!r)
		r = boscmd_finish(ctx, &c);
	if (!r && orphans)
		printf("  %zu orphan(s) left by an interrupted command removed\n", orphans);
	if (!r)
		printf("  %zu BOS image(s) removed from volume group \"%s\"\n", n, vg);
	boscmd_close(&c, r != 0);
	return r;
}

int cmd_bosrm(struct ivg_ctx *ctx, int argc, char **argv)
{
	static const struct oppcmd_line line = {
		"bosrm", help, "a VG name and at least one BOS NAME are needed",
		longopts, 1, SIZE_MAX, NULL, NULL,
	};
	struct opts o = { 0 };
	const char *vg;
	char **names;
	size_t n;
	int rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &names, &n);

	for (size_t i = 0; !rc && i < n; i++)
		if (bos_name_check(ctx, names[i]))
			rc = usage_error("bosrm", "%s", ivg_errmsg(ctx));
	if (!rc && rm(ctx, &o, vg, names, n))
		rc = fail(ctx);
	opts_free(&o);
	return rc;
}
