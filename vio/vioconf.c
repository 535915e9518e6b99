/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vioconf.c - /etc/ivg/vios.conf. */
#include "vioconf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vio_accel_parse(const char *s, enum vio_accel *a)
{
	if (!strcmp(s, "auto"))
		*a = VIO_ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*a = VIO_ACCEL_KVM;
	else if (!strcmp(s, "tcg"))
		*a = VIO_ACCEL_TCG;
	else
		return -EINVAL;
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	/* A value may be quoted, as libvirt's files quote theirs. */
	if (e - s >= 2 && *s == '"' && e[-1] == '"') {
		e[-1] = 0;
		s++;
	}
	return s;
}

static int set(struct ivg_ctx *ctx, struct vio_conf *c, int line, const char *key,
	       const char *val)
{
	if (!strcmp(key, "lockspace")) {
		if (val[0] != '/')
			return ivg_err(ctx, EINVAL, "%s:%d: lockspace must be an absolute path", c->path, line);
		snprintf(c->lockspace, sizeof(c->lockspace), "%s", val);
	} else if (!strcmp(key, "peer")) {
		if (c->npeers >= VIO_PEERS_MAX)
			return ivg_err(ctx, EINVAL, "%s:%d: at most %d peers", c->path, line, VIO_PEERS_MAX);
		snprintf(c->peers[c->npeers++], sizeof(c->peers[0]), "%s", val);
	} else if (!strcmp(key, "accel")) {
		if (vio_accel_parse(val, &c->accel))
			return ivg_err(ctx, EINVAL, "%s:%d: accel is auto, kvm or tcg, not \"%s\"", c->path,
				       line, val);
	} else {
		return ivg_err(ctx, EINVAL, "%s:%d: unknown setting \"%s\"", c->path, line, key);
	}
	return 0;
}

int vio_conf_load(struct ivg_ctx *ctx, const char *path, struct vio_conf *c)
{
	char buf[2048];
	FILE *f;
	int line = 0, r = 0;

	memset(c, 0, sizeof(*c));
	if (!path)
		path = getenv("IVG_VIOS_CONF") ? getenv("IVG_VIOS_CONF") : VIO_CONF_DEFAULT;
	snprintf(c->path, sizeof(c->path), "%s", path);
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0 : ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	while (!r && fgets(buf, sizeof(buf), f)) {
		char *eq, *s = buf;

		line++;
		if ((eq = strchr(s, '#')))
			*eq = 0;
		s = trim(s);
		if (!*s)
			continue;
		if (!(eq = strchr(s, '='))) {
			r = ivg_err(ctx, EINVAL, "%s:%d: want \"key = value\"", path, line);
			break;
		}
		*eq = 0;
		r = set(ctx, c, line, trim(s), trim(eq + 1));
	}
	fclose(f);
	return r;
}
