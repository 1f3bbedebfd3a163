/* test_hcl.c — the HCL tokenizer/parser: literals, expressions kept as text, blocks, templates, errors. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/hcl.h"
#include "unit.h"

static struct hcl_body *parse(const char *src, struct err *e)
{
	struct hcl_body *b = NULL;
	if (hcl_parse(src, strlen(src), "t.tf", &b, e) < 0)
		return NULL;
	return b;
}

static const struct hcl_value *attr(const struct hcl_body *b, const char *name)
{
	const struct hcl_attr *a = hcl_body_attr(b, name);
	return a ? a->value : NULL;
}

/* The error message for src, or "" when it parses. */
static const char *parse_err(const char *src)
{
	static struct err e;
	struct hcl_body *b;
	err_clear(&e);
	b = parse(src, &e);
	if (b) {
		hcl_body_free(b);
		return "";
	}
	CHECK_INTEQ(e.kind, ERR_DATA);
	return e.msg;
}

static void test_literals(void)
{
	struct err e = ERR_INIT;
	const char *src =
		"# comment\n"
		"// another\n"
		"/* block\n   comment */\n"
		"s = \"a\\tb\\\"c\\\\ \\u00e9\\U0001F600\"\n"
		"n1 = 5\n"
		"n2 = -2\n"
		"n3 = 1.5e3\n"
		"t = true\n"
		"f = false\n"
		"z = null\n"
		"l = [1, \"two\",\n  [3], ]\n"
		"o = { a = 1, \"b-c\" : \"x\"\n  d = [] }\n"
		"empty = {}\n"
		"esc = \"$${not} %%{either}\"\n";
	struct hcl_body *b = parse(src, &e);
	const struct hcl_value *v;
	CHECK_MSG(b != NULL, "%s", e.msg);
	if (!b)
		return;
	v = attr(b, "s");
	CHECK(v && v->kind == HCL_STRING);
	CHECK_STREQ(v ? v->str : NULL, "a\tb\"c\\ \xc3\xa9\xf0\x9f\x98\x80");
	CHECK_INTEQ(v ? v->line : 0, 5);
	v = attr(b, "n1");
	CHECK(v && v->kind == HCL_NUMBER && !strcmp(v->str, "5"));
	v = attr(b, "n2");
	CHECK(v && v->kind == HCL_NUMBER && !strcmp(v->str, "-2"));
	v = attr(b, "n3");
	CHECK(v && v->kind == HCL_NUMBER && !strcmp(v->str, "1.5e3"));
	v = attr(b, "t");
	CHECK(v && v->kind == HCL_BOOL && v->b == 1);
	v = attr(b, "f");
	CHECK(v && v->kind == HCL_BOOL && v->b == 0);
	v = attr(b, "z");
	CHECK(v && v->kind == HCL_NULL);
	v = attr(b, "l");
	CHECK(v && v->kind == HCL_LIST && v->n == 3);
	if (v && v->n == 3) {
		CHECK(v->items[1]->kind == HCL_STRING && !strcmp(v->items[1]->str, "two"));
		CHECK(v->items[2]->kind == HCL_LIST && v->items[2]->n == 1);
		CHECK_INTEQ(v->items[2]->line, 13);
	}
	v = attr(b, "o");
	CHECK(v && v->kind == HCL_OBJECT && v->n == 3);
	if (v && v->n == 3) {
		CHECK_STREQ(v->attrs[0].name, "a");
		CHECK_STREQ(v->attrs[1].name, "b-c");
		CHECK_STREQ(v->attrs[1].value->str, "x");
		CHECK_STREQ(v->attrs[2].name, "d");
		CHECK_INTEQ(v->attrs[2].line, 15);
	}
	v = attr(b, "empty");
	CHECK(v && v->kind == HCL_OBJECT && v->n == 0);
	v = attr(b, "esc");
	CHECK(v && v->kind == HCL_STRING && !strcmp(v->str, "${not} %{either}"));
	hcl_body_free(b);

	/* \u0000 is kept, with its length */
	b = parse("x = \"a\\u0000b\"\n", &e);
	CHECK(b != NULL);
	if (b) {
		v = attr(b, "x");
		CHECK(v && v->len == 3 && v->str[1] == '\0');
		hcl_body_free(b);
	}
	/* byte order mark and CRLF line ends */
	b = parse("\xef\xbb\xbfx = 1\r\ny = 2\r\n", &e);
	CHECK(b && b->n == 2);
	if (b) {
		CHECK_INTEQ(hcl_body_attr(b, "y")->line, 2);
		hcl_body_free(b);
	}
}

