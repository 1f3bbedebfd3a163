/* test_item.c — lib/item: plain <-> DynamoDB JSON, validation, detection, size, keys, canonical text. */
#include <stdlib.h>
#include <string.h>

#include "dynamo/item.h"
#include "base/json.h"
#include "unit.h"

static cJSON *P(const char *text)
{
	struct err e = ERR_INIT;
	cJSON *j = json_parse_exact(text, strlen(text), &e);
	if (!j)
		fprintf(stderr, "test input does not parse: %s: %s\n", text, e.msg);
	return j;
}

static char result[65536];

/* Print j (or "ERR: msg" when j is NULL) into result, delete j. */
static const char *show(cJSON *j, const struct err *e)
{
	if (!j) {
		snprintf(result, sizeof result, "ERR: %s", e->msg);
		return result;
	}
	char *p = json_print_compact(j);
	snprintf(result, sizeof result, "%s", p ? p : "(print failed)");
	free(p);
	cJSON_Delete(j);
	return result;
}

static const char *to_ddb(const char *plain)
{
	struct err e = ERR_INIT;
	cJSON *in = P(plain);
	cJSON *out = item_from_plain(in, &e);
	cJSON_Delete(in);
	return show(out, &e);
}

static const char *to_plain(const char *ddb)
{
	struct err e = ERR_INIT;
	cJSON *in = P(ddb);
	cJSON *out = item_to_plain(in, &e);
	cJSON_Delete(in);
	return show(out, &e);
}

static const char *validate(const char *ddb)
{
	struct err e = ERR_INIT;
	cJSON *in = P(ddb);
	int rc = item_validate_ddb(in, &e);
	cJSON_Delete(in);
	snprintf(result, sizeof result, "%s", rc == 0 ? "ok" : e.msg);
	return result;
}

static const char *canon(const char *ddb)
{
	struct err e = ERR_INIT;
	struct buf b;
	cJSON *in = P(ddb);
	buf_init(&b, 0);
	if (item_canonical_text(in, &b, &e) < 0)
		snprintf(result, sizeof result, "ERR: %s", e.msg);
	else
		snprintf(result, sizeof result, "%s", buf_cstr(&b));
	buf_release(&b);
	cJSON_Delete(in);
	return result;
}

static long long size_of(const char *ddb)
{
	struct err e = ERR_INIT;
	size_t sz = 0;
	cJSON *in = P(ddb);
	int rc = item_size(in, &sz, &e);
	cJSON_Delete(in);
	return rc < 0 ? -1 : (long long)sz;
}

static const char *number_canon(const char *n)
{
	struct err e = ERR_INIT;
	static char out[ITEM_NUMBER_TEXT_MAX];
	if (item_number_canonical(n, out, sizeof out, &e) < 0)
		snprintf(result, sizeof result, "ERR: %s", e.msg);
	else
		snprintf(result, sizeof result, "%s", out);
	return result;
}

static const char *const exact[] = {
	"12345678901234567890123456789012345678", "0.1", "-1E-130", "1E+125",
	"9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E+125", "1E-130",
	"0", "-0", "100000000000000000000000000000000000000000000", "0.00000000000000000000000000000000000001",
	"1.0", "-12.500", "1e5", "3.14159265358979323846264338327950288",
};

static void test_numbers(void)
{
	struct err e = ERR_INIT;
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		CHECK_MSG(item_number_check(exact[i], &e) == 0, "%s: %s", exact[i], e.msg);

	CHECK_INTEQ(item_number_check("123456789012345678901234567890123456789", &e), -1);
	CHECK_STREQ(e.msg, "N value '123456789012345678901234567890123456789' has 39 significant digits "
	                   "(DynamoDB allows at most 38)");
	CHECK_INTEQ(e.kind, ERR_DATA);
	CHECK_INTEQ(item_number_check("1.23456789012345678901234567890123456789", &e), -1);
	CHECK_INTEQ(item_number_check("-0.000123456789012345678901234567890123456789", &e), -1);
	CHECK_INTEQ(item_number_check("1E-131", &e), -1);
	CHECK(strstr(e.msg, "out of range") != NULL);
	CHECK_INTEQ(item_number_check("1E+126", &e), -1);
	CHECK_INTEQ(item_number_check("10E+125", &e), -1);
	CHECK_INTEQ(item_number_check("0.1E-130", &e), -1);
	CHECK_INTEQ(item_number_check("0.1E-129", &e), 0);
	CHECK_INTEQ(item_number_check("0.99E+126", &e), 0);
	CHECK_INTEQ(item_number_check("1e99999999999999999999999999", &e), -1);
	CHECK_INTEQ(item_number_check("1e-99999999999999999999999999", &e), -1);
	CHECK_INTEQ(item_number_check("0e99999999999999999999999999", &e), 0);
	CHECK_INTEQ(item_number_check("99999999999999999999999999999999999999", &e), 0);
	CHECK_INTEQ(item_number_check("99999999999999999999999999999999999999000000", &e), 0);
	/* syntax DynamoDB accepts beyond JSON's */
	CHECK_INTEQ(item_number_check("+1", &e), 0);
	CHECK_INTEQ(item_number_check(".5", &e), 0);
	CHECK_INTEQ(item_number_check("5.", &e), 0);
	CHECK_INTEQ(item_number_check("007", &e), 0);
	static const char *bad[] = { "", "x", "1e", "1e+", " 1", "1 ", "--1", "+-1", "0x10", "NaN", "Infinity",
	                             "1,5", ".", "-", "e5", "1.2.3", "1e5.5" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_MSG(item_number_check(bad[i], &e) == -1, "'%s' accepted", bad[i]);
		CHECK(strstr(e.msg, "is not a number") != NULL);
	}
	CHECK_INTEQ(item_number_check(NULL, &e), -1);

	CHECK_INTEQ(item_number_digits("12.3400"), 4);
	CHECK_INTEQ(item_number_digits("0.00100"), 1);
	CHECK_INTEQ(item_number_digits("0"), 0);
	CHECK_INTEQ(item_number_digits("-000"), 0);
	CHECK_INTEQ(item_number_digits("1234567890123456789012345678901234567890"), 39);
	CHECK_INTEQ(item_number_digits("x"), -1);

	CHECK_STREQ(number_canon("1.50"), "1.5");
	CHECK_STREQ(number_canon("15E-1"), "1.5");
	CHECK_STREQ(number_canon("+1.5"), "1.5");
	CHECK_STREQ(number_canon("1E2"), "100");
	CHECK_STREQ(number_canon("-0"), "0");
	CHECK_STREQ(number_canon("0.000E+50"), "0");
	CHECK_STREQ(number_canon("1E+125"), "1E+125");
	CHECK_STREQ(number_canon("-1E-130"), "-1E-130");
	CHECK_STREQ(number_canon("9.9999999999999999999999999999999999999E+125"),
	            "9.9999999999999999999999999999999999999E+125");
	CHECK_STREQ(number_canon("0.0000001"), "0.0000001");
	CHECK_STREQ(number_canon("1E-8"), "1E-8");
	CHECK_STREQ(number_canon("12345E-2"), "123.45");
	CHECK_STREQ(number_canon("-.5"), "-0.5");
	CHECK_STREQ(number_canon("5."), "5");
	CHECK_STREQ(number_canon("007.10"), "7.1");
	CHECK_STREQ(number_canon("123e36"), "123000000000000000000000000000000000000");
	CHECK_STREQ(number_canon("1e39"), "1E+39");
	CHECK_STREQ(number_canon("-12345678901234567890123456789012345678E-44"),
	            "-0.00000012345678901234567890123456789012345678");
	CHECK_STREQ(number_canon("-12345678901234567890123456789012345678E-45"),
	            "-1.2345678901234567890123456789012345678E-8");
	CHECK_STREQ(number_canon("12345678901234567890123456789012345678"), "12345678901234567890123456789012345678");
	CHECK_STREQ(number_canon("1x"), "ERR: N value '1x' is not a number");
	char small[8];
	CHECK_INTEQ(item_number_canonical("1", small, sizeof small, &e), -1);
}

