/* test_itemop.c — lib/partiql (statement kinds, the namespace rewriter), lib/update (clause builder, paths, operands)
 * and lib/itemop (keys from --pk/--sk, items as text, transact actions). */
#include <stdlib.h>
#include <string.h>

#include "aws/ctx.h"
#include "cli/itemop.h"
#include "base/json.h"
#include "dynamo/partiql.h"
#include "dynamo/update.h"
#include "unit.h"

static void check_json(const cJSON *v, const char *expected, int line)
{
	char *s = v ? json_print_compact(v) : NULL;
	CHECK_MSG(s && !strcmp(s, expected), "line %d: got %s, expected %s", line, s ? s : "(null)", expected);
	free(s);
}
#define CHECK_JSON(v, exp) check_json((v), (exp), __LINE__)

/* the statement rewritten with ns, or "ERR" when refused (64) */
static void ns_case(const char *stmt, const char *ns, const char *expected, const char *table, int line)
{
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	char *t = NULL;
	int rc = partiql_namespace(stmt, strlen(stmt), ns, &out, &t, &e);
	const char *got = rc < 0 ? "ERR" : buf_cstr(&out);
	CHECK_MSG(!strcmp(got, expected), "line %d: '%s' -> '%s', expected '%s' (%s)", line, stmt, got, expected, e.msg);
	if (rc < 0)
		CHECK_MSG(e.kind == ERR_USAGE, "line %d: kind %d", line, e.kind);
	if (table)
		CHECK_MSG(t && !strcmp(t, table), "line %d: table %s, expected %s", line, t ? t : "(null)", table);
	free(t);
	buf_release(&out);
}
#define NS(stmt, ns, exp, table) ns_case((stmt), (ns), (exp), (table), __LINE__)

static void test_partiql(void)
{
	CHECK_INTEQ(partiql_kind("  select * from t", 17), PARTIQL_SELECT);
	CHECK_INTEQ(partiql_kind("INSERT INTO t VALUE {}", 22), PARTIQL_INSERT);
	CHECK_INTEQ(partiql_kind("EXISTS(SELECT 1)", 16), PARTIQL_OTHER);
	CHECK(partiql_is_write("DELETE FROM t WHERE a = 1", 25));
	CHECK(!partiql_is_write("SELECT * FROM t", 15));

	/* no namespace: as it is, whatever it is */
	NS("whatever -- 'x", "", "whatever -- 'x", NULL);
	/* the table after FROM / INTO / UPDATE / DELETE FROM, plain or quoted; written quoted */
	NS("SELECT * FROM users WHERE pk = ?", "dev_", "SELECT * FROM \"dev_users\" WHERE pk = ?", "dev_users");
	NS("select a FROM \"my-table\".\"by-date\" where x = 'FROM y'", "dev_",
	   "select a FROM \"dev_my-table\".\"by-date\" where x = 'FROM y'", "dev_my-table");
	NS("INSERT INTO t1 VALUE {'pk': 'a', 'from': 'INTO x'}", "n-", "INSERT INTO \"n-t1\" VALUE {'pk': 'a', 'from': 'INTO x'}",
	   "n-t1");
	NS("UPDATE \"tbl\" SET \"from\" = 1 WHERE pk = 'it''s'", "ns.", "UPDATE \"ns.tbl\" SET \"from\" = 1 WHERE pk = 'it''s'",
	   "ns.tbl");
	NS("delete from tbl where pk = 'x'", "p_", "delete from \"p_tbl\" where pk = 'x'", "p_tbl");
	NS("SELECT * FROM\n\ttbl", "p_", "SELECT * FROM\n\t\"p_tbl\"", NULL);
	/* refused */
	NS("EXISTS(SELECT * FROM t)", "p_", "ERR", NULL);
	NS("SELECT * FROM ?", "p_", "ERR", NULL);
	NS("SELECT * FROM 1tbl", "p_", "ERR", NULL);
	NS("SELECT * FROM t WHERE a IN (SELECT b FROM u)", "p_", "ERR", NULL);
	NS("SELECT * FROM t -- comment", "p_", "ERR", NULL);
	NS("SELECT * FROM t /* c */", "p_", "ERR", NULL);
	NS("SELECT * FROM 't'", "p_", "ERR", NULL);
	NS("SELECT * FROM \"t", "p_", "ERR", NULL);
	NS("SELECT * FROM t WHERE a = 'x", "p_", "ERR", NULL);
	NS("SELECT 1", "p_", "ERR", NULL);
	NS("SELECT * FROM", "p_", "ERR", NULL);
	NS("INSERT t VALUE {}", "p_", "ERR", NULL);
	NS("INSERT INTO t VALUE {} FROM", "p_", "ERR", NULL);
	NS("UPDATE t SET a = 1 FROM u", "p_", "ERR", NULL);
	NS("DELETE t WHERE a = 1", "p_", "ERR", NULL);
	NS("SELECT * FROM \"a\"\"b\"", "p_", "ERR", NULL);   /* a quote is no table name */
	NS("SELECT * FROM t\x01", "p_", "ERR", NULL);
	NS("DELETE FROM dx\"i.\"t W1", "p_", "ERR", NULL);   /* fuzz_partiql: "p_dx""i." would be one name */
	{
		struct buf out = BUF_INIT;
		struct err e = ERR_INIT;
		CHECK(partiql_namespace("SELECT * FROM t\0x", 17, "p_", &out, NULL, &e) < 0);
		buf_release(&out);
	}
	/* params: plain or typed */
	struct err e = ERR_INIT;
	cJSON *p = partiql_params("[\"a\", 12345678901234567890123456789012345678, true, null, {\"m\": [1]}]", &e);
	CHECK_JSON(p, "[{\"S\":\"a\"},{\"N\":\"12345678901234567890123456789012345678\"},{\"BOOL\":true},{\"NULL\":true},"
	              "{\"M\":{\"m\":{\"L\":[{\"N\":\"1\"}]}}}]");
	cJSON_Delete(p);
	p = partiql_params("[{\"S\":\"a\"},{\"NS\":[\"1\",\"2\"]}]", &e);
	CHECK_JSON(p, "[{\"S\":\"a\"},{\"NS\":[\"1\",\"2\"]}]");
	cJSON_Delete(p);
	CHECK(!partiql_params("[]", &e) && e.kind == ERR_USAGE);
	CHECK(!partiql_params("{\"a\":1}", &e) && e.kind == ERR_USAGE);
	CHECK(!partiql_params("[1", &e) && e.kind == ERR_USAGE);
	CHECK(!partiql_params("[{\"N\":\"x\"}]", &e) && e.kind == ERR_DATA);
}

