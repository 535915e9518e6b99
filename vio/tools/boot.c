/* SPDX-License-Identifier: GPL-2.0-or-later */
/* boot.c - boot, shutdown, dumpxml: a partition as a QEMU machine. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "viodomxml.h"
#include "vioident.h"
#include "vioqmp.h"
#include "viorules.h"

#include "vios.h"


void run_path(const struct vio_host *h, const char *lpar, const char *ext,
		     char *out, size_t len)
{
	snprintf(out, len, "%s/run/%s.%s", h->state, lpar, ext);
}

/* The partition's disks as the machine gets them: found, boot-ordered. */
void plan_free(struct plan *p)
{
	free(p->vs);
	free(p->now);
	free(p->disks);
}

int plan_disks(struct ivg_ctx *ctx, const struct vopts *o, const struct vio_host *h,
		      const struct vio_lpar *lp, enum vio_boot_type mode, struct plan *p)
{
	size_t n;
	int r;

	memset(p, 0, sizeof(*p));
	p->vs = calloc(h->nvtds + 1, sizeof(*p->vs));
	p->now = calloc(h->nvtds + 1, sizeof(*p->now));
	p->disks = calloc(h->nvtds + 1, sizeof(*p->disks));
	if (!p->vs || !p->now || !p->disks)
		return ivg_err(ctx, ENOMEM, "out of memory");
	n = lpar_vtds(h, lp->name, p->vs);
	p->norder = vio_boot_order(h, lp, mode, p->order);
	for (size_t i = 0; i < n; i++) {
		struct vio_qemu_disk *d = &p->disks[p->nd];

		if ((r = locate(ctx, o, p->vs[i], &p->now[p->nd]))) {
			if (vio_boot_nonessential(lp, p->vs[i]->name)) {
				fprintf(stderr, "  WARNING: %s: %s; non-essential, booting without it.\n",
					p->vs[i]->name, ivg_errmsg(ctx));
				continue;
			}
			return ivg_err_prefix(ctx, r, "%s: %s: ", lp->name, p->vs[i]->name);
		}
		d->vtd = p->vs[i];
		d->path = p->now[p->nd].path;
		for (size_t k = 0; k < p->norder; k++)
			if (p->order[k] == p->vs[i])
				d->bootindex = (unsigned)k + 1;
		p->nd++;
	}
	return 0;
}

int boot_locked(struct ivg_ctx *ctx, const struct vopts *o, struct txn *t,
		       struct vio_lpar *lp, enum vio_boot_type mode)
{
	char qmp[PATH_MAX], pidf[PATH_MAX], con[PATH_MAX], info[PATH_MAX], log[PATH_MAX], dir[PATH_MAX];
	struct plan p;
	char **argv = NULL;
	int r = 0, pid;
	FILE *f;

	memset(&p, 0, sizeof(p));
	if (vio_run_alive(&lp->run)) {
		r = ivg_err(ctx, EBUSY, "partition %s is already running (QEMU pid %d)", lp->name, lp->run.pid);
		goto out;
	}
	if ((r = vio_rules_boot(ctx, &t->h, &t->others, lp)))
		goto out;
	if ((r = plan_disks(ctx, o, &t->h, lp, mode, &p))) {
		r = ivg_err_prefix(ctx, r, "cannot boot ");
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/run", t->h.state);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		r = ivg_err(ctx, errno, "%s: cannot create: %s", dir, strerror(errno));
		goto out;
	}
	run_path(&t->h, lp->name, "qmp", qmp, sizeof(qmp));
	run_path(&t->h, lp->name, "pid", pidf, sizeof(pidf));
	run_path(&t->h, lp->name, "console", con, sizeof(con));
	run_path(&t->h, lp->name, "bootinfo", info, sizeof(info));
	run_path(&t->h, lp->name, "log", log, sizeof(log));
	if (!(f = fopen(info, "we"))) {
		r = ivg_err(ctx, errno, "%s: cannot create: %s", info, strerror(errno));
		goto out;
	}
	vio_boot_info(&t->h, lp, mode, f);
	fclose(f);
	unlink(qmp);
	{
		struct vio_qemu q = {
			.lpar = lp, .qmp = qmp, .pidfile = pidf, .console = con,
			.bootinfo = info, .kernel = o->kernel, .initrd = o->initrd,
			.append = o->append, .extra = o->qemu_arg, .nextra = o->nqemu,
			.disks = p.disks, .ndisks = p.nd,
		};

		if ((r = vio_qemu_argv(ctx, &q, &argv)))
			goto out;
	}
	if (ctx->verbose)
		for (char **p = argv; *p; p++)
			fprintf(stderr, "%s%s", *p, p[1] ? " " : "\n");
	if ((r = vio_qemu_start(ctx, argv, log, pidf, &pid))) {
		r = ivg_err_prefix(ctx, r, "cannot boot %s: ", lp->name);
		goto out;
	}
	if (vio_run_of_pid(pid, &lp->run)) {
		r = ivg_err(ctx, ESRCH, "cannot boot %s: QEMU (pid %d) ended at once; see %s and %s",
			    lp->name, pid, log, con);
		memset(&lp->run, 0, sizeof(lp->run));
		goto out;
	}
	snprintf(lp->run.mode, sizeof(lp->run.mode), "%s", vio_boot_type_name(mode));
	/* Where each LUN is now, and what it holds now, for next time. */
	for (size_t i = 0; i < p.nd; i++) {
		struct vio_vtd *v = vio_host_vtd(&t->h, p.disks[i].vtd->name);

		if (v)
			v->ident = p.now[i];
	}
	if ((r = txn_commit(ctx, t)))
		goto out;
	printf("  Partition %s booted (%s, QEMU pid %d, %zu disk%s, boot order:", lp->name,
	       vio_boot_type_name(mode), pid, p.nd, p.nd == 1 ? "" : "s");
	for (size_t k = 0; k < p.norder; k++)
		printf(" %s@%u:%u", p.order[k]->name, p.order[k]->scsi_id, p.order[k]->lun);
	printf("%s); console %s\n", p.norder ? "" : " firmware default", con);
out:
	vio_argv_free(argv);
	plan_free(&p);
	return r;
}

