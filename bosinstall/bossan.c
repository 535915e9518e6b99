/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bossan.c - what a BOS needs to boot from a SAN LUN, checked and set up. */
#include "bossan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mpath.h"
#include "sanaddr.h"

static const struct {
	unsigned bit;
	const char *name;           /* in the manifest */
	const char *paths[2];       /* clean paths that give it */
} tools[BOS_SAN_TOOLS] = {
	{ BOS_SAN_ISCSISTART, "iscsistart", { "sbin/iscsistart", "usr/sbin/iscsistart" } },
	{ BOS_SAN_MULTIPATH, "multipath", { "sbin/multipath", "usr/sbin/multipath" } },
	{ BOS_SAN_INITRAMFS_TOOLS, "initramfs-tools",
	  { "usr/share/initramfs-tools/hook-functions", NULL } },
	{ BOS_SAN_IT_ISCSI, "initramfs-tools:iscsi",
	  { "usr/share/initramfs-tools/hooks/iscsi", NULL } },
	{ BOS_SAN_IT_MULTIPATH, "initramfs-tools:multipath",
	  { "usr/share/initramfs-tools/hooks/multipath", NULL } },
};

unsigned bos_san_tool_of(const char *path)
{
	for (size_t i = 0; i < BOS_SAN_TOOLS; i++)
		for (size_t k = 0; k < 2; k++)
			if (tools[i].paths[k] && !strcmp(path, tools[i].paths[k]))
				return tools[i].bit;
	return 0;
}

const char *bos_san_tool_name(unsigned bit)
{
	for (size_t i = 0; i < BOS_SAN_TOOLS; i++)
		if (tools[i].bit == bit)
			return tools[i].name;
	return NULL;
}

unsigned bos_san_tool_by_name(const char *name)
{
	for (size_t i = 0; i < BOS_SAN_TOOLS; i++)
		if (!strcmp(tools[i].name, name))
			return tools[i].bit;
	return 0;
}

unsigned bos_san_tools_in_fs(ext2_filsys fs)
{
	unsigned have = 0;
	ext2_ino_t ino;

	/* Followed as the root's own symlinks say (sbin -> usr/sbin). */
	for (size_t i = 0; i < BOS_SAN_TOOLS; i++)
		for (size_t k = 0; k < 2; k++)
			if (tools[i].paths[k] &&
			    !ext2fs_namei_follow(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, tools[i].paths[k], &ino))
				have |= tools[i].bit;
	return have;
}

/* The package that gives a tool, for the message. */
static const char *package(unsigned bit)
{
	switch (bit) {
	case BOS_SAN_ISCSISTART:
	case BOS_SAN_IT_ISCSI:
		return "open-iscsi";
	case BOS_SAN_MULTIPATH:
		return "multipath-tools";
	default:
		return "multipath-tools-boot";
	}
}

static int lacks(struct ivg_ctx *ctx, const struct bos_manifest *m, const char *disk,
		 unsigned bit, const char *why)
{
	return ivg_err(ctx, ENOPKG,
		       "BOS %s cannot boot from %s: it has no %s (package %s), which %s; add it to the BOS image, or install onto another disk; nothing written",
		       m->name, disk, bos_san_tool_name(bit), package(bit), why);
}

/* One target: what it is on the SAN, into out. */
static void look(const char *sys, const char *disk, struct bos_san *out)
{
	struct ivg_san_disk d;
	char wwid[sizeof(out->wwids[0])];
	struct stat st;

	/* An image file has nothing to boot from. */
	if (stat(disk, &st) || !S_ISBLK(st.st_mode) || ivg_san_disk_at(sys, st.st_rdev, &d))
		return;
	for (size_t i = 0; i < d.n_paths && i < IVG_SAN_PATHS_MAX; i++)
		if (d.paths[i].transport == IVG_SAN_ISCSI) {
			out->iscsi = true;
			if (!out->initiator[0])
				snprintf(out->initiator, sizeof(out->initiator), "%s",
					 d.paths[i].initiator);
		}
	if (d.mpath[0]) {
		out->multipath = true;
		if (d.wwn[0] && !ivg_wwn_to_wwid(d.wwn, wwid, sizeof(wwid)) &&
		    out->n_wwids < BOS_SAN_WWIDS_MAX)
			memcpy(out->wwids[out->n_wwids++], wwid, sizeof(wwid));
	}
}

