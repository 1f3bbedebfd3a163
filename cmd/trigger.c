/* trigger.c — ddb trigger create|list|delete: a Lambda function on a table's stream (an event source mapping),
 * over the Lambda API (REST-JSON, lib/aws/awsrest.h).
 *
 * create is idempotent: a live mapping of the same stream and function is reported, and updated
 * (UpdateEventSourceMapping) only where an option given differs from it; the starting position cannot change.
 * Mappings are found with ListEventSourceMappings (EventSourceArn, FunctionName), read to the last page
 * (Marker/NextMarker; a marker that comes back twice stops the listing).  The table's streams are its
 * LatestStreamArn (create) or every stream ListStreams names for it (list, delete), so a trigger left on an older
 * stream is still seen.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/awsrest.h"
#include "aws/clock.h"
#include "cli/cmd.h"
#include "base/json.h"
#include "aws/pager.h"
#include "cli/render.h"
#include "dynamo/streams.h"
#include "dynamo/table.h"
#include "base/term.h"

static int cmd_trigger(struct ctx *ctx, void *args, int npos, char **argv);

#define UNSET LONG_MIN
#define WAIT_DEFAULT 300.0
#define ESM_PATH "/2015-03-31/event-source-mappings/"   /* the model's requestUri, as botocore sends it */
#define ESM_ITEM_PATH "/2015-03-31/event-source-mappings/{UUID}"
#define MAX_PAGES 100000   /* a listing longer than this is a server that pages forever */
#define MAX_HELD 10000     /* mappings of one function, or streams of the namespace, held at once */

struct trigger_args {
	const char *function, *from, *on_failure, *filter, *enable_stream;
	long batch_size, window, max_retries;
	int bisect, disabled, wait;
	double wait_timeout;
};

static const char *const from_choices[] = { "trim-horizon", "latest", NULL };

static const struct opt trigger_opts[] = {
	OPT_F_STR(0, "function", struct trigger_args, function, "NAME|ARN", "the Lambda function (name, ARN or alias ARN)"),
	OPT_F_CHOICE(0, "from", struct trigger_args, from, "POSITION",
	             "create: where reading starts: trim-horizon (default: every record kept) or latest", from_choices),
	OPT_F_INT(0, "batch-size", struct trigger_args, batch_size, "N",
	          "create: records per invocation, 1..10000 (Lambda's default: 100)", 1, 10000),
	OPT_F_INT(0, "batching-window", struct trigger_args, window, "SEC",
	          "create: gather records for up to SEC seconds, 0..300", 0, 300),
	OPT_F_STR(0, "on-failure", struct trigger_args, on_failure, "DESTINATION_ARN",
	          "create: an SQS queue or SNS topic for batches that failed every retry"),
	OPT_F_INT(0, "max-retries", struct trigger_args, max_retries, "N",
	          "create: retries of a failed batch, -1 (until the record expires)..10000", -1, 10000),
	OPT_F_BOOL(0, "bisect", struct trigger_args, bisect, "create: split a failing batch in two and retry each half"),
	OPT_F_STR(0, "filter", struct trigger_args, filter, "JSON",
	          "create: only records matching this event filter pattern (a JSON object) invoke the function"),
	OPT_F_BOOL(0, "disabled", struct trigger_args, disabled, "create: make (or leave) the mapping disabled"),
	OPT_F_CHOICE(0, "enable-stream", struct trigger_args, enable_stream, "TYPE",
	             "create: turn the table's stream on first (view type) when it is off", stream_view_types),
	OPT_F_BOOL(0, "wait", struct trigger_args, wait,
	           "create: wait until the mapping is Enabled (Disabled with --disabled); delete: until it is gone"),
	OPT_F_DOUBLE(0, "wait-timeout", struct trigger_args, wait_timeout, "SEC",
	             "give up waiting after SEC seconds (default 300)"),
	OPT_F_END,
};

/* The prod guard (cmd_start): only `trigger delete TABLE` is destructive. */
static int trigger_destructive(const struct ctx *ctx, const void *args, int npos, char **argv, char *what, size_t n)
{
	const struct trigger_args *a = args;
	if (npos < 2 || strcmp(argv[1], "delete"))
		return 0;
	char *l = ctx_table_label(ctx, argv[2]);
	snprintf(what, n, "delete the trigger of %s on table %s", a->function ? a->function : "?", l);
	free(l);
	return 1;
}

