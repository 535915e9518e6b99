/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ivgmachine.c - machines defined in an IVG (machines.h): ivgmachine add,
 * rm, ls and find, four commands of the command table that ivg.c finds by
 * "ivgmachine SUBCOMMAND".
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boscmd.h"
#include "machineid.h"
#include "machines.h"
#include "opps.h"

/* ---- ivgmachine add ----------------------------------------------------- */

enum { OPT_ID, OPT_ACTION, OPT_BOS, OPT_OPP, OPT_TARGET, OPT_THEN, OPT_REPLACE };

static const struct cmd_opt add_opts[] = {
	[OPT_ID] = { "id", 0, ARG_STRING, "uuid=UUID|mac=MAC|iqn=IQN",
		     "how the machine knows itself at boot: its SMBIOS\n"
		     "system UUID, the address of one of its NICs, or its\n"
		     "iSCSI initiator name (iBFT)" },
	[OPT_ACTION] = { "action", 0, ARG_STRING, "install|maintenance|recover",
			 "what its maintenance environment does unattended" },
	[OPT_BOS] = { "bos", 0, ARG_STRING, "NAME",
		      "install: the BOS image (boslist)" },
	[OPT_OPP] = { "opp", 0, ARG_LIST, "NAME[=VERSION],...",
		      "install: the OPPs installed after the BOS" },
	[OPT_TARGET] = { "target", 0, ARG_LIST, "DISK,...",
			 "the machine's disks: wwn-0xHEX, serial-SERIAL,\n"
			 "iscsi://HOST[:PORT]/IQN/LUN, scsi:TARGET:LUN or /dev/NAME" },
	[OPT_THEN] = { "then", 0, ARG_STRING, "poweroff|reboot",
		       "afterwards (default: the maintenance menu)" },
	[OPT_REPLACE] = { "replace", 0, ARG_NONE, NULL,
			  "replace the entry of that name" },
};

/* A list option into the entry's fixed array; false when too long. */
static bool take_list(const struct cmd_value *v,
		      char (*out)[BOS_MACHINE_ID_MAX + 1], size_t *n)
{
	*n = 0;
	if (v->list.n > BOS_MACHINE_MAX_LIST)
		return false;
	for (size_t i = 0; i < v->list.n; i++) {
		if (strlen(v->list.v[i]) > BOS_MACHINE_ID_MAX)
			return false;
		snprintf(out[(*n)++], BOS_MACHINE_ID_MAX + 1, "%s", v->list.v[i]);
	}
	return true;
}

/* The whole entry from the command line, judged before the VG is opened. */
static int add_check(struct cmd_run *r)
{
	struct bos_machine *m = r->data;
	struct ivg_ctx *ctx = r->ctx;
	const char *name = r->operands[1];

	if (!cmd_given(r, OPT_ID) || !cmd_given(r, OPT_ACTION))
		return cmd_usage_error(r, "--id and --action are needed");
	if (bos_machine_name_check(ctx, name))
		return cmd_usage_error(r, "%s", ivg_errmsg(ctx));
	snprintf(m->name, sizeof(m->name), "%s", name);
	if (bos_machine_set_id(ctx, m, r->own[OPT_ID].str) ||
	    bos_machine_set_action(ctx, m, r->own[OPT_ACTION].str) ||
	    (cmd_given(r, OPT_THEN) && bos_machine_set_then(ctx, m, r->own[OPT_THEN].str)))
		return cmd_usage_error(r, "%s", ivg_errmsg(ctx));
	if (cmd_given(r, OPT_BOS) && strlen(r->own[OPT_BOS].str) > BOS_MACHINE_NAME_MAX)
		return cmd_usage_error(r, "--bos \"%s\": too long", r->own[OPT_BOS].str);
	if (cmd_given(r, OPT_BOS))
		snprintf(m->bos, sizeof(m->bos), "%s", r->own[OPT_BOS].str);
	if (!take_list(&r->own[OPT_OPP], m->opps, &m->n_opps) ||
	    !take_list(&r->own[OPT_TARGET], m->targets, &m->n_targets))
		return cmd_usage_error(r, "--opp and --target take at most %d entries of at most %d characters",
				       BOS_MACHINE_MAX_LIST, BOS_MACHINE_ID_MAX);
	m->added = (int64_t)time(NULL);
	if (bos_machine_check(ctx, m))
		return cmd_usage_error(r, "%s", ivg_errmsg(ctx));
	return 0;
}

/* Every OPP the entry names is in the IVG's repository (read only). */
static int opps_there(struct cmd_run *r, const struct bos_machine *m)
{
	char *specs[BOS_MACHINE_MAX_LIST];
	struct bos_opps o;
	int e;

	for (size_t i = 0; i < m->n_opps; i++)
		specs[i] = (char *)m->opps[i];
	e = bos_opps_select(r->ctx, r->s.h->vg, specs, m->n_opps, &o);
	bos_opps_free(r->ctx, &o);
	return e ? ivg_err_prefix(r->ctx, e, "machine %s: ", m->name) : 0;
}

