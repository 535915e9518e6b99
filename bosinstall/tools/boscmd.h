/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boscmd.h - what the BOS commands share on top of the command layer
 * (cmd.h): the open IVG's BOS store (bosstore.h).
 *
 * The runner has locked and opened the VG, and for a writer refused it if
 * partial or held by another host. The checks run on a read-only store;
 * then begin_write reopens the PVs read-write (an exported VG is imported
 * for the update, one commit) and the store with them; finish exports it
 * again (after a failure, the runner does), so that it ends as it began.
 */
#ifndef BOS_BOSCMD_H
#define BOS_BOSCMD_H

#include "bosstore.h"
#include "cmd.h"

struct boscmd {
	struct bos_store *store;
	struct cmd_progress bar;   /* "Copying [####....]" on a terminal */
};

/* The VG's store, read-only until boscmd_begin_write. */
int boscmd_open(struct cmd_run *r, struct boscmd *c);
/* Before the first write: PVs read-write, an exported VG imported, the
 * store reopened read-write, what an interrupted command left given back. */
int boscmd_begin_write(struct cmd_run *r, struct boscmd *c);
/* Flush and close the store; export again what begin_write imported. */
int boscmd_finish(struct cmd_run *r, struct boscmd *c);
/* Close the store; returns 'failed' (the command's result). */
int boscmd_close(struct boscmd *c, int failed);

#define BOSCMD_WRITER (CMD_VG_NAME | CMD_VG | CMD_WRITES_VG | CMD_IMPORTS_EXPORTED | \
		       CMD_ALLOW_PARTIAL)
#define BOSCMD_READER (CMD_VG_NAME | CMD_VG | CMD_ALLOW_PARTIAL)

#endif
