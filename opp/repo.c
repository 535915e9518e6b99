/* SPDX-License-Identifier: GPL-2.0-or-later */
/* repo.c - the OPP repository: add, remove, rebuild, check, store. */
#include "repo.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "images.h"
#include "ivgvg.h"
#include "vgio.h"

enum { TOC_MAX = 256 << 20 };

/* The TOC text's digest, as the LV's tag holds it. */
static int toc_digest(struct ivg_ctx *ctx, const void *text, size_t len,
		      char hex[IVG_SHA256_HEX])
{
	return ivg_sha256_hex(text, len, hex) ? ivg_err(ctx, EIO, "SHA-256 failed") : 0;
}

static void set_problem(struct opp_repo *repo, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_problem(struct opp_repo *repo, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(repo->problem, sizeof(repo->problem), fmt, ap);
	va_end(ap);
	repo->consistent = false;
}

/* Compare the TOC read with the metadata's generation and digest. */
static void judge(struct opp_repo *repo)
{
	const struct opp_tocmeta *m = &repo->meta;

	repo->consistent = true;
	if (!m->present && repo->toc_present)
		set_problem(repo, "%s exists but the VG metadata records no TOC",
			    OPP_TOC_FILE);
	else if (m->present && !repo->toc_present)
		set_problem(repo, "%s is missing; the VG metadata records generation %" PRIu64,
			    OPP_TOC_FILE, m->gen);
	else if (m->present && strcmp(m->sha256, repo->toc_sha256))
		set_problem(repo, "%s does not match the VG metadata (stale or torn): its SHA-256 is %s, generation %" PRIu64 " committed %s",
			    OPP_TOC_FILE, repo->toc_sha256, m->gen, m->sha256);
}

int opp_repo_open(struct ivg_ctx *ctx, struct ivg_vg *vg, bool rw,
		  struct opp_repo *repo)
{
	char *text = NULL, what[600];
	size_t len = 0;
	int r;

	*repo = (struct opp_repo){ .vg = vg };
	repo->lv = ivg_vg_lv(vg, IVG_OPPFS);
	if (!repo->lv)
		return ivg_err(ctx, ENOENT, "Volume group \"%s\" has no %s LV",
			       vg->name, IVG_OPPFS);
	if ((r = opp_tocmeta_get(ctx, repo->lv, &repo->meta)))
		return ivg_err_prefix(ctx, r, "Volume group \"%s\": ", vg->name);
	if ((r = opp_fs_open(ctx, vg, rw, &repo->fs)))
		return r;
	if (opp_fs_exists(repo->fs, OPP_TOC_FILE)) {
		r = opp_fs_read(ctx, repo->fs, OPP_TOC_FILE, TOC_MAX, &text, &len);
		if (!r)
			r = toc_digest(ctx, text, len, repo->toc_sha256);
		if (r)
			goto fail;
		repo->toc_present = true;
	}
	judge(repo);
	snprintf(what, sizeof(what), "%s/%s", opp_fs_where(repo->fs), OPP_TOC_FILE);
	if (text && (r = opp_toc_parse(ctx, text, len, what, &repo->toc))) {
		if (repo->consistent)
			goto fail;
		/* Inconsistent anyway: report that, with an empty TOC. */
		repo->toc = (struct opp_toc){ 0 };
	}
	free(text);
	return 0;
fail:
	free(text);
	opp_fs_close(ctx, repo->fs);
	repo->fs = NULL;
	return r;
}

int opp_repo_require_consistent(struct ivg_ctx *ctx,
				const struct opp_repo *repo)
{
	if (repo->consistent)
		return 0;
	return ivg_err(ctx, ESTALE, "%s: %s (run opptoc --rebuild %s)",
		       opp_fs_where(repo->fs), repo->problem, repo->vg->name);
}

int opp_repo_close(struct ivg_ctx *ctx, struct opp_repo *repo)
{
	int r = opp_fs_close(ctx, repo->fs);

	repo->fs = NULL;
	return r;
}

void opp_repo_free(struct opp_repo *repo)
{
	struct ivg_ctx scratch;

	ivg_ctx_init(&scratch);
	opp_fs_close(&scratch, repo->fs);
	opp_toc_free(&repo->toc);
	ivg_strvec_free(&repo->doomed);
	ivg_buf_free(&repo->text);
	*repo = (struct opp_repo){ 0 };
}

static const char *nva(const struct opp_stanza *st, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s (%s)", opp_stanza_get(st, "Package"),
		 opp_stanza_get(st, "Version"), opp_stanza_get(st, "Architecture"));
	return buf;
}

