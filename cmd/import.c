/* import.c — ddb import DIR|FILE... [--table NAME]: create the table from an export's schema.json when it is missing
 * (schema-load's own code), then write every item of the export (lib/exportfmt's verified reader) through the batch
 * writer (lib/bwriter), with a checkpoint so that --resume finishes an interrupted run. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/bulk.h"
#include "dynamo/bwriter.h"
#include "dynamo/capacity.h"
#include "aws/clock.h"
#include "dynamo/exportfmt.h"
#include "base/json.h"
#include "dynamo/progress.h"
#include "dynamo/checkpoint.h"
#include "dynamo/table.h"
#include "aws/aws.h"
#include "aws/s3.h"
#include "base/term.h"

static int cmd_import(struct ctx *ctx, void *args, int npos, char **argv);

struct import_args {
	const char *table, *rejects, *checkpoint;
	long concurrency, max_retries, max_wcu;
	int resume, plan, no_create, client;
	double wait_timeout;
};

static const struct opt import_opts[] = {
	OPT_F_STRC('t', "table", struct import_args, table, "NAME", "the table (default: schema.json's TableName)", "table"),
	OPT_F_STRC(0, "rejects", struct import_args, rejects, "FILE", "write items DynamoDB refuses to FILE", "file"),
	OPT_F_INT('j', "concurrency", struct import_args, concurrency, "N", "requests in flight (default 4)", 1, 64),
	OPT_F_INT(0, "max-retries", struct import_args, max_retries, "N",
	          "re-sends of unprocessed or throttled items per batch (default 10)", 0, 1000),
	OPT_F_INT(0, "max-wcu", struct import_args, max_wcu, "N", "use at most N write capacity units per second", 1,
	          100000000L),
	OPT_F_BOOL(0, "resume", struct import_args, resume, "skip the items the checkpoint confirms (after an interrupted run)"),
	OPT_F_STRC(0, "checkpoint", struct import_args, checkpoint, "FILE",
	           "checkpoint file (default: next to the first input)", "file"),
	OPT_F_BOOL(0, "plan", struct import_args, plan, "print the items, bytes, capacity units, time and cost; write nothing"),
	OPT_F_BOOL(0, "no-create", struct import_args, no_create, "do not create a missing table (exit 66)"),
	OPT_F_BOOL(0, "client", struct import_args, client, "s3:// in prod: download and write from this machine "
	           "instead of DynamoDB's ImportTable (which only creates a new table)"),
	OPT_F_DOUBLE(0, "wait-timeout", struct import_args, wait_timeout, "SEC",
	             "give up waiting for a new table after SEC seconds (default 600)"),
	OPT_F_END,
};

const struct cmd cmd_def_import = {
	"import", cmd_import, CMD_AWS, "load a DynamoDB export (ddb's or AWS's) into a table",
	"ddb import DIR|FILE... [--table NAME] [--rejects FILE] [--concurrency N] [--max-retries N] [--max-wcu N]\n"
	"           [--resume] [--checkpoint FILE] [--plan] [--no-create] [--wait-timeout SEC]\n"
	"ddb import s3://BUCKET/PREFIX [--table NAME] [--client [the options above]]",
	import_opts,
	"Loads what `ddb export` (or DynamoDB's export to S3, DYNAMODB_JSON) wrote: each DIR's data files as its "
	"manifest lists them, every file checked against its item count and MD5 (a damaged export is exit 65 naming "
	"the file), or data files given directly ({\"Item\":...} lines, gzip or not), or s3://BUCKET/PREFIX: the one export "
	"under PREFIX (its .../AWSDynamoDB/EXPORT-ID/manifest-summary.json, as `ddb export --to s3://` or DynamoDB's "
	"export to S3 writes it) downloaded, streamed to a private temporary directory, then checked and loaded the "
	"same way (its checkpoint is .ddb-import-checkpoint-BUCKET_PREFIX in the current directory); that is how "
	"local engines and --client import.  In prod, s3://BUCKET/PREFIX asks DynamoDB to import (ImportTable: a new "
	"table from the export's schema.json, its keys, billing and GSIs; DYNAMODB_JSON, GZIP), waits (Ctrl-C stops "
	"waiting, not the import; its ARN is on stdout) and prints the imported and errored counts and the CloudWatch "
	"log group that holds the errors.  The table is --table, else the "
	"TableName of DIR/schema.json; the namespace applies.  A missing table is created from schema.json by the same "
	"code as `ddb schema-load` (keys, GSIs, LSIs, billing, stream, TTL) and waited for.  Items are written with "
	"BatchWriteItem as seed writes them (retries with backoff and jitter, items DynamoDB refuses kept in --rejects "
	"FILE); a checkpoint next to the first input records what is confirmed, and after Ctrl-C, kill or an "
	"exhausted retry budget --resume writes only the rest.  --max-wcu N caps the write units per second "
	"(GSI writes included).  --plan prints items, bytes, capacity units, the time at the table's capacity and the "
	"on-demand cost, and changes nothing.  A summary goes to stderr.  Exit 0 when every item was written, 1 when "
	"items were rejected, 64 for a bad s3:// URL or a prefix holding several exports, 65 for a damaged export or a checkpoint of another run, 66 for a missing input or "
	"schema, 75 when the retry budget ran out, 130 when interrupted.",
	"file",
	.args_size = sizeof(struct import_args),
	.args_init = &(const struct import_args){ .max_retries = -1, .wait_timeout = -1 },
};

/* What --resume skips: the ordinals (over all inputs, in order) of confirmed items. */
struct im_state {
	pthread_mutex_t mu;
	struct ckpt_ranges done;
	long confirmed, rejected;
	const char *dest;      /* for the saver */
	const cJSON *ids;
};

