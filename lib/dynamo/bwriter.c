/* bwriter.c — the one batch writer (see bwriter.h): callers fill per-table batches (thread-safe), worker threads
 * send them with BatchWriteItem, retry what is left, and account for every item. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws.h"
#include "dynamo/bwriter.h"
#include "aws/clock.h"
#include "aws/ctx.h"
#include "aws/http.h"
#include "dynamo/item.h"
#include "base/json.h"
#include "dynamo/progress.h"

#define BACKOFF_BASE_MS  50L
#define BACKOFF_CAP_MS   5000L
#define KEYSET_BUCKETS   4096u
#define BISECT_AFTER_5XX 2     /* a batch failing this many times in a row with 5xx is split in halves */
#define INDEX_SLOTS      64u   /* a request's key index: open addressing, over twice BWRITER_BATCH_MAX */

/* ---- a set of key strings ------------------------------------------------------------------------------ */

struct knode { struct knode *next; char *key; double until; };
struct keyset { struct knode **b; };

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int keyset_has(const struct keyset *k, const char *key, uint32_t h)
{
	for (struct knode *n = k->b[h % KEYSET_BUCKETS]; n; n = n->next)
		if (!strcmp(n->key, key))
			return 1;
	return 0;
}

static struct knode *keyset_add(struct keyset *k, char *key, uint32_t h)   /* borrows key */
{
	struct knode *n = xmalloc(sizeof(*n));
	n->key = key;
	n->until = 0;
	n->next = k->b[h % KEYSET_BUCKETS];
	k->b[h % KEYSET_BUCKETS] = n;
	return n;
}

static void keyset_remove(struct keyset *k, const char *key, uint32_t h)
{
	for (struct knode **p = &k->b[h % KEYSET_BUCKETS]; *p; p = &(*p)->next)
		if (!strcmp((*p)->key, key)) {
			struct knode *n = *p;
			*p = n->next;
			free(n);
			return;
		}
}

static void keyset_free(struct keyset *k, int owned)
{
	if (!k->b)
		return;
	for (size_t i = 0; i < KEYSET_BUCKETS; i++)
		while (k->b[i]) {
			struct knode *n = k->b[i];
			k->b[i] = n->next;
			if (owned)
				free(n->key);
			free(n);
		}
	free(k->b);
	k->b = NULL;
}

/* The lingering set: keys (owned) whose last write's fate was unknown (a timeout, a reset, a 5xx), each held until
 * `until`.  1 when key is held at `now`; expired nodes are dropped on the way. */
static int linger_has(struct keyset *k, const char *key, uint32_t h, double now)
{
	for (struct knode **p = &k->b[h % KEYSET_BUCKETS]; *p;) {
		struct knode *n = *p;
		if (n->until <= now) {
			*p = n->next;
			free(n->key);
			free(n);
			continue;
		}
		if (!strcmp(n->key, key))
			return 1;
		p = &n->next;
	}
	return 0;
}

static void linger_add(struct keyset *k, const char *key, uint32_t h, double until)
{
	for (struct knode *n = k->b[h % KEYSET_BUCKETS]; n; n = n->next)
		if (!strcmp(n->key, key)) {
			if (n->until < until)
				n->until = until;
			return;
		}
	keyset_add(k, xstrdup(key), h)->until = until;
}

/* ---- state --------------------------------------------------------------------------------------------- */

struct batch;

struct bw_table {
	int idx;
	char *wire, *wire_json;
	struct item_key_attr keys[2];
	char *key_names[2];
	size_t nkeys;
	struct capacity_table cap;
	struct batch *cur;        /* being filled */
};

struct entry {
	int del;
	char *json;               /* the typed Item (or Key), compact */
	size_t json_len;
	char *key;                /* "<table idx>\x1f<key string>" */
	uint32_t hash;            /* fnv(key) */
	char *raw;                /* the line for the rejects file, or NULL: a request line */
	char *origin;
	uint64_t tag;
	double units;
	int uncertain;            /* an attempt's fate was unknown (timeout, reset, 5xx): the key lingers when done */
};

struct batch {
	struct bw_table *t;
	struct entry e[BWRITER_BATCH_MAX];
	int n;
	size_t bytes;
};

enum outcome { OUT_DONE, OUT_REJECT, OUT_TEMPFAIL, OUT_DROPPED };

struct worker {
	struct bwriter *w;
	struct http *http;
	pthread_t th;
};

struct bwriter {
	struct ctx *ctx;
	struct bwriter_opts o;
	int max_retries, concurrency;

	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_change;
	struct batch **q;
	size_t qcap, qhead, qlen;
	int closed, busy;         /* busy: batches workers are sending */
	_Atomic int stop;         /* fatal error or interrupted: drop what is not sent */
	struct keyset inflight;   /* borrows the entries' keys */
	struct keyset failed;     /* keys with a write not written (budget ran out): later writes of them are held back */
	struct keyset linger;     /* keys whose write's fate was unknown: held for one --timeout (see linger_has) */
	double linger_s;

