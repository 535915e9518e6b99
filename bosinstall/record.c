/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record.c - /etc/ivg/installed.json, with json-c. */
#include "record.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

/* Add key = a new string (NULL: JSON null). False when out of memory. */
static bool put_str(struct json_object *o, const char *key, const char *s)
{
	struct json_object *v = s ? json_object_new_string(s) : NULL;

	if (s && !v)
		return false;
	return json_object_object_add(o, key, v) == 0;
}

static bool put_int(struct json_object *o, const char *key, int64_t n)
{
	struct json_object *v = json_object_new_int64(n);

	return v && json_object_object_add(o, key, v) == 0;
}

static struct json_object *bos_obj(const struct bos_manifest *m)
{
	struct json_object *o = json_object_new_object();

	if (o && put_str(o, "name", m->name) &&
	    put_str(o, "format", bos_format_name(m->format)) &&
	    put_str(o, "sha256", m->sha256) &&
	    put_int(o, "size", (int64_t)m->size))
		return o;
	json_object_put(o);
	return NULL;
}

static struct json_object *ivg_obj(const struct ivg_vg *vg)
{
	struct json_object *o = json_object_new_object();
	char uuid[IVG_UUID_LEN + 7];

	ivg_uuid_format(vg->id, uuid);
	if (o && put_str(o, "vg", vg->name) && put_str(o, "uuid", uuid))
		return o;
	json_object_put(o);
	return NULL;
}

/* The TOC generation and digest the VG committed; null without a TOC. */
static bool put_toc(struct json_object *root, const struct bos_opps *opps)
{
	struct json_object *o;

	if (!opps || !opps->have_repo || !opps->repo.meta.present)
		return json_object_object_add(root, "opp_toc", NULL) == 0;
	o = json_object_new_object();
	if (o && put_int(o, "generation", (int64_t)opps->repo.meta.gen) &&
	    put_str(o, "sha256", opps->repo.meta.sha256) &&
	    json_object_object_add(root, "opp_toc", o) == 0)
		return true;
	json_object_put(o);
	return false;
}

static struct json_object *opp_obj(const struct bos_opp *p)
{
	struct json_object *o = json_object_new_object();
	char path[310];

	snprintf(path, sizeof(path), "/%s", p->where);
	if (o && put_str(o, "name", p->name) &&
	    put_str(o, "version", p->version) &&
	    put_str(o, "architecture", p->arch) &&
	    put_str(o, "format", opp_format_name(p->fmt)) &&
	    put_str(o, "how", bos_opp_how_name(p->how)) &&
	    put_str(o, "path", p->how == BOS_OPP_UNPACKED ? "/" : path) &&
	    put_str(o, "sha256", p->sha256))
		return o;
	json_object_put(o);
	return NULL;
}

static bool put_opps(struct json_object *root, const struct bos_opps *opps)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && opps && i < opps->n; i++) {
		struct json_object *o = opp_obj(&opps->v[i]);

		if (!o || json_object_array_add(a, o)) {
			json_object_put(o);
			json_object_put(a);
			return false;
		}
	}
	return a && json_object_object_add(root, "opps", a) == 0;
}

static bool put_rootvg(struct json_object *root, const struct bos_record *rec)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	bool ok = o && a && put_str(o, "name", rec->rootvg);

	for (size_t i = 0; ok && i < rec->n_disks; i++) {
		struct json_object *s = json_object_new_string(rec->disks[i]);

		ok = s && json_object_array_add(a, s) == 0;
		if (!ok)
			json_object_put(s);
	}
	if (ok && json_object_object_add(o, "disks", a) == 0) {
		a = NULL;
		if (json_object_object_add(root, "rootvg", o) == 0)
			return true;
	}
	json_object_put(a);
	json_object_put(o);
	return false;
}

static struct json_object *build(const struct bos_record *rec)
{
	struct json_object *root = json_object_new_object();
	struct json_object *bos = bos_obj(rec->bos), *ivg = ivg_obj(rec->ivg);
	char date[32];
	struct tm tm;

	gmtime_r(&rec->date, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!root || !bos || !ivg || !put_str(root, "ivg_version", IVG_VERSION) ||
	    !put_str(root, "date", date))
		goto fail;
	json_object_object_add(root, "bos", bos);
	bos = NULL;
	if (!put_str(root, "kernel", rec->kernel && *rec->kernel ? rec->kernel : NULL))
		goto fail;
	json_object_object_add(root, "ivg", ivg);
	ivg = NULL;
	if (!put_toc(root, rec->opps) || !put_opps(root, rec->opps) ||
	    !put_rootvg(root, rec))
		goto fail;
	if (rec->opps && rec->opps->note[0] &&
	    !put_str(root, "note", rec->opps->note))
		goto fail;
	return root;
fail:
	json_object_put(bos);
	json_object_put(ivg);
	json_object_put(root);
	return NULL;
}

int bos_record_json(struct ivg_ctx *ctx, const struct bos_record *rec,
		    char **text, size_t *len)
{
	struct json_object *root = build(rec);
	const char *s;

	*text = NULL;
	if (!root)
		return ivg_err(ctx, ENOMEM, "out of memory");
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	*len = s ? strlen(s) + 1 : 0;
	*text = s ? malloc(*len + 1) : NULL;
	if (*text) {
		memcpy(*text, s, *len - 1);
		(*text)[*len - 1] = '\n';
		(*text)[*len] = '\0';
	}
	json_object_put(root);
	return *text ? 0 : ivg_err(ctx, ENOMEM, "out of memory");
}

int bos_record_add(struct ivg_ctx *ctx, const struct bos_record *rec,
		   struct bos_rootadd *add)
{
	char *text;
	size_t len;
	int r = bos_record_json(ctx, rec, &text, &len);

	if (!r)
		r = bos_rootadd_buf(ctx, add, BOS_RECORD_PATH, 0644, text, len);
	free(text);
	return r;
}
