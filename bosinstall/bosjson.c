/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosjson.c - the JSON files of bosfs (bosjson.h). */
#define _GNU_SOURCE
#include "bosjson.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "version.h"

#define TIME_FMT "%Y-%m-%dT%H:%M:%SZ"

void bos_json_put_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

void bos_json_put_time(struct json_object *o, const char *key, int64_t t)
{
	time_t tt = (time_t)t;
	char when[32];
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(when, sizeof(when), TIME_FMT, &tm);
	bos_json_put_str(o, key, when);
}

bool bos_json_get_str(struct json_object *o, const char *key, char *out,
		      size_t len)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	if (strlen(s) >= len)
		return false;
	strcpy(out, s);
	return true;
}

bool bos_json_get_time(struct json_object *o, const char *key, int64_t *t)
{
	char s[32], *end;
	struct tm tm = { 0 };

	if (!bos_json_get_str(o, key, s, sizeof(s)) ||
	    !(end = strptime(s, TIME_FMT, &tm)) || *end)
		return false;
	*t = (int64_t)timegm(&tm);
	return true;
}

int bos_json_text(struct ivg_ctx *ctx, struct json_object *o, char **text,
		  size_t *len)
{
	const char *s;

	*text = NULL;
	if (!o)
		return ivg_err(ctx, ENOMEM, "out of memory");
	bos_json_put_str(o, "ivg_version", IVG_VERSION);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	*len = s ? strlen(s) + 1 : 0;
	if (s && (*text = malloc(*len + 1))) {
		memcpy(*text, s, *len - 1);
		memcpy(*text + *len - 1, "\n", 2);
	}
	json_object_put(o);
	return *text ? 0 : ivg_err(ctx, ENOMEM, "out of memory");
}
