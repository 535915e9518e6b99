/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * debpkg.h - the control paragraph of a Debian binary package.
 *
 * A .deb is an ar archive: "debian-binary" (2.x) first, then
 * control.tar[.gz|.xz|.zst|.bz2] holding ./control, then data.tar.*.
 * Both layers are read with libarchive from the stream, every member is
 * read through (so a truncated file is found), and the control file's
 * fields come back in their order. -EINVAL naming the file otherwise.
 */
#ifndef OPP_DEBPKG_H
#define OPP_DEBPKG_H

#include "src.h"
#include "stanza.h"

int opp_deb_read(struct ivg_ctx *ctx, struct opp_src *src,
		 struct opp_stanza *control);

#endif
