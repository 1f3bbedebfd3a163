/* term.h — the one sanitiser for what a terminal shows from data or from a server.
 *
 * Item values, table and attribute names, server messages, error types and request ids can hold bytes a terminal
 * obeys: ESC sequences (OSC 0 sets the window title, OSC 52 writes the clipboard, CSI 2J clears the screen), BEL,
 * DEL, the C1 controls U+0080..U+009F (8-bit CSI/OSC to some terminals), bidirectional controls that reorder the
 * rest of the line, and bad UTF-8.  Every path that shows such text on a terminal goes through here: the table and
 * text views, JSON on a terminal, stream tail's one-line view, query's chat view, error messages, notes, warnings
 * and --debug traces.  Piped data output is not touched (it stays byte-exact).
 */
#ifndef DDB_TERM_H
#define DDB_TERM_H

#include <stddef.h>

/* One UTF-8 sequence at s (not at its NUL): its length, and its code point (U+FFFD and length 1 for a bad byte). */
size_t term_utf8_next(const char *s, unsigned *cp);
/* 1 for a code point a terminal must not get raw: C0 (incl. ESC, BEL, TAB, LF), DEL, C1, the bidi controls. */
int term_is_control(unsigned cp);
/* Copy of s for a terminal: each control a space, each bad UTF-8 byte U+FFFD.  Caller frees. */
char *term_clean(const char *s);
/* Copy of JSON text (as ddb's JSON printers write it: C0 inside strings already escaped) for a terminal: DEL, C1
 * and bidi controls escaped as \u00XX / \uXXXX (the same JSON value: they can only be inside strings), bad UTF-8
 * bytes as \ufffd.  Caller frees. */
char *term_clean_json(const char *json);

#endif