const struct cmd cmd_def_trigger = {
	"trigger", cmd_trigger, CMD_AWS | CMD_DESTRUCTIVE | CMD_ASKS, "a Lambda function on a table's stream: create, list, delete",
	"ddb trigger create TABLE --function NAME|ARN [--from trim-horizon|latest] [--batch-size N]\n"
	"                   [--batching-window SEC] [--on-failure DESTINATION_ARN] [--max-retries N] [--bisect]\n"
	"                   [--filter JSON] [--disabled] [--enable-stream TYPE] [--wait [--wait-timeout SEC]]\n"
	"ddb trigger list [TABLE]\n"
	"ddb trigger delete TABLE --function NAME|ARN [--wait [--wait-timeout SEC]]",
	trigger_opts,
	"create attaches a Lambda function to the table's stream (Lambda's CreateEventSourceMapping on its "
	"LatestStreamArn), starting from the oldest record kept (TRIM_HORIZON) unless --from latest.  Run it again and "
	"the existing mapping of that stream and function is reported, not duplicated; where --batch-size, "
	"--batching-window, --max-retries, --bisect, --on-failure, --filter or --disabled differ from it, it is "
	"updated (UpdateEventSourceMapping).  The starting position of a mapping cannot change: delete it and create it "
	"again.  A table without a stream is an error naming 'ddb enable-stream'; --enable-stream TYPE turns the stream "
	"on first.  list shows every mapping on the table's streams, or on the streams of every table of the "
	"namespace; delete removes the function's mappings from the table's streams (in prod it needs --yes).  --wait "
	"waits until a created mapping is Enabled, or a deleted one is gone.  Lambda has no local engine: in local "
	"mode set AWS_ENDPOINT_URL_LAMBDA (or lambda's endpoint_url in the [services] section of the config file).  "
	"Piped, prints the mapping as JSON (list: one mapping per line); on a terminal, a table.",
	"words:create list delete;table",
	trigger_destructive,
	.args_size = sizeof(struct trigger_args),
	.args_init = &(const struct trigger_args){ NULL, NULL, NULL, NULL, NULL, UNSET, UNSET, UNSET, 0, 0, 0, -1 },
};

static const char *const list_cols[] = { "TableName", "FunctionArn", "State", "StartingPosition", "BatchSize",
                                         "UUID", NULL };

/* ---- Lambda calls ----------------------------------------------------------------------------------------- */

static int esm_item(struct ctx *ctx, const char *op, const char *method, const char *uuid, const cJSON *body,
                    cJSON **out, struct err *e)
{
	struct buf path = BUF_INIT;
	const char *labels[] = { "UUID", uuid, NULL };
	int rc = awsrest_path(&path, ESM_ITEM_PATH, labels, e);
	if (rc == 0) {
		struct awsrest_call c = { &aws_lambda, op, method, buf_cstr(&path), NULL, body };
		rc = awsrest_call(ctx, &c, out, e);
	}
	buf_release(&path);
	return rc;
}

/* Returns 0 to go on, 1 to stop listing (esm_list then returns 0), -1 with e filled. */
typedef int (*esm_fn)(void *arg, const cJSON *mapping, struct err *e);

