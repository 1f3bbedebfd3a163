/* describe.c — ddb describe TABLE: keys, indexes and their status, billing, stream, TTL, item count, size. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "base/json.h"
#include "cli/cmd.h"
#include "cli/render.h"
#include "dynamo/table.h"

static int cmd_describe(struct ctx *ctx, void *args, int npos, char **argv);

struct describe_args { int raw; };

static const struct opt describe_opts[] = {
	OPT_F_BOOL(0, "raw", struct describe_args, raw, "print DescribeTable's Table object as the service returned it"),
	OPT_F_END,
};

const struct cmd cmd_def_describe = {
	"describe", cmd_describe, CMD_AWS, "describe a table: keys, indexes, billing, stream, TTL, size",
	"ddb describe TABLE [--raw] [--output table|json|jsonl|text]", describe_opts,
	"Shows the table's status, key schema (with attribute types), billing mode and capacity, every index with "
	"its keys, projection and status, the stream (view type and ARN), TTL, point-in-time recovery and tags when "
	"the engine supports them, the item count and size (both updated by DynamoDB about every six hours).  "
	"Piped (and with -o json or jsonl), prints one JSON object on one line; on a terminal (-o table), a field/value "
	"table; -o text, field<TAB>value lines.  --raw prints DescribeTable's Table object the same ways.  Exit 66 "
	"when the table does not exist.",
	"table",
	.args_size = sizeof(struct describe_args),
};

static long long get_ll(const cJSON *o, const char *k)
{
	const cJSON *v = json_get(o, k);
	/* a server's number: in range before it becomes an integer */
	return cJSON_IsNumber(v) && v->valuedouble > -9e18 && v->valuedouble < 9e18 ? (long long)v->valuedouble : 0;
}

static void add_ll(cJSON *o, const char *k, long long n)
{
	char t[32];
	snprintf(t, sizeof t, "%lld", n);
	cJSON_AddItemToObject(o, k, cJSON_CreateRaw(t));
}

static void keys_text(struct buf *b, const cJSON *ks, const cJSON *defs)
{
	const cJSON *k, *d;
	int first = 1;
	cJSON_ArrayForEach(k, ks) {
		const char *n = json_get_string(k, "AttributeName"), *t = json_get_string(k, "KeyType"), *ty = NULL;
		cJSON_ArrayForEach(d, defs)
			if (n && json_get_string(d, "AttributeName") && !strcmp(json_get_string(d, "AttributeName"), n))
				ty = json_get_string(d, "AttributeType");
		buf_addf(b, "%s%s (%s) %s", first ? "" : ", ", n ? n : "?", ty ? ty : "?", t ? t : "?");
		first = 0;
	}
}

static const char *billing_of(const cJSON *t)
{
	const char *b = json_get_string(json_get(t, "BillingModeSummary"), "BillingMode");
	const cJSON *pt = json_get(t, "ProvisionedThroughput");
	if (b)
		return b;
	if (!pt || (get_ll(pt, "ReadCapacityUnits") == 0 && get_ll(pt, "WriteCapacityUnits") == 0))
		return "PAY_PER_REQUEST";
	return "PROVISIONED";
}

static cJSON *index_obj(const cJSON *ix, const cJSON *defs, const char *kind, int provisioned)
{
	cJSON *o = cJSON_CreateObject();
	struct buf b = BUF_INIT;
	const cJSON *pr = json_get(ix, "Projection"), *nk = json_get(pr, "NonKeyAttributes");
	const char *st = json_get_string(ix, "IndexStatus");
	cJSON_AddStringToObject(o, "name", json_get_string(ix, "IndexName") ? json_get_string(ix, "IndexName") : "?");
	cJSON_AddStringToObject(o, "type", kind);
	keys_text(&b, json_get(ix, "KeySchema"), defs);
	cJSON_AddStringToObject(o, "keys", buf_cstr(&b));
	buf_release(&b);
	cJSON_AddStringToObject(o, "projection", json_get_string(pr, "ProjectionType") ? json_get_string(pr, "ProjectionType") : "ALL");
	if (cJSON_IsArray(nk))
		cJSON_AddItemToObject(o, "non_key_attributes", cJSON_Duplicate(nk, 1));
	cJSON_AddStringToObject(o, "status", st ? st : "ACTIVE");   /* LSIs have no status: they live with the table */
	if (cJSON_IsTrue(json_get(ix, "Backfilling")))
		cJSON_AddTrueToObject(o, "backfilling");
	if (provisioned && json_get(ix, "ProvisionedThroughput")) {
		add_ll(o, "read_capacity", get_ll(json_get(ix, "ProvisionedThroughput"), "ReadCapacityUnits"));
		add_ll(o, "write_capacity", get_ll(json_get(ix, "ProvisionedThroughput"), "WriteCapacityUnits"));
	}
	if (json_get(ix, "ItemCount"))
		add_ll(o, "item_count", get_ll(ix, "ItemCount"));
	return o;
}

