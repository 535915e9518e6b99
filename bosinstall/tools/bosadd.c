/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosadd.c - add a BOS image (tar archive or ext2/3/4 image) to an IVG. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "boscmd.h"

static const char help[] =
"Usage: bosadd [options] VG NAME IMAGE\n"
"\n"
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
"bosfs or the VG lacks the space, or when another host holds the VG.\n"
"\n"
"Options:\n"
"      --format tar|raw  the image's format (default: detected)\n"
"      --replace      replace the image of that name\n"
OPPCMD_HELP_COMMON
OPPCMD_HELP_EXIT;

enum { OPT_REPLACE = OPT_FIRST_COMMAND_SPECIFIC, OPT_FORMAT };

static const struct option longopts[] = {
	{ "replace", no_argument, NULL, OPT_REPLACE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	OPPCMD_LONGOPTS_COMMON,
};

static void report(const struct bos_manifest *m, const char *vg)
{
	printf("  BOS \"%s\" added to volume group \"%s\": %s, %" PRIu64 " bytes, SHA-256 %s, kernel %s, in %s\n",
	       m->name, vg, bos_format_name(m->format), m->size, m->sha256,
	       *m->kernel ? m->kernel : "(none found)", m->data);
}

static int add(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
	       const char *name, const char *file, enum bos_format fmt,
	       bool replace)
{
	struct bos_add_opts ao = { .replace = replace };
	struct bos_image img;
	struct bos_manifest m;
	struct boscmd c = { 0 };
	int r = bos_image_probe(ctx, file, fmt, &img);

	if (!r) {
		ivg_info(ctx, "%s: %s image, %" PRIu64 " bytes, kernel %s", file,
			 bos_format_name(img.format), img.size,
			 *img.kernel ? img.kernel : "(none found)");
		r = boscmd_open(ctx, o, vg, true, &c);
	}
	if (!r)
		r = bos_store_add_check(ctx, c.store, name, &img, &ao);
	if (!r)
		r = boscmd_begin_write(ctx, &c);
	if (!r && isatty(1) && !o->verbose) {
		ao.progress = boscmd_bar;
		ao.progress_arg = &c;
	}
	if (!r)
		r = bos_store_add(ctx, c.store, name, &img, &ao, &m);
	if (!r)
		r = boscmd_finish(ctx, &c);
	if (!r)
		report(&m, vg);
	boscmd_close(&c, r != 0);
	bos_image_free(&img);
	return r;
}

struct add_opts {
	enum bos_format fmt;
	bool replace;
};

static int own_option(struct ivg_ctx *ctx, int c, const char *arg, void *data)
{
	struct add_opts *a = data;

	if (c == OPT_REPLACE) {
		a->replace = true;
		return 1;
	}
	if (c != OPT_FORMAT)
		return 0;
	if (!bos_format_parse(ctx, arg, &a->fmt))
		return 1;
	usage_error("bosadd", "--format: %s", ivg_errmsg(ctx));
	return -1;
}

int cmd_bosadd(struct ivg_ctx *ctx, int argc, char **argv)
{
	struct add_opts a = { .fmt = BOS_FMT_AUTO };
	const struct oppcmd_line line = {
		"bosadd", help, "a VG name, a BOS NAME and an IMAGE are needed",
		longopts, 2, 2, own_option, &a,
	};
	struct opts o = { 0 };
	const char *vg;
	char **rest;
	size_t n;
	int rc = oppcmd_parse(ctx, &o, argc, argv, &line, &vg, &rest, &n);

	if (!rc && bos_name_check(ctx, rest[0]))
		rc = usage_error("bosadd", "%s", ivg_errmsg(ctx));
	if (!rc && add(ctx, &o, vg, rest[0], rest[1], a.fmt, a.replace))
		rc = fail(ctx);
	opts_free(&o);
	return rc;
}