static void on_confirmed(void *arg, uint64_t tag, int outcome)
{
	struct im_state *st = arg;
	if (outcome == BWRITER_NOT_WRITTEN)
		return;
	pthread_mutex_lock(&st->mu);
	ckpt_ranges_add(&st->done, (long)tag);
	if (outcome == BWRITER_REJECTED)
		st->rejected++;
	else
		st->confirmed++;
	pthread_mutex_unlock(&st->mu);
}

/* schema.json of an input: DIR/schema.json, or the one next to a data file's data/ folder.  NULL when none. */
static char *schema_path_of(const char *input)
{
	struct stat sb;
	char *p;
	if (stat(input, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		p = xasprintf("%s/schema.json", input);
		if (stat(p, &sb) == 0)
			return p;
		free(p);
		return NULL;
	}
	const char *slash = strrchr(input, '/');
	if (!slash)
		return NULL;
	p = xasprintf("%.*s/../schema.json", (int)(slash - input), input);
	if (stat(p, &sb) == 0)
		return p;
	free(p);
	return NULL;
}

/* An export's item count (manifest-summary.json), for the progress line's ETA; 0 when unknown. */
static long summary_count(const char *input)
{
	char *p = xasprintf("%s/manifest-summary.json", input);
	FILE *f = fopen(p, "rb");
	char buf[65536];
	long n = 0;
	free(p);
	if (!f)
		return 0;
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[len] = 0;
	cJSON *o = cJSON_Parse(buf);
	const cJSON *c = json_get(o, "itemCount");
	if (cJSON_IsNumber(c) && c->valuedouble > 0)
		n = (long)c->valuedouble;
	cJSON_Delete(o);
	return n;
}

static char *default_checkpoint(const char *first)
{
	struct stat sb;
	if (!strncmp(first, "s3://", 5)) {
		/* in the current directory, named after the URL: the download is temporary */
		char *p = xasprintf(".ddb-import-checkpoint-%s", first + 5);
		for (char *q = p + 22; *q; q++)
			if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '-' ||
			      *q == '.'))
				*q = '_';
		return p;
	}
	if (stat(first, &sb) == 0 && S_ISDIR(sb.st_mode))
		return xasprintf("%s/.ddb-import-checkpoint", first);
	return xasprintf("%s.ddb-import-checkpoint", first);
}

/* The identity of the inputs, so that --resume refuses another export: each input's path and, for a directory, its
 * manifest-files.checksum (else the size and mtime of the file). */
