/* SPDX-License-Identifier: GPL-2.0-or-later */
/* restore.c - a BOS image restored into a target root LV (restore.h). */
#include "restore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boskernel.h"
#include "e2cache.h"
#include "e2fs.h"
#include "src.h"
#include "untar.h"

enum { CHUNK = 4 << 20 };

/* The digest streamed against the manifest's. */
static int check_sha(struct ivg_ctx *ctx, struct ivg_vg *ivg,
		     const struct bos_manifest *m, struct opp_src *src,
		     struct bos_restore_report *rep)
{
	int r = opp_src_finish(ctx, src, rep->sha256);

	if (r)
		return r;
	if (strcmp(rep->sha256, m->sha256) || src->size != m->size)
		return ivg_err(ctx, EBADMSG, "BOS \"%s\" of volume group \"%s\" is damaged: its manifest records SHA-256 %s (%llu bytes), the image read has %s (%llu bytes); what was restored is not to be trusted",
			       m->name, ivg->name, m->sha256, (unsigned long long)m->size,
			       rep->sha256, (unsigned long long)src->size);
	return 0;
}

/* An archive that reads badly: is the image itself damaged? Said so
 * first when it is (only for read errors: a refusal is not drained). */
static int damaged_or(struct ivg_ctx *ctx, struct ivg_vg *ivg,
		      const struct bos_manifest *m, struct opp_src *src,
		      struct bos_restore_report *rep, int r)
{
	struct ivg_ctx scratch;
	char first[IVG_ERRMSG_MAX];

	ivg_ctx_init(&scratch);
	snprintf(first, sizeof(first), "%s", ivg_errmsg(ctx));
	if (check_sha(&scratch, ivg, m, src, rep) == -EBADMSG)
		return ivg_err(ctx, EBADMSG, "%s (%s)", ivg_errmsg(&scratch), first);
	return r;
}

static int restore_raw(struct ivg_ctx *ctx, struct ivg_vg *ivg,
		       const struct bos_manifest *m, struct opp_src *src,
		       struct ivg_lvio *target, const struct bos_restore_opts *o,
		       struct bos_restore_report *rep)
{
	char *buf = malloc(CHUNK);
	size_t got = CHUNK;
	ext2_filsys fs;
	int r = buf ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	while (!r && got == CHUNK) {
		r = opp_src_read(ctx, src, buf, CHUNK, &got);
		if (!r && got)
			r = ivg_lvio_pwrite(ctx, target, buf, got, rep->bytes);
		rep->bytes += r ? 0 : got;
		if (o->progress)
			o->progress(o->progress_arg, rep->bytes, m->size);
	}
	free(buf);
	if (!r)
		r = check_sha(ctx, ivg, m, src, rep);
	if (!r)
		r = ivg_lvio_sync(ctx, target);
	if (r || (r = ivg_e2fs_open(ctx, target, 0, &fs)))
		return r;
	rep->files = fs->super->s_inodes_count - fs->super->s_free_inodes_count;
	bos_kernel_in_fs(fs, rep->kernel, sizeof(rep->kernel));
	return ivg_e2fs_close(ctx, fs, "cannot close the restored filesystem");
}

static int restore_tar(struct ivg_ctx *ctx, struct ivg_vg *ivg,
		       const struct bos_manifest *m, struct opp_src *src,
		       struct ivg_lvio *target, const struct bos_restore_opts *o,
		       struct bos_restore_report *rep)
{
	struct bos_untar_opts uo = { .policy = &bos_policy_bos, .progress = o->progress,
				     .progress_arg = o->progress_arg, .total = m->size };
	struct bos_untar_stats us;
	char what[256];
	ext2_filsys fs;
	int r, c;

	snprintf(what, sizeof(what), "BOS \"%s\" of volume group \"%s\"", m->name, ivg->name);
	if ((r = ivg_mkfs(ctx, target, IVG_FS_EXT4, o->label ? o->label : "rootfs")) ||
	    (r = ivg_e2fs_open(ctx, target, EXT2_FLAG_RW, &fs)))
		return r;
	/* A fresh filesystem: its writes need no order until the close. */
	if (bos_e2cache_wrap(fs)) {
		ext2fs_close_free(&fs);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	r = bos_untar(ctx, fs, src, what, &uo, &us);
	c = ivg_e2fs_close(ctx, fs, "cannot close the restored filesystem");
	if (r == -EIO)
		r = damaged_or(ctx, ivg, m, src, rep, r);
	if (!r)
		r = c;
	if (!r)
		r = check_sha(ctx, ivg, m, src, rep);
	if (!r)
		r = ivg_lvio_sync(ctx, target);
	rep->files = us.entries;
	rep->bytes = us.bytes;
	snprintf(rep->kernel, sizeof(rep->kernel), "%s", us.kernel);
	return r;
}

int bos_restore_from(struct ivg_ctx *ctx, struct bos_store *st,
		     const char *name, struct ivg_lvio *target,
		     const struct bos_restore_opts *o,
		     struct bos_restore_report *rep)
{
	struct bos_restore_opts dflt = { 0 };
	struct bos_reader *rd = NULL;
	struct opp_src src = { 0 };
	struct ivg_vg *ivg;
	int r;

	*rep = (struct bos_restore_report){ 0 };
	if (!o)
		o = &dflt;
	if ((r = bos_store_get(ctx, st, name, &rep->bos)))
		return r;
	ivg = bos_store_vg(st);
	if (rep->bos.format == BOS_FMT_RAW && ivg_lvio_size(target) < rep->bos.size)
		return ivg_err(ctx, ENOSPC, "BOS \"%s\" (a %llu-byte filesystem image) does not fit in %s (%llu bytes)",
			       name, (unsigned long long)rep->bos.size, ivg_lvio_name(target),
			       (unsigned long long)ivg_lvio_size(target));
	if ((r = bos_store_reader_open(ctx, st, &rep->bos, &rd)) ||
	    (r = opp_src_init(ctx, &src, bos_store_reader_read, rd, name)))
		goto out;
	ivg_info(ctx, "Restoring BOS \"%s\" (%s, %llu bytes) into %s", name,
		 bos_format_name(rep->bos.format), (unsigned long long)rep->bos.size,
		 ivg_lvio_name(target));
	r = rep->bos.format == BOS_FMT_RAW ?
		restore_raw(ctx, ivg, &rep->bos, &src, target, o, rep) :
		restore_tar(ctx, ivg, &rep->bos, &src, target, o, rep);
out:
	opp_src_free(&src);
	bos_store_reader_close(rd);
	return r;
}

int bos_restore(struct ivg_ctx *ctx, struct ivg_vg *ivg, const char *name,
		struct ivg_lvio *target, const struct bos_restore_opts *o,
		struct bos_restore_report *rep)
{
	struct bos_store *st;
	int r = bos_store_open(ctx, ivg, false, &st);

	if (r)
		return r;
	r = bos_restore_from(ctx, st, name, target, o, rep);
	if (r) {
		struct ivg_ctx scratch;

		ivg_ctx_init(&scratch);
		bos_store_close(&scratch, st);
		return r;
	}
	return bos_store_close(ctx, st);
}