/* Every mapping of source_arn (and function, when given), page by page (lib/aws/pager.h, the Marker in the query). */
static int esm_list(struct ctx *ctx, const char *source_arn, const char *function, esm_fn fn, void *arg,
                    struct err *e)
{
	struct pager p;
	int rc = 0, stop = 0, more;
	pager_init(&p, ctx, "lambda ListEventSourceMappings", "Marker", "NextMarker");
	while (rc == 0 && !stop && (more = pager_more(&p, e)) != 0) {
		struct buf q = BUF_INIT;
		cJSON *page = NULL;
		if (more < 0 || p.pages >= MAX_PAGES) {
			rc = more < 0 ? -1 : err_set(e, ERR_DATA, "lambda ListEventSourceMappings: more than %d pages: stopped",
			                             MAX_PAGES);
			break;
		}
		if (source_arn)
			awsrest_query_add(&q, "EventSourceArn", source_arn);
		if (function)
			awsrest_query_add(&q, "FunctionName", function);
		if (pager_token_str(&p))
			awsrest_query_add(&q, "Marker", pager_token_str(&p));
		struct awsrest_call c = { &aws_lambda, "ListEventSourceMappings", "GET", ESM_PATH, buf_cstr(&q), NULL };
		rc = awsrest_call(ctx, &c, &page, e);
		buf_release(&q);
		if (rc < 0)
			break;
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(page, "EventSourceMappings"), *m;
		const cJSON *next = cJSON_GetObjectItemCaseSensitive(page, "NextMarker");
		if (list && !cJSON_IsArray(list))
			rc = err_set(e, ERR_DATA, "lambda ListEventSourceMappings: EventSourceMappings is not a list");
		cJSON_ArrayForEach(m, list) {
			if (rc < 0 || stop)
				break;
			if (!cJSON_IsObject(m) || !json_get_string(m, "UUID"))
				rc = err_set(e, ERR_DATA, "lambda ListEventSourceMappings: a mapping without a UUID");
			else if ((stop = fn(arg, m, e)) < 0)
				rc = -1;
		}
		if (rc == 0 && next && !cJSON_IsNull(next) && !cJSON_IsString(next))
			rc = err_set(e, ERR_DATA, "lambda ListEventSourceMappings: NextMarker is not a string");
		if (rc == 0 && !stop)
			rc = pager_next_token_str(&p, cJSON_IsString(next) ? next->valuestring : NULL, e);
		cJSON_Delete(page);
	}
	pager_release(&p);
	return rc < 0 ? -1 : 0;
}

/* Keep every mapping (delete: one function's mappings on the table's streams; Lambda allows one per stream). */
static int collect(void *arg, const cJSON *m, struct err *e)
{
	if (cJSON_GetArraySize(arg) >= MAX_HELD)
		return err_set(e, ERR_DATA, "lambda ListEventSourceMappings: more than %d mappings of one function: stopped",
		               MAX_HELD);
	cJSON_AddItemToArray((cJSON *)arg, cJSON_Duplicate(m, 1));
	return 0;
}

/* Keep the first live mapping (not Deleting) and stop there (create). */
static int collect_live(void *arg, const cJSON *m, struct err *e)
{
	const char *s = json_get_string(m, "State");
	(void)e;
	if (s && !strcmp(s, "Deleting"))
		return 0;
	cJSON_AddItemToArray((cJSON *)arg, cJSON_Duplicate(m, 1));
	return 1;
}

/* The table's stream ARNs: ListStreams with TableName (every page), or every stream of the namespace's tables
 * when wire is NULL.  out: an array of {TableName (as shown), StreamArn}. */
static int table_streams(struct ctx *ctx, const char *wire, cJSON *out, struct err *e)
{
	cJSON *in = cJSON_CreateObject(), *page;
	struct pager p;
	int rc;
	pager_init(&p, ctx, "streams ListStreams", "ExclusiveStartStreamArn", "LastEvaluatedStreamArn");
	if (wire)
		cJSON_AddStringToObject(in, "TableName", wire);
	while ((rc = pager_json_next(&p, NULL, &aws_streams, "ListStreams", in, &page, NULL, e)) > 0) {
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(page, "Streams"), *s;
		rc = 0;
		if (list && !cJSON_IsArray(list))
			rc = err_set(e, ERR_DATA, "streams ListStreams: Streams is not a list");
		cJSON_ArrayForEach(s, list) {
			const char *arn = json_get_string(s, "StreamArn"), *t = json_get_string(s, "TableName");
			const char *shown = t ? ctx_table_user(ctx, t) : NULL;
			if (rc < 0 || !arn || !shown || (wire && strcmp(t, wire)))
				continue;   /* another namespace's (or table's) stream */
			if (cJSON_GetArraySize(out) >= MAX_HELD) {
				rc = err_set(e, ERR_DATA, "streams ListStreams: more than %d streams: stopped", MAX_HELD);
				continue;
			}
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "TableName", shown);
			cJSON_AddStringToObject(o, "StreamArn", arn);
			cJSON_AddItemToArray(out, o);
		}
		cJSON_Delete(page);
		if (rc == 0 && !p.done && p.pages >= MAX_PAGES)
			rc = err_set(e, ERR_DATA, "streams ListStreams: more than %d pages: stopped", MAX_PAGES);
		if (rc < 0)
			break;
	}
	pager_release(&p);
	cJSON_Delete(in);
	return rc < 0 ? -1 : 0;
}

