/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosstore.c - an IVG's BOS images: list, add, remove (bosstore.h). */
#include "bosstore.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "imagelv.h"
#include "ivgvg.h"
#include "lvio.h"
#include "oppfs.h"
#include "src.h"
#include "vgio.h"

enum { CHUNK = 4 << 20, MANIFEST_MAX = 64 << 10, ID_LEN = 8 };

struct bos_store {
	struct ivg_vg *vg;
	struct opp_fs *fs;
	bool rw;
};

int bos_store_open(struct ivg_ctx *ctx, struct ivg_vg *vg, bool rw,
		   struct bos_store **out)
{
	struct bos_store *st = calloc(1, sizeof(*st));
	int r;

	*out = NULL;
	if (!st)
		return ivg_err(ctx, ENOMEM, "out of memory");
	st->vg = vg;
	st->rw = rw;
	if ((r = opp_fs_open_lv(ctx, vg, IVG_BOSFS, rw, &st->fs))) {
		free(st);
		return r;
	}
	*out = st;
	return 0;
}

int bos_store_reclaim(struct ivg_ctx *ctx, struct bos_store *st,
		      struct opp_fs_waste *w)
{
	return opp_fs_reclaim(ctx, st->fs, w);
}

int bos_store_survey(struct ivg_ctx *ctx, struct bos_store *st,
		     struct opp_fs_waste *w)
{
	return opp_fs_survey(ctx, st->fs, w);
}

int bos_store_repair(struct ivg_ctx *ctx, struct bos_store *st,
		     struct opp_fs_waste *w)
{
	return opp_fs_repair(ctx, st->fs, w);
}

int bos_store_close(struct ivg_ctx *ctx, struct bos_store *st)
{
	int r;

	if (!st)
		return 0;
	r = opp_fs_close(ctx, st->fs);
	free(st);
	return r;
}

struct opp_fs *bos_store_fs(const struct bos_store *st)
{
	return st->fs;
}

struct ivg_vg *bos_store_vg(const struct bos_store *st)
{
	return st->vg;
}

const char *bos_store_where(const struct bos_store *st)
{
	return opp_fs_where(st->fs);
}

static void manifest_path(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.json", BOS_MANIFEST_DIR, name);
}

int bos_store_get(struct ivg_ctx *ctx, struct bos_store *st,
		  const char *name, struct bos_manifest *m)
{
	char path[128], what[700], *text = NULL;
	size_t len;
	int r;

	if ((r = bos_name_check(ctx, name)))
		return r;
	manifest_path(name, path, sizeof(path));
	if (!opp_fs_exists(st->fs, path))
		return ivg_err(ctx, ENOENT, "BOS \"%s\" not found in volume group \"%s\"",
			       name, st->vg->name);
	if ((r = opp_fs_read(ctx, st->fs, path, MANIFEST_MAX, &text, &len)))
		return r;
	snprintf(what, sizeof(what), "%s: %s", bos_store_where(st), path);
	r = bos_manifest_parse(ctx, what, text, len, m);
	free(text);
	if (!r && strcmp(m->name, name))
		r = ivg_err(ctx, EINVAL, "%s: names BOS \"%s\", not \"%s\"", what,
			    m->name, name);
	return r;
}

/* ---- listing ------------------------------------------------------------ */

static int add_problem(struct bos_list *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int add_problem(struct bos_list *l, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ivg_strvec_vaddf(&l->problems, fmt, ap);
	va_end(ap);
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct bos_manifest *)a)->name,
		      ((const struct bos_manifest *)b)->name);
}

/* "NAME.json" -> NAME in out; false for anything else. */
static bool manifest_stem(const char *file, char *out, size_t len)
{
	size_t n = strlen(file);

	if (n <= 5 || n - 5 >= len || strcmp(file + n - 5, ".json") || file[0] == '.')
		return false;
	memcpy(out, file, n - 5);
	out[n - 5] = 0;
	return true;
}

