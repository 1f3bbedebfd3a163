/* truncate.c — ddb truncate TABLE...: delete every item and keep the table (a parallel keys-only scan, lib/tablescan,
 * feeding batch deletes, lib/bwriter), or --recreate: drop the table and create it again from its description. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/bulk.h"
#include "dynamo/bwriter.h"
#include "dynamo/capacity.h"
#include "aws/clock.h"
#include "base/json.h"
#include "dynamo/progress.h"
#include "dynamo/table.h"
#include "dynamo/tablescan.h"

static int cmd_truncate(struct ctx *ctx, void *args, int npos, char **argv);

struct truncate_args {
	int recreate, plan;
	long segments, concurrency, max_wcu, max_rcu, max_retries;
	const char *segment;
	double wait_timeout;
};

static const struct opt truncate_opts[] = {
	OPT_F_BOOL(0, "recreate", struct truncate_args, recreate,
	           "drop the table and create it again from its description (faster for huge tables; a new stream ARN)"),
	OPT_F_BOOL(0, "plan", struct truncate_args, plan, "print what it would delete and cost; change nothing"),
	OPT_F_INT(0, "segments", struct truncate_args, segments, "N", "parallel scan segments (threads), 1-64 (default 4)",
	          1, 64),
	OPT_F_STR(0, "segment", struct truncate_args, segment, "I/N", "do only share I of an N-way split (0 <= I < N)"),
	OPT_F_INT('j', "concurrency", struct truncate_args, concurrency, "N", "delete requests in flight (default 4)", 1,
	          64),
	OPT_F_INT(0, "max-wcu", struct truncate_args, max_wcu, "N", "use at most N write capacity units per second", 1,
	          100000000L),
	OPT_F_INT(0, "max-rcu", struct truncate_args, max_rcu, "N", "use at most N read capacity units per second", 1,
	          100000000L),
	OPT_F_INT(0, "max-retries", struct truncate_args, max_retries, "N",
	          "re-sends of unprocessed or throttled deletes per batch (default 10)", 0, 1000),
	OPT_F_DOUBLE(0, "wait-timeout", struct truncate_args, wait_timeout, "SEC",
	             "--recreate: give up waiting after SEC seconds (default 600)"),
	OPT_F_END,
};

/* The prod guard: every run but --plan deletes data. */
static int truncate_destructive(const struct ctx *ctx, const void *args, int npos, char **argv, char *what, size_t n)
{
	const struct truncate_args *a = args;
	if (a->plan || npos < 1)
		return 0;
	char *l = ctx_table_label(ctx, argv[1]);
	if (npos == 1)
		snprintf(what, n, "%s table %s (every item is deleted)", a->recreate ? "drop and re-create" : "truncate", l);
	else
		snprintf(what, n, "truncate %d tables (%s, ...; every item is deleted)", npos, l);
	free(l);
	return 1;
}

const struct cmd cmd_def_truncate = {
	"truncate", cmd_truncate, CMD_AWS | CMD_DESTRUCTIVE | CMD_ASKS, "delete every item of tables, keeping them",
	"ddb truncate TABLE... [--segments N] [--segment I/N] [--concurrency N] [--max-wcu N] [--max-rcu N]\n"
	"         [--max-retries N] [--plan]\n"
	"ddb truncate TABLE... --recreate [--wait-timeout SEC]",
	truncate_opts,
	"Deletes every item and keeps the table: a parallel scan reading only the key attributes feeds batch deletes "
	"(BatchWriteItem, retried as seed's writes are); an engine that ignores Segment is scanned with one segment.  "
	"--recreate instead drops the table and creates it again from its description (keys, indexes, billing, "
	"stream, TTL, tags): faster for a huge table, but the table's stream gets a new ARN (triggers must be "
	"re-attached) and point-in-time recovery history is lost.  --segment I/N deletes only share I of an N-way "
	"split, so N machines can empty one table together.  --max-wcu / --max-rcu cap the capacity used per second.  "
	"--plan prints the items, bytes, capacity units and time from DescribeTable's estimates (updated about every "
	"six hours) and changes nothing.  In prod each table needs --yes, or its name typed on a terminal.  A summary "
	"goes to stderr: deleted, not deleted, throttles, seconds.  Exit 66 when a table does not exist, 75 when the "
	"retry budget ran out, 130 when interrupted.",
	"table",
	truncate_destructive,
	.args_size = sizeof(struct truncate_args),
	.args_init = &(const struct truncate_args){ 0, 0, 0, 0, 0, 0, -1, NULL, -1 },
};

struct tr_state {
	struct bwriter *w;
	const char *wire;
	_Atomic uint64_t tag;
	struct progress *progress;
	long total;
};

