/* exportfmt.h — DynamoDB's own S3 export layout on a local directory: write it (several writers in parallel, gzip,
 * constant memory), read it back (verified, streamed), and the table's CreateTable input (schema.json).
 *
 * The layout (DynamoDB Developer Guide, "DynamoDB table export output format"; DIR stands for the S3 folder
 * s3://BUCKET/PREFIX/AWSDynamoDB/EXPORT-ID/):
 *   DIR/_started                    empty; DynamoDB writes it when an export begins
 *   DIR/data/<name>.json.gz         gzip JSON Lines: one {"Item":{...typed...}}\n per item (DYNAMODB_JSON)
 *   DIR/manifest-files.json         JSON Lines, one per data file:
 *                                   {"itemCount":N,"md5Checksum":"<base64 MD5 of the .gz bytes>",
 *                                    "etag":"<S3 multipart ETag>","dataFileS3Key":"[PREFIX/]AWSDynamoDB/ID/data/<name>.json.gz"}
 *   DIR/manifest-files.checksum     the hex MD5 of manifest-files.json
 *   DIR/manifest-summary.json       {"version":"2020-06-30","exportArn","startTime","endTime","tableArn","tableId",
 *                                    "exportTime","s3Bucket","s3Prefix","s3SseAlgorithm","s3SseKmsKeyId",
 *                                    "manifestFilesS3Key","billedSizeBytes","itemCount","outputFormat":"DYNAMODB_JSON",
 *                                    "exportType":"FULL_EXPORT"}   (unknown values are null)
 *   DIR/manifest-summary.checksum   the hex MD5 of manifest-summary.json
 *   DIR/schema.json                 ddb's addition: the CreateTable input `ddb schema-load` accepts
 * <name> is 26 random base32 characters, as AWS names them, so writers on several machines never collide.
 * The etag is the one S3 gives a multipart upload with EXPORT_ETAG_PART_BYTES parts: hex MD5 of the parts' MD5s
 * joined, "-<parts>" (DynamoDB's own exports show "-1" for small files).  ImportTable reads every object under the
 * key prefix it is given: point it at .../data/ (InputFormat DYNAMODB_JSON, InputCompressionType GZIP).
 *
 * Numbers never pass through a double: items are printed from exact cJSON trees (lib/base/json.h) or copied as text.
 * Times in the manifest are inputs (milliseconds since the epoch), never read from the clock here.
 *
 * Errors: ERR_IO (74) for a file that cannot be written, ERR_NOINPUT (66) for a missing input, ERR_DATA (65) for
 * a bad manifest or data file, each naming the file ("DIR/data/x.json.gz:12: ...", "DIR/manifest-files.json:3:
 * ...").  A truncated or corrupt gzip stream is an error naming the file, never a silent end.
 */
#ifndef DDB_EXPORTFMT_H
#define DDB_EXPORTFMT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"

#define EXPORT_DEFAULT_FILE_ITEMS  100000              /* rotate a data file after this many items ... */
#define EXPORT_DEFAULT_FILE_BYTES  (64u * 1024 * 1024) /* ... or this many uncompressed bytes */
#define EXPORT_ETAG_PART_BYTES     (8u * 1024 * 1024)  /* part size the etag is computed for (aws s3 cp's default) */
#define EXPORT_LINE_MAX            (1024u * 1024)      /* longest data line the reader accepts (seed's cap) */
#define EXPORT_MANIFEST_LINE_MAX   (64u * 1024)        /* longest manifest-files.json line */
#define EXPORT_SUMMARY_MAX         (1024u * 1024)      /* largest manifest-summary.json */

/* ---- writing ---------------------------------------------------------------------------------------------- */

struct export_dir;     /* one export: the directory, the finished files, the totals (shared by writers, locked) */
struct export_writer;  /* one stream of items (one per scan segment / thread), rotating its own data files */

struct export_limits {
	long file_items;       /* 0: EXPORT_DEFAULT_FILE_ITEMS */
	uint64_t file_bytes;   /* uncompressed bytes; 0: EXPORT_DEFAULT_FILE_BYTES */
	int gzip_level;        /* 1..9; 0: 6 (zlib's default) */
};

/* What manifest-summary.json says beyond the counts.  Every string may be NULL (written as null, except as noted). */
struct export_meta {
	const char *export_id;     /* "01234567890123-a1b2c3d4"; NULL: made from export_ms and random bytes */
	const char *table_arn;     /* DescribeTable's TableArn */
	const char *table_id;      /* DescribeTable's TableId */
	const char *s3_bucket, *s3_prefix, *s3_sse_algorithm, *s3_sse_kms_key_id;
	int64_t start_ms, end_ms, export_ms;  /* ms since the epoch; < 0: null */
};

/* Start an export into dir: creates dir (its parent must exist) and dir/data, writes dir/_started.  Refuses
 * (ERR_USAGE) a dir that already holds a manifest-summary.json or data files, so two exports never mix.
 * lim may be NULL. */
