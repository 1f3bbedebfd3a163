/* query.c — ddb query: a key condition built from --pk/--sk-* (key names and types from DescribeTable, values
 * always as expression values), and the Cruddur conversation patterns (`query conversation GROUP_UUID`,
 * `query conversations USER_UUID`, the get-conversation / list-conversations links). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "dynamo/expr.h"
#include "dynamo/item.h"
#include "base/json.h"
#include "aws/pager.h"
#include "cli/render.h"
#include "base/term.h"

static int cmd_query(struct ctx *ctx, void *args, int npos, char **argv);

struct query_args {
	const char *pk, *sk_eq, *sk_begins, *sk_between[2], *sk_lt, *sk_le, *sk_gt, *sk_ge;
	const char *index, *projection;
	struct strlist values, names;
	const char *year, *since, *until, *table;
	struct strlist filter;
	long limit, page_size;
	int desc, consistent, count;
};

#define PATTERN_TABLE "cruddur-messages"
#define PATTERN_LIMIT 20

static const struct opt query_opts[] = {
	OPT_F_STR(0, "pk", struct query_args, pk, "VALUE", "the partition key value"),
	OPT_F_STR(0, "sk-eq", struct query_args, sk_eq, "V", "sort key = V"),
	OPT_F_STR(0, "sk-begins-with", struct query_args, sk_begins, "P", "sort key begins with P"),
	OPT_F_PAIR(0, "sk-between", struct query_args, sk_between, "A B", "sort key between A and B (inclusive)"),
	OPT_F_STR(0, "sk-lt", struct query_args, sk_lt, "V", "sort key < V"),
	OPT_F_STR(0, "sk-le", struct query_args, sk_le, "V", "sort key <= V"),
	OPT_F_STR(0, "sk-gt", struct query_args, sk_gt, "V", "sort key > V"),
	OPT_F_STR(0, "sk-ge", struct query_args, sk_ge, "V", "sort key >= V"),
	OPT_F_STR(0, "index", struct query_args, index, "NAME", "query a secondary index (its key schema)"),
	OPT_F_BOOL(0, "desc", struct query_args, desc, "descending sort key order (ScanIndexForward false)"),
	OPT_F_INT(0, "limit", struct query_args, limit, "N", "at most N items in total (patterns: default 20)", 1,
	          2147483647L),
	OPT_F_INT(0, "page-size", struct query_args, page_size, "N", "items evaluated per request (Limit)", 1,
	          2147483647L),
	OPT_F_LIST(0, "filter", struct query_args, filter, "EXPR",
	           "FilterExpression, or name=value (repeatable, AND-ed)"),
	OPT_F_STR(0, "projection", struct query_args, projection, "ATTRS", "only these attributes (a,b,c)"),
	OPT_F_LIST(0, "values", struct query_args, values, "JSON",
	           "ExpressionAttributeValues, plain JSON or DynamoDB JSON ({\":s\":\"x\"}; repeatable, merged)"),
	OPT_F_LIST(0, "names", struct query_args, names, "JSON",
	           "ExpressionAttributeNames ({\"#n\":\"name\"}; repeatable, merged)"),
	OPT_F_BOOL(0, "consistent", struct query_args, consistent, "strongly consistent reads"),
	OPT_F_BOOL(0, "count", struct query_args, count, "print the number of matching items"),
	OPT_F_STR(0, "year", struct query_args, year, "YYYY", "conversation: messages of that year only"),
	OPT_F_STR(0, "since", struct query_args, since, "TIME", "conversation: messages at or after TIME (ISO-8601)"),
	OPT_F_STR(0, "until", struct query_args, until, "TIME",
	          "conversation: messages up to TIME (inclusive, prefix: 2024-06 means all of June)"),
	OPT_F_STRC(0, "table", struct query_args, table, "TABLE", "conversation(s): the table (default cruddur-messages)",
	           "table"),
	OPT_F_END,
};

const struct cmd cmd_def_query = {
	"query", cmd_query, CMD_AWS, "query a table by key, or the conversation patterns",
	"ddb query TABLE --pk VALUE [--sk-eq V | --sk-begins-with P | --sk-between A B | --sk-lt|--sk-le|--sk-gt|--sk-ge V]\n"
	"          [--index NAME] [--desc] [--limit N] [--page-size N] [--filter EXPR]... [--projection ATTRS]\n"
	"          [--values JSON]... [--names JSON]... [--consistent] [--count]\n"
	"ddb query conversation GROUP_UUID [--year YYYY | --since TIME --until TIME] [--limit N] [--table TABLE]\n"
	"ddb query conversations USER_UUID [--limit N] [--table TABLE]",
	query_opts,
	"Builds KeyConditionExpression '#pk = :pk [AND <sort key condition>]' with the key names and types of the "
	"table (or --index) from DescribeTable; values always travel as expression values.  N keys must be valid "
	"numbers, B keys base64.  Reads page after page until --limit items or the end.  Output as for scan: plain "
	"JSON lines piped, a table on a terminal, --ddb-json typed.  The patterns (Cruddur's cruddur-messages): "
	"'conversation GROUP_UUID' reads pk = MSG#<uuid> newest first (20 by default, --limit), optionally within "
	"--year or --since/--until on sk, reports the consumed capacity on stderr and prints the messages oldest "
	"first ('handle  time  message' on a terminal, JSON items piped); 'conversations USER_UUID' reads "
	"pk = GRP#<uuid> newest first (20).  The links get-conversation and list-conversations run them.",
	"words:conversation conversations|table",
	.args_size = sizeof(struct query_args),
};

/* ---- the page loop -------------------------------------------------------------------------------------- */

