/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppinst.c - OPPs installed by the system's own package manager (oppinst.h). */
#define _GNU_SOURCE
#include "oppinst.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathf.h"
#include "record.h"
#include "stanza.h"
#include "toc.h"

#define DPKG_STATUS "var/lib/dpkg/status"
#define STATUS_MAX (256u << 20)

static const char *const apt_paths[] = { "usr/bin/apt-get", NULL };
static const char *const dpkg_paths[] = { "usr/bin/dpkg", "bin/dpkg", NULL };
static const char *const dnf_paths[] = { "usr/bin/dnf", "usr/bin/dnf5", NULL };
static const char *const rpm_paths[] = { "usr/bin/rpm", "bin/rpm", NULL };
static const char *const sh_paths[] = { "bin/sh", "usr/bin/sh", NULL };
static const char *const tar_paths[] = { "usr/bin/tar", "bin/tar", NULL };

/* The first of the root's tools that is there, or NULL (busybox's
 * applets of the same names do not count, but for the shell). */
static const char *tool_of(const struct bos_chroot *c, const char *const *paths)
{
	for (const char *const *p = paths; *p; p++)
		if (bos_chroot_has(c, *p) &&
		    (paths == sh_paths || !bos_chroot_is_busybox(c, *p)))
			return *p;
	return NULL;
}


static bool pending(const struct bos_opp *p, enum opp_format fmt)
{
	return p->fmt == fmt && (p->how == BOS_OPP_PENDING || p->how == BOS_OPP_SCRIPT);
}

static const struct bos_opp *first_pending(const struct bos_opps *o,
					   enum opp_format fmt)
{
	for (size_t i = 0; i < o->n; i++)
		if (pending(&o->v[i], fmt) &&
		    (fmt != OPP_FMT_OPP || o->v[i].how == BOS_OPP_SCRIPT))
			return &o->v[i];
	return NULL;
}

int bos_oppinst_check(struct ivg_ctx *ctx, const struct bos_chroot *c,
		      const struct bos_opps *o, const char *system)
{
	const struct bos_opp *p;

	if ((p = first_pending(o, OPP_FMT_DEB)) && !tool_of(c, apt_paths) &&
	    !tool_of(c, dpkg_paths))
		return ivg_err(ctx, ENOENT, "OPP %s is a Debian package and %s has no dpkg (/usr/bin/dpkg): it cannot be installed there",
			       p->name, system);
	if ((p = first_pending(o, OPP_FMT_RPM)) && !tool_of(c, dnf_paths) &&
	    !tool_of(c, rpm_paths))
		return ivg_err(ctx, ENOENT, "OPP %s is an RPM package and %s has no rpm (/usr/bin/rpm): it cannot be installed there",
			       p->name, system);
	if ((p = first_pending(o, OPP_FMT_OPP)) && !tool_of(c, sh_paths))
		return ivg_err(ctx, ENOENT, "OPP %s has an install script and %s has no /bin/sh to run it",
			       p->name, system);
	return 0;
}

/* ---- dpkg's status: what is installed --------------------------------- */

struct pkgver {
	char *name, *version;
};

struct status {
	struct pkgver *v;
	size_t n;
};

static void status_free(struct status *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].version);
	}
	free(s->v);
	*s = (struct status){ 0 };
}

static bool installed(const struct opp_stanza *st)
{
	const char *s = opp_stanza_get(st, "Status");

	return s && !strcmp(s, "install ok installed");
}

/* The packages dpkg's status file of the root lists as installed. */
static int status_read(struct ivg_ctx *ctx, const struct bos_chroot *c,
		       struct status *out)
{
	struct opp_stanza *v = NULL;
	char path[PATH_MAX], *text = NULL;
	size_t n = 0, len = 0;
	FILE *f;
	int r = bos_chroot_path(ctx, c, DPKG_STATUS, path, sizeof(path));

