/* export.c — ddb export TABLE --to DIR|-: DynamoDB's own S3 export layout (lib/exportfmt) on a local directory,
 * fed by the parallel reader (lib/tablescan), one gzip writer per segment; or {"Item":...} lines on stdout. */
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bulk.h"
#include "dynamo/capacity.h"
#include "aws/clock.h"
#include "dynamo/exportfmt.h"
#include "base/json.h"
#include "dynamo/progress.h"
#include "dynamo/table.h"
#include "dynamo/tablescan.h"
#include "aws/aws.h"
#include "aws/s3.h"
#include "base/term.h"

static int cmd_export(struct ctx *ctx, void *args, int npos, char **argv);

struct export_args {
	const char *to, *segment;
	long segments, max_rcu, file_items;
	int consistent, client, enable_pitr;
};

static const struct opt export_opts[] = {
	OPT_F_STRC(0, "to", struct export_args, to, "DIR", "the export directory (created; must not hold an export), "
	           "s3://BUCKET/PREFIX (uploaded as DynamoDB lays an export out), or - for {\"Item\":...} lines on stdout",
	           "file"),
	OPT_F_INT(0, "segments", struct export_args, segments, "N", "parallel scan segments (threads, one data file "
	          "each), 1-64 (default 4)", 1, 64),
	OPT_F_STR(0, "segment", struct export_args, segment, "I/N", "export only share I of an N-way split (0 <= I < N)"),
	OPT_F_INT(0, "max-rcu", struct export_args, max_rcu, "N", "use at most N read capacity units per second", 1,
	          100000000L),
	OPT_F_INT(0, "file-items", struct export_args, file_items, "N", "start a new data file after N items (default "
	          "100000)", 1, 100000000L),
	OPT_F_BOOL(0, "consistent", struct export_args, consistent, "strongly consistent reads"),
	OPT_F_BOOL(0, "client", struct export_args, client, "--to s3:// in prod: scan and upload from this machine "
	           "instead of DynamoDB's export (no point-in-time recovery needed)"),
	OPT_F_BOOL(0, "enable-pitr", struct export_args, enable_pitr, "--to s3:// in prod: turn point-in-time recovery on "
	           "first (UpdateContinuousBackups)"),
	OPT_F_END,
};