static void test_blocks(void)
{
	struct err e = ERR_INIT;
	const char *src =
		"resource \"aws_dynamodb_table\" \"t\" {\n"
		"  name = \"x\"\n"
		"  attribute { name = \"pk\" }\n"
		"  ttl {\n"
		"    enabled = true\n"
		"  }\n"
		"}\n"
		"terraform {}\n"
		"locals { a = 1 }\n"
		"block_ident label_ident {\n}\n";
	struct hcl_body *b = parse(src, &e), *inner;
	CHECK_MSG(b != NULL, "%s", e.msg);
	if (!b)
		return;
	CHECK_INTEQ(b->n, 4);
	CHECK(b->items[0].is_block);
	CHECK_STREQ(b->items[0].block.type, "resource");
	CHECK_INTEQ(b->items[0].block.nlabels, 2);
	CHECK_STREQ(b->items[0].block.labels[0], "aws_dynamodb_table");
	CHECK_STREQ(b->items[0].block.labels[1], "t");
	inner = b->items[0].block.body;
	CHECK_INTEQ(inner->n, 3);
	CHECK(inner->items[1].is_block && !strcmp(inner->items[1].block.type, "attribute"));
	CHECK_INTEQ(inner->items[1].block.line, 3);
	CHECK_STREQ(inner->items[1].block.body->items[0].attr.value->str, "pk");
	CHECK_INTEQ(inner->items[2].block.body->items[0].attr.line, 5);
	CHECK_STREQ(b->items[1].block.type, "terraform");
	CHECK_INTEQ(b->items[1].block.body->n, 0);
	CHECK_STREQ(b->items[3].block.labels[0], "label_ident");
	hcl_body_free(b);
}

static void test_expressions(void)
{
	struct err e = ERR_INIT;
	const char *src =
		"a = var.x\n"
		"b = local.y\n"
		"c = lookup(var.m, \"k\", null)\n"
		"d = var.env == \"prod\" ? 10 : 1\n"
		"e = aws_instance.web[0].id\n"
		"f = [for s in var.list : upper(s) if s != \"\"]\n"
		"g = { for k, v in var.m : k => v... }\n"
		"h = <<EOT\n"
		"  text ${x}\n"
		"EOT\n"
		"i = <<-EOT\n"
		"    indented\n"
		"    EOT\n"
		"j = \"${var.env}-x\"\n"
		"k = !var.flag\n"
		"l = (1 + 2) * 3\n"
		"m = merge(local.tags, {\n"
		"  x = 1\n"
		"})\n"
		"n = aws_instance.web[*].id\n"
		"o = { (var.k) = 1 }\n"
		"p = -var.x\n"
		"q = f(\n  1,\n  2\n)\n"
		"r = 1\n"
		"s = var.env == \"dev\" ? \"a\" : \"b\"\n"
		"t = \"x\" == var.env\n"
		"u = \"abc\"[0]\n";
	struct hcl_body *b = parse(src, &e);
	const struct hcl_value *v;
	size_t n;
	CHECK_MSG(b != NULL, "%s", e.msg);
	if (!b)
		return;
	v = attr(b, "a");
	CHECK(v && v->kind == HCL_EXPR && !strcmp(v->str, "var.x"));
	CHECK(v && hcl_var_ref(v, &n) && n == 1 && !strncmp(hcl_var_ref(v, &n), "x", 1));
	v = attr(b, "b");
	CHECK(v && v->kind == HCL_EXPR && !strcmp(v->str, "local.y") && !hcl_var_ref(v, &n));
	v = attr(b, "c");
	CHECK_STREQ(v ? v->str : NULL, "lookup(var.m, \"k\", null)");
	v = attr(b, "d");
	CHECK_STREQ(v ? v->str : NULL, "var.env == \"prod\" ? 10 : 1");
	v = attr(b, "e");
	CHECK_STREQ(v ? v->str : NULL, "aws_instance.web[0].id");
	CHECK(!hcl_var_ref(v, &n));
	v = attr(b, "f");
	CHECK(v && v->kind == HCL_EXPR && !strncmp(v->str, "[for s in", 9));
	v = attr(b, "g");
	CHECK(v && v->kind == HCL_EXPR && !strncmp(v->str, "{ for k", 7));
	v = attr(b, "h");
	CHECK(v && v->kind == HCL_EXPR && !strcmp(v->str, "<<EOT"));
	CHECK_INTEQ(hcl_body_attr(b, "i")->line, 11);
	v = attr(b, "j");
	CHECK(v && v->kind == HCL_TEMPLATE && !strcmp(v->str, "${var.env}-x"));
	CHECK_STREQ(attr(b, "k") ? attr(b, "k")->str : NULL, "!var.flag");
	CHECK_STREQ(attr(b, "l") ? attr(b, "l")->str : NULL, "(1 + 2) * 3");
	v = attr(b, "m");
	CHECK(v && v->kind == HCL_EXPR && !strncmp(v->str, "merge(", 6));
	CHECK_STREQ(attr(b, "n") ? attr(b, "n")->str : NULL, "aws_instance.web[*].id");
	v = attr(b, "o");
	CHECK(v && v->kind == HCL_EXPR);
	CHECK_STREQ(attr(b, "p") ? attr(b, "p")->str : NULL, "-var.x");
	CHECK(attr(b, "q") && attr(b, "q")->kind == HCL_EXPR);
	CHECK_INTEQ(hcl_body_attr(b, "r")->line, 27);
	/* expressions that start or end with a string keep its quotes */
	CHECK_STREQ(attr(b, "s") ? attr(b, "s")->str : NULL, "var.env == \"dev\" ? \"a\" : \"b\"");
	CHECK_STREQ(attr(b, "t") ? attr(b, "t")->str : NULL, "\"x\" == var.env");
	CHECK_STREQ(attr(b, "u") ? attr(b, "u")->str : NULL, "\"abc\"[0]");
	hcl_body_free(b);
}

