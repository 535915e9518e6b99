/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg.h - LVM2's config text syntax as a tree.
 *
 * The syntax is the one of lvm.conf, metadata backups and the text in a
 * metadata area:
 *
 *     key = 12
 *     key = "string with \" and \\ escaped"
 *     key = ["a", 1, "b"]          (also [] and arrays without commas)
 *     name {
 *         nested = 'single-quoted, no escapes'
 *     }
 *     # comment to end of line
 *
 * Whitespace, tabs and newlines may appear anywhere between tokens; a NUL
 * byte ends the text as it does for lvm2. Values are 64-bit signed
 * integers or strings (an unquoted word in a value position is a string,
 * as in lvm2); floating-point values are rejected, LVM2 metadata has none.
 *
 * The parser is meant to read untrusted disks: nesting is limited to
 * IVG_CFG_MAX_DEPTH, numbers that do not fit int64 are rejected, and the
 * memory it takes is proportional to the input, which is limited to
 * IVG_CFG_MAX_TEXT bytes. Errors name the source and the line.
 *
 * Duplicate keys are kept in the tree in order; lookups return the first.
 * The consumer (vgtext_read.c) rejects duplicates where they matter.
 * Why this parser and not libdevmapper's dm_config: see cfg.c.
 */
#ifndef IVG_CFG_H
#define IVG_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ctx.h"

#define IVG_CFG_MAX_DEPTH 64
#define IVG_CFG_MAX_TEXT (256U << 20)

enum ivg_cfg_type {
	IVG_CFG_SECTION,           /* 'child' holds the members          */
	IVG_CFG_VALUE,             /* 'val' holds one int or string      */
	IVG_CFG_ARRAY,             /* 'arr' holds 'n' values, maybe 0    */
};

enum ivg_cfg_vtype {
	IVG_CFG_INT,
	IVG_CFG_STRING,
};

struct ivg_cfg_value {
	enum ivg_cfg_vtype type;
	int64_t i;                 /* IVG_CFG_INT    */
	char *s;                   /* IVG_CFG_STRING */
};

struct ivg_cfg_node {
	char *key;
	enum ivg_cfg_type type;
	int line;                  /* in the parsed text; 0 if built */
	struct ivg_cfg_value val;
	size_t n;
	struct ivg_cfg_value *arr;
	struct ivg_cfg_node *child;
	struct ivg_cfg_node *next; /* sibling */
};

/*
 * Parse 'len' bytes of 'text' (a NUL ends it earlier). 'src' names the
 * text in error messages ("/dev/sdb3 mda1"). On success *root is a section
 * with key "" whose children are the top-level keys.
 */
int ivg_cfg_parse(struct ivg_ctx *ctx, const char *text, size_t len,
		  const char *src, struct ivg_cfg_node **root);

/* Free a node with its subtree (not its siblings). NULL is fine. */
void ivg_cfg_free(struct ivg_cfg_node *n);
/* Free a node and all siblings that follow it, with their subtrees. */
void ivg_cfg_free_list(struct ivg_cfg_node *n);

/* Deep copy of one node and its subtree; next is NULL. NULL on ENOMEM. */
struct ivg_cfg_node *ivg_cfg_copy(const struct ivg_cfg_node *n);

/* Lookups in a section; the first child with that key, NULL if none. */
struct ivg_cfg_node *ivg_cfg_find(const struct ivg_cfg_node *sec,
				  const char *key);
/* Count of children (sections: members; others: 0). */
size_t ivg_cfg_count(const struct ivg_cfg_node *sec);

/*
 * Typed getters of one node. They return 0, or -EINVAL when the node has
 * another type. A scalar counts as an array of one, as in lvm2.
 */
int ivg_cfg_node_int(const struct ivg_cfg_node *n, int64_t *out);
int ivg_cfg_node_str(const struct ivg_cfg_node *n, const char **out);
int ivg_cfg_node_array(const struct ivg_cfg_node *n,
		       const struct ivg_cfg_value **v, size_t *count);
/* An array whose members are all strings. */
int ivg_cfg_node_strings(const struct ivg_cfg_node *n,
			 const struct ivg_cfg_value **v, size_t *count);

/* The same by key in a section: -ENOENT when the key is absent. */
int ivg_cfg_get_int(const struct ivg_cfg_node *sec, const char *key,
		    int64_t *out);
int ivg_cfg_get_str(const struct ivg_cfg_node *sec, const char *key,
		    const char **out);
int ivg_cfg_get_strings(const struct ivg_cfg_node *sec, const char *key,
			const struct ivg_cfg_value **v, size_t *count);

/* Building trees. Each returns the new node or NULL (ENOMEM). */
struct ivg_cfg_node *ivg_cfg_new_section(const char *key);
struct ivg_cfg_node *ivg_cfg_add_section(struct ivg_cfg_node *sec,
					 const char *key);
struct ivg_cfg_node *ivg_cfg_add_int(struct ivg_cfg_node *sec,
				     const char *key, int64_t v);
struct ivg_cfg_node *ivg_cfg_add_str(struct ivg_cfg_node *sec,
				     const char *key, const char *s);
/* Append an existing node (with its subtree) as the last child. */
void ivg_cfg_append(struct ivg_cfg_node *sec, struct ivg_cfg_node *n);
/* Unlink a child from its section without freeing it; 0 or -ENOENT. */
int ivg_cfg_unlink(struct ivg_cfg_node *sec, struct ivg_cfg_node *n);

/* Append s to an emitter's buffer as a double-quoted string with '"'
 * and '\' escaped. */
int ivg_cfg_quoted(struct ivg_buf *b, const char *s);

/*
 * Emit one node and its subtree in the style of lvm2's on-disk text: no
 * indentation, "key = value", arrays on one line as ["a", 1], sections as
 * "key {" ... "}". -EINVAL if the tree is deeper than IVG_CFG_MAX_DEPTH.
 */
int ivg_cfg_emit(struct ivg_buf *b, const struct ivg_cfg_node *n);
/* Emit just the value part ("12", "\"s\"", "[...]") of a non-section. */
int ivg_cfg_emit_value(struct ivg_buf *b, const struct ivg_cfg_node *n);

#endif
