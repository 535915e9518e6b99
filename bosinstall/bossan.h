/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bossan.h - an installed system that boots from its SAN LUN.
 *
 * A target that is an iSCSI LUN (sanaddr.h) is reached at boot by the
 * firmware (iPXE's or the NIC's sanboot), which hands the session to the
 * OS in the iBFT; the installed system's initramfs must then log in by
 * itself, from that table. On Debian that is open-iscsi's initramfs-tools
 * support (its hook puts iscsistart into every initramfs) with ISCSI_AUTO:
 * the kernel argument iscsi_auto now, and /etc/iscsi/iscsi.initramfs for
 * the initramfs the system builds later. A target that is a multipath map
 * needs dm-multipath in the initramfs before the root VG is activated
 * (multipath-tools, and on initramfs-tools multipath-tools-boot).
 *
 * What a BOS holds is noted by bosadd in its manifest ("san_tools"); a raw
 * BOS is looked at in place. bos_san_plan() refuses, before anything is
 * written, a BOS that lacks what its targets need, naming the package.
 * bos_san_files() then gives the installed system: its initiator name
 * (/etc/iscsi/initiatorname.iscsi: the one this machine reached the LUN
 * with, which the SAN's access lists know; the BOS's own would be shared
 * by every system installed from it), /etc/iscsi/iscsi.initramfs
 * (ISCSI_AUTO=true), and the LUNs' WWIDs in /etc/multipath/wwids.
 */
#ifndef BOS_BOSSAN_H
#define BOS_BOSSAN_H

#include <ext2fs/ext2fs.h>
#include <stdbool.h>

#include "bosstore.h"
#include "rootadd.h"

/* What a BOS holds for a SAN boot (bits of bos_manifest.san_tools). */
enum {
	BOS_SAN_ISCSISTART = 1,        /* sbin/iscsistart (open-iscsi) */
	BOS_SAN_MULTIPATH = 2,         /* sbin/multipath (multipath-tools) */
	BOS_SAN_INITRAMFS_TOOLS = 4,   /* initramfs-tools builds its initramfs */
	BOS_SAN_IT_ISCSI = 8,          /* its iscsi hook (open-iscsi) */
	BOS_SAN_IT_MULTIPATH = 16,     /* its multipath hook (multipath-tools-boot) */
};
#define BOS_SAN_TOOLS 5

/* The bit a clean archive path (bospath.h) stands for, or 0. */
unsigned bos_san_tool_of(const char *path);
/* The bit's name in the manifest ("iscsistart"...), or NULL. */
const char *bos_san_tool_name(unsigned bit);
unsigned bos_san_tool_by_name(const char *name);
/* The same looked up in an ext2/3/4 root (a raw BOS). */
unsigned bos_san_tools_in_fs(ext2_filsys fs);

#define BOS_SAN_WWIDS_MAX 16

struct bos_san {
	bool iscsi;                /* a target is an iSCSI LUN */
	bool multipath;            /* a target is a multipath map */
	char initiator[256];       /* the initiator that reached it */
	size_t n_wwids;
	char wwids[BOS_SAN_WWIDS_MAX][128];
	char kernel_args[32];      /* "iscsi_auto" or "" */
};

/*
 * Look at the targets (block devices, with sysfs at 'sys', "/sys"; image
 * files and local disks need nothing) and check the BOS (its manifest's
 * san_tools, or 'tools' looked up in a raw BOS, -1 if that failed):
 * -ENOPKG naming the package and the target when the installed system
 * could not boot from it.
 */
int bos_san_plan(struct ivg_ctx *ctx, const char *sys, char *const *disks, size_t n,
		 const struct bos_manifest *m, int tools, struct bos_san *out);

/* The installed system's files for its SAN boot (nothing when none). */
int bos_san_files(struct ivg_ctx *ctx, const struct bos_san *s, struct bos_rootadd *add);

#endif
