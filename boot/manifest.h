/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * manifest.h - the boot image's manifest: the SHA-256 of every file.
 *
 * The text is sha256sum(1)'s format, one "HEX  NAME\n" line per file,
 * names relative to the filesystem root and sorted, so that GRUB's
 * "hashsum --hash sha256 --check MANIFEST --prefix (DISK)" and
 * "sha256sum -c" both check it as it is. The manifest itself is not
 * listed. Digests and their hex: sha256.h.
 */
#ifndef IVG_MANIFEST_H
#define IVG_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "ivgvg.h"
#include "sha256.h"

#define IVG_MANIFEST_NAME IVG_BOOT_MANIFEST

struct ivg_manifest_ent {
	char *name;
	uint8_t sha[IVG_SHA256_LEN];
};

struct ivg_manifest {
	size_t n;
	struct ivg_manifest_ent *v;
};

/* Add or replace the entry for name (no '/' first, no "..", no blanks). */
int ivg_manifest_set(struct ivg_ctx *ctx, struct ivg_manifest *m,
		     const char *name, const uint8_t sha[IVG_SHA256_LEN]);
const struct ivg_manifest_ent *ivg_manifest_find(const struct ivg_manifest *m,
						 const char *name);
/* The text, sorted by name; *text is malloc'ed and NUL-terminated. */
int ivg_manifest_format(struct ivg_ctx *ctx, struct ivg_manifest *m,
			char **text, size_t *len);
/* Parse a text ('what' names it in errors: a file, a leg); -EINVAL. */
int ivg_manifest_parse(struct ivg_ctx *ctx, const char *what,
		       const char *text, size_t len, struct ivg_manifest *m);
void ivg_manifest_free(struct ivg_manifest *m);

#endif
