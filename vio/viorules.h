/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viorules.h - one-to-one, except read-only.
 *
 * A read-write mapping of a LUN is exclusive: no other VTD of any
 * partition, on this host or on any host vios is told of, may map the
 * same LUN (violun.h: the same WWN), read-write or read-only, whether
 * that partition runs or not. Read-only mappings of a LUN may be shared
 * by any number of partitions. Within a partition each SCSI ID and LUN
 * pair is used once and a LUN is mapped once; VTD names are unique on a
 * host. These rules are checked before anything is defined; libvirt's
 * lock manager (violease.h) holds running partitions apart again when
 * they start, whoever defined them.
 */
#ifndef VIO_RULES_H
#define VIO_RULES_H

#include "violpar.h"

/* A partition and the host (libvirt URI or name) that defines it. */
struct vio_placed {
	const char *host;
	const struct vio_lpar *lp;
};

/*
 * May v be added to partition lp of host 'host', given every partition
 * known (all[], which may hold lp itself)? 0, or -EEXIST/-EBUSY with a
 * message naming the partition, host and VTD in the way.
 */
int vio_rules_map(struct ivg_ctx *ctx, const struct vio_placed *all, size_t n,
		  const char *host, const struct vio_lpar *lp, const struct vio_vtd *v);

/* The lowest SCSI ID with LUN 'lun' free in the partition, or -ENOSPC. */
int vio_rules_free_scsi_id(const struct vio_lpar *lp, unsigned lun);

#endif
