/* streams.c — the DynamoDB Streams shard reader and the handler runner (see streams.h). */
#include "dynamo/streams.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "aws/clock.h"
#include "dynamo/item.h"
#include "base/json.h"
#include "aws/pager.h"
#include "dynamo/table.h"

extern char **environ;

const char *const stream_view_types[] = { "NEW_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY", "OLD_IMAGE", NULL };

/* ---- small helpers --------------------------------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int stream_seq_cmp(const char *a, const char *b)
{
	while (*a == '0' && a[1])
		a++;
	while (*b == '0' && b[1])
		b++;
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	int c = strcmp(a, b);
	return c < 0 ? -1 : c > 0;
}

int stream_epoch_seconds(const char *text, char *out, size_t outlen)
{
	char canon[ITEM_NUMBER_TEXT_MAX];
	struct err e = ERR_INIT;
	if (!text || outlen < ITEM_NUMBER_TEXT_MAX || item_number_canonical(text, canon, sizeof(canon), &e) < 0)
		return -1;
	if (strchr(canon, 'E'))   /* far outside any epoch: keep the canonical text */
		return snprintf(out, outlen, "%s", canon) < (int)outlen ? 0 : -1;
	size_t n = strcspn(canon, ".");
	if (!strcmp(canon, "-0") || (canon[0] == '-' && n == 2 && canon[1] == '0'))
		n = 0;
	if (n == 0 || (n == 1 && canon[0] == '-'))
		return snprintf(out, outlen, "0") < (int)outlen ? 0 : -1;
	return snprintf(out, outlen, "%.*s", (int)n, canon) < (int)outlen ? 0 : -1;
}

/* ---- the table's stream ---------------------------------------------------------------------------------- */

void stream_info_release(struct stream_info *si)
{
	free(si->view_type);
	free(si->arn);
	free(si->status);
	free(si->hash);
	free(si->range);
	*si = (struct stream_info)STREAM_INFO_INIT;
}

int stream_info_get(struct ctx *ctx, const char *wire, const char *shown, struct stream_info *si, struct err *e)
{
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	int rc;

	stream_info_release(si);
	cJSON_AddStringToObject(in, "TableName", wire);
	rc = aws_json(ctx, &aws_dynamodb, "DescribeTable", in, &out, e);
	cJSON_Delete(in);
	if (rc < 0) {
		aws_table_not_found(e, shown, ERR_NOINPUT);
		return -1;
	}
	const cJSON *t = json_get(out, "Table"), *spec = json_get(t, "StreamSpecification"), *k;
	if (!cJSON_IsObject(t)) {
		cJSON_Delete(out);
		return err_set(e, ERR_DATA, "DescribeTable: the response has no Table");
	}
	si->enabled = cJSON_IsTrue(json_get(spec, "StreamEnabled"));
	if (si->enabled)
		si->view_type = dup_or_null(json_get_string(spec, "StreamViewType"));
	si->arn = dup_or_null(json_get_string(t, "LatestStreamArn"));
	si->status = xstrdup(json_get_string(t, "TableStatus") ? json_get_string(t, "TableStatus") : "");
	cJSON_ArrayForEach(k, json_get(t, "KeySchema")) {
		const char *n = json_get_string(k, "AttributeName"), *kt = json_get_string(k, "KeyType");
		if (!n || !kt)
			continue;
		if (!strcmp(kt, "HASH") && !si->hash)
			si->hash = xstrdup(n);
		else if (!strcmp(kt, "RANGE") && !si->range)
			si->range = xstrdup(n);
	}
	cJSON_Delete(out);
	return 0;
}

int stream_set(struct ctx *ctx, const char *wire, const char *shown, const char *view, double timeout,
               struct stream_info *si, struct err *e)
{
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	cJSON *spec = cJSON_AddObjectToObject(in, "StreamSpecification");
	cJSON_AddStringToObject(in, "TableName", wire);
	cJSON_AddBoolToObject(spec, "StreamEnabled", view != NULL);
	if (view)
		cJSON_AddStringToObject(spec, "StreamViewType", view);
	int rc = aws_json(ctx, &aws_dynamodb, "UpdateTable", in, &out, e);
	cJSON_Delete(in);
	cJSON_Delete(out);
	if (rc < 0)
		return err_prefix(e, "%s the stream of '%s'", view ? "enabling" : "disabling", shown);
	if (table_wait_active(ctx, wire, shown, timeout, NULL, e) < 0)
		return -1;
	return stream_info_get(ctx, wire, shown, si, e);
}