const struct cmd cmd_def_export = {
	"export", cmd_export, CMD_AWS, "dump a table in DynamoDB's export format (or as lines on stdout)",
	"ddb export TABLE --to DIR [--segments N] [--segment I/N] [--max-rcu N] [--file-items N] [--consistent]\n"
	"ddb export TABLE --to s3://BUCKET/PREFIX [--enable-pitr] [--client [--segments N] [--max-rcu N] ...]\n"
	"ddb export TABLE --to - [--segments N] [--segment I/N] [--max-rcu N]",
	export_opts,
	"Writes DynamoDB's own S3 export layout into DIR, so that a ddb export feeds ImportTable (point it at "
	"DIR/data/, DYNAMODB_JSON, GZIP) and an AWS export loads locally with `ddb import`: DIR/data/*.json.gz holding "
	"one {\"Item\":{...}} per line with every type kept (sets, binary, numbers as written), "
	"DIR/manifest-files.json and DIR/manifest-summary.json (item counts, files, MD5 checksums), and "
	"DIR/schema.json: the table's CreateTable input (keys, GSIs, LSIs, billing, stream, TTL, tags) that "
	"`ddb schema-load` and `ddb import` accept.  A parallel scan (--segments, one data file per segment, a new file "
	"every --file-items items) in constant memory; an engine that ignores Segment is scanned with one segment.  "
	"--to s3://BUCKET/PREFIX in prod asks DynamoDB to export (ExportTableToPointInTime, DYNAMODB_JSON; the table "
	"needs point-in-time recovery: --enable-pitr turns it on first), waits for it (Ctrl-C stops waiting; the "
	"export goes on and its ARN is printed), adds schema.json next to the manifests and prints the export ARN and "
	"each object's s3:// URL on stdout.  With --client, and on local engines, ddb writes the same layout in a "
	"private temporary directory and uploads it (multipart for large files) under PREFIX/AWSDynamoDB/EXPORT-ID/ "
	"as DynamoDB lays it out, manifest-summary.json last.  `ddb import s3://BUCKET/PREFIX` loads either back.  "
	"S3 requests go to AWS_ENDPOINT_URL_S3 when set.  "
	"--to - prints the {\"Item\":...} lines on stdout instead (no manifest, no schema).  --segment I/N exports share "
	"I of an N-way split into its own DIR, so N machines export one table together (import takes every DIR).  "
	"A summary goes to stderr.  Exit 64 when DIR already holds an export or for a bad s3:// URL, 78 when "
	"point-in-time recovery is off, 66 when the table does not exist, 74 "
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

/* The export's objects, listed from its manifest-files.json: each data file's s3:// URL on ctx->out. */
static int print_export_files(struct ctx *ctx, struct s3_client *c, const char *bucket, const char *root,
                              struct err *e)
{
	struct buf b = BUF_INIT;
	char *key = xasprintf("%s/manifest-files.json", root);
	int rc = s3_get_buf(c, bucket, key, &b, 64u << 20, e);
	free(key);
	if (rc < 0) {
		buf_release(&b);
		return -1;
	}
	(void)buf_cstr(&b);   /* NUL-terminated */
	char *line = b.ptr, *nl;
	for (; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		cJSON *j = cJSON_Parse(line);
		const char *k = json_get_string(j, "dataFileS3Key");
		if (k) {
			char *shown = term_clean(k);
			fprintf(ctx->out, "s3://%s/%s\n", bucket, shown);
			free(shown);
		}
		cJSON_Delete(j);
	}
	buf_release(&b);
	return 0;
}

/* --to s3:// in prod: DynamoDB's own export (ExportTableToPointInTime), waited for; schema.json added next to it. */
static int export_prod(struct ctx *ctx, const struct export_args *a, const struct s3_url *u, const char *wire,
                       const char *shown, const struct table_desc *d, const cJSON *schema, struct err *e)
{
	cJSON *in = NULL, *out = NULL;
	char *arn = NULL, *root = NULL, *text = NULL;
	struct s3_client c;
	int have_c = 0, rc = -1;

	if (!d->arn)
		return err_set(e, ERR_DATA, "DescribeTable of '%s' gave no TableArn", shown);
	if (a->enable_pitr) {
		in = cJSON_CreateObject();
		cJSON_AddStringToObject(in, "TableName", wire);
		cJSON *spec = cJSON_AddObjectToObject(in, "PointInTimeRecoverySpecification");
		cJSON_AddBoolToObject(spec, "PointInTimeRecoveryEnabled", 1);
		if (aws_json(ctx, &aws_dynamodb, "UpdateContinuousBackups", in, &out, e) < 0)
			goto done;
		cJSON_Delete(in);
		cJSON_Delete(out);
		in = out = NULL;
		ctx_note(ctx, "point-in-time recovery enabled on '%s'", shown);
	}
	if (s3_client_init(&c, ctx, e) < 0)
		goto done;
	have_c = 1;
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "TableArn", d->arn);
	cJSON_AddStringToObject(in, "S3Bucket", u->bucket);
	if (*u->prefix)
		cJSON_AddStringToObject(in, "S3Prefix", u->prefix);
	cJSON_AddStringToObject(in, "ExportFormat", "DYNAMODB_JSON");
	char token[37];
	bulk_client_token(token);
	cJSON_AddStringToObject(in, "ClientToken", token);
	if (aws_json(ctx, &aws_dynamodb, "ExportTableToPointInTime", in, &out, e) < 0) {
		if (!strcmp(e->type, "PointInTimeRecoveryUnavailableException"))
			err_set(e, ERR_CONFIG, "'%s' has no point-in-time recovery, which DynamoDB's export needs: add "
			        "--enable-pitr, or run `aws dynamodb update-continuous-backups --table-name %s "
			        "--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`, or export through "
			        "this machine with --client", shown, wire);
		goto done;
	}
	const char *a0 = json_get_string(json_get(out, "ExportDescription"), "ExportArn");
	if (!a0) {
		err_set(e, ERR_DATA, "ExportTableToPointInTime gave no ExportArn");
		goto done;
	}
	arn = xstrdup(a0);
	char *arn_shown = term_clean(arn);
	fprintf(ctx->out, "%s\n", arn_shown);
	fflush(ctx->out);
	ctx_note(ctx, "DynamoDB is exporting '%s' to %s (Ctrl-C stops waiting, not the export)", shown, a->to);
	struct backoff bo;
	backoff_init(&bo, 500, 10000);
	cJSON *q = cJSON_CreateObject();
	cJSON_AddStringToObject(q, "ExportArn", arn);
	const cJSON *ed = NULL;
	for (;;) {
		cJSON_Delete(out);
		out = NULL;
		if (aws_json(ctx, &aws_dynamodb, "DescribeExport", q, &out, e) < 0)
			break;
		ed = json_get(out, "ExportDescription");
		const char *st = json_get_string(ed, "ExportStatus");
		if (!st || strcmp(st, "IN_PROGRESS"))
			break;
		if (bulk_poll_wait(ctx, &bo)) {
			err_set(e, ERR_INTERRUPTED, "interrupted: the export goes on; check it with `aws dynamodb "
			        "describe-export --export-arn %s`", arn_shown);
			break;
		}
	}
	cJSON_Delete(q);
	if (e->kind) {
		free(arn_shown);
		goto done;
	}
	const char *st = json_get_string(ed, "ExportStatus");
	if (!st || strcmp(st, "COMPLETED")) {
		char *fc = term_clean(json_get_string(ed, "FailureCode") ? json_get_string(ed, "FailureCode") : "?");
		char *fm = term_clean(json_get_string(ed, "FailureMessage") ? json_get_string(ed, "FailureMessage") : "");
		err_set(e, ERR_SERVICE, "export %s %s: %s %s", arn_shown, st ? "FAILED" : "has no status", fc, fm);
		free(fc);
		free(fm);
		free(arn_shown);
		goto done;
	}
	free(arn_shown);
	const char *man = json_get_string(ed, "ExportManifest");
	const char *slash = man ? strrchr(man, '/') : NULL;
	if (!slash) {
		err_set(e, ERR_DATA, "DescribeExport gave no ExportManifest");
		goto done;
	}
	root = xasprintf("%.*s", (int)(slash - man), man);
	text = cJSON_Print(schema);
	char *skey = xasprintf("%s/schema.json", root);
	int pr = s3_put(&c, u->bucket, skey, text, strlen(text), "application/json", NULL, e);
	free(skey);
	if (pr < 0)
		goto done;
	char *rs = term_clean(root);
	fprintf(ctx->out, "s3://%s/%s/manifest-summary.json\ns3://%s/%s/manifest-files.json\ns3://%s/%s/schema.json\n",
	        u->bucket, rs, u->bucket, rs, u->bucket, rs);
	free(rs);
	if (print_export_files(ctx, &c, u->bucket, root, e) < 0)
		goto done;
	const cJSON *ic = json_get(ed, "ItemCount");
	ctx_note(ctx, "%.0f items of '%s' exported by DynamoDB to s3://%s/%s/", cJSON_IsNumber(ic) ? ic->valuedouble : 0,
	         shown, u->bucket, root);
	rc = 0;
done:
	if (have_c)
		s3_client_release(&c);
	cJSON_Delete(in);
	cJSON_Delete(out);
	free(arn);
	free(root);
	free(text);
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
	char *wire = NULL, *tmp = NULL, *dir = NULL;
	struct s3_url u = { NULL, NULL };
	char export_id[40] = "";

	memset(&st, 0, sizeof st);
	memset(&ss, 0, sizeof ss);
	if (npos != 1)
		return ctx_usage(ctx, &cmd_def_export, npos ? "one TABLE at a time" : "missing TABLE");
	if (!a.to)
		return ctx_usage(ctx, &cmd_def_export, "missing --to DIR (or --to - for lines on stdout)");
	if (tablescan_parse_part(a.segment, &part, &parts, &e) < 0)
		return ctx_usage(ctx, &cmd_def_export, "%s", e.msg);
	wire = ctx_table_wire(ctx, argv[1]);
	if (ctx_check_table_name(wire, &e) < 0) {
		free(wire);
		return ctx_usage(ctx, &cmd_def_export, "%s", e.msg);
	}
	int to_stdout = !strcmp(a.to, "-"), to_s3 = !strncmp(a.to, "s3://", 5);
	if (to_s3 && s3_url_parse(a.to, &u, &e) < 0) {
		free(wire);
		return ctx_usage(ctx, &cmd_def_export, "--to: %s", e.msg);
	}
	for (size_t n = u.prefix ? strlen(u.prefix) : 0; n && u.prefix[n - 1] == '/'; n--)
		u.prefix[n - 1] = 0;   /* PREFIX/AWSDynamoDB/..., never PREFIX//AWSDynamoDB/... */
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
	if (to_s3 && ctx->prod && !a.client) {
		if (parts) {
			err_set(&e, ERR_USAGE, "--segment is for an export through this machine (--client)");
			goto fail;
		}
		if (export_prod(ctx, &a, &u, wire, argv[1], &d, schema, &e) < 0)
			goto fail;
		rc = 0;
		goto out;
	}
	int64_t start_ms = (int64_t)ctx->now() * 1000;
	if (to_s3) {
		/* the layout is written here, then uploaded (an S3 client that cannot start fails before the scan) */
		struct s3_client probe;
		if (s3_client_init(&probe, ctx, &e) < 0)
			goto fail;
		s3_client_release(&probe);
		if (!(tmp = bulk_tmpdir(&e)))
			goto fail;
		dir = xasprintf("%s/export", tmp);
	} else {
		dir = xstrdup(a.to);
	}
	if (!to_stdout) {
		struct export_limits lim = { a.file_items, 0, 0 };
		if (export_dir_open(&st.dir, dir, &lim, &e) < 0)
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
	if (export_write_schema(dir, schema, &e) < 0)
		goto fail;
	struct export_meta meta;
	memset(&meta, 0, sizeof meta);
	meta.table_arn = d.arn;
	meta.table_id = json_get_string(d.table, "TableId");
	meta.start_ms = meta.export_ms = start_ms;
	meta.end_ms = (int64_t)ctx->now() * 1000;
	if (to_s3) {
		/* an id as DynamoDB's: the export time in ms and 8 random hex digits */
		unsigned char r[4];
		if (RAND_bytes(r, 4) != 1)
			abort();
		snprintf(export_id, sizeof export_id, "%014lld-%02x%02x%02x%02x", (long long)start_ms, r[0], r[1], r[2],
		         r[3]);
		meta.export_id = export_id;
		meta.s3_bucket = u.bucket;
		meta.s3_prefix = *u.prefix ? u.prefix : NULL;
	}
	if (export_dir_finish(st.dir, &meta, &e) < 0)
		goto fail;
	if (to_s3) {
		if (d.arn)
			fprintf(ctx->out, "%s/export/%s\n", d.arn, export_id);
		if (bulk_s3_upload_export(ctx, dir, &u, export_id, &e) < 0) {
			err_prefix(&e, "%s: the upload is incomplete (no manifest-summary.json)", a.to);
			goto fail;
		}
	}
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
	bulk_rmtree(tmp);
	free(tmp);
	free(dir);
	s3_url_release(&u);
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
