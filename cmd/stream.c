/* stream.c — ddb stream tail TABLE: read a table's DynamoDB stream, print each record as a Lambda handler
 * receives it, or run a handler per batch (--exec); ddb stream list [TABLE]: the streams (ListStreams). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "aws/creds.h"
#include "dynamo/item.h"
#include "base/json.h"
#include "aws/pager.h"
#include "cli/render.h"
#include "dynamo/streams.h"
#include "base/term.h"

static int cmd_stream(struct ctx *ctx, void *args, int npos, char **argv);

struct stream_args {
	const char *from, *from_sequence, *after_sequence, *exec, *stream_arn;
	int follow, plain;
	long limit, batch_size;
};

static const char *const from_choices[] = { "trim-horizon", "latest", NULL };

static const struct opt stream_opts[] = {
	OPT_F_CHOICE(0, "from", struct stream_args, from, "WHERE",
	             "trim-horizon: every record kept (24 h, the default); latest: only new ones", from_choices),
	OPT_F_STR(0, "from-sequence", struct stream_args, from_sequence, "SEQ",
	          "start at this sequence number (resume after a failed handler)"),
	OPT_F_STR(0, "after-sequence", struct stream_args, after_sequence, "SEQ",
	          "start just after this sequence number (resume after Ctrl-C)"),
	OPT_F_STR(0, "stream-arn", struct stream_args, stream_arn, "ARN",
	          "read this stream of the table (e.g. one just disabled: its records stay readable 24 h)"),
	OPT_F_BOOL(0, "follow", struct stream_args, follow, "keep reading new records until Ctrl-C"),
	OPT_F_INT(0, "limit", struct stream_args, limit, "N", "stop after N records", 1, 1000000000L),
	OPT_F_BOOL(0, "plain", struct stream_args, plain, "Keys, NewImage and OldImage as plain JSON"),
	OPT_F_STR(0, "exec", struct stream_args, exec, "CMD",
	          "run CMD per batch with {\"Records\":[...]} on stdin (split like a shell line, never run by one)"),
	OPT_F_INT(0, "batch-size", struct stream_args, batch_size, "N", "records per --exec batch (default 1)", 1,
	          10000),
	OPT_F_END,
};

const struct cmd cmd_def_stream = {
	"stream", cmd_stream, CMD_AWS, "read a table's stream: tail, --exec a handler",
	"ddb stream tail TABLE [--from trim-horizon|latest | --from-sequence SEQ | --after-sequence SEQ] [--follow]\n"
	"                [--limit N] [--plain] [--exec CMD [--batch-size N]] [--stream-arn ARN]\n"
	"ddb stream list [TABLE]",
	stream_opts,
	"tail reads the table's stream (the Streams API: DescribeStream, GetShardIterator, GetRecords) shard by "
	"shard, parents before children, and prints each record as one JSON line in the shape a Lambda handler "
	"receives (eventID, eventName INSERT/MODIFY/REMOVE, eventVersion, eventSource, awsRegion, dynamodb{Keys, "
	"NewImage, OldImage, SequenceNumber, SizeBytes, StreamViewType, ApproximateCreationDateTime in whole epoch "
	"seconds}, eventSourceARN).  --stream-arn ARN reads that stream instead of the table's current one: a stream "
	"disabled (or replaced) less than 24 h ago keeps its records, and the table may even be gone.  --plain turns the item images into plain JSON.  On a terminal (or with "
	"--output text) one line per change: event, key values, time.  Without --follow it stops at the end of the "
	"data: every closed shard read to its end and every open shard answering two empty pages in a row.  "
	"--follow keeps polling (backing off from 0.25 to 2 s while nothing comes, picking up new shards) until "
	"Ctrl-C, which ends with exit 130 and prints the --after-sequence to resume from.  --exec CMD runs CMD (split "
	"into words like a shell line, quotes honoured, but no shell: nothing is expanded) once per batch of up to "
	"--batch-size records of one shard, in order, with {\"Records\":[...]} on its stdin and DDB_STREAM_ARN, "
	"DDB_TABLE, AWS_REGION and (local mode) AWS_ENDPOINT_URL_DYNAMODB (and dummy AWS keys when there are no "
	"credentials) in its environment, its output where ddb's goes: a Lambda handler run locally.  When CMD fails the tail stops, prints the --from-sequence to resume from and exits with CMD's "
	"status (1 when that is above 125 or CMD was killed by a signal).  list prints the streams (ListStreams) of "
	"the table, or of every table of the namespace.",
	"words:tail list;table",
	.args_size = sizeof(struct stream_args),
};

/* ---- tail ------------------------------------------------------------------------------------------------ */