static int on_page(void *arg, int segment, cJSON *items, struct err *e)
{
	struct tr_state *st = arg;
	cJSON *it;
	(void)segment;
	while ((it = cJSON_DetachItemFromArray(items, 0))) {
		uint64_t tag = atomic_fetch_add(&st->tag, 1);
		if (bwriter_delete(st->w, st->wire, it, st->wire, tag, e) < 0)
			return -1;
	}
	struct bwriter_stats ws;
	bwriter_snapshot(st->w, &ws);
	progress_update(st->progress, ws.deleted, -1, ws.deleted, st->total, 0);
	return 0;
}

/* {"ProjectionExpression":"#k0, #k1","ExpressionAttributeNames":{...}}: only the key attributes are read. */
static cJSON *keys_only(const struct table_desc *d)
{
	cJSON *req = cJSON_CreateObject(), *names = cJSON_CreateObject();
	cJSON_AddItemToObject(names, "#k0", cJSON_CreateString(d->hash.name));
	if (d->range.name)
		cJSON_AddItemToObject(names, "#k1", cJSON_CreateString(d->range.name));
	cJSON_AddStringToObject(req, "ProjectionExpression", d->range.name ? "#k0, #k1" : "#k0");
	cJSON_AddItemToObject(req, "ExpressionAttributeNames", names);
	return req;
}

static int plan_one(struct ctx *ctx, const char *shown, const struct table_desc *d, const struct truncate_args *a)
{
	struct capacity_plan_in in;
	memset(&in, 0, sizeof in);
	const cJSON *ic = json_get(d->table, "ItemCount"), *sz = json_get(d->table, "TableSizeBytes");
	double items = cJSON_IsNumber(ic) ? ic->valuedouble : 0, bytes = cJSON_IsNumber(sz) ? sz->valuedouble : 0;
	int ngsi = cJSON_GetArraySize(json_get(d->table, "GlobalSecondaryIndexes"));
	capacity_rates_from_desc(d->table, &in);
	in.w.items = (long)items;
	in.w.bytes = (uint64_t)bytes;
	if (items > 0) {
		double per = capacity_write_units((size_t)(bytes / items));
		in.w.wcu = items * per * (1 + ngsi);
		in.w.gsi_writes = (long)items * ngsi;
	}
	in.read_bytes = (uint64_t)bytes;
	if (a->max_wcu)
		in.write_rate = (double)a->max_wcu;
	if (a->max_rcu)
		in.read_rate = (double)a->max_rcu;
	fprintf(ctx->out, "%s: truncate (DescribeTable's ItemCount and TableSizeBytes, updated about every six hours; "
	        "deletes counted at the average item size, with each GSI)\n", shown);
	return bulk_plan_print(ctx, &in);
}

static int recreate_one(struct ctx *ctx, const char *user, const char *wire, const char *shown,
                        const struct truncate_args *a, struct err *e)
{
	struct table_desc d = TABLE_DESC_INIT;
	struct schema *s = NULL;
	int created, rc = -1;
	cJSON *tree = bulk_table_schema(ctx, wire, shown, user, &d, e);
	if (!tree)
		goto done;
	if (!(s = bulk_schema_from_tree(ctx, tree, "(the table's description)", user, e)))
		goto done;
	if (json_get(tree, "StreamSpecification"))
		ctx_warn(ctx, "'%s': re-creating the table gives its stream a new ARN (was %s): re-attach triggers", shown,
		         json_get_string(d.table, "LatestStreamArn") ? json_get_string(d.table, "LatestStreamArn") : "?");
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	cJSON_AddStringToObject(in, "TableName", wire);
	int r = aws_json(ctx, &aws_dynamodb, "DeleteTable", in, &out, e);
	cJSON_Delete(in);
	cJSON_Delete(out);
	if (r < 0 && !aws_is_not_found(e)) {
		err_prefix(e, "'%s': DeleteTable", shown);
		goto done;
	}
	err_clear(e);
	if (table_wait_gone(ctx, wire, shown, a->wait_timeout, e) < 0)
		goto done;
	if (schema_load_ensure(ctx, s, a->wait_timeout, &created, e) < 0) {
		err_prefix(e, "'%s' was dropped; re-creating it failed (schema-load with its schema.json from an export "
		           "creates it)", shown);
		goto done;
	}
	ctx_note(ctx, "'%s' re-created empty", shown);
	rc = 0;
done:
	cJSON_Delete(tree);
	schema_free(s);
	table_desc_release(&d);
	return rc;
}

static int delete_all(struct ctx *ctx, const char *wire, const char *shown, const struct truncate_args *a,
                      struct err *e)
{
	struct table_desc d = TABLE_DESC_INIT;
	struct capacity_bucket wcu, rcu;
	struct tr_state st = { NULL, wire, 0, NULL, 0 };
	struct progress pg;
	struct tablescan_stats ss;
	struct bwriter_stats ws;
	int rc = -1, part, parts;
	cJSON *req = NULL;