/* ---- waiting ---------------------------------------------------------------------------------------------- */

#define SETTLED "Enabled or Disabled"

static int state_is(const char *want, const char *s)
{
	if (!strcmp(want, SETTLED))
		return !strcmp(s, "Enabled") || !strcmp(s, "Disabled");
	return !strcmp(s, want);
}

/* Poll GetEventSourceMapping until its State is `want` (SETTLED: Enabled or Disabled; NULL: until it is gone).
 * *last (may be NULL) gets the last description (caller frees). */
static int esm_wait(struct ctx *ctx, const char *uuid, const char *want, double timeout, cJSON **last,
                    struct err *e)
{
	double t0 = clock_now();
	struct backoff poll;
	char state[64] = "?";
	backoff_init(&poll, ctx->prod ? 1000 : 100, ctx->prod ? 5000 : 1000);
	if (timeout < 0)
		timeout = WAIT_DEFAULT;
	for (int n = 0;; n++) {
		cJSON *m = NULL;
		if (esm_item(ctx, "GetEventSourceMapping", "GET", uuid, NULL, &m, e) < 0) {
			if (!want && !strcmp(e->type, "ResourceNotFoundException")) {
				err_clear(e);
				return 0;
			}
			return -1;
		}
		const char *s = json_get_string(m, "State");
		snprintf(state, sizeof(state), "%s", s ? s : "?");
		if (want && s && state_is(want, s)) {
			if (last) {
				cJSON_Delete(*last);
				*last = m;
			} else {
				cJSON_Delete(m);
			}
			return 0;
		}
		cJSON_Delete(m);
		double left = timeout - (clock_now() - t0);
		if (left <= 0) {
			char *st = term_clean(state);
			err_set(e, ERR_TEMPFAIL, "mapping %s: timed out after %g s waiting for it to be %s (it is %s)", uuid,
			        timeout, want ? want : "gone", st);
			free(st);
			return -1;
		}
		if (n == 3)
			ctx_note(ctx, "waiting for mapping %s to be %s (it is %s)...", uuid, want ? want : "gone", state);
		long step = backoff_step_ms(&poll);
		if (clock_sleep_ms(ctx, step < left * 1000 ? step : (long)(left * 1000)) < 0) {
			err_set(e, ERR_INTERRUPTED, "interrupted");
			return err_prefix(e, "mapping %s: while waiting", uuid);
		}
	}
}

/* ---- create ----------------------------------------------------------------------------------------------- */

static const char *start_position(const char *from)
{
	return from && !strcmp(from, "latest") ? "LATEST" : "TRIM_HORIZON";
}

/* The options given that UpdateEventSourceMapping can change, as its body; only those that differ from m (the
 * existing mapping) when m is given.  Returns the number of fields set. */
static int settings(const struct trigger_args *a, const cJSON *filter, const cJSON *m, cJSON *body)
{
	int n = 0;
	const cJSON *v;
#define DIFF_INT(opt, name)                                                                                         \
	if (a->opt != UNSET && (!m || !cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(m, name)) ||                 \
	                        v->valuedouble != (double)a->opt)) {                                                   \
		cJSON_AddNumberToObject(body, name, (double)a->opt);                                                        \
		n++;                                                                                                        \
	}
	DIFF_INT(batch_size, "BatchSize")
	DIFF_INT(window, "MaximumBatchingWindowInSeconds")
	DIFF_INT(max_retries, "MaximumRetryAttempts")
