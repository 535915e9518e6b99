/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sanaddr.h - where a disk is on the SAN, from sysfs: its WWN, the
 * multipath map it is (if any), and for each path the transport and
 * address the kernel shows: an iSCSI session's target IQN, portal and
 * LUN, a Fibre Channel remote port's WWPN and LUN, or the SCSI address
 * H:C:T:L of a local disk.
 *
 * A partition stands for its disk, a kpartx partition of a multipath map
 * for the map. Nothing is read from the disk itself.
 */
#ifndef IVG_SANADDR_H
#define IVG_SANADDR_H

#include <stddef.h>
#include <sys/types.h>

#include "mpath.h"

#define IVG_SAN_PATHS_MAX 8

enum ivg_san_transport { IVG_SAN_OTHER, IVG_SAN_SCSI, IVG_SAN_ISCSI, IVG_SAN_FC };

struct ivg_san_path {
	char kname[IVG_KNAME_MAX];  /* "sdb" */
	enum ivg_san_transport transport;
	char hctl[32];              /* SCSI host:channel:target:lun */
	char target[256];           /* iSCSI target IQN, FC remote port WWPN */
	char portal[300];           /* iSCSI: HOST:PORT */
	char initiator[256];        /* iSCSI: the initiator name it logged in as */
	unsigned long long lun;
	char state[32];             /* the SCSI device's state ("running") */
};

struct ivg_san_disk {
	char kname[IVG_KNAME_MAX];  /* the whole disk, or the map ("dm-0") */
	char wwn[128];              /* "naa.6001405..." or "" */
	char mpath[256];            /* the map's /dev/mapper name, or "" */
	size_t n_paths;             /* all of them; at most MAX described */
	struct ivg_san_path paths[IVG_SAN_PATHS_MAX];
};

/*
 * The disk under block device 'dev' (major:minor), with sysfs at 'sys'
 * ("/sys", or a tree like it in tests): 0, or -ENODEV when sysfs does
 * not show the device.
 */
int ivg_san_disk_at(const char *sys, dev_t dev, struct ivg_san_disk *out);

/* The same for a path: -ENOTBLK when it is no block device (an image file). */
int ivg_san_disk(const char *path, struct ivg_san_disk *out);

/* Is there anything to say about it (a WWN, a SAN transport, a map)? */
int ivg_san_disk_known(const struct ivg_san_disk *d);

/* One path in a line: "iSCSI iqn.... LUN 1 at 10.0.2.2:3260". */
void ivg_san_path_format(const struct ivg_san_path *p, char *out, size_t len);

#endif
