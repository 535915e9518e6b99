/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bosjson.h - what the JSON files ivg keeps in bosfs share (the BOS
 * manifests, the machine entries): members read and written, times as
 * "YYYY-MM-DDTHH:MM:SSZ", and the text itself: pretty, '/' unescaped,
 * ivg's version last, a newline at the end.
 */
#ifndef BOS_BOSJSON_H
#define BOS_BOSJSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

void bos_json_put_str(struct json_object *o, const char *key, const char *v);
/* t, seconds since the epoch, as UTC text. */
void bos_json_put_time(struct json_object *o, const char *key, int64_t t);
/* A string member into out[len]; false when missing, not a string or
 * too long. */
bool bos_json_get_str(struct json_object *o, const char *key, char *out,
		      size_t len);
/* A time member as bos_json_put_time writes it; false otherwise. */
bool bos_json_get_time(struct json_object *o, const char *key, int64_t *t);

/* The text of o, with "ivg_version" added (malloc'ed: len bytes, the
 * last a newline, a NUL after them); o is freed either way. */
int bos_json_text(struct ivg_ctx *ctx, struct json_object *o, char **text,
		  size_t *len);

#endif
