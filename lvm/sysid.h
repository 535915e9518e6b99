/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysid.h - this host's system ID, as lvm2 computes it.
 *
 * An IVG that a host uses read-write carries that host's system ID in the
 * VG's system_id field, exactly as lvm2 records the owner of a VG
 * (lvmsystemid(7)); other hosts then refuse to write it, and so does
 * lvm2. The ID comes from lvm.conf's global/system_id_source in the
 * directory 'etc_lvm' (lvm2's LVM_SYSTEM_DIR, normally /etc/lvm):
 * "uname", "lvmlocal" (lvmlocal.conf local/system_id), "machineid"
 * (/etc/machine-id) or "file" (global/system_id_file). With "none" or no
 * setting, ivg still needs a holder and takes uname's nodename, the ID
 * lvm2 would use with system_id_source = "uname". Like lvm2, characters
 * outside a VG name's set are dropped and the ID is cut at 128.
 */
#ifndef IVG_SYSID_H
#define IVG_SYSID_H

#include <stddef.h>

#include "ctx.h"

#define IVG_SYSID_MAX 128

/*
 * Fill out (IVG_SYSID_MAX + 1 bytes) with the host's system ID. -EINVAL
 * naming the file or setting when the source gives no usable ID (a
 * nodename "localhost...", an empty lvmlocal system_id), -ENOTSUP for
 * sources ivg cannot reproduce ("appmachineid").
 */
int ivg_host_system_id(struct ivg_ctx *ctx, const char *etc_lvm, char *out);

/* Copy s into out keeping only VG-name characters, at most the maximum. */
void ivg_system_id_clean(const char *s, char *out);

#endif
