/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viohost.c - partitions and VTDs of one host, to and from JSON. */
#include "viohost.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "vg.h"

#define VIO_SAN_DEFAULT "/var/lib/ivg/san"

static const char *const boot_types[] = { "normal", "install", "maintenance" };
static const char *const lists[VIO_NLISTS] = {
	"normal", "install", "maintenance", "rootvg", "primary", "secondary",
	"nonessential",
};

const char *vio_boot_type_name(enum vio_boot_type t)
{
	return boot_types[t];
}

int vio_boot_type_parse(const char *s, enum vio_boot_type *t)
{
	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(s, boot_types[i])) {
			*t = (enum vio_boot_type)i;
			return 0;
		}
	return -EINVAL;
}

const char *vio_list_name(enum vio_list l)
{
	return lists[l];
}

int vio_list_parse(const char *s, enum vio_list *l)
{
	if (!strcmp(s, "boot"))
		s = "normal";
	if (!strcmp(s, "non-essential"))
		s = "nonessential";
	for (unsigned i = 0; i < VIO_NLISTS; i++)
		if (!strcmp(s, lists[i])) {
			*l = (enum vio_list)i;
			return 0;
		}
	return -EINVAL;
}

bool vio_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= VIO_NAME_MAX || s[0] == '-')
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789._+-") == n;
}

/* ---- JSON helpers ---- */

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static uint64_t get_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return (uint64_t)json_object_get_int64(v);
}

static bool get_bool(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static int put(struct json_object *o, const char *key, struct json_object *v)
{
	return v ? json_object_object_add(o, key, v) : -1;
}

static void put_str(struct json_object *o, const char *key, const char *s)
{
	put(o, key, json_object_new_string(s));
}

static void put_u64(struct json_object *o, const char *key, uint64_t v)
{
	put(o, key, json_object_new_int64((int64_t)v));
}

static void set_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

/* ---- runs, identities, VTDs, partitions ---- */

struct json_object *vio_run_to_json(const struct vio_run *r)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	put_str(o, "boot_id", r->boot_id);
	put_u64(o, "pid", (uint64_t)r->pid);
	put_u64(o, "start", r->start);
	put_str(o, "mode", r->mode);
	return o;
}

void vio_run_from_json(struct json_object *o, struct vio_run *r)
{
	memset(r, 0, sizeof(*r));
	if (!o)
		return;
	set_str(r->boot_id, sizeof(r->boot_id), get_str(o, "boot_id"));
	r->pid = (int)get_u64(o, "pid");
	r->start = get_u64(o, "start");
	set_str(r->mode, sizeof(r->mode), get_str(o, "mode"));
}

static struct json_object *ident_to_json(const struct vio_ident *id)
{
	struct json_object *o = json_object_new_object();
	char s[VIO_ID_STR];

	if (!o)
		return NULL;
	vio_ident_str(id, s);
	put_str(o, "identity", s);
	put_str(o, "path", id->path);
	put_str(o, "wwn", id->wwn);
	put_str(o, "serial", id->serial);
	put_str(o, "pv_uuid", id->pv);
	put_str(o, "file", id->file);
	put_u64(o, "file_dev", id->file_dev);
	put_u64(o, "file_ino", id->file_ino);
	put_u64(o, "offset", id->offset);
	put_str(o, "sha256_1mib", id->sha);
	put(o, "blank", json_object_new_boolean(id->blank));
	put_u64(o, "size", id->size);
	put(o, "blockdev", json_object_new_boolean(id->is_blockdev));
	return o;
}

static void ident_from_json(struct json_object *o, struct vio_ident *id)
{
	memset(id, 0, sizeof(*id));
	set_str(id->path, sizeof(id->path), get_str(o, "path"));
	set_str(id->wwn, sizeof(id->wwn), get_str(o, "wwn"));
	set_str(id->serial, sizeof(id->serial), get_str(o, "serial"));
	set_str(id->pv, sizeof(id->pv), get_str(o, "pv_uuid"));
	set_str(id->file, sizeof(id->file), get_str(o, "file"));
	id->file_dev = get_u64(o, "file_dev");
	id->file_ino = get_u64(o, "file_ino");
	id->offset = get_u64(o, "offset");
	set_str(id->sha, sizeof(id->sha), get_str(o, "sha256_1mib"));
	id->blank = get_bool(o, "blank");
	id->size = get_u64(o, "size");
	id->is_blockdev = get_bool(o, "blockdev");
}

