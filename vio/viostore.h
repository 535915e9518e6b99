/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * viostore.h - one JSON document in a directory, kept consistent under
 * concurrent callers.
 *
 * A store is DIR/NAME.json guarded by DIR/NAME.lock: readers take a shared
 * flock, writers an exclusive one for the whole read-modify-write. A save
 * writes DIR/.NAME.json.XXXXXX, fsyncs it, renames it over NAME.json and
 * fsyncs DIR, so a reader sees the old document or the new one, never a
 * torn one, even after a crash.
 */
#ifndef VIO_STORE_H
#define VIO_STORE_H

#include <stdbool.h>

#include <json-c/json.h>

#include "ctx.h"

struct vio_store {
	int lockfd;               /* -1: nothing locked (read-only, no DIR) */
	char *dir;
	char *path;               /* DIR/NAME.json */
	bool writable;
};

/*
 * Lock the store. writable: exclusive lock, DIR (and its parents) made if
 * missing. Read-only on a missing DIR locks nothing and reads as empty.
 */
int vio_store_open(struct ivg_ctx *ctx, const char *dir, const char *name,
		   bool writable, struct vio_store *st);

/* The document, or a new empty object when there is none yet. */
int vio_store_load(struct ivg_ctx *ctx, struct vio_store *st,
		   struct json_object **out);

/* Replace the document atomically (the store must be writable). */
int vio_store_save(struct ivg_ctx *ctx, struct vio_store *st,
		   struct json_object *doc);

/* Unlock and free; safe on a store that failed to open. */
void vio_store_close(struct vio_store *st);

#endif
