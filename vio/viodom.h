/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viodom.h - a partition in its libvirt domain XML, both ways.
 *
 * vios keeps what libvirt does not know in the domain's <metadata>, in
 * its own namespace (VIO_XMLNS):
 *
 *   <vios:partition xmlns:vios="..." id="1" adapter="0" boot_type="normal">
 *     <vios:vtd name="lpa_root" scsi_id="3" lun="0" mode="rw" kind="iscsi"
 *               source="iscsi://host:3260/iqn.../2" wwn="naa.6..."
 *               pv="..." size="1073741824"/>
 *     <vios:list name="install">lpa_ivg</vios:list>
 *   </vios:partition>
 *
 * and writes the devices from it: one virtio-scsi controller (index 0)
 * and on it one <disk> per VTD at <address type='drive' controller='0'
 * bus='0' target=SCSI_ID unit=LUN> with the VTD's name as its serial,
 * <readonly/><shareable/> when read-only, <boot order=> from the boot
 * list of the boot type; a <lease> keyed by the LUN's WWN for every
 * read-write LUN that has one (violease.h); the boot information as the
 * firmware configuration file opt/ivg/vios. Everything else in a domain
 * (devices added with virsh, its UUID, ...) is kept as it is.
 */
#ifndef VIO_DOM_H
#define VIO_DOM_H

#include "violpar.h"

#define VIO_XMLNS "https://ivg.dev/xmlns/vios/1"
#define VIO_CONSOLE_LOG_DIR "/var/log/libvirt/qemu"

/*
 * The partition that a domain's XML describes. -ENOENT (no message) when
 * the domain has no vios metadata: it is not a partition; -EILSEQ naming
 * the domain when its XML or metadata does not read.
 */
int vio_dom_parse(struct ivg_ctx *ctx, const char *xml, struct vio_lpar *lp);

/*
 * The domain XML for partition lp booting with boot type 'mode': a new
 * domain when base is NULL, else base (the domain's XML now) with
 * vios's parts replaced. lockspace: the shared lease directory, or NULL
 * for no leases. *out is malloc'ed.
 */
int vio_dom_xml(struct ivg_ctx *ctx, const char *base, const struct vio_lpar *lp,
		enum vio_boot_type mode, const char *lockspace, char **out);

#endif
