/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * toc.h - the table of contents of an OPP repository.
 *
 * The TOC is ".toc" at the root of oppfs: one deb822 paragraph per OPP
 * image, with apt's field names (Package, Version, Architecture,
 * Filename, Size, SHA256, Description, Depends, ...) and Opp-Format. It
 * is byte for byte the "Packages" index of a flat apt repository (the
 * root's "Packages" is a symbolic link to it). Entries are kept sorted by
 * Package, Version, Architecture, so a TOC is a function of its entries:
 * a rebuild of the same images gives the same bytes and SHA-256.
 */
#ifndef OPP_TOC_H
#define OPP_TOC_H

#include <stddef.h>

#include "buf.h"
#include "pkg.h"
#include "stanza.h"

#define OPP_TOC_FILE ".toc"
#define OPP_PACKAGES_FILE "Packages"

struct opp_toc {
	struct opp_stanza *e;
	size_t n, cap;
};

/* Parse and check every entry (the fields above, a safe Filename). */
int opp_toc_parse(struct ivg_ctx *ctx, const char *text, size_t len,
		  const char *what, struct opp_toc *toc);
/* The text: sorted entries. */
int opp_toc_format(struct ivg_ctx *ctx, struct opp_toc *toc,
		   struct ivg_buf *b);
void opp_toc_free(struct opp_toc *toc);

/* Index of the entry, or -1. version NULL: any version (the first). */
long opp_toc_find(const struct opp_toc *toc, const char *name,
		  const char *version, const char *arch);
/* Index of an entry whose Filename is 'file', or -1. */
long opp_toc_find_file(const struct opp_toc *toc, const char *file);
/* Take over the stanza (the caller's copy is emptied). */
int opp_toc_add(struct ivg_ctx *ctx, struct opp_toc *toc,
		struct opp_stanza *st);
void opp_toc_remove(struct opp_toc *toc, size_t i);

/* The entry's format (Opp-Format), size and checksum fields, checked. */
int opp_toc_entry_info(struct ivg_ctx *ctx, const struct opp_stanza *e,
		       enum opp_format *fmt, uint64_t *size,
		       const char **sha256, const char **file);

#endif
