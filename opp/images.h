/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * images.h - read and hash OPP images stored in oppfs, many at once.
 *
 * Each image is read whole: its metadata parsed (pkg.h) and every byte
 * hashed, never judged by size or time. Many images are read by worker
 * threads, each with its own context and its own read-only handle on the
 * filesystem (opp_fs_reader), taking the next image as it finishes one;
 * results land in the caller's array, in its order, so the outcome does
 * not depend on the number of threads.
 */
#ifndef OPP_IMAGES_H
#define OPP_IMAGES_H

#include "ctx.h"
#include "oppfs.h"
#include "pkg.h"

struct opp_image {
	const char *file;          /* in: path in oppfs */
	int r;                     /* out: 0, or -errno with err */
	char err[IVG_ERRMSG_MAX];
	struct opp_pkg pkg;        /* out, when r == 0: caller frees */
};

/* One image, in the calling thread. */
int opp_image_read(struct ivg_ctx *ctx, struct opp_fs *fs, const char *file,
		   struct opp_pkg *p);
/*
 * All of them; threads 0: one per online CPU (at most 16). Fails only
 * when no reader can be set up; per-image failures go to img[i].r.
 */
int opp_images_read(struct ivg_ctx *ctx, struct opp_fs *fs,
		    struct opp_image *img, size_t n, unsigned threads);

#endif
