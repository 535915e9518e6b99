/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boskernel.h - which kernel a BOS holds: the highest version among
 * boot/vmlinuz-VER (regular files) and [usr/]lib/modules/VER
 * (directories), by version order ("6.1.0-18-amd64" > "6.1.0-9-amd64").
 */
#ifndef BOS_BOSKERNEL_H
#define BOS_BOSKERNEL_H

#include <ext2fs/ext2fs.h>
#include <stddef.h>

#include "bospath.h"

/* Keep the higher of best[len] and ver in best ("" counts as none). */
void bos_kernel_keep(char *best, size_t len, const char *ver);
/* Note an entry (a clean path, bospath.h) of an archive. */
void bos_kernel_note(char *best, size_t len, const char *path,
		     enum bos_entry_kind kind);
/* Look in an ext2/3/4 filesystem (read-only; its own symlinks such as
 * lib -> usr/lib resolved inside it). best is "" when none is found. */
void bos_kernel_in_fs(ext2_filsys fs, char *best, size_t len);

#endif
