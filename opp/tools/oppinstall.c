/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oppinstall.c - install OPPs from an IVG onto the running system. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chroot.h"
#include "cmd.h"
#include "ivgvg.h"
#include "lvmount.h"
#include "oppinst.h"
#include "pathf.h"
#include "record.h"
#include "vgsel.h"

enum { OPT_IVG, OPT_SELECT, OPT_ROOT };

static const struct cmd_opt opts[] = {
	[OPT_IVG] = { "ivg", 0, ARG_VGNAME, "VG",
		      "the install VG (its name or UUID; default: the one\n"
		      "/etc/ivg/installed.json names)" },
	[OPT_SELECT] = { "select", 'S', ARG_STRING, "vg_uuid=UUID",
			 "the install VG with this UUID" },
	[OPT_ROOT] = { "root", 0, ARG_STRING, "DIR",
		       "the system installed at DIR (mounted), not this one" },
};

struct oppinstall {
	struct cmd_run *run;
	const char *root;
	char system[PATH_MAX + 32];
	char vgid[IVG_UUID_LEN + 1];
	struct bos_opps opps;
	struct bos_chroot *c;
	struct ivg_lvmount *opp;
	char repo[PATH_MAX], repo_inside[PATH_MAX];
};

static int check(struct cmd_run *r)
{
	char id[IVG_UUID_LEN + 1];

	return cmd_select_vgid(r, OPT_SELECT, id);
}

/* The record's IVG, when neither --ivg nor --select names one. */
static int default_ivg(struct oppinstall *x, char vg[IVG_NAME_MAX + 1])
{
	char path[PATH_MAX];
	int e = ivg_pathf(x->run->ctx, path, sizeof(path), "%s/etc/ivg/installed.json",
			  strcmp(x->root, "/") ? x->root : "");

	return e ? e : bos_record_ivg(x->run->ctx, path, vg, x->vgid);
}

/* The IVG, found as the user or the record says, read-only. */
static int open_ivg(struct oppinstall *x)
{
	struct cmd_run *r = x->run;
	struct session *s = &r->s;
	const char *what = r->own[OPT_IVG].str;
	char vg[IVG_NAME_MAX + 1] = "", id[IVG_UUID_LEN + 7];
	int e = 0;

	if (cmd_given(r, OPT_SELECT))
		e = cmd_select_vgid(r, OPT_SELECT, x->vgid) ? -EINVAL : 0;
	else if (!what)
		e = default_ivg(x, vg);
	if (!e && !what && !x->vgid[0])
		return ivg_err(r->ctx, ENOENT, "no install VG named (--ivg), and %s/etc/ivg/installed.json names none",
			       strcmp(x->root, "/") ? x->root : "");
	if (!e)
		e = session_open_sel(r->ctx, &r->o, what, x->vgid[0] ? x->vgid : NULL,
				     SESSION_READ, s);
	if (e && !what && vg[0])
		ivg_err_prefix(r->ctx, e, "the install VG %s that /etc/ivg/installed.json names: ", vg);
	if (e)
		return e;
	session_warn(s);
	ivg_uuid_format(s->h->vg->id, id);
	printf("  Install volume group \"%s\" (UUID %s) read, read-only\n",
	       s->h->vg->name, id);
	return 0;
}

static int confirm(struct oppinstall *x)
{
	char q[PATH_MAX + 128];

	snprintf(q, sizeof(q), "Install %zu OPP(s) (and what apt pulls in with them) onto %s?",
		 x->opps.n, x->system);
	if (cmd_confirm(x->run, q))
		return 0;
	return ivg_err_prefix(x->run->ctx, -ECANCELED, "nothing installed: ");
}

/* oppfs mounted read-only in the work directory: the repository. */
static int mount_repo(struct oppinstall *x)
{
	struct ivg_ctx *ctx = x->run->ctx;
	int e = ivg_pathf(ctx, x->repo, sizeof(x->repo), "%s/opp",
			  bos_chroot_work_host(x->c));

	if (!e)
		e = ivg_pathf(ctx, x->repo_inside, sizeof(x->repo_inside), "%s/opp",
			      bos_chroot_work(x->c));
	if (!e)
		e = ivg_lvmount_open(ctx, x->run->s.h->vg, IVG_OPPFS, true, x->repo,
				     &x->opp);
	return e;
}

