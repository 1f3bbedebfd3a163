/* test_json.c — lib/json: exact parsing, error positions, number nodes, printing, getters. */
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "unit.h"

/* Parse and print back; returns a static copy ("ERR: <msg>" on failure). */
static const char *rt(const char *text)
{
	static char out[4096];
	struct err e = ERR_INIT;
	cJSON *j = json_parse_exact(text, strlen(text), &e);
	if (!j) {
		snprintf(out, sizeof out, "ERR: %s", e.msg);
		return out;
	}
	char *p = json_print_compact(j);
	snprintf(out, sizeof out, "%s", p ? p : "(print failed)");
	free(p);
	cJSON_Delete(j);
	return out;
}

static const char *rtn(const char *text, size_t len)
{
	static char out[4096];
	struct err e = ERR_INIT;
	cJSON *j = json_parse_exact(text, len, &e);
	if (!j) {
		snprintf(out, sizeof out, "ERR: %s", e.msg);
		return out;
	}
	char *p = json_print_compact(j);
	snprintf(out, sizeof out, "%s", p ? p : "(print failed)");
	free(p);
	cJSON_Delete(j);
	return out;
}

static int starts(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

static void test_exact_numbers(void)
{
	static const char *nums[] = {
		"12345678901234567890123456789012345678", "0.1", "-1E-130", "1E+125",
		"9.9999999999999999999999999999999999999E+125", "-0", "0", "1e5", "1E-5", "-12.500",
		"123456789012345678901234567890123456789012345678901234567890", "1.0e+0010", "0.000000000000000000001",
		"-9007199254740993", "18446744073709551617",
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		char in[256];
		snprintf(in, sizeof in, "[%s]", nums[i]);
		CHECK_STREQ(rt(in), in);
		snprintf(in, sizeof in, "{\"n\":%s}", nums[i]);
		CHECK_STREQ(rt(in), in);
		CHECK_STREQ(rt(nums[i]), nums[i]);

		struct err e = ERR_INIT;
		cJSON *j = json_parse_exact(nums[i], strlen(nums[i]), &e);
		CHECK(json_is_number(j));
		CHECK_STREQ(json_number_text(j), nums[i]);
		CHECK(!cJSON_IsString(j));
		cJSON_Delete(j);
	}
	/* whitespace around and inside */
	CHECK_STREQ(rt(" \t\r\n{ \"a\" : [ 1 , 2.50 ] }\n"), "{\"a\":[1,2.50]}");
	CHECK_STREQ(rt("[1,-2,3.0e-1,4E+2]"), "[1,-2,3.0e-1,4E+2]");
}

static void test_values(void)
{
	CHECK_STREQ(rt("true"), "true");
	CHECK_STREQ(rt("false"), "false");
	CHECK_STREQ(rt("null"), "null");
	CHECK_STREQ(rt("\"\""), "\"\"");
	CHECK_STREQ(rt("{}"), "{}");
	CHECK_STREQ(rt("[]"), "[]");
	CHECK_STREQ(rt("[[[]],{}]"), "[[[]],{}]");
	CHECK_STREQ(rt("{\"a\":{\"b\":{\"c\":[true,false,null,\"x\"]}}}"), "{\"a\":{\"b\":{\"c\":[true,false,null,\"x\"]}}}");
	/* unicode, escapes */
	CHECK_STREQ(rt("\"h\\u00e9llo \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\""),
	            "\"h\xc3\xa9llo \xf0\x9f\x98\x80 \\\"q\\\" \\\\ / \\b\\f\\n\\r\\t\"");
	CHECK_STREQ(rt("\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\""), "\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"");
	CHECK_STREQ(rt("\"\\u0001\""), "\"\\u0001\"");
	/* a string that starts with \u00ff stays a string (the number marker is a raw 0xFF byte) */
	{
		struct err e = ERR_INIT;
		cJSON *j = json_parse_exact("[\"\\u00ff1\",\"1\"]", 15, &e);
		CHECK(j != NULL);
		CHECK(j && cJSON_IsString(j->child) && !json_is_number(j->child));
		CHECK(j && cJSON_IsString(j->child->next) && !json_is_number(j->child->next));
		cJSON_Delete(j);
	}
	/* duplicate keys are kept (items refuse them) */
	CHECK_STREQ(rt("{\"a\":1,\"a\":2}"), "{\"a\":1,\"a\":2}");
	/* 4-byte UTF-8 raw */
	CHECK_STREQ(rt("\"\xf4\x8f\xbf\xbf\""), "\"\xf4\x8f\xbf\xbf\"");
}

static void test_errors(void)
{
	CHECK_STREQ(rt(""), "ERR: invalid JSON at column 1: no JSON value (empty input)");
	CHECK_STREQ(rt("   "), "ERR: invalid JSON at column 4: no JSON value (empty input)");
	CHECK_STREQ(rt("{\"a\" 1}"), "ERR: invalid JSON at column 6: unexpected number");
	CHECK_STREQ(rt("[1 2]"), "ERR: invalid JSON at column 4: unexpected number");
	CHECK_STREQ(rt("[1,]"), "ERR: invalid JSON at column 4: unexpected ']'");
	CHECK_STREQ(rt("{\"a\":1,}"), "ERR: invalid JSON at column 8: unexpected '}' (object keys must be strings)");
	CHECK_STREQ(rt("{1:2}"), "ERR: invalid JSON at column 2: unexpected number (object keys must be strings)");
	CHECK_STREQ(rt("1 2"), "ERR: invalid JSON at column 3: unexpected number");
	CHECK_STREQ(rt("[1,2"), "ERR: invalid JSON at column 5: unexpected end of input (unclosed '[')");
	CHECK_STREQ(rt("[1]]"), "ERR: invalid JSON at column 4: unexpected ']'");
	CHECK_STREQ(rt("{\"a\":[}"), "ERR: invalid JSON at column 7: unexpected '}'");
	CHECK_STREQ(rt("tru"), "ERR: invalid JSON at column 1: unexpected 't'");
	CHECK_STREQ(rt("truex"), "ERR: invalid JSON at column 5: unexpected 'x'");
	CHECK_STREQ(rt("nul"), "ERR: invalid JSON at column 1: unexpected 'n'");
	CHECK_STREQ(rt("[True]"), "ERR: invalid JSON at column 2: unexpected 'T'");
	CHECK_STREQ(rt("01"), "ERR: invalid JSON at column 1: invalid number");
	CHECK_STREQ(rt("-"), "ERR: invalid JSON at column 1: invalid number");
	CHECK_STREQ(rt("1."), "ERR: invalid JSON at column 1: invalid number");
	CHECK_STREQ(rt("1e"), "ERR: invalid JSON at column 1: invalid number");
	CHECK_STREQ(rt("[1,+1]"), "ERR: invalid JSON at column 4: unexpected '+'");
	CHECK_STREQ(rt(".5"), "ERR: invalid JSON at column 1: unexpected '.'");
	CHECK_STREQ(rt("NaN"), "ERR: invalid JSON at column 1: unexpected 'N'");
	CHECK_STREQ(rt("\"abc"), "ERR: invalid JSON at column 1: unterminated string");
	CHECK_STREQ(rt("\"a\\x\""), "ERR: invalid JSON at column 3: invalid escape in a string");
	CHECK_STREQ(rt("\"\\u12\""), "ERR: invalid JSON at column 2: invalid \\u escape (four hex digits expected)");
	CHECK_STREQ(rt("\"\\u0000\""), "ERR: invalid JSON at column 2: \\u0000 in a string is not supported");
	CHECK_STREQ(rt("\"\\ud800\""), "ERR: invalid JSON at column 2: invalid \\u escape (unpaired high surrogate)");
	CHECK_STREQ(rt("\"\\udc00\""), "ERR: invalid JSON at column 2: invalid \\u escape (unpaired low surrogate)");
	CHECK_STREQ(rt("\"a\tb\""),
	            "ERR: invalid JSON at column 3: raw control character U+0009 in a string (write it as an escape)");
	CHECK_STREQ(rt("{\"a\":1}}"), "ERR: invalid JSON at column 8: unexpected '}'");
	CHECK_STREQ(rt("[1true]"), "ERR: invalid JSON at column 3: unexpected 't'");
	CHECK_STREQ(rt("\xef\xbb\xbf{}"), "ERR: invalid JSON at column 1: UTF-8 byte order mark (BOM) is not allowed");
	CHECK_STREQ(rt("\x0c[1]"), "ERR: invalid JSON at column 1: unexpected byte 0x0C");
	CHECK_STREQ(rt("{\"a\":1}\n{\"b\":2}"), "ERR: invalid JSON at line 2, column 1: unexpected '{'");
	CHECK_STREQ(rt("[1,\n 2,\n x]"), "ERR: invalid JSON at line 3, column 2: unexpected 'x'");
	/* NUL bytes are data, not terminators */
	CHECK_STREQ(rtn("[1]\0", 4), "ERR: invalid JSON at column 4: unexpected byte 0x00");
	CHECK_STREQ(rtn("\"a\0b\"", 5), "ERR: invalid JSON at column 3: raw control character U+0000 in a string (write it as an escape)");
	CHECK_STREQ(rtn("[1]", 2), "ERR: invalid JSON at column 3: unexpected end of input (unclosed '[')");
	/* errors after numbers map back to original columns */
	CHECK_STREQ(rt("[12345,67890 1]"), "ERR: invalid JSON at column 14: unexpected number");
	CHECK_STREQ(rt("{\"a\":1,\"b\":2 \"c\":3}"), "ERR: invalid JSON at column 14: unexpected string");
	CHECK_STREQ(rt("{\"a\":1,\"b\":22:3}"), "ERR: invalid JSON at column 14: unexpected ':'");
	CHECK_STREQ(rt("[1,2,3,4,5,6]x"), "ERR: invalid JSON at column 14: unexpected 'x'");
	CHECK_STREQ(rt("{\"a\":}"), "ERR: invalid JSON at column 6: unexpected '}'");
	CHECK_STREQ(rt("{\"a\"}"), "ERR: invalid JSON at column 5: unexpected '}'");
	CHECK_STREQ(rt("[:]"), "ERR: invalid JSON at column 2: unexpected ':'");
	/* invalid UTF-8 */
	CHECK_STREQ(rt("\"\xff\""), "ERR: invalid JSON at column 2: invalid UTF-8 in a string");
	CHECK_STREQ(rt("\"\xc0\x80\""), "ERR: invalid JSON at column 2: invalid UTF-8 in a string");   /* overlong NUL */
	CHECK_STREQ(rt("\"\xe0\x80\xaf\""), "ERR: invalid JSON at column 2: invalid UTF-8 in a string");
	CHECK_STREQ(rt("\"\xed\xa0\x80\""), "ERR: invalid JSON at column 2: invalid UTF-8 in a string");   /* surrogate */
	CHECK_STREQ(rt("\"\xf4\x90\x80\x80\""), "ERR: invalid JSON at column 2: invalid UTF-8 in a string");
	CHECK_STREQ(rt("\"ab\xc3\""), "ERR: invalid JSON at column 4: invalid UTF-8 in a string");
	CHECK_STREQ(rt("\"\x80\""), "ERR: invalid JSON at column 2: invalid UTF-8 in a string");
	CHECK_STREQ(rt("[\xc3\xa9]"), "ERR: invalid JSON at column 2: unexpected byte 0xC3");
	/* the error kind */
	struct err e = ERR_INIT;
	CHECK(json_parse_exact("[", 1, &e) == NULL);
	CHECK_INTEQ(e.kind, ERR_DATA);
	CHECK(json_parse_exact(NULL, 0, &e) == NULL);
}

static void test_depth(void)
{
	size_t n = JSON_MAX_DEPTH;
	char *s = malloc(2 * n + 3);
	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	struct err e = ERR_INIT;
	cJSON *j = json_parse_exact(s, 2 * n, &e);
	CHECK_MSG(j != NULL, "depth %zu: %s", n, e.msg);
	cJSON_Delete(j);
	memset(s, '[', n + 1);
	memset(s + n + 1, ']', n + 1);
	j = json_parse_exact(s, 2 * n + 2, &e);
	CHECK(j == NULL);
	CHECK(starts(e.msg, "invalid JSON at column 1001: nested deeper than 1000 levels"));
	free(s);
}

static void test_large(void)
{
	/* 10 MB on one line: a long array of numbers and a long string, linear time */
	struct buf b;
	buf_init(&b, 0);
	buf_adds(&b, "{\"a\":[");
	for (int i = 0; i < 500000; i++)
		buf_addf(&b, "%s%d.25e-3", i ? "," : "", i);
	buf_adds(&b, "],\"s\":\"");
	for (int i = 0; i < 4000000; i++)
		buf_addc(&b, (char)('a' + i % 26));
	buf_adds(&b, "\"}");
	struct err e = ERR_INIT;
	cJSON *j = json_parse_exact(b.ptr, b.len, &e);
	CHECK_MSG(j != NULL, "%s", e.msg);
	char *p = json_print_compact(j);
	CHECK(p && strlen(p) == b.len && !memcmp(p, b.ptr, b.len));
	free(p);
	cJSON_Delete(j);
	/* an error at the very end reports the right column */
	b.ptr[b.len - 1] = ']';
	j = json_parse_exact(b.ptr, b.len, &e);
	CHECK(j == NULL);
	char want[96];
	snprintf(want, sizeof want, "invalid JSON at column %zu: unexpected ']'", b.len);
	CHECK_STREQ(e.msg, want);
	buf_release(&b);
}

static void test_number_nodes(void)
{
	char tmp[JSON_NUMBER_TMP];
	struct err e = ERR_INIT;
	CHECK(json_number_syntax_ok("0", 1));
	CHECK(json_number_syntax_ok("-0.0e-0", 7));
	CHECK(!json_number_syntax_ok("00", 2));
	CHECK(!json_number_syntax_ok("+1", 2));
	CHECK(!json_number_syntax_ok("1 ", 2));
	CHECK(!json_number_syntax_ok("", 0));
	CHECK(!json_number_syntax_ok(".1", 2));

	cJSON *o = cJSON_CreateObject();
	CHECK_INTEQ(json_add_number_text(o, "big", "12345678901234567890123456789012345678", &e), 0);
	CHECK_INTEQ(json_add_number_text(o, "bad", "1.", &e), -1);
	CHECK_STREQ(e.msg, "'1.' is not a JSON number");
	cJSON *arr = cJSON_AddArrayToObject(o, "l");
	CHECK_INTEQ(json_append_number_text(arr, "-1E-130", &e), 0);
	CHECK_INTEQ(json_append_number_text(arr, "abc", &e), -1);
	cJSON_AddItemToArray(arr, cJSON_CreateNumber(42));
	cJSON_AddItemToArray(arr, cJSON_CreateNumber(0.1));
	cJSON_AddItemToArray(arr, cJSON_CreateNumber(-2.5e300));
	cJSON_AddItemToArray(arr, cJSON_CreateRaw("{\"x\":1}"));
	char *p = json_print_compact(o);
	CHECK_STREQ(p, "{\"big\":12345678901234567890123456789012345678,\"l\":[-1E-130,42,0.1,-2.5e+300,{\"x\":1}]}");
	free(p);
	const cJSON *el = arr->child;
	CHECK_STREQ(json_number_text(el), "-1E-130");
	el = el->next;
	CHECK(json_is_number(el));
	CHECK(json_number_text(el) == NULL);
	CHECK_STREQ(json_number_text_tmp(el, tmp, sizeof tmp), "42");
	el = el->next;
	CHECK_STREQ(json_number_text_tmp(el, tmp, sizeof tmp), "0.1");
	el = el->next;
	CHECK_STREQ(json_number_text_tmp(el, tmp, sizeof tmp), "-2.5e+300");
	el = el->next;
	CHECK(!json_is_number(el));   /* raw, but not a number */
	CHECK(json_number_text_tmp(el, tmp, sizeof tmp) == NULL);
	CHECK(!json_is_number(NULL));
	CHECK(json_create_number_text(NULL) == NULL);

	struct buf b;
	buf_init(&b, 0);
	CHECK_INTEQ(json_print_to_buf(arr, &b, &e), 0);
	CHECK_STREQ(buf_cstr(&b), "[-1E-130,42,0.1,-2.5e+300,{\"x\":1}]");
	buf_release(&b);
	cJSON_Delete(o);

	/* duplicates of parsed trees keep the exact text */
	cJSON *j = json_parse_exact("{\"n\":1.000000000000000000000000000001}", 38, &e);
	cJSON *d = cJSON_Duplicate(j, 1);
	p = json_print_compact(d);
	CHECK_STREQ(p, "{\"n\":1.000000000000000000000000000001}");
	free(p);
	cJSON_Delete(j);
	cJSON_Delete(d);
}

static void test_getters(void)
{
	struct err e = ERR_INIT;
	const char *t = "{\"Name\":\"x\",\"name\":\"y\",\"n\":5,\"o\":{}}";
	cJSON *j = json_parse_exact(t, strlen(t), &e);
	CHECK_STREQ(json_get_string(j, "Name"), "x");
	CHECK_STREQ(json_get_string(j, "name"), "y");
	CHECK(json_get_string(j, "NAME") == NULL);
	CHECK(json_get_string(j, "n") == NULL);
	CHECK(json_get(j, "n") != NULL);
	CHECK(json_get(j, "o") != NULL);
	CHECK(json_get(j->child, "x") == NULL);   /* not an object */
	CHECK(json_get(NULL, "x") == NULL);
	CHECK(json_get(j, NULL) == NULL);
	cJSON_Delete(j);
}

static void test_utf8_and_position(void)
{
	CHECK(json_utf8_valid("", 0));
	CHECK(json_utf8_valid("abc\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 12));
	CHECK(!json_utf8_valid("\xc3", 1));
	CHECK(!json_utf8_valid("\xc1\xbf", 2));
	CHECK(!json_utf8_valid("\xf8\x88\x80\x80\x80", 5));
	size_t line, col;
	json_position("ab\ncd\nef", 8, 7, &line, &col);
	CHECK_INTEQ(line, 3);
	CHECK_INTEQ(col, 2);
	json_position("abc", 3, 99, &line, &col);
	CHECK_INTEQ(line, 1);
	CHECK_INTEQ(col, 4);
}

static size_t skip(const char *s)
{
	return json_skip_value(s, strlen(s), 0);
}

static void test_skip_value(void)
{
	CHECK_INTEQ((long)skip("{\"a\":1} x"), 7);
	CHECK_INTEQ((long)skip("[1,[2,{\"b\":\"]}\"}]] "), 18);
	CHECK_INTEQ((long)skip("\"a\\\"b\"x"), 6);
	CHECK_INTEQ((long)skip("123,4"), 3);
	CHECK_INTEQ((long)skip("true]"), 4);
	CHECK_INTEQ((long)skip("-1.5e3 "), 6);
	CHECK(skip("{\"a\":1") == (size_t)-1);
	CHECK(skip("[\"unterminated]") == (size_t)-1);
	CHECK(skip("{\"a\":\"\\\"}") == (size_t)-1);
	CHECK(json_skip_value("{}", 2, 2) == (size_t)-1);
	CHECK_INTEQ((long)json_skip_value("x [ ] y", 7, 2), 5);
	/* deep nesting takes no stack */
	size_t n = 200000;
	char *deep = malloc(2 * n + 1);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	CHECK(json_skip_value(deep, 2 * n, 0) == 2 * n);
	CHECK(json_skip_value(deep, 2 * n - 1, 0) == (size_t)-1);
	free(deep);
}

static void test_path_line(void)
{
	static const char doc[] =
		"\n"
		"{\n"
		"  \"TableName\": \"t\",\n"                                   /* 3 */
		"  \"Skip\": {\"x\": [1, {\"y\": \"}]\\\"\"}]},\n"            /* 4 */
		"  \"GlobalSecondaryIndexes\": [\n"                          /* 5 */
		"    {\"IndexName\": \"a\"},\n"                               /* 6 */
		"    {\n"                                                    /* 7 */
		"      \"IndexName\": \"b\",\n"                                /* 8 */
		"      \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 5}\n" /* 9 */
		"    }\n"
		"  ]\n"
		"}\n";
	size_t n = strlen(doc);
	CHECK_INTEQ(json_path_line(doc, n, ""), 2);
	CHECK_INTEQ(json_path_line(doc, n, NULL), 2);
	CHECK_INTEQ(json_path_line(doc, n, "TableName"), 3);
	CHECK_INTEQ(json_path_line(doc, n, "GlobalSecondaryIndexes"), 5);
	CHECK_INTEQ(json_path_line(doc, n, "GlobalSecondaryIndexes[0]"), 6);
	CHECK_INTEQ(json_path_line(doc, n, "GlobalSecondaryIndexes[1]"), 7);
	CHECK_INTEQ(json_path_line(doc, n, "GlobalSecondaryIndexes[1].IndexName"), 8);
	CHECK_INTEQ(json_path_line(doc, n, "GlobalSecondaryIndexes[1].ProvisionedThroughput.ReadCapacityUnits"), 9);
	/* the deepest part that exists */
	CHECK_INTEQ(json_path_line(doc, n, "GlobalSecondaryIndexes[7].IndexName"), 5);
	CHECK_INTEQ(json_path_line(doc, n, "GlobalSecondaryIndexes[1].Nope"), 7);
	CHECK_INTEQ(json_path_line(doc, n, "TableName.x"), 3);
	CHECK_INTEQ(json_path_line(doc, n, "TableName[0]"), 3);
	CHECK_INTEQ(json_path_line(doc, n, "Nope"), 2);
	CHECK_INTEQ(json_path_line(doc, n, "GlobalSecondaryIndexes[x]"), 5);
	CHECK_INTEQ(json_path_line(doc, n, "GlobalSecondaryIndexes[-1]"), 5);
	/* a key must match whole, and a key inside a skipped value is not seen */
	CHECK_INTEQ(json_path_line(doc, n, "Table"), 2);
	CHECK_INTEQ(json_path_line(doc, n, "y"), 2);
	/* cut text: what was found so far */
	CHECK_INTEQ(json_path_line(doc, 40, "GlobalSecondaryIndexes"), 2);
	CHECK_INTEQ(json_path_line("", 0, "a"), 1);
}

int main(void)
{
	test_exact_numbers();
	test_values();
	test_errors();
	test_depth();
	test_large();
	test_number_nodes();
	test_getters();
	test_utf8_and_position();
	test_skip_value();
	test_path_line();
	return unit_done();
}
