/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viorules.h - one-to-one, except read-only.
 *
 * A read-write mapping of a LUN is exclusive: no other VTD on this host
 * may map the same LUN (by identity, vioident.h), read-write or
 * read-only, and neither may a running partition of another host on the
 * SAN (viosan.h). Read-only mappings of a LUN may be shared by any number
 * of partitions. Within a partition each (SCSI ID, LUN) is used once and a
 * LUN is mapped once; the same SCSI ID in different partitions is fine,
 * the server tracks mappings per partition.
 *
 * A mapping held by a partition of another host that is not running does
 * not block a new one (this is how a partition moves: map the LUN on the
 * new host, shut the old partition down, boot the new one); booting is
 * what must then be exclusive: a partition boots only when no running
 * partition anywhere holds one of its LUNs in a conflicting mode.
 */
#ifndef VIO_RULES_H
#define VIO_RULES_H

#include "viohost.h"
#include "viosan.h"

/* May v (not yet added) be mapped? -EBUSY/-EEXIST naming the holder. */
int vio_rules_map(struct ivg_ctx *ctx, const struct vio_host *h,
		  const struct vio_san *san, const struct vio_vtd *v);

/* May partition lp boot now? -EBUSY naming the running holder. */
int vio_rules_boot(struct ivg_ctx *ctx, const struct vio_host *h,
		   const struct vio_san *san, const struct vio_lpar *lp);

/* The lowest SCSI ID with LUN 'lun' free in the partition, or -ENOSPC. */
int vio_rules_free_scsi_id(const struct vio_host *h, const char *lpar,
			   unsigned lun);

#endif
