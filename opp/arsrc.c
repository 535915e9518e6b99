/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arsrc.c - libarchive over a counted, hashed package stream. */
#include "arsrc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static la_ssize_t read_cb(struct archive *a, void *arg, const void **buf)
{
	struct opp_arsrc *as = arg;
	size_t got;

	if (opp_src_read(as->ctx, as->src, as->buf, sizeof(as->buf), &got)) {
		as->failed = 1;
		archive_set_error(a, EIO, "read error");
		return -1;
	}
	*buf = as->buf;
	return (la_ssize_t)got;
}

int opp_archive_open(struct ivg_ctx *ctx, struct archive *a,
		     struct opp_arsrc *as, struct opp_src *src)
{
	as->ctx = ctx;
	as->src = src;
	as->failed = 0;
	if (archive_read_open(a, as, NULL, read_cb, NULL) != ARCHIVE_OK)
		return opp_archive_err(ctx, a, as, "cannot read");
	return 0;
}

int opp_archive_err(struct ivg_ctx *ctx, struct archive *a,
		    const struct opp_arsrc *as, const char *what)
{
	const char *m = archive_error_string(a);

	if (as->failed)
		return -EIO;        /* the stream's message names the file */
	return ivg_err(ctx, EINVAL, "%s: %s: %s", as->src->what, what,
		       m ? m : "unknown archive error");
}

int opp_archive_slurp(struct ivg_ctx *ctx, struct archive *a,
		      const struct opp_arsrc *as, const char *what,
		      size_t max, char **out, size_t *len)
{
	struct ivg_buf b = { 0 };
	size_t want = 4096;        /* read so far at most: doubles up to max */
	int r = 0;

	for (;;) {
		la_ssize_t got;

		if (b.len == want) {
			if (want >= max) {
				r = ivg_err(ctx, EINVAL, "%s: %s is larger than %zu bytes",
					    as->src->what, what, max);
				break;
			}
			want = want * 2 > max ? max : want * 2;
		}
		if (ivg_buf_reserve(&b, want - b.len)) {
			r = ivg_err(ctx, ENOMEM, "out of memory");
			break;
		}
		got = archive_read_data(a, b.p + b.len, want - b.len);
		if (got < 0) {
			r = opp_archive_err(ctx, a, as, what);
			break;
		}
		if (!got)
			break;
		ivg_buf_wrote(&b, (size_t)got);
	}
	if (r) {
		ivg_buf_free(&b);
		return r;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
