/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viosan.h - what the hosts sharing one SAN know of each other's mappings.
 *
 * Each virtual I/O server publishes, after every change of its state,
 * its VTDs (with the identity of each backing LUN, its mode and whether
 * its partition runs, and where) into SAN/san.json, a store (viostore.h)
 * of the registry directory all hosts of the SAN share. Before mapping a
 * LUN read-write, or booting a partition, a server reads what the other
 * hosts published: this is how exclusivity reaches beyond one host, as
 * SCSI reservations do on a real SAN. Lock order: the host's state first,
 * then the SAN.
 */
#ifndef VIO_SAN_H
#define VIO_SAN_H

#include <json-c/json.h>

#include "viohost.h"

struct vio_san_vtd {
	char host_id[40];
	char host_name[VIO_NAME_MAX];
	char state[PATH_MAX];     /* the other host's state directory */
	struct vio_vtd vtd;
	struct vio_run run;       /* its partition's QEMU, if started */
};

struct vio_san {
	struct vio_san_vtd *v;
	size_t n;
};

/* The VTDs of every host but 'self' (a host ID) in the SAN document. */
int vio_san_others(struct ivg_ctx *ctx, struct json_object *doc,
		   const char *self, struct vio_san *out);
void vio_san_free(struct vio_san *san);

/* Replace the host's entry in the SAN document by its VTDs now. */
int vio_san_publish(struct ivg_ctx *ctx, struct json_object *doc,
		    const struct vio_host *h);

#endif
