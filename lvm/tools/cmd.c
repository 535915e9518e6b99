/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd.c - the one runner of every command: parse, help, open, run, exit. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devlist.h"
#include "ivgvg.h"
#include "sysid.h"
#include "vgsel.h"
#include "version.h"

/* The common options, in the order --help lists them. */
static const struct cmd_opt common_opts[CO_COUNT] = {
	[CO_DEVICES] = { "devices", 0, ARG_LIST, "LIST",
		"only these devices or image files (comma-separated)" },
	[CO_REPORTFORMAT] = { "reportformat", 0, ARG_STRING, "json",
		"print the report as JSON (basic: as text)" },
	[CO_YES] = { "yes", 'y', ARG_NONE, NULL, "answer yes to every question" },
	[CO_FORCE] = { "force", 'f', ARG_NONE, NULL, "go on where it would refuse" },
	[CO_READONLY] = { "readonly", 0, ARG_NONE, NULL, "write nothing" },
	[CO_VERBOSE] = { "verbose", 'v', ARG_NONE, NULL, "say more" },
};

enum { ID_HELP = 1000, ID_VERSION };

/* getopt_long's val for a table option: its id + 1 (0 is reserved). */
static int opt_val(int id)
{
	return 0x1000 + id;
}

static const struct cmd_opt *opt_by_id(const struct cmd_def *def, int id)
{
	if (id < CO_COUNT)
		return &common_opts[id];
	return &def->opts[id - CMD_OWN];
}

static bool takes(const struct cmd_def *def, int id)
{
	/* -v is every command's. */
	return id == CO_VERBOSE || (id < CO_COUNT && (def->common & CO(id)));
}

/* The getopt tables, built from the definition. */
struct parser {
	struct option longopts[CO_COUNT + 32 + 3];
	char shortopts[2 * (CO_COUNT + 32) + 2];
};

static void add_opt(struct parser *p, size_t *nl, size_t *ns,
		    const struct cmd_opt *o, int id)
{
	int has = o->arg == ARG_NONE ? no_argument : required_argument;

	p->longopts[(*nl)++] = (struct option){ o->name, has, NULL, opt_val(id) };
	if (o->short_name) {
		p->shortopts[(*ns)++] = o->short_name;
		if (has == required_argument)
			p->shortopts[(*ns)++] = ':';
	}
}

static void build_parser(const struct cmd_def *def, struct parser *p)
{
	size_t nl = 0, ns = 0;

	memset(p, 0, sizeof(*p));
	for (int id = 0; id < CO_COUNT; id++)
		if (takes(def, id))
			add_opt(p, &nl, &ns, &common_opts[id], id);
	for (size_t i = 0; i < def->n_opts; i++)
		add_opt(p, &nl, &ns, &def->opts[i], CMD_OWN + (int)i);
	p->longopts[nl++] = (struct option){ "help", no_argument, NULL, ID_HELP };
	p->longopts[nl++] = (struct option){ "version", no_argument, NULL, ID_VERSION };
	p->longopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	p->shortopts[ns] = '\0';
}

int cmd_usage_error(const struct cmd_run *r, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s: ", r->def->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  Run `%s --help' for more information.\n",
		r->def->name);
	return EINVALID_CMD_LINE;
}

int cmd_select_vgid(struct cmd_run *r, size_t i, char vgid[IVG_UUID_LEN + 1])
{
	vgid[0] = '\0';
	if (cmd_given(r, i) && ivg_vgsel_parse_select(r->ctx, r->own[i].str, vgid))
		return cmd_usage_error(r, "%s", ivg_errmsg(r->ctx));
	return 0;
}

/* One option's value into its slot; 0 or a usage error said. */
static int store(struct cmd_run *r, const struct cmd_opt *o,
		 struct cmd_value *v, const char *arg)
{
	v->count++;
	switch (o->arg) {
	case ARG_NONE:
		return 0;
	case ARG_STRING:
		v->str = arg;
		return 0;
	case ARG_VGNAME:
		v->str = arg;
		return check_vg_name(r->def->name, arg);
	case ARG_SIZE:
		v->str = arg;
		if (parse_size(arg, 'm', &v->size))
			return cmd_usage_error(r, "--%s: invalid size \"%s\"",
					       o->name, arg);
		return 0;
	case ARG_LIST:
		if (ivg_devices_parse(r->ctx, arg, &v->list))
			return cmd_usage_error(r, "--%s: %s", o->name,
					       ivg_errmsg(r->ctx));
		return 0;
	case ARG_STRINGS:
		if (ivg_strvec_add(&v->list, arg))
			return cmd_usage_error(r, "out of memory");
		return 0;
	}
	return 0;
}

