/* SPDX-License-Identifier: GPL-2.0-or-later */
/* txn.c - a host's state and the SAN registry, locked, loaded, saved. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vios.h"

int txn_begin(struct ivg_ctx *ctx, const struct vopts *o, bool write,
		     bool with_san, struct txn *t)
{
	char state[PATH_MAX];
	const char *san;
	int r;

	memset(t, 0, sizeof(*t));
	t->st.lockfd = t->san.lockfd = -1;
	if ((r = vio_store_open(ctx, o->state, "vios", write, &t->st)) ||
	    (r = vio_store_load(ctx, &t->st, &t->doc)))
		return r;
	/* The directory's real path (it exists once a writer opened it). */
	if (!realpath(o->state, state))
		snprintf(state, sizeof(state), "%s", o->state);
	san = o->san;
	if (!san && o->san_fallback && !json_object_object_get_ex(t->doc, "san", NULL))
		san = o->san_fallback;
	if ((r = vio_host_from_json(ctx, t->doc, state, san, &t->h)))
		return ivg_err_prefix(ctx, r, "%s: ", t->st.path);
	if (!with_san)
		return 0;
	if ((r = vio_store_open(ctx, t->h.san, "san", write, &t->san)) ||
	    (r = vio_store_load(ctx, &t->san, &t->sandoc)))
		return r;
	return vio_san_others(ctx, t->sandoc, t->h.id, &t->others);
}

int txn_commit(struct ivg_ctx *ctx, struct txn *t)
{
	struct json_object *doc;
	int r;

	if ((r = vio_host_to_json(ctx, &t->h, &doc)))
		return r;
	r = vio_store_save(ctx, &t->st, doc);
	json_object_put(doc);
	if (r || !t->sandoc)
		return r;
	if ((r = vio_san_publish(ctx, t->sandoc, &t->h)))
		return r;
	return vio_store_save(ctx, &t->san, t->sandoc);
}

void txn_end(struct txn *t)
{
	vio_san_free(&t->others);
	vio_host_free(&t->h);
	json_object_put(t->doc);
	json_object_put(t->sandoc);
	vio_store_close(&t->san);
	vio_store_close(&t->st);
}
