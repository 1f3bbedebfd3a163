/* opt.c — parse argv against a command's option table plus the global options. */
#include "cli/opt.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "aws/ctx.h"
#include "base/fuzzy.h"

/* The global options: accepted by every command, anywhere on its line (they set fields of struct ctx). */
const struct opt ctx_global_opts[] = {
	OPT_F_BOOL(0, "prod", struct ctx, prod, "use AWS (the regional endpoints) instead of the local engine"),
	OPT_F_BOOL(0, "local", struct ctx, local, "use the local engine (default; DDB_LOCAL_ENDPOINT or http://localhost:8000)"),
	OPT_F_STR(0, "endpoint-url", struct ctx, endpoint_url, "URL", "send requests to this endpoint"),
	OPT_F_STRC(0, "region", struct ctx, region_opt, "REGION", "AWS region (else AWS_REGION, the profile)", "region"),
	OPT_F_STRC(0, "profile", struct ctx, profile_opt, "NAME", "profile in ~/.aws/config and ~/.aws/credentials", "profile"),
	OPT_F_STR(0, "namespace", struct ctx, namespace_opt, "PREFIX", "prefix every table name on the wire (DDB_NAMESPACE)"),
	OPT_F_CHOICE('o', "output", struct ctx, output_opt, "MODE", "output format", ctx_output_modes),
	OPT_F_BOOL(0, "ddb-json", struct ctx, ddb_json, "items as typed DynamoDB JSON (lossless)"),
	OPT_F_BOOL(0, "debug", struct ctx, debug, "print each request and response on stderr (secrets redacted, key ids masked)"),
	OPT_F_BOOL('q', "quiet", struct ctx, quiet, "no progress, notes or summaries on stderr"),
	OPT_F_BOOL('y', "yes", struct ctx, yes,
	           "confirm destructive actions without asking (in prod; drop --all without a namespace)"),
	OPT_F_INT(0, "max-attempts", struct ctx, max_attempts, "N", "attempts per request, retries included (AWS_MAX_ATTEMPTS)", 1, 100),
	OPT_F_DOUBLE(0, "connect-timeout", struct ctx, connect_timeout, "SEC", "connection timeout (default 5)"),
	OPT_F_DOUBLE(0, "timeout", struct ctx, timeout, "SEC", "timeout of one request attempt (default 60)"),
	OPT_F_BOOL(0, "no-color", struct ctx, no_color, "no colours in table output"),
	OPT_F_END,
};

void strlist_push(struct strlist *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 2) * sizeof(*l->v));
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

