/* s3.c — the S3 client: URLs, the signed request with retries, objects, multipart uploads, listings. */
#include "aws/s3.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/clock.h"
#include "aws/creds.h"
#include "aws/ctx.h"
#include "aws/http.h"
#include "aws/pager.h"
#include "aws/sigv4.h"
#include "aws/trace.h"
#include "base/xml.h"

#define DEFAULT_MAX_ATTEMPTS 8
#define BACKOFF_BASE_MS 50
#define BACKOFF_CAP_MS 5000
#define S3_MAX_XML ((size_t)16 << 20)   /* a listing page or an error: far below this */

static _Thread_local struct sigv4_key_cache s3_key_cache;

/* ---- s3:// URLs and names ------------------------------------------------------------------------------------ */

static int bucket_name_ok(const char *b, size_t n)
{
	if (n < 3 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)b[i]) || isdigit((unsigned char)b[i]) || b[i] == '.' || b[i] == '-'))
			return 0;
	return isalnum((unsigned char)b[0]) && isalnum((unsigned char)b[n - 1]);
}

int s3_url_parse(const char *url, struct s3_url *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (strncmp(url, "s3://", 5))
		return err_set(e, ERR_USAGE, "'%s' is not an s3:// URL (expected s3://BUCKET/PREFIX)", url);
	const char *b = url + 5;
	size_t n = strcspn(b, "/");
	if (!n)
		return err_set(e, ERR_USAGE, "'%s' has no bucket (expected s3://BUCKET/PREFIX)", url);
	if (!bucket_name_ok(b, n))
		return err_set(e, ERR_USAGE, "'%s': '%.*s' is not a valid bucket name (3 to 63 characters: lowercase "
		               "letters, digits, '.' and '-', starting and ending with a letter or digit)", url,
		               (int)(n > 80 ? 80 : n), b);
	out->bucket = xstrndup(b, n);
	out->prefix = xstrdup(b[n] == '/' ? b + n + 1 : "");
	return 0;
}

void s3_url_release(struct s3_url *u)
{
	free(u->bucket);
	free(u->prefix);
	u->bucket = u->prefix = NULL;
}

int s3_bucket_dns_compatible(const char *bucket)
{
	return bucket_name_ok(bucket, strlen(bucket)) && !strchr(bucket, '.');
}

void s3_encode_key(struct buf *out, const char *key)
{
	sigv4_uri_encode(out, key, strlen(key), 1);
}

/* ---- the client ---------------------------------------------------------------------------------------------- */

static int aws_default_endpoint(const struct ctx *ctx, const char *url)
{
	char want[160];
	if (!ctx->prod || !ctx->region)
		return 0;
	snprintf(want, sizeof(want), "https://s3.%s.%s", ctx->region,
	         !strncmp(ctx->region, "cn-", 3) ? "amazonaws.com.cn" : "amazonaws.com");
	return !strcmp(url, want);
}

int s3_client_init(struct s3_client *c, struct ctx *ctx, struct err *e)
{
	char *url = NULL;
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	if (aws_endpoint(ctx, &aws_s3, &url, e) < 0)
		return -1;
	if (aws_default_endpoint(ctx, url))
		free(url);
	else
		c->endpoint = url;
	c->region = xstrdup(ctx->region && *ctx->region ? ctx->region : "us-east-1");
	c->part_size = S3_DEFAULT_PART_SIZE;
	const char *ps = getenv("DDB_S3_PART_SIZE");
	if (ps && *ps) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(ps, &end, 10);
		if (errno || *end || v < 1024 || v > ((unsigned long long)5 << 30) ||
		    (!c->endpoint && v < S3_MIN_PART_SIZE)) {
			s3_client_release(c);
			return err_set(e, ERR_CONFIG, "DDB_S3_PART_SIZE='%s': expected a number of bytes from %zu (1024 with "
			               "a configured S3 endpoint) to 5 GiB", ps, S3_MIN_PART_SIZE);
		}
		c->part_size = (size_t)v;
	}
	struct http_opts o = { 0 };
	o.connect_timeout_ms = ctx->connect_timeout > 0 ? (long)(ctx->connect_timeout * 1000) : 0;
	o.timeout_ms = ctx->timeout > 0 ? (long)(ctx->timeout * 1000) : 300000;   /* a part may take a while */
	o.interrupted = ctx->interrupted;
	o.max_body = S3_MAX_XML;
	c->http = http_new(&o);
	if (!c->http) {
		s3_client_release(c);
		return err_set(e, ERR_INTERNAL, "cannot initialise libcurl");
	}
	return 0;
}

void s3_client_release(struct s3_client *c)
{
	http_free(c->http);
	free(c->endpoint);
	free(c->region);
	sigv4_key_cache_release(&s3_key_cache);
	memset(c, 0, sizeof(*c));
}

