/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysfs.h - one-line attribute files (/sys/block/X/size, .../loop/offset):
 * the first line, without its newline.
 */
#ifndef IVG_SYSFS_H
#define IVG_SYSFS_H

#include <stddef.h>

/* Read dir/file into buf; 0, or a negative errno (-EIO: empty). */
int ivg_sysfs_read(const char *dir, const char *file, char *buf, size_t len);

#endif
