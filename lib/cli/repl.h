/* repl.h — the interactive shell (`ddb` with no command, `ddb repl`) and its line splitter.
 *
 * Lines are split like a small POSIX shell (the REPL's own rules, shared with nothing else):
 *   - blanks (space, tab, CR, LF) separate words;
 *   - '...' keeps everything literally up to the next single quote;
 *   - "..." keeps everything except that \" and \\ stand for " and \ (other backslashes stay);
 *   - outside quotes a backslash takes the next character literally; backslash-newline is removed (it joins
 *     lines as in a shell: "scan \<newline> items" is two words, "sc\<newline>an" one);
 *   - adjacent pieces join into one word ("--filter "a = b"" is one word, '' an empty word);
 *   - '#' at the start of a word comments out the rest of the line.
 * An unterminated quote or a trailing backslash makes the line incomplete: the REPL reads a continuation line.
 * (lib/cli/repl_split.c; no dependencies beyond buf/err, so the fuzz target links it alone.)
 *
 * The loop (lib/cli/repl.c) runs each line through the same dispatcher as argv (ctx->cmds->dispatch).  Session state set by
 * meta-commands (.local/.prod/.region/.namespace/.output/.use) lives in the REPL and is re-applied to ctx before
 * every line after ctx_reset_options, so a command's own global options never stick to the next line.
 */
#ifndef DDB_REPL_H
#define DDB_REPL_H

#include <stddef.h>
#include "aws/ctx.h"
#include "base/err.h"

/* Words of a line: v[0..n-1] owned (malloc'd), v[n] == NULL.  Init with REPL_WORDS_INIT. */
struct repl_words { char **v; int n; int cap; };
#define REPL_WORDS_INIT { NULL, 0, 0 }
void repl_words_release(struct repl_words *w);   /* frees the words; back to the init state */

enum { REPL_SPLIT_OK = 0, REPL_SPLIT_INCOMPLETE = 1 };
/* Split line[0..len).  Returns REPL_SPLIT_OK with w filled, REPL_SPLIT_INCOMPLETE (open quote or trailing
 * backslash; w left empty), or -1 with e filled (a NUL byte).  w must be empty (init or released). */
int repl_split(const char *line, size_t len, struct repl_words *w, struct err *e);
/* Reading a line in pieces: whether line[0..len) is still incomplete, scanning only what was not scanned yet
 * (linear however many continuation lines).  *st starts as REPL_SCAN_INIT and is kept while the same line grows
 * (only appended to); a new line starts again from REPL_SCAN_INIT.  Gives REPL_SPLIT_OK or REPL_SPLIT_INCOMPLETE;
 * a NUL ends the scan (repl_split reports it). */
struct repl_scan {
	char quote;          /* open quote at the end, or 0 */
	int trailing_bs;     /* the line ended in a lone backslash */
	int in_word;         /* the line ended inside a word */
	int in_comment;
	size_t word_start;   /* where the last word started */
	size_t resume;       /* where the scan goes on when the line grows */
};
#define REPL_SCAN_INIT { 0, 0, 0, 0, 0, 0 }
int repl_split_more(const char *line, size_t len, struct repl_scan *st);
/* Completion: split line[0..len) leniently (a cursor may sit inside a quote).  The last word of w is the one
 * being completed ("" after a blank).  *quote: the open quote character or 0; *word_start: the offset in line
 * where that last word starts (len when it is empty).  A cursor inside a comment yields *in_comment = 1. */
void repl_split_partial(const char *line, size_t len, struct repl_words *w, char *quote, size_t *word_start,
                        int *in_comment);
/* A word quoted so that repl_split gives it back unchanged (unquoted when it is made of safe characters,
 * else in single quotes).  Caller frees. */
char *repl_quote(const char *word);

/* The meta-commands (lib/cli/repl.c): `.help`, the man page and the REPL's completion read this table. */
struct repl_meta {
	const char *name;   /* ".use" */
	const char *args;   /* "[TABLE]" or NULL */
	const char *help;   /* one line */
	const char *complete;   /* completion of its argument: "table", "region", "output", or NULL */
};
extern const struct repl_meta repl_meta_commands[];   /* ends with { NULL } */

struct repl_opts {
	int bail;          /* script mode: stop at the first failing line and return its exit code */
	int no_history;    /* do not read or write ~/.ddb_history */
};

/* Run the REPL on stdin: libedit with a prompt, history and completion when stdin is a terminal, else a script
 * (no prompt, no history).  The session starts from the global options already parsed into ctx (`ddb --prod`
 * opens a prod session).  Returns the exit code: interactively 0 after `.quit`, `exit` or Ctrl-D; in a script
 * the last line's, with bail the first failing line's (130 when a line was interrupted by Ctrl-C). */
int repl_run(struct ctx *ctx, const struct repl_opts *o);
/* 1 when a line must not be kept in the history: it names a secret, password or token, holds an access key id, a
 * URL with userinfo (http://user:pw@host), a long random-looking token (32+ base64 or hex characters mixing letters
 * and digits), or a NAME=VALUE / NAME:VALUE whose name says credential (api_key=, pwd=, auth=, ...). */
int repl_secret_line(const char *line);

#endif
