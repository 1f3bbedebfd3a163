/* render.c — streaming renderers for table, json, jsonl and text output. */
#include "cli/render.h"

#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "base/buf.h"
#include "base/term.h"

#define TABLE_BLOCK 500
#define CELL_MAX 60

struct render {
	struct ctx *ctx;
	enum out_mode mode;
	const char **cols;
	size_t ncols;
	int fixed_cols;
	cJSON *block;         /* table: buffered rows */
	size_t nrows, total;
	int header_done;
	size_t *widths;       /* table: column widths fixed by the first block, so later blocks line up */
	int whole;            /* records: cells never cut, not fitted to the terminal */
};

enum out_mode render_pick(const struct ctx *ctx, enum out_mode piped_default)
{
	if (ctx->output != OUT_AUTO)
		return ctx->output;
	return ctx->out_tty ? OUT_TABLE : piped_default;
}

struct render *render_begin(struct ctx *ctx, enum out_mode piped_default, const char *const *columns)
{
	struct render *r = xcalloc(1, sizeof(*r));
	r->ctx = ctx;
	r->mode = render_pick(ctx, piped_default);
	if (r->mode == OUT_MAP)
		r->mode = OUT_JSON;
	if (columns) {
		for (const char *const *c = columns; *c; c++) {
			r->cols = xrealloc(r->cols, (r->ncols + 1) * sizeof(*r->cols));
			r->cols[r->ncols++] = xstrdup(*c);
		}
		r->fixed_cols = 1;
	}
	r->block = cJSON_CreateArray();
	return r;
}

enum out_mode render_mode(const struct render *r)
{
	return r->mode;
}

