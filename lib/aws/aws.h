/* aws.h — services as data, endpoint resolution, and the one call path per wire protocol.
 *
 * aws_send: resolve the endpoint, build headers, sign (sigv4.c), send (http.c), verify DynamoDB's x-amz-crc32,
 * parse AWS errors into struct err, and retry throttling, 5xx, timeouts, resets and checksum mismatches with
 * capped exponential backoff and full jitter, up to the attempt limit.  --debug traces every attempt on stderr
 * with secrets redacted (trace.c).
 */
#ifndef DDB_AWS_H
#define DDB_AWS_H

#include <pthread.h>
#include <cjson/cJSON.h>
#include "base/buf.h"
#include "base/err.h"

struct ctx;
struct http;
struct creds;

enum aws_protocol { AWS_JSON10, AWS_JSON11, AWS_QUERY, AWS_REST_JSON };

struct aws_service {
	const char *name;            /* our name: "dynamodb", "streams", "ec2", "cognito-idp", "sts", "lambda" */
	const char *signing_name;    /* SigV4 service: "dynamodb" (Streams too), "ec2", "cognito-idp", "sts" */
	const char *host_prefix;     /* endpoint prefix: "dynamodb", "streams.dynamodb", "ec2", "cognito-idp", "sts" */
	const char *env_id;          /* AWS_ENDPOINT_URL_<env_id>: DYNAMODB, DYNAMODB_STREAMS, EC2, ... */
	const char *config_id;       /* the [services] section key: dynamodb, dynamodb_streams, ec2, ... */
	enum aws_protocol protocol;
	const char *target_prefix;   /* JSON: "DynamoDB_20120810" */
	const char *api_version;     /* Query: "2016-11-15"; REST-JSON: the version in its paths ("2015-03-31") */
	int has_local;               /* served by the local engine in local mode (DynamoDB, Streams) */
	int crc32;                   /* responses carry x-amz-crc32 */
	int no_cli_endpoint;         /* --endpoint-url (the command's DynamoDB endpoint) never applies (S3) */
};

extern const struct aws_service aws_dynamodb, aws_streams, aws_ec2, aws_cognito, aws_sts, aws_lambda, aws_s3;

/* The endpoint for a service: --endpoint-url > AWS_ENDPOINT_URL_<SVC> > AWS_ENDPOINT_URL > profile/services
 * endpoint_url > (local: DDB_LOCAL_ENDPOINT or http://localhost:8000 for DynamoDB and Streams) > the regional AWS
 * endpoint.  Prod over plain http:// is refused unless the host is loopback.  Caller frees *url. */
int aws_endpoint(struct ctx *ctx, const struct aws_service *svc, char **url, struct err *e);
/* STS ignores --endpoint-url (that names the main service) except while ctx->endpoint_url_is_sts (whoami, whose
 * service is STS), and uses the regional endpoint unless
 * AWS_STS_REGIONAL_ENDPOINTS (or the profile's sts_regional_endpoints) is "legacy" and the region is one that had
 * the global endpoint (creds_sts.c); requests to the global endpoint are signed for us-east-1. */
#define AWS_STS_GLOBAL_ENDPOINT "https://sts.amazonaws.com"
int aws_sts_legacy_global(struct ctx *ctx);

struct aws_request {
	const struct aws_service *svc;
	const char *op;              /* JSON: the operation ("ListTables"); Query: the Action */
	const char *body;            /* JSON text or form-encoded body (Query: Action and Version are added) */
	size_t body_len;
	struct http *http;           /* NULL: ctx->http (created on first use) */
	const struct creds *creds;   /* NULL: creds_get(ctx) */
	int anonymous;               /* send unsigned (STS AssumeRoleWithWebIdentity) */
	const char *endpoint;        /* NULL: aws_endpoint(ctx, svc) */
	int max_attempts;            /* 0: ctx->max_attempts or the default (8) */
	int no_retry_throttle;       /* return throttling errors at once (callers with their own backoff) */
	/* REST-JSON (awsrest.h) only; the other protocols POST to the endpoint's path. */
	const char *method;          /* NULL: "POST" */
	const char *path;            /* encoded, appended to the endpoint's path ("/2015-03-31/event-source-mappings") */
	const char *query;           /* encoded, without '?'; NULL or "" for none */
};

