/* schema_load.c — ddb schema-load [PATH...]: create or update tables from schema files, idempotently.
 *
 * For each table: DescribeTable.  Missing -> CreateTable, wait until it and every GSI are ACTIVE, then converge
 * (TTL, point-in-time recovery, tags, and whatever the engine ignored in CreateTable).  Present -> compare
 * (schema_plan + tags) and apply the changes one request at a time, waiting for ACTIVE in between.  Key-schema or
 * LSI differences cannot be changed in place: exit 1 unless --recreate.  --plan changes nothing: exit 0 when
 * every live table matches, 2 on drift.
 */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "cli/cmd.h"
#include "base/json.h"
#include "cli/render.h"
#include "dynamo/schema.h"
#include "cli/schemaload.h"
#include "dynamo/table.h"
#include "base/term.h"

static int cmd_schema_load(struct ctx *ctx, void *args, int npos, char **argv);

#define sl_args schemaload_opts   /* the parsed arguments are schemaload's options */

static const struct opt sl_opts[] = {
	OPT_F_BOOL(0, "plan", struct sl_args, plan, "print what would change and change nothing (exit 0 same, 2 drift)"),
	OPT_F_BOOL(0, "no-wait", struct sl_args, no_wait, "do not wait for the tables to be ACTIVE after the last change"),
	OPT_F_DOUBLE(0, "wait-timeout", struct sl_args, wait_timeout, "SEC", "give up waiting after SEC seconds (default 600)"),
	OPT_F_BOOL(0, "recreate", struct sl_args, recreate, "drop and re-create a table whose keys or LSIs differ (its items are lost)"),
	OPT_F_BOOL(0, "prune", struct sl_args, prune, "delete live GSIs the schema does not have (confirmed in prod)"),
	OPT_F_LIST(0, "var", struct sl_args, vars, "NAME=VALUE", "value of a Terraform variable (var.NAME)"),
	OPT_F_LIST(0, "tag", struct sl_args, tags, "KEY=VALUE", "add a tag to every table (overrides the schema's)"),
	OPT_F_END,
};

/* The prod guard (cmd_start): only --recreate is destructive (not with --plan, a usage error). */
static int schema_load_destructive(const struct ctx *ctx, const void *args, int npos, char **argv, char *what,
                                   size_t n)
{
	const struct sl_args *a = args;
	(void)ctx, (void)npos, (void)argv;
	if (a->plan || (!a->recreate && !a->prune))
		return 0;
	if (!a->recreate) {
		snprintf(what, n, "schema-load --prune (it deletes every live GSI the schema does not name)");
		return 1;
	}
	snprintf(what, n, "schema-load --recreate (it drops and re-creates each table whose keys or LSIs differ: "
	         "their items are lost)");
	return 1;
}

const struct cmd cmd_def_schema_load = {
	"schema-load", cmd_schema_load, CMD_AWS | CMD_DESTRUCTIVE | CMD_ASKS, "create or update tables from schemas/",
	"ddb schema-load [PATH...] [--plan] [--no-wait] [--wait-timeout SEC] [--recreate] [--prune] [--var NAME=VALUE]... "
	"[--tag KEY=VALUE]...", sl_opts,
	"Loads schema files (the CreateTable input as JSON, as `aws dynamodb create-table --cli-input-json` takes it, "
	"or Terraform aws_dynamodb_table resources in *.tf, with any aws_dynamodb_global_secondary_index resource merged "
	"into its table and lifecycle ignore_changes honoured as in Terraform) from the given files and folders (default: schemas/, "
	"without its subfolders), validates all of them before sending anything (exit 65 naming file, line and "
	"field), then creates each missing table and waits until it and every GSI are ACTIVE, then applies TTL and "
	"point-in-time recovery.  A table that exists is compared with its schema: the same is 'up to date'; new "
	"GSIs are added one at a time; throughput, billing, stream, TTL, PITR, tags are updated; a live GSI the schema "
	"lacks is kept and reported, or deleted with --prune (in prod only with --yes).  A different key "
	"schema cannot be changed in place: exit 1 unless --recreate.  --plan only reports (exit 2 on drift).  "
	"Table names get the namespace prefix on the wire (--namespace / DDB_NAMESPACE); tags are the schema's Tags "
	"plus --tag; in prod a warning names a missing 'project' or 'env' tag.",
	"file",
	schema_load_destructive,
	.args_size = sizeof(struct sl_args),
	.args_init = &(const struct sl_args){ 0, 0, 0, 0, -1, { NULL, 0 }, { NULL, 0 } },
};

