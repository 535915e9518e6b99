/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * console.c - vios console: the partition's serial console on this
 * terminal, as virsh console gives it (a libvirt stream, libvirt's event
 * loop). Ctrl-] ends it. Without a terminal, what the guest prints goes
 * to stdout and stdin is sent to the guest until it ends.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vios.h"

#define ESCAPE 0x1d         /* Ctrl-] */

struct console {
	virStreamPtr st;
	int stdin_watch;
	bool quit;
	int error;              /* a stream error ends it */
};

static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
	signalled = sig;
}

static void stream_event(virStreamPtr st, int events, void *arg)
{
	struct console *c = arg;
	char buf[4096];
	int n;

	if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)) {
		c->quit = true;
		return;
	}
	while ((n = virStreamRecv(st, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
			break;
	if (n == 0 || n == -1) {
		c->error = n == -1;
		c->quit = true;
	}
}

static void stdin_event(int watch, int fd, int events, void *arg)
{
	struct console *c = arg;
	char buf[1024];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n <= 0) {
		/* End of input: keep showing the console until it ends. */
		virEventRemoveHandle(watch);
		c->stdin_watch = -1;
		return;
	}
	if (memchr(buf, ESCAPE, (size_t)n)) {
		c->quit = true;
		return;
	}
	for (ssize_t off = 0; off < n;) {
		int sent = virStreamSend(c->st, buf + off, (size_t)(n - off));

		if (sent == -2) {
			/* Full: the guest takes it soon. */
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
			continue;
		}
		if (sent < 0) {
			c->quit = true;
			return;
		}
		off += sent;
	}
}

static int console_run(struct cmd_run *r)
{
	struct console c = { .stdin_watch = -1 };
	struct vio_part p = { 0 };
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO);
	struct sigaction sa = { .sa_handler = on_signal };
	struct vios v;
	int e;

	if (virEventRegisterDefaultImpl() < 0)
		return vio_virt_err(r->ctx, EIO, "libvirt's event loop");
	if ((e = vios_open(r, &v, false)) || (e = vio_host_part(r->ctx, &v.host, r->operands[0], &p)))
		goto out;
	if (!vio_part_active(&p)) {
		e = ivg_err(r->ctx, EINVAL, "partition %s is not running", p.lp.name);
		goto out;
	}
	if (!(c.st = virStreamNew(v.host.conn, VIR_STREAM_NONBLOCK)) ||
	    virDomainOpenConsole(p.dom, NULL, c.st, r->o.force ? VIR_DOMAIN_CONSOLE_FORCE : 0) < 0 ||
	    virStreamEventAddCallback(c.st, VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR |
				      VIR_STREAM_EVENT_HANGUP, stream_event, &c, NULL) < 0) {
		e = vio_virt_err(r->ctx, EIO, "cannot open the console of partition %s", p.lp.name);
		goto out;
	}
	c.stdin_watch = virEventAddHandle(STDIN_FILENO, VIR_EVENT_HANDLE_READABLE, stdin_event,
					  &c, NULL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (tty) {
		fprintf(stderr, "Connected to partition %s on host %s; Ctrl-] ends.\n", p.lp.name,
			v.host.uri);
		tcgetattr(STDIN_FILENO, &saved);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	}
	while (!c.quit && !signalled)
		if (virEventRunDefaultImpl() < 0 && errno != EINTR)
			break;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fprintf(stderr, "\n");
	}
	if (c.error)
		e = vio_virt_err(r->ctx, EIO, "the console of partition %s", p.lp.name);
out:
	if (c.stdin_watch >= 0)
		virEventRemoveHandle(c.stdin_watch);
	if (c.st) {
		virStreamEventRemoveCallback(c.st);
		virStreamAbort(c.st);
		virStreamFree(c.st);
	}
	vio_part_free(&p);
	vios_close(&v);
	return e;
}

static const struct cmd_opt console_opts[] = { VOPT_CONNECT };

const struct cmd_def vios_console_def = {
	.name = "vios console",
	.summary = "Attach to a partition's serial console",
	.usage = "NAME",
	.about =
"Attach this terminal to the serial console of running partition NAME,\n"
"as virsh console does; Ctrl-] detaches. Everything the console prints\n"
"is also logged to the file lslpar shows.\n",
	.common = CO(CO_FORCE),
	.common_help = { [CO_FORCE] = "take the console from another session" },
	.opts = console_opts, .n_opts = 1,
	.min_operands = 1, .max_operands = 1,
	.operand_need = "exactly one partition name is needed",
	.run = console_run,
};
