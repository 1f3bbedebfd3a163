/* pager.h — the one paginator: a limit on items in all, a page size, the token carried from each page to the next
 * request, the stop when a page names the token its request was sent with, and Ctrl-C between pages.
 *
 * botocore's paginator model: a pager is driven by token names (LastEvaluatedKey -> ExclusiveStartKey,
 * LastEvaluatedTableName, PaginationToken, NextToken...).  Two ways to use it:
 *
 *   - JSON protocols: pager_json_next sends `in` and hands back each page in turn (it sets Limit, carries the token
 *     into `in`, checks for a repeated token before the page is shown); pager_paginate runs the whole loop with a
 *     callback per page.  scan's per-segment fetchers (tablescan.c), query, list-tables, drop, stream and cognito
 *     page this way.
 *   - Any other wire (EC2's XML NextToken, a token inside a nested object such as DescribeStream's
 *     StreamDescription.LastEvaluatedShardId): the caller sends, and tells the pager what came back with
 *     pager_next_token / pager_next_token_str; pager_more says whether to send again.
 *
 * A pager owns the token it carries (pager_release).  One pager per thread.
 */
#ifndef DDB_PAGER_H
#define DDB_PAGER_H

#include <cjson/cJSON.h>
#include "aws/aws.h"
#include "aws/ctx.h"
#include "base/err.h"

struct pager {
	struct ctx *ctx;
	const char *what;          /* names the call in messages: "Scan", "dynamodb ListTables", "ec2 DescribeVpcs" */
	const char *in_token;      /* the request member the token goes into ("ExclusiveStartKey") */
	const char *out_token;     /* the response member it comes from ("LastEvaluatedKey") */
	long limit;                /* items to hand over in all (pager_take), 0: no limit */
	long page_size;            /* Limit of each request, 0: none */
	int trim_limit;            /* pager_json_next: lower Limit to the items still wanted (no filter, no COUNT:
	                              every item evaluated is an item returned) */
	/* state */
	long items;                /* handed over so far (pager_take) */
	long pages;                /* pages received */
	cJSON *token;              /* the token the next request carries (owned), NULL before the first */
	int done;
};

/* what, in_token and out_token are borrowed (string literals, usually). */
void pager_init(struct pager *p, struct ctx *ctx, const char *what, const char *in_token, const char *out_token);
void pager_release(struct pager *p);

/* Send again?  1 yes, 0 no (the last page had no token, or the limit is reached), -1 with ERR_INTERRUPTED on
 * Ctrl-C. */
int pager_more(struct pager *p, struct err *e);
/* The Limit for the next request: page_size, lowered to the items still wanted when trim_limit; 0 none (then
 * pager_json_next leaves a Limit the caller put in `in`). */
long pager_page_limit(const struct pager *p);
/* The token of the next request: NULL for the first; as a string (NULL when there is none or it is no string). */
const cJSON *pager_token(const struct pager *p);
const char *pager_token_str(const struct pager *p);
/* A page came back with token `got` (TAKEN; NULL, JSON null or "" end the paging).  -1 (ERR_DATA, "<what>: the
 * same <out_token> came back twice (the server would page forever): stopped") when it equals the token the page's
 * request was sent with; call it before showing the page. */
int pager_next_token(struct pager *p, cJSON *got, struct err *e);
int pager_next_token_str(struct pager *p, const char *got, struct err *e);
/* Of n items on a page, how many to hand over under the limit (counted as handed over); the limit reached ends the
 * paging. */
long pager_take(struct pager *p, long n);

/* JSON protocols: the next page of op on transport http (NULL: ctx's), or 0 when the paging is over.  `in` is the
 * request (modified: Limit, the token); *page is the response (the caller frees; its out_token stays in it);
 * meta may be NULL (aws_json_on: a budget, the cost taken).  1 with *page, 0, or -1 with e. */
int pager_json_next(struct pager *p, struct http *http, const struct aws_service *svc, const char *op, cJSON *in,
                    cJSON **page, struct aws_response *meta, struct err *e);

/* The whole loop: each page to fn (0 go on, 1 stop early, -1 error).  `in` is modified.  The items of a page are
 * not counted: fn sees whole pages. */
typedef int (*pager_page_fn)(void *arg, cJSON *page, struct err *e);
int pager_paginate(struct ctx *ctx, const struct aws_service *svc, const char *op, cJSON *in, const char *in_token,
                   const char *out_token, pager_page_fn fn, void *arg, struct err *e);

/* -1 (and e: ERR_DATA, the message above) when got equals sent, the token the request was sent with; else 0.  sent
 * or got may be NULL.  For pagers whose token the pager does not carry (a Lambda NextMarker in a query string). */
int pager_token_repeated(const char *what, const char *name, const cJSON *sent, const cJSON *got, struct err *e);

#endif
