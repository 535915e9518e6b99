/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dev.h - a disk: a block device or a regular image file.
 *
 * I/O goes through a window [base, base+size) inside the disk: the whole
 * disk by default, the LVM partition once ivg_dev_set_window() is called.
 * ivg_dev_pread/pwrite take offsets relative to the window and refuse I/O
 * beyond it; the _abs variants address the whole disk (partition tables,
 * boot records). Every write and sync of the library passes through here
 * (tools that write on their own work on a scratch copy, shadow.h), so
 * this is where fault injection sits (struct ivg_fault, ctx-owned).
 * A device opened read-only refuses writes with -EROFS before any syscall.
 */
#ifndef IVG_DEV_H
#define IVG_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"

#define IVG_SECTOR 512ULL

enum ivg_dev_flags {
	IVG_DEV_RDONLY = 0,
	IVG_DEV_RDWR = 1 << 0,
	IVG_DEV_EXCL = 1 << 1,     /* O_EXCL on block devices (not in use) */
};

struct ivg_dev {
	char *path;
	int fd;
	int dfd;                  /* O_DIRECT reads, or -1 (see aio.h) */
	bool rdwr;
	bool is_blockdev;
	dev_t st_dev;             /* identity: block devices by rdev, */
	ino_t st_ino;             /* files by (st_dev, st_ino)         */
	uint64_t disk_size;       /* bytes of the whole disk or file   */
	uint64_t base;            /* window start, bytes               */
	uint64_t size;            /* window size, bytes                */
	struct ivg_ctx *ctx;      /* for fault injection               */
};

int ivg_dev_open(struct ivg_ctx *ctx, const char *path, unsigned flags,
		 struct ivg_dev **out);
void ivg_dev_close(struct ivg_dev *dev);
/*
 * Hold the block device exclusively (O_EXCL) or not, on the same
 * descriptor number: a caller that has it exclusively lets the kernel
 * claim it for a while (device-mapper over its PV, to mount an LV), then
 * takes it back (-EBUSY, naming it, when someone else holds it then),
 * dropping the device's page cache: device-mapper wrote below it.
 * Regular files: nothing to do (a loop device writes through the file).
 */
int ivg_dev_set_excl(struct ivg_ctx *ctx, struct ivg_dev *dev, bool excl);

/*
 * Also open the device for O_DIRECT reads (dev->dfd), for parallel
 * scanning. Best effort: where O_DIRECT is refused (tmpfs), dfd stays -1
 * and reads go through the page cache.
 */
void ivg_dev_open_direct(struct ivg_dev *dev);

/* Create a sparse image file of 'size' bytes; -EEXIST if it exists. */
int ivg_dev_create_file(struct ivg_ctx *ctx, const char *path, uint64_t size);

/* True if both handles are the same disk or file. */
bool ivg_dev_same(const struct ivg_dev *a, const struct ivg_dev *b);

int ivg_dev_set_window(struct ivg_ctx *ctx, struct ivg_dev *dev,
		       uint64_t base, uint64_t size);

int ivg_dev_pread(struct ivg_ctx *ctx, struct ivg_dev *dev, void *buf,
		  size_t len, uint64_t off);
int ivg_dev_pwrite(struct ivg_ctx *ctx, struct ivg_dev *dev, const void *buf,
		   size_t len, uint64_t off);
int ivg_dev_pread_abs(struct ivg_ctx *ctx, struct ivg_dev *dev, void *buf,
		      size_t len, uint64_t off);
int ivg_dev_pwrite_abs(struct ivg_ctx *ctx, struct ivg_dev *dev,
		       const void *buf, size_t len, uint64_t off);
/* Write zeroes (sparse-friendly: skips ranges that already read as zero). */
int ivg_dev_zero(struct ivg_ctx *ctx, struct ivg_dev *dev, uint64_t off,
		 uint64_t len);
int ivg_dev_sync(struct ivg_ctx *ctx, struct ivg_dev *dev);

/*
 * Fault injection (tests only): when ctx->fault is set, the Nth write or
 * sync (counting from 1) fails with -EIO, or tears (writes half, then
 * fails), or stops the process before writing: the library calls the
 * caller's stop(), which must not return (the commands' _exit(99): a
 * crash); without one, that write fails as with IVG_FAULT_FAIL.
 */
enum ivg_fault_mode { IVG_FAULT_FAIL, IVG_FAULT_TEAR, IVG_FAULT_EXIT };

struct ivg_fault {
	unsigned long at;         /* 0: never */
	enum ivg_fault_mode mode;
	unsigned long count;      /* writes + syncs seen so far */
	void (*stop)(void);       /* IVG_FAULT_EXIT; does not return */
};

/*
 * Writes this layer cannot make itself (asynchronous I/O through a
 * descriptor of the caller's, BLKZEROOUT): call this right before one, so
 * that it is a fault point like the rest. len is the write's length, or
 * NULL for one that cannot be torn (a sync, a zeroout). Returns 0 to write
 * all of it; 1 to tear it: write only the *len it now holds (half, at
 * least 'align' bytes and a multiple of them, or the write fails instead)
 * and then fail with -EIO; or a negative errno with the message set,
 * naming 'what'. It may stop the process (IVG_FAULT_EXIT).
 */
int ivg_dev_fault_write(struct ivg_ctx *ctx, struct ivg_dev *dev,
			const char *what, size_t *len, size_t align);

#endif