/* What the IVG must hold for the entry: its BOS; no entry of its name
 * unless --replace. Judged on the read-only store. */
static int add_judge(struct cmd_run *r, struct boscmd *c,
		     const struct bos_machine *m)
{
	struct bos_manifest bm;
	struct bos_machines l;
	int e = 0;

	if (m->bos[0] && (e = bos_store_get(r->ctx, c->store, m->bos, &bm)))
		return ivg_err_prefix(r->ctx, e, "machine %s: ", m->name);
	if (m->n_opps && (e = opps_there(r, m)))
		return e;
	if ((e = bos_machines_list(r->ctx, bos_store_fs(c->store), &l)))
		return e;
	if (!cmd_given(r, OPT_REPLACE) && bos_machines_find(&l, m->name))
		e = ivg_err(r->ctx, EEXIST, "machine %s is defined already in volume group \"%s\" (--replace changes it)",
			    m->name, r->vg);
	bos_machines_free(&l);
	return e;
}

static int add_run(struct cmd_run *r)
{
	const struct bos_machine *m = r->data;
	struct boscmd c;
	int e = boscmd_open(r, &c);

	if (!e)
		e = add_judge(r, &c, m);
	if (!e)
		e = boscmd_begin_write(r, &c);
	if (!e)
		e = bos_machines_put(r->ctx, bos_store_fs(c.store), m,
				     cmd_given(r, OPT_REPLACE));
	if (!e)
		e = boscmd_finish(r, &c);
	if (!e)
		printf("  Machine %s (%s=%s, %s) defined in volume group \"%s\"\n",
		       m->name, bos_machine_id_name(m->id_kind), m->id,
		       bos_machine_action_name(m->action), r->vg);
	return boscmd_close(&c, e);
}

const struct cmd_def cmd_ivgmachine_add_def = {
	.name = "ivgmachine add",
	.summary = "Define a machine's unattended action in an install volume group",
	.usage = "VG NAME --id uuid=UUID|mac=MAC|iqn=IQN --action ACTION",
	.about =
"Define the machine NAME in the install volume group VG, as a file of its\n"
"own in bosfs (machines/NAME.json). When the machine boots the IVG's\n"
"maintenance environment and finds itself by --id, it runs --action\n"
"without a keyboard: install (--bos, --opp, onto --target), recover (its\n"
"root VG, on --target), or maintenance (the menu), then does what --then\n"
"says. The entry is judged whole first (identity, action, targets, the\n"
"BOS and OPPs in VG); a bad one is refused with nothing written. The\n"
"file is written and synced under a name of its own, then given its\n"
"name, so an interrupted ivgmachine leaves the old entry or the new one.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = { [CO_YES] = "accepted for LVM compatibility" },
	.opts = add_opts, .n_opts = sizeof(add_opts) / sizeof(add_opts[0]),
	.min_operands = 2, .max_operands = 2,
	.operand_need = "a VG name and a machine NAME are needed",
	.flags = BOSCMD_WRITER,
	.check = add_check,
	.run = add_run,
	.data_size = sizeof(struct bos_machine),
};

/* ---- ivgmachine rm ------------------------------------------------------ */

static int rm_check(struct cmd_run *r)
{
	if (bos_machine_name_check(r->ctx, r->operands[1]))
		return cmd_usage_error(r, "%s", ivg_errmsg(r->ctx));
	return 0;
}

static int rm_run(struct cmd_run *r)
{
	const char *name = r->operands[1];
	struct bos_machines l = { 0 };
	struct boscmd c;
	int e = boscmd_open(r, &c);

	if (!e)
		e = bos_machines_list(r->ctx, bos_store_fs(c.store), &l);
	if (!e && !bos_machines_find(&l, name))
		e = ivg_err(r->ctx, ENOENT, "machine %s is not defined in volume group \"%s\"",
			    name, r->vg);
	bos_machines_free(&l);
	if (!e)
		e = boscmd_begin_write(r, &c);
	if (!e)
		e = bos_machines_remove(r->ctx, bos_store_fs(c.store), name);
	if (!e)
		e = boscmd_finish(r, &c);
	if (!e)
		printf("  Machine %s removed from volume group \"%s\"\n", name, r->vg);
	return boscmd_close(&c, e);
}

const struct cmd_def cmd_ivgmachine_rm_def = {
	.name = "ivgmachine rm",
	.summary = "Remove a machine's definition from an install volume group",
	.usage = "VG NAME",
	.about =
"Remove the machine NAME from the install volume group VG. A NAME that is\n"
"not defined is an error and nothing is written.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = { [CO_YES] = "accepted for LVM compatibility" },
	.min_operands = 2, .max_operands = 2,
	.operand_need = "a VG name and a machine NAME are needed",
	.flags = BOSCMD_WRITER,
	.check = rm_check,
	.run = rm_run,
};

