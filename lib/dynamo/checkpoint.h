/* checkpoint.h — what a bulk load has confirmed written, per input file, saved so that a --resume skips it.
 *
 * Format 2 (JSON): the destination (endpoint, region, mode: never a credential) and, per file (path, size,
 * mtime, SHA-256 of the bytes read so far, tables on the wire), the ordinals of the items confirmed written as
 * sorted [lo,hi) ranges.  Saved atomically (tmp + fsync + rename); locked with flock on <checkpoint>.lock for the
 * whole run (a second run: ERR_TEMPFAIL).  Standard input, pipes and devices are never in it (they cannot be read
 * again).  Loading refuses (ERR_DATA) another destination, another format, a changed file (size, mtime, or the
 * SHA-256 of the prefix that was read).
 */
#ifndef DDB_CHECKPOINT_H
#define DDB_CHECKPOINT_H

#include <pthread.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "base/err.h"

/* A sorted set of non-negative integers as half-open ranges [lo, hi). */
struct ckpt_ranges { long (*r)[2]; size_t n, alloc; };
void ckpt_ranges_add(struct ckpt_ranges *s, long v);
int ckpt_ranges_has(const struct ckpt_ranges *s, long v);
long ckpt_ranges_count(const struct ckpt_ranges *s);
void ckpt_ranges_release(struct ckpt_ranges *s);

/* One input file as the checkpoint knows it. */
struct ckpt_file {
	char *path;                 /* as shown in messages and the checkpoint */
	int is_stdin;
	int no_cp;                  /* standard input, a pipe or a device: never in the checkpoint */
	long long size, mtime_ns;
	struct ckpt_ranges done;    /* confirmed (the checkpoint's, then this run's); under the checkpoint's mu */
	struct ckpt_ranges resume;  /* the loaded checkpoint's */
	EVP_MD_CTX *sha;            /* SHA-256 of the bytes read so far (the reader updates it and `hashed`) */
	long long hashed;
	char **tabs;                /* tables (on the wire) this file's items go to: the checkpoint's first */
	size_t ntabs, ncp_tabs;     /* ncp_tabs: how many of tabs came from the loaded checkpoint */
	char cp_sha[65];            /* --resume: the checkpoint's SHA-256 of the first cp_hashed bytes */
	long long cp_hashed;
};

/* Fill f->size, f->mtime_ns, f->no_cp from the file system (ERR_NOINPUT when it cannot be read). */
int ckpt_file_identity(struct ckpt_file *f, struct err *e);
void ckpt_file_release(struct ckpt_file *f);

struct ckpt {
	char *path;                 /* owned */
	const char *endpoint, *region, *mode;   /* the destination (borrowed) */
	const char *what;           /* the command, for messages ("seed") */
	pthread_mutex_t mu;
	struct ckpt_file **files;   /* borrowed; set by the caller */
	size_t nfiles;
	int lock_fd;
	long pending;               /* items confirmed since the last save */
	double last_save;
};

void ckpt_init(struct ckpt *cp, const char *path, const char *what);
void ckpt_release(struct ckpt *cp);
/* The default path for the first input: <file>.ddb-checkpoint, or <dir>/.ddb-checkpoint (caller frees). */
char *ckpt_default_path(const char *first);

/* Take <path>.lock for the run (ERR_TEMPFAIL when another run holds it); unlock, removing it when remove. */
int ckpt_lock(struct ckpt *cp, struct err *e);
void ckpt_unlock(struct ckpt *cp, int remove);

/* Load for --resume: 1 when there is no checkpoint, 0 loaded (files' resume, done, tabs, cp_sha set), -1 e. */
int ckpt_load(struct ckpt *cp, struct err *e);
/* Save now: -1 with e (ERR_IO) when it cannot be written. */
int ckpt_save(struct ckpt *cp, struct err *e);
/* Save when something was confirmed and `every` seconds passed since the last save: 1 saved, 0 not, -1 e. */
int ckpt_save_maybe(struct ckpt *cp, double every, struct err *e);

/* Thread-safe: item ord of f is confirmed written; f's items go to table wire. */
void ckpt_confirm(struct ckpt *cp, struct ckpt_file *f, long ord);
void ckpt_add_table(struct ckpt *cp, struct ckpt_file *f, const char *wire);
/* How many ranges are confirmed in all (0: nothing to resume from). */
long ckpt_confirmed(struct ckpt *cp);

#endif
