/* SPDX-License-Identifier: GPL-2.0-or-later */
/* scrub.c - compare raid1 legs, judge mismatches by files, repair (scrub.h). */
#include "scrub.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aio.h"
#include "dev.h"
#include "e2fs.h"
#include "fanout.h"
#include "lvio.h"

/* ---- reading every leg's region at once ---------------------------------- */

struct legs {
	struct ivg_ctx *ctx;
	struct ivg_vg *vg;
	const struct ivg_lv *lv;
	size_t n;
	uint64_t which;            /* legs read */
	struct ivg_lvio *io[IVG_MAX_LEGS];   /* each leg's image sub-LV */
	uint8_t *buf[IVG_MAX_LEGS];
	struct ivg_aio *aio;
};

static int legs_open(struct legs *l, uint64_t which, size_t len)
{
	const struct ivg_seg *seg = &l->lv->segs[0];
	int r = 0;

	l->n = seg->area_count;
	l->which = which;
	for (size_t k = 0; !r && k < l->n; k++) {
		if (!(which >> k & 1))
			continue;
		r = ivg_lvio_open(l->ctx, l->vg, seg->areas[k].name, -1, &l->io[k]);
		if (!r && posix_memalign((void **)&l->buf[k], IVG_DIO_ALIGN, len))
			r = ivg_err(l->ctx, ENOMEM, "out of memory");
	}
	l->aio = r ? NULL : ivg_aio_new(l->ctx);
	return r;
}

static void legs_close(struct legs *l)
{
	for (size_t k = 0; k < IVG_MAX_LEGS; k++) {
		ivg_lvio_close(l->io[k]);
		free(l->buf[k]);
	}
	ivg_aio_free(l->aio);
}

/* [off, off+len) of every leg into its buffer: one parallel round where
 * each leg's range is contiguous on its PV, else read by read. */
static int legs_read(struct legs *l, uint64_t off, size_t len)
{
	struct ivg_aio_req q[IVG_MAX_LEGS];
	size_t nq = 0;
	int r = 0;

	for (size_t k = 0; !r && k < l->n; k++) {
		struct ivg_dev *dev;
		uint64_t at;

		if (!(l->which >> k & 1))
			continue;
		if (ivg_lvio_map(l->ctx, l->io[k], off, len, &dev, &at))
			r = ivg_lvio_pread(l->ctx, l->io[k], l->buf[k], len, off);
		else
			q[nq++] = (struct ivg_aio_req){ dev, dev->base + at, len,
							l->buf[k], 0 };
	}
	if (!r && nq)
		r = ivg_aio_read(l->ctx, l->aio, q, nq);
	for (size_t i = 0; !r && i < nq; i++)
		if (q[i].result)
			r = ivg_err(l->ctx, -q[i].result, "%s: read at %llu failed: %s",
				    q[i].dev->path, (unsigned long long)q[i].off,
				    strerror(-q[i].result));
	return r ? ivg_err_prefix(l->ctx, r, "LV %s/%s: ", l->vg->name, l->lv->name)
		 : 0;
}

static int first_leg(uint64_t set)
{
	for (int k = 0; k < IVG_MAX_LEGS; k++)
		if (set >> k & 1)
			return k;
	return -1;
}

/* ---- compare ---------------------------------------------------------------- */

static int add_region(struct ivg_ctx *ctx, struct ivg_scrub *s, uint64_t off,
		      size_t len, uint64_t differ)
{
	struct ivg_scrub_region *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return ivg_err(ctx, ENOMEM, "out of memory");
	s->v = v;
	v[s->n++] = (struct ivg_scrub_region){ .off = off, .len = len,
					       .differ = differ };
	return 0;
}

