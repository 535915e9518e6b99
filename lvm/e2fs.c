/* SPDX-License-Identifier: GPL-2.0-or-later */
/* e2fs.c - a libext2fs io_manager over LV I/O, and mkfs without a kernel. */
#include "e2fs.h"

#include <errno.h>
#include <et/com_err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

struct chan {
	struct ivg_ctx *ctx;
	struct ivg_lvio *io;
	const uint8_t *cache;      /* optional: LV bytes already read */
	uint64_t cache_off;
	size_t cache_len;
};

/* The channel name carries the LV: "ivg-lv:<address of struct chan>". */
static errcode_t name_to_chan(const char *name, struct chan **out)
{
	void *p = NULL;

	if (sscanf(name, "ivg-lv:%p", &p) != 1 || !p)
		return EXT2_ET_BAD_DEVICE_NAME;
	*out = p;
	return 0;
}

static errcode_t lv_open(const char *name, int flags, io_channel *channel)
{
	struct chan *src, *c;
	io_channel ch;

	if (name_to_chan(name, &src))
		return EXT2_ET_BAD_DEVICE_NAME;
	ch = calloc(1, sizeof(*ch));
	c = calloc(1, sizeof(*c));
	if (!ch || !c || !(ch->name = strdup(name))) {
		free(ch);
		free(c);
		return EXT2_ET_NO_MEMORY;
	}
	*c = *src;
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = ivg_lv_io_manager;
	ch->block_size = 1024;
	ch->refcount = 1;
	ch->flags = flags;
	ch->private_data = c;
	*channel = ch;
	return 0;
}

static errcode_t lv_close(io_channel ch)
{
	if (--ch->refcount > 0)
		return 0;
	free(ch->private_data);
	free(ch->name);
	free(ch);
	return 0;
}

static errcode_t lv_set_blksize(io_channel ch, int blksize)
{
	ch->block_size = blksize;
	return 0;
}

static size_t byte_count(io_channel ch, int count)
{
	return count < 0 ? (size_t)-count : (size_t)count * ch->block_size;
}

static errcode_t lv_read64(io_channel ch, unsigned long long block,
			   int count, void *data)
{
	struct chan *c = ch->private_data;
	size_t len = byte_count(ch, count);
	uint64_t off = block * ch->block_size;

	if (c->cache && off >= c->cache_off &&
	    off + len <= c->cache_off + c->cache_len) {
		memcpy(data, c->cache + (off - c->cache_off), len);
		return 0;
	}
	if (ivg_lvio_pread(c->ctx, c->io, data, len, off))
		return EXT2_ET_SHORT_READ;
	return 0;
}

/* A write makes the cached bytes stale: drop the cache. */
static void drop_cache(io_channel ch)
{
	struct chan *c = ch->private_data;

	c->cache = NULL;
}

static errcode_t lv_write64(io_channel ch, unsigned long long block,
			    int count, const void *data)
{
	struct chan *c = ch->private_data;
	size_t len = byte_count(ch, count);

	drop_cache(ch);
	if (ivg_lvio_pwrite(c->ctx, c->io, data, len, block * ch->block_size))
		return EXT2_ET_SHORT_WRITE;
	return 0;
}

static errcode_t lv_read(io_channel ch, unsigned long block, int count,
			 void *data)
{
	return lv_read64(ch, block, count, data);
}

static errcode_t lv_write(io_channel ch, unsigned long block, int count,
			  const void *data)
{
	return lv_write64(ch, block, count, data);
}

static errcode_t lv_write_byte(io_channel ch, unsigned long offset,
			       int count, const void *data)
{
	struct chan *c = ch->private_data;

	drop_cache(ch);
	if (ivg_lvio_pwrite(c->ctx, c->io, data, (size_t)count, offset))
		return EXT2_ET_SHORT_WRITE;
	return 0;
}

static errcode_t lv_flush(io_channel ch)
{
	struct chan *c = ch->private_data;

	if ((ch->flags & IO_FLAG_RW) && ivg_lvio_sync(c->ctx, c->io))
		return EXT2_ET_SHORT_WRITE;
	return 0;
}

static bool is_zero(const char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Zero blocks, writing only where the LV does not read as zero already. */
static errcode_t lv_zeroout(io_channel ch, unsigned long long block,
			    unsigned long long count)
{
	enum { CHUNK = 1 << 20 };
	struct chan *c = ch->private_data;
	uint64_t off = block * ch->block_size;
	uint64_t left = count * ch->block_size;
	char *buf = malloc(CHUNK), *zero = calloc(1, CHUNK);
	errcode_t err = 0;

	drop_cache(ch);
	if (!buf || !zero)
		err = EXT2_ET_NO_MEMORY;
	while (!err && left) {
		size_t n = left > CHUNK ? CHUNK : (size_t)left;

		if (ivg_lvio_pread(c->ctx, c->io, buf, n, off))
			err = EXT2_ET_SHORT_READ;
		else if (!is_zero(buf, n) &&
			 ivg_lvio_pwrite(c->ctx, c->io, zero, n, off))
			err = EXT2_ET_SHORT_WRITE;
		off += n;
		left -= n;
	}
	free(buf);
	free(zero);
	return err;
}

static struct struct_io_manager lv_manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "ivg LV I/O manager",
	.open = lv_open,
	.close = lv_close,
	.set_blksize = lv_set_blksize,
	.read_blk = lv_read,
	.write_blk = lv_write,
	.flush = lv_flush,
	.write_byte = lv_write_byte,
	.read_blk64 = lv_read64,
	.write_blk64 = lv_write64,
	.zeroout = lv_zeroout,
};

