/* sql.c — ddb sql STATEMENT|-: PartiQL.  One statement with ExecuteStatement (every page); `-` reads statements
 * from standard input, one per line, sent 25 at a time with BatchExecuteStatement where a group is all writes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "dynamo/item.h"
#include "cli/itemop.h"
#include "base/json.h"
#include "dynamo/partiql.h"
#include "cli/render.h"

static int cmd_sql(struct ctx *ctx, void *args, int npos, char **argv);

struct sql_args { const char *params; long limit, page_size; int consistent; };

static const struct opt sql_opts[] = {
	OPT_F_STR(0, "params", struct sql_args, params, "JSON",
	          "values for the statement's ? placeholders: a JSON array, plain or DynamoDB JSON"),
	OPT_F_INT(0, "limit", struct sql_args, limit, "N", "at most N items per SELECT (across pages)", 1, 2147483647L),
	OPT_F_INT(0, "page-size", struct sql_args, page_size, "N", "items evaluated per request (Limit)", 1,
	          2147483647L),
	OPT_F_BOOL(0, "consistent", struct sql_args, consistent, "strongly consistent reads"),
	OPT_F_END,
};

#define SQL_BATCH 25                  /* BatchExecuteStatement's limit */
#define SQL_LINE_MAX (1u << 20)       /* one statement line */

const struct cmd cmd_def_sql = {
	"sql", cmd_sql, CMD_AWS, "run PartiQL statements (SELECT, INSERT, UPDATE, DELETE)",
	"ddb sql STATEMENT [--params JSON] [--limit N] [--page-size N] [--consistent] [--ddb-json]\n"
	"ddb sql - [--limit N] [--page-size N] [--consistent]     (statements on standard input, one per line)",
	sql_opts,
	"ExecuteStatement, following NextToken to the last page (or --limit items); SELECT results print as items, as "
	"scan prints them (plain JSON lines piped, a table on a terminal, --ddb-json typed).  --params gives the values "
	"of the ? placeholders: '[\"a\", 1]' (plain JSON, numbers exact) or typed '[{\"S\":\"a\"}]'.  'ddb sql -' reads "
	"one statement per line (blank lines and lines starting with -- are skipped); each group of up to 25 lines that "
	"are all INSERT/UPDATE/DELETE goes as one BatchExecuteStatement, anything else runs line by line; a failing "
	"line is reported as stdin:LINE and the rest still run.  With a namespace, the prefix is applied only to the "
	"table name right after FROM, INTO or UPDATE when it is a plain or double-quoted name; any other statement is "
	"refused (64) rather than guessed at.  A WHERE that matched no item on UPDATE/DELETE, or an INSERT over an "
	"existing key, exits 4.  Engines without PartiQL (dynalite) exit 69 with a message saying so.",
	"words:-",
	.args_size = sizeof(struct sql_args),
};

struct sink {
	struct ctx *ctx;
	struct render *r;
};

static int sink_item(void *arg, const cJSON *it, struct err *e)
{
	struct sink *s = arg;
	cJSON *row = s->ctx->ddb_json ? cJSON_Duplicate(it, 1) : item_to_plain(it, e);
	if (!row)
		return -1;
	int rc = render_row(s->r, row, e);
	cJSON_Delete(row);
	return rc;
}

/* One statement: the namespace applied, its pages printed.  e names nothing more than the statement's error. */
static int run_one(struct ctx *ctx, const struct sql_args *a, const char *stmt, size_t len, const cJSON *params,
                   struct sink *s, struct err *e)
{
	struct buf text = BUF_INIT;
	if (partiql_namespace(stmt, len, ctx->ns, &text, NULL, e) < 0) {
		buf_release(&text);
		return -1;
	}
	cJSON *in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "Statement", buf_cstr(&text));
	if (params)
		cJSON_AddItemToObject(in, "Parameters", cJSON_Duplicate(params, 1));
	if (a->consistent)
		cJSON_AddBoolToObject(in, "ConsistentRead", 1);
	int rc = partiql_execute(ctx, in, a->limit, a->page_size, sink_item, s, e);
	cJSON_Delete(in);
	buf_release(&text);
	return rc;
}

