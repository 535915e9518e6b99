/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scan.h - find the PVs on a set of devices, reading them in parallel.
 *
 * For every device: the LVM label in sectors 0-3 of the whole device, or
 * else of the LVM partition of its GPT (libblkid); then every metadata
 * area's header and committed text. Device heads are read once, all
 * devices at a time (libaio). A device that cannot be opened or read, or
 * holds no PV, is recorded with the reason; a damaged metadata copy is
 * recorded per copy. Nothing is written.
 */
#ifndef IVG_SCAN_H
#define IVG_SCAN_H

#include "label.h"
#include "mda.h"
#include "vg.h"

struct ivg_dev;

struct ivg_mda_copy {
	int err;                    /* 0, or -errno: why unusable */
	char errmsg[256];
	struct ivg_mda_header hdr;
	char *text;                 /* committed text, NUL terminated */
	size_t len;                 /* as stored, with the NUL */
	bool shared;                /* text belongs to an earlier copy */
	char vgname[IVG_NAME_MAX + 1];
	char vgid[IVG_UUID_LEN + 1];
	uint32_t seqno;
};

struct ivg_scan_pv {
	char *path;
	struct ivg_dev *dev;        /* NULL if it could not be opened */
	int err;                    /* 0 or why it is not a usable PV */
	char errmsg[256];
	bool has_label;
	bool in_partition;          /* PV in a GPT partition of the disk */
	int partno;
	struct ivg_label label;
	size_t mda_count;
	struct ivg_mda_copy mda[2];
};

struct ivg_scan {
	size_t count;
	struct ivg_scan_pv *pvs;
};

/* rdwr: open devices for writing (commands that change the VG). */
int ivg_scan_devices(struct ivg_ctx *ctx, char *const *paths, size_t n,
		     bool rdwr, struct ivg_scan **out);
void ivg_scan_free(struct ivg_scan *s);

/*
 * Whether any metadata area header of the scan's PVs now reads other
 * than it did (a commit since, or an area unreadable now): a command that
 * scanned before it took its VG locks scans again when this says so.
 */
bool ivg_scan_changed(const struct ivg_scan *s);

/*
 * The best (highest seqno, valid) copy of VG 'name' in the scan, or NULL;
 * with vgid (32 characters, no dashes) only copies of the VG with that
 * UUID: two VGs may share a name (lvm2 warns and shows both).
 */
const struct ivg_mda_copy *ivg_scan_best(const struct ivg_scan *s,
					 const char *vgname, const char *vgid);

/*
 * How many different VGs (by UUID) the valid copies named 'vgname'
 * belong to; the first 'max' UUIDs go to ids, in the order found.
 */
size_t ivg_scan_vgids(const struct ivg_scan *s, const char *vgname,
		      char (*ids)[IVG_UUID_LEN + 1], size_t max);

/*
 * What is wrong with device p, in one line naming it, or NULL: a label
 * or metadata area that cannot be used (the first one that cannot). A
 * device without a PV label, or one that cannot be opened, counts only
 * when 'named' (the user listed it): a machine has many disks that are
 * no PVs.
 */
const char *ivg_scan_trouble(const struct ivg_scan_pv *p, bool named);

#endif
