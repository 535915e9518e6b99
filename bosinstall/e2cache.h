/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * e2cache.h - a write-back block cache in front of a libext2fs channel.
 *
 * Building a tree through libext2fs writes the same inode table,
 * directory and bitmap blocks again and again (an inode is written
 * several times while it is made). The LV io_manager (e2fs.h) writes
 * through, one block per call; this cache keeps the most recent blocks
 * (direct-mapped, write-back) and writes them at a flush, on eviction
 * and at close. Multi-block transfers pass through (overlapping cached
 * blocks are written back first). Only for filesystems made afresh
 * whose writes need no ordering until the final flush: a restore
 * target, never bosfs or oppfs (whose crash safety orders their writes).
 */
#ifndef BOS_E2CACHE_H
#define BOS_E2CACHE_H

#include <ext2fs/ext2fs.h>

/* Put the cache in front of fs->io; ext2fs_close flushes and frees it. */
errcode_t bos_e2cache_wrap(ext2_filsys fs);

#endif