static void report(const struct bos_opps *o)
{
	for (size_t i = 0; i < o->n; i++)
		printf("  OPP %s %s installed%s (%s).\n", o->v[i].name,
		       o->v[i].version ? o->v[i].version : "",
		       o->v[i].dependency ? " as a dependency" : "",
		       bos_opp_how_name(o->v[i].how));
}

static int install(struct oppinstall *x)
{
	struct cmd_run *r = x->run;
	struct ivg_ctx *ctx = r->ctx;
	int pass = r->o.verbose ? 2 : -1;
	char record[PATH_MAX];
	int e = open_ivg(x);

	if (!e)
		e = bos_opps_select(ctx, r->s.h->vg, r->operands, r->n_operands,
				    &x->opps);
	if (!e)
		e = bos_chroot_open(ctx, x->root, getenv("TMPDIR"), &x->c);
	if (!e)
		e = bos_oppinst_check(ctx, x->c, &x->opps, x->system);
	if (!e)
		e = confirm(x);
	if (!e)
		e = mount_repo(x);
	if (!e)
		e = bos_oppinst_unpack(ctx, x->c, x->repo_inside, x->repo, &x->opps, pass);
	if (!e)
		e = bos_oppinst_run(ctx, x->c, x->repo_inside, &x->opps, pass);
	if (!e)
		e = bos_chroot_path(ctx, x->c, "etc/ivg/installed.json", record,
				    sizeof(record));
	if (!e)
		e = bos_record_add_opps(ctx, record, &x->opps);
	if (!e)
		report(&x->opps);
	return e;
}

static int run(struct cmd_run *r)
{
	struct oppinstall x = { .run = r };
	struct ivg_ctx scratch;
	int e;

	x.root = cmd_given(r, OPT_ROOT) ? r->own[OPT_ROOT].str : "/";
	snprintf(x.system, sizeof(x.system), "%s%s", strcmp(x.root, "/") ?
		 "the system at " : "this system", strcmp(x.root, "/") ? x.root : "");
	e = install(&x);
	/* Unmounted and taken down (the read-only export) also after a
	 * failure; the first error is the one said. */
	ivg_ctx_init(&scratch);
	if (ivg_lvmount_close(e ? &scratch : r->ctx, x.opp) && !e)
		e = -EIO;
	if (bos_chroot_close(e ? &scratch : r->ctx, x.c) && !e)
		e = -EIO;
	bos_opps_free(r->ctx, &x.opps);
	return e;
}

const struct cmd_def cmd_oppinstall_def = {
	.name = "oppinstall",
	.summary = "Install OPPs from an install VG onto this system",
	.usage = "NAME[=VERSION]...",
	.about =
"Install the named optional program products from an install VG onto the\n"
"running system (or the system at --root DIR), with the system's own\n"
"package manager: the IVG is read read-only (nothing is written to its\n"
"disks), its oppfs is mounted read-only as a flat apt repository, and\n"
"apt-get installs the Debian OPPs, resolving their dependencies among the\n"
"repository's packages and what is installed (dpkg -i without apt);\n"
"dnf or rpm -U the RPMs; plain OPPs are unpacked with tar and their\n"
"Install-Script run. Then oppfs is unmounted and its device taken down,\n"
"and /etc/ivg/installed.json lists what was installed. The IVG is the one\n"
"--ivg or --select names, else the one the system was installed from.\n",
	.exit_text = "0 done, 3 bad command line, 5 failed.",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = {
		[CO_YES] = "do not ask before installing",
		[CO_VERBOSE] = "show the package manager's output",
	},
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = SIZE_MAX,
	.operand_need = "at least one OPP NAME[=VERSION] is needed",
	.flags = CMD_NEEDS_ROOT,
	.check = check,
	.run = run,
};