static const char *lookup(void *arg, const char *name, size_t n)
{
	(void)arg;
	if (n == 3 && !memcmp(name, "env", 3))
		return "dev";
	return NULL;
}

static void test_templates(void)
{
	struct err e = ERR_INIT;
	struct buf out = BUF_INIT;
	const char *t1 = "${var.env}-${ var.env }-$${x}-\\n";
	CHECK_INTEQ(hcl_template_render(t1, strlen(t1), lookup, NULL, "f.tf", 3, &out, &e), 0);
	CHECK_STREQ(buf_cstr(&out), "dev-dev-${x}-\n");
	buf_reset(&out);
	CHECK_INTEQ(hcl_template_render("${var.nope}", 11, lookup, NULL, "f.tf", 3, &out, &e), -1);
	CHECK_STREQ(e.msg, "f.tf:3: variable 'nope' has no value (give it with --var nope=VALUE)");
	CHECK_INTEQ(hcl_template_render("${upper(var.env)}", 17, lookup, NULL, "f.tf", 4, &out, &e), -1);
	CHECK_STREQ(e.msg, "f.tf:4: interpolation '${upper(var.env)}' is not supported (only ${var.NAME} given with --var "
	                   "NAME=VALUE)");
	CHECK_INTEQ(hcl_template_render("%{ if x }a%{ endif }", 20, lookup, NULL, "f.tf", 5, &out, &e), -1);
	CHECK(strstr(e.msg, "f.tf:5: template directives") != NULL);
	CHECK_INTEQ(hcl_template_render("${var.env", 9, lookup, NULL, "f.tf", 6, &out, &e), -1);
	CHECK_INTEQ(hcl_template_render("\\ud800", 6, lookup, NULL, "f.tf", 7, &out, &e), -1);
	CHECK_STREQ(e.msg, "f.tf:7: \\u escape is not a Unicode character");
	CHECK_INTEQ(hcl_template_render("\\u12", 4, lookup, NULL, "f.tf", 8, &out, &e), -1);
	buf_release(&out);
	/* nested quotes and braces inside an interpolation are skipped correctly by the lexer */
	{
		struct hcl_body *b = parse("x = \"${lookup({a = \"}\"}, \"a\")}\"\ny = 1\n", &e);
		CHECK_MSG(b != NULL, "%s", e.msg);
		if (b) {
			CHECK(attr(b, "x") && attr(b, "x")->kind == HCL_TEMPLATE);
			CHECK(attr(b, "y") != NULL);
			hcl_body_free(b);
		}
	}
}

