/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioiscsi.h - an iSCSI LUN reached from this process with libiscsi, as
 * QEMU's libiscsi driver reaches it: no initiator of the kernel's, no
 * block device. Read only: INQUIRY, READ CAPACITY, READ, REPORT LUNS and
 * SendTargets discovery.
 *
 * A LUN is written iscsi://HOST[:PORT]/IQN/LUN (iscsiurl.h).
 */
#ifndef VIO_ISCSI_H
#define VIO_ISCSI_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "iscsiurl.h"
#include "vioscsi.h"

/* Its URLs: iscsiurl.h. */
struct vio_iscsi;

/* Log in to the URL's target (not its LUN yet): 0, or -EHOSTUNREACH naming it. */
int vio_iscsi_open(struct ivg_ctx *ctx, const struct ivg_iscsi_url *u,
		   struct vio_iscsi **out);
void vio_iscsi_close(struct vio_iscsi *s);

/* Commands to one LUN of the target: 0, -ENXIO when no such LUN, -EIO. */
int vio_iscsi_vpd83(struct ivg_ctx *ctx, struct vio_iscsi *s, unsigned lun,
		    uint8_t buf[VIO_VPD_MAX], size_t *got);
int vio_iscsi_capacity(struct ivg_ctx *ctx, struct vio_iscsi *s, unsigned lun,
		       uint64_t *bytes, unsigned *block);
/* Read any byte range of the LUN set with vio_iscsi_use (a vio_read_fn). */
void vio_iscsi_use(struct vio_iscsi *s, unsigned lun, unsigned block);
int vio_iscsi_read(struct ivg_ctx *ctx, void *s, void *buf, size_t len, uint64_t off);

/* The target's LUNs (REPORT LUNS); *luns malloc'ed. */
int vio_iscsi_luns(struct ivg_ctx *ctx, struct vio_iscsi *s, unsigned **luns, size_t *n);

/* The targets the URL's portal names (SendTargets); *iqns malloc'ed. */
int vio_iscsi_targets(struct ivg_ctx *ctx, const struct ivg_iscsi_url *u,
		      char (**iqns)[IVG_IQN_MAX], size_t *n);

#endif