static void test_exact_both_ways(void)
{
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
		char plain[256], ddb[256];
		snprintf(plain, sizeof plain, "{\"n\":%s,\"l\":[%s],\"m\":{\"x\":%s}}", exact[i], exact[i], exact[i]);
		snprintf(ddb, sizeof ddb, "{\"n\":{\"N\":\"%s\"},\"l\":{\"L\":[{\"N\":\"%s\"}]},\"m\":{\"M\":{\"x\":{\"N\":\"%s\"}}}}",
		         exact[i], exact[i], exact[i]);
		CHECK_STREQ(to_ddb(plain), ddb);
		CHECK_STREQ(to_plain(ddb), plain);
	}
	/* NS too */
	CHECK_STREQ(to_plain("{\"ns\":{\"NS\":[\"12345678901234567890123456789012345678\",\"-1E-130\",\"0.1\"]}}"),
	            "{\"ns\":[12345678901234567890123456789012345678,-1E-130,0.1]}");
	/* typed N that is not JSON syntax gets a minimal, value-preserving rewrite */
	CHECK_STREQ(to_plain("{\"a\":{\"N\":\"+1\"},\"b\":{\"N\":\".5\"},\"c\":{\"N\":\"5.\"},\"d\":{\"N\":\"007\"},"
	                     "\"e\":{\"N\":\"-.25e+3\"},\"f\":{\"N\":\"-00.0\"},\"g\":{\"N\":\"1.E5\"}}"),
	            "{\"a\":1,\"b\":0.5,\"c\":5,\"d\":7,\"e\":-0.25e+3,\"f\":-0.0,\"g\":1E5}");
	/* 39 digits refused both ways, with the path */
	CHECK_STREQ(to_ddb("{\"n\":123456789012345678901234567890123456789}"),
	            "ERR: attribute 'n': number '123456789012345678901234567890123456789' has 39 significant digits "
	            "(DynamoDB allows at most 38)");
	CHECK_STREQ(to_plain("{\"n\":{\"N\":\"123456789012345678901234567890123456789\"}}"),
	            "ERR: attribute 'n': N value '123456789012345678901234567890123456789' has 39 significant digits "
	            "(DynamoDB allows at most 38)");
	CHECK_STREQ(to_ddb("{\"a\":[1,{\"b\":1e999}]}"),
	            "ERR: attribute 'a[1].b': number '1e999' is out of range (DynamoDB numbers are 0 or between 1E-130 "
	            "and 9.9999999999999999999999999999999999999E+125 in magnitude)");
}

