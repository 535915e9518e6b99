/* SPDX-License-Identifier: GPL-2.0-or-later */
/* machines.c - machine entries in bosfs (machines.h). */
#include "machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strvec.h"

#define ENTRY_MAX (64u << 10)

static void path_of(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.json", BOS_MACHINE_DIR, name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct bos_machine *)a)->name,
		      ((const struct bos_machine *)b)->name);
}

/* One file of machines/; a bad one is a problem, not an error. */
static int read_one(struct ivg_ctx *ctx, struct opp_fs *fs, const char *file,
		    struct bos_machines *l)
{
	char path[600], *text = NULL;
	size_t len = 0, flen = strlen(file);
	struct ivg_ctx quiet;
	int r;

	if (flen < 6 || strcmp(file + flen - 5, ".json"))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", BOS_MACHINE_DIR, file);
	ivg_ctx_init(&quiet);
	r = opp_fs_read(&quiet, fs, path, ENTRY_MAX, &text, &len);
	if (!r)
		r = bos_machine_parse(&quiet, path, text, len, &l->v[l->n]);
	if (!r && (strlen(l->v[l->n].name) != flen - 5 ||
		   strncmp(l->v[l->n].name, file, flen - 5)))
		r = ivg_err(&quiet, EINVAL, "%s: names machine %s", path, l->v[l->n].name);
	free(text);
	if (r == -ENOMEM)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (r && ivg_strvec_add(&l->problems, ivg_errmsg(&quiet)))
		return ivg_err(ctx, ENOMEM, "out of memory");
	if (r)
		return 0;
	l->n++;
	return 0;
}

int bos_machines_list(struct ivg_ctx *ctx, struct opp_fs *fs,
		      struct bos_machines *out)
{
	struct ivg_strvec files = { 0 };
	int r = 0;

	*out = (struct bos_machines){ 0 };
	if (!opp_fs_exists(fs, BOS_MACHINE_DIR))
		return 0;
	if ((r = opp_fs_list(ctx, fs, BOS_MACHINE_DIR, &files)))
		return r;
	if (!(out->v = calloc(files.n + 1, sizeof(*out->v))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < files.n; i++)
		r = read_one(ctx, fs, files.v[i], out);
	ivg_strvec_free(&files);
	if (r) {
		bos_machines_free(out);
		return r;
	}
	qsort(out->v, out->n, sizeof(*out->v), by_name);
	return 0;
}

void bos_machines_free(struct bos_machines *l)
{
	ivg_strvec_free(&l->problems);
	free(l->v);
	*l = (struct bos_machines){ 0 };
}

const struct bos_machine *bos_machines_find(const struct bos_machines *l,
					    const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

int bos_machines_put(struct ivg_ctx *ctx, struct opp_fs *fs,
		     const struct bos_machine *m, bool replace)
{
	char path[600], *text = NULL;
	size_t len = 0;
	int r = bos_machine_check(ctx, m);

	path_of(m->name, path, sizeof(path));
	if (!r && !replace && opp_fs_exists(fs, path))
		return ivg_err(ctx, EEXIST, "machine %s is defined already (--replace changes it)",
			       m->name);
	if (!r)
		r = bos_machine_format(ctx, m, &text, &len);
	if (!r)
		r = opp_fs_mkdir(ctx, fs, BOS_MACHINE_DIR);
	if (!r)
		r = opp_fs_write_buf(ctx, fs, path, text, len, replace);
	/* The entry it replaced, in staging until now, is freed (synced). */
	if (!r)
		r = opp_fs_reclaim(ctx, fs, NULL);
	free(text);
	return r;
}

int bos_machines_remove(struct ivg_ctx *ctx, struct opp_fs *fs,
			const char *name)
{
	char path[600];
	int r;

	path_of(name, path, sizeof(path));
	if (!opp_fs_exists(fs, path))
		return ivg_err(ctx, ENOENT, "machine %s is not defined", name);
	r = opp_fs_unlink(ctx, fs, path);
	return r ? r : opp_fs_reclaim(ctx, fs, NULL);
}