/* The common options into struct opts, where the library's callers look. */
static int store_common(struct cmd_run *r, int id, const char *arg)
{
	struct cmd_value v = { 0 };
	int rc;

	switch (id) {
	case CO_VERBOSE:
		r->ctx->verbose = ++r->o.verbose;
		return 0;
	case CO_YES:
		r->o.yes = true;
		return 0;
	case CO_FORCE:
		r->o.force = true;
		return 0;
	case CO_READONLY:
		r->readonly = true;
		return 0;
	case CO_REPORTFORMAT:
		if (strcmp(arg, "json") && strcmp(arg, "basic"))
			return cmd_usage_error(r, "--reportformat: unknown format \"%s\" (basic or json)",
					       arg);
		r->o.json = !strcmp(arg, "json");
		return 0;
	case CO_DEVICES:
		v.list = r->o.devices;
		rc = store(r, &common_opts[CO_DEVICES], &v, arg);
		r->o.devices = v.list;
		return rc;
	}
	return 0;
}

/* Lines of help text, the first after the option's name, the rest under. */
static void help_text(FILE *f, const char *text, int col, int used)
{
	const char *l = text;

	while (l && *l) {
		const char *nl = strchr(l, '\n');
		int len = nl ? (int)(nl - l) : (int)strlen(l);

		fprintf(f, "%*s%.*s\n", used < col ? col - used : 1, "", len, l);
		used = 0;
		l = nl ? nl + 1 : NULL;
	}
}

static void help_opt(FILE *f, const struct cmd_opt *o, const char *text)
{
	char left[80];
	int n;

	if (o->short_name)
		n = snprintf(left, sizeof(left), "  -%c, --%s", o->short_name, o->name);
	else
		n = snprintf(left, sizeof(left), "      --%s", o->name);
	if (o->metavar)
		n += snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->metavar);
	fputs(left, f);
	help_text(f, text ? text : o->help, 28, n);
}

static void print_generated_help(const struct cmd_def *def)
{
	printf("Usage: %s [options] %s\n\n%s", def->name, def->usage, def->about);
	printf("\nOptions:\n");
	for (size_t i = 0; i < def->n_opts; i++)
		help_opt(stdout, &def->opts[i], NULL);
	for (int id = 0; id < CO_COUNT; id++)
		if (takes(def, id) && id != CO_VERBOSE)
			help_opt(stdout, &common_opts[id], def->common_help[id]);
	help_opt(stdout, &common_opts[CO_VERBOSE], def->common_help[CO_VERBOSE]);
	help_opt(stdout, &(struct cmd_opt){ "help", 0, ARG_NONE, NULL, "this help" }, NULL);
	help_opt(stdout, &(struct cmd_opt){ "version", 0, ARG_NONE, NULL, "ivg's version" }, NULL);
	if (def->notes)
		printf("\n%s", def->notes);
	printf("\nExit status: %s\n", def->exit_text ? def->exit_text :
	       "0 done, 3 bad command line, 5 failed.");
}

/* 0 go on, -1 done (--help, --version), else EINVALID_CMD_LINE. */
static int parse(struct cmd_run *r, int argc, char **argv)
{
	const struct cmd_def *def = r->def;
	struct parser p;
	int c;

	build_parser(def, &p);
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, p.shortopts, p.longopts, NULL)) != -1) {
		int id = c - 0x1000, rc;

		if (c == ID_HELP) {
			print_generated_help(def);
			return -1;
		}
		if (c == ID_VERSION) {
			printf("ivg version %s\n", IVG_VERSION);
			return -1;
		}
		/* A short option: find its table entry. */
		if (c < 0x1000) {
			id = -1;
			for (int k = 0; k < CO_COUNT; k++)
				if (takes(def, k) && common_opts[k].short_name == c)
					id = k;
			for (size_t k = 0; k < def->n_opts; k++)
				if (def->opts[k].short_name == c)
					id = CMD_OWN + (int)k;
		}
		if (id < 0) {
			/* getopt said what is wrong; only point at the help. */
			fprintf(stderr, "  Run `%s --help' for more information.\n",
				def->name);
			return EINVALID_CMD_LINE;
		}
		rc = id < CO_COUNT ? store_common(r, id, optarg) :
			store(r, opt_by_id(def, id), &r->own[id - CMD_OWN], optarg);
		if (rc)
			return rc;
	}
	r->operands = argv + optind;
	r->n_operands = (size_t)(argc - optind);
	if (r->n_operands < def->min_operands || r->n_operands > def->max_operands)
		return cmd_usage_error(r, "%s", def->operand_need);
	for (size_t i = 0; (def->flags & CMD_VG_NAMES) && i < r->n_operands; i++)
		if (check_vg_name(def->name, r->operands[i]))
			return EINVALID_CMD_LINE;
	if ((def->flags & CMD_VG_NAME) && r->n_operands) {
		if (check_vg_name(def->name, r->operands[0]))
			return EINVALID_CMD_LINE;
		r->vg = r->operands[0];
	}
	return 0;
}

static void free_values(struct cmd_run *r)
{
	for (size_t i = 0; i < r->def->n_opts; i++)
		ivg_strvec_free(&r->own[i].list);
	opts_free(&r->o);
}

