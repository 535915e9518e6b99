/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bosstore.h - the BOS (base operating system) images of an install VG.
 *
 * An image is stored in one of two formats:
 *  - tar: an archive in any compression libarchive reads, kept as the
 *    file "images/NAME.ID" in the IVG's bosfs (ID: a random token, so
 *    that a replacement never shares a name with what it replaces);
 *  - raw: an ext2/3/4 filesystem image kept in an LV of its own,
 *    "bos_NAME_ID", tagged "ivg_bos", made by a VG metadata commit.
 * Every image has a manifest, the JSON file "manifests/NAME.json" in
 * bosfs (json-c): name, format, size, SHA-256, kernel version, date,
 * where the data is, the file it came from.
 *
 * Order (crash safety): the data is written completely and synced
 * (bosfs: staged and published under its own name; raw: the LV
 * committed, then filled and synced) before the manifest is published
 * (one directory entry, or a rename when bosfs is mounted); removal
 * unlinks the manifest first, then the data. So a crash leaves the old
 * manifest or the new one, each naming complete data. Data that no
 * manifest names (left by a crash) is an orphan: bos_store_list reports
 * it and every writer removes it first (bos_store_cleanup).
 *
 * bosfs is reached as oppfs is (oppfs.h): through its mount when it is
 * mounted on this host, else with libext2fs on the LV. Its writes go
 * through oppfs.h's staging: a writer reclaims first (bos_store_reclaim,
 * once its PVs are writable), a failed add puts back the names it
 * changed, and removed or replaced files are freed at the end, so that
 * nothing an interrupted command wrote stays unreachable.
 */
#ifndef BOS_BOSSTORE_H
#define BOS_BOSSTORE_H

#include <stdbool.h>
#include <stdint.h>

#include "legs.h"
#include "oppfs.h"
#include "sha256.h"
#include "vg.h"

#define BOS_NAME_MAX 64
#define BOS_LV_PREFIX "bos_"
#define BOS_LV_TAG "ivg_bos"
#define BOS_MANIFEST_DIR "manifests"
#define BOS_IMAGE_DIR "images"

enum bos_format { BOS_FMT_AUTO = -1, BOS_FMT_TAR = 0, BOS_FMT_RAW = 1 };

const char *bos_format_name(enum bos_format f);   /* "tar", "raw" */
/* "tar" or "raw"; -EINVAL (message set) for anything else. */
int bos_format_parse(struct ivg_ctx *ctx, const char *s, enum bos_format *f);

struct bos_manifest {
	char name[BOS_NAME_MAX + 1];
	enum bos_format format;
	uint64_t size;             /* bytes of the image */
	char sha256[IVG_SHA256_HEX];
	char kernel[128];          /* kernel version inside; "" if none */
	int64_t added;             /* seconds since the epoch */
	char data[256];            /* tar: path in bosfs; raw: the LV name */
	char source[256];          /* the file it was added from (basename) */
	char compression[32];      /* tar: "gzip", "xz", "none"...; raw: "" */
	uint64_t unpacked;         /* tar: bytes of blocks, or 0 if unknown */
	uint64_t files;            /* tar: inodes */
	int vmlinuz;               /* tar: 1 a kernel file, 0 none, -1 unknown */
	int initrd;                /* tar: 1 an initramfs file, 0 none, -1 unknown */
	int san_tools;             /* tar: what it holds to boot from a SAN
				    * (bossan.h bits), -1 unknown */
};

/*
 * The manifest as JSON text (malloc'ed, NUL-terminated, a newline at the
 * end), and back: -EINVAL naming 'what' when a field is missing or bad.
 */
int bos_manifest_format(struct ivg_ctx *ctx, const struct bos_manifest *m,
			char **text, size_t *len);
int bos_manifest_parse(struct ivg_ctx *ctx, const char *what,
		       const char *text, size_t len, struct bos_manifest *m);

/*
 * A BOS name: [A-Za-z0-9._+-], not starting with '-' or '.', at most
 * BOS_NAME_MAX bytes. Refused otherwise (-EINVAL) with a message that
 * shows the name with unprintable bytes escaped: quotes, newlines and
 * the like would break the VG metadata text (the raw LV's name) or the
 * manifest's file name.
 */
int bos_name_check(struct ivg_ctx *ctx, const char *name);

/* An image file on the host, probed before anything is written. */
struct bos_image {
	char *path;
	int fd;
	enum bos_format format;
	uint64_t size;
	char kernel[128];
	char compression[32];
	uint64_t entries;          /* tar: entries read by the probe */
	uint64_t unpacked;         /* tar: bytes of blocks its tree takes */
	uint64_t files;            /* tar: inodes its tree takes */
	bool vmlinuz;              /* tar: a boot/vmlinuz-* or /vmlinuz */
	bool initrd;               /* tar: a boot/initrd.img-* or /initrd.img */
	unsigned san_tools;        /* tar: bossan.h bits */
	char sha256[IVG_SHA256_HEX];   /* tar: from the probe; raw: "" */
};

