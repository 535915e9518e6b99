/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opps.c - the chosen OPPs, from the IVG's repository into the root. */
#include "opps.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plainpkg.h"
#include "toc.h"

const char *bos_opp_how_name(enum bos_opp_how how)
{
	switch (how) {
	case BOS_OPP_UNPACKED: return "unpacked";
	case BOS_OPP_SCRIPT: return "install-script";
	case BOS_OPP_APT: return "apt";
	case BOS_OPP_DPKG: return "dpkg";
	case BOS_OPP_DNF: return "dnf";
	case BOS_OPP_RPM: return "rpm";
	case BOS_OPP_PENDING: return "pending";
	}
	return "?";
}

/* The entry's fields into out. */
static int fill(struct ivg_ctx *ctx, const struct opp_stanza *e,
		const char *spec, struct bos_opp *out)
{
	int r = opp_toc_entry_info(ctx, e, &out->fmt, &out->size, &out->sha256,
				   &out->file);

	if (r)
		return ivg_err_prefix(ctx, r, "OPP %s: ", spec);
	out->name = opp_stanza_get(e, "Package");
	out->version = opp_stanza_get(e, "Version");
	out->arch = opp_stanza_get(e, "Architecture");
	out->script = out->fmt == OPP_FMT_OPP ?
		      opp_stanza_get(e, BOS_OPP_SCRIPT_FIELD) : NULL;
	out->how = out->fmt != OPP_FMT_OPP ? BOS_OPP_PENDING :
		   out->script ? BOS_OPP_SCRIPT : BOS_OPP_UNPACKED;
	/* The script runs as "/bin/sh /PATH": a plain path of the payload. */
	if (out->script && (!*out->script || out->script[0] == '/' ||
			    !opp_path_contained(out->script) ||
			    strpbrk(out->script, " \t\n\"'\\$`")))
		return ivg_err(ctx, EINVAL, "OPP %s: %s \"%s\" is not a plain relative path of its payload",
			       spec, BOS_OPP_SCRIPT_FIELD, out->script);
	return 0;
}

static int grow(struct ivg_ctx *ctx, struct bos_opps *o)
{
	struct bos_opp *v;

	if (o->n < o->cap)
		return 0;
	v = realloc(o->v, (o->cap * 2 + 4) * sizeof(*v));
	if (!v)
		return ivg_err(ctx, ENOMEM, "out of memory");
	o->v = v;
	o->cap = o->cap * 2 + 4;
	return 0;
}

static int find_one(struct ivg_ctx *ctx, struct bos_opps *o, const char *spec,
		    struct bos_opp *out)
{
	char name[256], *eq;
	long i;
	int r;

	*out = (struct bos_opp){ 0 };
	snprintf(name, sizeof(name), "%s", spec);
	eq = strchr(name, '=');
	if (eq)
		*eq++ = '\0';
	i = opp_toc_find(&o->repo.toc, name, eq, NULL);
	if (i < 0)
		return ivg_err(ctx, ENOENT,
			       "OPP %s is not in install volume group \"%s\" (opplist shows its OPPs)",
			       spec, o->repo.vg->name);
	if ((r = fill(ctx, &o->repo.toc.e[i], spec, out)))
		return r;
	for (size_t k = 0; k < o->n; k++)
		if (!strcmp(o->v[k].file, out->file))
			return ivg_err(ctx, EINVAL, "OPP %s is given twice", spec);
	return 0;
}

int bos_opps_add_dependency(struct ivg_ctx *ctx, struct bos_opps *o, long k,
			    enum bos_opp_how how)
{
	int r = grow(ctx, o);

	if (!r)
		r = fill(ctx, &o->repo.toc.e[k], "dependency", &o->v[o->n]);
	if (r)
		return r;
	o->v[o->n].how = how;
	o->v[o->n].dependency = true;
	o->n++;
	return 0;
}

int bos_opps_select(struct ivg_ctx *ctx, struct ivg_vg *ivg,
		    char *const *specs, size_t n, struct bos_opps *out)
{
	int r;

	*out = (struct bos_opps){ 0 };
	r = opp_repo_open(ctx, ivg, false, &out->repo);
	if (r)
		return n ? r : 0;
	out->have_repo = true;
	if (n && (r = opp_repo_require_consistent(ctx, &out->repo)))
		return r;
	for (size_t i = 0; !r && i < n; i++) {
		r = grow(ctx, out);
		if (!r)
			r = find_one(ctx, out, specs[i], &out->v[out->n]);
		if (!r)
			out->n++;
	}
	return r;
}

