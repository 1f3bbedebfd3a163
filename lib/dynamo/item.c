/* item.c — DynamoDB items (see item.h). */
#include "dynamo/item.h"
#include "base/json.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* ---- numbers ---------------------------------------------------------------------------------------- */

struct num {
	int neg, zero;
	char sig[ITEM_NUMBER_MAX_DIGITS + 1];   /* significant digits, NUL-terminated */
	int nsig;
	long long adj;                          /* value = d.ddd x 10^adj */
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

enum num_status { NUM_OK = 0, NUM_SYNTAX, NUM_DIGITS, NUM_RANGE };

/* Parse a DynamoDB number.  On NUM_DIGITS, n->nsig is not filled but *count holds the digit count. */
static enum num_status num_parse(const char *t, struct num *n, size_t *count)
{
	size_t i = 0, int_start, int_len, frac_start = 0, frac_len = 0;
	long long exp = 0;
	int exp_neg = 0;

	memset(n, 0, sizeof *n);
	if (!t)
		return NUM_SYNTAX;
	if (t[i] == '+' || t[i] == '-') {
		n->neg = t[i] == '-';
		i++;
	}
	int_start = i;
	while (is_digit(t[i]))
		i++;
	int_len = i - int_start;
	if (t[i] == '.') {
		i++;
		frac_start = i;
		while (is_digit(t[i]))
			i++;
		frac_len = i - frac_start;
	}
	if (int_len + frac_len == 0)
		return NUM_SYNTAX;
	if (t[i] == 'e' || t[i] == 'E') {
		i++;
		if (t[i] == '+' || t[i] == '-') {
			exp_neg = t[i] == '-';
			i++;
		}
		if (!is_digit(t[i]))
			return NUM_SYNTAX;
		while (is_digit(t[i])) {
			if (exp < 1000000000000LL)   /* saturate: far beyond any range we accept */
				exp = exp * 10 + (t[i] - '0');
			i++;
		}
		if (exp_neg)
			exp = -exp;
	}
	if (t[i] != '\0')
		return NUM_SYNTAX;