static void update_case_at(const char *const *set, size_t ns, const char *const *rm, size_t nr, const char *const *add,
                        size_t na, const char *const *del, size_t nd, const char *expected, const char *names,
                        const char *values, int line)
{
	struct expr x;
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	struct update_clauses c = { set, ns, rm, nr, add, na, del, nd };
	expr_init(&x);
	int rc = update_build(&x, &c, &out, &e);
	const char *got = rc < 0 ? e.msg : buf_cstr(&out);
	CHECK_MSG(!strcmp(got, expected), "line %d: got '%s', expected '%s'", line, got, expected);
	if (rc == 0 && names) {
		check_json(x.names, names, line);
		check_json(x.values, values, line);
	}
	expr_release(&x);
	buf_release(&out);
}

#define update_case(...) update_case_at(__VA_ARGS__, __LINE__)

static void test_update(void)
{
	const char *set[] = { "status=active", "a.b[2].c=12.50", "m={\"k\":[1,\"x\"]}", "s={\"SS\":[\"a\"]}",
	                      "#n.x=\"30\"" };
	const char *rm[] = { "old", "l[0]" };
	const char *add[] = { "count=1", "tags=[\"x\",\"y\"]", "nums=[1,2]" };
	const char *del[] = { "tags=[\"z\"]" };
	update_case(set, 5, rm, 2, add, 3, del, 1,
	            "SET #u0 = :u0, #u1.#u2[2].#u3 = :u1, #u4 = :u2, #u5 = :u3, #n.#u6 = :u4 REMOVE #u7, #u8[0] "
	            "ADD #u9 :u5, #u10 :u6, #u11 :u7 DELETE #u12 :u8",
	            "{\"#u0\":\"status\",\"#u1\":\"a\",\"#u2\":\"b\",\"#u3\":\"c\",\"#u4\":\"m\",\"#u5\":\"s\",\"#u6\":\"x\","
	            "\"#u7\":\"old\",\"#u8\":\"l\",\"#u9\":\"count\",\"#u10\":\"tags\",\"#u11\":\"nums\",\"#u12\":\"tags\"}",
	            "{\":u0\":{\"S\":\"active\"},\":u1\":{\"N\":\"12.50\"},\":u2\":{\"M\":{\"k\":{\"L\":[{\"N\":\"1\"},"
	            "{\"S\":\"x\"}]}}},\":u3\":{\"SS\":[\"a\"]},\":u4\":{\"S\":\"30\"},\":u5\":{\"N\":\"1\"},\":u6\":{\"SS\":"
	            "[\"x\",\"y\"]},\":u7\":{\"NS\":[\"1\",\"2\"]},\":u8\":{\"SS\":[\"z\"]}}");
	update_case(NULL, 0, rm, 1, NULL, 0, NULL, 0, "REMOVE #u0", NULL, NULL);
	update_case(NULL, 0, NULL, 0, NULL, 0, del, 1, "DELETE #u0 :u0", NULL, NULL);
	/* errors, naming the option */
	const char *bad1[] = { "novalue" }, *bad2[] = { "a..b=1" }, *bad3[] = { "a[x]=1" }, *bad4[] = { "=1" },
	           *bad5[] = { "a=[1" }, *bad6[] = { "a=x" }, *bad7[] = { "a=[\"x\",1]" }, *bad8[] = { "a=[\"x\",\"x\"]" },
	           *bad9[] = { "a=1" }, *bad10[] = { "a]" };
	update_case(bad1, 1, NULL, 0, NULL, 0, NULL, 0, "--set 'novalue': expected PATH=VALUE", NULL, NULL);
	update_case(bad2, 1, NULL, 0, NULL, 0, NULL, 0, "--set: empty attribute name in path 'a..b'", NULL, NULL);
	update_case(bad3, 1, NULL, 0, NULL, 0, NULL, 0, "--set: bad list index in path 'a[x]' (expected [N])", NULL, NULL);
	update_case(bad4, 1, NULL, 0, NULL, 0, NULL, 0, "--set: empty attribute path", NULL, NULL);
	update_case(bad5, 1, NULL, 0, NULL, 0, NULL, 0,
	            "--set '[1': invalid JSON at column 3: unexpected end of input (unclosed '[')", NULL, NULL);
	update_case(NULL, 0, NULL, 0, bad6, 1, NULL, 0,
	            "--add 'x': expected a number or a set (a JSON array such as '[\"a\",\"b\"]' or '[1,2]', or "
	            "{\"SS\":[...]})", NULL, NULL);
	update_case(NULL, 0, NULL, 0, bad7, 1, NULL, 0,
	            "--add '[\"x\",1]': a set is a non-empty array of strings only or of numbers only", NULL, NULL);
	struct expr x;
	struct buf out = BUF_INIT;
	struct err e = ERR_INIT;
	struct update_clauses c = { NULL, 0, NULL, 0, bad8, 1, NULL, 0 };
	expr_init(&x);
	CHECK(update_build(&x, &c, &out, &e) < 0 && e.kind == ERR_DATA);
	struct update_clauses c2 = { NULL, 0, NULL, 0, NULL, 0, bad9, 1 };
	CHECK(update_build(&x, &c2, &out, &e) < 0 && e.kind == ERR_USAGE);   /* DELETE takes a set, not a number */
	struct update_clauses c3 = { NULL, 0, bad10, 1, NULL, 0, NULL, 0 };
	CHECK(update_build(&x, &c3, &out, &e) < 0 && e.kind == ERR_USAGE);
	expr_release(&x);
	buf_release(&out);
}

