/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppinst.h - OPPs installed by a system's own package manager, from the
 * IVG's OPP repository: oppfs, mounted read-only where the system's
 * commands see it (chroot.h), is a flat apt repository whose Packages is
 * the TOC.
 *  - .deb: apt-get, with that repository as its only source ("deb
 *    [trusted=yes] file:REPO ./"; its lists and archives in the step's
 *    work directory, so the system's own apt state is not touched), so
 *    that apt resolves the OPPs' dependencies among the repository's
 *    packages and what the system has installed; packages it pulls in
 *    from the repository are recorded as dependencies. dpkg -i when the
 *    system has no apt-get (no resolution: the OPPs named must do).
 *  - .rpm: dnf with no repository but the files, or rpm -U.
 *  - plain OPP with an Install-Script: /bin/sh runs it (its payload was
 *    unpacked before, opps.h).
 * A system without the tool a format needs is refused before anything
 * runs (-ENOENT naming the OPP and the tool); a tool that fails is -EIO
 * with the end of its output; after each run every OPP named is checked
 * in the package database (dpkg's status, rpm -q).
 */
#ifndef BOS_OPPINST_H
#define BOS_OPPINST_H

#include "chroot.h"
#include "opps.h"

/* The tools the chosen OPPs need are in the root; nothing runs. */
int bos_oppinst_check(struct ivg_ctx *ctx, const struct bos_chroot *c,
		      const struct bos_opps *o, const char *system);

/*
 * Install every OPP of 'o' whose how is BOS_OPP_PENDING or
 * BOS_OPP_SCRIPT; 'repo' is the repository's directory as the root's
 * commands see it. Each one's how says what was done; dependencies are
 * appended. passfd: where the tools' output goes (-1: kept for errors).
 */
int bos_oppinst_run(struct ivg_ctx *ctx, struct bos_chroot *c,
		    const char *repo, struct bos_opps *o, int passfd);

/*
 * For a running system (oppinstall), which libext2fs cannot write: the
 * plain OPPs of 'o' unpacked with the system's tar from the repository
 * ('repo' as the system sees it; 'repo_host' as this process does, where
 * each image is checked against the SHA-256 of its TOC entry first), its
 * TOC entry kept as /var/lib/ivg/opp/NAME.control.
 */
int bos_oppinst_unpack(struct ivg_ctx *ctx, struct bos_chroot *c,
		       const char *repo, const char *repo_host,
		       struct bos_opps *o, int passfd);

/*
 * What the system has of each TOC entry: installed[i] is the version
 * installed of entry i's package ("" when none), from dpkg's status
 * (.deb), rpm -q (.rpm, when the system has rpm) and the record at
 * /etc/ivg/installed.json (plain OPPs). Free with bos_oppinst_free_list.
 */
int bos_oppinst_query(struct ivg_ctx *ctx, struct bos_chroot *c,
		      const struct opp_toc *toc, char ***installed);
void bos_oppinst_free_list(char **v, size_t n);

#endif
