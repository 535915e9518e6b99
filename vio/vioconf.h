/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioconf.h - vios's configuration: /etc/ivg/vios.conf ($IVG_VIOS_CONF),
 * lines "key = value", '#' comments:
 *
 *   lockspace = DIR   the lease directory all hosts share; the same as
 *                     file_lockspace_dir in every host's qemu-lockd.conf
 *   peer = URI        another libvirt host sharing the SAN (repeatable)
 *   accel = auto|kvm|tcg   how new partitions run (auto: KVM where the
 *                     host offers it, else TCG)
 *
 * A missing file is an empty configuration.
 */
#ifndef VIO_CONF_H
#define VIO_CONF_H

#include <limits.h>
#include <stddef.h>

#include "ctx.h"

#define VIO_CONF_DEFAULT "/etc/ivg/vios.conf"
#define VIO_PEERS_MAX 32

enum vio_accel { VIO_ACCEL_AUTO, VIO_ACCEL_KVM, VIO_ACCEL_TCG };

struct vio_conf {
	char path[PATH_MAX];
	char lockspace[PATH_MAX];  /* "" none */
	char peers[VIO_PEERS_MAX][1024];
	size_t npeers;
	enum vio_accel accel;
};

int vio_accel_parse(const char *s, enum vio_accel *a);

/* Read path (NULL: $IVG_VIOS_CONF or the default): 0, or -EINVAL
 * naming the file and line. */
int vio_conf_load(struct ivg_ctx *ctx, const char *path, struct vio_conf *c);

#endif