struct tail {
	struct ctx *ctx;
	const struct stream_args *a;
	struct render *r;               /* JSON modes */
	int compact;                    /* one line per change */
	const char *hash, *range;       /* key names, for the compact view */
	long count;                     /* records printed or handled */
	char *done_seq;                 /* the last record printed / handled */
	/* --exec */
	char **argv, **env;
	cJSON *batch;                   /* {"Records":[...]} being filled */
	int status, signo;              /* the failed handler */
	char *failed_seq;               /* first record of the failed batch */
	int failed;
	int closed;                     /* the reader of ctx->out went away (EPIPE) */
};

static const char *rec_seq(const cJSON *rec)
{
	return json_get_string(json_get(rec, "dynamodb"), "SequenceNumber");
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

/* The text of a key value: typed ({"S":"x"}) or plain ("x", 12). */
static void key_text(const cJSON *keys, const char *name, struct buf *out)
{
	const cJSON *v = json_get(keys, name), *payload = NULL;
	char tmp[JSON_NUMBER_TMP];
	if (!v)
		return;
	if (cJSON_IsObject(v) && item_value_type(v, &payload))
		v = payload;
	if (cJSON_IsString(v))
		buf_adds(out, v->valuestring);
	else if (json_is_number(v))
		buf_adds(out, json_number_text_tmp(v, tmp, sizeof(tmp)) ? json_number_text_tmp(v, tmp, sizeof(tmp)) : "?");
	else {
		char *s = json_print_compact(v);
		buf_adds(out, s ? s : "?");
		free(s);
	}
}

static int print_compact(struct tail *t, const cJSON *rec, struct err *e)
{
	const cJSON *d = json_get(rec, "dynamodb"), *keys = json_get(d, "Keys"), *when;
	const char *ev = json_get_string(rec, "eventName");
	struct buf line = BUF_INIT;
	char tmp[JSON_NUMBER_TMP];

	buf_addf(&line, "%-6s ", ev ? ev : "?");
	if (t->hash)
		key_text(keys, t->hash, &line);
	if (t->range) {
		buf_addc(&line, ' ');
		key_text(keys, t->range, &line);
	}
	when = json_get(d, "ApproximateCreationDateTime");
	const char *secs = when ? json_number_text_tmp(when, tmp, sizeof(tmp)) : NULL;
	if (secs) {
		char *end;
		long long v = strtoll(secs, &end, 10);
		struct tm tm;
		char iso[32];
		time_t tt = (time_t)v;
		if (*end == '\0' && gmtime_r(&tt, &tm) && strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm))
			buf_addf(&line, " %s", iso);
	}
	char *shown = t->ctx->out_tty ? term_clean(buf_cstr(&line)) : NULL;   /* keys are item data */
	fprintf(t->ctx->out, "%s\n", shown ? shown : buf_cstr(&line));
	free(shown);
	buf_release(&line);
	if (ferror(t->ctx->out))
		return err_set(e, ERR_IO, "cannot write output");
	return 0;
}

static int run_batch(struct tail *t, struct err *e)
{
	cJSON *recs = cJSON_GetObjectItemCaseSensitive(t->batch, "Records");
	int n = cJSON_GetArraySize(recs);
	if (!n)
		return 0;
	char *first = xstrdup(rec_seq(cJSON_GetArrayItem(recs, 0)) ? rec_seq(cJSON_GetArrayItem(recs, 0)) : "?");
	char *last = xstrdup(rec_seq(cJSON_GetArrayItem(recs, n - 1)) ? rec_seq(cJSON_GetArrayItem(recs, n - 1)) : "?");
	char *txt = json_print_compact(t->batch);
	int rc = 0;
	if (!txt) {
		rc = err_set(e, ERR_INTERNAL, "cannot print a batch");
		goto out;
	}
	fflush(t->ctx->out);
	fflush(t->ctx->err_out);
	/* The handler writes where ddb does (ctx->out, ctx->err_out), not to whatever fd 1 and 2 are. */
	if (stream_run_handler(t->argv, t->env, txt, strlen(txt), fileno(t->ctx->out), fileno(t->ctx->err_out),
	                       &t->status, &t->signo, e) < 0) {
		err_prefix(e, "at sequence number %s (resume with --from-sequence %s)", first, first);
		rc = -1;
		goto out;
	}
	if (t->status != 0) {
		t->failed = 1;
		set_str(&t->failed_seq, first);
		rc = 1;
		goto out;
	}
	set_str(&t->done_seq, last);
	t->count += n;
out:
	free(txt);
	free(first);
	free(last);
	cJSON_Delete(t->batch);
	t->batch = NULL;
	return rc;
}

