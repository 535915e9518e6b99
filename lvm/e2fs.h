/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * e2fs.h - ext2/ext4 filesystems inside LVs, through libext2fs.
 *
 * An io_manager that reads and writes an LV through lvio (no kernel, no
 * device-mapper), mkfs for a new LV (and its steps for any channel, the
 * boot image's file too), and open for an existing one. The
 * io_manager is handed its LV through the channel name, which
 * ivg_e2fs_name() builds; the manager itself is constant.
 */
#ifndef IVG_E2FS_H
#define IVG_E2FS_H

#include <ext2fs/ext2fs.h>

#include "lvio.h"

enum ivg_fstype { IVG_FS_EXT2, IVG_FS_EXT4 };

extern const io_manager ivg_lv_io_manager;

/* Format the whole LV; label may be NULL. */
int ivg_mkfs(struct ivg_ctx *ctx, struct ivg_lvio *io, enum ivg_fstype type,
	     const char *label);

/*
 * The one mkfs, after ext2fs_initialize() on any channel (ivg_mkfs's LV,
 * the boot image's file): a UUID and hash seed, the label (may be NULL),
 * zeroed inode tables, the root, lost+found with the 16 KiB e2fsck wants
 * there, the reserved inodes, then the resize inode and the journal when
 * the superblock has those features, as mke2fs makes them. The flags
 * leave out what a small image written once does not need:
 */
enum {
	IVG_E2FS_ZEROED = 1,             /* it reads as zeros (a new sparse
					  * file): inode tables not written */
	IVG_E2FS_SMALL_LOST_FOUND = 2,   /* lost+found of one block */
};
errcode_t ivg_e2fs_build(ext2_filsys fs, const char *label, unsigned flags);

/*
 * The size of an LV whose ext4 (as ivg_mkfs makes it) holds 'data' bytes
 * of file, directory and symlink blocks and 'files' inodes: an upper
 * estimate (inode tables, journal, group metadata and a margin added),
 * in whole MiB, so that a caller can refuse before writing.
 */
uint64_t ivg_e2fs_size_for(uint64_t data, uint64_t files);

/* Open the filesystem in the LV; flags as ext2fs_open (EXT2_FLAG_RW...).
 * A read-write open also loads the allocation bitmaps. */
int ivg_e2fs_open(struct ivg_ctx *ctx, struct ivg_lvio *io, int flags,
		  ext2_filsys *fs);
/*
 * The same, serving reads that fall inside [cache_off, +cache_len) of the
 * LV from 'cache' (bytes the caller read already, e.g. in parallel for
 * many LVs). The cache is dropped at the first write.
 */
int ivg_e2fs_open_cached(struct ivg_ctx *ctx, struct ivg_lvio *io, int flags,
			 const void *cache, uint64_t cache_off,
			 size_t cache_len, ext2_filsys *fs);

/* Close (flushing if opened read-write); reports failures. */
int ivg_e2fs_close(struct ivg_ctx *ctx, ext2_filsys fs, const char *what);

#endif
