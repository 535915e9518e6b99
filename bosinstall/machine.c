/* SPDX-License-Identifier: GPL-2.0-or-later */
/* machine.c - a machine entry: checks, identity, JSON (machine.h). */
#define _GNU_SOURCE
#include "machine.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bosjson.h"
#include "bosstore.h"

static const char *const id_names[] = { "uuid", "mac", "iqn" };
static const char *const action_names[] = { "install", "recover", "maintenance" };
static const char *const then_names[] = { "", "poweroff", "reboot" };

const char *bos_machine_id_name(enum bos_machine_id k)
{
	return id_names[k];
}

const char *bos_machine_action_name(enum bos_machine_action a)
{
	return action_names[a];
}

const char *bos_machine_then_name(enum bos_machine_then t)
{
	return then_names[t];
}

/* Every byte of s in 'set' (and s not empty, at most max bytes). */
static bool only(const char *s, const char *set, size_t max)
{
	size_t n = strlen(s);

	return n && n <= max && strspn(s, set) == n;
}

#define HEX "0123456789abcdef"
#define NAMECHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* 8-4-4-4-12 hex digits (or the 32 alone), as product_uuid shows them. */
static bool uuid_norm(const char *in, char *out, size_t len)
{
	char hex[33];
	size_t k = 0;

	for (const char *p = in; *p; p++) {
		if (*p == '-')
			continue;
		if (k == 32 || !isxdigit((unsigned char)*p))
			return false;
		hex[k++] = (char)tolower((unsigned char)*p);
	}
	if (k != 32 || len < 37)
		return false;
	hex[32] = '\0';
	snprintf(out, len, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
		 hex + 16, hex + 20);
	return true;
}

/* Six pairs of hex digits, ':' or '-' between: "52:54:00:12:34:56". */
static bool mac_norm(const char *in, char *out, size_t len)
{
	unsigned b[6];
	char sep[5], end;

	if (strlen(in) != 17 || len < 18 ||
	    sscanf(in, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &b[0], &sep[0], &b[1],
		   &sep[1], &b[2], &sep[2], &b[3], &sep[3], &b[4], &sep[4],
		   &b[5], &end) != 11)
		return false;
	for (int i = 0; i < 5; i++)
		if (sep[i] != ':' && sep[i] != '-')
			return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 != 2 && !isxdigit((unsigned char)in[i]))
			return false;
	snprintf(out, len, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5]);
	return true;
}

int bos_machine_set_id(struct ivg_ctx *ctx, struct bos_machine *m,
		       const char *spec)
{
	const char *eq = strchr(spec, '=');
	const char *v = eq ? eq + 1 : "";
	char iqn[BOS_MACHINE_ID_MAX + 1];

	if (eq && !strncmp(spec, "uuid=", 5) && uuid_norm(v, m->id, sizeof(m->id))) {
		m->id_kind = BOS_ID_UUID;
		return 0;
	}
	if (eq && !strncmp(spec, "mac=", 4) && mac_norm(v, m->id, sizeof(m->id))) {
		m->id_kind = BOS_ID_MAC;
		return 0;
	}
	if (eq && !strncmp(spec, "iqn=", 4) && strlen(v) <= BOS_MACHINE_ID_MAX) {
		snprintf(iqn, sizeof(iqn), "%s", v);
		lower(iqn);
		/* RFC 3720's iqn. and eui. names, in its character set. */
		if ((!strncmp(iqn, "iqn.", 4) || !strncmp(iqn, "eui.", 4)) &&
		    only(iqn, NAMECHARS ".:-", BOS_MACHINE_ID_MAX)) {
			snprintf(m->id, sizeof(m->id), "%s", iqn);
			m->id_kind = BOS_ID_IQN;
			return 0;
		}
	}
	return ivg_err(ctx, EINVAL,
		       "identity \"%s\": uuid=UUID (the SMBIOS system UUID, 8-4-4-4-12 hex digits), mac=MAC (aa:bb:cc:dd:ee:ff) or iqn=IQN (iqn.YYYY-MM.domain...) is needed",
		       spec);
}

int bos_machine_set_action(struct ivg_ctx *ctx, struct bos_machine *m,
			   const char *s)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, action_names[i])) {
			m->action = (enum bos_machine_action)i;
			return 0;
		}
	return ivg_err(ctx, EINVAL, "action \"%s\": install, recover or maintenance",
		       s);
}

