/* aws.c — the client: a call with the credentials resolved, the JSON protocols, pagination. */
#include "aws/aws.h"

#include <stdlib.h>
#include <string.h>

#include "aws/creds.h"
#include "aws/ctx.h"
#include "base/json.h"
#include "aws/sigv4.h"

int aws_send(struct ctx *ctx, const struct aws_request *r, struct aws_response *resp, struct err *e)
{
	struct creds cr;
	int attempts = 0;
	for (int refreshed = 0;; refreshed = 1) {
		const struct creds *use = r->anonymous ? NULL : r->creds;
		int own = !r->anonymous && !r->creds;
		if (own) {
			if (creds_get(ctx, &cr, e) < 0)
				return -1;
			use = &cr;
		}
		struct sigv4_credentials sc = { use ? use->access_key_id : NULL, use ? use->secret_access_key : NULL,
		                                use ? use->session_token : NULL };
		int rc = awscall_send(ctx, r, use ? &sc : NULL, resp, e);
		if (own)
			creds_release(&cr);
		resp->attempts += attempts;
		attempts = resp->attempts;
		/* expired under us (revoked, or a clock off): forget them, resolve again, once */
		if (rc == 0 || !own || refreshed || !awserr_is_expired(e->type))
			return rc;
		creds_invalidate(ctx);
	}
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
	char *body = in ? cJSON_PrintUnformatted(in) : NULL;   /* sent as it is: aws_send copies nothing */
	struct aws_response resp;
	struct aws_request r = { .svc = svc, .op = op, .body = body ? body : "{}", .body_len = body ? strlen(body) : 2,
	                         .http = http };
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

int aws_json(struct ctx *ctx, const struct aws_service *svc, const char *op, const cJSON *in, cJSON **out,
             struct err *e)
{
	return aws_json_on(ctx, NULL, svc, op, in, out, NULL, e);
}
