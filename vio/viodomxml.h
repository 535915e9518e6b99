/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viodomxml.h - a partition as a libvirt domain (virsh define can take it):
 * the same machine vioqemu.h starts, one virtio-scsi controller per
 * mapping, each disk at its controller's target (SCSI ID) and unit (LUN),
 * read-only where mapped read-only, boot order from the boot list.
 */
#ifndef VIO_DOMXML_H
#define VIO_DOMXML_H

#include <stdio.h>

#include "vioqemu.h"

/* Write the domain XML of q (its disks, kernel, console) to out. */
void vio_domain_xml(const struct vio_qemu *q, FILE *out);

#endif