/* ---- record shape ------------------------------------------------------------------------------------------ */

/* GetRecords record -> the Lambda shape, in place: eventSourceARN appended, ApproximateCreationDateTime whole
 * seconds. */
static int lambda_shape(cJSON *rec, const char *arn, struct err *e)
{
	cJSON *d = cJSON_GetObjectItemCaseSensitive(rec, "dynamodb");
	cJSON *t = cJSON_GetObjectItemCaseSensitive(d, "ApproximateCreationDateTime");
	if (!cJSON_IsObject(rec))
		return err_set(e, ERR_DATA, "GetRecords: a record is not an object");
	if (t) {
		char tmp[JSON_NUMBER_TMP], secs[ITEM_NUMBER_TEXT_MAX];
		const char *txt = json_number_text_tmp(t, tmp, sizeof(tmp));
		if (txt && stream_epoch_seconds(txt, secs, sizeof(secs)) == 0) {
			cJSON *n = json_create_number_text(secs);
			if (n)
				cJSON_ReplaceItemInObjectCaseSensitive(d, "ApproximateCreationDateTime", n);
		}
	}
	cJSON_DeleteItemFromObjectCaseSensitive(rec, "eventSourceARN");
	cJSON_AddStringToObject(rec, "eventSourceARN", arn);
	return 0;
}

int stream_record_plain(cJSON *record, struct err *e)
{
	static const char *const parts[] = { "Keys", "NewImage", "OldImage", NULL };
	cJSON *d = cJSON_GetObjectItemCaseSensitive(record, "dynamodb");
	for (int i = 0; parts[i]; i++) {
		cJSON *img = cJSON_GetObjectItemCaseSensitive(d, parts[i]);
		if (!img)
			continue;
		cJSON *plain = item_to_plain(img, e);
		if (!plain)
			return err_prefix(e, "record %s: %s", json_get_string(record, "eventID") ?
			                  json_get_string(record, "eventID") : "?", parts[i]);
		cJSON_ReplaceItemInObjectCaseSensitive(d, parts[i], plain);
	}
	return 0;
}

/* ---- the reader ---------------------------------------------------------------------------------------- */

enum shard_state { SH_READY = 0, SH_DONE };

struct shard {
	char *id, *parent, *start_seq, *end_seq;   /* end_seq NULL: open when last described */
	char *iter;                                /* current iterator; NULL: get one */
	char *last_seq;                            /* last record handed over */
	const char *start_type;                    /* how to get the first iterator */
	char *start_arg;                           /* its SequenceNumber */
	enum shard_state state;
	int empty;                                 /* empty pages in a row */
};

struct reader {
	struct ctx *ctx;
	const struct stream_read_opts *o;
	struct shard *sh;
	size_t n, alloc;
	int described;                             /* the first DescribeStream happened */
};

static void shard_free(struct shard *s)
{
	free(s->id);
	free(s->parent);
	free(s->start_seq);
	free(s->end_seq);
	free(s->iter);
	free(s->last_seq);
	free(s->start_arg);
}

static struct shard *find_shard(struct reader *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->sh[i].id, id))
			return &r->sh[i];
	return NULL;
}

/* How a newly listed shard starts.  Shards found after the first DescribeStream hold new data: from their
 * beginning.  The first listing applies --from. */
static void shard_start(struct reader *r, struct shard *s)
{
	const struct stream_read_opts *o = r->o;
	s->start_type = "TRIM_HORIZON";
	if (r->described)
		return;
	switch (o->from) {
	case STREAM_FROM_TRIM_HORIZON:
		break;
	case STREAM_FROM_LATEST:
		if (s->end_seq)
			s->state = SH_DONE;   /* closed: all of it is in the past */
		else
			s->start_type = "LATEST";
		break;
	case STREAM_FROM_AT:
	case STREAM_FROM_AFTER:
		if (s->end_seq && stream_seq_cmp(s->end_seq, o->sequence) < 0)
			s->state = SH_DONE;
		else if (!s->start_seq || stream_seq_cmp(s->start_seq, o->sequence) <= 0) {
			s->start_type = o->from == STREAM_FROM_AT ? "AT_SEQUENCE_NUMBER" : "AFTER_SEQUENCE_NUMBER";
			s->start_arg = xstrdup(o->sequence);
		}
		break;
	}
}

