/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs.h - files in an IVG's oppfs (or bosfs), mounted or not.
 *
 * When the filesystem is mounted on this host (its LV's device, dm or
 * loop, in /proc/self/mountinfo), the mount is used with ordinary system
 * calls; otherwise the LV is opened with libext2fs through LV I/O
 * (e2fs.h): no mount, no device-mapper. A libext2fs read-write open
 * refuses a journal that needs recovery.
 *
 * Paths are relative to the filesystem's root ("pool/x.deb") and made
 * of plain names: no leading '/', no empty, "." or ".." component (""
 * is the root). They are resolved one name at a time inside the
 * filesystem, never through a symbolic link, never out of it (mounted:
 * openat with O_NOFOLLOW per directory, on the mount's own device;
 * libext2fs: a lookup per directory); anything else is -EINVAL naming
 * the path.
 *
 * Writes go through the staging directory OPP_FS_STAGING at the root:
 *  - stage writes a new file there under a name of its own;
 *  - publish gives it its name ("pool/x.deb"): the file it replaces is
 *    moved into staging (one directory-block write or rename each), and
 *    unlink moves a file there too; nothing is freed yet;
 *  - rollback puts every name changed since the last reclaim back as it
 *    was, then reclaims;
 *  - reclaim frees every file in staging that no other name holds.
 * A writer reclaims first (opp_fs_reclaim, once its PVs are open
 * read-write) and last (after its VG commit): whatever an interrupted
 * command left is given back at the next write, and e2fsck finds the
 * filesystem clean after it. (What an interrupted write through
 * libext2fs left waits, when the filesystem is mounted, for the next
 * write without the mount: the kernel must not act on it.) Through libext2fs, which keeps allocation
 * bitmaps in memory, a new file's inode is written looking free before
 * its name, the bitmaps are flushed before any file is published, and
 * reclaim flushes before it drops a name; after a crash it frees only
 * the blocks of a staged inode that no other inode holds: a crash at any
 * point leaves only names in staging, never a name outside it on free
 * space, never blocks that two files use, never an inode no name
 * reaches. Reclaim
 * also marks in the bitmaps the directory blocks that a crash left
 * unmarked and recounts the group summaries from the bitmaps.
 * A write that fails (the filesystem fills up, an I/O error) reports
 * ENOSPC or EIO naming the file; what it wrote stays in staging.
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
/* Free bytes, counting what staging holds (the next reclaim frees it). */
uint64_t opp_fs_free_bytes(struct opp_fs *fs);
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

#define OPP_FS_STAGING ".ivg-staging"

/*
 * Write 'path' from the stream, which hashes what passes (src.h):
 * staged, synced, published. The parent directory must exist. Without
 * 'replace' an existing 'path' is -EEXIST (checked before writing).
 */
int opp_fs_write(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		 struct opp_src *src, bool replace);
/*
 * The same in two steps, for files written all or nothing: stage writes
 * the data into a new file in staging ('path' names it in messages);
 * the caller syncs (opp_fs_sync) before it publishes any of them;
 * publish gives it its name (-EEXIST without 'replace' when the name
 * exists; a file replaced goes into staging) and frees the handle;
 * unstage frees the handle of one not published (its file stays in
 * staging until reclaim).
 */
int opp_fs_stage(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		 struct opp_src *src, struct opp_staged **st);
int opp_fs_publish(struct ivg_ctx *ctx, struct opp_fs *fs,
		   struct opp_staged *st, const char *path, bool replace);
void opp_fs_unstage(struct opp_fs *fs, struct opp_staged *st);
int opp_fs_write_buf(struct ivg_ctx *ctx, struct opp_fs *fs,
		     const char *path, const void *buf, size_t len,
		     bool replace);

/* What a filesystem holds that no file of it uses, and what is given back. */
struct opp_fs_waste {
	uint64_t staged, staged_bytes;   /* files in staging */
	uint64_t orphans, orphan_bytes;  /* libext2fs: inodes in use that no
					  * name reaches (left by an older ivg
					  * or another tool) */
	uint64_t leaked_bytes;           /* libext2fs: blocks marked in use
					  * that no inode or metadata holds */
	bool deep;                       /* orphans and leaks were looked for
					  * (false when mounted) */
};

/*
 * Free what staging holds (the handle must be read-write), then sync.
 * 'w' (may be NULL) gets what was given back.
 */
int opp_fs_reclaim(struct ivg_ctx *ctx, struct opp_fs *fs,
		   struct opp_fs_waste *w);
/* Undo every publish and unlink since the last reclaim, then reclaim. */
int opp_fs_rollback(struct ivg_ctx *ctx, struct opp_fs *fs);
/*
 * Look for waste without writing (any handle): staging always; through
 * libext2fs also inodes no name reaches and blocks no one holds.
 */
int opp_fs_survey(struct ivg_ctx *ctx, struct opp_fs *fs,
		  struct opp_fs_waste *w);
/*
 * Give all of it back (read-write): through libext2fs the orphan inodes
 * are moved into staging and the leaked blocks unmarked, then reclaim.
 */
int opp_fs_repair(struct ivg_ctx *ctx, struct opp_fs *fs,
		  struct opp_fs_waste *w);

/* Move 'path' into staging (freed by reclaim, put back by rollback);
 * -ENOENT (message set) if absent. */
int opp_fs_unlink(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path);
/* Make a directory or a symbolic link unless 'path' exists (synced). */
int opp_fs_mkdir(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path);
int opp_fs_symlink(struct ivg_ctx *ctx, struct opp_fs *fs,
		   const char *target, const char *path);
/* Names in a directory, without "." and "..", into an empty vector
 * (the caller frees it). */
int opp_fs_list(struct ivg_ctx *ctx, struct opp_fs *fs, const char *dir,
		struct ivg_strvec *names);
bool opp_fs_exists(struct opp_fs *fs, const char *path);
/* A directory, reached without following a symbolic link. */
bool opp_fs_is_dir(struct opp_fs *fs, const char *path);

#endif
