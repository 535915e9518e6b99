/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioqemu.h - a partition as a QEMU machine.
 *
 * Every mapping gets its own virtio-scsi adapter (the partition's virtual
 * SCSI client adapter) with one scsi-hd at the mapping's SCSI ID and LUN;
 * read-only mappings are read-only drives. Boot devices carry bootindex
 * 1, 2, ... in boot-list order. TCG (-accel tcg): KVM is not assumed.
 * QEMU daemonizes once it is up; QMP listens on a UNIX socket, the serial
 * console goes to a file, the PID to a pidfile.
 */
#ifndef VIO_QEMU_H
#define VIO_QEMU_H

#include <stdbool.h>
#include <stddef.h>

#include "viohost.h"

struct vio_qemu_disk {
	const struct vio_vtd *vtd;
	const char *path;         /* where the LUN is now */
	unsigned bootindex;       /* 0: not a boot device */
};

struct vio_qemu {
	const char *binary;       /* NULL: $IVG_QEMU or qemu-system-x86_64 */
	const struct vio_lpar *lpar;
	const char *qmp, *pidfile, *console, *bootinfo;
	const char *kernel, *initrd, *append;  /* direct kernel boot (tests) */
	char *const *extra;       /* more QEMU arguments */
	size_t nextra;
	const struct vio_qemu_disk *disks;
	size_t ndisks;
};

/* A NULL-terminated argv (free with vio_argv_free). */
int vio_qemu_argv(struct ivg_ctx *ctx, const struct vio_qemu *q, char ***argv);
void vio_argv_free(char **argv);

/*
 * Run argv (QEMU with -daemonize), its output into log; returns once QEMU
 * is up, with the daemon's PID read from pidfile, or an error quoting the
 * end of the log.
 */
int vio_qemu_start(struct ivg_ctx *ctx, char *const *argv, const char *log,
		   const char *pidfile, int *pid);

#endif
