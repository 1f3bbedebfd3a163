/* list_tables.c — ddb list-tables: every page, names as the user writes them (namespace stripped). */
#include <string.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "aws/pager.h"
#include "cli/render.h"

static int cmd_list_tables(struct ctx *ctx, void *args, int npos, char **argv);

struct list_tables_args { int all; };

static const struct opt list_tables_opts[] = {
	OPT_F_BOOL(0, "all", struct list_tables_args, all, "with a namespace, list every table (wire names)"),
	OPT_F_END,
};

const struct cmd cmd_def_list_tables = {
	"list-tables", cmd_list_tables, CMD_AWS, "list the tables (of the namespace, when one is set)",
	"ddb list-tables [--all] [--output table|json|jsonl|text]", list_tables_opts,
	"Reads every page of ListTables.  With --namespace (or DDB_NAMESPACE) only that namespace's tables are "
	"listed, without the prefix.  Piped, prints one name per line.",
	NULL,
	.args_size = sizeof(struct list_tables_args),
};

struct lt_state {
	struct ctx *ctx;
	struct render *r;
	int all;
};

static int on_page(void *arg, cJSON *page, struct err *e)
{
	struct lt_state *st = arg;
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(page, "TableNames");
	const cJSON *n;
	if (names && !cJSON_IsArray(names))
		return err_set(e, ERR_DATA, "ListTables: TableNames is not a list");
	cJSON_ArrayForEach(n, names) {
		if (!cJSON_IsString(n))
			continue;
		const char *shown = st->all ? n->valuestring : ctx_table_user(st->ctx, n->valuestring);
		if (!shown)
			continue;   /* another namespace's table */
		cJSON *s = cJSON_CreateString(shown);
		int rc = render_row(st->r, s, e);
		cJSON_Delete(s);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int cmd_list_tables(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct list_tables_args a = *(struct list_tables_args *)args;
	struct err e = ERR_INIT;
	static const char *const cols[] = { "TableName", NULL };

	if (npos)
		return ctx_usage(ctx, &cmd_def_list_tables, "unexpected argument '%s'", argv[1]);

	struct lt_state st = { ctx, render_begin(ctx, OUT_TEXT, cols), a.all };
	cJSON *in = cJSON_CreateObject();
	/* Every page from the start, filtered here: ExclusiveStartTableName is only ever the previous page's
	 * LastEvaluatedTableName (an engine may answer a prefix that is no table with an empty page, as moto does,
	 * or list names unsorted), so no shortcut into or out of the namespace can be trusted. */
	int rc = pager_paginate(ctx, &aws_dynamodb, "ListTables", in, "ExclusiveStartTableName", "LastEvaluatedTableName",
	                      on_page, &st, &e);
	cJSON_Delete(in);
	if (rc < 0)
		render_abort(st.r);
	else
		rc = render_end(st.r, &e);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