/* Optional calls: an engine that lacks them (DynamoDB Local: tagging, backups; dynalite: TTL updates) or a
 * policy that denies them leaves the field out.  Ctrl-C still stops. */
static int optional_call(struct ctx *ctx, const char *op, const char *key, const char *val, cJSON **out,
                         struct err *e)
{
	cJSON *in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, key, val);
	int rc = aws_json(ctx, &aws_dynamodb, op, in, out, e);
	cJSON_Delete(in);
	if (rc < 0) {
		if (e->kind == ERR_INTERRUPTED || e->kind == ERR_UNAVAILABLE)
			return -1;
		err_clear(e);
		*out = NULL;
	}
	return 0;
}

static cJSON *summary(struct ctx *ctx, const char *user, const struct table_desc *d, struct err *e, int *rc)
{
	const cJSON *t = d->table, *defs = json_get(t, "AttributeDefinitions"), *ix, *ss;
	cJSON *o = cJSON_CreateObject(), *ixs, *x = NULL;
	struct buf b = BUF_INIT;
	const char *billing = billing_of(t);
	int prov = !strcmp(billing, "PROVISIONED");

	*rc = 0;
	cJSON_AddStringToObject(o, "table", user);
	if (strcmp(user, json_get_string(t, "TableName") ? json_get_string(t, "TableName") : user))
		cJSON_AddStringToObject(o, "wire_name", json_get_string(t, "TableName"));
	cJSON_AddStringToObject(o, "status", d->status);
	keys_text(&b, json_get(t, "KeySchema"), defs);
	cJSON_AddStringToObject(o, "keys", buf_cstr(&b));
	buf_release(&b);
	cJSON_AddStringToObject(o, "billing", billing);
	if (prov) {
		add_ll(o, "read_capacity", get_ll(json_get(t, "ProvisionedThroughput"), "ReadCapacityUnits"));
		add_ll(o, "write_capacity", get_ll(json_get(t, "ProvisionedThroughput"), "WriteCapacityUnits"));
	}
	ixs = cJSON_AddArrayToObject(o, "indexes");
	cJSON_ArrayForEach(ix, json_get(t, "GlobalSecondaryIndexes"))
		cJSON_AddItemToArray(ixs, index_obj(ix, defs, "GSI", prov));
	cJSON_ArrayForEach(ix, json_get(t, "LocalSecondaryIndexes"))
		cJSON_AddItemToArray(ixs, index_obj(ix, defs, "LSI", 0));

	ss = json_get(t, "StreamSpecification");
	if (cJSON_IsTrue(json_get(ss, "StreamEnabled"))) {
		cJSON *s = cJSON_AddObjectToObject(o, "stream");
		cJSON_AddStringToObject(s, "view_type", json_get_string(ss, "StreamViewType") ? json_get_string(ss, "StreamViewType") : "?");
		if (json_get_string(t, "LatestStreamArn"))
			cJSON_AddStringToObject(s, "arn", json_get_string(t, "LatestStreamArn"));
	} else {
		cJSON_AddNullToObject(o, "stream");
	}

	const char *wire = json_get_string(t, "TableName");
	if (wire && optional_call(ctx, "DescribeTimeToLive", "TableName", wire, &x, e) < 0)
		goto fail;
	if (x) {
		const cJSON *td = json_get(x, "TimeToLiveDescription");
		cJSON *tt = cJSON_AddObjectToObject(o, "ttl");
		cJSON_AddStringToObject(tt, "status", json_get_string(td, "TimeToLiveStatus") ? json_get_string(td, "TimeToLiveStatus") : "?");
		if (json_get_string(td, "AttributeName"))
			cJSON_AddStringToObject(tt, "attribute", json_get_string(td, "AttributeName"));
		cJSON_Delete(x);
		x = NULL;
	}
	if (wire && optional_call(ctx, "DescribeContinuousBackups", "TableName", wire, &x, e) < 0)
		goto fail;
	if (x) {
		const char *st = json_get_string(json_get(json_get(x, "ContinuousBackupsDescription"), "PointInTimeRecoveryDescription"),
		                         "PointInTimeRecoveryStatus");
		cJSON_AddStringToObject(o, "point_in_time_recovery", st ? st : "?");
		cJSON_Delete(x);
		x = NULL;
	}
	if (d->arn && optional_call(ctx, "ListTagsOfResource", "ResourceArn", d->arn, &x, e) < 0)
		goto fail;
	if (x) {
		const cJSON *tag;
		cJSON *tags = cJSON_AddObjectToObject(o, "tags");
		cJSON_ArrayForEach(tag, json_get(x, "Tags"))
			if (json_get_string(tag, "Key"))
				cJSON_AddStringToObject(tags, json_get_string(tag, "Key"), json_get_string(tag, "Value") ? json_get_string(tag, "Value") : "");
		cJSON_Delete(x);
		x = NULL;
	}
	if (cJSON_IsTrue(json_get(t, "DeletionProtectionEnabled")))
		cJSON_AddTrueToObject(o, "deletion_protection");
	if (json_get_string(json_get(t, "TableClassSummary"), "TableClass"))
		cJSON_AddStringToObject(o, "table_class", json_get_string(json_get(t, "TableClassSummary"), "TableClass"));
	add_ll(o, "item_count", get_ll(t, "ItemCount"));
	add_ll(o, "size_bytes", get_ll(t, "TableSizeBytes"));
	if (d->arn)
		cJSON_AddStringToObject(o, "arn", d->arn);
	return o;
fail:
	cJSON_Delete(o);
	*rc = -1;
	return NULL;
}

