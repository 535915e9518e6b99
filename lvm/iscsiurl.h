/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iscsiurl.h - an iSCSI LUN's address, written iscsi://HOST[:PORT]/IQN/LUN
 * (PORT 3260; HOST a name, an IPv4 address or [IPv6]), as QEMU, libiscsi
 * and vios write it, and bosinstall takes it as a target.
 */
#ifndef IVG_ISCSIURL_H
#define IVG_ISCSIURL_H

#include <stddef.h>

#include "ctx.h"

#define IVG_ISCSI_PORT 3260
#define IVG_ISCSI_LUN_MAX 16383
#define IVG_IQN_MAX 224

struct ivg_iscsi_url {
	char host[256];
	unsigned port;
	char iqn[IVG_IQN_MAX];
	unsigned lun;
};

/* Parse an iscsi:// URL: 0, or -EINVAL saying what is wrong with it. */
int ivg_iscsi_url_parse(struct ivg_ctx *ctx, const char *url, struct ivg_iscsi_url *out);
/* The URL again, in its one written form. */
void ivg_iscsi_url_format(const struct ivg_iscsi_url *u, char *out, size_t len);

#endif
