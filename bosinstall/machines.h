/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * machines.h - the machine entries of an IVG (machine.h): one JSON file
 * each, "machines/NAME.json" in bosfs, beside the BOS manifests.
 *
 * Writes go through oppfs.h's staging, as bosadd's manifests do: the new
 * file is written and synced under a name of its own, then given its
 * name in one directory-entry write (or a rename when bosfs is mounted);
 * a replaced or removed file goes into staging, then freed (reclaim).
 * So a crash leaves the old entry or the new one, never half of one, and any number of machines read the entries at once (read-only).
 */
#ifndef BOS_MACHINES_H
#define BOS_MACHINES_H

#include <stdbool.h>

#include "machine.h"
#include "oppfs.h"
#include "strvec.h"

#define BOS_MACHINE_DIR "machines"

struct bos_machines {
	struct bos_machine *v;     /* sorted by name */
	size_t n;
	struct ivg_strvec problems; /* one line per entry that cannot be read */
};

int bos_machines_list(struct ivg_ctx *ctx, struct opp_fs *fs,
		      struct bos_machines *out);
void bos_machines_free(struct bos_machines *l);
/* The entry of that name, or NULL. */
const struct bos_machine *bos_machines_find(const struct bos_machines *l,
					    const char *name);
/* Write m (checked first); -EEXIST without 'replace' when it is there. */
int bos_machines_put(struct ivg_ctx *ctx, struct opp_fs *fs,
		     const struct bos_machine *m, bool replace);
/* Remove an entry; -ENOENT naming it when there is none. */
int bos_machines_remove(struct ivg_ctx *ctx, struct opp_fs *fs,
			const char *name);

#endif