struct json_object *vio_vtd_to_json(const struct vio_vtd *v)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	put_str(o, "name", v->name);
	put_str(o, "lpar", v->lpar);
	put_u64(o, "scsi_id", v->scsi_id);
	put_u64(o, "lun", v->lun);
	put_str(o, "mode", v->ro ? "ro" : "rw");
	put(o, "backing", ident_to_json(&v->ident));
	return o;
}

int vio_vtd_from_json(struct ivg_ctx *ctx, struct json_object *o, struct vio_vtd *v)
{
	struct json_object *b;

	memset(v, 0, sizeof(*v));
	set_str(v->name, sizeof(v->name), get_str(o, "name"));
	set_str(v->lpar, sizeof(v->lpar), get_str(o, "lpar"));
	v->scsi_id = (unsigned)get_u64(o, "scsi_id");
	v->lun = (unsigned)get_u64(o, "lun");
	v->ro = !strcmp(get_str(o, "mode"), "ro");
	if (!vio_name_valid(v->name) || !vio_name_valid(v->lpar) ||
	    !json_object_object_get_ex(o, "backing", &b))
		return ivg_err(ctx, EINVAL, "state: a virtual target device without a name, partition or backing device");
	ident_from_json(b, &v->ident);
	return 0;
}

static struct json_object *lpar_to_json(const struct vio_lpar *lp)
{
	struct json_object *o = json_object_new_object(), *ls;

	if (!o)
		return NULL;
	put_str(o, "name", lp->name);
	put_u64(o, "id", lp->id);
	put_u64(o, "adapter", lp->adapter);
	put_u64(o, "memory_mb", lp->memory_mb);
	put_u64(o, "cpus", lp->cpus);
	put_str(o, "boot_type", vio_boot_type_name(lp->boot_type));
	ls = json_object_new_object();
	for (unsigned l = 0; ls && l < VIO_NLISTS; l++) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; a && i < lp->nlist[l]; i++)
			json_object_array_add(a, json_object_new_string(lp->list[l][i]));
		put(ls, lists[l], a);
	}
	put(o, "lists", ls);
	put(o, "run", vio_run_to_json(&lp->run));
	return o;
}

static int lpar_from_json(struct ivg_ctx *ctx, struct json_object *o, struct vio_lpar *lp)
{
	struct json_object *ls, *a, *run;

	memset(lp, 0, sizeof(*lp));
	set_str(lp->name, sizeof(lp->name), get_str(o, "name"));
	if (!vio_name_valid(lp->name))
		return ivg_err(ctx, EINVAL, "state: a partition without a valid name");
	lp->id = (unsigned)get_u64(o, "id");
	lp->adapter = (unsigned)get_u64(o, "adapter");
	lp->memory_mb = get_u64(o, "memory_mb");
	lp->cpus = (unsigned)get_u64(o, "cpus");
	if (vio_boot_type_parse(get_str(o, "boot_type"), &lp->boot_type))
		lp->boot_type = VIO_BOOT_NORMAL;
	if (json_object_object_get_ex(o, "lists", &ls))
		for (unsigned l = 0; l < VIO_NLISTS; l++) {
			if (!json_object_object_get_ex(ls, lists[l], &a))
				continue;
			for (size_t i = 0; i < json_object_array_length(a) && i < VIO_LIST_MAX; i++)
				set_str(lp->list[l][lp->nlist[l]++], VIO_NAME_MAX,
					json_object_get_string(json_object_array_get_idx(a, i)));
		}
	vio_run_from_json(json_object_object_get_ex(o, "run", &run) ? run : NULL, &lp->run);
	return 0;
}

/* ---- the host ---- */