/* ---- ivgmachine ls ------------------------------------------------------ */

/* "a,b,c" or "-" (basic) / "" (json). */
static void join(char (*v)[BOS_MACHINE_ID_MAX + 1], size_t n, const char *none,
		 char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", v[i]);
	if (!n)
		snprintf(buf, len, "%s", none);
}

static void added_text(int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M:%SZ", &tm);
}

static void print_json(const char *vg, struct bos_machines *l)
{
	json_object *one, *top = report_new(&one), *arr = json_object_new_array();
	char buf[BOS_MACHINE_MAX_LIST * (BOS_MACHINE_ID_MAX + 1) + 16];

	for (size_t i = 0; i < l->n; i++) {
		struct bos_machine *m = &l->v[i];
		json_object *o = json_object_new_object();

		report_set(o, "vg_name", vg);
		report_set(o, "machine_name", m->name);
		snprintf(buf, sizeof(buf), "%s=%s", bos_machine_id_name(m->id_kind), m->id);
		report_set(o, "machine_id", buf);
		report_set(o, "machine_action", bos_machine_action_name(m->action));
		report_set(o, "machine_bos", m->bos);
		join(m->opps, m->n_opps, "", buf, sizeof(buf));
		report_set(o, "machine_opps", buf);
		join(m->targets, m->n_targets, "", buf, sizeof(buf));
		report_set(o, "machine_targets", buf);
		report_set(o, "machine_then", bos_machine_then_name(m->then));
		added_text(m->added, buf, sizeof(buf));
		report_set(o, "machine_added", buf);
		json_object_array_add(arr, o);
	}
	json_object_object_add(one, "machine", arr);
	report_print(top);
}

static void print_basic(struct bos_machines *l)
{
	char opps[512], targets[512];

	printf("  %-16s %-45s %-11s %-12s %-8s %-20s %s\n", "Machine", "Id",
	       "Action", "BOS", "Then", "OPPs", "Targets");
	for (size_t i = 0; i < l->n; i++) {
		struct bos_machine *m = &l->v[i];
		const char *then = bos_machine_then_name(m->then);

		join(m->opps, m->n_opps, "-", opps, sizeof(opps));
		join(m->targets, m->n_targets, "-", targets, sizeof(targets));
		printf("  %-16s %s=%-*s %-11s %-12s %-8s %-20s %s\n", m->name,
		       bos_machine_id_name(m->id_kind), 40, m->id,
		       bos_machine_action_name(m->action), m->bos[0] ? m->bos : "-",
		       *then ? then : "menu", opps, targets);
	}
}

static int ls_run(struct cmd_run *r)
{
	struct bos_machines l = { 0 };
	struct boscmd c;
	int e = boscmd_open(r, &c);

	if (!e)
		e = bos_machines_list(r->ctx, bos_store_fs(c.store), &l);
	if (!e) {
		for (size_t i = 0; i < l.problems.n; i++)
			ivg_warn(r->ctx, "%s", l.problems.v[i]);
		if (r->o.json)
			print_json(r->vg, &l);
		else
			print_basic(&l);
	}
	bos_machines_free(&l);
	return boscmd_close(&c, e);
}

const struct cmd_def cmd_ivgmachine_ls_def = {
	.name = "ivgmachine ls",
	.summary = "List the machines defined in an install volume group",
	.usage = "VG",
	.about =
"List the machines defined in the install volume group VG: name, identity,\n"
"action, BOS, what follows, OPPs and targets. Reads only. An entry that\n"
"cannot be read is reported as a warning.\n",
	.common = CO(CO_DEVICES) | CO(CO_REPORTFORMAT) | CO(CO_YES),
	.common_help = {
		[CO_REPORTFORMAT] = "json: as lvm2's",
		[CO_YES] = "accepted for LVM compatibility",
	},
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	.flags = BOSCMD_READER,
	.run = ls_run,
};

/* ---- ivgmachine find ---------------------------------------------------- */

enum { FOPT_SYSFS, FOPT_WAIT };

static const struct cmd_opt find_opts[] = {
	[FOPT_SYSFS] = { "sysfs", 0, ARG_STRING, "DIR",
			 "where sysfs is (default /sys; tests give a tree)" },
	[FOPT_WAIT] = { "wait", 0, ARG_STRING, "SEC",
			"wait up to SEC seconds for the entry's target disks\n"
			"to appear (default 0)" },
};

