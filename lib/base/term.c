/* term.c — the one sanitiser for what a terminal shows from data or from a server (see term.h). */
#include "base/term.h"

#include "base/buf.h"

size_t term_utf8_next(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;
	unsigned c, min;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0) {
		n = 2;
		c = u[0] & 0x1F;
		min = 0x80;
	} else if ((u[0] & 0xF0) == 0xE0) {
		n = 3;
		c = u[0] & 0x0F;
		min = 0x800;
	} else if ((u[0] & 0xF8) == 0xF0) {
		n = 4;
		c = u[0] & 0x07;
		min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80) {   /* also stops at the NUL */
			*cp = 0xFFFD;
			return 1;
		}
		c = (c << 6) | (u[i] & 0x3F);
	}
	/* overlong forms (C0 9B is an 8-bit CSI to a lax decoder), surrogates, beyond U+10FFFF: bad bytes */
	if (c < min || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = c;
	return n;
}

int term_is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

char *term_clean(const char *s)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "");
	while (s && *s) {
		unsigned cp;
		size_t n = term_utf8_next(s, &cp);
		if (term_is_control(cp))
			buf_addc(&b, ' ');
		else if (cp == 0xFFFD && n == 1)
			buf_adds(&b, "\xef\xbf\xbd");
		else
			buf_add(&b, s, n);
		s += n;
	}
	return buf_detach(&b, NULL);
}

char *term_clean_json(const char *json)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "");
	while (json && *json) {
		unsigned cp;
		size_t n = term_utf8_next(json, &cp);
		if (cp >= 0x7f && term_is_control(cp))   /* C0 (and JSON's own newlines) left as they are */
			buf_addf(&b, "\\u%04x", cp);
		else if (cp == 0xFFFD && n == 1)
			buf_adds(&b, "\\ufffd");
		else
			buf_add(&b, json, n);
		json += n;
	}
	return buf_detach(&b, NULL);
}