static bool data_present(struct bos_store *st, const struct bos_manifest *m)
{
	if (m->format == BOS_FMT_RAW)
		return ivg_vg_lv(st->vg, m->data) != NULL;
	return opp_fs_exists(st->fs, m->data);
}

/* The manifests of manifests/, read one by one. */
static int read_manifests(struct ivg_ctx *ctx, struct bos_store *st,
			  struct bos_list *l, struct ivg_strvec *badnames,
			  struct ivg_strvec *strays)
{
	struct ivg_strvec files;
	char name[BOS_NAME_MAX + 16];
	int r = 0;

	if (!opp_fs_exists(st->fs, BOS_MANIFEST_DIR))
		return 0;
	if ((r = opp_fs_list(ctx, st->fs, BOS_MANIFEST_DIR, &files)))
		return r;
	l->v = calloc(files.n + 1, sizeof(*l->v));
	if (!l->v)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < files.n; i++) {
		struct ivg_ctx one;

		ivg_ctx_init(&one);
		if (!manifest_stem(files.v[i], name, sizeof(name))) {
			/* A temporary name left by a crash (mounted bosfs). */
			r = ivg_strvec_addf(strays, "%s/%s", BOS_MANIFEST_DIR,
					    files.v[i]);
			continue;
		}
		if (bos_store_get(&one, st, name, &l->v[l->n])) {
			l->bad++;
			r = add_problem(l, "%s", ivg_errmsg(&one));
			if (!r)
				r = ivg_strvec_add(badnames, name);
			continue;
		}
		if (!data_present(st, &l->v[l->n])) {
			l->missing++;
			r = add_problem(l, "BOS \"%s\": its data (%s %s) is missing",
					name, l->v[l->n].format == BOS_FMT_RAW ? "LV" : "file",
					l->v[l->n].data);
		}
		l->n++;
	}
	ivg_strvec_free(&files);
	if (r)
		return ivg_err(ctx, ENOMEM, "out of memory");
	qsort(l->v, l->n, sizeof(*l->v), by_name);
	return 0;
}

static bool named(const struct bos_list *l, const char *data)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].data, data))
			return true;
	return false;
}

/* Data of a manifest that could not be read is not an orphan. */
static bool of_bad(const struct ivg_strvec *bad, const char *file)
{
	for (size_t i = 0; i < bad->n; i++) {
		size_t len = strlen(bad->v[i]);

		if (!strncmp(file, bad->v[i], len) && file[len] == '.')
			return true;
	}
	return false;
}

static int find_orphans(struct bos_store *st, struct bos_list *l,
			const struct ivg_strvec *bad, struct ivg_strvec *files,
			struct ivg_strvec *lvs)
{
	struct ivg_ctx scratch;
	struct ivg_strvec names;
	char path[512];
	int r = 0;

	ivg_ctx_init(&scratch);
	if (opp_fs_exists(st->fs, BOS_IMAGE_DIR) &&
	    !opp_fs_list(&scratch, st->fs, BOS_IMAGE_DIR, &names)) {
		for (size_t i = 0; !r && i < names.n; i++) {
			snprintf(path, sizeof(path), "%s/%s", BOS_IMAGE_DIR, names.v[i]);
			if (!named(l, path) && !of_bad(bad, names.v[i]))
				r = ivg_strvec_add(files, path);
		}
		ivg_strvec_free(&names);
	}
	for (size_t i = 0; !r && i < st->vg->lv_count; i++) {
		const struct ivg_lv *lv = st->vg->lvs[i];

		if (ivg_strvec_has(&lv->tags, BOS_LV_TAG) && !named(l, lv->name) &&
		    !of_bad(bad, lv->name + strlen(BOS_LV_PREFIX)))
			r = ivg_strvec_add(lvs, lv->name);
	}
	return r;
}

static int list_all(struct ivg_ctx *ctx, struct bos_store *st,
		    struct bos_list *l, struct ivg_strvec *files,
		    struct ivg_strvec *lvs)
{
	struct ivg_strvec bad = { 0 };
	int r;