typedef int (*item_fn)(void *arg, const cJSON *item, struct err *e);

struct qrun {
	long limit, page_size;
	int has_filter, count_only;
	long emitted, count, scanned;
	double capacity;
};

/* Query page after page until the limit or the end (lib/aws/pager.h); each item to fn. */
static int query_pages(struct ctx *ctx, cJSON *in, struct qrun *q, item_fn fn, void *arg, struct err *e)
{
	struct pager p;
	cJSON *page;
	int rc;
	pager_init(&p, ctx, "Query", "ExclusiveStartKey", "LastEvaluatedKey");
	p.page_size = q->page_size;
	p.limit = q->count_only ? 0 : q->limit;
	p.trim_limit = !q->has_filter;
	while ((rc = pager_json_next(&p, NULL, &aws_dynamodb, "Query", in, &page, NULL, e)) > 0) {
		const cJSON *cc = json_get(page, "ConsumedCapacity");
		const cJSON *cu = json_get(cc, "CapacityUnits");
		if (cJSON_IsNumber(cu))
			q->capacity += cu->valuedouble;
		if (q->count_only) {
			const cJSON *c = json_get(page, "Count"), *s = json_get(page, "ScannedCount");
			q->count += cJSON_IsNumber(c) && c->valuedouble >= 0 && c->valuedouble <= 1e9 ? (long)c->valuedouble : 0;
			q->scanned += cJSON_IsNumber(s) && s->valuedouble >= 0 && s->valuedouble <= 1e9 ? (long)s->valuedouble : 0;
		} else {
			const cJSON *items = json_get(page, "Items"), *it;
			if (items && !cJSON_IsArray(items)) {
				cJSON_Delete(page);
				rc = err_set(e, ERR_DATA, "Query: Items is not a list");
				break;
			}
			long n = pager_take(&p, cJSON_GetArraySize(items));
			cJSON_ArrayForEach(it, items) {
				if (n-- <= 0)
					break;
				if (fn(arg, it, e) < 0) {
					rc = -1;
					break;
				}
				q->emitted++;
			}
		}
		cJSON_Delete(page);
		if (rc < 0)
			break;
	}
	pager_release(&p);
	if (rc < 0 && e->kind == ERR_INTERRUPTED)
		snprintf(e->msg, sizeof(e->msg), "interrupted after %ld items", q->emitted);
	return rc < 0 ? -1 : 0;
}

/* ---- output --------------------------------------------------------------------------------------------- */

struct sink {
	struct ctx *ctx;
	struct render *r;
	const struct item_key_attr *keys;
	size_t nkeys;
	cJSON *collect;       /* patterns: items kept to be printed oldest first */
	int closed;           /* the reader of the output went away (EPIPE) */
};

static cJSON *shown_item(struct ctx *ctx, const cJSON *it, struct err *e)
{
	return ctx->ddb_json ? cJSON_Duplicate(it, 1) : item_to_plain(it, e);
}