static void test_itemop(void)
{
	struct item_key_attr keys[2] = { { "pk", 'S' }, { "sk", 'N' } };
	struct err e = ERR_INIT;
	cJSON *k = itemop_key(keys, 2, "a", "12345678901234567890123456789012345678", &e);
	CHECK_JSON(k, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"12345678901234567890123456789012345678\"}}");
	cJSON_Delete(k);
	CHECK(!itemop_key(keys, 2, "a", NULL, &e) && e.kind == ERR_USAGE);
	CHECK(!itemop_key(keys, 1, "a", "1", &e) && e.kind == ERR_USAGE);
	CHECK(!itemop_key(keys, 2, "a", "x", &e) && e.kind == ERR_USAGE);
	CHECK(!itemop_key(keys, 2, "", "1", &e) && e.kind == ERR_USAGE);

	const char *t = "{\"pk\":\"a\",\"sk\":1.50,\"n\":12345678901234567890123456789012345678}";
	cJSON *it = itemop_parse_item(t, strlen(t), keys, 2, &e);
	CHECK_JSON(it, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1.50\"},\"n\":{\"N\":\"12345678901234567890123456789012345678\"}}");
	cJSON_Delete(it);
	t = "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"},\"b\":{\"BS\":[\"AAE=\"]}}";
	it = itemop_parse_item(t, strlen(t), keys, 2, &e);
	CHECK_JSON(it, t);
	cJSON_Delete(it);
	t = "{\"pk\":\"a\"}";
	CHECK(!itemop_parse_item(t, strlen(t), keys, 2, &e) && e.kind == ERR_DATA && strstr(e.msg, "'sk'"));
	t = "{\"pk\":\"a\",\"sk\":\"1\"}";
	CHECK(!itemop_parse_item(t, strlen(t), keys, 2, &e) && e.kind == ERR_DATA);
	t = "[1]";
	CHECK(!itemop_parse_item(t, strlen(t), keys, 2, &e) && e.kind == ERR_DATA);

	CHECK_STREQ(itemop_return_values("updated-new"), "UPDATED_NEW");
	CHECK(!itemop_return_values("all"));

	e.kind = ERR_SERVICE;
	snprintf(e.type, sizeof(e.type), "ConditionalCheckFailedException");
	itemop_condition_failed(&e, "'a=1'");
	CHECK(e.kind == ERR_CONDITION && err_exit_code(&e) == 4);
	CHECK_STREQ(e.msg, "condition failed: 'a=1'; the item was not changed");

	/* transact actions */
	struct ctx ctx;
	ctx_init(&ctx, stdout, stderr);
	ctx.ns = xstrdup("dev_");
	const char *kind, *table;
	const char *put = "{\"Put\":{\"TableName\":\"users\",\"Item\":{\"pk\":\"a\",\"n\":1.0},"
	                  "\"ConditionExpression\":\"attribute_not_exists(pk)\"}}";
	cJSON *line = json_parse_exact(put, strlen(put), &e);
	cJSON *a = line ? itemop_transact_action(&ctx, line, &kind, &table, &e) : NULL;
	CHECK_JSON(a, "{\"Put\":{\"TableName\":\"dev_users\",\"Item\":{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"1.0\"}},"
	              "\"ConditionExpression\":\"attribute_not_exists(pk)\"}}");
	CHECK(a && !strcmp(kind, "Put") && !strcmp(table, "users"));
	cJSON_Delete(a);
	cJSON_Delete(line);
	static const char *const bad[] = {
		"{\"Put\":{\"TableName\":\"users\"}}",
		"{\"Get\":{\"TableName\":\"users\"}}",
		"{\"Put\":{\"TableName\":\"users\",\"Item\":{\"pk\":\"a\"}},\"Delete\":{}}",
		"{\"Update\":{\"TableName\":\"users\",\"Key\":{\"pk\":\"a\"}}}",
		"{\"Delete\":{\"TableName\":\"users\",\"Key\":{\"pk\":\"a\"},\"Extra\":1}}",
		"{\"Delete\":{\"TableName\":\"a b\",\"Key\":{\"pk\":\"a\"}}}",
		"{\"ConditionCheck\":{\"TableName\":\"users\",\"Key\":{\"pk\":\"a\"}}}",
		"{\"Update\":{\"TableName\":\"users\",\"Key\":{\"pk\":\"a\"},\"UpdateExpression\":\"SET a = :v\","
		"\"ExpressionAttributeValues\":{\"v\":1}}}",
		"[1]",
		NULL,
	};
	for (const char *const *b = bad; *b; b++) {
		line = json_parse_exact(*b, strlen(*b), &e);
		err_clear(&e);
		a = line ? itemop_transact_action(&ctx, line, &kind, &table, &e) : NULL;
		CHECK_MSG(!a && e.kind == ERR_DATA, "accepted: %s", *b);
		cJSON_Delete(a);
		cJSON_Delete(line);
	}
	ctx_release(&ctx);
}

int main(void)
{
	json_init();
	test_partiql();
	test_update();
	test_itemop();
	return unit_done();
}
