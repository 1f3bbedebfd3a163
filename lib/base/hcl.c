/* hcl.c — tokenizer and parser for the HCL subset Terraform files use (see hcl.h). */
#include "base/hcl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok {
	T_EOF, T_NL, T_IDENT, T_NUMBER, T_STRING, T_HEREDOC,
	T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN,
	T_EQ, T_COMMA, T_DOT, T_COLON, T_QUEST, T_OP, T_ELLIPSIS, T_ARROW,
};

struct token {
	enum tok t;
	size_t start, end;   /* source span; for T_STRING the text between the quotes */
	int line;
	int interp;          /* T_STRING holds ${ or %{ */
};

struct parser {
	const char *src;
	size_t len, pos;
	int line;
	const char *file;
	struct err *e;
	struct token cur;
	size_t prev_end;     /* end of the last consumed token */
	int depth;
	int failed;
	/* newline handling: inside ( ) and [ ] newlines are not tokens; inside { } and at top level they are */
	unsigned char nl_ignore[2 * HCL_MAX_DEPTH + 8];
	int nl_top;
};

static int perr(struct parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(struct parser *p, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	if (p->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->failed = 1;
	return err_set(p->e, ERR_DATA, "%s:%d: %s", p->file, line, msg);
}

/* ---- lexer ------------------------------------------------------------------------------ */

static int is_id_start(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_id_char(int c) { return is_id_start(c) || (c >= '0' && c <= '9') || c == '-'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int lex_quoted(struct parser *p, size_t *pos, int *interp, int nest);

/* Skip a ${ ... } or %{ ... } starting at *pos (pointing at '$' or '%'); handles nested strings/braces. */
static int lex_interp(struct parser *p, size_t *pos, int nest)
{
	size_t i = *pos + 2;
	int depth = 1, line0 = p->line, dummy;
	if (nest > 8)
		return perr(p, p->line, "string interpolation nested too deep");
	while (i < p->len) {
		char c = p->src[i];
		if (c == '"') {
			i++;
			if (lex_quoted(p, &i, &dummy, nest + 1) < 0)
				return -1;
			continue;
		}
		if (c == '\n')
			p->line++;
		else if (c == '{')
			depth++;
		else if (c == '}' && --depth == 0) {
			*pos = i + 1;
			return 0;
		}
		i++;
	}
	return perr(p, line0, "unterminated '${' in string");
}

/* *pos is just after the opening quote; on success it is just after the closing quote. */
static int lex_quoted(struct parser *p, size_t *pos, int *interp, int nest)
{
	size_t i = *pos;
	*interp = 0;
	while (i < p->len) {
		char c = p->src[i];
		if (c == '"') {
			*pos = i + 1;
			return 0;
		}
		if (c == '\n')
			break;
		if (c == '\\') {
			if (i + 1 >= p->len || p->src[i + 1] == '\n')
				break;
			i += 2;
			continue;
		}
		if ((c == '$' || c == '%') && i + 1 < p->len) {
			if (p->src[i + 1] == c && i + 2 < p->len && p->src[i + 2] == '{') {
				i += 3;   /* $${ or %%{ : a literal ${ / %{ */
				continue;
			}
			if (p->src[i + 1] == '{') {
				*interp = 1;
				if (lex_interp(p, &i, nest) < 0)
					return -1;
				continue;
			}
		}
		i++;
	}
	return perr(p, p->line, "unterminated string");
}

/* <<EOF / <<-EOF heredoc: *pos at the first '<'. */
static int lex_heredoc(struct parser *p, size_t *pos)
{
	size_t i = *pos + 2, id0, id1;
	int line0 = p->line;
	if (i < p->len && p->src[i] == '-')
		i++;
	id0 = i;
	while (i < p->len && is_id_char((unsigned char)p->src[i]))
		i++;
	id1 = i;
	if (id1 == id0 || !is_id_start((unsigned char)p->src[id0]))
		return perr(p, line0, "expected a heredoc marker after '<<'");
	while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t' || p->src[i] == '\r'))
		i++;
	if (i >= p->len || p->src[i] != '\n')
		return perr(p, line0, "heredoc marker must end the line");
	while (i < p->len) {
		size_t ls, le;
		i++;            /* past '\n' */
		p->line++;
		ls = i;
		while (ls < p->len && (p->src[ls] == ' ' || p->src[ls] == '\t'))
			ls++;
		le = ls;
		while (le < p->len && p->src[le] != '\n')
			le++;
		i = le;
		while (le > ls && (p->src[le - 1] == '\r' || p->src[le - 1] == ' ' || p->src[le - 1] == '\t'))
			le--;
		if (le - ls == id1 - id0 && !memcmp(p->src + ls, p->src + id0, id1 - id0)) {
			*pos = i;
			return 0;
		}
	}
	p->line = line0;
	return perr(p, line0, "unterminated heredoc (no closing '%.*s' line)", (int)(id1 - id0), p->src + id0);
}

static int nl_ignored(const struct parser *p)
{
	return p->nl_top > 0 && p->nl_ignore[p->nl_top - 1];
}

/* Read the next token into p->cur. */
static int lex(struct parser *p)
{
	const char *s = p->src;
	size_t n = p->len;
	struct token *t = &p->cur;
	for (;;) {
		size_t i = p->pos;
		char c;
		if (i >= n) {
			t->t = T_EOF;
			t->start = t->end = n;
			t->line = p->line;
			return 0;
		}
		c = s[i];
		if (c == ' ' || c == '\t' || c == '\r') {
			p->pos++;
			continue;
		}
		if (c == '#' || (c == '/' && i + 1 < n && s[i + 1] == '/')) {
			while (p->pos < n && s[p->pos] != '\n')
				p->pos++;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			int line0 = p->line, spans = 0;
			size_t j = i + 2;
			while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/')) {
				if (s[j] == '\n') {
					p->line++;
					spans = 1;
				}
				j++;
			}
			if (j + 1 >= n)
				return perr(p, line0, "unterminated /* comment");
			p->pos = j + 2;
			if (spans && !nl_ignored(p)) {
				t->t = T_NL;
				t->start = i;
				t->end = p->pos;
				t->line = p->line;
				return 0;
			}
			continue;
		}
		if (c == '\n') {
			p->pos++;
			p->line++;
			if (nl_ignored(p))
				continue;
			t->t = T_NL;
			t->start = i;
			t->end = i + 1;
			t->line = p->line - 1;
			return 0;
		}
		break;
	}
	{
		size_t i = p->pos;
		char c = s[i];
		t->start = i;
		t->line = p->line;
		t->interp = 0;
		if (is_id_start((unsigned char)c)) {
			while (i < n && is_id_char((unsigned char)s[i]))
				i++;
			t->t = T_IDENT;
		} else if (is_digit((unsigned char)c)) {
			while (i < n && is_digit((unsigned char)s[i]))
				i++;
			if (i + 1 < n && s[i] == '.' && is_digit((unsigned char)s[i + 1])) {
				i++;
				while (i < n && is_digit((unsigned char)s[i]))
					i++;
			}
			if (i < n && (s[i] == 'e' || s[i] == 'E')) {
				size_t j = i + 1;
				if (j < n && (s[j] == '+' || s[j] == '-'))
					j++;
				if (j < n && is_digit((unsigned char)s[j])) {
					i = j;
					while (i < n && is_digit((unsigned char)s[i]))
						i++;
				}
			}
			t->t = T_NUMBER;
		} else if (c == '"') {
			size_t j = i + 1;
			if (lex_quoted(p, &j, &t->interp, 0) < 0)
				return -1;
			t->t = T_STRING;
			t->start = i + 1;
			t->end = j - 1;
			p->pos = j;
			return 0;
		} else if (c == '<' && i + 1 < n && s[i + 1] == '<') {
			size_t j = i;
			if (lex_heredoc(p, &j) < 0)
				return -1;
			t->t = T_HEREDOC;
			t->end = j;
			p->pos = j;
			return 0;
		} else {
			static const struct { const char *s; enum tok t; } ops[] = {
				{ "...", T_ELLIPSIS }, { "=>", T_ARROW }, { "==", T_OP }, { "!=", T_OP }, { "<=", T_OP },
				{ ">=", T_OP }, { "&&", T_OP }, { "||", T_OP }, { "{", T_LBRACE }, { "}", T_RBRACE },
				{ "[", T_LBRACK }, { "]", T_RBRACK }, { "(", T_LPAREN }, { ")", T_RPAREN }, { "=", T_EQ },
				{ ",", T_COMMA }, { ".", T_DOT }, { ":", T_COLON }, { "?", T_QUEST }, { "+", T_OP },
				{ "-", T_OP }, { "*", T_OP }, { "/", T_OP }, { "%", T_OP }, { "<", T_OP }, { ">", T_OP },
				{ "!", T_OP },
			};
			size_t k;
			for (k = 0; k < sizeof ops / sizeof ops[0]; k++) {
				size_t l = strlen(ops[k].s);
				if (i + l <= n && !memcmp(s + i, ops[k].s, l)) {
					t->t = ops[k].t;
					i += l;
					break;
				}
			}
			if (k == sizeof ops / sizeof ops[0]) {
				if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
					return perr(p, p->line, "unexpected character '%c'", c);
				return perr(p, p->line, "unexpected byte 0x%02x", (unsigned char)c);
			}
		}
		t->end = i;
		p->pos = i;
	}
	return 0;
}

/* A token's source span including the quotes of a T_STRING (whose start/end are the text between them). */
static size_t raw_start(const struct token *t) { return t->t == T_STRING ? t->start - 1 : t->start; }
static size_t raw_end(const struct token *t) { return t->t == T_STRING ? t->end + 1 : t->end; }

static int advance(struct parser *p)
{
	p->prev_end = raw_end(&p->cur);
	return lex(p);
}

static int tok_is(const struct parser *p, enum tok t, const char *text)
{
	size_t l;
	if (p->cur.t != t)
		return 0;
	if (!text)
		return 1;
	l = strlen(text);
	return p->cur.end - p->cur.start == l && !memcmp(p->src + p->cur.start, text, l);
}

/* Describe the current token for an error message. */
static const char *tok_desc(const struct parser *p, char *buf, size_t size)
{
	const struct token *t = &p->cur;
	size_t l = t->end - t->start;
	switch (t->t) {
	case T_EOF: return "end of file";
	case T_NL: return "end of line";
	case T_STRING: return "a string";
	case T_HEREDOC: return "a heredoc";
	default:
		if (l > 40)
			l = 40;
		if (snprintf(buf, size, "'%.*s'", (int)l, p->src + t->start) < 0 && size)
			buf[0] = '\0';
		return buf;
	}
}

/* Peek at the token after the current one without consuming anything. */
static enum tok peek_next(struct parser *p, struct token *out)
{
	size_t pos = p->pos, prev = p->prev_end;
	int line = p->line;
	struct token save = p->cur;
	struct err esave = *p->e;
	enum tok r;
	if (lex(p) < 0) {
		p->failed = 0;
		*p->e = esave;
		r = T_EOF;
		out->t = T_EOF;
	} else {
		r = p->cur.t;
		*out = p->cur;
	}
	p->pos = pos;
	p->line = line;
	p->prev_end = prev;
	p->cur = save;
	return r;
}

static int nl_push(struct parser *p, int ignore)
{
	if (p->nl_top >= (int)sizeof p->nl_ignore)
		return perr(p, p->cur.line, "nesting too deep");
	p->nl_ignore[p->nl_top++] = (unsigned char)ignore;
	return 0;
}

static void nl_pop(struct parser *p)
{
	if (p->nl_top > 0)
		p->nl_top--;
}

static void skip_nl(struct parser *p)
{
	while (p->cur.t == T_NL && !p->failed)
		advance(p);
}

/* ---- values ----------------------------------------------------------------------------- */

static struct hcl_value *val_new(enum hcl_kind k, int line)
{
	struct hcl_value *v = xcalloc(1, sizeof *v);
	v->kind = k;
	v->line = line;
	return v;
}

void hcl_value_free(struct hcl_value *v)
{
	size_t i;
	if (!v)
		return;
	free(v->str);
	for (i = 0; v->items && i < v->n; i++)
		hcl_value_free(v->items[i]);
	free(v->items);
	for (i = 0; v->attrs && i < v->n; i++) {
		free(v->attrs[i].name);
		hcl_value_free(v->attrs[i].value);
	}
	free(v->attrs);
	free(v);
}

/* Turn v into an HCL_EXPR holding src[start..p->prev_end). */
static struct hcl_value *to_expr(struct parser *p, struct hcl_value *v, size_t start, int line)
{
	struct hcl_value *x = val_new(HCL_EXPR, line);
	size_t end = p->prev_end > start ? p->prev_end : start;
	hcl_value_free(v);
	x->str = xstrndup(p->src + start, end - start);
	x->len = end - start;
	return x;
}

static int decode_string(struct parser *p, const struct token *t, struct buf *out)
{
	return hcl_template_render(p->src + t->start, t->end - t->start, NULL, NULL, p->file, t->line, out, p->e);
}

static struct hcl_value *parse_expr(struct parser *p);

/* Skip a `for` expression up to and including the bracket that closes the one already consumed. */
static int skip_balanced(struct parser *p, enum tok close, int line)
{
	enum tok stack[2 * HCL_MAX_DEPTH];
	int top = 0;
	stack[top++] = close;
	while (!p->failed) {
		enum tok t = p->cur.t;
		if (t == T_EOF)
			return perr(p, line, "unclosed bracket in expression");
		if (t == T_LBRACE || t == T_LBRACK || t == T_LPAREN) {
			if (top >= (int)(sizeof stack / sizeof stack[0]))
				return perr(p, p->cur.line, "nesting too deep");
			stack[top++] = t == T_LBRACE ? T_RBRACE : t == T_LBRACK ? T_RBRACK : T_RPAREN;
		} else if (t == T_RBRACE || t == T_RBRACK || t == T_RPAREN) {
			if (stack[top - 1] != t) {
				char b[64];
				return perr(p, p->cur.line, "unexpected %s", tok_desc(p, b, sizeof b));
			}
			if (--top == 0)
				return 0;   /* at the closing bracket: the caller pops its newline mode, then advances */
		}
		advance(p);
	}
	return -1;
}

static struct hcl_value *parse_list(struct parser *p)
{
	int line = p->cur.line;
	size_t start = p->cur.start, cap = 0;
	struct hcl_value *v = val_new(HCL_LIST, line);
	char b[64];
	if (nl_push(p, 1) < 0 || advance(p) < 0)
		goto fail;
	if (tok_is(p, T_IDENT, "for")) {
		if (skip_balanced(p, T_RBRACK, line) < 0)
			goto fail;
		nl_pop(p);
		if (advance(p) < 0)
			goto fail;
		return to_expr(p, v, start, line);
	}
	for (;;) {
		struct hcl_value *item;
		if (p->cur.t == T_RBRACK)
			break;
		if (!(item = parse_expr(p)))
			goto fail;
		if (v->n == cap) {
			cap = cap ? 2 * cap : 4;
			v->items = xrealloc(v->items, cap * sizeof *v->items);
		}
		v->items[v->n++] = item;
		if (p->cur.t == T_COMMA) {
			if (advance(p) < 0)
				goto fail;
			continue;
		}
		if (p->cur.t != T_RBRACK) {
			perr(p, p->cur.line, "expected ',' or ']' in list, found %s", tok_desc(p, b, sizeof b));
			goto fail;
		}
	}
	nl_pop(p);
	if (advance(p) < 0)
		goto fail;
	return v;
fail:
	hcl_value_free(v);
	return NULL;
}

static struct hcl_value *parse_object(struct parser *p)
{
	int line = p->cur.line, computed = 0;
	size_t start = p->cur.start, cap = 0;
	struct hcl_value *v = val_new(HCL_OBJECT, line);
	struct buf key = BUF_INIT;
	char b[64];
	if (nl_push(p, 0) < 0 || advance(p) < 0)
		goto fail;
	skip_nl(p);
	if (tok_is(p, T_IDENT, "for")) {
		if (skip_balanced(p, T_RBRACE, line) < 0)
			goto fail;
		nl_pop(p);
		if (advance(p) < 0)
			goto fail;
		return to_expr(p, v, start, line);
	}
	for (;;) {
		struct token nx;
		struct hcl_value *val;
		int kline;
		size_t i;
		skip_nl(p);
		if (p->failed)
			goto fail;
		if (p->cur.t == T_RBRACE)
			break;
		kline = p->cur.line;
		buf_reset(&key);
		peek_next(p, &nx);
		if (p->cur.t == T_IDENT && (nx.t == T_EQ || nx.t == T_COLON)) {
			if (buf_add(&key, p->src + p->cur.start, p->cur.end - p->cur.start) < 0)
				goto toobig;
			if (advance(p) < 0)
				goto fail;
		} else if (p->cur.t == T_STRING && !p->cur.interp && (nx.t == T_EQ || nx.t == T_COLON)) {
			struct token t = p->cur;
			if (decode_string(p, &t, &key) < 0) {
				p->failed = 1;
				goto fail;
			}
			if (advance(p) < 0)
				goto fail;
		} else {
			struct hcl_value *k = parse_expr(p);   /* a computed key: the object is not a literal */
			if (!k)
				goto fail;
			hcl_value_free(k);
			computed = 1;
		}
		if (p->cur.t != T_EQ && p->cur.t != T_COLON) {
			perr(p, p->cur.line, "expected '=' after object key, found %s", tok_desc(p, b, sizeof b));
			goto fail;
		}
		if (advance(p) < 0)
			goto fail;
		if (!(val = parse_expr(p)))
			goto fail;
		if (!computed) {
			for (i = 0; i < v->n; i++) {
				if (!strcmp(v->attrs[i].name, buf_cstr(&key))) {
					hcl_value_free(val);
					perr(p, kline, "duplicate key '%s' in object (first at line %d)", buf_cstr(&key),
					     v->attrs[i].line);
					goto fail;
				}
			}
			if (v->n == cap) {
				cap = cap ? 2 * cap : 4;
				v->attrs = xrealloc(v->attrs, cap * sizeof *v->attrs);
			}
			v->attrs[v->n].name = xstrdup(buf_cstr(&key));
			v->attrs[v->n].line = kline;
			v->attrs[v->n].value = val;
			v->n++;
		} else {
			hcl_value_free(val);
		}
		if (p->cur.t == T_COMMA) {
			if (advance(p) < 0)
				goto fail;
			continue;
		}
		if (p->cur.t != T_NL && p->cur.t != T_RBRACE) {
			perr(p, p->cur.line, "expected ',', a new line or '}' in object, found %s", tok_desc(p, b, sizeof b));
			goto fail;
		}
	}
	nl_pop(p);
	if (advance(p) < 0)
		goto fail;
	buf_release(&key);
	if (computed)
		return to_expr(p, v, start, line);
	return v;
toobig:
	perr(p, line, "object key too long");
fail:
	buf_release(&key);
	hcl_value_free(v);
	return NULL;
}

static struct hcl_value *parse_primary(struct parser *p)
{
	struct token t = p->cur;
	struct hcl_value *v;
	char b[64];
	switch (t.t) {
	case T_NUMBER:
		v = val_new(HCL_NUMBER, t.line);
		v->str = xstrndup(p->src + t.start, t.end - t.start);
		v->len = t.end - t.start;
		if (advance(p) < 0)
			goto fail;
		return v;
	case T_STRING:
		if (t.interp) {
			v = val_new(HCL_TEMPLATE, t.line);
			v->str = xstrndup(p->src + t.start, t.end - t.start);
			v->len = t.end - t.start;
		} else {
			struct buf s = BUF_INIT;
			v = val_new(HCL_STRING, t.line);
			if (decode_string(p, &t, &s) < 0) {
				p->failed = 1;
				buf_release(&s);
				goto fail;
			}
			v->len = s.len;
			v->str = s.ptr ? buf_detach(&s, NULL) : xstrdup("");
		}
		if (advance(p) < 0)
			goto fail;
		return v;
	case T_HEREDOC: {
		size_t e = t.start;
		while (e < t.end && p->src[e] != '\n')
			e++;
		v = val_new(HCL_EXPR, t.line);
		v->str = xstrndup(p->src + t.start, e - t.start);
		v->len = e - t.start;
		if (advance(p) < 0)
			goto fail;
		return v;
	}
	case T_LBRACK:
		return parse_list(p);
	case T_LBRACE:
		return parse_object(p);
	case T_LPAREN: {
		struct hcl_value *in;
		if (nl_push(p, 1) < 0 || advance(p) < 0)
			return NULL;
		if (!(in = parse_expr(p)))
			return NULL;
		if (p->cur.t != T_RPAREN) {
			hcl_value_free(in);
			perr(p, p->cur.line, "expected ')', found %s", tok_desc(p, b, sizeof b));
			return NULL;
		}
		nl_pop(p);
		if (advance(p) < 0) {
			hcl_value_free(in);
			return NULL;
		}
		return to_expr(p, in, t.start, t.line);
	}
	case T_IDENT: {
		struct token nx;
		if (tok_is(p, T_IDENT, "true") || tok_is(p, T_IDENT, "false")) {
			v = val_new(HCL_BOOL, t.line);
			v->b = tok_is(p, T_IDENT, "true");
			if (advance(p) < 0)
				goto fail;
			return v;
		}
		if (tok_is(p, T_IDENT, "null")) {
			v = val_new(HCL_NULL, t.line);
			if (advance(p) < 0)
				goto fail;
			return v;
		}
		if (peek_next(p, &nx) == T_LPAREN && nx.start == t.end) {
			/* function call: name(args...) */
			if (advance(p) < 0 || nl_push(p, 1) < 0 || advance(p) < 0)
				return NULL;
			while (p->cur.t != T_RPAREN) {
				struct hcl_value *arg = parse_expr(p);
				if (!arg)
					return NULL;
				hcl_value_free(arg);
				if (p->cur.t == T_ELLIPSIS && advance(p) < 0)
					return NULL;
				if (p->cur.t == T_COMMA) {
					if (advance(p) < 0)
						return NULL;
					continue;
				}
				if (p->cur.t != T_RPAREN) {
					perr(p, p->cur.line, "expected ',' or ')' in function call, found %s",
					     tok_desc(p, b, sizeof b));
					return NULL;
				}
			}
			nl_pop(p);
			if (advance(p) < 0)
				return NULL;
			return to_expr(p, NULL, t.start, t.line);
		}
		if (advance(p) < 0)
			return NULL;
		return to_expr(p, NULL, t.start, t.line);
	}
	default:
		perr(p, t.line, "expected a value, found %s", tok_desc(p, b, sizeof b));
		return NULL;
	}
fail:
	hcl_value_free(v);
	return NULL;
}

/* primary, then traversals: .name  .0  .*  [expr]  [*] */
static struct hcl_value *parse_postfix(struct parser *p)
{
	size_t start = raw_start(&p->cur);
	int line = p->cur.line, changed = 0;
	char b[64];
	struct hcl_value *v = parse_primary(p);
	while (v) {
		if (p->cur.t == T_DOT) {
			if (advance(p) < 0)
				goto fail;
			if (p->cur.t != T_IDENT && p->cur.t != T_NUMBER && !tok_is(p, T_OP, "*")) {
				perr(p, p->cur.line, "expected an attribute name after '.', found %s", tok_desc(p, b, sizeof b));
				goto fail;
			}
			if (advance(p) < 0)
				goto fail;
			changed = 1;
		} else if (p->cur.t == T_LBRACK && p->cur.start == p->prev_end) {
			if (nl_push(p, 1) < 0 || advance(p) < 0)
				goto fail;
			if (tok_is(p, T_OP, "*")) {
				if (advance(p) < 0)
					goto fail;
			} else {
				struct hcl_value *ix = parse_expr(p);
				if (!ix)
					goto fail;
				hcl_value_free(ix);
			}
			if (p->cur.t != T_RBRACK) {
				perr(p, p->cur.line, "expected ']', found %s", tok_desc(p, b, sizeof b));
				goto fail;
			}
			nl_pop(p);
			if (advance(p) < 0)
				goto fail;
			changed = 1;
		} else {
			break;
		}
	}
	if (v && changed)
		return to_expr(p, v, start, line);
	return v;
fail:
	hcl_value_free(v);
	return NULL;
}

static struct hcl_value *parse_unary(struct parser *p)
{
	size_t start = raw_start(&p->cur);
	int line = p->cur.line;
	struct hcl_value *v;
	if (tok_is(p, T_OP, "-") || tok_is(p, T_OP, "!")) {
		int neg = tok_is(p, T_OP, "-");
		if (++p->depth > HCL_MAX_DEPTH) {
			perr(p, line, "expression nested too deep");
			return NULL;
		}
		if (advance(p) < 0)
			return NULL;
		v = parse_unary(p);
		p->depth--;
		if (!v)
			return NULL;
		if (neg && v->kind == HCL_NUMBER && v->str[0] != '-') {
			char *s = xasprintf("-%s", v->str);
			free(v->str);
			v->str = s;
			v->len = strlen(s);
			return v;
		}
		return to_expr(p, v, start, line);
	}
	return parse_postfix(p);
}

static struct hcl_value *parse_expr(struct parser *p)
{
	size_t start = raw_start(&p->cur);
	int line = p->cur.line, changed = 0;
	struct hcl_value *v;
	char b[64];
	if (++p->depth > HCL_MAX_DEPTH) {
		perr(p, line, "expression nested too deep");
		return NULL;
	}
	v = parse_unary(p);
	while (v && p->cur.t == T_OP && !tok_is(p, T_OP, "!")) {
		struct hcl_value *rhs;
		if (advance(p) < 0)
			goto fail;
		if (!(rhs = parse_unary(p)))
			goto fail;
		hcl_value_free(rhs);
		changed = 1;
	}
	if (v && p->cur.t == T_QUEST) {
		struct hcl_value *a, *c;
		if (advance(p) < 0 || !(a = parse_expr(p)))
			goto fail;
		hcl_value_free(a);
		if (p->cur.t != T_COLON) {
			perr(p, p->cur.line, "expected ':' in conditional, found %s", tok_desc(p, b, sizeof b));
			goto fail;
		}
		if (advance(p) < 0 || !(c = parse_expr(p)))
			goto fail;
		hcl_value_free(c);
		changed = 1;
	}
	p->depth--;
	if (v && changed)
		return to_expr(p, v, start, line);
	return v;
fail:
	p->depth--;
	hcl_value_free(v);
	return NULL;
}

/* ---- bodies ----------------------------------------------------------------------------- */

static void item_free(struct hcl_item *it)
{
	size_t i;
	if (it->is_block) {
		free(it->block.type);
		for (i = 0; i < it->block.nlabels; i++)
			free(it->block.labels[i]);
		free(it->block.labels);
		hcl_body_free(it->block.body);
	} else {
		free(it->attr.name);
		hcl_value_free(it->attr.value);
	}
}

void hcl_body_free(struct hcl_body *body)
{
	size_t i;
	if (!body)
		return;
	for (i = 0; i < body->n; i++)
		item_free(&body->items[i]);
	free(body->items);
	free(body);
}

const struct hcl_attr *hcl_body_attr(const struct hcl_body *body, const char *name)
{
	size_t i;
	for (i = 0; body && i < body->n; i++)
		if (!body->items[i].is_block && !strcmp(body->items[i].attr.name, name))
			return &body->items[i].attr;
	return NULL;
}

static int parse_body(struct parser *p, struct hcl_body *body, int open_line)
{
	size_t cap = 0;
	char b[64];
	for (;;) {
		struct hcl_item it;
		size_t nlab = 0;
		skip_nl(p);
		if (p->failed)
			return -1;
		if (p->cur.t == T_EOF) {
			if (open_line)
				return perr(p, p->cur.line, "missing '}' for the block opened at line %d", open_line);
			return 0;
		}
		if (p->cur.t == T_RBRACE) {
			if (!open_line)
				return perr(p, p->cur.line, "unexpected '}'");
			return advance(p);
		}
		if (p->cur.t != T_IDENT)
			return perr(p, p->cur.line, "expected an attribute or a block, found %s", tok_desc(p, b, sizeof b));
		memset(&it, 0, sizeof it);
		{
			char *name = xstrndup(p->src + p->cur.start, p->cur.end - p->cur.start);
			int line = p->cur.line;
			if (advance(p) < 0) {
				free(name);
				return -1;
			}
			if (p->cur.t == T_EQ) {
				size_t i;
				it.attr.name = name;
				it.attr.line = line;
				for (i = 0; i < body->n; i++) {
					if (!body->items[i].is_block && !strcmp(body->items[i].attr.name, name)) {
						perr(p, line, "attribute '%s' defined twice (first at line %d)", name,
						     body->items[i].attr.line);
						free(name);
						return -1;
					}
				}
				if (advance(p) < 0 || !(it.attr.value = parse_expr(p))) {
					free(name);
					return -1;
				}
				if (p->cur.t != T_NL && p->cur.t != T_EOF && p->cur.t != T_RBRACE) {
					perr(p, p->cur.line, "expected a new line after the value of '%s', found %s", name,
					     tok_desc(p, b, sizeof b));
					item_free(&it);
					return -1;
				}
			} else {
				it.is_block = 1;
				it.block.type = name;
				it.block.line = line;
				while (p->cur.t == T_IDENT || p->cur.t == T_STRING) {
					struct buf lab = BUF_INIT;
					if (p->cur.t == T_STRING) {
						struct token t = p->cur;
						if (t.interp) {
							item_free(&it);
							return perr(p, t.line, "a block label cannot use interpolation");
						}
						if (decode_string(p, &t, &lab) < 0) {
							p->failed = 1;
							buf_release(&lab);
							item_free(&it);
							return -1;
						}
					} else if (buf_add(&lab, p->src + p->cur.start, p->cur.end - p->cur.start) < 0) {
						buf_release(&lab);
						item_free(&it);
						return perr(p, p->cur.line, "block label too long");
					}
					if (nlab == it.block.nlabels) {
						nlab = nlab ? 2 * nlab : 2;
						it.block.labels = xrealloc(it.block.labels, nlab * sizeof *it.block.labels);
					}
					it.block.labels[it.block.nlabels++] = lab.ptr ? buf_detach(&lab, NULL) : xstrdup("");
					if (advance(p) < 0) {
						item_free(&it);
						return -1;
					}
				}
				if (p->cur.t != T_LBRACE) {
					perr(p, p->cur.line, "expected '=' or '{' after '%s', found %s", it.block.type,
					     tok_desc(p, b, sizeof b));
					item_free(&it);
					return -1;
				}
				if (++p->depth > HCL_MAX_DEPTH) {
					item_free(&it);
					return perr(p, line, "blocks nested too deep");
				}
				it.block.body = xcalloc(1, sizeof *it.block.body);
				if (nl_push(p, 0) < 0 || advance(p) < 0 || parse_body(p, it.block.body, line) < 0) {
					item_free(&it);
					return -1;
				}
				nl_pop(p);
				p->depth--;
			}
		}
		if (body->n == cap) {
			cap = cap ? 2 * cap : 8;
			body->items = xrealloc(body->items, cap * sizeof *body->items);
		}
		body->items[body->n++] = it;
	}
}

int hcl_parse(const char *src, size_t len, const char *file, struct hcl_body **out, struct err *e)
{
	struct parser p;
	struct hcl_body *body = xcalloc(1, sizeof *body);
	memset(&p, 0, sizeof p);
	p.src = src;
	p.len = len;
	p.line = 1;
	p.file = file ? file : "<input>";
	p.e = e;
	*out = NULL;
	if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3))
		p.pos = 3;   /* UTF-8 byte order mark */
	{
		const char *nul = memchr(src, '\0', len);
		if (nul) {
			const char *q;
			for (q = src; q < nul; q++)
				p.line += *q == '\n';
			hcl_body_free(body);
			return perr(&p, p.line, "NUL byte in the file (not a text file?)");
		}
	}
	if (lex(&p) < 0 || parse_body(&p, body, 0) < 0) {
		hcl_body_free(body);
		if (!p.failed)
			perr(&p, p.line, "syntax error");
		return -1;
	}
	*out = body;
	return 0;
}

/* ---- templates and helpers -------------------------------------------------------------- */

const char *hcl_var_ref(const struct hcl_value *v, size_t *namelen)
{
	size_t i;
	if (!v || v->kind != HCL_EXPR || v->len < 5 || strncmp(v->str, "var.", 4))
		return NULL;
	if (!is_id_start((unsigned char)v->str[4]))
		return NULL;
	for (i = 4; i < v->len; i++)
		if (!is_id_char((unsigned char)v->str[i]))
			return NULL;
	*namelen = v->len - 4;
	return v->str + 4;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int add_utf8(struct buf *out, uint32_t cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) { u[0] = (char)cp; n = 1; }
	else if (cp < 0x800) { u[0] = (char)(0xc0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3f)); n = 2; }
	else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); u[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
	}
	return buf_add(out, u, n);
}

