/* buf.h — a growable byte buffer with a hard cap, and a borrowed view.
 *
 * struct buf owns its memory: buf_init (no allocation), buf_release (frees, back to init state).
 * The contents are always NUL-terminated (b->ptr may be NULL while len == 0 and nothing was added:
 * use buf_cstr()).  Appends past b->cap_max fail with -1 (curl's dynbuf "toobig") instead of growing.
 * Allocation failure aborts in xmalloc (one place).
 */
#ifndef DDB_BUF_H
#define DDB_BUF_H

#include <stddef.h>
#include <stdarg.h>

struct view { const char *ptr; size_t len; };

struct buf {
	char *ptr;
	size_t len, alloc;
	size_t cap_max;   /* 0 = default cap (256 MiB) */
};

#define BUF_INIT { NULL, 0, 0, 0 }

void buf_init(struct buf *b, size_t cap_max);
void buf_release(struct buf *b);          /* frees; b is back to the init state */
void buf_reset(struct buf *b);            /* len = 0, keeps memory */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_cstr(const struct buf *b);  /* never NULL */
char *buf_detach(struct buf *b, size_t *len); /* caller frees; b is reset to init */
void buf_cleanse(struct buf *b);          /* OPENSSL_cleanse the contents, then release */

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
