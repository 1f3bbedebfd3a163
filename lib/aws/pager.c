/* pager.c — the one paginator (pager.h). */
#include "aws/pager.h"

#include <stdio.h>
#include <string.h>

void pager_init(struct pager *p, struct ctx *ctx, const char *what, const char *in_token, const char *out_token)
{
	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	p->what = what;
	p->in_token = in_token;
	p->out_token = out_token;
}

void pager_release(struct pager *p)
{
	cJSON_Delete(p->token);
	p->token = NULL;
}

int pager_more(struct pager *p, struct err *e)
{
	if (p->done || (p->limit && p->items >= p->limit))
		return 0;
	if (ctx_interrupted(p->ctx))
		return err_set(e, ERR_INTERRUPTED, "interrupted");
	return 1;
}

long pager_page_limit(const struct pager *p)
{
	long lim = p->page_size;
	if (p->limit && p->trim_limit) {
		long left = p->limit - p->items;
		if (left < 1)
			left = 1;
		if (!lim || left < lim)
			lim = left;
	}
	return lim;
}

const cJSON *pager_token(const struct pager *p)
{
	return p->token;
}

const char *pager_token_str(const struct pager *p)
{
	return cJSON_IsString(p->token) ? p->token->valuestring : NULL;
}

int pager_token_repeated(const char *what, const char *name, const cJSON *sent, const cJSON *got, struct err *e)
{
	if (!sent || !got || !cJSON_Compare(sent, got, 1))
		return 0;
	return err_set(e, ERR_DATA, "%s: the same %s came back twice (the server would page forever): stopped", what,
	               name);
}

int pager_next_token(struct pager *p, cJSON *got, struct err *e)
{
	p->pages++;
	if (!got || cJSON_IsNull(got) || (cJSON_IsString(got) && !*got->valuestring)) {
		cJSON_Delete(got);
		cJSON_Delete(p->token);
		p->token = NULL;
		p->done = 1;
		return 0;
	}
	if (pager_token_repeated(p->what, p->out_token, p->token, got, e) < 0) {
		cJSON_Delete(got);
		p->done = 1;
		return -1;
	}
	cJSON_Delete(p->token);
	p->token = got;
	return 0;
}

int pager_next_token_str(struct pager *p, const char *got, struct err *e)
{
	return pager_next_token(p, got && *got ? cJSON_CreateString(got) : NULL, e);
}

long pager_take(struct pager *p, long n)
{
	if (n < 0)
		n = 0;
	if (p->limit) {
		long left = p->limit - p->items;
		if (n > left)
			n = left > 0 ? left : 0;
	}
	p->items += n;
	if (p->limit && p->items >= p->limit)
		p->done = 1;
	return n;
}

int pager_json_next(struct pager *p, struct http *http, const struct aws_service *svc, const char *op, cJSON *in,
                    cJSON **page, struct aws_response *meta, struct err *e)
{
	*page = NULL;
	int more = pager_more(p, e);
	if (more <= 0)
		return more;
	long lim = pager_page_limit(p);
	if (lim) {   /* else a Limit the caller put in `in` stays */
		cJSON_DeleteItemFromObjectCaseSensitive(in, "Limit");
		cJSON_AddNumberToObject(in, "Limit", (double)lim);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(in, p->in_token);
	if (p->token)
		cJSON_AddItemToObject(in, p->in_token, cJSON_Duplicate(p->token, 1));
	cJSON *out = NULL;
	if (aws_json_on(p->ctx, http, svc, op, in, &out, meta, e) < 0)
		return -1;
	const cJSON *got = cJSON_GetObjectItemCaseSensitive(out, p->out_token);
	/* before the page is shown: a page that repeats its request would be shown forever */
	if (pager_next_token(p, got ? cJSON_Duplicate(got, 1) : NULL, e) < 0) {
		cJSON_Delete(out);
		if (meta && meta->budget)
			aws_budget_give(meta->budget, meta->cost);
		return -1;
	}
	*page = out;
	return 1;
}

int pager_paginate(struct ctx *ctx, const struct aws_service *svc, const char *op, cJSON *in, const char *in_token,
                   const char *out_token, pager_page_fn fn, void *arg, struct err *e)
{
	char what[128];
	struct pager p;
	cJSON *page;
	int rc;
	snprintf(what, sizeof(what), "%s %s", svc->name, op);
	pager_init(&p, ctx, what, in_token, out_token);
	/* a token already in `in` is where the paging starts */
	const cJSON *start = cJSON_GetObjectItemCaseSensitive(in, in_token);
	if (start)
		p.token = cJSON_Duplicate(start, 1);
	while ((rc = pager_json_next(&p, NULL, svc, op, in, &page, NULL, e)) > 0) {
		int r = fn(arg, page, e);
		cJSON_Delete(page);
		if (r != 0) {
			rc = r < 0 ? -1 : 0;
			break;
		}
	}
	pager_release(&p);
	return rc;
}