#undef DIFF_INT
	if (a->bisect && (!m || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "BisectBatchOnFunctionError")))) {
		cJSON_AddTrueToObject(body, "BisectBatchOnFunctionError");
		n++;
	}
	if (a->on_failure) {
		const cJSON *dc = m ? cJSON_GetObjectItemCaseSensitive(m, "DestinationConfig") : NULL;
		const cJSON *of = cJSON_GetObjectItemCaseSensitive(dc, "OnFailure");
		const char *have = json_get_string(of, "Destination");
		if (!m || !have || strcmp(have, a->on_failure)) {
			cJSON *d = cJSON_AddObjectToObject(body, "DestinationConfig");
			cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "OnFailure"), "Destination", a->on_failure);
			n++;
		}
	}
	if (filter) {
		int same = 0;
		if (m) {   /* the same single pattern, compared as JSON */
			const cJSON *fl = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "FilterCriteria"),
			                                                   "Filters");
			const char *pat = cJSON_GetArraySize(fl) == 1 ? json_get_string(cJSON_GetArrayItem(fl, 0), "Pattern")
			                                              : NULL;
			cJSON *have = pat ? cJSON_Parse(pat) : NULL;
			same = have && cJSON_Compare(have, filter, 1);
			cJSON_Delete(have);
		}
		if (!same) {
			cJSON *fc = cJSON_AddObjectToObject(body, "FilterCriteria");
			cJSON *f = cJSON_CreateObject();
			char *text = cJSON_PrintUnformatted(filter);
			cJSON_AddStringToObject(f, "Pattern", text);
			cJSON_free(text);
			cJSON_AddItemToArray(cJSON_AddArrayToObject(fc, "Filters"), f);
			n++;
		}
	}
	if (m) {   /* Enabled is part of what create asks for: the mapping runs unless --disabled */
		const char *state = json_get_string(m, "State");
		int enabled = !state || (strcmp(state, "Disabled") && strcmp(state, "Disabling"));
		if (enabled == a->disabled) {
			cJSON_AddBoolToObject(body, "Enabled", !a->disabled);
			n++;
		}
	} else if (a->disabled) {
		cJSON_AddFalseToObject(body, "Enabled");
		n++;
	}
	return n;
}

static int print_mapping(struct ctx *ctx, const cJSON *m, const char *shown, const char *changed, struct err *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "TableName", shown);
	if (changed)
		cJSON_AddStringToObject(o, "Changed", changed);
	for (const cJSON *f = m ? m->child : NULL; f; f = f->next)
		cJSON_AddItemToObject(o, f->string, cJSON_Duplicate(f, 1));
	int rc = render_record(ctx, OUT_JSON, o, e);
	cJSON_Delete(o);
	return rc;
}

/* A live mapping of the stream for the function, or NULL (a Deleting one does not count). */
static cJSON *find_live(cJSON *found)
{
	cJSON *m;
	cJSON_ArrayForEach(m, found) {
		const char *s = json_get_string(m, "State");
		if (!s || strcmp(s, "Deleting"))
			return m;
	}
	return NULL;
}

static int trigger_create(struct ctx *ctx, const struct trigger_args *a, const char *shown, const char *wire,
                          struct err *e)
{
	struct stream_info si = STREAM_INFO_INIT;
	cJSON *filter = NULL, *found = cJSON_CreateArray(), *body = NULL, *res = NULL;
	const char *changed = "unchanged";
	int rc = -1;

	if (a->filter)
		filter = cJSON_Parse(a->filter);   /* checked by cmd_trigger: a JSON object */
	if (stream_info_get(ctx, wire, shown, &si, e) < 0)
		goto out;
	if (!si.enabled || !si.arn) {
		if (!a->enable_stream) {
			err_set(e, ERR_NOINPUT, "table '%s' has no stream: turn it on with 'ddb enable-stream %s' first, or give "
			        "--enable-stream NEW_IMAGE to do both", shown, shown);
			goto out;
		}
		if ((strcmp(si.status, "ACTIVE") && table_wait_active(ctx, wire, shown, a->wait_timeout, NULL, e) < 0) ||
		    stream_set(ctx, wire, shown, a->enable_stream, a->wait_timeout, &si, e) < 0)
			goto out;
		if (!si.enabled || !si.arn) {
			err_set(e, ERR_SERVICE, "table '%s': the stream is still not enabled after UpdateTable", shown);
			goto out;
		}
		ctx_note(ctx, "enabled a %s stream on '%s' (%s)", a->enable_stream, shown, si.arn);
	} else if (a->enable_stream && si.view_type && strcmp(si.view_type, a->enable_stream)) {
		err_set(e, ERR_SERVICE, "table '%s' already has a %s stream, not %s: 'ddb enable-stream %s --view-type %s "
		        "--replace' changes it (the stream gets a new ARN)", shown, si.view_type, a->enable_stream, shown,
		        a->enable_stream);
		goto out;
	}