const io_manager ivg_lv_io_manager = &lv_manager;

static int e2err(struct ivg_ctx *ctx, struct ivg_lvio *io, errcode_t e,
		 const char *what)
{
	/* An lvio failure already recorded the device; keep that. */
	if (ctx->errmsg[0] && (e == EXT2_ET_SHORT_READ || e == EXT2_ET_SHORT_WRITE))
		return ivg_err_prefix(ctx, EIO, "%s: %s: ", ivg_lvio_name(io),
				      what);
	return ivg_err(ctx, EIO, "%s: %s: %s", ivg_lvio_name(io), what,
		       error_message(e));
}

static void set_features(struct ext2_super_block *p, enum ivg_fstype type)
{
	ext2fs_set_feature_xattr(p);
	ext2fs_set_feature_resize_inode(p);
	ext2fs_set_feature_dir_index(p);
	ext2fs_set_feature_filetype(p);
	ext2fs_set_feature_sparse_super(p);
	ext2fs_set_feature_large_file(p);
	if (type != IVG_FS_EXT4)
		return;
	ext2fs_set_feature_journal(p);
	ext2fs_set_feature_extents(p);
	ext2fs_set_feature_flex_bg(p);
	ext2fs_set_feature_huge_file(p);
	ext2fs_set_feature_dir_nlink(p);
	ext2fs_set_feature_extra_isize(p);
	ext2fs_set_feature_metadata_csum(p);
	ext2fs_set_feature_64bit(p);
	p->s_log_groups_per_flex = 4;
	p->s_desc_size = EXT2_MIN_DESC_SIZE_64BIT;
	p->s_min_extra_isize = p->s_want_extra_isize = 32;
}

static void init_params(struct ext2_super_block *p, uint64_t bytes,
			enum ivg_fstype type)
{
	unsigned blocksize = bytes < (512u << 20) ? 1024 : 4096;
	uint64_t blocks = bytes / blocksize;

	memset(p, 0, sizeof(*p));
	p->s_rev_level = EXT2_DYNAMIC_REV;
	p->s_log_block_size = blocksize == 1024 ? 0 : 2;
	p->s_log_cluster_size = p->s_log_block_size;
	ext2fs_blocks_count_set(p, blocks);
	p->s_inodes_count = (uint32_t)(bytes / 16384 < 64 ? 64 : bytes / 16384);
	p->s_inode_size = 256;
	p->s_r_blocks_count = 0;
	set_features(p, type);
}

/* What init_params' layout spends besides data: an upper estimate. */
static uint64_t fs_overhead(uint64_t bytes)
{
	unsigned bs = bytes < (512u << 20) ? 1024 : 4096;
	int journal = ext2fs_default_journal_size(bytes / bs);

	/* Inode tables (256 bytes per 16 KiB), the journal, then bitmaps,
	 * descriptors, reserved GDT blocks and their backups, extent
	 * blocks and partly used blocks: 1% and 8 MiB cover those. */
	return bytes / 64 + (journal > 0 ? (uint64_t)journal * bs : 0) +
	       bytes / 100 + (8 << 20);
}

uint64_t ivg_e2fs_size_for(uint64_t data, uint64_t files)
{
	uint64_t size = data + (8 << 20), by_inodes = (files + 64) * 16384;

	for (int i = 0; i < 64 && size < data + fs_overhead(size); i++)
		size = data + fs_overhead(size);
	if (size < by_inodes)
		size = by_inodes;
	return (size + (1 << 20) - 1) >> 20 << 20;
}

static void init_super(ext2_filsys fs, const char *label)
{
	struct ext2_super_block *s = fs->super;

	uuid_generate(s->s_uuid);
	if (ext2fs_has_feature_metadata_csum(s))
		s->s_checksum_type = EXT2_CRC32C_CHKSUM;
	ext2fs_init_csum_seed(fs);
	uuid_generate((unsigned char *)s->s_hash_seed);
	s->s_def_hash_version = EXT2_HASH_HALF_MD4;
	s->s_flags |= EXT2_FLAGS_SIGNED_HASH;
	s->s_max_mnt_count = (__s16)-1;
	s->s_mkfs_time = s->s_lastcheck = (uint32_t)time(NULL);
	if (label)
		strncpy((char *)s->s_volume_name, label,
			sizeof(s->s_volume_name));
}

static errcode_t zero_inode_tables(ext2_filsys fs)
{
	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		errcode_t e = ext2fs_zero_blocks2(fs,
						  ext2fs_inode_table_loc(fs, g),
						  (int)fs->inode_blocks_per_group,
						  NULL, NULL);

		if (e)
			return e;
		ext2fs_bg_flags_set(fs, g, EXT2_BG_INODE_ZEROED);
		ext2fs_group_desc_csum_set(fs, g);
	}
	return 0;
}