	*l = (struct bos_list){ 0 };
	r = read_manifests(ctx, st, l, &bad, files);
	if (!r && find_orphans(st, l, &bad, files, lvs))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < files->n; i++)
		r = add_problem(l, "%s: %s is named by no manifest (an orphan left by an interrupted command; the next bosadd or bosrm removes it)",
				bos_store_where(st), files->v[i]);
	for (size_t i = 0; !r && i < lvs->n; i++)
		r = add_problem(l, "LV %s/%s is named by no manifest (an orphan left by an interrupted command; the next bosadd or bosrm removes it)",
				st->vg->name, lvs->v[i]);
	l->orphans += files->n + lvs->n;
	ivg_strvec_free(&bad);
	if (r) {
		bos_list_free(l);
		return r < 0 && r != -ENOMEM ? r : ivg_err(ctx, ENOMEM, "out of memory");
	}
	return 0;
}

int bos_store_list(struct ivg_ctx *ctx, struct bos_store *st,
		   struct bos_list *l)
{
	struct ivg_strvec files = { 0 }, lvs = { 0 };
	int r = list_all(ctx, st, l, &files, &lvs);

	ivg_strvec_free(&files);
	ivg_strvec_free(&lvs);
	return r;
}

void bos_list_free(struct bos_list *l)
{
	free(l->v);
	ivg_strvec_free(&l->problems);
	*l = (struct bos_list){ 0 };
}

/* ---- removing ----------------------------------------------------------- */

/* Drop LVs from the model and commit; on failure the model is restored
 * by the caller's reopen (the VG on disk is unchanged). */
static int remove_lvs(struct ivg_ctx *ctx, struct bos_store *st,
		      char *const *lvs, size_t n, bool *landed)
{
	bool any = false;

	if (landed)
		*landed = false;
	for (size_t i = 0; i < n; i++)
		if (ivg_lv_remove(st->vg, lvs[i]))
			return ivg_err(ctx, ENOENT, "LV %s/%s is gone", st->vg->name, lvs[i]);
	return n ? ivg_vg_commit_landed(ctx, st->vg, landed ? landed : &any) : 0;
}

int bos_store_cleanup(struct ivg_ctx *ctx, struct bos_store *st,
		      size_t *removed)
{
	struct bos_list l;
	struct ivg_strvec files = { 0 }, lvs = { 0 };
	int r = list_all(ctx, st, &l, &files, &lvs);

	if (!r)
		bos_list_free(&l);
	for (size_t i = 0; !r && i < files.n; i++) {
		ivg_info(ctx, "%s: removing the orphan %s", bos_store_where(st), files.v[i]);
		r = opp_fs_unlink(ctx, st->fs, files.v[i]);
	}
	if (!r && files.n)
		r = opp_fs_reclaim(ctx, st->fs, NULL);
	if (!r && lvs.n) {
		for (size_t i = 0; i < lvs.n; i++)
			ivg_info(ctx, "removing the orphan LV %s/%s", st->vg->name, lvs.v[i]);
		r = remove_lvs(ctx, st, lvs.v, lvs.n, NULL);
	}
	if (!r && removed)
		*removed = files.n + lvs.n;
	ivg_strvec_free(&files);
	ivg_strvec_free(&lvs);
	return r;
}

/* After a failure: the names changed since the last reclaim come back. */
static void put_back(struct bos_store *st)
{
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
	opp_fs_rollback(&scratch, st->fs);
}

int bos_store_remove_check(struct ivg_ctx *ctx, struct bos_store *st,
			   char *const *names, size_t n)
{
	struct bos_manifest m;
	bool raw = false;
	int r = 0;

	for (size_t i = 0; !r && i < n; i++) {
		r = bos_store_get(ctx, st, names[i], &m);
		raw |= !r && m.format == BOS_FMT_RAW && ivg_vg_lv(st->vg, m.data);
	}
	for (size_t i = 0; !r && i < n; i++)
		for (size_t j = 0; !r && j < i; j++)
			if (!strcmp(names[i], names[j]))
				r = ivg_err(ctx, EINVAL, "BOS \"%s\" is named twice", names[i]);
	/* Taking linear LVs out cannot break a VG that commits now. */
	if (!r && raw)
		r = ivg_vg_commit_check(ctx, st->vg);
	return r;
}

