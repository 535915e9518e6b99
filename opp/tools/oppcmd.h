/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppcmd.h - what the OPP commands share on top of the command layer
 * (cmd.h): the open VG's OPP repository (repo.h), and the steps of an
 * update around the session's (session.h).
 *
 * The runner has locked and opened the VG, and for a writer refused it if
 * partial or held by another host; an exported VG is imported for the
 * update (CMD_IMPORTS_EXPORTED) and exported again in the commit that
 * records the new TOC, or after a failure, so that it ends as it began.
 */
#ifndef OPP_OPPCMD_H
#define OPP_OPPCMD_H

#include "cmd.h"
#include "repo.h"

struct oppcmd {
	struct opp_repo repo;
	bool repo_open;
};

/* The VG's repository; read-write when the command writes. */
int oppcmd_open(struct cmd_run *r, struct oppcmd *c);
/*
 * Before the first write: the repository's change checked as the commit
 * will check it (opp_repo_prepare), the PVs opened read-write, an
 * exported VG imported, and what an interrupted command left in oppfs
 * given back.
 */
int oppcmd_begin_write(struct cmd_run *r, struct oppcmd *c);
/* Store the repository's change, commit the VG (exported again if it
 * was), finish. */
int oppcmd_commit(struct cmd_run *r, struct oppcmd *c);
/* Close the repository; after a failure ('failed': the command's result),
 * put back what the store wrote. Returns 'failed'. */
int oppcmd_close(struct cmd_run *r, struct oppcmd *c, int failed);

/* The flags every OPP writer has. */
#define OPPCMD_WRITER (CMD_VG_NAME | CMD_VG | CMD_WRITES_VG | CMD_IMPORTS_EXPORTED | \
		       CMD_ALLOW_PARTIAL)
#define OPPCMD_READER (CMD_VG_NAME | CMD_VG | CMD_ALLOW_PARTIAL)

#endif
