/* bwriter.h — the one batch writer (seed, import, copy, truncate): items and keys in, BatchWriteItem out, every
 * item accounted for (written, rejected or not written).
 *
 * Guarantees (what `ddb seed` has always promised, see seed.h):
 *   - batches of at most 25 requests, under 16 MB, per table; o->concurrency writer threads, each with its own
 *     kept-alive transport;
 *   - one key is never in flight twice: a batch holding a key that an earlier batch still holds waits for it, so
 *     the last write given wins (a key put twice into one batch closes the batch first); a key whose write's fate
 *     was unknown (timeout, reset, 5xx) stays held for one --timeout (+1 s) after its batch (the late-write hold);
 *     a key with a write not written (retries exhausted) has its later writes not written either, so a resume
 *     sends them in order;
 *   - UnprocessedItems are matched to what was sent by table name or ARN and key (each sent key is hashed once
 *     when it is given; an answer's items are looked up in the request's index, never compared pairwise); an
 *     entry matching nothing sent leaves the whole batch unprocessed (never counted written on a guess);
 *   - throttles and UnprocessedItems are retried with capped exponential backoff and full jitter until written or
 *     o->max_retries re-sends are spent; a batch refused as a whole (ValidationException) is retried item by item
 *     so only the bad items are rejected; one failing twice in a row with 5xx is split in halves;
 *   - rejected items are reported (o->report, else "ddb: CMD: ORIGIN: reason" on ctx->err_out) and written as
 *     one line each to o->rejects: the raw text given with the item, else a one-entry request-items line that
 *     `ddb seed` loads back as it is;
 *   - memory is bounded: at most 2 × concurrency batches wait; bwriter_put blocks while the queue is full;
 *   - --max-wcu: o->wcu, a token bucket in write units (capacity_put_units: the item's KB plus one write per GSI
 *     it lands in; a delete 1); units of unprocessed items are given back;
 *   - o->adaptive: the requests in flight follow an AIMD limit (lib/dynamo/capacity.h): halved on a throttle (a throttled
 *     attempt, or UnprocessedItems), one more per round of successes, between 1 and o->concurrency;
 *   - Ctrl-C (ctx_interrupted) or a fatal error: no new batch starts, requests in flight finish, the rest is
 *     counted not written (and confirmed as such).
 */
#ifndef DDB_BWRITER_H
#define DDB_BWRITER_H

#include <stdint.h>
#include <cjson/cJSON.h>

#include "dynamo/capacity.h"
#include "base/err.h"

struct ctx;
struct progress;

#define BWRITER_BATCH_MAX          25
#define BWRITER_REQUEST_MAX_BYTES  (15u * 1024 * 1024)   /* stay under BatchWriteItem's 16 MB */
#define BWRITER_DEFAULT_CONCURRENCY 4
#define BWRITER_DEFAULT_MAX_RETRIES 10

enum { BWRITER_WRITTEN, BWRITER_REJECTED, BWRITER_NOT_WRITTEN };

struct bwriter;

struct bwriter_opts {
	int concurrency;              /* 0: 4 */
	int max_retries;              /* < 0: 10 */
	const char *rejects;          /* path (truncated at open), or NULL */
	struct capacity_bucket *wcu;  /* --max-wcu, or NULL (the caller owns it) */
	int adaptive;                 /* AIMD on the number of requests in flight (lib/dynamo/capacity.h) */
	void (*confirmed)(void *arg, uint64_t tag, int outcome);  /* per item: BWRITER_WRITTEN / _REJECTED /
	                                                             _NOT_WRITTEN; from writer threads (or the caller's
	                                                             thread for items dropped at once), unlocked */
	void *arg;
	/* additions */
	/* Print one rejected item (the default: "ddb: CMD: ORIGIN: msg" on ctx->err_out).  Called with the writer's
	 * lock held, from any thread. */
	void (*report)(void *arg, uint64_t tag, const char *origin, const char *msg);
	struct progress *progress;    /* cleared before the writer prints, or NULL */
};

