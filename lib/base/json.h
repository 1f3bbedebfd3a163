/* json.h — thin helpers on cJSON: exact parsing (numbers keep their source text), exact number output,
 * compact printing and small case-sensitive getters.
 *
 * Numbers.  cJSON parses numbers into doubles, which loses digits.  json_parse_exact() never lets cJSON see a
 * number: a lexical pre-pass (strings, escapes, UTF-8, literals, numbers; cJSON still does all the parsing)
 * rewrites every number token into a marked string, and after cJSON_Parse every marked string becomes a
 * cJSON_Raw node whose valuestring is the number's exact source text.  cJSON prints raw nodes verbatim, so
 * parse -> print gives back every number exactly as written.  json_create_number_text() and
 * json_add_number_text() make the same kind of node.  json_is_number() accepts those raw numbers and plain
 * cJSON numbers (cJSON_CreateNumber); only raw numbers have exact text.
 *
 * Ownership: every cJSON tree returned here belongs to the caller (cJSON_Delete); every char * returned by a
 * print function belongs to the caller (free()).  Getters return borrowed pointers into the tree.
 */
#ifndef DDB_JSON_H
#define DDB_JSON_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"

/* Deepest nesting json_parse_exact accepts (cJSON's own limit). */
#define JSON_MAX_DEPTH CJSON_NESTING_LIMIT

/* Optional: make cJSON allocate through xmalloc (allocation failure then aborts in one place instead of
 * returning NULL).  Call once at start-up, before any thread starts; safe to skip. */
void json_init(void);

/* Parse exactly one JSON value from text[0..len) (NUL bytes count as data; surrounding JSON whitespace is
 * allowed).  Strict RFC 8259: well-formed UTF-8, no raw control characters in strings, no leading zeros, no
 * trailing garbage.  "\u0000" in a string is refused (cJSON strings are NUL-terminated).  A leading UTF-8 BOM
 * is refused with its own message.  Numbers become raw nodes holding their exact text (see above).
 * Returns a new tree (caller owns) or NULL with e filled (ERR_DATA):
 *   "invalid JSON at column 17: expected ',' or ']'"      (single-line input)
 *   "invalid JSON at line 3, column 5: ..."               (multi-line input)
 * Linear time and memory (about 2.5x the input in the worst case). */
cJSON *json_parse_exact(const char *text, size_t len, struct err *e);

/* Where an error lies: the same 1-based line/column json_parse_exact reports (bytes, not characters). */
void json_position(const char *text, size_t len, size_t offset, size_t *line, size_t *column);

/* 1 when s[0..len) is a JSON number (RFC 8259 grammar: -?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?), else 0. */
int json_number_syntax_ok(const char *s, size_t len);

/* 1 for a raw node holding a valid JSON number, or a cJSON number; 0 otherwise (NULL included). */
int json_is_number(const cJSON *node);

/* The exact text of a raw number node (borrowed, lives as long as the node); NULL for anything else,
 * including plain cJSON numbers, which have no exact text (use json_number_text_tmp). */
const char *json_number_text(const cJSON *node);

/* The text of any number node: the exact text of a raw number, or for a cJSON double its integer text when it
 * is an integer below 2^53, else the shortest "%.17g" rendering (JSON-valid; NaN/inf yield NULL).  tmp must
 * have room for JSON_NUMBER_TMP bytes; the result points into the node or tmp.  NULL if not a number. */
#define JSON_NUMBER_TMP 40
const char *json_number_text_tmp(const cJSON *node, char *tmp, size_t tmplen);

/* A new raw number node with the exact text `digits` (copied).  NULL when digits is not a JSON number
 * (json_number_syntax_ok) — the caller decides what error that is.  Caller owns the node. */
cJSON *json_create_number_text(const char *digits);

/* Add a raw number member/element.  0, or -1 with e filled (ERR_INTERNAL: not a JSON number). */
int json_add_number_text(cJSON *obj, const char *name, const char *digits, struct err *e);
int json_append_number_text(cJSON *arr, const char *digits, struct err *e);

/* Compact one-line text of node (raw numbers verbatim, non-ASCII UTF-8 kept, control characters escaped).
 * Caller frees with free().  NULL only when allocation fails (without json_init) or a node is malformed. */
char *json_print_compact(const cJSON *node);
/* Append the compact text to out.  0, or -1 with e filled when out's cap is exceeded (ERR_DATA). */
int json_print_to_buf(const cJSON *node, struct buf *out, struct err *e);

/* Case-sensitive member lookup; NULL when obj is not an object or has no such member.  Borrowed. */
const cJSON *json_get(const cJSON *obj, const char *name);
/* The member's string value, or NULL when absent or not a string.  Borrowed. */
const char *json_get_string(const cJSON *obj, const char *name);

/* ---- scanning JSON text without parsing it ---------------------------------------------------------- */

/* The end of the JSON value starting at s[i] (just past it), or (size_t)-1 when it does not end inside s[0..n).
 * Structure only: strings (with their escapes) and the nesting of {} and [] are followed, nothing is checked (a
 * scalar ends at a blank, ',', ']' or '}').  No recursion: any depth takes constant stack. */
size_t json_skip_value(const char *s, size_t n, size_t i);

/* The 1-based line of a path such as "GlobalSecondaryIndexes[0].ProvisionedThroughput" in JSON text: the line of
 * the key (or array element) of the deepest part of the path that exists; the line of the text's first value when
 * not even the first part does.  Keys match their text between the quotes as written (no unescaping).  Meant for
 * text json_parse_exact accepted; on other text, the best line found before the text stops making sense. */
int json_path_line(const char *text, size_t len, const char *path);

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
int json_utf8_valid(const char *s, size_t len);

#endif