/* An invalid schema file while the others are still checked: reported as it is found. */
static void report_more(void *arg, const struct err *e)
{
	struct ctx *ctx = arg;
	err_report(ctx->err_out, ctx->cmd_name, e);
}

static int cmd_schema_load(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct sl_args a = *(struct sl_args *)args;
	int rc = 0, worst = 0;
	struct err e = ERR_INIT;
	struct schema_vars vars = SCHEMA_VARS_INIT;
	struct schema_list list = SCHEMA_LIST_INIT;
	struct schemaload st = { ctx, &a, NULL, { NULL, 0 }, { 0, 0, 0, 0 } };
	static const char *const dflt[] = { "schemas" };

	for (size_t i = 0; i < a.vars.n; i++)
		if (schema_vars_add(&vars, a.vars.v[i], &e) < 0) {
			rc = ctx_usage(ctx, &cmd_def_schema_load, "%s", e.msg);   /* "--var 'x': ..." */
			goto out;
		}
	if (a.plan && a.recreate) {
		rc = ctx_usage(ctx, &cmd_def_schema_load, "--plan changes nothing: it does not go with --recreate");
		goto out;
	}

	/* Load and validate everything before sending anything; report every invalid file. */
	size_t nbad = 0;
	if (schema_load_paths_all(npos ? (const char *const *)&argv[1] : dflt, npos ? (size_t)npos : 1, &vars, &list,
	                          report_more, ctx, &nbad, &e) < 0) {
		rc = ctx_fail(ctx, &e);
		if (nbad > 1)
			fprintf(ctx->err_out, "ddb: schema-load: %zu schema files are invalid: nothing was sent\n", nbad);
		goto out;
	}
	if (!list.n) {
		err_set(&e, ERR_NOINPUT, "no schemas (*.json, *.tf with aws_dynamodb_table) in %s", npos ? argv[1] : "schemas/");
		goto fail;
	}
	for (size_t i = 0; i < list.n; i++) {
		if (schema_set_prefix(list.v[i], ctx->ns, &e) < 0)
			goto fail;
		if (schemaload_merge_tags(&st, list.v[i], &e) < 0) {
			rc = ctx_usage(ctx, &cmd_def_schema_load, "%s", e.msg);
			goto out;
		}
		schemaload_warn_prod_tags(&st, list.v[i]);
		for (size_t w = 0; w < list.v[i]->nwarnings; w++)
			ctx_warn(ctx, "%s", list.v[i]->warnings[w]);
	}

	if (ctx->output == OUT_JSON || ctx->output == OUT_JSONL)
		st.r = render_begin(ctx, OUT_JSONL, NULL);
	for (size_t i = 0; i < list.n; i++) {
		int r = schemaload_one(&st, list.v[i], &e);
		if (r < 0) {
			if (i)
				err_prefix(&e, "%zu of %zu table%s done before this error", i, list.n, list.n == 1 ? "" : "s");
			schemaload_lines_release(&st.lines);
			if (st.r)
				render_abort(st.r);
			st.r = NULL;
			goto fail;
		}
		if (r == 1)
			worst = a.plan ? EXIT_DRIFT : EXIT_SERVICE;
	}
	if (st.r && render_end(st.r, &e) < 0) {
		st.r = NULL;
		goto fail;
	}
	rc = worst;
	goto out;
fail:
	rc = ctx_fail(ctx, &e);
out:
	schema_list_release(&list);
	schema_vars_release(&vars);
	strlist_release(&a.vars);
	strlist_release(&a.tags);
	return rc;
}
