/* scan.c — ddb scan: every page of a table (or index), streamed as it arrives; parallel segments, shares of a scan
 * split across processes, a read-rate cap, a total limit, filters and projections, counts.  The reading is
 * lib/dynamo/tablescan.h's; this file builds the request and renders the items. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "dynamo/capacity.h"
#include "cli/cmd.h"
#include "dynamo/expr.h"
#include "dynamo/item.h"
#include "base/json.h"
#include "cli/render.h"
#include "dynamo/tablescan.h"

static int cmd_scan(struct ctx *ctx, void *args, int npos, char **argv);

struct scan_args {
	long segments, limit, page_size;
	const char *index, *projection, *segment;
	double max_rcu;
	struct strlist values, names;
	struct strlist filter;
	int count, consistent;
};

static void scan_args_release(struct scan_args *a)
{
	strlist_release(&a->filter);
	strlist_release(&a->values);
	strlist_release(&a->names);
}

static const struct opt scan_opts[] = {
	OPT_F_INT(0, "segments", struct scan_args, segments, "N", "parallel scan with N segments (threads), 1-64", 1,
	          TABLESCAN_MAX_SEGMENTS),
	OPT_F_STR(0, "segment", struct scan_args, segment, "I/N",
	          "only share I (0 to N-1) of an N-way scan split across processes"),
	OPT_F_DOUBLE(0, "max-rcu", struct scan_args, max_rcu, "N", "read at most N read capacity units per second"),
	OPT_F_INT(0, "limit", struct scan_args, limit, "N", "stop after N items in total", 1, 2147483647L),
	OPT_F_INT(0, "page-size", struct scan_args, page_size, "N", "items evaluated per request (Limit)", 1,
	          2147483647L),
	OPT_F_STR(0, "index", struct scan_args, index, "NAME", "scan a secondary index"),
	OPT_F_LIST(0, "filter", struct scan_args, filter, "EXPR",
	           "FilterExpression, or name=value (repeatable, AND-ed)"),
	OPT_F_STR(0, "projection", struct scan_args, projection, "ATTRS", "only these attributes (a,b,c)"),
	OPT_F_LIST(0, "values", struct scan_args, values, "JSON",
	           "ExpressionAttributeValues, plain JSON or DynamoDB JSON ({\":s\":\"x\"}; repeatable, merged)"),
	OPT_F_LIST(0, "names", struct scan_args, names, "JSON",
	           "ExpressionAttributeNames ({\"#n\":\"name\"}; repeatable, merged)"),
	OPT_F_BOOL(0, "count", struct scan_args, count, "print the number of items (and how many were scanned)"),
	OPT_F_BOOL(0, "consistent", struct scan_args, consistent, "strongly consistent reads"),
	OPT_F_END,
};

const struct cmd cmd_def_scan = {
	"scan", cmd_scan, CMD_AWS, "read every item of a table, streamed",
	"ddb scan TABLE [--segments N] [--segment I/N] [--max-rcu N] [--limit N] [--page-size N] [--index NAME]\n"
	"         [--filter EXPR]... [--projection ATTRS] [--values JSON]... [--names JSON]... [--count] [--consistent]\n"
	"         [--ddb-json]",
	scan_opts,
	"Reads every page of Scan (following LastEvaluatedKey) and prints items as they arrive, so output starts "
	"with the first page and memory stays flat however big the table.  Piped, one plain JSON item per line "
	"(sets become arrays, binary base64); on a terminal, a table with the key attributes first; --ddb-json "
	"prints typed, lossless DynamoDB JSON that seed accepts back.  --filter takes a FilterExpression with "
	"--values/--names, or name=value sugar: NAME=VALUE becomes '#f0 = :f0', the value typed as a number when "
	"it is a JSON number, BOOL for true/false, NULL for null, the string inside the quotes for a JSON string "
	"(\"30\"), else a string.  --segments N scans in parallel (items of different segments interleave).  "
	"--segment I/N reads share I (counted from 0) of a scan split across N processes or machines: the N runs "
	"0/N ... N-1/N together print every item once (with --segments M each runs M threads, and all N should use "
	"the same M).  An endpoint that ignores Segment (every segment returns the whole table) is found by two small "
	"probes and scanned with one segment, with a note; share 0 then reads the whole table and the others "
	"nothing.  --max-rcu N keeps reads under N read capacity units per second (ReturnConsumedCapacity, or the "
	"size of the items where a server does not report it), and notes the units used.  "
	"--limit N stops after N items in total.  --count prints the number of matching items (and the number "
	"scanned, on stderr).",
	"table",
	.args_size = sizeof(struct scan_args), .args_init = &(const struct scan_args){ .max_rcu = -1 },   /* not given */
};