static int by_file(const void *a, const void *b)
{
	const struct opp_pkg *const *x = a, *const *y = b;

	return strcmp(opp_stanza_get(&(*x)->st, "Filename"),
		      opp_stanza_get(&(*y)->st, "Filename"));
}

static int by_nva(const void *a, const void *b)
{
	const struct opp_pkg *const *x = a, *const *y = b;
	static const char *const keys[] = { "Package", "Version", "Architecture" };

	for (int k = 0; k < 3; k++) {
		int c = strcmp(opp_stanza_get(&(*x)->st, keys[k]),
			       opp_stanza_get(&(*y)->st, keys[k]));

		if (c)
			return c;
	}
	return 0;
}

/* The same package twice in one batch. */
static int batch_dups(struct ivg_ctx *ctx, struct opp_pkg *pkgs,
		      char *const *paths, size_t n)
{
	struct opp_pkg **v = malloc((n + 1) * sizeof(*v));
	char a[512];
	int r = 0;

	if (!v)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = &pkgs[i];
	qsort(v, n, sizeof(*v), by_file);
	for (size_t i = 1; !r && i < n; i++)
		if (!by_file(&v[i - 1], &v[i]))
			r = ivg_err(ctx, EINVAL, "%s and %s are the same package, %s",
				    paths[v[i - 1] - pkgs], paths[v[i] - pkgs],
				    nva(&v[i]->st, a, sizeof(a)));
	/* Same name, version, architecture in two formats: one TOC entry. */
	qsort(v, n, sizeof(*v), by_nva);
	for (size_t i = 1; !r && i < n; i++)
		if (!by_nva(&v[i - 1], &v[i]))
			r = ivg_err(ctx, EINVAL, "%s and %s are the same package, %s",
				    paths[v[i - 1] - pkgs], paths[v[i] - pkgs],
				    nva(&v[i]->st, a, sizeof(a)));
	free(v);
	return r;
}

/* Everything that can refuse the batch, before anything is written. */
static int precheck(struct ivg_ctx *ctx, struct opp_repo *repo,
		    struct opp_pkg *pkgs, char *const *paths, size_t n,
		    bool replace)
{
	uint64_t need = 1 << 20, have = opp_fs_free_bytes(repo->fs);
	char a[512], b[512];
	int r = batch_dups(ctx, pkgs, paths, n);

	for (size_t i = 0; !r && i < n; i++) {
		const struct opp_stanza *st = &pkgs[i].st;
		long at = opp_toc_find(&repo->toc, opp_stanza_get(st, "Package"),
				       opp_stanza_get(st, "Version"),
				       opp_stanza_get(st, "Architecture"));
		long f = opp_toc_find_file(&repo->toc, opp_stanza_get(st, "Filename"));

		if (at >= 0 && !replace) {
			const char *old = opp_stanza_get(&repo->toc.e[at], "SHA256");

			if (!strcmp(old, pkgs[i].sha256))
				return ivg_err(ctx, EEXIST, "%s: %s is already in %s (identical); use --replace to write it again",
					       paths[i], nva(st, a, sizeof(a)), repo->vg->name);
			return ivg_err(ctx, EEXIST, "%s: %s is already in %s with different contents under the same version (SHA256 %s there, %s here): give it a new version, or use --replace",
				       paths[i], nva(st, a, sizeof(a)), repo->vg->name,
				       old, pkgs[i].sha256);
		}
		if (f >= 0 && f != at)
			return ivg_err(ctx, EEXIST, "%s: %s would be stored as %s, which holds %s",
				       paths[i], nva(st, a, sizeof(a)),
				       opp_stanza_get(st, "Filename"),
				       nva(&repo->toc.e[f], b, sizeof(b)));
		/* Blocks, and room for the extent tree. */
		need += pkgs[i].size + pkgs[i].size / 256 + 8192;
	}
	if (r)
		return r;
	need += 2 * (repo->toc.n + n) * 1024;
	if (need > have)
		return ivg_err(ctx, ENOSPC, "%s: not enough space: %" PRIu64 " KiB free, the images and the TOC need about %" PRIu64 " KiB; nothing written",
			       opp_fs_where(repo->fs), have >> 10, need >> 10);
	return 0;
}

