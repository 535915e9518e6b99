/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vios.c - the virtual I/O server command: partitions that are libvirt
 * domains, SAN LUNs mapped to their virtual SCSI disks, boot, console,
 * migration. "vios SUBCOMMAND ..." runs the subcommand's cmd_def.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <libvirt/virterror.h>

#include "violease.h"
#include "vios.h"

#define VIOS_LOCK "/run/lock/ivg-vios.lock"

static const struct cmd_def *const subcommands[] = {
	&vios_mklpar_def, &vios_rmlpar_def, &vios_chlpar_def, &vios_lslpar_def,
	&vios_mkvdev_def, &vios_rmvdev_def, &vios_lsmap_def, &vios_lsdev_def, &vios_boot_def,
	&vios_shutdown_def, &vios_console_def, &vios_dumpxml_def, &vios_migrate_def,
};
#define NSUB (sizeof(subcommands) / sizeof(subcommands[0]))

static const struct cmd_value no_value;

const struct cmd_value *vval(const struct cmd_run *r, const char *name)
{
	for (size_t i = 0; i < r->def->n_opts; i++)
		if (!strcmp(r->def->opts[i].name, name))
			return &r->own[i];
	return &no_value;
}

bool vgiven(const struct cmd_run *r, const char *name)
{
	return vval(r, name)->count > 0;
}

const char *vstr(const struct cmd_run *r, const char *name)
{
	return vval(r, name)->str;
}

int vnum(const struct cmd_run *r, const char *name, long lo, long hi, long def, long *out)
{
	const char *s = vstr(r, name);
	char *end;
	long v;

	*out = def;
	if (!s)
		return 0;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < lo || v > hi)
		return cmd_usage_error(r, "--%s: want a number from %ld to %ld, not \"%s\"", name,
				       lo, hi, s);
	*out = v;
	return 0;
}

int vboot_type(const struct cmd_run *r, const char *name, enum vio_boot_type def,
	       enum vio_boot_type *out)
{
	const char *s = vstr(r, name);

	*out = def;
	if (s && vio_boot_type_parse(s, out))
		return cmd_usage_error(r, "--%s: normal, install or maintenance, not \"%s\"", name, s);
	return 0;
}

