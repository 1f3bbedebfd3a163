/* export.c — ddb export TABLE --to DIR|-: DynamoDB's own S3 export layout (lib/exportfmt) on a local directory,
 * fed by the parallel reader (lib/tablescan), one gzip writer per segment; or {"Item":...} lines on stdout. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bulk.h"
#include "dynamo/capacity.h"
#include "aws/clock.h"
#include "dynamo/exportfmt.h"
#include "base/json.h"
#include "dynamo/progress.h"
#include "dynamo/table.h"
#include "dynamo/tablescan.h"

static int cmd_export(struct ctx *ctx, void *args, int npos, char **argv);

struct export_args {
	const char *to, *segment;
	long segments, max_rcu, file_items;
	int consistent;
};

static const struct opt export_opts[] = {
	OPT_F_STRC(0, "to", struct export_args, to, "DIR", "the export directory (created; must not hold an export), or "
	           "- for {\"Item\":...} lines on stdout", "file"),
	OPT_F_INT(0, "segments", struct export_args, segments, "N", "parallel scan segments (threads, one data file "
	          "each), 1-64 (default 4)", 1, 64),
	OPT_F_STR(0, "segment", struct export_args, segment, "I/N", "export only share I of an N-way split (0 <= I < N)"),
	OPT_F_INT(0, "max-rcu", struct export_args, max_rcu, "N", "use at most N read capacity units per second", 1,
	          100000000L),
	OPT_F_INT(0, "file-items", struct export_args, file_items, "N", "start a new data file after N items (default "
	          "100000)", 1, 100000000L),
	OPT_F_BOOL(0, "consistent", struct export_args, consistent, "strongly consistent reads"),
	OPT_F_END,
};

const struct cmd cmd_def_export = {
	"export", cmd_export, CMD_AWS, "dump a table in DynamoDB's export format (or as lines on stdout)",
	"ddb export TABLE --to DIR [--segments N] [--segment I/N] [--max-rcu N] [--file-items N] [--consistent]\n"
	"ddb export TABLE --to - [--segments N] [--segment I/N] [--max-rcu N]",
	export_opts,
	"Writes DynamoDB's own S3 export layout into DIR, so that a ddb export feeds ImportTable (point it at "
	"DIR/data/, DYNAMODB_JSON, GZIP) and an AWS export loads locally with `ddb import`: DIR/data/*.json.gz holding "
	"one {\"Item\":{...}} per line with every type kept (sets, binary, numbers as written), "
	"DIR/manifest-files.json and DIR/manifest-summary.json (item counts, files, MD5 checksums), and "
	"DIR/schema.json: the table's CreateTable input (keys, GSIs, LSIs, billing, stream, TTL, tags) that "
	"`ddb schema-load` and `ddb import` accept.  A parallel scan (--segments, one data file per segment, a new file "
	"every --file-items items) in constant memory; an engine that ignores Segment is scanned with one segment.  "
	"--to - prints the {\"Item\":...} lines on stdout instead (no manifest, no schema).  --segment I/N exports share "
	"I of an N-way split into its own DIR, so N machines export one table together (import takes every DIR).  "
	"A summary goes to stderr.  Exit 64 when DIR already holds an export, 66 when the table does not exist, 74 "
	"when a file cannot be written, 130 when interrupted (DIR then has no manifest-summary.json).",
	"table",
	.args_size = sizeof(struct export_args),
};

struct ex_state {
	struct ctx *ctx;
	struct export_dir *dir;               /* NULL: --to - */
	struct export_writer *w[64];          /* one per segment: each used by its segment's thread only */
	pthread_mutex_t mu;                   /* --to -: one line at a time */
	struct progress progress;
	_Atomic long items;
	long total;                           /* DescribeTable's ItemCount (an estimate), for the ETA */
};

static void progressed(struct ex_state *st, long n)
{
	long items = atomic_fetch_add(&st->items, n) + n;
	progress_update(&st->progress, items, -1, items, st->total, 0);
}

static int on_page(void *arg, int segment, cJSON *items, struct err *e)
{
	struct ex_state *st = arg;
	const cJSON *it;
	if (st->dir) {
		if (segment < 0 || segment >= 64)
			return err_set(e, ERR_INTERNAL, "segment %d out of range", segment);
		if (!st->w[segment])
			st->w[segment] = export_writer_new(st->dir);
		cJSON_ArrayForEach(it, items)
			if (export_writer_add_item(st->w[segment], it, e) < 0)
				return -1;
		progressed(st, cJSON_GetArraySize(items));
		return 0;
	}
	struct buf b = BUF_INIT;
	int rc = 0;
	cJSON_ArrayForEach(it, items) {
		buf_adds(&b, "{\"Item\":");
		if (json_print_to_buf(it, &b, e) < 0) {
			rc = -1;
			break;
		}
		buf_adds(&b, "}\n");
	}
	if (!rc) {
		pthread_mutex_lock(&st->mu);
		if (b.len && fwrite(b.ptr, 1, b.len, st->ctx->out) != b.len)
			rc = err_set(e, ERR_IO, "standard output: write error");
		pthread_mutex_unlock(&st->mu);
	}
	buf_release(&b);
	if (!rc)
		progressed(st, cJSON_GetArraySize(items));
	return rc;
}