int do_dumpxml(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	struct vio_lpar *lp = NULL;
	const char *name = NULL;
	char con[PATH_MAX];
	struct plan p;
	struct txn t;
	int r;

	if ((r = one_name("dumpxml", argc, argv, &name)))
		return r;
	memset(&p, 0, sizeof(p));
	r = txn_begin(ctx, o, false, false, &t);
	if (!r && !(lp = vio_host_lpar(&t.h, name)))
		r = ivg_err(ctx, ENOENT, "partition %s does not exist", name);
	if (!r)
		r = plan_disks(ctx, o, &t.h, lp, o->have_mode ? o->mode : lp->boot_type, &p);
	if (!r) {
		struct vio_qemu q = {
			.lpar = lp, .console = con, .kernel = o->kernel, .initrd = o->initrd,
			.append = o->append, .disks = p.disks, .ndisks = p.nd,
		};

		run_path(&t.h, name, "console", con, sizeof(con));
		vio_domain_xml(&q, stdout);
	}
	plan_free(&p);
	txn_end(&t);
	return r ? fail(ctx) : ECMD_OK;
}

/* Wait until the recorded QEMU is gone; timeout 0: forever. */
static bool wait_gone(const struct vio_run *run, long timeout)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	long ticks = timeout * 10;

	while (vio_run_alive(run)) {
		if (timeout && ticks-- <= 0)
			return false;
		nanosleep(&ts, NULL);
	}
	return true;
}

/* Clear the run record if it is still 'run' (under the state lock). */
static int clear_run(struct ivg_ctx *ctx, const struct vopts *o, const char *name,
		     const struct vio_run *run)
{
	struct vio_lpar *lp = NULL;
	struct txn t;
	int r = txn_begin(ctx, o, true, true, &t);

	if (!r && (lp = vio_host_lpar(&t.h, name)) && lp->run.pid == run->pid &&
	    lp->run.start == run->start) {
		memset(&lp->run, 0, sizeof(lp->run));
		r = txn_commit(ctx, &t);
	}
	txn_end(&t);
	return r;
}

int do_boot(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	struct vio_lpar *lp = NULL;
	struct vio_run run = { 0 };
	const char *name = NULL;
	struct txn t;
	int r;

	if ((r = one_name("boot", argc, argv, &name)))
		return r;
	if ((o->initrd || o->append) && !o->kernel)
		return usage_error("boot", "--initrd and --append need --kernel");
	r = txn_begin(ctx, o, true, true, &t);
	if (!r && !(lp = vio_host_lpar(&t.h, name)))
		r = ivg_err(ctx, ENOENT, "partition %s does not exist", name);
	if (!r)
		r = boot_locked(ctx, o, &t, lp, o->have_mode ? o->mode : lp->boot_type);
	if (!r)
		run = lp->run;
	txn_end(&t);
	if (r)
		return fail(ctx);
	if (!o->wait)
		return ECMD_OK;
	wait_gone(&run, 0);
	if ((r = clear_run(ctx, o, name, &run)))
		return fail(ctx);
	printf("  Partition %s stopped.\n", name);
	return ECMD_OK;
}

/* Stop a partition: ACPI power button (QMP), then QMP quit, then signals. */
int stop_lpar(struct ivg_ctx *ctx, const struct vopts *o, const char *name,
		     long timeout, bool force)
{
	struct vio_lpar *lp = NULL;
	struct vio_run run = { 0 };
	char qmp[PATH_MAX];
	struct txn t;
	int r;

	r = txn_begin(ctx, o, false, false, &t);
	if (!r && !(lp = vio_host_lpar(&t.h, name)))
		r = ivg_err(ctx, ENOENT, "partition %s does not exist", name);
	if (!r) {
		run = lp->run;
		run_path(&t.h, name, "qmp", qmp, sizeof(qmp));
	}
	txn_end(&t);
	if (r)
		return r;
	if (!vio_run_alive(&run)) {
		printf("  Partition %s is not running.\n", name);
		return run.pid ? clear_run(ctx, o, name, &run) : 0;
	}
	if (!force && !vio_qmp_execute(ctx, qmp, "system_powerdown") &&
	    wait_gone(&run, timeout)) {
		printf("  Partition %s shut down.\n", name);
	} else {
		if (!force)
			fprintf(stderr, "  Partition %s did not power down in %lds; stopping it.\n",
				name, timeout);
		if (vio_qmp_execute(ctx, qmp, "quit") || !wait_gone(&run, 10)) {
			kill(run.pid, SIGTERM);
			if (!wait_gone(&run, 5) && (kill(run.pid, SIGKILL), !wait_gone(&run, 5)))
				return ivg_err(ctx, EBUSY, "partition %s: QEMU pid %d does not stop",
					       name, run.pid);
		}
		printf("  Partition %s stopped.\n", name);
	}
	return clear_run(ctx, o, name, &run);
}

int do_shutdown(struct ivg_ctx *ctx, struct vopts *o, int argc, char **argv)
{
	const char *name = NULL;
	int r;

	if ((r = one_name("shutdown", argc, argv, &name)))
		return r;
	r = stop_lpar(ctx, o, name, given(o, O_TIMEOUT) ? o->timeout : 30, o->c.force);
	return r ? fail(ctx) : ECMD_OK;
}