/*
 * Open and judge 'path': a tar archive (read through to the end: every
 * header valid, the kernel version found, the SHA-256 taken) or an
 * ext2/3/4 image (its superblock opened with libext2fs, the kernel
 * version looked up in boot/ and lib/modules/). 'want' forces a format
 * (BOS_FMT_AUTO detects). -EINVAL naming the file when it is neither.
 * On failure img holds nothing to free.
 */
int bos_image_probe(struct ivg_ctx *ctx, const char *path,
		    enum bos_format want, struct bos_image *img);
void bos_image_free(struct bos_image *img);

struct bos_store;

/*
 * Open the BOS store of IVG 'vg' (bosfs; read-write when 'rw': the VG's
 * PVs must be open read-write, vgio.h). The VG stays the caller's.
 */
int bos_store_open(struct ivg_ctx *ctx, struct ivg_vg *vg, bool rw,
		   struct bos_store **out);
/* Flush and close; reports a failed flush. NULL is fine. */
int bos_store_close(struct ivg_ctx *ctx, struct bos_store *st);
/* The VG it was opened on. */
struct ivg_vg *bos_store_vg(const struct bos_store *st);
/* bosfs itself, for what else lives there (machines.h). */
struct opp_fs *bos_store_fs(const struct bos_store *st);
/* "VG/bosfs" or "DIR (VG/bosfs, mounted)", for messages. */
const char *bos_store_where(const struct bos_store *st);

/* What bos_store_list finds. */
struct bos_list {
	struct bos_manifest *v;    /* the manifests that read well, by name */
	size_t n;
	/* One line each: a manifest that cannot be read, data missing, an
	 * orphan (data no manifest names, left by an interrupted command). */
	struct ivg_strvec problems;
	size_t bad, missing, orphans;
};

int bos_store_list(struct ivg_ctx *ctx, struct bos_store *st,
		   struct bos_list *l);
void bos_list_free(struct bos_list *l);
/* One manifest; -ENOENT "BOS NAME not found in VG X" if absent. */
int bos_store_get(struct ivg_ctx *ctx, struct bos_store *st,
		  const char *name, struct bos_manifest *m);

struct bos_add_opts {
	bool replace;              /* take the place of an image of that name */
	ivg_progress_fn progress;  /* image bytes copied, or NULL */
	void *progress_arg;
};

/*
 * Everything that can refuse an add, before anything is written: the
 * name, the name free (unless replace), space in bosfs (tar), or free
 * extents in the VG and the VG with the new LV as its commit would
 * judge it (raw).
 */
int bos_store_add_check(struct ivg_ctx *ctx, struct bos_store *st,
			const char *name, const struct bos_image *img,
			const struct bos_add_opts *o);
/*
 * Add the probed image as NAME (calls bos_store_add_check first). The
 * SHA-256 is taken again while copying; a file that changed since the
 * probe is refused (tar). For raw, the VG metadata is committed (the new
 * LV; after a replace, the old LV's removal). Fills *out when not NULL.
 */
int bos_store_add(struct ivg_ctx *ctx, struct bos_store *st,
		  const char *name, struct bos_image *img,
		  const struct bos_add_opts *o, struct bos_manifest *out);
/* What can refuse a removal, before anything is written: every name
 * there (-ENOENT) and named once, and the VG committable when raw
 * images' LVs are to go. */
int bos_store_remove_check(struct ivg_ctx *ctx, struct bos_store *st,
			   char *const *names, size_t n);
/* Remove images (calls remove_check first): each manifest is unlinked
 * and synced before its data goes. */
int bos_store_remove(struct ivg_ctx *ctx, struct bos_store *st,
		     char *const *names, size_t n);
/* Remove orphans (data no manifest names); *removed may be NULL. */
int bos_store_cleanup(struct ivg_ctx *ctx, struct bos_store *st,
		      size_t *removed);
/* bosfs's staging given back, waste looked for, all of it given back
 * (opp_fs_reclaim, opp_fs_survey, opp_fs_repair). */
int bos_store_reclaim(struct ivg_ctx *ctx, struct bos_store *st,
		      struct opp_fs_waste *w);
int bos_store_survey(struct ivg_ctx *ctx, struct bos_store *st,
		     struct opp_fs_waste *w);
int bos_store_repair(struct ivg_ctx *ctx, struct bos_store *st,
		     struct opp_fs_waste *w);

/*
 * Read the data of image 'm' from the start, in order: tar from bosfs,
 * raw from its LV (exactly m->size bytes). An opp_read_fn (src.h) over
 * the returned reader; close with bos_store_reader_close.
 */
struct bos_reader;
int bos_store_reader_open(struct ivg_ctx *ctx, struct bos_store *st,
			  const struct bos_manifest *m, struct bos_reader **r);
int bos_store_reader_read(struct ivg_ctx *ctx, void *r, void *buf,
			  size_t len, size_t *got);
void bos_store_reader_close(struct bos_reader *r);

#endif
