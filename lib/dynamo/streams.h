/* streams.h — DynamoDB Streams: find a table's stream, read every shard in order, run a handler per batch.
 *
 * The reader (stream_read) speaks the Streams API (aws_streams: JSON 1.0, DynamoDBStreams_20120810, signed as
 * "dynamodb", the local engine in local mode): DescribeStream (every shard, paginated with ExclusiveStartShardId),
 * GetShardIterator, GetRecords.  It
 *   - reads a shard only after its parent shard (when the parent is still listed) has been read to its end;
 *   - polls every readable shard in turn (one GetRecords each), so several open shards all make progress;
 *   - re-runs DescribeStream when a shard ends (its children appear) and, when following, every `refresh` s;
 *   - renews an expired iterator (ExpiredIteratorException) from the last sequence number it delivered
 *     (AFTER_SEQUENCE_NUMBER), or with the shard's original start when it has delivered nothing yet;
 *   - backs off when a whole round returned no records (idle_min doubling to idle_max seconds);
 *   - checks Ctrl-C between calls (ERR_INTERRUPTED).
 *
 * The end of the data.  The Streams API never says "no more data" on an open shard: GetRecords keeps handing
 * out a NextShardIterator.  Without `follow`, the reader stops when every shard is either closed and read to
 * its end (no NextShardIterator) or open and has returned STREAM_EMPTY_POLLS empty pages in a row (the second
 * after the idle backoff), and a last DescribeStream shows no new shard.  With `follow` it never stops by
 * itself (only the callback, Ctrl-C or an error end it).
 *
 * Records are handed over one GetRecords page at a time, in the shape a Lambda handler receives: the
 * GetRecords record (eventID, eventName, eventVersion, eventSource, awsRegion, dynamodb{...}) plus
 * eventSourceARN (the stream ARN).  Responses are parsed with json_parse_exact; dynamodb.ApproximateCreationDateTime
 * becomes whole epoch seconds (an integer, as Lambda delivers it; DynamoDB Local sends "1795270920.000").
 * Item data stays typed DynamoDB JSON (stream_record_plain converts).
 */
#ifndef DDB_STREAMS_H
#define DDB_STREAMS_H

#include <stddef.h>
#include <sys/types.h>
#include <cjson/cJSON.h>

#include "aws/ctx.h"
#include "base/err.h"

#define STREAM_EMPTY_POLLS 2   /* empty pages in a row that mean "caught up" on an open shard */

/* The view types UpdateTable accepts (NULL-terminated), for option tables and validation. */
extern const char *const stream_view_types[];

/* A table's stream, from DescribeTable.  All strings owned (stream_info_release). */
struct stream_info {
	int enabled;            /* StreamSpecification.StreamEnabled */
	char *view_type;        /* StreamViewType when enabled, else NULL */
	char *arn;              /* LatestStreamArn (may name a disabled stream), or NULL */
	char *status;           /* TableStatus */
	char *hash, *range;     /* key attribute names (range NULL when none) */
};
#define STREAM_INFO_INIT { 0, NULL, NULL, NULL, NULL, NULL }
void stream_info_release(struct stream_info *si);

/* DescribeTable wire -> si.  A missing table is ERR_NOINPUT "table 'shown' does not exist" (exit 66). */
int stream_info_get(struct ctx *ctx, const char *wire, const char *shown, struct stream_info *si, struct err *e);

/* Turn the stream of table `wire` on with view type `view` (NULL: off) with UpdateTable's StreamSpecification,
 * wait until the table is ACTIVE again (table_wait_active, `timeout` s; <0: its default) and refresh *si.
 * (enable-stream, trigger create --enable-stream.) */
int stream_set(struct ctx *ctx, const char *wire, const char *shown, const char *view, double timeout,
               struct stream_info *si, struct err *e);

enum stream_from {
	STREAM_FROM_TRIM_HORIZON = 0,   /* every record still retained (24 h) */
	STREAM_FROM_LATEST,             /* only records written from now on (closed shards are skipped) */
	STREAM_FROM_AT,                 /* from `sequence` on (AT_SEQUENCE_NUMBER) */
	STREAM_FROM_AFTER,              /* after `sequence` (AFTER_SEQUENCE_NUMBER) */
};

/* Where reading starts for STREAM_FROM_AT/AFTER: shards whose range ends before the sequence number are
 * skipped, the shard whose range holds it starts at (after) it, later shards start at their beginning.
 * Exact for a stream whose shards form one line (one partition, DynamoDB Local); with sibling shards a sibling
 * that already passed the number is read from its start. */

struct stream_read_opts {
	const char *arn;                /* the stream */
	enum stream_from from;
	const char *sequence;           /* STREAM_FROM_AT / STREAM_FROM_AFTER */
	int follow;                     /* never stop at the end of the data */
	int page_limit;                 /* GetRecords Limit (1..1000; 0: 1000) */
	double idle_min, idle_max;      /* backoff when a round was empty (0: 0.25 and 2 s) */
	double refresh;                 /* following: DescribeStream every refresh s (0: 10) */
};

/* One page of records from one shard.  records: a JSON array (borrowed; the callback may detach items).
 * Return 0 to go on, 1 to stop reading (stream_read then returns 0), -1 with e filled on error. */
typedef int (*stream_page_fn)(void *arg, const char *shard_id, cJSON *records, struct err *e);

int stream_read(struct ctx *ctx, const struct stream_read_opts *o, stream_page_fn fn, void *arg, struct err *e);

/* Convert dynamodb.Keys/NewImage/OldImage of one record to plain JSON in place. */
int stream_record_plain(cJSON *record, struct err *e);

/* Compare two sequence numbers (decimal digit strings, leading zeros ignored): <0, 0, >0. */
int stream_seq_cmp(const char *a, const char *b);

/* The whole-seconds text of an epoch-seconds number ("1795270920.000" -> "1795270920", "1.7E9" ->
 * "1700000000").  out holds at least 64 bytes.  0, or -1 when text is not a number. */
int stream_epoch_seconds(const char *text, char *out, size_t outlen);

/* ---- running a handler ------------------------------------------------------------------------------- */

/* Split a command line into argv without a shell: words separated by blanks; '...' literal; "..." with \" \\
 * \$ \` escapes; a backslash outside quotes escapes the next character.  Nothing is expanded ($, `, *, ~, ;
 * and | are ordinary characters).  *argv is NULL-terminated; free with stream_argv_free.  ERR_USAGE on an
 * unterminated quote or an empty command. */
int stream_split_command(const char *line, char ***argv, struct err *e);
void stream_argv_free(char **argv);

/* Run argv[0] (PATH search, posix_spawnp) with env as its environment (NULL: ours), data[0..len) on its
 * stdin (a pipe; a handler that exits without reading is fine), its stdout on out_fd and its stderr on err_fd
 * (-1: ours; a caller with a FILE * flushes it first and passes fileno()); wait for it.
 * *status: the exit status (0..255), or 128 + signal number when it was killed (then *signo is set, else 0).
 * -1 with e (ERR_NOINPUT) when it could not be started.  SIGPIPE is ignored while the data is written. */
int stream_run_handler(char *const argv[], char *const env[], const char *data, size_t len, int out_fd,
                       int err_fd, int *status, int *signo, struct err *e);

/* A copy of environ with each "NAME=value" of force[] replacing or adding NAME, and each of dflt[] added only
 * when NAME is not set yet; both lists NULL-terminated (may be NULL).  The result is NULL-terminated, every
 * string owned (free with stream_argv_free). */
char **stream_env(const char *const *force, const char *const *dflt);

#endif
