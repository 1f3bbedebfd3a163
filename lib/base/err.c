/* err.c — filling, prefixing, reporting errors, and the one error-to-exit-code table. */
#include "base/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/term.h"

void err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

/* Keep messages to one line: C0 controls and DEL become spaces (as term.h shows them; err_report sends the whole
 * message through term_clean for the multi-byte ones). */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

int err_setv(struct err *e, enum err_kind kind, const char *fmt, va_list ap)
{
	if (!e)
		return -1;
	e->kind = kind;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	one_line(e->msg);
	return -1;
}

int err_set(struct err *e, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_setv(e, kind, fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char old[sizeof(e->msg)];
	size_t n;
	va_list ap;
	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (n + 2 < sizeof(e->msg)) {
		memcpy(e->msg + n, ": ", 2);
		n += 2;
		size_t rest = strlen(old);
		if (rest > sizeof(e->msg) - 1 - n)
			rest = sizeof(e->msg) - 1 - n;
		memcpy(e->msg + n, old, rest);
		e->msg[n + rest] = '\0';
	}
	one_line(e->msg);
	return -1;
}

int err_exit_code(const struct err *e)
{
	switch (e->kind) {
	case ERR_NONE:        return EXIT_OK;
	case ERR_SERVICE:     return EXIT_SERVICE;
	case ERR_USAGE:       return EXIT_USAGE;
	case ERR_DATA:        return EXIT_DATAERR;
	case ERR_NOINPUT:     return EXIT_NOINPUT;
	case ERR_UNAVAILABLE: return EXIT_UNAVAILABLE;
	case ERR_INTERNAL:    return EXIT_SOFTWARE;
	case ERR_TEMPFAIL:    return EXIT_TEMPFAIL;
	case ERR_DENIED:      return EXIT_NOPERM;
	case ERR_CONFIG:      return EXIT_CONFIG;
	case ERR_IO:          return EXIT_IOERR;
	case ERR_INTERRUPTED: return EXIT_INTERRUPTED;
	case ERR_CONDITION:   return EXIT_CONDITION;
	}
	return EXIT_SOFTWARE;
}

/* Messages quote item data and server text (a message, an error type, a request id): through term.h's sanitiser. */
void err_report(FILE *f, const char *cmd, const struct err *e)
{
	char *msg = term_clean(e->msg[0] ? e->msg : "unknown error");
	char *type = term_clean(e->type), *rid = term_clean(e->request_id);
	if (cmd)
		fprintf(f, "ddb: %s: %s", cmd, msg);
	else
		fprintf(f, "ddb: %s", msg);
	if (type[0] && rid[0])
		fprintf(f, " (%s, request %s)", type, rid);
	else if (type[0])
		fprintf(f, " (%s)", type);
	fputc('\n', f);
	fflush(f);
	free(msg);
	free(type);
	free(rid);
}