int bos_san_plan(struct ivg_ctx *ctx, const char *sys, char *const *disks, size_t n,
		 const struct bos_manifest *m, int known, struct bos_san *out)
{
	int have = m->format == BOS_FMT_TAR ? m->san_tools : known;
	const char *iscsi_disk = NULL, *mpath_disk = NULL;

	*out = (struct bos_san){ 0 };
	for (size_t i = 0; i < n; i++) {
		bool was_iscsi = out->iscsi, was_mpath = out->multipath;

		look(sys, disks[i], out);
		if (out->iscsi && !was_iscsi)
			iscsi_disk = disks[i];
		if (out->multipath && !was_mpath)
			mpath_disk = disks[i];
	}
	if (!iscsi_disk && !mpath_disk)
		return 0;
	if (have < 0 && m->format == BOS_FMT_RAW)
		return ivg_err(ctx, EIO,
			       "BOS %s: its root could not be read to see whether it can boot from a SAN LUN (%s); nothing written",
			       m->name, iscsi_disk ? iscsi_disk : mpath_disk);
	if (have < 0)
		return ivg_err(ctx, ENOPKG,
			       "BOS %s was added by an older ivg: its manifest does not say whether it can boot from a SAN LUN (%s): add it again (bosadd --replace); nothing written",
			       m->name, iscsi_disk ? iscsi_disk : mpath_disk);
	if (iscsi_disk && !(have & BOS_SAN_ISCSISTART))
		return lacks(ctx, m, iscsi_disk, BOS_SAN_ISCSISTART,
			     "its initramfs needs to log in to the iSCSI LUN from the iBFT");
	if (iscsi_disk && (have & BOS_SAN_INITRAMFS_TOOLS) && !(have & BOS_SAN_IT_ISCSI))
		return lacks(ctx, m, iscsi_disk, BOS_SAN_IT_ISCSI,
			     "puts iscsistart into the initramfs initramfs-tools builds");
	if (mpath_disk && !(have & BOS_SAN_MULTIPATH))
		return lacks(ctx, m, mpath_disk, BOS_SAN_MULTIPATH,
			     "its initramfs needs to reach the LUN through its multipath map");
	if (mpath_disk && (have & BOS_SAN_INITRAMFS_TOOLS) && !(have & BOS_SAN_IT_MULTIPATH))
		return lacks(ctx, m, mpath_disk, BOS_SAN_IT_MULTIPATH,
			     "puts multipath into the initramfs initramfs-tools builds");
	if (out->iscsi)
		snprintf(out->kernel_args, sizeof(out->kernel_args), "iscsi_auto");
	return 0;
}

int bos_san_files(struct ivg_ctx *ctx, const struct bos_san *s, struct bos_rootadd *add)
{
	char text[4096];
	size_t len = 0;
	int r = 0;

	if (s->iscsi && s->initiator[0]) {
		len = (size_t)snprintf(text, sizeof(text),
				       "## The initiator this system logged in to its root LUN as (bosinstall).\nInitiatorName=%s\n",
				       s->initiator);
		r = bos_rootadd_buf(ctx, add, "etc/iscsi/initiatorname.iscsi", 0600, text, len);
	}
	if (!r && s->iscsi) {
		len = (size_t)snprintf(text, sizeof(text),
				       "# The root is on an iSCSI LUN: log in from the iBFT (bosinstall).\nISCSI_AUTO=true\n");
		r = bos_rootadd_buf(ctx, add, "etc/iscsi/iscsi.initramfs", 0644, text, len);
	}
	if (!r && s->n_wwids) {
		len = (size_t)snprintf(text, sizeof(text),
				       "# Multipath wwids, Version : 1.0\n# The root VG's LUNs (bosinstall).\n");
		for (size_t i = 0; i < s->n_wwids && len < sizeof(text); i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "/%s/\n", s->wwids[i]);
		if (len >= sizeof(text))
			return ivg_err(ctx, E2BIG, "/etc/multipath/wwids: too many LUNs");
		r = bos_rootadd_buf(ctx, add, "etc/multipath/wwids", 0644, text, len);
	}
	return r;
}
