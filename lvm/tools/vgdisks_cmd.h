/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vgdisks_cmd.h - what the commands that add and drop an IVG's disks
 * (ivgextend, ivgreduce, ivgreplace; library: vgdisks.h) share.
 */
#ifndef IVG_VGDISKS_CMD_H
#define IVG_VGDISKS_CMD_H

#include <stdbool.h>

#include "cmd.h"

/* The PV an argument names: its device or image file, its UUID or its
 * name in the VG ("pv2"), present or missing. -ENOENT naming it. */
int pv_from_arg(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *arg,
		struct ivg_pv **out);

/*
 * A writer's checks (exported, the holder; partial unless 'partial') and
 * the PVs reopened read-write (the present ones, when partial).
 */
int vgdisks_may_write(struct cmd_run *r, bool partial);

/*
 * After disks joined or left: every boot disk's GRUB images written again
 * (each falls back to the other legs in boot order, by their names), when
 * the VG holds a boot image; 'what' names the work directory.
 */
int rewrite_boot_records(struct ivg_ctx *ctx, struct ivg_vg *vg, const char *what);

/* ivg_extend_opts.confirm over cmd_confirm (arg: the struct cmd_run). */
bool vgdisks_confirm(void *arg, const char *question);

/*
 * After a commit cut short some metadata copies hold the older seqno (or
 * are damaged): a command that goes on from there without a commit of its
 * own writes them all current first. VG open read-write.
 */
int vgdisks_copies_current(struct cmd_run *r);

#endif
