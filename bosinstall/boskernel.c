/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boskernel.c - the kernel version a BOS holds (boskernel.h). */
#define _GNU_SOURCE             /* strverscmp */
#include "boskernel.h"

#include <stdio.h>
#include <string.h>

static const char *const module_dirs[] = { "lib/modules", "usr/lib/modules" };

void bos_kernel_keep(char *best, size_t len, const char *ver)
{
	if (*ver && (!*best || strverscmp(ver, best) > 0))
		snprintf(best, len, "%s", ver);
}

void bos_kernel_note(char *best, size_t len, const char *path,
		     enum bos_entry_kind kind)
{
	if (kind == BOS_ENT_FILE && !strncmp(path, "boot/vmlinuz-", 13)) {
		if (!strchr(path + 13, '/'))
			bos_kernel_keep(best, len, path + 13);
		return;
	}
	for (size_t i = 0; kind == BOS_ENT_DIR && i < 2; i++) {
		size_t n = strlen(module_dirs[i]);

		if (!strncmp(path, module_dirs[i], n) && path[n] == '/' &&
		    path[n + 1] && !strchr(path + n + 1, '/'))
			bos_kernel_keep(best, len, path + n + 1);
	}
}

struct scan {
	ext2_filsys fs;
	char *best;
	size_t len;
	const char *prefix;        /* "vmlinuz-", or "" for module dirs */
	int want_dir;
};

static int scan_entry(struct ext2_dir_entry *d, int off, int bs, char *buf,
		      void *arg)
{
	struct scan *s = arg;
	int n = ext2fs_dirent_name_len(d), type = ext2fs_dirent_file_type(d);
	size_t plen = strlen(s->prefix);
	char name[256];

	if (!d->inode || n <= 0 || (size_t)n <= plen)
		return 0;
	memcpy(name, d->name, (size_t)n);
	name[n] = 0;
	if (strncmp(name, s->prefix, plen) || name[0] == '.')
		return 0;
	if (type != EXT2_FT_UNKNOWN &&
	    ((s->want_dir && type != EXT2_FT_DIR) ||
	     (!s->want_dir && type != EXT2_FT_REG_FILE)))
		return 0;
	bos_kernel_keep(s->best, s->len, name + plen);
	return 0;
}

static void scan_dir(ext2_filsys fs, const char *dir, const char *prefix,
		     int want_dir, char *best, size_t len)
{
	struct scan s = { fs, best, len, prefix, want_dir };
	ext2_ino_t ino;

	if (ext2fs_namei_follow(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, dir, &ino))
		return;
	ext2fs_dir_iterate(fs, ino, 0, NULL, scan_entry, &s);
}

void bos_kernel_in_fs(ext2_filsys fs, char *best, size_t len)
{
	*best = 0;
	scan_dir(fs, "boot", "vmlinuz-", 0, best, len);
	for (size_t i = 0; i < 2; i++)
		scan_dir(fs, module_dirs[i], "", 1, best, len);
}
