/* SPDX-License-Identifier: GPL-2.0-or-later */
/* imgck.c - every raid1 LV of an IVG checked leg by leg (imgck.h). */
#include "imgck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootimg.h"
#include "bosstore.h"
#include "e2fs.h"
#include "ivgvg.h"
#include "lvio.h"
#include "manifest.h"
#include "repo.h"
#include "resync.h"
#include "sha256.h"

const char *ivg_legs_text(uint64_t legs, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (int k = 0; k < IVG_MAX_LEGS && used < len; k++)
		if (legs >> k & 1)
			used += (size_t)snprintf(buf + used, len - used, "%s%d",
						 used ? " " : "", k);
	return buf;
}

/* ---- what the IVG vouches for, LV by LV --------------------------------- */

struct catalog {
	struct ivg_scrub_file *v;
	size_t n;
	char **paths;              /* owned */
	bool ext;
};

static int cat_add(struct ivg_ctx *ctx, struct catalog *c, const char *path,
		   uint64_t size, const char *sha)
{
	struct ivg_scrub_file *v = realloc(c->v, (c->n + 1) * sizeof(*v));
	char **p = v ? realloc(c->paths, (c->n + 1) * sizeof(*p)) : NULL;

	if (v)
		c->v = v;
	if (!p)
		return ivg_err(ctx, ENOMEM, "out of memory");
	c->paths = p;
	p[c->n] = path ? strdup(path) : NULL;
	if (path && !p[c->n])
		return ivg_err(ctx, ENOMEM, "out of memory");
	v[c->n] = (struct ivg_scrub_file){ .path = p[c->n], .size = size };
	snprintf(v[c->n].sha256, sizeof(v[c->n].sha256), "%s", sha);
	c->n++;
	return 0;
}

static void cat_free(struct catalog *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->paths[i]);
	free(c->paths);
	free(c->v);
}

/* bosfs: the tar images; a raw BOS LV: its image. */
static int cat_bos(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		   struct catalog *c)
{
	struct bos_store *st;
	struct bos_list l = { 0 };
	int r = bos_store_open(ctx, vg, false, &st);

	if (!r)
		r = bos_store_list(ctx, st, &l);
	for (size_t i = 0; !r && i < l.n; i++) {
		const struct bos_manifest *m = &l.v[i];

		if (m->format == BOS_FMT_TAR && !strcmp(lv, IVG_BOSFS))
			r = cat_add(ctx, c, m->data, m->size, m->sha256);
		else if (m->format == BOS_FMT_RAW && !strcmp(lv, m->data))
			r = cat_add(ctx, c, NULL, m->size, m->sha256);
	}
	bos_list_free(&l);
	bos_store_close(ctx, st);
	c->ext = !strcmp(lv, IVG_BOSFS);
	return r;
}

/* oppfs: every OPP with the TOC's digest, and the TOC with the VG's. */
static int cat_opp(struct ivg_ctx *ctx, struct ivg_vg *vg, struct catalog *c)
{
	struct opp_repo repo = { 0 };
	int r = opp_repo_open(ctx, vg, false, &repo);

	c->ext = true;
	if (!r && repo.toc_present && repo.consistent)
		r = cat_add(ctx, c, OPP_TOC_FILE, UINT64_MAX, repo.toc_sha256);
	for (size_t i = 0; !r && i < repo.toc.n; i++) {
		enum opp_format fmt;
		const char *sha, *file;
		uint64_t size;

		if (!opp_toc_entry_info(ctx, &repo.toc.e[i], &fmt, &size, &sha, &file))
			r = cat_add(ctx, c, file, size, sha);
	}
	opp_repo_close(ctx, &repo);
	opp_repo_free(&repo);
	return r;
}

