/* repl_split.c — the REPL's quote-aware line splitter (rules in repl.h). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/repl.h"

void repl_words_release(struct repl_words *w)
{
	for (int i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}

static void push(struct repl_words *w, struct buf *cur)
{
	if (!w) {
		buf_reset(cur);
		return;
	}
	if (w->n + 2 > w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->v = xrealloc(w->v, (size_t)w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = xstrdup(buf_cstr(cur));
	w->v[w->n] = NULL;
	buf_reset(cur);
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split s[from..len) into w (NULL: only the state is wanted), starting from the state in *st (zeroed for a
 * whole line).  A NUL ends the scan (the caller decides whether that is an error). */
static void scan_from(const char *s, size_t from, size_t len, struct repl_words *w, struct repl_scan *st)
{
	struct buf cur = BUF_INIT;
	size_t i = from;

	st->word_start = len;
	while (i < len && s[i]) {
		char c = s[i];
		if (st->quote == '\'') {
			if (c == '\'')
				st->quote = 0;
			else
				buf_addc(&cur, c);
			i++;
			continue;
		}
		if (st->quote == '"') {
			if (c == '"') {
				st->quote = 0;
				i++;
			} else if (c == '\\' && i + 1 < len && (s[i + 1] == '"' || s[i + 1] == '\\')) {
				buf_addc(&cur, s[i + 1]);
				i += 2;
			} else {
				buf_addc(&cur, c);
				i++;
			}
			continue;
		}
		if (blank(c)) {
			if (st->in_word) {
				push(w, &cur);
				st->in_word = 0;
			}
			i++;
			continue;
		}
		if (c == '#' && !st->in_word) {
			st->in_comment = 1;
			break;
		}
		if (c == '\\' && (i + 1 >= len || !s[i + 1])) {
			st->trailing_bs = 1;   /* the state before the backslash is kept: a continuation resumes there */
			st->resume = i;
			i++;
			continue;
		}
		if (c == '\\' && s[i + 1] == '\n') {
			i += 2;   /* line continuation: removed as a shell does; it neither starts nor ends a word */
			continue;
		}
		if (!st->in_word) {
			st->in_word = 1;
			st->word_start = i;
		}
		if (c == '\'' || c == '"') {
			st->quote = c;
			i++;
		} else if (c == '\\') {
			buf_addc(&cur, s[i + 1]);
			i += 2;
		} else {
			buf_addc(&cur, c);
			i++;
		}
	}
	if (st->quote)
		st->resume = i;   /* inside a quote: what follows is read on from here */
	if (st->in_word && w)
		push(w, &cur);
	buf_release(&cur);
}

static void scan(const char *s, size_t len, struct repl_words *w, struct repl_scan *st)
{
	memset(st, 0, sizeof(*st));
	scan_from(s, 0, len, w, st);
}

int repl_split(const char *line, size_t len, struct repl_words *w, struct err *e)
{
	struct repl_scan st;

	if (memchr(line, '\0', len))
		return err_set(e, ERR_USAGE, "the line holds a NUL byte");
	scan(line, len, w, &st);
	if (st.quote || st.trailing_bs) {
		repl_words_release(w);
		return REPL_SPLIT_INCOMPLETE;
	}
	if (!w->v) {   /* an empty line: still a valid, NULL-terminated vector */
		w->cap = 1;
		w->v = xcalloc(1, sizeof(*w->v));
	}
	return REPL_SPLIT_OK;
}

int repl_split_more(const char *line, size_t len, struct repl_scan *st)
{
	if (st->in_comment || memchr(line + st->resume, '\0', len - st->resume))
		return REPL_SPLIT_OK;   /* a NUL: complete, so that repl_split reports it */
	st->trailing_bs = 0;
	scan_from(line, st->resume, len, NULL, st);
	if (st->quote || st->trailing_bs)
		return REPL_SPLIT_INCOMPLETE;
	return REPL_SPLIT_OK;
}

void repl_split_partial(const char *line, size_t len, struct repl_words *w, char *quote, size_t *word_start,
                        int *in_comment)
{
	struct repl_scan st;
	struct buf empty = BUF_INIT;

	scan(line, len, w, &st);
	*in_comment = st.in_comment;
	*quote = st.quote;
	if (!st.in_word || st.in_comment) {
		/* the cursor follows a blank: an empty word is being completed */
		push(w, &empty);
		*word_start = len;
	} else {
		*word_start = st.word_start;
	}
	buf_release(&empty);
}

static int safe_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_@%+=:,./-", c);
}

char *repl_quote(const char *word)
{
	struct buf b = BUF_INIT;
	int safe = *word != '\0';

	for (const char *p = word; *p && safe; p++)
		if (!safe_char(*p))
			safe = 0;
	if (safe)
		return xstrdup(word);
	buf_addc(&b, '\'');
	for (const char *p = word; *p; p++) {
		if (*p == '\'')
			buf_adds(&b, "'\\''");
		else
			buf_addc(&b, *p);
	}
	buf_addc(&b, '\'');
	return buf_detach(&b, NULL);
}
