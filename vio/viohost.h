/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viohost.h - the virtual I/O server's model of one host: its partitions
 * (LPARs) and its virtual target devices (VTDs, one mapping each of a
 * backing LUN to a partition's virtual SCSI ID and LUN), and their JSON.
 *
 * Each partition has one server adapter, vhostN, and keeps a boot type
 * (normal, install, maintenance) and device lists, as the SAN boot device
 * of a BOS install volume group does: a boot list for each boot type, and
 * the rootvg, primary, secondary and non-essential lists. Lists hold VTD
 * names in order.
 */
#ifndef VIO_HOST_H
#define VIO_HOST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "ctx.h"
#include "vioident.h"
#include "vioproc.h"

#define VIO_NAME_MAX 64
#define VIO_LIST_MAX 16
#define VIO_SCSI_ID_MAX 255       /* virtio-scsi targets 0..255 */
#define VIO_LUN_MAX 16383         /* virtio-scsi LUNs 0..16383 */

enum vio_boot_type { VIO_BOOT_NORMAL, VIO_BOOT_INSTALL, VIO_BOOT_MAINTENANCE };

enum vio_list {
	VIO_LIST_NORMAL,          /* boot list of each boot type, in order */
	VIO_LIST_INSTALL,
	VIO_LIST_MAINTENANCE,
	VIO_LIST_ROOTVG,
	VIO_LIST_PRIMARY,
	VIO_LIST_SECONDARY,
	VIO_LIST_NONESSENTIAL,
	VIO_NLISTS,
};

struct vio_lpar {
	char name[VIO_NAME_MAX];
	unsigned id;              /* partition ID, 1.. */
	unsigned adapter;         /* vhostN */
	uint64_t memory_mb;
	unsigned cpus;
	enum vio_boot_type boot_type;
	char list[VIO_NLISTS][VIO_LIST_MAX][VIO_NAME_MAX];
	size_t nlist[VIO_NLISTS];
	struct vio_run run;       /* pid 0: not started by us */
};

struct vio_vtd {
	char name[VIO_NAME_MAX];
	char lpar[VIO_NAME_MAX];
	unsigned scsi_id, lun;
	bool ro;
	struct vio_ident ident;
};

struct vio_host {
	char id[40];              /* generated once per state directory */
	char name[VIO_NAME_MAX];
	char state[PATH_MAX];     /* the state directory */
	char san[PATH_MAX];       /* the SAN registry directory */
	struct vio_lpar *lpars;
	size_t nlpars;
	struct vio_vtd *vtds;
	size_t nvtds;
	unsigned next_id, next_adapter, next_vtd;
};

const char *vio_boot_type_name(enum vio_boot_type t);
int vio_boot_type_parse(const char *s, enum vio_boot_type *t);
const char *vio_list_name(enum vio_list l);
int vio_list_parse(const char *s, enum vio_list *l);

/* A name for partitions and VTDs: [A-Za-z0-9._+-], 1..63, no leading '-'. */
bool vio_name_valid(const char *s);

/*
 * The host from its state document; a new host (fresh ID, this machine's
 * node name) when the document is empty. state and san are taken from
 * the arguments (san: NULL keeps the recorded one, else the default).
 */
int vio_host_from_json(struct ivg_ctx *ctx, struct json_object *doc,
		       const char *state, const char *san, struct vio_host *h);
int vio_host_to_json(struct ivg_ctx *ctx, const struct vio_host *h,
		     struct json_object **out);
void vio_host_free(struct vio_host *h);

struct json_object *vio_vtd_to_json(const struct vio_vtd *v);
int vio_vtd_from_json(struct ivg_ctx *ctx, struct json_object *o,
		      struct vio_vtd *v);
struct json_object *vio_run_to_json(const struct vio_run *r);
void vio_run_from_json(struct json_object *o, struct vio_run *r);

struct vio_lpar *vio_host_lpar(const struct vio_host *h, const char *name);
struct vio_vtd *vio_host_vtd(const struct vio_host *h, const char *name);

/* Add a partition (-EEXIST naming it); memory in MiB, cpus >= 1. */
int vio_host_add_lpar(struct ivg_ctx *ctx, struct vio_host *h,
		      const char *name, uint64_t memory_mb, unsigned cpus);
/* Remove a partition and its VTDs (-EBUSY while it runs). */
int vio_host_rm_lpar(struct ivg_ctx *ctx, struct vio_host *h, const char *name);
/* Append a VTD (checked by the caller: viorules.h); name "" picks vtscsiN. */
int vio_host_add_vtd(struct ivg_ctx *ctx, struct vio_host *h,
		     const struct vio_vtd *v, struct vio_vtd **added);
/* Remove a VTD and its place in every list of its partition. */
int vio_host_rm_vtd(struct ivg_ctx *ctx, struct vio_host *h, const char *name);
/* Replace list l of a partition with names (each a VTD of it). */
int vio_host_set_list(struct ivg_ctx *ctx, struct vio_host *h,
		      struct vio_lpar *lp, enum vio_list l,
		      char *const *names, size_t n);

#endif
