/* SPDX-License-Identifier: GPL-2.0-or-later */
/* images.c - reading and hashing stored images with worker threads. */
#include "images.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int opp_image_read(struct ivg_ctx *ctx, struct opp_fs *fs, const char *file,
		   struct opp_pkg *p)
{
	struct opp_file *f;
	struct opp_src src;
	uint64_t size;
	char what[1024];
	int r;

	*p = (struct opp_pkg){ 0 };
	snprintf(what, sizeof(what), "%s/%s", opp_fs_where(fs), file);
	if ((r = opp_fs_file_open(ctx, fs, file, &f, &size)))
		return r;
	r = opp_src_init(ctx, &src, opp_fs_file_read, f, what);
	if (!r)
		r = opp_pkg_read(ctx, &src, p);
	opp_src_free(&src);
	opp_fs_file_close(f);
	return r;
}

struct pool {
	struct opp_fs *fs;
	struct opp_image *img;
	size_t n;
	atomic_size_t next;
};

struct worker {
	struct pool *pool;
	struct ivg_ctx ctx;
	struct opp_fs *fs;         /* this thread's handle */
};

static void read_one(struct ivg_ctx *ctx, struct opp_fs *fs,
		     struct opp_image *im)
{
	ctx->errmsg[0] = 0;
	im->r = opp_image_read(ctx, fs, im->file, &im->pkg);
	if (im->r)
		snprintf(im->err, sizeof(im->err), "%s", ivg_errmsg(ctx));
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->n)
		read_one(&w->ctx, w->fs, &p->img[i]);
	return NULL;
}

static unsigned thread_count(unsigned want, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (!want)
		want = cpus > 0 ? (unsigned)cpus : 1;
	if (want > 16)
		want = 16;
	if (want > n)
		want = (unsigned)n;
	return want ? want : 1;
}

int opp_images_read(struct ivg_ctx *ctx, struct opp_fs *fs,
		    struct opp_image *img, size_t n, unsigned threads)
{
	struct pool p = { .fs = fs, .img = img, .n = n };
	unsigned t = thread_count(threads, n), started = 0;
	struct worker *w;
	pthread_t *tid;
	int r = 0;

	if (t <= 1) {
		for (size_t i = 0; i < n; i++)
			read_one(ctx, fs, &img[i]);
		return 0;
	}
	w = calloc(t, sizeof(*w));
	tid = calloc(t, sizeof(*tid));
	if (!w || !tid) {
		free(w);
		free(tid);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	atomic_init(&p.next, 0);
	for (unsigned k = 0; !r && k < t; k++) {
		w[k].pool = &p;
		w[k].ctx = *ctx;
		w[k].ctx.errmsg[0] = 0;
		r = opp_fs_reader(ctx, fs, &w[k].fs);
		if (!r && pthread_create(&tid[k], NULL, work, &w[k])) {
			r = ivg_err(ctx, EAGAIN, "cannot start a thread");
			opp_fs_close(ctx, w[k].fs);
			w[k].fs = NULL;
		}
		if (!r)
			started++;
	}
	for (unsigned k = 0; k < started; k++) {
		pthread_join(tid[k], NULL);
		opp_fs_close(&w[k].ctx, w[k].fs);
	}
	/* A reader that could not be set up: this thread does the rest. */
	if (r && started) {
		r = 0;
		for (size_t i; (i = atomic_fetch_add(&p.next, 1)) < n;)
			read_one(ctx, fs, &img[i]);
	} else if (r && !started) {
		for (size_t i = 0; i < n; i++)
			read_one(ctx, fs, &img[i]);
		r = 0;
	}
	free(w);
	free(tid);
	return r;
}
