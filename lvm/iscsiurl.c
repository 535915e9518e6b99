/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iscsiurl.c - iscsi://HOST[:PORT]/IQN/LUN, read and written. */
#include "iscsiurl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bad_url(struct ivg_ctx *ctx, const char *url, const char *why)
{
	return ivg_err(ctx, EINVAL, "\"%s\": %s (want iscsi://HOST[:PORT]/IQN/LUN)", url, why);
}

int ivg_iscsi_url_parse(struct ivg_ctx *ctx, const char *url, struct ivg_iscsi_url *out)
{
	const char *p = url + strlen("iscsi://"), *end, *slash;
	size_t hlen;
	char *e;
	unsigned long v;

	memset(out, 0, sizeof(*out));
	out->port = IVG_ISCSI_PORT;
	if (strncmp(url, "iscsi://", 8))
		return bad_url(ctx, url, "not an iscsi:// URL");
	slash = strchr(p, '/');
	if (!slash)
		return bad_url(ctx, url, "no target IQN");
	if (memchr(p, '@', (size_t)(slash - p)))
		return bad_url(ctx, url, "user names and CHAP secrets are not taken in the URL");
	if (*p == '[') {
		end = memchr(p, ']', (size_t)(slash - p));
		if (!end)
			return bad_url(ctx, url, "an IPv6 address without its ']'");
		hlen = (size_t)(end - p) + 1;
	} else {
		end = memchr(p, ':', (size_t)(slash - p));
		hlen = (size_t)((end ? end : slash) - p);
	}
	if (!hlen || hlen >= sizeof(out->host))
		return bad_url(ctx, url, "no host, or a host name too long");
	memcpy(out->host, p, hlen);
	p += hlen;
	if (*p == ':') {
		errno = 0;
		v = strtoul(p + 1, &e, 10);
		if (errno || e != slash || e == p + 1 || v == 0 || v > 65535)
			return bad_url(ctx, url, "the port is not a number from 1 to 65535");
		out->port = (unsigned)v;
	} else if (p != slash) {
		return bad_url(ctx, url, "junk after the host");
	}
	p = slash + 1;
	slash = strchr(p, '/');
	if (!slash || slash == p)
		return bad_url(ctx, url, "no target IQN, or no LUN after it");
	if ((size_t)(slash - p) >= sizeof(out->iqn))
		return bad_url(ctx, url, "the IQN is too long");
	memcpy(out->iqn, p, (size_t)(slash - p));
	if (strspn(out->iqn, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") !=
	    strlen(out->iqn))
		return bad_url(ctx, url, "the IQN holds characters an iSCSI name does not");
	errno = 0;
	v = strtoul(slash + 1, &e, 10);
	if (errno || *e || e == slash + 1 || slash[1] == '-' || slash[1] == '+' ||
	    v > IVG_ISCSI_LUN_MAX)
		return bad_url(ctx, url, "the LUN is not a number from 0 to 16383");
	out->lun = (unsigned)v;
	return 0;
}

void ivg_iscsi_url_format(const struct ivg_iscsi_url *u, char *out, size_t len)
{
	snprintf(out, len, "iscsi://%s:%u/%s/%u", u->host, u->port, u->iqn, u->lun);
}
