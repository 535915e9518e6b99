/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opps.h - the OPPs a BOS install (or oppinstall) puts on a system.
 *
 * The OPPs are chosen by "NAME" or "NAME=VERSION" from the IVG's OPP
 * repository (repo.h, opened read-only: nothing is written to the IVG)
 * and found before anything is written; a TOC that does not match what
 * the VG metadata committed (stale or torn) is refused when OPPs are
 * asked for. How each goes in:
 *  - plain OPP (tar): its members are unpacked into the root, read from
 *    oppfs and checked against the SHA-256 of its TOC entry as they are
 *    read, judged by bos_untar with the OPP policy (no device nodes,
 *    nothing outside the root); its opp.control goes to
 *    /var/lib/ivg/opp/NAME.control; when the control names an
 *    Install-Script (a path of the payload), the system's /bin/sh runs
 *    it afterwards (oppinst.h);
 *  - .deb and .rpm: installed by the system's own package manager from
 *    the repository (oppinst.h); packages that apt pulls in from the
 *    repository as dependencies are added to the list (dependency).
 * Everything unpacked goes through one bos_rootadd (rootadd.h).
 */
#ifndef BOS_OPPS_H
#define BOS_OPPS_H

#include <stdbool.h>
#include <stdint.h>

#include "pkg.h"
#include "repo.h"
#include "rootadd.h"

#define BOS_OPP_DIR "var/lib/ivg/opp"
/* The control field of a plain OPP naming its install script. */
#define BOS_OPP_SCRIPT_FIELD "Install-Script"

enum bos_opp_how {
	BOS_OPP_UNPACKED,          /* plain OPP, in the root */
	BOS_OPP_SCRIPT,            /* plain OPP, unpacked, its script run */
	BOS_OPP_APT,               /* .deb, apt-get from the repository */
	BOS_OPP_DPKG,              /* .deb, dpkg -i (the system has no apt) */
	BOS_OPP_DNF,               /* .rpm, dnf */
	BOS_OPP_RPM,               /* .rpm, rpm -U (the system has no dnf) */
	BOS_OPP_PENDING,           /* a package not installed yet */
};

/* "unpacked", "install-script", "apt", "dpkg", "dnf", "rpm", "pending". */
const char *bos_opp_how_name(enum bos_opp_how how);

struct bos_opp {
	const char *name, *version, *arch, *file, *sha256;   /* TOC entry's */
	const char *script;        /* plain OPP: its Install-Script, or NULL */
	enum opp_format fmt;
	uint64_t size;
	enum bos_opp_how how;
	bool dependency;           /* pulled in by apt, not asked for */
};

struct bos_opps {
	struct opp_repo repo;
	bool have_repo;            /* the repository could be read */
	struct bos_opp *v;
	size_t n, cap;
};

/*
 * Open the IVG's repository and find every spec; nothing is written.
 * With no specs a repository that cannot be read is no error (have_repo
 * stays false: the install records no TOC generation).
 */
int bos_opps_select(struct ivg_ctx *ctx, struct ivg_vg *ivg,
		    char *const *specs, size_t n, struct bos_opps *out);
/* Bytes the chosen OPPs take once installed, at least (room for them). */
uint64_t bos_opps_bytes(const struct bos_opps *o);
/* Are there OPPs of this format, or (OPP_FMT_OPP) plain ones with a script? */
bool bos_opps_need(const struct bos_opps *o, enum opp_format fmt);
/* Add the TOC entry 'k' as a dependency that was installed with 'how'. */
int bos_opps_add_dependency(struct ivg_ctx *ctx, struct bos_opps *o, long k,
			    enum bos_opp_how how);
/* The plain OPPs' payloads and controls, read and checked, into 'add'. */
int bos_opps_add(struct ivg_ctx *ctx, struct bos_opps *o,
		 struct bos_rootadd *add);
void bos_opps_free(struct ivg_ctx *ctx, struct bos_opps *o);

#endif
