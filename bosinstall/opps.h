/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opps.h - the OPPs a BOS install adds to the installed root.
 *
 * The OPPs are chosen by "NAME" or "NAME=VERSION" from the IVG's OPP
 * repository (repo.h, opened read-only: nothing is written to the IVG)
 * and found before anything is written; a TOC that does not match what
 * the VG metadata committed (stale or torn) is refused when OPPs are
 * asked for. Each is read from oppfs and checked against the SHA-256 of
 * its TOC entry as it is read. How each goes in:
 *  - plain OPP (tar): its members are unpacked into the root, judged by
 *    bos_untar with the OPP policy (no device nodes, nothing outside the
 *    root); its opp.control goes to /var/lib/ivg/opp/NAME.control;
 *  - .deb: first left in a local flat apt repository, /var/lib/ivg/opp
 *    (with a Packages index), with a disabled entry in
 *    /etc/apt/sources.list.d/ivg-opp.list; then, where this host can,
 *    installed from there with dpkg --root (bos_opps_dpkg); else a note
 *    says how to install them on the running system;
 *  - .rpm: left in /var/lib/ivg/opp/rpm with a note.
 * Everything goes through one bos_rootadd (rootadd.h).
 */
#ifndef BOS_OPPS_H
#define BOS_OPPS_H

#include <stdbool.h>
#include <stdint.h>

#include "pkg.h"
#include "repo.h"
#include "rootadd.h"

#define BOS_OPP_DIR "var/lib/ivg/opp"
#define BOS_OPP_RPM_DIR BOS_OPP_DIR "/rpm"
#define BOS_OPP_APT_LIST "etc/apt/sources.list.d/ivg-opp.list"

enum bos_opp_how {
	BOS_OPP_UNPACKED,          /* plain OPP, in the root */
	BOS_OPP_LOCAL_APT,         /* .deb left in the local apt repository */
	BOS_OPP_LOCAL_RPM,         /* .rpm left in the local directory */
	BOS_OPP_DPKG,              /* .deb installed with dpkg --root */
};

/* "unpacked", "local-apt-repository", "local-rpm-directory", "dpkg". */
const char *bos_opp_how_name(enum bos_opp_how how);

struct bos_opp {
	const char *name, *version, *arch, *file, *sha256;   /* TOC entry's */
	enum opp_format fmt;
	uint64_t size;
	enum bos_opp_how how;
	char where[300];           /* in the root: "var/lib/ivg/opp/x.deb" */
};

struct bos_opps {
	struct opp_repo repo;
	bool have_repo;            /* the repository could be read */
	struct bos_opp *v;
	size_t n;
	char note[1024];           /* what the administrator has to do; "" */
};

/*
 * Open the IVG's repository and find every spec; nothing is written.
 * With no specs a repository that cannot be read is no error (have_repo
 * stays false: the install records no TOC generation).
 */
int bos_opps_select(struct ivg_ctx *ctx, struct ivg_vg *ivg,
		    char *const *specs, size_t n, struct bos_opps *out);
/* Bytes of the chosen images (room the root needs for them at least). */
uint64_t bos_opps_bytes(const struct bos_opps *o);
/* Read every chosen image and add it to 'add' as described above. */
int bos_opps_add(struct ivg_ctx *ctx, struct bos_opps *o,
		 struct bos_rootadd *add);
/*
 * The .debs left in the local repository of the root LV 'lv' of 'vg'
 * (its PVs open read-write, the files written), installed with
 * "dpkg --root" where this host can: dpkg is installed, the LV can be
 * shown through a loop device (one linear segment) and mounted, and the
 * root has a dpkg database (var/lib/dpkg/status). Those become
 * BOS_OPP_DPKG and the note is updated. When the host cannot, nothing
 * changes (said with ivg_info); a dpkg run that fails is an error.
 */
int bos_opps_dpkg(struct ivg_ctx *ctx, struct bos_opps *o, struct ivg_vg *vg,
		  const char *lv, const char *tmpdir);
void bos_opps_free(struct ivg_ctx *ctx, struct bos_opps *o);

#endif
