/* update.h — the UpdateExpression of `ddb update` from its clause options:
 *   --set PATH=VALUE      SET path = :v          (VALUE typed as --filter's sugar; a JSON object or array is a map
 *                                                  or list, or one typed AttributeValue such as {"SS":["a"]})
 *   --remove PATH         REMOVE path
 *   --add PATH=N|SET      ADD path :v            (a number, or a set: a JSON array of strings -> SS, of numbers -> NS,
 *                                                  or a typed {"SS"|"NS"|"BS": [...]})
 *   --delete PATH=SET     DELETE path :v         (a set, as for --add)
 * PATH is a document path: names separated by '.', list indexes as [n] ("a.b[2].c"); every name becomes a '#u'
 * placeholder (reserved words just work), a name written as #x is kept as it is (for --names).  Values always
 * travel as ':u' placeholders.  Clauses come out in the order SET, REMOVE, ADD, DELETE, each option's items in the
 * order given: "SET #u0 = :u0, #u1.#u2[3] = :u1 REMOVE #u3 ADD #u4 :u2 DELETE #u5 :u3".
 *
 * Errors: ERR_USAGE (64) naming the option and its text: a missing '=', an empty path or name, a bad index, a value
 * that is not a number or set where one is needed, invalid JSON; ERR_DATA (65) for a value DynamoDB cannot hold
 * (a number of more than 38 digits, a set with duplicates).
 */
#ifndef DDB_UPDATE_H
#define DDB_UPDATE_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"
#include "dynamo/expr.h"

struct update_clauses {
	const char *const *set;    size_t nset;
	const char *const *remove; size_t nremove;
	const char *const *add;    size_t nadd;
	const char *const *del;    size_t ndel;
};

/* Append the UpdateExpression to out, names and values into x.  0, or -1 with e. */
int update_build(struct expr *x, const struct update_clauses *c, struct buf *out, struct err *e);

/* Append the placeholder form of one document path ("a.b[2]" -> "#u0.#u1[2]") to out. */
int update_path(struct expr *x, const char *what, const char *path, size_t len, struct buf *out, struct err *e);

/* The typed value of a --set right-hand side / of an --add or --delete operand (rules above).  Caller owns it. */
cJSON *update_set_value(const char *what, const char *text, struct err *e);
cJSON *update_set_operand(const char *what, const char *text, int number_ok, struct err *e);

#endif
