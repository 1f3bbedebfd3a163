/* cmd.h — the shape of a command row (the table itself lives in cmd/commands.c).
 *
 * Flags say what a command needs; dispatch does it once (git's run_builtin with RUN_SETUP), before the command
 * runs (cmd_run): it parses the options into the command's argument struct, resolves the context (environment,
 * profile, region, output), for CMD_AWS in prod the region and credentials, and enforces the prod guard:
 *   CMD_AWS          resolve region, endpoint and credentials before running
 *   CMD_DESTRUCTIVE  the prod guard, enforced by the setup (cmd_start), not by the command: in prod without --yes,
 *                    refuse off a terminal (or under CI) before anything is sent (exit 64), ask on a terminal.
 *                    cmd->destructive, when set, decides from the parsed options whether this run is destructive
 *                    (schema-load only with --recreate, vpc-endpoint only for delete) and says what it would do
 *   CMD_ASKS         a destructive command that asks on a terminal itself, for the name to type (ctx_confirm);
 *                    without it the setup asks for the command's name
 *   CMD_NO_REPL      not available inside the REPL
 *   CMD_HIDDEN       not listed in help (internal: __complete)
 *   CMD_OUTPUT_MAP   the command has a `map` output mode (cognito list-users)
 */
#ifndef DDB_CMD_H
#define DDB_CMD_H

#include "aws/ctx.h"
#include "cli/opt.h"

enum {
	CMD_AWS         = 1 << 0,
	CMD_DESTRUCTIVE = 1 << 1,
	CMD_NO_REPL     = 1 << 2,
	CMD_HIDDEN      = 1 << 3,
	CMD_OUTPUT_MAP  = 1 << 4,   /* accepts --output map (others refuse it: exit 64) */
	CMD_ASKS        = 1 << 5,
	CMD_RAW         = 1 << 6,   /* no setup: fn gets the line as typed (npos = argc - 1) and does its own */
};

struct cmd {
	const char *name;                 /* "list-tables" */
	/* Runs with the setup done: args is the command's argument struct as parsed (args_size bytes, freed by dispatch
	 * after fn returns; what opt_parse allocated in it, OPT_LIST's arrays, is the command's to release), the
	 * positionals are argv[1..npos].  CMD_RAW: args NULL, argv[1..npos] the words as typed.  Returns the exit code. */
	int (*fn)(struct ctx *ctx, void *args, int npos, char **argv);
	unsigned flags;
	const char *summary;              /* one line for `ddb help` */
	const char *synopsis;             /* "ddb list-tables [--output MODE]" (may hold several lines) */
	const struct opt *opts;           /* the command's own options (OPT_END-terminated), or NULL */
	const char *description;          /* a paragraph for help and the man page, or NULL */
	const char *positional_complete;  /* completion for positional args: "table", "file", "words:a b c" */
	/* CMD_DESTRUCTIVE: is this run destructive?  args/npos/argv as parsed (positionals in argv[1..npos]).  Returns 1
	 * and writes what it would do into what ("drop table 'x'", for "refusing to ... in prod without --yes"), or 0
	 * (not destructive, or a usage error the command reports itself).  NULL: always destructive. */
	int (*destructive)(const struct ctx *ctx, const void *args, int npos, char **argv, char *what, size_t n);
	size_t args_size;                 /* sizeof the command's argument struct (0: it has none) */
	const void *args_init;            /* its defaults before parsing (args_size bytes), or NULL: zeroes */
};

/* Link names that stand for a command line (the old bin/ddb scripts): `get-conversation` -> `query conversation`.
 * `create-vpc-endpoint` -> `vpc-endpoint create`, `list-users` -> `cognito list-users`. */
struct cmd_alias { const char *link; const char *words[4]; };

/* The command table and its dispatcher, handed down by the program (cmd/main.c sets ctx->cmds): lib/ (the REPL,
 * completion) knows the commands only through this, never by a symbol of cmd/.  Borrowed, never freed. */
struct cmd_table {
	const struct cmd *const *commands;   /* sorted by name, NULL-terminated */
	const struct cmd_alias *aliases;     /* ended by a NULL link */
	/* run one command line (argv[0] = command name or alias); returns its exit code */
	int (*dispatch)(struct ctx *ctx, int argc, char **argv);
};
/* Lookup in t (NULL: an empty table): by name, and by link alias. */
const struct cmd *cmd_find(const struct cmd_table *t, const char *name);
const struct cmd_alias *cmd_find_alias(const struct cmd_table *t, const char *link);

/* Run one command with its setup (the dispatcher's job, cmd/main.c): the argument struct allocated and set to
 * args_init, cmd_start, then cmd->fn; CMD_RAW: cmd->fn at once.  ctx->cmd_name must be set.  Returns the exit code. */
int cmd_run(struct ctx *ctx, const struct cmd *cmd, int argc, char **argv);
/* The setup itself: parse a command's options (opt_parse) into args and do what its flags ask for (ctx_resolve;
 * CMD_AWS: region and credentials in prod, the world-readable credentials warning; CMD_DESTRUCTIVE: the prod
 * guard).  Returns 0 when the command should run, or 1 when it must return *code at once (--help printed: 0; a
 * usage or setup error already reported: 64/78/...).  cmd_run calls it; a CMD_RAW command may call it itself. */
int cmd_start(struct ctx *ctx, const struct cmd *cmd, int argc, char **argv, void *args, int *npos, int *code);

/* `ddb CMD --help` and `ddb help CMD`: "usage: ...", the summary, the description, the command's options and the
 * global ones, on f. */
void cmd_print_help(FILE *f, const struct cmd *cmd);

/* A usage error: one specific line plus the synopsis (cmd NULL: none) on err_out; returns 64. */
int ctx_usage(struct ctx *ctx, const struct cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The prod guard of a destructive run (CMD_DESTRUCTIVE and cmd->destructive): 0 go ahead, -1 refused (e filled). */
int cmd_guard(struct ctx *ctx, const struct cmd *cmd, const void *args, int npos, char **argv, struct err *e);

#endif
