/* test_seed.c — the pieces of lib/dynamo/seed.c that need no engine: confirmed-item ranges, JSON value scanning, table
 * names from file names.  (The loader itself is tested against real engines in test/seed.bats.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dynamo/checkpoint.h"
#include "dynamo/progress.h"
#include "dynamo/seed.h"
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

static void test_table_from_path(void)
{
	static const char *const cases[][2] = {
		{ "seed/cruddur-messages.jsonl", "cruddur-messages" },
		{ "/a/b/users.json", "users" },
		{ "x.ndjson", "x" },
		{ "plain", "plain" },
		{ "dir.d/t.v2.jsonl", "t.v2" },
		{ ".jsonl", ".jsonl" },
		{ "export/data/abc.json.gz", "abc" },
		{ "t.jsonl.gz", "t" },
		{ "t.gz", "t" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = seed_table_from_path(cases[i][0]);
		CHECK_STREQ(t, cases[i][1]);
		free(t);
	}
}

/* A checkpoint saved and loaded back: the same ranges and tables; another destination or a changed file is
 * refused (ERR_DATA); a missing one is 1. */
static void test_checkpoint_round_trip(void)
{
	char dir[] = "/tmp/ddb-test-ckpt-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *in = xasprintf("%s/in.jsonl", dir), *cpath = xasprintf("%s/in.jsonl.ddb-checkpoint", dir);
	FILE *f = fopen(in, "w");
	fputs("{\"pk\":\"a\"}\n{\"pk\":\"b\"}\n", f);
	fclose(f);

	struct ckpt_file cf = { 0 };
	struct ckpt_file *files[] = { &cf };
	struct err e = ERR_INIT;
	cf.path = xstrdup(in);
	cf.sha = EVP_MD_CTX_new();
	EVP_DigestInit_ex(cf.sha, EVP_sha256(), NULL);
	CHECK_INTEQ(ckpt_file_identity(&cf, &e), 0);
	EVP_DigestUpdate(cf.sha, "{\"pk\":\"a\"}\n", 11);
	cf.hashed = 11;

	struct ckpt cp;
	ckpt_init(&cp, cpath, "seed");
	cp.endpoint = "http://localhost:8000";
	cp.region = "us-east-1";
	cp.mode = "local";
	cp.files = xcalloc(1, sizeof(*cp.files));
	cp.files[0] = files[0];
	cp.nfiles = 1;
	CHECK_INTEQ(ckpt_load(&cp, &e), 1);   /* none yet */
	CHECK_INTEQ(ckpt_lock(&cp, &e), 0);
	ckpt_add_table(&cp, &cf, "t1");
	ckpt_confirm(&cp, &cf, 0);
	ckpt_confirm(&cp, &cf, 2);
	ckpt_confirm(&cp, &cf, 1);
	CHECK_INTEQ(ckpt_confirmed(&cp), 1);
	CHECK_INTEQ(ckpt_save_maybe(&cp, 1000, &e), 0);   /* not due yet */
	CHECK_INTEQ(ckpt_save(&cp, &e), 0);
	ckpt_unlock(&cp, 0);
	ckpt_release(&cp);

	/* load it into a fresh file entry */
	struct ckpt_file cf2 = { 0 };
	cf2.path = xstrdup(in);
	CHECK_INTEQ(ckpt_file_identity(&cf2, &e), 0);
	ckpt_init(&cp, cpath, "seed");
	cp.endpoint = "http://localhost:8000";
	cp.region = "us-east-1";
	cp.mode = "local";
	cp.files = xcalloc(1, sizeof(*cp.files));
	cp.files[0] = &cf2;
	cp.nfiles = 1;
	CHECK_INTEQ(ckpt_load(&cp, &e), 0);
	CHECK_INTEQ(ckpt_ranges_count(&cf2.resume), 3);
	CHECK(ckpt_ranges_has(&cf2.done, 2) && !ckpt_ranges_has(&cf2.done, 3));
	CHECK_INTEQ((long)cf2.ncp_tabs, 1);
	CHECK_STREQ(cf2.tabs[0], "t1");
	CHECK_INTEQ(cf2.cp_hashed, 11);
	ckpt_file_release(&cf2);
	/* another region is refused, naming it */
	cf2.path = xstrdup(in);
	CHECK_INTEQ(ckpt_file_identity(&cf2, &e), 0);
	cp.region = "eu-west-1";
	e = (struct err)ERR_INIT;
	CHECK_INTEQ(ckpt_load(&cp, &e), -1);
	CHECK_INTEQ(e.kind, ERR_DATA);
	CHECK(strstr(e.msg, "region 'us-east-1', not 'eu-west-1'") != NULL);
	/* a second lock while the first is held: ERR_TEMPFAIL */
	struct ckpt cp2;
	ckpt_init(&cp2, cpath, "import");
	CHECK_INTEQ(ckpt_lock(&cp, &e), 0);
	e = (struct err)ERR_INIT;
	CHECK_INTEQ(ckpt_lock(&cp2, &e), -1);
	CHECK_INTEQ(e.kind, ERR_TEMPFAIL);
	CHECK(strstr(e.msg, "another 'ddb import'") != NULL);
	ckpt_unlock(&cp, 1);
	ckpt_release(&cp2);
	ckpt_release(&cp);
	ckpt_file_release(&cf2);
	ckpt_file_release(&cf);
	unlink(cpath);
	rmdir(dir);
	free(in);
	free(cpath);
}

/* The progress line: drawn only when enabled; the count, the rate and, with a total, the percentage. */
static void test_progress(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct progress p;
	progress_init(&p, out, "copy", 0);
	progress_update(&p, 10, -1, 1, 2, 1);
	progress_clear(&p);
	fflush(out);
	CHECK_INTEQ((long)len, 0);
	progress_release(&p);
	progress_init(&p, out, "copy", 1);
	p.t0 -= 2;   /* as if started two seconds ago */
	progress_update(&p, 100, -1, 1, 4, 1);
	fflush(out);
	CHECK(strstr(text, "\r\033[Kcopy: 100 items  50 items/s   25%  ETA 0:06") != NULL);
	progress_update(&p, 200, -1, 0, 0, 0);   /* too soon: not drawn */
	fflush(out);
	CHECK(strstr(text, "200 items") == NULL);
	progress_clear(&p);
	fflush(out);
	CHECK(len >= 4 && !memcmp(text + len - 4, "\r\033[K", 4));
	progress_release(&p);
	fclose(out);
	free(text);
}

int main(void)
{
	test_ranges();
	test_table_from_path();
	test_checkpoint_round_trip();
	test_progress();
	return unit_done();
}
