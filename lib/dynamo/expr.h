/* expr.h — building DynamoDB expressions for scan and query: filters (raw or `name=value` sugar), projections,
 * key conditions, and the ExpressionAttributeNames / ExpressionAttributeValues that go with them.
 *
 * Values are never spliced into expression text: every value becomes a `:placeholder` in
 * ExpressionAttributeValues, every generated attribute name a `#placeholder` in ExpressionAttributeNames
 * (which also takes care of reserved words such as `name`, `status`, `size`).
 *
 * Usage:
 *   struct expr x; expr_init(&x);
 *   expr_add_names(&x, "{\"#n\":\"name\"}", &e);        --names
 *   expr_add_values(&x, "{\":s\":\"active\"}", &e);     --values (plain JSON, or DynamoDB JSON)
 *   expr_filter(&x, filters, n, &filter_text, &e);       --filter (repeatable, AND-ed)
 *   expr_projection(&x, "a,b,c", &proj_text, &e);        --projection
 *   expr_apply(&x, request);                             adds the two maps when not empty
 *   expr_release(&x);
 *
 * Sugar rule (`--filter name=value`): the text is sugar when it is NAME=VALUE with NAME made only of letters,
 * digits, '_', '-' and '.' and VALUE not starting with ':' or '='.  Anything else is a raw expression.  A dotted
 * NAME is a document path into maps (m.a.b -> #f0.#f1.#f2, one placeholder per element; an empty element is a
 * usage error); an attribute whose name holds a dot needs the explicit form with --names.  The value is typed:
 * a JSON number -> N (exact text), true/false -> BOOL, null -> NULL, a JSON string literal ("30", with the
 * quotes) -> S with its content, anything else -> S as written.  NAME=VALUE builds `#f0 = :f0`.
 *
 * Ownership: struct expr owns its two maps; returned text buffers belong to the caller (buf_release).
 * Errors: ERR_USAGE for every bad option value: malformed --values/--names JSON, a placeholder given twice
 * (repeated --values/--names merge), a value that is not valid for its type (an N key that is not a number).
 */
#ifndef DDB_EXPR_H
#define DDB_EXPR_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"
#include "dynamo/item.h"

struct expr {
	cJSON *names;    /* ExpressionAttributeNames being built (owned; an object) */
	cJSON *values;   /* ExpressionAttributeValues being built (owned; an object of typed values) */
	unsigned nseq, vseq;   /* next generated name / value placeholder numbers */
};

void expr_init(struct expr *x);
void expr_release(struct expr *x);

/* --names: a JSON object {"#n":"name",...}; every key must start with '#', every value be a non-empty string.
 * Merged into x->names (a key already there is a usage error).  -1 with ERR_USAGE ("--names: ...") otherwise. */
int expr_add_names(struct expr *x, const char *json, struct err *e);

/* --values: a JSON object {":v":...}; keys must start with ':'.  Plain JSON values are converted (string S,
 * number N exact, bool BOOL, null NULL, object M, array L); an object whose every value is a typed
 * AttributeValue ({":v":{"S":"x"}}) is taken as DynamoDB JSON and validated.  Merged into x->values (a key
 * already there, from an earlier --values, is an error).  ERR_USAGE for bad JSON, keys or typed values. */
int expr_add_values(struct expr *x, const char *json, struct err *e);

/* A new generated name placeholder ("#<prefix><n>") for attr; written into out (NUL-terminated). */
int expr_name(struct expr *x, const char *prefix, const char *attr, char *out, size_t outlen, struct err *e);
/* A new generated value placeholder (":<prefix><n>") for the typed value av (ownership passes to x). */
int expr_value(struct expr *x, const char *prefix, cJSON *av, char *out, size_t outlen, struct err *e);

/* 1 when text is `name=value` sugar (rule above); then *name_len is the length of the name part. */
int expr_is_sugar(const char *text, size_t *name_len);
/* The typed value of a sugar right-hand side (rule above).  Caller owns the result. */
cJSON *expr_sugar_value(const char *text, struct err *e);

/* Append to out the AND of every filter (raw ones parenthesised when there are several; sugar ones become
 * `#fN = :fN`).  out is left empty when n == 0. */
int expr_filter(struct expr *x, const char *const *filters, size_t n, struct buf *out, struct err *e);

/* Append to out a ProjectionExpression for a comma-separated list of top-level attribute names ("a, b,c");
 * names already written as placeholders (#x) are kept as they are.  ERR_USAGE for an empty name. */
int expr_projection(struct expr *x, const char *attrs, struct buf *out, struct err *e);

/* The typed value of a key given on the command line: type 'S' -> S, 'N' -> N (must be a valid DynamoDB number:
 * ERR_USAGE "--pk: 'x' is not a number (the key 'id' is of type N)"), 'B' -> B (base64, validated).
 * what names the option in errors ("--pk"), attr the key attribute.  Caller owns the result. */
cJSON *expr_key_value(const char *text, char type, const char *what, const char *attr, struct err *e);

/* The key schema of a table or one of its indexes from a DescribeTable response (the whole response or its
 * "Table" object).  keys[0] = hash key, keys[1] = range key when *nkeys == 2; names borrowed from desc.
 * index NULL: the table.  ERR_SERVICE "table 'x' has no index 'y' (its indexes: a, b)" when unknown;
 * ERR_DATA when the description is malformed.  shown_table names the table in messages. */
int expr_key_schema(const cJSON *desc, const char *index, const char *shown_table, struct item_key_attr keys[2],
                    size_t *nkeys, struct err *e);

/* Add ExpressionAttributeNames / ExpressionAttributeValues to the request `in` (copies) when not empty. */
void expr_apply(const struct expr *x, cJSON *in);

/* Move the members named in keys (in that order) to the front of obj (table columns: keys first). */
void expr_keys_first(cJSON *obj, const struct item_key_attr *keys, size_t nkeys);

#endif
