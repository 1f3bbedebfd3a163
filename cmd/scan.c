/* scan.c — ddb scan: every page of a table (or index), streamed as it arrives; parallel segments, a total limit,
 * filters and projections, counts. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "cmd.h"
#include "creds.h"
#include "expr.h"
#include "http.h"
#include "item.h"
#include "json.h"
#include "render.h"

static int cmd_scan(int argc, char **argv, struct ctx *ctx);

struct scan_args {
	long segments, limit, page_size;
	const char *index, *projection;
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

#define SCAN_MAX_SEGMENTS 64

static const struct opt scan_opts[] = {
	OPT_F_INT(0, "segments", struct scan_args, segments, "N", "parallel scan with N segments (threads), 1-64", 1,
	          SCAN_MAX_SEGMENTS),
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
	"ddb scan TABLE [--segments N] [--limit N] [--page-size N] [--index NAME] [--filter EXPR]...\n"
	"         [--projection ATTRS] [--values JSON]... [--names JSON]... [--count] [--consistent] [--ddb-json]",
	scan_opts,
	"Reads every page of Scan (following LastEvaluatedKey) and prints items as they arrive, so output starts "
	"with the first page and memory stays flat however big the table.  Piped, one plain JSON item per line "
	"(sets become arrays, binary base64); on a terminal, a table with the key attributes first; --ddb-json "
	"prints typed, lossless DynamoDB JSON that seed accepts back.  --filter takes a FilterExpression with "
	"--values/--names, or name=value sugar: NAME=VALUE becomes '#f0 = :f0', the value typed as a number when "
	"it is a JSON number, BOOL for true/false, NULL for null, the string inside the quotes for a JSON string "
	"(\"30\"), else a string.  --segments N scans in parallel (items of different segments interleave).  "
	"--limit N stops after N items in total.  --count prints the number of matching items (and the number "
	"scanned, on stderr).",
	"table",
};

/* Parsed pages all segments may hold together (in values, aws.h): two responses at their largest, about 600 MB at
 * the very worst, whatever --segments says. */
#define SCAN_BUDGET_VALUES (2 * (size_t)AWS_MAX_VALUES)

struct scan_state {
	struct ctx *ctx;
	struct render *r;
	pthread_mutex_t mu;
	const cJSON *tmpl;          /* the request every segment starts from */
	int segments, count_only, has_filter;
	long limit, page_size;
	long emitted, count, scanned;   /* under mu */
	atomic_int stop;
	atomic_int closed;          /* the reader of the output went away (EPIPE): stop quietly */
	int failed;                 /* under mu: err holds the first error */
	struct err err;
	struct aws_budget budget;   /* parsed pages held by all segments together (aws.h) */
	struct item_key_attr keys[2];
	size_t nkeys;
	int keys_first;
};

static void scan_fail(struct scan_state *st, const struct err *e)
{
	pthread_mutex_lock(&st->mu);
	if (!st->failed) {
		st->failed = 1;
		st->err = *e;
	}
	pthread_mutex_unlock(&st->mu);
	atomic_store(&st->stop, 1);
}

/* A page's Count or ScannedCount (a server's number: in range before it becomes a long; a page holds at most 1 MB). */
static long count_of(const cJSON *n)
{
	return cJSON_IsNumber(n) && n->valuedouble >= 0 && n->valuedouble <= 1e9 ? (long)n->valuedouble : 0;
}