/* DescribeStream, every page (lib/aws/pager.h); adds new shards, notes newly closed ones.  *added counts new shards. */
static int describe(struct reader *r, size_t *added, struct err *e)
{
	struct pager p;
	int more, rc = 0;
	*added = 0;
	pager_init(&p, r->ctx, "DescribeStream", "ExclusiveStartShardId", "LastEvaluatedShardId");
	while (rc == 0 && (more = pager_more(&p, e)) != 0) {
		if (more < 0) {
			rc = -1;
			break;
		}
		cJSON *in = cJSON_CreateObject(), *out = NULL;
		cJSON_AddStringToObject(in, "StreamArn", r->o->arn);
		if (pager_token_str(&p))
			cJSON_AddStringToObject(in, "ExclusiveStartShardId", pager_token_str(&p));
		rc = aws_json(r->ctx, &aws_streams, "DescribeStream", in, &out, e);
		cJSON_Delete(in);
		if (rc < 0) {
			if (aws_is_not_found(e))
				err_prefix(e, "stream %s", r->o->arn);
			break;
		}
		const cJSON *d = json_get(out, "StreamDescription"), *s;
		if (!cJSON_IsObject(d)) {
			cJSON_Delete(out);
			rc = err_set(e, ERR_DATA, "DescribeStream: the response has no StreamDescription");
			break;
		}
		/* before the shards are taken: a page that names the shard its request started after would page forever */
		if (pager_next_token_str(&p, json_get_string(d, "LastEvaluatedShardId"), e) < 0) {
			cJSON_Delete(out);
			rc = -1;
			break;
		}
		cJSON_ArrayForEach(s, json_get(d, "Shards")) {
			const char *id = json_get_string(s, "ShardId");
			const cJSON *range = json_get(s, "SequenceNumberRange");
			const char *end = json_get_string(range, "EndingSequenceNumber");
			if (!id)
				continue;
			struct shard *have = find_shard(r, id);
			if (have) {
				if (end && !have->end_seq)
					have->end_seq = xstrdup(end);
				continue;
			}
			if (r->n == r->alloc) {
				r->alloc = r->alloc ? 2 * r->alloc : 8;
				r->sh = xrealloc(r->sh, r->alloc * sizeof(*r->sh));
			}
			struct shard *ns = &r->sh[r->n++];
			memset(ns, 0, sizeof(*ns));
			ns->id = xstrdup(id);
			ns->parent = dup_or_null(json_get_string(s, "ParentShardId"));
			ns->start_seq = dup_or_null(json_get_string(range, "StartingSequenceNumber"));
			ns->end_seq = dup_or_null(end);
			shard_start(r, ns);
			(*added)++;
		}
		cJSON_Delete(out);
	}
	pager_release(&p);
	if (rc == 0)
		r->described = 1;
	return rc;
}

/* GetShardIterator for s: type/seq given, or the shard's start. */
static int get_iterator(struct reader *r, struct shard *s, const char *type, const char *seq, struct err *e)
{
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	cJSON_AddStringToObject(in, "StreamArn", r->o->arn);
	cJSON_AddStringToObject(in, "ShardId", s->id);
	cJSON_AddStringToObject(in, "ShardIteratorType", type);
	if (seq)
		cJSON_AddStringToObject(in, "SequenceNumber", seq);
	int rc = aws_json(r->ctx, &aws_streams, "GetShardIterator", in, &out, e);
	cJSON_Delete(in);
	if (rc < 0) {
		if (!strcmp(e->type, "TrimmedDataAccessException") && seq)
			err_set(e, ERR_SERVICE, "sequence number %s in shard %s is no longer in the stream (records are "
			        "kept 24 hours)", seq, s->id);
		return -1;
	}
	const char *it = json_get_string(out, "ShardIterator");
	free(s->iter);
	s->iter = dup_or_null(it);
	cJSON_Delete(out);
	if (!s->iter)   /* a closed shard past its end */
		s->state = SH_DONE;
	return 0;
}

