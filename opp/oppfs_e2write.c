/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oppfs_e2write.c - new files through libext2fs: staged in the staging
 * directory, published under their names, put back on rollback.
 *
 * Order of a new file (oppfs.h): its inode is written first looking
 * free (no links, a deletion time), then named in staging, and only
 * then does it get a link count and data; the caller flushes the
 * bitmaps once for all its files, before any is published. A crash
 * leaves either nothing named and nothing that looks in use, or a name
 * in staging on an inode whose blocks reclaim frees where no other inode
 * holds them (oppfs_e2reclaim.c).
 */
#include "oppfs_e2.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "e2tree.h"
#include "src.h"

struct opp_staged {
	ext2_ino_t ino;
	char name[64];
};

static int file_type(uint16_t mode)
{
	if (LINUX_S_ISDIR(mode))
		return EXT2_FT_DIR;
	if (LINUX_S_ISLNK(mode))
		return EXT2_FT_SYMLINK;
	return EXT2_FT_REG_FILE;
}

/* A new regular file named 'name' in staging, empty, with one link. */
static errcode_t new_staged(struct e2 *e, ext2_ino_t sdir, const char *name,
			    ext2_ino_t *ino)
{
	struct ext2_inode inode = { 0 };
	uint32_t now = (uint32_t)time(NULL);
	errcode_t err = ext2fs_new_inode(e->fs, sdir, LINUX_S_IFREG | 0644,
					 NULL, ino);

	if (err)
		return err;
	inode.i_mode = LINUX_S_IFREG | 0644;
	inode.i_atime = inode.i_ctime = inode.i_mtime = now;
	inode.i_dtime = now;       /* free-looking until it is allocated */
	if (ext2fs_has_feature_extents(e->fs->super)) {
		ext2_extent_handle_t h;

		/* On a zeroed inode this sets up the extent header in memory. */
		if ((err = ext2fs_extent_open2(e->fs, *ino, &inode, &h)))
			return err;
		ext2fs_extent_free(h);
	}
	if ((err = ext2fs_write_new_inode(e->fs, *ino, &inode)))
		return err;
	ext2fs_inode_alloc_stats2(e->fs, *ino, +1, 0);
	if ((err = ivg_e2_link(e->fs, sdir, name, *ino, EXT2_FT_REG_FILE)))
		return err;
	inode.i_links_count = 1;
	inode.i_dtime = 0;
	return ext2fs_write_inode(e->fs, *ino, &inode);
}

/* Copy the stream into the open file; stops at the stream's end. */
static errcode_t copy_in(struct ivg_ctx *ctx, struct opp_src *src,
			 ext2_file_t f, int *rerr)
{
	enum { CHUNK = 1 << 20 };
	char *buf = malloc(CHUNK);
	errcode_t err = buf ? 0 : EXT2_ET_NO_MEMORY;
	size_t got = CHUNK;

	while (!err && got == CHUNK) {
		if ((*rerr = opp_src_read(ctx, src, buf, CHUNK, &got)))
			break;
		err = ivg_e2_write(f, buf, got);
	}
	free(buf);
	return err;
}

int e2_stage(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path,
	     struct opp_src *src, struct opp_staged **out)
{
	struct e2 *e = (struct e2 *)fs;
	struct opp_staged *st = calloc(1, sizeof(*st));
	ext2_file_t f = NULL;
	ext2_ino_t sdir;
	errcode_t err, cerr;
	int r, rerr = 0;
	char sha[IVG_SHA256_HEX];

	if (!st)
		return ivg_err(ctx, ENOMEM, "out of memory");
	if ((r = e2_check_failed(ctx, e)) || (r = e2_staging(ctx, e, true, &sdir))) {
		free(st);
		return r;
	}
	opp_fs_stage_name(fs, st->name, sizeof(st->name), "new");
	err = new_staged(e, sdir, st->name, &st->ino);
	if (!err)
		err = ext2fs_file_open(e->fs, st->ino, EXT2_FILE_WRITE, &f);
	if (!err)
		err = copy_in(ctx, src, f, &rerr);
	if (f && (cerr = ext2fs_file_close(f)) && !err)
		err = cerr;
	if (!err && !rerr)
		rerr = opp_src_finish(ctx, src, sha);
	/* The caller syncs (data and bitmaps) before it publishes. */
	if (!err && !rerr) {
		*out = st;
		return 0;
	}
	/* What was written stays in staging: reclaim gives it back. */
	free(st);
	return rerr ? rerr : e2_fail(ctx, e, err, path, "cannot write");
}

static int remember(struct ivg_ctx *ctx, struct e2 *e, ext2_ino_t dir,
		    const char *base, ext2_ino_t new_ino, ext2_ino_t old_ino)
{
	struct e2change *c = realloc(e->changes, (e->n_changes + 1) * sizeof(*c));

	if (!c)
		return ivg_err(ctx, ENOMEM, "out of memory");
	e->changes = c;
	c += e->n_changes;
	*c = (struct e2change){ dir, new_ino, old_ino, strdup(base) };
	if (!c->base)
		return ivg_err(ctx, ENOMEM, "out of memory");
	e->n_changes++;
	return 0;
}

void e2_changes_free(struct e2 *e)
{
	for (size_t i = 0; i < e->n_changes; i++)
		free(e->changes[i].base);
	free(e->changes);
	e->changes = NULL;
	e->n_changes = 0;
}

struct swap {
	const char *name;
	size_t len;
	ext2_ino_t new_ino, old_ino;
	int type;
};

