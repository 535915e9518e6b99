/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arsrc.h - libarchive reading from a package stream (src.h).
 *
 * The archive pulls its bytes through the stream, so they are counted
 * and hashed as they pass. opp_archive_err() records the archive's own
 * message (or the stream's read error, which wins) naming the file.
 */
#ifndef OPP_ARSRC_H
#define OPP_ARSRC_H

#include <archive.h>
#include <archive_entry.h>

#include "src.h"

struct opp_arsrc {
	struct ivg_ctx *ctx;
	struct opp_src *src;
	int failed;                /* the stream failed: ctx holds why */
	unsigned char buf[1 << 16];
};

/* Open 'a' (formats and filters already chosen) on the stream. */
int opp_archive_open(struct ivg_ctx *ctx, struct archive *a,
		     struct opp_arsrc *as, struct opp_src *src);
/* -EINVAL with "FILE: what: <libarchive's message>". */
int opp_archive_err(struct ivg_ctx *ctx, struct archive *a,
		    const struct opp_arsrc *as, const char *what);
/* Read the current entry's data into a new NUL-terminated buffer. */
int opp_archive_slurp(struct ivg_ctx *ctx, struct archive *a,
		      const struct opp_arsrc *as, const char *what,
		      size_t max, char **out, size_t *len);

#endif