	if (esm_list(ctx, si.arn, a->function, collect_live, found, e) < 0)
		goto out;
	const cJSON *have = find_live(found);
	body = cJSON_CreateObject();
	if (have) {
		const char *uuid = json_get_string(have, "UUID");
		const char *pos = json_get_string(have, "StartingPosition");
		ctx_note(ctx, "'%s' already triggers %s (mapping %s)", shown, json_get_string(have, "FunctionArn"), uuid);
		if (a->from && pos && strcmp(pos, start_position(a->from)))
			ctx_note(ctx, "note: its starting position is %s and cannot change; delete the trigger and create it "
			         "again to start from %s", pos, start_position(a->from));
		if (settings(a, filter, have, body) > 0) {
			char *u = xstrdup(uuid);
			int up = esm_item(ctx, "UpdateEventSourceMapping", "PUT", u, body, &res, e);
			if (up < 0 && !strcmp(e->type, "ResourceInUseException")) {
				/* still Creating or Updating: once it has settled, the update goes through */
				err_clear(e);
				ctx_note(ctx, "mapping %s is busy; waiting for it to settle before updating it", u);
				up = esm_wait(ctx, u, SETTLED, a->wait_timeout, NULL, e);
				if (up == 0)
					up = esm_item(ctx, "UpdateEventSourceMapping", "PUT", u, body, &res, e);
			}
			free(u);
			if (up < 0)
				goto out;
			changed = "updated";
			ctx_note(ctx, "updated mapping %s", uuid);
		} else {
			res = cJSON_Duplicate(have, 1);
		}
	} else {
		cJSON_AddStringToObject(body, "EventSourceArn", si.arn);
		cJSON_AddStringToObject(body, "FunctionName", a->function);
		cJSON_AddStringToObject(body, "StartingPosition", start_position(a->from));
		settings(a, filter, NULL, body);
		struct awsrest_call c = { &aws_lambda, "CreateEventSourceMapping", "POST", ESM_PATH, NULL, body };
		if (awsrest_call(ctx, &c, &res, e) < 0) {
			/* a retried create whose first attempt went through: the mapping exists now, report it */
			if (strcmp(e->type, "ResourceConflictException"))
				goto out;
			struct err le = ERR_INIT;
			cJSON_Delete(found);
			found = cJSON_CreateArray();
			if (esm_list(ctx, si.arn, a->function, collect_live, found, &le) < 0 || !find_live(found))
				goto out;
			err_clear(e);
			res = cJSON_Duplicate(find_live(found), 1);
			changed = "created";
			ctx_note(ctx, "a retried create was refused as a duplicate: mapping %s exists (the first attempt made it, "
			         "its answer was lost)", json_get_string(res, "UUID") ? json_get_string(res, "UUID") : "?");
		} else {
			changed = "created";
			ctx_note(ctx, "created mapping %s", json_get_string(res, "UUID") ? json_get_string(res, "UUID") : "?");
		}
	}
	if (a->wait) {
		const char *uuid = json_get_string(res, "UUID");
		if (!uuid) {
			err_set(e, ERR_DATA, "lambda: the mapping has no UUID");
			goto out;
		}
		char *u = xstrdup(uuid);
		int w = esm_wait(ctx, u, a->disabled ? "Disabled" : "Enabled", a->wait_timeout, &res, e);
		free(u);
		if (w < 0)
			goto out;
	}
	rc = print_mapping(ctx, res, shown, changed, e);
out:
	cJSON_Delete(filter);
	cJSON_Delete(found);
	cJSON_Delete(body);
	cJSON_Delete(res);
	stream_info_release(&si);
	return rc;
}

