/* test_term.c — lib/base/term.c, the one sanitiser for what a terminal shows from data or from a server. */
#include <stdlib.h>
#include <string.h>

#include "base/term.h"
#include "unit.h"

static void clean_is(const char *in, const char *want)
{
	char *got = term_clean(in);
	CHECK_STREQ(got, want);
	free(got);
}

static void json_is(const char *in, const char *want)
{
	char *got = term_clean_json(in);
	CHECK_STREQ(got, want);
	free(got);
}

int main(void)
{
	/* C0 (ESC, BEL, TAB, LF, CR), DEL, C1 as UTF-8, bidi controls: a space each */
	clean_is("x\x1b]0;title\x07y", "x ]0;title y");
	clean_is("\x1b[2J\t\r\n\x7f", " [2J    ");
	clean_is("a\xc2\x9b" "31mb\xc2\x80\xc2\x9f", "a 31mb  ");
	clean_is("\xe2\x80\xae" "abc\xe2\x81\xa6", " abc ");
	/* printable text, UTF-8 and U+00A0 stay */
	clean_is("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80 \xc2\xa0", "caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80 \xc2\xa0");
	/* bad UTF-8: each bad byte U+FFFD; an overlong ESC or CSI is no way round */
	clean_is("a\xff" "b", "a\xef\xbf\xbd" "b");
	clean_is("\xc0\x9b", "\xef\xbf\xbd\xef\xbf\xbd");
	clean_is("\xe0\x80\x9b", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	clean_is("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	clean_is("end\xc2", "end\xef\xbf\xbd");
	clean_is("", "");
	clean_is(NULL, "");

	/* JSON: C0 was escaped by the printer and stays; DEL, C1, bidi escaped; the text stays the same JSON value */
	json_is("{\"v\":\"\\u001b]0;t\\u0007\"}", "{\"v\":\"\\u001b]0;t\\u0007\"}");
	json_is("[\"a\x7f\xc2\x9b\xe2\x80\xae\"]", "[\"a\\u007f\\u009b\\u202e\"]");
	json_is("\"\xff\"", "\"\\ufffd\"");
	json_is("{\"k\":\"caf\xc3\xa9\"}", "{\"k\":\"caf\xc3\xa9\"}");

	unsigned cp;
	CHECK_INTEQ(term_utf8_next("\xf0\x9f\x98\x80", &cp), 4);
	CHECK_INTEQ(cp, 0x1F600);
	CHECK(term_is_control(0x1b) && term_is_control(0x9b) && term_is_control(0x7f) && !term_is_control(0xa0));
	return unit_done();
}