static int sink_row(void *arg, const cJSON *it, struct err *e)
{
	struct sink *s = arg;
	if (s->collect) {
		cJSON_AddItemToArray(s->collect, cJSON_Duplicate(it, 1));
		return 0;
	}
	cJSON *row = shown_item(s->ctx, it, e);
	if (!row)
		return -1;
	if (s->nkeys)
		expr_keys_first(row, s->keys, s->nkeys);
	int rc = render_row(s->r, row, e);
	s->closed = rc < 0 && errno == EPIPE;
	cJSON_Delete(row);
	return rc;
}

/* A write failed because the reader went away (`ddb query ... | head`): not an error, stop quietly. */
static int output_gone(struct ctx *ctx, const struct sink *s, const struct err *e)
{
	if (e->kind != ERR_IO || !(s->closed || errno == EPIPE))
		return 0;
	clearerr(ctx->out);   /* main's last flush sees EPIPE afresh and exits 0 */
	return 1;
}

static void table_missing(struct err *e, const char *shown)
{
	aws_table_not_found(e, shown, -1);
}

static int print_count(struct ctx *ctx, const struct qrun *q, struct err *e)
{
	if (ctx->output == OUT_JSON || ctx->output == OUT_JSONL || ctx->output == OUT_MAP) {
		fprintf(ctx->out, "{\"Count\":%ld,\"ScannedCount\":%ld}\n", q->count, q->scanned);
	} else {
		fprintf(ctx->out, "%ld\n", q->count);
		if (q->scanned != q->count)
			ctx_note(ctx, "%ld items evaluated", q->scanned);
	}
	if (fflush(ctx->out) != 0 || ferror(ctx->out))
		return err_set(e, ERR_IO, "cannot write output");
	return 0;
}

/* ---- ddb query TABLE --pk ... ---------------------------------------------------------------------------- */

struct sk_cond { const char *opt; const char *cond; const char *v1, *v2; };