static int first_iterator(struct reader *r, struct shard *s, struct err *e)
{
	if (s->last_seq)
		return get_iterator(r, s, "AFTER_SEQUENCE_NUMBER", s->last_seq, e);
	return get_iterator(r, s, s->start_type, s->start_arg, e);
}

/* One GetRecords call on s.  *got: records handed over.  Returns 0, 1 (the callback said stop), -1. */
static int poll_shard(struct reader *r, struct shard *s, stream_page_fn fn, void *arg, size_t *got,
                      struct err *e)
{
	*got = 0;
	if (!s->iter) {
		if (first_iterator(r, s, e) < 0) {
			if (aws_is_not_found(e)) {   /* trimmed away meanwhile */
				s->state = SH_DONE;
				err_clear(e);
				return 0;
			}
			return -1;
		}
		if (s->state == SH_DONE)
			return 0;
	}

	for (int renewed = 0;; renewed++) {
		cJSON *in = cJSON_CreateObject();
		char *body;
		struct aws_response resp;
		struct aws_request req = { &aws_streams, "GetRecords", NULL, 0, NULL, NULL, 0, NULL, 0, 0 };
		cJSON_AddStringToObject(in, "ShardIterator", s->iter);
		cJSON_AddNumberToObject(in, "Limit", r->o->page_limit > 0 && r->o->page_limit <= 1000 ?
		                        r->o->page_limit : 1000);
		body = cJSON_PrintUnformatted(in);
		cJSON_Delete(in);
		req.body = body;
		req.body_len = strlen(body);
		aws_response_init(&resp);
		int rc = aws_send(r->ctx, &req, &resp, e);
		cJSON_free(body);
		if (rc < 0) {
			aws_response_release(&resp);
			if (!renewed && (!strcmp(e->type, "ExpiredIteratorException") ||
			                 (!strcmp(e->type, "ValidationException") && strstr(e->msg, "terator")))) {
				/* Expired (15 minutes) or no longer valid: a new one from where we are. */
				err_clear(e);
				free(s->iter);
				s->iter = NULL;
				if (first_iterator(r, s, e) < 0)
					return -1;
				if (s->state == SH_DONE)
					return 0;
				continue;
			}
			if (!strcmp(e->type, "TrimmedDataAccessException") && !renewed) {
				/* Our position fell behind the 24-hour window: go on from the oldest record kept. */
				ctx_warn(r->ctx, "shard %s: records were trimmed before they could be read; going on from the "
				         "oldest record kept", s->id);
				err_clear(e);
				if (get_iterator(r, s, "TRIM_HORIZON", NULL, e) < 0)
					return -1;
				if (s->state == SH_DONE)
					return 0;
				continue;
			}
			return -1;
		}
		size_t cost;
		cJSON *page = NULL;
		if (aws_json_cost_check(&aws_streams, "GetRecords", buf_cstr(&resp.body), resp.body.len, &cost, e) < 0) {
			aws_response_release(&resp);
			return -1;
		}
		page = json_parse_exact(buf_cstr(&resp.body), resp.body.len, e);
		aws_response_release(&resp);
		if (!page)
			return err_prefix(e, "GetRecords: the response is not valid JSON");
		cJSON *recs = cJSON_GetObjectItemCaseSensitive(page, "Records"), *rec;
		const char *next = json_get_string(page, "NextShardIterator");
		if (recs && !cJSON_IsArray(recs)) {
			cJSON_Delete(page);
			return err_set(e, ERR_DATA, "GetRecords: Records is not a list");
		}
		int n = recs ? cJSON_GetArraySize(recs) : 0;
		cJSON_ArrayForEach(rec, recs)
			if (lambda_shape(rec, r->o->arn, e) < 0) {
				cJSON_Delete(page);
				return -1;
			}
		free(s->iter);
		s->iter = dup_or_null(next);
		if (!s->iter)
			s->state = SH_DONE;
		s->empty = n ? 0 : s->empty + 1;
		if (n) {
			const char *seq = json_get_string(json_get(cJSON_GetArrayItem(recs, n - 1), "dynamodb"),
			                                  "SequenceNumber");
			if (seq) {
				free(s->last_seq);
				s->last_seq = xstrdup(seq);
			}
			*got = (size_t)n;
			rc = fn(arg, s->id, recs, e);
		}
		cJSON_Delete(page);
		return rc;
	}
}

