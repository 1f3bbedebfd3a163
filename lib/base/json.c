/* json.c — exact JSON parsing on cJSON (see json.h for the design).
 *
 * The pre-pass is a lexer, not a parser: it checks tokens (strings, escapes, UTF-8, numbers, literals) and
 * bracket nesting so that errors get a precise position and reason, and rewrites each number token N into the
 * string "\xFF" N.  0xFF never occurs in well-formed UTF-8 and every \u escape decodes to well-formed UTF-8,
 * so after cJSON has parsed the rewritten text a string starting with 0xFF can only be one of our numbers.
 * cJSON does the parsing (grammar, tree building); what it rejects is mapped back to the original offset.
 */
#include "base/json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_MARK '\xFF'

void json_init(void)
{
	cJSON_Hooks h = { xmalloc, free };
	cJSON_InitHooks(&h);
}

/* ---- UTF-8 ------------------------------------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (n >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)   /* overlong */
			return 0;
		if (c == 0xED && s[1] >= 0xA0)  /* UTF-16 surrogate */
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)   /* overlong */
			return 0;
		if (c == 0xF4 && s[1] >= 0x90)  /* above U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

int json_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_seq(p + i, len - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

/* ---- numbers ---------------------------------------------------------------------------------------- */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Length of the JSON number at s[0..n) (RFC 8259 grammar), or 0 when there is none. */
static size_t number_len(const unsigned char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n || !is_digit(s[i]))
		return 0;
	if (s[i] == '0')
		i++;
	else
		while (i < n && is_digit(s[i]))
			i++;
	if (i < n && s[i] == '.') {
		i++;
		if (i >= n || !is_digit(s[i]))
			return 0;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return 0;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i;
}

int json_number_syntax_ok(const char *s, size_t len)
{
	return s && len && number_len((const unsigned char *)s, len) == len;
}

/* ---- the lexical pre-pass ------------------------------------------------------------------------- */

struct lex {
	const unsigned char *s;
	size_t len, i;
	struct buf *out;       /* NULL: only map a position */
	size_t flushed;        /* s[flushed..i) is not yet copied to out */
	size_t delta;          /* bytes added to the output so far (3 per number) */
	size_t map_out;        /* map mode: the output offset to translate */
	size_t map_orig;       /* map mode: result */
	int mapped;
	size_t err_at;         /* error offset in s */
	char why[160];
};

