/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mda_tool - drive lvm/label.c and lvm/mda.c by hand, for interop tests
 * against stock lvm2 (tests/integration/mda_wrap_lvm2.sh).
 *
 *   mda_tool DEV hdr               label and every metadata area header
 *   mda_tool DEV dump [SLOT]       text of SLOT (default 0) of the first
 *                                  area, without its trailing NUL
 *   mda_tool DEV commit FILE...    each FILE in turn, into every area:
 *                                  precommit, sync, commit, sync
 *   mda_tool DEV precommit FILE    precommit only (slot 1), then sync
 *
 * commit and precommit print "mdaI offset O size S wrap W" per write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "dev.h"
#include "label.h"
#include "mda.h"

static int fail(struct ivg_ctx *ctx, int r)
{
	fprintf(stderr, "mda_tool: %s\n", ivg_errmsg(ctx));
	return r ? 1 : 0;
}

/* Whole file plus a NUL unless it already ends with one. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = (n + 4096 + 1) * 2);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got);
	fclose(f);
	if (!n || buf[n - 1] != '\0')
		buf[n++] = '\0';
	*len = n;
	return buf;
}

static void print_slot(const char *name, const struct ivg_raw_locn *s)
{
	printf(" %s=%llu,%llu,0x%08x,%u", name, (unsigned long long)s->offset,
	       (unsigned long long)s->size, s->checksum, s->flags);
}

static int cmd_hdr(struct ivg_ctx *ctx, struct ivg_dev *dev,
		   const struct ivg_label *l)
{
	printf("label sector=%llu uuid=%s dev_size=%llu pe_start=%llu ext=%u flags=%u mdas=%zu bas=%zu\n",
	       (unsigned long long)l->sector, l->pv_uuid,
	       (unsigned long long)l->dev_size,
	       (unsigned long long)l->data.offset, l->ext_version,
	       l->ext_flags, l->mda_count, l->ba_count);
	for (size_t i = 0; i < l->mda_count; i++) {
		struct ivg_mda_header h;
		int r = ivg_mda_read(ctx, dev, l->mda[i].offset,
				     l->mda[i].size, &h);

		if (r)
			return fail(ctx, r);
		printf("mda%zu start=%llu size=%llu", i,
		       (unsigned long long)h.start,
		       (unsigned long long)h.size);
		print_slot("slot0", &h.slot[0]);
		print_slot("slot1", &h.slot[1]);
		printf(" next=%llu\n",
		       (unsigned long long)ivg_mda_next_offset(&h));
	}
	return 0;
}

static int cmd_dump(struct ivg_ctx *ctx, struct ivg_dev *dev,
		    const struct ivg_label *l, int slot)
{
	struct ivg_mda_header h;
	char *text;
	size_t len;
	int r;

	if (!l->mda_count) {
		fprintf(stderr, "mda_tool: %s has no metadata area\n",
			dev->path);
		return 1;
	}
	r = ivg_mda_read(ctx, dev, l->mda[0].offset, l->mda[0].size, &h);
	if (!r)
		r = ivg_mda_read_text(ctx, dev, &h, slot, &text, &len);
	if (r)
		return fail(ctx, r);
	fwrite(text, 1, strlen(text), stdout);
	free(text);
	return 0;
}

/* Write one text into one area; commit unless precommit_only. */
static int write_one(struct ivg_ctx *ctx, struct ivg_dev *dev,
		     const struct ivg_disk_locn *a, size_t idx,
		     const char *text, size_t len, int precommit_only)
{
	struct ivg_mda_header h;
	const struct ivg_raw_locn *s = &h.slot[IVG_MDA_PRECOMMITTED];
	int r = ivg_mda_read(ctx, dev, a->offset, a->size, &h);

	if (!r)
		r = ivg_mda_write_precommit(ctx, dev, &h, text, len);
	if (!r)
		r = ivg_dev_sync(ctx, dev);
	if (r)
		return r;
	printf("mda%zu offset %llu size %llu wrap %llu\n", idx,
	       (unsigned long long)s->offset, (unsigned long long)s->size,
	       (unsigned long long)(s->offset + s->size > h.size ?
				    s->offset + s->size - h.size : 0));
	if (precommit_only)
		return 0;
	r = ivg_mda_commit(ctx, dev, &h);
	return r ? r : ivg_dev_sync(ctx, dev);
}

static int cmd_write(struct ivg_ctx *ctx, struct ivg_dev *dev,
		     const struct ivg_label *l, char **files, int nfiles,
		     int precommit_only)
{
	for (int f = 0; f < nfiles; f++) {
		size_t len;
		char *text = slurp(files[f], &len);

		if (!text) {
			fprintf(stderr, "mda_tool: cannot read %s: %s\n",
				files[f], strerror(errno));
			return 1;
		}
		for (size_t i = 0; i < l->mda_count; i++) {
			int r = write_one(ctx, dev, &l->mda[i], i, text, len,
					  precommit_only);

			if (r) {
				free(text);
				return fail(ctx, r);
			}
		}
		free(text);
	}
	return 0;
}

static int run(struct ivg_ctx *ctx, struct ivg_dev *dev, int argc,
	       char **argv)
{
	struct ivg_label l;
	const char *cmd = argv[2];
	int r = ivg_label_read(ctx, dev, &l);

	if (r)
		return fail(ctx, r);
	if (!strcmp(cmd, "hdr"))
		return cmd_hdr(ctx, dev, &l);
	if (!strcmp(cmd, "dump"))
		return cmd_dump(ctx, dev, &l, argc > 3 ? atoi(argv[3]) : 0);
	if (!strcmp(cmd, "commit") && argc > 3)
		return cmd_write(ctx, dev, &l, argv + 3, argc - 3, 0);
	if (!strcmp(cmd, "precommit") && argc == 4)
		return cmd_write(ctx, dev, &l, argv + 3, 1, 1);
	fprintf(stderr, "mda_tool: bad command (see the source)\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct ivg_ctx ctx;
	struct ivg_dev *dev;
	int r, writes;

	if (argc < 3) {
		fprintf(stderr, "usage: mda_tool DEV hdr|dump [SLOT]|commit FILE...|precommit FILE\n");
		return 2;
	}
	ivg_ctx_init(&ctx);
	writes = !strcmp(argv[2], "commit") || !strcmp(argv[2], "precommit");
	r = ivg_dev_open(&ctx, argv[1], writes ? IVG_DEV_RDWR : IVG_DEV_RDONLY,
			 &dev);
	if (r)
		return fail(&ctx, r);
	r = run(&ctx, dev, argc, argv);
	ivg_dev_close(dev);
	return r;
}
