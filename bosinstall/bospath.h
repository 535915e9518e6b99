/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bospath.h - the path of an archive entry, judged before it is restored.
 *
 * An entry's name (and a hard link's target) is turned into a clean path
 * relative to the target root: "." and empty components dropped, so
 * "./etc//passwd" is "etc/passwd" and "./" is "" (the root itself).
 * Refused, with a message naming the entry: an absolute name ("/etc"),
 * a ".." component anywhere (even one that stays inside), a component
 * longer than 255 bytes, a path over BOS_PATH_MAX, a control character
 * other than in the middle of a name (none: names with a newline are
 * refused too, they would corrupt listings), and an entry type the
 * policy does not allow where it is (device nodes: see below).
 * Symbolic link targets are not judged here: they are stored as they
 * are and never followed while restoring (untar.h).
 *
 * This is pure string handling (no I/O), so that it can be fuzzed
 * (tests/fuzz/fuzz_bostar.c).
 */
#ifndef BOS_BOSPATH_H
#define BOS_BOSPATH_H

#include <stddef.h>

#include "ctx.h"

#define BOS_PATH_MAX 4096
#define BOS_NAME_COMPONENT_MAX 255

/* What an entry is, as far as the policy cares. */
enum bos_entry_kind {
	BOS_ENT_FILE,
	BOS_ENT_DIR,
	BOS_ENT_SYMLINK,
	BOS_ENT_HARDLINK,
	BOS_ENT_CHR,
	BOS_ENT_BLK,
	BOS_ENT_FIFO,
	BOS_ENT_SOCK,
};

/* Where device nodes (character and block) may be. */
enum bos_dev_policy {
	BOS_DEV_NONE,              /* nowhere: OPP archives */
	BOS_DEV_UNDER_DEV,         /* only under dev/: a BOS's /dev */
	BOS_DEV_ANYWHERE,
};

struct bos_path_policy {
	enum bos_dev_policy dev;
	/* FIFOs and sockets: allowed anywhere when true, else refused. */
	int allow_fifo;
};

/* BOS_DEV_UNDER_DEV with FIFOs: what a base operating system holds. */
extern const struct bos_path_policy bos_policy_bos;
/* No device nodes, no FIFOs: what an OPP archive may hold. */
extern const struct bos_path_policy bos_policy_opp;

/*
 * Clean 'name' (the entry 'kind') into out[outlen] (at least
 * BOS_PATH_MAX + 1 bytes). 0, or -EINVAL with a message naming the
 * entry and what is wrong ("entry \"../x\": a \"..\" component ...").
 */
int bos_path_clean(struct ivg_ctx *ctx, const char *name,
		   enum bos_entry_kind kind, const struct bos_path_policy *pol,
		   char *out, size_t outlen);

#endif