/* A shard can be read when it is not done and its parent (if still listed) is done. */
static int readable(struct reader *r, struct shard *s)
{
	if (s->state == SH_DONE)
		return 0;
	struct shard *p = s->parent ? find_shard(r, s->parent) : NULL;
	return !p || p->state == SH_DONE;
}

static int caught_up(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct shard *s = &r->sh[i];
		if (s->state == SH_DONE)
			continue;
		if (!readable(r, s) || s->end_seq || s->empty < STREAM_EMPTY_POLLS)
			return 0;
	}
	return 1;
}

int stream_read(struct ctx *ctx, const struct stream_read_opts *o, stream_page_fn fn, void *arg, struct err *e)
{
	struct reader r = { ctx, o, NULL, 0, 0, 0 };
	double idle_min = o->idle_min > 0 ? o->idle_min : 0.25, idle_max = o->idle_max > 0 ? o->idle_max : 2.0;
	double refresh = o->refresh > 0 ? o->refresh : 10.0, last_describe;
	struct backoff idle;
	size_t added;
	int rc = 0;

	if ((o->from == STREAM_FROM_AT || o->from == STREAM_FROM_AFTER) && !o->sequence)
		return err_set(e, ERR_INTERNAL, "stream_read: no sequence number");
	backoff_init(&idle, (long)(idle_min * 1000), (long)(idle_max * 1000));
	if (describe(&r, &added, e) < 0) {
		rc = -1;
		goto out;
	}
	last_describe = clock_now();
	for (;;) {
		size_t total = 0, got;
		int ended = 0;
		if (ctx_interrupted(ctx)) {
			rc = err_set(e, ERR_INTERRUPTED, "interrupted");
			goto out;
		}
		for (size_t i = 0; i < r.n; i++) {
			struct shard *s = &r.sh[i];
			if (!readable(&r, s))
				continue;
			int pr = poll_shard(&r, s, fn, arg, &got, e);
			if (pr != 0) {
				rc = pr < 0 ? -1 : 0;
				goto out;
			}
			total += got;
			if (s->state == SH_DONE)
				ended = 1;
			/* r.sh may move only in describe(); s is not used after this point */
		}
		int want_describe = ended || (o->follow && clock_now() - last_describe >= refresh);
		if (!o->follow && caught_up(&r)) {
			/* The end of the data, unless a last look finds new shards. */
			if (describe(&r, &added, e) < 0) {
				rc = -1;
				goto out;
			}
			if (!added && caught_up(&r))
				goto out;
			last_describe = clock_now();
			continue;
		}
		if (want_describe) {
			if (describe(&r, &added, e) < 0) {
				rc = -1;
				goto out;
			}
			last_describe = clock_now();
			if (added)
				continue;
		}
		if (total) {
			backoff_reset(&idle);
			continue;
		}
		if (clock_sleep_ms(ctx, backoff_step_ms(&idle)) < 0) {
			rc = err_set(e, ERR_INTERRUPTED, "interrupted");
			goto out;
		}
	}
out:
	for (size_t i = 0; i < r.n; i++)
		shard_free(&r.sh[i]);
	free(r.sh);
	return rc;
}

/* ---- running a handler ------------------------------------------------------------------------------------ */

void stream_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