int bos_machine_set_then(struct ivg_ctx *ctx, struct bos_machine *m,
			 const char *s)
{
	for (int i = 1; i < 3; i++)
		if (!strcmp(s, then_names[i])) {
			m->then = (enum bos_machine_then)i;
			return 0;
		}
	return ivg_err(ctx, EINVAL, "--then \"%s\": poweroff or reboot", s);
}

/* iscsi://HOST[:PORT]/IQN/LUN */
static bool iscsi_ok(const char *t)
{
	const char *host = t + 8, *iqn = strchr(host, '/'), *lun;

	if (!iqn || iqn == host)
		return false;
	lun = strrchr(iqn + 1, '/');
	return lun && lun > iqn + 1 && lun[1] && strspn(lun + 1, "0123456789") == strlen(lun + 1) &&
	       strspn(host, NAMECHARS ".:-[]") >= (size_t)(iqn - host) &&
	       strspn(iqn + 1, NAMECHARS ".:-") >= (size_t)(lun - iqn - 1);
}

int bos_machine_check_target(struct ivg_ctx *ctx, const char *t)
{
	unsigned a, b;
	char end;

	if (strlen(t) <= BOS_MACHINE_ID_MAX &&
	    ((!strncmp(t, "wwn-0x", 6) && only(t + 6, HEX, 32)) ||
	     (!strncmp(t, "serial-", 7) && only(t + 7, NAMECHARS "._:-", 200)) ||
	     (!strncmp(t, "iscsi://", 8) && iscsi_ok(t)) ||
	     (!strncmp(t, "/dev/", 5) && only(t + 5, NAMECHARS "._/-", 200) &&
	      !strstr(t, "..")) ||
	     (sscanf(t, "scsi:%u:%u%c", &a, &b, &end) == 2)))
		return 0;
	return ivg_err(ctx, EINVAL,
		       "target \"%s\": wwn-0xHEX, serial-SERIAL, iscsi://HOST[:PORT]/IQN/LUN, scsi:TARGET:LUN or /dev/NAME is needed",
		       t);
}

/* NAME or NAME=VERSION, in a package's characters. */
static int opp_spec_ok(struct ivg_ctx *ctx, const char *s)
{
	if (only(s, NAMECHARS ".+_~:=-", BOS_MACHINE_ID_MAX) && s[0] != '=' &&
	    strchr(s, '=') == strrchr(s, '='))
		return 0;
	return ivg_err(ctx, EINVAL, "OPP \"%s\": NAME or NAME=VERSION is needed", s);
}

int bos_machine_name_check(struct ivg_ctx *ctx, const char *name)
{
	/* A BOS's rules: a file name in bosfs, whatever the shell makes of it. */
	if (strlen(name) > BOS_MACHINE_NAME_MAX || bos_name_check(ctx, name))
		return ivg_err(ctx, EINVAL, "machine name \"%s\" is not valid: use 1 to %d of A-Z a-z 0-9 . _ + -, not starting with - or .",
			       name, BOS_MACHINE_NAME_MAX);
	return 0;
}

int bos_machine_check(struct ivg_ctx *ctx, const struct bos_machine *m)
{
	int r = bos_machine_name_check(ctx, m->name);

	if (r)
		return r;
	if (m->action == BOS_ACT_INSTALL && !m->bos[0])
		return ivg_err(ctx, EINVAL, "machine %s: an install needs --bos NAME", m->name);
	if (m->action == BOS_ACT_INSTALL && !m->n_targets)
		return ivg_err(ctx, EINVAL, "machine %s: an install needs --target DISK,...", m->name);
	if (m->action != BOS_ACT_INSTALL && (m->bos[0] || m->n_opps))
		return ivg_err(ctx, EINVAL, "machine %s: --bos and --opp go with --action install", m->name);
	if (m->bos[0] && (r = bos_name_check(ctx, m->bos)))
		return ivg_err_prefix(ctx, r, "machine %s: --bos: ", m->name);
	for (size_t i = 0; !r && i < m->n_opps; i++)
		r = opp_spec_ok(ctx, m->opps[i]);
	for (size_t i = 0; !r && i < m->n_targets; i++)
		r = bos_machine_check_target(ctx, m->targets[i]);
	return r ? ivg_err_prefix(ctx, r, "machine %s: ", m->name) : 0;
}

