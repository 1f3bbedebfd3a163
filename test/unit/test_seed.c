/* test_seed.c — the pieces of lib/seed.c that need no engine: confirmed-item ranges, JSON value scanning, table
 * names from file names.  (The loader itself is tested against real engines in test/seed.bats.) */
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "seed.h"
#include "unit.h"

static void test_ranges(void)
{
	struct ckpt_ranges s = { 0 };
	CHECK_INTEQ(ckpt_ranges_count(&s), 0);
	CHECK(!ckpt_ranges_has(&s, 0));
	ckpt_ranges_add(&s, 5);
	ckpt_ranges_add(&s, 7);
	ckpt_ranges_add(&s, 3);
	CHECK_INTEQ((long)s.n, 3);
	ckpt_ranges_add(&s, 6);          /* joins [5,6) and [7,8) */
	CHECK_INTEQ((long)s.n, 2);
	CHECK(ckpt_ranges_has(&s, 5) && ckpt_ranges_has(&s, 6) && ckpt_ranges_has(&s, 7));
	CHECK(!ckpt_ranges_has(&s, 4) && !ckpt_ranges_has(&s, 8));
	ckpt_ranges_add(&s, 4);          /* [3,8) */
	CHECK_INTEQ((long)s.n, 1);
	CHECK_INTEQ(s.r[0][0], 3);
	CHECK_INTEQ(s.r[0][1], 8);
	ckpt_ranges_add(&s, 5);          /* already in */
	CHECK_INTEQ(ckpt_ranges_count(&s), 5);
	ckpt_ranges_add(&s, 0);
	ckpt_ranges_add(&s, 2);          /* extends [3,8) downwards */
	CHECK_INTEQ((long)s.n, 2);
	CHECK_INTEQ(s.r[1][0], 2);
	ckpt_ranges_add(&s, 1);
	CHECK_INTEQ((long)s.n, 1);
	CHECK_INTEQ(ckpt_ranges_count(&s), 8);
	/* out of order, many: one range at the end */
	for (long v = 1000; v >= 8; v--)
		ckpt_ranges_add(&s, v);
	CHECK_INTEQ((long)s.n, 1);
	CHECK_INTEQ(ckpt_ranges_count(&s), 1001);
	for (long v = 2000; v < 4000; v += 2)
		ckpt_ranges_add(&s, v);
	CHECK_INTEQ((long)s.n, 1001);
	CHECK(ckpt_ranges_has(&s, 3998) && !ckpt_ranges_has(&s, 3999));
	ckpt_ranges_release(&s);
	CHECK(s.n == 0 && s.r == NULL);
}

static size_t skip(const char *s)
{
	return seed_skip_value(s, strlen(s), 0);
}

static void test_skip_value(void)
{
	CHECK_INTEQ((long)skip("{\"a\":1} x"), 7);
	CHECK_INTEQ((long)skip("[1,[2,{\"b\":\"]}\"}]] "), 18);
	CHECK_INTEQ((long)skip("\"a\\\"b\"x"), 6);
	CHECK_INTEQ((long)skip("123,4"), 3);
	CHECK_INTEQ((long)skip("true]"), 4);
	CHECK(skip("{\"a\":1") == (size_t)-1);
	CHECK(skip("[\"unterminated]") == (size_t)-1);
	CHECK(skip("{\"a\":\"\\\"}") == (size_t)-1);
	CHECK(seed_skip_value("{}", 2, 2) == (size_t)-1);
}

static void test_table_from_path(void)
{
	static const char *const cases[][2] = {
		{ "seed/cruddur-messages.jsonl", "cruddur-messages" },
		{ "/a/b/users.json", "users" },
		{ "x.ndjson", "x" },
		{ "plain", "plain" },
		{ "dir.d/t.v2.jsonl", "t.v2" },
		{ ".jsonl", ".jsonl" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = seed_table_from_path(cases[i][0]);
		CHECK_STREQ(t, cases[i][1]);
		free(t);
	}
}

int main(void)
{
	test_ranges();
	test_skip_value();
	test_table_from_path();
	return unit_done();
}
