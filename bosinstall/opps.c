/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opps.c - the chosen OPPs, from the IVG's repository into the root. */
#include "opps.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "loopdev.h"
#include "plainpkg.h"
#include "toolrun.h"
#include "toc.h"

const char *bos_opp_how_name(enum bos_opp_how how)
{
	switch (how) {
	case BOS_OPP_UNPACKED: return "unpacked";
	case BOS_OPP_LOCAL_APT: return "local-apt-repository";
	case BOS_OPP_LOCAL_RPM: return "local-rpm-directory";
	case BOS_OPP_DPKG: return "dpkg";
	}
	return "?";
}

static int find_one(struct ivg_ctx *ctx, struct bos_opps *o, const char *spec,
		    struct bos_opp *out)
{
	char name[256], *eq;
	const struct opp_stanza *e;
	long i;
	int r;

	snprintf(name, sizeof(name), "%s", spec);
	eq = strchr(name, '=');
	if (eq)
		*eq++ = '\0';
	i = opp_toc_find(&o->repo.toc, name, eq, NULL);
	if (i < 0)
		return ivg_err(ctx, ENOENT,
			       "OPP %s is not in install volume group \"%s\" (opplist shows its OPPs)",
			       spec, o->repo.vg->name);
	e = &o->repo.toc.e[i];
	r = opp_toc_entry_info(ctx, e, &out->fmt, &out->size, &out->sha256,
			       &out->file);
	if (r)
		return ivg_err_prefix(ctx, r, "OPP %s: ", spec);
	out->name = opp_stanza_get(e, "Package");
	out->version = opp_stanza_get(e, "Version");
	out->arch = opp_stanza_get(e, "Architecture");
	out->how = out->fmt == OPP_FMT_OPP ? BOS_OPP_UNPACKED :
		   out->fmt == OPP_FMT_DEB ? BOS_OPP_LOCAL_APT : BOS_OPP_LOCAL_RPM;
	snprintf(out->where, sizeof(out->where), "%s/%s",
		 out->fmt == OPP_FMT_RPM ? BOS_OPP_RPM_DIR : BOS_OPP_DIR,
		 strrchr(out->file, '/') + 1);
	for (size_t k = 0; k < o->n; k++)
		if (!strcmp(o->v[k].file, out->file))
			return ivg_err(ctx, EINVAL, "OPP %s is given twice", spec);
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
	out->v = calloc(n + 1, sizeof(*out->v));
	if (!out->v)
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		r = find_one(ctx, out, specs[i], &out->v[out->n]);
		if (!r)
			out->n++;
	}
	return r;
}

uint64_t bos_opps_bytes(const struct bos_opps *o)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < o->n; i++)
		sum += o->v[i].size;
	return sum;
}

static int src_read(struct ivg_ctx *ctx, void *arg, void *buf, size_t len,
		    size_t *got)
{
	return opp_src_read(ctx, arg, buf, len, got);
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
	if (!r && p->fmt == OPP_FMT_OPP)
		r = add_plain(ctx, o, p, &src, add);
	else if (!r)
		r = bos_rootadd_stream(ctx, add, p->where, 0644, size, src_read, &src);
	if (!r)
		r = opp_src_finish(ctx, &src, sha);
	if (!r && strcmp(sha, p->sha256))
		r = ivg_err(ctx, EBADMSG, "OPP %s: %s has SHA-256 %s, its TOC entry says %s: not installed",
			    p->name, p->file, sha, p->sha256);
	opp_src_free(&src);
	opp_fs_file_close(f);
	return r;
}

/* The local apt repository: Packages with the .debs beside it. */
static int add_apt_index(struct ivg_ctx *ctx, struct bos_opps *o,
			 struct bos_rootadd *add)
{
	static const char list[] =
		"# OPPs left by bosinstall (ivg): a local apt repository.\n"
		"# To install them: uncomment the line below, then\n"
		"#   apt-get update && apt-get install PACKAGE...\n"
		"# deb [trusted=yes] file:/" BOS_OPP_DIR " ./\n";
	struct ivg_buf b = { 0 };
	int r = 0;

	for (size_t i = 0; i < o->n; i++) {
		struct opp_stanza st = { 0 };
		const struct bos_opp *p = &o->v[i];
		long k = opp_toc_find(&o->repo.toc, p->name, p->version, p->arch);

		if (p->how != BOS_OPP_LOCAL_APT || k < 0)
			continue;
		/* A flat repository: Filename is relative to Packages. */
		if (opp_stanza_copy(&st, &o->repo.toc.e[k]) ||
		    opp_stanza_set(&st, "Filename", strrchr(p->where, '/') + 1))
			r = ivg_err(ctx, ENOMEM, "out of memory");
		opp_stanza_del(&st, OPP_F_FORMAT);
		if (!r && opp_stanza_format(&b, &st))
			r = ivg_err(ctx, ENOMEM, "out of memory");
		opp_stanza_free(&st);
	}
	if (!r && b.p)
		r = bos_rootadd_buf(ctx, add, BOS_OPP_DIR "/Packages", 0644, b.p, b.len);
	if (!r && b.p)
		r = bos_rootadd_buf(ctx, add, BOS_OPP_APT_LIST, 0644, list,
				    sizeof(list) - 1);
	ivg_buf_free(&b);
	return r;
}