int opp_repo_add_check(struct ivg_ctx *ctx, struct opp_repo *repo,
		       struct opp_pkg *pkgs, char *const *paths, size_t n,
		       bool replace)
{
	int r = opp_repo_require_consistent(ctx, repo);

	if (!r && opp_fs_exists(repo->fs, OPP_POOL) &&
	    !opp_fs_is_dir(repo->fs, OPP_POOL))
		r = ivg_err(ctx, ENOTDIR, "%s: %s is not a directory (a symbolic link or a file put in its place): nothing written",
			    opp_fs_where(repo->fs), OPP_POOL);
	return r ? r : precheck(ctx, repo, pkgs, paths, n, replace);
}

static int desc(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x < y) - (x > y);
}

int opp_repo_add(struct ivg_ctx *ctx, struct opp_repo *repo,
		 struct opp_pkg *pkgs, char *const *paths, size_t n,
		 bool replace)
{
	long *old = calloc(n + 1, sizeof(*old));
	int r = old ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	if (!r)
		r = opp_repo_add_check(ctx, repo, pkgs, paths, n, replace);
	for (size_t i = 0; !r && i < n; i++) {
		const struct opp_stanza *e = &pkgs[i].st;
		const char *file = opp_stanza_get(e, "Filename");
		long at = opp_toc_find(&repo->toc, opp_stanza_get(e, "Package"),
				       opp_stanza_get(e, "Version"),
				       opp_stanza_get(e, "Architecture"));
		const char *of = at >= 0 ? opp_stanza_get(&repo->toc.e[at], "Filename") : NULL;

		old[i] = at;
		/* A replaced image stored under another name goes after the
		 * commit; one under the same name is replaced in place. */
		if (of && strcmp(of, file) &&
		    ivg_strvec_add(&repo->doomed, of))
			r = ivg_err(ctx, ENOMEM, "out of memory");
	}
	if (!r) {
		/* The TOC: replaced entries out (from the end), new ones in. */
		qsort(old, n, sizeof(*old), desc);
		for (size_t i = 0; i < n && old[i] >= 0; i++)
			opp_toc_remove(&repo->toc, (size_t)old[i]);
		for (size_t i = 0; !r && i < n; i++) {
			struct opp_stanza copy;

			if (opp_stanza_copy(&copy, &pkgs[i].st))
				r = ivg_err(ctx, ENOMEM, "out of memory");
			if (!r && (r = opp_toc_add(ctx, &repo->toc, &copy)))
				opp_stanza_free(&copy);
		}
	}
	if (!r) {
		repo->pending = pkgs;
		repo->pending_paths = paths;
		repo->n_pending = n;
		repo->changed = true;
	}
	free(old);
	return r;
}

/* "NAME" or "NAME=VERSION" matches entry e. */
static bool spec_matches(const char *spec, const struct opp_stanza *e)
{
	const char *eq = strchr(spec, '=');
	const char *name = opp_stanza_get(e, "Package");
	const char *ver = opp_stanza_get(e, "Version");
	size_t nl = eq ? (size_t)(eq - spec) : strlen(spec);

	return strlen(name) == nl && !strncmp(name, spec, nl) &&
	       (!eq || !strcmp(eq + 1, ver));
}

