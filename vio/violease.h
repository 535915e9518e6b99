/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * violease.h - read-write exclusivity by libvirt's lock manager.
 *
 * With qemu.conf's lock_manager = "lockd", virtlockd locks every
 * resource of a running domain. Its automatic disk leases cover only
 * disks with a local path, and key them by path; so vios gives every
 * read-write LUN an explicit lease keyed by the LUN itself, its WWN
 * (a block device without one: "pv.UUID"), in a lockspace directory
 * that all hosts share (qemu-lockd.conf's file_lockspace_dir):
 *
 *   <lease><lockspace>basename(DIR)</lockspace><key>KEY</key>
 *          <target path='dirname(DIR)'/></lease>
 *
 * A second domain with the same key, on any host sharing DIR, then
 * fails to start ("resource busy"). virtlockd does not create DIR/KEY:
 * vios does, before it defines the domain. Read-only mappings take no
 * lease; image files keep libvirt's automatic path lease.
 */
#ifndef VIO_LEASE_H
#define VIO_LEASE_H

#include <stddef.h>

#include "violun.h"

/* The LUN's lease key, or "" when it takes none (an image file). */
void vio_lease_key(const struct vio_lun *l, char *out, size_t len);

/* Create DIR/KEY if missing (DIR must exist): 0 or an error naming it. */
int vio_lease_prepare(struct ivg_ctx *ctx, const char *dir, const char *key);

#endif
