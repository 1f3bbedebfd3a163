/* partiql.h — what ddb knows about a PartiQL statement: its kind (SELECT, INSERT, UPDATE, DELETE) and, for
 * --namespace, where its table name is.
 *
 * The namespace rule: the prefix is applied only to the table name directly after FROM (SELECT, DELETE FROM),
 * INTO (INSERT INTO) or the leading UPDATE, and only when that name is a plain identifier (letters, digits, '_',
 * not starting with a digit) or a double-quoted identifier ("my-table", "" for a quote).  The statement is read
 * token by token: 'string literals' ('' for a quote) and "quoted identifiers" are skipped as wholes, so a FROM
 * inside a string or a quoted name is not a keyword.  Anything else is refused (ERR_USAGE, exit 64) rather than
 * guessed at: a statement that is not SELECT/INSERT/UPDATE/DELETE, a second FROM/INTO/UPDATE/DELETE keyword, a
 * table position holding something else (a parameter, a path), comments ('--', slash-star), an unterminated string or
 * name, a byte 0 or a control character other than tab/newline/CR.  The rewritten name is always written
 * double-quoted ("<namespace><name>"), which is the same name to DynamoDB, and must be a valid table name.
 */
#ifndef DDB_PARTIQL_H
#define DDB_PARTIQL_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

enum partiql_kind { PARTIQL_OTHER = 0, PARTIQL_SELECT, PARTIQL_INSERT, PARTIQL_UPDATE, PARTIQL_DELETE };

/* The kind of a statement by its first word (case-insensitive, leading whitespace skipped). */
enum partiql_kind partiql_kind(const char *stmt, size_t len);
/* 1 for INSERT, UPDATE and DELETE. */
int partiql_is_write(const char *stmt, size_t len);

/* Append stmt to out with the namespace ns applied to its table name (rule above); with an empty ns, stmt as it
 * is.  table (may be NULL) receives the wire table name (caller frees; NULL when ns is empty).  0, or -1 with e
 * (ERR_USAGE) saying why the statement was refused. */
int partiql_namespace(const char *stmt, size_t len, const char *ns, struct buf *out, char **table, struct err *e);

/* ---- running statements (ExecuteStatement, BatchExecuteStatement) ---------------------------------------- */

#include <cjson/cJSON.h>

struct ctx;

/* --params: a JSON array of values, plain JSON (string S, number N exact, bool, null, object M, array L) or, when
 * every element is one typed AttributeValue ({"S":"x"}), DynamoDB JSON.  A new typed array, or NULL with e
 * (ERR_USAGE for bad JSON or not an array or an empty one, ERR_DATA for an invalid typed value). */
cJSON *partiql_params(const char *json, struct err *e);

/* One statement, every page (NextToken), each item (typed, borrowed) to fn; at most limit items (0: all); Limit
 * page_size per request (0: none).  `in` is the ExecuteStatement request (Statement, Parameters, ConsistentRead);
 * it is modified.  Errors go through partiql_error. */
typedef int (*partiql_item_fn)(void *arg, const cJSON *item, struct err *e);
int partiql_execute(struct ctx *ctx, cJSON *in, long limit, long page_size, partiql_item_fn fn, void *arg,
                    struct err *e);

/* A statement's error in ddb's terms: an engine without PartiQL (dynalite: UnknownOperationException) becomes
 * ERR_UNAVAILABLE (69) saying so; ConditionalCheckFailed (an UPDATE/DELETE whose WHERE matched no item, or a failed
 * condition) and DuplicateItem (an INSERT over an existing key) become ERR_CONDITION (4); others are left as they
 * are.  code/msg: the error's code and message (an error of BatchExecuteStatement's Responses), or NULL to use e's. */
void partiql_error(struct err *e, const char *code, const char *msg);

#endif
