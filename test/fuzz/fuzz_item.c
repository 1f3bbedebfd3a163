/* fuzz_item.c — libFuzzer target for lib/json + lib/item.
 *
 * Feeds arbitrary bytes through json_parse_exact and, when they parse, through every item conversion, and
 * checks the invariants the rest of ddb relies on (a failed check aborts, which libFuzzer reports):
 *   - print(parse(x)) parses again and prints identically (numbers are exact, output is valid JSON);
 *   - plain -> typed -> plain gives back the same text;
 *   - a valid typed item converts to plain, has a size, and its canonical text is a fixed point;
 *   - every number that DynamoDB accepts has a canonical form that is its own canonical form.
 * Build: make fuzz (clang -fsanitize=fuzzer,address,undefined -Ilib test/fuzz/fuzz_item.c lib/base/json.c
 *        lib/dynamo/item.c lib/base/buf.c lib/base/err.c -lcjson -lcrypto)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dynamo/item.h"
#include "base/json.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static void check_numbers(const cJSON *node)
{
	for (; node; node = node->next) {
		const char *t = json_number_text(node);
		if (t) {
			char c1[ITEM_NUMBER_TEXT_MAX], c2[ITEM_NUMBER_TEXT_MAX];
			struct err e = ERR_INIT;
			if (item_number_canonical(t, c1, sizeof c1, &e) == 0) {
				REQUIRE(item_number_canonical(c1, c2, sizeof c2, &e) == 0);
				REQUIRE(strcmp(c1, c2) == 0);
				REQUIRE(item_number_digits(t) == item_number_digits(c1));
			}
		}
		if (node->child)
			check_numbers(node->child);
	}
}

static void check_typed(const cJSON *item)
{
	struct err e = ERR_INIT;
	if (item_validate_ddb(item, &e) < 0)
		return;
	size_t sz = 0;
	REQUIRE(item_size(item, &sz, &e) == 0);

	cJSON *plain = item_to_plain(item, &e);
	REQUIRE(plain != NULL);
	char *pp = json_print_compact(plain);
	REQUIRE(pp != NULL);
	cJSON *again = json_parse_exact(pp, strlen(pp), &e);   /* plain output is valid JSON */
	REQUIRE(again != NULL);
	cJSON_Delete(again);
	free(pp);
	cJSON_Delete(plain);

	struct buf c1, c2;
	buf_init(&c1, 0);
	buf_init(&c2, 0);
	REQUIRE(item_canonical_text(item, &c1, &e) == 0);
	cJSON *cj = json_parse_exact(c1.ptr, c1.len, &e);
	REQUIRE(cj != NULL);
	REQUIRE(item_canonical_text(cj, &c2, &e) == 0);
	REQUIRE(c1.len == c2.len && memcmp(c1.ptr, c2.ptr, c1.len) == 0);
	size_t sz2 = 0;
	REQUIRE(item_size(cj, &sz2, &e) == 0);
	cJSON_Delete(cj);
	buf_release(&c1);
	buf_release(&c2);

	/* key extraction with the first attribute as a hash key of its own type, when it can be one */
	const cJSON *first = item->child;
	const char *t = first ? item_value_type(first, NULL) : NULL;
	if (t && t[1] == '\0' && (t[0] == 'S' || t[0] == 'N' || t[0] == 'B')) {
		struct item_key_attr k[1] = { { first->string, t[0] } };
		struct buf ks;
		buf_init(&ks, 0);
		cJSON *key = item_key(item, k, 1, &e);
		int rc = item_key_string(item, k, 1, &ks, &e);
		REQUIRE((key != NULL) == (rc == 0));
		cJSON_Delete(key);
		buf_release(&ks);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = ERR_INIT;
	cJSON *j = json_parse_exact((const char *)data, size, &e);
	if (!j) {
		REQUIRE(e.msg[0] != '\0');
		return 0;
	}
	char *p1 = json_print_compact(j);
	REQUIRE(p1 != NULL);
	cJSON *j2 = json_parse_exact(p1, strlen(p1), &e);
	REQUIRE(j2 != NULL);
	char *p2 = json_print_compact(j2);
	REQUIRE(p2 != NULL && strcmp(p1, p2) == 0);
	free(p2);
	cJSON_Delete(j2);

	check_numbers(j);
	(void)item_detect_format(j);

	cJSON *typed = item_from_plain(j, &e);
	if (typed) {
		cJSON *back = item_to_plain(typed, &e);
		REQUIRE(back != NULL);
		char *pb = json_print_compact(back);
		REQUIRE(pb != NULL && strcmp(pb, p1) == 0);
		free(pb);
		cJSON_Delete(back);
		check_typed(typed);
		cJSON_Delete(typed);
	}
	check_typed(j);

	cJSON *auto_ddb = item_as_ddb(j, ITEM_FORMAT_AUTO, &e);
	cJSON_Delete(auto_ddb);

	free(p1);
	cJSON_Delete(j);
	return 0;
}
