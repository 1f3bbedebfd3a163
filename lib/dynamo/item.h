/* item.h — DynamoDB items: plain JSON <-> DynamoDB JSON (AttributeValue), validation, format detection,
 * item size, key extraction, canonical text.
 *
 * Two shapes of the same item:
 *   plain  {"pk":"a","n":12.50,"ok":true,"tags":["x"],"m":{"k":null}}
 *   typed  {"pk":{"S":"a"},"n":{"N":"12.50"},"ok":{"BOOL":true},"tags":{"L":[{"S":"x"}]},"m":{"M":{"k":{"NULL":true}}}}
 * Numbers never pass through a double: plain numbers are exact raw nodes (lib/base/json.h, json_parse_exact) and
 * typed numbers are strings.  Text is kept as written (DynamoDB normalises "1.0" to "1" itself); only when a
 * typed N is not valid JSON number syntax ("+1", ".5", "5.", "007") is the plain form minimally rewritten
 * ("1", "0.5", "5", "7") — same value.
 *
 * Plain -> typed: string S, number N, true/false BOOL, null NULL, object M, array L.  (B and sets cannot be
 * expressed in plain JSON; typed -> plain turns SS/NS/BS into arrays and B/BS into their base64 text.)
 *
 * DynamoDB numbers: up to 38 significant digits (leading and trailing zeros do not count), magnitude 0 or
 * between 1E-130 and 9.9999999999999999999999999999999999999E+125.  Accepted N syntax: [+-]digits[.digits]
 * [(e|E)[+-]digits], with ".5" and "5." also accepted (DynamoDB parses them), nothing else (no spaces, NaN).
 *
 * Errors name the attribute path: "attribute 'a.b[3]': N value 'x' is not a number" (ERR_DATA).
 * Ownership: every returned cJSON tree is new and belongs to the caller (cJSON_Delete); inputs are only read.
 * Functions return 0 / a tree on success and -1 / NULL with e filled.
 */
#ifndef DDB_ITEM_H
#define DDB_ITEM_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"

#define ITEM_MAX_BYTES     (400 * 1024)  /* DynamoDB's item size limit, as computed by item_size() */
#define ITEM_MAX_DEPTH     32            /* DynamoDB's nesting limit for M/L */
#define ITEM_HASH_KEY_MAX  2048          /* bytes of a partition (hash) key value */
#define ITEM_RANGE_KEY_MAX 1024          /* bytes of a sort (range) key value */
#define ITEM_NUMBER_MAX_DIGITS 38
#define ITEM_NUMBER_TEXT_MAX 64          /* room for item_number_canonical()'s output, NUL included */

enum item_format { ITEM_FORMAT_PLAIN = 0, ITEM_FORMAT_DDB = 1, ITEM_FORMAT_AUTO = 2 };

/* ---- numbers ---------------------------------------------------------------------------------------- */

/* 0 when text is a valid DynamoDB number (syntax, <= 38 significant digits, range); else -1 with a reason
 * like "N value '1e200' is out of range (DynamoDB numbers lie between 1E-130 and 9.99...E+125)". */
int item_number_check(const char *text, struct err *e);

/* The canonical text of a DynamoDB number, equal for equal values ("1.50" "15E-1" "+1.5" -> "1.5",
 * "1E2" -> "100", "-0" -> "0", "1E+125" -> "1E+125"): plain notation for exponents -7..38, else
 * d.dddE+x.  out must hold ITEM_NUMBER_TEXT_MAX bytes.  0, or -1 with e (as item_number_check). */
int item_number_canonical(const char *text, char *out, size_t outlen, struct err *e);

/* Number of significant digits (0 for zero), or -1 when text is not a number. */
int item_number_digits(const char *text);

/* ---- base64 (OpenSSL underneath; standard alphabet, '=' padding required, no whitespace) ---------------- */

/* Append the decoded bytes of text[0..len) to out.  0, or -1 with e (ERR_DATA "invalid base64"). */
int item_b64_decode(const char *text, size_t len, struct buf *out, struct err *e);
/* Append the base64 text of data[0..len) to out (NUL-terminated as every buf).  0 or -1 (buf cap). */
int item_b64_encode(const void *data, size_t len, struct buf *out, struct err *e);

/* ---- conversions -------------------------------------------------------------------------------------- */

/* The type key of an AttributeValue ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL") and, when
 * payload is not NULL, its value node (borrowed).  NULL when av is not an object with exactly one known key.
 * Does not validate the payload (use item_validate_value). */