int ivg_scrub_compare(struct ivg_ctx *ctx, struct ivg_vg *vg,
		      const struct ivg_lv *lv, struct ivg_scrub *out,
		      ivg_progress_fn progress, void *arg)
{
	struct legs l = { .ctx = ctx, .vg = vg, .lv = lv };
	uint64_t size, region;
	int first, r;

	memset(out, 0, sizeof(*out));
	out->lv = lv;
	r = ivg_rmeta_read(ctx, vg, lv, &out->rm);
	if (r)
		return r;
	for (size_t k = 0; k < out->rm.n; k++)
		if (out->rm.leg[k].in_sync)
			out->compared |= 1ULL << k;
	size = ivg_lv_extents(lv) * vg->extent_size * 512ULL;
	region = (lv->segs[0].region_size ? lv->segs[0].region_size : 4096) * 512ULL;
	first = first_leg(out->compared);
	/* Fewer than two legs to compare: nothing can mismatch. */
	if (first < 0 || !(out->compared & ~(1ULL << first)))
		return 0;
	r = legs_open(&l, out->compared, (size_t)region);
	for (uint64_t off = 0; !r && off < size; off += region) {
		size_t len = size - off < region ? (size_t)(size - off) : (size_t)region;
		uint64_t differ = 0;

		r = ivg_check_interrupt(ctx, lv->name);
		if (!r)
			r = legs_read(&l, off, len);
		for (size_t k = 0; !r && k < l.n; k++)
			if ((out->compared >> k & 1) &&
			    memcmp(l.buf[k], l.buf[first], len))
				differ |= 1ULL << k;
		if (!r && differ)
			r = add_region(ctx, out, off, len, differ);
		out->bytes = off + len;
		if (!r && progress)
			progress(arg, off + len, size);
	}
	legs_close(&l);
	return r;
}

/* ---- judge ------------------------------------------------------------------ */

struct extent_list {
	uint64_t *start, *len;     /* bytes of the LV */
	size_t n, cap;
};

static int ext_add(struct extent_list *e, uint64_t start, uint64_t len)
{
	if (e->n && e->start[e->n - 1] + e->len[e->n - 1] == start) {
		e->len[e->n - 1] += len;
		return 0;
	}
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 16;
		uint64_t *s = realloc(e->start, cap * sizeof(*s));

		if (s)
			e->start = s;
		uint64_t *l = s ? realloc(e->len, cap * sizeof(*l)) : NULL;

		if (!s || !l)
			return -ENOMEM;
		e->len = l;
		e->cap = cap;
	}
	e->start[e->n] = start;
	e->len[e->n++] = len;
	return 0;
}

struct block_walk {
	struct extent_list *e;
	unsigned bs;
	int err;
};

static int one_block(ext2_filsys fs, blk64_t *blk, e2_blkcnt_t n, blk64_t ref,
		     int off, void *priv)
{
	struct block_walk *w = priv;

	(void)fs; (void)n; (void)ref; (void)off;
	if (*blk && ext_add(w->e, *blk * w->bs, w->bs))
		w->err = -ENOMEM;
	return w->err ? BLOCK_ABORT : 0;
}

/* Where a file's blocks (data and index) lie in the LV. */
static int file_extents(ext2_filsys fs, const char *path, struct extent_list *e)
{
	struct block_walk w = { e, fs->blocksize, 0 };
	ext2_ino_t ino;

	if (ext2fs_namei(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &ino))
		return -ENOENT;
	if (ext2fs_block_iterate3(fs, ino, BLOCK_FLAG_READ_ONLY, NULL, one_block, &w))
		return w.err ? w.err : -EIO;
	return w.err;
}

static bool overlaps(const struct extent_list *e, uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->start[i] < off + len && off < e->start[i] + e->len[i])
			return true;
	return false;
}

struct judge {
	struct ivg_ctx *ctx;
	struct ivg_vg *vg;
	struct ivg_scrub *s;
	const struct ivg_scrub_file *files;
	size_t n;
	bool ext;
	struct ivg_lvio *io[IVG_MAX_LEGS];   /* the LV through leg k */
	ext2_filsys fs[IVG_MAX_LEGS];
	int8_t *ok;                /* [file * IVG_MAX_LEGS + leg]: -1 unknown */
};

static bool hash_done(EVP_MD_CTX *md, const struct ivg_scrub_file *f)
{
	uint8_t sha[32];
	unsigned int n = sizeof(sha);
	char hex[65];

	EVP_DigestFinal_ex(md, sha, &n);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", sha[i]);
	return !strcmp(hex, f->sha256);
}

/* Does leg k's copy of the file verify? Read through that leg alone. */
static bool verify_fs(struct judge *j, size_t k, const struct ivg_scrub_file *f)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ext2_file_t file = NULL;
	ext2_ino_t ino;
	char buf[64 << 10];
	uint64_t total = 0;
	bool ok = false;

	if (!md || !j->fs[k] ||
	    ext2fs_namei(j->fs[k], EXT2_ROOT_INO, EXT2_ROOT_INO, f->path, &ino) ||
	    ext2fs_file_open(j->fs[k], ino, 0, &file))
		goto out;
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (;;) {
		unsigned int got = 0;

		if (ext2fs_file_read(file, buf, sizeof(buf), &got))
			goto out;
		if (!got)
			break;
		EVP_DigestUpdate(md, buf, got);
		total += got;
	}
	ok = (f->size == UINT64_MAX || total == f->size) && hash_done(md, f);