/* A write to ctx->out failed (e set).  When the reader went away (`ddb stream tail t --follow | head -3`), stop
 * reading quietly, like main does for EPIPE at exit: 1.  Else -1. */
static int write_failed(struct tail *t, struct err *e)
{
	if (errno != EPIPE)
		return -1;
	err_clear(e);
	t->closed = 1;
	return 1;
}

static int on_page(void *arg, const char *shard_id, cJSON *records, struct err *e)
{
	struct tail *t = arg;
	cJSON *rec;
	long pending = 0;   /* records in the open batch */
	(void)shard_id;

	cJSON_ArrayForEach(rec, records) {
		if (t->a->limit && t->count + pending >= t->a->limit)
			break;
		if (t->a->plain && !t->compact && stream_record_plain(rec, e) < 0)
			return -1;
		if (t->argv) {
			if (!t->batch) {
				t->batch = cJSON_CreateObject();
				cJSON_AddArrayToObject(t->batch, "Records");
			}
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(t->batch, "Records"), cJSON_Duplicate(rec, 1));
			if (++pending >= (t->a->batch_size ? t->a->batch_size : 1)) {
				int rc = run_batch(t, e);
				pending = 0;
				if (rc)
					return rc;
			}
			continue;
		}
		int rc = t->compact ? print_compact(t, rec, e) : render_row(t->r, rec, e);
		if (rc < 0)
			return e->kind == ERR_IO ? write_failed(t, e) : -1;
		t->count++;
		set_str(&t->done_seq, rec_seq(rec));
	}
	if (t->argv && t->batch) {   /* a batch never spans pages (nor shards) */
		int rc = run_batch(t, e);
		if (rc)
			return rc;
	}
	if (fflush(t->ctx->out) != 0 || ferror(t->ctx->out)) {
		err_set(e, ERR_IO, "cannot write output: %s", strerror(errno));
		return write_failed(t, e);
	}
	return t->a->limit && t->count >= t->a->limit ? 1 : 0;
}

