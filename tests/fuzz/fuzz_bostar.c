/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_bostar.c - the BOS tar path handling: libarchive's reading of a
 * tar archive (any compression) and bos_path_clean() on every entry's
 * name and hard link target, under the BOS and the OPP policies; and,
 * for inputs starting with "P", bos_path_clean() on the rest as a name.
 *
 * Properties of every accepted path: relative; no "", "." or ".."
 * component; no control character; no component over 255 bytes; at most
 * BOS_PATH_MAX bytes; cleaning it again gives it back unchanged (but
 * the root, ""); a
 * device node is under dev/ (BOS policy), never accepted (OPP policy).
 * A refusal names the entry.
 */
#include <archive.h>
#include <archive_entry.h>
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "boskernel.h"
#include "bospath.h"
#include "untar.h"

static void check_clean(const char *path, enum bos_entry_kind kind,
			const struct bos_path_policy *pol)
{
	bool dev = kind == BOS_ENT_CHR || kind == BOS_ENT_BLK;
	size_t n = strlen(path), comp = 0;
	char again[BOS_PATH_MAX + 1];
	struct ivg_ctx ctx;

	assert(n <= BOS_PATH_MAX && path[0] != '/');
	assert(!dev || (pol->dev == BOS_DEV_UNDER_DEV && !strncmp(path, "dev/", 4)) ||
	       pol->dev == BOS_DEV_ANYWHERE);
	for (size_t i = 0; i <= n; i++) {
		if (i < n && path[i] != '/') {
			assert((unsigned char)path[i] >= 0x20 && path[i] != 0x7f);
			comp++;
			continue;
		}
		assert(n == 0 || comp > 0);            /* no empty component */
		assert(comp <= BOS_NAME_COMPONENT_MAX);
		assert(!(comp == 1 && path[i - 1] == '.'));
		assert(!(comp == 2 && path[i - 1] == '.' && path[i - 2] == '.'));
		comp = 0;
	}
	/* The root ("" from "./") has no name of its own to clean again. */
	ivg_ctx_init(&ctx);
	assert(!n || bos_path_clean(&ctx, path, kind, pol, again, sizeof(again)) == 0);
	assert(!n || !strcmp(again, path));
}

static void judge(const char *name, enum bos_entry_kind kind, char *kernel)
{
	static const struct bos_path_policy *const pols[] = { &bos_policy_bos, &bos_policy_opp };
	char out[BOS_PATH_MAX + 1];

	for (size_t i = 0; name && i < 2; i++) {
		struct ivg_ctx ctx;

		ivg_ctx_init(&ctx);
		if (bos_path_clean(&ctx, name, kind, pols[i], out, sizeof(out))) {
			assert(strstr(ivg_errmsg(&ctx), "entry \"") != NULL);
			continue;
		}
		check_clean(out, kind, pols[i]);
		bos_kernel_note(kernel, 128, out, kind);
	}
}

static void fuzz_archive(const uint8_t *data, size_t size)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char kernel[128] = "";
	int h, n = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_memory(a, data, size) == ARCHIVE_OK) {
		while (n++ < 4096 && (h = archive_read_next_header(a, &e)) != ARCHIVE_EOF &&
		       h >= ARCHIVE_WARN) {
			enum bos_entry_kind k = bos_archive_kind(e);

			judge(archive_entry_pathname(e), k, kernel);
			if (k == BOS_ENT_HARDLINK)
				judge(archive_entry_hardlink(e), k, kernel);
			if (archive_read_data_skip(a) < ARCHIVE_WARN)
				break;
		}
	}
	archive_read_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum bos_entry_kind kinds[] = {
		BOS_ENT_FILE, BOS_ENT_DIR, BOS_ENT_SYMLINK, BOS_ENT_HARDLINK,
		BOS_ENT_CHR, BOS_ENT_BLK, BOS_ENT_FIFO, BOS_ENT_SOCK,
	};

	if (size >= 2 && data[0] == 'P') {
		char name[BOS_PATH_MAX * 2], kernel[128] = "";
		size_t n = size - 2 < sizeof(name) - 1 ? size - 2 : sizeof(name) - 1;

		memcpy(name, data + 2, n);
		name[n] = 0;
		judge(name, kinds[data[1] % 8], kernel);
		return 0;
	}
	fuzz_archive(data, size);
	return 0;
}
