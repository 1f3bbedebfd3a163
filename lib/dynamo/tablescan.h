/* tablescan.h — the one segmented parallel reader of a table (or index): `scan` reads with it (and export, copy,
 * truncate will).
 *
 * Each segment is a pipeline of two threads: a fetcher sends a Scan (lib/aws/pager.h: the token, Limit, the repeated
 * token stop), parses the page and sends the next request while the segment's thread hands the page it got to fn.
 * At most one page waits per segment, and the parsed pages all segments hold together stay under a budget of
 * values (two responses at their largest, aws.h's aws_budget), so memory stays flat whatever the table's size and
 * --segments.  With one segment the pages are handed over on the calling thread, on ctx's transport; with more,
 * each segment has its own transport (kept alive), and the credentials are resolved once before they start.
 *
 * Segments and parts.  The wire's TotalSegments is parts * segments (parts 0 counts as 1), and this process scans
 * Segment part * segments + j for j in [0, segments): the N processes of `--segment I/N` that use the same
 * --segments read disjoint shares whose union is the table.
 *
 * Emulators that ignore Segment (every segment returns the whole table) are found before the scan starts (two
 * probes of Limit 1, segments 0 and 1, that come back with the same item and token) and scanned with one
 * segment, with a note on stderr; share 0 of N then reads the whole table and every other share reads nothing.
 *
 * --max-rcu: pages are charged to o->rcu after they arrive, by ConsumedCapacity (ReturnConsumedCapacity TOTAL is
 * asked for), or, when a server does not report it, by the size of the items returned (capacity.h's read units);
 * the next request of the segment waits what the bucket says (interruptibly).
 */
#ifndef DDB_TABLESCAN_H
#define DDB_TABLESCAN_H

#include <cjson/cJSON.h>
#include "aws/ctx.h"
#include "base/err.h"

struct capacity_bucket;

#define TABLESCAN_MAX_SEGMENTS 64

struct tablescan_opts {
	const char *table;            /* on the wire (namespace already applied) */
	const char *index;            /* or NULL */
	const cJSON *request;         /* extra Scan members (FilterExpression, ProjectionExpression,
	                                 ExpressionAttributeNames/Values, ConsistentRead, Select), or NULL */
	int segments;                 /* threads / wire segments in this process, 1..64 (0 counts as 1) */
	int part, parts;              /* --segment I/N: this process does share I of N (parts 0: whole table) */
	long limit;                   /* items in all, 0: no limit */
	long page_size;               /* Limit per request, 0: none */
	struct capacity_bucket *rcu;  /* --max-rcu (lib/dynamo/capacity.h), or NULL: pages are charged by
	                                 ConsumedCapacity (ReturnConsumedCapacity TOTAL) or by size */
};

struct tablescan_stats {
	long items;                   /* items handed to fn; with Select COUNT, the pages' Count */
	long scanned;                 /* the pages' ScannedCount */
	long pages;
	double rcu;                   /* read units consumed: ConsumedCapacity, or (with o->rcu) estimated by size */
	long throttles;               /* throttled attempts that were retried */
	int segments_used;            /* segments scanned in this process (1 after the Segment-ignoring fallback) */
};

/* fn gets each page's Items array (it may detach items from it; at most `limit` items in all reach fn); a
 * non-zero return stops every segment and is returned by tablescan_run with e set by fn.  Ctrl-C stops all
 * segments (ERR_INTERRUPTED).  Callbacks run concurrently, one thread per segment.  With Select COUNT, fn is not
 * called: the counts are in st. */
typedef int (*tablescan_fn)(void *arg, int segment, cJSON *items, struct err *e);
/* 0 when every segment reached its end (or the limit), fn's non-zero return, or -1 with e.  st (may be NULL) is
 * filled in every case. */
int tablescan_run(struct ctx *ctx, const struct tablescan_opts *o, tablescan_fn fn, void *arg,
                  struct tablescan_stats *st, struct err *e);

#define TABLESCAN_MAX_PARTS 1000000   /* --segment I/N: N at most this */

/* --segment I/N, the one reading for scan, export, copy and truncate: *part = I, *parts = N, 0 <= I < N <=
 * TABLESCAN_MAX_PARTS, plain decimal digits; s NULL leaves 0/0 (the whole table).  ERR_USAGE naming the option. */
int tablescan_parse_part(const char *s, int *part, int *parts, struct err *e);

#endif