int s3_request_url(const struct s3_client *c, const char *bucket, const char *key, struct buf *url,
                   struct buf *host, struct buf *path, struct err *e)
{
	struct buf scheme = BUF_INIT;
	buf_reset(host);
	buf_reset(path);
	if (c->endpoint) {
		if (http_url_parts(c->endpoint, &scheme, host, path, e) < 0) {
			buf_release(&scheme);
			return -1;
		}
		if (path->len && path->ptr[path->len - 1] == '/')
			path->ptr[--path->len] = '\0';
		buf_addc(path, '/');
		buf_adds(path, bucket);
		if (key && *key) {
			buf_addc(path, '/');
			s3_encode_key(path, key);
		}
	} else {
		const char *suffix = !strncmp(c->region, "cn-", 3) ? "amazonaws.com.cn" : "amazonaws.com";
		buf_adds(&scheme, "https");
		if (s3_bucket_dns_compatible(bucket)) {
			buf_addf(host, "%s.s3.%s.%s", bucket, c->region, suffix);
			buf_addc(path, '/');
		} else {
			buf_addf(host, "s3.%s.%s", c->region, suffix);
			buf_addf(path, "/%s/", bucket);
		}
		if (key && *key)
			s3_encode_key(path, key);
		else if (!s3_bucket_dns_compatible(bucket))
			path->ptr[--path->len] = '\0';   /* "/bucket", as botocore addresses a bucket path-style */
	}
	buf_reset(url);
	buf_addf(url, "%s://%s%s", buf_cstr(&scheme), buf_cstr(host), buf_cstr(path));
	buf_release(&scheme);
	return 0;
}

/* ---- errors -------------------------------------------------------------------------------------------------- */

int s3_parse_error(const char *xml, size_t len, struct err *e)
{
	struct err pe = ERR_INIT;
	struct xml_node *root = len ? xml_parse(xml, len, &pe) : NULL;
	int found = 0;
	if (root) {
		const struct xml_node *er = !strcmp(root->name, "Error") ? root : xml_child(root, "Error");
		if (er) {
			const char *code = xml_text(er, "Code"), *msg = xml_text(er, "Message"), *rid = xml_text(er, "RequestId");
			if (code && *code) {
				snprintf(e->type, sizeof(e->type), "%s", code);
				snprintf(e->msg, sizeof(e->msg), "%s", msg && *msg ? msg : code);
				if (rid && *rid)
					snprintf(e->request_id, sizeof(e->request_id), "%s", rid);
				found = 1;
			}
		}
		xml_free(root);
	}
	return found;
}

static const char *status_code_name(long status)
{
	switch (status) {
	case 301: return "PermanentRedirect";
	case 307: return "TemporaryRedirect";
	case 400: return "BadRequest";
	case 403: return "Forbidden";
	case 404: return "NotFound";
	case 412: return "PreconditionFailed";
	case 503: return "SlowDown";
	default: return status >= 500 ? "InternalError" : "HTTPError";
	}
}

/* A response header's value ("" when absent), from http.c's raw lines of the final response. */
static void header_value(const struct http_resp *hr, const char *name, char *dst, size_t cap)
{
	size_t n = strlen(name);
	const char *p = buf_cstr(&hr->headers), *end = p + hr->headers.len;
	dst[0] = '\0';
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (ll > n && p[n] == ':' && !strncasecmp(p, name, n)) {
			const char *v = p + n + 1;
			size_t vl = ll - n - 1;
			while (vl && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			if (vl >= cap)
				vl = cap - 1;
			for (size_t i = 0; i < vl; i++)   /* a server's text: printable ASCII only */
				dst[i] = (v[i] >= 0x20 && v[i] < 0x7f) ? v[i] : '?';
			dst[vl] = '\0';
			return;
		}
		p += ll + 1;
	}
}