static void test_plain_round_trip(void)
{
	const char *plain =
		"{\"s\":\"x\",\"empty\":\"\",\"n\":42,\"f\":-0.5e-3,\"t\":true,\"fa\":false,\"nu\":null,"
		"\"m\":{\"a\":{\"b\":[1,\"x\",{\"c\":null}]}},\"l\":[],\"o\":{},"
		"\"u\":\"\xe6\x97\xa5\xe6\x9c\xac \xc3\xa9 \xf0\x9f\x98\x80\",\"esc\":\"a\\\"b\\\\c\\nd\\u0001\",\"ll\":[[[]]]}";
	const char *ddb =
		"{\"s\":{\"S\":\"x\"},\"empty\":{\"S\":\"\"},\"n\":{\"N\":\"42\"},\"f\":{\"N\":\"-0.5e-3\"},"
		"\"t\":{\"BOOL\":true},\"fa\":{\"BOOL\":false},\"nu\":{\"NULL\":true},"
		"\"m\":{\"M\":{\"a\":{\"M\":{\"b\":{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"},{\"M\":{\"c\":{\"NULL\":true}}}]}}}}},"
		"\"l\":{\"L\":[]},\"o\":{\"M\":{}},"
		"\"u\":{\"S\":\"\xe6\x97\xa5\xe6\x9c\xac \xc3\xa9 \xf0\x9f\x98\x80\"},"
		"\"esc\":{\"S\":\"a\\\"b\\\\c\\nd\\u0001\"},\"ll\":{\"L\":[{\"L\":[{\"L\":[]}]}]}}";
	CHECK_STREQ(to_ddb(plain), ddb);
	CHECK_STREQ(to_plain(ddb), plain);
	CHECK_STREQ(to_ddb("{}"), "{}");
	CHECK_STREQ(to_plain("{}"), "{}");

	/* escaped input strings come out as cJSON's canonical escapes, same content */
	CHECK_STREQ(to_ddb("{\"k\\u00e9y\":\"\\u00e9\\/\"}"), "{\"k\xc3\xa9y\":{\"S\":\"\xc3\xa9/\"}}");

	/* sets, binary: typed -> plain loses the type (arrays, base64 text) */
	CHECK_STREQ(to_plain("{\"ss\":{\"SS\":[\"a\",\"b\"]},\"bs\":{\"BS\":[\"AAE=\",\"/w==\"]},\"b\":{\"B\":\"AAECAw==\"},"
	                     "\"eb\":{\"B\":\"\"}}"),
	            "{\"ss\":[\"a\",\"b\"],\"bs\":[\"AAE=\",\"/w==\"],\"b\":\"AAECAw==\",\"eb\":\"\"}");

	/* single values */
	struct err e = ERR_INIT;
	cJSON *v = P("[1,\"a\"]");
	CHECK_STREQ(show(item_value_from_plain(v, "x", &e), &e), "{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]}");
	cJSON_Delete(v);
	v = P("{\"M\":{\"k\":{\"N\":\"x\"}}}");
	CHECK_STREQ(show(item_value_to_plain(v, "top", &e), &e), "ERR: attribute 'top.k': N value 'x' is not a number");
	cJSON_Delete(v);
	v = P("{\"N\":\"x\"}");
	CHECK_STREQ(show(item_value_to_plain(v, NULL, &e), &e), "ERR: N value 'x' is not a number");
	cJSON_Delete(v);

	/* cJSON doubles (built by code, not parsed) convert too */
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "i", 7);
	cJSON_AddNumberToObject(o, "d", 0.25);
	CHECK_STREQ(show(item_from_plain(o, &e), &e), "{\"i\":{\"N\":\"7\"},\"d\":{\"N\":\"0.25\"}}");
	cJSON_Delete(o);
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "r", cJSON_CreateRaw("{}"));
	CHECK_STREQ(show(item_from_plain(o, &e), &e),
	            "ERR: attribute 'r': unsupported JSON value (raw text that is not a number)");
	cJSON_Delete(o);

	/* plain errors */
	CHECK_STREQ(to_ddb("{\"a\":1,\"a\":2}"), "ERR: duplicate attribute name 'a'");
	CHECK_STREQ(to_ddb("{\"m\":{\"x\":1,\"y\":2,\"x\":3}}"), "ERR: attribute 'm': duplicate attribute name 'x'");
	CHECK_STREQ(to_ddb("{\"\":1}"), "ERR: empty attribute name");
	CHECK_STREQ(to_ddb("[1]"), "ERR: item is not a JSON object");
	CHECK_STREQ(to_ddb("\"x\""), "ERR: item is not a JSON object");
}

static void test_typed_round_trip(void)
{
	const char *items[] = {
		"{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"1.50\"},\"b\":{\"B\":\"AAECAw==\"},\"ss\":{\"SS\":[\"b\",\"a\"]},"
		"\"ns\":{\"NS\":[\"10\",\"2\",\"-1E-130\"]},\"bs\":{\"BS\":[\"AQ==\",\"AA==\"]},\"t\":{\"BOOL\":true},"
		"\"z\":{\"NULL\":true},\"m\":{\"M\":{\"y\":{\"L\":[{\"SS\":[\"q\"]},{\"M\":{}}]},\"x\":{\"S\":\"\"}}},"
		"\"l\":{\"L\":[{\"NS\":[\"1\"]},{\"BS\":[\"\"]},{\"B\":\"\"}]}}",
		"{\"only\":{\"S\":\"\xe2\x82\xac \\\" \\\\ \\n\"}}",
		"{}",
	};
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		CHECK_STREQ(validate(items[i]), "ok");
		/* parse -> print is exact */
		struct err e = ERR_INIT;
		cJSON *j = P(items[i]);
		char *p1 = json_print_compact(j);
		cJSON *j2 = json_parse_exact(p1, strlen(p1), &e);
		char *p2 = json_print_compact(j2);
		CHECK_STREQ(p1, p2);
		/* canonical text survives a print/parse round trip and item_as_ddb */
		char c1[4096];
		snprintf(c1, sizeof c1, "%s", canon(items[i]));
		CHECK_STREQ(canon(p2), c1);
		cJSON *copy = item_as_ddb(j, ITEM_FORMAT_AUTO, &e);
		char *p3 = json_print_compact(copy);
		CHECK_STREQ(p3, p1);
		free(p1);
		free(p2);
		free(p3);
		cJSON_Delete(j);
		cJSON_Delete(j2);
		cJSON_Delete(copy);
	}
	/* typed -> plain -> typed is the identity for S N BOOL NULL M L */
	const char *t = "{\"s\":{\"S\":\"v\"},\"n\":{\"N\":\"-1E-130\"},\"b\":{\"BOOL\":false},\"z\":{\"NULL\":true},"
	                "\"m\":{\"M\":{\"l\":{\"L\":[{\"N\":\"12345678901234567890123456789012345678\"},{\"M\":{}}]}}}}";
	char plain[1024];
	snprintf(plain, sizeof plain, "%s", to_plain(t));
	CHECK_STREQ(to_ddb(plain), t);

	CHECK_STREQ(canon(items[0]),
	            "{\"b\":{\"B\":\"AAECAw==\"},\"bs\":{\"BS\":[\"AA==\",\"AQ==\"]},"
	            "\"l\":{\"L\":[{\"NS\":[\"1\"]},{\"BS\":[\"\"]},{\"B\":\"\"}]},"
	            "\"m\":{\"M\":{\"x\":{\"S\":\"\"},\"y\":{\"L\":[{\"SS\":[\"q\"]},{\"M\":{}}]}}},"
	            "\"n\":{\"N\":\"1.5\"},\"ns\":{\"NS\":[\"-1E-130\",\"10\",\"2\"]},\"pk\":{\"S\":\"a\"},"
	            "\"ss\":{\"SS\":[\"a\",\"b\"]},\"t\":{\"BOOL\":true},\"z\":{\"NULL\":true}}");
}

