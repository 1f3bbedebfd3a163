/* trace.c — redacted request/response tracing for --debug. */
#include "aws/trace.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/ctx.h"
#include "base/term.h"

/* Field names whose values are secret, in any casing and spelling we meet (JSON, XML, form, INI-ish). */
static const char *const secret_fields[] = {
	"SecretAccessKey", "secret_access_key", "aws_secret_access_key", "SessionToken", "session_token",
	"aws_session_token", "X-Amz-Security-Token", "Token", "AccessToken", "accessToken", "RefreshToken",
	"IdToken", "WebIdentityToken", "Password", "TemporaryPassword", "ClientSecret", "Signature", NULL,
};

/* Field names whose values are access key ids: not secret, but shown masked to their last four characters (as
 * whoami shows them), so that a pasted --debug log does not name the key. */
static const char *const id_fields[] = {
	"AccessKeyId", "aws_access_key_id", "Credential", "X-Amz-Credential", NULL,
};

void trace_mask_akid(struct buf *out, const char *akid, size_t len)
{
	if (len <= 4) {
		buf_adds(out, "****");
		return;
	}
	buf_add(out, "****************", len - 4 > 16 ? 16 : len - 4);
	buf_add(out, akid + len - 4, 4);
}

static int is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* At text[i] starts a secret field name (as a whole word)?  Returns its length; *id: an access key id field. */
static size_t secret_at(const char *text, size_t len, size_t i, int *id)
{
	/* a JSON-escaped line break before the name ("...\nx-amz-security-token:...") is a boundary too */
	if (i > 0 && is_word(text[i - 1]) &&
	    !(i > 1 && text[i - 2] == '\\' && (text[i - 1] == 'n' || text[i - 1] == 'r' || text[i - 1] == 't')))
		return 0;
	for (int k = 0; k < 2; k++)
		for (const char *const *f = k ? id_fields : secret_fields; *f; f++) {
			size_t n = strlen(*f);
			if (i + n <= len && !strncasecmp(text + i, *f, n) && (i + n == len || !is_word(text[i + n]))) {
				*id = k;
				return n;
			}
		}
	return 0;
}

void trace_redact(struct buf *out, const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		int id = 0;
		size_t n = secret_at(text, len, i, &id);
		if (!n) {
			buf_addc(out, text[i++]);
			continue;
		}
		buf_add(out, text + i, n);
		i += n;
		/* separator: `": "`, `=`, `>`, `: ` */
		size_t j = i;
		while (j < len && (text[j] == '"' || text[j] == ' ' || text[j] == '\t'))
			j++;
		if (j >= len || (text[j] != ':' && text[j] != '=' && text[j] != '>'))
			continue;   /* a mention, not a field */
		j++;
		while (j < len && (text[j] == ' ' || text[j] == '\t'))
			j++;
		int quoted = j < len && text[j] == '"';
		if (quoted)
			j++;
		buf_add(out, text + i, j - i);
		size_t k = j;
		if (id) {   /* the key id is the leading letters and digits (then "/scope" or "%2Fscope" may follow) */
			while (k < len && isalnum((unsigned char)text[k]))
				k++;
			if (k > j)
				trace_mask_akid(out, text + j, k - j);
			i = k;
			continue;
		}
		while (k < len) {
			char c = text[k];
			if (quoted ? (c == '"' && text[k - 1] != '\\') : (c == '<' || c == '&' || c == '"' || c == ',' ||
			                                                   c == '\n' || c == '\r' || c == '}' || c == ' ' ||
			                                                   c == '\\'))
				break;
			k++;
		}
		if (k > j)
			buf_adds(out, "<redacted>");
		i = k;
	}
}

void trace_redact_header(struct buf *out, const char *name, const char *value)
{
	if (!strcasecmp(name, "Authorization")) {
		/* keep "AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=..." minus the signature */
		const char *sig = strstr(value, "Signature=");
		if (sig) {
			trace_redact(out, value, (size_t)(sig - value));   /* Credential=<masked key id>/scope */
			buf_adds(out, "Signature=<redacted>");
		} else {
			buf_adds(out, "<redacted>");
		}
		return;
	}
	if (!strcasecmp(name, "X-Amz-Security-Token") || !strcasecmp(name, "X-aws-ec2-metadata-token") ||
	    !strcasecmp(name, "x-amz-sso_bearer_token") || !strcasecmp(name, "Cookie")) {
		buf_adds(out, "<redacted>");
		return;
	}
	trace_redact(out, value, strlen(value));
}

void trace_note(struct ctx *ctx, const char *fmt, ...)
{
	if (!ctx->debug)
		return;
	va_list ap;
	va_start(ap, fmt);
	flockfile(ctx->err_out);
	fputs("* ", ctx->err_out);
	vfprintf(ctx->err_out, fmt, ap);
	fputc('\n', ctx->err_out);
	funlockfile(ctx->err_out);
	va_end(ap);
}

static void put_body(struct ctx *ctx, const char *prefix, const char *body, size_t len)
{
	struct buf b = BUF_INIT;
	size_t show = len > 4096 ? 4096 : len;
	trace_redact(&b, body, show);
	char *shown = term_clean(buf_cstr(&b));   /* server text (and item data) on stderr: no raw controls */
	fprintf(ctx->err_out, "%s%s%s\n", prefix, shown, show < len ? " ...(truncated)" : "");
	free(shown);
	buf_cleanse(&b);
}

void trace_request(struct ctx *ctx, const struct http_req *r, int attempt)
{
	if (!ctx->debug)
		return;
	struct buf b = BUF_INIT;
	flockfile(ctx->err_out);
	fprintf(ctx->err_out, "> %s %s (attempt %d)\n", r->method, r->url, attempt);
	for (size_t i = 0; i < r->nheaders; i++) {
		buf_reset(&b);
		trace_redact_header(&b, r->headers[i].name, r->headers[i].value);
		fprintf(ctx->err_out, "> %s: %s\n", r->headers[i].name, buf_cstr(&b));
	}
	if (r->body_len)
		put_body(ctx, "> ", r->body, r->body_len);
	funlockfile(ctx->err_out);
	buf_cleanse(&b);
}

void trace_response(struct ctx *ctx, const struct http_resp *r, double seconds)
{
	if (!ctx->debug)
		return;
	flockfile(ctx->err_out);
	fprintf(ctx->err_out, "< HTTP %ld (%.3fs, %s connection)\n", r->status, seconds,
	        r->new_connections ? "new" : "reused");
	const char *h = buf_cstr(&r->headers);
	while (*h) {
		size_t n = strcspn(h, "\r\n");
		if (n && strncmp(h, "HTTP/", 5)) {
			struct buf b = BUF_INIT;
			const char *colon = memchr(h, ':', n);
			if (colon) {
				char name[128];
				size_t nl = (size_t)(colon - h) < sizeof(name) - 1 ? (size_t)(colon - h) : sizeof(name) - 1;
				memcpy(name, h, nl);
				name[nl] = '\0';
				char *val = strndup(colon + 1, n - (size_t)(colon - h) - 1);
				trace_redact_header(&b, name, val ? val + strspn(val, " ") : "");
				char *n_shown = term_clean(name), *v_shown = term_clean(buf_cstr(&b));
				fprintf(ctx->err_out, "< %s:%s%s\n", n_shown, " ", v_shown);
				free(n_shown);
				free(v_shown);
				free(val);
			}
			buf_cleanse(&b);
		}
		h += n;
		h += strspn(h, "\r\n");
	}
	if (r->body.len)
		put_body(ctx, "< ", buf_cstr(&r->body), r->body.len);
	funlockfile(ctx->err_out);
}