/* Render the items of one page.  0, or -1 with e (output error, bad item). */
static int emit_page(struct scan_state *st, const cJSON *page, struct err *e)
{
	const cJSON *items = json_get(page, "Items");
	const cJSON *it;
	if (st->count_only) {
		const cJSON *c = json_get(page, "Count"), *s = json_get(page, "ScannedCount");
		pthread_mutex_lock(&st->mu);
		st->count += count_of(c);
		st->scanned += count_of(s);
		pthread_mutex_unlock(&st->mu);
		return 0;
	}
	if (items && !cJSON_IsArray(items))
		return err_set(e, ERR_DATA, "Scan: Items is not a list");
	cJSON_ArrayForEach(it, items) {
		cJSON *row = st->ctx->ddb_json ? cJSON_Duplicate(it, 1) : item_to_plain(it, e);
		if (!row)
			return -1;
		if (st->keys_first)
			expr_keys_first(row, st->keys, st->nkeys);
		int rc = 0;
		pthread_mutex_lock(&st->mu);
		if (atomic_load(&st->stop) || (st->limit && st->emitted >= st->limit)) {
			atomic_store(&st->stop, 1);
			pthread_mutex_unlock(&st->mu);
			cJSON_Delete(row);
			return 0;
		}
		rc = render_row(st->r, row, e);
		if (rc < 0 && errno == EPIPE) {   /* `ddb scan t | head`: not an error */
			atomic_store(&st->closed, 1);
			atomic_store(&st->stop, 1);
			err_clear(e);
			rc = 0;
		}
		st->emitted++;
		if (st->limit && st->emitted >= st->limit)
			atomic_store(&st->stop, 1);
		pthread_mutex_unlock(&st->mu);
		cJSON_Delete(row);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* One segment is a pipeline of two threads: the fetcher sends a request, parses the page, and sends the next request
 * (with the page's LastEvaluatedKey) while the consumer renders the page it handed over.  At most one page waits in
 * the slot, so memory stays at about three pages whatever the table's size. */
struct pipe {
	struct scan_state *st;
	int segment;                /* < 0: the whole table */
	struct http *http;          /* NULL: ctx's transport */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	cJSON *slot;                /* a fetched page waiting to be rendered */
	size_t slot_cost;           /* its share of st->budget */
	int done, quit, failed;
	struct err err;
};

static void *fetch_main(void *arg)
{
	struct pipe *p = arg;
	struct scan_state *st = p->st;
	struct err e = ERR_INIT;
	cJSON *in = cJSON_Duplicate(st->tmpl, 1);
	int rc = 0;
	if (p->segment >= 0) {
		cJSON_AddNumberToObject(in, "Segment", p->segment);
		cJSON_AddNumberToObject(in, "TotalSegments", st->segments);
	}
	for (;;) {
		if (atomic_load(&st->stop))
			break;
		if (ctx_interrupted(st->ctx)) {
			rc = err_set(&e, ERR_INTERRUPTED, "interrupted");
			break;
		}
		long lim = st->page_size;
		if (st->limit && !st->has_filter && !st->count_only) {
			pthread_mutex_lock(&st->mu);
			long left = st->limit - st->emitted;
			pthread_mutex_unlock(&st->mu);
			if (left <= 0)
				break;
			if (!lim || left < lim)
				lim = left;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(in, "Limit");
		if (lim)
			cJSON_AddNumberToObject(in, "Limit", (double)lim);
		cJSON *page = NULL;
		struct aws_response meta;
		memset(&meta, 0, sizeof(meta));
		meta.budget = &st->budget;
		if (aws_json_on(st->ctx, p->http, &aws_dynamodb, "Scan", in, &page, &meta, &e) < 0) {
			rc = -1;
			break;
		}
		cJSON *lek = cJSON_DetachItemFromObjectCaseSensitive(page, "LastEvaluatedKey");
		/* before the page is shown: a page that repeats its request would print the same items forever */
		if (aws_token_repeated("Scan", "LastEvaluatedKey", cJSON_GetObjectItemCaseSensitive(in, "ExclusiveStartKey"),
		                       lek, &e) < 0) {
			cJSON_Delete(page);
			aws_budget_give(&st->budget, meta.cost);
			cJSON_Delete(lek);
			rc = -1;
			break;
		}
		pthread_mutex_lock(&p->mu);
		while (p->slot && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		int quit = p->quit;
		if (!quit) {
			p->slot = page;
			p->slot_cost = meta.cost;
			pthread_cond_broadcast(&p->cv);
		}
		pthread_mutex_unlock(&p->mu);
		if (quit) {
			cJSON_Delete(page);
			aws_budget_give(&st->budget, meta.cost);
			cJSON_Delete(lek);
			break;
		}
		if (!lek || !cJSON_IsObject(lek)) {
			cJSON_Delete(lek);
			break;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(in, "ExclusiveStartKey");
		cJSON_AddItemToObject(in, "ExclusiveStartKey", lek);
	}
	cJSON_Delete(in);
	pthread_mutex_lock(&p->mu);
	p->done = 1;
	if (rc < 0) {
		p->failed = 1;
		p->err = e;
	}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	aws_thread_cleanup();
	return NULL;
}

/* One segment (segment < 0: the whole table), page after page, on transport http (NULL: ctx's). */
static int scan_segment(struct scan_state *st, int segment, struct http *http, struct err *e)
{
	struct pipe p;
	pthread_t th;
	int rc = 0;
	memset(&p, 0, sizeof(p));
	p.st = st;
	p.segment = segment;
	p.http = http;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (pthread_create(&th, NULL, fetch_main, &p) != 0) {
		pthread_cond_destroy(&p.cv);
		pthread_mutex_destroy(&p.mu);
		return err_set(e, ERR_INTERNAL, "cannot start the scan's fetch thread");
	}
	for (;;) {
		pthread_mutex_lock(&p.mu);
		while (!p.slot && !p.done)
			pthread_cond_wait(&p.cv, &p.mu);
		cJSON *page = p.slot;
		size_t cost = p.slot_cost;
		p.slot = NULL;
		p.slot_cost = 0;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		if (!page)
			break;   /* done, nothing left */
		rc = emit_page(st, page, e);
		cJSON_Delete(page);
		aws_budget_give(&st->budget, cost);
		if (rc < 0)
			break;
	}
	pthread_mutex_lock(&p.mu);
	p.quit = 1;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	pthread_join(th, NULL);
	cJSON_Delete(p.slot);
	aws_budget_give(&st->budget, p.slot_cost);
	if (rc == 0 && p.failed) {
		*e = p.err;
		rc = -1;
	}
	if (rc == 0 && ctx_interrupted(st->ctx))
		rc = err_set(e, ERR_INTERRUPTED, "interrupted");
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

struct seg_thread {
	struct scan_state *st;
	int segment;
	pthread_t th;
	int started;
};

static void *seg_main(void *arg)
{
	struct seg_thread *t = arg;
	struct ctx *ctx = t->st->ctx;
	struct http_opts o = { 0 };
	struct err e = ERR_INIT;
	o.connect_timeout_ms = ctx->connect_timeout > 0 ? (long)(ctx->connect_timeout * 1000) : 0;
	o.timeout_ms = ctx->timeout > 0 ? (long)(ctx->timeout * 1000) : 0;
	o.interrupted = ctx->interrupted;
	struct http *h = http_new(&o);
	if (scan_segment(t->st, t->segment, h, &e) < 0)
		scan_fail(t->st, &e);
	http_free(h);
	aws_thread_cleanup();
	return NULL;
}

static int run_segments(struct scan_state *st, struct err *e)
{
	if (st->segments <= 1)
		return scan_segment(st, -1, NULL, e);
	/* resolve the credentials once, before the threads share ctx's cache */
	struct creds c;
	if (creds_get(st->ctx, &c, e) < 0)
		return -1;
	creds_release(&c);
	struct seg_thread *t = xcalloc((size_t)st->segments, sizeof(*t));
	int rc = 0;
	for (int i = 0; i < st->segments; i++) {
		t[i].st = st;
		t[i].segment = i;
		if (pthread_create(&t[i].th, NULL, seg_main, &t[i]) != 0) {
			struct err te = ERR_INIT;
			err_set(&te, ERR_INTERNAL, "cannot start scan thread %d", i);
			scan_fail(st, &te);
			break;
		}
		t[i].started = 1;
	}
	for (int i = 0; i < st->segments; i++)
		if (t[i].started)
			pthread_join(t[i].th, NULL);
	free(t);
	if (st->failed) {
		*e = st->err;
		rc = -1;
	}
	return rc;
}

/* "table 'x' does not exist" instead of the engine's wording. */
static void table_missing(struct err *e, const char *shown)
{
	aws_table_not_found(e, shown, -1);
}

static int cmd_scan(int argc, char **argv, struct ctx *ctx)
{
	struct scan_args a = { 0 };
	int npos, code, rc = -1;
	struct err e = ERR_INIT;
	struct expr x;
	struct buf filter = BUF_INIT, proj = BUF_INIT;
	char *wire = NULL;
	cJSON *in = NULL, *desc = NULL;
	struct scan_state st;

	if (cmd_start(ctx, &cmd_def_scan, argc, argv, &a, &npos, &code))
		return code;
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
	const char *table = argv[1];
	memset(&st, 0, sizeof(st));
	pthread_mutex_init(&st.mu, NULL);
	aws_budget_init(&st.budget, SCAN_BUDGET_VALUES);
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
	cJSON_AddStringToObject(in, "TableName", wire);
	if (a.index)
		cJSON_AddStringToObject(in, "IndexName", a.index);
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
	st.tmpl = in;
	st.segments = a.segments > 1 ? (int)a.segments : 1;
	st.count_only = a.count;
	st.has_filter = filter.len > 0;
	st.limit = a.limit;
	st.page_size = a.page_size;
	atomic_init(&st.stop, 0);
	atomic_init(&st.closed, 0);

	if (a.count) {
		rc = run_segments(&st, &e);
		if (rc < 0)
			goto fail;
		if (ctx->output == OUT_JSON || ctx->output == OUT_JSONL || ctx->output == OUT_MAP) {
			fprintf(ctx->out, "{\"Count\":%ld,\"ScannedCount\":%ld}\n", st.count, st.scanned);
		} else {
			fprintf(ctx->out, "%ld\n", st.count);
			if (st.scanned != st.count)
				ctx_note(ctx, "%ld items scanned", st.scanned);
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
	rc = run_segments(&st, &e);
	if (rc < 0) {
		render_abort(st.r);
		goto fail;
	}
	if (render_end(st.r, &e) < 0)
		goto fail;
done:
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
	aws_budget_release(&st.budget);
	return rc;
}
