/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tools.h - the ivg commands: one binary, a command table, symlinks.
 *
 * Each command is a function taking (ctx, argc, argv) and returning an
 * LVM exit code. Shared option handling (sizes, --devices, -v, -y, the
 * report format) lives in common.c.
 */
#ifndef IVG_TOOLS_H
#define IVG_TOOLS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "strvec.h"

/* LVM2's exit codes. */
enum {
	ECMD_OK = 0,
	EINVALID_CMD_LINE = 3,
	ECMD_FAILED = 5,
};


extern const struct cmd_def cmd_ivgcreate_def;
extern const struct cmd_def cmd_ivgimport_def;
extern const struct cmd_def cmd_ivgexport_def;
extern const struct cmd_def cmd_ivgs_def;
extern const struct cmd_def cmd_ivgchange_def;
/* Disks joining and leaving (vgdisks.h). */
extern const struct cmd_def cmd_ivgextend_def;
extern const struct cmd_def cmd_ivgreduce_def;
extern const struct cmd_def cmd_ivgreplace_def;
/* The OPP repository (opp/tools/). */
extern const struct cmd_def cmd_oppadd_def;
extern const struct cmd_def cmd_opplist_def;
extern const struct cmd_def cmd_oppck_def;
extern const struct cmd_def cmd_opprm_def;
extern const struct cmd_def cmd_opptoc_def;
extern const struct cmd_def cmd_oppinstall_def;
/* The maintenance boot image (boot/tools/). */
extern const struct cmd_def cmd_ivgmkboot_def;
/* BOS install (bosinstall/tools/). */
extern const struct cmd_def cmd_bosadd_def;
extern const struct cmd_def cmd_boslist_def;
extern const struct cmd_def cmd_bosrm_def;
extern const struct cmd_def cmd_ivgmachine_add_def;
extern const struct cmd_def cmd_ivgmachine_rm_def;
extern const struct cmd_def cmd_ivgmachine_ls_def;
extern const struct cmd_def cmd_ivgmachine_find_def;
extern const struct cmd_def cmd_bosinstall_def;
/* Recovery of a root VG (recovery/tools/). */
extern const struct cmd_def cmd_ivgrecover_def;
extern const struct cmd_def cmd_ivgbootlist_def;
extern const struct cmd_def cmd_ivgck_def;
/* ivgcreate's boot image (boot/tools/ivgmkboot.c): prepared (kernel,
 * initramfs, size checked) before anything is written, then installed by
 * ivg_create's before_commit hook (arg: the bootcmd). */
struct bootcmd;
struct cmd_run;
struct ivg_vg;
int bootcmd_prepare(struct ivg_ctx *ctx, const struct cmd_run *run,
		    const char *kernel, const char *initrd, uint64_t bootlv_bytes,
		    struct bootcmd **out);
int bootcmd_install(struct ivg_ctx *ctx, struct ivg_vg *vg, void *arg);
void bootcmd_free(struct bootcmd *b);

/* Common state that the shared options fill in. */
struct opts {
	struct ivg_strvec devices; /* --devices; none: scan the machine */
	bool json;                 /* --reportformat json */
	bool yes, force;
	int verbose;
};

void opts_free(struct opts *o);

/* Sizes in LVM style: number + unit b s k m g t p e; 'defunit' if none. */
int parse_size(const char *arg, char defunit, uint64_t *bytes);

/* Print the context's error as lvm2 does, and return ECMD_FAILED. */
int fail(struct ivg_ctx *ctx);
/*
 * A VG name from the command line: 0, or a usage error (the name shown
 * with its unprintable bytes escaped) and EINVALID_CMD_LINE.
 */
int check_vg_name(const char *cmd, const char *name);

/*
 * --reportformat json, as lvm2 prints it: {"report": [ONE]}. report_new
 * returns the whole, with *one the object the sections go into;
 * report_print prints it (pretty, spaced, '/' unescaped) and frees it.
 * report_set adds a string member (lvm2 reports every value as one).
 */
struct json_object;
struct json_object *report_new(struct json_object **one);
void report_print(struct json_object *top);
void report_set(struct json_object *o, const char *key, const char *value);

/* The devices to look at: --devices, else the machine's block devices. */
int devices_to_scan(struct ivg_ctx *ctx, const struct opts *o,
		    struct ivg_strvec *paths, bool *owned);


/*
 * For commands with long copies: SIGINT and SIGTERM set a flag that the
 * library sees through ctx->interrupted at its safe points, so the copy
 * stops and rolls back (the command fails, exit 5). A second signal
 * ends the process at once (the default action).
 */
void catch_interrupts(struct ivg_ctx *ctx);

/* This host's system ID (sysid.h), from $LVM_SYSTEM_DIR or /etc/lvm. */
int host_system_id(struct ivg_ctx *ctx, char *id);

#endif