int bos_store_remove(struct ivg_ctx *ctx, struct bos_store *st,
		     char *const *names, size_t n)
{
	struct bos_manifest *m = calloc(n + 1, sizeof(*m));
	struct ivg_strvec lvs = { 0 };
	char path[128];
	bool landed = false;
	int r = m ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	if (!r)
		r = bos_store_remove_check(ctx, st, names, n);
	for (size_t i = 0; !r && i < n; i++)
		r = bos_store_get(ctx, st, names[i], &m[i]);
	/* Manifests first: a crash after this leaves orphans, never a
	 * manifest naming data that is half gone. */
	for (size_t i = 0; !r && i < n; i++) {
		manifest_path(m[i].name, path, sizeof(path));
		r = opp_fs_unlink(ctx, st->fs, path);
	}
	if (!r)
		r = opp_fs_sync(ctx, st->fs);
	for (size_t i = 0; !r && i < n; i++) {
		if (m[i].format == BOS_FMT_RAW) {
			if (ivg_vg_lv(st->vg, m[i].data) &&
			    ivg_strvec_add(&lvs, m[i].data))
				r = ivg_err(ctx, ENOMEM, "out of memory");
		} else if (opp_fs_exists(st->fs, m[i].data)) {
			r = opp_fs_unlink(ctx, st->fs, m[i].data);
		}
	}
	if (!r)
		r = opp_fs_sync(ctx, st->fs);
	if (!r)
		r = remove_lvs(ctx, st, lvs.v, lvs.n, &landed);
	/* The removed files are in staging: freed now; or, when the LVs'
	 * commit did not land, named again. */
	if (!r)
		r = opp_fs_reclaim(ctx, st->fs, NULL);
	else if (!landed)
		put_back(st);
	ivg_strvec_free(&lvs);
	free(m);
	return r;
}

/* ---- adding ------------------------------------------------------------- */

static void lv_name_for(const char *name, const char *id, char *out, size_t len)
{
	snprintf(out, len, "%s%s_%s", BOS_LV_PREFIX, name, id);
}

static uint64_t extents_for(const struct ivg_vg *vg, uint64_t bytes)
{
	uint64_t ext = (uint64_t)vg->extent_size * 512;

	return (bytes + ext - 1) / ext;
}

/* The VG as the raw image's commit will write it, checked as that
 * commit checks it; the model is left as it was. */
static int check_with_lv(struct ivg_ctx *ctx, struct bos_store *st,
			 const char *name, uint64_t extents)
{
	struct ivg_lv *lv;
	/* An image LV: raid1 with a leg on each image PV (imagelv.h). */
	int r = ivg_image_lv_plan(ctx, st->vg, name, extents, &lv);

	if (!r) {
		r = ivg_strvec_add_once(&lv->tags, BOS_LV_TAG) ?
			ivg_err(ctx, ENOMEM, "out of memory") :
			ivg_vg_commit_check(ctx, st->vg);
		ivg_lv_remove(st->vg, name);
	}
	return r;
}

