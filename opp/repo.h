/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * repo.h - an IVG's OPP repository: oppfs, its TOC, and the TOC's
 * generation and digest in the VG metadata (tocmeta.h).
 *
 * Opening reads ".toc" and compares its SHA-256 with what the metadata
 * committed: a repository whose TOC does not match is "inconsistent"
 * (stale or torn), and 'problem' says how; readers report it, writers
 * refuse it until opptoc --rebuild.
 *
 * A change is made in memory first (add, remove, rebuild), then:
 *  1. prepare: the new TOC formatted and hashed, the new generation and
 *     digest set on the oppfs LV in the VG model, and the VG checked as
 *     the commit will check it (ivg_vg_commit_check): everything that
 *     can refuse is found here, before anything is written;
 *  2. reclaim, once the PVs are open read-write: what an interrupted
 *     command left in oppfs is given back (oppfs.h);
 *  3. store: the images written unnamed and synced, then named in
 *     pool/, then the new TOC put in the place of ".toc", all synced; a
 *     failure puts the old names back (rollback);
 *  4. the caller commits the VG; committed marks it done, abort (after
 *     a failed commit) puts the old files and the old tags back;
 *  5. finish: removed images unlinked, replaced ones freed (reclaim).
 * So a refusal, early or late, leaves the TOC as it was; a crash leaves
 * the old TOC or the new one (or a torn one before the commit lands,
 * which readers report), and files in staging that the next write
 * gives back.
 */
#ifndef OPP_REPO_H
#define OPP_REPO_H

#include <stdbool.h>

#include "oppfs.h"
#include "pkg.h"
#include "toc.h"
#include "tocmeta.h"

struct opp_repo {
	struct ivg_vg *vg;         /* borrowed */
	struct ivg_lv *lv;         /* oppfs */
	struct opp_fs *fs;
	struct opp_toc toc;
	struct opp_tocmeta meta;   /* as committed */
	bool toc_present;
	char toc_sha256[IVG_SHA256_HEX];
	bool consistent;
	char problem[512];         /* why not consistent */
	struct ivg_strvec doomed;  /* files to unlink after the commit */
	/* A change in progress. */
	bool changed;              /* the TOC changed in memory */
	struct opp_pkg *pending;   /* borrowed: images to write (add) */
	char *const *pending_paths;
	size_t n_pending;
	struct ivg_buf text;   /* the new TOC (prepare) */
	struct opp_tocmeta new_meta;
	bool tags_set;             /* new_meta is on the LV in the model */
	bool stored;               /* files written, not yet committed */
};

int opp_repo_open(struct ivg_ctx *ctx, struct ivg_vg *vg, bool rw,
		  struct opp_repo *repo);
/* -ESTALE with the problem, naming the VG, if the TOC does not match. */
int opp_repo_require_consistent(struct ivg_ctx *ctx,
				const struct opp_repo *repo);
/* Close oppfs (flushing it); the TOC stays until opp_repo_free. */
int opp_repo_close(struct ivg_ctx *ctx, struct opp_repo *repo);
void opp_repo_free(struct opp_repo *repo);

/*
 * Add the images read from the host files paths[i] into pkgs[i]
 * (pkg.h) to the TOC in memory; 'pkgs' and 'paths' must outlive the
 * store. Refused: the same package twice, one with the same name,
 * version and architecture in the TOC (unless 'replace'; the message
 * says whether its contents differ), not enough space. A file that
 * changes between reading and copying is refused when it is stored.
 */
int opp_repo_add_check(struct ivg_ctx *ctx, struct opp_repo *repo,
		       struct opp_pkg *pkgs, char *const *paths, size_t n,
		       bool replace);
int opp_repo_add(struct ivg_ctx *ctx, struct opp_repo *repo,
		 struct opp_pkg *pkgs, char *const *paths, size_t n,
		 bool replace);
/*
 * Remove the entries matching "NAME" or "NAME=VERSION" (every
 * architecture) from the TOC in memory; -ENOENT naming a spec that
 * matches nothing. Their files are unlinked by opp_repo_finish.
 */
int opp_repo_remove(struct ivg_ctx *ctx, struct opp_repo *repo,
		    char *const *specs, size_t n);
/* The TOC from the images in pool/, read and hashed again (in memory).
 * A file that gives no entry is skipped with a warning (ivg_warn). */
int opp_repo_rebuild(struct ivg_ctx *ctx, struct opp_repo *repo,
		     size_t *skipped);

/* The steps of a write, in order (above). */
int opp_repo_prepare(struct ivg_ctx *ctx, struct opp_repo *repo);
int opp_repo_reclaim(struct ivg_ctx *ctx, struct opp_repo *repo,
		     struct opp_fs_waste *w);
int opp_repo_store(struct ivg_ctx *ctx, struct opp_repo *repo);
int opp_repo_committed(struct ivg_ctx *ctx, struct opp_repo *repo);
int opp_repo_abort(struct ivg_ctx *ctx, struct opp_repo *repo);
/* After the VG commit: unlink removed images, reclaim, close oppfs. */
int opp_repo_finish(struct ivg_ctx *ctx, struct opp_repo *repo);

/*
 * Give back all space no file uses (read-write, after reclaim):
 * temporary files an older ivg left in pool/, inodes no name reaches,
 * blocks no file holds (opp_fs_repair).
 */
int opp_repo_repair(struct ivg_ctx *ctx, struct opp_repo *repo,
		    struct opp_fs_waste *w);

/* What oppck finds wrong with one entry or file. */
typedef void (*opp_check_fn)(void *arg, const char *file, const char *msg);
/* Check every image against its entry; the number of problems. */
int opp_repo_check(struct ivg_ctx *ctx, struct opp_repo *repo,
		   opp_check_fn report, void *arg, size_t *problems);
/* Space no file uses (opp_fs_survey), each kind one problem (file ""
 * when it is oppfs as a whole); adds to *problems. */
int opp_repo_report_waste(struct ivg_ctx *ctx, struct opp_repo *repo,
			  opp_check_fn report, void *arg, size_t *problems);

#endif