/* What a JSON response may cost once parsed, not only its raw size (http.c caps that at 64 MiB): its values are
 * counted before cJSON sees it (aws_json_cost: values, member names and containers, about 100 bytes each once
 * parsed), and a response above AWS_MAX_VALUES is refused as a protocol error (ERR_DATA, 65).  A DynamoDB page holds
 * at most 1 MB of data, about 1.5 million values at the very most; 60 MB of `[1,1,...]` would be 30 million. */
#define AWS_MAX_VALUES 3000000u
size_t aws_json_cost(const char *text, size_t len);
int aws_json_cost_check(const struct aws_service *svc, const char *op, const char *text, size_t len, size_t *cost,
                        struct err *e);

/* A budget of parsed values shared by threads (scan --segments): aws_budget_take blocks until `n` more fit under
 * `cap` (or nothing is held, so one response always fits), aws_budget_give returns them once the tree is freed.
 * So N segments hold at most `cap` parsed values between them, not N times a response. */
struct aws_budget {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t cap, used;
};
void aws_budget_init(struct aws_budget *b, size_t cap);
void aws_budget_release(struct aws_budget *b);
void aws_budget_take(struct aws_budget *b, size_t n);
void aws_budget_give(struct aws_budget *b, size_t n);

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

/* One logical call (with retries).  Success = 2xx.  Errors become struct err with the AWS code in e->type:
 * throttling/5xx/transport after the last attempt -> ERR_TEMPFAIL, auth -> ERR_DENIED, other 4xx -> ERR_SERVICE.
 * A 4xx/5xx response body is kept in resp->body for callers that want more. */
int aws_send(struct ctx *ctx, const struct aws_request *r, struct aws_response *resp, struct err *e);

/* JSON protocols: send `in` (NULL = {}), parse the response into *out (caller cJSON_Delete).  Uses ctx->http. */
/* 1 when e is the service's "no such resource" (ResourceNotFoundException: a table, a stream, a shard). */
int aws_is_not_found(const struct err *e);
/* The one not-found message: when e is not-found, reword it "table 'SHOWN' does not exist" and return 1 (kind -1
 * keeps e's kind and so the exit code, 1; another kind replaces the whole error, e.g. ERR_NOINPUT: 66); else 0. */
int aws_table_not_found(struct err *e, const char *shown, int kind);
int aws_json(struct ctx *ctx, const struct aws_service *svc, const char *op, const cJSON *in, cJSON **out,
             struct err *e);
/* Same, on a given transport (threads each have their own). */
int aws_json_on(struct ctx *ctx, struct http *http, const struct aws_service *svc, const char *op,
                const cJSON *in, cJSON **out, struct aws_response *meta, struct err *e);

/* Pagination, one mechanism: pager.h. */

/* Error classification shared by every protocol (aws.c): fills e->kind from status and code.  Returns 1 when the
 * error is retryable (throttling, 5xx, checksum). */
int aws_classify_error(long status, const char *code, struct err *e);
int aws_is_throttle(const char *code);
/* JSON protocols: the error code (x-amzn-ErrorType header if any, else the body's code/Code, else __type; sanitised:
 * before the first ':', after the last '#') into e->type and message/Message into e->msg (the code when there is no
 * message).  Returns 1 when the body was a JSON object, else 0. */
int aws_parse_json_error(const char *body, size_t len, const char *header_type, struct err *e);

/* Cleanse this thread's cached signing key (call when a worker thread ends; ctx_release does it for main). */
void aws_thread_cleanup(void);

/* Query protocol (EC2, STS): the XML error document -> e->type / e->msg / e->request_id (awsquery.c). */
int awsquery_parse_error(const char *xml, size_t len, struct err *e);

#endif