static cJSON *inputs_identity(char **shown, char **inputs, int n)
{
	cJSON *arr = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		struct stat sb;
		char *id = NULL;
		char *ck = xasprintf("%s/manifest-files.checksum", inputs[i]);
		FILE *f = fopen(ck, "r");
		if (f) {
			char line[128] = "";
			if (fgets(line, sizeof line, f))
				line[strcspn(line, "\r\n")] = 0;
			fclose(f);
			id = xasprintf("%s md5:%s", shown[i], line);
		} else if (stat(inputs[i], &sb) == 0) {
			id = xasprintf("%s %lld %lld", inputs[i], (long long)sb.st_size, (long long)sb.st_mtime);
		} else {
			id = xasprintf("%s", inputs[i]);
		}
		free(ck);
		cJSON_AddItemToArray(arr, cJSON_CreateString(id));
		free(id);
	}
	return arr;
}

static cJSON *ckpt_doc(struct im_state *st, const char *dest, const cJSON *ids)
{
	cJSON *doc = cJSON_CreateObject(), *done = cJSON_CreateArray();
	cJSON_AddStringToObject(doc, "ddb", "import-checkpoint-1");
	cJSON_AddStringToObject(doc, "destination", dest);
	cJSON_AddItemToObject(doc, "inputs", cJSON_Duplicate(ids, 1));
	pthread_mutex_lock(&st->mu);
	for (size_t i = 0; i < st->done.n; i++) {
		cJSON *r = cJSON_CreateArray();
		cJSON_AddItemToArray(r, cJSON_CreateNumber((double)st->done.r[i][0]));
		cJSON_AddItemToArray(r, cJSON_CreateNumber((double)st->done.r[i][1]));
		cJSON_AddItemToArray(done, r);
	}
	pthread_mutex_unlock(&st->mu);
	cJSON_AddItemToObject(doc, "done", done);
	return doc;
}

static cJSON *saver_doc(void *arg)
{
	struct im_state *st = arg;
	return ckpt_doc(st, st->dest, st->ids);
}

static int ckpt_resume(struct im_state *st, const cJSON *doc, const char *path, const char *dest, const cJSON *ids,
                       struct err *e)
{
	const char *d = json_get_string(doc, "destination"), *v = json_get_string(doc, "ddb");
	if (!v || strcmp(v, "import-checkpoint-1"))
		return err_set(e, ERR_DATA, "%s: not an import checkpoint", path);
	if (!d || strcmp(d, dest))
		return err_set(e, ERR_DATA, "%s: the checkpoint is for another destination (%s), not %s", path, d ? d : "?",
		               dest);
	if (!cJSON_Compare(json_get(doc, "inputs"), ids, 1))
		return err_set(e, ERR_DATA, "%s: the checkpoint is for other inputs (or they changed since): delete it to "
		               "import from the start", path);
	const cJSON *r;
	cJSON_ArrayForEach(r, json_get(doc, "done")) {
		const cJSON *lo = cJSON_GetArrayItem(r, 0), *hi = cJSON_GetArrayItem(r, 1);
		if (!cJSON_IsNumber(lo) || !cJSON_IsNumber(hi) || lo->valuedouble < 0 || hi->valuedouble < lo->valuedouble ||
		    hi->valuedouble - lo->valuedouble > 1e12)
			return err_set(e, ERR_DATA, "%s: a bad range in \"done\"", path);
		for (long i = (long)lo->valuedouble; i < (long)hi->valuedouble; i++)
			ckpt_ranges_add(&st->done, i);
	}
	return 0;
}

/* The table an input goes to: --table, else its schema.json's TableName.  Loads the schema (NULL when none). */
static int input_schema(struct ctx *ctx, const struct import_args *a, const char *input, struct schema **out,
                        char **name, struct err *e)
{
	char *sp = schema_path_of(input);
	struct schema_list l = SCHEMA_LIST_INIT;
	*out = NULL;
	*name = NULL;
	if (!sp) {
		if (!a->table)
			return err_set(e, ERR_NOINPUT, "%s: no schema.json to name the table: give --table NAME", input);
		*name = xstrdup(a->table);
		return 0;
	}
	int rc = schema_load_file(sp, NULL, &l, e);
	free(sp);
	if (rc < 0)
		return -1;
	if (l.n != 1) {
		schema_list_release(&l);
		return err_set(e, ERR_DATA, "%s: schema.json must hold one table", input);
	}
	struct schema *s = l.v[0];
	free(l.v);
	if (a->table) {
		free(s->table);
		s->table = xstrdup(a->table);
	}
	if (schema_set_prefix(s, ctx->ns, e) < 0) {
		schema_free(s);
		return -1;
	}
	*name = xstrdup(s->table);
	*out = s;
	return 0;
}