static void test_errors(void)
{
	char deep[4096];
	size_t i;
	CHECK_STREQ(parse_err("a = \"x\nb = 1\n"), "t.tf:1: unterminated string");
	CHECK_STREQ(parse_err("a = 1\nb = @\n"), "t.tf:2: unexpected character '@'");
	CHECK_STREQ(parse_err("a = \x01\n"), "t.tf:1: unexpected byte 0x01");
	CHECK_STREQ(parse_err("r {\n  x = 1\n"), "t.tf:3: missing '}' for the block opened at line 1");
	CHECK_STREQ(parse_err("}\n"), "t.tf:1: unexpected '}'");
	CHECK_STREQ(parse_err("x = 1\nx = 2\n"), "t.tf:2: attribute 'x' defined twice (first at line 1)");
	CHECK_STREQ(parse_err("x = { a = 1\n a = 2 }\n"), "t.tf:2: duplicate key 'a' in object (first at line 1)");
	CHECK_STREQ(parse_err("x = 1 2\n"), "t.tf:1: expected a new line after the value of 'x', found '2'");
	CHECK_STREQ(parse_err("x = [1 2]\n"), "t.tf:1: expected ',' or ']' in list, found '2'");
	CHECK_STREQ(parse_err("x = { a = 1 b = 2 }\n"), "t.tf:1: expected ',', a new line or '}' in object, found 'b'");
	CHECK_STREQ(parse_err("x = <<EOT\nabc\n"), "t.tf:1: unterminated heredoc (no closing 'EOT' line)");
	CHECK_STREQ(parse_err("x = <<\n"), "t.tf:1: expected a heredoc marker after '<<'");
	CHECK_STREQ(parse_err("x = 1\n/* open\n"), "t.tf:2: unterminated /* comment");
	CHECK_STREQ(parse_err("x = \"\\q\"\n"), "t.tf:1: unknown escape '\\q' in string");
	CHECK_STREQ(parse_err("x =\n"), "t.tf:1: expected a value, found end of line");
	CHECK_STREQ(parse_err("x = a ? b\n"), "t.tf:1: expected ':' in conditional, found end of line");
	CHECK_STREQ(parse_err("b \"${x}\" {}\n"), "t.tf:1: a block label cannot use interpolation");
	CHECK_STREQ(parse_err("b = f(1\n"), "t.tf:2: expected ',' or ')' in function call, found end of file");
	CHECK_STREQ(parse_err("x = [for a in b : a\n"), "t.tf:1: unclosed bracket in expression");
	CHECK_STREQ(parse_err("x = \"${a\"\n"), "t.tf:1: unterminated string");
	CHECK_STREQ(parse_err("x = \"${a"), "t.tf:1: unterminated '${' in string");
	CHECK_STREQ(parse_err("\"quoted\" = 1\n"), "t.tf:1: expected an attribute or a block, found a string");
	CHECK_STREQ(parse_err("x.y = 1\n"), "t.tf:1: expected '=' or '{' after 'x', found '.'");
	/* nesting limits: no stack overflow */
	for (i = 0; i < 1000; i++)
		deep[4 + i] = '[';
	memcpy(deep, "x = ", 4);
	deep[1004] = '\0';
	CHECK(strstr(parse_err(deep), "nested too deep") != NULL);
	for (i = 0; i < 300; i++)
		memcpy(deep + i * 4, "b { ", 4);
	deep[1200] = '\0';
	CHECK(strstr(parse_err(deep), "nested too deep") != NULL);
	for (i = 0; i < 1000; i++)
		deep[4 + i] = '-';
	memcpy(deep, "x = ", 4);
	memcpy(deep + 1004, "1\n", 3);
	CHECK(strstr(parse_err(deep), "nested too deep") != NULL);
	CHECK_STREQ(hcl_kind_name(HCL_LIST), "a list");
}

int main(void)
{
	test_literals();
	test_blocks();
	test_expressions();
	test_templates();
	test_errors();
	return unit_done();
}
