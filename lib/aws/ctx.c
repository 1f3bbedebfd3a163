/* ctx.c — global options, resolution of environment/profile/region, namespaces, confirmations. */
#include "aws/ctx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "aws/config.h"
#include "base/term.h"

const char *const ctx_output_modes[] = { "table", "json", "jsonl", "text", "map", NULL };


/* DDB_TEST_CLOCK_STEP (test only, with DDB_TEST_NOW): every reading of the clock advances it by that many seconds,
 * so one process can outlive temporary credentials (creds.bats: refresh before expiry). */
static time_t clock_now(void)
{
	static _Atomic long long readings;
	const char *t = getenv("DDB_TEST_NOW");
	if (t && *t) {
		char *end;
		long long v = strtoll(t, &end, 10);
		if (!*end) {
			const char *st = getenv("DDB_TEST_CLOCK_STEP");
			long long step = 0;
			if (st && *st) {
				step = strtoll(st, &end, 10);
				if (*end)
					step = 0;
			}
			return (time_t)(v + (step ? step * readings++ : 0));
		}
	}
	return time(NULL);
}

void ctx_init(struct ctx *ctx, FILE *out, FILE *err_out)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->out = out;
	ctx->err_out = err_out;
	ctx->out_tty = isatty(fileno(out));
	ctx->in_tty = isatty(STDIN_FILENO);
	ctx->err_tty = isatty(fileno(err_out));
	ctx->now = clock_now;
}

void ctx_reset_options(struct ctx *ctx)
{
	ctx->endpoint_url = ctx->region_opt = ctx->profile_opt = ctx->namespace_opt = ctx->output_opt = NULL;
	ctx->ddb_json = ctx->debug = ctx->quiet = ctx->yes = ctx->no_color = ctx->help = 0;
	ctx->max_attempts = 0;
	ctx->connect_timeout = ctx->timeout = 0;
}

