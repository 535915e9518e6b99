/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgrecover.c - rebuild the boot LV of a root VG from maintenance mode. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck.h"
#include "ivgvg.h"
#include "pathf.h"
#include "recover.h"
#include "rootboot.h"
#include "cmd.h"
#include "sysid.h"

enum { OPT_GENERIC, OPT_IVG, OPT_SELECT, OPT_CHECK };

static const struct cmd_opt opts[] = {
	[OPT_GENERIC] = { "generic", 0, ARG_NONE, NULL,
			  "use the install VG's generic boot image when rootlv\n"
			  "holds no usable kernel" },
	[OPT_IVG] = { "ivg", 0, ARG_VGNAME, "VG",
		      "the install VG holding the generic boot image\n"
		      "(default: the one booted from, or the only one seen)" },
	[OPT_SELECT] = { "select", 'S', ARG_STRING, "vg_uuid=UUID",
			 "the root VG with this UUID (when several VGs\n"
			 "carry its name)" },
	[OPT_CHECK] = { "check", 0, ARG_NONE, NULL,
			"only check the boot LV against its manifest, as GRUB\n"
			"does at boot: exit 0 when it passes, 5 when not;\n"
			"nothing written" },
};

struct recover_cmd {
	struct cmd_run *run;
	bool generic;
	bool check;
	const char *ivg;
	const char *rootvg;
	char vgid[IVG_UUID_LEN + 1];     /* --select's, or "" */
	struct ivg_vgsel picked;
	char workdir[PATH_MAX];
	char kernel[PATH_MAX], initrd[PATH_MAX];
	int last;
	struct ivg_rootboot_opts ro;
};

/* Several tagged VGs on a terminal: list them and ask for a name. */
static int ask_name(struct ivg_ctx *ctx, struct session *s,
		    struct recover_cmd *c)
{
	char line[IVG_NAME_MAX + 2];
	const char *vgid = c->vgid[0] ? c->vgid : NULL;
	int r = ivg_recover_pick(ctx, s->scan, c->rootvg, vgid, &c->picked);

	if ((r != -EEXIST && r != -ENOTUNIQ) || c->run->o.yes ||
	    !isatty(STDIN_FILENO))
		return r;
	fprintf(stderr, "  %s\n  Root volume group to recover (name or UUID): ", ivg_errmsg(ctx));
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return ivg_err(ctx, EINVAL, "no root volume group chosen");
	line[strcspn(line, "\n")] = '\0';
	if (!ivg_name_valid(line))
		return ivg_err(ctx, EINVAL, "\"%s\" is not a volume group name or UUID", line);
	return ivg_recover_pick(ctx, s->scan, line, vgid, &c->picked);
}

/* The VG as it is: missing PVs, a holder, and the exported flag. */
static int check_vg(struct ivg_ctx *ctx, struct session *s,
		    struct recover_cmd *c)
{
	struct ivg_vg *vg = s->h->vg;
	char me[IVG_SYSID_MAX + 1];
	const char *holder = ivg_vg_holder(vg);

	if (s->h->missing)
		return ivg_err(ctx, ENXIO, "Volume group \"%s\" is partial: %zu of %zu PVs missing; nothing written",
			       vg->name, s->h->missing, vg->pv_count);
	if (host_system_id(ctx, me))
		return -1;
	if (holder && strcmp(holder, me)) {
		if (!c->run->o.force)
			return ivg_err(ctx, EBUSY, "Volume group \"%s\" belongs to host \"%s\" (system ID; this host is \"%s\"): use -f to rebuild its boot LV anyway (the system ID is kept)",
				       vg->name, holder, me);
		fprintf(stderr, "  WARNING: volume group \"%s\" belongs to host \"%s\" (-f): its system ID is kept\n",
			vg->name, holder);
	}
	return 0;
}

/*
 * On a terminal: may the generic image stand in? 0 yes, else why not.
 * -y does not answer this one: it is not a question of writing, but of
 * what the machine will boot (--generic says it).
 */
static int ask_generic(struct recover_cmd *c, const char *vg)
{
	struct ivg_ctx *ctx = c->run->ctx;

	if (!isatty(STDIN_FILENO) || c->run->o.yes)
		return ivg_err(ctx, ENOENT, "Volume group \"%s\": no usable kernel in rootlv; nothing written (--generic uses the install VG's generic boot image)",
			       vg);
	if (!cmd_confirm(c->run, "Use the install VG's generic boot image instead (the machine then boots into the maintenance environment)?"))
		return ivg_err_prefix(ctx, -ECANCELED, "Volume group \"%s\" not recovered, nothing written: ",
				      vg);
	return 0;
}

