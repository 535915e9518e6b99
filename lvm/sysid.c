/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysid.c - this host's system ID, from lvm.conf's system_id_source. */
#include "sysid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "lvmconf.h"

void ivg_system_id_clean(const char *s, char *out)
{
	size_t n = 0;

	for (; *s && n < IVG_SYSID_MAX; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("+_.-", *s))
			out[n++] = *s;
	out[n] = '\0';
}

/* A string setting section/key of a config file, NULL when not set. */
static int conf_str(struct ivg_ctx *ctx, const char *dir, const char *file,
		    const char *sec, const char *key, char **out)
{
	struct ivg_cfg_node *root;
	char path[4096];
	const char *s;
	int r;

	*out = NULL;
	r = ivg_lvmconf_load(ctx, dir, file, path, &root);
	if (!r)
		r = ivg_lvmconf_str(ctx, root, path, sec, key, NULL, &s);
	if (!r && s && !(*out = strdup(s)))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	ivg_cfg_free(root);
	return r;
}

/* The first line of a file, cleaned into a system ID. */
static int read_first_line(struct ivg_ctx *ctx, const char *path, char *out)
{
	char line[4096];
	FILE *f = fopen(path, "re");

	if (!f)
		return errno == ENOENT ?
			ivg_err(ctx, ENOENT, "%s: no such file, so no system ID", path) :
			ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	ivg_system_id_clean(line, out);
	return 0;
}

static int id_from_uname(struct ivg_ctx *ctx, char *out)
{
	struct utsname u;

	if (uname(&u))
		return ivg_err(ctx, errno, "uname: %s", strerror(errno));
	ivg_system_id_clean(u.nodename, out);
	if (!strncmp(out, "localhost", 9))
		return ivg_err(ctx, EINVAL, "this host is called \"%s\", which is no system ID (lvmsystemid(7)): give it a name, or set global/system_id_source in lvm.conf",
			       u.nodename);
	return 0;
}

static int id_from_source(struct ivg_ctx *ctx, const char *dir,
			  const char *conf, const char *source, char *out)
{
	char path[4096], *s = NULL;
	int r;

	if (!source || !strcmp(source, "none") || !strcmp(source, "uname"))
		return id_from_uname(ctx, out);
	if (!strcmp(source, "machineid"))
		return read_first_line(ctx, "/etc/machine-id", out);
	if (!strcmp(source, "lvmlocal")) {
		snprintf(path, sizeof(path), "%s/lvmlocal.conf", dir);
		r = conf_str(ctx, dir, "lvmlocal.conf", "local", "system_id", &s);
		if (!r && s)
			ivg_system_id_clean(s, out);
		else if (!r)
			r = ivg_err(ctx, EINVAL, "%s: local/system_id is not set, but %s says system_id_source = \"lvmlocal\"",
				    path, conf);
		free(s);
		return r;
	}
	if (!strcmp(source, "file")) {
		r = conf_str(ctx, dir, "lvm.conf", "global", "system_id_file", &s);
		if (!r && s)
			r = read_first_line(ctx, s, out);
		else if (!r)
			r = ivg_err(ctx, EINVAL, "%s: system_id_source = \"file\" without global/system_id_file",
				    conf);
		free(s);
		return r;
	}
	return ivg_err(ctx, ENOTSUP, "%s: system_id_source = \"%s\" is not one ivg can follow (use uname, lvmlocal, machineid or file)",
		       conf, source);
}

int ivg_host_system_id(struct ivg_ctx *ctx, const char *etc_lvm, char *out)
{
	char conf[4096], *source = NULL;
	const char *dir = etc_lvm && *etc_lvm ? etc_lvm : IVG_LVM_SYSTEM_DIR;
	int r;

	out[0] = '\0';
	snprintf(conf, sizeof(conf), "%s/lvm.conf", dir);
	r = conf_str(ctx, dir, "lvm.conf", "global", "system_id_source", &source);
	if (!r)
		r = id_from_source(ctx, dir, conf, source, out);
	if (!r && !out[0])
		r = ivg_err(ctx, EINVAL, "%s: system_id_source \"%s\" gives an empty system ID",
			    conf, source ? source : "uname");
	free(source);
	return r;
}