static void test_validation(void)
{
	CHECK_STREQ(validate("{\"a\":{\"M\":{\"b\":{\"L\":[{\"S\":\"x\"},{\"S\":\"y\"},{\"S\":\"z\"},{\"N\":\"x\"}]}}}}"),
	            "attribute 'a.b[3]': N value 'x' is not a number");
	CHECK_STREQ(validate("{\"a\":{\"S\":1}}"), "attribute 'a': S value must be a string");
	CHECK_STREQ(validate("{\"a\":{\"N\":1}}"), "attribute 'a': N value must be a string holding a number");
	CHECK_STREQ(validate("{\"a\":{\"X\":\"1\"}}"),
	            "attribute 'a': unknown AttributeValue type 'X' (expected one of S N B SS NS BS M L NULL BOOL)");
	CHECK_STREQ(validate("{\"a\":{\"s\":\"1\"}}"),
	            "attribute 'a': unknown AttributeValue type 's' (expected one of S N B SS NS BS M L NULL BOOL)");
	CHECK_STREQ(validate("{\"a\":{\"S\":\"x\",\"N\":\"1\"}}"),
	            "attribute 'a': AttributeValue has more than one type ('S' and 'N')");
	CHECK_STREQ(validate("{\"a\":{}}"),
	            "attribute 'a': AttributeValue has no type (expected one of S N B SS NS BS M L NULL BOOL)");
	CHECK_STREQ(validate("{\"a\":\"x\"}"),
	            "attribute 'a': not an AttributeValue (expected an object like {\"S\": \"text\"})");
	CHECK_STREQ(validate("{\"a\":{\"SS\":[]}}"),
	            "attribute 'a': SS must not be empty (DynamoDB sets hold at least one element)");
	CHECK_STREQ(validate("{\"a\":{\"SS\":[\"x\",\"y\",\"x\"]}}"), "attribute 'a': SS contains duplicate value 'x'");
	CHECK_STREQ(validate("{\"a\":{\"SS\":[\"x\",1]}}"), "attribute 'a': SS element 1 is not a string");
	CHECK_STREQ(validate("{\"a\":{\"NS\":[\"1\",\"1.0\"]}}"), "attribute 'a': NS contains duplicate value '1'");
	CHECK_STREQ(validate("{\"a\":{\"NS\":[\"1\",\"1e2\",\"100\"]}}"), "attribute 'a': NS contains duplicate value '100'");
	CHECK_STREQ(validate("{\"a\":{\"NS\":[\"1\",\"x\"]}}"), "attribute 'a': NS element 'x' is not a number");
	CHECK_STREQ(validate("{\"a\":{\"BS\":[\"QQ==\",\"QR==\"]}}"), "attribute 'a': BS contains duplicate values");
	CHECK_STREQ(validate("{\"a\":{\"BS\":[\"QQ==\",\"QQ\"]}}"), "attribute 'a': BS element 1 'QQ' is not valid base64");
	CHECK_STREQ(validate("{\"a\":{\"B\":\"QQ=\"}}"), "attribute 'a': B value 'QQ=' is not valid base64");
	CHECK_STREQ(validate("{\"a\":{\"B\":\"QQ=A\"}}"), "attribute 'a': B value 'QQ=A' is not valid base64");
	CHECK_STREQ(validate("{\"a\":{\"B\":\"Q===\"}}"), "attribute 'a': B value 'Q===' is not valid base64");
	CHECK_STREQ(validate("{\"a\":{\"B\":\"QU JD\"}}"), "attribute 'a': B value 'QU JD' is not valid base64");
	CHECK_STREQ(validate("{\"a\":{\"B\":\"QUJD\\n\"}}"), "attribute 'a': B value 'QUJD ' is not valid base64");
	CHECK_STREQ(validate("{\"a\":{\"B\":\"QUJD\"},\"b\":{\"B\":\"QQ==\"},\"c\":{\"B\":\"+/+/\"}}"), "ok");
	CHECK_STREQ(validate("{\"a\":{\"NULL\":false}}"), "attribute 'a': NULL value must be true");
	CHECK_STREQ(validate("{\"a\":{\"NULL\":null}}"), "attribute 'a': NULL value must be true");
	CHECK_STREQ(validate("{\"a\":{\"BOOL\":\"true\"}}"), "attribute 'a': BOOL value must be true or false");
	CHECK_STREQ(validate("{\"a\":{\"M\":[]}}"), "attribute 'a': M value must be an object");
	CHECK_STREQ(validate("{\"a\":{\"L\":{}}}"), "attribute 'a': L value must be an array");
	CHECK_STREQ(validate("{\"a\":{\"SS\":\"x\"}}"), "attribute 'a': SS value must be an array");
	CHECK_STREQ(validate("{\"a\":{\"N\":\"1e200\"}}"),
	            "attribute 'a': N value '1e200' is out of range (DynamoDB numbers are 0 or between 1E-130 and "
	            "9.9999999999999999999999999999999999999E+125 in magnitude)");
	CHECK_STREQ(validate("{\"\":{\"S\":\"x\"}}"), "empty attribute name");
	CHECK_STREQ(validate("{\"a\":{\"S\":\"x\"},\"a\":{\"S\":\"y\"}}"), "duplicate attribute name 'a'");
	CHECK_STREQ(validate("{\"m\":{\"M\":{\"k\":{\"S\":\"x\"},\"k\":{\"S\":\"y\"}}}}"),
	            "attribute 'm': duplicate attribute name 'k'");
	CHECK_STREQ(validate("[1]"), "item is not a JSON object");
	CHECK_STREQ(validate("{\"a\":{\"L\":[{\"M\":{\"b\":{\"L\":[{\"S\":\"x\"},{\"M\":{\"c\":{\"B\":\"!\"}}}]}}}]}}"),
	            "attribute 'a[0].b[1].c': B value '!' is not valid base64");
	/* a long bad value is shortened in the message */
	CHECK_STREQ(validate("{\"a\":{\"N\":\"123456789012345678901234567890123456789012345678901234567890x\"}}"),
	            "attribute 'a': N value '1234567890123456789012345678901234567890...' is not a number");

	/* nesting: 32 levels are fine, 33 are not (both directions) */
	struct buf b, pb;
	buf_init(&b, 0);
	buf_init(&pb, 0);
	for (int depth = 32; depth <= 33; depth++) {
		buf_reset(&b);
		buf_reset(&pb);
		buf_adds(&b, "{\"a\":");
		buf_adds(&pb, "{\"a\":");
		for (int i = 0; i < depth; i++) {
			buf_adds(&b, "{\"L\":[");
			buf_addc(&pb, '[');
		}
		buf_adds(&b, "{\"S\":\"x\"}");
		buf_adds(&pb, "\"x\"");
		for (int i = 0; i < depth; i++) {
			buf_adds(&b, "]}");
			buf_addc(&pb, ']');
		}
		buf_addc(&b, '}');
		buf_addc(&pb, '}');
		const char *v = validate(buf_cstr(&b));
		if (depth == 32)
			CHECK_STREQ(v, "ok");
		else
			CHECK(strstr(v, "nested deeper than 32 levels") != NULL);
		v = to_ddb(buf_cstr(&pb));
		if (depth == 32)
			CHECK(!strncmp(v, "{\"a\":{\"L\":", 10));
		else
			CHECK(strstr(v, "nested deeper than 32 levels") != NULL);
	}
	buf_release(&b);
	buf_release(&pb);

	struct err e = ERR_INIT;
	CHECK_INTEQ(item_validate_ddb(NULL, &e), -1);
	CHECK_INTEQ(item_validate_value(NULL, "p", &e), -1);
	CHECK_STREQ(e.msg, "attribute 'p': not an AttributeValue (expected an object like {\"S\": \"text\"})");

	/* strings built by code are checked for UTF-8 */
	cJSON *o = cJSON_CreateObject();
	cJSON *av = cJSON_AddObjectToObject(o, "s");
	cJSON_AddStringToObject(av, "S", "bad \xff");
	CHECK_INTEQ(item_validate_ddb(o, &e), -1);
	CHECK_STREQ(e.msg, "attribute 's': S value is not valid UTF-8");
	cJSON_Delete(o);
}