/* The checks before a writer may write: one set of messages. */
static int may_write(struct cmd_run *r)
{
	struct ivg_vgh *h = r->s.h;
	char me[IVG_SYSID_MAX + 1];
	int e;

	if (h->missing)
		return ivg_err(r->ctx, ENXIO, "Volume group \"%s\" is partial (%zu of %zu PVs missing): nothing written",
			       r->vg, h->missing, h->vg->pv_count);
	if (ivg_vg_exported(h->vg) && !(r->def->flags & CMD_IMPORTS_EXPORTED))
		return ivg_err(r->ctx, EPERM, "Volume group \"%s\" is exported: ivgimport it first",
			       r->vg);
	if ((e = host_system_id(r->ctx, me)))
		return e;
	return ivg_vg_check_holder(r->ctx, h->vg, me);
}

static int open_vg(struct cmd_run *r)
{
	int e = session_open(r->ctx, &r->o, r->vg,
			     r->writes ? SESSION_WRITE : SESSION_READ, &r->s);

	if (e)
		return e;
	session_warn(&r->s);
	if (r->def->flags & CMD_CHECKS_OWN)
		return 0;
	if (r->writes)
		return may_write(r);
	if (r->s.h->missing && !(r->def->flags & CMD_ALLOW_PARTIAL))
		return ivg_err(r->ctx, ENXIO, "Volume group \"%s\" is partial (%zu of %zu PVs missing)",
			       r->vg, r->s.h->missing, r->s.h->vg->pv_count);
	return 0;
}

int cmd_begin_write(struct cmd_run *r)
{
	return session_begin_write(r->ctx, &r->s);
}

int cmd_commit(struct cmd_run *r)
{
	return session_commit(r->ctx, &r->s);
}

int cmd_main(struct ivg_ctx *ctx, const struct cmd_def *def, int argc,
	     char **argv)
{
	struct cmd_run r = { .ctx = ctx, .def = def };
	int rc = parse(&r, argc, argv), e = 0;

	/* writes_with, or check(), may make a reader a writer. */
	r.writes = def->flags & CMD_WRITES_VG;
	for (size_t i = 0; def->writes_with && i < def->n_opts; i++)
		if (!strcmp(def->opts[i].name, def->writes_with))
			r.writes = cmd_given(&r, i);
	if (!rc && def->data_size && !(r.data = calloc(1, def->data_size)))
		rc = cmd_usage_error(&r, "out of memory");
	if (!rc && def->check)
		rc = def->check(&r);
	if (rc) {
		if (def->cleanup && r.data)
			def->cleanup(&r);
		free(r.data);
		free_values(&r);
		return rc < 0 ? ECMD_OK : rc;
	}
	if (r.readonly && (def->flags & CMD_READ_ONLY_OK))
		r.writes = false;
	if (r.writes)
		r.s.may_import = def->flags & CMD_IMPORTS_EXPORTED;
	if ((def->flags & CMD_NEEDS_ROOT) && geteuid())
		e = ivg_err(ctx, EPERM, "%s: must be run as root", def->name);
	if (!e && (def->flags & CMD_INTERRUPTIBLE))
		catch_interrupts(ctx);
	if (!e && def->prepare)
		e = def->prepare(&r);
	if (!e && (def->flags & CMD_VG) && r.vg)
		e = open_vg(&r);
	if (!e)
		e = def->run(&r);
	if (e >= CMD_EXIT(0))
		rc = e - CMD_EXIT(0);
	else if (e)
		rc = fail(ctx);
	session_close_after(&r.s, rc != ECMD_OK);
	if (def->cleanup && r.data)
		def->cleanup(&r);
	free(r.data);
	free_values(&r);
	return rc;
}

bool cmd_confirm(struct cmd_run *r, const char *question)
{
	char line[16];

	if (r->o.yes)
		return true;
	if (!isatty(STDIN_FILENO)) {
		ivg_err(r->ctx, ECANCELED, "not asked without a terminal (use -y to answer yes)");
		return false;
	}
	fprintf(stderr, "  %s [y/n]: ", question);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y')) {
		ivg_err(r->ctx, ECANCELED, "answered no");
		return false;
	}
	return true;
}

static void progress_bar(void *arg, uint64_t done, uint64_t total)
{
	struct cmd_progress *p = arg;
	int pct = total ? (int)(done * 100 / total) : 100, w = 40;
	char line[64];

	if (pct > 100)
		pct = 100;
	if (pct == p->last)
		return;
	p->last = pct;
	memset(line, '#', (size_t)(pct * w / 100));
	memset(line + pct * w / 100, '.', (size_t)(w - pct * w / 100));
	line[w] = '\0';
	printf("\r  %s [%s] %3d%%%s", p->label, line, pct, pct == 100 ? "\n" : "");
	fflush(stdout);
}

void cmd_progress_init(const struct cmd_run *r, struct cmd_progress *p,
		       const char *label)
{
	*p = (struct cmd_progress){ .label = label, .last = -1 };
	if (isatty(STDOUT_FILENO) && !r->o.verbose && !r->o.json) {
		p->fn = progress_bar;
		p->arg = p;
	}
}
