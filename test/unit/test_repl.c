/* test_repl.c — the REPL's line splitter: quotes, escapes, comments, continuation, partial lines, quoting. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cmd.h"
#include "cli/repl.h"
#include "unit.h"


/* Split line and compare with the expected words (NULL-terminated); returns the split result. */
static int split_is(const char *line, const char *const *want)
{
	struct repl_words w = REPL_WORDS_INIT;
	struct err e = ERR_INIT;
	int rc = repl_split(line, strlen(line), &w, &e);
	if (rc != REPL_SPLIT_OK) {
		CHECK_MSG(!want, "'%s': split returned %d (%s)", line, rc, e.msg);
		repl_words_release(&w);
		return rc;
	}
	int n = 0;
	while (want && want[n])
		n++;
	CHECK_MSG(want && w.n == n, "'%s': %d words, expected %d", line, w.n, n);
	for (int i = 0; want && i < n && i < w.n; i++)
		CHECK_STREQ(w.v[i], want[i]);
	CHECK(w.v && w.v[w.n] == NULL);
	repl_words_release(&w);
	return rc;
}

#define W(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_split(void)
{
	split_is("", (const char *const[]){ NULL });
	split_is("   \t ", (const char *const[]){ NULL });
	split_is("scan users", W("scan", "users"));
	split_is("  scan\t users  --limit 5\r\n", W("scan", "users", "--limit", "5"));
	split_is("scan 'my table'", W("scan", "my table"));
	split_is("scan \"my table\"", W("scan", "my table"));
	split_is("--filter \"name = 'x'\"", W("--filter", "name = 'x'"));
	split_is("--filter 'say \"hi\"'", W("--filter", "say \"hi\""));
	split_is("a\\ b c", W("a b", "c"));
	split_is("\"a\\\"b\" \"c\\\\d\" \"e\\nf\"", W("a\"b", "c\\d", "e\\nf"));
	split_is("'a\\b'", W("a\\b"));
	split_is("x'y'\"z\"w", W("xyzw"));
	split_is("'' \"\" x", W("", "", "x"));
	split_is("# a comment", (const char *const[]){ NULL });
	split_is("scan users # the users", W("scan", "users"));
	split_is("scan a#b", W("scan", "a#b"));
	split_is("scan '#x'", W("scan", "#x"));
	split_is("scan \\#x", W("scan", "#x"));
	split_is("a \\\nb", W("a", "b"));
	split_is("a\\\nb", W("ab"));
	/* backslash-newline is removed as a shell removes it: no empty word where the next line starts blank */
	split_is("scan \\\n items --count", W("scan", "items", "--count"));
	split_is("scan\\\n items", W("scan", "items"));
	split_is("a \\\n\\\n b", W("a", "b"));
	split_is("\\\n", (const char *const[]){ NULL });
	split_is("'multi\nline'", W("multi\nline"));
	split_is("--values '{\"a\": 1}'", W("--values", "{\"a\": 1}"));
}

static void test_incomplete(void)
{
	struct repl_words w = REPL_WORDS_INIT;
	struct err e = ERR_INIT;
	CHECK_INTEQ(repl_split("scan 'open", 10, &w, &e), REPL_SPLIT_INCOMPLETE);
	CHECK(w.n == 0 && w.v == NULL);
	CHECK_INTEQ(repl_split("scan \"open", 10, &w, &e), REPL_SPLIT_INCOMPLETE);
	CHECK_INTEQ(repl_split("scan \\", 6, &w, &e), REPL_SPLIT_INCOMPLETE);
	CHECK_INTEQ(repl_split("a\0b", 3, &w, &e), -1);
	CHECK(strstr(e.msg, "NUL") != NULL);
	CHECK(w.n == 0);
}

/* The line read in pieces, as the REPL does: each piece is "\n" + the next input line. */
static void test_more(void)
{
	struct repl_scan st = REPL_SCAN_INIT;
	struct buf b = BUF_INIT;
	buf_adds(&b, "scan \\");
	CHECK_INTEQ(repl_split_more(b.ptr, b.len, &st), REPL_SPLIT_INCOMPLETE);
	buf_adds(&b, "\n items 'a");
	CHECK_INTEQ(repl_split_more(b.ptr, b.len, &st), REPL_SPLIT_INCOMPLETE);
	buf_adds(&b, "\nb\\");   /* a backslash inside single quotes is literal: the quote stays open */
	CHECK_INTEQ(repl_split_more(b.ptr, b.len, &st), REPL_SPLIT_INCOMPLETE);
	buf_adds(&b, "\n' x\\");
	CHECK_INTEQ(repl_split_more(b.ptr, b.len, &st), REPL_SPLIT_INCOMPLETE);
	buf_adds(&b, "\ny # c \\");   /* a backslash in a comment continues nothing */
	CHECK_INTEQ(repl_split_more(b.ptr, b.len, &st), REPL_SPLIT_OK);
	struct repl_words w = REPL_WORDS_INIT;
	struct err e = ERR_INIT;
	CHECK_INTEQ(repl_split(b.ptr, b.len, &w, &e), REPL_SPLIT_OK);
	CHECK_INTEQ(w.n, 4);
	CHECK_STREQ(w.v[0], "scan");
	CHECK_STREQ(w.v[1], "items");
	CHECK_STREQ(w.v[2], "a\nb\\\n");
	CHECK_STREQ(w.v[3], "xy");
	repl_words_release(&w);

	/* 20,000 continued lines: each piece is scanned once (the work is counted by the loop staying cheap) */
	struct repl_scan st2 = REPL_SCAN_INIT;
	buf_reset(&b);
	buf_adds(&b, "scan \\");
	for (int i = 0; i < 20000; i++) {
		CHECK_INTEQ(repl_split_more(b.ptr, b.len, &st2), REPL_SPLIT_INCOMPLETE);
		CHECK(st2.resume == b.len - 1);   /* the next scan starts at the trailing backslash, not at 0 */
		buf_adds(&b, "\n x\\");
	}
	buf_adds(&b, "\nend");
	CHECK_INTEQ(repl_split_more(b.ptr, b.len, &st2), REPL_SPLIT_OK);
	/* a NUL is left for repl_split to report */
	struct repl_scan st3 = REPL_SCAN_INIT;
	CHECK_INTEQ(repl_split_more("'a\0b", 4, &st3), REPL_SPLIT_OK);
	buf_release(&b);
}