out:
	if (file)
		ext2fs_file_close(file);
	EVP_MD_CTX_free(md);
	return ok;
}

/* The LV's own bytes [0, size) through leg k. */
static bool verify_raw(struct judge *j, size_t k, const struct ivg_scrub_file *f)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	enum { CHUNK = 1 << 20 };
	char *buf = malloc(CHUNK);
	bool ok = md && buf && f->size <= ivg_lvio_size(j->io[k]);

	if (ok)
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (uint64_t off = 0; ok && off < f->size; off += CHUNK) {
		size_t len = f->size - off < CHUNK ? (size_t)(f->size - off) : CHUNK;

		ok = !ivg_lvio_pread(j->ctx, j->io[k], buf, len, off);
		if (ok)
			EVP_DigestUpdate(md, buf, len);
	}
	ok = ok && hash_done(md, f);
	EVP_MD_CTX_free(md);
	free(buf);
	return ok;
}

static bool verified(struct judge *j, size_t i, size_t k)
{
	int8_t *v = &j->ok[i * IVG_MAX_LEGS + k];

	if (*v < 0)
		*v = j->files[i].path ? verify_fs(j, k, &j->files[i])
				      : verify_raw(j, k, &j->files[i]);
	return *v;
}

static void name_file(struct ivg_scrub_region *g, const struct ivg_scrub_file *f)
{
	size_t used = strlen(g->files);

	snprintf(g->files + used, sizeof(g->files) - used, "%s%s",
		 used ? ", " : "", f->path ? f->path : "the image");
}

static int judge_regions(struct judge *j, const struct extent_list *where)
{
	struct ivg_scrub *s = j->s;

	for (size_t r = 0; r < s->n; r++) {
		struct ivg_scrub_region *g = &s->v[r];

		g->good = s->compared;
		for (size_t i = 0; i < j->n; i++) {
			if (!overlaps(&where[i], g->off, g->len))
				continue;
			g->by_files = true;
			name_file(g, &j->files[i]);
			for (size_t k = 0; k < s->rm.n; k++)
				if ((g->good >> k & 1) && !verified(j, i, k))
					g->good &= ~(1ULL << k);
		}
		/* Nothing known lies there: the first leg's bytes stand. */
		if (!g->by_files)
			g->good = 1ULL << first_leg(s->compared);
	}
	return 0;
}

static int judge_open(struct judge *j)
{
	struct ivg_scrub *s = j->s;
	int r = 0;

	j->ok = malloc(j->n * IVG_MAX_LEGS + 1);
	if (!j->ok)
		return ivg_err(j->ctx, ENOMEM, "out of memory");
	memset(j->ok, -1, j->n * IVG_MAX_LEGS + 1);
	for (size_t k = 0; !r && k < s->rm.n; k++) {
		if (!(s->compared >> k & 1))
			continue;
		r = ivg_lvio_open(j->ctx, j->vg, s->lv->name, (int)k, &j->io[k]);
		/* A leg whose filesystem does not open verifies nothing. */
		if (!r && j->ext && ivg_e2fs_open(j->ctx, j->io[k], 0, &j->fs[k]))
			j->fs[k] = NULL;
	}
	return r;
}

static void judge_close(struct judge *j)
{
	for (size_t k = 0; k < IVG_MAX_LEGS; k++) {
		if (j->fs[k])
			ext2fs_close_free(&j->fs[k]);
		ivg_lvio_close(j->io[k]);
	}
	free(j->ok);
}

int ivg_scrub_judge(struct ivg_ctx *ctx, struct ivg_vg *vg,
		    struct ivg_scrub *s, const struct ivg_scrub_file *files,
		    size_t n, bool ext)
{
	struct judge j = { .ctx = ctx, .vg = vg, .s = s, .files = files,
			   .n = n, .ext = ext };
	struct extent_list *where;
	int first = first_leg(s->compared), r;
	ext2_filsys map = NULL;

	if (!s->n)
		return 0;
	where = calloc(n + 1, sizeof(*where));
	if (!where)
		return ivg_err(ctx, ENOMEM, "out of memory");
	r = judge_open(&j);
	/* Where each file lies, as the first leg's filesystem (or, when it
	 * does not open, the first that does) maps it. */
	for (size_t k = first; !map && k < s->rm.n; k++)
		map = j.fs[k];
	for (size_t i = 0; !r && i < n; i++) {
		if (!files[i].path)
			r = ext_add(&where[i], 0, files[i].size) ? -ENOMEM : 0;
		else if (map && file_extents(map, files[i].path, &where[i]) == -ENOMEM)
			r = -ENOMEM;
	}
	if (r == -ENOMEM)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	if (!r)
		r = judge_regions(&j, where);
	judge_close(&j);
	for (size_t i = 0; i < n; i++) {
		free(where[i].start);
		free(where[i].len);
	}
	free(where);
	return r;
}