static int query_table(struct ctx *ctx, struct query_args *a, const char *table)
{
	struct err e = ERR_INIT;
	struct expr x;
	struct buf kc = BUF_INIT, filter = BUF_INIT, proj = BUF_INIT;
	char *wire = ctx_table_wire(ctx, table);
	cJSON *in = NULL, *desc = NULL, *din = NULL;
	struct item_key_attr keys[2];
	size_t nkeys = 0;
	struct qrun q = { 0 };
	struct sink s = { ctx, NULL, NULL, 0, NULL };
	int rc;

	const struct sk_cond conds[] = {
		{ "--sk-eq", "#sk = :sk", a->sk_eq, NULL },
		{ "--sk-begins-with", "begins_with(#sk, :sk)", a->sk_begins, NULL },
		{ "--sk-between", "#sk BETWEEN :sk AND :sk2", a->sk_between[0], a->sk_between[1] },
		{ "--sk-lt", "#sk < :sk", a->sk_lt, NULL },
		{ "--sk-le", "#sk <= :sk", a->sk_le, NULL },
		{ "--sk-gt", "#sk > :sk", a->sk_gt, NULL },
		{ "--sk-ge", "#sk >= :sk", a->sk_ge, NULL },
	};
	const struct sk_cond *sk = NULL;
	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		if (!conds[i].v1)
			continue;
		if (sk) {
			free(wire);
			return ctx_usage(ctx, &cmd_def_query, "%s and %s cannot be combined (one sort key condition)",
			                 sk->opt, conds[i].opt);
		}
		sk = &conds[i];
	}

	expr_init(&x);
	for (size_t i = 0; i < a->names.n; i++)
		if (expr_add_names(&x, a->names.v[i], &e) < 0)
			goto fail;
	for (size_t i = 0; i < a->values.n; i++)
		if (expr_add_values(&x, a->values.v[i], &e) < 0)
			goto fail;
	static const char *const mine[] = { "#pk", "#sk", ":pk", ":sk", ":sk2", NULL };
	for (const char *const *m = mine; *m; m++)
		if (json_get(**m == '#' ? x.names : x.values, *m)) {
			err_set(&e, ERR_USAGE, "%s: '%s' is used by the key condition; choose another placeholder",
			        **m == '#' ? "--names" : "--values", *m);
			goto fail;
		}

	din = cJSON_CreateObject();
	cJSON_AddStringToObject(din, "TableName", wire);
	if (aws_json(ctx, &aws_dynamodb, "DescribeTable", din, &desc, &e) < 0)
		goto fail;
	if (expr_key_schema(desc, a->index, table, keys, &nkeys, &e) < 0)
		goto fail;
	if (sk && nkeys < 2) {
		err_set(&e, ERR_USAGE, "%s: %s '%s' has no sort key", sk->opt, a->index ? "index" : "table",
		        a->index ? a->index : table);
		goto fail;
	}

	cJSON *v = expr_key_value(a->pk, keys[0].type, "--pk", keys[0].name, &e);
	if (!v)
		goto fail;
	cJSON_AddItemToObject(x.values, ":pk", v);
	cJSON_AddStringToObject(x.names, "#pk", keys[0].name);
	buf_adds(&kc, "#pk = :pk");
	if (sk) {
		cJSON_AddStringToObject(x.names, "#sk", keys[1].name);
		if (!(v = expr_key_value(sk->v1, keys[1].type, sk->opt, keys[1].name, &e)))
			goto fail;
		cJSON_AddItemToObject(x.values, ":sk", v);
		if (sk->v2) {
			if (!(v = expr_key_value(sk->v2, keys[1].type, sk->opt, keys[1].name, &e)))
				goto fail;
			cJSON_AddItemToObject(x.values, ":sk2", v);
		}
		buf_adds(&kc, " AND ");
		buf_adds(&kc, sk->cond);
	}
	if (expr_filter(&x, a->filter.v, a->filter.n, &filter, &e) < 0)
		goto fail;
	if (a->projection && expr_projection(&x, a->projection, &proj, &e) < 0)
		goto fail;

	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "TableName", wire);
	if (a->index)
		cJSON_AddStringToObject(in, "IndexName", a->index);
	cJSON_AddStringToObject(in, "KeyConditionExpression", buf_cstr(&kc));
	if (filter.len)
		cJSON_AddStringToObject(in, "FilterExpression", buf_cstr(&filter));
	if (proj.len)
		cJSON_AddStringToObject(in, "ProjectionExpression", buf_cstr(&proj));
	if (a->desc)
		cJSON_AddBoolToObject(in, "ScanIndexForward", 0);
	if (a->consistent)
		cJSON_AddBoolToObject(in, "ConsistentRead", 1);
	if (a->count)
		cJSON_AddStringToObject(in, "Select", "COUNT");
	expr_apply(&x, in);

	q.limit = a->limit;
	q.page_size = a->page_size;
	q.has_filter = filter.len > 0;
	q.count_only = a->count;
	if (a->count) {
		if (query_pages(ctx, in, &q, sink_row, &s, &e) < 0 || print_count(ctx, &q, &e) < 0)
			goto fail;
		rc = 0;
		goto out;
	}
	enum out_mode mode = render_pick(ctx, OUT_JSONL);
	if (mode == OUT_TABLE || mode == OUT_TEXT) {
		s.keys = keys;
		s.nkeys = nkeys;
	}
	s.r = render_begin(ctx, OUT_JSONL, NULL);
	if (query_pages(ctx, in, &q, sink_row, &s, &e) < 0) {
		render_abort(s.r);
		goto fail;
	}
	if (render_end(s.r, &e) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	if (output_gone(ctx, &s, &e)) {
		rc = 0;
		goto out;
	}
	table_missing(&e, table);
	rc = ctx_fail(ctx, &e);
out:
	cJSON_Delete(in);
	cJSON_Delete(din);
	cJSON_Delete(desc);
	expr_release(&x);
	buf_release(&kc);
	buf_release(&filter);
	buf_release(&proj);
	free(wire);
	return rc;
}

/* ---- the conversation patterns -------------------------------------------------------------------------- */

/* Copy of s for one output line: control characters become spaces. */
static char *one_line(const char *s)
{
	return term_clean(s ? s : "");   /* item data on a terminal */
}

static size_t u8width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* "2024-03-20T21:08:38.478452+00:00" -> "2024-03-20 21:08:38" (other text as it is). */
static void short_time(const char *sk, char *out, size_t outlen)
{
	size_t n = strlen(sk);
	if (n >= 19 && sk[4] == '-' && sk[10] == 'T') {
		snprintf(out, outlen, "%.10s %.8s", sk, sk + 11);
		return;
	}
	snprintf(out, outlen, "%s", sk);
}

