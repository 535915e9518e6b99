/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lvmconf.c - reading lvm.conf's settings with lvm2's defaults. */
#include "lvmconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* lvm.conf is small; a bigger file is a mistake, not a config. */
#define CONF_MAX (1 << 20)

/* The text of a small file; *text NULL when it does not exist. */
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

int ivg_lvmconf_load(struct ivg_ctx *ctx, const char *etc_lvm,
		     const char *name, char *path, struct ivg_cfg_node **root)
{
	const char *dir = etc_lvm && *etc_lvm ? etc_lvm : IVG_LVM_SYSTEM_DIR;
	char own[4096], *text;
	size_t len;
	int r;

	*root = NULL;
	if (!path)
		path = own;
	if ((size_t)snprintf(path, sizeof(own), "%s/%s", dir, name) >= sizeof(own))
		return ivg_err(ctx, ENAMETOOLONG, "%s/%s: path too long", dir,
			       name);
	r = read_small(ctx, path, &text, &len);
	if (r || !text)
		return r;
	r = ivg_cfg_parse(ctx, text, len, path, root);
	free(text);
	return r;
}

int ivg_lvmconf_str(struct ivg_ctx *ctx, const struct ivg_cfg_node *root,
		    const char *path, const char *section, const char *key,
		    const char *def, const char **out)
{
	int r = ivg_cfg_get_str(root ? ivg_cfg_find(root, section) : NULL,
				key, out);

	if (r == -EINVAL)
		return ivg_err(ctx, EINVAL, "%s: %s/%s is not a string", path,
			       section, key);
	if (r)
		*out = def;
	return 0;
}

int ivg_lvmconf_bool(struct ivg_ctx *ctx, const struct ivg_cfg_node *root,
		     const char *path, const char *section, const char *key,
		     bool def, bool *out)
{
	int64_t v;
	int r = ivg_cfg_get_int(root ? ivg_cfg_find(root, section) : NULL,
				key, &v);

	if (r == -EINVAL)
		return ivg_err(ctx, EINVAL, "%s: %s/%s is not a number", path,
			       section, key);
	*out = r ? def : v != 0;
	return 0;
}