static int do_plan(struct ctx *ctx, const struct import_args *a, char **inputs, int n, struct err *e)
{
	struct capacity_plan_in in;
	struct capacity_table ct = CAPACITY_TABLE_INIT;
	struct table_desc d = TABLE_DESC_INIT;
	struct schema *s = NULL;
	char *name = NULL, *wire = NULL;
	int rc = -1;

	memset(&in, 0, sizeof in);
	if (input_schema(ctx, a, inputs[0], &s, &name, e) < 0)
		goto done;
	wire = ctx_table_wire(ctx, name);
	int r = table_describe(ctx, wire, &d, e);
	if (r < 0)
		goto done;
	int exists = r == 0;
	const cJSON *shape = exists ? d.table : s ? s->create : NULL;
	if (!shape) {
		err_set(e, ERR_NOINPUT, "table '%s' does not exist and no schema.json says what it is", name);
		goto done;
	}
	if (capacity_table_init(&ct, shape, e) < 0)
		goto done;
	capacity_rates_from_desc(shape, &in);
	for (int i = 0; i < n; i++) {
		struct export_reader *rd = NULL;
		struct export_line l;
		if (export_reader_open(&rd, inputs[i], e) < 0)
			goto done;
		while ((r = export_reader_next(rd, &l, e)) == 1) {
			const cJSON *item;
			cJSON *line = export_parse_line(l.text, l.len, &item, e);
			if (!line || capacity_tally_put(&in.w, &ct, item, e) < 0) {
				cJSON_Delete(line);
				err_prefix(e, "%s:%ld", l.file, l.line);
				r = -1;
				break;
			}
			cJSON_Delete(line);
		}
		export_reader_free(rd);
		if (r < 0)
			goto done;
	}
	if (a->max_wcu)
		in.write_rate = (double)a->max_wcu;
	fprintf(ctx->out, "%s: import into %s table\n", name, exists ? "the existing" : "a new");
	if (bulk_plan_print(ctx, &in) < 0) {
		err_set(e, ERR_IO, "standard output: write error");
		goto done;
	}
	rc = 0;
done:
	capacity_table_release(&ct);
	table_desc_release(&d);
	schema_free(s);
	free(name);
	free(wire);
	return rc;
}