static int lex_fail(struct lex *lx, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int lex_fail(struct lex *lx, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(lx->why, sizeof lx->why, fmt, ap);
	va_end(ap);
	lx->err_at = at;
	return -1;
}

/* Describe the byte at s[at] for a message: 'x', or byte 0xNN, or "end of input". */
static void describe_at(const unsigned char *s, size_t len, size_t at, char *dst, size_t n)
{
	if (at >= len)
		snprintf(dst, n, "end of input");
	else if (s[at] == '"')
		snprintf(dst, n, "string");
	else if (s[at] == '-' || is_digit(s[at]))
		snprintf(dst, n, "number");
	else if (s[at] > 0x20 && s[at] < 0x7F)
		snprintf(dst, n, "'%c'", s[at]);
	else
		snprintf(dst, n, "byte 0x%02X", s[at]);
}

static int lex_flush(struct lex *lx)
{
	if (lx->out && lx->i > lx->flushed && buf_add(lx->out, lx->s + lx->flushed, lx->i - lx->flushed) < 0)
		return lex_fail(lx, lx->i, "input too large");
	lx->flushed = lx->i;
	return 0;
}

static int hex4(const unsigned char *p, unsigned *v)
{
	unsigned x = 0;
	for (int k = 0; k < 4; k++) {
		unsigned c = p[k], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		x = x * 16 + d;
	}
	*v = x;
	return 0;
}

/* A string token starting at s[i] == '"'; leaves i after the closing quote. */
static int lex_string(struct lex *lx)
{
	const unsigned char *s = lx->s;
	size_t n = lx->len, start = lx->i, i = lx->i + 1;
	for (;;) {
		if (i >= n)
			return lex_fail(lx, start, "unterminated string");
		unsigned char c = s[i];
		if (c == '"') {
			lx->i = i + 1;
			return 0;
		}
		if (c < 0x20)
			return lex_fail(lx, i, "raw control character U+%04X in a string (write it as an escape)", c);
		if (c == '\\') {
			if (i + 1 >= n)
				return lex_fail(lx, start, "unterminated string");
			c = s[i + 1];
			if (c == 'u') {
				unsigned u, lo;
				if (i + 6 > n || hex4(s + i + 2, &u) < 0)
					return lex_fail(lx, i, "invalid \\u escape (four hex digits expected)");
				if (u == 0)
					return lex_fail(lx, i, "\\u0000 in a string is not supported");
				if (u >= 0xDC00 && u <= 0xDFFF)
					return lex_fail(lx, i, "invalid \\u escape (unpaired low surrogate)");
				if (u >= 0xD800 && u <= 0xDBFF) {
					if (i + 12 > n || s[i + 6] != '\\' || s[i + 7] != 'u' || hex4(s + i + 8, &lo) < 0
					    || lo < 0xDC00 || lo > 0xDFFF)
						return lex_fail(lx, i, "invalid \\u escape (unpaired high surrogate)");
					i += 12;
				} else {
					i += 6;
				}
				continue;
			}
			if (!strchr("\"\\/bfnrt", c) || c == 0)
				return lex_fail(lx, i, "invalid escape in a string");
			i += 2;
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_seq(s + i, n - i);
		if (!k)
			return lex_fail(lx, i, "invalid UTF-8 in a string");
		i += k;
	}
}

/* A number token at s[i]: validate, then emit  "\xFF<number>"  instead of it. */
static int lex_number(struct lex *lx)
{
	const unsigned char *s = lx->s;
	size_t start = lx->i, k = number_len(s + start, lx->len - start);
	if (!k)
		return lex_fail(lx, start, "invalid number");
	size_t end = start + k;
	if (end < lx->len && (is_digit(s[end]) || s[end] == '.' || s[end] == 'e' || s[end] == 'E'
	                      || s[end] == '+' || s[end] == '-'))
		return lex_fail(lx, start, "invalid number");
	if (lex_flush(lx) < 0)
		return -1;
	/* map mode: the error position lies before this number, or inside its rewritten form */
	if (!lx->out && !lx->mapped) {
		size_t out_here = start + lx->delta;
		if (lx->map_out < out_here) {
			lx->map_orig = lx->map_out - lx->delta;
			lx->mapped = 1;
		} else if (lx->map_out < out_here + k + 3) {
			lx->map_orig = start;
			lx->mapped = 1;
		}
	}
	if (lx->out) {
		static const char open[2] = { '"', NUM_MARK };
		if (buf_add(lx->out, open, 2) < 0 || buf_add(lx->out, s + start, k) < 0 || buf_addc(lx->out, '"') < 0)
			return lex_fail(lx, start, "input too large");
	}
	lx->delta += 3;
	lx->i = lx->flushed = end;
	return 0;
}

static int lex_literal(struct lex *lx, const char *word)
{
	size_t k = strlen(word);
	if (lx->len - lx->i < k || memcmp(lx->s + lx->i, word, k) != 0)
		return -1;
	lx->i += k;
	return 0;
}

/* The whole pre-pass.  Returns 0, or -1 with lx->err_at / lx->why. */
static int lex_run(struct lex *lx)
{
	unsigned char stack[JSON_MAX_DEPTH + 1];
	size_t depth = 0;
	unsigned char prev = 0;   /* previous structural byte, or 'v' after a value */
	int values = 0;
	const unsigned char *s = lx->s;

	if (lx->len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		return lex_fail(lx, 0, "UTF-8 byte order mark (BOM) is not allowed");
	while (lx->i < lx->len) {
		unsigned char c = s[lx->i];
		char what[32];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			lx->i++;
			continue;
		}
		/* inside an object after '{' or ',' only a string key (or the closing '}' of "{}") may follow */
		if (depth && stack[depth - 1] == '{' && (prev == '{' || prev == ',') && c != '"'
		    && !(c == '}' && prev == '{')) {
			describe_at(s, lx->len, lx->i, what, sizeof what);
			return lex_fail(lx, lx->i, "unexpected %s (object keys must be strings)", what);
		}
		switch (c) {
		case '{': case '[':
			if (depth >= JSON_MAX_DEPTH)
				return lex_fail(lx, lx->i, "nested deeper than %d levels", JSON_MAX_DEPTH);
			stack[depth++] = c;
			lx->i++;
			prev = c;
			values++;
			continue;
		case '}': case ']':
			if (!depth || stack[depth - 1] != (c == '}' ? '{' : '['))
				return lex_fail(lx, lx->i, "unexpected '%c'", c);
			depth--;
			lx->i++;
			prev = 'v';
			continue;
		case ':': case ',':
			lx->i++;
			prev = c;
			continue;
		case '"':
			if (lex_string(lx) < 0)
				return -1;
			prev = 'v';
			values++;
			continue;
		case 't': case 'f': case 'n':
			if (lex_literal(lx, c == 't' ? "true" : c == 'f' ? "false" : "null") < 0)
				break;
			if (lx->i < lx->len && ((s[lx->i] >= 'a' && s[lx->i] <= 'z') || (s[lx->i] >= 'A' && s[lx->i] <= 'Z')
			                        || is_digit(s[lx->i]))) {
				describe_at(s, lx->len, lx->i, what, sizeof what);
				return lex_fail(lx, lx->i, "unexpected %s", what);
			}
			prev = 'v';
			values++;
			continue;
		default:
			if (c == '-' || is_digit(c)) {
				if (lex_number(lx) < 0)
					return -1;
				prev = 'v';
				values++;
				continue;
			}
			break;
		}
		describe_at(s, lx->len, lx->i, what, sizeof what);
		return lex_fail(lx, lx->i, "unexpected %s", what);
	}
	if (!values)
		return lex_fail(lx, lx->len, "no JSON value (empty input)");
	if (depth)
		return lex_fail(lx, lx->len, "unexpected end of input (unclosed '%c')", stack[depth - 1]);
	return lex_flush(lx);
}

/* ---- positions and errors ------------------------------------------------------------------------- */

void json_position(const char *text, size_t len, size_t offset, size_t *line, size_t *column)
{
	size_t ln = 1, bol = 0;
	if (offset > len)
		offset = len;
	for (size_t i = 0; i < offset; i++)
		if (text[i] == '\n') {
			ln++;
			bol = i + 1;
		}
	*line = ln;
	*column = offset - bol + 1;
}

static int has_newline(const char *text, size_t len)
{
	return memchr(text, '\n', len) != NULL;
}

static void set_parse_err(struct err *e, const char *text, size_t len, size_t at, const char *why)
{
	size_t line, col;
	json_position(text, len, at, &line, &col);
	if (has_newline(text, len))
		err_set(e, ERR_DATA, "invalid JSON at line %zu, column %zu: %s", line, col, why);
	else
		err_set(e, ERR_DATA, "invalid JSON at column %zu: %s", col, why);
}

/* ---- after cJSON: marked strings become raw numbers ------------------------------------------------ */

static int unmark(cJSON *node)
{
	for (; node; node = node->next) {
		if (node->string && (unsigned char)node->string[0] == (unsigned char)NUM_MARK)
			return -1;   /* cannot happen: the lexer refuses numbers as keys */
		if (node->type == cJSON_String && node->valuestring
		    && (unsigned char)node->valuestring[0] == (unsigned char)NUM_MARK) {
			size_t n = strlen(node->valuestring);
			memmove(node->valuestring, node->valuestring + 1, n);   /* includes the NUL */
			node->type = cJSON_Raw;
		} else if (node->child && unmark(node->child) < 0) {
			return -1;
		}
	}
	return 0;
}

cJSON *json_parse_exact(const char *text, size_t len, struct err *e)
{
	struct buf out;
	struct lex lx;
	cJSON *root = NULL;

	if (!text)
		len = 0;
	buf_init(&out, 0);
	memset(&lx, 0, sizeof lx);
	lx.s = (const unsigned char *)(text ? text : "");
	lx.len = len;
	lx.out = &out;
	if (lex_run(&lx) < 0) {
		set_parse_err(e, lx.s ? (const char *)lx.s : "", len, lx.err_at, lx.why);
		goto done;
	}
	/* buf keeps a NUL after the data: parse with it so cJSON refuses trailing garbage */
	const char *rw = buf_cstr(&out), *end = NULL;
	root = cJSON_ParseWithLengthOpts(rw, out.len + 1, &end, 1);
	if (!root) {
		/* map cJSON's failure offset back to the original text by replaying the lexer in map mode */
		struct lex mp;
		size_t at = (end && end >= rw) ? (size_t)(end - rw) : 0;
		char what[32], why[64];
		memset(&mp, 0, sizeof mp);
		mp.s = lx.s;
		mp.len = len;
		mp.map_out = at;
		(void)lex_run(&mp);
		size_t orig = mp.mapped ? mp.map_orig : (at >= mp.delta ? at - mp.delta : 0);
		if (orig > len)
			orig = len;
		describe_at(lx.s, len, orig, what, sizeof what);
		snprintf(why, sizeof why, "unexpected %s", what);
		set_parse_err(e, (const char *)lx.s, len, orig, why);
		goto done;
	}
	if (unmark(root) < 0) {
		cJSON_Delete(root);
		root = NULL;
		err_set(e, ERR_INTERNAL, "invalid JSON: number used as an object key");
	}
done:
	buf_release(&out);
	return root;
}

/* ---- numbers in trees ----------------------------------------------------------------------------- */

int json_is_number(const cJSON *node)
{
	if (!node)
		return 0;
	if (cJSON_IsNumber(node))
		return 1;
	return cJSON_IsRaw(node) && node->valuestring
	       && json_number_syntax_ok(node->valuestring, strlen(node->valuestring));
}

const char *json_number_text(const cJSON *node)
{
	if (!node || !cJSON_IsRaw(node) || !node->valuestring)
		return NULL;
	return json_number_syntax_ok(node->valuestring, strlen(node->valuestring)) ? node->valuestring : NULL;
}

const char *json_number_text_tmp(const cJSON *node, char *tmp, size_t tmplen)
{
	const char *t = json_number_text(node);
	if (t)
		return t;
	if (!node || !cJSON_IsNumber(node) || !tmp || tmplen < JSON_NUMBER_TMP)
		return NULL;
	double d = node->valuedouble;
	if (d != d || d > 1.7976931348623157e308 || d < -1.7976931348623157e308)
		return NULL;
	if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(long long)d) {
		snprintf(tmp, tmplen, "%lld", (long long)d);
		return tmp;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, tmplen, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	return json_number_syntax_ok(tmp, strlen(tmp)) ? tmp : NULL;
}

cJSON *json_create_number_text(const char *digits)
{
	if (!digits || !json_number_syntax_ok(digits, strlen(digits)))
		return NULL;
	return cJSON_CreateRaw(digits);
}

int json_add_number_text(cJSON *obj, const char *name, const char *digits, struct err *e)
{
	cJSON *n = json_create_number_text(digits);
	if (!n)
		return err_set(e, ERR_INTERNAL, "'%s' is not a JSON number", digits ? digits : "(null)");
	if (!cJSON_AddItemToObject(obj, name, n)) {
		cJSON_Delete(n);
		return err_set(e, ERR_INTERNAL, "cannot add member '%s'", name ? name : "(null)");
	}
	return 0;
}

int json_append_number_text(cJSON *arr, const char *digits, struct err *e)
{
	cJSON *n = json_create_number_text(digits);
	if (!n)
		return err_set(e, ERR_INTERNAL, "'%s' is not a JSON number", digits ? digits : "(null)");
	if (!cJSON_AddItemToArray(arr, n)) {
		cJSON_Delete(n);
		return err_set(e, ERR_INTERNAL, "cannot append to a non-array");
	}
	return 0;
}

/* ---- printing and getters ------------------------------------------------------------------------- */

char *json_print_compact(const cJSON *node)
{
	return cJSON_PrintUnformatted(node);
}

int json_print_to_buf(const cJSON *node, struct buf *out, struct err *e)
{
	char *p = cJSON_PrintUnformatted(node);
	if (!p)
		return err_set(e, ERR_INTERNAL, "cannot print JSON (out of memory or invalid node)");
	int rc = buf_adds(out, p);
	free(p);
	if (rc < 0)
		return err_set(e, ERR_DATA, "JSON text too large");
	return 0;
}

const cJSON *json_get(const cJSON *obj, const char *name)
{
	if (!cJSON_IsObject(obj) || !name)
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

const char *json_get_string(const cJSON *obj, const char *name)
{
	const cJSON *v = json_get(obj, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- scanning JSON text without parsing it ---------------------------------------------------------- */

static int scan_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && scan_ws(s[i]))
		i++;
	return i;
}

/* Past the string whose opening quote is s[i]; (size_t)-1 when it does not close. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return (size_t)-1;
}

size_t json_skip_value(const char *s, size_t n, size_t i)
{
	size_t depth = 0;
	if (i >= n)
		return (size_t)-1;
	if (s[i] == '"')
		return skip_string(s, n, i);
	if (s[i] != '{' && s[i] != '[') {
		while (i < n && !scan_ws(s[i]) && s[i] != ',' && s[i] != ']' && s[i] != '}')
			i++;
		return i;
	}
	for (; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			size_t j = skip_string(s, n, i);
			if (j == (size_t)-1)
				return j;
			i = j - 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return (size_t)-1;
}

/* Past the value at s[i] and the ',' after it; (size_t)-1 at the container's end or on anything else. */
static size_t skip_member(const char *s, size_t n, size_t i)
{
	if ((i = json_skip_value(s, n, i)) == (size_t)-1)
		return i;
	i = skip_ws(s, n, i);
	return i < n && s[i] == ',' ? i + 1 : (size_t)-1;
}

/* Move i to element idx of the array at s[i] ('['); (size_t)-1 when there is no such element. */
static size_t path_index(const char *s, size_t n, size_t i, long idx)
{
	if (s[i] != '[')
		return (size_t)-1;
	i++;
	for (long k = 0;; k++) {
		i = skip_ws(s, n, i);
		if (i >= n || s[i] == ']')
			return (size_t)-1;
		if (k == idx)
			return i;
		if ((i = skip_member(s, n, i)) == (size_t)-1)
			return i;
	}
}

/* Move i to the key key[0..kl) of the object at s[i] ('{'), at its opening quote; (size_t)-1 when absent.  *val
 * is where its value starts. */
static size_t path_key(const char *s, size_t n, size_t i, const char *key, size_t kl, size_t *val)
{
	if (s[i] != '{')
		return (size_t)-1;
	i++;
	for (;;) {
		size_t k, e;
		i = skip_ws(s, n, i);
		if (i >= n || s[i] != '"')
			return (size_t)-1;
		k = i;
		if ((e = skip_string(s, n, i)) == (size_t)-1)
			return e;
		i = skip_ws(s, n, e);
		if (i >= n || s[i] != ':')
			return (size_t)-1;
		i++;
		if (e - k - 2 == kl && !memcmp(s + k + 1, key, kl)) {
			*val = i;
			return k;
		}
		if ((i = skip_member(s, n, skip_ws(s, n, i))) == (size_t)-1)
			return i;
	}
}

int json_path_line(const char *text, size_t len, const char *path)
{
	size_t i = skip_ws(text, len, 0), best = i, at;
	const char *p = path ? path : "";
	int line = 1;
	while (*p) {
		if (*p == '.')
			p++;
		i = skip_ws(text, len, i);
		if (i >= len)
			break;
		if (*p == '[') {
			char *end;
			long idx = strtol(p + 1, &end, 10);
			if (end == p + 1 || *end != ']' || idx < 0 || (at = path_index(text, len, i, idx)) == (size_t)-1)
				break;
			p = end + 1;
			best = i = at;
		} else {
			size_t kl = strcspn(p, ".[");
			if ((at = path_key(text, len, i, p, kl, &i)) == (size_t)-1)
				break;
			p += kl;
			best = at;
		}
	}
	for (size_t k = 0; k < best && k < len; k++)
		line += text[k] == '\n';
	return line;
}
