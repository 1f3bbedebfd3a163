/* aws.c — endpoints, the signed call with retries, AWS errors, pagination. */
#include "aws/aws.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "aws/clock.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/ctx.h"
#include "aws/http.h"
#include "base/json.h"
#include "aws/sigv4.h"
#include "aws/trace.h"

const struct aws_service aws_dynamodb = {
	"dynamodb", "dynamodb", "dynamodb", "DYNAMODB", "dynamodb", AWS_JSON10, "DynamoDB_20120810", NULL, 1, 1,
};
const struct aws_service aws_streams = {
	"streams", "dynamodb", "streams.dynamodb", "DYNAMODB_STREAMS", "dynamodb_streams", AWS_JSON10,
	"DynamoDBStreams_20120810", NULL, 1, 0,
};
const struct aws_service aws_ec2 = {
	"ec2", "ec2", "ec2", "EC2", "ec2", AWS_QUERY, NULL, "2016-11-15", 0, 0,
};
const struct aws_service aws_cognito = {
	"cognito-idp", "cognito-idp", "cognito-idp", "COGNITO_IDENTITY_PROVIDER", "cognito_identity_provider",
	AWS_JSON11, "AWSCognitoIdentityProviderService", NULL, 0, 0,
};
const struct aws_service aws_sts = {
	"sts", "sts", "sts", "STS", "sts", AWS_QUERY, NULL, "2011-06-15", 0, 0,
};
const struct aws_service aws_lambda = {
	"lambda", "lambda", "lambda", "LAMBDA", "lambda", AWS_REST_JSON, NULL, "2015-03-31", 0, 0,
};
/* S3 (s3.c): its own REST-XML calls; only the endpoint resolution and the error classification come from here */
const struct aws_service aws_s3 = {
	"s3", "s3", "s3", "S3", "s3", AWS_REST_JSON, NULL, NULL, 0, 0, 1,
};

#define DEFAULT_MAX_ATTEMPTS 8

/* The derived signing key, cached per thread (each seed/scan worker signs on its own). */
static _Thread_local struct sigv4_key_cache key_cache;

void aws_thread_cleanup(void)
{
	sigv4_key_cache_release(&key_cache);
}
#define BACKOFF_BASE_MS 50
#define BACKOFF_CAP_MS 5000

static int is_loopback_host(const char *hostport)
{
	char host[256];
	size_t n;
	if (hostport[0] == '[') {
		n = strcspn(hostport + 1, "]");
		snprintf(host, sizeof(host), "%.*s", (int)n, hostport + 1);
	} else {
		n = strcspn(hostport, ":");
		snprintf(host, sizeof(host), "%.*s", (int)n, hostport);
	}
	/* literal addresses only: "127.0.0.1.example.com" is a name that can resolve anywhere */
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return !strcasecmp(host, "localhost");
}

static int check_url(struct ctx *ctx, const char *url, const char *from, struct err *e)
{
	struct buf scheme = BUF_INIT, host = BUF_INIT;
	int rc = http_url_parts(url, &scheme, &host, NULL, e);
	if (rc < 0)
		err_prefix(e, "%s", from);
	else if (ctx->prod && !strcmp(buf_cstr(&scheme), "http") && !is_loopback_host(buf_cstr(&host)))
		rc = err_set(e, ERR_CONFIG, "%s: refusing to send production requests over plain http:// to '%s' "
		             "(use https://, or a loopback host)", from, buf_cstr(&host));
	buf_release(&scheme);
	buf_release(&host);
	return rc;
}