/* The IVG and leg named on this kernel's command line ("", -1: none). */
static void booted_ivg(struct ivg_recover_boot *b)
{
	char *cmdline = NULL;
	size_t len = 0;
	FILE *f = fopen("/proc/cmdline", "re");

	if (f && getline(&cmdline, &len, f) < 0) {
		free(cmdline);
		cmdline = NULL;
	}
	if (f)
		fclose(f);
	ivg_recover_booted_from(cmdline ? cmdline : "", b);
	free(cmdline);
}

/* The generic image's files, checked, copied into a work directory. */
static int take_generic(struct ivg_ctx *ctx, struct session *s,
			struct recover_cmd *c)
{
	struct ivg_recover_boot b;
	char used[300];
	int r;

	booted_ivg(&b);
	if (c->ivg) {
		snprintf(b.vg, sizeof(b.vg), "%s", c->ivg);
		b.vgid[0] = '\0';
		b.leg = -1;
	}
	if (ivg_pathf(ctx, c->workdir, sizeof(c->workdir), "%s/ivgrecover.XXXXXX",
		      getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp"))
		return ivg_err_prefix(ctx, -ENAMETOOLONG, "TMPDIR: ");
	if (!mkdtemp(c->workdir)) {
		c->workdir[0] = '\0';
		return ivg_err(ctx, errno, "cannot make a work directory: %s", strerror(errno));
	}
	/* Read, as bosinstall reads it: no ivgmkboot rewrites it meanwhile. */
	if (b.vg[0] && (r = session_lock_vg(ctx, s, b.vg, false)))
		return r;
	if ((r = ivg_pathf(ctx, c->kernel, sizeof(c->kernel), "%s/vmlinuz", c->workdir)) ||
	    (r = ivg_pathf(ctx, c->initrd, sizeof(c->initrd), "%s/initrd.img", c->workdir)) ||
	    (r = ivg_recover_generic(ctx, s->scan, b.vg, b.vgid, b.leg,
				     c->workdir, used, sizeof(used))))
		return r;
	printf("  Using the generic boot image of %s\n", used);
	c->ro.kernel = c->kernel;
	c->ro.initrd = c->initrd;
	return 0;
}

/* rootlv's kernel, or the generic image when allowed; 0 or -errno. */
static int choose_kernel(struct ivg_ctx *ctx, struct session *s,
			 struct recover_cmd *c)
{
	struct ivg_rootboot_kernel k;
	int r = ivg_rootboot_find_kernel(ctx, s->h->vg, &k);

	if (!r)
		return 0;
	fprintf(stderr, "  %s\n", ivg_errmsg(ctx));
	if (!c->generic && (r = ask_generic(c, s->h->vg->name)))
		return r;
	return take_generic(ctx, s, c);
}

/* Clear the exported flag (as vgimport does) once everything is checked. */
static int import_if_exported(struct ivg_ctx *ctx, struct ivg_vg *vg)
{
	if (!ivg_vg_exported(vg))
		return 0;
	if (ivg_vg_set_exported(ctx, vg, false) || ivg_vg_commit(ctx, vg))
		return -1;
	printf("  Volume group \"%s\" imported (it was exported)\n", vg->name);
	return 0;
}

/* --check: the boot LV as GRUB's early script judges it (rootboot.c). */
static int check_boot_lv(struct ivg_ctx *ctx, struct session *s,
			 struct recover_cmd *c)
{
	char what[IVG_NAME_MAX * 2 + 8];
	int r;

	snprintf(what, sizeof(what), "%s/%s", c->picked.name, IVG_ROOT_BOOTLV);
	if (s->h->missing)
		r = ivg_err(ctx, ENXIO, "Volume group \"%s\" is partial: %zu of %zu PVs missing",
			    c->picked.name, s->h->missing, s->h->vg->pv_count);
	else
		r = ivg_ck_boot_files(ctx, s->h->vg, IVG_ROOT_BOOTLV, -1, what);
	if (r)
		return ivg_err_prefix(ctx, -EINVAL, "Root volume group \"%s\" cannot boot: ",
				      c->picked.name);
	printf("  Boot LV of root volume group \"%s\" passes its check (every file of its manifest matches)\n",
	       c->picked.name);
	return 0;
}

static int recover(struct ivg_ctx *ctx, struct recover_cmd *c)
{
	struct ivg_rootboot *rb = NULL;
	const struct ivg_rootboot_kernel *k;
	struct session s = { 0 };
	char from[600], q[800];
	int r = session_scan(ctx, &c->run->o, &s);

	if (!r)
		r = ask_name(ctx, &s, c);
	/* The name is known now: lock it, then read what is committed. */
	if (!r)
		r = session_lock_vg(ctx, &s, c->picked.name, !c->check);
	if (!r)
		r = session_rescan_if_changed(ctx, &s);
	if (!r)
		r = ivg_vg_open_id(ctx, s.scan, c->picked.name, c->picked.vgid, &s.h);
	if (!r) {
		char id[IVG_UUID_LEN + 7];

		session_warn(&s);
		ivg_uuid_format(c->picked.vgid, id);
		printf("  Root volume group \"%s\" (UUID %s) found (%zu PVs)\n",
		       c->picked.name, id, s.h->vg->pv_count);
		r = c->check ? check_boot_lv(ctx, &s, c) : check_vg(ctx, &s, c);
	}
	if (c->check) {
		session_close(&s);
		return r;
	}
	if (!r)
		r = choose_kernel(ctx, &s, c);
	if (!r)
		r = ivg_rootboot_prepare(ctx, s.h->vg, &c->ro, &rb);
	if (!r) {
		k = ivg_rootboot_source(rb);
		snprintf(from, sizeof(from), "%s and %s", k->kernel, k->initrd);
		if (c->ro.kernel)
			snprintf(from, sizeof(from), "the generic boot image");
		snprintf(q, sizeof(q), "Rebuild bootlv of \"%s\" from %s, and rewrite the boot records of its disks?",
			 c->picked.name, from);
		if (!cmd_confirm(c->run, q))
			r = ivg_err_prefix(ctx, -ECANCELED, "Volume group \"%s\" not recovered, nothing written: ",
					   c->picked.name);
	}
	if (!r)
		r = ivg_vg_reopen_rw(ctx, s.h);
	if (!r)
		r = import_if_exported(ctx, s.h->vg);
	if (!r)
		r = ivg_rootboot_write(ctx, rb, s.h->vg);
	if (!r)
		printf("  Boot LV of root volume group \"%s\" rebuilt from %s; boot records written.\n",
		       c->picked.name, from);
	ivg_rootboot_free(rb);
	session_close(&s);
	return r;
}

/* --select: lvm2's vg_uuid=UUID, checked as a usage error. */
static int check(struct cmd_run *r)
{
	char id[IVG_UUID_LEN + 1];

	if (cmd_given(r, OPT_CHECK) && cmd_given(r, OPT_GENERIC))
		return cmd_usage_error(r, "--check writes nothing: --generic does not go with it");
	return cmd_select_vgid(r, OPT_SELECT, id);
}

static int run(struct cmd_run *r)
{
	struct recover_cmd c = { .run = r, .generic = cmd_given(r, OPT_GENERIC),
				 .check = cmd_given(r, OPT_CHECK),
				 .ivg = r->own[OPT_IVG].str,
				 .rootvg = r->n_operands ? r->operands[0] : NULL };
	struct cmd_progress bar;
	int e;

	if ((e = cmd_select_vgid(r, OPT_SELECT, c.vgid)))
		return CMD_EXIT(e);
	cmd_progress_init(r, &bar, "Writing bootlv");
	c.ro.tmpdir = getenv("TMPDIR");
	c.ro.progress = bar.fn;
	c.ro.progress_arg = bar.arg;
	e = recover(r->ctx, &c);
	if (c.workdir[0]) {
		unlink(c.kernel);
		unlink(c.initrd);
		rmdir(c.workdir);
	}
	return e;
}

const struct cmd_def cmd_ivgrecover_def = {
	.name = "ivgrecover",
	.summary = "Rebuild the boot LV of a root volume group",
	.usage = "[ROOTVG]",
	.about =
"Access the primary root volume group of an installed system and make it\n"
"boot again, as AIX's bosboot does: rebuild its boot LV (bootlv: the\n"
"kernel and initramfs found in rootlv, grub/grub.cfg, the manifest) and\n"
"rewrite the BIOS and UEFI boot records on every disk of the VG. ROOTVG\n"
"names the VG (or its UUID, or --select vg_uuid=UUID: every install\n"
"names its root VG rootvg, and when several VGs carry the name given\n"
"ivgrecover refuses, naming each one's UUID and disks); without it, the\n"
"VG tagged ivg_rootvg is taken. rootlv is\n"
"only read, never written. When rootlv holds no usable kernel, --generic\n"
"(or answering y when asked) uses the install VG's generic boot image\n"
"instead: the machine then boots into the ivg maintenance environment\n"
"from its own disk. --check only says whether the boot LV passes the\n"
"check GRUB makes at boot (its files against its manifest), writing\n"
"nothing: the maintenance environment uses it to offer recovery first.\n",
	.exit_text = "0 done, 3 bad command line, 5 failed (nothing written).",
	.common = CO(CO_DEVICES) | CO(CO_FORCE) | CO(CO_YES),
	.common_help = {
		[CO_FORCE] = "recover a root VG that another host holds",
		[CO_YES] = "do not ask before writing",
	},
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 0, .max_operands = 1,
	.operand_need = "at most one root VG name",
	.flags = CMD_VG_NAME,
	.check = check,
	.run = run,
};
