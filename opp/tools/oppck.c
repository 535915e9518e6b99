/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppck.c - check every OPP image of an IVG against its TOC entry. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "oppcmd.h"

enum { OPT_REPAIR };

static const struct cmd_opt opts[] = {
	[OPT_REPAIR] = { "repair", 0, ARG_NONE, NULL,
			 "give that space back (asks first: -y answers yes;\n"
			 "without a terminal, -y is needed)" },
};

static void report(void *arg, const char *file, const char *msg)
{
	const char *where = arg;

	if (*file)
		fprintf(stderr, "  %s/%s: %s\n", where, file, msg);
	else
		fprintf(stderr, "  %s: %s\n", where, msg);
}

/* Every problem said; *waste of them are unused space. */
static int check_repo(struct cmd_run *r, size_t *problems, size_t *waste,
		      size_t *images, uint64_t *gen)
{
	bool writes = r->writes;
	struct oppcmd c;
	int e;

	/* The check reads the repository as a reader would. */
	r->writes = false;
	e = oppcmd_open(r, &c);
	r->writes = writes;
	*problems = *waste = 0;
	if (!e)
		e = opp_repo_check(r->ctx, &c.repo, report,
				   (void *)opp_fs_where(c.repo.fs), problems);
	if (!e)
		e = opp_repo_report_waste(r->ctx, &c.repo, report,
					  (void *)opp_fs_where(c.repo.fs), waste);
	if (!e) {
		*images = c.repo.toc.n;
		*gen = c.repo.meta.gen;
	}
	return oppcmd_close(r, &c, e);
}

static uint64_t kib(uint64_t bytes)
{
	return (bytes + 1023) >> 10;
}

static int repair(struct cmd_run *r)
{
	struct opp_fs_waste w = { 0 };
	struct oppcmd c;
	int e;

	if (!cmd_confirm(r, "Give back the space no OPP uses?"))
		return ivg_err_prefix(r->ctx, -ECANCELED, "oppck --repair: not done: ");
	e = oppcmd_open(r, &c);
	if (!e)
		e = oppcmd_begin_write(r, &c);
	if (!e)
		e = opp_repo_repair(r->ctx, &c.repo, &w);
	if (!e)
		e = oppcmd_commit(r, &c);
	if (!e)
		printf("  oppfs of volume group \"%s\": %" PRIu64 " KiB given back (%" PRIu64 " inode(s) no name reached, %" PRIu64 " KiB of blocks no file held)\n",
		       r->vg, kib(w.staged_bytes + w.leaked_bytes), w.orphans,
		       kib(w.leaked_bytes));
	return oppcmd_close(r, &c, e);
}

static int run(struct cmd_run *r)
{
	size_t problems = 0, waste = 0, images = 0;
	uint64_t gen = 0;
	int e = check_repo(r, &problems, &waste, &images, &gen);

	if (!e && r->writes && waste)
		e = repair(r);
	if (e)
		return e;
	if (problems + (r->writes ? 0 : waste)) {
		printf("  %zu OPP image(s) checked in volume group \"%s\": %zu problem(s)\n",
		       images, r->vg, problems + (r->writes ? 0 : waste));
		return CMD_EXIT(ECMD_FAILED);
	}
	printf("  %zu OPP image(s) checked in volume group \"%s\": all match the TOC, generation %" PRIu64 "\n",
	       images, r->vg, gen);
	return 0;
}

const struct cmd_def cmd_oppck_def = {
	.name = "oppck",
	.summary = "Check OPP images against the TOC",
	.usage = "VG",
	.about =
"Check the OPP repository of the install volume group VG: the TOC\n"
"against the generation and SHA-256 the VG metadata records (a stale or\n"
"torn TOC), and every image against its TOC entry, by reading and hashing\n"
"all of it (never by size or time: a file whose contents changed under\n"
"the same version is found) and by reading its metadata again. Files in\n"
"pool/ that the TOC does not list are reported too, and space that no\n"
"file uses: files an interrupted command left in staging, inodes in use\n"
"that no name reaches, blocks marked in use that no file holds (the last\n"
"two only when oppfs is not mounted). Writes nothing, unless --repair.\n",
	.exit_text = "0 all good (after --repair: all good but what it gave back),\n"
		     "3 bad command line, 5 problems found or failed.",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = { [CO_YES] = "repair without asking" },
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	/* --repair: the lock is exclusive from the check on. */
	.flags = OPPCMD_WRITER,
	.writes_with = "repair",
	.run = run,
};
