/* table.h — shared table helpers: DescribeTable with the key schema picked out, and waiters with backoff.
 *
 * Every name here is the wire name (namespace prefix included: ctx_table_wire); `shown` is the name as the
 * user wrote it, for messages.  Waiters poll DescribeTable with capped exponential backoff (50 ms doubling to
 * 2 s against a local engine, 1 s to 5 s against AWS), check Ctrl-C between polls (ERR_INTERRUPTED) and give up
 * after the timeout with ERR_TEMPFAIL (exit 75), saying what was still pending.  Time is measured on the
 * monotonic clock (DDB_TEST_NOW does not affect it).
 */
#ifndef DDB_TABLE_H
#define DDB_TABLE_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "aws/ctx.h"
#include "base/err.h"

struct table_key {
	const char *name;     /* NULL when the table has no such key (range) */
	const char *type;     /* "S", "N", "B" (NULL when AttributeDefinitions does not say) */
};

struct table_desc {
	cJSON *resp;          /* the whole DescribeTable response (owned) */
	const cJSON *table;   /* its "Table" object (borrowed from resp) */
	const char *status;   /* TableStatus ("" when absent) */
	const char *arn;      /* TableArn or NULL */
	struct table_key hash, range;
};

#define TABLE_DESC_INIT { NULL, NULL, "", NULL, { NULL, NULL }, { NULL, NULL } }

void table_desc_release(struct table_desc *d);   /* back to TABLE_DESC_INIT */

/* DescribeTable wire.  Returns 0 (d filled), 1 when the table does not exist (d left empty), -1 on error. */
int table_describe(struct ctx *ctx, const char *wire, struct table_desc *d, struct err *e);

/* Fill hash/range from a "Table" object (DescribeTable / CreateTable / UpdateTable description). */
void table_keys(const cJSON *table, struct table_key *hash, struct table_key *range);

/* 1 when the table is ACTIVE and every GSI is ACTIVE and not backfilling. */
int table_ready(const cJSON *table);
/* What is not ready yet, for messages: "table CREATING", "GSI by-date CREATING (backfilling)", "ready". */
void table_pending(const cJSON *table, char *out, size_t size);

/* Does the table description list an index (GSI or LSI) of this name? */
int table_has_index(const cJSON *table, const char *index);

#define TABLE_WAIT_DEFAULT 600.0   /* seconds */

/* Wait until the table exists and table_ready(); a missing table counts as pending (DescribeTable is eventually
 * consistent right after CreateTable).  timeout < 0: TABLE_WAIT_DEFAULT; 0: look once.  out (may be NULL) receives the last
 * description on success. */
int table_wait_active(struct ctx *ctx, const char *wire, const char *shown, double timeout, struct table_desc *out,
                      struct err *e);
/* Wait until DescribeTable says ResourceNotFoundException. */
int table_wait_gone(struct ctx *ctx, const char *wire, const char *shown, double timeout, struct err *e);

/* Is e an engine saying "I do not support this operation" (UnknownOperationException, "not supported")? */
int table_unsupported(const struct err *e);

#endif