uint64_t bos_opps_bytes(const struct bos_opps *o)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < o->n; i++) {
		long k = opp_toc_find(&o->repo.toc, o->v[i].name, o->v[i].version,
				      o->v[i].arch);
		const char *inst = k < 0 ? NULL :
				   opp_stanza_get(&o->repo.toc.e[k], "Installed-Size");
		uint64_t kib = inst ? strtoull(inst, NULL, 10) : 0;

		/* A package takes its Installed-Size (KiB) once unpacked. */
		sum += kib < (UINT64_MAX >> 11) && kib * 1024 > o->v[i].size ?
		       kib * 1024 : o->v[i].size;
	}
	return sum;
}

bool bos_opps_need(const struct bos_opps *o, enum opp_format fmt)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].fmt == fmt &&
		    (fmt != OPP_FMT_OPP || o->v[i].how == BOS_OPP_SCRIPT))
			return true;
	return false;
}

/* A plain OPP: its payload into the root, its control file aside. */
static int add_plain(struct ivg_ctx *ctx, struct bos_opps *o,
		     const struct bos_opp *p, struct opp_src *src,
		     struct bos_rootadd *add)
{
	char path[400], *control = NULL;
	size_t len = 0;
	int r = bos_rootadd_archive(ctx, add, src, OPP_PLAIN_CONTROL, &control,
				    &len);

	if (!r && !control)
		r = ivg_err(ctx, EINVAL, "OPP %s: %s has no %s", p->name,
			    p->file, OPP_PLAIN_CONTROL);
	snprintf(path, sizeof(path), "%s/%s.control", BOS_OPP_DIR, p->name);
	if (!r)
		r = bos_rootadd_buf(ctx, add, path, 0644, control, len);
	free(control);
	(void)o;
	return r;
}

/* Read the image once, judging its digest at the end. */
static int add_image(struct ivg_ctx *ctx, struct bos_opps *o,
		     const struct bos_opp *p, struct bos_rootadd *add)
{
	char sha[IVG_SHA256_HEX];
	struct opp_file *f;
	struct opp_src src;
	uint64_t size;
	int r = opp_fs_file_open(ctx, o->repo.fs, p->file, &f, &size);

	if (r)
		return r;
	r = opp_src_init(ctx, &src, opp_fs_file_read, f, p->file);
	if (r) {
		opp_fs_file_close(f);
		return r;
	}
	if (size != p->size)
		r = ivg_err(ctx, EBADMSG, "OPP %s: %s has %llu bytes, its TOC entry says %llu",
			    p->name, p->file, (unsigned long long)size,
			    (unsigned long long)p->size);
	if (!r)
		r = add_plain(ctx, o, p, &src, add);
	if (!r)
		r = opp_src_finish(ctx, &src, sha);
	if (!r && strcmp(sha, p->sha256))
		r = ivg_err(ctx, EBADMSG, "OPP %s: %s has SHA-256 %s, its TOC entry says %s: not installed",
			    p->name, p->file, sha, p->sha256);
	opp_src_free(&src);
	opp_fs_file_close(f);
	return r;
}

int bos_opps_add(struct ivg_ctx *ctx, struct bos_opps *o,
		 struct bos_rootadd *add)
{
	int r = 0;

	for (size_t i = 0; !r && i < o->n; i++) {
		if (o->v[i].fmt != OPP_FMT_OPP)
			continue;
		ivg_info(ctx, "OPP %s %s (%s): %s", o->v[i].name,
			 o->v[i].version ? o->v[i].version : "",
			 opp_format_name(o->v[i].fmt),
			 bos_opp_how_name(o->v[i].how));
		r = add_image(ctx, o, &o->v[i], add);
	}
	return r;
}

void bos_opps_free(struct ivg_ctx *ctx, struct bos_opps *o)
{
	if (o->have_repo) {
		opp_repo_close(ctx, &o->repo);
		opp_repo_free(&o->repo);
	}
	free(o->v);
	*o = (struct bos_opps){ 0 };
}
