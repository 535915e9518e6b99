/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bosmanifest.c - a BOS image's manifest as JSON (json-c), and its name. */
#define _GNU_SOURCE             /* timegm */
#include "bosstore.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bosjson.h"
#include "sha256.h"
#include "bossan.h"

const char *bos_format_name(enum bos_format f)
{
	return f == BOS_FMT_RAW ? "raw" : f == BOS_FMT_TAR ? "tar" : "auto";
}

int bos_format_parse(struct ivg_ctx *ctx, const char *s, enum bos_format *f)
{
	if (!strcmp(s, "tar"))
		*f = BOS_FMT_TAR;
	else if (!strcmp(s, "raw"))
		*f = BOS_FMT_RAW;
	else
		return ivg_err(ctx, EINVAL, "\"%s\" is not a BOS format (tar or raw)", s);
	return 0;
}

/* lvm2 refuses LV names holding these (its sub-LV suffixes). */
static const char *const reserved[] = {
	"_cdata", "_cmeta", "_corig", "_cpool", "_cvol", "_wcorig", "_iorig",
	"_imeta", "_mimage", "_mlog", "_pmspare", "_rimage", "_rmeta",
	"_tdata", "_tmeta", "_vdata", "_vorigin", "_vdo",
};

int bos_name_check(struct ivg_ctx *ctx, const char *name)
{
	char shown[4 * BOS_NAME_MAX + 8];
	size_t len = strlen(name), o = 0;
	bool bad = !len || len > BOS_NAME_MAX || name[0] == '-' || name[0] == '.';

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		bad |= !(*p < 0x80 && (isalnum(*p) || strchr("._+-", *p)));
		if (p - (const unsigned char *)name < BOS_NAME_MAX)
			o += (size_t)snprintf(shown + o, sizeof(shown) - o,
					      *p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' ?
					      "\\x%02x" : "%c", *p);
	}
	shown[o] = 0;
	if (len > BOS_NAME_MAX)
		snprintf(shown + o, sizeof(shown) - o, "...");
	if (bad)
		return ivg_err(ctx, EINVAL, "BOS name \"%s\" is not valid: use 1 to %d of A-Z a-z 0-9 . _ + -, not starting with - or .",
			       shown, BOS_NAME_MAX);
	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++)
		if (strstr(name, reserved[i]))
			return ivg_err(ctx, EINVAL, "BOS name \"%s\" is not valid: it holds \"%s\", which lvm2 reserves in LV names",
				       name, reserved[i]);
	return 0;
}

/* What the BOS holds for a SAN boot, by name (bossan.h). */
static struct json_object *san_tools_json(int bits)
{
	struct json_object *a = json_object_new_array();

	for (unsigned b = 1; b < (1u << BOS_SAN_TOOLS); b <<= 1)
		if ((unsigned)bits & b)
			json_object_array_add(a, json_object_new_string(bos_san_tool_name(b)));
	return a;
}

/* The same back: -1 when missing (an older manifest); names not known
 * (a newer ivg's) are left out. */
static int get_san_tools(struct json_object *o)
{
	struct json_object *v;
	int bits = 0;

	if (!json_object_object_get_ex(o, "san_tools", &v) ||
	    !json_object_is_type(v, json_type_array))
		return -1;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *e = json_object_array_get_idx(v, i);

		if (json_object_is_type(e, json_type_string))
			bits |= (int)bos_san_tool_by_name(json_object_get_string(e));
	}
	return bits;
}

int bos_manifest_format(struct ivg_ctx *ctx, const struct bos_manifest *m,
			char **text, size_t *len)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return ivg_err(ctx, ENOMEM, "out of memory");
	bos_json_put_str(o, "name", m->name);
	bos_json_put_str(o, "format", bos_format_name(m->format));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)m->size));
	bos_json_put_str(o, "sha256", m->sha256);
	bos_json_put_str(o, "kernel", m->kernel);
	bos_json_put_time(o, "added", m->added);
	bos_json_put_str(o, m->format == BOS_FMT_RAW ? "lv" : "file", m->data);
	bos_json_put_str(o, "source", m->source);
	if (m->format == BOS_FMT_TAR) {
		bos_json_put_str(o, "compression", m->compression);
		json_object_object_add(o, "unpacked", json_object_new_int64((int64_t)m->unpacked));
		json_object_object_add(o, "files", json_object_new_int64((int64_t)m->files));
		if (m->vmlinuz >= 0)
			json_object_object_add(o, "vmlinuz", json_object_new_boolean(m->vmlinuz));
		if (m->initrd >= 0)
			json_object_object_add(o, "initrd", json_object_new_boolean(m->initrd));
		if (m->san_tools >= 0)
			json_object_object_add(o, "san_tools", san_tools_json(m->san_tools));
	}
	return bos_json_text(ctx, o, text, len);
}

/* A non-negative integer member, or 0 when missing or not one. */
static uint64_t get_count(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return 0;
	return (uint64_t)json_object_get_int64(v);
}

/* A boolean member: 1, 0, or -1 when missing or not one. */
static int get_flag(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return -1;
	return json_object_get_boolean(v) ? 1 : 0;
}

int bos_manifest_parse(struct ivg_ctx *ctx, const char *what,
		       const char *text, size_t len, struct bos_manifest *m)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL, *v;
	char fmt[8];
	const char *bad = NULL;
	struct ivg_ctx scratch;

	*m = (struct bos_manifest){ 0 };
	ivg_ctx_init(&scratch);
	if (!o || !json_object_is_type(o, json_type_object))
		bad = "not a JSON object";
	else if (!bos_json_get_str(o, "name", m->name, sizeof(m->name)) ||
		 bos_name_check(&scratch, m->name))
		bad = "\"name\"";
	else if (!bos_json_get_str(o, "format", fmt, sizeof(fmt)) ||
		 bos_format_parse(&scratch, fmt, &m->format))
		bad = "\"format\"";
	else if (!json_object_object_get_ex(o, "size", &v) ||
		 !json_object_is_type(v, json_type_int) ||
		 json_object_get_int64(v) < 0)
		bad = "\"size\"";
	else if (!bos_json_get_str(o, "sha256", m->sha256, sizeof(m->sha256)) ||
		 !ivg_sha256_hex_ok(m->sha256))
		bad = "\"sha256\"";
	else if (!bos_json_get_str(o, "kernel", m->kernel, sizeof(m->kernel)))
		bad = "\"kernel\"";
	else if (!bos_json_get_time(o, "added", &m->added))
		bad = "\"added\"";
	else if (!bos_json_get_str(o, m->format == BOS_FMT_RAW ? "lv" : "file", m->data,
			  sizeof(m->data)) || !*m->data)
		bad = m->format == BOS_FMT_RAW ? "\"lv\"" : "\"file\"";
	if (!bad) {
		m->size = (uint64_t)json_object_get_int64(v);
		bos_json_get_str(o, "source", m->source, sizeof(m->source));
		bos_json_get_str(o, "compression", m->compression, sizeof(m->compression));
		/* Manifests of older ivg lack these: 0, unknown. */
		m->unpacked = get_count(o, "unpacked");
		m->files = get_count(o, "files");
		m->vmlinuz = get_flag(o, "vmlinuz");
		m->initrd = get_flag(o, "initrd");
		m->san_tools = get_san_tools(o);
	}
	if (o)
		json_object_put(o);
	if (tok)
		json_tokener_free(tok);
	if (bad)
		return ivg_err(ctx, EINVAL, "%s: not a BOS manifest: %s is missing or not valid",
			       what, bad);
	return 0;
}