int vio_host_from_json(struct ivg_ctx *ctx, struct json_object *doc,
		       const char *state, const char *san, struct vio_host *h)
{
	struct json_object *host, *a;
	int r;

	memset(h, 0, sizeof(*h));
	set_str(h->state, sizeof(h->state), state);
	if (json_object_object_get_ex(doc, "host", &host)) {
		set_str(h->id, sizeof(h->id), get_str(host, "id"));
		set_str(h->name, sizeof(h->name), get_str(host, "name"));
	}
	if (!h->id[0]) {
		struct utsname u;
		char uuid[IVG_UUID_LEN + 1];

		if ((r = ivg_uuid_generate(uuid)))
			return ivg_err(ctx, r, "cannot generate a host ID");
		set_str(h->id, sizeof(h->id), uuid);
		if (!h->name[0] && !uname(&u))
			set_str(h->name, sizeof(h->name), u.nodename);
	}
	set_str(h->san, sizeof(h->san), san ? san : get_str(doc, "san"));
	if (!h->san[0])
		set_str(h->san, sizeof(h->san), VIO_SAN_DEFAULT);
	h->next_id = (unsigned)get_u64(doc, "next_id");
	h->next_adapter = (unsigned)get_u64(doc, "next_adapter");
	h->next_vtd = (unsigned)get_u64(doc, "next_vtd");
	if (!h->next_id)
		h->next_id = 1;
	if (json_object_object_get_ex(doc, "lpars", &a)) {
		size_t n = json_object_array_length(a);

		h->lpars = calloc(n ? n : 1, sizeof(*h->lpars));
		if (!h->lpars)
			return ivg_err(ctx, ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++, h->nlpars++)
			if ((r = lpar_from_json(ctx, json_object_array_get_idx(a, i),
						&h->lpars[i])))
				return r;
	}
	if (json_object_object_get_ex(doc, "vtds", &a)) {
		size_t n = json_object_array_length(a);

		h->vtds = calloc(n ? n : 1, sizeof(*h->vtds));
		if (!h->vtds)
			return ivg_err(ctx, ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++, h->nvtds++)
			if ((r = vio_vtd_from_json(ctx, json_object_array_get_idx(a, i),
						   &h->vtds[i])))
				return r;
	}
	return 0;
}

int vio_host_to_json(struct ivg_ctx *ctx, const struct vio_host *h,
		     struct json_object **out)
{
	struct json_object *o = json_object_new_object(), *host, *a, *b;