/* s3:// in prod: DynamoDB's ImportTable into a new table from the export's schema.json, waited for. */
static int import_prod(struct ctx *ctx, const struct import_args *a, const char *url, struct err *e)
{
	struct s3_url u = { NULL, NULL };
	struct s3_client c;
	struct buf b = BUF_INIT;
	struct schema *s = NULL;
	cJSON *tree = NULL, *in = NULL, *out = NULL, *q = NULL;
	char *root = NULL, *arn_shown = NULL;
	int have_c = 0, rc = -1;
	static const char *const keep[] = { "TableName", "AttributeDefinitions", "KeySchema", "BillingMode",
	                                    "ProvisionedThroughput", "OnDemandThroughput", "SSESpecification",
	                                    "GlobalSecondaryIndexes" };

	if (s3_url_parse(url, &u, e) < 0)
		return -1;
	if (s3_client_init(&c, ctx, e) < 0)
		goto done;
	have_c = 1;
	if (bulk_s3_find_export(&c, &u, &root, e) < 0)
		goto done;
	char *skey = xasprintf("%s/schema.json", root);
	int gr = s3_get_buf(&c, u.bucket, skey, &b, 1u << 20, e);
	free(skey);
	if (gr < 0) {
		if (e->kind == ERR_NOINPUT)
			err_set(e, ERR_NOINPUT, "s3://%s/%s/: no schema.json, and ImportTable needs the table's keys: import "
			        "into an existing table with --client --table NAME", u.bucket, root);
		goto done;
	}
	char *file = xasprintf("s3://%s/%s/schema.json", u.bucket, root);
	tree = json_parse_exact(buf_cstr(&b), b.len, e) ;
	if (!tree) {
		err_prefix(e, "%s", file);
		free(file);
		goto done;
	}
	s = bulk_schema_from_tree(ctx, tree, file, a->table, e);
	free(file);
	if (!s)
		goto done;
	cJSON *tp = cJSON_CreateObject();
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
		const cJSON *v = json_get(s->create, keep[i]);
		if (v)
			cJSON_AddItemToObject(tp, keep[i], cJSON_Duplicate(v, 1));
	}
	if (json_get(s->create, "LocalSecondaryIndexes")) {
		cJSON_Delete(tp);
		err_set(e, ERR_USAGE, "'%s' has local secondary indexes, which ImportTable cannot create: use --client "
		        "(ddb creates the table and writes the items)", s->table);
		goto done;
	}
	in = cJSON_CreateObject();
	cJSON *src = cJSON_AddObjectToObject(in, "S3BucketSource");
	cJSON_AddStringToObject(src, "S3Bucket", u.bucket);
	char *dprefix = xasprintf("%s/data/", root);
	cJSON_AddStringToObject(src, "S3KeyPrefix", dprefix);
	free(dprefix);
	cJSON_AddStringToObject(in, "InputFormat", "DYNAMODB_JSON");
	cJSON_AddStringToObject(in, "InputCompressionType", "GZIP");
	cJSON_AddItemToObject(in, "TableCreationParameters", tp);
	char token[37];
	bulk_client_token(token);
	cJSON_AddStringToObject(in, "ClientToken", token);
	if (aws_json(ctx, &aws_dynamodb, "ImportTable", in, &out, e) < 0) {
		if (!strcmp(e->type, "ResourceInUseException"))
			err_set(e, ERR_USAGE, "table '%s' exists: ImportTable only creates a new table (give --table NAME, or "
			        "write into it with --client)", s->table);
		goto done;
	}
	const char *arn = json_get_string(json_get(out, "ImportTableDescription"), "ImportArn");
	if (!arn) {
		err_set(e, ERR_DATA, "ImportTable gave no ImportArn");
		goto done;
	}
	arn_shown = term_clean(arn);
	fprintf(ctx->out, "%s\n", arn_shown);
	fflush(ctx->out);
	ctx_note(ctx, "DynamoDB is importing s3://%s/%s/ into '%s' (Ctrl-C stops waiting, not the import)", u.bucket,
	         root, s->table);
	q = cJSON_CreateObject();
	cJSON_AddStringToObject(q, "ImportArn", arn);
	struct backoff bo;
	backoff_init(&bo, 500, 10000);
	const cJSON *d = NULL;
	for (;;) {
		cJSON_Delete(out);
		out = NULL;
		if (aws_json(ctx, &aws_dynamodb, "DescribeImport", q, &out, e) < 0)
			goto done;
		d = json_get(out, "ImportTableDescription");
		const char *st = json_get_string(d, "ImportStatus");
		if (!st || strcmp(st, "IN_PROGRESS"))
			break;
		if (bulk_poll_wait(ctx, &bo)) {
			err_set(e, ERR_INTERRUPTED, "interrupted: the import goes on; check it with `aws dynamodb describe-import "
			        "--import-arn %s`", arn_shown);
			goto done;
		}
	}
	const char *st = json_get_string(d, "ImportStatus");
	const cJSON *ni = json_get(d, "ImportedItemCount"), *ne = json_get(d, "ErrorCount");
	const char *lg = json_get_string(d, "CloudWatchLogGroupArn");
	char *lgs = term_clean(lg ? lg : "-");
	double imported = cJSON_IsNumber(ni) ? ni->valuedouble : 0, errors = cJSON_IsNumber(ne) ? ne->valuedouble : 0;
	if (!st || strcmp(st, "COMPLETED")) {
		char *fc = term_clean(json_get_string(d, "FailureCode") ? json_get_string(d, "FailureCode") : "?");
		char *fm = term_clean(json_get_string(d, "FailureMessage") ? json_get_string(d, "FailureMessage") : "");
		err_set(e, ERR_SERVICE, "import %s %s: %s %s (%.0f imported, %.0f errors; log group %s)", arn_shown,
		        st ? "FAILED" : "has no status", fc, fm, imported, errors, lgs);
		free(fc);
		free(fm);
		free(lgs);
		goto done;
	}
	ctx_note(ctx, "%.0f items imported into '%s', %.0f errors%s%s", imported, s->table, errors,
	         errors > 0 ? ": see the CloudWatch log group " : "", errors > 0 ? lgs : "");
	if (errors > 0)
		err_set(e, ERR_SERVICE, "%.0f items were not imported (log group %s)", errors, lgs);
	free(lgs);
	rc = errors > 0 ? -1 : 0;