	memset(&ss, 0, sizeof ss);
	memset(&ws, 0, sizeof ws);
	progress_init(&pg, ctx->err_out, "truncate", ctx->err_tty && !ctx->quiet);
	st.progress = &pg;
	capacity_bucket_init(&wcu, (double)a->max_wcu, 0, NULL, NULL);
	capacity_bucket_init(&rcu, (double)a->max_rcu, 0, NULL, NULL);
	if (tablescan_parse_part(a->segment, &part, &parts, e) < 0)
		goto done;
	int r = table_describe(ctx, wire, &d, e);
	if (r != 0) {
		if (r == 1)
			err_set(e, ERR_NOINPUT, "table '%s' does not exist", shown);
		goto done;
	}
	if (a->plan) {
		rc = plan_one(ctx, shown, &d, a) < 0 ? err_set(e, ERR_IO, "standard output: write error") : 0;
		goto done;
	}
	if (!d.hash.name) {
		err_set(e, ERR_DATA, "'%s': DescribeTable shows no HASH key", shown);
		goto done;
	}
	req = keys_only(&d);
	const cJSON *ic = json_get(d.table, "ItemCount");
	st.total = cJSON_IsNumber(ic) ? (long)ic->valuedouble / (parts ? parts : 1) : 0;
	struct bwriter_opts wo = { (int)a->concurrency, (int)a->max_retries, NULL, a->max_wcu ? &wcu : NULL, 1, NULL,
	                           NULL };
	wo.progress = &pg;
	if (!(st.w = bwriter_open(ctx, &wo, e)))
		goto done;
	double t0 = clock_now();
	struct tablescan_opts so = { wire, NULL, req, a->segments ? (int)a->segments : 4, part, parts, 0, 0,
	                             a->max_rcu ? &rcu : NULL };
	int sr = tablescan_run(ctx, &so, on_page, &st, &ss, e);
	struct err fe = ERR_INIT;
	int fr = bwriter_finish(st.w, &ws, &fe);
	if (sr == 0 && fr < 0)
		*e = fe;
	progress_clear(&pg);
	ctx_note(ctx, "%ld deleted from '%s'%s, %ld not deleted, %ld retried, %ld throttles (read %ld, write %ld), %.1f s",
	         ws.deleted ? ws.deleted : ws.written, shown, parts ? " (this share)" : "", ws.not_written + ws.rejected,
	         ws.retried, ss.throttles + ws.throttles, ss.throttles, ws.throttles, clock_now() - t0);
	rc = sr < 0 || fr < 0 ? -1 : 0;
done:
	if (st.w)
		bwriter_free(st.w);
	cJSON_Delete(req);
	progress_clear(&pg);
	progress_release(&pg);
	capacity_bucket_release(&wcu);
	capacity_bucket_release(&rcu);
	table_desc_release(&d);
	if (rc < 0 && e->msg[0] && strncmp(e->msg, "'", 1) && strncmp(e->msg, "table '", 7))
		err_prefix(e, "'%s'", shown);
	return rc;
}

static int cmd_truncate(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct truncate_args a = *(struct truncate_args *)args;
	int rc = 0;
	struct err e = ERR_INIT;

	if (!npos)
		return ctx_usage(ctx, &cmd_def_truncate, "missing TABLE");
	if (a.recreate && (a.segment || a.plan))
		return ctx_usage(ctx, &cmd_def_truncate, "--recreate drops the whole table: it does not go with %s",
		                 a.plan ? "--plan" : "--segment");
	int part, parts;
	if (tablescan_parse_part(a.segment, &part, &parts, &e) < 0)
		return ctx_usage(ctx, &cmd_def_truncate, "%s", e.msg);
	for (int i = 1; i <= npos; i++) {
		char *wire = ctx_table_wire(ctx, argv[i]);
		if (ctx_check_table_name(wire, &e) < 0) {
			free(wire);
			return ctx_usage(ctx, &cmd_def_truncate, "%s", e.msg);
		}
		free(wire);
	}
	if (!a.plan)
		for (int i = 1; i <= npos; i++) {
			char *label = ctx_table_label(ctx, argv[i]);
			char *what = xasprintf("%s table %s (every item is deleted)", a.recreate ? "drop and re-create" : "truncate",
			                       label);
			int ok = ctx_confirm(ctx, what, argv[i], &e);
			free(what);
			free(label);
			if (ok < 0)
				return ctx_fail(ctx, &e);
		}
	bulk_sigterm_begin(ctx);
	for (int i = 1; i <= npos && !rc; i++) {
		char *wire = ctx_table_wire(ctx, argv[i]);
		int r = a.recreate ? recreate_one(ctx, argv[i], wire, argv[i], &a, &e) : delete_all(ctx, wire, argv[i], &a, &e);
		free(wire);
		if (r < 0) {
			if (i > 1)
				err_prefix(&e, "%d table%s truncated before this error", i - 1, i == 2 ? "" : "s");
			rc = ctx_fail(ctx, &e);
		}
	}
	bulk_sigterm_end();
	return rc;
}
