/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record.c - /etc/ivg/installed.json, with json-c. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathf.h"

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

	if (o && put_str(o, "name", p->name) &&
	    put_str(o, "version", p->version) &&
	    put_str(o, "architecture", p->arch) &&
	    put_str(o, "format", opp_format_name(p->fmt)) &&
	    put_str(o, "how", bos_opp_how_name(p->how)) &&
	    put_str(o, "file", p->file) &&
	    put_str(o, "sha256", p->sha256) &&
	    (!p->script || put_str(o, "script", p->script)) &&
	    json_object_object_add(o, "dependency",
				   json_object_new_boolean(p->dependency)) == 0)
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
	if (rec->machine && !put_str(root, "machine", rec->machine))
		goto fail;
	if (rec->note && rec->note[0] && !put_str(root, "note", rec->note))
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

static const char *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

/* The record at 'path' (an object), or a new one when there is none. */
static int record_read(struct ivg_ctx *ctx, const char *path,
		       struct json_object **out)
{
	struct json_object *o;

	if (access(path, F_OK) && errno == ENOENT) {
		*out = json_object_new_object();
		return *out ? 0 : ivg_err(ctx, ENOMEM, "out of memory");
	}
	o = json_object_from_file(path);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return ivg_err(ctx, EINVAL, "%s: not a JSON object (%s)", path,
			       json_util_get_last_err() ? json_util_get_last_err() : "");
	}
	*out = o;
	return 0;
}

/* Write the text next to 'path', sync it, rename it over 'path'. */
static int replace_file(struct ivg_ctx *ctx, const char *path,
			const char *text)
{
	char tmp[PATH_MAX];
	size_t len = strlen(text);
	int fd, r = ivg_pathf(ctx, tmp, sizeof(tmp), "%s.ivg-new", path);

	char dir[PATH_MAX], *slash;

	if (r)
		return r;
	/* Its directory (/etc/ivg) made when missing. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return ivg_err(ctx, errno, "%s: %s", dir, strerror(errno));
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1 || fsync(fd) || close(fd)) {
		r = ivg_err(ctx, errno, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return r;
	}
	if (rename(tmp, path)) {
		r = ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
		unlink(tmp);
	}
	return r;
}

int bos_record_add_opps(struct ivg_ctx *ctx, const char *path,
			const struct bos_opps *o)
{
	struct json_object *root = NULL, *a;
	int r = record_read(ctx, path, &root);

	if (r)
		return r;
	if (!json_object_object_get_ex(root, "opps", &a) ||
	    !json_object_is_type(a, json_type_array)) {
		a = json_object_new_array();
		if (!a || json_object_object_add(root, "opps", a))
			r = ivg_err(ctx, ENOMEM, "out of memory");
	}
	for (size_t i = 0; !r && i < o->n; i++) {
		struct json_object *e;

		if (o->v[i].how == BOS_OPP_PENDING)
			continue;
		/* Installed again (another version, say): one entry each. */
		for (size_t k = json_object_array_length(a); k-- > 0;) {
			struct json_object *old = json_object_array_get_idx(a, k);
			const char *n = member(old, "name"), *f = member(old, "format");

			if (n && f && !strcmp(n, o->v[i].name) &&
			    !strcmp(f, opp_format_name(o->v[i].fmt)))
				json_object_array_del_idx(a, k, 1);
		}
		e = opp_obj(&o->v[i]);
		if (!e || json_object_array_add(a, e))
			r = ivg_err(ctx, ENOMEM, "out of memory");
	}
	if (!r)
		r = replace_file(ctx, path, json_object_to_json_string_ext(root,
				 JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return r;
}

int bos_record_list_opps(struct ivg_ctx *ctx, const char *path,
			 const char *fmt, char ***names, char ***versions,
			 size_t *n)
{
	struct json_object *root = NULL, *a;
	size_t len;
	int r;

	*names = *versions = NULL;
	*n = 0;
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	if ((r = record_read(ctx, path, &root)))
		return r;
	if (!json_object_object_get_ex(root, "opps", &a) ||
	    !json_object_is_type(a, json_type_array)) {
		json_object_put(root);
		return 0;
	}
	len = json_object_array_length(a);
	*names = calloc(len + 1, sizeof(**names));
	*versions = calloc(len + 1, sizeof(**versions));
	if (!*names || !*versions)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < len; i++) {
		struct json_object *o = json_object_array_get_idx(a, i);
		const char *f = member(o, "format"), *name = member(o, "name"),
			   *ver = member(o, "version");

		if (!f || strcmp(f, fmt) || !name)
			continue;
		(*names)[*n] = strdup(name);
		(*versions)[*n] = strdup(ver ? ver : "");
		if (!(*names)[*n] || !(*versions)[*n])
			r = ivg_err(ctx, ENOMEM, "out of memory");
		(*n)++;
	}
	json_object_put(root);
	return r;
}

int bos_record_ivg(struct ivg_ctx *ctx, const char *path,
		   char vg[IVG_NAME_MAX + 1], char vgid[IVG_UUID_LEN + 1])
{
	struct json_object *root = NULL, *o;
	const char *name, *uuid;
	int r;

	vg[0] = vgid[0] = '\0';
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	if ((r = record_read(ctx, path, &root)))
		return r;
	if (json_object_object_get_ex(root, "ivg", &o) &&
	    json_object_is_type(o, json_type_object)) {
		name = member(o, "vg");
		uuid = member(o, "uuid");
		if (name && ivg_name_valid(name))
			snprintf(vg, IVG_NAME_MAX + 1, "%s", name);
		if (!uuid || ivg_uuid_parse(uuid, vgid))
			vgid[0] = '\0';
	}
	json_object_put(root);
	return 0;
}
