/* awscall.h — one signed AWS call, with the credentials it is given.
 *
 * awscall_send: take the service's endpoint (endpoint_get: resolved once per command), build the headers, sign with
 * the credentials given (sigv4.c; NULL: unsigned), send (http.c), verify DynamoDB's x-amz-crc32, parse AWS errors
 * into struct err (awserr.c), and retry throttling, 5xx, timeouts, resets and checksum mismatches with capped
 * exponential backoff and full jitter, up to the attempt limit.  --debug traces every attempt on stderr with
 * secrets redacted (trace.c).  It never resolves credentials: the STS providers (creds_sts.c) sign with it, and
 * the client above the credentials (aws.h: aws_send) resolves them for everyone else.
 */
#ifndef DDB_AWSCALL_H
#define DDB_AWSCALL_H

#include "base/buf.h"
#include "aws/endpoint.h"
#include "base/err.h"

struct ctx;
struct http;
struct creds;
struct sigv4_credentials;

struct aws_request {
	const struct aws_service *svc;
	const char *op;              /* JSON: the operation ("ListTables"); Query: the Action */
	const char *body;            /* JSON text or form-encoded body (Query: Action and Version are added); sent as
	                              * it is, not copied (but the Query form's) */
	size_t body_len;
	struct http *http;           /* NULL: ctx->http (created on first use) */
	const struct creds *creds;   /* aws_send only: NULL: creds_get(ctx) (awscall_send takes them as a parameter) */
	int anonymous;               /* aws_send only: send unsigned (STS AssumeRoleWithWebIdentity) */
	const char *endpoint;        /* NULL: the service's endpoint for this command (endpoint_get) */
	int max_attempts;            /* 0: ctx->max_attempts or the default (8) */
	int no_retry_throttle;       /* return throttling errors at once (callers with their own backoff) */
	/* REST-JSON (awsrest.h) only; the other protocols POST to the endpoint's path. */
	const char *method;          /* NULL: "POST" */
	const char *path;            /* encoded, appended to the endpoint's path ("/2015-03-31/event-source-mappings") */
	const char *query;           /* encoded, without '?'; NULL or "" for none */
};

struct aws_budget;
struct aws_response {
	long status;
	struct buf body;             /* owned */
	char request_id[96];
	int attempts;                /* attempts made */
	int retried_throttles;       /* how many attempts were throttled */
	struct aws_budget *budget;   /* aws_json_on: take the parsed cost from this budget before parsing (or NULL) */
	size_t cost;                 /* aws_json_on: the parsed cost taken (give it back after cJSON_Delete) */
};

void aws_response_init(struct aws_response *r);
void aws_response_release(struct aws_response *r);

/* One logical call (with retries), signed with creds (borrowed keys, see sigv4.h; NULL: unsigned; r->creds and
 * r->anonymous are not read).  Success = 2xx.  Errors become struct err with the AWS code in e->type:
 * throttling/5xx/transport after the last attempt -> ERR_TEMPFAIL, auth -> ERR_DENIED, other 4xx -> ERR_SERVICE.
 * A 4xx/5xx response body is kept in resp->body for callers that want more. */
int awscall_send(struct ctx *ctx, const struct aws_request *r, const struct sigv4_credentials *creds,
                 struct aws_response *resp, struct err *e);

/* Append "&key=value" (or "key=value" when the form is empty), both RFC 3986-encoded: a Query form, a REST query. */
void aws_form_add(struct buf *form, const char *key, const char *value);

/* Cleanse this thread's cached signing key (call when a worker thread ends; ctx_release does it for main). */
void aws_thread_cleanup(void);

#endif
