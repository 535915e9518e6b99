/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ivgimport.c - take in an install volume group on this host. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "activate.h"
#include "dev.h"
#include "ivgmount.h"
#include "ivgvg.h"
#include "cmd.h"
#include "sysid.h"

static void report_legs(struct ivg_ctx *ctx, struct ivg_vg *vg)
{
	struct ivg_leg_report *legs = calloc(vg->pv_count + 1, sizeof(*legs));

	if (!legs || ivg_boot_legs(ctx, vg, legs)) {
		fprintf(stderr, "  WARNING: boot legs not checked: %s\n",
			ivg_errmsg(ctx));
		free(legs);
		return;
	}
	for (size_t i = 0; i < vg->pv_count; i++) {
		struct ivg_pv *pv = vg->pvs[i];
		const struct ivg_leg_report *l = &legs[i];

		if (l->state == IVG_LEG_NONE)
			continue;
		printf("  Boot leg %d on PV %s (%s): %s%s%s\n", l->leg, pv->name,
		       pv->dev ? pv->dev->path : pv->device ? pv->device : "?",
		       ivg_leg_state_name(l->state), l->msg[0] ? ": " : "",
		       l->msg);
	}
	free(legs);
}

enum { OPT_ACTIVATE, OPT_MOUNT };

static const struct cmd_opt opts[] = {
	[OPT_ACTIVATE] = { "activate", 'a', ARG_STRING, "y",
			   "also activate the VG's LVs (read-only with --readonly)" },
	[OPT_MOUNT] = { "mount", 'm', ARG_STRING, "DIR",
			"also mount bosfs at DIR/bos and oppfs at DIR/opp\n"
			"(read-only with --readonly); without device-mapper,\n"
			"through loop devices" },
};

static int check(struct cmd_run *r)
{
	const char *a = r->own[OPT_ACTIVATE].str;

	if (a && strcmp(a, "y"))
		return cmd_usage_error(r, "-a takes y, not \"%s\" (ivgchange -a n or ivgexport deactivates)",
				       a);
	if (cmd_given(r, OPT_MOUNT) && !*r->own[OPT_MOUNT].str)
		return cmd_usage_error(r, "-m needs a directory");
	return 0;
}

/* Clear EXPORTED and record this host as the holder, if either changes. */
static int take_in(struct ivg_ctx *ctx, struct session *s, const char *name,
		   bool force)
{
	struct ivg_vg *vg = s->h->vg;
	char me[IVG_SYSID_MAX + 1];
	const char *holder = ivg_vg_holder(vg);

	if (host_system_id(ctx, me))
		return -1;
	if (holder && strcmp(holder, me)) {
		if (!force)
			return ivg_vg_check_holder(ctx, vg, me);
		fprintf(stderr, "  WARNING: taking volume group \"%s\" over from host \"%s\" (--force)\n",
			name, holder);
	}
	if (!ivg_vg_exported(vg) && !s->h->problems.n && holder &&
	    !strcmp(holder, me)) {
		printf("  Volume group \"%s\" is already imported with system ID %s\n",
		       name, me);
		return 0;
	}
	if (ivg_vg_set_exported(ctx, vg, false) ||
	    ivg_vg_set_holder(ctx, vg, me) || ivg_vg_reopen_rw(ctx, s->h) ||
	    ivg_vg_commit(ctx, vg))
		return -1;
	printf("  Volume group \"%s\" successfully imported with system ID %s\n",
	       name, me);
	return 0;
}

/* -a y and -m: the LVs as devices, then the filesystems mounted. */
static int bring_up(struct ivg_ctx *ctx, struct ivg_vg *vg, bool readonly,
		    bool activate, const char *mountdir)
{
	static const char *const fs[] = { IVG_BOSFS, IVG_OPPFS, NULL };
	bool were_down = ivg_lvs_up_count(vg) == 0;

	if (ivg_lvs_up(ctx, vg, readonly, activate ? NULL : fs))
		return -1;
	if (activate)
		printf("  %zu logical volume(s) in volume group \"%s\" now active%s\n",
		       ivg_lvs_up_count(vg), vg->name,
		       readonly ? " (read-only)" : "");
	if (!mountdir)
		return 0;
	if (ivg_mount_ivg(ctx, vg, mountdir, readonly)) {
		/* Leave the LVs as they were before this command. */
		struct ivg_ctx quiet = *ctx;

		if (were_down)
			ivg_lvs_down(&quiet, vg);
		return -1;
	}
	printf("  Mounted %s/%s at %s/bos and %s/%s at %s/opp%s\n", vg->name,
	       IVG_BOSFS, mountdir, vg->name, IVG_OPPFS, mountdir,
	       readonly ? " (read-only)" : "");
	return 0;
}

/* A mount point that cannot be is found before anything is written. */
static int prepare(struct cmd_run *r)
{
	const char *dir = r->own[OPT_MOUNT].str;

	return dir ? ivg_mount_dirs(r->ctx, dir, false) : 0;
}

static int run(struct cmd_run *r)
{
	struct ivg_vg *vg = r->s.h->vg;
	const char *holder = ivg_vg_holder(vg), *dir = r->own[OPT_MOUNT].str;
	bool activate = cmd_given(r, OPT_ACTIVATE);

	report_legs(r->ctx, vg);
	if (r->s.h->missing) {
		fprintf(stderr, "  WARNING: Volume group \"%s\" is partial: %zu of %zu PVs missing.\n",
			r->vg, r->s.h->missing, vg->pv_count);
		if (!r->readonly)
			return ivg_err(r->ctx, ENXIO, "Volume group \"%s\" not imported: PVs are missing (use --readonly to read what is there)",
				       r->vg);
	}
	if (r->readonly)
		printf("  Volume group \"%s\" found%s%s%s, read-only: nothing written\n",
		       r->vg, ivg_vg_exported(vg) ? " (exported)" : "",
		       holder ? ", held by " : "", holder ? holder : "");
	else if (take_in(r->ctx, &r->s, r->vg, r->o.force))
		return -1;
	if ((activate || dir) && bring_up(r->ctx, vg, r->readonly, activate, dir))
		return -1;
	return 0;
}

const struct cmd_def cmd_ivgimport_def = {
	.name = "ivgimport",
	.summary = "Import an install volume group",
	.usage = "VG",
	.about =
"Find every PV of the install volume group VG, report missing PVs,\n"
"damaged or stale metadata copies and the state of each bootlv leg, and\n"
"take the VG in on this host: clear its exported flag and record this\n"
"host's system ID as the VG's holder (rewriting every metadata copy,\n"
"which also repairs damaged ones). A VG with missing PVs is not changed.\n"
"A VG that another host holds is refused, naming that host, unless\n"
"--force takes it over. --readonly writes nothing and needs no holder,\n"
"so many hosts can use one IVG read-only at once.\n",
	.common = CO(CO_DEVICES) | CO(CO_FORCE) | CO(CO_READONLY),
	.common_help = {
		[CO_FORCE] = "take the VG over from the host that holds it (only\n"
			     "when that host is down for good)",
		[CO_READONLY] = "write nothing; activate and mount read-only",
	},
	.opts = opts, .n_opts = sizeof(opts) / sizeof(opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	.flags = CMD_VG_NAME | CMD_VG | CMD_WRITES_VG | CMD_READ_ONLY_OK |
		 CMD_ALLOW_PARTIAL | CMD_CHECKS_OWN,
	.check = check,
	.prepare = prepare,
	.run = run,
};