int export_dir_open(struct export_dir **out, const char *dir, const struct export_limits *lim, struct err *e);

/* A new writer for d (thread-safe; each writer is then used by one thread at a time).  No file is created until
 * the first item, so an empty segment leaves no file. */
struct export_writer *export_writer_new(struct export_dir *d);
/* Append one typed item (a DynamoDB JSON object, e.g. one element of a Scan page's Items).  billedSizeBytes grows
 * by item_size().  Rotates to a new file when the limits are reached. */
int export_writer_add_item(struct export_writer *w, const cJSON *item, struct err *e);
/* Append one typed item given as compact JSON text of the object (no newline inside); item_bytes is its
 * DynamoDB size (item_size) when the caller knows it, or (size_t)-1 to have it computed (parses the text). */
int export_writer_add_text(struct export_writer *w, const char *text, size_t len, size_t item_bytes, struct err *e);
/* Finish the current file (if any), record it for the manifest and free w.  On error the file is removed. */
int export_writer_close(struct export_writer *w, struct err *e);
/* Free w without recording its current file (which is removed): the export failed or was interrupted. */
void export_writer_abort(struct export_writer *w);

/* Write manifest-files.json (files in key order), manifest-summary.json and their .checksum files (each via a
 * temporary name and rename, summary last).  Every writer must be closed first (ERR_INTERNAL otherwise). */
int export_dir_finish(struct export_dir *d, const struct export_meta *meta, struct err *e);
/* Totals so far (closed writers only). */
void export_dir_totals(const struct export_dir *d, long *files, long *items, uint64_t *billed_bytes);
void export_dir_free(struct export_dir *d);   /* NULL is fine; does not delete anything on disk */

/* ---- schema.json ------------------------------------------------------------------------------------------- */

#define EXPORT_SCHEMA_SSE 1   /* flags: keep SSESpecification (a KMS key ARN rarely works in another account) */

/* The CreateTable input for a table, as `ddb schema-load` accepts it (lib/dynamo/schema.h): TableName (name, or the
 * table's), AttributeDefinitions, KeySchema, BillingMode, ProvisionedThroughput (provisioned only), GSIs (keys,
 * projection, throughput or OnDemandThroughput), LSIs, StreamSpecification (when enabled), TableClass (when not
 * STANDARD), DeletionProtectionEnabled (when true), Tags (when tags is a non-empty Tags array from
 * ListTagsOfResource), TimeToLiveSpecification (ddb's extension; when ttl — DescribeTimeToLive's response or its
 * TimeToLiveDescription — says ENABLED or ENABLING).  table: DescribeTable's "Table" (or the whole response).
 * Tolerates DynamoDB Local / dynalite descriptions (no BillingModeSummary: 0/0 throughput means on demand).
 * Returns a new tree (caller owns) or NULL with e (ERR_DATA: not a table description). */
cJSON *export_schema_from_describe(const cJSON *table, const cJSON *ttl, const cJSON *tags, const char *name,
                                   int flags, struct err *e);
/* Write it as dir/schema.json (pretty, via a temporary name).  0 or -1 (ERR_IO). */
int export_write_schema(const char *dir, const cJSON *schema, struct err *e);

/* ---- reading ---------------------------------------------------------------------------------------------- */

struct export_reader;

struct export_line {
	const char *text;      /* the line without its newline (borrowed until the next call); NUL-terminated */
	size_t len;
	const char *file;      /* the data file, as shown in messages (borrowed) */
	long line;             /* 1-based line number in the (uncompressed) file */
};

/* Open path for reading:
 *   a directory with manifest-files.json: the files it lists (dataFileS3Key resolved by name in DIR/data/), each
 *     checked against its itemCount and md5Checksum (and its etag when that is a plain or one-part ETag) when it
 *     ends, the manifest against manifest-files.checksum and the total against manifest-summary.json's itemCount
 *     when those exist;
 *   a directory without one: the *.json.gz and *.json files of DIR/data (or, with no data/, of DIR), by name;
 *   a file: itself.
 * gzip is recognised by its magic bytes (any name), concatenated gzip members are read in turn.  Blank lines are
 * skipped; a line longer than EXPORT_LINE_MAX is an error. */
int export_reader_open(struct export_reader **out, const char *path, struct err *e);
/* The next line: 1 with *l filled, 0 at the end (everything verified), -1 with e. */
int export_reader_next(struct export_reader *r, struct export_line *l, struct err *e);
/* Counts so far: files opened, lines (items) read, compressed bytes read. */
void export_reader_counts(const struct export_reader *r, long *files, long *items, uint64_t *bytes);
void export_reader_free(struct export_reader *r);   /* NULL is fine */

/* The item of an export line: {"Item":{...}} with nothing else, the item a JSON object; parsed exactly (numbers
 * keep their text).  Returns the whole parsed line (caller owns; *item points into it) or NULL with e (ERR_DATA,
 * message without the file:line, which the caller adds with err_prefix). */
cJSON *export_parse_line(const char *text, size_t len, const cJSON **item, struct err *e);

#endif