/* ---- list ------------------------------------------------------------------------------------------------- */

struct list_state {
	struct render *r;
	const char *shown;
};

static int list_row(void *arg, const cJSON *m, struct err *e)
{
	struct list_state *st = arg;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "TableName", st->shown);
	for (const cJSON *f = m->child; f; f = f->next)
		cJSON_AddItemToObject(o, f->string, cJSON_Duplicate(f, 1));
	int rc = render_row(st->r, o, e);
	cJSON_Delete(o);
	return rc;
}

static int trigger_list(struct ctx *ctx, const char *shown, const char *wire, struct err *e)
{
	cJSON *streams = cJSON_CreateArray(), *s;
	struct stream_info si = STREAM_INFO_INIT;
	struct render *r = NULL;
	int rc = -1;

	if (wire && stream_info_get(ctx, wire, shown, &si, e) < 0)   /* a missing table: 66 */
		goto out;
	if (table_streams(ctx, wire, streams, e) < 0)
		goto out;
	r = render_begin(ctx, OUT_JSONL, list_cols);
	rc = 0;
	cJSON_ArrayForEach(s, streams) {
		struct list_state st = { r, json_get_string(s, "TableName") };
		if ((rc = esm_list(ctx, json_get_string(s, "StreamArn"), NULL, list_row, &st, e)) < 0)
			break;
	}
	if (rc < 0)
		render_abort(r);
	else
		rc = render_end(r, e);
out:
	stream_info_release(&si);
	cJSON_Delete(streams);
	return rc;
}

/* ---- delete ----------------------------------------------------------------------------------------------- */

/* DeleteEventSourceMapping; a mapping still Creating or Updating (ResourceInUseException) is waited for first. */
static int delete_one(struct ctx *ctx, const char *uuid, double timeout, cJSON **res, struct err *e)
{
	if (esm_item(ctx, "DeleteEventSourceMapping", "DELETE", uuid, NULL, res, e) == 0)
		return 0;
	if (strcmp(e->type, "ResourceInUseException"))
		return -1;
	err_clear(e);
	ctx_note(ctx, "mapping %s is busy; waiting for it to settle before deleting it", uuid);
	if (esm_wait(ctx, uuid, SETTLED, timeout, NULL, e) < 0)
		return -1;
	return esm_item(ctx, "DeleteEventSourceMapping", "DELETE", uuid, NULL, res, e);
}

static int trigger_delete(struct ctx *ctx, const struct trigger_args *a, const char *shown, const char *wire,
                          struct err *e)
{
	cJSON *streams = cJSON_CreateArray(), *found = cJSON_CreateArray(), *s, *m;
	struct stream_info si = STREAM_INFO_INIT;
	struct render *r = NULL;
	int rc = -1;

	if (stream_info_get(ctx, wire, shown, &si, e) < 0 || table_streams(ctx, wire, streams, e) < 0)
		goto out;
	cJSON_ArrayForEach(s, streams)
		if (esm_list(ctx, json_get_string(s, "StreamArn"), a->function, collect, found, e) < 0)
			goto out;
	if (!cJSON_GetArraySize(found)) {
		ctx_note(ctx, "'%s' has no trigger of %s; nothing to do", shown, a->function);
		rc = 0;
		goto out;
	}
	char *what = xasprintf("delete the trigger of %s on table '%s'", a->function, shown);
	rc = ctx_confirm(ctx, what, shown, e);
	free(what);
	if (rc < 0)
		goto out;
	r = render_begin(ctx, OUT_JSONL, list_cols);
	cJSON_ArrayForEach(m, found) {
		const char *uuid = json_get_string(m, "UUID"), *state = json_get_string(m, "State");
		cJSON *res = NULL;
		if (state && !strcmp(state, "Deleting")) {
			res = cJSON_Duplicate(m, 1);
		} else if (delete_one(ctx, uuid, a->wait_timeout, &res, e) < 0) {
			if (strcmp(e->type, "ResourceNotFoundException"))
				goto fail;
			err_clear(e);   /* gone already */
			res = cJSON_Duplicate(m, 1);
		} else {
			ctx_note(ctx, "deleting mapping %s", uuid);
		}
		if (a->wait && esm_wait(ctx, uuid, NULL, a->wait_timeout, NULL, e) < 0) {
			cJSON_Delete(res);
			goto fail;
		}
		struct list_state st = { r, shown };
		int wr = list_row(&st, res, e);
		cJSON_Delete(res);
		if (wr < 0)
			goto fail;
	}
	rc = render_end(r, e);
	goto out;
fail:
	render_abort(r);
	rc = -1;
out:
	stream_info_release(&si);
	cJSON_Delete(streams);
	cJSON_Delete(found);
	return rc;
}