done:
	if (have_c)
		s3_client_release(&c);
	s3_url_release(&u);
	buf_release(&b);
	schema_free(s);
	cJSON_Delete(tree);
	cJSON_Delete(in);
	cJSON_Delete(out);
	cJSON_Delete(q);
	free(root);
	free(arn_shown);
	return rc;
}

static int cmd_import(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct import_args a = *(struct import_args *)args;
	int rc = -1;
	struct err e = ERR_INIT, fe = ERR_INIT;
	struct im_state st;
	struct progress pg;
	struct bulk_ckpt ck = { NULL, -1 };
	struct capacity_bucket wcu;
	struct bwriter *w = NULL;
	struct bwriter_stats ws;
	struct schema **schemas = NULL;
	char **names = NULL, *dest = NULL, *cpath = NULL, *wire = NULL;
	char **in = NULL, **tmps = NULL;   /* each input's local path; the temporary download of an s3:// one */
	cJSON *ids = NULL;
	long items = 0, skipped = 0;
	int complete = 0;

	memset(&ws, 0, sizeof ws);
	memset(&st, 0, sizeof st);
	pthread_mutex_init(&st.mu, NULL);
	progress_init(&pg, ctx->err_out, "import", ctx->err_tty && !ctx->quiet);
	capacity_bucket_init(&wcu, 0, 0, NULL, NULL);
	if (!npos) {
		rc = ctx_usage(ctx, &cmd_def_import, "missing DIR or FILE (what `ddb export` wrote)");
		goto out;
	}
	if (a.plan && a.resume) {
		rc = ctx_usage(ctx, &cmd_def_import, "--plan writes nothing: it does not go with --resume");
		goto out;
	}
	for (int i = 1; i <= npos; i++)
		if (!strcmp(argv[i], "-")) {
			rc = ctx_usage(ctx, &cmd_def_import, "import reads files (a checkpoint needs them): `ddb seed -` reads "
			               "{\"Item\":...} lines from standard input");
			goto out;
		}
	if (a.table) {
		char *w0 = ctx_table_wire(ctx, a.table);
		int bad_name = ctx_check_table_name(w0, &e) < 0;
		free(w0);
		if (bad_name) {
			rc = ctx_usage(ctx, &cmd_def_import, "--table: %s", e.msg);
			goto out;
		}
	}
	if (ctx->prod && !a.client && !strncmp(argv[1], "s3://", 5)) {
		if (npos != 1 || a.plan || a.resume || a.rejects || a.checkpoint || a.no_create) {
			rc = ctx_usage(ctx, &cmd_def_import, "DynamoDB's ImportTable takes one s3:// export into a new table "
			               "(--plan, --resume, --rejects, --checkpoint and --no-create are for --client)");
			goto out;
		}
		rc = import_prod(ctx, &a, argv[1], &e) < 0 ? ctx_fail(ctx, &e) : 0;
		goto out;
	}
	in = xcalloc((size_t)npos, sizeof *in);
	tmps = xcalloc((size_t)npos, sizeof *tmps);
	for (int i = 0; i < npos; i++) {
		struct s3_url u = { NULL, NULL };
		if (strncmp(argv[i + 1], "s3://", 5)) {
			in[i] = argv[i + 1];
			continue;
		}
		int bad = s3_url_parse(argv[i + 1], &u, &e) < 0;
		s3_url_release(&u);
		if (bad) {
			rc = ctx_usage(ctx, &cmd_def_import, "%s", e.msg);
			goto out;
		}
	}
	for (int i = 0; i < npos; i++) {
		struct s3_url u = { NULL, NULL };
		char *root = NULL;
		if (in[i])
			continue;
		if (s3_url_parse(argv[i + 1], &u, &e) < 0 || !(tmps[i] = bulk_tmpdir(&e))) {
			s3_url_release(&u);
			goto fail;
		}
		int r = bulk_s3_download_export(ctx, &u, tmps[i], &root, &e);
		s3_url_release(&u);
		if (r < 0) {
			free(root);
			goto fail;
		}
		char *shown = term_clean(root);
		ctx_note(ctx, "downloaded the export %s", shown);
		free(shown);
		free(root);
		in[i] = tmps[i];
	}
	if (a.plan) {
		rc = do_plan(ctx, &a, in, npos, &e) < 0 ? ctx_fail(ctx, &e) : 0;
		goto out;
	}
	capacity_bucket_set_rate(&wcu, (double)a.max_wcu);

	/* The inputs exist; each one's table (--table, or its schema.json's). */
	for (int i = 1; i <= npos; i++) {
		struct stat sb;
		if (stat(in[i - 1], &sb) < 0) {
			err_set(&e, ERR_NOINPUT, "%s: %s", in[i - 1], strerror(errno));
			goto fail;
		}
	}
	names = xcalloc((size_t)npos, sizeof *names);
	schemas = xcalloc((size_t)npos, sizeof *schemas);
	for (int i = 0; i < npos; i++)
		if (input_schema(ctx, &a, in[i], &schemas[i], &names[i], &e) < 0)
			goto fail;

	/* The checkpoint: what this run is for, and on --resume what is already confirmed. */
	wire = ctx_table_wire(ctx, names[0]);
	if (!(dest = bulk_destination(ctx, wire, &e)))
		goto fail;
	ids = inputs_identity(argv + 1, in, npos);
	cpath = a.checkpoint ? xstrdup(a.checkpoint) : default_checkpoint(argv[1]);
	if (bulk_ckpt_open(&ck, cpath, "import", &e) < 0)
		goto fail;
	if (a.resume) {
		cJSON *doc = bulk_ckpt_load(&ck, &e);
		if (!doc)
			goto fail;
		int r = ckpt_resume(&st, doc, cpath, dest, ids, &e);
		cJSON_Delete(doc);
		if (r < 0)
			goto fail;
	}

	/* Missing tables are created (after the checkpoint is checked: a refused --resume creates nothing). */
	for (int i = 0; i < npos; i++) {
		struct schema *s = schemas[i];
		int seen = 0;
		for (int j = 0; j < i; j++)
			seen |= !strcmp(names[j], names[i]);
		if (seen)
			continue;
		char *tw = ctx_table_wire(ctx, names[i]);
		struct table_desc d = TABLE_DESC_INIT;
		int r = table_describe(ctx, tw, &d, &e);
		table_desc_release(&d);
		free(tw);
		if (r < 0)
			goto fail;
		if (r == 1 && (!s || a.no_create)) {
			err_set(&e, ERR_NOINPUT, "table '%s' does not exist%s", names[i],
			        a.no_create ? " (--no-create)" : " and no schema.json says how to create it");
			goto fail;
		}
		if (r == 1) {
			int created;
			if (schema_load_ensure(ctx, s, a.wait_timeout, &created, &e) < 0)
				goto fail;
			if (created)
				ctx_note(ctx, "created table '%s' from %s's schema.json", names[i], argv[i + 1]);
		}
	}

	struct bwriter_opts wo = { (int)a.concurrency, (int)a.max_retries, a.rejects, a.max_wcu ? &wcu : NULL, 1,
	                           on_confirmed, &st };
	wo.progress = &pg;
	long total = 0;
	for (int i = 1; i <= npos; i++)
		total += summary_count(in[i - 1]);
	if (!(w = bwriter_open(ctx, &wo, &e)))
		goto fail;
	bulk_sigterm_begin(ctx);
	struct bulk_saver saver;
	st.dest = dest;
	st.ids = ids;
	bulk_saver_start(&saver, &ck, saver_doc, &st);
	double t0 = clock_now();
	uint64_t tag = 0;
	int r = 0;
	for (int i = 0; i < npos && r >= 0; i++) {
		char *tw = ctx_table_wire(ctx, names[i]);
		struct export_reader *rd = NULL;
		struct export_line l;
		if (export_reader_open(&rd, in[i], &e) < 0) {
			free(tw);
			r = -1;
			break;
		}
		while (r >= 0 && (r = export_reader_next(rd, &l, &e)) == 1) {
			uint64_t t = tag++;
			items++;
			if (ctx_interrupted(ctx)) {
				r = err_set(&e, ERR_INTERRUPTED, "interrupted");
				break;
			}
			if (ckpt_ranges_has(&st.done, (long)t)) {
				skipped++;
				continue;
			}
			const cJSON *item;
			char origin[1200];
			snprintf(origin, sizeof origin, "%s:%ld", l.file, l.line);
			cJSON *line = export_parse_line(l.text, l.len, &item, &e);
			if (!line) {
				/* a line that is not an item: reported and kept in the rejects file, never silently dropped */
				bwriter_reject(w, t, origin, l.text, e.msg);
				err_clear(&e);
				continue;
			}
			cJSON *it = cJSON_DetachItemFromObjectCaseSensitive(line, "Item");
			cJSON_Delete(line);
			if (bwriter_put(w, tw, it, origin, t, &e) < 0)
				r = -1;
			if (!(t & 255)) {
				struct bwriter_stats now_st;
				bwriter_snapshot(w, &now_st);
				progress_update(&pg, now_st.written + skipped, now_st.written, items, total, 0);
			}
		}
		export_reader_free(rd);
		free(tw);
	}
	int fr = bwriter_finish(w, &ws, &fe);
	struct err sve = ERR_INIT;
	if (bulk_saver_stop(&saver, &sve) < 0)
		ctx_warn(ctx, "%s", sve.msg);
	bulk_sigterm_end();
	progress_clear(&pg);
	if (r >= 0 && fr < 0) {
		e = fe;
		r = -1;
	}
	complete = !ws.not_written && (r >= 0 || e.kind == ERR_SERVICE);
	cJSON *doc = ckpt_doc(&st, dest, ids);
	struct err se = ERR_INIT;
	if (!complete && bulk_ckpt_save(&ck, doc, &se) < 0)
		ctx_warn(ctx, "%s", se.msg);
	cJSON_Delete(doc);
	ctx_note(ctx, "%ld written to '%s'%s%s, %ld rejected, %ld not written, %ld retried, %ld throttles, %.1f s", ws.written,
	         names[0], npos > 1 ? " (and the other inputs' tables)" : "", skipped ? " (others already written: checkpoint)" : "",
	         ws.rejected, ws.not_written, ws.retried, ws.throttles, clock_now() - t0);
	if (skipped)
		ctx_note(ctx, "%ld of %ld items were confirmed by the checkpoint and not sent again", skipped, items);
	if (!complete)
		ctx_note(ctx, "checkpoint kept in %s: --resume writes the rest", cpath);
	if (r < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = ctx_fail(ctx, &e);
out:
	if (w)
		bwriter_free(w);
	if (ck.path)
		bulk_ckpt_close(&ck, complete);
	for (int i = 0; names && i < npos; i++)
		free(names[i]);
	free(names);
	for (int i = 0; schemas && i < npos; i++)
		schema_free(schemas[i]);
	free(schemas);
	for (int i = 0; tmps && i < npos; i++) {
		bulk_rmtree(tmps[i]);
		free(tmps[i]);
	}
	free(tmps);
	free(in);
	free(dest);
	free(cpath);
	free(wire);
	cJSON_Delete(ids);
	ckpt_ranges_release(&st.done);
	pthread_mutex_destroy(&st.mu);
	progress_clear(&pg);
	progress_release(&pg);
	capacity_bucket_release(&wcu);
	return rc;
}