	size_t total = int_len + frac_len, first = total, last = 0;
#define DIG(p) ((p) < int_len ? t[int_start + (p)] : t[frac_start + (p) - int_len])
	for (size_t p = 0; p < total; p++)
		if (DIG(p) != '0') {
			first = p;
			break;
		}
	if (first == total) {
		n->zero = 1;
		n->neg = 0;
		n->sig[0] = '0';
		n->sig[1] = '\0';
		return NUM_OK;
	}
	for (size_t p = total; p-- > first;)
		if (DIG(p) != '0') {
			last = p;
			break;
		}
	size_t nsig = last - first + 1;
	if (count)
		*count = nsig;
	if (nsig > ITEM_NUMBER_MAX_DIGITS)
		return NUM_DIGITS;
	for (size_t p = first; p <= last; p++)
		n->sig[p - first] = DIG(p);
#undef DIG
	n->sig[nsig] = '\0';
	n->nsig = (int)nsig;
	n->adj = (long long)int_len - 1 - (long long)first + exp;
	if (n->adj < -130 || n->adj > 125)
		return NUM_RANGE;
	return NUM_OK;
}

/* The reason a number was refused, into why; label is "N value" or "number". */
static void num_why(enum num_status st, const char *label, const char *t, size_t count, char *why, size_t n)
{
	const char *ell = strlen(t) > 40 ? "..." : "";
	switch (st) {
	case NUM_SYNTAX:
		snprintf(why, n, "%s '%.40s%s' is not a number", label, t, ell);
		break;
	case NUM_DIGITS:
		snprintf(why, n, "%s '%.40s%s' has %zu significant digits (DynamoDB allows at most 38)", label, t, ell,
		         count);
		break;
	case NUM_RANGE:
		snprintf(why, n, "%s '%.40s%s' is out of range (DynamoDB numbers are 0 or between 1E-130 and "
		         "9.9999999999999999999999999999999999999E+125 in magnitude)", label, t, ell);
		break;
	default:
		snprintf(why, n, "%s is fine", label);
	}
}

int item_number_check(const char *text, struct err *e)
{
	struct num n;
	size_t count = 0;
	enum num_status st = num_parse(text, &n, &count);
	if (st != NUM_OK) {
		char why[512];
		num_why(st, "N value", text ? text : "", count, why, sizeof why);
		return err_set(e, ERR_DATA, "%s", why);
	}
	return 0;
}

int item_number_digits(const char *text)
{
	struct num n;
	size_t count = 0;
	enum num_status st = num_parse(text, &n, &count);
	if (st == NUM_SYNTAX)
		return -1;
	if (st == NUM_DIGITS)
		return count > INT_MAX ? INT_MAX : (int)count;
	return n.zero ? 0 : n.nsig;
}

static void num_canonical(const struct num *n, char *out, size_t outlen)
{
	struct buf b;
	buf_init(&b, 0);
	if (n->zero) {
		snprintf(out, outlen, "0");
		return;
	}
	if (n->neg)
		buf_addc(&b, '-');
	long long adj = n->adj;
	int ns = n->nsig;
	if (adj >= -7 && adj <= 38) {
		if (adj < 0) {
			buf_adds(&b, "0.");
			for (long long k = 0; k < -adj - 1; k++)
				buf_addc(&b, '0');
			buf_adds(&b, n->sig);
		} else if (adj >= ns - 1) {
			buf_adds(&b, n->sig);
			for (long long k = 0; k < adj - (ns - 1); k++)
				buf_addc(&b, '0');
		} else {
			buf_add(&b, n->sig, (size_t)adj + 1);
			buf_addc(&b, '.');
			buf_adds(&b, n->sig + adj + 1);
		}
	} else {
		buf_addc(&b, n->sig[0]);
		if (ns > 1) {
			buf_addc(&b, '.');
			buf_adds(&b, n->sig + 1);
		}
		buf_addf(&b, "E%c%lld", adj < 0 ? '-' : '+', adj < 0 ? -adj : adj);
	}
	snprintf(out, outlen, "%s", buf_cstr(&b));
	buf_release(&b);
}

int item_number_canonical(const char *text, char *out, size_t outlen, struct err *e)
{
	struct num n;
	if (!out || outlen < ITEM_NUMBER_TEXT_MAX)
		return err_set(e, ERR_INTERNAL, "item_number_canonical: output buffer too small");
	if (item_number_check(text, e) < 0)
		return -1;
	num_parse(text, &n, NULL);
	num_canonical(&n, out, outlen);
	return 0;
}

/* A JSON-valid spelling of a valid DynamoDB number: t itself when it already is one, else a minimal rewrite
 * into tmp ("+1" -> "1", ".5" -> "0.5", "5." -> "5", "007" -> "7", "1.e3" -> "1e3"). */
static const char *num_json_text(const char *t, struct buf *tmp)
{
	if (json_number_syntax_ok(t, strlen(t)))
		return t;
	size_t i = 0;
	buf_reset(tmp);
	if (t[i] == '+' || t[i] == '-') {
		if (t[i] == '-')
			buf_addc(tmp, '-');
		i++;
	}
	while (t[i] == '0' && is_digit(t[i + 1]))
		i++;
	if (is_digit(t[i])) {
		while (is_digit(t[i]))
			buf_addc(tmp, t[i++]);
	} else {
		buf_addc(tmp, '0');
	}
	if (t[i] == '.') {
		i++;
		if (is_digit(t[i])) {
			buf_addc(tmp, '.');
			while (is_digit(t[i]))
				buf_addc(tmp, t[i++]);
		}
	}
	buf_adds(tmp, t + i);   /* the exponent, if any, is already JSON-valid */
	return buf_cstr(tmp);
}

/* ---- base64 ----------------------------------------------------------------------------------------- */

/* Decoded length of strict base64 text (alphabet, length % 4, at most two '=' at the end), or -1. */
static long long b64_len(const char *s, size_t len)
{
	if (len % 4)
		return -1;
	size_t pad = 0;
	if (len && s[len - 1] == '=')
		pad++;
	if (len > 1 && s[len - 2] == '=')
		pad++;
	for (size_t i = 0; i < len - pad; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return -1;
	}
	return (long long)(len / 4 * 3 - pad);
}

int item_b64_decode(const char *text, size_t len, struct buf *out, struct err *e)
{
	long long n = text ? b64_len(text, len) : -1;
	if (n < 0 || len > INT_MAX)
		return err_set(e, ERR_DATA, "invalid base64");
	if (len == 0)
		return buf_add(out, "", 0) < 0 ? err_set(e, ERR_DATA, "binary value too large") : 0;
	unsigned char *tmp = xmalloc(len / 4 * 3 + 1);
	int got = EVP_DecodeBlock(tmp, (const unsigned char *)text, (int)len);
	int rc = 0;
	if (got < 0 || (long long)got < n)
		rc = err_set(e, ERR_DATA, "invalid base64");
	else if (buf_add(out, tmp, (size_t)n) < 0)
		rc = err_set(e, ERR_DATA, "binary value too large");
	free(tmp);
	return rc;
}

int item_b64_encode(const void *data, size_t len, struct buf *out, struct err *e)
{
	if (len > (size_t)INT_MAX / 4 * 3 - 3)
		return err_set(e, ERR_DATA, "binary value too large");
	size_t cap = (len + 2) / 3 * 4 + 1;
	unsigned char *tmp = xmalloc(cap);
	int got = EVP_EncodeBlock(tmp, (const unsigned char *)(data ? data : ""), (int)len);
	int rc = 0;
	if (got < 0 || buf_add(out, tmp, (size_t)got) < 0)
		rc = err_set(e, ERR_DATA, "binary value too large");
	free(tmp);
	return rc;
}

/* ---- the walker's context: path and errors --------------------------------------------------------- */

struct cv {
	struct buf path;
	struct err *e;
};

static void cv_init(struct cv *c, const char *path, struct err *e)
{
	buf_init(&c->path, 0);
	if (path)
		buf_adds(&c->path, path);
	c->e = e;
}

static int cv_fail(struct cv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cv_fail(struct cv *c, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->path.len)
		return err_set(c->e, ERR_DATA, "attribute '%.200s': %s", buf_cstr(&c->path), msg);
	return err_set(c->e, ERR_DATA, "%s", msg);
}

/* Push ".name" (or "name" at the top) / "[i]"; returns the old length for cv_pop. */
static size_t cv_push_name(struct cv *c, const char *name)
{
	size_t old = c->path.len;
	if (old)
		buf_addc(&c->path, '.');
	buf_adds(&c->path, name ? name : "");
	return old;
}

static size_t cv_push_index(struct cv *c, size_t i)
{
	size_t old = c->path.len;
	buf_addf(&c->path, "[%zu]", i);
	return old;
}

static void cv_pop(struct cv *c, size_t old)
{
	c->path.len = old;
	if (c->path.ptr)
		c->path.ptr[old] = '\0';
}

/* ---- sorting helpers ------------------------------------------------------------------------------- */

static int cmp_view(const void *a, const void *b)
{
	const struct view *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = n ? memcmp(x->ptr, y->ptr, n) : 0;
	if (r)
		return r;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int cmp_member(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

static size_t count_children(const cJSON *node)
{
	size_t n = 0;
	for (const cJSON *c = node ? node->child : NULL; c; c = c->next)
		n++;
	return n;
}

/* The members of obj sorted by name (caller frees the array; *n = count). */
static const cJSON **sorted_members(const cJSON *obj, size_t *n)
{
	size_t cnt = count_children(obj), i = 0;
	const cJSON **arr = xmalloc((cnt ? cnt : 1) * sizeof *arr);
	for (const cJSON *c = obj->child; c; c = c->next)
		arr[i++] = c;
	qsort(arr, cnt, sizeof *arr, cmp_member);
	*n = cnt;
	return arr;
}

/* Refuse duplicate member names in obj (cJSON keeps both). */
static int check_dup_names(struct cv *c, const cJSON *obj)
{
	size_t n;
	const cJSON **arr = sorted_members(obj, &n);
	int rc = 0;
	for (size_t i = 1; i < n; i++)
		if (!strcmp(arr[i - 1]->string ? arr[i - 1]->string : "", arr[i]->string ? arr[i]->string : "")) {
			rc = cv_fail(c, "duplicate attribute name '%.200s'", arr[i]->string ? arr[i]->string : "");
			break;
		}
	free(arr);
	return rc;
}

/* ---- AttributeValue types --------------------------------------------------------------------------- */

static const char *const type_keys[] = { "S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL" };

static const char *known_type(const char *k)
{
	for (size_t i = 0; k && i < sizeof type_keys / sizeof type_keys[0]; i++)
		if (!strcmp(k, type_keys[i]))
			return type_keys[i];
	return NULL;
}

const char *item_value_type(const cJSON *av, const cJSON **payload)
{
	if (!cJSON_IsObject(av) || !av->child || av->child->next)
		return NULL;
	const char *t = known_type(av->child->string);
	if (t && payload)
		*payload = av->child;
	return t;
}

/* Does the payload have the JSON kind the type needs? */
static int payload_kind_ok(const char *t, const cJSON *p)
{
	if (!strcmp(t, "NULL") || !strcmp(t, "BOOL"))
		return cJSON_IsBool(p);
	if (!strcmp(t, "M"))
		return cJSON_IsObject(p);
	if (!strcmp(t, "L"))
		return cJSON_IsArray(p);
	if (t[1] == '\0')   /* S, N, B */
		return cJSON_IsString(p);
	return cJSON_IsArray(p);   /* SS, NS, BS */
}

static void short_text(const char *s, char *out, size_t n)
{
	snprintf(out, n, "%.40s%s", s, strlen(s) > 40 ? "..." : "");
}

/* ---- validation ---------------------------------------------------------------------------------- */

static int validate_value(struct cv *c, const cJSON *av, int depth);

static int validate_object_members(struct cv *c, const cJSON *obj, int depth, int top)
{
	if (check_dup_names(c, obj) < 0)
		return -1;
	for (const cJSON *m = obj->child; m; m = m->next) {
		const char *name = m->string ? m->string : "";
		if (top && !*name)
			return cv_fail(c, "empty attribute name");
		if (!json_utf8_valid(name, strlen(name)))
			return cv_fail(c, "attribute name is not valid UTF-8");
		size_t old = cv_push_name(c, name);
		int rc = validate_value(c, m, depth);
		cv_pop(c, old);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int validate_set(struct cv *c, const char *t, const cJSON *arr)
{
	size_t n = count_children(arr), i = 0;
	if (!n)
		return cv_fail(c, "%s must not be empty (DynamoDB sets hold at least one element)", t);
	struct view *vs = xmalloc(n * sizeof *vs);
	char (*canon)[ITEM_NUMBER_TEXT_MAX] = NULL;
	struct buf bytes;
	size_t *offs = NULL;
	int rc = -1;
	char why[512], sh[64];

	buf_init(&bytes, 0);
	if (t[0] == 'N')
		canon = xmalloc(n * sizeof *canon);
	if (t[0] == 'B')
		offs = xmalloc((n + 1) * sizeof *offs);
	for (const cJSON *el = arr->child; el; el = el->next, i++) {
		if (!cJSON_IsString(el)) {
			rc = cv_fail(c, "%s element %zu is not a string", t, i);
			goto out;
		}
		const char *s = el->valuestring;
		size_t len = strlen(s);
		if (t[0] == 'S') {
			if (!json_utf8_valid(s, len)) {
				rc = cv_fail(c, "SS element %zu is not valid UTF-8", i);
				goto out;
			}
			vs[i].ptr = s;
			vs[i].len = len;
		} else if (t[0] == 'N') {
			struct num nm;
			size_t count = 0;
			enum num_status st = num_parse(s, &nm, &count);
			if (st != NUM_OK) {
				num_why(st, "NS element", s, count, why, sizeof why);
				rc = cv_fail(c, "%s", why);
				goto out;
			}
			num_canonical(&nm, canon[i], sizeof canon[i]);
			vs[i].ptr = canon[i];
			vs[i].len = strlen(canon[i]);
		} else {
			struct err e2 = ERR_INIT;
			offs[i] = bytes.len;
			if (item_b64_decode(s, len, &bytes, &e2) < 0) {
				short_text(s, sh, sizeof sh);
				rc = cv_fail(c, "BS element %zu '%s' is not valid base64", i, sh);
				goto out;
			}
		}
	}
	if (t[0] == 'B') {
		offs[n] = bytes.len;
		for (i = 0; i < n; i++) {
			vs[i].ptr = buf_cstr(&bytes) + offs[i];
			vs[i].len = offs[i + 1] - offs[i];
		}
	}
	qsort(vs, n, sizeof *vs, cmp_view);
	for (i = 1; i < n; i++)
		if (!cmp_view(&vs[i - 1], &vs[i])) {
			if (t[0] == 'B') {
				rc = cv_fail(c, "BS contains duplicate values");
			} else {
				char dup[64];
				snprintf(dup, sizeof dup, "%.*s", (int)(vs[i].len > 40 ? 40 : vs[i].len), vs[i].ptr);
				rc = cv_fail(c, "%s contains duplicate value '%s%s'", t, dup, vs[i].len > 40 ? "..." : "");
			}
			goto out;
		}
	rc = 0;
out:
	free(vs);
	free(canon);
	free(offs);
	buf_release(&bytes);
	return rc;
}

static int validate_value(struct cv *c, const cJSON *av, int depth)
{
	const cJSON *p = NULL;
	const char *t = item_value_type(av, &p);
	char why[512], sh[64];

	if (!t) {
		if (!cJSON_IsObject(av))
			return cv_fail(c, "not an AttributeValue (expected an object like {\"S\": \"text\"})");
		if (!av->child)
			return cv_fail(c, "AttributeValue has no type (expected one of S N B SS NS BS M L NULL BOOL)");
		if (av->child->next)
			return cv_fail(c, "AttributeValue has more than one type ('%.20s' and '%.20s')",
			               av->child->string ? av->child->string : "", av->child->next->string ? av->child->next->string : "");
		return cv_fail(c, "unknown AttributeValue type '%.40s' (expected one of S N B SS NS BS M L NULL BOOL)",
		               av->child->string ? av->child->string : "");
	}
	if (!payload_kind_ok(t, p)) {
		static const struct { const char *t, *kind; } kinds[] = {
			{ "S", "a string" }, { "N", "a string holding a number" }, { "B", "a base64 string" },
			{ "SS", "an array" }, { "NS", "an array" }, { "BS", "an array" }, { "M", "an object" },
			{ "L", "an array" }, { "NULL", "true" }, { "BOOL", "true or false" } };
		const char *kind = "";
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			if (!strcmp(kinds[i].t, t))
				kind = kinds[i].kind;
		return cv_fail(c, "%s value must be %s", t, kind);
	}
	if (!strcmp(t, "S")) {
		if (!json_utf8_valid(p->valuestring, strlen(p->valuestring)))
			return cv_fail(c, "S value is not valid UTF-8");
	} else if (!strcmp(t, "N")) {
		struct num nm;
		size_t count = 0;
		enum num_status st = num_parse(p->valuestring, &nm, &count);
		if (st != NUM_OK) {
			num_why(st, "N value", p->valuestring, count, why, sizeof why);
			return cv_fail(c, "%s", why);
		}
	} else if (!strcmp(t, "B")) {
		if (b64_len(p->valuestring, strlen(p->valuestring)) < 0) {
			short_text(p->valuestring, sh, sizeof sh);
			return cv_fail(c, "B value '%s' is not valid base64", sh);
		}
	} else if (!strcmp(t, "NULL")) {
		if (!cJSON_IsTrue(p))
			return cv_fail(c, "NULL value must be true");
	} else if (!strcmp(t, "M") || !strcmp(t, "L")) {
		if (depth >= ITEM_MAX_DEPTH)
			return cv_fail(c, "nested deeper than %d levels (DynamoDB's limit)", ITEM_MAX_DEPTH);
		if (t[0] == 'M')
			return validate_object_members(c, p, depth + 1, 0);
		size_t i = 0;
		for (const cJSON *el = p->child; el; el = el->next, i++) {
			size_t old = cv_push_index(c, i);
			int rc = validate_value(c, el, depth + 1);
			cv_pop(c, old);
			if (rc < 0)
				return -1;
		}
	} else if (t[1] == 'S') {
		return validate_set(c, t, p);
	}
	return 0;
}

int item_validate_value(const cJSON *av, const char *path, struct err *e)
{
	struct cv c;
	cv_init(&c, path, e);
	int rc = validate_value(&c, av, 0);
	buf_release(&c.path);
	return rc;
}

int item_validate_ddb(const cJSON *item, struct err *e)
{
	struct cv c;
	if (!cJSON_IsObject(item))
		return err_set(e, ERR_DATA, "item is not a JSON object");
	cv_init(&c, NULL, e);
	int rc = validate_object_members(&c, item, 0, 1);
	buf_release(&c.path);
	return rc;
}

/* ---- plain -> typed ------------------------------------------------------------------------------- */

static cJSON *av_new(struct cv *c, const char *type, cJSON *payload)
{
	cJSON *av = cJSON_CreateObject();
	if (!av || !payload || !cJSON_AddItemToObject(av, type, payload)) {
		cJSON_Delete(av);
		cJSON_Delete(payload);
		cv_fail(c, "out of memory");
		return NULL;
	}
	return av;
}

static cJSON *from_plain(struct cv *c, const cJSON *v, int depth)
{
	char tmp[JSON_NUMBER_TMP];
	if (cJSON_IsString(v))
		return av_new(c, "S", cJSON_CreateString(v->valuestring));
	if (json_is_number(v)) {
		const char *text = json_number_text_tmp(v, tmp, sizeof tmp);
		struct num nm;
		size_t count = 0;
		enum num_status st = text ? num_parse(text, &nm, &count) : NUM_SYNTAX;
		if (st != NUM_OK) {
			char why[512];
			num_why(st, "number", text ? text : "(not finite)", count, why, sizeof why);
			cv_fail(c, "%s", why);
			return NULL;
		}
		return av_new(c, "N", cJSON_CreateString(text));
	}
	if (cJSON_IsBool(v))
		return av_new(c, "BOOL", cJSON_CreateBool(cJSON_IsTrue(v)));
	if (cJSON_IsNull(v))
		return av_new(c, "NULL", cJSON_CreateTrue());
	if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
		int is_obj = cJSON_IsObject(v);
		if (depth >= ITEM_MAX_DEPTH) {
			cv_fail(c, "nested deeper than %d levels (DynamoDB's limit)", ITEM_MAX_DEPTH);
			return NULL;
		}
		if (is_obj && check_dup_names(c, v) < 0)
			return NULL;
		cJSON *coll = is_obj ? cJSON_CreateObject() : cJSON_CreateArray();
		size_t i = 0;
		if (!coll) {
			cv_fail(c, "out of memory");
			return NULL;
		}
		for (const cJSON *m = v->child; m; m = m->next, i++) {
			size_t old = is_obj ? cv_push_name(c, m->string) : cv_push_index(c, i);
			cJSON *sub = from_plain(c, m, depth + 1);
			cv_pop(c, old);
			if (!sub || !(is_obj ? cJSON_AddItemToObject(coll, m->string ? m->string : "", sub)
			                     : cJSON_AddItemToArray(coll, sub))) {
				if (sub) {
					cJSON_Delete(sub);
					cv_fail(c, "out of memory");
				}
				cJSON_Delete(coll);
				return NULL;
			}
		}
		return av_new(c, is_obj ? "M" : "L", coll);
	}
	cv_fail(c, "unsupported JSON value (raw text that is not a number)");
	return NULL;
}

cJSON *item_value_from_plain(const cJSON *v, const char *path, struct err *e)
{
	struct cv c;
	cv_init(&c, path, e);
	cJSON *av = from_plain(&c, v, 0);
	buf_release(&c.path);
	return av;
}

cJSON *item_from_plain(const cJSON *item, struct err *e)
{
	struct cv c;
	cJSON *out = NULL;
	if (!cJSON_IsObject(item)) {
		err_set(e, ERR_DATA, "item is not a JSON object");
		return NULL;
	}
	cv_init(&c, NULL, e);
	if (check_dup_names(&c, item) < 0)
		goto done;
	out = cJSON_CreateObject();
	if (!out) {
		cv_fail(&c, "out of memory");
		goto done;
	}
	for (const cJSON *m = item->child; m; m = m->next) {
		if (!m->string || !*m->string) {
			cv_fail(&c, "empty attribute name");
			goto fail;
		}
		size_t old = cv_push_name(&c, m->string);
		cJSON *av = from_plain(&c, m, 0);
		cv_pop(&c, old);
		if (!av)
			goto fail;
		if (!cJSON_AddItemToObject(out, m->string, av)) {
			cJSON_Delete(av);
			cv_fail(&c, "out of memory");
			goto fail;
		}
	}
	goto done;
fail:
	cJSON_Delete(out);
	out = NULL;
done:
	buf_release(&c.path);
	return out;
}

/* ---- typed -> plain (input already validated) ------------------------------------------------------- */

static cJSON *to_plain(const cJSON *av, struct buf *tmp)
{
	const cJSON *p = NULL;
	const char *t = item_value_type(av, &p);
	cJSON *out = NULL;

	if (!t)
		return NULL;
	if (!strcmp(t, "S") || !strcmp(t, "B"))
		return cJSON_CreateString(p->valuestring);
	if (!strcmp(t, "N"))
		return cJSON_CreateRaw(num_json_text(p->valuestring, tmp));
	if (!strcmp(t, "BOOL"))
		return cJSON_CreateBool(cJSON_IsTrue(p));
	if (!strcmp(t, "NULL"))
		return cJSON_CreateNull();
	if (!strcmp(t, "M")) {
		out = cJSON_CreateObject();
		for (const cJSON *m = p->child; out && m; m = m->next) {
			cJSON *sub = to_plain(m, tmp);
			if (!sub || !cJSON_AddItemToObject(out, m->string, sub)) {
				cJSON_Delete(sub);
				cJSON_Delete(out);
				return NULL;
			}
		}
		return out;
	}
	out = cJSON_CreateArray();   /* L, SS, NS, BS */
	for (const cJSON *el = p->child; out && el; el = el->next) {
		cJSON *sub = !strcmp(t, "L") ? to_plain(el, tmp)
		             : !strcmp(t, "NS") ? cJSON_CreateRaw(num_json_text(el->valuestring, tmp))
		             : cJSON_CreateString(el->valuestring);
		if (!sub || !cJSON_AddItemToArray(out, sub)) {
			cJSON_Delete(sub);
			cJSON_Delete(out);
			return NULL;
		}
	}
	return out;
}

cJSON *item_value_to_plain(const cJSON *av, const char *path, struct err *e)
{
	struct buf tmp;
	if (item_validate_value(av, path, e) < 0)
		return NULL;
	buf_init(&tmp, 0);
	cJSON *out = to_plain(av, &tmp);
	buf_release(&tmp);
	if (!out)
		err_set(e, ERR_INTERNAL, "out of memory");
	return out;
}

cJSON *item_to_plain(const cJSON *item, struct err *e)
{
	struct buf tmp;
	if (item_validate_ddb(item, e) < 0)
		return NULL;
	buf_init(&tmp, 0);
	cJSON *out = cJSON_CreateObject();
	for (const cJSON *m = item->child; out && m; m = m->next) {
		cJSON *sub = to_plain(m, &tmp);
		if (!sub || !cJSON_AddItemToObject(out, m->string, sub)) {
			cJSON_Delete(sub);
			cJSON_Delete(out);
			out = NULL;
		}
	}
	buf_release(&tmp);
	if (!out)
		err_set(e, ERR_INTERNAL, "out of memory");
	return out;
}

/* ---- detection ------------------------------------------------------------------------------------ */

enum item_format item_detect_format(const cJSON *item)
{
	if (!cJSON_IsObject(item) || !item->child)
		return ITEM_FORMAT_PLAIN;
	for (const cJSON *m = item->child; m; m = m->next) {
		const cJSON *p = NULL;
		const char *t = item_value_type(m, &p);
		if (!t || !payload_kind_ok(t, p))
			return ITEM_FORMAT_PLAIN;
	}
	return ITEM_FORMAT_DDB;
}

cJSON *item_as_ddb(const cJSON *item, enum item_format format, struct err *e)
{
	if (format == ITEM_FORMAT_AUTO)
		format = item_detect_format(item);
	if (format == ITEM_FORMAT_PLAIN)
		return item_from_plain(item, e);
	if (item_validate_ddb(item, e) < 0)
		return NULL;
	cJSON *copy = cJSON_Duplicate(item, 1);
	if (!copy)
		err_set(e, ERR_INTERNAL, "out of memory");
	return copy;
}

/* ---- size --------------------------------------------------------------------------------------- */

static size_t scalar_size(char t, const char *s)
{
	if (t == 'S')
		return strlen(s);
	if (t == 'N') {
		int d = item_number_digits(s);
		return d <= 0 ? 1 : (size_t)(d + 1) / 2 + 1;
	}
	long long n = b64_len(s, strlen(s));
	return n < 0 ? 0 : (size_t)n;
}

static size_t value_size(const cJSON *av)
{
	const cJSON *p = NULL;
	const char *t = item_value_type(av, &p);
	size_t sz = 0;

	if (!t)
		return 0;
	if (t[1] == '\0' && (t[0] == 'S' || t[0] == 'N' || t[0] == 'B'))
		return scalar_size(t[0], p->valuestring);
	if (!strcmp(t, "BOOL") || !strcmp(t, "NULL"))
		return 1;
	if (!strcmp(t, "M") || !strcmp(t, "L")) {
		sz = 3;
		for (const cJSON *m = p->child; m; m = m->next)
			sz += 1 + (t[0] == 'M' ? strlen(m->string ? m->string : "") : 0) + value_size(m);
		return sz;
	}
	for (const cJSON *el = p->child; el; el = el->next)   /* SS, NS, BS */
		sz += scalar_size(t[0], el->valuestring);
	return sz;
}

int item_size(const cJSON *item, size_t *size, struct err *e)
{
	size_t sz = 0;
	if (item_validate_ddb(item, e) < 0)
		return -1;
	for (const cJSON *m = item->child; m; m = m->next)
		sz += strlen(m->string) + value_size(m);
	*size = sz;
	return 0;
}

/* ---- keys --------------------------------------------------------------------------------------- */

/* Find and check key attribute i; *payload is its S/N/B string node. */
static int key_value(const cJSON *item, const struct item_key_attr *keys, size_t i, const cJSON **payload,
                     struct err *e)
{
	const struct item_key_attr *k = &keys[i];
	const char *role = i == 0 ? "hash key" : i == 1 ? "range key" : "key attribute";
	char tname[2] = { k->type, '\0' };
	const cJSON *p = NULL;

	if (!k->name || (k->type != 'S' && k->type != 'N' && k->type != 'B'))
		return err_set(e, ERR_INTERNAL, "bad key schema (attribute type must be S, N or B)");
	if (!cJSON_IsObject(item))
		return err_set(e, ERR_DATA, "item is not a JSON object");
	const cJSON *av = json_get(item, k->name);
	if (!av)
		return err_set(e, ERR_DATA, "item has no '%.200s' (the table's %s)", k->name, role);
	const char *t = item_value_type(av, &p);
	if (!t || !payload_kind_ok(t, p))
		return err_set(e, ERR_DATA, "key attribute '%.200s' is not a valid AttributeValue", k->name);
	if (strcmp(t, tname) != 0)
		return err_set(e, ERR_DATA, "key attribute '%.200s' must be of type %s, not %s", k->name, tname, t);
	const char *s = p->valuestring;
	size_t len = strlen(s), bytes = len;
	if (k->type == 'N') {
		if (item_number_check(s, e) < 0)
			return err_prefix(e, "key attribute '%.200s'", k->name);
		bytes = scalar_size('N', s);   /* stored size, not the length of the text */
	} else if (k->type == 'B') {
		long long n = b64_len(s, len);
		if (n < 0)
			return err_set(e, ERR_DATA, "key attribute '%.200s': B value is not valid base64", k->name);
		bytes = (size_t)n;
	} else if (!json_utf8_valid(s, len)) {
		return err_set(e, ERR_DATA, "key attribute '%.200s': S value is not valid UTF-8", k->name);
	}
	if (k->type != 'N' && bytes == 0)
		return err_set(e, ERR_DATA, "key attribute '%.200s' is empty (key values must not be empty)", k->name);
	size_t max = i == 0 ? ITEM_HASH_KEY_MAX : ITEM_RANGE_KEY_MAX;
	if (bytes > max)
		return err_set(e, ERR_DATA, "key attribute '%.200s' is longer than %zu bytes (DynamoDB's limit for a %s)",
		               k->name, max, role);
	*payload = p;
	return 0;
}

cJSON *item_key(const cJSON *item, const struct item_key_attr *keys, size_t nkeys, struct err *e)
{
	if (!keys || nkeys == 0) {
		err_set(e, ERR_INTERNAL, "item_key: no key attributes");
		return NULL;
	}
	cJSON *out = cJSON_CreateObject();
	for (size_t i = 0; out && i < nkeys; i++) {
		const cJSON *p;
		if (key_value(item, keys, i, &p, e) < 0) {
			cJSON_Delete(out);
			return NULL;
		}
		cJSON *dup = cJSON_Duplicate(json_get(item, keys[i].name), 1);
		if (!dup || !cJSON_AddItemToObject(out, keys[i].name, dup)) {
			cJSON_Delete(dup);
			cJSON_Delete(out);
			out = NULL;
		}
	}
	if (!out)
		err_set(e, ERR_INTERNAL, "out of memory");
	return out;
}

int item_key_string(const cJSON *item, const struct item_key_attr *keys, size_t nkeys, struct buf *out,
                    struct err *e)
{
	struct buf tmp;
	int rc = 0;
	if (!keys || nkeys == 0)
		return err_set(e, ERR_INTERNAL, "item_key_string: no key attributes");
	buf_init(&tmp, 0);
	for (size_t i = 0; i < nkeys && rc == 0; i++) {
		const cJSON *p;
		char canon[ITEM_NUMBER_TEXT_MAX];
		const char *v;
		size_t vlen;
		if (key_value(item, keys, i, &p, e) < 0) {
			rc = -1;
			break;
		}
		v = p->valuestring;
		vlen = strlen(v);
		if (keys[i].type == 'N') {
			item_number_canonical(v, canon, sizeof canon, e);
			v = canon;
			vlen = strlen(canon);
		} else if (keys[i].type == 'B') {
			struct buf raw;
			buf_init(&raw, 0);
			buf_reset(&tmp);
			rc = item_b64_decode(v, vlen, &raw, e);
			if (rc == 0)
				rc = item_b64_encode(raw.ptr, raw.len, &tmp, e);
			buf_release(&raw);
			v = buf_cstr(&tmp);
			vlen = tmp.len;
		}
		if (rc == 0 && ((i && buf_addc(out, '|') < 0) || buf_addf(out, "%c%zu:", keys[i].type, vlen) < 0
		                || buf_add(out, v, vlen) < 0))
			rc = err_set(e, ERR_DATA, "key string too large");
	}
	buf_release(&tmp);
	return rc;
}

/* ---- canonical form ------------------------------------------------------------------------------- */

static cJSON *canonical_value(const cJSON *av);

static cJSON *canonical_members(const cJSON *obj)
{
	size_t n;
	const cJSON **arr = sorted_members(obj, &n);
	cJSON *out = cJSON_CreateObject();
	for (size_t i = 0; out && i < n; i++) {
		cJSON *sub = canonical_value(arr[i]);
		if (!sub || !cJSON_AddItemToObject(out, arr[i]->string, sub)) {
			cJSON_Delete(sub);
			cJSON_Delete(out);
			out = NULL;
		}
	}
	free(arr);
	return out;
}

static int cmp_string_node(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->valuestring, y->valuestring);
}

/* A canonical copy of a scalar S/N/B text. */
static cJSON *canonical_scalar(char t, const char *s)
{
	if (t == 'N') {
		char canon[ITEM_NUMBER_TEXT_MAX];
		struct err e = ERR_INIT;
		if (item_number_canonical(s, canon, sizeof canon, &e) < 0)
			return NULL;
		return cJSON_CreateString(canon);
	}
	if (t == 'B') {
		struct buf raw, enc;
		struct err e = ERR_INIT;
		cJSON *out = NULL;
		buf_init(&raw, 0);
		buf_init(&enc, 0);
		if (item_b64_decode(s, strlen(s), &raw, &e) == 0 && item_b64_encode(raw.ptr, raw.len, &enc, &e) == 0)
			out = cJSON_CreateString(buf_cstr(&enc));
		buf_release(&raw);
		buf_release(&enc);
		return out;
	}
	return cJSON_CreateString(s);
}

static cJSON *canonical_value(const cJSON *av)
{
	const cJSON *p = NULL;
	const char *t = item_value_type(av, &p);
	cJSON *payload = NULL, *out;

	if (!t)
		return NULL;
	if (t[1] == '\0' && (t[0] == 'S' || t[0] == 'N' || t[0] == 'B'))
		payload = canonical_scalar(t[0], p->valuestring);
	else if (!strcmp(t, "BOOL"))
		payload = cJSON_CreateBool(cJSON_IsTrue(p));
	else if (!strcmp(t, "NULL"))
		payload = cJSON_CreateTrue();
	else if (!strcmp(t, "M"))
		payload = canonical_members(p);
	else if (!strcmp(t, "L")) {
		payload = cJSON_CreateArray();
		for (const cJSON *el = p->child; payload && el; el = el->next) {
			cJSON *sub = canonical_value(el);
			if (!sub || !cJSON_AddItemToArray(payload, sub)) {
				cJSON_Delete(sub);
				cJSON_Delete(payload);
				payload = NULL;
			}
		}
	} else {   /* sets: canonical elements, sorted */
		size_t n = count_children(p), i = 0;
		cJSON **els = xmalloc((n ? n : 1) * sizeof *els);
		int ok = 1;
		for (const cJSON *el = p->child; el; el = el->next, i++) {
			els[i] = canonical_scalar(t[0], el->valuestring);
			if (!els[i])
				ok = 0;
		}
		if (ok) {
			qsort(els, n, sizeof *els, cmp_string_node);
			payload = cJSON_CreateArray();
		}
		for (i = 0; i < n; i++)
			if (!payload || !cJSON_AddItemToArray(payload, els[i]))
				cJSON_Delete(els[i]);
		free(els);
	}
	if (!payload)
		return NULL;
	out = cJSON_CreateObject();
	if (!out || !cJSON_AddItemToObject(out, t, payload)) {
		cJSON_Delete(payload);
		cJSON_Delete(out);
		return NULL;
	}
	return out;
}

cJSON *item_canonical(const cJSON *item, struct err *e)
{
	if (item_validate_ddb(item, e) < 0)
		return NULL;
	cJSON *out = canonical_members(item);
	if (!out)
		err_set(e, ERR_INTERNAL, "out of memory");
	return out;
}

int item_canonical_text(const cJSON *item, struct buf *out, struct err *e)
{
	cJSON *c = item_canonical(item, e);
	if (!c)
		return -1;
	int rc = json_print_to_buf(c, out, e);
	cJSON_Delete(c);
	return rc;
}