/* The terminal form: `handle  time  [group  ]message`, one line per item, in the order of items. */
static int print_lines(struct ctx *ctx, const cJSON *items, int with_group, struct err *e)
{
	size_t hw = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, items) {
		char *h = one_line(json_get_string(json_get(it, "user_handle"), "S"));
		size_t w = u8width(h) + 1;
		free(h);
		if (w > hw)
			hw = w;
	}
	cJSON_ArrayForEach(it, items) {
		char *h = one_line(json_get_string(json_get(it, "user_handle"), "S"));
		char *m = one_line(json_get_string(json_get(it, "message"), "S"));
		char *sk = one_line(json_get_string(json_get(it, "sk"), "S"));
		char t[64];
		short_time(sk, t, sizeof(t));
		free(sk);
		fprintf(ctx->out, "@%s", h);
		for (size_t k = u8width(h) + 1; k < hw; k++)
			fputc(' ', ctx->out);
		fprintf(ctx->out, "  %-19s  ", t);
		if (with_group) {
			char *g = one_line(json_get_string(json_get(it, "message_group_uuid"), "S"));
			fprintf(ctx->out, "%s  ", g);
			free(g);
		}
		fprintf(ctx->out, "%s\n", m);
		free(h);
		free(m);
	}
	if (fflush(ctx->out) != 0 || ferror(ctx->out))
		return err_set(e, ERR_IO, "cannot write output");
	return 0;
}

static int query_pattern(struct ctx *ctx, struct query_args *a, int conversation, const char *uuid)
{
	struct err e = ERR_INIT;
	const char *table = a->table ? a->table : PATTERN_TABLE;
	char *wire = ctx_table_wire(ctx, table);
	char *pk = xasprintf("%s%s", conversation ? "MSG#" : "GRP#", uuid);
	char *until = NULL;
	cJSON *in = cJSON_CreateObject(), *names = cJSON_CreateObject(), *values = cJSON_CreateObject();
	struct qrun q = { 0 };
	struct sink s = { ctx, NULL, NULL, 0, cJSON_CreateArray() };
	struct buf kc = BUF_INIT;
	int rc;

	cJSON_AddStringToObject(names, "#pk", "pk");
	cJSON *v = cJSON_AddObjectToObject(values, ":pk");
	cJSON_AddStringToObject(v, "S", pk);
	buf_adds(&kc, "#pk = :pk");
	if (a->year || a->since || a->until)
		cJSON_AddStringToObject(names, "#sk", "sk");
	if (a->year) {
		v = cJSON_AddObjectToObject(values, ":year");
		cJSON_AddStringToObject(v, "S", a->year);
		buf_adds(&kc, " AND begins_with(#sk, :year)");
	} else if (a->since || a->until) {
		if (a->until) {
			/* inclusive and prefix-wise: '~' sorts after every character of an ISO-8601 time */
			until = xasprintf("%s~", a->until);
			v = cJSON_AddObjectToObject(values, ":until");
			cJSON_AddStringToObject(v, "S", until);
		}
		if (a->since) {
			v = cJSON_AddObjectToObject(values, ":since");
			cJSON_AddStringToObject(v, "S", a->since);
		}
		buf_adds(&kc, a->since && a->until ? " AND #sk BETWEEN :since AND :until"
		              : a->since           ? " AND #sk >= :since"
		                                   : " AND #sk <= :until");
	}
	cJSON_AddStringToObject(in, "TableName", wire);
	cJSON_AddStringToObject(in, "KeyConditionExpression", buf_cstr(&kc));
	cJSON_AddItemToObject(in, "ExpressionAttributeNames", names);
	cJSON_AddItemToObject(in, "ExpressionAttributeValues", values);
	cJSON_AddBoolToObject(in, "ScanIndexForward", 0);
	if (conversation)
		cJSON_AddStringToObject(in, "ReturnConsumedCapacity", "TOTAL");
	if (a->consistent)
		cJSON_AddBoolToObject(in, "ConsistentRead", 1);

	q.limit = a->limit ? a->limit : PATTERN_LIMIT;
	q.page_size = a->page_size;
	if (query_pages(ctx, in, &q, sink_row, &s, &e) < 0)
		goto fail;
	if (conversation && !ctx->quiet)
		fprintf(ctx->err_out, "consumed capacity: %g RCU (table %s)\n", q.capacity, table);

	/* messages: newest first from the service, shown oldest first (as the app does) */
	cJSON *items = s.collect;
	if (conversation) {
		cJSON *rev = cJSON_CreateArray();
		while (items->child) {
			cJSON *last = items->child->prev;   /* cJSON keeps the tail in child->prev */
			cJSON_AddItemToArray(rev, cJSON_DetachItemViaPointer(items, last));
		}
		cJSON_Delete(items);
		items = s.collect = rev;
	}
	if (ctx->output == OUT_AUTO && ctx->out_tty && !ctx->ddb_json) {
		if (!items->child)
			ctx_note(ctx, "no %s", conversation ? "messages" : "conversations");
		if (print_lines(ctx, items, !conversation, &e) < 0)
			goto fail;
	} else {
		s.r = render_begin(ctx, OUT_JSONL, NULL);
		const cJSON *it;
		cJSON_ArrayForEach(it, items) {
			cJSON *row = shown_item(ctx, it, &e);
			if (!row || render_row(s.r, row, &e) < 0) {
				s.closed = row && errno == EPIPE;
				cJSON_Delete(row);
				render_abort(s.r);
				goto fail;
			}
			cJSON_Delete(row);
		}
		if (render_end(s.r, &e) < 0)
			goto fail;
	}
	rc = 0;
	goto out;
fail:
	if (output_gone(ctx, &s, &e)) {
		rc = 0;
		goto out;
	}
	table_missing(&e, table);
	rc = ctx_fail(ctx, &e);
out:
	cJSON_Delete(in);
	cJSON_Delete(s.collect);
	buf_release(&kc);
	free(until);
	free(pk);
	free(wire);
	return rc;
}

