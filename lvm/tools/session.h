/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h - what most commands do first: scan the devices (--devices
 * or the machine's) and open one VG, printing what is wrong with it.
 */
#ifndef IVG_SESSION_H
#define IVG_SESSION_H

#include "tools.h"
#include "vgio.h"

struct session {
	char **paths;
	size_t n_paths;
	bool owned;
	struct ivg_scan *scan;
	struct ivg_vgh *h;
};

/* Scan only. */
int session_scan(struct ivg_ctx *ctx, const struct opts *o,
		 struct session *s);
/* Scan and open VG 'name', which must be an install VG. */
int session_open(struct ivg_ctx *ctx, const struct opts *o, const char *name,
		 struct session *s);
/*
 * Print as lvm2 prints warnings: one line for each damaged device that is
 * no PV of the open VG (and, when the user listed the devices, for each
 * that holds no usable PV), then the VG's problems.
 */
void session_warn(const struct session *s);
/* The devices' lines alone, leaving out the PVs of the n VGs hs. */
void session_warn_devices(const struct session *s, struct ivg_vgh *const *hs,
			  size_t n);
void session_close(struct session *s);

#endif