	pthread_mutex_t tmu;      /* serialises describing tables (tables itself is under mu) */
	struct bw_table **tables;
	size_t ntables;

	FILE *rej;
	struct bwriter_stats st;
	int has_fatal;
	struct err fatal;

	struct capacity_aimd aimd;
	int reqs;                 /* requests in flight (adaptive) */

	struct worker *ws;
	int nstarted;
};

static void entry_release(struct entry *en)
{
	free(en->json);
	free(en->key);
	free(en->raw);
	free(en->origin);
	memset(en, 0, sizeof(*en));
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->n; i++)
		entry_release(&b->e[i]);
	free(b);
}

static void table_free(struct bw_table *t)
{
	if (!t)
		return;
	free(t->wire);
	free(t->wire_json);
	for (size_t i = 0; i < 2; i++)
		free(t->key_names[i]);
	capacity_table_release(&t->cap);
	batch_free(t->cur);
	free(t);
}

static int stopping(struct bwriter *w)
{
	return w->stop || ctx_interrupted(w->ctx);
}

/* ---- rejects and accounting ---------------------------------------------------------------------------------- */

/* One line of the rejects file, flushed at once: a failed write is noticed (and reported as 74) at the line that
 * failed, never claimed kept.  With w->mu held. */
static void write_reject_line(struct bwriter *w, const char *raw)
{
	if (!w->rej || !raw || w->st.rejects_failed)
		return;
	for (const char *p = raw; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, w->rej);
	fputc('\n', w->rej);
	if (fflush(w->rej) != 0 || ferror(w->rej)) {
		w->st.rejects_failed = 1;
		w->st.rejects_errno = errno ? errno : EIO;
	}
}

/* With w->mu held. */
static void reject_locked(struct bwriter *w, uint64_t tag, const char *origin, const char *raw, const char *msg)
{
	if (w->o.progress)
		progress_clear(w->o.progress);
	if (w->o.report)
		w->o.report(w->o.arg, tag, origin, msg);
	else
		fprintf(w->ctx->err_out, "ddb: %s: %s: %s\n", w->ctx->cmd_name ? w->ctx->cmd_name : "write",
		        origin ? origin : "?", msg);
	write_reject_line(w, raw);
	w->st.rejected++;
}

void bwriter_reject(struct bwriter *w, uint64_t tag, const char *origin, const char *raw, const char *msg)
{
	pthread_mutex_lock(&w->mu);
	reject_locked(w, tag, origin, raw, msg);
	if (w->o.confirmed)
		w->o.confirmed(w->o.arg, tag, BWRITER_REJECTED);
	pthread_mutex_unlock(&w->mu);
}

/* The rejects line of an entry given without one: {"<table>":[{"PutRequest":{"Item":...}}]}. */
static char *request_line(const struct bw_table *t, const struct entry *en)
{
	return xasprintf("{%s:[{%s%.*s}}]}", t->wire_json, en->del ? "\"DeleteRequest\":{\"Key\":" :
	                 "\"PutRequest\":{\"Item\":", (int)en->json_len, en->json);
}

static void finish_entry(struct bwriter *w, struct batch *b, int i, enum outcome oc, const char *msg)
{
	struct entry *en = &b->e[i];
	int outcome = BWRITER_NOT_WRITTEN;
	pthread_mutex_lock(&w->mu);
	switch (oc) {
	case OUT_DONE:
		if (en->del)
			w->st.deleted++;
		else
			w->st.written++;
		w->st.wcu += en->units;
		outcome = BWRITER_WRITTEN;
		break;
	case OUT_REJECT: {
		char *line = en->raw ? NULL : request_line(b->t, en);
		reject_locked(w, en->tag, en->origin, en->raw ? en->raw : line, msg);
		free(line);
		outcome = BWRITER_REJECTED;
		break;
	}
	case OUT_TEMPFAIL:
		w->st.tempfail++;
		w->st.not_written++;
		/* a later write of this key must not be sent before this one is (a resume sends this one) */
		if (!keyset_has(&w->failed, en->key, en->hash))
			keyset_add(&w->failed, xstrdup(en->key), en->hash);
		break;
	case OUT_DROPPED:
		w->st.not_written++;
		break;
	}
	keyset_remove(&w->inflight, en->key, en->hash);
	/* an attempt that timed out may still be applied by the server: a later write of this key waits one
	 * --timeout, so that the late write cannot land after it */
	if (en->uncertain)
		linger_add(&w->linger, en->key, en->hash, clock_now() + w->linger_s);
	if (w->o.confirmed)
		w->o.confirmed(w->o.arg, en->tag, outcome);
	pthread_cond_broadcast(&w->cv_change);
	pthread_mutex_unlock(&w->mu);
}

