/* http.c — libcurl transport. */
#include "aws/http.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

struct http {
	CURL *curl;
	struct http_opts o;
};

static pthread_once_t curl_once_ = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct http *http_new(const struct http_opts *o)
{
	pthread_once(&curl_once_, curl_init_once);
	struct http *h = xcalloc(1, sizeof(*h));
	h->curl = curl_easy_init();
	if (!h->curl) {
		free(h);
		return NULL;
	}
	if (o)
		h->o = *o;
	return h;
}

void http_set_opts(struct http *h, const struct http_opts *o)
{
	h->o = *o;
}

void http_free(struct http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

void http_resp_init(struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->body, 0);
	buf_init(&r->headers, 1 << 20);
}

void http_resp_release(struct http_resp *r)
{
	buf_release(&r->body);
	buf_release(&r->headers);
}

struct xfer {
	struct http_resp *resp;
	const struct http_req *req;
	CURL *c;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct http_resp *r = x->resp;
	if (x->req->sink_fn) {
		long status = 0;
		curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status < 300) {
			if (x->req->sink_fn(x->req->sink_arg, status, data, size * n) < 0) {
				r->fail = HTTP_SINK;
				return 0;
			}
			return size * n;
		}
	}
	if (buf_add(&r->body, data, size * n) < 0) {
		r->fail = HTTP_TOOBIG;
		return 0;
	}
	return size * n;
}

static void copy_value(char *dst, size_t cap, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_resp *r = arg;
	size_t len = size * n;
	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {   /* a new response (after 100-continue or a redirect) */
		buf_reset(&r->headers);
		r->request_id[0] = r->crc32[0] = r->content_type[0] = r->error_type[0] = '\0';
	}
	buf_add(&r->headers, data, len);
	const char *colon = memchr(data, ':', len);
	if (!colon)
		return len;
	size_t nl = (size_t)(colon - data);
	const char *v = colon + 1;
	size_t vl = len - nl - 1;
	if ((nl == 16 && !strncasecmp(data, "x-amzn-RequestId", nl)) ||
	    (nl == 16 && !strncasecmp(data, "x-amz-request-id", nl)))
		copy_value(r->request_id, sizeof(r->request_id), v, vl);
	else if (nl == 11 && !strncasecmp(data, "x-amz-crc32", nl))
		copy_value(r->crc32, sizeof(r->crc32), v, vl);
	else if (nl == 12 && !strncasecmp(data, "content-type", nl))
		copy_value(r->content_type, sizeof(r->content_type), v, vl);
	else if (nl == 16 && !strncasecmp(data, "x-amzn-ErrorType", nl))
		copy_value(r->error_type, sizeof(r->error_type), v, vl);
	return len;
}

static size_t on_read(char *dst, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t got = x->req->read_fn(x->req->read_arg, dst, size * n);
	if (got == (size_t)-1) {
		x->resp->fail = HTTP_SINK;
		return CURL_READFUNC_ABORT;
	}
	return got;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct http *h = arg;
	(void)dt, (void)dn, (void)ut, (void)un;
	return h->o.interrupted && __atomic_load_n(h->o.interrupted, __ATOMIC_RELAXED) ? 1 : 0;
}

