/* awscall.c — one signed AWS call with the credentials given: headers, SigV4, send, checksum, errors, retries. */
#include "aws/awscall.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "aws/awserr.h"
#include "aws/clock.h"
#include "aws/ctx.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "aws/trace.h"

#define DEFAULT_MAX_ATTEMPTS 8

/* The derived signing key, cached per thread (each seed/scan worker signs on its own). */
static _Thread_local struct sigv4_key_cache key_cache;

void aws_thread_cleanup(void)
{
	sigv4_key_cache_release(&key_cache);
}
#define BACKOFF_BASE_MS 50
#define BACKOFF_CAP_MS 5000

void aws_form_add(struct buf *form, const char *key, const char *value)
{
	if (form->len)
		buf_addc(form, '&');
	sigv4_uri_encode(form, key, strlen(key), 0);
	buf_addc(form, '=');
	sigv4_uri_encode(form, value, strlen(value), 0);
}

void aws_response_init(struct aws_response *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 0);
}

void aws_response_release(struct aws_response *r)
{
	buf_release(&r->body);
}

static int crc_ok(const struct http_resp *hr)
{
	if (!hr->crc32[0])
		return 1;
	char *end;
	unsigned long want = strtoul(hr->crc32, &end, 10);
	if (*end)
		return 0;
	uLong got = crc32(0L, Z_NULL, 0);
	const unsigned char *p = (const unsigned char *)hr->body.ptr;
	size_t left = hr->body.len;
	while (left) {
		uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
		got = crc32(got, p, chunk);
		p += chunk;
		left -= chunk;
	}
	return got == want;
}

/* Full jitter (clock.h), interruptible; the error being retried is kept: it says why we were waiting. */
static int backoff(struct ctx *ctx, struct backoff *b, struct err *e)
{
	long ms = backoff_next_ms(b);
	trace_note(ctx, "retrying in %ld ms", ms);
	if (clock_sleep_ms(ctx, ms) < 0) {
		err_prefix(e, "interrupted while waiting to retry");
		e->kind = ERR_INTERRUPTED;
		return -1;
	}
	return 0;
}

static void release_http(struct ctx *ctx)
{
	http_free(ctx->http);
	ctx->http = NULL;
	aws_thread_cleanup();
}

static struct http *ctx_http(struct ctx *ctx)
{
	struct http_opts o = { 0 };
	o.connect_timeout_ms = ctx->connect_timeout > 0 ? (long)(ctx->connect_timeout * 1000) : 0;
	o.timeout_ms = ctx->timeout > 0 ? (long)(ctx->timeout * 1000) : 0;
	o.interrupted = ctx->interrupted;
	if (!ctx->http) {
		ctx->http = http_new(&o);
		ctx_on_release(ctx, release_http);
	}
	else   /* the REPL keeps one connection: each line's --timeout/--connect-timeout apply to it */
		http_set_opts(ctx->http, &o);
	return ctx->http;
}

int awscall_send(struct ctx *ctx, const struct aws_request *r, const struct sigv4_credentials *creds,
                 struct aws_response *resp,
                 struct err *e)
{
	const struct aws_service *svc = r->svc;
	const struct endpoint *ep = NULL;
	struct endpoint given;
	struct buf restpath = BUF_INIT, resturl = BUF_INIT, form = BUF_INIT;
	char target[160] = "";
	const char *ctype = NULL, *method = r->method ? r->method : "POST", *url, *path;
	const char *body = r->body;
	size_t body_len = r->body_len;
	int rc = -1, max = r->max_attempts ? r->max_attempts : (ctx->max_attempts ? (int)ctx->max_attempts
	                                                                          : DEFAULT_MAX_ATTEMPTS);
	struct http *http = r->http ? r->http : ctx_http(ctx);
	struct http_resp hr;
	char ua[64];
	struct backoff bo;

	backoff_init(&bo, BACKOFF_BASE_MS, BACKOFF_CAP_MS);
	memset(&given, 0, sizeof(given));
	http_resp_init(&hr);
	if (!http) {
		err_set(e, ERR_INTERNAL, "cannot initialise libcurl");
		goto out;
	}
	if (r->endpoint) {   /* an endpoint the caller names (ddb local's probe): parsed for this call */
		if (endpoint_parse(ctx, svc, r->endpoint, &given, e) < 0)
			goto out;
		ep = &given;
	} else if (endpoint_get(ctx, svc, &ep, e) < 0) {
		goto out;
	}
	url = ep->url;
	path = ep->path;
	if (svc->protocol == AWS_REST_JSON && r->path) {
		/* the operation's path under the endpoint's own path, and the whole URL sent */
		buf_adds(&restpath, ep->path);
		if (restpath.len && restpath.ptr[restpath.len - 1] == '/')
			restpath.ptr[--restpath.len] = '\0';
		buf_adds(&restpath, r->path);
		buf_addf(&resturl, "%s://%s%s%s%s", ep->scheme, ep->host, buf_cstr(&restpath),
		         r->query && *r->query ? "?" : "", r->query ? r->query : "");
		url = buf_cstr(&resturl);
		path = buf_cstr(&restpath);
	}