int bos_store_add_check(struct ivg_ctx *ctx, struct bos_store *st,
			const char *name, const struct bos_image *img,
			const struct bos_add_opts *o)
{
	char path[128], lv[IVG_NAME_MAX + 1];
	struct ivg_freemap *fm;
	uint64_t need, have;
	int r;

	if ((r = bos_name_check(ctx, name)))
		return r;
	manifest_path(name, path, sizeof(path));
	if (!o->replace && opp_fs_exists(st->fs, path))
		return ivg_err(ctx, EEXIST, "BOS \"%s\" exists already in volume group \"%s\": use --replace to replace it",
			       name, st->vg->name);
	if (img->format == BOS_FMT_TAR) {
		need = img->size + (1 << 20);
		have = opp_fs_free_bytes(st->fs);
		if (need > have)
			return ivg_err(ctx, ENOSPC, "%s: %llu bytes do not fit in %s (%llu bytes free)",
				       img->path, (unsigned long long)img->size,
				       bos_store_where(st), (unsigned long long)have);
		return 0;
	}
	lv_name_for(name, "XXXXXXXX", lv, sizeof(lv));
	if (strlen(st->vg->name) + strlen(lv) > 124)
		return ivg_err(ctx, EINVAL, "BOS name \"%s\" is too long for volume group \"%s\": its LV %s would make VG and LV names longer than 124 bytes",
			       name, st->vg->name, lv);
	if ((r = ivg_freemap_build(ctx, st->vg, &fm)))
		return r;
	need = extents_for(st->vg, img->size);
	have = ivg_freemap_total_free(fm);
	ivg_freemap_free(fm);
	if (need > have)
		return ivg_err(ctx, ENOSPC, "%s: %llu bytes do not fit in volume group \"%s\": %llu extents needed, %llu free",
			       img->path, (unsigned long long)img->size, st->vg->name,
			       (unsigned long long)need, (unsigned long long)have);
	return check_with_lv(ctx, st, lv, need);
}

/* The host file as a stream, with progress. */
struct feed {
	int fd;
	const struct bos_add_opts *o;
	uint64_t done, total;
	const char *path;
};

