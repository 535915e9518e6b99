/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vioqemu.c - QEMU command line of a partition, and starting it. */
#define _GNU_SOURCE
#include "vioqemu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct args {
	char **v;
	size_t n, cap;
	bool oom;
};

static void add(struct args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct args *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->oom)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v) {
			a->oom = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		a->oom = true;
		s = NULL;
	}
	va_end(ap);
	if (s) {
		a->v[a->n++] = s;
		a->v[a->n] = NULL;
	}
}

/* A QEMU option value: every ',' doubled. */
static char *escape(const char *s)
{
	size_t n = 0;
	char *out, *w;

	for (const char *p = s; *p; p++)
		n += *p == ',' ? 2 : 1;
	if (!(out = malloc(n + 1)))
		return NULL;
	w = out;
	for (const char *p = s; *p; p++) {
		*w++ = *p;
		if (*p == ',')
			*w++ = ',';
	}
	*w = 0;
	return out;
}

int vio_qemu_argv(struct ivg_ctx *ctx, const struct vio_qemu *q, char ***argv)
{
	struct args a = { 0 };
	const char *bin = q->binary ? q->binary : getenv("IVG_QEMU");
	char *e;

	*argv = NULL;
	add(&a, "%s", bin && *bin ? bin : "qemu-system-x86_64");
	add(&a, "-name");
	add(&a, "guest=%s,process=vios-%s", q->lpar->name, q->lpar->name);
	add(&a, "-accel");
	add(&a, "tcg");
	add(&a, "-machine");
	add(&a, "pc");
	add(&a, "-m");
	add(&a, "%llu", (unsigned long long)q->lpar->memory_mb);
	add(&a, "-smp");
	add(&a, "%u", q->lpar->cpus);
	add(&a, "-nodefaults");
	add(&a, "-no-user-config");
	add(&a, "-display");
	add(&a, "none");
	add(&a, "-daemonize");
	add(&a, "-pidfile");
	add(&a, "%s", q->pidfile);
	add(&a, "-qmp");
	if ((e = escape(q->qmp))) {
		add(&a, "unix:%s,server=on,wait=off", e);
		free(e);
	}
	add(&a, "-serial");
	add(&a, "file:%s", q->console);
	if (q->bootinfo && (e = escape(q->bootinfo))) {
		add(&a, "-fw_cfg");
		add(&a, "name=opt/ivg/vios,file=%s", e);
		free(e);
	}
	for (size_t i = 0; i < q->ndisks; i++) {
		const struct vio_qemu_disk *d = &q->disks[i];
		char boot[32] = "";

		if (!(e = escape(d->path))) {
			a.oom = true;
			break;
		}
		if (d->bootindex)
			snprintf(boot, sizeof(boot), ",bootindex=%u", d->bootindex);
		add(&a, "-device");
		add(&a, "virtio-scsi-pci,id=vscsi%zu", i);
		add(&a, "-drive");
		add(&a, "if=none,id=vd%zu,format=raw,file=%s%s", i, e,
		    d->vtd->ro ? ",readonly=on" : "");
		add(&a, "-device");
		add(&a, "scsi-hd,bus=vscsi%zu.0,drive=vd%zu,scsi-id=%u,lun=%u,serial=%.20s%s",
		    i, i, d->vtd->scsi_id, d->vtd->lun, d->vtd->name, boot);
		free(e);
	}
	if (q->kernel) {
		add(&a, "-kernel");
		add(&a, "%s", q->kernel);
	}
	if (q->initrd) {
		add(&a, "-initrd");
		add(&a, "%s", q->initrd);
	}
	if (q->append) {
		add(&a, "-append");
		add(&a, "%s", q->append);
	}
	for (size_t i = 0; i < q->nextra; i++)
		add(&a, "%s", q->extra[i]);
	if (a.oom) {
		vio_argv_free(a.v);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	*argv = a.v;
	return 0;
}

void vio_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

/* The last lines of the log, for the error message. */
static void log_tail(const char *log, char *buf, size_t len)
{
	FILE *f = fopen(log, "re");
	size_t n;
	char *p;

	buf[0] = 0;
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	if (ftell(f) > (long)len - 1)
		fseek(f, -((long)len - 1), SEEK_END);
	else
		fseek(f, 0, SEEK_SET);
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && buf[n - 1] == '\n')
		buf[--n] = 0;
	for (p = buf; (p = strchr(p, '\n'));)
		*p = ' ';
}

int vio_qemu_start(struct ivg_ctx *ctx, char *const *argv, const char *log,
		   const char *pidfile, int *pid)
{
	char tail[512], buf[32];
	int status, fd;
	pid_t child;
	FILE *f;

	*pid = 0;
	unlink(pidfile);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return ivg_err(ctx, errno, "%s: cannot create: %s", log, strerror(errno));
	child = fork();
	if (child < 0) {
		close(fd);
		return ivg_err(ctx, errno, "cannot fork: %s", strerror(errno));
	}
	if (child == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		setsid();
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return ivg_err(ctx, errno, "waiting for %s: %s", argv[0], strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		log_tail(log, tail, sizeof(tail));
		return ivg_err(ctx, EIO, "%s failed (%s %d): %s", argv[0],
			       WIFEXITED(status) ? "exit" : "signal",
			       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			       tail[0] ? tail : "no output");
	}
	f = fopen(pidfile, "re");
	if (!f || !fgets(buf, sizeof(buf), f) || (*pid = atoi(buf)) <= 0) {
		if (f)
			fclose(f);
		return ivg_err(ctx, EIO, "%s: QEMU started but left no PID", pidfile);
	}
	fclose(f);
	return 0;
}
