/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vios.h - the vios command: each subcommand is a struct cmd_def run by
 * cmd_main (cmd.h), named "vios SUBCOMMAND"; vios.c dispatches.
 * Partitions (lpar.c), mappings and lsmap (vdev.c), boot, shutdown and
 * dumpxml (boot.c), the console (console.c), moving a partition
 * (migrate.c). What they share is here.
 */
#ifndef VIOS_H
#define VIOS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "cmd.h"
#include "vioconf.h"
#include "violpar.h"
#include "viorules.h"
#include "viovirt.h"

/* Options several subcommands take; each lists its own in its table. */
#define VOPT_CONNECT { "connect", 'c', ARG_STRING, "URI", \
	"the libvirt host (default: libvirt's, as virsh:\n$LIBVIRT_DEFAULT_URI, uri_default, ...)" }
#define VOPT_PEER { "peer", 0, ARG_STRINGS, "URI", \
	"another libvirt host sharing the SAN (repeatable;\nalso peer = URI in vios.conf)" }
#define VOPT_MODE { "mode", 0, ARG_STRING, "TYPE", \
	"boot type for this boot: normal, install or maintenance" }
#define VOPT_TIMEOUT { "timeout", 0, ARG_STRING, "SEC", \
	"seconds to wait for the guest to power down (60)" }

/* A subcommand's option by name: given at all, its value (NULL: none). */
bool vgiven(const struct cmd_run *r, const char *name);
const char *vstr(const struct cmd_run *r, const char *name);
const struct cmd_value *vval(const struct cmd_run *r, const char *name);
/* A number option within [lo, hi] (def when not given); usage error said. */
int vnum(const struct cmd_run *r, const char *name, long lo, long hi, long def, long *out);
/* A boot type option (def when not given); usage error said. */
int vboot_type(const struct cmd_run *r, const char *name, enum vio_boot_type def,
	       enum vio_boot_type *out);

/* One run: the configuration, this host, and (writers) vios's lock. */
struct vios {
	struct vio_conf conf;
	struct vio_host host;
	int lockfd;
};

/* Load vios.conf, connect to -c URI, and for a writer take the lock
 * that keeps vios commands on this machine from interleaving. */
int vios_open(struct cmd_run *r, struct vios *v, bool write);
void vios_close(struct vios *v);

/* The lockspace directory of vios.conf, or NULL. */
const char *vios_lockspace(const struct vios *v);
/* A read-write LUN's lease file (violease.h), when it takes one; a
 * lockspace is needed then. */
int vios_lease(struct ivg_ctx *ctx, const struct vios *v, const struct vio_vtd *vtd);

/* Every partition vios knows: this host's and every peer's. */
struct vios_world {
	struct vio_host peers[VIO_PEERS_MAX];
	size_t npeers;
	struct vio_part *parts[1 + VIO_PEERS_MAX];
	size_t nparts[1 + VIO_PEERS_MAX];
	struct vio_placed *placed;
	size_t nplaced;
	int extra;                /* the 'extra' host: 0 this one, i + 1 peer i */
};

/* Load this host's partitions and those of the peers (--peer, vios.conf,
 * and the host 'extra' when not NULL: w->extra says which it is); a host
 * named twice counts once. */
int world_load(struct cmd_run *r, struct vios *v, const char *extra, struct vios_world *w);
void world_free(struct vios_world *w);

/* Print {"key": arr} as vios's JSON report ('/' not escaped); takes arr. */
void print_json(const char *key, struct json_object *arr);

extern const struct cmd_def vios_mklpar_def, vios_rmlpar_def, vios_chlpar_def,
	vios_lslpar_def, vios_mkvdev_def, vios_rmvdev_def, vios_lsmap_def, vios_lsdev_def,
	vios_boot_def, vios_shutdown_def, vios_dumpxml_def, vios_console_def,
	vios_migrate_def;

#endif