static int cmd_query(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct query_args a = *(struct query_args *)args;
	int rc;

	int conv = npos >= 1 && !a.pk && !strcmp(argv[1], "conversation");
	int convs = npos >= 1 && !a.pk && !strcmp(argv[1], "conversations");
	const char *bad = NULL;
	if (conv || convs) {
		const char *word = argv[1];
		if (a.sk_eq || a.sk_begins || a.sk_between[0] || a.sk_lt || a.sk_le || a.sk_gt || a.sk_ge)
			bad = "--sk-*";
		else if (a.index)
			bad = "--index";
		else if (a.filter.n)
			bad = "--filter";
		else if (a.projection || a.values.n || a.names.n)
			bad = a.projection ? "--projection" : a.values.n ? "--values" : "--names";
		else if (a.count)
			bad = "--count";
		else if (a.desc)
			bad = "--desc";
		else if (convs && (a.year || a.since || a.until))
			bad = a.year ? "--year" : a.since ? "--since" : "--until";
		else if (a.year && (a.since || a.until))
			bad = "--year with --since/--until";
		if (bad)
			rc = ctx_usage(ctx, &cmd_def_query, "%s does not apply to 'query %s'", bad, word);
		else if (npos < 2)
			rc = ctx_usage(ctx, &cmd_def_query, "missing %s", conv ? "GROUP_UUID" : "USER_UUID");
		else if (npos > 2)
			rc = ctx_usage(ctx, &cmd_def_query, "unexpected argument '%s'", argv[3]);
		else if (!argv[2][0])
			rc = ctx_usage(ctx, &cmd_def_query, "empty %s", conv ? "GROUP_UUID" : "USER_UUID");
		else if (a.year && (strlen(a.year) != 4 || strspn(a.year, "0123456789") != 4))
			rc = ctx_usage(ctx, &cmd_def_query, "--year: expected four digits (YYYY), not '%s'", a.year);
		else if ((a.since && !*a.since) || (a.until && !*a.until))
			rc = ctx_usage(ctx, &cmd_def_query, "--since/--until: empty time");
		else
			rc = query_pattern(ctx, &a, conv, argv[2]);
	} else {
		if (a.year || a.since || a.until || a.table)
			bad = a.year ? "--year" : a.since ? "--since" : a.until ? "--until" : "--table";
		if (bad)
			rc = ctx_usage(ctx, &cmd_def_query, "%s only applies to 'query conversation(s)'", bad);
		else if (npos < 1)
			rc = ctx_usage(ctx, &cmd_def_query, "missing TABLE");
		else if (npos > 1)
			rc = ctx_usage(ctx, &cmd_def_query, "unexpected argument '%s'", argv[2]);
		else if (!a.pk)
			rc = ctx_usage(ctx, &cmd_def_query, "missing --pk VALUE (the partition key value)");
		else if (a.count && (a.projection || a.limit))   /* the same rule as scan */
			rc = ctx_usage(ctx, &cmd_def_query, "--count cannot be combined with %s",
			               a.projection ? "--projection" : "--limit");
		else
			rc = query_table(ctx, &a, argv[1]);
	}
	strlist_release(&a.filter);
	strlist_release(&a.values);
	strlist_release(&a.names);
	return rc;
}