int hcl_template_render(const char *raw, size_t len, hcl_var_lookup lookup, void *arg, const char *file,
                        int line, struct buf *out, struct err *e)
{
	size_t i = 0;
	if (!file)
		file = "<input>";
	while (i < len) {
		char c = raw[i];
		if (c == '\\') {
			char x = i + 1 < len ? raw[i + 1] : '\0';
			int r;
			switch (x) {
			case 'n': r = buf_addc(out, '\n'); i += 2; break;
			case 'r': r = buf_addc(out, '\r'); i += 2; break;
			case 't': r = buf_addc(out, '\t'); i += 2; break;
			case '"': r = buf_addc(out, '"'); i += 2; break;
			case '\\': r = buf_addc(out, '\\'); i += 2; break;
			case 'u': case 'U': {
				size_t nd = x == 'u' ? 4 : 8, k;
				uint32_t cp = 0;
				if (i + 2 + nd > len)
					return err_set(e, ERR_DATA, "%s:%d: bad \\%c escape in string", file, line, x);
				for (k = 0; k < nd; k++) {
					int h = hexval(raw[i + 2 + k]);
					if (h < 0)
						return err_set(e, ERR_DATA, "%s:%d: bad \\%c escape in string", file, line, x);
					cp = (cp << 4) | (uint32_t)h;
				}
				if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
					return err_set(e, ERR_DATA, "%s:%d: \\%c escape is not a Unicode character", file, line, x);
				r = add_utf8(out, cp);
				i += 2 + nd;
				break;
			}
			default:
				return err_set(e, ERR_DATA, "%s:%d: unknown escape '\\%c' in string", file, line,
				               x >= 0x20 && x < 0x7f ? x : '?');
			}
			if (r < 0)
				return err_set(e, ERR_DATA, "%s:%d: string too long", file, line);
			continue;
		}
		if ((c == '$' || c == '%') && i + 2 < len && raw[i + 1] == c && raw[i + 2] == '{') {
			if (buf_addc(out, c) < 0 || buf_addc(out, '{') < 0)
				return err_set(e, ERR_DATA, "%s:%d: string too long", file, line);
			i += 3;
			continue;
		}
		if ((c == '$' || c == '%') && i + 1 < len && raw[i + 1] == '{') {
			size_t j = i + 2, a, z;
			int depth = 1, inq = 0;
			const char *val;
			while (j < len) {
				if (inq) {
					if (raw[j] == '\\')
						j++;
					else if (raw[j] == '"')
						inq = 0;
				} else if (raw[j] == '"') {
					inq = 1;
				} else if (raw[j] == '{') {
					depth++;
				} else if (raw[j] == '}' && --depth == 0) {
					break;
				}
				j++;
			}
			if (j >= len)
				return err_set(e, ERR_DATA, "%s:%d: unterminated '%c{' in string", file, line, c);
			if (c == '%')
				return err_set(e, ERR_DATA, "%s:%d: template directives '%%{...}' are not supported", file,
				               line);
			a = i + 2;
			z = j;
			if (a < z && raw[a] == '~')
				a++;
			if (z > a && raw[z - 1] == '~')
				z--;
			while (a < z && (raw[a] == ' ' || raw[a] == '\t'))
				a++;
			while (z > a && (raw[z - 1] == ' ' || raw[z - 1] == '\t'))
				z--;
			{
				size_t k = a + 4, nl;
				int ok = z > a + 4 && !strncmp(raw + a, "var.", 4) && is_id_start((unsigned char)raw[a + 4]);
				for (; ok && k < z; k++)
					if (!is_id_char((unsigned char)raw[k]))
						ok = 0;
				nl = z - a;
				if (nl > 60)
					nl = 60;
				if (!ok)
					return err_set(e, ERR_DATA,
					               "%s:%d: interpolation '${%.*s}' is not supported (only ${var.NAME} given "
					               "with --var NAME=VALUE)", file, line, (int)nl, raw + a);
				if (!lookup || !(val = lookup(arg, raw + a + 4, z - a - 4)))
					return err_set(e, ERR_DATA, "%s:%d: variable '%.*s' has no value (give it with --var %.*s=VALUE)",
					               file, line, (int)(z - a - 4), raw + a + 4, (int)(z - a - 4), raw + a + 4);
				if (buf_adds(out, val) < 0)
					return err_set(e, ERR_DATA, "%s:%d: string too long", file, line);
			}
			i = j + 1;
			continue;
		}
		if (buf_addc(out, c) < 0)
			return err_set(e, ERR_DATA, "%s:%d: string too long", file, line);
		i++;
	}
	return 0;
}

const char *hcl_kind_name(enum hcl_kind k)
{
	switch (k) {
	case HCL_NULL: return "null";
	case HCL_BOOL: return "a bool";
	case HCL_NUMBER: return "a number";
	case HCL_STRING: return "a string";
	case HCL_TEMPLATE: return "a string template";
	case HCL_LIST: return "a list";
	case HCL_OBJECT: return "an object";
	case HCL_EXPR: return "an expression";
	}
	return "a value";
}
