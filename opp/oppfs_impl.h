/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs_impl.h - the two oppfs backends behind oppfs.h: libext2fs on
 * the LV (oppfs_e2*.c) and a mounted directory (oppfs_dir.c). Internal.
 * The front end (oppfs.c) checks every path (opp_fs_path_ok) before a
 * backend sees it.
 */
#ifndef OPP_OPPFS_IMPL_H
#define OPP_OPPFS_IMPL_H

#include "oppfs.h"

struct opp_fs_ops {
	int (*reader)(struct ivg_ctx *ctx, struct opp_fs *fs,
		      struct opp_fs **out);
	int (*close)(struct ivg_ctx *ctx, struct opp_fs *fs);
	uint64_t (*free_bytes)(struct opp_fs *fs);
	int (*sync)(struct ivg_ctx *ctx, struct opp_fs *fs);
	int (*file_open)(struct ivg_ctx *ctx, struct opp_fs *fs,
			 const char *path, struct opp_file **f, uint64_t *size);
	int (*stage)(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
		     struct opp_src *src, struct opp_staged **out);
	int (*publish)(struct ivg_ctx *ctx, struct opp_fs *fs,
		       struct opp_staged *st, const char *path, bool replace);
	void (*unstage)(struct opp_fs *fs, struct opp_staged *st);
	int (*unlink)(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path);
	int (*mkdir)(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path);
	int (*symlink)(struct ivg_ctx *ctx, struct opp_fs *fs,
		       const char *target, const char *path);
	int (*list)(struct ivg_ctx *ctx, struct opp_fs *fs, const char *dir,
		    struct ivg_strvec *names);
	bool (*exists)(struct opp_fs *fs, const char *path);
	bool (*is_dir)(struct opp_fs *fs, const char *path);
	int (*reclaim)(struct ivg_ctx *ctx, struct opp_fs *fs,
		       struct opp_fs_waste *w);
	int (*rollback)(struct ivg_ctx *ctx, struct opp_fs *fs);
	int (*survey)(struct ivg_ctx *ctx, struct opp_fs *fs,
		      struct opp_fs_waste *w);
	int (*repair)(struct ivg_ctx *ctx, struct opp_fs *fs,
		      struct opp_fs_waste *w);
};

struct opp_file {
	int (*read)(struct ivg_ctx *ctx, struct opp_file *f, void *buf,
		    size_t len, size_t *got);
	void (*close)(struct opp_file *f);
	const char *path;
};

struct opp_fs {
	const struct opp_fs_ops *ops;
	char where[512];
	bool mounted;
	bool rw;
	char tag;                  /* staging names: 'e' libext2fs, 'k' mounted */
	unsigned long staged_names;   /* opp_fs_stage_name's counter */
};

/* A plain relative path: names separated by single '/', none empty,
 * "." or ".."; "" (the root) only when 'root_ok'. */
bool opp_fs_path_ok(const char *path, bool root_ok);
/* A name in staging for this handle: "TPID-N.KIND" (T its backend's
 * tag, KIND "new", "old"...). */
void opp_fs_stage_name(struct opp_fs *fs, char *out, size_t len,
		       const char *kind);

int opp_fs_open_e2(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *lv,
		   bool rw, struct opp_fs **out);
int opp_fs_open_dir(struct ivg_ctx *ctx, const char *dir, bool rw,
		    struct opp_fs **out);

#endif