	*out = (struct status){ 0 };
	if (r)
		return r;
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0 :
		       ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	text = malloc(STATUS_MAX);
	if (!text)
		r = ivg_err(ctx, ENOMEM, "out of memory");
	else if ((len = fread(text, 1, STATUS_MAX, f)) == STATUS_MAX || ferror(f))
		r = ivg_err(ctx, EFBIG, "%s: cannot be read whole", path);
	fclose(f);
	if (!r)
		r = opp_stanzas_parse(ctx, text, len, path, &v, &n);
	free(text);
	if (!r && !(out->v = calloc(n + 1, sizeof(*out->v))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		const char *name = opp_stanza_get(&v[i], "Package");
		const char *ver = opp_stanza_get(&v[i], "Version");

		if (!name || !ver || !installed(&v[i]))
			continue;
		out->v[out->n].name = strdup(name);
		out->v[out->n].version = strdup(ver);
		if (!out->v[out->n].name || !out->v[out->n].version)
			r = ivg_err(ctx, ENOMEM, "out of memory");
		out->n++;
	}
	opp_stanzas_free(v, n);
	if (r)
		status_free(out);
	return r;
}

static const char *status_version(const struct status *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return s->v[i].version;
	return NULL;
}

/* Every Debian OPP asked for is installed, at its version. */
static int check_debs(struct ivg_ctx *ctx, const struct bos_opps *o,
		      const struct status *after, const char *tool)
{
	for (size_t i = 0; i < o->n; i++) {
		const struct bos_opp *p = &o->v[i];
		const char *have;

		if (!pending(p, OPP_FMT_DEB))
			continue;
		have = status_version(after, p->name);
		if (!have || (p->version && strcmp(have, p->version)))
			return ivg_err(ctx, EIO, "OPP %s %s: %s finished, but dpkg's database %s",
				       p->name, p->version ? p->version : "", tool,
				       have ? "holds another version" : "does not list it as installed");
	}
	return 0;
}

/* Debian OPPs that came in or changed and were not asked for. */
static int record_dependencies(struct ivg_ctx *ctx, struct bos_opps *o,
			       const struct status *before,
			       const struct status *after)
{
	int r = 0;

	for (size_t i = 0; !r && i < after->n; i++) {
		const struct pkgver *a = &after->v[i];
		const char *was = status_version(before, a->name);
		bool asked = false;
		long k;

		if (was && !strcmp(was, a->version))
			continue;
		for (size_t j = 0; j < o->n && !asked; j++)
			asked = o->v[j].fmt == OPP_FMT_DEB && !o->v[j].dependency &&
				!strcmp(o->v[j].name, a->name);
		k = opp_toc_find(&o->repo.toc, a->name, a->version, NULL);
		if (!asked && k >= 0)
			r = bos_opps_add_dependency(ctx, o, k, BOS_OPP_APT);
	}
	return r;
}

/* ---- running the tools ------------------------------------------------ */

struct argv {
	char **v;
	size_t n;
	bool nomem;
};

static void arg(struct argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void arg(struct argv *a, const char *fmt, ...)
{
	char **g = realloc(a->v, (a->n + 2) * sizeof(*g));
	va_list ap;

	if (!g) {
		a->nomem = true;
		return;
	}
	a->v = g;
	va_start(ap, fmt);
	if (vasprintf(&a->v[a->n], fmt, ap) < 0) {
		a->nomem = true;
		a->v[a->n] = NULL;
	} else {
		a->n++;
	}
	va_end(ap);
	a->v[a->n] = NULL;
}

static void argv_free(struct argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	*a = (struct argv){ 0 };
}

static int run(struct ivg_ctx *ctx, struct bos_chroot *c, const char *what,
	       struct argv *a, char *const env[], int passfd)
{
	int r = a->nomem ? ivg_err(ctx, ENOMEM, "out of memory") :
		bos_chroot_run(ctx, c, what, a->v, env, passfd);

	argv_free(a);
	return r;
}

/* Write 'text' into the work directory's file 'name' (host side). */
static int work_file(struct ivg_ctx *ctx, const struct bos_chroot *c,
		     const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;
	int r = ivg_pathf(ctx, path, sizeof(path), "%s/%s", bos_chroot_work_host(c),
			  name);

	if (r)
		return r;
	if (!(f = fopen(path, "we")) || fputs(text, f) < 0 || fclose(f))
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	return 0;
}

static int work_dir(struct ivg_ctx *ctx, const struct bos_chroot *c,
		    const char *name)
{
	char path[PATH_MAX];
	int r = ivg_pathf(ctx, path, sizeof(path), "%s/%s", bos_chroot_work_host(c),
			  name);

	if (!r && mkdir(path, 0755) && errno != EEXIST)
		r = ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	return r;
}

/* apt-get and its options: the repository its only source, its state in
 * the work directory. */
static void apt_cmd(struct argv *a, const struct bos_chroot *c,
		    const char *verb)
{
	const char *w = bos_chroot_work(c);

	/* By path: a busybox env runs its own applets before $PATH. */
	arg(a, "/%s", tool_of(c, apt_paths));
	arg(a, "-q");
	arg(a, "-y");
	arg(a, "-o");
	arg(a, "Dir::Etc::SourceList=%s/apt/sources.list", w);
	arg(a, "-o");
	arg(a, "Dir::Etc::SourceParts=%s/apt/parts", w);
	arg(a, "-o");
	arg(a, "Dir::State::Lists=%s/apt/lists", w);
	arg(a, "-o");
	arg(a, "Dir::Cache=%s/apt/cache", w);
	arg(a, "-o");
	arg(a, "Dir::Cache::Archives=%s/apt/archives", w);
	arg(a, "-o");
	arg(a, "APT::Get::List-Cleanup=0");
	arg(a, "-o");
	arg(a, "Acquire::Languages=none");
	arg(a, "-o");
	arg(a, "Dpkg::Use-Pty=0");
	arg(a, "-o");
	arg(a, "Dpkg::Options::=--force-confdef");
	arg(a, "-o");
	arg(a, "Dpkg::Options::=--force-confold");
	arg(a, "%s", verb);
}

static int apt_prepare(struct ivg_ctx *ctx, const struct bos_chroot *c,
		       const char *repo)
{
	static const char *const dirs[] = {
		"apt", "apt/parts", "apt/lists", "apt/lists/partial", "apt/cache",
		"apt/archives", "apt/archives/partial", NULL,
	};
	char line[PATH_MAX + 64];
	int r = 0;

	for (const char *const *d = dirs; !r && *d; d++)
		r = work_dir(ctx, c, *d);
	snprintf(line, sizeof(line), "deb [trusted=yes] file:%s ./\n", repo);
	return r ? r : work_file(ctx, c, "apt/sources.list", line);
}

static int install_apt(struct ivg_ctx *ctx, struct bos_chroot *c,
		       const char *repo, struct bos_opps *o, int passfd)
{
	struct status before, after = { 0 };
	struct argv a = { 0 };
	int r = status_read(ctx, c, &before);

	if (!r)
		r = apt_prepare(ctx, c, repo);
	if (!r) {
		apt_cmd(&a, c, "update");
		r = run(ctx, c, "reading the IVG's OPP repository (apt-get update)",
			&a, NULL, passfd);
	}
	if (!r) {
		apt_cmd(&a, c, "install");
		for (size_t i = 0; i < o->n; i++)
			if (pending(&o->v[i], OPP_FMT_DEB))
				arg(&a, "%s=%s", o->v[i].name, o->v[i].version);
		r = run(ctx, c, "installing the Debian OPPs (apt-get install)", &a,
			NULL, passfd);
	}
	if (!r)
		r = status_read(ctx, c, &after);
	if (!r)
		r = check_debs(ctx, o, &after, "apt-get");
	if (!r)
		r = record_dependencies(ctx, o, &before, &after);
	for (size_t i = 0; !r && i < o->n; i++)
		if (pending(&o->v[i], OPP_FMT_DEB))
			o->v[i].how = BOS_OPP_APT;
	status_free(&before);
	status_free(&after);
	return r;
}

static int install_dpkg(struct ivg_ctx *ctx, struct bos_chroot *c,
			const char *repo, struct bos_opps *o, int passfd)
{
	struct status after = { 0 };
	struct argv a = { 0 };
	int r;

	arg(&a, "/%s", tool_of(c, dpkg_paths));
	arg(&a, "--force-confdef");
	arg(&a, "--force-confold");
	arg(&a, "-i");
	for (size_t i = 0; i < o->n; i++)
		if (pending(&o->v[i], OPP_FMT_DEB))
			arg(&a, "%s/%s", repo, o->v[i].file);
	r = run(ctx, c, "installing the Debian OPPs (dpkg -i)", &a, NULL, passfd);
	if (!r)
		r = status_read(ctx, c, &after);
	if (!r)
		r = check_debs(ctx, o, &after, "dpkg");
	for (size_t i = 0; !r && i < o->n; i++)
		if (pending(&o->v[i], OPP_FMT_DEB))
			o->v[i].how = BOS_OPP_DPKG;
	status_free(&after);
	return r;
}

static int install_rpms(struct ivg_ctx *ctx, struct bos_chroot *c,
			const char *repo, struct bos_opps *o, int passfd)
{
	const char *dnf = tool_of(c, dnf_paths), *rpm = tool_of(c, rpm_paths);
	struct argv a = { 0 };
	int r;

	if (dnf) {
		arg(&a, "/%s", dnf);
		arg(&a, "-y");
		arg(&a, "--disablerepo=*");
		arg(&a, "install");
	} else {
		arg(&a, "/%s", rpm);
		arg(&a, "-U");
		arg(&a, "--replacepkgs");
	}
	for (size_t i = 0; i < o->n; i++)
		if (pending(&o->v[i], OPP_FMT_RPM))
			arg(&a, "%s/%s", repo, o->v[i].file);
	r = run(ctx, c, dnf ? "installing the RPM OPPs (dnf install)" :
			      "installing the RPM OPPs (rpm -U)", &a, NULL, passfd);
	for (size_t i = 0; !r && i < o->n; i++) {
		if (!pending(&o->v[i], OPP_FMT_RPM))
			continue;
		arg(&a, "/%s", rpm ? rpm : "usr/bin/rpm");
		arg(&a, "-q");
		arg(&a, "--quiet");
		arg(&a, "%s", o->v[i].name);
		if ((r = run(ctx, c, "checking the RPM database (rpm -q)", &a, NULL, -1)))
			ivg_err_prefix(ctx, r, "OPP %s: installed, but not in the RPM database: ",
				       o->v[i].name);
		else
			o->v[i].how = dnf ? BOS_OPP_DNF : BOS_OPP_RPM;
	}
	return r;
}

/* A plain OPP's Install-Script, its payload unpacked already. */
static int run_script(struct ivg_ctx *ctx, struct bos_chroot *c,
		      const struct bos_opp *p, int passfd)
{
	char what[400], name[300], version[300];
	char *env[] = { name, version, NULL };
	struct argv a = { 0 };

	char path[PATH_MAX];

	if (bos_chroot_path(ctx, c, p->script, path, sizeof(path)) ||
	    access(path, F_OK))
		return ivg_err(ctx, ENOENT, "OPP %s: its %s /%s is not in its payload",
			       p->name, BOS_OPP_SCRIPT_FIELD, p->script);
	snprintf(what, sizeof(what), "OPP %s: its install script /%s", p->name,
		 p->script);
	snprintf(name, sizeof(name), "OPP_NAME=%s", p->name);
	snprintf(version, sizeof(version), "OPP_VERSION=%s",
		 p->version ? p->version : "");
	arg(&a, "/%s", tool_of(c, sh_paths));
	arg(&a, "/%s", p->script);
	return run(ctx, c, what, &a, env, passfd);
}

int bos_oppinst_run(struct ivg_ctx *ctx, struct bos_chroot *c,
		    const char *repo, struct bos_opps *o, int passfd)
{
	int r = 0;

	if (first_pending(o, OPP_FMT_DEB))
		r = tool_of(c, apt_paths) ? install_apt(ctx, c, repo, o, passfd) :
					    install_dpkg(ctx, c, repo, o, passfd);
	if (!r && first_pending(o, OPP_FMT_RPM))
		r = install_rpms(ctx, c, repo, o, passfd);
	for (size_t i = 0; !r && i < o->n; i++)
		if (o->v[i].fmt == OPP_FMT_OPP && o->v[i].how == BOS_OPP_SCRIPT &&
		    !o->v[i].dependency)
			r = run_script(ctx, c, &o->v[i], passfd);
	return r;
}

/* ---- a running system ------------------------------------------------- */

/* The image in the mounted repository against its TOC entry's SHA-256. */
static int check_image(struct ivg_ctx *ctx, const char *path,
		       const struct bos_opp *p)
{
	char sha[IVG_SHA256_HEX], buf[65536];
	struct opp_src src;
	size_t got = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return ivg_err(ctx, errno, "OPP %s: %s: %s", p->name, path, strerror(errno));
	r = opp_src_fd(ctx, &src, fd, path);
	while (!r && got)
		r = opp_src_read(ctx, &src, buf, sizeof(buf), &got);
	if (!r)
		r = opp_src_finish(ctx, &src, sha);
	if (!r && strcmp(sha, p->sha256))
		r = ivg_err(ctx, EBADMSG, "OPP %s: %s has SHA-256 %s, its TOC entry says %s: not installed",
			    p->name, path, sha, p->sha256);
	if (fd >= 0)
		opp_src_free(&src);
	close(fd);
	return r;
}

/* The TOC entry of a plain OPP as /var/lib/ivg/opp/NAME.control. */
static int keep_control(struct ivg_ctx *ctx, const struct bos_chroot *c,
			const struct bos_opps *o, const struct bos_opp *p)
{
	long k = opp_toc_find(&o->repo.toc, p->name, p->version, p->arch);
	struct ivg_buf b = { 0 };
	char dir[PATH_MAX], path[PATH_MAX];
	FILE *f;
	int r = bos_chroot_path(ctx, c, BOS_OPP_DIR, dir, sizeof(dir));

	if (!r)
		r = ivg_pathf(ctx, path, sizeof(path), "%s/%s.control", dir, p->name);
	if (r || k < 0)
		return r;
	if (opp_stanza_format(&b, &o->repo.toc.e[k]))
		return ivg_err(ctx, ENOMEM, "out of memory");
	for (char *s = dir + strlen(dir) - strlen(BOS_OPP_DIR); !r && *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(dir, 0755) && errno != EEXIST)
				r = ivg_err(ctx, errno, "%s: %s", dir, strerror(errno));
			*s = '/';
		}
	if (!r && mkdir(dir, 0755) && errno != EEXIST)
		r = ivg_err(ctx, errno, "%s: %s", dir, strerror(errno));
	if (!r && (!(f = fopen(path, "we")) || fwrite(b.p, 1, b.len, f) != b.len ||
		   fclose(f)))
		r = ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	ivg_buf_free(&b);
	return r;
}

int bos_oppinst_unpack(struct ivg_ctx *ctx, struct bos_chroot *c,
		       const char *repo, const char *repo_host,
		       struct bos_opps *o, int passfd)
{
	int r = 0;