int aws_endpoint(struct ctx *ctx, const struct aws_service *svc, char **url, struct err *e)
{
	const char *v, *from = NULL;
	char envname[96], key[96];
	*url = NULL;
	const char *ignore = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	int use_configured = !(ignore && !strcasecmp(ignore, "true"));

	/* --endpoint-url names the command's service's endpoint: STS for whoami's own call, every other service
	 * otherwise (credential providers' STS calls keep STS's endpoint). */
	if (ctx->endpoint_url && *ctx->endpoint_url && !svc->no_cli_endpoint &&
	    (svc == &aws_sts) == (ctx->endpoint_url_is_sts != 0)) {
		v = ctx->endpoint_url;
		from = "--endpoint-url";
		goto found;
	}
	/* Local mode: Streams is served by the DynamoDB engine, so it follows DynamoDB's endpoint (wherever that came
	 * from) unless an endpoint is configured for Streams itself. */
	if (!ctx->prod && svc == &aws_streams) {
		if (use_configured) {
			snprintf(envname, sizeof(envname), "AWS_ENDPOINT_URL_%s", svc->env_id);
			if ((v = getenv(envname)) && *v) {
				from = envname;
				goto found;
			}
			const char *services = config_get(ctx->config, ctx->profile, "services");
			snprintf(key, sizeof(key), "%s.endpoint_url", svc->config_id);
			if (services && (v = config_section_get(ctx->config, "services", services, key)) && *v) {
				from = "the [services] section of the config file";
				goto found;
			}
		}
		return aws_endpoint(ctx, &aws_dynamodb, url, e);
	}
	if (use_configured) {
		snprintf(envname, sizeof(envname), "AWS_ENDPOINT_URL_%s", svc->env_id);
		if ((v = getenv(envname)) && *v) {
			from = envname;
			goto found;
		}
		if ((v = getenv("AWS_ENDPOINT_URL")) && *v) {
			from = "AWS_ENDPOINT_URL";
			goto found;
		}
		const char *services = config_get(ctx->config, ctx->profile, "services");
		if (services) {
			snprintf(key, sizeof(key), "%s.endpoint_url", svc->config_id);
			if ((v = config_section_get(ctx->config, "services", services, key)) && *v) {
				from = "the [services] section of the config file";
				goto found;
			}
		}
		if ((v = config_get(ctx->config, ctx->profile, "endpoint_url")) && *v) {
			from = "the profile's endpoint_url";
			goto found;
		}
	}
	if (!ctx->prod) {
		if (!svc->has_local && svc->no_cli_endpoint)
			return err_set(e, ERR_CONFIG, "%s has no local engine: use --prod, or point AWS_ENDPOINT_URL_%s "
			               "(or the profile's [services] %s endpoint_url) at one", svc->name, svc->env_id,
			               svc->config_id);
		if (!svc->has_local)
			return err_set(e, ERR_CONFIG, "%s has no local engine: use --prod, or point --endpoint-url (or "
			               "AWS_ENDPOINT_URL_%s) at one", svc->name, svc->env_id);
		v = getenv("DDB_LOCAL_ENDPOINT");
		from = "DDB_LOCAL_ENDPOINT";
		if (!v || !*v)
			v = "http://localhost:8000";
		goto found;
	}
	if (!ctx->region || !*ctx->region)
		return err_set(e, ERR_CONFIG, "no region: use --region, set AWS_REGION, or set region in the profile");
	if (svc == &aws_sts && aws_sts_legacy_global(ctx)) {
		*url = xstrdup(AWS_STS_GLOBAL_ENDPOINT);
		return 0;
	}
	*url = xasprintf("https://%s.%s.%s", svc->host_prefix, ctx->region,
	                 !strncmp(ctx->region, "cn-", 3) ? "amazonaws.com.cn" : "amazonaws.com");
	return 0;
found:
	if (check_url(ctx, v, from, e) < 0)
		return -1;
	*url = xstrdup(v);
	return 0;
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

int aws_is_throttle(const char *code)
{
	static const char *const codes[] = {
		"ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
		"SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", NULL,
	};
	for (int i = 0; codes[i]; i++)
		if (!strcmp(code, codes[i]))
			return 1;
	return 0;
}

static int is_auth_error(const char *code)
{
	static const char *const codes[] = {
		"AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidSignatureException",
		"SignatureDoesNotMatch", "IncompleteSignature", "IncompleteSignatureException", "MissingAuthenticationToken",
		"MissingAuthenticationTokenException", "AuthFailure", "UnauthorizedOperation", "InvalidClientTokenId",
		"ExpiredToken", "ExpiredTokenException", "RequestExpired", "NotAuthorizedException", "OptInRequired",
		"InvalidAccessKeyId", "InvalidToken", NULL,
	};
	for (int i = 0; codes[i]; i++)
		if (!strcmp(code, codes[i]))
			return 1;
	return 0;
}

int aws_classify_error(long status, const char *code, struct err *e)
{
	if (aws_is_throttle(code)) {
		e->kind = ERR_TEMPFAIL;
		return 1;
	}
	if (is_auth_error(code) || status == 401 || status == 403) {
		e->kind = ERR_DENIED;
		return 0;
	}
	if (status >= 500 || !strcmp(code, "InternalServerError") || !strcmp(code, "ServiceUnavailable") ||
	    !strcmp(code, "InternalFailure") || !strcmp(code, "InternalError")) {
		e->kind = ERR_TEMPFAIL;
		return 1;
	}
	e->kind = ERR_SERVICE;
	return 0;
}

/* The error code as AWS writes it, sanitised as the JSON protocols say: text before the first ':', then after the
 * last '#' ("com.amazon.coral.validate#ValidationException", "ValidationException:http://internal...", plain). */
static void set_error_type(struct err *e, const char *code)
{
	char tmp[sizeof(e->type)];
	int n = (int)strcspn(code, ":");
	snprintf(tmp, sizeof(tmp), "%.*s", n, code);
	const char *h = strrchr(tmp, '#');
	memmove(e->type, h ? h + 1 : tmp, strlen(h ? h + 1 : tmp) + 1);
}

static const cJSON *string_field(const cJSON *j, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, a);
	if (!cJSON_IsString(v) || !*v->valuestring)
		v = cJSON_GetObjectItemCaseSensitive(j, b);
	return cJSON_IsString(v) && *v->valuestring ? v : NULL;
}