int http_send(struct http *h, const struct http_req *r, struct http_resp *resp, struct err *e)
{
	CURL *c = h->curl;
	struct curl_slist *hl = NULL;
	char line[8192];
	int rc = -1;
	struct xfer x = { resp, r, c };

	buf_reset(&resp->body);
	buf_reset(&resp->headers);
	resp->body.cap_max = h->o.max_body ? h->o.max_body : ((size_t)64 << 20);
	resp->status = 0;
	resp->fail = HTTP_OK;

	curl_easy_reset(c);   /* keeps the connection cache: keep-alive survives */
	for (size_t i = 0; i < r->nheaders; i++) {
		/* a CR or LF in a value would end the header and start another: refuse any control character (the value
		 * may be a credential: never shown) */
		for (const char *v = r->headers[i].value; *v; v++)
			if ((unsigned char)*v < 0x20 || *v == 0x7f) {
				resp->fail = HTTP_REFUSED;
				err_set(e, ERR_CONFIG, "refusing to send header '%s': its value holds a control character",
				        r->headers[i].name);
				goto out;
			}
		int n = snprintf(line, sizeof(line), "%s: %s", r->headers[i].name, r->headers[i].value);
		if (n < 0 || (size_t)n >= sizeof(line)) {
			resp->fail = HTTP_REFUSED;
			err_set(e, ERR_INTERNAL, "header '%s' too long", r->headers[i].name);
			goto out;
		}
		hl = curl_slist_append(hl, line);
	}
	hl = curl_slist_append(hl, "Expect:");
	hl = curl_slist_append(hl, "Accept:");
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	if (r->read_fn) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &x);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->body_len);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	} else if (!strcmp(r->method, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (r->body_len || !strcmp(r->method, "POST") || !strcmp(r->method, "PUT")) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body ? (const char *)r->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms ? h->o.connect_timeout_ms : 5000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->o.timeout_ms ? h->o.timeout_ms : 60000L);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	const char *ca = getenv("AWS_CA_BUNDLE");
	if (ca && *ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);

	CURLcode cc = curl_easy_perform(c);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &resp->new_connections);
		rc = 0;
		goto out;
	}
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		resp->fail = HTTP_CONNECT;
		err_set(e, ERR_UNAVAILABLE, "cannot connect to %s: %s", r->url, curl_easy_strerror(cc));
		break;
	case CURLE_OPERATION_TIMEDOUT:
		resp->fail = HTTP_TIMEOUT;
		err_set(e, ERR_TEMPFAIL, "%s: timed out: %s", r->url, curl_easy_strerror(cc));
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		if (resp->fail == HTTP_SINK) {   /* read_fn's CURL_READFUNC_ABORT */
			err_set(e, ERR_IO, "%s: the transfer was stopped by its reader", r->url);
			break;
		}
		resp->fail = HTTP_ABORTED;
		err_set(e, ERR_INTERRUPTED, "interrupted");
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		resp->fail = cc == CURLE_SSL_CONNECT_ERROR ? HTTP_TLS : HTTP_TLS_VERIFY;
		err_set(e, ERR_UNAVAILABLE, "%s: TLS failure: %s", r->url, curl_easy_strerror(cc));
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_READ_ERROR:
		if (resp->fail == HTTP_SINK) {
			err_set(e, ERR_IO, "%s: the transfer was stopped by its reader or writer", r->url);
			break;
		}
		if (resp->fail == HTTP_TOOBIG) {
			err_set(e, ERR_DATA, "%s: response larger than %zu bytes", r->url, resp->body.cap_max);
			break;
		}
		/* fall through */
	default:
		resp->fail = (cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR || cc == CURLE_GOT_NOTHING ||
		              cc == CURLE_PARTIAL_FILE || cc == CURLE_HTTP2 || cc == CURLE_HTTP2_STREAM)
		             ? HTTP_RESET : HTTP_OTHER;
		err_set(e, ERR_TEMPFAIL, "%s: %s", r->url, curl_easy_strerror(cc));
		break;
	}
out:
	curl_slist_free_all(hl);
	return rc;
}

int http_url_parts(const char *url, struct buf *scheme, struct buf *host, struct buf *path, struct err *e)
{
	const char *p = strstr(url, "://");
	if (!p || p == url)
		return err_set(e, ERR_CONFIG, "endpoint '%s' is not a URL (expected http://host[:port] or https://...)", url);
	for (const char *s = url; s < p; s++)
		if (!isalpha((unsigned char)*s))
			return err_set(e, ERR_CONFIG, "endpoint '%s' is not a URL", url);
	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return err_set(e, ERR_CONFIG, "endpoint '%s': only http:// and https:// are supported", url);
	if (scheme) {
		buf_reset(scheme);
		for (const char *s = url; s < p; s++)
			buf_addc(scheme, (char)tolower((unsigned char)*s));
	}
	const char *h = p + 3;
	size_t hl = strcspn(h, "/?#");
	if (!hl)
		return err_set(e, ERR_CONFIG, "endpoint '%s' has no host", url);
	if (memchr(h, '@', hl))
		return err_set(e, ERR_CONFIG, "endpoint '%s': user info in URLs is not supported", url);
	/* what libcurl would refuse on every attempt (a bad port, spaces, ...) is a configuration error now */
	CURLU *cu = curl_url();
	CURLUcode uc = cu ? curl_url_set(cu, CURLUPART_URL, url, 0) : CURLUE_OUT_OF_MEMORY;
	curl_url_cleanup(cu);
	if (uc != CURLUE_OK)
		return err_set(e, ERR_CONFIG, "endpoint '%s' is not a valid URL: %s", url, curl_url_strerror(uc));
	if (host) {
		buf_reset(host);
		buf_add(host, h, hl);
	}
	if (path) {
		buf_reset(path);
		const char *rest = h + hl;
		size_t pl = strcspn(rest, "?#");
		if (pl == 0 || rest[0] != '/')
			buf_adds(path, "/");
		else
			buf_add(path, rest, pl);
	}
	return 0;
}

const char *http_version(void)
{
	return curl_version();
}