static void what_url(char *dst, size_t cap, const char *bucket, const char *key)
{
	snprintf(dst, cap, "s3://%s%s%s", bucket, key && *key ? "/" : "", key ? key : "");
	for (char *c = dst; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}

static void fill_s3_error(const struct http_resp *hr, const char *bucket, const char *key, struct err *e)
{
	char where[512], region[64];
	err_clear(e);
	if (!s3_parse_error(buf_cstr(&hr->body), hr->body.len, e)) {
		snprintf(e->type, sizeof(e->type), "%s", status_code_name(hr->status));
		snprintf(e->msg, sizeof(e->msg), "HTTP %ld from S3", hr->status);
	}
	header_value(hr, "x-amz-bucket-region", region, sizeof(region));
	if (region[0] && (hr->status == 301 || !strcmp(e->type, "AuthorizationHeaderMalformed")))
		snprintf(e->msg + strlen(e->msg), sizeof(e->msg) - strlen(e->msg), " (the bucket is in %s: use --region %s)",
		         region, region);
	if (!e->request_id[0])
		snprintf(e->request_id, sizeof(e->request_id), "%s", hr->request_id);
	aws_classify_error(hr->status, e->type, e);
	if (!strcmp(e->type, "NoSuchBucket") || !strcmp(e->type, "NoSuchKey") || !strcmp(e->type, "NoSuchUpload") ||
	    (!strcmp(e->type, "NotFound") && hr->status == 404))
		e->kind = ERR_NOINPUT;
	e->http_status = (int)hr->status;
	/* a signature error may echo the canonical request: never printed (only Message is kept, redacted anyway) */
	struct buf red = BUF_INIT;
	what_url(where, sizeof(where), bucket, key);
	trace_redact(&red, e->msg, strlen(e->msg));
	snprintf(e->msg, sizeof(e->msg), "%s: %s", where, buf_cstr(&red));
	buf_cleanse(&red);
	for (char *c = e->msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
}

/* ---- one request, retried ------------------------------------------------------------------------------------ */

struct s3_req {
	const char *method, *bucket, *key;   /* key NULL or "": the bucket */
	const char *query;                   /* encoded, without '?' */
	const char *content_type;            /* NULL: none */
	const void *body;                    /* in memory: hashed */
	size_t body_len;
	int trace_body;                      /* show the body in --debug (XML we wrote, not object data) */
	/* a streamed body (body_len bytes): UNSIGNED-PAYLOAD; rewind before each attempt */
	size_t (*read_fn)(void *arg, char *dst, size_t n);
	int (*rewind_fn)(void *arg);
	void *read_arg;
	/* a streamed 2xx answer */
	s3_sink_fn sink;
	void *sink_arg;
};

struct sink_state {
	const struct s3_req *q;
	uint64_t delivered;                  /* bytes handed to q->sink over every attempt */
	uint64_t range_from;                 /* this attempt asked for bytes from here (0: the whole object) */
	uint64_t skip;                       /* bytes of this attempt's answer already delivered (a server ignoring Range) */
	int first;                           /* no byte of this attempt's answer seen yet */
	struct err err;
	int failed;
};

static int sink_wrap(void *arg, long status, const char *data, size_t n)
{
	struct sink_state *s = arg;
	if (s->first) {   /* a 200 to a Range request is the whole object again: skip what was delivered */
		s->first = 0;
		s->skip = status == 200 ? s->range_from : 0;
	}
	if (s->skip) {
		size_t k = n < s->skip ? n : (size_t)s->skip;
		s->skip -= k;
		data += k;
		n -= k;
		if (!n)
			return 0;
	}
	if (s->q->sink(s->q->sink_arg, data, n, &s->err) < 0) {
		s->failed = 1;
		return -1;
	}
	s->delivered += n;
	return 0;
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

/* Send q, retrying what may pass on a retry.  0 with *hr holding the 2xx answer (its body unless streamed), or -1
 * with e filled (for a 404 HEAD: e->kind ERR_NOINPUT, e->http_status 404). */
static int s3_do(struct s3_client *c, const struct s3_req *q, struct http_resp *hr, struct err *e)
{
	struct ctx *ctx = c->ctx;
	struct buf url = BUF_INIT, host = BUF_INIT, path = BUF_INIT;
	char hash[65], ua[64], range[64], etag[80] = "";
	int rc = -1, max = ctx->max_attempts ? (int)ctx->max_attempts : DEFAULT_MAX_ATTEMPTS;
	struct backoff bo;
	struct sink_state ss;

	memset(&ss, 0, sizeof(ss));
	ss.q = q;
	if (s3_request_url(c, q->bucket, q->key, &url, &host, &path, e) < 0)
		goto out;
	if (q->query && *q->query)
		buf_addf(&url, "?%s", q->query);
	if (q->read_fn)
		snprintf(hash, sizeof(hash), "UNSIGNED-PAYLOAD");
	else
		sigv4_sha256_hex(q->body ? q->body : "", q->body_len, hash);
	snprintf(ua, sizeof(ua), "ddb/%s", DDB_VERSION);
	backoff_init(&bo, BACKOFF_BASE_MS, BACKOFF_CAP_MS);

	for (int attempt = 1;; attempt++) {
		struct sigv4_header sh[6];
		size_t nsh = 0;
		struct http_hdr hh[12];
		size_t nh = 0;
		struct sigv4_signed sig;
		struct creds cr;

		memset(&sig, 0, sizeof(sig));
		memset(&cr, 0, sizeof(cr));
		if (ctx_interrupted(ctx)) {
			err_set(e, ERR_INTERRUPTED, "interrupted");
			goto out;
		}
		sh[nsh++] = (struct sigv4_header){ "Host", buf_cstr(&host) };
		sh[nsh++] = (struct sigv4_header){ "X-Amz-Content-SHA256", hash };
		if (q->content_type)
			sh[nsh++] = (struct sigv4_header){ "Content-Type", q->content_type };
		if (q->sink && ss.delivered) {   /* resume a cut download where it stopped, of the same object */
			snprintf(range, sizeof(range), "bytes=%" PRIu64 "-", ss.delivered);
			sh[nsh++] = (struct sigv4_header){ "Range", range };
			if (etag[0])
				sh[nsh++] = (struct sigv4_header){ "If-Match", etag };
		}
		for (size_t i = 0; i < nsh; i++)
			hh[nh++] = (struct http_hdr){ sh[i].name, sh[i].value };
		if (creds_get(ctx, &cr, e) < 0)
			goto out;
		struct sigv4_request sreq = { q->method, buf_cstr(&path), q->query, sh, nsh,
		                              q->read_fn ? NULL : q->body, q->read_fn ? 0 : q->body_len };
		struct sigv4_credentials sc = { cr.access_key_id, cr.secret_access_key, cr.session_token };
		struct sigv4_config cfg = { c->region, aws_s3.signing_name, ctx->now(), SIGV4_S3, 0 };
		int signed_ok = sigv4_sign(&sreq, &sc, &cfg, &s3_key_cache, &sig, e);
		creds_release(&cr);
		if (signed_ok < 0)
			goto out;
		for (size_t i = 0; i < sig.nadd; i++)
			hh[nh++] = (struct http_hdr){ sig.add[i].name, sig.add[i].value };
		hh[nh++] = (struct http_hdr){ "User-Agent", ua };
		if (q->read_fn && q->rewind_fn && q->rewind_fn(q->read_arg) < 0) {
			sigv4_signed_release(&sig);
			err_set(e, ERR_IO, "%s: cannot rewind the upload's input", buf_cstr(&url));
			goto out;
		}

		struct http_req hreq = { q->method, buf_cstr(&url), hh, nh, q->read_fn ? NULL : q->body, q->body_len,
		                         q->read_fn, q->read_arg, q->sink ? sink_wrap : NULL, &ss };
		struct http_req shown = hreq;
		if (!q->trace_body)
			shown.body_len = 0;
		trace_request(ctx, &shown, attempt);
		ss.skip = 0;
		ss.first = 1;
		ss.range_from = q->sink ? ss.delivered : 0;
		double t0 = clock_now();
		int sent = http_send(c->http, &hreq, hr, e);
		sigv4_signed_release(&sig);

		int retry = 0;
		if (sent < 0) {
			e->type[0] = e->request_id[0] = '\0';
			e->http_status = 0;
			if (hr->fail == HTTP_SINK) {
				if (ss.failed)
					*e = ss.err;
				goto out;
			}
			trace_note(ctx, "transport error: %s", e->msg);
			if (hr->fail == HTTP_ABORTED || hr->fail == HTTP_REFUSED || hr->fail == HTTP_TLS_VERIFY ||
			    hr->fail == HTTP_TOOBIG)
				goto out;
			retry = hr->fail == HTTP_CONNECT ? attempt < 3 : 1;
			if (q->sink && ss.delivered && !etag[0])
				header_value(hr, "ETag", etag, sizeof(etag));
		} else {
			trace_response(ctx, hr, clock_now() - t0);
			if (hr->status >= 200 && hr->status < 300) {
				rc = 0;
				goto out;
			}
			fill_s3_error(hr, q->bucket, q->key, e);   /* classified: kind and whether to retry */
			retry = e->kind == ERR_TEMPFAIL;
			if (hr->status == 412 && etag[0]) {   /* our If-Match: the bytes delivered are of another version */
				char where[512];
				what_url(where, sizeof(where), q->bucket, q->key);
				snprintf(e->msg, sizeof(e->msg), "%s changed while it was being downloaded (ETag %s): try again",
				         where, etag);
				e->kind = ERR_TEMPFAIL;
				retry = 0;
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
	buf_release(&url);
	buf_release(&host);
	buf_release(&path);
	return rc;
}

/* ---- objects ------------------------------------------------------------------------------------------------- */

static time_t parse_http_date(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return end ? timegm(&tm) : 0;
}

static void info_from(const struct http_resp *hr, struct s3_object_info *info, uint64_t size)
{
	char v[128];
	if (!info)
		return;
	memset(info, 0, sizeof(*info));
	header_value(hr, "ETag", info->etag, sizeof(info->etag));
	header_value(hr, "Content-Type", info->content_type, sizeof(info->content_type));
	header_value(hr, "Last-Modified", v, sizeof(v));
	info->last_modified = v[0] ? parse_http_date(v) : 0;
	info->size = size;
	if (size == UINT64_MAX) {
		header_value(hr, "Content-Length", v, sizeof(v));
		info->size = strtoull(v, NULL, 10);
	}
}

int s3_put(struct s3_client *c, const char *bucket, const char *key, const void *data, size_t len,
           const char *content_type, struct s3_object_info *info, struct err *e)
{
	struct http_resp hr;
	struct s3_req q = { "PUT", bucket, key, NULL, content_type ? content_type : "application/octet-stream",
	                    data, len, 0, NULL, NULL, NULL, NULL, NULL };
	http_resp_init(&hr);
	int rc = s3_do(c, &q, &hr, e);
	if (rc == 0)
		info_from(&hr, info, len);
	http_resp_release(&hr);
	return rc;
}

/* A region of a regular file, read with pread (no shared offset: rewinding is free). */
struct file_part {
	int fd;
	off_t start, pos, end;
	int err;
};

static size_t file_part_read(void *arg, char *dst, size_t n)
{
	struct file_part *p = arg;
	if (p->pos >= p->end)
		return 0;
	if ((off_t)n > p->end - p->pos)
		n = (size_t)(p->end - p->pos);
	ssize_t got;
	do
		got = pread(p->fd, dst, n, p->pos);
	while (got < 0 && errno == EINTR);
	if (got <= 0) {   /* an error, or the file shrank under us */
		p->err = got < 0 ? errno : EIO;
		return (size_t)-1;
	}
	p->pos += got;
	return (size_t)got;
}

static int file_part_rewind(void *arg)
{
	struct file_part *p = arg;
	p->pos = p->start;
	return 0;
}

static int put_file_part(struct s3_client *c, const char *method, const char *bucket, const char *key,
                         const char *query, const char *content_type, struct file_part *fp, const char *name,
                         struct http_resp *hr, struct err *e)
{
	struct s3_req q = { method, bucket, key, query, content_type, NULL, (size_t)(fp->end - fp->start), 0,
	                    file_part_read, file_part_rewind, fp, NULL, NULL };
	int rc = s3_do(c, &q, hr, e);
	if (rc < 0 && fp->err)
		err_set(e, ERR_IO, "%s: cannot read: %s", name, strerror(fp->err));
	return rc;
}

static char *xml_escape(const char *s)
{
	struct buf b = BUF_INIT;
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_adds(&b, "&amp;"); break;
		case '<': buf_adds(&b, "&lt;"); break;
		case '>': buf_adds(&b, "&gt;"); break;
		case '"': buf_adds(&b, "&quot;"); break;
		default: buf_addc(&b, *s);
		}
	}
	return buf_detach(&b, NULL);
}

static int parse_xml_answer(const struct http_resp *hr, const char *what, struct xml_node **root, struct err *e)
{
	*root = xml_parse(buf_cstr(&hr->body), hr->body.len, e);
	if (!*root)
		return err_prefix(e, "%s: S3's answer", what);
	return 0;
}

int s3_mpu_create(struct s3_client *c, const char *bucket, const char *key, const char *content_type,
                  struct s3_multipart *m, struct err *e)
{
	struct http_resp hr;
	struct xml_node *root = NULL;
	char what[512];
	struct s3_req q = { "POST", bucket, key, "uploads=", content_type ? content_type : "application/octet-stream",
	                    NULL, 0, 0, NULL, NULL, NULL, NULL, NULL };
	memset(m, 0, sizeof(*m));
	what_url(what, sizeof(what), bucket, key);
	http_resp_init(&hr);
	int rc = s3_do(c, &q, &hr, e);
	if (rc == 0 && (rc = parse_xml_answer(&hr, what, &root, e)) == 0) {
		const char *id = xml_text(root, "UploadId");
		if (!id || !*id)
			rc = err_set(e, ERR_DATA, "%s: CreateMultipartUpload answered no UploadId", what);
		else {
			m->bucket = xstrdup(bucket);
			m->key = xstrdup(key);
			m->upload_id = xstrdup(id);
		}
	}
	xml_free(root);
	http_resp_release(&hr);
	return rc;
}

static int mpu_next(struct s3_multipart *m, struct buf *query, struct err *e)
{
	if (m->nparts >= S3_MAX_PARTS)
		return err_set(e, ERR_DATA, "s3://%s/%s: more than %d parts", m->bucket, m->key, S3_MAX_PARTS);
	buf_reset(query);
	buf_addf(query, "partNumber=%d&uploadId=", m->nparts + 1);
	sigv4_uri_encode(query, m->upload_id, strlen(m->upload_id), 0);
	return 0;
}

static int mpu_keep_etag(struct s3_multipart *m, const struct http_resp *hr, struct err *e)
{
	char etag[80];
	header_value(hr, "ETag", etag, sizeof(etag));
	if (!etag[0])
		return err_set(e, ERR_DATA, "s3://%s/%s: UploadPart %d answered no ETag", m->bucket, m->key, m->nparts + 1);
	if (m->nparts == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->etags = xrealloc(m->etags, (size_t)m->cap * sizeof(*m->etags));
	}
	m->etags[m->nparts++] = xstrdup(etag);
	return 0;
}

int s3_mpu_part(struct s3_client *c, struct s3_multipart *m, const void *data, size_t len, struct err *e)
{
	struct buf query = BUF_INIT;
	struct http_resp hr;
	int rc = mpu_next(m, &query, e);
	http_resp_init(&hr);
	if (rc == 0) {
		struct s3_req q = { "PUT", m->bucket, m->key, buf_cstr(&query), NULL, data, len, 0, NULL, NULL, NULL, NULL,
		                    NULL };
		rc = s3_do(c, &q, &hr, e);
	}
	if (rc == 0)
		rc = mpu_keep_etag(m, &hr, e);
	http_resp_release(&hr);
	buf_release(&query);
	return rc;
}

static int mpu_part_file(struct s3_client *c, struct s3_multipart *m, struct file_part *fp, const char *name,
                         struct err *e)
{
	struct buf query = BUF_INIT;
	struct http_resp hr;
	int rc = mpu_next(m, &query, e);
	http_resp_init(&hr);
	if (rc == 0)
		rc = put_file_part(c, "PUT", m->bucket, m->key, buf_cstr(&query), NULL, fp, name, &hr, e);
	if (rc == 0)
		rc = mpu_keep_etag(m, &hr, e);
	http_resp_release(&hr);
	buf_release(&query);
	return rc;
}

int s3_mpu_complete(struct s3_client *c, struct s3_multipart *m, struct s3_object_info *info, struct err *e)
{
	struct buf body = BUF_INIT, query = BUF_INIT;
	struct http_resp hr;
	struct xml_node *root = NULL;
	char what[512];
	what_url(what, sizeof(what), m->bucket, m->key);
	buf_adds(&body, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
	for (int i = 0; i < m->nparts; i++) {
		char *t = xml_escape(m->etags[i]);
		buf_addf(&body, "<Part><ETag>%s</ETag><PartNumber>%d</PartNumber></Part>", t, i + 1);
		free(t);
	}
	buf_adds(&body, "</CompleteMultipartUpload>");
	buf_adds(&query, "uploadId=");
	sigv4_uri_encode(&query, m->upload_id, strlen(m->upload_id), 0);
	struct s3_req q = { "POST", m->bucket, m->key, buf_cstr(&query), "application/xml", body.ptr, body.len, 1,
	                    NULL, NULL, NULL, NULL, NULL };
	http_resp_init(&hr);
	int rc = s3_do(c, &q, &hr, e);
	/* S3 may answer 200 with an <Error> document (the upload failed after the answer started) */
	if (rc == 0 && (rc = parse_xml_answer(&hr, what, &root, e)) == 0 && !strcmp(root->name, "Error")) {
		fill_s3_error(&hr, m->bucket, m->key, e);
		rc = -1;
	}
	if (rc == 0 && info) {
		memset(info, 0, sizeof(*info));
		const char *etag = xml_text(root, "ETag");
		snprintf(info->etag, sizeof(info->etag), "%s", etag ? etag : "");
	}
	xml_free(root);
	http_resp_release(&hr);
	buf_release(&body);
	buf_release(&query);
	return rc;
}

void s3_mpu_abort(struct s3_client *c, struct s3_multipart *m)
{
	if (m->upload_id) {
		struct buf query = BUF_INIT;
		struct http_resp hr;
		struct err ignored = ERR_INIT;
		buf_adds(&query, "uploadId=");
		sigv4_uri_encode(&query, m->upload_id, strlen(m->upload_id), 0);
		struct s3_req q = { "DELETE", m->bucket, m->key, buf_cstr(&query), NULL, NULL, 0, 0, NULL, NULL, NULL,
		                    NULL, NULL };
		http_resp_init(&hr);
		s3_do(c, &q, &hr, &ignored);
		http_resp_release(&hr);
		buf_release(&query);
	}
	s3_mpu_release(m);
}

void s3_mpu_release(struct s3_multipart *m)
{
	for (int i = 0; i < m->nparts; i++)
		free(m->etags[i]);
	free(m->etags);
	free(m->bucket);
	free(m->key);
	free(m->upload_id);
	memset(m, 0, sizeof(*m));
}

/* read up to n bytes (fewer only at the end of the input) */
static size_t read_full(FILE *in, char *dst, size_t n)
{
	size_t got = 0;
	while (got < n) {
		size_t k = fread(dst + got, 1, n - got, in);
		if (!k)
			break;
		got += k;
	}
	return got;
}

int s3_put_stream(struct s3_client *c, const char *bucket, const char *key, FILE *in, const char *name,
                  const char *content_type, struct s3_object_info *info, struct err *e)
{
	struct stat st;
	struct s3_multipart m;
	int rc = -1;
	const char *ctype = content_type ? content_type : "application/octet-stream";
	off_t at = ftello(in);

	memset(&m, 0, sizeof(m));
	if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) && at >= 0) {
		/* a regular file: streamed from the file, nothing held in memory */
		off_t size = st.st_size > at ? st.st_size - at : 0;
		size_t part = c->part_size;
		while ((off_t)part * S3_MAX_PARTS < size)
			part *= 2;
		struct file_part fp = { fileno(in), at, at, at + size, 0 };
		if (size <= (off_t)c->part_size) {
			struct http_resp hr;
			http_resp_init(&hr);
			rc = put_file_part(c, "PUT", bucket, key, NULL, ctype, &fp, name, &hr, e);
			if (rc == 0)
				info_from(&hr, info, (uint64_t)size);
			http_resp_release(&hr);
			return rc;
		}
		if (s3_mpu_create(c, bucket, key, ctype, &m, e) < 0)
			return -1;
		for (off_t off = at; off < at + size; off += (off_t)part) {
			fp.start = fp.pos = off;
			fp.end = off + (off_t)part < at + size ? off + (off_t)part : at + size;
			if (mpu_part_file(c, &m, &fp, name, e) < 0)
				goto fail;
		}
		if (s3_mpu_complete(c, &m, info, e) < 0)
			goto fail;
		if (info)
			info->size = (uint64_t)size;
		s3_mpu_release(&m);
		return 0;
	}

	/* a pipe: one part at a time in memory (hashed) */
	char *bufp = malloc(c->part_size);
	if (!bufp)
		return err_set(e, ERR_INTERNAL, "out of memory for a %zu-byte part", c->part_size);
	uint64_t total = 0;
	size_t got = read_full(in, bufp, c->part_size);
	if (ferror(in)) {
		rc = err_set(e, ERR_IO, "%s: cannot read: %s", name, strerror(errno));
		goto out;
	}
	if (got < c->part_size) {
		rc = s3_put(c, bucket, key, bufp, got, ctype, info, e);
		goto out;
	}
	if (s3_mpu_create(c, bucket, key, ctype, &m, e) < 0)
		goto out;
	while (got) {
		if (s3_mpu_part(c, &m, bufp, got, e) < 0)
			goto fail_buf;
		total += got;
		got = read_full(in, bufp, c->part_size);
		if (ferror(in)) {
			err_set(e, ERR_IO, "%s: cannot read: %s", name, strerror(errno));
			goto fail_buf;
		}
	}
	if (s3_mpu_complete(c, &m, info, e) < 0)
		goto fail_buf;
	if (info)
		info->size = total;
	s3_mpu_release(&m);
	rc = 0;
	goto out;
fail_buf:
	s3_mpu_abort(c, &m);
out:
	free(bufp);
	return rc;
fail:
	s3_mpu_abort(c, &m);
	return -1;
}

int s3_get(struct s3_client *c, const char *bucket, const char *key, s3_sink_fn fn, void *arg,
           struct s3_object_info *info, struct err *e)
{
	struct http_resp hr;
	struct s3_req q = { "GET", bucket, key, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, fn, arg };
	http_resp_init(&hr);
	int rc = s3_do(c, &q, &hr, e);
	if (rc == 0)
		info_from(&hr, info, UINT64_MAX);
	http_resp_release(&hr);
	return rc;
}

static int sink_file(void *arg, const void *data, size_t n, struct err *e)
{
	if (fwrite(data, 1, n, (FILE *)arg) != n)
		return err_set(e, ERR_IO, "cannot write the object: %s", strerror(errno));
	return 0;
}

int s3_get_file(struct s3_client *c, const char *bucket, const char *key, FILE *out, struct s3_object_info *info,
                struct err *e)
{
	return s3_get(c, bucket, key, sink_file, out, info, e);
}

struct sink_buf {
	struct buf *b;
	size_t max;
	const char *bucket, *key;
};

static int sink_mem(void *arg, const void *data, size_t n, struct err *e)
{
	struct sink_buf *s = arg;
	if (s->b->len + n > s->max)
		return err_set(e, ERR_DATA, "s3://%s/%s is larger than %zu bytes: refused", s->bucket, s->key, s->max);
	buf_add(s->b, data, n);
	return 0;
}

int s3_get_buf(struct s3_client *c, const char *bucket, const char *key, struct buf *out, size_t max,
               struct err *e)
{
	struct sink_buf s = { out, max, bucket, key };
	buf_reset(out);
	return s3_get(c, bucket, key, sink_mem, &s, NULL, e);
}

int s3_head(struct s3_client *c, const char *bucket, const char *key, struct s3_object_info *info, struct err *e)
{
	struct http_resp hr;
	struct s3_req q = { "HEAD", bucket, key, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL };
	http_resp_init(&hr);
	int rc = s3_do(c, &q, &hr, e);
	if (rc == 0)
		info_from(&hr, info, UINT64_MAX);
	else if (e->http_status == 404) {
		err_clear(e);
		rc = 1;
	}
	http_resp_release(&hr);
	return rc;
}

int s3_delete(struct s3_client *c, const char *bucket, const char *key, struct err *e)
{
	struct http_resp hr;
	struct s3_req q = { "DELETE", bucket, key, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL };
	http_resp_init(&hr);
	int rc = s3_do(c, &q, &hr, e);
	http_resp_release(&hr);
	return rc;
}

/* ---- ListObjectsV2 ------------------------------------------------------------------------------------------- */

int s3_list(struct s3_client *c, const char *bucket, const char *prefix, int max_keys, s3_list_fn fn, void *arg,
            struct err *e)
{
	struct buf query = BUF_INIT;
	char what[512], pwhat[560];
	struct pager p;
	int rc = -1, more;
	what_url(what, sizeof(what), bucket, prefix);
	snprintf(pwhat, sizeof(pwhat), "%s: ListObjectsV2", what);
	pager_init(&p, c->ctx, pwhat, "continuation-token", "NextContinuationToken");   /* lib/aws/pager.h */
	while ((more = pager_more(&p, e)) != 0) {
		struct http_resp hr;
		struct xml_node *root = NULL;
		if (more < 0)
			goto out;
		buf_reset(&query);
		if (pager_token_str(&p)) {
			buf_adds(&query, "continuation-token=");
			sigv4_uri_encode(&query, pager_token_str(&p), strlen(pager_token_str(&p)), 0);
			buf_addc(&query, '&');
		}
		buf_adds(&query, "list-type=2");
		if (max_keys > 0)
			buf_addf(&query, "&max-keys=%d", max_keys);
		if (prefix && *prefix) {
			buf_adds(&query, "&prefix=");
			sigv4_uri_encode(&query, prefix, strlen(prefix), 0);
		}
		struct s3_req q = { "GET", bucket, NULL, buf_cstr(&query), NULL, NULL, 0, 0, NULL, NULL, NULL, NULL, NULL };
		http_resp_init(&hr);
		int r = s3_do(c, &q, &hr, e);
		if (r == 0)
			r = parse_xml_answer(&hr, what, &root, e);
		http_resp_release(&hr);
		if (r < 0)
			goto out;
		if (strcmp(root->name, "ListBucketResult")) {
			xml_free(root);
			err_set(e, ERR_DATA, "%s: ListObjectsV2 answered <%s>, not <ListBucketResult>", what, root->name);
			goto out;
		}
		for (struct xml_node *o = xml_child(root, "Contents"); o; o = xml_next(o)) {
			const char *k = xml_text(o, "Key"), *sz = xml_text(o, "Size");
			if (!k) {
				xml_free(root);
				err_set(e, ERR_DATA, "%s: ListObjectsV2 answered an object without a Key", what);
				goto out;
			}
			struct s3_list_entry ent = { k, sz ? strtoull(sz, NULL, 10) : 0, xml_text(o, "ETag"),
			                             xml_text(o, "LastModified") };
			r = fn(arg, &ent, e);
			if (r != 0) {
				xml_free(root);
				rc = r < 0 ? -1 : 0;
				goto out;
			}
		}
		const char *trunc = xml_text(root, "IsTruncated"), *next = xml_text(root, "NextContinuationToken");
		int truncated = trunc && !strcmp(trunc, "true");
		if (truncated && (!next || !*next)) {
			xml_free(root);
			err_set(e, ERR_DATA, "%s: ListObjectsV2 said IsTruncated but gave no NextContinuationToken", what);
			goto out;
		}
		r = pager_next_token_str(&p, truncated ? next : NULL, e);
		xml_free(root);
		if (r < 0)
			goto out;
	}
	rc = 0;
out:
	pager_release(&p);
	buf_release(&query);
	return rc;
}