static void test_detect(void)
{
	static const struct { const char *json; enum item_format want; } cases[] = {
		{ "{\"a\":{\"S\":\"x\"}}", ITEM_FORMAT_DDB },
		{ "{\"a\":{\"S\":\"x\"},\"b\":{\"N\":\"1\"},\"c\":{\"M\":{}},\"d\":{\"L\":[]},\"e\":{\"NULL\":true},"
		  "\"f\":{\"BOOL\":false},\"g\":{\"SS\":[\"a\"]},\"h\":{\"NS\":[\"1\"]},\"i\":{\"BS\":[\"AA==\"]},"
		  "\"j\":{\"B\":\"AA==\"}}", ITEM_FORMAT_DDB },
		{ "{\"a\":\"x\"}", ITEM_FORMAT_PLAIN },
		{ "{\"a\":{\"S\":\"x\"},\"b\":1}", ITEM_FORMAT_PLAIN },
		{ "{\"a\":{\"S\":1}}", ITEM_FORMAT_PLAIN },
		{ "{\"a\":{\"N\":1}}", ITEM_FORMAT_PLAIN },
		{ "{\"a\":{\"S\":\"x\",\"N\":\"1\"}}", ITEM_FORMAT_PLAIN },
		{ "{\"a\":{\"name\":\"x\"}}", ITEM_FORMAT_PLAIN },
		{ "{\"a\":{}}", ITEM_FORMAT_PLAIN },
		{ "{\"a\":{\"M\":[]}}", ITEM_FORMAT_PLAIN },
		{ "{\"a\":{\"NULL\":\"x\"}}", ITEM_FORMAT_PLAIN },
		{ "{}", ITEM_FORMAT_PLAIN },
		{ "[]", ITEM_FORMAT_PLAIN },
		{ "{\"a\":{\"N\":\"x\"}}", ITEM_FORMAT_DDB },   /* shape only; validation reports the bad number */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *j = P(cases[i].json);
		CHECK_MSG(item_detect_format(j) == cases[i].want, "detect %s", cases[i].json);
		cJSON_Delete(j);
	}
	CHECK(item_detect_format(NULL) == ITEM_FORMAT_PLAIN);

	struct err e = ERR_INIT;
	cJSON *j = P("{\"a\":{\"S\":\"x\"}}");
	CHECK_STREQ(show(item_as_ddb(j, ITEM_FORMAT_AUTO, &e), &e), "{\"a\":{\"S\":\"x\"}}");
	CHECK_STREQ(show(item_as_ddb(j, ITEM_FORMAT_PLAIN, &e), &e), "{\"a\":{\"M\":{\"S\":{\"S\":\"x\"}}}}");
	cJSON_Delete(j);
	j = P("{\"a\":1.10}");
	CHECK_STREQ(show(item_as_ddb(j, ITEM_FORMAT_AUTO, &e), &e), "{\"a\":{\"N\":\"1.10\"}}");
	CHECK_STREQ(show(item_as_ddb(j, ITEM_FORMAT_DDB, &e), &e),
	            "ERR: attribute 'a': not an AttributeValue (expected an object like {\"S\": \"text\"})");
	cJSON_Delete(j);
	j = P("{\"a\":{\"N\":\"x\"}}");
	CHECK_STREQ(show(item_as_ddb(j, ITEM_FORMAT_AUTO, &e), &e), "ERR: attribute 'a': N value 'x' is not a number");
	cJSON_Delete(j);
}

