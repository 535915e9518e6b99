/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wcache.h - a write-back cache of filesystem blocks, for the libext2fs
 * io_manager over LVs (e2fs.h).
 *
 * libext2fs writes a file block by block, and for each block it
 * allocates it writes the inode table block again and the data block
 * twice (four small writes per block, each of them to every leg of a
 * raid1 LV) and reads its extent tree's blocks again (an io_manager of
 * its own has no cache). The cache keeps the last version of each block
 * written, and small reads (up to a few MiB in all), and writes the
 * written ones out at a flush, or when it is full: in the order they were
 * last written (so that what libext2fs wrote after a block, such as the
 * bitmap freeing an inode after that inode, reaches the LV after it; in
 * first-written order a crash could leave a bitmap cleared under an inode
 * still in use), blocks written one after
 * another at consecutive places as one write. A reader always gets the
 * last version. libext2fs and ivg order their writes by flushes
 * (io_channel_flush: the cache is written, then the LV synced).
 */
#ifndef IVG_WCACHE_H
#define IVG_WCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lvio.h"

struct ivg_wcache;

/* A cache of 'bytes' for blocks of 'bs' bytes; NULL on ENOMEM. */
struct ivg_wcache *ivg_wcache_new(unsigned bs, size_t bytes);
void ivg_wcache_free(struct ivg_wcache *w);
unsigned ivg_wcache_bs(const struct ivg_wcache *w);

/* Write every dirty block to the LV (contiguous ones together). After a
 * failed write the cache is emptied, the blocks not yet written dropped:
 * the error is reported once. */
int ivg_wcache_flush(struct ivg_ctx *ctx, struct ivg_wcache *w,
		     struct ivg_lvio *io);

/* Blocks [blk, blk+count) now hold data (count * bs bytes): cached, the
 * cache written out first when it is full. */
int ivg_wcache_write(struct ivg_ctx *ctx, struct ivg_wcache *w,
		     struct ivg_lvio *io, uint64_t blk, size_t count,
		     const void *data);

/* Reads: all of [blk, blk+count) from the cache (true), or nothing; and
 * blocks read from the LV kept (clean; cached copies, newer, stay). */
bool ivg_wcache_read(struct ivg_wcache *w, uint64_t blk, size_t count,
		     void *data);
int ivg_wcache_fill(struct ivg_ctx *ctx, struct ivg_wcache *w,
		    struct ivg_lvio *io, uint64_t blk, size_t count,
		    const void *data);

/* Lay the cached blocks of [blk, blk+count) over data (read from the LV). */
void ivg_wcache_overlay(const struct ivg_wcache *w, uint64_t blk, size_t count,
			void *data);

/* Forget the cached blocks of [blk, blk+count) (written around the cache). */
void ivg_wcache_drop(struct ivg_wcache *w, uint64_t blk, size_t count);

#endif