static int tail(struct ctx *ctx, struct stream_args *a, const char *shown)
{
	struct err e = ERR_INIT;
	struct stream_info si = STREAM_INFO_INIT;
	struct tail t = { 0 };
	struct stream_read_opts o = { 0 };
	char *wire = ctx_table_wire(ctx, shown), *endpoint = NULL;
	char *env_force[4] = { NULL }, *env_dflt[5] = { NULL };
	int rc = -1, code;

	t.ctx = ctx;
	t.a = a;
	if (stream_info_get(ctx, wire, shown, &si, &e) < 0) {
		if (!a->stream_arn || e.kind != ERR_NOINPUT)
			goto out;
		err_clear(&e);   /* --stream-arn: the stream outlives its table by 24 h (no key names for the view) */
	}
	if (a->stream_arn) {
		o.arn = a->stream_arn;
	} else if (!si.enabled || !si.arn) {
		if (si.arn)   /* a disabled stream: its records stay readable for 24 h */
			err_set(&e, ERR_NOINPUT, "table '%s' has no stream; its last one (disabled) keeps its records 24 h: "
			        "ddb stream tail %s --stream-arn %s (or turn a stream on with: ddb enable-stream %s)", shown,
			        shown, si.arn, shown);
		else
			err_set(&e, ERR_NOINPUT, "table '%s' has no stream; turn it on with: ddb enable-stream %s (a stream "
			        "disabled less than 24 h ago is read with --stream-arn ARN)", shown, shown);
		goto out;
	} else {
		o.arn = si.arn;
	}
	o.follow = a->follow;
	o.from = a->from && !strcmp(a->from, "latest") ? STREAM_FROM_LATEST : STREAM_FROM_TRIM_HORIZON;
	if (a->from_sequence || a->after_sequence) {
		o.sequence = a->from_sequence ? a->from_sequence : a->after_sequence;
		o.from = a->from_sequence ? STREAM_FROM_AT : STREAM_FROM_AFTER;
	}
	if (a->limit && a->limit < 1000 && !a->exec)
		o.page_limit = (int)a->limit;
	t.hash = si.hash;
	t.range = si.range;

	if (a->exec) {
		if (stream_split_command(a->exec, &t.argv, &e) < 0)
			goto out;
		size_t nf = 0, nd = 0;
		env_force[nf++] = xasprintf("DDB_STREAM_ARN=%s", o.arn);
		env_force[nf++] = xasprintf("DDB_TABLE=%s", shown);
		if (ctx->ns && ctx->ns[0])
			env_force[nf++] = xasprintf("DDB_NAMESPACE=%s", ctx->ns);
		if (ctx->region && ctx->region[0])
			env_dflt[nd++] = xasprintf("AWS_REGION=%s", ctx->region);
		if (!ctx->prod && aws_endpoint(ctx, &aws_dynamodb, &endpoint, &e) == 0)
			env_dflt[nd++] = xasprintf("AWS_ENDPOINT_URL_DYNAMODB=%s", endpoint);
		err_clear(&e);
		/* Local mode without credentials anywhere: ddb signs with dummy keys; an AWS SDK in the handler finds
		 * none and refuses to call at all, so it gets the same dummy keys (never real ones). */
		struct creds c;
		memset(&c, 0, sizeof(c));
		if (!ctx->prod && creds_get(ctx, &c, &e) == 0 && !strcmp(c.provider, "local-dummy")) {
			env_dflt[nd++] = xasprintf("AWS_ACCESS_KEY_ID=%s", c.access_key_id);
			env_dflt[nd++] = xasprintf("AWS_SECRET_ACCESS_KEY=%s", c.secret_access_key);
		}
		creds_release(&c);
		err_clear(&e);
		t.env = stream_env((const char *const *)env_force, (const char *const *)env_dflt);
	} else {
		enum out_mode m = render_pick(ctx, OUT_JSONL);
		t.compact = m == OUT_TABLE || m == OUT_TEXT;
		if (!t.compact)
			t.r = render_begin(ctx, m == OUT_JSON ? OUT_JSON : OUT_JSONL, NULL);
	}

	rc = stream_read(ctx, &o, on_page, &t, &e);
	if (t.r) {
		if (rc < 0 || t.closed)
			render_abort(t.r);
		else if (render_end(t.r, &e) < 0)
			rc = -1;
		t.r = NULL;
	}
out:
	if (t.failed) {
		if (ctx_interrupted(ctx)) {
			err_set(&e, ERR_INTERRUPTED, "interrupted while the handler ran, at sequence number %s; resume with "
			        "--from-sequence %s", t.failed_seq, t.failed_seq);
			code = ctx_fail(ctx, &e);
		} else {
			if (t.signo)
				err_set(&e, ERR_SERVICE, "handler was killed by signal %d at sequence number %s; resume "
				        "with --from-sequence %s", t.signo, t.failed_seq, t.failed_seq);
			else
				err_set(&e, ERR_SERVICE, "handler exited with status %d at sequence number %s; resume "
				        "with --from-sequence %s", t.status, t.failed_seq, t.failed_seq);
			ctx_fail(ctx, &e);
			code = t.status >= 1 && t.status <= 125 ? t.status : EXIT_SERVICE;
		}
	} else if (rc < 0) {
		if (e.kind == ERR_INTERRUPTED) {
			if (t.done_seq)
				err_set(&e, ERR_INTERRUPTED, "interrupted after %ld record%s; resume with --after-sequence %s",
				        t.count, t.count == 1 ? "" : "s", t.done_seq);
			else
				err_set(&e, ERR_INTERRUPTED, "interrupted (no records yet)");
		}
		code = ctx_fail(ctx, &e);
	} else {
		code = 0;
	}
	stream_argv_free(t.argv);
	stream_argv_free(t.env);
	for (size_t i = 0; i < sizeof(env_force) / sizeof(env_force[0]); i++)
		free(env_force[i]);
	for (size_t i = 0; i < sizeof(env_dflt) / sizeof(env_dflt[0]); i++)
		free(env_dflt[i]);
	cJSON_Delete(t.batch);
	free(t.done_seq);
	free(t.failed_seq);
	free(endpoint);
	free(wire);
	stream_info_release(&si);
	return code;
}

