/* aws.h — the AWS client: a call with the credentials resolved, the JSON protocols, pagination.
 *
 * The layers under it, each in its own file: endpoint.h (the services, where requests go, resolved once per
 * command), awserr.h (what an error answer says), awscall.h (the signed call, given credentials), creds.h (the
 * provider chain, whose STS providers sign with awscall_send).  aws_send resolves the credentials (creds_get) and
 * calls awscall_send; awsquery.h and awsrest.h are the other protocols over aws_send.  Including aws.h gives the
 * layers under it too.
 */
#ifndef DDB_AWS_H
#define DDB_AWS_H

#include <pthread.h>
#include <cjson/cJSON.h>
#include "aws/awscall.h"
#include "aws/awserr.h"
#include "base/buf.h"
#include "aws/endpoint.h"
#include "base/err.h"

struct ctx;
struct http;

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

/* awscall_send with credentials: r->creds when given, none when r->anonymous, else creds_get(ctx) (once per call,
 * not per attempt).  When AWS answers that the credentials expired, they are forgotten (creds_invalidate), resolved
 * again and the call made once more; resp->attempts counts both. */
int aws_send(struct ctx *ctx, const struct aws_request *r, struct aws_response *resp, struct err *e);

/* JSON protocols: send `in` (NULL = {}), parse the response into *out (caller cJSON_Delete).  Uses ctx->http. */
int aws_json(struct ctx *ctx, const struct aws_service *svc, const char *op, const cJSON *in, cJSON **out,
             struct err *e);
/* Same, on a given transport (threads each have their own). */
int aws_json_on(struct ctx *ctx, struct http *http, const struct aws_service *svc, const char *op,
                const cJSON *in, cJSON **out, struct aws_response *meta, struct err *e);

#endif
