/* test_expr.c — lib/expr: sugar detection and typing, filters, projections, --values/--names, key values, key
 * schemas from DescribeTable, keys-first ordering. */
#include <stdlib.h>
#include <string.h>

#include "dynamo/expr.h"
#include "base/json.h"
#include "unit.h"

static char *compact(const cJSON *v)
{
	return json_print_compact(v);
}

static void check_json(const cJSON *v, const char *expected, int line)
{
	char *s = compact(v);
	CHECK_MSG(s && !strcmp(s, expected), "line %d: got %s, expected %s", line, s ? s : "(null)", expected);
	free(s);
}
#define CHECK_JSON(v, exp) check_json((v), (exp), __LINE__)

static void test_sugar(void)
{
	size_t n = 0;
	CHECK(expr_is_sugar("status=active", &n) && n == 6);
	CHECK(expr_is_sugar("a.b-c_d=1", &n) && n == 7);
	CHECK(expr_is_sugar("x=", &n) && n == 1);          /* the empty string */
	CHECK(!expr_is_sugar("status = :s", NULL));
	CHECK(!expr_is_sugar("status=:s", NULL));
	CHECK(!expr_is_sugar("a==b", NULL));
	CHECK(!expr_is_sugar("a>=1", NULL));
	CHECK(!expr_is_sugar("#n=x", NULL));
	CHECK(!expr_is_sugar("=x", NULL));
	CHECK(!expr_is_sugar("attribute_exists(a)", NULL));

	struct err e = ERR_INIT;
	cJSON *v;
	v = expr_sugar_value("30", &e);
	CHECK_JSON(v, "{\"N\":\"30\"}");
	cJSON_Delete(v);
	v = expr_sugar_value("-1.50e3", &e);
	CHECK_JSON(v, "{\"N\":\"-1.50e3\"}");
	cJSON_Delete(v);
	v = expr_sugar_value("12345678901234567890123456789012345678", &e);
	CHECK_JSON(v, "{\"N\":\"12345678901234567890123456789012345678\"}");
	cJSON_Delete(v);
	v = expr_sugar_value("true", &e);
	CHECK_JSON(v, "{\"BOOL\":true}");
	cJSON_Delete(v);
	v = expr_sugar_value("false", &e);
	CHECK_JSON(v, "{\"BOOL\":false}");
	cJSON_Delete(v);
	v = expr_sugar_value("null", &e);
	CHECK_JSON(v, "{\"NULL\":true}");
	cJSON_Delete(v);
	v = expr_sugar_value("\"30\"", &e);
	CHECK_JSON(v, "{\"S\":\"30\"}");
	cJSON_Delete(v);
	v = expr_sugar_value("active", &e);
	CHECK_JSON(v, "{\"S\":\"active\"}");
	cJSON_Delete(v);
	v = expr_sugar_value("007", &e);   /* not JSON number syntax: a string */
	CHECK_JSON(v, "{\"S\":\"007\"}");
	cJSON_Delete(v);
	v = expr_sugar_value("\"unterminated", &e);
	CHECK_JSON(v, "{\"S\":\"\\\"unterminated\"}");
	cJSON_Delete(v);
	/* a JSON number DynamoDB cannot hold is an error, not a string */
	v = expr_sugar_value("1e200", &e);
	CHECK(!v && e.kind == ERR_DATA);
}

