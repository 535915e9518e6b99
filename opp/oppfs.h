/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs.h - files in an IVG's oppfs, mounted or not.
 *
 * When oppfs is mounted on this host (its LV's device, dm or loop, in
 * /proc/self/mountinfo), the mounted filesystem is used with ordinary
 * system calls; otherwise the LV is opened with libext2fs through LV I/O
 * (e2fs.h): no mount, no device-mapper. Paths are relative to oppfs's
 * root ("pool/x.deb"). Writers never leave a half-written file under
 * its name: a new file's data is written first and the name appears
 * only when it is complete (libext2fs: an unlinked inode, then the
 * directory entry; mounted: a temporary name, fsync, rename). A
 * replacement takes the old name over in one directory-block write (or
 * rename). A write that fails (the filesystem fills up, an I/O error)
 * frees what it allocated and reports ENOSPC or EIO naming the file.
 * libext2fs keeps allocation bitmaps in memory: they are flushed after
 * staging and before naming, so a crash at any point can leak blocks or
 * an unnamed inode (e2fsck reclaims them) but never gives out blocks
 * that a named file uses.
 * A libext2fs read-write open refuses a journal that needs recovery.
 */
#ifndef OPP_OPPFS_H
#define OPP_OPPFS_H

#include <stdbool.h>
#include <stdint.h>

#include "src.h"
#include "vg.h"

struct opp_fs;
struct opp_file;
struct opp_staged;

int opp_fs_open(struct ivg_ctx *ctx, struct ivg_vg *vg, bool rw,
		struct opp_fs **out);
/* The same for another ext4 LV of the IVG (IVG_BOSFS); 'lv' must
 * outlive the handle. */
int opp_fs_open_lv(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		   bool rw, struct opp_fs **out);
/*
 * Another read-only handle on the same filesystem, for another thread
 * (a handle is not shared between threads). Nothing may be written
 * through 'fs' while readers are open.
 */
int opp_fs_reader(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_fs **out);
/* Flush and close; reports a failed flush. NULL is fine. */
int opp_fs_close(struct ivg_ctx *ctx, struct opp_fs *fs);
/* For messages: "VG/oppfs" or "DIR (VG/oppfs, mounted)". */
const char *opp_fs_where(const struct opp_fs *fs);
bool opp_fs_mounted(const struct opp_fs *fs);
uint64_t opp_fs_free_bytes(const struct opp_fs *fs);
/* Flush everything written so far to the disks. */
int opp_fs_sync(struct ivg_ctx *ctx, struct opp_fs *fs);

/* A regular file for reading; -ENOENT (message set) if absent. */
int opp_fs_file_open(struct ivg_ctx *ctx, struct opp_fs *fs,
		     const char *path, struct opp_file **f, uint64_t *size);
/* An opp_read_fn: pass the opp_file as its argument. */
int opp_fs_file_read(struct ivg_ctx *ctx, void *f, void *buf, size_t len,
		     size_t *got);
void opp_fs_file_close(struct opp_file *f);
/* A whole (small) file into memory, NUL-terminated; -EFBIG over max. */
int opp_fs_read(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		size_t max, char **buf, size_t *len);

/*
 * Write 'path' from the stream, which hashes what passes (src.h). The
 * parent directory must exist. Without 'replace' an existing 'path' is
 * -EEXIST (checked before writing).
 */
int opp_fs_write(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		 struct opp_src *src, bool replace);
/*
 * The same in two steps, for files written all or nothing: stage writes
 * the data into a file without a name (libext2fs: an unlinked inode;
 * mounted: a temporary name next to 'path'); the caller syncs
 * (opp_fs_sync) before it publishes any of them; publish gives it
 * its name (-EEXIST without 'replace' when the name exists) and frees
 * the handle; unstage drops an unpublished one and its blocks.
 */
int opp_fs_stage(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		 struct opp_src *src, struct opp_staged **st);
int opp_fs_publish(struct ivg_ctx *ctx, struct opp_fs *fs,
		   struct opp_staged *st, const char *path, bool replace);
void opp_fs_unstage(struct opp_fs *fs, struct opp_staged *st);
int opp_fs_write_buf(struct ivg_ctx *ctx, struct opp_fs *fs,
		     const char *path, const void *buf, size_t len,
		     bool replace);
/* -ENOENT (message set) if absent. */
int opp_fs_unlink(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path);
/* Make a directory or a symbolic link unless 'path' exists. */
int opp_fs_mkdir(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path);
int opp_fs_symlink(struct ivg_ctx *ctx, struct opp_fs *fs,
		   const char *target, const char *path);
/* Names in a directory, without "." and ".."; caller frees each. */
int opp_fs_list(struct ivg_ctx *ctx, struct opp_fs *fs, const char *dir,
		char ***names, size_t *n);
bool opp_fs_exists(struct opp_fs *fs, const char *path);

/* A list of names (opp_fs_list's): add one (-ENOMEM), free all. */
int opp_names_add(char ***names, size_t *n, const char *name, size_t len);
void opp_names_free(char **names, size_t n);

#endif