static int feed_read(struct ivg_ctx *ctx, void *arg, void *buf, size_t len,
		     size_t *got)
{
	struct feed *f = arg;
	ssize_t n;

	do
		n = read(f->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ivg_err(ctx, errno, "%s: %s", f->path, strerror(errno));
	*got = (size_t)n;
	f->done += (uint64_t)n;
	if (f->o->progress)
		f->o->progress(f->o->progress_arg, f->done, f->total);
	return 0;
}

static int changed(struct ivg_ctx *ctx, const struct bos_image *img,
		   const char *sha)
{
	return ivg_err(ctx, EAGAIN, "%s: the file changed while it was added (SHA-256 %s when checked, %s when copied): nothing added",
		       img->path, img->sha256, sha);
}

static int add_tar(struct ivg_ctx *ctx, struct bos_store *st,
		   struct bos_image *img, struct opp_src *src,
		   struct bos_manifest *m)
{
	struct opp_staged *sd = NULL;
	int r = opp_fs_stage(ctx, st->fs, m->data, src, &sd);

	if (!r && strcmp(src->sha256, img->sha256))
		r = changed(ctx, img, src->sha256);
	/* Blocks and bitmaps on disk before the name (oppfs.h). */
	if (!r)
		r = opp_fs_sync(ctx, st->fs);
	if (!r)
		r = opp_fs_publish(ctx, st->fs, sd, m->data, false);
	if (r) {
		opp_fs_unstage(st->fs, sd);    /* its file stays in staging */
		return r;
	}
	return opp_fs_sync(ctx, st->fs);
}

/*
 * Two buffers: the next chunk is read (and hashed) while the legs write
 * the last one.
 */
static int copy_to_lv(struct ivg_ctx *ctx, struct ivg_lvio *io,
		      struct opp_src *src, uint64_t size)
{
	char *buf[2] = { malloc(CHUNK), malloc(CHUNK) };
	uint64_t off = 0;
	size_t got = CHUNK;
	int w, r = buf[0] && buf[1] ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	for (unsigned i = 0; !r && got == CHUNK && off < size; i ^= 1) {
		r = opp_src_read(ctx, src, buf[i], CHUNK, &got);
		if (!r && got)
			r = ivg_lvio_pwrite_nowait(ctx, io, buf[i], got, off);
		off += got;
	}
	/* Nothing may still be writing from the buffers. */
	w = ivg_lvio_wait(ctx, io);
	r = r ? r : w;
	free(buf[0]);
	free(buf[1]);
	if (!r && off != size)
		r = ivg_err(ctx, EAGAIN, "%s: the file changed size while it was added", src->what);
	return r;
}

/* The raw image's LV goes again (one commit). */
static void undo_raw(struct bos_store *st, const struct bos_manifest *m)
{
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
	if (!ivg_lv_remove(st->vg, m->data))
		ivg_vg_commit(&scratch, st->vg);
}

static int add_raw(struct ivg_ctx *ctx, struct bos_store *st,
		   struct bos_image *img, struct opp_src *src,
		   struct bos_manifest *m)
{
	struct ivg_lvio *io = NULL;
	struct ivg_lv *lv;
	char sha[IVG_SHA256_HEX];
	int r = ivg_image_lv_create(ctx, st->vg, m->data,
				    extents_for(st->vg, img->size), &lv);

	if (r)
		return r;
	if ((r = ivg_strvec_add_once(&lv->tags, BOS_LV_TAG)) ||
	    (r = ivg_vg_commit(ctx, st->vg))) {
		ivg_lv_remove(st->vg, m->data);
		return r ? r : ivg_err(ctx, ENOMEM, "out of memory");
	}
	r = ivg_lvio_open(ctx, st->vg, m->data, -1, &io);
	if (!r)
		r = copy_to_lv(ctx, io, src, img->size);
	if (!r)
		r = opp_src_finish(ctx, src, sha);
	if (!r)
		r = ivg_lvio_sync(ctx, io);
	ivg_lvio_close(io);
	if (r) {
		undo_raw(st, m);
		return r;
	}
	snprintf(img->sha256, sizeof(img->sha256), "%s", sha);
	return 0;
}

static void fill_manifest(const char *name, const struct bos_image *img,
			  struct bos_manifest *m)
{
	const char *base = strrchr(img->path, '/');
	char id[IVG_UUID_LEN + 1];

	*m = (struct bos_manifest){ .format = img->format, .size = img->size,
				    .added = (int64_t)time(NULL) };
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->kernel, sizeof(m->kernel), "%s", img->kernel);
	snprintf(m->source, sizeof(m->source), "%s", base ? base + 1 : img->path);
	snprintf(m->compression, sizeof(m->compression), "%s", img->compression);
	m->unpacked = img->unpacked;
	m->files = img->files;
	m->vmlinuz = img->format == BOS_FMT_TAR ? img->vmlinuz : -1;
	m->initrd = img->format == BOS_FMT_TAR ? img->initrd : -1;
	m->san_tools = img->format == BOS_FMT_TAR ? (int)img->san_tools : -1;
	if (ivg_uuid_generate(id))
		snprintf(id, sizeof(id), "%08lx", (unsigned long)time(NULL));
	id[ID_LEN] = 0;
	if (img->format == BOS_FMT_RAW)
		lv_name_for(name, id, m->data, sizeof(m->data));
	else
		snprintf(m->data, sizeof(m->data), "%s/%s.%s", BOS_IMAGE_DIR, name, id);
}

/* The old data of a replaced image goes after the new manifest. */
static int drop_old(struct ivg_ctx *ctx, struct bos_store *st,
		    const struct bos_manifest *old)
{
	char *lv = (char *)old->data;

	if (old->format == BOS_FMT_RAW)
		return ivg_vg_lv(st->vg, old->data) ? remove_lvs(ctx, st, &lv, 1, NULL) : 0;
	if (!opp_fs_exists(st->fs, old->data))
		return 0;
	return opp_fs_unlink(ctx, st->fs, old->data);
}

static int publish_manifest(struct ivg_ctx *ctx, struct bos_store *st,
			    const struct bos_manifest *m)
{
	char path[128], *text;
	size_t len;
	int r = bos_manifest_format(ctx, m, &text, &len);

	if (r)
		return r;
	manifest_path(m->name, path, sizeof(path));
	r = opp_fs_write_buf(ctx, st->fs, path, text, len, true);
	free(text);
	return r ? r : opp_fs_sync(ctx, st->fs);
}