int stream_split_command(const char *line, char ***argvp, struct err *e)
{
	char **argv = NULL;
	size_t n = 0, alloc = 0;
	struct buf w = BUF_INIT;
	const char *p = line;

	*argvp = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		buf_reset(&w);
		buf_adds(&w, "");
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');
				if (!q)
					goto unterminated;
				buf_add(&w, p + 1, (size_t)(q - p - 1));
				p = q + 1;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$' || p[1] == '`'))
						p++;
					buf_addc(&w, *p++);
				}
				if (!*p)
					goto unterminated;
				p++;
			} else if (*p == '\\' && p[1]) {
				buf_addc(&w, p[1]);
				p += 2;
			} else {
				buf_addc(&w, *p++);
			}
		}
		if (n + 2 > alloc) {
			alloc = alloc ? 2 * alloc : 8;
			argv = xrealloc(argv, alloc * sizeof(*argv));
		}
		argv[n++] = xstrdup(buf_cstr(&w));
		argv[n] = NULL;
	}
	buf_release(&w);
	if (!n) {
		free(argv);
		return err_set(e, ERR_USAGE, "the handler command is empty");
	}
	*argvp = argv;
	return 0;
unterminated:
	buf_release(&w);
	if (argv)
		argv[n] = NULL;
	stream_argv_free(argv);
	return err_set(e, ERR_USAGE, "unterminated quote in the handler command");
}

static int env_name_eq(const char *entry, const char *name_eq)
{
	size_t n = strcspn(name_eq, "=");
	return !strncmp(entry, name_eq, n) && entry[n] == '=';
}

char **stream_env(const char *const *force, const char *const *dflt)
{
	size_t n = 0, nf = 0, nd = 0, k = 0;
	while (environ && environ[n])
		n++;
	while (force && force[nf])
		nf++;
	while (dflt && dflt[nd])
		nd++;
	char **env = xcalloc(n + nf + nd + 1, sizeof(*env));
	for (size_t i = 0; i < n; i++) {
		int replaced = 0;
		for (size_t j = 0; j < nf && !replaced; j++)
			replaced = env_name_eq(environ[i], force[j]);
		if (!replaced)
			env[k++] = xstrdup(environ[i]);
	}
	for (size_t j = 0; j < nf; j++)
		env[k++] = xstrdup(force[j]);
	for (size_t j = 0; j < nd; j++) {
		int have = 0;
		for (size_t i = 0; i < k && !have; i++)
			have = env_name_eq(env[i], dflt[j]);
		if (!have)
			env[k++] = xstrdup(dflt[j]);
	}
	env[k] = NULL;
	return env;
}

/* Can argv0 be run (as posix_spawnp would find it)?  Checked first so the answer does not depend on how the
 * C library reports a failed exec (under valgrind the child just exits 127). */
static int can_exec(const char *argv0)
{
	if (strchr(argv0, '/'))
		return access(argv0, X_OK) == 0 ? 0 : errno;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/bin:/usr/bin";
	int err = ENOENT;
	for (const char *p = path;;) {
		size_t n = strcspn(p, ":");
		char *full = n ? xasprintf("%.*s/%s", (int)n, p, argv0) : xasprintf("%s", argv0);
		int ok = access(full, X_OK) == 0;
		if (!ok && errno == EACCES)
			err = EACCES;
		free(full);
		if (ok)
			return 0;
		if (!p[n])
			return err;
		p += n + 1;
	}
}

int stream_run_handler(char *const argv[], char *const env[], const char *data, size_t len, int out_fd,
                       int err_fd, int *status, int *signo, struct err *e)
{
	int fds[2];
	pid_t pid;
	posix_spawn_file_actions_t fa;

	*status = 0;
	*signo = 0;
	int why = can_exec(argv[0]);
	if (why)
		return err_set(e, ERR_NOINPUT, "cannot run the handler '%s': %s", argv[0], strerror(why));
	if (pipe2(fds, O_CLOEXEC) < 0)
		return err_set(e, ERR_INTERNAL, "cannot make a pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	if (out_fd >= 0 && out_fd != 1)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	if (err_fd >= 0 && err_fd != 2)
		posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env ? env : environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		return err_set(e, ERR_NOINPUT, "cannot run the handler '%s': %s", argv[0], strerror(rc));
	}
	/* Write everything; a handler that exits without reading gives EPIPE: fine.  SIGPIPE is ignored meanwhile
	 * (main ignores it anyway; a unit test or another caller may not). */
	struct sigaction ign, old_pipe;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fds[1], data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	close(fds[1]);
	sigaction(SIGPIPE, &old_pipe, NULL);
	int ws;
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return err_set(e, ERR_INTERNAL, "waiting for the handler: %s", strerror(errno));
	}
	if (WIFEXITED(ws))
		*status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws)) {
		*signo = WTERMSIG(ws);
		*status = 128 + *signo;
	}
	return 0;
}
