/* http.h — the transport: one libcurl handle reused across calls (keep-alive).  Transport knows no signing.
 *
 * http_send does exactly one attempt; retries and signing live in awscall.c, error parsing in awserr.c.  TLS
 * verification is always on for https (AWS_CA_BUNDLE may name the CA file); it cannot be switched off.
 * Only this file includes <curl/curl.h>.
 */
#ifndef DDB_HTTP_H
#define DDB_HTTP_H

#include <signal.h>
#include <stddef.h>
#include "base/buf.h"
#include "base/err.h"

struct http_hdr { const char *name; const char *value; };

struct http_req {
	const char *method;            /* "POST" */
	const char *url;
	const struct http_hdr *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
	/* Optional (zero: unused).  read_fn: the body (body_len bytes) comes from this callback instead of `body` (an
	 * upload streamed from a file); it returns the bytes it wrote into dst (0 only at the end), or (size_t)-1 to
	 * abort (HTTP_SINK).  sink_fn: a 2xx answer's body goes to this callback (with the status) as it arrives instead of resp->body
	 * (bounded memory whatever the size); it returns 0, or -1 to abort the transfer (HTTP_SINK; the callback keeps
	 * its own error).  A "HEAD" method asks for no body. */
	size_t (*read_fn)(void *arg, char *dst, size_t n);
	void *read_arg;
	int (*sink_fn)(void *arg, long status, const char *data, size_t n);
	void *sink_arg;
};

/* HTTP_TLS: the handshake failed (may pass on a retry); HTTP_TLS_VERIFY: the certificate was refused (will not).
 * HTTP_REFUSED: nothing was sent (a header value with a control character, a header too long): never retried.
 * HTTP_SINK: the request's read_fn or sink_fn stopped the transfer (its error is the caller's). */
enum http_fail { HTTP_OK = 0, HTTP_CONNECT, HTTP_TIMEOUT, HTTP_RESET, HTTP_TLS, HTTP_ABORTED, HTTP_TOOBIG, HTTP_OTHER,
                 HTTP_TLS_VERIFY, HTTP_REFUSED, HTTP_SINK };

struct http_resp {
	long status;
	struct buf body;               /* owned */
	struct buf headers;            /* owned: raw "Name: value\r\n" lines of the final response (for --debug) */
	char request_id[96];           /* x-amzn-RequestId / x-amz-request-id */
	char crc32[16];                /* x-amz-crc32 as sent, "" when absent */
	char content_type[96];
	char error_type[128];          /* x-amzn-ErrorType (JSON protocols may name the error here), "" when absent */
	enum http_fail fail;           /* transport failure class when http_send returned -1 */
	long new_connections;          /* connections opened for this request (0: a kept-alive one was reused) */
};

struct http_opts {
	long connect_timeout_ms;       /* 0: 5000 */
	long timeout_ms;               /* one attempt, 0: 60000 */
	size_t max_body;               /* 0: 64 MiB */
	volatile sig_atomic_t *interrupted;   /* when set to non-zero, the transfer is aborted (Ctrl-C) */
};

struct http *http_new(const struct http_opts *o);
void http_free(struct http *h);
void http_set_opts(struct http *h, const struct http_opts *o);
/* One request.  0 with *resp filled (any HTTP status), or -1 with e and resp->fail set for transport failures:
 * HTTP_CONNECT -> ERR_UNAVAILABLE, HTTP_ABORTED -> ERR_INTERRUPTED, others -> ERR_TEMPFAIL. */
int http_send(struct http *h, const struct http_req *r, struct http_resp *resp, struct err *e);
void http_resp_init(struct http_resp *r);
void http_resp_release(struct http_resp *r);
/* "host[:port]" of a URL (for the Host header) and its path ("/" when empty); 0/-1. */
/* The transport library's version string (for `ddb version`). */
const char *http_version(void);
int http_url_parts(const char *url, struct buf *scheme, struct buf *host, struct buf *path, struct err *e);

#endif
