/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppck.c - check every OPP image of an IVG against its TOC entry. */
#include <inttypes.h>
#include <stdio.h>

#include "oppcmd.h"

static const char help[] =
"Usage: oppck [options] VG\n"
"\n"
"Check the OPP repository of the install volume group VG: the TOC\n"
"against the generation and SHA-256 the VG metadata records (a stale or\n"
"torn TOC), and every image against its TOC entry, by reading and hashing\n"
"all of it (never by size or time: a file whose contents changed under\n"
"the same version is found) and by reading its metadata again. Files in\n"
"pool/ that the TOC does not list are reported too, and space that no\n"
"file uses: files an interrupted command left in staging, inodes in use\n"
"that no name reaches, blocks marked in use that no file holds (the last\n"
"two only when oppfs is not mounted). Writes nothing, unless --repair.\n"
"\n"
"Options:\n"
"      --repair       give that space back (asks first: -y answers yes;\n"
"                     without a terminal, -y is needed)\n"
"  -y, --yes          repair without asking\n"
OPPCMD_HELP_COMMON
"\n"
"Exit status: 0 all good (after --repair: all good but what it gave back),\n"
"3 bad command line, 5 problems found or failed.\n";

enum { OPT_REPAIR = OPT_FIRST_COMMAND_SPECIFIC };

static const struct option longopts[] = {
	{ "repair", no_argument, NULL, OPT_REPAIR },
	OPPCMD_LONGOPTS_COMMON,
};

static void report(void *arg, const char *file, const char *msg)
{
	const char *where = arg;

	if (*file)
		fprintf(stderr, "  %s/%s: %s\n", where, file, msg);
	else
		fprintf(stderr, "  %s: %s\n", where, msg);
}

/* Read-only: every problem said; *waste of them are unused space. */
static int check(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
		 size_t *problems, size_t *waste, size_t *images, uint64_t *gen)
{
	struct oppcmd c = { 0 };
	int r = oppcmd_open(ctx, o, vg, false, &c);

	*problems = *waste = 0;
	if (!r)
		r = opp_repo_check(ctx, &c.repo, report,
				   (void *)opp_fs_where(c.repo.fs), problems);
	if (!r)
		r = opp_repo_report_waste(ctx, &c.repo, report,
					  (void *)opp_fs_where(c.repo.fs), waste);
	if (!r) {
		*images = c.repo.toc.n;
		*gen = c.repo.meta.gen;
	}
	oppcmd_close(&c, false);
	return r;
}

static uint64_t kib(uint64_t bytes)
{
	return (bytes + 1023) >> 10;
}

static int repair(struct ivg_ctx *ctx, const struct opts *o, const char *vg)
{
	struct opp_fs_waste w = { 0 };
	struct oppcmd c;
	int r = oppcmd_confirm(ctx, o, "Give back the space no OPP uses?",
			       "oppck --repair");

	if (r)
		return r;
	r = oppcmd_open(ctx, o, vg, true, &c);
	if (!r)
		r = oppcmd_begin_write(ctx, &c);
	if (!r)
		r = opp_repo_repair(ctx, &c.repo, &w);
	if (!r)
		r = oppcmd_commit(ctx, &c);
	if (!r)
		printf("  oppfs of volume group \"%s\": %" PRIu64 " KiB given back (%" PRIu64 " inode(s) no name reached, %" PRIu64 " KiB of blocks no file held)\n",
		       vg, kib(w.staged_bytes + w.leaked_bytes), w.orphans,
		       kib(w.leaked_bytes));
	oppcmd_close(&c, r != 0);
	return r;
}

static int own_flag(struct ivg_ctx *ctx, int c, const char *arg, void *data)
{
	if (c != OPT_REPAIR)
		return 0;
	*(bool *)data = true;
	return 1;
}

int cmd_oppck(struct ivg_ctx *ctx, int argc, char **argv)
{
	bool fix = false;
	const struct oppcmd_line line = {
		"oppck", help, "exactly one VG name is needed", longopts, 0, 0,
		own_flag, &fix,
	};
	struct opts o = { 0 };
	size_t problems = 0, waste = 0, images = 0, n;
	uint64_t gen = 0;
	const char *vg;
	char **rest;
	int r, rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &rest, &n);

	if (rc)
		goto out;
	r = check(ctx, &o, vg, &problems, &waste, &images, &gen);
	if (!r && fix && waste)
		r = repair(ctx, &o, vg);
	if (r)
		rc = fail(ctx);
	else if (problems + (fix ? 0 : waste)) {
		printf("  %zu OPP image(s) checked in volume group \"%s\": %zu problem(s)\n",
		       images, vg, problems + (fix ? 0 : waste));
		rc = ECMD_FAILED;
	} else {
		printf("  %zu OPP image(s) checked in volume group \"%s\": all match the TOC, generation %" PRIu64 "\n",
		       images, vg, gen);
	}
out:
	opts_free(&o);
	return rc;
}
