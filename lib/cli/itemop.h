/* itemop.h — what get, put, update, delete and transact share: the Key of one item from --pk/--sk (key names and
 * types from DescribeTable, lib/dynamo/table.c), items given as text (plain or DynamoDB JSON, exact numbers), conditions
 * (raw expressions or `name=value` sugar, as --filter), a failed condition as its own error, and the printing of one
 * item the way `get` prints it.
 *
 * Ownership: every cJSON tree returned belongs to the caller; text inputs are only read.  Functions return 0 / a
 * tree, or -1 / NULL with e filled.
 */
#ifndef DDB_ITEMOP_H
#define DDB_ITEMOP_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "base/buf.h"
#include "aws/ctx.h"
#include "base/err.h"
#include "dynamo/expr.h"
#include "dynamo/item.h"
#include "dynamo/table.h"

/* The table's key attributes from a description (table_keys): keys[0] the hash key, keys[1] the range key when
 * *nkeys == 2.  Names borrowed from d.  ERR_DATA when the description names no hash key or no key type. */
int itemop_keys(const struct table_desc *d, const char *shown, struct item_key_attr keys[2], size_t *nkeys,
                struct err *e);

/* DescribeTable for a command: 0 with d filled; -1 with ERR_NOINPUT "table 'x' does not exist" (66) when it is
 * missing, or the request's error. */
int itemop_describe(struct ctx *ctx, const char *wire, const char *shown, struct table_desc *d, struct err *e);

/* The Key object {"pk":{"S":..},"sk":{"N":..}} from the --pk/--sk texts: N keys must be numbers, B keys base64
 * (ERR_DATA, 65), an S key non-empty; a missing --sk for a table with a sort key, or an --sk for one without, is
 * ERR_USAGE (64). */
cJSON *itemop_key(const struct item_key_attr *keys, size_t nkeys, const char *pk, const char *sk, struct err *e);

/* An item given as text (plain JSON or DynamoDB JSON, detected as seed does; numbers exact): a validated typed
 * item whose key attributes are present with the table's types (item_key's checks) and whose size is under
 * 400 KB.  ERR_DATA with the reason. */
cJSON *itemop_parse_item(const char *text, size_t len, const struct item_key_attr *keys, size_t nkeys,
                         struct err *e);

/* Conditions: the AND of every text (raw expressions are parenthesised when there are several; `name=value` sugar
 * as --filter's becomes `#cN = :cN`) appended to out, with names and values in x.  what names the option in
 * errors ("--condition"). */
int itemop_condition(struct expr *x, const char *what, const char *const *conds, size_t n, struct buf *out,
                     struct err *e);

/* A write came back with ConditionalCheckFailedException: turn e into ERR_CONDITION (exit 4) with a one-line
 * message naming the condition ("condition failed: <shown>; the item was not changed").  Other errors are left
 * as they are.  Returns -1. */
/* The ConditionExpression of a single-item write into cond: guard(#key) when guard is not NULL (attribute_exists,
 * attribute_not_exists; named guard_shown in a failed condition's message), AND (the --condition words); shown gets
 * what a failed condition's message names. */
int itemop_write_condition(struct expr *x, const char *guard, const char *key_attr, const char *guard_shown,
                           const char *const *conds, size_t n, struct buf *cond, struct buf *shown, struct err *e);
int itemop_condition_failed(struct err *e, const char *shown);

/* Print one typed item as `get` does: plain JSON on one line when piped (numbers exact; sets as arrays, binary as
 * base64), a record (field / value rows, keys first) on a terminal, typed with --ddb-json. */
int itemop_print(struct ctx *ctx, const cJSON *item, const struct item_key_attr *keys, size_t nkeys, struct err *e);

/* A write's ReturnValues option: "new" -> ALL_NEW, "old" -> ALL_OLD, "updated-new" -> UPDATED_NEW,
 * "updated-old" -> UPDATED_OLD, "none" -> NONE.  NULL for anything else. */
const char *itemop_return_values(const char *opt);

/* Read a whole input of at most max bytes ("-": stdin) into out.  ERR_NOINPUT (66) when the file cannot be
 * opened, ERR_DATA (65) when it is larger than max, ERR_IO (74) on a read error. */
int itemop_read_input(const char *path, size_t max, struct buf *out, struct err *e);

/* One line of f (without its '\n'; a trailing '\r' dropped) into line (reset first): 0, 1 at the end of input
 * (nothing read), or -1 with e: ERR_DATA "longer than max bytes" (the rest of the line is not read), ERR_IO. */
int itemop_read_line(FILE *f, size_t max, struct buf *line, struct err *e);

/* ---- transactions --------------------------------------------------------------------------------------- */

#define ITEMOP_TRANSACT_MAX 100   /* TransactWriteItems' limit */

/* One transact line, {"Put"|"Update"|"Delete"|"ConditionCheck": {...}} in TransactWriteItems' shape with Item, Key
 * and ExpressionAttributeValues plain or typed: the typed TransactItems element (TableName with the namespace).
 * *kind receives the action's name (static) and *table the table as written (borrowed from line).  ERR_DATA with
 * the reason. */
cJSON *itemop_transact_action(const struct ctx *ctx, const cJSON *line, const char **kind, const char **table,
                              struct err *e);

/* Send TransactWriteItems {"TransactItems": items}.  A cancelled transaction fills *reasons with the
 * CancellationReasons array (caller frees; NULL when the answer had none) and e with ERR_CONDITION (4); an engine
 * without transactions gives ERR_UNAVAILABLE (69). */
int itemop_transact(struct ctx *ctx, const cJSON *items, cJSON **reasons, struct err *e);

#endif
