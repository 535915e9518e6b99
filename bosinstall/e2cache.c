/* SPDX-License-Identifier: GPL-2.0-or-later */
/* e2cache.c - a write-back block cache over a libext2fs channel (e2cache.h). */
#include "e2cache.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { SLOTS = 1024 };

struct slot {
	unsigned long long blk;
	bool valid, dirty;
};

struct cache {
	io_channel inner;
	struct slot s[SLOTS];
	char *data;                /* SLOTS blocks */
};

static struct cache *cache_of(io_channel ch)
{
	return ch->private_data;
}

static char *slot_data(io_channel ch, size_t i)
{
	return cache_of(ch)->data + i * (size_t)ch->block_size;
}

static errcode_t write_back(io_channel ch, size_t i)
{
	struct cache *c = cache_of(ch);
	errcode_t err;

	if (!c->s[i].valid || !c->s[i].dirty)
		return 0;
	err = io_channel_write_blk64(c->inner, c->s[i].blk, 1, slot_data(ch, i));
	if (!err)
		c->s[i].dirty = false;
	return err;
}

static errcode_t flush_all(io_channel ch)
{
	errcode_t err = 0;

	for (size_t i = 0; !err && i < SLOTS; i++)
		err = write_back(ch, i);
	return err;
}

/* Blocks [blk, blk + n): written back (when dirty) and dropped. */
static errcode_t evict_range(io_channel ch, unsigned long long blk,
			     unsigned long long n)
{
	struct cache *c = cache_of(ch);
	errcode_t err = 0;

	for (size_t i = 0; !err && i < SLOTS; i++) {
		if (!c->s[i].valid || c->s[i].blk < blk || c->s[i].blk - blk >= n)
			continue;
		err = write_back(ch, i);
		c->s[i].valid = false;
	}
	return err;
}

static unsigned long long blocks_of(io_channel ch, int count)
{
	return count >= 0 ? (unsigned long long)count :
		((unsigned long long)-count + (unsigned)ch->block_size - 1) / (unsigned)ch->block_size;
}

static errcode_t c_read64(io_channel ch, unsigned long long blk, int count,
			  void *data)
{
	struct cache *c = cache_of(ch);
	size_t i = blk % SLOTS;
	errcode_t err;

	if (count != 1) {
		err = evict_range(ch, blk, blocks_of(ch, count));
		return err ? err : io_channel_read_blk64(c->inner, blk, count, data);
	}
	if (!c->s[i].valid || c->s[i].blk != blk) {
		if ((err = write_back(ch, i)) ||
		    (err = io_channel_read_blk64(c->inner, blk, 1, slot_data(ch, i))))
			return err;
		c->s[i] = (struct slot){ blk, true, false };
	}
	memcpy(data, slot_data(ch, i), (size_t)ch->block_size);
	return 0;
}

static errcode_t c_write64(io_channel ch, unsigned long long blk, int count,
			   const void *data)
{
	struct cache *c = cache_of(ch);
	size_t i = blk % SLOTS;
	errcode_t err;

	if (count != 1) {
		err = evict_range(ch, blk, blocks_of(ch, count));
		return err ? err : io_channel_write_blk64(c->inner, blk, count, data);
	}
	if (c->s[i].valid && c->s[i].blk != blk && (err = write_back(ch, i)))
		return err;
	memcpy(slot_data(ch, i), data, (size_t)ch->block_size);
	c->s[i] = (struct slot){ blk, true, true };
	return 0;
}

static errcode_t c_read(io_channel ch, unsigned long blk, int count, void *data)
{
	return c_read64(ch, blk, count, data);
}

static errcode_t c_write(io_channel ch, unsigned long blk, int count,
			 const void *data)
{
	return c_write64(ch, blk, count, data);
}

static errcode_t c_flush(io_channel ch)
{
	errcode_t err = flush_all(ch);

	return err ? err : io_channel_flush(cache_of(ch)->inner);
}

static errcode_t c_write_byte(io_channel ch, unsigned long off, int count,
			      const void *data)
{
	struct cache *c = cache_of(ch);
	unsigned long long first = off / (unsigned)ch->block_size;
	errcode_t err = evict_range(ch, first, blocks_of(ch, -count) + 1);

	return err ? err : io_channel_write_byte(c->inner, off, count, data);
}

static errcode_t c_set_blksize(io_channel ch, int blksize)
{
	struct cache *c = cache_of(ch);
	char *d;
	errcode_t err = flush_all(ch);

	if (err)
		return err;
	if (!(d = realloc(c->data, (size_t)SLOTS * (size_t)blksize)))
		return EXT2_ET_NO_MEMORY;
	c->data = d;
	memset(c->s, 0, sizeof(c->s));
	ch->block_size = blksize;
	return io_channel_set_blksize(c->inner, blksize);
}

static errcode_t c_close(io_channel ch)
{
	struct cache *c = cache_of(ch);
	errcode_t err, cerr;

	if (--ch->refcount > 0)
		return 0;
	err = flush_all(ch);
	cerr = io_channel_close(c->inner);
	free(c->data);
	free(c);
	free(ch->name);
	free(ch);
	return err ? err : cerr;
}

static errcode_t c_set_option(io_channel ch, const char *opt, const char *arg)
{
	io_channel inner = cache_of(ch)->inner;

	return inner->manager->set_option ? inner->manager->set_option(inner, opt, arg) :
		EXT2_ET_INVALID_ARGUMENT;
}

typedef errcode_t (*range_fn)(io_channel ch, unsigned long long blk,
			      unsigned long long n);

/* Discard and zero-out go to the channel below, past the cache. */
static errcode_t pass_range(io_channel ch, unsigned long long blk,
			    unsigned long long n, range_fn fn)
{
	errcode_t err = evict_range(ch, blk, n);

	if (err)
		return err;
	return fn ? fn(cache_of(ch)->inner, blk, n) : EXT2_ET_UNIMPLEMENTED;
}

static errcode_t c_discard(io_channel ch, unsigned long long blk,
			   unsigned long long n)
{
	return pass_range(ch, blk, n, cache_of(ch)->inner->manager->discard);
}

static errcode_t c_zeroout(io_channel ch, unsigned long long blk,
			   unsigned long long n)
{
	return pass_range(ch, blk, n, cache_of(ch)->inner->manager->zeroout);
}

static struct struct_io_manager cache_manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "ivg write-back cache",
	.close = c_close,
	.set_blksize = c_set_blksize,
	.read_blk = c_read,
	.write_blk = c_write,
	.flush = c_flush,
	.write_byte = c_write_byte,
	.set_option = c_set_option,
	.read_blk64 = c_read64,
	.write_blk64 = c_write64,
	.discard = c_discard,
	.zeroout = c_zeroout,
};

errcode_t bos_e2cache_wrap(ext2_filsys fs)
{
	io_channel ch = calloc(1, sizeof(*ch));
	struct cache *c = calloc(1, sizeof(*c));

	if (!ch || !c || !(ch->name = strdup(fs->io->name)) ||
	    !(c->data = malloc((size_t)SLOTS * (size_t)fs->io->block_size))) {
		if (ch)
			free(ch->name);
		free(ch);
		free(c);
		return EXT2_ET_NO_MEMORY;
	}
	c->inner = fs->io;
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = &cache_manager;
	ch->block_size = fs->io->block_size;
	ch->refcount = 1;
	ch->flags = fs->io->flags;
	ch->private_data = c;
	if (fs->image_io == fs->io)
		fs->image_io = ch;
	fs->io = ch;
	return 0;
}