static void partial_is(const char *line, int nwords, const char *last, char quote, size_t start)
{
	struct repl_words w = REPL_WORDS_INIT;
	char q = 'x';
	size_t ws = 999;
	int in_comment = -1;
	repl_split_partial(line, strlen(line), &w, &q, &ws, &in_comment);
	CHECK_MSG(w.n == nwords, "'%s': %d words, expected %d", line, w.n, nwords);
	if (w.n)
		CHECK_STREQ(w.v[w.n - 1], last);
	CHECK_MSG(q == quote, "'%s': quote %d", line, q);
	CHECK_MSG(ws == start, "'%s': word start %zu, expected %zu", line, ws, start);
	repl_words_release(&w);
}

static void test_partial(void)
{
	partial_is("", 1, "", 0, 0);
	partial_is("sc", 1, "sc", 0, 0);
	partial_is("scan ", 2, "", 0, 5);
	partial_is("scan us", 2, "us", 0, 5);
	partial_is("scan 'my t", 2, "my t", '\'', 5);
	partial_is("scan --output=js", 2, "--output=js", 0, 5);
	partial_is("seed \"dir/a b", 2, "dir/a b", '"', 5);
}

static void roundtrip(const char *const *words)
{
	struct buf line = BUF_INIT;
	int n = 0;
	for (; words[n]; n++) {
		char *q = repl_quote(words[n]);
		buf_addf(&line, "%s%s", n ? " " : "", q);
		free(q);
	}
	split_is(buf_cstr(&line), words);
	buf_release(&line);
}

static void test_quote(void)
{
	char *q = repl_quote("users");
	CHECK_STREQ(q, "users");
	free(q);
	q = repl_quote("my table");
	CHECK_STREQ(q, "'my table'");
	free(q);
	q = repl_quote("it's");
	CHECK_STREQ(q, "'it'\\''s'");
	free(q);
	q = repl_quote("");
	CHECK_STREQ(q, "''");
	free(q);
	roundtrip(W("a b", "it's", "", "#x", "\\", "\"q\"", "x\ny", "--opt=v", "dir/file.jsonl", "$HOME", "~"));
}

/* The history filter: lines with secrets are not kept; ordinary lines are. */
static void test_history_filter(void)
{
	static const char *const secret[] = {
		"list-tables --endpoint-url http://admin:pw@localhost:8000",
		"scan t --endpoint-url 'https://user@example.com/'",
		"scan t --filter 'a = :v' --values '{\":v\":{\"S\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}}'",
		"query t --pk abc123DEF456ghi789JKL012mno345PQ",
		"query t --pk 3f1a9c0b7d2e4f6a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c",
		"query t --pk api_key=abc",
		"query t --pk APIKEY=abc",
		"scan t --values '{\"api-key\": \"x\"}'",
		"query t --pk pwd=hunter2",
		"query t --pk auth:bearer-abc",
		"query t --pk session_id=42",
		"query t --pk my_secret",
		"query t --pk PassWord1",
		"query t --pk AKIAABCDEFGHIJKLMNOP",
		NULL,
	};
	static const char *const plain[] = {
		"list-tables",
		"describe users",
		"scan t --filter 'sk = :v' --values '{\":v\":{\"N\":\"12\"}}'",
		"query conversation-messages-production-eu --pk user-00000000001",
		"list-tables --endpoint-url http://localhost:8000/path@x",   /* '@' after the host: not userinfo */
		"query t --pk aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"query t --pk 12345678901234567890123456789012345",
		"query t --pk key",
		"query t --sk-begins key= ",
		NULL,
	};
	for (int i = 0; secret[i]; i++)
		CHECK_MSG(repl_secret_line(secret[i]) == 1, "kept in history: %s", secret[i]);
	for (int i = 0; plain[i]; i++)
		CHECK_MSG(repl_secret_line(plain[i]) == 0, "dropped from history: %s", plain[i]);
}

int main(void)
{
	test_history_filter();
	test_split();
	test_incomplete();
	test_more();
	test_partial();
	test_quote();
	return unit_done();
}
