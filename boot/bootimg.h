/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bootimg.h - the generic maintenance boot image as an ext2 filesystem.
 *
 * ivg_bootimg_build() makes an ext2 filesystem (label "ivg-boot", 4 KiB
 * blocks) of exactly 'size' bytes in a regular file, with libext2fs and
 * no kernel, holding the given files (host files or bytes) and the
 * manifest (manifest.h) of all of them at its root. The file is made
 * sparse: blocks that the filesystem does not use read as zero and are
 * holes, so it can be copied onto bootlv legs range by range. Errors name
 * the file at fault; -ENOSPC when the files do not fit.
 * ivg_bootimg_read() reads one file back out of such a filesystem
 * (symbolic links followed).
 */
#ifndef IVG_BOOTIMG_H
#define IVG_BOOTIMG_H

#include <ext2fs/ext2fs.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "manifest.h"

#define IVG_BOOTIMG_LABEL "ivg-boot"

struct ivg_bootimg_file {
	const char *name;       /* in the filesystem: "vmlinuz", "grub/grub.cfg" */
	const char *src;        /* host file to copy, or NULL: */
	const void *data;       /* these bytes */
	size_t len;
};

/* Build the image in 'path' (created or truncated). The manifest lists
 * every file; when 'out' is not NULL it receives a copy. */
int ivg_bootimg_build(struct ivg_ctx *ctx, const char *path, uint64_t size,
		      const struct ivg_bootimg_file *files, size_t n,
		      struct ivg_manifest *out);

/* Read file 'name' (a path from the root) of an open filesystem; at most
 * 'max' bytes, else -EFBIG. *buf is malloc'ed. 'what' names fs in errors. */
int ivg_bootimg_read(struct ivg_ctx *ctx, ext2_filsys fs, const char *what,
		     const char *name, size_t max, char **buf, size_t *len);

/* Bytes of the files, the manifest and ext2's overhead: a lower bound of
 * the size the image needs (for a clear error before any work). */
uint64_t ivg_bootimg_min_size(uint64_t file_bytes, size_t n_files);

#endif