static void test_size(void)
{
	CHECK_INTEQ(size_of("{}"), 0);
	CHECK_INTEQ(size_of("{\"pk\":{\"S\":\"abc\"}}"), 5);
	CHECK_INTEQ(size_of("{\"pk\":{\"S\":\"\xc3\xa9\"}}"), 4);            /* UTF-8 bytes */
	CHECK_INTEQ(size_of("{\"\xc3\xa9\":{\"S\":\"\"}}"), 2);              /* name in UTF-8 bytes */
	CHECK_INTEQ(size_of("{\"n\":{\"N\":\"123\"}}"), 4);                  /* 1 + ceil(3/2) + 1 */
	CHECK_INTEQ(size_of("{\"n\":{\"N\":\"0\"}}"), 2);
	CHECK_INTEQ(size_of("{\"n\":{\"N\":\"1.500\"}}"), 3);                /* 2 significant digits */
	CHECK_INTEQ(size_of("{\"n\":{\"N\":\"0.00012\"}}"), 3);
	CHECK_INTEQ(size_of("{\"n\":{\"N\":\"12345678901234567890123456789012345678\"}}"), 21);
	CHECK_INTEQ(size_of("{\"n\":{\"N\":\"-1E-130\"}}"), 3);
	CHECK_INTEQ(size_of("{\"b\":{\"B\":\"AAECAw==\"}}"), 5);             /* 4 raw bytes */
	CHECK_INTEQ(size_of("{\"b\":{\"B\":\"AAEC\"}}"), 4);
	CHECK_INTEQ(size_of("{\"b\":{\"B\":\"AA==\"}}"), 2);
	CHECK_INTEQ(size_of("{\"b\":{\"B\":\"\"}}"), 1);
	CHECK_INTEQ(size_of("{\"t\":{\"BOOL\":true},\"z\":{\"NULL\":true}}"), 4);
	CHECK_INTEQ(size_of("{\"m\":{\"M\":{}}}"), 4);
	CHECK_INTEQ(size_of("{\"l\":{\"L\":[]}}"), 4);
	CHECK_INTEQ(size_of("{\"m\":{\"M\":{\"ab\":{\"S\":\"x\"}}}}"), 8);  /* 1 + 3 + (1 + 2 + 1) */
	CHECK_INTEQ(size_of("{\"l\":{\"L\":[{\"S\":\"x\"},{\"N\":\"1\"}]}}"), 9);   /* 1 + 3 + (1+1) + (1+2) */
	CHECK_INTEQ(size_of("{\"ss\":{\"SS\":[\"a\",\"bc\"]}}"), 5);
	CHECK_INTEQ(size_of("{\"ns\":{\"NS\":[\"1\",\"12345\"]}}"), 8);     /* 2 + 2 + 4 */
	CHECK_INTEQ(size_of("{\"bs\":{\"BS\":[\"AA==\",\"AAE=\"]}}"), 5);
	/* the book item of the DynamoDB item-size calculators: 137 bytes */
	CHECK_INTEQ(size_of("{\"Id\":{\"N\":\"101\"},\"Title\":{\"S\":\"Book 101 Title\"},\"ISBN\":{\"S\":\"111-1111111111\"},"
	                    "\"Authors\":{\"L\":[{\"S\":\"Author1\"}]},\"Price\":{\"N\":\"2\"},"
	                    "\"Dimensions\":{\"S\":\"8.5 x 11.0 x 0.5\"},\"PageCount\":{\"N\":\"500\"},"
	                    "\"InPublication\":{\"BOOL\":true},\"ProductCategory\":{\"S\":\"Book\"}}"), 137);
	CHECK_INTEQ(size_of("{\"a\":{\"N\":\"x\"}}"), -1);

	/* the 400 KB limit: name "d" + a string of 409599 bytes is exactly at the limit */
	size_t n = ITEM_MAX_BYTES - 1;
	char *s = malloc(n + 32);
	memcpy(s, "{\"d\":{\"S\":\"", 11);
	memset(s + 11, 'x', n);
	memcpy(s + 11 + n, "\"}}", 4);
	CHECK_INTEQ(size_of(s), ITEM_MAX_BYTES);
	free(s);
}