static void test_filter_projection(void)
{
	struct expr x;
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	expr_init(&x);
	const char *f1[] = { "size=30", "ok=true" };
	CHECK(expr_filter(&x, f1, 2, &b, &e) == 0);
	CHECK_STREQ(buf_cstr(&b), "#f0 = :f0 AND #f1 = :f1");
	CHECK_JSON(x.names, "{\"#f0\":\"size\",\"#f1\":\"ok\"}");
	CHECK_JSON(x.values, "{\":f0\":{\"N\":\"30\"},\":f1\":{\"BOOL\":true}}");
	expr_release(&x);
	buf_reset(&b);

	/* a dotted name is a path into maps, one placeholder per element */
	expr_init(&x);
	const char *fp[] = { "m.a.b=5" };
	CHECK(expr_filter(&x, fp, 1, &b, &e) == 0);
	CHECK_STREQ(buf_cstr(&b), "#f0.#f1.#f2 = :f0");
	CHECK_JSON(x.names, "{\"#f0\":\"m\",\"#f1\":\"a\",\"#f2\":\"b\"}");
	buf_reset(&b);
	const char *fe[] = { "m..b=5" };
	CHECK(expr_filter(&x, fe, 1, &b, &e) == -1 && e.kind == ERR_USAGE && strstr(e.msg, "--names"));
	buf_reset(&b);
	const char *fe2[] = { "m.=5" };
	CHECK(expr_filter(&x, fe2, 1, &b, &e) == -1 && e.kind == ERR_USAGE);
	buf_reset(&b);
	const char *fn[] = { "n=1e200" };   /* a bad value in an option: usage */
	CHECK(expr_filter(&x, fn, 1, &b, &e) == -1 && e.kind == ERR_USAGE);
	expr_release(&x);
	buf_release(&b);

	/* raw expressions are parenthesised when several; user placeholders are never reused */
	expr_init(&x);
	CHECK(expr_add_values(&x, "{\":f0\":\"taken\"}", &e) == 0);
	CHECK(expr_add_names(&x, "{\"#f0\":\"taken\"}", &e) == 0);
	const char *f2[] = { "a = :f0 OR b = :f0", "name=x" };
	CHECK(expr_filter(&x, f2, 2, &b, &e) == 0);
	CHECK_STREQ(buf_cstr(&b), "(a = :f0 OR b = :f0) AND #f1 = :f1");
	CHECK_JSON(x.values, "{\":f0\":{\"S\":\"taken\"},\":f1\":{\"S\":\"x\"}}");
	buf_reset(&b);
	const char *f3[] = { "just = :f0" };
	CHECK(expr_filter(&x, f3, 1, &b, &e) == 0);
	CHECK_STREQ(buf_cstr(&b), "just = :f0");
	buf_reset(&b);
	CHECK(expr_projection(&x, " pk, status ,#f0,a.b", &b, &e) == 0);
	CHECK_STREQ(buf_cstr(&b), "#p2, #p3, #f0, #p4");
	CHECK_STREQ(json_get_string(x.names, "#p3"), "status");
	CHECK_STREQ(json_get_string(x.names, "#p4"), "a.b");
	buf_reset(&b);
	CHECK(expr_projection(&x, "a,,b", &b, &e) == -1 && e.kind == ERR_USAGE);
	const char *f4[] = { "  " };
	CHECK(expr_filter(&x, f4, 1, &b, &e) == -1 && e.kind == ERR_USAGE);

	/* expr_apply adds only what is there */
	cJSON *in = cJSON_CreateObject();
	expr_apply(&x, in);
	CHECK(json_get(in, "ExpressionAttributeNames") && json_get(in, "ExpressionAttributeValues"));
	cJSON_Delete(in);
	expr_release(&x);
	expr_init(&x);
	in = cJSON_CreateObject();
	expr_apply(&x, in);
	CHECK(!in->child);
	cJSON_Delete(in);
	expr_release(&x);
	buf_release(&b);
}

static void test_values_names(void)
{
	struct expr x;
	struct err e = ERR_INIT;
	expr_init(&x);
	CHECK(expr_add_values(&x, "{\":s\":\"active\",\":n\":12.50,\":big\":123456789012345678901234567890,"
	                          "\":l\":[1,\"a\"],\":m\":{\"k\":null}}", &e) == 0);
	CHECK_JSON(json_get(x.values, ":n"), "{\"N\":\"12.50\"}");
	CHECK_JSON(json_get(x.values, ":big"), "{\"N\":\"123456789012345678901234567890\"}");
	CHECK_JSON(json_get(x.values, ":l"), "{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]}");
	CHECK_JSON(json_get(x.values, ":m"), "{\"M\":{\"k\":{\"NULL\":true}}}");
	/* typed */
	CHECK(expr_add_values(&x, "{\":t\":{\"SS\":[\"a\",\"b\"]},\":b\":{\"B\":\"AAEC\"}}", &e) == 0);
	CHECK_JSON(json_get(x.values, ":t"), "{\"SS\":[\"a\",\"b\"]}");
	CHECK(expr_add_values(&x, "{\":bad\":{\"N\":\"x\"}}", &e) == -1 && e.kind == ERR_USAGE);
	/* a repeated --values merges; a placeholder given twice is a usage error */
	CHECK(expr_add_values(&x, "{\":more\":1}", &e) == 0);
	CHECK_JSON(json_get(x.values, ":more"), "{\"N\":\"1\"}");
	CHECK(json_get(x.values, ":s") != NULL);
	CHECK(expr_add_values(&x, "{\":s\":\"again\"}", &e) == -1 && e.kind == ERR_USAGE);
	CHECK(strstr(e.msg, "':s' is given twice") != NULL);
	CHECK_JSON(json_get(x.values, ":s"), "{\"S\":\"active\"}");
	CHECK(expr_add_values(&x, "{\"nocolon\":1}", &e) == -1 && e.kind == ERR_USAGE);
	CHECK(expr_add_values(&x, "[1]", &e) == -1 && e.kind == ERR_USAGE);
	CHECK(expr_add_values(&x, "{", &e) == -1 && e.kind == ERR_USAGE);
	CHECK(strstr(e.msg, "--values") != NULL);
	CHECK(expr_add_names(&x, "{\"#n\":\"name\"}", &e) == 0);
	CHECK_STREQ(json_get_string(x.names, "#n"), "name");
	CHECK(expr_add_names(&x, "{\"n\":\"name\"}", &e) == -1 && e.kind == ERR_USAGE);
	CHECK(expr_add_names(&x, "{\"#m\":\"m\"}", &e) == 0);
	CHECK(expr_add_names(&x, "{\"#n\":\"other\"}", &e) == -1 && e.kind == ERR_USAGE);
	CHECK_STREQ(json_get_string(x.names, "#n"), "name");
	CHECK(expr_add_names(&x, "{\"#n\":1}", &e) == -1 && e.kind == ERR_USAGE);
	CHECK(expr_add_names(&x, "{\"#n\":\"\"}", &e) == -1 && e.kind == ERR_USAGE);
	expr_release(&x);
}