struct line { char *text; size_t len; long no; };

/* Read the next statement line (blank and -- lines skipped) into l; 1 at the end, 0, or -1 with e. */
static int read_line(FILE *f, long *lineno, struct line *l, struct err *e)
{
	struct buf b = BUF_INIT;
	for (;;) {
		(*lineno)++;
		int r = itemop_read_line(f, SQL_LINE_MAX, &b, e);
		if (r) {
			buf_release(&b);
			return r < 0 ? err_prefix(e, "stdin:%ld", *lineno) : 1;
		}
		const char *p = b.ptr + strspn(b.ptr, " \t");
		if (!*p || !strncmp(p, "--", 2))
			continue;
		if (memchr(b.ptr, '\0', b.len) || !json_utf8_valid(b.ptr, b.len)) {
			buf_release(&b);
			return err_set(e, ERR_DATA, "stdin:%ld: not UTF-8 text", *lineno);
		}
		l->no = *lineno;
		l->text = buf_detach(&b, &l->len);
		return 0;
	}
}

static int run_one(struct ctx *ctx, const struct sql_args *a, const char *stmt, size_t len, const cJSON *params,
                   struct sink *s, struct err *e);

/* Run lines one at a time (ExecuteStatement), each failure reported by its line. */
static void run_singly(struct ctx *ctx, const struct sql_args *a, struct line *lines, size_t n, struct sink *s,
                       int *worst, int *stop)
{
	struct err e = ERR_INIT;
	for (size_t i = 0; i < n && !*stop; i++) {
		err_clear(&e);
		if (run_one(ctx, a, lines[i].text, lines[i].len, NULL, s, &e) == 0)
			continue;
		if (e.kind == ERR_IO || e.kind == ERR_INTERRUPTED) {
			*worst = ctx_fail(ctx, &e);
			*stop = 1;
			break;
		}
		err_prefix(&e, "stdin:%ld", lines[i].no);
		int code = ctx_fail(ctx, &e);
		if (*worst == 0 || code != EXIT_CONDITION)
			*worst = code;
		if (code == EXIT_USAGE || code == EXIT_UNAVAILABLE)
			*stop = 1;   /* nothing else would work either */
	}
}

/* A group of lines that are all writes: BatchExecuteStatement; each failed line reported.  A batch refused as a
 * whole (ValidationException: two statements on one key, say) is run line by line, so only the bad lines fail.
 * Returns 1 when the script must stop. */
static int run_batch(struct ctx *ctx, const struct sql_args *a, struct line *lines, size_t n, struct sink *sk,
                     int *worst)
{
	struct err e = ERR_INIT;
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	cJSON *arr = cJSON_AddArrayToObject(in, "Statements");
	for (size_t i = 0; i < n; i++) {
		struct buf text = BUF_INIT;
		if (partiql_namespace(lines[i].text, lines[i].len, ctx->ns, &text, NULL, &e) < 0) {
			err_prefix(&e, "stdin:%ld", lines[i].no);
			buf_release(&text);
			cJSON_Delete(in);
			*worst = ctx_fail(ctx, &e);
			return 1;   /* a refused statement stops the script: nothing of the group was sent */
		}
		cJSON *st = cJSON_CreateObject();
		cJSON_AddStringToObject(st, "Statement", buf_cstr(&text));
		cJSON_AddItemToArray(arr, st);
		buf_release(&text);
	}
	int rc = aws_json(ctx, &aws_dynamodb, "BatchExecuteStatement", in, &out, &e);
	cJSON_Delete(in);
	if (rc < 0 && e.kind == ERR_SERVICE && !strcmp(e.type, "ValidationException")) {
		int stop = 0;
		run_singly(ctx, a, lines, n, sk, worst, &stop);
		return stop;
	}
	if (rc < 0) {
		partiql_error(&e, NULL, NULL);
		err_prefix(&e, "stdin:%ld-%ld", lines[0].no, lines[n - 1].no);
		*worst = ctx_fail(ctx, &e);
		cJSON_Delete(out);
		return e.kind == ERR_UNAVAILABLE || e.kind == ERR_INTERRUPTED;
	}
	const cJSON *resp = json_get(out, "Responses"), *r;
	size_t i = 0;
	cJSON_ArrayForEach(r, resp) {
		const cJSON *er = json_get(r, "Error");
		if (er && i < n) {
			struct err le = ERR_INIT;
			partiql_error(&le, json_get_string(er, "Code") ? json_get_string(er, "Code") : "Error",
			              json_get_string(er, "Message"));
			err_prefix(&le, "stdin:%ld", lines[i].no);
			int code = ctx_fail(ctx, &le);
			if (*worst == 0 || code != EXIT_CONDITION)
				*worst = code;
		}
		i++;
	}
	if (i != n) {
		err_set(&e, ERR_DATA, "stdin:%ld-%ld: BatchExecuteStatement answered %zu responses for %zu statements",
		        lines[0].no, lines[n - 1].no, i, n);
		*worst = ctx_fail(ctx, &e);
	}
	cJSON_Delete(out);
	return 0;
}