static int cmd_export(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct export_args a = *(struct export_args *)args;
	int rc = -1, part, parts;
	struct err e = ERR_INIT;
	struct table_desc d = TABLE_DESC_INIT;
	struct ex_state st;
	struct capacity_bucket rcu;
	struct tablescan_stats ss;
	cJSON *schema = NULL, *req = NULL;
	char *wire = NULL;

	memset(&st, 0, sizeof st);
	memset(&ss, 0, sizeof ss);
	if (npos != 1)
		return ctx_usage(ctx, &cmd_def_export, npos ? "one TABLE at a time" : "missing TABLE");
	if (!a.to)
		return ctx_usage(ctx, &cmd_def_export, "missing --to DIR (or --to - for lines on stdout)");
	if (bulk_parse_segment(a.segment, &part, &parts, &e) < 0)
		return ctx_usage(ctx, &cmd_def_export, "%s", e.msg);
	wire = ctx_table_wire(ctx, argv[1]);
	if (ctx_check_table_name(wire, &e) < 0) {
		free(wire);
		return ctx_usage(ctx, &cmd_def_export, "%s", e.msg);
	}
	int to_stdout = !strcmp(a.to, "-");
	st.ctx = ctx;
	pthread_mutex_init(&st.mu, NULL);
	progress_init(&st.progress, ctx->err_out, "export", ctx->err_tty && !ctx->quiet);
	capacity_bucket_init(&rcu, (double)a.max_rcu, 0, NULL, NULL);

	if (!(schema = bulk_table_schema(ctx, wire, argv[1], argv[1], &d, &e)))
		goto fail;
	const cJSON *ic = json_get(d.table, "ItemCount");
	st.total = cJSON_IsNumber(ic) ? (long)ic->valuedouble : 0;
	if (parts)
		st.total /= parts;
	int64_t start_ms = (int64_t)ctx->now() * 1000;
	if (!to_stdout) {
		struct export_limits lim = { a.file_items, 0, 0 };
		if (export_dir_open(&st.dir, a.to, &lim, &e) < 0)
			goto fail;
	}
	if (a.consistent) {
		req = cJSON_CreateObject();
		cJSON_AddBoolToObject(req, "ConsistentRead", 1);
	}
	bulk_sigterm_begin(ctx);
	double t0 = clock_now();
	struct tablescan_opts so = { wire, NULL, req, a.segments ? (int)a.segments : 4, part, parts, 0, 0,
	                             a.max_rcu ? &rcu : NULL };
	int sr = tablescan_run(ctx, &so, on_page, &st, &ss, &e);
	bulk_sigterm_end();
	progress_clear(&st.progress);
	if (to_stdout) {
		if (fflush(ctx->out) != 0 && sr == 0)
			sr = err_set(&e, ERR_IO, "standard output: write error");
		if (sr < 0)
			goto fail;
		ctx_note(ctx, "%ld items of '%s'%s printed, %ld throttles, %.1f s", ss.items, argv[1],
		         parts ? " (this share)" : "", ss.throttles, clock_now() - t0);
		rc = 0;
		goto out;
	}
	for (int i = 0; i < 64; i++) {
		if (!st.w[i])
			continue;
		if (sr == 0) {
			if (export_writer_close(st.w[i], &e) < 0)
				sr = -1;
		} else {
			export_writer_abort(st.w[i]);
		}
		st.w[i] = NULL;
	}
	if (sr < 0) {
		err_prefix(&e, "%s is incomplete (no manifest)", a.to);
		goto fail;
	}
	if (export_write_schema(a.to, schema, &e) < 0)
		goto fail;
	struct export_meta meta;
	memset(&meta, 0, sizeof meta);
	meta.table_arn = d.arn;
	meta.table_id = json_get_string(d.table, "TableId");
	meta.start_ms = meta.export_ms = start_ms;
	meta.end_ms = (int64_t)ctx->now() * 1000;
	if (export_dir_finish(st.dir, &meta, &e) < 0)
		goto fail;
	long files, items;
	uint64_t bytes;
	export_dir_totals(st.dir, &files, &items, &bytes);
	ctx_note(ctx, "%ld items of '%s'%s exported to %s (%ld data file%s, %llu bytes), %ld throttles, %.1f s", items,
	         argv[1], parts ? " (this share)" : "", a.to, files, files == 1 ? "" : "s", (unsigned long long)bytes,
	         ss.throttles, clock_now() - t0);
	rc = 0;
	goto out;
fail:
	for (int i = 0; i < 64; i++)
		if (st.w[i])
			export_writer_abort(st.w[i]);
	rc = ctx_fail(ctx, &e);
out:
	export_dir_free(st.dir);
	progress_clear(&st.progress);
	progress_release(&st.progress);
	pthread_mutex_destroy(&st.mu);
	capacity_bucket_release(&rcu);
	cJSON_Delete(schema);
	cJSON_Delete(req);
	table_desc_release(&d);
	free(wire);
	return rc;
}