/* ---- list ------------------------------------------------------------------------------------------------ */

struct list_state { struct ctx *ctx; struct render *r; };

static int on_streams(void *arg, cJSON *page, struct err *e)
{
	struct list_state *st = arg;
	const cJSON *s;
	cJSON_ArrayForEach(s, json_get(page, "Streams")) {
		const char *tn = json_get_string(s, "TableName");
		const char *shown = tn ? ctx_table_user(st->ctx, tn) : NULL;
		if (!shown)
			continue;
		cJSON *row = cJSON_CreateObject();
		cJSON_AddStringToObject(row, "TableName", shown);
		cJSON_AddStringToObject(row, "StreamLabel", json_get_string(s, "StreamLabel") ?
		                        json_get_string(s, "StreamLabel") : "");
		cJSON_AddStringToObject(row, "StreamArn", json_get_string(s, "StreamArn") ?
		                        json_get_string(s, "StreamArn") : "");
		int rc = render_row(st->r, row, e);
		cJSON_Delete(row);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int list(struct ctx *ctx, const char *table)
{
	static const char *const cols[] = { "TableName", "StreamLabel", "StreamArn", NULL };
	struct err e = ERR_INIT;
	struct list_state st = { ctx, render_begin(ctx, OUT_TEXT, cols) };
	cJSON *in = cJSON_CreateObject();
	char *wire = table ? ctx_table_wire(ctx, table) : NULL;
	if (wire)
		cJSON_AddStringToObject(in, "TableName", wire);
	int rc = pager_paginate(ctx, &aws_streams, "ListStreams", in, "ExclusiveStartStreamArn", "LastEvaluatedStreamArn",
	                      on_streams, &st, &e);
	cJSON_Delete(in);
	free(wire);
	if (rc < 0)
		render_abort(st.r);
	else
		rc = render_end(st.r, &e);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}

static int cmd_stream(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct stream_args a = *(struct stream_args *)args;

	if (npos < 1)
		return ctx_usage(ctx, &cmd_def_stream, "missing subcommand (tail or list)");
	if (!strcmp(argv[1], "list")) {
		if (npos > 2)
			return ctx_usage(ctx, &cmd_def_stream, "unexpected argument '%s'", argv[3]);
		return list(ctx, npos == 2 ? argv[2] : NULL);
	}
	if (strcmp(argv[1], "tail"))
		return ctx_usage(ctx, &cmd_def_stream, "unknown subcommand '%s' (tail or list)", argv[1]);
	if (npos < 2)
		return ctx_usage(ctx, &cmd_def_stream, "missing TABLE");
	if (npos > 2)
		return ctx_usage(ctx, &cmd_def_stream, "unexpected argument '%s'", argv[3]);
	if (!!a.from + !!a.from_sequence + !!a.after_sequence > 1)
		return ctx_usage(ctx, &cmd_def_stream, "--from, --from-sequence and --after-sequence exclude each other");
	const char *seq = a.from_sequence ? a.from_sequence : a.after_sequence;
	if (seq && (!*seq || strspn(seq, "0123456789") != strlen(seq)))
		return ctx_usage(ctx, &cmd_def_stream, "'%s' is not a sequence number (digits)", seq);
	if (a.batch_size && !a.exec)
		return ctx_usage(ctx, &cmd_def_stream, "--batch-size goes with --exec");
	if (a.exec && a.plain)
		return ctx_usage(ctx, &cmd_def_stream, "--plain does not go with --exec (handlers get DynamoDB JSON)");
	if (a.stream_arn && (strncmp(a.stream_arn, "arn:", 4) || !strstr(a.stream_arn, ":table/") ||
	                     !strstr(a.stream_arn, "/stream/")))
		return ctx_usage(ctx, &cmd_def_stream, "--stream-arn: '%s' is not a stream ARN "
		                 "(arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL)", a.stream_arn);
	return tail(ctx, &a, argv[2]);
}
