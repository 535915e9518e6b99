/* SPDX-License-Identifier: GPL-2.0-or-later */
/* migrate.c - move a partition to another host sharing the SAN. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vioident.h"
#include "viorules.h"

#include "vios.h"


/*
 * Can partition src_lp (with its VTDs in src) live on host tgt? Every LUN
 * must be visible here by its identity (now[] gets where), the target
 * must not have the partition yet, and the mappings must be allowed on
 * the target given what the SAN's other hosts hold, the partition's own
 * mappings on the source aside (they go when it moves).
 */
static int migrate_check(struct ivg_ctx *ctx, const struct vopts *o,
			 const struct vio_host *src, const struct vio_lpar *src_lp,
			 struct vio_host *tgt, const struct vio_san *san,
			 struct vio_ident *now)
{
	struct vio_san rest = { 0 };
	size_t nv = 0;
	int r = 0;

	if (strcmp(src->san, tgt->san))
		return ivg_err(ctx, EXDEV, "host %s (%s) and host %s (%s) do not share a SAN registry (%s, %s)",
			       src->name, src->state, tgt->name, tgt->state, src->san, tgt->san);
	if (!strcmp(src->id, tgt->id))
		return ivg_err(ctx, EINVAL, "%s: the partition is on that host already", tgt->state);
	if (vio_host_lpar(tgt, src_lp->name))
		return ivg_err(ctx, EEXIST, "host %s (%s) has a partition %s already",
			       tgt->name, tgt->state, src_lp->name);
	rest.v = calloc(san->n + 1, sizeof(*rest.v));
	if (!rest.v)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < san->n; i++)
		if (strcmp(san->v[i].host_id, src->id) || strcmp(san->v[i].vtd.lpar, src_lp->name))
			rest.v[rest.n++] = san->v[i];
	r = vio_host_add_lpar(ctx, tgt, src_lp->name, src_lp->memory_mb, src_lp->cpus);
	for (size_t i = 0; !r && i < src->nvtds; i++) {
		struct vio_vtd v = src->vtds[i];
		char id[VIO_ID_STR];

		if (strcmp(v.lpar, src_lp->name))
			continue;
		if ((r = vio_ident_find(ctx, &v.ident, o->search, o->nsearch, &now[nv]))) {
			vio_ident_str(&v.ident, id);
			r = ivg_err_prefix(ctx, r, "host %s does not see %s (%s): ", tgt->name, v.name, id);
			break;
		}
		v.ident = now[nv++];
		if (vio_host_vtd(tgt, v.name))
			r = ivg_err(ctx, EEXIST, "host %s has a virtual target device %s already",
				    tgt->name, v.name);
		if (!r && !(r = vio_rules_map(ctx, tgt, &rest, &v)))
			r = vio_host_add_vtd(ctx, tgt, &v, NULL);
	}
	if (!r) {
		struct vio_lpar *lp = vio_host_lpar(tgt, src_lp->name);

		lp->boot_type = src_lp->boot_type;
		memcpy(lp->list, src_lp->list, sizeof(lp->list));
		memcpy(lp->nlist, src_lp->nlist, sizeof(lp->nlist));
	}
	free(rest.v);
	return r;
}

int do_migrate(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	struct vio_lpar src_lp, *lp;
	struct vio_host *src = calloc(1, sizeof(*src));
	struct vio_ident *now = NULL;
	struct vopts to = *o;
	const char *name = NULL;
	struct txn t;
	int r;

	if ((r = one_name("migrate", argc, argv, &name)) ||
	    (!o->to && (r = usage_error("migrate", "--to STATE_DIR (the other host) is required")))) {
		free(src);
		return r;
	}
	to.state = o->to;
	/* The partition and its VTDs as they are on this host. */
	r = src ? txn_begin(ctx, o, false, false, &t) : ivg_err(ctx, ENOMEM, "out of memory");
	if (!r && !(lp = vio_host_lpar(&t.h, name)))
		r = ivg_err(ctx, ENOENT, "partition %s does not exist", name);
	if (!r && !(now = calloc(t.h.nvtds + 1, sizeof(*now))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	if (!r) {
		src_lp = *lp;
		*src = t.h;
		t.h.lpars = NULL;
		t.h.vtds = NULL;
		to.san_fallback = src->san;
	}
	txn_end(&t);
	/* Validate against the target, as migrlpar -o v does. */
	if (!r) {
		r = txn_begin(ctx, &to, false, true, &t);
		if (!r)
			r = migrate_check(ctx, o, src, &src_lp, &t.h, &t.others, now);
		txn_end(&t);
	}
	if (r || o->validate) {
		if (!r)
			printf("  Partition %s can move to host %s: every LUN is seen there by its identity and its mappings are allowed.\n",
			       name, o->to);
		goto out;
	}
	/* Shut down here, map there, unmap here, boot there. */
	if ((r = stop_lpar(ctx, o, name, given(o, O_TIMEOUT) ? o->timeout : 30, o->c.force)))
		goto out;
	r = txn_begin(ctx, &to, true, true, &t);
	if (!r)
		r = migrate_check(ctx, o, src, &src_lp, &t.h, &t.others, now);
	if (!r)
		r = txn_commit(ctx, &t);
	txn_end(&t);
	if (r)
		goto out;
	printf("  Partition %s mapped on host %s.\n", name, o->to);
	r = txn_begin(ctx, o, true, true, &t);
	if (!r)
		r = vio_host_rm_lpar(ctx, &t.h, name);
	if (!r)
		r = txn_commit(ctx, &t);
	txn_end(&t);
	if (r) {
		r = ivg_err_prefix(ctx, r, "partition %s is mapped on both hosts now (remove it here with rmlpar): ", name);
		goto out;
	}
	printf("  Partition %s removed from this host.\n", name);
	if (!o->no_boot) {
		r = txn_begin(ctx, &to, true, true, &t);
		if (!r && !(lp = vio_host_lpar(&t.h, name)))
			r = ivg_err(ctx, ENOENT, "partition %s does not exist on %s", name, o->to);
		if (!r)
			r = boot_locked(ctx, &to, &t, lp, o->have_mode ? o->mode : lp->boot_type);
		txn_end(&t);
	}
out:
	if (src)
		vio_host_free(src);
	free(src);
	free(now);
	return r ? fail(ctx) : ECMD_OK;
}
