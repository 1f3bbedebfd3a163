/* seed.h — the bulk loader behind `ddb seed`: read items, validate them against the table, write them with
 * BatchWriteItem from several threads, retry what DynamoDB leaves unprocessed, and account for every item.
 *
 * Inputs (each a file, a directory — its *.jsonl, *.ndjson and *.json files and the same gzipped (*.gz), sorted,
 * hidden files skipped — or "-" for standard input; a *.gz file is inflated as read, a truncated or corrupt one
 * is ERR_DATA naming the file):
 *   - JSON Lines: one item per line, plain JSON or DynamoDB JSON (the first item of a file decides, unless
 *     opts.format says); a line may also be a request-items object (below);
 *   - a JSON array of items;
 *   - the `aws dynamodb batch-write-item --request-items` shape, {"Table": [{"PutRequest": {"Item": {...}}},
 *     {"DeleteRequest": {"Key": {...}}}, ...], ...}, one line or pretty-printed;
 *   - DynamoDB export data lines, {"Item": {...typed...}} (the *.json.gz data files of an S3 export).
 * (Reading: seed_input.c; the item path: seed.c.)
 * The table: opts.table, else the request file's table names, else the file name without its extension
 * (seed/cruddur-messages.jsonl -> cruddur-messages).  The namespace (ctx->ns) is applied to every name.
 *
 * Every item is validated before it is sent (valid JSON, a valid AttributeValue tree, the key attributes present
 * with the table's types from one DescribeTable per table, index key attributes of the right type, item size
 * under 400 KB, attribute names under 64 KB).  A bad item is reported on ctx->err_out as "<file>:<line>: <reason>"
 * (at most 20 per file, then one count) and written as one line to opts.rejects that seeds back as it is: a plain
 * line as given, a DynamoDB JSON item or a request entry as a one-entry request line with its table; the rest still
 * loads (unless opts.strict: then everything is validated first and nothing is written when anything is bad).
 * A line over SEED_LINE_MAX is reported (not kept) and skipped; a read error is ERR_IO, never an end of file.
 *
 * Writes go through the batch writer (bwriter.h), which guarantees: batches of at most 25 requests (and under 16 MB) per table, opts.concurrency worker threads, each with
 * its own kept-alive transport.  Two writes of one key are never in flight at once: a batch holding a key that
 * an earlier batch still holds waits for it, so the last write in file order wins.  UnprocessedItems and
 * throttling are retried with capped exponential backoff and full jitter until written or opts.max_retries
 * re-sends are spent; UnprocessedItems are matched by table name or ARN and key, and an entry matching nothing
 * sent leaves the whole batch unprocessed.  A batch DynamoDB refuses as a whole (ValidationException) is retried
 * item by item so that only the bad items are rejected; one failing twice in a row with 5xx is split in halves.
 * A key whose write's fate was unknown (timeout, reset, 5xx) stays held for one --timeout (+1 s) after its batch,
 * so a write applied late cannot overwrite a later line.  opts.max_wcu paces the writes in capacity units (GSI
 * writes included); unless opts.fixed_concurrency, throttles lower the requests in flight (AIMD).
 *
 * Checkpoint (checkpoint.h; format 2; not for standard input, pipes or devices): the destination (endpoint, region, mode) and,
 * per file (path, size, mtime, SHA-256 of the bytes read so far, tables on the wire), which items are confirmed
 * written; saved atomically (tmp + rename) about every second and at the end, removed after a run that wrote
 * everything, locked with flock on <checkpoint>.lock for the whole run (a second run: ERR_TEMPFAIL).  opts.resume
 * skips the confirmed items of unchanged files and refuses (ERR_DATA) another destination or changed content.
 * Default path: next to the first input (<file>.ddb-checkpoint, or <dir>/.ddb-checkpoint for a directory).
 *
 * Ctrl-C (ctx_interrupted) and SIGTERM: no new batch starts, in-flight requests finish, the checkpoint is saved.
 */
#ifndef DDB_SEED_H
#define DDB_SEED_H

