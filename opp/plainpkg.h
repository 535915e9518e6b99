/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plainpkg.h - plain OPPs: software that is neither a .deb nor an RPM.
 *
 * A plain OPP is a tar archive (uncompressed, or compressed with gzip,
 * xz, zstd or bzip2) whose first member is "opp.control" (or
 * "./opp.control"): one deb822 paragraph with Package, Version,
 * Architecture and Description, and optionally Depends, Maintainer,
 * Section, Homepage and other Debian field names. The other members are
 * the payload, relative paths that stay inside the directory the OPP is
 * installed into: no absolute path, no ".." component, and no link
 * pointing outside. See ivg(7). -EINVAL naming the file otherwise.
 */
#ifndef OPP_PLAINPKG_H
#define OPP_PLAINPKG_H

#include <stdbool.h>

#include "src.h"
#include "stanza.h"

#define OPP_PLAIN_CONTROL "opp.control"

int opp_plain_read(struct ivg_ctx *ctx, struct opp_src *src,
		   struct opp_stanza *control);

/* True if a member path (or link target) stays inside its directory. */
bool opp_path_contained(const char *path);

#endif
