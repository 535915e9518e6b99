/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loopback.h - one disk under two names: an image file and the loop
 * devices that show it; and whether a block device is in use.
 *
 * A bound loop device shows a backing file (or block device) from an
 * offset. Which one the kernel says itself (LOOP_GET_STATUS64: the
 * file's device and inode, also after it was renamed or deleted); the
 * loops are listed from sysfs (/sys/block/loopN/loop exists while one is
 * bound). A disk is known by what it is underneath: a file by (st_dev,
 * st_ino), a block device by its number, a loop device by what it shows.
 */
#ifndef IVG_LOOPBACK_H
#define IVG_LOOPBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctx.h"

struct ivg_dev;

/* What is underneath a disk's name. */
struct ivg_disk_ident {
	bool file;            /* a regular file (else a block device) */
	dev_t dev;            /* file: st_dev; block device: its number */
	ino_t ino;            /* file: st_ino; block device: 0 */
	uint64_t offset;      /* where the name's byte 0 lies in it */
};

struct ivg_loop_backing {
	char loop[32];                 /* "/dev/loopN" */
	dev_t devno;                   /* the loop device's own number */
	struct ivg_disk_ident shows;   /* its backing file or device */
	uint64_t sizelimit;            /* 0: to the end */
};

/* What the loop device with number devno shows: 0, or -ENOENT when it is
 * no loop device or none bound to anything. */
int ivg_loop_backing_of(dev_t devno, struct ivg_loop_backing *out);

/* What a device handle's name is underneath (a loop device: what it
 * shows, one level down). */
void ivg_disk_ident_of(const struct ivg_dev *d, struct ivg_disk_ident *out);

/* Do two names reach the same disk (whatever the offsets)? */
bool ivg_disk_ident_same(const struct ivg_disk_ident *a,
			 const struct ivg_disk_ident *b);

/*
 * The bound loop devices that show the disk 'id' (its offset aside):
 * up to max of them into out. Returns how many there are.
 */
size_t ivg_loops_showing(const struct ivg_disk_ident *id,
			 struct ivg_loop_backing *out, size_t max);

/*
 * Is the block device devno, or a partition of it, in use? 1 with 'why'
 * saying how: "mounted at DIR"; "held by HOLDER" (device-mapper, md);
 * "open in process PID (COMM)"; "claimed by the kernel" (an exclusive
 * open fails: mounted in another mount namespace, swap). 0 when nothing
 * uses it.
 */
int ivg_blockdev_busy(struct ivg_ctx *ctx, dev_t devno, char *why,
		      size_t len);

#endif