struct bwriter_stats {
	long written, deleted, rejected, not_written, retried, throttles;
	double wcu;                   /* write units of the items written (and deleted) */
	/* additions */
	long tempfail;                /* items not written because the retry budget ran out */
	int fatal;                    /* a fatal error stopped the writer (bwriter_finish returns it as it is) */
	int rejects_failed;           /* the rejects file could not be written (rejects_errno) */
	int rejects_errno;
	char last_temp[1024];          /* the last error of an exhausted retry budget */
	struct capacity_aimd_stats aimd;   /* o->adaptive: the limit's history */
};

struct bwriter *bwriter_open(struct ctx *ctx, const struct bwriter_opts *o, struct err *e);

/* Tell the writer a table's keys and indexes: desc is DescribeTable's response (or its "Table").  A table not
 * told is described by the writer on its first item (ERR_NOINPUT when it does not exist).  Thread-safe. */
int bwriter_table(struct bwriter *w, const char *table, const cJSON *desc, struct err *e);

/* Thread-safe. table on the wire; item / key typed and TAKEN (freed by the writer); origin ("file:line",
 * copied) names the item in reports and rejects; tag comes back in confirmed().  An item without the table's
 * key attributes (or not a valid item) is rejected (0 returned).  -1 only when the table cannot be described or
 * the writer cannot go on (e set). */
int bwriter_put(struct bwriter *w, const char *table, cJSON *item, const char *origin, uint64_t tag,
                struct err *e);
int bwriter_delete(struct bwriter *w, const char *table, cJSON *key, const char *origin, uint64_t tag,
                   struct err *e);

/* The general form: what a caller that already validated the item knows comes along. */
struct bwriter_item {
	const char *table;            /* on the wire */
	cJSON *item;                  /* typed Item (put) or Key (del): TAKEN */
	int del;
	const char *origin;           /* copied */
	const char *raw;              /* the line to write to the rejects file (copied), or NULL: a request line */
	uint64_t tag;
	const char *key;              /* item_key_string() of the item with the table's keys, or NULL: computed */
	double units;                 /* write units (capacity_put_units), or < 0: computed when o->wcu is set */
};
int bwriter_submit(struct bwriter *w, const struct bwriter_item *it, struct err *e);

/* An item the caller refuses itself (invalid input): reported, written to the rejects file and counted as the
 * writer's own rejects are.  raw may be NULL (nothing written to the rejects file). */
void bwriter_reject(struct bwriter *w, uint64_t tag, const char *origin, const char *raw, const char *msg);

/* Close the current batches of every table (they are sent); bwriter_finish does it too. */
void bwriter_flush(struct bwriter *w);
/* Stop the writer as a fatal error does (the caller's own: e is what bwriter_finish returns): no new batch
 * starts, requests in flight finish, the rest is not written. */
void bwriter_abort(struct bwriter *w, const struct err *e);
/* 1 when nothing is queued or being sent (after bwriter_flush: everything given has its outcome). */
int bwriter_drained(struct bwriter *w);
/* 1 when the writer stopped (a fatal error, or Ctrl-C): the caller stops reading. */
int bwriter_stopped(struct bwriter *w);
/* The counts so far (for a progress line). */
void bwriter_snapshot(struct bwriter *w, struct bwriter_stats *st);

/* Waits for everything queued; stats.  0 when every item given was written; else -1 with e:
 *   the fatal error as it is (st->fatal), ERR_INTERRUPTED (Ctrl-C), ERR_TEMPFAIL (retries exhausted: some not
 *   written), ERR_IO (the rejects file could not be written), ERR_SERVICE (some rejected, the rest written). */
int bwriter_finish(struct bwriter *w, struct bwriter_stats *st, struct err *e);
void bwriter_free(struct bwriter *w);

#endif