static void test_keys(void)
{
	struct err e = ERR_INIT;
	cJSON *v = expr_key_value("12345678901234567890123456789012345678", 'N', "--pk", "id", &e);
	CHECK_JSON(v, "{\"N\":\"12345678901234567890123456789012345678\"}");
	cJSON_Delete(v);
	v = expr_key_value("abc", 'N', "--pk", "id", &e);
	CHECK(!v && e.kind == ERR_USAGE && strstr(e.msg, "'abc' is not a valid number (the key 'id' is of type N)"));
	v = expr_key_value("AAEC", 'B', "--sk-eq", "b", &e);
	CHECK_JSON(v, "{\"B\":\"AAEC\"}");
	cJSON_Delete(v);
	v = expr_key_value("!!", 'B', "--sk-eq", "b", &e);
	CHECK(!v && e.kind == ERR_USAGE);
	v = expr_key_value("MSG#1", 'S', "--pk", "pk", &e);
	CHECK_JSON(v, "{\"S\":\"MSG#1\"}");
	cJSON_Delete(v);
	v = expr_key_value("", 'S', "--pk", "pk", &e);
	CHECK(!v && e.kind == ERR_USAGE);

	const char *desc_text =
		"{\"Table\":{\"TableName\":\"t\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
		"{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},{\"AttributeName\":\"g\",\"AttributeType\":\"B\"}],"
		"\"KeySchema\":[{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"},{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],"
		"\"GlobalSecondaryIndexes\":[{\"IndexName\":\"by-g\",\"KeySchema\":[{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}]}],"
		"\"LocalSecondaryIndexes\":[{\"IndexName\":\"lsi\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
		"{\"AttributeName\":\"g\",\"KeyType\":\"RANGE\"}]}]}}";
	cJSON *desc = json_parse_exact(desc_text, strlen(desc_text), &e);
	struct item_key_attr k[2];
	size_t nk = 0;
	CHECK(expr_key_schema(desc, NULL, "t", k, &nk, &e) == 0);
	CHECK(nk == 2 && !strcmp(k[0].name, "pk") && k[0].type == 'S' && !strcmp(k[1].name, "sk") && k[1].type == 'N');
	CHECK(expr_key_schema(desc, "by-g", "t", k, &nk, &e) == 0);
	CHECK(nk == 1 && !strcmp(k[0].name, "g") && k[0].type == 'B');
	CHECK(expr_key_schema(json_get(desc, "Table"), "lsi", "t", k, &nk, &e) == 0);
	CHECK(nk == 2 && !strcmp(k[1].name, "g"));
	CHECK(expr_key_schema(desc, "nope", "t", k, &nk, &e) == -1 && e.kind == ERR_SERVICE);
	CHECK_STREQ(e.msg, "table 't' has no index 'nope' (its indexes: by-g, lsi)");

	const char *item_text = "{\"a\":1,\"sk\":2,\"b\":3,\"pk\":4}";
	cJSON *item = json_parse_exact(item_text, strlen(item_text), &e);
	CHECK(expr_key_schema(desc, NULL, "t", k, &nk, &e) == 0);
	expr_keys_first(item, k, nk);
	CHECK_JSON(item, "{\"pk\":4,\"sk\":2,\"a\":1,\"b\":3}");
	cJSON_AddNumberToObject(item, "c", 5);   /* the list is still well formed */
	CHECK_JSON(item, "{\"pk\":4,\"sk\":2,\"a\":1,\"b\":3,\"c\":5}");
	cJSON_Delete(item);
	cJSON_Delete(desc);
}

int main(void)
{
	test_sugar();
	test_filter_projection();
	test_values_names();
	test_keys();
	return unit_done();
}