int opp_repo_remove(struct ivg_ctx *ctx, struct opp_repo *repo,
		    char *const *specs, size_t n)
{
	int r = opp_repo_require_consistent(ctx, repo);

	for (size_t k = 0; !r && k < n; k++) {
		bool any = false;

		for (size_t i = 0; i < repo->toc.n; i++)
			any |= spec_matches(specs[k], &repo->toc.e[i]);
		if (!any)
			r = ivg_err(ctx, ENOENT, "No OPP matches \"%s\" in volume group \"%s\"",
				    specs[k], repo->vg->name);
	}
	for (size_t i = repo->toc.n; !r && i-- > 0;) {
		bool hit = false;

		for (size_t k = 0; k < n; k++)
			hit |= spec_matches(specs[k], &repo->toc.e[i]);
		if (!hit)
			continue;
		{
			const char *f = opp_stanza_get(&repo->toc.e[i], "Filename");

			if (ivg_strvec_add(&repo->doomed, f))
				return ivg_err(ctx, ENOMEM, "out of memory");
		}
		opp_toc_remove(&repo->toc, i);
	}
	if (!r)
		repo->changed = true;
	return r;
}

static bool is_temp(const char *name)
{
	return !strncmp(name, ".opp-tmp-", 9);
}

/* The images in pool/ (temporary files left out), sorted, read. */
static int read_pool(struct ivg_ctx *ctx, struct opp_repo *repo,
		     struct opp_image **out, size_t *count,
		     struct ivg_strvec *names)
{
	struct opp_image *img;
	size_t k = 0;
	int r;

	*out = NULL;
	*count = 0;
	*names = (struct ivg_strvec){ 0 };
	if (!opp_fs_exists(repo->fs, OPP_POOL))
		return 0;
	if ((r = opp_fs_list(ctx, repo->fs, OPP_POOL, names)))
		return r;
	ivg_strvec_sort(names);
	img = calloc(names->n + 1, sizeof(*img));
	if (!img)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < names->n; i++) {
		char *full;

		if (is_temp(names->v[i]))
			continue;
		full = malloc(strlen(names->v[i]) + sizeof(OPP_POOL) + 1);
		if (!full) {
			for (size_t j = 0; j < k; j++)
				free((char *)img[j].file);
			free(img);
			return ivg_err(ctx, ENOMEM, "out of memory");
		}
		sprintf(full, "%s/%s", OPP_POOL, names->v[i]);
		img[k++].file = full;
	}
	*out = img;
	*count = k;
	return opp_images_read(ctx, repo->fs, img, k, 0);
}

static void images_free(struct opp_image *img, size_t n)
{
	for (size_t i = 0; img && i < n; i++) {
		free((char *)img[i].file);
		if (!img[i].r)
			opp_pkg_free(&img[i].pkg);
	}
	free(img);
}

int opp_repo_rebuild(struct ivg_ctx *ctx, struct opp_repo *repo,
		     size_t *skipped)
{
	struct opp_toc toc = { 0 };
	struct opp_image *img;
	struct ivg_ctx one;
	enum opp_format fmt;
	uint64_t size;
	const char *sha, *file;
	struct ivg_strvec names;
	size_t count;
	int r = read_pool(ctx, repo, &img, &count, &names);

	ivg_ctx_init(&one);
	*skipped = 0;
	for (size_t i = 0; !r && i < count; i++) {
		struct opp_pkg *p = &img[i].pkg;
		long at;

		if (img[i].r) {
			ivg_warn(ctx, "skipped %s: %s", img[i].file, img[i].err);
			(*skipped)++;
			continue;
		}
		at = opp_toc_find(&toc, opp_stanza_get(&p->st, "Package"),
				  opp_stanza_get(&p->st, "Version"),
				  opp_stanza_get(&p->st, "Architecture"));
		if (at >= 0) {
			ivg_warn(ctx, "skipped %s: the same package as %s", img[i].file,
				 opp_stanza_get(&toc.e[at], "Filename"));
			(*skipped)++;
			continue;
		}
		/* The entry names the file where it is; a name the TOC
		 * could not hold (a control byte) is left out. */
		if (opp_stanza_set(&p->st, "Filename", img[i].file))
			r = ivg_err(ctx, ENOMEM, "out of memory");
		if (!r && opp_toc_entry_info(&one, &p->st, &fmt, &size, &sha, &file)) {
			ivg_warn(ctx, "skipped %s: %s", img[i].file, ivg_errmsg(&one));
			(*skipped)++;
			continue;
		}
		if (!r)
			r = opp_toc_add(ctx, &toc, &p->st);
	}
	images_free(img, count);
	ivg_strvec_free(&names);
	if (r) {
		opp_toc_free(&toc);
		return r;
	}
	opp_toc_free(&repo->toc);
	repo->toc = toc;
	repo->consistent = true;   /* it is now what the images say */
	repo->changed = true;
	return 0;
}