static errcode_t make_lost_found(ext2_filsys fs, bool room)
{
	ext2_ino_t ino;
	struct ext2_inode inode;
	errcode_t e = ext2fs_mkdir(fs, EXT2_ROOT_INO, 0, "lost+found");

	if (!e)
		e = ext2fs_lookup(fs, EXT2_ROOT_INO, "lost+found", 10, 0, &ino);
	/* e2fsck wants room in lost+found without allocating: 16 KiB. */
	while (!e && room) {
		e = ext2fs_read_inode(fs, ino, &inode);
		if (e || EXT2_I_SIZE(&inode) >= 16384)
			break;
		e = ext2fs_expand_dir(fs, ino);
	}
	return e;
}

static errcode_t reserve_inodes(ext2_filsys fs)
{
	ext2fs_mark_inode_bitmap2(fs->inode_map, EXT2_BAD_INO);
	ext2fs_inode_alloc_stats2(fs, EXT2_BAD_INO, +1, 0);
	for (ext2_ino_t i = EXT2_ROOT_INO + 1; i < EXT2_FIRST_INODE(fs->super); i++)
		ext2fs_inode_alloc_stats2(fs, i, +1, 0);
	ext2fs_mark_ib_dirty(fs);
	return ext2fs_update_bb_inode(fs, NULL);
}

static errcode_t add_journal(ext2_filsys fs)
{
	struct ext2fs_journal_params jp;
	errcode_t e;

	if (!ext2fs_has_feature_journal(fs->super))
		return 0;
	e = ext2fs_get_journal_params(&jp, fs);
	if (!e)
		e = ext2fs_add_journal_inode3(fs, &jp, ~0ULL, 0);
	return e;
}

errcode_t ivg_e2fs_build(ext2_filsys fs, const char *label, unsigned flags)
{
	errcode_t e;

	init_super(fs, label);
	e = ext2fs_allocate_tables(fs);
	if (!e && !(flags & IVG_E2FS_ZEROED))
		e = zero_inode_tables(fs);
	if (!e)
		e = ext2fs_mkdir(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, 0);
	if (!e)
		e = make_lost_found(fs, !(flags & IVG_E2FS_SMALL_LOST_FOUND));
	if (!e)
		e = reserve_inodes(fs);
	if (!e && ext2fs_has_feature_resize_inode(fs->super))
		e = ext2fs_create_resize_inode(fs);
	if (!e)
		e = add_journal(fs);
	return e;
}

int ivg_mkfs(struct ivg_ctx *ctx, struct ivg_lvio *io, enum ivg_fstype type,
	     const char *label)
{
	struct ext2_super_block param;
	struct chan c = { .ctx = ctx, .io = io };
	char name[64];
	ext2_filsys fs;
	errcode_t e;

	snprintf(name, sizeof(name), "ivg-lv:%p", (void *)&c);
	init_params(&param, ivg_lvio_size(io), type);
	e = ext2fs_initialize(name, EXT2_FLAG_64BITS, &param,
			      ivg_lv_io_manager, &fs);
	if (e)
		return e2err(ctx, io, e, "cannot create a filesystem");
	e = ivg_e2fs_build(fs, label, 0);
	if (e) {
		ext2fs_free(fs);
		return e2err(ctx, io, e, "cannot create a filesystem");
	}
	return ivg_e2fs_close(ctx, fs, "cannot write the new filesystem");
}

int ivg_e2fs_open_cached(struct ivg_ctx *ctx, struct ivg_lvio *io, int flags,
			 const void *cache, uint64_t cache_off,
			 size_t cache_len, ext2_filsys *fs)
{
	/* The name must outlive the channel's open(): the channel copies it. */
	struct chan c = { ctx, io, cache, cache_off, cache_len };
	char name[64];
	errcode_t e;

	snprintf(name, sizeof(name), "ivg-lv:%p", (void *)&c);
	e = ext2fs_open(name, flags | EXT2_FLAG_64BITS, 0, 0,
			ivg_lv_io_manager, fs);
	if (e)
		return e2err(ctx, io, e, "cannot open the filesystem");
	/* Writers allocate: they need the bitmaps. */
	if ((flags & EXT2_FLAG_RW) && (e = ext2fs_read_bitmaps(*fs))) {
		ext2fs_free(*fs);
		*fs = NULL;
		return e2err(ctx, io, e, "cannot read the filesystem's bitmaps");
	}
	return 0;
}

int ivg_e2fs_open(struct ivg_ctx *ctx, struct ivg_lvio *io, int flags,
		  ext2_filsys *fs)
{
	return ivg_e2fs_open_cached(ctx, io, flags, NULL, 0, 0, fs);
}

int ivg_e2fs_close(struct ivg_ctx *ctx, ext2_filsys fs, const char *what)
{
	struct chan *c = fs->io->private_data;
	struct ivg_lvio *io = c->io;
	errcode_t e = ext2fs_close_free(&fs);

	if (e)
		return e2err(ctx, io, e, what);
	return 0;
}
