/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd.h - the command table: every command states once what it takes and
 * what it does to a VG, in the spirit of LVM2's command-lines.in; one
 * runner parses, checks, opens, runs and exits for all of them.
 *
 * A command is a struct cmd_def: its options (each with its kind and its
 * help line), the common options it takes, its operands, flags such as
 * CMD_WRITES_VG, its own text for --help, and run(). cmd_main():
 *  - parses the command line (one parser; exit 3 with one message on a
 *    bad option or operand, a bad size, an invalid VG name);
 *  - answers --help (generated: usage, the command's text, the options)
 *    and --version;
 *  - for CMD_VG commands, opens the VG in a session (session.h): lvm2's
 *    lock, the scan, the partial, holder and exported checks with one
 *    set of messages, writable PVs for a writer;
 *  - calls run(), and turns its result into LVM's exit codes: 0, or 5
 *    with the context's message; run() may return an exit code itself
 *    (CMD_EXIT(n)) when it has said why;
 *  - closes the session (after a failure, an exported VG that was
 *    imported for the write is exported again).
 * A command's file keeps only what is its own.
 */
#ifndef IVG_CMD_H
#define IVG_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"
#include "tools.h"

/* What an option takes. */
enum cmd_arg {
	ARG_NONE,           /* a flag; given N times counts N (-v -v) */
	ARG_STRING,         /* any text; the last one given counts */
	ARG_SIZE,           /* LVM's units: b s k m g t p e (default m) */
	ARG_LIST,           /* comma-separated; repeated options add up */
	ARG_STRINGS,        /* repeatable; every value kept whole, in order */
	ARG_VGNAME,         /* a VG name, checked */
};

struct cmd_opt {
	const char *name;        /* long name, without "--" */
	char short_name;         /* 0: none */
	enum cmd_arg arg;
	const char *metavar;     /* "SIZE" in --help */
	const char *help;        /* its --help text; '\n' starts a new line */
};

/* The options every command may take: bit CO_x in cmd_def.common. */
enum cmd_common {
	CO_DEVICES,              /* --devices LIST */
	CO_REPORTFORMAT,         /* --reportformat basic|json */
	CO_YES,                  /* -y, --yes */
	CO_FORCE,                /* -f, --force */
	CO_READONLY,             /* --readonly */
	CO_VERBOSE,              /* -v, --verbose (every command) */
	CO_COUNT,
	/* A command's own options are numbered from here: its opts[0] is
	 * option CMD_OWN + 0, and so on. */
	CMD_OWN = 32,
};
#define CO(x) (1u << (x))

enum cmd_flags {
	/* The first operand, when given, is a VG name, which the runner
	 * checks. */
	CMD_VG_NAME = 1 << 0,
	/* The runner opens that VG (session_open) before run(), when there
	 * is one (check() may name it from an option, or none). */
	CMD_VG = 1 << 1,
	/* ... to write it: its lock exclusive, its PVs writable, refused
	 * when PVs are missing or another host holds it. Else shared. */
	CMD_WRITES_VG = 1 << 2,
	/* A reader of a partial VG goes on (the missing PVs are warned
	 * about); without it a partial VG is refused. */
	CMD_ALLOW_PARTIAL = 1 << 3,
	/* A writer imports an exported VG for the update, and exports it
	 * again at the commit (without it: refused, "ivgimport it first"). */
	CMD_IMPORTS_EXPORTED = 1 << 4,
	/* --readonly makes a writer a reader. */
	CMD_READ_ONLY_OK = 1 << 5,
	/* SIGINT/SIGTERM stop long copies at a safe point (ctx->interrupted). */
	CMD_INTERRUPTIBLE = 1 << 6,
	/* Only root may run it (device-mapper, mounts, loop devices). */
	CMD_NEEDS_ROOT = 1 << 7,
	/* The runner locks and opens the VG, and the command itself judges
	 * missing PVs, the holder and the exported flag (ivgimport takes a
	 * VG over, ivgexport finishes an interrupted export). */
	CMD_CHECKS_OWN = 1 << 8,
	/* Every operand is a VG name (ivgs VG...), each checked. */
	CMD_VG_NAMES = 1 << 9,
};

struct cmd_run;

struct cmd_def {
	const char *name;
	const char *summary;        /* one line, for "ivg --help" */
	const char *usage;          /* operands: "VG FILE..." */
	const char *about;          /* --help's description, lines ending '\n' */
	const char *notes;          /* after the options ("Sizes take ..."); or NULL */
	const char *exit_text;      /* NULL: "0 done, 3 bad command line, 5 failed." */
	unsigned common;            /* CO(CO_DEVICES) | ... */
	/* The command's own --help text for a common option, or NULL. */
	const char *common_help[CO_COUNT];
	const struct cmd_opt *opts; /* the command's own, CMD_OWN + i */
	size_t n_opts;
	size_t min_operands, max_operands;   /* SIZE_MAX: no limit */
	const char *operand_need;   /* "a VG name and at least one FILE are needed" */
	unsigned flags;
	/* The command writes its VG only when its own option of this
	 * name is given (ivgck --repair, opptoc --rebuild); NULL: flags say. */
	const char *writes_with;
	/* Refine after parsing (e.g. --repair makes ivgck a writer: it sets
	 * r->writes): 0, or a usage error already said (EINVALID_CMD_LINE). */
	int (*check)(struct cmd_run *r);
	/* Before the VG is opened (and locked): what can be judged or made
	 * ready without it; 0, or -errno with the message in ctx. */
	int (*prepare)(struct cmd_run *r);
	/* The work: 0, -errno with the message in ctx, or CMD_EXIT(code). */
	int (*run)(struct cmd_run *r);
	/* The command's own state: r->data is data_size zeroed bytes for
	 * the whole run, and cleanup() (or NULL) frees what it holds, after
	 * run() or after a failed prepare(). */
	size_t data_size;
	void (*cleanup)(struct cmd_run *r);
};

/* A run() result that is an exit code the command has explained. */
#define CMD_EXIT(code) (1000 + (code))

struct cmd_value {
	unsigned count;             /* times given */
	const char *str;            /* ARG_STRING, ARG_VGNAME; ARG_SIZE as given */
	uint64_t size;              /* ARG_SIZE, in bytes */
	struct ivg_strvec list;     /* ARG_LIST, ARG_STRINGS */
};

struct cmd_run {
	struct ivg_ctx *ctx;
	const struct cmd_def *def;
	struct opts o;              /* the common options, as tools.h has them */
	struct cmd_value own[32];   /* the command's options, by index */
	char **operands;
	size_t n_operands;
	const char *vg;             /* CMD_VG_NAME: operands[0] */
	bool writes;                /* opens its VG to write (after check) */
	bool readonly;              /* --readonly */
	struct session s;           /* CMD_VG: the open VG */
	void *data;                 /* the command's own state */
};

/* Parse, open, run, close: the exit code. */
int cmd_main(struct ivg_ctx *ctx, const struct cmd_def *def, int argc,
	     char **argv);

/* The command's own option i: given at all / its value. */
static inline bool cmd_given(const struct cmd_run *r, size_t i)
{
	return r->own[i].count > 0;
}

/*
 * Own option i is lvm2's "--select vg_uuid=UUID" (vgsel.h): its UUID
 * (no dashes) into vgid, "" when not given; 0, or the usage error said
 * and EINVALID_CMD_LINE for any other selection.
 */
int cmd_select_vgid(struct cmd_run *r, size_t i, char vgid[IVG_UUID_LEN + 1]);

/* Print the usage error and return EINVALID_CMD_LINE (for check()). */
int cmd_usage_error(const struct cmd_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Ask "question [y/n]" on the terminal. -y answers yes. Without a
 * terminal a command that would ask refuses: false, with "not asked
 * without a terminal (use -y to answer yes)" (or "answered no") recorded
 * in ctx; the caller adds what was not done (ivg_err_prefix).
 */
bool cmd_confirm(struct cmd_run *r, const char *question);

/*
 * A progress bar for long copies, "  LABEL [#####.....]  40%", when
 * stdout is a terminal and neither -v nor JSON output is on; the library
 * calls fn(arg, done, total). fn is NULL when no bar is wanted.
 */
struct cmd_progress {
	void (*fn)(void *arg, uint64_t done, uint64_t total);
	void *arg;
	const char *label;
	int last;                   /* percent shown, -1 none */
};
void cmd_progress_init(const struct cmd_run *r, struct cmd_progress *p,
		       const char *label);

/* Before the first write of a CMD_WRITES_VG command: see session.h. */
int cmd_begin_write(struct cmd_run *r);
/* Commit the VG (exported again if it was imported for the write). */
int cmd_commit(struct cmd_run *r);

/* Every command: "ivg --help" lists them; ivg.c finds one by name. */
extern const struct cmd_def *const cmd_table[];
extern const size_t cmd_table_size;

#endif
