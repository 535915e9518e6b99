/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioiscsi.h - an iSCSI LUN reached from this process with libiscsi, as
 * QEMU's libiscsi driver reaches it: no initiator of the kernel's, no
 * block device. Read only: INQUIRY, READ CAPACITY, READ, REPORT LUNS and
 * SendTargets discovery.
 *
 * A LUN is written iscsi://HOST[:PORT]/IQN/LUN (PORT 3260; HOST a name,
 * an IPv4 address or [IPv6]), as QEMU and libiscsi write it.
 */
#ifndef VIO_ISCSI_H
#define VIO_ISCSI_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "vioscsi.h"

#define VIO_ISCSI_PORT 3260
#define VIO_ISCSI_LUN_MAX 16383
#define VIO_IQN_MAX 224

struct vio_iscsi_url {
	char host[256];
	unsigned port;
	char iqn[VIO_IQN_MAX];
	unsigned lun;
};

/* Parse an iscsi:// URL: 0, or -EINVAL saying what is wrong with it. */
int vio_iscsi_parse(struct ivg_ctx *ctx, const char *url, struct vio_iscsi_url *out);
/* The URL again, in its one written form. */
void vio_iscsi_format(const struct vio_iscsi_url *u, char *out, size_t len);

struct vio_iscsi;

/* Log in to the URL's target (not its LUN yet): 0, or -EHOSTUNREACH naming it. */
int vio_iscsi_open(struct ivg_ctx *ctx, const struct vio_iscsi_url *u,
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
int vio_iscsi_targets(struct ivg_ctx *ctx, const struct vio_iscsi_url *u,
		      char (**iqns)[VIO_IQN_MAX], size_t *n);

#endif
