/* fuzz_config.c — libFuzzer target for lib/config's ini_parse (the AWS shared config and credentials files).
 *
 * Feeds arbitrary bytes to ini_parse and checks what the rest of ddb relies on (a failed check aborts, which
 * libFuzzer reports):
 *   - a failure is an ERR_CONFIG whose message starts with the path and names a line within the input;
 *   - every entry has a non-empty section and key, a line number within the input, keys in lower case, and
 *     keys and values without surrounding blanks;
 *   - ini_get(section, key) answers the LAST value given for that pair (last wins, as in the AWS CLI);
 *   - writing the entries back out as "[section]" / "key = value" lines and parsing that gives the same answers.
 * Build: clang -fsanitize=fuzzer,address,undefined -Ilib test/fuzz/fuzz_config.c lib/aws/config.c lib/base/buf.c lib/base/err.c
 *        -lcrypto
 * Seeds: any ~/.aws/config or credentials file; test/unit/test_config.c has the interesting shapes.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "aws/config.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

/* Lines are trimmed of blanks on both sides and of a CR at the end (a CR elsewhere is kept as data). */
static int lead_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int trail_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void check_entries(const struct ini *ini, int lines)
{
	for (size_t i = 0; i < ini->n; i++) {
		const struct ini_entry *en = &ini->v[i];
		size_t kl = strlen(en->key), vl = strlen(en->value);
		REQUIRE(en->section[0] != '\0');
		REQUIRE(kl > 0 && !lead_blank(en->key[0]) && !trail_blank(en->key[kl - 1]));
		REQUIRE(!vl || (!lead_blank(en->value[0]) && !trail_blank(en->value[vl - 1])));
		REQUIRE(en->line >= 1 && en->line <= lines);
		REQUIRE(!strchr(en->key, '\n') && !strchr(en->value, '\n') && !strchr(en->section, '\n'));
		for (const char *k = en->key; *k; k++)
			REQUIRE(!isupper((unsigned char)*k));
		/* last wins: the answer is the value of the last entry with this section and key */
		const char *last = NULL;
		for (size_t j = 0; j < ini->n; j++)
			if (!strcmp(ini->v[j].section, en->section) && !strcmp(ini->v[j].key, en->key))
				last = ini->v[j].value;
		REQUIRE(ini_get(ini, en->section, en->key) == last);
		REQUIRE(ini_has_section(ini, en->section));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini ini;
	struct err e = ERR_INIT;
	int lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&ini, 0, sizeof(ini));
	if (ini_parse(&ini, "fuzz", (const char *)data, size, &e) < 0) {
		REQUIRE(e.kind == ERR_CONFIG);
		REQUIRE(!strncmp(e.msg, "fuzz:", 5));
		if (strcmp(e.msg, "fuzz: not a text file (NUL byte)")) {
			char *end;
			long line = strtol(e.msg + 5, &end, 10);
			REQUIRE(end != e.msg + 5 && *end == ':' && line >= 1 && line <= lines);
		}
		ini_release(&ini);
		return 0;
	}
	check_entries(&ini, lines);

	/* Write it back out and parse again: every (section, key) answers the same. */
	struct buf out = BUF_INIT;
	const char *cur = NULL;
	for (size_t i = 0; i < ini.n; i++) {
		if (!cur || strcmp(cur, ini.v[i].section)) {
			cur = ini.v[i].section;
			buf_addf(&out, "[%s]\n", cur);
		}
		buf_addf(&out, "%s = %s\n", ini.v[i].key, ini.v[i].value);
	}
	struct ini again;
	memset(&again, 0, sizeof(again));
	REQUIRE(ini_parse(&again, "again", buf_cstr(&out), out.len, &e) == 0);
	REQUIRE(again.n == ini.n);
	for (size_t i = 0; i < ini.n; i++) {
		const char *a = ini_get(&ini, ini.v[i].section, ini.v[i].key);
		const char *b = ini_get(&again, ini.v[i].section, ini.v[i].key);
		REQUIRE(a && b && !strcmp(a, b));
	}
	ini_release(&again);
	buf_release(&out);
	ini_release(&ini);
	return 0;
}
