/* fuzz_repl.c — libFuzzer target for the REPL's line splitter (lib/cli/repl_split.c).
 *
 * Arbitrary bytes go through repl_split (must return OK, INCOMPLETE or -1 for a NUL, and a NULL-terminated
 * vector) and repl_split_partial (must always give at least one word, with a word start inside the line).  Every
 * line that splits is re-joined from repl_quote'd words and split again: the words must come back unchanged.
 * A failed check aborts, which libFuzzer reports.
 * Build: test/fuzz/run (or: clang -fsanitize=fuzzer,address,undefined -Ilib test/fuzz/fuzz_repl.c lib/cli/repl_split.c lib/base/buf.c \
 *        lib/base/err.c -lcrypto)
 * Seeds: any text, e.g. lines of test/repl.bats.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/repl.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct repl_words w = REPL_WORDS_INIT, again = REPL_WORDS_INIT;
	struct err e = ERR_INIT;

	int rc = repl_split(line, size, &w, &e);
	REQUIRE(rc == REPL_SPLIT_OK || rc == REPL_SPLIT_INCOMPLETE || rc == -1);
	if (rc == -1)
		REQUIRE(memchr(line, '\0', size) != NULL);
	if (rc == REPL_SPLIT_OK) {
		REQUIRE(w.v && !w.v[w.n]);
		struct buf joined = BUF_INIT;
		for (int i = 0; i < w.n; i++) {
			char *q = repl_quote(w.v[i]);
			buf_addf(&joined, "%s%s", i ? " " : "", q);
			free(q);
		}
		REQUIRE(repl_split(buf_cstr(&joined), joined.len, &again, &e) == REPL_SPLIT_OK);
		REQUIRE(again.n == w.n);
		for (int i = 0; i < w.n; i++)
			REQUIRE(!strcmp(again.v[i], w.v[i]));
		buf_release(&joined);
		repl_words_release(&again);
	} else {
		REQUIRE(w.n == 0 && !w.v);
	}
	repl_words_release(&w);

	char quote;
	size_t start;
	int in_comment;
	repl_split_partial(line, size, &w, &quote, &start, &in_comment);
	REQUIRE(w.n >= 1 && w.v[w.n] == NULL);
	REQUIRE(start <= size);
	REQUIRE(quote == 0 || quote == '\'' || quote == '"');
	repl_words_release(&w);
	return 0;
}