/* Point the entry 'name' at another inode: one directory block write. */
static int swap_entry(struct ext2_dir_entry *d, int off, int bs, char *buf,
		      void *arg)
{
	struct swap *s = arg;

	if (!d->inode || (size_t)ext2fs_dirent_name_len(d) != s->len ||
	    memcmp(d->name, s->name, s->len))
		return 0;
	s->old_ino = d->inode;
	d->inode = s->new_ino;
	ext2fs_dirent_set_file_type(d, s->type);
	return DIRENT_CHANGED | DIRENT_ABORT;
}

static errcode_t swap_name(ext2_filsys fs, ext2_ino_t dir, const char *base,
			   ext2_ino_t to, ext2_ino_t *was)
{
	struct ext2_inode inode;
	struct swap s = { base, strlen(base), to, 0, EXT2_FT_REG_FILE };
	errcode_t err = ext2fs_read_inode(fs, to, &inode);

	if (err)
		return err;
	s.type = file_type(inode.i_mode);
	err = ext2fs_dir_iterate(fs, dir, 0, NULL, swap_entry, &s);
	if (!err && !s.old_ino)
		err = EXT2_ET_FILE_NOT_FOUND;
	*was = s.old_ino;
	return err;
}

/* Name ino in dir, with the file type its inode has. */
static errcode_t link_typed(ext2_filsys fs, ext2_ino_t dir, const char *name,
			    ext2_ino_t ino)
{
	struct ext2_inode inode;
	errcode_t err = ext2fs_read_inode(fs, ino, &inode);

	return err ? err : ivg_e2_link(fs, dir, name, ino, file_type(inode.i_mode));
}

/* A second name for ino in staging, so that it outlives its first. */
errcode_t e2_keep_in_staging(struct e2 *e, ext2_ino_t sdir, ext2_ino_t ino,
			     const char *kind)
{
	char name[64];

	opp_fs_stage_name(&e->base, name, sizeof(name), kind);
	return link_typed(e->fs, sdir, name, ino);
}

int e2_publish(struct ivg_ctx *ctx, struct opp_fs *fs, struct opp_staged *st,
	       const char *path, bool replace)
{
	struct e2 *e = (struct e2 *)fs;
	ext2_ino_t dir, old = 0, sdir, was;
	const char *base;
	errcode_t err;
	int r = e2_check_failed(ctx, e);

	if (r)
		return r;
	if ((err = e2_split(e, path, &dir, &base)))
		return e2_fail(ctx, e, err, path, "no such directory");
	err = ext2fs_lookup(e->fs, dir, base, (int)strlen(base), NULL, &old);
	if (err == EXT2_ET_FILE_NOT_FOUND)
		old = 0;
	else if (err)
		return e2_fail(ctx, e, err, path, "cannot name the file");
	if (old && !replace)
		return ivg_err(ctx, EEXIST, "%s: %s exists already", fs->where, path);
	if ((r = e2_staging(ctx, e, false, &sdir)))
		return r == -ENOENT ? e2_fail(ctx, e, EXT2_ET_FILE_NOT_FOUND, OPP_FS_STAGING, "cannot open") : r;
	if ((r = remember(ctx, e, dir, base, st->ino, old)))
		return r;
	/* The old file keeps a name (in staging) until reclaim; the new
	 * one keeps its own there too, until then. */
	err = old ? e2_keep_in_staging(e, sdir, old, "old") : 0;
	if (!err)
		err = old ? swap_name(e->fs, dir, base, st->ino, &was) :
			ivg_e2_link(e->fs, dir, base, st->ino, EXT2_FT_REG_FILE);
	if (err) {
		free(e->changes[--e->n_changes].base);
		return e2_fail(ctx, e, err, path, "cannot name the file");
	}
	free(st);
	return 0;
}

void e2_unstage(struct opp_fs *fs, struct opp_staged *st)
{
	free(st);
}

int e2_unlink(struct ivg_ctx *ctx, struct opp_fs *fs, const char *path)
{
	struct e2 *e = (struct e2 *)fs;
	ext2_ino_t dir, ino, sdir;
	const char *base;
	errcode_t err;
	int r = e2_check_failed(ctx, e);

	if (r)
		return r;
	err = e2_split(e, path, &dir, &base);
	if (!err)
		err = ext2fs_lookup(e->fs, dir, base, (int)strlen(base), NULL, &ino);
	if (err)
		return e2_fail(ctx, e, err, path, "cannot remove");
	if ((r = e2_staging(ctx, e, true, &sdir)) ||
	    (r = remember(ctx, e, dir, base, 0, ino)))
		return r;
	err = e2_keep_in_staging(e, sdir, ino, "rm");
	if (!err)
		err = ext2fs_unlink(e->fs, dir, base, ino, 0);
	if (err) {
		free(e->changes[--e->n_changes].base);
		return e2_fail(ctx, e, err, path, "cannot remove");
	}
	return 0;
}

/* Each name changed goes back, the last change first; then reclaim
 * frees what staging alone holds (the new files). */
int e2_rollback(struct ivg_ctx *ctx, struct opp_fs *fs)
{
	struct e2 *e = (struct e2 *)fs;
	struct opp_fs_waste w;
	errcode_t err = 0;
	int r = e2_fresh(ctx, e);

	if (r)
		return r;
	for (size_t i = e->n_changes; !err && i-- > 0;) {
		const struct e2change *c = &e->changes[i];
		ext2_ino_t was;

		if (c->new_ino && c->old_ino)
			err = swap_name(e->fs, c->dir, c->base, c->old_ino, &was);
		else if (c->new_ino)
			err = ext2fs_unlink(e->fs, c->dir, c->base, c->new_ino, 0);
		else
			err = link_typed(e->fs, c->dir, c->base, c->old_ino);
		if (err)
			return e2_fail(ctx, e, err, c->base, "cannot put back");
	}
	return e2_reclaim(ctx, fs, &w);
}
