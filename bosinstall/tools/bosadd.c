/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosadd.c - add a BOS image (tar archive or ext2/3/4 image) to an IVG. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "boscmd.h"

enum { OPT_FORMAT, OPT_REPLACE };

static const struct cmd_opt opts[] = {
	[OPT_FORMAT] = { "format", 0, ARG_STRING, "tar|raw",
			 "the image's format (default: detected)" },
	[OPT_REPLACE] = { "replace", 0, ARG_NONE, NULL,
			  "replace the image of that name" },
};

/* The image, read and judged before the VG is touched. */
struct added {
	enum bos_format fmt;
	struct bos_image img;
	bool probed;
};

static void report(const struct bos_manifest *m, const char *vg)
{
	printf("  BOS \"%s\" added to volume group \"%s\": %s, %" PRIu64 " bytes, SHA-256 %s, kernel %s, in %s\n",
	       m->name, vg, bos_format_name(m->format), m->size, m->sha256,
	       *m->kernel ? m->kernel : "(none found)", m->data);
}

static int check(struct cmd_run *r)
{
	struct added *a = r->data;

	a->fmt = BOS_FMT_AUTO;
	if (cmd_given(r, OPT_FORMAT) &&
	    bos_format_parse(r->ctx, r->own[OPT_FORMAT].str, &a->fmt))
		return cmd_usage_error(r, "--format: %s", ivg_errmsg(r->ctx));
	if (bos_name_check(r->ctx, r->operands[1]))
		return cmd_usage_error(r, "%s", ivg_errmsg(r->ctx));
	return 0;
}

static int prepare(struct cmd_run *r)
{
	struct added *a = r->data;
	const char *file = r->operands[2];
	int e = bos_image_probe(r->ctx, file, a->fmt, &a->img);

	if (e)
		return e;
	a->probed = true;
	ivg_info(r->ctx, "%s: %s image, %" PRIu64 " bytes, kernel %s", file,
		 bos_format_name(a->img.format), a->img.size,
		 *a->img.kernel ? a->img.kernel : "(none found)");
	return 0;
}

static int run(struct cmd_run *r)
{
	struct added *a = r->data;
	const char *name = r->operands[1];
	struct bos_add_opts ao = { .replace = cmd_given(r, OPT_REPLACE) };
	struct bos_manifest m;
	struct boscmd c;
	int e = boscmd_open(r, &c);

	if (!e)
		e = bos_store_add_check(r->ctx, c.store, name, &a->img, &ao);
	if (!e)
		e = boscmd_begin_write(r, &c);
	ao.progress = c.bar.fn;
	ao.progress_arg = c.bar.arg;
	if (!e)
		e = bos_store_add(r->ctx, c.store, name, &a->img, &ao, &m);
	if (!e)
		e = boscmd_finish(r, &c);
	if (!e)
		report(&m, r->vg);
	return boscmd_close(&c, e);
}

static void cleanup(struct cmd_run *r)
{
	struct added *a = r->data;

	if (a->probed)
		bos_image_free(&a->img);
}

const struct cmd_def cmd_bosadd_def = {
	.name = "bosadd",
	.summary = "Add a BOS image to an install volume group",
	.usage = "VG NAME IMAGE",
	.about =
"Add a base operating system image to the install volume group VG as\n"
"NAME. IMAGE is a tar archive in any compression libarchive reads (kept as\n"
"a file in bosfs) or an ext2/3/4 filesystem image (kept in an LV of its\n"
"own, bos_NAME_ID). Its manifest records the name, format, size, SHA-256,\n"
"the kernel version inside, the date and where it is stored. The image is\n"
"read and judged first (every tar entry's path, the filesystem's\n"
"superblock), then copied and synced; the manifest names it only after\n"
"that, so an interrupted bosadd leaves the old image or the new one.\n"
"Nothing is written when NAME is not valid or exists already (unless\n"
"--replace), when IMAGE is neither format or holds hostile paths, when\n"
"bosfs or the VG lacks the space, or when another host holds the VG.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = { [CO_YES] = "accepted for LVM compatibility" },
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 3, .max_operands = 3,
	.operand_need = "a VG name, a BOS NAME and an IMAGE are needed",
	.flags = BOSCMD_WRITER | CMD_INTERRUPTIBLE,
	.check = check,
	.prepare = prepare,
	.run = run,
	.data_size = sizeof(struct added),
	.cleanup = cleanup,
};
