/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lvmconf.h - the settings of lvm.conf that ivg follows, read as lvm2
 * reads them.
 *
 * lvm2 reads lvm.conf from $LVM_SYSTEM_DIR (default /etc/lvm); a setting
 * that is absent takes lvm2's built-in default. The file is parsed with
 * cfg.h, so a damaged lvm.conf is an error naming the file and line. A
 * missing file is not an error: every setting then has its default.
 */
#ifndef IVG_LVMCONF_H
#define IVG_LVMCONF_H

#include <stdbool.h>

#include "cfg.h"

/* lvm2's LVM_SYSTEM_DIR when etc_lvm is NULL or empty. */
#define IVG_LVM_SYSTEM_DIR "/etc/lvm"

/*
 * Parse the config file 'name' ("lvm.conf", "lvmlocal.conf") of the
 * directory etc_lvm (NULL: /etc/lvm). *root is NULL when the file does
 * not exist. 'path' (4096 bytes, may be NULL) receives the file's path.
 */
int ivg_lvmconf_load(struct ivg_ctx *ctx, const char *etc_lvm,
		     const char *name, char *path, struct ivg_cfg_node **root);

/*
 * Settings section/key of a loaded tree (root may be NULL: absent).
 * They return 0 with the value, 0 with the default when the key is not
 * set, or -EINVAL naming 'path' when it has the wrong type.
 */
int ivg_lvmconf_str(struct ivg_ctx *ctx, const struct ivg_cfg_node *root,
		    const char *path, const char *section, const char *key,
		    const char *def, const char **out);
int ivg_lvmconf_bool(struct ivg_ctx *ctx, const struct ivg_cfg_node *root,
		     const char *path, const char *section, const char *key,
		     bool def, bool *out);

#endif
