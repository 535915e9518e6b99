/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * migrate.c - move a partition to another libvirt host sharing the SAN:
 * validate (every LUN seen there by the same WWN, the mappings allowed
 * there), then cold (define there, shut down here, start there, undefine
 * here) or live (virDomainMigrate3 over the shared LUNs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpath.h"
#include "viodom.h"
#include "vios.h"

/* The move: source and target, the partition as it will be there. */
struct move {
	struct vio_part *src;           /* on this host (in the world) */
	const struct vio_host *dst;
	const struct vio_part *dst_parts;
	size_t ndst;
	struct vio_lpar lp;             /* on the target */
	size_t moved;                   /* LUNs at another place there */
	size_t unchecked;               /* image files assumed at the same path */
};

/* Is host h this machine (so what it sees is what this process sees)? */
static bool this_machine(const struct vio_host *h)
{
	char me[256];

	return !gethostname(me, sizeof(me)) && !strcmp(me, h->hostname);
}

/* A block device of another machine, by its WWN: libvirt's node devices
 * carry udev's ID_SERIAL, the multipath WWID ("3" + NAA ...). */
static int remote_block(struct ivg_ctx *ctx, const struct vio_host *h, const struct vio_lun *want,
			struct vio_lun *now)
{
	virNodeDevicePtr *devs = NULL;
	char wwid[VIO_WWN_MAX + 2], tag[VIO_WWN_MAX + 24];
	int n, found = 0;

	if (!want->wwn[0] || ivg_wwn_to_wwid(want->wwn, wwid, sizeof(wwid)))
		return ivg_err(ctx, ENOENT, "%s has no WWN: host %s cannot be asked for it",
			       want->source, h->uri);
	snprintf(tag, sizeof(tag), "<serial>%s</serial>", wwid);
	n = virConnectListAllNodeDevices(h->conn, &devs, VIR_CONNECT_LIST_NODE_DEVICES_CAP_STORAGE);
	if (n < 0)
		return vio_virt_err(ctx, EIO, "cannot list the storage of host %s", h->uri);
	for (int i = 0; i < n; i++) {
		char *xml = virNodeDeviceGetXMLDesc(devs[i], 0);

		found |= xml && strstr(xml, tag);
		free(xml);
		virNodeDeviceFree(devs[i]);
	}
	free(devs);
	if (!found)
		return ivg_err(ctx, ENOENT, "host %s sees no block device with WWN %s", h->uri, want->wwn);
	*now = *want;
	if (!strncmp(want->wwn, "naa.", 4) || !strncmp(want->wwn, "eui.", 4))
		snprintf(now->source, sizeof(now->source), "/dev/disk/by-id/wwn-0x%s", want->wwn + 4);
	return 0;
}

/* Where the target sees a VTD's LUN. */
static int seen_there(struct ivg_ctx *ctx, struct move *m, const struct vio_vtd *vtd,
		      struct vio_lun *now)
{
	const struct vio_lun *b = &vtd->backing;
	int e;

	/* iSCSI: the portal, as this process reaches it. */
	if (b->kind == VIO_LUN_ISCSI || this_machine(m->dst))
		e = vio_lun_find(ctx, b, now);
	else if (b->kind == VIO_LUN_BLOCK)
		e = remote_block(ctx, m->dst, b, now);
	else {
		*now = *b;       /* an image file: a shared file system is assumed */
		m->unchecked++;
		return 0;
	}
	if (!e && b->wwn[0] && strcmp(b->wwn, now->wwn))
		e = ivg_err(ctx, EIO, "%s: host %s sees WWN %s there, not %s", vtd->name, m->dst->uri,
			    now->wwn, b->wwn);
	return e ? ivg_err_prefix(ctx, e, "host %s does not see %s's LUN: ", m->dst->uri, vtd->name)
		 : 0;
}

/* Every check; fills m->lp, the partition as the target will define it. */
static int validate(struct cmd_run *r, struct vios *v, struct vios_world *w, struct move *m)
{
	struct vio_placed *others = calloc(w->nplaced + 1, sizeof(*others));
	struct vio_vtd *vtd = malloc(sizeof(*vtd));
	size_t nothers = 0;
	virDomainPtr d;
	int e = 0;

	if (!others || !vtd) {
		e = ivg_err(r->ctx, ENOMEM, "out of memory");
		goto out;
	}
	if ((d = virDomainLookupByName(m->dst->conn, m->src->lp.name))) {
		virDomainFree(d);
		e = ivg_err(r->ctx, EEXIST, "host %s has a domain %s already", m->dst->uri,
			    m->src->lp.name);
		goto out;
	}
	/* What the others map; the partition's own mappings go with it. */
	for (size_t i = 0; i < w->nplaced; i++)
		if (strcmp(w->placed[i].host, v->host.uri) ||
		    strcmp(w->placed[i].lp->name, m->src->lp.name))
			others[nothers++] = w->placed[i];
	m->lp = m->src->lp;
	m->lp.vtds = NULL;
	m->lp.nvtds = 0;
	vio_parts_free_numbers(m->dst_parts, m->ndst, &m->lp.id, &m->lp.adapter);
	for (size_t i = 0; !e && i < m->src->lp.nvtds; i++) {
		*vtd = m->src->lp.vtds[i];
		if ((e = seen_there(r->ctx, m, vtd, &vtd->backing)))
			break;
		m->moved += strcmp(vtd->backing.source, m->src->lp.vtds[i].backing.source) != 0;
		if (!(e = vio_rules_map(r->ctx, others, nothers, m->dst->uri, &m->lp, vtd)) &&
		    !(e = vios_lease(r->ctx, v, vtd)))
			e = vio_lpar_add_vtd(r->ctx, &m->lp, vtd);
	}
	/* (The lists came with m->lp: they name the same VTDs.) */
	if (e)
		vio_lpar_free(&m->lp);
out:
	free(others);
	free(vtd);
	return e;
}

static int cold(struct cmd_run *r, struct vios *v, struct move *m, long timeout)
{
	bool was_running = vio_part_active(m->src), boot = !vgiven(r, "no-boot");
	virDomainPtr dom = NULL;
	char *xml = NULL;
	int e;

	if ((e = vio_dom_xml(r->ctx, m->src->xml, &m->lp, m->lp.boot_type, vios_lockspace(v), &xml)) ||
	    (e = vio_host_define(r->ctx, m->dst, xml, &dom)))
		goto out;
	printf("  Partition %s defined on host %s (ID %u, vhost%u).\n", m->lp.name, m->dst->uri,
	       m->lp.id, m->lp.adapter);
	if (was_running) {
		if ((e = vio_dom_stop(r->ctx, m->src->dom, m->lp.name, timeout, r->o.force)))
			goto undo;
		printf("  Partition %s shut down on host %s.\n", m->lp.name, v->host.uri);
	}
	if (boot && virDomainCreate(dom) < 0) {
		e = vio_virt_err(r->ctx, EIO, "cannot boot partition %s on host %s", m->lp.name,
				 m->dst->uri);
		goto undo;
	}
	if (virDomainUndefineFlags(m->src->dom, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
				   VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
				   VIR_DOMAIN_UNDEFINE_NVRAM) < 0) {
		e = vio_virt_err(r->ctx, EIO, "partition %s moved to host %s, but host %s kept its definition (remove it with rmlpar)",
				 m->lp.name, m->dst->uri, v->host.uri);
		goto out;
	}
	printf("  Partition %s %s on host %s, removed from host %s.\n", m->lp.name,
	       boot ? "booted" : "defined", m->dst->uri, v->host.uri);
	goto out;
undo:
	/* Back as it was: the target forgets it, the source keeps it. */
	virDomainUndefine(dom);
	if (was_running && !vio_part_active(m->src) && virDomainCreate(m->src->dom) == 0)
		fprintf(stderr, "  Partition %s runs on host %s again.\n", m->lp.name, v->host.uri);
out:
	if (dom)
		virDomainFree(dom);
	free(xml);
	return e;
}

static int live(struct cmd_run *r, struct vios *v, struct move *m)
{
	virTypedParameterPtr params = NULL;
	int np = 0, maxp = 0, e = 0;
	virDomainPtr dom;
	char *xml = NULL;

	if (!vio_part_active(m->src))
		return ivg_err(r->ctx, EINVAL, "partition %s is not running: a live migration moves a running one",
			       m->lp.name);
	if (m->moved)
		return ivg_err(r->ctx, EINVAL, "%zu LUN(s) of partition %s are at other places for host %s: migrate it cold",
			       m->moved, m->lp.name, m->dst->uri);
	if ((e = vio_dom_xml(r->ctx, m->src->xml, &m->lp, m->lp.boot_type, vios_lockspace(v), &xml)))
		return e;
	if (virTypedParamsAddString(&params, &np, &maxp, VIR_MIGRATE_PARAM_PERSIST_XML, xml) < 0 ||
	    (vstr(r, "migrate-uri") &&
	     virTypedParamsAddString(&params, &np, &maxp, VIR_MIGRATE_PARAM_URI,
				     vstr(r, "migrate-uri")) < 0)) {
		e = ivg_err(r->ctx, ENOMEM, "out of memory");
		goto out;
	}
	dom = virDomainMigrate3(m->src->dom, m->dst->conn, params, (unsigned)np,
				VIR_MIGRATE_LIVE | VIR_MIGRATE_PERSIST_DEST |
				VIR_MIGRATE_UNDEFINE_SOURCE);
	if (!dom) {
		e = vio_virt_err(r->ctx, EIO, "cannot migrate partition %s to host %s", m->lp.name,
				 m->dst->uri);
		goto out;
	}
	virDomainFree(dom);
	printf("  Partition %s runs on host %s now (migrated live), removed from host %s.\n",
	       m->lp.name, m->dst->uri, v->host.uri);
out:
	virTypedParamsFree(params, np);
	free(xml);
	return e;
}

static int migrate_check(struct cmd_run *r)
{
	long t;

	if (!vstr(r, "to"))
		return cmd_usage_error(r, "--to URI (the target libvirt host) is needed");
	if (vgiven(r, "live") && vgiven(r, "no-boot"))
		return cmd_usage_error(r, "--live and --no-boot exclude each other");
	return vnum(r, "timeout", 0, 86400, 60, &t);
}

static int migrate_run(struct cmd_run *r)
{
	struct vios_world w = { 0 };
	struct move m = { 0 };
	struct vios v;
	long timeout;
	int e;

	vnum(r, "timeout", 0, 86400, 60, &timeout);
	if ((e = vios_open(r, &v, true)) || (e = world_load(r, &v, vstr(r, "to"), &w)))
		goto out;
	for (size_t i = 0; i < w.nparts[0]; i++)
		if (!strcmp(w.parts[0][i].lp.name, r->operands[0]))
			m.src = &w.parts[0][i];
	if (w.extra > 0) {
		m.dst = &w.peers[w.extra - 1];
		m.dst_parts = w.parts[w.extra];
		m.ndst = w.nparts[w.extra];
	}
	if (!m.src) {
		e = ivg_err(r->ctx, ENOENT, "partition %s does not exist on host %s", r->operands[0],
			    v.host.uri);
		goto out;
	}
	if (!m.dst) {
		e = ivg_err(r->ctx, EINVAL, "%s is host %s itself", vstr(r, "to"), v.host.uri);
		goto out;
	}
	if ((e = validate(r, &v, &w, &m)))
		goto out;
	if (m.unchecked)
		fprintf(stderr, "  WARNING: %zu image file(s) are taken to be at the same path on host %s (not checked).\n",
			m.unchecked, m.dst->uri);
	if (vgiven(r, "validate")) {
		printf("  Partition %s can move to host %s: it sees every LUN by the same WWN%s, and the mappings are allowed there.\n",
		       m.lp.name, m.dst->uri, m.moved ? " (some at other places)" : "");
		goto out;
	}
	e = vgiven(r, "live") ? live(r, &v, &m) : cold(r, &v, &m, timeout);
out:
	vio_lpar_free(&m.lp);
	world_free(&w);
	vios_close(&v);
	return e;
}

static const struct cmd_opt migrate_opts[] = {
	VOPT_CONNECT,
	{ "to", 0, ARG_STRING, "URI", "the target libvirt host" },
	{ "validate", 0, ARG_NONE, NULL, "only check that it can move" },
	{ "live", 0, ARG_NONE, NULL, "move it running (virDomainMigrate3)" },
	{ "no-boot", 0, ARG_NONE, NULL, "cold: define it there, do not start it" },
	{ "migrate-uri", 0, ARG_STRING, "URI",
	  "live: where QEMU's migration stream goes\n(tcp://HOST[:PORT]; default: libvirt's choice)" },
	VOPT_TIMEOUT,
	VOPT_PEER,
};

const struct cmd_def vios_migrate_def = {
	.name = "vios migrate",
	.summary = "Move a partition to another libvirt host",
	.usage = "NAME --to URI",
	.about =
"Move partition NAME from this host (-c) to the host --to. First validate:\n"
"the target has no domain of that name, it sees every LUN by the same WWN,\n"
"and the mappings are allowed there against every partition of the\n"
"target and the peers (the partition's own aside). --validate stops here.\n"
"Cold (the default): define it on the target, shut it down here (ACPI,\n"
"--timeout; --force then stops it), start it there, undefine it here; on\n"
"a failure the target forgets it and it stays here. --live: migrate the\n"
"running partition with its shared LUNs (virDomainMigrate3). Either way\n"
"its read-write LUNs' leases go with it: the source cannot start them.\n",
	.common = CO(CO_FORCE),
	.common_help = { [CO_FORCE] = "cold: stop it here when it does not power down" },
	.opts = migrate_opts, .n_opts = sizeof(migrate_opts) / sizeof(migrate_opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one partition name is needed",
	.check = migrate_check,
	.run = migrate_run,
};