/* Table / text modes: one field/value row per fact (lib/cli/render.h records).  A write error is kept in *rc. */
struct fields { struct render *r; struct err *e; int rc; };

static void kv(struct fields *f, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void kv(struct fields *f, const char *k, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (f->rc == 0 && render_field(f->r, k, buf_cstr(&b), f->e) < 0)
		f->rc = -1;
	buf_release(&b);
}

static const char *s_or(const cJSON *o, const char *k, const char *dflt)
{
	const char *s = json_get_string(o, k);
	return s ? s : dflt;
}

static void print_fields(struct fields *f, const cJSON *o)
{
	const cJSON *ix, *x;
	kv(f, "table", "%s", s_or(o, "table", "?"));
	if (json_get_string(o, "wire_name"))
		kv(f, "wire name", "%s", json_get_string(o, "wire_name"));
	kv(f, "status", "%s", s_or(o, "status", "?"));
	kv(f, "keys", "%s", s_or(o, "keys", ""));
	if (json_get(o, "read_capacity")) {
		char *r = render_cell(json_get(o, "read_capacity")), *w = render_cell(json_get(o, "write_capacity"));
		kv(f, "billing", "PROVISIONED (read %s, write %s)", r, w);
		free(r);
		free(w);
	} else {
		kv(f, "billing", "%s", s_or(o, "billing", "?"));
	}
	cJSON_ArrayForEach(ix, json_get(o, "indexes")) {
		struct buf pr = BUF_INIT;   /* "INCLUDE (a, b)"; "; read 5, write 5" for a provisioned GSI */
		const cJSON *nk;
		buf_adds(&pr, s_or(ix, "projection", "?"));
		cJSON_ArrayForEach(nk, json_get(ix, "non_key_attributes"))
			if (cJSON_IsString(nk))
				buf_addf(&pr, "%s%s", nk == json_get(ix, "non_key_attributes")->child ? " (" : ", ", nk->valuestring);
		if (cJSON_GetArraySize(json_get(ix, "non_key_attributes")) > 0)
			buf_adds(&pr, ")");
		if (json_get(ix, "read_capacity")) {
			char *r = render_cell(json_get(ix, "read_capacity")), *w = render_cell(json_get(ix, "write_capacity"));
			buf_addf(&pr, "; read %s, write %s", r, w);
			free(r);
			free(w);
		}
		kv(f, "index", "%s %s: %s; %s; %s%s", s_or(ix, "type", "?"), s_or(ix, "name", "?"),
		   s_or(ix, "keys", ""), buf_cstr(&pr), s_or(ix, "status", "?"),
		   cJSON_IsTrue(json_get(ix, "backfilling")) ? " (backfilling)" : "");
		buf_release(&pr);
	}
	x = json_get(o, "stream");
	if (cJSON_IsObject(x))
		kv(f, "stream", "%s %s", s_or(x, "view_type", "?"), s_or(x, "arn", ""));
	else
		kv(f, "stream", "off");
	if ((x = json_get(o, "ttl")))
		kv(f, "ttl", "%s%s%s%s", s_or(x, "status", "?"), json_get_string(x, "attribute") ? " (" : "",
		   s_or(x, "attribute", ""), json_get_string(x, "attribute") ? ")" : "");
	if (json_get_string(o, "point_in_time_recovery"))
		kv(f, "pitr", "%s", json_get_string(o, "point_in_time_recovery"));
	if (cJSON_IsObject(x = json_get(o, "tags"))) {
		struct buf b = BUF_INIT;
		const cJSON *tag;
		cJSON_ArrayForEach(tag, x)
			buf_addf(&b, "%s%s=%s", b.len ? ", " : "", tag->string, cJSON_IsString(tag) ? tag->valuestring : "");
		kv(f, "tags", "%s", b.len ? buf_cstr(&b) : "(none)");
		buf_release(&b);
	}
	if (cJSON_IsTrue(json_get(o, "deletion_protection")))
		kv(f, "protection", "deletion protection on");
	if (json_get_string(o, "table_class"))
		kv(f, "class", "%s", json_get_string(o, "table_class"));
	char *n = render_cell(json_get(o, "item_count")), *z = render_cell(json_get(o, "size_bytes"));
	kv(f, "items", "%s", n);
	kv(f, "size", "%s bytes", z);
	free(n);
	free(z);
	if (json_get_string(o, "arn"))
		kv(f, "arn", "%s", json_get_string(o, "arn"));
}

static int cmd_describe(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct describe_args a = *(struct describe_args *)args;
	int rc;
	struct err e = ERR_INIT;
	struct table_desc d = TABLE_DESC_INIT;
	cJSON *o = NULL;

	if (npos < 1 && !ctx->default_table)
		return ctx_usage(ctx, &cmd_def_describe, "missing TABLE");
	if (npos > 1)
		return ctx_usage(ctx, &cmd_def_describe, "unexpected argument '%s' (one table at a time)", argv[2]);
	const char *user = npos ? argv[1] : ctx->default_table;
	char *wire = ctx_table_wire(ctx, user);

	rc = table_describe(ctx, wire, &d, &e);
	if (rc == 1)
		rc = err_set(&e, ERR_NOINPUT, "table '%s' does not exist%s%s", user, ctx->ns[0] ? " in namespace " : "",
		             ctx->ns);
	if (rc < 0)
		goto done;
	if (a.raw) {
		o = cJSON_Duplicate(d.table, 1);
	} else {
		o = summary(ctx, user, &d, &e, &rc);
		if (rc < 0)
			goto done;
	}
	enum out_mode m = render_pick(ctx, OUT_JSON);
	if (!a.raw && (m == OUT_TABLE || m == OUT_TEXT)) {
		struct fields f = { render_begin_record(ctx, OUT_JSON), &e, 0 };
		print_fields(&f, o);
		if (f.rc < 0)
			render_abort(f.r);
		rc = f.rc < 0 ? -1 : render_end(f.r, &e);
	} else {   /* json, jsonl: the object itself, compact (not a one-row array); --raw in table/text: its members */
		rc = render_record(ctx, OUT_JSON, o, &e);
	}
done:
	cJSON_Delete(o);
	table_desc_release(&d);
	free(wire);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