int opp_repo_prepare(struct ivg_ctx *ctx, struct opp_repo *repo)
{
	struct opp_tocmeta m = repo->meta;
	struct ivg_ctx scratch;
	int r;

	ivg_buf_free(&repo->text);
	repo->text = (struct ivg_buf){ 0 };
	r = opp_toc_format(ctx, &repo->toc, &repo->text);
	if (!r)
		r = toc_digest(ctx, repo->text.p, repo->text.len, m.sha256);
	if (r)
		return r;
	m.present = true;
	m.gen = repo->meta.present ? repo->meta.gen + 1 : 1;
	if ((r = opp_tocmeta_set(ctx, repo->lv, &m)))
		return r;
	repo->tags_set = true;
	repo->new_meta = m;
	if (!(r = ivg_vg_commit_check(ctx, repo->vg)))
		return 0;
	ivg_ctx_init(&scratch);
	opp_tocmeta_set(&scratch, repo->lv, &repo->meta);
	repo->tags_set = false;
	return ivg_err_prefix(ctx, r, "Volume group \"%s\" would be refused, nothing written: ",
			      repo->vg->name);
}

int opp_repo_reclaim(struct ivg_ctx *ctx, struct opp_repo *repo,
		     struct opp_fs_waste *w)
{
	return opp_fs_reclaim(ctx, repo->fs, w);
}

/* Stage one host file; its digest must still be what was read. */
static int stage_one(struct ivg_ctx *ctx, struct opp_repo *repo,
		     const struct opp_pkg *p, const char *path,
		     struct opp_staged **st)
{
	struct opp_src src;
	char sha[IVG_SHA256_HEX];
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	*st = NULL;
	if (fd < 0)
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	r = opp_src_fd(ctx, &src, fd, path);
	if (!r)
		r = opp_fs_stage(ctx, repo->fs, opp_stanza_get(&p->st, "Filename"),
				 &src, st);
	if (!r)
		r = opp_src_finish(ctx, &src, sha);
	if (!r && (strcmp(sha, p->sha256) || src.size != p->size)) {
		opp_fs_unstage(repo->fs, *st);
		*st = NULL;
		r = ivg_err(ctx, EAGAIN, "%s: the file changed while it was being added; nothing written",
			    path);
	}
	opp_src_free(&src);
	close(fd);
	return r;
}

/* All images written unnamed and synced, then named. */
static int store_images(struct ivg_ctx *ctx, struct opp_repo *repo)
{
	size_t n = repo->n_pending, staged = 0, published = 0;
	struct opp_staged **st = calloc(n + 1, sizeof(*st));
	int r = st ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	if (!r && n)
		r = opp_fs_mkdir(ctx, repo->fs, OPP_POOL);
	while (!r && staged < n) {
		r = stage_one(ctx, repo, &repo->pending[staged],
			      repo->pending_paths[staged], &st[staged]);
		if (!r)
			staged++;
	}
	if (!r)
		r = opp_fs_sync(ctx, repo->fs);
	while (!r && published < n) {
		const char *file = opp_stanza_get(&repo->pending[published].st, "Filename");

		r = opp_fs_publish(ctx, repo->fs, st[published], file, true);
		if (!r)
			published++;
	}
	for (size_t i = published; st && i < staged; i++)
		opp_fs_unstage(repo->fs, st[i]);
	free(st);
	return r;
}