static void set_fatal(struct bwriter *w, const struct err *e)
{
	pthread_mutex_lock(&w->mu);
	if (!w->has_fatal) {
		w->has_fatal = 1;
		w->fatal = *e;
	}
	w->stop = 1;
	pthread_cond_broadcast(&w->cv_change);
	pthread_cond_broadcast(&w->cv_work);
	pthread_mutex_unlock(&w->mu);
}

/* ---- sending ------------------------------------------------------------------------------------------------ */

/* Sleep ms (clock.h's interruptible sleep, in slices so that a fatal error also cuts it short); -1 when the
 * writer stops or Ctrl-C comes. */
static int sleep_ms(struct bwriter *w, long ms)
{
	while (ms > 0) {
		if (w->stop)
			return -1;
		long step = ms > 200 ? 200 : ms;
		if (clock_sleep_ms(w->ctx, step) < 0)
			return -1;
		ms -= step;
	}
	return stopping(w) ? -1 : 0;
}

static void build_body(const struct batch *b, const int *idx, int n, struct buf *body)
{
	buf_reset(body);
	buf_addf(body, "{\"RequestItems\":{%s:[", b->t->wire_json);
	for (int k = 0; k < n; k++) {
		const struct entry *en = &b->e[idx[k]];
		buf_adds(body, k ? "," : "");
		buf_adds(body, en->del ? "{\"DeleteRequest\":{\"Key\":" : "{\"PutRequest\":{\"Item\":");
		buf_add(body, en->json, en->json_len);
		buf_adds(body, "}}");
	}
	buf_adds(body, "]}}");
}

/* 1 when a member name of UnprocessedItems names table t: its name, or an ARN ending in ":table/<name>". */
static int names_table(const struct bw_table *t, const char *name)
{
	if (!strcmp(name, t->wire))
		return 1;
	size_t n = strlen(name), w = strlen(t->wire);
	return !strncmp(name, "arn:", 4) && n > w + 7 && !strcmp(name + n - w, t->wire) &&
	       !strncmp(name + n - w - 7, ":table/", 7);
}

/* Which of the sent entries pend[0..np) DynamoDB left unprocessed: left[k] = 1.  The sent keys are indexed by
 * their hash (computed once, when the item was given); each unprocessed item's key is looked up there.  An entry
 * that matches nothing that was sent (another table, a mangled key) makes the whole batch unprocessed — never
 * counted written on a guess.  -1 when the response is not JSON; *nleft: how many entries came back. */
static int unprocessed(const struct batch *b, const int *pend, int np, const struct buf *body, int *left, int *nleft)
{
	const struct bw_table *t = b->t;
	int slot[INDEX_SLOTS];
	memset(left, 0, (size_t)np * sizeof(int));
	*nleft = 0;
	cJSON *doc = cJSON_ParseWithLength(buf_cstr(body), body->len);
	if (!doc)
		return -1;
	const cJSON *ui = json_get(doc, "UnprocessedItems"), *m, *req;
	int all = ui && !cJSON_IsObject(ui);
	const cJSON *uo = cJSON_IsObject(ui) ? ui : NULL;
	if (uo && uo->child) {
		for (size_t i = 0; i < INDEX_SLOTS; i++)
			slot[i] = -1;
		for (int k = 0; k < np; k++) {
			size_t s = b->e[pend[k]].hash % INDEX_SLOTS;
			while (slot[s] >= 0)
				s = (s + 1) % INDEX_SLOTS;
			slot[s] = k;
		}
	}
	struct buf kb = BUF_INIT;
	cJSON_ArrayForEach(m, uo) {
		if (!m->string || !names_table(t, m->string) || !cJSON_IsArray(m)) {
			all = 1;
			break;
		}
		cJSON_ArrayForEach(req, m) {
			const cJSON *it = json_get(json_get(req, "PutRequest"), "Item");
			if (!it)
				it = json_get(json_get(req, "DeleteRequest"), "Key");
			struct err e = ERR_INIT;
			int found = 0;
			buf_reset(&kb);
			buf_addf(&kb, "%d\x1f", t->idx);
			if (it && item_key_string(it, t->keys, t->nkeys, &kb, &e) == 0) {
				const char *ks = buf_cstr(&kb);
				uint32_t h = fnv(ks);
				for (size_t s = h % INDEX_SLOTS; slot[s] >= 0; s = (s + 1) % INDEX_SLOTS) {
					const struct entry *en = &b->e[pend[slot[s]]];
					if (en->hash == h && !strcmp(en->key, ks)) {
						if (!left[slot[s]])
							(*nleft)++;
						left[slot[s]] = found = 1;
						break;
					}
				}
			}
			if (!found)
				all = 1;
		}
		if (all)
			break;
	}
	buf_release(&kb);
	cJSON_Delete(doc);
	if (all) {
		for (int k = 0; k < np; k++)
			left[k] = 1;
		*nleft = np;
	}
	return 0;
}

static int is_table_error(const struct err *e)
{
	return !strcmp(e->type, "ResourceNotFoundException") || !strcmp(e->type, "ResourceInUseException");
}