uint64_t ivg_scrub_bad_legs(const struct ivg_scrub *s)
{
	uint64_t bad = 0;

	/* Only a file's verdict makes a leg bad; elsewhere legs only differ. */
	for (size_t r = 0; r < s->n; r++)
		if (s->v[r].by_files && s->v[r].good)
			bad |= s->compared & ~s->v[r].good;
	return bad;
}

/* ---- repair ----------------------------------------------------------------- */

/* The legs a region is copied onto: every compared leg but its source. */
static uint64_t targets(const struct ivg_scrub *s, const struct ivg_scrub_region *g)
{
	return g->good ? s->compared & ~(1ULL << first_leg(g->good)) : 0;
}

static int copy_region(struct legs *l, struct ivg_fanout *fan,
		       const struct ivg_scrub *s, const struct ivg_scrub_region *g)
{
	struct ivg_fanout_req q[IVG_MAX_LEGS];
	int src = first_leg(g->good);
	size_t nq = 0;
	int r = legs_read(l, g->off, (size_t)g->len);

	for (size_t k = 0; !r && k < l->n; k++) {
		struct ivg_dev *dev;
		uint64_t at;

		if (!(targets(s, g) >> k & 1) ||
		    !memcmp(l->buf[k], l->buf[src], (size_t)g->len))
			continue;
		r = ivg_lvio_map(l->ctx, l->io[k], g->off, g->len, &dev, &at);
		if (r == -ERANGE)
			r = ivg_lvio_pwrite(l->ctx, l->io[k], l->buf[src], (size_t)g->len,
					    g->off);
		else if (!r)
			q[nq++] = (struct ivg_fanout_req){ dev, at, (size_t)g->len,
							   l->buf[src] };
	}
	return r ? r : ivg_fanout_write(l->ctx, fan, q, nq);
}

static int sync_pvs(struct ivg_ctx *ctx, struct ivg_vg *vg, struct ivg_fanout *fan)
{
	struct ivg_dev **devs = calloc(vg->pv_count + 1, sizeof(*devs));
	size_t n = 0;
	int r;

	if (!devs)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < vg->pv_count; i++)
		if (vg->pvs[i]->dev && vg->pvs[i]->dev->rdwr)
			devs[n++] = vg->pvs[i]->dev;
	r = ivg_fanout_sync(ctx, fan, devs, n);
	free(devs);
	return r;
}

int ivg_scrub_repair(struct ivg_ctx *ctx, struct ivg_vg *vg,
		     struct ivg_scrub *s)
{
	struct legs l = { .ctx = ctx, .vg = vg, .lv = s->lv };
	uint64_t mark = 0, region = 0;
	struct ivg_fanout *fan = NULL;
	int authority = ivg_rmeta_authority(&s->rm), r;
	bool rebuild;

	for (size_t i = 0; i < s->n; i++) {
		mark |= targets(s, &s->v[i]);
		if (s->v[i].len > region)
			region = s->v[i].len;
	}
	if (!mark)
		return 0;
	/* dm-raid would resync a new array from leg 0 (rmeta.h). */
	rebuild = authority >= 0 && (mark >> authority & 1) && !s->rm.dmraid;
	r = rebuild ? ivg_rmeta_set_rebuild(ctx, vg, s->lv, 1ULL << authority, true) : 0;
	if (!r)
		r = ivg_rmeta_mark(ctx, vg, &s->rm, mark);
	if (!r)
		r = legs_open(&l, s->compared, (size_t)region);
	fan = r ? NULL : ivg_fanout_new(ctx);
	for (size_t i = 0; !r && i < s->n; i++)
		if (s->v[i].good)
			r = copy_region(&l, fan, s, &s->v[i]);
	if (!r)
		r = sync_pvs(ctx, vg, fan);
	if (!r)
		r = ivg_rmeta_clear(ctx, vg, &s->rm, mark);
	if (!r && rebuild)
		r = ivg_rmeta_set_rebuild(ctx, vg, s->lv, 1ULL << authority, false);
	ivg_fanout_free(fan);
	legs_close(&l);
	return r;
}

void ivg_scrub_free(struct ivg_scrub *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