#include <stddef.h>
#include "base/err.h"
#include "dynamo/item.h"

struct ctx;

#define SEED_DEFAULT_DIR         "seed"
#define SEED_DEFAULT_CONCURRENCY 4
#define SEED_DEFAULT_MAX_RETRIES 10
/* The longest line (or JSON-array element) read as an item: well above DynamoDB's 400 KB item limit (typed JSON
 * with escapes can be several times an item's size), small enough that memory stays bounded whatever the input.
 * A longer one is reported as "file:line: too long (N bytes; the cap is 4 MiB)" and skipped; seeding goes on. */
#define SEED_LINE_MAX            (4u * 1024 * 1024)
#define SEED_ATTR_NAME_MAX       65535u               /* DynamoDB: an attribute name is at most 64 KB */

struct seed_opts {
	const char *const *inputs;   /* files, directories or "-"; ninputs == 0: SEED_DEFAULT_DIR */
	size_t ninputs;
	const char *table;           /* as the user writes it (namespace applied inside), or NULL */
	enum item_format format;     /* ITEM_FORMAT_AUTO: per file */
	const char *rejects;         /* file for rejected lines (truncated at start), or NULL */
	int strict;                  /* validate everything first; write nothing when anything is bad */
	int concurrency;             /* worker threads; 0: SEED_DEFAULT_CONCURRENCY */
	int max_retries;             /* re-sends per batch; < 0: SEED_DEFAULT_MAX_RETRIES */
	int resume;                  /* skip what the checkpoint confirms */
	const char *checkpoint;      /* checkpoint path, or NULL for the default */
	int progress;                /* draw a progress line on ctx->err_out (the caller checks the terminal) */
	double max_wcu;              /* --max-wcu: write units per second (GSI writes included); 0: no limit */
	int fixed_concurrency;       /* no AIMD: keep `concurrency` requests in flight whatever the throttles */
};

struct seed_stats {
	long items;          /* items read from the input (skipped ones included) */
	long written;        /* confirmed written in this run */
	long skipped;        /* confirmed by the checkpoint, not sent again (resume) */
	long rejected;       /* invalid, or refused by DynamoDB: in the rejects file */
	long not_written;    /* valid but not confirmed: retries exhausted, interrupted, or a fatal error */
	long retried;        /* re-sent items (UnprocessedItems, throttled or failed calls) */
	long throttles;      /* throttled attempts and answers with UnprocessedItems */
	double wcu;          /* write units of the items written (GSI writes included) */
	double seconds;
	int ntables;
	char table[256];     /* the (first) table, as the user writes it */
	char checkpoint[1024]; /* the checkpoint path when one was left behind, else "" */
};

/* Run a seed.  Returns 0 when every input item was written (or confirmed by the checkpoint), else -1 with e:
 *   ERR_SERVICE (exit 1)      some items rejected (invalid, or refused by DynamoDB) — the rest were written
 *   ERR_DATA (65)             --strict and some items invalid: nothing was written; --resume with a changed input
 *                             or a checkpoint for another destination (or an old format)
 *   ERR_IO (74)               an input could not be read, or the rejects file could not be written
 *   ERR_TEMPFAIL (75)         the retry budget ran out for some items (the checkpoint lets --resume finish), or
 *                             another seed holds the checkpoint's lock
 *   ERR_INTERRUPTED (130)     Ctrl-C / SIGTERM
 *   ERR_NOINPUT (66)          an input file or the table is missing
 *   others                    as the service call failed (denied, unreachable, ...)
 * st is filled in every case (for the summary line). */
int seed_run(struct ctx *ctx, const struct seed_opts *o, struct seed_stats *st, struct err *e);

/* ---- pieces, exposed for unit tests ------------------------------------------------------------------- */

/* (The confirmed-item ranges are checkpoint.h's ckpt_ranges.) */


/* The table a file name stands for: base name without .jsonl/.ndjson/.json (caller frees). */
char *seed_table_from_path(const char *path);

#endif