/* ---- JSON ----------------------------------------------------------------- */

static struct json_object *str_array(const char (*v)[BOS_MACHINE_ID_MAX + 1],
				     size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

int bos_machine_format(struct ivg_ctx *ctx, const struct bos_machine *m,
		       char **text, size_t *len)
{
	struct json_object *o = json_object_new_object();
	char id[BOS_MACHINE_ID_MAX + 8];

	if (!o)
		return ivg_err(ctx, ENOMEM, "out of memory");
	snprintf(id, sizeof(id), "%s=%s", id_names[m->id_kind], m->id);
	bos_json_put_str(o, "name", m->name);
	bos_json_put_str(o, "id", id);
	bos_json_put_str(o, "action", action_names[m->action]);
	if (m->bos[0])
		bos_json_put_str(o, "bos", m->bos);
	json_object_object_add(o, "opps", str_array(m->opps, m->n_opps));
	json_object_object_add(o, "targets", str_array(m->targets, m->n_targets));
	bos_json_put_str(o, "then", then_names[m->then]);
	bos_json_put_time(o, "added", m->added);
	return bos_json_text(ctx, o, text, len);
}

static const char *get(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An array of strings into v; false when it is not one or too long. */
static bool get_list(struct json_object *o, const char *key,
		     char (*v)[BOS_MACHINE_ID_MAX + 1], size_t *n)
{
	struct json_object *a;
	size_t len;

	*n = 0;
	if (!json_object_object_get_ex(o, key, &a))
		return true;
	if (!json_object_is_type(a, json_type_array) ||
	    (len = json_object_array_length(a)) > BOS_MACHINE_MAX_LIST)
		return false;
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		const char *s = json_object_is_type(e, json_type_string) ?
				json_object_get_string(e) : NULL;

		if (!s || strlen(s) > BOS_MACHINE_ID_MAX)
			return false;
		snprintf(v[(*n)++], BOS_MACHINE_ID_MAX + 1, "%s", s);
	}
	return true;
}

int bos_machine_parse(struct ivg_ctx *ctx, const char *what,
		      const char *text, size_t len, struct bos_machine *m)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
	const char *name, *id, *action, *bos, *then;
	int r = 0;

	*m = (struct bos_machine){ 0 };
	if (tok)
		json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return ivg_err(ctx, EINVAL, "%s: not a JSON object", what);
	}
	name = get(o, "name");
	id = get(o, "id");
	action = get(o, "action");
	bos = get(o, "bos");
	then = get(o, "then");
	if (!name || !id || !action || strlen(name) > BOS_MACHINE_NAME_MAX ||
	    (bos && strlen(bos) > BOS_MACHINE_NAME_MAX) ||
	    !get_list(o, "opps", m->opps, &m->n_opps) ||
	    !get_list(o, "targets", m->targets, &m->n_targets))
		r = ivg_err(ctx, EINVAL, "a field is missing or not what a machine entry holds");
	if (!r) {
		snprintf(m->name, sizeof(m->name), "%s", name);
		snprintf(m->bos, sizeof(m->bos), "%s", bos ? bos : "");
		bos_json_get_time(o, "added", &m->added);
		r = bos_machine_set_id(ctx, m, id);
	}
	if (!r)
		r = bos_machine_set_action(ctx, m, action);
	if (!r && then && *then)
		r = bos_machine_set_then(ctx, m, then);
	if (!r)
		r = bos_machine_check(ctx, m);
	json_object_put(o);
	return r ? ivg_err_prefix(ctx, r, "%s: ", what) : 0;
}

bool bos_machine_matches(const struct bos_machine *m,
			 const struct bos_identity *me)
{
	switch (m->id_kind) {
	case BOS_ID_UUID:
		return me->uuid[0] && !strcmp(me->uuid, m->id);
	case BOS_ID_MAC:
		for (size_t i = 0; i < me->n_macs; i++)
			if (!strcmp(me->macs[i], m->id))
				return true;
		return false;
	case BOS_ID_IQN:
		return me->iqn[0] && !strcmp(me->iqn, m->id);
	}
	return false;
}