	/* the body as the caller gave it; only the Query protocol's needs Action and Version in front */
	if (svc->protocol == AWS_QUERY) {
		ctype = "application/x-www-form-urlencoded; charset=utf-8";
		buf_addf(&form, "Action=%s&Version=%s", r->op, svc->api_version);
		if (r->body_len) {
			buf_addc(&form, '&');
			buf_add(&form, r->body, r->body_len);
		}
		body = form.ptr;
		body_len = form.len;
	} else if (svc->protocol == AWS_REST_JSON) {
		if (r->body_len)   /* a body-less GET or DELETE has no Content-Type (as botocore sends it) */
			ctype = "application/json";
		else
			body = NULL;
	} else {
		ctype = svc->protocol == AWS_JSON10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
		snprintf(target, sizeof(target), "%s.%s", svc->target_prefix, r->op);
		if (!r->body_len) {
			body = "{}";
			body_len = 2;
		}
	}
	snprintf(ua, sizeof(ua), "ddb/%s", DDB_VERSION);

	for (int attempt = 1;; attempt++) {
		struct sigv4_header sh[3];
		size_t nsh = 0;
		struct http_hdr hh[12];
		size_t nh = 0;
		struct sigv4_signed sig;
		int have_sig = 0;

		memset(&sig, 0, sizeof(sig));
		resp->attempts = attempt;
		if (ctx_interrupted(ctx)) {
			err_set(e, ERR_INTERRUPTED, "interrupted");
			goto out;
		}
		sh[nsh++] = (struct sigv4_header){ "Host", ep->host };
		if (ctype)
			sh[nsh++] = (struct sigv4_header){ "Content-Type", ctype };
		if (target[0])
			sh[nsh++] = (struct sigv4_header){ "X-Amz-Target", target };
		for (size_t i = 0; i < nsh; i++)
			hh[nh++] = (struct http_hdr){ sh[i].name, sh[i].value };
		if (creds) {
			struct sigv4_request sreq = { method, path, svc->protocol == AWS_REST_JSON ? r->query : NULL,
			                              sh, nsh, body, body ? body_len : 0 };
			struct sigv4_config cfg = { ep->sign_region, svc->signing_name, ctx->now(), 0, 0 };
			if (sigv4_sign(&sreq, creds, &cfg, &key_cache, &sig, e) < 0)
				goto out;
			have_sig = 1;
			for (size_t i = 0; i < sig.nadd; i++)
				hh[nh++] = (struct http_hdr){ sig.add[i].name, sig.add[i].value };
		}
		hh[nh++] = (struct http_hdr){ "User-Agent", ua };

		struct http_req hreq = { method, url, hh, nh, body, body ? body_len : 0 };
		trace_request(ctx, &hreq, attempt);
		double t0 = clock_now();
		int sent = http_send(http, &hreq, &hr, e);
		if (have_sig)
			sigv4_signed_release(&sig);

		int retry = 0;
		if (sent < 0) {
			e->type[0] = e->request_id[0] = '\0';   /* not the code of an earlier attempt's answer */
			e->http_status = 0;
			trace_note(ctx, "transport error: %s", e->msg);
			if (hr.fail == HTTP_ABORTED || hr.fail == HTTP_REFUSED)
				goto out;
			if (hr.fail == HTTP_CONNECT) {
				if (!ctx->prod && svc->has_local && !r->endpoint && !ctx->endpoint_url) {
					err_set(e, ERR_UNAVAILABLE, "cannot connect to the local DynamoDB at %s: start one with "
					        "'ddb local start' (or 'make local'), set DDB_LOCAL_ENDPOINT, or use --prod", url);
					goto out;
				}
				retry = attempt < 3;   /* a refused connection is retried briefly, then reported */
			} else {
				/* a refused certificate or an oversized answer stays so: reported at once */
				retry = hr.fail != HTTP_TLS_VERIFY && hr.fail != HTTP_TOOBIG;
			}
		} else {
			trace_response(ctx, &hr, clock_now() - t0);
			snprintf(resp->request_id, sizeof(resp->request_id), "%s", hr.request_id);
			resp->status = hr.status;
			if (svc->crc32 && !crc_ok(&hr)) {
				/* checked on errors too: a damaged error could read as another error (a throttle as a refusal) */
				err_clear(e);
				err_set(e, ERR_TEMPFAIL, "response checksum mismatch (x-amz-crc32 %s) from %s", hr.crc32, url);
				snprintf(e->type, sizeof(e->type), "CRC32CheckFailed");
				retry = 1;
			} else if (hr.status >= 200 && hr.status < 300) {
				buf_release(&resp->body);
				resp->body = hr.body;
				buf_init(&hr.body, 0);
				rc = 0;
				goto out;
			} else {
				err_clear(e);
				awserr_from_http(svc, &hr, e);
				retry = aws_classify_error(hr.status, e->type, e);
				if (aws_is_throttle(e->type)) {
					resp->retried_throttles++;
					if (r->no_retry_throttle)
						retry = 0;
				}
				buf_release(&resp->body);
				resp->body = hr.body;
				buf_init(&hr.body, 0);
			}
		}
		if (!retry)
			goto out;
		if (attempt >= max) {
			if (e->kind == ERR_UNAVAILABLE)
				goto out;
			e->kind = ERR_TEMPFAIL;
			err_prefix(e, "gave up after %d attempts", attempt);
			goto out;
		}
		if (backoff(ctx, &bo, e) < 0)
			goto out;
	}
out:
	http_resp_release(&hr);
	if (ep == &given)
		endpoint_release(&given);
	buf_release(&restpath);
	buf_release(&resturl);
	buf_release(&form);
	return rc;
}