int opp_repo_store(struct ivg_ctx *ctx, struct opp_repo *repo)
{
	struct ivg_ctx scratch;
	int r = repo->tags_set ? 0 : opp_repo_prepare(ctx, repo);

	if (!r)
		r = store_images(ctx, repo);
	/* The TOC written unnamed, then put in the old one's place. */
	if (!r)
		r = opp_fs_write_buf(ctx, repo->fs, OPP_TOC_FILE, repo->text.p,
				     repo->text.len, true);
	if (!r)
		r = opp_fs_symlink(ctx, repo->fs, OPP_TOC_FILE, OPP_PACKAGES_FILE);
	if (!r)
		r = opp_fs_sync(ctx, repo->fs);
	if (!r) {
		repo->stored = true;
		return 0;
	}
	/* Nothing of it stays: the old names come back. */
	ivg_ctx_init(&scratch);
	if (opp_fs_rollback(&scratch, repo->fs))
		return ivg_err(ctx, r, "%s; and putting the old files back failed: %s",
			       ivg_errmsg(ctx), ivg_errmsg(&scratch));
	return r;
}

int opp_repo_committed(struct ivg_ctx *ctx, struct opp_repo *repo)
{
	repo->meta = repo->new_meta;
	memcpy(repo->toc_sha256, repo->new_meta.sha256, sizeof(repo->toc_sha256));
	repo->toc_present = true;
	repo->tags_set = repo->stored = false;
	return 0;
}

int opp_repo_abort(struct ivg_ctx *ctx, struct opp_repo *repo)
{
	int r = 0;

	if (repo->stored && repo->fs)
		r = opp_fs_rollback(ctx, repo->fs);
	if (repo->tags_set)
		opp_tocmeta_set(ctx, repo->lv, &repo->meta);
	repo->stored = repo->tags_set = false;
	return r;
}

int opp_repo_finish(struct ivg_ctx *ctx, struct opp_repo *repo)
{
	int r = 0;

	for (size_t i = 0; i < repo->doomed.n; i++) {
		if (!opp_fs_exists(repo->fs, repo->doomed.v[i]))
			continue;
		if (opp_fs_unlink(ctx, repo->fs, repo->doomed.v[i]) && !r)
			r = -EIO;
	}
	/* Replaced and removed files, and second names, go now. */
	if (opp_fs_reclaim(ctx, repo->fs, NULL) && !r)
		r = -EIO;
	if (opp_repo_close(ctx, repo) && !r)
		r = -EIO;
	return r;
}

static bool listed(const struct opp_toc *toc, const char *file)
{
	return opp_toc_find_file(toc, file) >= 0;
}

