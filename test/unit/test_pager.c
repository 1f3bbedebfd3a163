/* test_pager.c — lib/pager without a server: the limit across pages (pager_take), the page Limit (trimmed to what
 * is still wanted only when every item evaluated is returned), the token carried, the repeated-token stop and its
 * message, the end of the paging on a missing, null or empty token, Ctrl-C between pages. */
#include <signal.h>
#include <string.h>

#include "aws/pager.h"
#include "unit.h"

static void test_limit(void)
{
	struct ctx ctx;
	struct pager p;
	struct err e = ERR_INIT;
	memset(&ctx, 0, sizeof ctx);
	pager_init(&p, &ctx, "Query", "ExclusiveStartKey", "LastEvaluatedKey");
	p.limit = 10;
	p.page_size = 4;
	CHECK_INTEQ(pager_page_limit(&p), 4);   /* not trimmed: a filter may drop items */
	p.trim_limit = 1;
	CHECK_INTEQ(pager_more(&p, &e), 1);
	CHECK_INTEQ(pager_take(&p, 4), 4);
	CHECK_INTEQ(pager_take(&p, 4), 4);
	CHECK_INTEQ(pager_page_limit(&p), 2);   /* 2 still wanted */
	CHECK_INTEQ(pager_more(&p, &e), 1);
	CHECK_INTEQ(pager_take(&p, 4), 2);      /* the limit cuts the page */
	CHECK_INTEQ(p.items, 10);
	CHECK_INTEQ(pager_more(&p, &e), 0);     /* reached: no further request */
	CHECK_INTEQ(pager_take(&p, 3), 0);
	CHECK_INTEQ(pager_take(&p, -1), 0);
	pager_release(&p);

	pager_init(&p, &ctx, "Scan", "ExclusiveStartKey", "LastEvaluatedKey");
	CHECK_INTEQ(pager_page_limit(&p), 0);   /* neither: no Limit sent */
	p.limit = 3;
	p.trim_limit = 1;
	CHECK_INTEQ(pager_page_limit(&p), 3);
	CHECK_INTEQ(pager_take(&p, 1000), 3);
	pager_release(&p);
}

static void test_tokens(void)
{
	struct ctx ctx;
	struct pager p;
	struct err e = ERR_INIT;
	memset(&ctx, 0, sizeof ctx);
	pager_init(&p, &ctx, "dynamodb ListTables", "ExclusiveStartTableName", "LastEvaluatedTableName");
	CHECK(pager_token(&p) == NULL);
	CHECK(pager_token_str(&p) == NULL);
	CHECK_INTEQ(pager_next_token_str(&p, "a", &e), 0);
	CHECK_STREQ(pager_token_str(&p), "a");
	CHECK_INTEQ(pager_next_token_str(&p, "b", &e), 0);
	CHECK_STREQ(pager_token_str(&p), "b");
	CHECK_INTEQ(pager_more(&p, &e), 1);
	/* the page of the request sent with "b" names "b" again: a server that would page forever */
	CHECK_INTEQ(pager_next_token_str(&p, "b", &e), -1);
	CHECK_INTEQ(e.kind, ERR_DATA);
	CHECK_STREQ(e.msg, "dynamodb ListTables: the same LastEvaluatedTableName came back twice (the server would page "
	            "forever): stopped");
	CHECK_INTEQ(pager_more(&p, &e), 0);
	CHECK_INTEQ(p.pages, 3);
	pager_release(&p);

	/* the end: no token, JSON null, "" */
	const char *ends[] = { NULL, "null", "\"\"" };
	for (int i = 0; i < 3; i++) {
		pager_init(&p, &ctx, "Scan", "ExclusiveStartKey", "LastEvaluatedKey");
		cJSON *k = cJSON_Parse("{\"pk\":{\"S\":\"x\"}}");
		CHECK_INTEQ(pager_next_token(&p, k, &e), 0);
		CHECK(cJSON_IsObject(pager_token(&p)));
		CHECK_INTEQ(pager_next_token(&p, ends[i] ? cJSON_Parse(ends[i]) : NULL, &e), 0);
		CHECK(pager_token(&p) == NULL);
		CHECK_INTEQ(pager_more(&p, &e), 0);
		pager_release(&p);
	}
	/* an object token equal in value (not in pointer) is the same token */
	pager_init(&p, &ctx, "Scan", "ExclusiveStartKey", "LastEvaluatedKey");
	CHECK_INTEQ(pager_next_token(&p, cJSON_Parse("{\"pk\":{\"S\":\"x\"},\"sk\":{\"N\":\"1\"}}"), &e), 0);
	CHECK_INTEQ(pager_next_token(&p, cJSON_Parse("{\"pk\":{\"S\":\"x\"},\"sk\":{\"N\":\"2\"}}"), &e), 0);
	err_clear(&e);
	CHECK_INTEQ(pager_next_token(&p, cJSON_Parse("{\"pk\":{\"S\":\"x\"},\"sk\":{\"N\":\"2\"}}"), &e), -1);
	CHECK(strstr(e.msg, "Scan: the same LastEvaluatedKey came back twice") == e.msg);
	pager_release(&p);
	/* pager_token_repeated on its own */
	cJSON *a = cJSON_CreateString("m"), *b = cJSON_CreateString("n");
	err_clear(&e);
	CHECK_INTEQ(pager_token_repeated("lambda X", "NextMarker", a, b, &e), 0);
	CHECK_INTEQ(pager_token_repeated("lambda X", "NextMarker", NULL, b, &e), 0);
	CHECK_INTEQ(pager_token_repeated("lambda X", "NextMarker", a, NULL, &e), 0);
	CHECK_INTEQ(e.kind, ERR_NONE);
	CHECK_INTEQ(pager_token_repeated("lambda X", "NextMarker", a, a, &e), -1);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void test_interrupt(void)
{
	struct ctx ctx;
	struct pager p;
	struct err e = ERR_INIT;
	volatile sig_atomic_t flag = 1;
	memset(&ctx, 0, sizeof ctx);
	ctx.interrupted = &flag;
	pager_init(&p, &ctx, "Query", "ExclusiveStartKey", "LastEvaluatedKey");
	CHECK_INTEQ(pager_more(&p, &e), -1);
	CHECK_INTEQ(e.kind, ERR_INTERRUPTED);
	cJSON *in = cJSON_CreateObject(), *page = (cJSON *)1;
	/* pager_json_next sends nothing once interrupted */
	CHECK_INTEQ(pager_json_next(&p, NULL, &aws_dynamodb, "Query", in, &page, NULL, &e), -1);
	CHECK(page == NULL);
	CHECK_INTEQ(cJSON_GetArraySize(in), 0);
	cJSON_Delete(in);
	pager_release(&p);
}

int main(void)
{
	test_limit();
	test_tokens();
	test_interrupt();
	return unit_done();
}
