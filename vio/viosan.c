/* SPDX-License-Identifier: GPL-2.0-or-later */
/* viosan.c - each host's mappings, published to the shared SAN registry. */
#include "viosan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

int vio_san_others(struct ivg_ctx *ctx, struct json_object *doc,
		   const char *self, struct vio_san *out)
{
	struct json_object *hosts;
	int r;

	memset(out, 0, sizeof(*out));
	if (!json_object_object_get_ex(doc, "hosts", &hosts))
		return 0;
	json_object_object_foreach(hosts, id, host) {
		struct json_object *vtds, *runs, *run;
		size_t n;
		struct vio_san_vtd *grown;

		if (!strcmp(id, self) || !json_object_object_get_ex(host, "vtds", &vtds))
			continue;
		json_object_object_get_ex(host, "runs", &runs);
		n = json_object_array_length(vtds);
		grown = realloc(out->v, (out->n + n + 1) * sizeof(*grown));
		if (!grown) {
			vio_san_free(out);
			return ivg_err(ctx, ENOMEM, "out of memory");
		}
		out->v = grown;
		for (size_t i = 0; i < n; i++) {
			struct vio_san_vtd *e = &out->v[out->n];

			memset(e, 0, sizeof(*e));
			snprintf(e->host_id, sizeof(e->host_id), "%s", id);
			snprintf(e->host_name, sizeof(e->host_name), "%s", str_of(host, "name"));
			snprintf(e->state, sizeof(e->state), "%s", str_of(host, "state"));
			if ((r = vio_vtd_from_json(ctx, json_object_array_get_idx(vtds, i), &e->vtd))) {
				vio_san_free(out);
				return ivg_err_prefix(ctx, r, "SAN registry, host %s: ", id);
			}
			run = NULL;
			if (runs)
				json_object_object_get_ex(runs, e->vtd.lpar, &run);
			vio_run_from_json(run, &e->run);
			out->n++;
		}
	}
	return 0;
}

void vio_san_free(struct vio_san *san)
{
	free(san->v);
	san->v = NULL;
	san->n = 0;
}

int vio_san_publish(struct ivg_ctx *ctx, struct json_object *doc,
		    const struct vio_host *h)
{
	struct json_object *hosts, *me, *vtds, *runs;

	if (!json_object_object_get_ex(doc, "hosts", &hosts)) {
		if (!(hosts = json_object_new_object()))
			return ivg_err(ctx, ENOMEM, "out of memory");
		json_object_object_add(doc, "hosts", hosts);
	}
	if (!(me = json_object_new_object()) || !(vtds = json_object_new_array()) ||
	    !(runs = json_object_new_object())) {
		json_object_put(me);
		return ivg_err(ctx, ENOMEM, "out of memory");
	}
	json_object_object_add(me, "name", json_object_new_string(h->name));
	json_object_object_add(me, "state", json_object_new_string(h->state));
	for (size_t i = 0; i < h->nvtds; i++)
		json_object_array_add(vtds, vio_vtd_to_json(&h->vtds[i]));
	for (size_t i = 0; i < h->nlpars; i++)
		if (h->lpars[i].run.pid > 0)
			json_object_object_add(runs, h->lpars[i].name,
					       vio_run_to_json(&h->lpars[i].run));
	json_object_object_add(me, "vtds", vtds);
	json_object_object_add(me, "runs", runs);
	json_object_object_add(hosts, h->id, me);
	return 0;
}
