/* fuzz_hcl.c — libFuzzer target for lib/hcl (the HCL parser) and the schema loaders on top of it.
 *
 * Feeds arbitrary bytes to hcl_parse and checks the tree (every line within the input, strings
 * NUL-terminated at their length, lists and objects consistent).  The same bytes then go through the
 * Terraform and JSON schema loaders (with a --var so interpolation paths run), and every schema that loads is
 * planned against its own CreateTable request as if it were the live table: that plan must never ask for a
 * re-creation.  A failed check aborts, which libFuzzer reports.
 * Build: clang -fsanitize=fuzzer,address,undefined -Ilib test/fuzz/fuzz_hcl.c lib/base/hcl.c lib/dynamo/schema.c
 *        lib/base/buf.c lib/base/err.c -lcjson -lcrypto
 * Seeds: test/data/schemas/good test/data/schemas/bad schemas/examples
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hcl.h"
#include "dynamo/schema.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static int max_line;

static void check_value(const struct hcl_value *v, int depth)
{
	size_t i;
	REQUIRE(v && depth < 4 * HCL_MAX_DEPTH);
	REQUIRE(v->line >= 1 && v->line <= max_line);
	switch (v->kind) {
	case HCL_NUMBER:
	case HCL_TEMPLATE:
	case HCL_EXPR:
		REQUIRE(v->str && strlen(v->str) == v->len);
		break;
	case HCL_STRING:
		REQUIRE(v->str && v->str[v->len] == '\0' && strlen(v->str) <= v->len);
		break;
	case HCL_LIST:
		REQUIRE(v->n == 0 || v->items);
		for (i = 0; i < v->n; i++)
			check_value(v->items[i], depth + 1);
		break;
	case HCL_OBJECT:
		REQUIRE(v->n == 0 || v->attrs);
		for (i = 0; i < v->n; i++) {
			REQUIRE(v->attrs[i].name && v->attrs[i].line >= 1 && v->attrs[i].line <= max_line);
			check_value(v->attrs[i].value, depth + 1);
		}
		break;
	default:
		break;
	}
}

static void check_body(const struct hcl_body *b, int depth)
{
	size_t i, k;
	REQUIRE(b && depth <= HCL_MAX_DEPTH + 1);
	for (i = 0; i < b->n; i++) {
		const struct hcl_item *it = &b->items[i];
		if (it->is_block) {
			REQUIRE(it->block.type && it->block.line >= 1 && it->block.line <= max_line);
			for (k = 0; k < it->block.nlabels; k++)
				REQUIRE(it->block.labels[k] != NULL);
			check_body(it->block.body, depth + 1);
		} else {
			REQUIRE(it->attr.name && it->attr.line >= 1 && it->attr.line <= max_line);
			REQUIRE(hcl_body_attr(b, it->attr.name) == &it->attr);   /* names are unique per body */
			check_value(it->attr.value, depth);
		}
	}
}

static void check_schemas(const struct schema_list *l)
{
	size_t i, k;
	for (i = 0; i < l->n; i++) {
		const struct schema *s = l->v[i];
		struct schema_plan p = SCHEMA_PLAN_INIT;
		struct err e = ERR_INIT;
		REQUIRE(s->table && s->create && s->doc);
		REQUIRE(schema_validate(s, &e) == 0);
		REQUIRE(schema_line_of(s, "GlobalSecondaryIndexes[0].KeySchema[1].AttributeName") >= 1);
		REQUIRE(schema_plan(s, s->create, NULL, NULL, &p, &e) == 0);
		for (k = 0; k < p.n; k++)
			REQUIRE(!p.v[k].needs_recreate && p.v[k].line);
		schema_plan_release(&p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *src = (const char *)data;
	struct hcl_body *body = NULL;
	struct err e = ERR_INIT;
	struct schema_list l = SCHEMA_LIST_INIT;
	struct schema_vars vars = SCHEMA_VARS_INIT;
	size_t i;

	max_line = 1;
	for (i = 0; i < size; i++)
		max_line += src[i] == '\n';
	max_line++;   /* an error at end of input may name the line after a final newline */

	if (hcl_parse(src, size, "fuzz.tf", &body, &e) == 0) {
		check_body(body, 0);
		hcl_body_free(body);
	} else {
		REQUIRE(e.kind == ERR_DATA && e.msg[0]);
		REQUIRE(body == NULL);
	}

	REQUIRE(schema_vars_add(&vars, "env=dev", &e) == 0);
	if (schema_load_mem(src, size, "fuzz.tf", 1, &vars, &l, &e) < 0)
		REQUIRE(e.kind == ERR_DATA && l.n == 0);
	check_schemas(&l);
	schema_list_release(&l);
	if (schema_load_mem(src, size, "fuzz.json", 0, NULL, &l, &e) < 0)
		REQUIRE(e.kind == ERR_DATA && l.n == 0);
	check_schemas(&l);
	schema_list_release(&l);
	schema_vars_release(&vars);
	return 0;
}