static int run_script(struct ctx *ctx, const struct sql_args *a, struct sink *s)
{
	struct line lines[SQL_BATCH];
	size_t n = 0;
	long lineno = 0;
	int worst = 0, end = 0;
	struct err e = ERR_INIT;
	while (!end) {
		n = 0;
		while (n < SQL_BATCH) {
			int r = read_line(stdin, &lineno, &lines[n], &e);
			if (r < 0) {
				worst = ctx_fail(ctx, &e);
				end = 2;
				break;
			}
			if (r == 1) {
				end = 1;
				break;
			}
			n++;
		}
		int writes = n > 1;
		for (size_t i = 0; i < n && writes; i++)
			writes = partiql_is_write(lines[i].text, lines[i].len);
		int stop = 0;
		if (writes)
			stop = run_batch(ctx, a, lines, n, s, &worst);
		else
			run_singly(ctx, a, lines, n, s, &worst, &stop);
		if (stop)
			end = 2;
		for (size_t i = 0; i < n; i++)
			free(lines[i].text);
		if (ctx_interrupted(ctx) && end != 2) {
			err_set(&e, ERR_INTERRUPTED, "interrupted after line %ld", lineno);
			worst = ctx_fail(ctx, &e);
			end = 2;
		}
	}
	return worst;
}

static int cmd_sql(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct sql_args a = *(struct sql_args *)args;
	struct err e = ERR_INIT;
	int rc;
	cJSON *params = NULL;

	if (npos < 1)
		return ctx_usage(ctx, &cmd_def_sql, "missing STATEMENT (or - to read statements from standard input)");
	if (npos > 1)
		return ctx_usage(ctx, &cmd_def_sql, "unexpected argument '%s' (quote the statement as one argument)",
		                 argv[2]);
	int script = !strcmp(argv[1], "-");
	if (script && ctx->in_repl)
		return ctx_usage(ctx, &cmd_def_sql, "standard input is the REPL's own input here: give one statement");
	if (script && a.params)
		return ctx_usage(ctx, &cmd_def_sql, "--params applies to one statement, not to 'sql -'");
	if (!script && !argv[1][strspn(argv[1], " \t\r\n")])
		return ctx_usage(ctx, &cmd_def_sql, "empty statement");
	if (a.params && !(params = partiql_params(a.params, &e)))
		return e.kind == ERR_USAGE ? ctx_usage(ctx, &cmd_def_sql, "%s", e.msg) : ctx_fail(ctx, &e);

	struct sink s = { ctx, render_begin(ctx, OUT_JSONL, NULL) };
	if (script) {
		rc = run_script(ctx, &a, &s);
		if (render_end(s.r, &e) < 0 && !rc)
			rc = ctx_fail(ctx, &e);
	} else if (run_one(ctx, &a, argv[1], strlen(argv[1]), params, &s, &e) < 0) {
		render_abort(s.r);
		rc = e.kind == ERR_USAGE ? ctx_usage(ctx, &cmd_def_sql, "%s", e.msg) : ctx_fail(ctx, &e);
	} else {
		rc = render_end(s.r, &e) < 0 ? ctx_fail(ctx, &e) : 0;
	}
	cJSON_Delete(params);
	return rc;
}
