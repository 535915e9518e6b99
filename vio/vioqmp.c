/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vioqmp.c - a minimal QMP client: one command per connection. */
#include "vioqmp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#define QMP_TIMEOUT_MS 10000

/* Read one line (QMP messages end with CRLF) into buf. */
static int read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, QMP_TIMEOUT_MS) <= 0)
			return -ETIMEDOUT;
		r = read(fd, buf + n, 1);
		if (r == 0)
			return -ECONNRESET;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = 0;
	return 0;
}

/* Send cmd and wait for its reply, skipping events; 0, -EIO on "error". */
static int exchange(struct ivg_ctx *ctx, int fd, const char *sock,
		    const char *cmd)
{
	char line[4096], msg[256];
	int r;

	snprintf(msg, sizeof(msg), "{\"execute\": \"%s\"}\r\n", cmd);
	if (write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg))
		return ivg_err(ctx, errno, "%s: cannot send %s: %s", sock, cmd, strerror(errno));
	for (;;) {
		struct json_object *o, *v;

		if ((r = read_line(fd, line, sizeof(line))))
			return ivg_err(ctx, r, "%s: no answer to %s: %s", sock, cmd, strerror(-r));
		if (!(o = json_tokener_parse(line)))
			continue;
		if (json_object_object_get_ex(o, "return", &v)) {
			json_object_put(o);
			return 0;
		}
		if (json_object_object_get_ex(o, "error", &v)) {
			r = ivg_err(ctx, EIO, "%s: %s: %s", sock, cmd,
				    json_object_to_json_string(v));
			json_object_put(o);
			return r;
		}
		json_object_put(o);    /* an event */
	}
}

int vio_qmp_execute(struct ivg_ctx *ctx, const char *socket_path,
		    const char *command)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[4096];
	int fd, r;

	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return ivg_err(ctx, ENAMETOOLONG, "%s: socket path too long", socket_path);
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ivg_err(ctx, errno, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = ivg_err(ctx, errno, "%s: cannot connect: %s", socket_path, strerror(errno));
		close(fd);
		return r;
	}
	if ((r = read_line(fd, line, sizeof(line))))
		r = ivg_err(ctx, r, "%s: no QMP greeting: %s", socket_path, strerror(-r));
	else if (!(r = exchange(ctx, fd, socket_path, "qmp_capabilities")))
		r = exchange(ctx, fd, socket_path, command);
	close(fd);
	return r;
}
