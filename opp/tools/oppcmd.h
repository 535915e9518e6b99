/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppcmd.h - what the OPP commands share: the VG opened as ivg's other
 * commands open it (session.h), and its OPP repository (repo.h).
 *
 * A writer refuses a VG with missing PVs and one held by another host
 * (ivg_vg_check_holder) before anything is written. An exported VG is
 * imported for the update (EXPORTED cleared, this host the holder, one
 * commit), and exported again in the commit that records the new TOC, or
 * after a failure, so that it ends as it began.
 */
#ifndef OPP_OPPCMD_H
#define OPP_OPPCMD_H

#include <getopt.h>

#include "repo.h"
#include "session.h"
#include "sysid.h"

struct oppcmd {
	struct session s;
	struct opp_repo repo;
	bool rw, imported_now, repo_open;
	char me[IVG_SYSID_MAX + 1];
};

/* The VG alone (a writer: not partial, not held by another host). */
int oppcmd_open_vg(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
		   bool rw, struct oppcmd *c);
/* The VG and its OPP repository. */
int oppcmd_open(struct ivg_ctx *ctx, const struct opts *o, const char *vg,
		bool rw, struct oppcmd *c);
/*
 * Before the first write: the repository's change checked as the commit
 * will check it (opp_repo_prepare), the PVs opened read-write, an
 * exported VG imported, and what an interrupted command left in oppfs
 * given back.
 */
int oppcmd_begin_write(struct ivg_ctx *ctx, struct oppcmd *c);
/* Store the repository's change, commit the VG (exported again if it
 * was), finish. */
int oppcmd_commit(struct ivg_ctx *ctx, struct oppcmd *c);
/* Close; after a failure, put back what the store wrote and export
 * again what begin_write imported. */
void oppcmd_close(struct oppcmd *c, bool failed);

/*
 * Ask before a repair: 0 to go on (-y, or "y" on the terminal); refused
 * (-EPERM) without a terminal, saying to give -y, or when answered no,
 * naming 'what'.
 */
int oppcmd_confirm(struct ivg_ctx *ctx, const struct opts *o,
		   const char *question, const char *what);

/* The options every OPP command takes: help text and getopt entries. */
#define OPPCMD_HELP_COMMON \
"      --devices LIST only these devices or image files (comma-separated)\n" \
"  -v, --verbose      say more\n" \
"      --help         this help\n"
#define OPPCMD_HELP_EXIT "\nExit status: 0 done, 3 bad command line, 5 failed.\n"
#define OPPCMD_LONGOPTS_COMMON \
	{ "devices", required_argument, NULL, OPT_DEVICES }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "yes", no_argument, NULL, 'y' }, \
	{ "help", no_argument, NULL, OPT_HELP }, \
	{ "version", no_argument, NULL, OPT_VERSION }, \
	{ NULL, 0, NULL, 0 }

/* Option parsing the OPP commands share: 1 handled, 0 not, -1 bad. */
int oppcmd_opt(struct ivg_ctx *ctx, struct opts *o, int c, const char *arg,
	       const char *cmd, const char *help);

/*
 * The command line of an OPP or BOS command: the shared options, then the
 * command's own through 'own' (1 handled, 0 not its own, -1 bad with the
 * message said; NULL: none), then a VG name and between 'min' and 'max'
 * more operands, which 'need' names for the message ("a VG name and at
 * least one FILE are needed"). Returns 0 with *vg, *rest and *n set, or
 * EINVALID_CMD_LINE once the message is said.
 */
struct oppcmd_line {
	const char *cmd, *help, *need;
	const struct option *longopts;
	size_t min, max;
	int (*own)(struct ivg_ctx *ctx, int c, const char *arg, void *data);
	void *data;
};

int oppcmd_parse(struct ivg_ctx *ctx, struct opts *o, int argc, char **argv,
		 const struct oppcmd_line *l, const char **vg, char ***rest,
		 size_t *n);

#endif