static int truthy(const char *v)
{
	return v && (!strcasecmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes"));
}

/* The longest region name accepted (AWS's are about 15: "ap-southeast-2", "us-gov-west-1"). */
#define REGION_MAX 32

int ctx_resolve(struct ctx *ctx, struct err *e)
{
	const char *v;

	/* local/prod: option > DDB_ENV > local */
	if (ctx->prod && ctx->local)
		return err_set(e, ERR_USAGE, "--prod and --local contradict each other");
	if (!ctx->prod && !ctx->local && (v = getenv("DDB_ENV")) && *v) {
		if (!strcasecmp(v, "prod") || !strcasecmp(v, "production"))
			ctx->prod = 1;
		else if (strcasecmp(v, "local"))
			return err_set(e, ERR_CONFIG, "DDB_ENV='%s': expected 'local' or 'prod'", v);
	}
	if (ctx->local)
		ctx->prod = 0;

	free(ctx->profile);
	v = ctx->profile_opt;
	if (!v || !*v)
		v = getenv("AWS_PROFILE");
	if (!v || !*v)
		v = getenv("AWS_DEFAULT_PROFILE");
	ctx->profile = xstrdup(v && *v ? v : "default");

	if (!ctx->config && config_load(&ctx->config, e) < 0)
		return -1;
	if (ctx->profile_opt && !config_has_profile(ctx->config, ctx->profile))
		return err_set(e, ERR_CONFIG, "profile '%s' not found in %s or %s", ctx->profile,
		               ctx->config->cfg.path, ctx->config->cred.path);

	/* `services = NAME` must name a [services NAME] section: a typo would silently send requests elsewhere */
	if ((v = config_get(ctx->config, ctx->profile, "services")) && *v) {
		char sec[300];
		snprintf(sec, sizeof(sec), "services %s", v);
		if (!ini_has_section(&ctx->config->cfg, sec))
			return err_set(e, ERR_CONFIG, "profile '%s': services = '%.100s' but %s has no [services %.100s] "
			               "section", ctx->profile, v, ctx->config->cfg.path, v);
	}

	free(ctx->region);
	ctx->region = NULL;
	const char *rfrom = "--region";
	v = ctx->region_opt;
	if ((!v || !*v) && (rfrom = "AWS_REGION", 1))
		v = getenv("AWS_REGION");
	if ((!v || !*v) && (rfrom = "AWS_DEFAULT_REGION", 1))
		v = getenv("AWS_DEFAULT_REGION");
	if ((!v || !*v) && (rfrom = "the profile's region", 1))
		v = config_get(ctx->config, ctx->profile, "region");
	if (v && *v) {
		/* checked before anything is sent: a region is a DNS label of the endpoint and part of every signature */
		size_t n = strlen(v);
		if (n > REGION_MAX)
			return err_set(e, ERR_CONFIG, "%s: a region of %zu characters is not a valid region name (at most %d)",
			               rfrom, n, REGION_MAX);
		for (const char *c = v; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
				return err_set(e, ERR_CONFIG, "region '%.*s' is not a valid region name", REGION_MAX, v);
		if (*v == '-' || v[n - 1] == '-')
			return err_set(e, ERR_CONFIG, "region '%s' is not a valid region name", v);
		ctx->region = xstrdup(v);
	} else if (!ctx->prod) {
		ctx->region = xstrdup("us-east-1");
	}

	free(ctx->ns);
	v = ctx->namespace_opt;
	if (!v)
		v = getenv("DDB_NAMESPACE");
	ctx->ns = xstrdup(v ? v : "");
	for (const char *c = ctx->ns; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
		      *c == '-' || *c == '.'))
			return err_set(e, ERR_USAGE, "namespace '%s': only letters, digits, '_', '-' and '.' are allowed",
			               ctx->ns);

	ctx->output = OUT_AUTO;
	if (ctx->output_opt) {
		for (int i = 0; ctx_output_modes[i]; i++)
			if (!strcmp(ctx->output_opt, ctx_output_modes[i]))
				ctx->output = (enum out_mode)(i + 1);
	}
	if (getenv("NO_COLOR"))
		ctx->no_color = 1;
	if (!ctx->max_attempts && (v = getenv("AWS_MAX_ATTEMPTS")) && *v) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 100)
			return err_set(e, ERR_CONFIG, "AWS_MAX_ATTEMPTS='%s': expected a number from 1 to 100", v);
		ctx->max_attempts = n;
	}
	if (!ctx->max_attempts && (v = config_get(ctx->config, ctx->profile, "max_attempts"))) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 100)
			return err_set(e, ERR_CONFIG, "profile %s: max_attempts='%s': expected a number from 1 to 100",
			               ctx->profile, v);
		ctx->max_attempts = n;
	}
	/* A CA bundle that cannot be read fails here, clearly, instead of at each request (never "trust anything"). */
	if ((v = getenv("AWS_CA_BUNDLE")) && *v &&
	    (ctx->prod || (ctx->endpoint_url && !strncasecmp(ctx->endpoint_url, "https://", 8)))) {
		struct stat sb;
		if (stat(v, &sb) < 0 || access(v, R_OK) < 0)
			return err_set(e, ERR_CONFIG, "AWS_CA_BUNDLE='%s': %s (TLS certificates are always verified: point "
			               "it at a readable PEM file, or unset it to use the system's CAs)", v, strerror(errno));
		if (!S_ISREG(sb.st_mode))
			return err_set(e, ERR_CONFIG, "AWS_CA_BUNDLE='%s': not a file (TLS certificates are always verified: "
			               "point it at a readable PEM file, or unset it to use the system's CAs)", v);
	}
	(void)truthy;
	return 0;
}

void ctx_release(struct ctx *ctx)
{
	free(ctx->region);
	free(ctx->profile);
	free(ctx->ns);
	free(ctx->default_table);
	config_free(ctx->config);
	/* what the owners hung on ctx (credentials, the transport): last registered, first released */
	while (ctx->nhooks > 0)
		ctx->hooks[--ctx->nhooks](ctx);
	ctx->region = ctx->profile = ctx->ns = ctx->default_table = NULL;
	ctx->config = NULL;
}

void ctx_on_release(struct ctx *ctx, void (*fn)(struct ctx *ctx))
{
	for (int i = 0; i < ctx->nhooks; i++)
		if (ctx->hooks[i] == fn)
			return;
	if (ctx->nhooks == (int)(sizeof(ctx->hooks) / sizeof(ctx->hooks[0])))
		abort();   /* a programming error: the hooks are a fixed, small set */
	ctx->hooks[ctx->nhooks++] = fn;
}

char *ctx_table_wire(const struct ctx *ctx, const char *name)
{
	return xasprintf("%s%s", ctx->ns ? ctx->ns : "", name);
}