const char *item_value_type(const cJSON *av, const cJSON **payload);

/* One plain JSON value -> a new AttributeValue.  path names the value in errors (may be NULL). */
cJSON *item_value_from_plain(const cJSON *v, const char *path, struct err *e);
/* One AttributeValue -> a new plain JSON value (validates as it goes). */
cJSON *item_value_to_plain(const cJSON *av, const char *path, struct err *e);

/* A whole item (a JSON object) plain -> typed and typed -> plain.  Duplicate attribute names are refused. */
cJSON *item_from_plain(const cJSON *item, struct err *e);
cJSON *item_to_plain(const cJSON *item, struct err *e);

/* Which shape is this item?  ITEM_FORMAT_DDB when it is a non-empty object whose every value is an object
 * with exactly one type key whose payload has the right JSON kind (S/N/B string, BOOL/NULL bool, M object,
 * L/SS/NS/BS array); otherwise ITEM_FORMAT_PLAIN (an empty object is the same in both).  A plain item that
 * happens to look typed ({"a":{"S":"x"}}) is detected as typed: say --format plain to force it. */
enum item_format item_detect_format(const cJSON *item);

/* A validated typed copy of item, given in `format` (ITEM_FORMAT_AUTO: detect).  The one call a loader needs. */
cJSON *item_as_ddb(const cJSON *item, enum item_format format, struct err *e);

/* ---- validation and size ------------------------------------------------------------------------------ */

/* Validate a typed item: a JSON object, non-empty attribute names, no duplicate names, every value a valid
 * AttributeValue: exactly one known type key; S string (UTF-8); N valid number string; B base64; SS/NS/BS
 * non-empty arrays without duplicates (NS by value, BS by bytes); BOOL bool; NULL true; M object; L array;
 * nesting at most ITEM_MAX_DEPTH.  Does not check the size (item_size). */
int item_validate_ddb(const cJSON *item, struct err *e);
/* Validate one AttributeValue; path names it in errors (may be NULL). */
int item_validate_value(const cJSON *av, const char *path, struct err *e);

/* The size of a typed item as DynamoDB computes it (CapacityUnitCalculations in the DynamoDB Developer Guide):
 *   item = sum over attributes of  UTF-8 bytes of the name + size of the value
 *   S    = UTF-8 bytes                  N    = ceil(significant digits / 2) + 1   (0 -> 1)
 *   B    = raw (decoded) bytes          BOOL, NULL = 1
 *   SS/NS/BS = sum of the element sizes
 *   M    = 3 + sum over members (1 + UTF-8 bytes of the member name + size of the value)
 *   L    = 3 + sum over elements (1 + size of the element)
 * The N rule is the documented approximation.  Compare against ITEM_MAX_BYTES.  The item must be valid
 * typed JSON (item_validate_ddb); -1 with e otherwise. */
int item_size(const cJSON *item, size_t *size, struct err *e);

/* ---- keys ----------------------------------------------------------------------------------------------- */

struct item_key_attr {
	const char *name;
	char type;          /* 'S', 'N' or 'B' (the table's AttributeDefinitions) */
};

/* A new object holding just the key attributes of the typed item (the Key of GetItem/DeleteItem).
 * keys[0] is the hash key, keys[1] (when nkeys == 2) the range key.  Errors: "item has no 'sk' (the table's
 * range key)", "key attribute 'pk' must be of type S, not N", "key attribute 'pk' is empty",
 * "key attribute 'pk' is longer than 2048 bytes". */
cJSON *item_key(const cJSON *item, const struct item_key_attr *keys, size_t nkeys, struct err *e);

/* Append to out a canonical string of the item's key for de-duplication: equal keys give equal strings
 * (numbers compared by value, binary by bytes), different keys different strings.  Format, per key
 * attribute: <type><length>:<canonical value>, joined with '|' (e.g. "S5:hello|N3:100").  Errors as item_key. */
int item_key_string(const cJSON *item, const struct item_key_attr *keys, size_t nkeys, struct buf *out,
                    struct err *e);

/* ---- canonical form ------------------------------------------------------------------------------------- */

/* A new typed copy of a valid typed item in canonical form: members sorted by name (byte order) at every
 * level, numbers canonical (item_number_canonical), binary re-encoded canonically, sets sorted.  Two items
 * hold the same data exactly when their canonical forms print the same. */
cJSON *item_canonical(const cJSON *item, struct err *e);
/* Append the compact text of item_canonical(item) to out (one line, no newline). */
int item_canonical_text(const cJSON *item, struct buf *out, struct err *e);

#endif
