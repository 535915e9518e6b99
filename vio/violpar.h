/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * violpar.h - a partition (LPAR) as vios sees it in its libvirt domain.
 *
 * A partition is a persistent libvirt domain. Its virtual SCSI client
 * adapter is one virtio-scsi controller; the server side is shown as
 * vhostN (N unique on its host). Each virtual target device (VTD) maps
 * one LUN (violun.h) to the partition's SCSI ID and LUN on that adapter:
 * a <disk> at <address type='drive' controller= bus='0' target=ID
 * unit=LUN>, read-only and shareable when mapped read-only.
 *
 * Like the SAN boot device of a BOS install volume group, a partition
 * keeps a boot type (normal, install, maintenance) and device lists: a
 * boot list for each boot type, and the rootvg, primary, secondary and
 * non-essential lists, each naming VTDs in order. What libvirt does not
 * know (VTD names, identities, boot type, lists, IDs) is kept in the
 * domain's <metadata> (viodom.h); memory, CPUs and the rest are the
 * domain's own.
 */
#ifndef VIO_LPAR_H
#define VIO_LPAR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "violun.h"

#define VIO_NAME_MAX 64
#define VIO_LIST_MAX 16
#define VIO_VTD_MAX 256
#define VIO_SCSI_ID_MAX 255       /* virtio-scsi targets 0..255 */
#define VIO_LUN_MAX 16383         /* virtio-scsi LUNs 0..16383 */

enum vio_boot_type { VIO_BOOT_NORMAL, VIO_BOOT_INSTALL, VIO_BOOT_MAINTENANCE };

enum vio_list {
	VIO_LIST_NORMAL,          /* boot list of each boot type, in order */
	VIO_LIST_INSTALL,
	VIO_LIST_MAINTENANCE,
	VIO_LIST_ROOTVG,
	VIO_LIST_PRIMARY,
	VIO_LIST_SECONDARY,
	VIO_LIST_NONESSENTIAL,
	VIO_NLISTS,
};

struct vio_vtd {
	char name[VIO_NAME_MAX];
	unsigned scsi_id, lun;
	bool ro;
	struct vio_lun backing;
};

struct vio_lpar {
	char name[VIO_NAME_MAX];
	unsigned id;              /* partition ID, 1.. on its host */
	unsigned adapter;         /* vhostN */
	enum vio_boot_type boot_type;
	char list[VIO_NLISTS][VIO_LIST_MAX][VIO_NAME_MAX];
	size_t nlist[VIO_NLISTS];
	struct vio_vtd *vtds;
	size_t nvtds;
	/* The domain's own, not vios's metadata. */
	uint64_t memory_mb;
	unsigned cpus;
	bool kvm;                 /* <domain type='kvm'>, else 'qemu' (TCG) */
	char console_log[PATH_MAX];
};

const char *vio_boot_type_name(enum vio_boot_type t);
int vio_boot_type_parse(const char *s, enum vio_boot_type *t);
const char *vio_list_name(enum vio_list l);
int vio_list_parse(const char *s, enum vio_list *l);

/* A name for partitions and VTDs: [A-Za-z0-9._+-], 1..63, no leading '-'. */
bool vio_name_valid(const char *s);

struct vio_vtd *vio_lpar_vtd(const struct vio_lpar *lp, const char *name);
/* The VTD at SCSI ID and LUN, or NULL. */
struct vio_vtd *vio_lpar_vtd_at(const struct vio_lpar *lp, unsigned scsi_id, unsigned lun);

/* Append a copy of v: 0 or -ENOMEM/-ENOSPC. */
int vio_lpar_add_vtd(struct ivg_ctx *ctx, struct vio_lpar *lp, const struct vio_vtd *v);
/* Remove a VTD and its place in every list. */
void vio_lpar_rm_vtd(struct vio_lpar *lp, const char *name);
/* Replace list l with names (each a VTD of lp): -ENOENT/-E2BIG named. */
int vio_lpar_set_list(struct ivg_ctx *ctx, struct vio_lpar *lp, enum vio_list l,
		      char *const *names, size_t n);

/* A deep copy (dst is overwritten, not freed). */
int vio_lpar_copy(struct ivg_ctx *ctx, struct vio_lpar *dst, const struct vio_lpar *src);
void vio_lpar_free(struct vio_lpar *lp);

#endif
