/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rootadd.h - files that bosinstall adds to the installed root (the local
 * OPP repository, installed.json), written through the same path as the
 * BOS itself.
 *
 * The files are collected as a tar archive in memory (libarchive: owner
 * root, the given mode, the install time) and unpacked into the root's
 * filesystem by bos_untar (untar.h) with the OPP policy: no device nodes,
 * no "..", parents made as needed, never through a symbolic link, an
 * existing file replaced. So nothing here writes ext4 by hand, and a file
 * that does not fit is refused naming it. Memory holds the files until
 * they are applied: meant for small files and OPP packages, not for
 * whole trees.
 */
#ifndef BOS_ROOTADD_H
#define BOS_ROOTADD_H

#include <ext2fs/ext2fs.h>
#include <stddef.h>
#include <stdint.h>

#include "src.h"

struct bos_rootadd;

int bos_rootadd_new(struct ivg_ctx *ctx, struct bos_rootadd **out);
/* Paths are relative to the root ("etc/ivg/installed.json"). */
int bos_rootadd_dir(struct ivg_ctx *ctx, struct bos_rootadd *a,
		    const char *path, unsigned mode);
int bos_rootadd_buf(struct ivg_ctx *ctx, struct bos_rootadd *a,
		    const char *path, unsigned mode, const void *buf,
		    size_t len);
/* 'size' bytes read from 'read' (e.g. a file in oppfs). */
int bos_rootadd_stream(struct ivg_ctx *ctx, struct bos_rootadd *a,
		       const char *path, unsigned mode, uint64_t size,
		       opp_read_fn read, void *arg);
/*
 * Every member of the tar archive read from src (any compression) as it
 * is: the archive's own owners, modes and times; bos_rootadd_apply
 * judges their paths. The member named 'aside' ("./aside" too; NULL:
 * none) is not added: its data goes into *buf (malloc'ed, NUL-ended,
 * at most BOS_ROOTADD_ASIDE_MAX bytes) and *len.
 */
#define BOS_ROOTADD_ASIDE_MAX 65536
int bos_rootadd_archive(struct ivg_ctx *ctx, struct bos_rootadd *a,
			struct opp_src *src, const char *aside, char **buf,
			size_t *len);
/* Unpack everything added into fs (open read-write); 'what' for messages. */
int bos_rootadd_apply(struct ivg_ctx *ctx, struct bos_rootadd *a,
		      ext2_filsys fs, const char *what);
void bos_rootadd_free(struct bos_rootadd *a);

#endif