static int find_check(struct cmd_run *r)
{
	const char *w = r->own[FOPT_WAIT].str;

	if (cmd_given(r, FOPT_WAIT) &&
	    (!*w || strspn(w, "0123456789") != strlen(w) || strlen(w) > 4))
		return cmd_usage_error(r, "--wait \"%s\": a number of seconds is needed", w);
	return 0;
}

/* The one entry whose identity is this machine's. */
static int find_mine(struct cmd_run *r, const struct bos_machines *l,
		     const struct bos_identity *me, const struct bos_machine **out)
{
	char who[512], names[256] = "";
	size_t n = 0, o = 0;

	*out = NULL;
	for (size_t i = 0; i < l->n; i++)
		if (bos_machine_matches(&l->v[i], me)) {
			if (o < sizeof(names))
				o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s",
						      n ? ", " : "", l->v[i].name);
			*out = &l->v[i];
			n++;
		}
	bos_identity_describe(me, who, sizeof(who));
	if (!n)
		return ivg_err(r->ctx, ENOENT, "no machine of volume group \"%s\" is this one (%s)",
			       r->vg, who);
	if (n > 1)
		return ivg_err(r->ctx, EEXIST, "machines %s of volume group \"%s\" all are this one (%s): not guessing",
			       names, r->vg, who);
	return 0;
}

/* Every target as this machine's kernel names the disk, waiting for
 * disks that come up late. */
static int resolve_all(struct cmd_run *r, const char *sys,
		       const struct bos_machine *m, char *out, size_t len)
{
	long wait_ms = cmd_given(r, FOPT_WAIT) ? 1000 * atol(r->own[FOPT_WAIT].str) : 0;
	int e;

	for (;;) {
		size_t o = 0;

		e = 0;
		out[0] = '\0';
		for (size_t i = 0; !e && i < m->n_targets; i++) {
			char dev[256];

			e = bos_target_resolve(r->ctx, sys, m->targets[i], dev, sizeof(dev));
			if (!e && o < len)
				o += (size_t)snprintf(out + o, len - o, "%s%s", i ? "," : "", dev);
		}
		if (!e || wait_ms <= 0)
			break;
		usleep(250000);
		wait_ms -= 250;
	}
	return e ? ivg_err_prefix(r->ctx, e, "machine %s: ", m->name) : 0;
}

static int find_run(struct cmd_run *r)
{
	const char *sys = cmd_given(r, FOPT_SYSFS) ? r->own[FOPT_SYSFS].str : "/sys";
	char opps[BOS_MACHINE_MAX_LIST * (BOS_MACHINE_ID_MAX + 1) + 16], targets[4096];
	const struct bos_machine *m = NULL;
	struct bos_machines l = { 0 };
	struct bos_identity me;
	struct boscmd c;
	int e = boscmd_open(r, &c);

	if (!e)
		e = bos_machines_list(r->ctx, bos_store_fs(c.store), &l);
	for (size_t i = 0; !e && i < l.problems.n; i++)
		ivg_warn(r->ctx, "%s", l.problems.v[i]);
	if (!e)
		e = bos_identity_read(r->ctx, sys, &me);
	if (!e)
		e = find_mine(r, &l, &me, &m);
	if (!e)
		e = resolve_all(r, sys, m, targets, sizeof(targets));
	if (!e) {
		/* Shell assignments for the maintenance environment's /init:
		 * every value was checked to hold no quote (machine.h). */
		join((char (*)[BOS_MACHINE_ID_MAX + 1])m->opps, m->n_opps, "", opps, sizeof(opps));
		printf("machine='%s'\naction='%s'\nbos='%s'\nopp='%s'\ntarget='%s'\nthen='%s'\n",
		       m->name, bos_machine_action_name(m->action), m->bos, opps,
		       targets, bos_machine_then_name(m->then));
	}
	bos_machines_free(&l);
	return boscmd_close(&c, e);
}

const struct cmd_def cmd_ivgmachine_find_def = {
	.name = "ivgmachine find",
	.summary = "Find this machine's entry in an install volume group",
	.usage = "VG",
	.about =
"Find the entry of the machine this runs on in the install volume group\n"
"VG: its identity (the SMBIOS system UUID, its NICs' addresses, the iBFT's\n"
"initiator name, from sysfs) against each entry's --id. Prints the entry\n"
"as shell assignments (machine, action, bos, opp, target, then), its\n"
"targets as this machine's kernel names the disks, for the maintenance\n"
"environment's /init. Reads only. No entry, two entries, or a target no\n"
"disk shows: exit 5, naming it.\n",
	.common = CO(CO_DEVICES) | CO(CO_YES),
	.common_help = { [CO_YES] = "accepted for LVM compatibility" },
	.opts = find_opts, .n_opts = sizeof(find_opts) / sizeof(find_opts[0]),
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one VG name is needed",
	.flags = BOSCMD_READER,
	.check = find_check,
	.run = find_run,
};