static void test_keys(void)
{
	struct item_key_attr hash_range[] = { { "pk", 'S' }, { "sk", 'N' } };
	struct item_key_attr bin[] = { { "id", 'B' } };
	struct err e = ERR_INIT;
	struct buf b;
	buf_init(&b, 0);

	cJSON *j = P("{\"pk\":{\"S\":\"a|b\"},\"sk\":{\"N\":\"1.50\"},\"x\":{\"S\":\"y\"}}");
	CHECK_STREQ(show(item_key(j, hash_range, 2, &e), &e), "{\"pk\":{\"S\":\"a|b\"},\"sk\":{\"N\":\"1.50\"}}");
	CHECK_INTEQ(item_key_string(j, hash_range, 2, &b, &e), 0);
	CHECK_STREQ(buf_cstr(&b), "S3:a|b|N3:1.5");
	cJSON_Delete(j);

	/* the same key spelt differently gives the same string */
	j = P("{\"sk\":{\"N\":\"15E-1\"},\"pk\":{\"S\":\"a|b\"}}");
	buf_reset(&b);
	CHECK_INTEQ(item_key_string(j, hash_range, 2, &b, &e), 0);
	CHECK_STREQ(buf_cstr(&b), "S3:a|b|N3:1.5");
	cJSON_Delete(j);
	j = P("{\"pk\":{\"S\":\"hello\"},\"sk\":{\"N\":\"1E2\"}}");
	buf_reset(&b);
	CHECK_INTEQ(item_key_string(j, hash_range, 2, &b, &e), 0);
	CHECK_STREQ(buf_cstr(&b), "S5:hello|N3:100");
	cJSON_Delete(j);

	/* errors */
	j = P("{\"pk\":{\"S\":\"a\"}}");
	CHECK_STREQ(show(item_key(j, hash_range, 2, &e), &e), "ERR: item has no 'sk' (the table's range key)");
	CHECK_INTEQ(item_key_string(j, hash_range, 2, &b, &e), -1);
	CHECK_STREQ(e.msg, "item has no 'sk' (the table's range key)");
	CHECK_STREQ(show(item_key(j, hash_range, 1, &e), &e), "{\"pk\":{\"S\":\"a\"}}");
	cJSON_Delete(j);
	j = P("{\"sk\":{\"N\":\"1\"}}");
	CHECK_STREQ(show(item_key(j, hash_range, 2, &e), &e), "ERR: item has no 'pk' (the table's hash key)");
	cJSON_Delete(j);
	j = P("{\"pk\":{\"N\":\"1\"},\"sk\":{\"N\":\"1\"}}");
	CHECK_STREQ(show(item_key(j, hash_range, 2, &e), &e), "ERR: key attribute 'pk' must be of type S, not N");
	cJSON_Delete(j);
	j = P("{\"pk\":{\"S\":\"\"},\"sk\":{\"N\":\"1\"}}");
	CHECK_STREQ(show(item_key(j, hash_range, 2, &e), &e),
	            "ERR: key attribute 'pk' is empty (key values must not be empty)");
	cJSON_Delete(j);
	j = P("{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1e999\"}}");
	show(item_key(j, hash_range, 2, &e), &e);
	CHECK_MSG(strstr(result, "ERR: key attribute 'sk': N value '1e999' is out of range") == result, "%s", result);
	cJSON_Delete(j);
	{
		/* a long spelling of a small number is not a long key */
		struct buf t;
		buf_init(&t, 0);
		buf_adds(&t, "{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1.");
		for (int i = 0; i < 3000; i++)
			buf_addc(&t, '0');
		buf_adds(&t, "\"}}");
		j = P(buf_cstr(&t));
		buf_reset(&b);
		CHECK_INTEQ(item_key_string(j, hash_range, 2, &b, &e), 0);
		CHECK_STREQ(buf_cstr(&b), "S1:a|N1:1");
		cJSON_Delete(j);
		buf_release(&t);
	}
	j = P("{\"pk\":\"a\",\"sk\":1}");
	CHECK_STREQ(show(item_key(j, hash_range, 2, &e), &e), "ERR: key attribute 'pk' is not a valid AttributeValue");
	cJSON_Delete(j);
	/* size limits: hash key 2048 bytes, range key 1024 */
	{
		struct item_key_attr ss[] = { { "h", 'S' }, { "r", 'S' } };
		struct buf t;
		buf_init(&t, 0);
		buf_adds(&t, "{\"h\":{\"S\":\"");
		for (int i = 0; i < 2048; i++)
			buf_addc(&t, 'x');
		buf_adds(&t, "\"},\"r\":{\"S\":\"");
		for (int i = 0; i < 1025; i++)
			buf_addc(&t, 'y');
		buf_adds(&t, "\"}}");
		j = P(buf_cstr(&t));
		CHECK(strncmp(show(item_key(j, ss, 1, &e), &e), "ERR", 3) != 0);   /* 2048 bytes: at the limit */
		CHECK_STREQ(show(item_key(j, ss, 2, &e), &e),
		            "ERR: key attribute 'r' is longer than 1024 bytes (DynamoDB's limit for a range key)");
		cJSON_Delete(j);
		buf_release(&t);
	}

	/* binary keys compare by bytes */
	j = P("{\"id\":{\"B\":\"QR==\"}}");
	buf_reset(&b);
	CHECK_INTEQ(item_key_string(j, bin, 1, &b, &e), 0);
	CHECK_STREQ(buf_cstr(&b), "B4:QQ==");
	cJSON_Delete(j);
	j = P("{\"id\":{\"B\":\"\"}}");
	CHECK_INTEQ(item_key_string(j, bin, 1, &b, &e), -1);
	CHECK_STREQ(e.msg, "key attribute 'id' is empty (key values must not be empty)");
	cJSON_Delete(j);

	struct item_key_attr badschema[] = { { "x", 'Q' } };
	j = P("{\"x\":{\"S\":\"a\"}}");
	CHECK_INTEQ(item_key_string(j, badschema, 1, &b, &e), -1);
	CHECK_INTEQ(e.kind, ERR_INTERNAL);
	CHECK(item_key(j, hash_range, 0, &e) == NULL);
	cJSON_Delete(j);
	buf_release(&b);
}

