/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pkg.h - an OPP image: its format, its TOC entry, its place in oppfs.
 *
 * opp_pkg_read() tells the format from the first bytes ("!<arch>\n": a
 * Debian package, ed ab ee db: an RPM, anything else: tried as a plain
 * OPP tar archive), reads the metadata and the whole file in one pass,
 * and builds the TOC entry: the package's own fields with Package first,
 * then Opp-Format (deb, rpm, opp), Filename, Size and SHA256 (fields of
 * those names that the package brings are dropped). Names are checked:
 * Package and Version start with a letter or digit and use
 * [A-Za-z0-9+._~:-] (no '/', so no name can leave the pool directory),
 * Architecture [A-Za-z0-9_-]. The image lives in oppfs at
 * pool/NAME_VERSION_ARCH.EXT (epoch left out, as Debian's pools do).
 */
#ifndef OPP_PKG_H
#define OPP_PKG_H

#include <stdint.h>

#include "src.h"
#include "stanza.h"

enum opp_format { OPP_FMT_DEB, OPP_FMT_RPM, OPP_FMT_OPP };

#define OPP_F_FORMAT "Opp-Format"
#define OPP_POOL "pool"

struct opp_pkg {
	struct opp_stanza st;      /* the TOC entry */
	enum opp_format fmt;
	uint64_t size;
	char sha256[IVG_SHA256_HEX];
};

/* From a stream (its 'what' names the file in messages). */
int opp_pkg_read(struct ivg_ctx *ctx, struct opp_src *src,
		 struct opp_pkg *out);
/* From a file on the host. */
int opp_pkg_read_file(struct ivg_ctx *ctx, const char *path,
		      struct opp_pkg *out);
void opp_pkg_free(struct opp_pkg *p);

const char *opp_format_name(enum opp_format f);
/* -EINVAL for an unknown name. */
int opp_format_parse(const char *name, enum opp_format *f);

/* -EINVAL naming 'what' and the field when a name is not acceptable. */
int opp_pkg_check(struct ivg_ctx *ctx, const char *what,
		  const struct opp_stanza *st);
/* "pool/NAME_VERSION_ARCH.EXT" for a checked entry; caller frees. */
int opp_pkg_filename(struct ivg_ctx *ctx, const struct opp_stanza *st,
		     enum opp_format f, char **out);

#endif
