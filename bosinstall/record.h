/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.h - /etc/ivg/installed.json: what bosinstall put on the system.
 *
 * A JSON object (json-c), written into the root LV with the rest of the
 * install (rootadd.h), before the root VG is committed:
 *   { "ivg_version": "0.1.0", "date": "2026-11-29T21:40:00Z",
 *     "bos": { "name", "format", "sha256", "size" },
 *     "kernel": "6.1.0-18-amd64",
 *     "ivg": { "vg": "ivg0", "uuid": "xxxxxx-xxxx-..." },
 *     "opp_toc": { "generation": 3, "sha256": "..." } or null,
 *     "opps": [ { "name", "version", "architecture", "format",
 *                 "how" (opps.h: "apt", "dpkg", "rpm", "unpacked", ...),
 *                 "file" (in oppfs), "sha256", "script" (plain OPPs
 *                 with one), "dependency" (true: pulled in by apt) } ],
 *     "rootvg": { "name": "rootvg", "disks": [ "/dev/sdb" ] },
 *     "machine": "NAME"   (an unattended install from a machine entry)
 *     "note": "..." }   (only when something is left to do)
 * oppinstall adds what it installed on the running system to "opps"
 * (bos_record_add_opps).
 */
#ifndef BOS_RECORD_H
#define BOS_RECORD_H

#include <time.h>

#include "bosstore.h"
#include "opps.h"
#include "rootadd.h"

#define BOS_RECORD_PATH "etc/ivg/installed.json"

struct bos_record {
	const struct bos_manifest *bos;
	const char *kernel;        /* "" or NULL: unknown */
	const struct ivg_vg *ivg;
	const struct bos_opps *opps;   /* its repo's TOC meta; may be NULL */
	const char *rootvg;
	char *const *disks;
	size_t n_disks;
	time_t date;
	const char *machine;       /* the machine entry, or NULL */
	const char *note;          /* or NULL */
};

/* The JSON text (pretty, ending in a newline); *text is malloc'ed. */
int bos_record_json(struct ivg_ctx *ctx, const struct bos_record *rec,
		    char **text, size_t *len);
/* The text as BOS_RECORD_PATH (0644) in 'add'. */
int bos_record_add(struct ivg_ctx *ctx, const struct bos_record *rec,
		   struct bos_rootadd *add);

/*
 * Append the OPPs of 'o' that were installed (not pending) to the "opps"
 * of the record at 'path' (a host path) and write it back in its place
 * (a new file renamed over it, synced). A missing record is made with
 * "opps" alone.
 */
int bos_record_add_opps(struct ivg_ctx *ctx, const char *path,
			const struct bos_opps *o);
/*
 * The OPPs of format 'fmt' ("opp", "deb", "rpm") that the record at
 * 'path' lists: their names and versions (malloc'ed, n of each). A
 * missing record lists none.
 */
int bos_record_list_opps(struct ivg_ctx *ctx, const char *path,
			 const char *fmt, char ***names, char ***versions,
			 size_t *n);

/* The IVG the record says the system came from: its name and UUID (no
 * dashes), "" each when the record (or the field) is not there. */
int bos_record_ivg(struct ivg_ctx *ctx, const char *path,
		   char vg[IVG_NAME_MAX + 1], char vgid[IVG_UUID_LEN + 1]);

#endif