/* Writers on this machine, one at a time: read, check, define. */
static int take_lock(struct ivg_ctx *ctx, struct vios *v)
{
	if (geteuid())
		return 0;       /* only root's /run/lock; libvirt checks the rest */
	v->lockfd = open(VIOS_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (v->lockfd < 0)
		return ivg_err(ctx, errno, "%s: %s", VIOS_LOCK, strerror(errno));
	while (flock(v->lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return ivg_err(ctx, errno, "%s: cannot lock: %s", VIOS_LOCK, strerror(errno));
	return 0;
}

int vios_open(struct cmd_run *r, struct vios *v, bool write)
{
	int e;

	memset(v, 0, sizeof(*v));
	v->lockfd = -1;
	if ((e = vio_conf_load(r->ctx, NULL, &v->conf)))
		return e;
	if (write && (e = take_lock(r->ctx, v)))
		return e;
	return vio_host_open(r->ctx, vstr(r, "connect"), &v->host);
}

void vios_close(struct vios *v)
{
	vio_host_close(&v->host);
	if (v->lockfd >= 0)
		close(v->lockfd);
	v->lockfd = -1;
}

const char *vios_lockspace(const struct vios *v)
{
	return v->conf.lockspace[0] ? v->conf.lockspace : NULL;
}

int vios_lease(struct ivg_ctx *ctx, const struct vios *v, const struct vio_vtd *vtd)
{
	char key[VIO_WWN_MAX + 8];

	vio_lease_key(&vtd->backing, key, sizeof(key));
	if (vtd->ro || !key[0])
		return 0;
	if (!vios_lockspace(v))
		return ivg_err(ctx, EINVAL, "%s: a read-write LUN needs a lease, and no lockspace is set (lockspace = DIR in %s, the file_lockspace_dir of every host's qemu-lockd.conf)",
			       vtd->backing.source, v->conf.path);
	return vio_lease_prepare(ctx, v->conf.lockspace, key);
}

/* Which host a URI names: 0 this one, i + 1 peer i, -1 none yet. */
static int listed(const struct vios *v, const struct vios_world *w, const char *uri)
{
	if (!strcmp(uri, v->host.uri))
		return 0;
	for (size_t i = 0; i < w->npeers; i++)
		if (!strcmp(uri, w->peers[i].uri))
			return (int)i + 1;
	return -1;
}

/* Connect to a peer once; *which as listed() says. */
static int add_peer(struct cmd_run *r, struct vios *v, struct vios_world *w, const char *uri,
		    int *which)
{
	struct vio_host *h = &w->peers[w->npeers];
	int e;

	if ((*which = listed(v, w, uri)) >= 0)
		return 0;
	if (w->npeers >= VIO_PEERS_MAX)
		return ivg_err(r->ctx, E2BIG, "at most %d peers", VIO_PEERS_MAX);
	if ((e = vio_host_open(r->ctx, uri, h)))
		return e;
	/* The same host under another spelling of its URI. */
	if ((*which = listed(v, w, h->uri)) >= 0) {
		vio_host_close(h);
		return 0;
	}
	*which = (int)++w->npeers;
	return 0;
}

static int place(struct ivg_ctx *ctx, struct vios_world *w, const char *uri,
		 const struct vio_part *parts, size_t n)
{
	struct vio_placed *grown = realloc(w->placed, (w->nplaced + n + 1) * sizeof(*grown));

	if (!grown)
		return ivg_err(ctx, ENOMEM, "out of memory");
	w->placed = grown;
	for (size_t i = 0; i < n; i++)
		w->placed[w->nplaced++] = (struct vio_placed){ uri, &parts[i].lp };
	return 0;
}

int world_load(struct cmd_run *r, struct vios *v, const char *extra, struct vios_world *w)
{
	const struct cmd_value *peers = vval(r, "peer");
	int e = 0, which;

	memset(w, 0, sizeof(*w));
	w->extra = -1;
	for (size_t i = 0; !e && i < v->conf.npeers; i++)
		e = add_peer(r, v, w, v->conf.peers[i], &which);
	for (size_t i = 0; !e && i < peers->list.n; i++)
		e = add_peer(r, v, w, peers->list.v[i], &which);
	if (!e && extra && !(e = add_peer(r, v, w, extra, &which)))
		w->extra = which;
	if (!e)
		e = vio_host_parts(r->ctx, &v->host, &w->parts[0], &w->nparts[0]);
	if (!e)
		e = place(r->ctx, w, v->host.uri, w->parts[0], w->nparts[0]);
	for (size_t i = 0; !e && i < w->npeers; i++) {
		e = vio_host_parts(r->ctx, &w->peers[i], &w->parts[i + 1], &w->nparts[i + 1]);
		if (!e)
			e = place(r->ctx, w, w->peers[i].uri, w->parts[i + 1], w->nparts[i + 1]);
	}
	return e;
}

void world_free(struct vios_world *w)
{
	for (size_t i = 0; i <= w->npeers; i++)
		vio_parts_free(w->parts[i], w->nparts[i]);
	for (size_t i = 0; i < w->npeers; i++)
		vio_host_close(&w->peers[i]);
	free(w->placed);
	memset(w, 0, sizeof(*w));
}

void print_json(const char *key, struct json_object *arr)
{
	struct json_object *top = json_object_new_object();

	json_object_object_add(top, key, arr);
	printf("%s\n", json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_SPACED |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
}

/* libvirt's errors reach the user through ivg_err, not its own printing. */
static void quiet_libvirt(void *arg, virErrorPtr err)
{
	(void)arg;
	(void)err;
}

static void help(FILE *f)
{
	fprintf(f, "vios - virtual I/O server: partitions that are libvirt domains, SAN LUNs\n"
		"mapped to their virtual SCSI disks by WWN.\n\nUsage: vios SUBCOMMAND [options] ...\n\n");
	for (size_t i = 0; i < NSUB; i++)
		fprintf(f, "  %-16s %s\n", subcommands[i]->name + strlen("vios "),
			subcommands[i]->summary);
	fprintf(f, "\nEvery subcommand takes -c URI (the libvirt host) and --help. See vios(8).\n");
}

int main(int argc, char **argv)
{
	struct ivg_ctx ctx;
	char name[64];

	ivg_ctx_init(&ctx);
	virSetErrorFunc(NULL, quiet_libvirt);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? EINVALID_CMD_LINE : ECMD_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vios (ivg) version %s\n", IVG_VERSION);
		return ECMD_OK;
	}
	snprintf(name, sizeof(name), "vios %s", argv[1]);
	for (size_t i = 0; i < NSUB; i++)
		if (!strcmp(subcommands[i]->name, name))
			return cmd_main(&ctx, subcommands[i], argc - 1, argv + 1);
	fprintf(stderr, "  vios: unknown subcommand \"%s\"\n  Run `vios --help' for more information.\n",
		argv[1]);
	return EINVALID_CMD_LINE;
}