	*out = NULL;
	if (!o || !(host = json_object_new_object()) || !(a = json_object_new_array()) ||
	    !(b = json_object_new_array())) {
		json_object_put(o);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	put_u64(o, "version", 1);
	put_str(host, "id", h->id);
	put_str(host, "name", h->name);
	put(o, "host", host);
	put_str(o, "san", h->san);
	put_u64(o, "next_id", h->next_id);
	put_u64(o, "next_adapter", h->next_adapter);
	put_u64(o, "next_vtd", h->next_vtd);
	for (size_t i = 0; i < h->nlpars; i++)
		json_object_array_add(a, lpar_to_json(&h->lpars[i]));
	for (size_t i = 0; i < h->nvtds; i++)
		json_object_array_add(b, vio_vtd_to_json(&h->vtds[i]));
	put(o, "lpars", a);
	put(o, "vtds", b);
	*out = o;
	return 0;
}

void vio_host_free(struct vio_host *h)
{
	free(h->lpars);
	free(h->vtds);
	h->lpars = NULL;
	h->vtds = NULL;
	h->nlpars = h->nvtds = 0;
}

struct vio_lpar *vio_host_lpar(const struct vio_host *h, const char *name)
{
	for (size_t i = 0; i < h->nlpars; i++)
		if (!strcmp(h->lpars[i].name, name))
			return &h->lpars[i];
	return NULL;
}

struct vio_vtd *vio_host_vtd(const struct vio_host *h, const char *name)
{
	for (size_t i = 0; i < h->nvtds; i++)
		if (!strcmp(h->vtds[i].name, name))
			return &h->vtds[i];
	return NULL;
}

int vio_host_add_lpar(struct ivg_ctx *ctx, struct vio_host *h,
		      const char *name, uint64_t memory_mb, unsigned cpus)
{
	struct vio_lpar *grown, *lp;

	if (!vio_name_valid(name))
		return ivg_err(ctx, EINVAL, "%s: invalid partition name (use [A-Za-z0-9._+-], at most %d characters)",
			       name, VIO_NAME_MAX - 1);
	if (vio_host_lpar(h, name))
		return ivg_err(ctx, EEXIST, "partition %s already exists", name);
	grown = realloc(h->lpars, (h->nlpars + 1) * sizeof(*grown));
	if (!grown)
		return ivg_err(ctx, ENOMEM, "out of memory");
	h->lpars = grown;
	lp = &h->lpars[h->nlpars++];
	memset(lp, 0, sizeof(*lp));
	set_str(lp->name, sizeof(lp->name), name);
	lp->id = h->next_id++;
	lp->adapter = h->next_adapter++;
	lp->memory_mb = memory_mb;
	lp->cpus = cpus;
	lp->boot_type = VIO_BOOT_NORMAL;
	return 0;
}

int vio_host_rm_lpar(struct ivg_ctx *ctx, struct vio_host *h, const char *name)
{
	struct vio_lpar *lp = vio_host_lpar(h, name);
	size_t w = 0;

	if (!lp)
		return ivg_err(ctx, ENOENT, "partition %s does not exist", name);
	if (vio_run_alive(&lp->run))
		return ivg_err(ctx, EBUSY, "partition %s is running (QEMU pid %d): shut it down first",
			       name, lp->run.pid);
	for (size_t i = 0; i < h->nvtds; i++)
		if (strcmp(h->vtds[i].lpar, name))
			h->vtds[w++] = h->vtds[i];
	h->nvtds = w;
	memmove(lp, lp + 1, (size_t)(h->lpars + h->nlpars - lp - 1) * sizeof(*lp));
	h->nlpars--;
	return 0;
}

int vio_host_add_vtd(struct ivg_ctx *ctx, struct vio_host *h,
		     const struct vio_vtd *v, struct vio_vtd **added)
{
	struct vio_vtd *grown, *n;

	if (v->name[0] && !vio_name_valid(v->name))
		return ivg_err(ctx, EINVAL, "%s: invalid virtual target device name", v->name);
	if (v->name[0] && vio_host_vtd(h, v->name))
		return ivg_err(ctx, EEXIST, "virtual target device %s already exists", v->name);
	grown = realloc(h->vtds, (h->nvtds + 1) * sizeof(*grown));
	if (!grown)
		return ivg_err(ctx, ENOMEM, "out of memory");
	h->vtds = grown;
	n = &h->vtds[h->nvtds];
	*n = *v;
	while (!n->name[0]) {
		snprintf(n->name, sizeof(n->name), "vtscsi%u", h->next_vtd++);
		if (vio_host_vtd(h, n->name))
			n->name[0] = 0;
	}
	h->nvtds++;
	if (added)
		*added = n;
	return 0;
}

static void list_drop(struct vio_lpar *lp, const char *name)
{
	for (unsigned l = 0; l < VIO_NLISTS; l++) {
		size_t w = 0;

		for (size_t i = 0; i < lp->nlist[l]; i++)
			if (strcmp(lp->list[l][i], name))
				memmove(lp->list[l][w++], lp->list[l][i], VIO_NAME_MAX);
		lp->nlist[l] = w;
	}
}

int vio_host_rm_vtd(struct ivg_ctx *ctx, struct vio_host *h, const char *name)
{
	struct vio_vtd *v = vio_host_vtd(h, name);
	struct vio_lpar *lp;

	if (!v)
		return ivg_err(ctx, ENOENT, "virtual target device %s does not exist", name);
	if ((lp = vio_host_lpar(h, v->lpar))) {
		if (vio_run_alive(&lp->run))
			return ivg_err(ctx, EBUSY, "%s: partition %s is running (QEMU pid %d): shut it down first",
				       name, lp->name, lp->run.pid);
		list_drop(lp, name);
	}
	memmove(v, v + 1, (size_t)(h->vtds + h->nvtds - v - 1) * sizeof(*v));
	h->nvtds--;
	return 0;
}

int vio_host_set_list(struct ivg_ctx *ctx, struct vio_host *h,
		      struct vio_lpar *lp, enum vio_list l,
		      char *const *names, size_t n)
{
	if (n > VIO_LIST_MAX)
		return ivg_err(ctx, E2BIG, "%s: the %s list holds at most %d devices",
			       lp->name, lists[l], VIO_LIST_MAX);
	for (size_t i = 0; i < n; i++) {
		struct vio_vtd *v = vio_host_vtd(h, names[i]);

		if (!v || strcmp(v->lpar, lp->name))
			return ivg_err(ctx, ENOENT, "%s: no virtual target device %s in partition %s",
				       names[i], names[i], lp->name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return ivg_err(ctx, EINVAL, "%s: listed twice in the %s list",
					       names[i], lists[l]);
	}
	for (size_t i = 0; i < n; i++)
		set_str(lp->list[l][i], VIO_NAME_MAX, names[i]);
	lp->nlist[l] = n;
	return 0;
}
