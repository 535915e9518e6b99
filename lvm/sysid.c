/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysid.c - this host's system ID, from lvm.conf's system_id_source. */
#include "sysid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cfg.h"

#define CONF_MAX (1 << 20)

void ivg_system_id_clean(const char *s, char *out)
{
	size_t n = 0;

	for (; *s && n < IVG_SYSID_MAX; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("+_.-", *s))
			out[n++] = *s;
	out[n] = '\0';
}

/*
 * The text of a small file; *text NULL when it does not exist. Other
 * failures name the file.
 */
static int read_small(struct ivg_ctx *ctx, const char *path, char **text,
		      size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;

	*text = NULL;
	if (!f)
		return errno == ENOENT ? 0 :
			ivg_err(ctx, errno, "%s: %s", path, strerror(errno));
	buf = malloc(CONF_MAX + 1);
	if (!buf) {
		fclose(f);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	n = fread(buf, 1, CONF_MAX + 1, f);
	if (ferror(f) || n > CONF_MAX) {
		int e = ferror(f) ? EIO : EFBIG;

		fclose(f);
		free(buf);
		return ivg_err(ctx, e, "%s: %s", path,
			       e == EIO ? "read error" : "too large");
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* Parse a config file; *root NULL when it does not exist. */
static int load_conf(struct ivg_ctx *ctx, const char *path,
		     struct ivg_cfg_node **root)
{
	char *text;
	size_t len;
	int r;

	*root = NULL;
	r = read_small(ctx, path, &text, &len);
	if (r || !text)
		return r;
	r = ivg_cfg_parse(ctx, text, len, path, root);
	free(text);
	return r;
}

/* A string setting section/key of a config file, NULL when not set. */
static int conf_str(struct ivg_ctx *ctx, const char *path, const char *sec,
		    const char *key, char **out)
{
	struct ivg_cfg_node *root;
	const char *s;
	int r;

	*out = NULL;
	r = load_conf(ctx, path, &root);
	if (r || !root)
		return r;
	r = ivg_cfg_get_str(ivg_cfg_find(root, sec), key, &s);
	if (r == -EINVAL)
		r = ivg_err(ctx, EINVAL, "%s: %s/%s is not a string", path, sec,
			    key);
	else if (r == 0 && !(*out = strdup(s)))
		r = ivg_err(ctx, ENOMEM, "out of memory");
	else if (r == -ENOENT)
		r = 0;
	ivg_cfg_free(root);
	return r;
}

/* The first line of a file, cleaned. */
static int id_from_file(struct ivg_ctx *ctx, const char *path, char *out)
{
	char *text;
	size_t len;
	int r = read_small(ctx, path, &text, &len);

	if (r)
		return r;
	if (!text)
		return ivg_err(ctx, ENOENT, "%s: no such file, so no system ID",
			       path);
	text[strcspn(text, "\n")] = '\0';
	ivg_system_id_clean(text, out);
	free(text);
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
		return id_from_file(ctx, "/etc/machine-id", out);
	if (!strcmp(source, "lvmlocal")) {
		snprintf(path, sizeof(path), "%s/lvmlocal.conf", dir);
		r = conf_str(ctx, path, "local", "system_id", &s);
		if (!r && s)
			ivg_system_id_clean(s, out);
		else if (!r)
			r = ivg_err(ctx, EINVAL, "%s: local/system_id is not set, but %s says system_id_source = \"lvmlocal\"",
				    path, conf);
		free(s);
		return r;
	}
	if (!strcmp(source, "file")) {
		r = conf_str(ctx, conf, "global", "system_id_file", &s);
		if (!r && s)
			r = id_from_file(ctx, s, out);
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
	const char *dir = etc_lvm && *etc_lvm ? etc_lvm : "/etc/lvm";
	int r;

	out[0] = '\0';
	snprintf(conf, sizeof(conf), "%s/lvm.conf", dir);
	r = conf_str(ctx, conf, "global", "system_id_source", &source);
	if (!r)
		r = id_from_source(ctx, dir, conf, source, out);
	if (!r && !out[0])
		r = ivg_err(ctx, EINVAL, "%s: system_id_source \"%s\" gives an empty system ID",
			    conf, source ? source : "uname");
	free(source);
	return r;
}