static void test_canonical(void)
{
	/* same data, different spelling and order */
	char a[1024];
	snprintf(a, sizeof a, "%s", canon("{\"b\":{\"NS\":[\"2\",\"1.0\"]},\"a\":{\"M\":{\"y\":{\"N\":\"1E2\"},\"x\":{\"SS\":[\"q\",\"p\"]}}},"
	                                 "\"c\":{\"BS\":[\"QR==\",\"AA==\"]}}"));
	CHECK_STREQ(canon("{\"a\":{\"M\":{\"x\":{\"SS\":[\"p\",\"q\"]},\"y\":{\"N\":\"100.000\"}}},\"c\":{\"BS\":[\"AA==\",\"QQ==\"]},"
	                  "\"b\":{\"NS\":[\"+1\",\"2E0\"]}}"), a);
	CHECK_STREQ(a, "{\"a\":{\"M\":{\"x\":{\"SS\":[\"p\",\"q\"]},\"y\":{\"N\":\"100\"}}},\"b\":{\"NS\":[\"1\",\"2\"]},"
	               "\"c\":{\"BS\":[\"AA==\",\"QQ==\"]}}");
	/* lists keep their order */
	snprintf(a, sizeof a, "%s", canon("{\"l\":{\"L\":[{\"S\":\"b\"},{\"S\":\"a\"}]}}"));
	CHECK(strcmp(canon("{\"l\":{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"}]}}"), a) != 0);
	/* different values differ */
	snprintf(a, sizeof a, "%s", canon("{\"n\":{\"N\":\"1\"}}"));
	CHECK(strcmp(canon("{\"n\":{\"N\":\"1.0000000000000000000000000000000000001\"}}"), a) != 0);
	CHECK(strcmp(canon("{\"n\":{\"S\":\"1\"}}"), a) != 0);
	CHECK_STREQ(canon("{\"n\":{\"N\":\"x\"}}"), "ERR: attribute 'n': N value 'x' is not a number");
	/* plain -> typed -> canonical equals typed -> canonical */
	snprintf(a, sizeof a, "%s", canon(to_ddb("{\"z\":[1,{\"b\":2,\"a\":\"x\"}],\"y\":null}")));
	CHECK_STREQ(a, "{\"y\":{\"NULL\":true},\"z\":{\"L\":[{\"N\":\"1\"},{\"M\":{\"a\":{\"S\":\"x\"},\"b\":{\"N\":\"2\"}}}]}}");
}

static void test_base64(void)
{
	struct err e = ERR_INIT;
	struct buf b;
	buf_init(&b, 0);
	CHECK_INTEQ(item_b64_encode("\x00\x01\x02\x03", 4, &b, &e), 0);
	CHECK_STREQ(buf_cstr(&b), "AAECAw==");
	buf_reset(&b);
	CHECK_INTEQ(item_b64_encode("", 0, &b, &e), 0);
	CHECK_STREQ(buf_cstr(&b), "");
	CHECK_INTEQ(item_b64_decode("AAECAw==", 8, &b, &e), 0);
	CHECK_INTEQ(b.len, 4);
	CHECK(!memcmp(b.ptr, "\x00\x01\x02\x03", 4));
	buf_reset(&b);
	CHECK_INTEQ(item_b64_decode("aGVsbG8gd29ybGQ=", 16, &b, &e), 0);
	CHECK_STREQ(buf_cstr(&b), "hello world");
	CHECK_INTEQ(item_b64_decode("aGVsbG8", 7, &b, &e), -1);
	CHECK_STREQ(e.msg, "invalid base64");
	CHECK_INTEQ(item_b64_decode("aGVs*G8=", 8, &b, &e), -1);
	CHECK_INTEQ(item_b64_decode(NULL, 0, &b, &e), -1);
	buf_release(&b);
	/* every byte value round-trips */
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	struct buf enc, dec;
	buf_init(&enc, 0);
	buf_init(&dec, 0);
	CHECK_INTEQ(item_b64_encode(all, sizeof all, &enc, &e), 0);
	CHECK_INTEQ(item_b64_decode(enc.ptr, enc.len, &dec, &e), 0);
	CHECK(dec.len == 256 && !memcmp(dec.ptr, all, 256));
	buf_release(&enc);
	buf_release(&dec);
}

static void test_value_type(void)
{
	const cJSON *p = NULL;
	cJSON *j = P("[{\"NULL\":true},{\"BOOL\":false},{\"SS\":[\"a\"]},{\"x\":1},{},{\"S\":\"a\",\"N\":\"1\"},5]");
	const cJSON *el = j->child;
	CHECK_STREQ(item_value_type(el, &p), "NULL");
	CHECK(cJSON_IsTrue(p));
	el = el->next;
	CHECK_STREQ(item_value_type(el, NULL), "BOOL");
	el = el->next;
	CHECK_STREQ(item_value_type(el, &p), "SS");
	CHECK(cJSON_IsArray(p));
	for (el = el->next; el; el = el->next)
		CHECK(item_value_type(el, &p) == NULL);
	cJSON_Delete(j);
}

int main(void)
{
	test_numbers();
	test_exact_both_ways();
	test_plain_round_trip();
	test_typed_round_trip();
	test_validation();
	test_detect();
	test_size();
	test_keys();
	test_canonical();
	test_base64();
	test_value_type();
	return unit_done();
}
