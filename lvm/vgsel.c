/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vgsel.c - a VG by name, by UUID or by --select vg_uuid= (vgsel.h). */
#include "vgsel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Does any valid copy in the scan carry this name and (if given) UUID? */
static const struct ivg_mda_copy *find_copy(const struct ivg_scan *scan,
					    const char *vgname,
					    const char *vgid)
{
	for (size_t d = 0; d < scan->count; d++)
		for (size_t k = 0; k < scan->pvs[d].mda_count; k++) {
			const struct ivg_mda_copy *m = &scan->pvs[d].mda[k];

			if (m->err || (vgname && strcmp(m->vgname, vgname)) ||
			    (vgid && strcmp(m->vgid, vgid)))
				continue;
			return m;
		}
	return NULL;
}

const char *ivg_vgsel_name_of(const struct ivg_scan *scan, const char *vgid)
{
	const struct ivg_mda_copy *m = find_copy(scan, NULL, vgid);

	return m ? m->vgname : NULL;
}

int ivg_vgsel_parse_select(struct ivg_ctx *ctx, const char *select,
			   char vgid[IVG_UUID_LEN + 1])
{
	static const char field[] = "vg_uuid=";

	if (strncmp(select, field, sizeof(field) - 1) ||
	    ivg_uuid_parse(select + sizeof(field) - 1, vgid))
		return ivg_err(ctx, EINVAL,
			       "--select \"%s\": only vg_uuid=UUID is understood (the UUID as vgs -o vg_uuid shows it)",
			       select);
	return 0;
}

/* The devices whose copies name the VG, "a.img, b.img", into buf. */
static void devices_of(const struct ivg_scan *scan, const char *vgid,
		       char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t d = 0; d < scan->count && o < size; d++) {
		bool mine = false;

		for (size_t k = 0; k < scan->pvs[d].mda_count; k++)
			mine |= !scan->pvs[d].mda[k].err &&
				!strcmp(scan->pvs[d].mda[k].vgid, vgid);
		if (mine)
			o += (size_t)snprintf(buf + o, size - o, "%s%s",
					      o ? ", " : "", scan->pvs[d].path);
	}
}

void ivg_vgsel_describe(const struct ivg_scan *scan, const char *vgname,
			char *buf, size_t size)
{
	char ids[8][IVG_UUID_LEN + 1];
	size_t n = ivg_scan_vgids(scan, vgname, ids, 8), o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 8 && o < size; i++) {
		char shown[IVG_UUID_LEN + 7], devs[1024];

		ivg_uuid_format(ids[i], shown);
		devices_of(scan, ids[i], devs, sizeof(devs));
		o += (size_t)snprintf(buf + o, size - o, "%sUUID %s on %s",
				      i ? "; " : "", shown, devs);
	}
	if (n > 8 && o < size)
		snprintf(buf + o, size - o, "; and %zu more", n - 8);
}

int ivg_vgsel_not_unique(struct ivg_ctx *ctx, const struct ivg_scan *scan,
			 const char *vgname, const char *how)
{
	char which[2048];

	ivg_vgsel_describe(scan, vgname, which, sizeof(which));
	return ivg_err(ctx, ENOTUNIQ,
		       "Multiple VGs found with the same name: %zu VGs are called \"%s\" (%s); not guessing which one is meant: %s",
		       ivg_scan_vgids(scan, vgname, NULL, 0), vgname, which, how);
}

/* 'what' as a UUID of a VG in the scan: its id into vgid, true. */
static bool as_uuid(const struct ivg_scan *scan, const char *what,
		    char vgid[IVG_UUID_LEN + 1])
{
	char id[IVG_UUID_LEN + 1];

	if (ivg_uuid_parse(what, id) || !find_copy(scan, NULL, id))
		return false;
	memcpy(vgid, id, sizeof(id));
	return true;
}

int ivg_vgsel_resolve(struct ivg_ctx *ctx, const struct ivg_scan *scan,
		      const char *what, const char *vgid,
		      struct ivg_vgsel *out)
{
	char id[IVG_UUID_LEN + 1], ids[1][IVG_UUID_LEN + 1];
	const char *name;
	size_t n;

	*out = (struct ivg_vgsel){ 0 };
	/* A name that a VG carries is a name, even if it looks like a UUID. */
	if (what && !find_copy(scan, what, NULL) && as_uuid(scan, what, id)) {
		if (vgid && strcmp(vgid, id))
			return ivg_err(ctx, EINVAL, "\"%s\" and --select vg_uuid= name two different volume groups",
				       what);
		vgid = id;
		what = NULL;
	}
	if (vgid) {
		name = ivg_vgsel_name_of(scan, vgid);
		if (!name || (what && strcmp(what, name))) {
			char shown[IVG_UUID_LEN + 7];

			ivg_uuid_format(vgid, shown);
			return ivg_err(ctx, ENOENT, "No volume group%s%s%s with UUID %s found",
				       what ? " called \"" : "", what ? what : "",
				       what ? "\"" : "", shown);
		}
		snprintf(out->name, sizeof(out->name), "%s", name);
		memcpy(out->vgid, vgid, sizeof(out->vgid));
		return 0;
	}
	n = ivg_scan_vgids(scan, what, ids, 1);
	if (!n)
		return ivg_err(ctx, ENOENT, "Volume group \"%s\" not found", what);
	if (n > 1)
		return ivg_vgsel_not_unique(ctx, scan, what,
					    "choose one with --select vg_uuid=UUID, or give its UUID in place of the name");
	snprintf(out->name, sizeof(out->name), "%s", what);
	memcpy(out->vgid, ids[0], sizeof(out->vgid));
	return 0;
}