static int is_throttle(const struct err *e)
{
	return strstr(e->type, "Throttl") || strstr(e->type, "ProvisionedThroughputExceeded") ||
	       strstr(e->type, "RequestLimitExceeded");
}

/* Adaptive: wait for a place among the requests in flight (the AIMD limit).  -1 when stopping. */
static int slot_take(struct bwriter *w)
{
	if (!w->o.adaptive)
		return stopping(w) ? -1 : 0;
	pthread_mutex_lock(&w->mu);
	while (!stopping(w) && w->reqs >= (int)capacity_aimd_limit(&w->aimd)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->cv_change, &w->mu, &ts);
	}
	int rc = stopping(w) ? -1 : 0;
	if (!rc)
		w->reqs++;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

static void slot_give(struct bwriter *w, int throttled)
{
	if (!w->o.adaptive)
		return;
	if (throttled)
		capacity_aimd_throttle(&w->aimd);
	else
		capacity_aimd_success(&w->aimd);
	pthread_mutex_lock(&w->mu);
	w->reqs--;
	pthread_cond_broadcast(&w->cv_change);
	pthread_mutex_unlock(&w->mu);
}

/* --max-wcu: take the units of what is about to be sent, and wait for them.  -1 when stopping (given back). */
static int units_take(struct bwriter *w, const struct batch *b, const int *pend, int np, double *units)
{
	*units = 0;
	if (!w->o.wcu)
		return 0;
	for (int k = 0; k < np; k++)
		*units += b->e[pend[k]].units;
	double wait = capacity_bucket_take(w->o.wcu, *units);
	if (wait > 0 && sleep_ms(w, (long)(wait * 1000 + 0.5)) < 0) {
		capacity_bucket_refund(w->o.wcu, *units);
		*units = 0;
		return -1;
	}
	return 0;
}

static void send_entries(struct worker *W, struct batch *b, const int *idx, int n)
{
	struct bwriter *w = W->w;
	int pend[BWRITER_BATCH_MAX], np = n, retries = 0, fails5xx = 0;
	struct buf body = BUF_INIT;
	struct backoff bo;
	backoff_init(&bo, BACKOFF_BASE_MS, BACKOFF_CAP_MS);
	memcpy(pend, idx, (size_t)n * sizeof(int));

	while (np > 0) {
		double units;
		if (stopping(w) || units_take(w, b, pend, np, &units) < 0)
			break;
		if (slot_take(w) < 0) {
			if (w->o.wcu)
				capacity_bucket_refund(w->o.wcu, units);
			break;
		}
		build_body(b, pend, np, &body);
		struct aws_request rq = { &aws_dynamodb, "BatchWriteItem", body.ptr, body.len, W->http, NULL, 0, NULL, 0, 0 };
		struct aws_response resp;
		struct err e = ERR_INIT;
		aws_response_init(&resp);
		int rc = aws_send(w->ctx, &rq, &resp, &e);
		int throttled = resp.retried_throttles > 0 || (rc < 0 && is_throttle(&e));
		pthread_mutex_lock(&w->mu);
		if (resp.attempts > 1)
			w->st.retried += (long)(resp.attempts - 1) * np;
		w->st.throttles += resp.retried_throttles;
		pthread_mutex_unlock(&w->mu);
		/* attempts that failed neither throttled nor answered: their writes may still be applied later */
		if (resp.attempts - resp.retried_throttles - (rc == 0 ? 1 : 0) > 0)
			for (int k = 0; k < np; k++)
				b->e[pend[k]].uncertain = 1;
		if (rc == 0) {
			int left[BWRITER_BATCH_MAX], nleft;
			if (unprocessed(b, pend, np, &resp.body, left, &nleft) < 0) {
				aws_response_release(&resp);
				slot_give(w, 0);
				err_set(&e, ERR_DATA, "BatchWriteItem: the response is not valid JSON");
				set_fatal(w, &e);
				break;
			}
			aws_response_release(&resp);
			if (nleft) {   /* DynamoDB's way of throttling a batch */
				throttled = 1;
				pthread_mutex_lock(&w->mu);
				w->st.throttles++;
				pthread_mutex_unlock(&w->mu);
			}
			slot_give(w, throttled);
			fails5xx = 0;
			int keep = 0;
			for (int k = 0; k < np; k++) {
				if (left[k]) {
					if (w->o.wcu)
						capacity_bucket_refund(w->o.wcu, b->e[pend[k]].units);
					pend[keep++] = pend[k];
				} else {
					finish_entry(w, b, pend[k], OUT_DONE, NULL);
				}
			}
			np = keep;
			if (!np)
				break;
			err_set(&e, ERR_TEMPFAIL, "%d items still unprocessed (UnprocessedItems)", np);
		} else {
			aws_response_release(&resp);
			slot_give(w, throttled);
			if (w->o.wcu)
				capacity_bucket_refund(w->o.wcu, units);
			if (e.kind == ERR_INTERRUPTED)
				break;
			if (e.kind == ERR_SERVICE && !is_table_error(&e)) {
				if (np > 1) {   /* find the bad items: one by one */
					for (int k = 0; k < np; k++)
						send_entries(W, b, &pend[k], 1);
					np = 0;
					break;
				}
				char msg[sizeof(e.msg) + sizeof(e.type) + 8];
				if (e.type[0] && !strstr(e.msg, e.type))
					snprintf(msg, sizeof(msg), "%s (%s)", e.msg, e.type);
				else
					snprintf(msg, sizeof(msg), "%s", e.msg);
				finish_entry(w, b, pend[0], OUT_REJECT, msg);
				np = 0;
				break;
			}
			if (e.kind != ERR_TEMPFAIL) {
				set_fatal(w, &e);
				break;
			}
			/* a batch that keeps failing with 5xx may hold one item the server chokes on: split it, so the good
			 * items are written and only the bad one is left not written */
			if (e.http_status >= 500 && ++fails5xx >= BISECT_AFTER_5XX && np > 1) {
				int half = np / 2;
				send_entries(W, b, pend, half);
				send_entries(W, b, pend + half, np - half);
				np = 0;
				break;
			}
		}
		/* unprocessed, throttled or failed after aws_send's own attempts: our budget */
		if (retries >= w->max_retries) {
			pthread_mutex_lock(&w->mu);
			snprintf(w->st.last_temp, sizeof(w->st.last_temp), "%s", e.msg);
			pthread_mutex_unlock(&w->mu);
			for (int k = 0; k < np; k++)
				finish_entry(w, b, pend[k], OUT_TEMPFAIL, NULL);
			np = 0;
			break;
		}
		retries++;
		pthread_mutex_lock(&w->mu);
		w->st.retried += np;
		pthread_mutex_unlock(&w->mu);
		if (sleep_ms(w, backoff_next_ms(&bo)) < 0)   /* full jitter */
			break;
	}
	for (int k = 0; k < np; k++)
		finish_entry(w, b, pend[k], OUT_DROPPED, NULL);
	buf_release(&body);
}