const char *ctx_table_user(const struct ctx *ctx, const char *wire)
{
	size_t n = ctx->ns ? strlen(ctx->ns) : 0;
	if (n && strncmp(wire, ctx->ns, n))
		return NULL;
	return wire + n;
}

int ctx_check_table_name(const char *wire, struct err *e)
{
	char shown[72];
	size_t n = strlen(wire), k = 0, bad = 0;
	int arn = !strncmp(wire, "arn:", 4);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)wire[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		         c == '-' || c == '.' || (arn && c > 0x20 && c < 0x7f);
		if (!ok && !bad)
			bad = i + 1;
		if (k + 1 < sizeof(shown) - 3)   /* shown: printable ASCII only, the rest as '?' */
			shown[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	shown[k] = '\0';
	if (k < n)
		snprintf(shown + k, sizeof(shown) - k, "...");
	if (bad)
		return err_set(e, ERR_USAGE, "table name '%s': byte %zu is not allowed (%s)", shown, bad,
		               arn ? "a table ARN is printable ASCII" :
		               "DynamoDB allows only letters, digits, '_', '-' and '.'");
	if (!arn && (n < 3 || n > 255))
		return err_set(e, ERR_USAGE, "table name '%s': %zu characters (DynamoDB allows 3 to 255)", shown, n);
	if (arn && n > 1024)
		return err_set(e, ERR_USAGE, "table ARN '%s': %zu characters (at most 1024)", shown, n);
	return 0;
}

int ctx_interrupted(const struct ctx *ctx)
{
	/* read atomically: worker threads poll the flag the SIGINT handler sets */
	return ctx->interrupted && __atomic_load_n(ctx->interrupted, __ATOMIC_RELAXED);
}

/* Print one diagnostic line: "ddb: CMD: " (and `kind`), then the text, which may quote item data or server text,
 * through term.h's sanitiser. */
void ctx_vline(struct ctx *ctx, const char *kind, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	buf_vaddf(&b, fmt, ap);
	char *text = term_clean(buf_cstr(&b));
	buf_release(&b);
	if (ctx->cmd_name)
		fprintf(ctx->err_out, "ddb: %s: %s%s\n", ctx->cmd_name, kind, text);
	else
		fprintf(ctx->err_out, "ddb: %s%s\n", kind, text);
	fflush(ctx->err_out);
	free(text);
}

static void vnote(struct ctx *ctx, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void vnote(struct ctx *ctx, const char *fmt, va_list ap)
{
	ctx_vline(ctx, "", fmt, ap);
}

void ctx_note(struct ctx *ctx, const char *fmt, ...)
{
	if (ctx->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vnote(ctx, fmt, ap);
	va_end(ap);
}

void ctx_warn(struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ctx_vline(ctx, "warning: ", fmt, ap);
	va_end(ap);
}

int ctx_fail(struct ctx *ctx, const struct err *e)
{
	err_report(ctx->err_out, ctx->cmd_name, e);
	return err_exit_code(e);
}

char *ctx_table_label(const struct ctx *ctx, const char *name)
{
	if (!ctx->ns || !ctx->ns[0])
		return xasprintf("'%s'", name);
	return xasprintf("'%s' (%s%s on the wire)", name, ctx->ns, name);
}

int ctx_confirm(struct ctx *ctx, const char *what, const char *expect, struct err *e)
{
	if (!ctx->prod || ctx->yes)
		return 0;
	if (!ctx->in_tty || getenv("CI"))
		return err_set(e, ERR_USAGE, "refusing to %s in prod without --yes", what);
	char where[128];
	snprintf(where, sizeof(where), "in PRODUCTION (region %s)", ctx->region ? ctx->region : "?");
	return ctx_ask(ctx, what, where, expect, e);
}

int ctx_ask(struct ctx *ctx, const char *what, const char *where, const char *expect, struct err *e)
{
	char *w = term_clean(what), *at = term_clean(where), *x = term_clean(expect);
	fprintf(ctx->err_out, "ddb: about to %s %s.\nType '%s' to confirm: ", w, at, x);
	free(w);
	free(at);
	free(x);
	fflush(ctx->err_out);
	char line[512];
	if (!fgets(line, sizeof(line), stdin))
		return err_set(e, ERR_USAGE, "not confirmed");
	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, expect))
		return err_set(e, ERR_USAGE, "not confirmed ('%s' was expected); nothing was changed", expect);
	return 0;
}