int aws_parse_json_error(const char *body, size_t len, const char *header_type, struct err *e)
{
	cJSON *j = len ? cJSON_ParseWithLength(body, len) : NULL;
	int is_obj = cJSON_IsObject(j);
	const cJSON *t = NULL, *m = NULL;

	e->type[0] = e->msg[0] = '\0';
	if (is_obj) {
		if (!(t = string_field(j, "code", "Code")))
			t = string_field(j, "__type", "__type");
		m = string_field(j, "message", "Message");
	}
	if (header_type && *header_type)   /* x-amzn-ErrorType wins over the body */
		set_error_type(e, header_type);
	else if (t)
		set_error_type(e, t->valuestring);
	if (m)
		snprintf(e->msg, sizeof(e->msg), "%s", m->valuestring);
	else if (e->type[0])
		snprintf(e->msg, sizeof(e->msg), "%s", e->type);
	cJSON_Delete(j);
	return is_obj;
}

/* A body that is not AWS's JSON or XML (a proxy's or load balancer's text): its first line, for the message. */
static void plain_body_note(const struct http_resp *hr, char *dst, size_t cap)
{
	const char *b = buf_cstr(&hr->body);
	b += strspn(b, " \t\r\n");
	size_t n = strcspn(b, "\r\n");
	dst[0] = '\0';
	if (!n || *b == '<' || *b == '{' || *b == '[')
		return;
	if (n > 200)
		n = 200;
	snprintf(dst, cap, ": %.*s", (int)n, b);
}

