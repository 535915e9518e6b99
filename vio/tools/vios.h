/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vios.h - the parts of the vios command: options (vios.c), the
 * transaction over a host's state and the SAN registry (txn.c), partitions
 * (lpar.c), mappings and lsmap (vdev.c), boot, shutdown and dumpxml
 * (boot.c), moving a partition (migrate.c).
 */
#ifndef VIOS_H
#define VIOS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>       /* optind */

#include "tools.h"
#include "vioboot.h"
#include "viohost.h"
#include "vioqemu.h"
#include "viosan.h"
#include "viostore.h"

#define STATE_DEFAULT "/var/lib/ivg/vios"
#define MAX_MULTI 32

enum {
	O_STATE = OPT_FIRST_COMMAND_SPECIFIC, O_SAN, O_MEMORY, O_CPUS, O_LPAR,
	O_VDEV, O_SCSI_ID, O_LUN, O_DEV, O_ALL, O_MODE, O_BOOT_TYPE, O_LIST,
	O_SEARCH, O_KERNEL, O_INITRD, O_APPEND, O_QEMU_ARG, O_WAIT, O_TIMEOUT,
	O_VADAPTER, O_TO, O_VALIDATE, O_NO_BOOT,
};

struct vopts {
	struct opts c;
	const char *state, *san;
	const char *san_fallback;  /* a host without a recorded SAN: this one */
	uint64_t memory_mb;
	long cpus, scsi_id, lun, timeout;
	const char *lpar, *vdev, *dev, *vadapter, *kernel, *initrd, *append, *to;
	bool readonly, all, wait, have_mode, have_boot_type, validate, no_boot;
	enum vio_boot_type mode, boot_type;
	char *list_arg[MAX_MULTI];
	size_t nlist;
	const char *search[MAX_MULTI];
	size_t nsearch;
	char *qemu_arg[MAX_MULTI];
	size_t nqemu;
	unsigned seen[64];        /* options given, by index in longopts */
};

/* Was the option with this value given? */
bool given(const struct vopts *o, int c);

/* ---- a transaction over the host state and the SAN registry ---- */

struct txn {
	struct vio_store st, san;
	struct json_object *doc, *sandoc;
	struct vio_host h;
	struct vio_san others;
};

/* Lock and load the state (write: exclusively), and with_san the SAN. */
int txn_begin(struct ivg_ctx *ctx, const struct vopts *o, bool write,
	      bool with_san, struct txn *t);
/* Save the state, publish it to the SAN registry and save that. */
int txn_commit(struct ivg_ctx *ctx, struct txn *t);
void txn_end(struct txn *t);

/* Print {"key": arr} as the report (--reportformat json); takes arr. */
void print_report(const char *key, struct json_object *arr);

/* Command-line helpers: exactly one NAME; no arguments. */
int one_name(const char *cmd, int argc, char **argv, const char **name);
int no_args(const char *cmd, int argc, char **argv);

/* ---- shared by the subcommands ---- */

const char *lpar_state(const struct vio_lpar *lp);
/* Where a VTD's LUN is now (vio_ident_find with --search). */
int locate(struct ivg_ctx *ctx, const struct vopts *o, const struct vio_vtd *v,
	   struct vio_ident *now);
/* The VTDs of a partition, by SCSI ID and LUN. */
size_t lpar_vtds(const struct vio_host *h, const char *lpar,
		 const struct vio_vtd **out);
/* STATE/run/LPAR.EXT */
void run_path(const struct vio_host *h, const char *lpar, const char *ext,
	      char *out, size_t len);

/* The partition's disks as the machine gets them: found, boot-ordered. */
struct plan {
	const struct vio_vtd **vs;
	struct vio_ident *now;
	struct vio_qemu_disk *disks;
	size_t nd, norder;
	const struct vio_vtd *order[VIO_LIST_MAX];
};

void plan_free(struct plan *p);
int plan_disks(struct ivg_ctx *ctx, const struct vopts *o, const struct vio_host *h,
	       const struct vio_lpar *lp, enum vio_boot_type mode, struct plan *p);
/* Start partition lp of t's host (state locked) and record it. */
int boot_locked(struct ivg_ctx *ctx, const struct vopts *o, struct txn *t,
		struct vio_lpar *lp, enum vio_boot_type mode);
/* Stop a partition: ACPI power button (QMP), then QMP quit, then signals. */
int stop_lpar(struct ivg_ctx *ctx, const struct vopts *o, const char *name,
	      long timeout, bool force);

int do_mklpar(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_rmlpar(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_chlpar(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_lslpar(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_mkvdev(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_rmvdev(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_lsmap(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_boot(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_shutdown(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_dumpxml(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);
int do_migrate(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv);

#endif
