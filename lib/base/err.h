/* err.h — one error structure for the whole library.
 *
 * lib/ functions return 0 on success or -1 with *err filled in; they never print and never exit.
 * Commands report an error once (err_report) and map it to an exit code (err_exit_code), the only
 * mapping in ddb (README "Exit codes").  An err owns no heap memory: it can be copied and dropped.
 */
#ifndef DDB_ERR_H
#define DDB_ERR_H

#include <stdarg.h>
#include <stdio.h>

enum err_kind {
	ERR_NONE = 0,
	ERR_SERVICE,      /* the service refused: validation, not found, condition failed      -> 1  */
	ERR_USAGE,        /* bad command line                                                  -> 64 */
	ERR_DATA,         /* bad input data: a schema, a seed line, a response we can't parse -> 65 */
	ERR_NOINPUT,      /* an input file or table missing                                    -> 66 */
	ERR_UNAVAILABLE,  /* endpoint unreachable (connection refused, DNS, TLS)               -> 69 */
	ERR_INTERNAL,     /* a bug in ddb                                                      -> 70 */
	ERR_TEMPFAIL,     /* throttled / 5xx / timeouts, after every retry                     -> 75 */
	ERR_DENIED,       /* access denied, bad signature, expired token                       -> 77 */
	ERR_CONFIG,       /* no region, no credentials, broken config file                     -> 78 */
	ERR_IO,           /* output could not be written (disk full, closed pipe)             -> 74 */
	ERR_INTERRUPTED,  /* Ctrl-C                                                            -> 130 */
	ERR_CONDITION,    /* a write's condition failed (ConditionalCheckFailedException, a cancelled
	                     transaction): nothing changed                                     -> 4  */
};

enum {
	EXIT_OK = 0, EXIT_SERVICE = 1, EXIT_DRIFT = 2, EXIT_NOITEM = 3, EXIT_CONDITION = 4, EXIT_USAGE = 64,
	EXIT_DATAERR = 65, EXIT_NOINPUT = 66,
	EXIT_UNAVAILABLE = 69, EXIT_SOFTWARE = 70, EXIT_IOERR = 74, EXIT_TEMPFAIL = 75, EXIT_NOPERM = 77, EXIT_CONFIG = 78,
	EXIT_INTERRUPTED = 130,
};

struct err {
	enum err_kind kind;
	int http_status;        /* 0 when no HTTP exchange was involved */
	char type[96];          /* AWS error code: "ResourceNotFoundException", "AuthFailure", ... */
	char msg[1024];         /* one line, no trailing newline */
	char request_id[96];
};

#define ERR_INIT { ERR_NONE, 0, "", "", "" }

void err_clear(struct err *e);
/* Fill e (kind + printf-style message) and return -1, so `return err_set(e, ERR_DATA, "...")` reads well. */
int err_set(struct err *e, enum err_kind kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int err_setv(struct err *e, enum err_kind kind, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
/* Prefix the existing message with "<prefix>: " (for file:line context added by a caller). */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Map an error to its documented exit code (the one table in ddb). */
int err_exit_code(const struct err *e);
/* Print "ddb: <cmd>: <msg>" (+ " (<type>, request <id>)" when known) on f; cmd may be NULL. */
void err_report(FILE *f, const char *cmd, const struct err *e);

#endif
