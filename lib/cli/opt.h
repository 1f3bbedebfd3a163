/* opt.h — declarative option tables (git parse-options style).
 *
 * A command declares a static table of `struct opt` whose entries point into the command's own argument struct by
 * offset.  The same table drives parsing, `--help`, `ddb __complete`, the REPL's completion and the man page, so
 * option knowledge lives in one place.  Global options (lib/aws/ctx.c, ctx_global_opts) are accepted by every command,
 * anywhere on the line.  No abbreviated long options.
 */
#ifndef DDB_OPT_H
#define DDB_OPT_H

#include <stddef.h>
#include <stdio.h>
#include "base/err.h"
#include "base/fuzzy.h"   /* edit_distance, for the command table's "did you mean" too */

enum opt_type {
	OPT_END = 0,
	OPT_BOOL,       /* int: set to 1 (the "--no-x" form is not implied) */
	OPT_STRING,     /* const char *: the argument (borrowed from argv) */
	OPT_INT,        /* long: strtol with end check, range [min,max] */
	OPT_LIST,       /* struct strlist: repeatable, each value appended */
	OPT_PAIR,       /* const char *[2]: two arguments ("--sk-between A B") */
	OPT_DOUBLE,     /* double: seconds ("--wait-timeout 1.5"), finite, [0, max] (max 0: OPT_DOUBLE_MAX) */
};

/* The largest OPT_DOUBLE by default: about 11.5 days of seconds, so SEC * 1000 always fits a long. */
#define OPT_DOUBLE_MAX 1e6

struct strlist { const char **v; size_t n; };
void strlist_push(struct strlist *l, const char *s);
void strlist_release(struct strlist *l);   /* frees the array, not the strings (borrowed) */

struct opt {
	enum opt_type type;
	char short_name;          /* 0 for none */
	const char *long_name;
	size_t offset;            /* into the command's argument struct */
	const char *argh;         /* argument placeholder for help: "NAME", "N" */
	const char *help;         /* one line */
	const char *const *choices; /* NULL-terminated allowed values (validated, completed), or NULL */
	long min, max;            /* OPT_INT bounds (both 0: any non-negative long) */
	const char *complete;     /* completion hint for values: "table", "file", "dir", "region", "profile" */
};

#define OPT_F_BOOL(s, l, T, f, h)          { OPT_BOOL, s, l, offsetof(T, f), NULL, h, NULL, 0, 0, NULL }
#define OPT_F_STR(s, l, T, f, a, h)        { OPT_STRING, s, l, offsetof(T, f), a, h, NULL, 0, 0, NULL }
#define OPT_F_STRC(s, l, T, f, a, h, c)    { OPT_STRING, s, l, offsetof(T, f), a, h, NULL, 0, 0, c }
#define OPT_F_CHOICE(s, l, T, f, a, h, ch) { OPT_STRING, s, l, offsetof(T, f), a, h, ch, 0, 0, NULL }
#define OPT_F_INT(s, l, T, f, a, h, lo, hi) { OPT_INT, s, l, offsetof(T, f), a, h, NULL, lo, hi, NULL }
#define OPT_F_LIST(s, l, T, f, a, h)       { OPT_LIST, s, l, offsetof(T, f), a, h, NULL, 0, 0, NULL }
#define OPT_F_PAIR(s, l, T, f, a, h)       { OPT_PAIR, s, l, offsetof(T, f), a, h, NULL, 0, 0, NULL }
#define OPT_F_DOUBLE(s, l, T, f, a, h)     { OPT_DOUBLE, s, l, offsetof(T, f), a, h, NULL, 0, 0, NULL }
#define OPT_F_END                          { OPT_END, 0, NULL, 0, NULL, NULL, NULL, 0, 0, NULL }

struct ctx;

/* Parse argv (argv[0] is the command name) against the command's table opts (may be NULL) and the global options.
 * Option values are stored into `args` (the command's struct) or into ctx (globals).  Positional arguments are
 * compacted into argv[1..] and their count is returned through *npos; argv[*npos + 1] is NULL.  "--" ends options.
 * Returns 0, 1 when --help was given (the caller prints the help: cmd_print_help), or -1 with e (ERR_USAGE) filled. */
int opt_parse(struct ctx *ctx, const struct opt *opts, int argc, char **argv, void *args, int *npos, struct err *e);

/* Print the option list of table t (one line each, with its choices) on f (help output). */
void opt_print_table(FILE *f, const struct opt *t);
/* Find an option by long name in opts (may be NULL) or the globals; NULL when unknown. */
const struct opt *opt_find(const struct opt *opts, const char *long_name);
/* The one reading of a command-line word as an option, for every walker of argv (dispatch, the REPL's .use, completion):
 * the option "--x", "--x=v" or "-x" names, in opts (may be NULL) first, then the global options; NULL when it names
 * none.  *global (may be NULL) is set when it is a global one; *inline_val (may be NULL) points after the '=' of
 * "--x=v", else NULL. */
const struct opt *opt_word(const struct opt *opts, const char *w, int *global, const char **inline_val);
/* The values an option takes after it: 0 (a flag), 1, or 2 (a pair). */
int opt_nvalues(const struct opt *o);
/* Closest long option name (edit distance), for "did you mean"; NULL when nothing is close. */
const char *opt_suggest(const struct opt *opts, const char *long_name);

/* The global options (lib/cli/opt.c): --prod, --region, --output, --yes, ...; they set fields of struct ctx. */
extern const struct opt ctx_global_opts[];

#endif