static void *worker_main(void *arg)
{
	struct worker *W = arg;
	struct bwriter *w = W->w;
	for (;;) {
		pthread_mutex_lock(&w->mu);
		while (!w->qlen && !w->closed)
			pthread_cond_wait(&w->cv_work, &w->mu);
		if (!w->qlen) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		struct batch *b = w->q[w->qhead];
		w->qhead = (w->qhead + 1) % w->qcap;
		w->qlen--;
		w->busy++;
		pthread_cond_broadcast(&w->cv_change);
		pthread_mutex_unlock(&w->mu);

		int idx[BWRITER_BATCH_MAX];
		for (int i = 0; i < b->n; i++)
			idx[i] = i;
		if (stopping(w)) {
			for (int i = 0; i < b->n; i++)
				finish_entry(w, b, i, OUT_DROPPED, NULL);
		} else {
			send_entries(W, b, idx, b->n);
		}
		batch_free(b);
		pthread_mutex_lock(&w->mu);
		w->busy--;
		pthread_cond_broadcast(&w->cv_change);
		pthread_mutex_unlock(&w->mu);
	}
	aws_thread_cleanup();
	return NULL;
}

/* ---- filling batches ------------------------------------------------------------------------------------------ */

static int batch_conflicts(struct bwriter *w, const struct batch *b)
{
	double now = clock_now();
	for (int i = 0; i < b->n; i++)
		if (keyset_has(&w->inflight, b->e[i].key, b->e[i].hash) ||
		    linger_has(&w->linger, b->e[i].key, b->e[i].hash, now))
			return 1;
	return 0;
}

static void drop_locked(struct bwriter *w, struct entry *en)
{
	w->st.not_written++;
	if (w->o.confirmed)
		w->o.confirmed(w->o.arg, en->tag, BWRITER_NOT_WRITTEN);
	entry_release(en);
}

/* Hand b to the workers (or drop it when stopping).  With w->mu held (released while waiting). */
static void dispatch_locked(struct bwriter *w, struct batch *b)
{
	if (!b || !b->n) {
		batch_free(b);
		return;
	}
	while (!stopping(w) && (w->qlen == w->qcap || batch_conflicts(w, b))) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->cv_change, &w->mu, &ts);
	}
	if (stopping(w)) {
		for (int i = 0; i < b->n; i++)
			drop_locked(w, &b->e[i]);
		b->n = 0;
		batch_free(b);
		return;
	}
	/* Writes whose key has an earlier write not written are not written either: a resume then sends both in
	 * order (the earlier alone would overwrite this one, which came later, so it wins). */
	int kept = 0;
	for (int i = 0; i < b->n; i++) {
		if (keyset_has(&w->failed, b->e[i].key, b->e[i].hash)) {
			drop_locked(w, &b->e[i]);
			continue;
		}
		if (kept != i) {
			b->e[kept] = b->e[i];
			memset(&b->e[i], 0, sizeof(b->e[i]));
		}
		kept++;
	}
	b->n = kept;
	if (!b->n) {
		pthread_cond_broadcast(&w->cv_change);
		batch_free(b);
		return;
	}
	for (int i = 0; i < b->n; i++)
		keyset_add(&w->inflight, b->e[i].key, b->e[i].hash);
	w->q[(w->qhead + w->qlen) % w->qcap] = b;
	w->qlen++;
	pthread_cond_signal(&w->cv_work);
}