static void note(struct bos_opps *o)
{
	bool deb = false, rpm = false;

	for (size_t i = 0; i < o->n; i++) {
		deb |= o->v[i].how == BOS_OPP_LOCAL_APT;
		rpm |= o->v[i].how == BOS_OPP_LOCAL_RPM;
	}
	snprintf(o->note, sizeof(o->note), "%s%s",
		 deb ? "Debian packages were not installed (no dpkg could run on the root): they are in the local apt repository /" BOS_OPP_DIR "; on the installed system, enable it in /" BOS_OPP_APT_LIST " and run apt-get update and apt-get install. " : "",
		 rpm ? "RPM packages were not installed: they are in /" BOS_OPP_RPM_DIR "; install them with rpm -i on the installed system." : "");
}

int bos_opps_add(struct ivg_ctx *ctx, struct bos_opps *o,
		 struct bos_rootadd *add)
{
	int r = 0;

	for (size_t i = 0; !r && i < o->n; i++) {
		ivg_info(ctx, "OPP %s %s (%s): %s", o->v[i].name,
			 o->v[i].version ? o->v[i].version : "",
			 opp_format_name(o->v[i].fmt),
			 bos_opp_how_name(o->v[i].how));
		r = add_image(ctx, o, &o->v[i], add);
	}
	if (!r)
		r = add_apt_index(ctx, o, add);
	if (!r)
		note(o);
	return r;
}

static bool have_dpkg(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	while (path && *path) {
		size_t len = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/dpkg", (int)len, path);
		if (len && access(buf, X_OK) == 0)
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

/* dpkg --root=DIR -i DIR/var/lib/ivg/opp/X.deb ... for every left .deb. */
static int run_dpkg(struct ivg_ctx *ctx, struct bos_opps *o, const char *dir)
{
	struct ivg_strvec argv = { 0 };
	int r = ivg_strvec_add(&argv, "dpkg") ||
		ivg_strvec_addf(&argv, "--root=%s", dir) ||
		ivg_strvec_add(&argv, "-i");

	for (size_t i = 0; !r && i < o->n; i++)
		if (o->v[i].how == BOS_OPP_LOCAL_APT)
			r = ivg_strvec_addf(&argv, "%s/%s", dir, o->v[i].where);
	r = r ? ivg_err(ctx, ENOMEM, "out of memory") :
		ivg_spawn(ctx, "installing the Debian OPPs into the root", argv.v,
			  NULL, ctx->verbose ? 2 : -1);
	ivg_strvec_free(&argv);
	for (size_t i = 0; !r && i < o->n; i++)
		if (o->v[i].how == BOS_OPP_LOCAL_APT)
			o->v[i].how = BOS_OPP_DPKG;
	return r;
}

/* Mounted: dpkg, if the root has its database. */
static int dpkg_mounted(struct ivg_ctx *ctx, struct bos_opps *o,
			const char *dir)
{
	char status[PATH_MAX + 32];

	snprintf(status, sizeof(status), "%s/var/lib/dpkg/status", dir);
	if (access(status, F_OK)) {
		ivg_info(ctx, "the root has no dpkg database: Debian OPPs stay in /%s",
			 BOS_OPP_DIR);
		return 0;
	}
	return run_dpkg(ctx, o, dir);
}

int bos_opps_dpkg(struct ivg_ctx *ctx, struct bos_opps *o, struct ivg_vg *vg,
		  const char *lv, const char *tmpdir)
{
	const struct ivg_lv *l = ivg_vg_lv(vg, lv);
	char loop[PATH_MAX], dir[PATH_MAX];
	bool any = false;
	int r;

	for (size_t i = 0; i < o->n; i++)
		any |= o->v[i].how == BOS_OPP_LOCAL_APT;
	if (!any || !l)
		return 0;
	if (!have_dpkg()) {
		ivg_info(ctx, "no dpkg here: Debian OPPs stay in /%s", BOS_OPP_DIR);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/ivg-root.XXXXXX", tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir))
		return ivg_err(ctx, errno, "%s: %s", dir, strerror(errno));
	r = ivg_loop_attach(ctx, vg, l, false, loop, sizeof(loop));
	if (!r && mount(loop, dir, "ext4", 0, NULL))
		r = ivg_err(ctx, errno, "mounting %s: %s", loop, strerror(errno));
	if (r) {
		ivg_info(ctx, "%s/%s cannot be mounted here (%s): Debian OPPs stay in /%s",
			 vg->name, lv, ivg_errmsg(ctx), BOS_OPP_DIR);
		ivg_loop_detach(ctx, vg, l);
		rmdir(dir);
		return 0;
	}
	r = dpkg_mounted(ctx, o, dir);
	/* Unmounted and detached whatever dpkg did; the first error said. */
	if (umount(dir)) {
		int err = errno;

		if (!r)
			r = ivg_err(ctx, err, "%s: cannot unmount %s/%s: %s", dir,
				    vg->name, lv, strerror(err));
	} else {
		struct ivg_ctx scratch;
		int d;

		ivg_ctx_init(&scratch);
		d = ivg_loop_detach(r ? &scratch : ctx, vg, l);
		r = r ? r : d;
	}
	rmdir(dir);
	note(o);
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
