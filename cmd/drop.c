/* drop.c — ddb drop TABLE... | --all: DeleteTable and wait until each table is really gone. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "cli/cmd.h"
#include "aws/pager.h"
#include "cli/render.h"
#include "dynamo/table.h"

static int cmd_drop(struct ctx *ctx, void *args, int npos, char **argv);

struct drop_args {
	int if_exists, all, no_wait;
	double wait_timeout;
};

static const struct opt drop_opts[] = {
	OPT_F_BOOL(0, "if-exists", struct drop_args, if_exists, "a table that does not exist is not an error"),
	OPT_F_BOOL(0, "all", struct drop_args, all, "drop every table of the namespace (refused in prod without one)"),
	OPT_F_BOOL(0, "no-wait", struct drop_args, no_wait, "return once DeleteTable is accepted"),
	OPT_F_DOUBLE(0, "wait-timeout", struct drop_args, wait_timeout, "SEC", "give up waiting after SEC seconds (default 600)"),
	OPT_F_END,
};

/* The prod guard (cmd_start): what this run would drop; 0 for the usage errors cmd_drop reports. */
static int drop_destructive(const struct ctx *ctx, const void *args, int npos, char **argv, char *what, size_t n)
{
	const struct drop_args *a = args;
	if (a->all ? npos > 0 || !ctx->ns[0] : npos < 1)
		return 0;
	if (a->all)
		snprintf(what, n, "drop every table of namespace '%s'", ctx->ns);
	else if (npos == 1) {
		char *l = ctx_table_label(ctx, argv[1]);
		snprintf(what, n, "drop table %s", l);
		free(l);
	}
	else
		snprintf(what, n, "drop %d tables ('%s', ...)", npos, argv[1]);
	return 1;
}

const struct cmd cmd_def_drop = {
	"drop", cmd_drop, CMD_AWS | CMD_DESTRUCTIVE | CMD_ASKS, "delete tables and wait until they are gone",
	"ddb drop TABLE... [--if-exists] [--no-wait] [--wait-timeout SEC]\n"
	"ddb drop --all --namespace PREFIX [--no-wait]\n"
	"ddb drop --all --yes [--no-wait]", drop_opts,
	"Deletes each table (DeleteTable; a table still being created or updated is waited for first) and waits "
	"until DescribeTable no longer finds it.  A missing table is exit 66 unless --if-exists.  --all drops every "
	"table whose name starts with the namespace (CI teardown: `ddb drop --all --namespace ci_123_`); without a "
	"namespace it drops every table of the local engine after you type 'all' on a terminal, or with --yes (off a "
	"terminal it is refused without --yes, exit 64), and it is refused in prod.  In prod each drop needs "
	"--yes, or typing the table name (the namespace for --all) on a terminal; nothing is ever asked when stdin is "
	"not a terminal.  Output: a row per table given or found, {table, result} with result 'dropped' (or "
	"'dropping' with --no-wait), printed once the table is gone: a table on a terminal, TABLE<TAB>RESULT lines "
	"piped (-o text), -o json one array, -o jsonl one object per line.  Missing tables and notes go to stderr.",
	"table",
	drop_destructive,
	.args_size = sizeof(struct drop_args), .args_init = &(const struct drop_args){ 0, 0, 0, -1 },
};

struct names { char **v; size_t n; };

static void names_push(struct names *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = xstrdup(s);
}

static void names_release(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

struct ns_list { const char *ns; size_t nslen; struct names *out; };

static int on_page(void *arg, cJSON *page, struct err *e)
{
	struct ns_list *st = arg;
	const cJSON *n;
	(void)e;
	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(page, "TableNames")) {
		if (!cJSON_IsString(n))
			continue;
		if (!strncmp(n->valuestring, st->ns, st->nslen))
			names_push(st->out, n->valuestring);
	}
	return 0;
}

/* Every wire name in the namespace (every table when there is none): every page from the start, filtered here
 * (see list_tables.c: a listing started at the prefix can silently find nothing). */
static int list_namespace(struct ctx *ctx, struct names *out, struct err *e)
{
	struct ns_list st = { ctx->ns, strlen(ctx->ns), out };
	cJSON *in = cJSON_CreateObject();
	int rc = pager_paginate(ctx, &aws_dynamodb, "ListTables", in, "ExclusiveStartTableName", "LastEvaluatedTableName",
	                      on_page, &st, e);
	cJSON_Delete(in);
	return rc;
}

/* DeleteTable.  0 accepted, 1 no such table, -1 error.  A table that is CREATING/UPDATING is waited for once. */
static int delete_one(struct ctx *ctx, const char *wire, const char *shown, double timeout, struct err *e)
{
	for (int attempt = 0;; attempt++) {
		cJSON *in = cJSON_CreateObject(), *out = NULL;
		cJSON_AddStringToObject(in, "TableName", wire);
		int rc = aws_json(ctx, &aws_dynamodb, "DeleteTable", in, &out, e);
		cJSON_Delete(in);
		cJSON_Delete(out);
		if (rc == 0)
			return 0;
		if (aws_is_not_found(e)) {
			err_clear(e);
			return 1;
		}
		if (attempt == 0 && e->kind == ERR_SERVICE && !strcmp(e->type, "ResourceInUseException")) {
			/* being created or updated: wait for it, then try again */
			err_clear(e);
			rc = table_wait_active(ctx, wire, shown, timeout, NULL, e);
			if (rc < 0)
				return -1;
			continue;
		}
		return err_prefix(e, "'%s'", shown);
	}
}

