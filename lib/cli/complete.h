/* complete.h — the completion engine shared by `ddb __complete` (shell completions) and the REPL.
 *
 * Everything comes from the command table (cmd->opts, ctx_global_opts, opt.choices, opt.complete,
 * cmd->positional_complete), so completions never drift from the commands:
 *   - the first word: command names (not hidden ones, not link aliases), or global options when it starts with '-';
 *   - a word starting with '-': the command's long options, the global ones and --help; "--opt=VAL" completes VAL;
 *   - the value of an option: its choices, else by its hint: "table" (live table names), "file", "dir",
 *     "region" (the AWS regions), "profile" (sections of ~/.aws/config and ~/.aws/credentials);
 *   - positional words by cmd->positional_complete: "table", "file", "dir" (every positional), "words:a b c"
 *     (the first positional), "words:commands" (command names); '|' offers alternatives for the first positional
 *     ("words:conversation conversations|table": those words or a table) and ';' gives the spec of every later
 *     positional ("words:tail list;table": a subcommand word, then table names).
 * Table names come from ListTables (every page, the namespace stripped) against the endpoint the line would use:
 * --prod/--local/--endpoint-url/--region/--profile/--namespace on the line, else ctx's (session, environment).
 * Requests use their own transport with short timeouts and one attempt; errors are silent (no candidates).
 * Names are cached: in memory for the process (the REPL forgets them after each command), and with
 * COMPLETE_FILE_CACHE in ${XDG_CACHE_HOME:-~/.cache}/ddb/tables-<hash of endpoint, region, namespace> for
 * DDB_COMPLETE_CACHE_SECONDS (default 30; 0 disables the file cache).
 */
#ifndef DDB_COMPLETE_H
#define DDB_COMPLETE_H

#include "aws/ctx.h"

enum complete_kind {
	COMPLETE_WORDS = 0,   /* the candidates in v */
	COMPLETE_FILES,       /* file names: the caller completes the word as a path */
	COMPLETE_DIRS,        /* directory names */
};

/* Candidates: full replacements for the word being completed, sorted, unique, each starting with it. */
struct complete_list {
	enum complete_kind kind;
	char **v;      /* owned */
	size_t n, cap;
};
#define COMPLETE_LIST_INIT { COMPLETE_WORDS, NULL, 0, 0 }
void complete_list_release(struct complete_list *l);
void complete_list_add(struct complete_list *l, const char *s);   /* copies s */

enum { COMPLETE_FILE_CACHE = 1 << 0 };

/* Complete words[n-1] (may be "") given the words before it.  words[0] is the first word after "ddb" (a command,
 * a link alias, or a leading global option).  Changes ctx's global option fields and resolution (it applies the
 * line's --prod/--namespace/...): the REPL re-applies its session afterwards; `ddb __complete` exits. */
void complete_words(struct ctx *ctx, int n, char *const *words, unsigned flags, struct complete_list *out);

/* Live table names (user names: the namespace stripped) for ctx as resolved; 0, or -1 when unavailable. */
int complete_tables(struct ctx *ctx, unsigned flags, struct complete_list *out);
/* Forget the in-memory table cache (the REPL calls it after every command: tables may have changed). */
void complete_forget_tables(void);

/* The AWS regions offered for --region (NULL-terminated). */
extern const char *const complete_regions[];

#endif