void bwriter_flush(struct bwriter *w)
{
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; i < w->ntables; i++) {
		struct batch *b = w->tables[i]->cur;
		w->tables[i]->cur = NULL;
		dispatch_locked(w, b);
	}
	pthread_mutex_unlock(&w->mu);
}

/* ---- tables ---------------------------------------------------------------------------------------------------- */

static struct bw_table *find_table(struct bwriter *w, const char *wire)
{
	struct bw_table *t = NULL;
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; i < w->ntables && !t; i++)
		if (!strcmp(w->tables[i]->wire, wire))
			t = w->tables[i];
	pthread_mutex_unlock(&w->mu);
	return t;
}

static int add_table(struct bwriter *w, const char *wire, const cJSON *desc, struct err *e)
{
	const cJSON *td = json_get(desc, "Table") ? json_get(desc, "Table") : desc;
	const cJSON *ks = json_get(td, "KeySchema"), *ad = json_get(td, "AttributeDefinitions"), *x;
	struct bw_table *t = xcalloc(1, sizeof(*t));
	t->wire = xstrdup(wire);
	cJSON *ws = cJSON_CreateString(wire);
	t->wire_json = cJSON_PrintUnformatted(ws);
	cJSON_Delete(ws);
	cJSON_ArrayForEach(x, ks) {
		const char *n = json_get_string(x, "AttributeName"), *kt = json_get_string(x, "KeyType");
		if (!n || !kt)
			continue;
		size_t slot = !strcmp(kt, "HASH") ? 0 : 1;
		free(t->key_names[slot]);
		t->key_names[slot] = xstrdup(n);
		t->keys[slot].name = t->key_names[slot];
		t->keys[slot].type = 'S';
		const cJSON *a;
		cJSON_ArrayForEach(a, ad) {
			const char *an = json_get_string(a, "AttributeName"), *ty = json_get_string(a, "AttributeType");
			if (an && ty && !strcmp(an, n))
				t->keys[slot].type = ty[0];
		}
	}
	if (!t->key_names[0] || !t->wire_json || capacity_table_init(&t->cap, td, e) < 0) {
		table_free(t);
		return err_set(e, ERR_DATA, "DescribeTable '%s': no hash key in the response", wire);
	}
	t->nkeys = t->key_names[1] ? 2 : 1;
	pthread_mutex_lock(&w->mu);
	for (size_t i = 0; i < w->ntables; i++)
		if (!strcmp(w->tables[i]->wire, wire)) {   /* told twice: the first stays */
			pthread_mutex_unlock(&w->mu);
			table_free(t);
			return 0;
		}
	t->idx = (int)w->ntables;
	w->tables = xrealloc(w->tables, (w->ntables + 1) * sizeof(*w->tables));
	w->tables[w->ntables++] = t;
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int bwriter_table(struct bwriter *w, const char *table, const cJSON *desc, struct err *e)
{
	if (find_table(w, table))
		return 0;
	return add_table(w, table, desc, e);
}

static struct bw_table *get_table(struct bwriter *w, const char *wire, struct err *e)
{
	struct bw_table *t = find_table(w, wire);
	if (t)
		return t;
	pthread_mutex_lock(&w->tmu);
	if (!(t = find_table(w, wire))) {
		cJSON *in = cJSON_CreateObject(), *out = NULL;
		cJSON_AddStringToObject(in, "TableName", wire);
		int rc = aws_json(w->ctx, &aws_dynamodb, "DescribeTable", in, &out, e);
		cJSON_Delete(in);
		if (rc < 0)
			aws_table_not_found(e, wire, ERR_NOINPUT);
		else if (add_table(w, wire, out, e) == 0)
			t = find_table(w, wire);
		cJSON_Delete(out);
	}
	pthread_mutex_unlock(&w->tmu);
	return t;
}

/* ---- giving items ------------------------------------------------------------------------------------------------ */

int bwriter_submit(struct bwriter *w, const struct bwriter_item *it, struct err *e)
{
	struct bw_table *t = get_table(w, it->table, e);
	if (!t) {
		cJSON_Delete(it->item);
		pthread_mutex_lock(&w->mu);
		w->st.not_written++;
		if (w->o.confirmed)
			w->o.confirmed(w->o.arg, it->tag, BWRITER_NOT_WRITTEN);
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	struct entry en = { 0 };
	struct err ie = ERR_INIT;
	struct buf kb = BUF_INIT;
	en.del = it->del;
	en.tag = it->tag;
	en.units = it->units;
	buf_addf(&kb, "%d\x1f", t->idx);
	int bad = 0;
	if (!cJSON_IsObject(it->item)) {
		err_set(&ie, ERR_DATA, "an item must be a JSON object");
		bad = 1;
	} else if (it->key) {
		buf_adds(&kb, it->key);
	} else if (item_key_string(it->item, t->keys, t->nkeys, &kb, &ie) < 0) {
		bad = 1;
	}
	if (!bad && en.units < 0) {
		en.units = 1;
		if (w->o.wcu && !en.del && capacity_put_units(&t->cap, it->item, &en.units, NULL, &ie) < 0)
			bad = 1;
	}
	if (!bad) {
		en.json = json_print_compact(it->item);
		if (!en.json) {
			err_set(&ie, ERR_INTERNAL, "out of memory");
			bad = 1;
		}
	}
	if (bad) {
		char *j = it->raw ? NULL : json_print_compact(it->item);
		char *line = it->raw ? NULL : xasprintf("{%s:[{%s%s}}]}", t->wire_json, it->del ?
		                                         "\"DeleteRequest\":{\"Key\":" : "\"PutRequest\":{\"Item\":",
		                                         j ? j : "null");
		cJSON_Delete(it->item);
		bwriter_reject(w, it->tag, it->origin, it->raw ? it->raw : line, ie.msg);
		free(line);
		free(j);
		free(en.json);
		buf_release(&kb);
		return 0;
	}
	cJSON_Delete(it->item);
	en.json_len = strlen(en.json);
	en.key = buf_detach(&kb, NULL);
	en.hash = fnv(en.key);
	en.raw = it->raw ? xstrdup(it->raw) : NULL;
	en.origin = xstrdup(it->origin ? it->origin : "?");

	pthread_mutex_lock(&w->mu);
	if (stopping(w)) {
		drop_locked(w, &en);
		pthread_mutex_unlock(&w->mu);
		return 0;
	}
	struct batch *b = t->cur;
	if (b) {
		int dup = 0;
		for (int i = 0; i < b->n && !dup; i++)
			dup = b->e[i].hash == en.hash && !strcmp(b->e[i].key, en.key);
		if (dup || b->bytes + en.json_len + 64 > BWRITER_REQUEST_MAX_BYTES) {
			t->cur = NULL;
			dispatch_locked(w, b);
		}
	}
	if (!t->cur) {
		t->cur = xcalloc(1, sizeof(struct batch));
		t->cur->t = t;
	}
	b = t->cur;
	b->e[b->n++] = en;
	b->bytes += en.json_len + 32;
	if (b->n == BWRITER_BATCH_MAX) {
		t->cur = NULL;
		dispatch_locked(w, b);
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int bwriter_put(struct bwriter *w, const char *table, cJSON *item, const char *origin, uint64_t tag, struct err *e)
{
	struct bwriter_item it = { table, item, 0, origin, NULL, tag, NULL, -1 };
	return bwriter_submit(w, &it, e);
}

int bwriter_delete(struct bwriter *w, const char *table, cJSON *key, const char *origin, uint64_t tag,
                   struct err *e)
{
	struct bwriter_item it = { table, key, 1, origin, NULL, tag, NULL, -1 };
	return bwriter_submit(w, &it, e);
}

void bwriter_abort(struct bwriter *w, const struct err *e)
{
	set_fatal(w, e);
}

int bwriter_drained(struct bwriter *w)
{
	pthread_mutex_lock(&w->mu);
	int d = !w->qlen && !w->busy;
	for (size_t i = 0; d && i < w->ntables; i++)
		d = !w->tables[i]->cur;
	pthread_mutex_unlock(&w->mu);
	return d || !w->nstarted;
}

int bwriter_stopped(struct bwriter *w)
{
	return stopping(w);
}

void bwriter_snapshot(struct bwriter *w, struct bwriter_stats *st)
{
	pthread_mutex_lock(&w->mu);
	*st = w->st;
	pthread_mutex_unlock(&w->mu);
	if (w->o.adaptive)
		capacity_aimd_stats(&w->aimd, &st->aimd);
}

/* ---- open and finish --------------------------------------------------------------------------------------------- */

struct bwriter *bwriter_open(struct ctx *ctx, const struct bwriter_opts *o, struct err *e)
{
	struct bwriter *w = xcalloc(1, sizeof(*w));
	w->ctx = ctx;
	w->o = *o;
	w->max_retries = o->max_retries < 0 ? BWRITER_DEFAULT_MAX_RETRIES : o->max_retries;
	w->concurrency = o->concurrency > 0 ? o->concurrency : BWRITER_DEFAULT_CONCURRENCY;
	w->inflight.b = xcalloc(KEYSET_BUCKETS, sizeof(struct knode *));
	w->failed.b = xcalloc(KEYSET_BUCKETS, sizeof(struct knode *));
	w->linger.b = xcalloc(KEYSET_BUCKETS, sizeof(struct knode *));
	w->linger_s = (ctx->timeout > 0 ? ctx->timeout : 60.0) + 1.0;
	pthread_mutex_init(&w->mu, NULL);
	pthread_mutex_init(&w->tmu, NULL);
	pthread_cond_init(&w->cv_work, NULL);
	pthread_cond_init(&w->cv_change, NULL);
	capacity_aimd_init(&w->aimd, w->concurrency, 1, w->concurrency, NULL, NULL);
	w->qcap = (size_t)w->concurrency * 2;
	w->q = xcalloc(w->qcap, sizeof(*w->q));
	w->o.rejects = NULL;   /* not kept: the caller's string */
	if (o->rejects) {
		w->rej = fopen(o->rejects, "w");
		if (!w->rej) {
			err_set(e, ERR_IO, "cannot write the rejects file '%s': %s", o->rejects, strerror(errno));
			bwriter_free(w);
			return NULL;
		}
	}
	w->ws = xcalloc((size_t)w->concurrency, sizeof(*w->ws));
	for (int i = 0; i < w->concurrency; i++) {
		struct http_opts ho = { 0 };
		ho.connect_timeout_ms = ctx->connect_timeout > 0 ? (long)(ctx->connect_timeout * 1000) : 0;
		ho.timeout_ms = ctx->timeout > 0 ? (long)(ctx->timeout * 1000) : 0;
		ho.interrupted = NULL;   /* Ctrl-C lets requests in flight finish */
		w->ws[i].w = w;
		w->ws[i].http = http_new(&ho);
		int bad = !w->ws[i].http;
		if (!bad && pthread_create(&w->ws[i].th, NULL, worker_main, &w->ws[i]) != 0)
			bad = 2;
		if (bad) {
			err_set(e, ERR_INTERNAL, bad == 1 ? "cannot initialise libcurl" : "cannot start a thread");
			bwriter_free(w);
			return NULL;
		}
		w->nstarted++;
	}
	return w;
}

/* Waits for every worker; the writer takes no more items afterwards. */
static void close_and_join(struct bwriter *w)
{
	if (!w->nstarted && w->closed)
		return;
	bwriter_flush(w);
	pthread_mutex_lock(&w->mu);
	w->closed = 1;
	pthread_cond_broadcast(&w->cv_work);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->nstarted; i++)
		pthread_join(w->ws[i].th, NULL);
	w->nstarted = 0;
}

int bwriter_finish(struct bwriter *w, struct bwriter_stats *st, struct err *e)
{
	close_and_join(w);
	if (w->rej) {
		if (fclose(w->rej) != 0 && !w->st.rejects_failed) {
			w->st.rejects_failed = 1;
			w->st.rejects_errno = errno ? errno : EIO;
		}
		w->rej = NULL;
	}
	w->st.fatal = w->has_fatal;
	bwriter_snapshot(w, st);
	if (w->has_fatal) {
		*e = w->fatal;
		return -1;
	}
	if (ctx_interrupted(w->ctx))
		return err_set(e, ERR_INTERRUPTED, "interrupted: %ld written, %ld not written", st->written + st->deleted,
		               st->not_written);
	if (st->not_written)
		return err_set(e, ERR_TEMPFAIL, "the retry budget ran out: %ld written, %ld not written (last error: %s)",
		               st->written + st->deleted, st->not_written, st->last_temp[0] ? st->last_temp : "throttled");
	if (st->rejects_failed)
		return err_set(e, ERR_IO, "cannot write the rejects file: %s (%ld rejected)", strerror(st->rejects_errno),
		               st->rejected);
	if (st->rejected)
		return err_set(e, ERR_SERVICE, "%ld item%s rejected; the other %ld written", st->rejected,
		               st->rejected == 1 ? "" : "s", st->written + st->deleted);
	return 0;
}

void bwriter_free(struct bwriter *w)
{
	if (!w)
		return;
	if (w->nstarted)
		close_and_join(w);
	if (w->rej)
		fclose(w->rej);
	for (int i = 0; w->ws && i < w->concurrency; i++)
		http_free(w->ws[i].http);
	free(w->ws);
	for (size_t i = 0; i < w->qlen; i++)
		batch_free(w->q[(w->qhead + i) % w->qcap]);
	free(w->q);
	for (size_t i = 0; i < w->ntables; i++)
		table_free(w->tables[i]);
	free(w->tables);
	keyset_free(&w->inflight, 0);
	keyset_free(&w->failed, 1);
	keyset_free(&w->linger, 1);
	capacity_aimd_release(&w->aimd);
	pthread_mutex_destroy(&w->mu);
	pthread_mutex_destroy(&w->tmu);
	pthread_cond_destroy(&w->cv_work);
	pthread_cond_destroy(&w->cv_change);
	free(w);
}
