/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vioqmp.h - one QMP command to a running QEMU over its UNIX socket:
 * read the greeting, negotiate (qmp_capabilities), execute, and wait for
 * the command's "return" (events in between are skipped).
 */
#ifndef VIO_QMP_H
#define VIO_QMP_H

#include "ctx.h"

/* 0, -ECONNREFUSED/-ENOENT when nobody listens, -EIO on a QMP "error". */
int vio_qmp_execute(struct ivg_ctx *ctx, const char *socket_path,
		    const char *command);

#endif
