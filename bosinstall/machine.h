/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * machine.h - a machine defined in an IVG, as AIX's NIM defines its
 * clients: who it is, and what its maintenance environment does when it
 * boots from the IVG, without a keyboard.
 *
 * An entry has a name (as a BOS name: [A-Za-z0-9._+-], at most 64), one
 * identity the machine can tell by itself at boot:
 *   uuid=UUID  the SMBIOS system UUID (/sys/class/dmi/id/product_uuid),
 *   mac=MAC    the address of one of its network interfaces,
 *   iqn=IQN    its iSCSI initiator name (iBFT);
 * an action: install (a BOS, OPPs, onto its targets), recover (its root
 * VG, found on its targets), maintenance (the menu); targets as stable
 * names the machine's own kernel shows whatever it calls the disk:
 *   wwn-0xHEX      the LUN's WWN (SCSI VPD page 0x83, as udev names it),
 *   serial-SERIAL  the disk's serial number,
 *   iscsi://HOST[:PORT]/IQN/LUN   an iSCSI LUN,
 *   /dev/NAME      as a last resort;
 * and what follows: poweroff, reboot, or nothing (the menu). The JSON
 * text of an entry is its file in bosfs (machines.h).
 */
#ifndef BOS_MACHINE_H
#define BOS_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define BOS_MACHINE_NAME_MAX 64
#define BOS_MACHINE_ID_MAX 224
#define BOS_MACHINE_MAX_LIST 16

enum bos_machine_id { BOS_ID_UUID, BOS_ID_MAC, BOS_ID_IQN };
enum bos_machine_action { BOS_ACT_INSTALL, BOS_ACT_RECOVER, BOS_ACT_MAINTENANCE };
enum bos_machine_then { BOS_THEN_NONE, BOS_THEN_POWEROFF, BOS_THEN_REBOOT };

struct bos_machine {
	char name[BOS_MACHINE_NAME_MAX + 1];
	enum bos_machine_id id_kind;
	char id[BOS_MACHINE_ID_MAX + 1];     /* normalised: lower case */
	enum bos_machine_action action;
	char bos[BOS_MACHINE_NAME_MAX + 1];  /* install: the BOS */
	char opps[BOS_MACHINE_MAX_LIST][BOS_MACHINE_ID_MAX + 1];
	size_t n_opps;
	char targets[BOS_MACHINE_MAX_LIST][BOS_MACHINE_ID_MAX + 1];
	size_t n_targets;
	enum bos_machine_then then;
	int64_t added;                       /* seconds since the epoch */
};

const char *bos_machine_id_name(enum bos_machine_id k);       /* "uuid" */
const char *bos_machine_action_name(enum bos_machine_action a);
const char *bos_machine_then_name(enum bos_machine_then t);   /* "" none */

/* "uuid=...", "mac=...", "iqn=..." into the entry, checked and
 * normalised; -EINVAL naming what is wrong. */
int bos_machine_set_id(struct ivg_ctx *ctx, struct bos_machine *m,
		       const char *spec);
int bos_machine_set_action(struct ivg_ctx *ctx, struct bos_machine *m,
			   const char *s);
int bos_machine_set_then(struct ivg_ctx *ctx, struct bos_machine *m,
			 const char *s);
/* A machine's name (as a BOS name); -EINVAL naming it otherwise. */
int bos_machine_name_check(struct ivg_ctx *ctx, const char *name);
/* A target in one of the forms above; -EINVAL otherwise. */
int bos_machine_check_target(struct ivg_ctx *ctx, const char *t);
/* The whole entry: name, identity, an install's BOS and targets, the
 * OPP specs (NAME[=VERSION]), every target. */
int bos_machine_check(struct ivg_ctx *ctx, const struct bos_machine *m);

/* JSON text (malloc'ed, len bytes ending in a newline, a NUL after
 * them) and back (checked). */
int bos_machine_format(struct ivg_ctx *ctx, const struct bos_machine *m,
		       char **text, size_t *len);
int bos_machine_parse(struct ivg_ctx *ctx, const char *what,
		      const char *text, size_t len, struct bos_machine *m);

/* What a machine can tell about itself (machineid.h reads it). */
struct bos_identity {
	char uuid[40];                       /* "" when unknown */
	char macs[BOS_MACHINE_MAX_LIST][18];
	size_t n_macs;
	char iqn[BOS_MACHINE_ID_MAX + 1];    /* "" when unknown */
};

/* Is the entry this machine's? */
bool bos_machine_matches(const struct bos_machine *m,
			 const struct bos_identity *me);

#endif
