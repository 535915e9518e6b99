/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rpmpkg.h - what an OPP index needs from an RPM package's header.
 *
 * An RPM file is a 96-byte lead (magic ed ab ee db), a signature header
 * padded to 8 bytes, the main header, then the payload. Both headers are
 * "8e ad e8 01", 4 reserved bytes, a big-endian count of index entries
 * and of data bytes, the entries {tag, type, offset, count} and the data.
 * Every entry is bounds-checked against the data before use, and a
 * header that gives a tag twice is refused. From the
 * main header come name, epoch, version, release, arch, summary,
 * description and requires (name, flags, version), as a deb822 stanza:
 * Package, Version ([epoch:]version-release), Architecture (the RPM's
 * own), Description, Depends (rpmlib() requirements left out), and
 * Homepage and Maintainer when set. The signature's size tag, when
 * present, must match the file: a truncated payload is found.
 */
#ifndef OPP_RPMPKG_H
#define OPP_RPMPKG_H

#include <stddef.h>
#include <stdint.h>

#include "src.h"
#include "stanza.h"

/* A parsed header: the index and its data store, owned. */
struct opp_rpmhdr {
	uint32_t nindex, hsize;
	unsigned char *index;      /* nindex * 16 bytes, big-endian */
	unsigned char *data;       /* hsize bytes */
};

int opp_rpm_read(struct ivg_ctx *ctx, struct opp_src *src,
		 struct opp_stanza *out);

/* For tests: parse a header structure from memory at p[0..len). */
int opp_rpmhdr_parse(struct ivg_ctx *ctx, const char *what,
		     const unsigned char *p, size_t len,
		     struct opp_rpmhdr *h, size_t *used);
/* The string (STRING or first of an array/I18N) of a tag, or NULL. */
const char *opp_rpmhdr_string(const struct opp_rpmhdr *h, uint32_t tag);
void opp_rpmhdr_free(struct opp_rpmhdr *h);

#endif