void strlist_release(struct strlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static const struct opt *find_in(const struct opt *t, const char *long_name, char short_name)
{
	for (; t && t->type != OPT_END; t++) {
		if (long_name && t->long_name && !strcmp(t->long_name, long_name))
			return t;
		if (!long_name && short_name && t->short_name == short_name)
			return t;
	}
	return NULL;
}

const struct opt *opt_find(const struct opt *opts, const char *long_name)
{
	const struct opt *o = find_in(opts, long_name, 0);
	return o ? o : find_in(ctx_global_opts, long_name, 0);
}

static const struct opt *find_long_n(const struct opt *t, const char *name, size_t len)
{
	for (; t && t->type != OPT_END; t++)
		if (t->long_name && strlen(t->long_name) == len && !strncmp(t->long_name, name, len))
			return t;
	return NULL;
}

const struct opt *opt_word(const struct opt *opts, const char *w, int *global, const char **inline_val)
{
	const struct opt *o = NULL;
	int g = 0;
	if (inline_val)
		*inline_val = NULL;
	if (w[0] == '-' && w[1] == '-' && w[2]) {
		const char *name = w + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		if (eq && inline_val)
			*inline_val = eq + 1;
		if (!(o = find_long_n(opts, name, len)) && (o = find_long_n(ctx_global_opts, name, len)))
			g = 1;
	} else if (w[0] == '-' && w[1] && w[1] != '-' && !w[2]) {
		if (!(o = find_in(opts, NULL, w[1])) && (o = find_in(ctx_global_opts, NULL, w[1])))
			g = 1;
	}
	if (global)
		*global = g;
	return o;
}

int opt_nvalues(const struct opt *o)
{
	return o->type == OPT_BOOL ? 0 : o->type == OPT_PAIR ? 2 : 1;
}

const char *opt_suggest(const struct opt *opts, const char *name)
{
	const char *best = NULL;
	size_t bestd = 3;
	const struct opt *tables[2] = { opts, ctx_global_opts };
	for (int k = 0; k < 2; k++)
		for (const struct opt *t = tables[k]; t && t->type != OPT_END; t++) {
			if (!t->long_name)
				continue;
			size_t d = edit_distance(name, t->long_name);
			if (d < bestd || (strlen(name) >= 3 && !strncmp(t->long_name, name, strlen(name)) && !best)) {
				bestd = d < bestd ? d : bestd;
				best = t->long_name;
			}
		}
	return best;
}

static int set_value(struct ctx *ctx, const struct opt *o, void *base, const char *shown,
                     const char *val, const char *val2, struct err *e)
{
	char *p = (char *)base + o->offset;
	switch (o->type) {
	case OPT_BOOL:
		*(int *)p = 1;
		return 0;
	case OPT_STRING:
		if (o->choices) {
			int ok = 0;
			for (const char *const *c = o->choices; *c; c++)
				if (!strcmp(*c, val))
					ok = 1;
			if (!ok) {
				struct buf b = BUF_INIT;
				for (const char *const *c = o->choices; *c; c++)
					buf_addf(&b, "%s%s", c == o->choices ? "" : ", ", *c);
				err_set(e, ERR_USAGE, "option '%s': '%s' is not one of: %s", shown, val, buf_cstr(&b));
				buf_release(&b);
				return -1;
			}
		}
		*(const char **)p = val;
		return 0;
	case OPT_INT: {
		char *end;
		errno = 0;
		long v = strtol(val, &end, 10);
		long lo = o->min, hi = o->max ? o->max : LONG_MAX;
		if (!*val || *end || errno)
			return err_set(e, ERR_USAGE, "option '%s': '%s' is not a whole number", shown, val);
		if (v < lo || v > hi) {
			if (hi == LONG_MAX)
				return err_set(e, ERR_USAGE, "option '%s': %ld is out of range (at least %ld)", shown, v, lo);
			return err_set(e, ERR_USAGE, "option '%s': %ld is out of range (%ld..%ld)", shown, v, lo, hi);
		}
		*(long *)p = v;
		return 0;
	}
	case OPT_DOUBLE: {
		char *end;
		errno = 0;
		double v = strtod(val, &end);
		double hi = o->max ? (double)o->max : OPT_DOUBLE_MAX;
		if (!*val || *end || v < 0 || v != v || (errno && errno != ERANGE))
			return err_set(e, ERR_USAGE, "option '%s': '%s' is not a non-negative number", shown, val);
		/* "inf", "1e300" and ERANGE overflow are numbers, but none converts to milliseconds in a long */
		if (errno == ERANGE || !(v <= hi))
			return err_set(e, ERR_USAGE, "option '%s': '%.40s' is out of range (0..%.0f)", shown, val, hi);
		*(double *)p = v;
		return 0;
	}
	case OPT_LIST:
		strlist_push((struct strlist *)p, val);
		return 0;
	case OPT_PAIR:
		((const char **)p)[0] = val;
		((const char **)p)[1] = val2;
		return 0;
	case OPT_END:
		break;
	}
	(void)ctx;
	return err_set(e, ERR_INTERNAL, "option '%s': bad option table", shown);
}

int opt_parse(struct ctx *ctx, const struct opt *opts, int argc, char **argv, void *args, int *npos, struct err *e)
{
	int pos = 0, only_pos = 0;
	char shown[96];

	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_pos || a[0] != '-' || !a[1]) {
			argv[1 + pos++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = 1;
			continue;
		}
		const struct opt *o = NULL;
		void *base = NULL;
		const char *inline_val = NULL;
		if (a[1] == '-') {
			char name[80];
			const char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			if (n >= sizeof(name))
				n = sizeof(name) - 1;
			memcpy(name, a + 2, n);
			name[n] = '\0';
			if (eq)
				inline_val = eq + 1;
			snprintf(shown, sizeof(shown), "--%s", name);
			if (!strcmp(name, "help")) {
				ctx->help = 1;
				continue;
			}
			if ((o = find_in(opts, name, 0)))
				base = args;
			else if ((o = find_in(ctx_global_opts, name, 0)))
				base = ctx;
			if (!o) {
				const char *s = opt_suggest(opts, name);
				if (s)
					return err_set(e, ERR_USAGE, "unknown option '--%s' (did you mean '--%s'?)", name, s);
				return err_set(e, ERR_USAGE, "unknown option '--%s'", name);
			}
		} else {
			if (a[2]) {
				if (!strcmp(a, "-h"))
					goto help;
				return err_set(e, ERR_USAGE, "unknown option '%s' (short options do not combine; use the long form)", a);
			}
			if (a[1] == 'h') {
			help:
				ctx->help = 1;
				continue;
			}
			snprintf(shown, sizeof(shown), "-%c", a[1]);
			if ((o = find_in(opts, NULL, a[1])))
				base = args;
			else if ((o = find_in(ctx_global_opts, NULL, a[1])))
				base = ctx;
			if (!o)
				return err_set(e, ERR_USAGE, "unknown option '%s'", a);
		}
		const char *val = NULL, *val2 = NULL;
		if (o->type == OPT_BOOL) {
			if (inline_val)
				return err_set(e, ERR_USAGE, "option '%s' takes no value", shown);
		} else if (o->type == OPT_PAIR) {
			if (inline_val || i + 2 >= argc)
				return err_set(e, ERR_USAGE, "option '%s' needs two values (%s)", shown, o->argh ? o->argh : "A B");
			val = argv[++i];
			val2 = argv[++i];
		} else if (inline_val) {
			val = inline_val;
		} else {
			if (i + 1 >= argc)
				return err_set(e, ERR_USAGE, "option '%s' needs a value (%s)", shown, o->argh ? o->argh : "VALUE");
			val = argv[++i];
		}
		if (set_value(ctx, o, base, shown, val, val2, e) < 0)
			return -1;
	}
	argv[1 + pos] = NULL;
	*npos = pos;
	if (ctx->help)
		return 1;
	return 0;
}

void opt_print_table(FILE *f, const struct opt *t)
{
	for (; t && t->type != OPT_END; t++) {
		char left[80];
		const char *argh = t->argh ? t->argh : (t->type == OPT_BOOL ? NULL : "VALUE");
		if (t->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", t->short_name, t->long_name, argh ? " " : "",
			         argh ? argh : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", t->long_name, argh ? " " : "", argh ? argh : "");
		fprintf(f, "  %-30s %s", left, t->help ? t->help : "");
		if (t->choices) {
			fputs(" (", f);
			for (const char *const *c = t->choices; *c; c++)
				fprintf(f, "%s%s", c == t->choices ? "" : "|", *c);
			fputc(')', f);
		}
		fputc('\n', f);
	}
}
