/* ctx.h — the state one command runs with: where to send requests, how to print, what the user asked globally.
 *
 * main (or the REPL) builds one ctx, then each command borrows it.  ctx_release frees what it owns.  Commands
 * write data to ctx->out and diagnostics to ctx->err_out, never to stdout/stderr directly, so the REPL and tests
 * can capture them.
 */
#ifndef DDB_CTX_H
#define DDB_CTX_H

#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <stdarg.h>

#include "base/err.h"

enum out_mode { OUT_AUTO = 0, OUT_TABLE, OUT_JSON, OUT_JSONL, OUT_TEXT, OUT_MAP };

struct cmd_table;
struct config;
struct creds_cache;
struct endpoint_cache;
struct http;

struct ctx {
	FILE *out, *err_out;
	int out_tty, in_tty, err_tty;

	/* Global options (set by opt_parse from ctx_global_opts, then by ctx_resolve from the environment). */
	int prod, local;              /* --prod / --local as given (local wins if both: last one given) */
	int env_set_by_option;        /* 1 when --prod/--local was given on the command line */
	const char *endpoint_url;     /* --endpoint-url */
	int endpoint_url_is_sts;      /* 1 while --endpoint-url names STS's endpoint (whoami's GetCallerIdentity) */
	const char *region_opt;       /* --region */
	const char *profile_opt;      /* --profile */
	const char *namespace_opt;    /* --namespace */
	const char *output_opt;       /* --output */
	int ddb_json;                 /* --ddb-json */
	int debug, quiet, yes, no_color;
	long max_attempts;            /* --max-attempts (0: default) */
	double connect_timeout, timeout; /* seconds; 0: defaults */
	int help;                     /* --help seen */

	/* Resolved by ctx_resolve(). */
	enum out_mode output;
	char *region;                 /* owned */
	char *profile;                /* owned; "default" when none */
	char *ns;                     /* owned; "" when none */
	struct config *config;        /* owned: the shared config and credentials files */
	struct creds_cache *creds;    /* owned by creds.c: resolved credentials, refreshed before expiry */
	struct http *http;            /* owned by awscall.c: the one kept-alive transport */
	struct endpoint_cache *endpoints; /* owned by endpoint.c: this command's resolved endpoints */
	void (*hooks[4])(struct ctx *ctx);   /* ctx_on_release: what the owners of the fields above free */
	int nhooks;

	/* Session state (REPL). */
	char *default_table;          /* owned; `.use TABLE` */
	volatile sig_atomic_t *interrupted;  /* set by SIGINT; checked by long operations */
	int in_repl;

	/* Clock: wall time unless DDB_TEST_NOW (epoch seconds) is set — tests never depend on the clock. */
	time_t (*now)(void);
	const char *cmd_name;         /* for messages */
	const struct cmd_table *cmds; /* borrowed: the commands and dispatcher (set by main; the REPL and completion
	                               * use it); NULL: none */
};

/* The names of --output's modes, in enum out_mode order from OUT_TABLE (NULL-terminated). */
extern const char *const ctx_output_modes[];

void ctx_init(struct ctx *ctx, FILE *out, FILE *err_out);
/* Apply the environment and config files after options are parsed: DDB_ENV, DDB_NAMESPACE, AWS_PROFILE,
 * AWS_REGION/AWS_DEFAULT_REGION/profile region, output mode.  Safe to call again (REPL) after options change. */
int ctx_resolve(struct ctx *ctx, struct err *e);
void ctx_release(struct ctx *ctx);
/* A module that hangs its state on ctx (creds.c: ctx->creds; awscall.c: ctx->http;
 * endpoint.c: ctx->endpoints) registers how to free it, once
 * (registering the same fn again does nothing); ctx_release calls the hooks, last registered first.  So ctx.c
 * knows nothing of what it carries. */
void ctx_on_release(struct ctx *ctx, void (*fn)(struct ctx *ctx));
/* Reset the per-command global options (REPL: each line starts from the session state). */
void ctx_reset_options(struct ctx *ctx);

/* Namespaces: the wire name for a user-written table name, and back (NULL when name is not in the namespace). */
char *ctx_table_wire(const struct ctx *ctx, const char *name);     /* caller frees */
const char *ctx_table_user(const struct ctx *ctx, const char *wire); /* borrowed from wire */
/* A table named in a confirmation or a refusal: "'users'", or "'users' (dev_users on the wire)" with a namespace,
 * so that a prod confirmation shows the table it really changes.  Caller frees. */
char *ctx_table_label(const struct ctx *ctx, const char *name);
/* DynamoDB's rules for a table name on the wire (3 to 255 of a-z A-Z 0-9 _ - .; or a table ARN: printable ASCII, at
 * most 1024), checked before anything is sent: 0, or -1 with e (ERR_USAGE) naming the problem, never the raw bytes. */
int ctx_check_table_name(const char *wire, struct err *e);
int ctx_interrupted(const struct ctx *ctx);
/* Print a note on err_out unless --quiet ("ddb: <cmd>: ..."). */
void ctx_note(struct ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ctx_warn(struct ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report e once on err_out and return its exit code: `return ctx_fail(ctx, &e);`. */
int ctx_fail(struct ctx *ctx, const struct err *e);
/* One diagnostic line on err_out: "ddb: CMD: KIND" and the text, through term.h's sanitiser. */
void ctx_vline(struct ctx *ctx, const char *kind, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
/* Ask for confirmation for a destructive action in prod: 0 ok, -1 refused (e filled).  Never prompts unless stdin
 * is a terminal; with --yes always ok.  expect: the word the user must type (usually the table name). */
int ctx_confirm(struct ctx *ctx, const char *what, const char *expect, struct err *e);
/* The question itself (the caller decided it must be asked, on a terminal): "about to WHAT WHERE. Type 'EXPECT' to
 * confirm"; 0 when EXPECT was typed, else -1 (ERR_USAGE, nothing changed). */
int ctx_ask(struct ctx *ctx, const char *what, const char *where, const char *expect, struct err *e);

#endif