/* bootlv: the files its manifest lists (sizes unknown). */
static int cat_boot(struct ivg_ctx *ctx, struct ivg_vg *vg, struct catalog *c)
{
	struct ivg_manifest m = { 0 };
	struct ivg_lvio *io = NULL;
	ext2_filsys fs = NULL;
	char *text = NULL, hex[IVG_SHA256_HEX];
	size_t len;
	int r = ivg_lvio_open(ctx, vg, IVG_BOOTLV, -1, &io);

	c->ext = true;
	if (!r)
		r = ivg_e2fs_open(ctx, io, 0, &fs);
	/* No boot image yet (no manifest): nothing to judge by. */
	if (!r && ivg_bootimg_read(ctx, fs, "bootlv", IVG_MANIFEST_NAME, 1 << 20,
				   &text, &len))
		goto out;
	if (!r)
		r = ivg_manifest_parse(ctx, "bootlv", text, len, &m);
	for (size_t i = 0; !r && i < m.n; i++) {
		ivg_sha256_to_hex(m.v[i].sha, hex);
		r = cat_add(ctx, c, m.v[i].name, UINT64_MAX, hex);
	}
out:
	ivg_manifest_free(&m);
	free(text);
	if (fs)
		ext2fs_close_free(&fs);
	ivg_lvio_close(io);
	return r;
}

static int catalog_of(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      const struct ivg_lv *lv, struct catalog *c)
{
	if (!strcmp(lv->name, IVG_BOOTLV))
		return cat_boot(ctx, vg, c);
	if (!strcmp(lv->name, IVG_OPPFS))
		return cat_opp(ctx, vg, c);
	if (!strcmp(lv->name, IVG_BOSFS) || ivg_strvec_has(&lv->tags, BOS_LV_TAG))
		return cat_bos(ctx, vg, lv->name, c);
	return 0;
}

/* ---- check ---------------------------------------------------------------- */

static void check_lv(struct ivg_ctx *ctx, struct ivg_vg *vg, struct ivg_imgck_lv *c,
		     ivg_progress_fn progress, void *arg)
{
	struct catalog cat = { 0 };
	struct ivg_scrub *s = &c->scrub;
	int r = ivg_scrub_compare(ctx, vg, c->lv, s, progress, arg);

	for (size_t k = 0; !r && k < s->rm.n; k++) {
		enum ivg_rmeta_kind kind = s->rm.leg[k].kind;

		if (kind == IVG_RMETA_MISSING)
			c->missing |= 1ULL << k;
		else if (!s->rm.leg[k].in_sync)
			c->stale |= 1ULL << k;
	}
	if (!r && s->n)
		r = catalog_of(ctx, vg, c->lv, &cat);
	if (!r && s->n)
		r = ivg_scrub_judge(ctx, vg, s, cat.v, cat.n, cat.ext);
	for (size_t i = 0; !r && i < s->n; i++)
		c->unresolved += !s->v[i].good;
	if (!r)
		c->bad = ivg_scrub_bad_legs(s);
	if (r)
		snprintf(c->err, sizeof(c->err), "%s", ivg_errmsg(ctx));
	cat_free(&cat);
}

int ivg_imgck_run(struct ivg_ctx *ctx, struct ivg_vg *vg, struct ivg_imgck *out,
		  ivg_progress_fn progress, void *arg)
{
	memset(out, 0, sizeof(*out));
	out->v = calloc(vg->lv_count + 1, sizeof(*out->v));
	if (!out->v)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < vg->lv_count; i++) {
		struct ivg_imgck_lv *c = &out->v[out->n];

		if (!ivg_lv_visible(vg->lvs[i]) || !ivg_lv_is_raid1(vg->lvs[i]))
			continue;
		c->lv = vg->lvs[i];
		out->n++;
		check_lv(ctx, vg, c, progress, arg);
		out->problems += !!c->err[0] + (size_t)__builtin_popcountll(c->stale) +
				 c->scrub.n;
	}
	return 0;
}

int ivg_imgck_repair(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     struct ivg_imgck *ck, ivg_progress_fn progress, void *arg)
{
	int r = 0;

	for (size_t i = 0; !r && i < ck->n; i++) {
		struct ivg_imgck_lv *c = &ck->v[i];

		if (c->err[0])
			continue;
		if (c->scrub.n)
			r = ivg_scrub_repair(ctx, vg, &c->scrub);
		if (!r && c->stale)
			r = ivg_raid1_resync(ctx, vg, c->lv, c->stale, progress, arg,
					     NULL);
		if (r)
			ivg_err_prefix(ctx, r, "LV %s/%s: ", vg->name, c->lv->name);
	}
	return r;
}

void ivg_imgck_free(struct ivg_imgck *ck)
{
	for (size_t i = 0; i < ck->n; i++)
		ivg_scrub_free(&ck->v[i].scrub);
	free(ck->v);
	ck->v = NULL;
	ck->n = 0;
}