/* drop --all without a namespace in local mode: --yes, or the word "all" typed on a terminal (not under CI). */
static int confirm_whole_engine(struct ctx *ctx, size_t n, struct err *e)
{
	char *url = NULL, what[128];
	int rc = 0;
	if (ctx->yes)
		return 0;
	if (aws_endpoint(ctx, &aws_dynamodb, &url, e) < 0)
		return -1;
	snprintf(what, sizeof what, "drop all %zu table%s", n, n == 1 ? "" : "s");
	if (!ctx->in_tty || getenv("CI")) {
		rc = err_set(e, ERR_USAGE, "refusing to %s of the engine at %s (no namespace) without --yes; "
		             "--namespace PREFIX drops only that namespace's tables", what, url);
	} else {
		char *where = xasprintf("of the engine at %s (every table: no namespace)", url);
		rc = ctx_ask(ctx, what, where, "all", e);
		free(where);
	}
	free(url);
	return rc;
}

static int cmd_drop(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct drop_args a = *(struct drop_args *)args;
	int rc = 0;
	struct err e = ERR_INIT;
	struct names wire = { NULL, 0 }, gone = { NULL, 0 };
	int missing = 0;
	static const char *const cols[] = { "table", "result", NULL };
	struct render *rd = NULL;

	if (a.all && npos)
		return ctx_usage(ctx, &cmd_def_drop, "--all takes no table names (it drops the whole namespace)");
	if (!a.all && !npos)
		return ctx_usage(ctx, &cmd_def_drop, "missing TABLE (or --all)");
	if (a.all && ctx->prod && !ctx->ns[0])
		return ctx_usage(ctx, &cmd_def_drop, "refusing --all in prod without a namespace (--namespace PREFIX or "
		                 "DDB_NAMESPACE): it would drop every table of the account");

	if (a.all) {
		if (list_namespace(ctx, &wire, &e) < 0)
			goto fail;
		if (!wire.n) {
			ctx_note(ctx, "no tables%s%s%s", ctx->ns[0] ? " in namespace '" : "", ctx->ns, ctx->ns[0] ? "'" : "");
			goto done;
		}
		char what[256];
		if (!ctx->ns[0] && !ctx->prod) {
			/* every table of a local engine, which is often shared (DDB_LOCAL_ENDPOINT): a typed word on a
			 * terminal, --yes otherwise (prod without a namespace was refused above) */
			if (confirm_whole_engine(ctx, wire.n, &e) < 0)
				goto fail;
		} else {
			snprintf(what, sizeof what, "drop all %zu table%s of namespace '%s'", wire.n, wire.n == 1 ? "" : "s",
			         ctx->ns);
			if (ctx_confirm(ctx, what, ctx->ns, &e) < 0)
				goto fail;
		}
	} else {
		for (int i = 1; i <= npos; i++) {
			char *w = ctx_table_wire(ctx, argv[i]);
			names_push(&wire, w);
			free(w);
		}
		for (int i = 1; i <= npos; i++) {
			char *label = ctx_table_label(ctx, argv[i]);
			char *what = xasprintf("drop table %s", label);
			int ok = ctx_confirm(ctx, what, argv[i], &e);
			free(what);
			free(label);
			if (ok < 0)
				goto fail;
		}
	}

	/* Delete everything first (DynamoDB deletes in parallel), then wait for each. */
	for (size_t i = 0; i < wire.n; i++) {
		const char *shown = ctx_table_user(ctx, wire.v[i]);
		if (!shown)
			shown = wire.v[i];
		if (ctx_interrupted(ctx)) {
			err_set(&e, ERR_INTERRUPTED, "interrupted: %zu of %zu table%s deleted", i, wire.n, wire.n == 1 ? "" : "s");
			goto fail;
		}
		int r = delete_one(ctx, wire.v[i], shown, a.wait_timeout, &e);
		if (r < 0) {
			if (i)
				err_prefix(&e, "%zu table%s deleted before this error", i, i == 1 ? "" : "s");
			goto fail;
		}
		if (r == 1) {
			if (a.all || a.if_exists) {
				ctx_note(ctx, "'%s' does not exist (nothing to drop)", shown);
			} else {
				fprintf(ctx->err_out, "ddb: drop: table '%s' does not exist%s%s (--if-exists ignores this)\n",
				        shown, ctx->ns[0] ? " in namespace " : "", ctx->ns);
				missing = 1;
			}
			continue;
		}
		names_push(&gone, wire.v[i]);
	}
	rd = render_begin(ctx, OUT_TEXT, cols);
	for (size_t i = 0; i < gone.n; i++) {
		const char *shown = ctx_table_user(ctx, gone.v[i]);
		if (!shown)
			shown = gone.v[i];
		if (!a.no_wait && table_wait_gone(ctx, gone.v[i], shown, a.wait_timeout, &e) < 0)
			goto fail;
		cJSON *row = cJSON_CreateObject();
		cJSON_AddStringToObject(row, "table", shown);
		cJSON_AddStringToObject(row, "result", a.no_wait ? "dropping" : "dropped");
		int wr = render_row(rd, row, &e);
		cJSON_Delete(row);
		if (wr < 0)
			goto fail;
	}
done:
	if (!rd)
		rd = render_begin(ctx, OUT_TEXT, cols);   /* nothing dropped: json still prints [] */
	if (render_end(rd, &e) < 0) {
		rd = NULL;
		goto fail;
	}
	names_release(&wire);
	names_release(&gone);
	return missing ? EXIT_NOINPUT : 0;
fail:
	if (rd)
		render_abort(rd);
	rc = ctx_fail(ctx, &e);
	names_release(&wire);
	names_release(&gone);
	return rc;
}
