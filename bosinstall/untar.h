/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * untar.h - unpack a tar archive (any compression libarchive reads) into
 * an ext2/ext4 filesystem open read-write through libext2fs: no mount.
 *
 * Every entry keeps its owner, group, mode, timestamps (with
 * nanoseconds), extended attributes, hard links, symbolic links and
 * device numbers. Each entry's path is judged by bos_path_clean()
 * (bospath.h) with the given policy, then resolved from the root one
 * component at a time: every parent must be a directory, never a
 * symbolic link (links are never followed, so a link pointing outside
 * cannot be written through); missing parents are made (0755, root). An
 * entry whose path exists is replaced (a directory only by a directory,
 * which keeps its contents and takes the new attributes), as tar does.
 * A regular file larger than the free space left is refused before a
 * byte of it is written, naming the entry; running out of blocks or
 * inodes while writing fails naming the entry too. Any refusal stops
 * the unpacking (-EINVAL hostile entry, -ENOSPC full, -EIO damaged
 * archive or write error); what was written stays in the filesystem
 * (the caller formats the target afresh before unpacking).
 */
#ifndef BOS_UNTAR_H
#define BOS_UNTAR_H

#include <ext2fs/ext2fs.h>
#include <stdint.h>

#include "boskernel.h"
#include "bospath.h"
#include "legs.h"
#include "src.h"

struct bos_untar_stats {
	uint64_t entries;          /* entries restored, of every kind */
	uint64_t files;            /* regular files (hard links not counted) */
	uint64_t dirs, symlinks, hardlinks, devices, xattrs;
	uint64_t bytes;            /* file data written */
	/* The kernel version seen: boot/vmlinuz-VER, else lib/modules/VER
	 * (the highest by version order); "" if none. */
	char kernel[128];
};

struct bos_untar_opts {
	const struct bos_path_policy *policy;   /* NULL: bos_policy_bos */
	ivg_progress_fn progress;  /* archive bytes read so far, or NULL */
	void *progress_arg;
	uint64_t total;            /* archive size for the progress, or 0 */
	/* Into an installed system (an OPP, bosinstall's own files): its
	 * symbolic links to directories are taken as dpkg takes them
	 * (e2tree.h, follow_dir_links), so that merged /usr stays. */
	bool into_system;
};

/* What a libarchive entry is (bospath.h's kinds). */
struct archive_entry;
enum bos_entry_kind bos_archive_kind(struct archive_entry *e);

/*
 * Unpack the archive read from 'src' (which hashes what passes through
 * it: opp_src_finish afterwards gives the SHA-256 of the whole archive)
 * into 'fs'. 'what' names the archive in messages.
 */
int bos_untar(struct ivg_ctx *ctx, ext2_filsys fs, struct opp_src *src,
	      const char *what, const struct bos_untar_opts *o,
	      struct bos_untar_stats *st);

#endif
