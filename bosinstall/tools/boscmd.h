/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * boscmd.h - what the BOS commands share: the IVG opened as ivg's other
 * commands open it (session.h), and its BOS store (bosstore.h).
 *
 * A writer refuses a VG with missing PVs and one held by another host
 * before anything is written; the checks run on a read-only store, then
 * begin_write reopens the PVs read-write (an exported VG is imported for
 * the update, one commit) and the store with them; finish exports it
 * again (or after a failure, close does), so that it ends as it began.
 */
#ifndef BOS_BOSCMD_H
#define BOS_BOSCMD_H

#include <getopt.h>

#include "bosstore.h"
#include "../../opp/tools/oppcmd.h"   /* its option handling and help */

struct boscmd {
	/* The VG as the OPP tools hold it (its repository left closed):
	 * their import for an update and export after a failure serve. */
	struct oppcmd oc;
	struct bos_store *store;
	int bar_last;              /* the progress bar's last percentage */
};

int boscmd_open(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
		bool rw, struct boscmd *c);
/* Before the first write: PVs read-write, an exported VG imported. */
int boscmd_begin_write(struct ivg_ctx *ctx, struct boscmd *c);
/* Export again what begin_write imported; flush and close the store. */
int boscmd_finish(struct ivg_ctx *ctx, struct boscmd *c);
/* Close; after a failure, export again what begin_write imported. */
void boscmd_close(struct boscmd *c, bool failed);

/* A progress bar on stdout when it is a terminal (arg: the boscmd). */
void boscmd_bar(void *arg, uint64_t done, uint64_t total);

#endif
