/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * repo.h - an IVG's OPP repository: oppfs, its TOC, and the TOC's
 * generation and digest in the VG metadata (tocmeta.h).
 *
 * Opening reads ".toc" and compares its SHA-256 with what the metadata
 * committed: a repository whose TOC does not match is "inconsistent"
 * (stale or torn), and 'problem' says how; readers report it, writers
 * refuse it until opptoc --rebuild. Every write keeps this order: all
 * images written without names (oppfs.h: staged) and synced, then named
 * in pool/, then the new TOC written unnamed and put in the place of
 * ".toc" (one directory-block write, or a rename), everything synced,
 * and only then the new generation and digest set on the oppfs LV, for
 * the caller to commit with the VG (vgio.h). Removed or replaced images
 * are unlinked after that commit. Bad input is found before the first
 * write; a failed write drops what it staged.
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
	char toc_sha256[OPP_SHA256_HEX];
	bool consistent;
	char problem[512];         /* why not consistent */
	char **doomed;             /* files to unlink after the commit */
	size_t n_doomed;
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
 * (pkg.h). Refused before anything is written: the same package twice,
 * one with the same name, version and architecture in the TOC (unless
 * 'replace'; the message says whether its contents differ), not enough
 * space. A file that changes between reading and copying is refused.
 */
int opp_repo_add_check(struct ivg_ctx *ctx, struct opp_repo *repo,
		       struct opp_pkg *pkgs, char *const *paths, size_t n,
		       bool replace);
int opp_repo_add(struct ivg_ctx *ctx, struct opp_repo *repo,
		 struct opp_pkg *pkgs, char *const *paths, size_t n,
		 bool replace);
/*
 * Remove the entries matching "NAME" or "NAME=VERSION" (every
 * architecture); -ENOENT naming a spec that matches nothing. Their
 * files are unlinked by opp_repo_finish.
 */
int opp_repo_remove(struct ivg_ctx *ctx, struct opp_repo *repo,
		    char *const *specs, size_t n);
/* The TOC from the images in pool/, read and hashed again. */
int opp_repo_rebuild(struct ivg_ctx *ctx, struct opp_repo *repo,
		     size_t *skipped);
/* Write the TOC and set the new generation and digest on the LV. */
int opp_repo_store_toc(struct ivg_ctx *ctx, struct opp_repo *repo);
/* After the VG commit: unlink removed images, close oppfs. */
int opp_repo_finish(struct ivg_ctx *ctx, struct opp_repo *repo);

/* What oppck finds wrong with one entry or file. */
typedef void (*opp_check_fn)(void *arg, const char *file, const char *msg);
/* Check every image against its entry; the number of problems. */
int opp_repo_check(struct ivg_ctx *ctx, struct opp_repo *repo,
		   opp_check_fn report, void *arg, size_t *problems);

#endif