/* ---- the command ------------------------------------------------------------------------------------------ */

/* A function name or ARN Lambda could take (1..256 printable characters, no space): checked before sending. */
static int check_function(const char *f, struct err *e)
{
	size_t n = strlen(f);
	if (!n || n > 256)
		return err_set(e, ERR_USAGE, "option '--function': a function name or ARN has 1 to 256 characters");
	for (const unsigned char *p = (const unsigned char *)f; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return err_set(e, ERR_USAGE, "option '--function': a function name or ARN has no spaces or control "
			               "characters");
	return 0;
}

static int cmd_trigger(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct trigger_args a = *(struct trigger_args *)args;
	int rc = -1;
	struct err e = ERR_INIT;
	const struct cmd *cmd = &cmd_def_trigger;
	char *wire = NULL;

	if (npos < 1)
		return ctx_usage(ctx, cmd, "missing what to do: create, list or delete");
	const char *verb = argv[1];
	int create = !strcmp(verb, "create"), list = !strcmp(verb, "list"), del = !strcmp(verb, "delete");
	if (!create && !list && !del)
		return ctx_usage(ctx, cmd, "unknown action '%s' (create, list or delete)", verb);
	if (npos > 2)
		return ctx_usage(ctx, cmd, "unexpected argument '%s'", argv[3]);
	if (!list && npos < 2)
		return ctx_usage(ctx, cmd, "trigger %s: missing TABLE", verb);
	if (!list && !a.function)
		return ctx_usage(ctx, cmd, "trigger %s: missing --function NAME|ARN", verb);
	if (list && a.function)
		return ctx_usage(ctx, cmd, "trigger list takes no --function (it lists every mapping)");
	if (!create && (a.from || a.batch_size != UNSET || a.window != UNSET || a.on_failure || a.max_retries != UNSET ||
	                a.bisect || a.filter || a.disabled || a.enable_stream))
		return ctx_usage(ctx, cmd, "trigger %s: the mapping's settings (--from, --batch-size, ...) are for create",
		                 verb);
	if (list && a.wait)
		return ctx_usage(ctx, cmd, "trigger list: --wait is for create and delete");
	if (a.function && check_function(a.function, &e) < 0)
		return ctx_usage(ctx, cmd, "%s", e.msg);
	if (a.filter) {
		cJSON *f = cJSON_Parse(a.filter);
		int ok = cJSON_IsObject(f);
		cJSON_Delete(f);
		if (!ok)
			return ctx_usage(ctx, cmd, "option '--filter': not a JSON object (an event filter pattern such as "
			                 "'{\"eventName\":[\"INSERT\"]}')");
	}

	const char *shown = npos >= 2 ? argv[2] : NULL;
	if (shown) {
		wire = ctx_table_wire(ctx, shown);
		if (ctx_check_table_name(wire, &e) < 0)
			goto out;
	}
	/* Lambda has no local engine: resolve its endpoint first, so a missing one is a configuration error (78)
	 * before anything is changed. */
	char *url = NULL;
	if (aws_endpoint(ctx, &aws_lambda, &url, &e) < 0)
		goto out;
	free(url);
	if (create)
		rc = trigger_create(ctx, &a, shown, wire, &e);
	else if (list)
		rc = trigger_list(ctx, shown, wire, &e);
	else
		rc = trigger_delete(ctx, &a, shown, wire, &e);
out:
	free(wire);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