struct scan_state {
	struct ctx *ctx;
	struct render *r;
	pthread_mutex_t mu;
	long emitted;               /* under mu */
	atomic_int closed;          /* the reader of the output went away (EPIPE): stop quietly */
	struct item_key_attr keys[2];
	size_t nkeys;
	int keys_first;
};

/* Render the items of one page (tablescan_fn, called from every segment's thread).  0; 1 when the reader of the
 * output went away; -1 with e (output error, bad item). */
static int emit_page(void *arg, int segment, cJSON *items, struct err *e)
{
	struct scan_state *st = arg;
	const cJSON *it;
	(void)segment;
	cJSON_ArrayForEach(it, items) {
		cJSON *row = st->ctx->ddb_json ? cJSON_Duplicate(it, 1) : item_to_plain(it, e);
		if (!row)
			return -1;
		if (st->keys_first)
			expr_keys_first(row, st->keys, st->nkeys);
		pthread_mutex_lock(&st->mu);
		int rc = render_row(st->r, row, e);
		if (rc < 0 && errno == EPIPE) {   /* `ddb scan t | head`: not an error */
			atomic_store(&st->closed, 1);
			err_clear(e);
			rc = 1;
		}
		if (rc == 0)
			st->emitted++;
		pthread_mutex_unlock(&st->mu);
		cJSON_Delete(row);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* --segment I/N: I from 0 to N-1, N from 1 to 1,000,000 (DynamoDB's TotalSegments). */
/* "table 'x' does not exist" instead of the engine's wording. */
static void table_missing(struct err *e, const char *shown)
{
	aws_table_not_found(e, shown, -1);
}

static int cmd_scan(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct scan_args a = *(struct scan_args *)args;
	int rc = -1;
	struct err e = ERR_INIT;
	struct expr x;
	struct buf filter = BUF_INIT, proj = BUF_INIT;
	char *wire = NULL;
	cJSON *in = NULL, *desc = NULL;
	struct scan_state st;
	struct tablescan_opts so;
	struct tablescan_stats ss;
	struct capacity_bucket rcu;
	int part = 0, parts = 0;

	if (npos < 1) {
		scan_args_release(&a);
		return ctx_usage(ctx, &cmd_def_scan, "missing TABLE");
	}
	if (npos > 1) {
		scan_args_release(&a);
		return ctx_usage(ctx, &cmd_def_scan, "unexpected argument '%s'", argv[2]);
	}
	if (a.count && (a.projection || a.limit)) {
		scan_args_release(&a);
		return ctx_usage(ctx, &cmd_def_scan, "--count cannot be combined with %s",
		                 a.projection ? "--projection" : "--limit");
	}
	if (tablescan_parse_part(a.segment, &part, &parts, &e) < 0) {
		scan_args_release(&a);
		return ctx_usage(ctx, &cmd_def_scan, "%s", e.msg);
	}
	if (a.max_rcu == 0) {
		scan_args_release(&a);
		return ctx_usage(ctx, &cmd_def_scan, "--max-rcu: expected read units per second above 0");
	}
	const char *table = argv[1];
	memset(&st, 0, sizeof(st));
	memset(&ss, 0, sizeof(ss));
	pthread_mutex_init(&st.mu, NULL);
	atomic_init(&st.closed, 0);
	if (a.max_rcu > 0)
		capacity_bucket_init(&rcu, a.max_rcu, 0, NULL, NULL);
	expr_init(&x);
	wire = ctx_table_wire(ctx, table);

	for (size_t i = 0; i < a.names.n; i++)
		if (expr_add_names(&x, a.names.v[i], &e) < 0)
			goto fail;
	for (size_t i = 0; i < a.values.n; i++)
		if (expr_add_values(&x, a.values.v[i], &e) < 0)
			goto fail;
	if (expr_filter(&x, a.filter.v, a.filter.n, &filter, &e) < 0)
		goto fail;
	if (a.projection && expr_projection(&x, a.projection, &proj, &e) < 0)
		goto fail;

	in = cJSON_CreateObject();
	if (filter.len)
		cJSON_AddStringToObject(in, "FilterExpression", buf_cstr(&filter));
	if (proj.len)
		cJSON_AddStringToObject(in, "ProjectionExpression", buf_cstr(&proj));
	if (a.count)
		cJSON_AddStringToObject(in, "Select", "COUNT");
	if (a.consistent)
		cJSON_AddBoolToObject(in, "ConsistentRead", 1);
	expr_apply(&x, in);

	st.ctx = ctx;
	memset(&so, 0, sizeof(so));
	so.table = wire;
	so.index = a.index;
	so.request = in;
	so.segments = a.segments > 1 ? (int)a.segments : 1;
	so.part = part;
	so.parts = parts;
	so.limit = a.limit;
	so.page_size = a.page_size;
	so.rcu = a.max_rcu > 0 ? &rcu : NULL;

	if (a.count) {
		rc = tablescan_run(ctx, &so, emit_page, &st, &ss, &e);
		if (rc != 0)
			goto fail;
		if (ctx->output == OUT_JSON || ctx->output == OUT_JSONL || ctx->output == OUT_MAP) {
			fprintf(ctx->out, "{\"Count\":%ld,\"ScannedCount\":%ld}\n", ss.items, ss.scanned);
		} else {
			fprintf(ctx->out, "%ld\n", ss.items);
			if (ss.scanned != ss.items)
				ctx_note(ctx, "%ld items scanned", ss.scanned);
		}
		if (fflush(ctx->out) != 0 || ferror(ctx->out)) {
			rc = err_set(&e, ERR_IO, "cannot write output");
			goto fail;
		}
		goto done;
	}

	enum out_mode mode = render_pick(ctx, OUT_JSONL);
	if (mode == OUT_TABLE || mode == OUT_TEXT) {
		/* key attributes first: the key schema from DescribeTable */
		cJSON *din = cJSON_CreateObject();
		cJSON_AddStringToObject(din, "TableName", wire);
		rc = aws_json(ctx, &aws_dynamodb, "DescribeTable", din, &desc, &e);
		cJSON_Delete(din);
		if (rc < 0)
			goto fail;
		if (expr_key_schema(desc, a.index, table, st.keys, &st.nkeys, &e) < 0)
			goto fail;
		st.keys_first = 1;
	}
	st.r = render_begin(ctx, OUT_JSONL, NULL);
	rc = tablescan_run(ctx, &so, emit_page, &st, &ss, &e);
	if (rc == 1) {   /* the reader went away */
		render_abort(st.r);
		clearerr(ctx->out);   /* main's last flush sees EPIPE afresh and exits 0 */
		rc = 0;
		goto out;
	}
	if (rc < 0) {
		render_abort(st.r);
		goto fail;
	}
	if (render_end(st.r, &e) < 0)
		goto fail;
done:
	if (a.max_rcu > 0)
		ctx_note(ctx, "%.1f read capacity units used (--max-rcu %g)", ss.rcu, a.max_rcu);
	rc = 0;
	goto out;
fail:
	if (e.kind == ERR_IO && (atomic_load(&st.closed) || errno == EPIPE)) {
		clearerr(ctx->out);   /* main's last flush sees EPIPE afresh and exits 0 */
		rc = 0;
		goto out;
	}
	table_missing(&e, table);
	if (e.kind == ERR_INTERRUPTED && !a.count)
		snprintf(e.msg, sizeof(e.msg), "interrupted after %ld items (the scan is incomplete)", st.emitted);
	else if (e.kind == ERR_TEMPFAIL && !a.count)
		err_prefix(&e, "the scan is incomplete (%ld items printed)", st.emitted);
	rc = ctx_fail(ctx, &e);
out:
	cJSON_Delete(in);
	cJSON_Delete(desc);
	expr_release(&x);
	buf_release(&filter);
	buf_release(&proj);
	free(wire);
	scan_args_release(&a);
	pthread_mutex_destroy(&st.mu);
	if (a.max_rcu > 0)
		capacity_bucket_release(&rcu);
	return rc;
}