int bos_store_add(struct ivg_ctx *ctx, struct bos_store *st,
		  const char *name, struct bos_image *img,
		  const struct bos_add_opts *o, struct bos_manifest *out)
{
	struct bos_manifest m, old;
	struct feed f = { img->fd, o, 0, img->size, img->path };
	struct opp_src src = { 0 };
	bool had_old;
	int r;

	if ((r = bos_store_add_check(ctx, st, name, img, o)))
		return r;
	had_old = o->replace && !bos_store_get(ctx, st, name, &old);
	if ((r = bos_store_cleanup(ctx, st, NULL)) ||
	    (r = opp_fs_mkdir(ctx, st->fs, BOS_MANIFEST_DIR)) ||
	    (r = opp_fs_mkdir(ctx, st->fs, BOS_IMAGE_DIR)))
		return r;
	fill_manifest(name, img, &m);
	if (lseek(img->fd, 0, SEEK_SET) < 0)
		return ivg_err(ctx, errno, "%s: %s", img->path, strerror(errno));
	if ((r = opp_src_init(ctx, &src, feed_read, &f, img->path)))
		return r;
	r = img->format == BOS_FMT_RAW ? add_raw(ctx, st, img, &src, &m) :
		add_tar(ctx, st, img, &src, &m);
	opp_src_free(&src);
	if (!r) {
		snprintf(m.sha256, sizeof(m.sha256), "%s", img->sha256);
		r = publish_manifest(ctx, st, &m);
		if (r && img->format == BOS_FMT_RAW)
			undo_raw(st, &m);
	}
	if (r) {
		/* A tar image's file (in staging, or named) goes again. */
		put_back(st);
		return r;
	}
	if (had_old && (r = drop_old(ctx, st, &old)))
		return ivg_err_prefix(ctx, r, "BOS \"%s\" is replaced, but its old data stays (the next bosadd or bosrm removes it): ", name);
	/* The replaced manifest and data are in staging: freed now. */
	if ((r = opp_fs_reclaim(ctx, st->fs, NULL)))
		return ivg_err_prefix(ctx, r, "BOS \"%s\" is added, but the space of what it replaced is not given back yet (the next bosadd or bosrm does): ", name);
	if (out)
		*out = m;
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

struct bos_reader {
	struct opp_file *f;        /* tar */
	struct ivg_lvio *io;       /* raw */
	uint64_t pos, size;
};

int bos_store_reader_open(struct ivg_ctx *ctx, struct bos_store *st,
			  const struct bos_manifest *m, struct bos_reader **out)
{
	struct bos_reader *rd = calloc(1, sizeof(*rd));
	uint64_t size = m->size;
	int r;

	if (!rd)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (m->format == BOS_FMT_RAW) {
		r = ivg_lvio_open(ctx, st->vg, m->data, -1, &rd->io);
		if (!r && ivg_lvio_size(rd->io) < m->size)
			r = ivg_err(ctx, EINVAL, "BOS \"%s\": its LV %s/%s is smaller than the image (%llu bytes)",
				    m->name, st->vg->name, m->data, (unsigned long long)m->size);
	} else {
		r = opp_fs_file_open(ctx, st->fs, m->data, &rd->f, &size);
	}
	if (r) {
		bos_store_reader_close(rd);
		return r;
	}
	rd->size = size;
	*out = rd;
	return 0;
}

int bos_store_reader_read(struct ivg_ctx *ctx, void *arg, void *buf,
			  size_t len, size_t *got)
{
	struct bos_reader *rd = arg;
	int r;

	if (rd->f)
		return opp_fs_file_read(ctx, rd->f, buf, len, got);
	if (len > rd->size - rd->pos)
		len = (size_t)(rd->size - rd->pos);
	if (len && (r = ivg_lvio_pread(ctx, rd->io, buf, len, rd->pos)))
		return r;
	rd->pos += len;
	*got = len;
	return 0;
}

void bos_store_reader_close(struct bos_reader *rd)
{
	if (!rd)
		return;
	opp_fs_file_close(rd->f);
	ivg_lvio_close(rd->io);
	free(rd);
}