int opp_repo_check(struct ivg_ctx *ctx, struct opp_repo *repo,
		   opp_check_fn report, void *arg, size_t *problems)
{
	struct opp_image *img = calloc(repo->toc.n + 1, sizeof(*img));
	struct ivg_strvec names = { 0 };
	char msg[1024], a[512];
	int r = img ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	*problems = 0;
	if (!repo->consistent) {
		report(arg, OPP_TOC_FILE, repo->problem);
		(*problems)++;
	}
	for (size_t i = 0; !r && i < repo->toc.n; i++)
		img[i].file = opp_stanza_get(&repo->toc.e[i], "Filename");
	if (!r)
		r = opp_images_read(ctx, repo->fs, img, repo->toc.n, 0);
	for (size_t i = 0; !r && i < repo->toc.n; i++) {
		const struct opp_stanza *e = &repo->toc.e[i];
		const struct opp_pkg *p = &img[i].pkg;
		enum opp_format fmt;
		uint64_t size;
		const char *sha, *file;

		if (opp_toc_entry_info(ctx, e, &fmt, &size, &sha, &file)) {
			report(arg, "?", ivg_errmsg(ctx));
			(*problems)++;
			continue;
		}
		if (img[i].r) {
			report(arg, file, img[i].err);
			(*problems)++;
			continue;
		}
		msg[0] = 0;
		if (p->size != size || strcmp(p->sha256, sha))
			snprintf(msg, sizeof(msg), "contents differ from the TOC entry of %s: size %" PRIu64 ", SHA256 %s; the TOC says size %" PRIu64 ", SHA256 %s",
				 nva(e, a, sizeof(a)), p->size, p->sha256, size, sha);
		else if (p->fmt != fmt ||
			 opp_toc_find(&(struct opp_toc){ .e = (struct opp_stanza *)&p->st, .n = 1 },
				      opp_stanza_get(e, "Package"),
				      opp_stanza_get(e, "Version"),
				      opp_stanza_get(e, "Architecture")) < 0)
			snprintf(msg, sizeof(msg), "the image is %s, the TOC says %s",
				 nva(&p->st, a, 256), nva(e, a + 256, 256));
		if (msg[0]) {
			report(arg, file, msg);
			(*problems)++;
		}
	}
	for (size_t i = 0; img && i < repo->toc.n; i++)
		if (!img[i].r)
			opp_pkg_free(&img[i].pkg);
	free(img);
	if (!r && opp_fs_exists(repo->fs, OPP_POOL))
		r = opp_fs_list(ctx, repo->fs, OPP_POOL, &names);
	for (size_t i = 0; !r && i < names.n; i++) {
		char file[4096];

		snprintf(file, sizeof(file), "%s/%s", OPP_POOL, names.v[i]);
		if (listed(&repo->toc, file))
			continue;
		report(arg, file, is_temp(names.v[i]) ?
		       "left over from an interrupted update (not in the TOC)" :
		       "not in the TOC (opptoc --rebuild adds it)");
		(*problems)++;
	}
	ivg_strvec_free(&names);
	return r;
}

static uint64_t kib(uint64_t bytes)
{
	return (bytes + 1023) >> 10;
}

int opp_repo_report_waste(struct ivg_ctx *ctx, struct opp_repo *repo,
			  opp_check_fn report, void *arg, size_t *problems)
{
	struct opp_fs_waste w;
	char msg[512];
	int r = opp_fs_survey(ctx, repo->fs, &w);

	if (r)
		return r;
	if (w.staged) {
		snprintf(msg, sizeof(msg), "%" PRIu64 " file(s), %" PRIu64 " KiB, left by an interrupted command (the next write, or oppck --repair, gives them back)",
			 w.staged, kib(w.staged_bytes));
		report(arg, OPP_FS_STAGING, msg);
		(*problems)++;
	}
	if (w.orphans) {
		snprintf(msg, sizeof(msg), "%" PRIu64 " inode(s) in use that no name reaches, %" PRIu64 " KiB (oppck --repair gives them back)",
			 w.orphans, kib(w.orphan_bytes));
		report(arg, "", msg);
		(*problems)++;
	}
	if (w.leaked_bytes) {
		snprintf(msg, sizeof(msg), "%" PRIu64 " KiB of blocks marked in use that no file holds (oppck --repair gives them back)",
			 kib(w.leaked_bytes));
		report(arg, "", msg);
		(*problems)++;
	}
	return 0;
}

int opp_repo_repair(struct ivg_ctx *ctx, struct opp_repo *repo,
		    struct opp_fs_waste *w)
{
	struct ivg_strvec names = { 0 };
	char path[4096];
	int r = 0;

	/* Temporary names an older ivg left in pool/ when mounted. */
	if (opp_fs_exists(repo->fs, OPP_POOL))
		r = opp_fs_list(ctx, repo->fs, OPP_POOL, &names);
	for (size_t i = 0; !r && i < names.n; i++) {
		snprintf(path, sizeof(path), "%s/%s", OPP_POOL, names.v[i]);
		if (is_temp(names.v[i]) && !listed(&repo->toc, path))
			r = opp_fs_unlink(ctx, repo->fs, path);
	}
	ivg_strvec_free(&names);
	return r ? r : opp_fs_repair(ctx, repo->fs, w);
}