static void fill_error(const struct aws_service *svc, const struct http_resp *hr, struct err *e)
{
	e->type[0] = e->msg[0] = '\0';
	if (svc->protocol == AWS_QUERY)
		awsquery_parse_error(buf_cstr(&hr->body), hr->body.len, e);
	else
		aws_parse_json_error(buf_cstr(&hr->body), hr->body.len, hr->error_type, e);
	if (!e->msg[0]) {
		char note[256];
		plain_body_note(hr, note, sizeof(note));
		snprintf(e->msg, sizeof(e->msg), "HTTP %ld from %s%s", hr->status, svc->name, note);
	}
	/* AWS's signature errors echo the canonical request, X-Amz-Security-Token included: never print it */
	struct buf red = BUF_INIT;
	trace_redact(&red, e->msg, strlen(e->msg));
	snprintf(e->msg, sizeof(e->msg), "%s", buf_cstr(&red));
	buf_cleanse(&red);
	for (char *c = e->msg; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	if (!e->request_id[0])
		snprintf(e->request_id, sizeof(e->request_id), "%s", hr->request_id);
	e->http_status = (int)hr->status;
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

int aws_send(struct ctx *ctx, const struct aws_request *r, struct aws_response *resp, struct err *e)
{
	const struct aws_service *svc = r->svc;
	char *url = NULL;
	struct buf scheme = BUF_INIT, host = BUF_INIT, path = BUF_INIT, body = BUF_INIT;
	char target[160] = "";
	const char *ctype = NULL, *method = r->method ? r->method : "POST";
	int rc = -1, max = r->max_attempts ? r->max_attempts : (ctx->max_attempts ? (int)ctx->max_attempts
	                                                                          : DEFAULT_MAX_ATTEMPTS);
	struct http *http = r->http ? r->http : ctx_http(ctx);
	struct http_resp hr;
	int refreshed = 0;
	char ua[64];
	struct backoff bo;

	http_resp_init(&hr);
	if (!http) {
		err_set(e, ERR_INTERNAL, "cannot initialise libcurl");
		goto out;
	}
	if (r->endpoint)
		url = xstrdup(r->endpoint);
	else if (aws_endpoint(ctx, svc, &url, e) < 0)
		goto out;
	if (http_url_parts(url, &scheme, &host, &path, e) < 0)
		goto out;
	if (svc->protocol == AWS_REST_JSON && r->path) {
		/* the operation's path under the endpoint's own path, and the whole URL sent */
		if (path.len && path.ptr[path.len - 1] == '/')
			path.ptr[--path.len] = '\0';
		buf_adds(&path, r->path);
		free(url);
		url = xasprintf("%s://%s%s%s%s", buf_cstr(&scheme), buf_cstr(&host), buf_cstr(&path),
		                r->query && *r->query ? "?" : "", r->query ? r->query : "");
	}

	if (svc->protocol == AWS_QUERY) {
		ctype = "application/x-www-form-urlencoded; charset=utf-8";
		buf_addf(&body, "Action=%s&Version=%s", r->op, svc->api_version);
		if (r->body_len) {
			buf_addc(&body, '&');
			buf_add(&body, r->body, r->body_len);
		}
	} else if (svc->protocol == AWS_REST_JSON) {
		if (r->body_len) {   /* a body-less GET or DELETE has no Content-Type (as botocore sends it) */
			ctype = "application/json";
			buf_add(&body, r->body, r->body_len);
		}
	} else {
		ctype = svc->protocol == AWS_JSON10 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
		snprintf(target, sizeof(target), "%s.%s", svc->target_prefix, r->op);
		if (r->body_len)
			buf_add(&body, r->body, r->body_len);
		else
			buf_adds(&body, "{}");
	}
	snprintf(ua, sizeof(ua), "ddb/%s", DDB_VERSION);
	backoff_init(&bo, BACKOFF_BASE_MS, BACKOFF_CAP_MS);

	for (int attempt = 1;; attempt++) {
		struct sigv4_header sh[3];
		size_t nsh = 0;
		struct http_hdr hh[12];
		size_t nh = 0;
		struct sigv4_signed sig;
		struct creds cr;
		int have_cr = 0, have_sig = 0;

		memset(&sig, 0, sizeof(sig));
		memset(&cr, 0, sizeof(cr));
		resp->attempts = attempt;
		if (ctx_interrupted(ctx)) {
			err_set(e, ERR_INTERRUPTED, "interrupted");
			goto out;
		}
		sh[nsh++] = (struct sigv4_header){ "Host", buf_cstr(&host) };
		if (ctype)
			sh[nsh++] = (struct sigv4_header){ "Content-Type", ctype };
		if (target[0])
			sh[nsh++] = (struct sigv4_header){ "X-Amz-Target", target };
		for (size_t i = 0; i < nsh; i++)
			hh[nh++] = (struct http_hdr){ sh[i].name, sh[i].value };
		if (!r->anonymous) {
			const struct creds *use = r->creds;
			if (!use) {
				if (creds_get(ctx, &cr, e) < 0)
					goto out;
				have_cr = 1;
				use = &cr;
			}
			struct sigv4_request sreq = { method, buf_cstr(&path), svc->protocol == AWS_REST_JSON ? r->query : NULL,
			                              sh, nsh, body.ptr, body.len };
			struct sigv4_credentials sc = { use->access_key_id, use->secret_access_key, use->session_token };
			const char *sreg = ctx->region ? ctx->region : "us-east-1";
			if (svc == &aws_sts && !strcmp(url, AWS_STS_GLOBAL_ENDPOINT))
				sreg = "us-east-1";   /* the global STS endpoint signs for us-east-1 */
			struct sigv4_config cfg = { sreg, svc->signing_name, ctx->now(), 0, 0 };
			if (sigv4_sign(&sreq, &sc, &cfg, &key_cache, &sig, e) < 0) {
				if (have_cr)
					creds_release(&cr);
				goto out;
			}
			have_sig = 1;
			for (size_t i = 0; i < sig.nadd; i++)
				hh[nh++] = (struct http_hdr){ sig.add[i].name, sig.add[i].value };
		}
		hh[nh++] = (struct http_hdr){ "User-Agent", ua };

		struct http_req hreq = { method, url, hh, nh, body.ptr, body.len };
		trace_request(ctx, &hreq, attempt);
		double t0 = clock_now();
		int sent = http_send(http, &hreq, &hr, e);
		if (have_sig)
			sigv4_signed_release(&sig);
		if (have_cr)
			creds_release(&cr);

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
				fill_error(svc, &hr, e);
				retry = aws_classify_error(hr.status, e->type, e);
				if (aws_is_throttle(e->type)) {
					resp->retried_throttles++;
					if (r->no_retry_throttle)
						retry = 0;
				}
				if (!refreshed && (!strcmp(e->type, "ExpiredToken") || !strcmp(e->type, "ExpiredTokenException") ||
				                   !strcmp(e->type, "RequestExpired")) && !r->creds && !r->anonymous) {
					creds_invalidate(ctx);
					refreshed = 1;
					retry = 1;
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
	buf_release(&scheme);
	buf_release(&host);
	buf_release(&path);
	buf_release(&body);
	free(url);
	return rc;
}

size_t aws_json_cost(const char *text, size_t len)
{
	/* every value but the root follows a '[' or '{' (the first) or a ',' (the rest); a ':' is a member name */
	size_t n = 1;
	int in_str = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == ',' || c == '[' || c == '{' || c == ':') {
			n++;
		}
	}
	return n;
}

int aws_json_cost_check(const struct aws_service *svc, const char *op, const char *text, size_t len, size_t *cost,
                        struct err *e)
{
	*cost = aws_json_cost(text, len);
	if (*cost > AWS_MAX_VALUES)
		return err_set(e, ERR_DATA, "%s %s: the response (%zu bytes) would parse into about %zu values, more than "
		               "the %u a response may hold: refused", svc->name, op, len, *cost, AWS_MAX_VALUES);
	return 0;
}

void aws_budget_init(struct aws_budget *b, size_t cap)
{
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	b->cap = cap;
	b->used = 0;
}

void aws_budget_release(struct aws_budget *b)
{
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
}

void aws_budget_take(struct aws_budget *b, size_t n)
{
	pthread_mutex_lock(&b->mu);
	while (b->used && b->used + n > b->cap)
		pthread_cond_wait(&b->cv, &b->mu);
	b->used += n;
	pthread_mutex_unlock(&b->mu);
}

void aws_budget_give(struct aws_budget *b, size_t n)
{
	if (!b || !n)
		return;
	pthread_mutex_lock(&b->mu);
	b->used -= n <= b->used ? n : b->used;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

int aws_json_on(struct ctx *ctx, struct http *http, const struct aws_service *svc, const char *op,
                const cJSON *in, cJSON **out, struct aws_response *meta, struct err *e)
{
	const char *table = svc->protocol != AWS_QUERY ? json_get_string(in, "TableName") : NULL;
	/* a table name DynamoDB cannot accept is the caller's mistake: never sent, never retried */
	*out = NULL;
	if (svc == &aws_dynamodb && table && ctx_check_table_name(table, e) < 0)
		return -1;
	char *body = in ? cJSON_PrintUnformatted(in) : NULL;
	struct aws_response resp;
	struct aws_request r = { svc, op, body ? body : "{}", body ? strlen(body) : 2, http, NULL, 0, NULL, 0, 0 };
	int rc;

	aws_response_init(&resp);
	*out = NULL;
	rc = aws_send(ctx, &r, &resp, e);
	if (meta)
		meta->cost = 0;
	size_t cost = 0;
	if (rc == 0 && resp.body.ptr)
		rc = aws_json_cost_check(svc, op, resp.body.ptr, resp.body.len, &cost, e);
	if (rc == 0) {
		if (meta && meta->budget) {
			aws_budget_take(meta->budget, cost);   /* parsed pages held by all threads stay under the budget */
			meta->cost = cost;
		}
		*out = cJSON_ParseWithLength(resp.body.ptr ? resp.body.ptr : "{}", resp.body.ptr ? resp.body.len : 2);
		if (!*out) {
			rc = err_set(e, ERR_DATA, "%s %s: the response is not valid JSON", svc->name, op);
			if (meta && meta->budget) {
				aws_budget_give(meta->budget, cost);
				meta->cost = 0;
			}
		}
	}
	if (meta) {
		meta->attempts = resp.attempts;
		meta->retried_throttles = resp.retried_throttles;
		meta->status = resp.status;
		memcpy(meta->request_id, resp.request_id, sizeof(meta->request_id));
	}
	aws_response_release(&resp);
	cJSON_free(body);
	return rc;
}

int aws_is_not_found(const struct err *e)
{
	return e->kind == ERR_SERVICE && !strcmp(e->type, "ResourceNotFoundException");
}

int aws_table_not_found(struct err *e, const char *shown, int kind)
{
	if (!aws_is_not_found(e))
		return 0;
	if (kind < 0) {
		snprintf(e->msg, sizeof(e->msg), "table '%s' does not exist", shown);
	} else {
		err_clear(e);
		err_set(e, (enum err_kind)kind, "table '%s' does not exist", shown);
	}
	return 1;
}

int aws_json(struct ctx *ctx, const struct aws_service *svc, const char *op, const cJSON *in, cJSON **out,
             struct err *e)
{
	return aws_json_on(ctx, NULL, svc, op, in, out, NULL, e);
}