char *render_cell(const cJSON *v)
{
	if (!v || cJSON_IsNull(v))
		return xstrdup("");
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsRaw(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
	if (cJSON_IsNumber(v)) {
		char *s = cJSON_PrintUnformatted(v);
		char *d = xstrdup(s ? s : "");
		cJSON_free(s);
		return d;
	}
	char *s = cJSON_PrintUnformatted(v);
	char *d = xstrdup(s ? s : "");
	cJSON_free(s);
	return d;
}

static void learn_cols(struct render *r, const cJSON *v)
{
	if (r->fixed_cols || !cJSON_IsObject(v))
		return;
	for (const cJSON *c = v->child; c; c = c->next) {
		size_t i;
		for (i = 0; i < r->ncols; i++)
			if (!strcmp(r->cols[i], c->string))
				break;
		if (i == r->ncols) {
			r->cols = xrealloc(r->cols, (r->ncols + 1) * sizeof(*r->cols));
			r->cols[r->ncols++] = xstrdup(c->string);
		}
	}
}

/* Terminal widths come from wcwidth in glibc's built-in C.UTF-8 locale, whatever the user's locale (tests run with
 * LC_ALL=C): 2 columns for East Asian wide characters and emoji, 0 for combining marks.  Without that locale every
 * code point counts 1. */
static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_init(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Columns of one code point; call between utf8_enter and utf8_leave. */
static size_t cp_width(unsigned cp)
{
	if (term_is_control(cp) || !utf8_loc)
		return 1;
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

static locale_t utf8_enter(void)
{
	pthread_once(&utf8_once, utf8_init);
	return utf8_loc ? uselocale(utf8_loc) : (locale_t)0;
}

static void utf8_leave(locale_t old)
{
	if (utf8_loc)
		uselocale(old);
}

/* Display width of UTF-8 text on a terminal, in columns. */
static size_t width(const char *s)
{
	locale_t old = utf8_enter();
	size_t w = 0;
	unsigned cp;
	while (*s) {
		s += term_utf8_next(s, &cp);
		w += cp_width(cp);
	}
	utf8_leave(old);
	return w;
}

/* Copy s for a cell: control characters shown as spaces, bad UTF-8 as U+FFFD, cut to max columns (the last one
 * "…"). */
static char *cut(const char *s, size_t max)
{
	struct buf b = BUF_INIT;
	size_t w = 0, total = width(s);
	locale_t old = utf8_enter();
	while (*s) {
		unsigned cp;
		size_t n = term_utf8_next(s, &cp), cw = cp_width(cp);
		if (total > max && w + cw + 1 > max) {
			buf_adds(&b, "\xe2\x80\xa6");
			break;
		}
		if (term_is_control(cp))
			buf_addc(&b, ' ');
		else if (cp == 0xFFFD && n == 1)
			buf_adds(&b, "\xef\xbf\xbd");
		else
			buf_add(&b, s, n);
		w += cw;
		s += n;
	}
	utf8_leave(old);
	return buf_detach(&b, NULL);
}

static char *cellify(const char *s)
{
	return cut(s, CELL_MAX);
}

/* The terminal's width, or 0 when unknown (not a terminal and no COLUMNS). */
static size_t term_cols(const struct render *r)
{
	struct winsize ws;
	if (r->ctx->out_tty && ioctl(fileno(r->ctx->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	if (c && *c) {
		char *end;
		long n = strtol(c, &end, 10);
		if (!*end && n > 0 && n < 100000)
			return (size_t)n;
	}
	return 0;
}

/* Narrow the widest columns until the row fits the terminal (never below 6 code points). */
static void fit(size_t *w, size_t nc, size_t cols)
{
	if (!cols)
		return;
	for (;;) {
		size_t total = 2 * (nc - 1), widest = 0;
		for (size_t i = 0; i < nc; i++) {
			total += w[i];
			if (w[i] > w[widest])
				widest = i;
		}
		if (total <= cols || w[widest] <= 6)
			return;
		w[widest]--;
	}
}

static const cJSON *col_value(const struct render *r, const cJSON *row, size_t i)
{
	if (!cJSON_IsObject(row))
		return i == 0 ? row : NULL;
	return cJSON_GetObjectItemCaseSensitive(row, r->cols[i]);
}

static void flush_table(struct render *r)
{
	FILE *f = r->ctx->out;
	size_t nc = r->ncols ? r->ncols : 1;
	size_t *w = xcalloc(nc, sizeof(*w));
	size_t nrows = (size_t)cJSON_GetArraySize(r->block);
	char ***cells = xcalloc(nrows ? nrows : 1, sizeof(*cells));
	size_t ri = 0;
	for (size_t i = 0; i < nc; i++)
		w[i] = r->ncols ? width(r->cols[i]) : 0;
	for (const cJSON *row = r->block->child; row; row = row->next, ri++) {
		cells[ri] = xcalloc(nc, sizeof(char *));
		for (size_t i = 0; i < nc; i++) {
			char *raw = render_cell(col_value(r, row, i));
			cells[ri][i] = r->whole ? cut(raw, SIZE_MAX) : cellify(raw);
			free(raw);
			size_t cw = width(cells[ri][i]);
			if (cw > w[i])
				w[i] = cw;
		}
	}
	if (r->widths && r->header_done) {
		memcpy(w, r->widths, nc * sizeof(*w));   /* line up with the header printed before */
	} else {
		if (!r->whole)
			fit(w, nc, term_cols(r));
		free(r->widths);
		r->widths = xcalloc(nc, sizeof(*w));
		memcpy(r->widths, w, nc * sizeof(*w));
	}
	for (size_t j = 0; j < nrows; j++)
		for (size_t i = 0; i < nc; i++)
			if (width(cells[j][i]) > w[i]) {
				char *c = cut(cells[j][i], w[i]);
				free(cells[j][i]);
				cells[j][i] = c;
			}
	if (!r->header_done && r->ncols) {
		for (size_t i = 0; i < nc; i++) {
			char *h = cut(r->cols[i], w[i]);
			size_t pad = w[i] - width(h);
			fprintf(f, "%s%s", i ? "  " : "", h);
			if (i + 1 < nc)
				for (size_t k = 0; k < pad; k++)
					fputc(' ', f);
			free(h);
		}
		fputc('\n', f);
		for (size_t i = 0; i < nc; i++) {
			fputs(i ? "  " : "", f);
			for (size_t k = 0; k < w[i]; k++)
				fputc('-', f);
		}
		fputc('\n', f);
		r->header_done = 1;
	}
	for (size_t j = 0; j < nrows; j++) {
		for (size_t i = 0; i < nc; i++) {
			const char *c = cells[j][i];
			size_t pad = w[i] - width(c);
			fprintf(f, "%s%s", i ? "  " : "", c);
			if (i + 1 < nc)
				for (size_t k = 0; k < pad; k++)
					fputc(' ', f);
			free(cells[j][i]);
		}
		fputc('\n', f);
		free(cells[j]);
	}
	free(cells);
	free(w);
	cJSON_Delete(r->block);
	r->block = cJSON_CreateArray();
	r->nrows = 0;
}

/* A cell of the text view: tabs and line ends as spaces (they would split the row); on a terminal every control
 * blanked (term.h), piped the rest byte-exact.  Caller frees. */
static char *text_cell(const struct render *r, const cJSON *v)
{
	char *c = render_cell(v);
	if (r->ctx->out_tty) {
		char *t = term_clean(c);
		free(c);
		return t;
	}
	for (char *p = c; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return c;
}

int render_row(struct render *r, const cJSON *v, struct err *e)
{
	FILE *f = r->ctx->out;
	r->total++;
	switch (r->mode) {
	case OUT_TABLE:
		learn_cols(r, v);
		cJSON_AddItemToArray(r->block, cJSON_Duplicate(v, 1));
		if (++r->nrows >= TABLE_BLOCK)
			flush_table(r);
		break;
	case OUT_JSON:
	case OUT_JSONL: {
		char *s = cJSON_PrintUnformatted(v);
		if (!s)
			return err_set(e, ERR_INTERNAL, "cannot print JSON");
		char *shown = r->ctx->out_tty ? term_clean_json(s) : NULL;   /* piped: byte-exact */
		if (r->mode == OUT_JSON)
			fputs(r->total == 1 ? "[\n" : ",\n", f);
		fputs(shown ? shown : s, f);
		if (r->mode == OUT_JSONL)
			fputc('\n', f);
		free(shown);
		cJSON_free(s);
		break;
	}
	default: /* OUT_TEXT */
		learn_cols(r, v);
		if (!cJSON_IsObject(v)) {
			char *c = text_cell(r, v);
			fprintf(f, "%s\n", c);
			free(c);
			break;
		}
		for (size_t i = 0; i < r->ncols; i++) {
			char *c = text_cell(r, col_value(r, v, i));
			fprintf(f, "%s%s", i ? "\t" : "", c);
			free(c);
		}
		fputc('\n', f);
		break;
	}
	if (ferror(f))
		return err_set(e, ERR_IO, "cannot write output: %s", strerror(errno));
	return 0;
}

int render_end(struct render *r, struct err *e)
{
	FILE *f = r->ctx->out;
	int rc = 0;
	if (r->mode == OUT_TABLE && (r->nrows || !r->header_done))
		if (r->nrows || r->ncols)
			flush_table(r);
	if (r->mode == OUT_JSON)
		fputs(r->total ? "\n]\n" : "[]\n", f);
	if (fflush(f) != 0 || ferror(f))
		rc = err_set(e, ERR_IO, "cannot write output: %s", strerror(errno));
	for (size_t i = 0; i < r->ncols; i++)
		free((char *)r->cols[i]);
	free(r->cols);
	free(r->widths);
	cJSON_Delete(r->block);
	free(r);
	return rc;
}

void render_abort(struct render *r)
{
	if (r->mode == OUT_TABLE && r->nrows)
		flush_table(r);   /* what was read is still shown */
	else if (r->mode == OUT_JSON && r->total)
		fputs("\n]\n", r->ctx->out);
	fflush(r->ctx->out);
	for (size_t i = 0; i < r->ncols; i++)
		free((char *)r->cols[i]);
	free(r->cols);
	free(r->widths);
	cJSON_Delete(r->block);
	free(r);
}

struct render *render_begin_record(struct ctx *ctx, enum out_mode piped_default)
{
	static const char *const cols[] = { "field", "value", NULL };
	struct render *r = render_begin(ctx, piped_default, cols);
	r->whole = 1;
	return r;
}

int render_field(struct render *r, const char *field, const char *value, struct err *e)
{
	cJSON *row = cJSON_CreateObject();
	cJSON_AddStringToObject(row, "field", field);
	cJSON_AddStringToObject(row, "value", value ? value : "");
	int rc = render_row(r, row, e);
	cJSON_Delete(row);
	return rc;
}

int render_record(struct ctx *ctx, enum out_mode piped_default, const cJSON *o, struct err *e)
{
	enum out_mode m = render_pick(ctx, piped_default);
	if (m != OUT_TABLE && m != OUT_TEXT) {
		char *s = cJSON_PrintUnformatted(o);
		if (!s)
			return err_set(e, ERR_INTERNAL, "cannot print JSON");
		char *shown = ctx->out_tty ? term_clean_json(s) : NULL;
		fprintf(ctx->out, "%s\n", shown ? shown : s);
		free(shown);
		cJSON_free(s);
		if (fflush(ctx->out) != 0 || ferror(ctx->out))
			return err_set(e, ERR_IO, "cannot write output: %s", strerror(errno));
		return 0;
	}
	struct render *r = render_begin_record(ctx, piped_default);
	for (const cJSON *c = cJSON_IsObject(o) ? o->child : NULL; c; c = c->next) {
		char *v = render_cell(c);
		int rc = render_field(r, c->string, v, e);
		free(v);
		if (rc < 0) {
			render_abort(r);
			return -1;
		}
	}
	return render_end(r, e);
}