	for (size_t i = 0; !r && i < o->n; i++) {
		struct bos_opp *p = &o->v[i];
		char host[PATH_MAX], what[300];
		struct argv a = { 0 };

		if (p->fmt != OPP_FMT_OPP)
			continue;
		r = ivg_pathf(ctx, host, sizeof(host), "%s/%s", repo_host, p->file);
		if (!r)
			r = check_image(ctx, host, p);
		snprintf(what, sizeof(what), "unpacking OPP %s (tar)", p->name);
		if (!r && !tool_of(c, tar_paths))
			r = ivg_err(ctx, ENOENT, "OPP %s is a plain OPP and the system has no tar (/usr/bin/tar) to unpack it",
				    p->name);
		arg(&a, "/%s", tool_of(c, tar_paths) ? tool_of(c, tar_paths) : "usr/bin/tar");
		arg(&a, "-x");
		arg(&a, "-p");
		arg(&a, "--numeric-owner");
		arg(&a, "--no-overwrite-dir");
		/* Merged /usr: bin/x goes through the system's bin -> usr/bin,
		 * which GNU tar would otherwise replace by a directory. */
		arg(&a, "--keep-directory-symlink");
		arg(&a, "--exclude=opp.control");
		arg(&a, "--exclude=./opp.control");
		arg(&a, "-C");
		arg(&a, "/");
		arg(&a, "-f");
		arg(&a, "%s/%s", repo, p->file);
		if (!r)
			r = run(ctx, c, what, &a, NULL, passfd);
		else
			argv_free(&a);
		if (!r)
			r = keep_control(ctx, c, o, p);
	}
	return r;
}

void bos_oppinst_free_list(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* rpm's answer: "NAME\tVERSION" lines into a status list. */
static int rpm_query(struct ivg_ctx *ctx, struct bos_chroot *c,
		     struct status *out)
{
	const char *rpm = tool_of(c, rpm_paths);
	char path[PATH_MAX], line[1024];
	struct argv a = { 0 };
	FILE *f;
	int fd, r;

	*out = (struct status){ 0 };
	if (!rpm)
		return 0;
	r = ivg_pathf(ctx, path, sizeof(path), "%s/rpm-q", bos_chroot_work_host(c));
	if (r)
		return r;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	arg(&a, "/%s", rpm);
	arg(&a, "-qa");
	arg(&a, "--qf");
	arg(&a, "%%{NAME}\\t%%|EPOCH?{%%{EPOCH}:}:{}|%%{VERSION}-%%{RELEASE}\\n");
	r = run(ctx, c, "reading the RPM database (rpm -qa)", &a, NULL, fd);
	f = r ? NULL : fdopen(fd, "r");
	if (f)
		rewind(f);
	while (f && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		struct pkgver *g;

		line[strcspn(line, "\n")] = '\0';
		if (!tab)
			continue;
		*tab = '\0';
		g = realloc(out->v, (out->n + 1) * sizeof(*g));
		if (!g || !(g[out->n].name = strdup(line)) ||
		    !(g[out->n].version = strdup(tab + 1))) {
			if (g)
				out->v = g;
			r = ivg_err(ctx, ENOMEM, "out of memory");
			break;
		}
		out->v = g;
		out->n++;
	}
	if (f)
		fclose(f);
	else
		close(fd);
	return r;
}

/* The plain OPPs the record lists: "name\tversion" pairs. */
static int record_query(struct ivg_ctx *ctx, const struct bos_chroot *c,
			struct status *out)
{
	char path[PATH_MAX];
	int r = bos_chroot_path(ctx, c, "etc/ivg/installed.json", path, sizeof(path));

	char **names = NULL, **versions = NULL;
	size_t n = 0;

	*out = (struct status){ 0 };
	if (!r)
		r = bos_record_list_opps(ctx, path, "opp", &names, &versions, &n);
	if (!r && !(out->v = calloc(n + 1, sizeof(*out->v))))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; !r && i < n; i++) {
		out->v[i].name = names[i];
		out->v[i].version = versions[i];
		names[i] = versions[i] = NULL;
		out->n++;
	}
	bos_oppinst_free_list(names, n);
	bos_oppinst_free_list(versions, n);
	return r;
}

int bos_oppinst_query(struct ivg_ctx *ctx, struct bos_chroot *c,
		      const struct opp_toc *toc, char ***installed)
{
	struct status deb = { 0 }, rpm = { 0 }, plain = { 0 };
	char **v = calloc(toc->n + 1, sizeof(*v));
	int r = v ? 0 : ivg_err(ctx, ENOMEM, "out of memory");

	if (!r)
		r = status_read(ctx, c, &deb);
	if (!r)
		r = rpm_query(ctx, c, &rpm);
	if (!r)
		r = record_query(ctx, c, &plain);
	for (size_t i = 0; !r && i < toc->n; i++) {
		const char *fmt = opp_stanza_get(&toc->e[i], OPP_F_FORMAT);
		const char *name = opp_stanza_get(&toc->e[i], "Package");
		const struct status *s = !fmt ? NULL : !strcmp(fmt, "deb") ? &deb :
					 !strcmp(fmt, "rpm") ? &rpm : &plain;
		const char *have = s && name ? status_version(s, name) : NULL;

		if (!(v[i] = strdup(have ? have : "")))
			r = ivg_err(ctx, ENOMEM, "out of memory");
	}
	status_free(&deb);
	status_free(&rpm);
	status_free(&plain);
	if (r) {
		bos_oppinst_free_list(v, toc->n);
		v = NULL;
	}
	*installed = v;
	return r;
}
