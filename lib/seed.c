/* seed.c — the bulk loader (see seed.h): a producer (the calling thread) reads and validates items and fills
 * batches; worker threads send them with BatchWriteItem; every item ends written, rejected or not written, and
 * the checkpoint records what was confirmed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "aws.h"
#include "ctx.h"
#include "http.h"
#include "json.h"
#include "seed.h"

#define BACKOFF_BASE_MS 50L
#define BACKOFF_CAP_MS  5000L
#define KEYSET_BUCKETS  4096u
#define CHECKPOINT_EVERY 1.0   /* seconds */
#define PROGRESS_EVERY   0.1
#define REPORTS_PER_FILE 20    /* reports printed per input file; the rest are counted in one line */
#define BISECT_AFTER_5XX 2     /* a batch failing this many times in a row with 5xx is split in halves */

/* ---- ranges ------------------------------------------------------------------------------------------ */

void seed_ranges_add(struct seed_ranges *s, long v)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {   /* first range with r[0] > v */
		size_t mid = (lo + hi) / 2;
		if (s->r[mid][0] > v)
			hi = mid;
		else
			lo = mid + 1;
	}
	size_t i = lo;   /* ranges before i start at or below v */
	if (i > 0 && v < s->r[i - 1][1])
		return;      /* already in */
	int join_prev = i > 0 && s->r[i - 1][1] == v;
	int join_next = i < s->n && s->r[i][0] == v + 1;
	if (join_prev && join_next) {
		s->r[i - 1][1] = s->r[i][1];
		memmove(&s->r[i], &s->r[i + 1], (s->n - i - 1) * sizeof(s->r[0]));
		s->n--;
	} else if (join_prev) {
		s->r[i - 1][1] = v + 1;
	} else if (join_next) {
		s->r[i][0] = v;
	} else {
		if (s->n == s->alloc) {
			s->alloc = s->alloc ? s->alloc * 2 : 16;
			s->r = xrealloc(s->r, s->alloc * sizeof(s->r[0]));
		}
		memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(s->r[0]));
		s->r[i][0] = v;
		s->r[i][1] = v + 1;
		s->n++;
	}
}

int seed_ranges_has(const struct seed_ranges *s, long v)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->r[mid][1] <= v)
			lo = mid + 1;
		else if (s->r[mid][0] > v)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

long seed_ranges_count(const struct seed_ranges *s)
{
	long n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->r[i][1] - s->r[i][0];
	return n;
}

void seed_ranges_release(struct seed_ranges *s)
{
	free(s->r);
	s->r = NULL;
	s->n = s->alloc = 0;
}

/* ---- JSON structure scanning --------------------------------------------------------------------------- */

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && is_ws(s[i]))
		i++;
	return i;
}

size_t seed_skip_value(const char *s, size_t n, size_t i)
{
	if (i >= n)
		return (size_t)-1;
	if (s[i] == '"') {
		for (i++; i < n; i++) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				return i + 1;
		}
		return (size_t)-1;
	}
	if (s[i] == '{' || s[i] == '[') {
		size_t depth = 0;
		for (; i < n; i++) {
			char c = s[i];
			if (c == '"') {
				size_t j = seed_skip_value(s, n, i);
				if (j == (size_t)-1)
					return j;
				i = j - 1;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth == 0)
					return i + 1;
			}
		}
		return (size_t)-1;
	}
	while (i < n && !is_ws(s[i]) && s[i] != ',' && s[i] != ']' && s[i] != '}')
		i++;
	return i;
}

char *seed_table_from_path(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	static const char *const exts[] = { ".jsonl", ".ndjson", ".json", NULL };
	for (int i = 0; exts[i]; i++) {
		size_t el = strlen(exts[i]);
		if (n > el && !strcmp(b + n - el, exts[i])) {
			n -= el;
			break;
		}
	}
	return xstrndup(b, n);
}

/* ---- a set of key strings (the keys of batches in flight) ---------------------------------------------- */

struct knode { struct knode *next; char *key; double until; };
struct keyset { struct knode **b; };

static uint32_t fnv(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int keyset_has(const struct keyset *k, const char *key)
{
	for (struct knode *n = k->b[fnv(key) % KEYSET_BUCKETS]; n; n = n->next)
		if (!strcmp(n->key, key))
			return 1;
	return 0;
}

static void keyset_add(struct keyset *k, char *key)   /* borrows key */
{
	struct knode *n = xmalloc(sizeof(*n));
	uint32_t h = fnv(key) % KEYSET_BUCKETS;
	n->key = key;
	n->until = 0;
	n->next = k->b[h];
	k->b[h] = n;
}

/* The lingering set: keys (owned) whose last write's fate was unknown for a while (a timeout, a reset, a 5xx),
 * each held until `until`.  1 when key is held at `now`; expired nodes are dropped on the way. */
static int linger_has(struct keyset *k, const char *key, double now)
{
	for (struct knode **p = &k->b[fnv(key) % KEYSET_BUCKETS]; *p;) {
		struct knode *n = *p;
		if (n->until <= now) {
			*p = n->next;
			free(n->key);
			free(n);
			continue;
		}
		if (!strcmp(n->key, key))
			return 1;
		p = &n->next;
	}
	return 0;
}

static void linger_add(struct keyset *k, const char *key, double until)
{
	for (struct knode *n = k->b[fnv(key) % KEYSET_BUCKETS]; n; n = n->next)
		if (!strcmp(n->key, key)) {
			if (n->until < until)
				n->until = until;
			return;
		}
	keyset_add(k, xstrdup(key));
	k->b[fnv(key) % KEYSET_BUCKETS]->until = until;
}

static void keyset_remove(struct keyset *k, const char *key)
{
	for (struct knode **p = &k->b[fnv(key) % KEYSET_BUCKETS]; *p; p = &(*p)->next)
		if (!strcmp((*p)->key, key)) {
			struct knode *n = *p;
			*p = n->next;
			free(n);
			return;
		}
}

/* ---- state --------------------------------------------------------------------------------------------- */

struct batch;

struct stable {
	int idx;
	char *user, *wire, *wire_json;
	struct item_key_attr keys[2];
	char *key_names[2];
	size_t nkeys;
	char **attr_names;        /* every AttributeDefinition (table and index keys) */
	char *attr_types;
	size_t nattrs;
	struct batch *cur;        /* being filled by the producer */
};

struct sfile {
	char *path;               /* as shown in messages and the checkpoint */
	int is_stdin;
	long long size, mtime_ns;
	struct seed_ranges done;  /* confirmed (the checkpoint's, then this run's) */
	struct seed_ranges resume;
	long next_ord;
	enum item_format format;  /* detected from the first item (or opts) */
	int no_cp;                /* standard input, a pipe or a device: never in the checkpoint */
	EVP_MD_CTX *sha;          /* SHA-256 of the bytes read so far (hashed bytes: `hashed`) */
	long long hashed;
	long reports, hidden;     /* reports printed for this file, and those not printed */
	char **tabs;              /* tables (on the wire) this file's items go to: the checkpoint's first */
	size_t ntabs, ncp_tabs;   /* ncp_tabs: how many of tabs came from the loaded checkpoint */
	char cp_sha[65];          /* --resume: the checkpoint's SHA-256 of the first cp_hashed bytes */
	long long cp_hashed;
};

struct entry {
	int del;
	char *json;               /* the typed Item (or Key), compact */
	size_t json_len;
	char *key;                /* "<table idx>\x1f<key string>" */
	char *raw;                /* the line for the rejects file */
	size_t file;
	long ord, line;
	int uncertain;            /* an attempt's fate was unknown (timeout, reset, 5xx): the key lingers when done */
};

struct batch {
	struct stable *t;
	struct entry e[SEED_BATCH_MAX];
	int n;
	size_t bytes;
};

enum outcome { OUT_DONE, OUT_REJECT, OUT_TEMPFAIL, OUT_DROPPED };

struct run {
	struct ctx *ctx;
	const struct seed_opts *o;
	struct seed_stats *st;
	int max_retries, concurrency, dry;

	pthread_mutex_t mu;
	pthread_cond_t cv_work, cv_change;
	struct batch **q;
	size_t qcap, qhead, qlen;
	int closed;
	_Atomic int stop;         /* fatal error or interrupted: drop what is not sent */
	struct keyset inflight;
	struct keyset failed;     /* keys with a write not written (budget ran out): later writes of them are held back */
	struct keyset linger;     /* keys whose write's fate was unknown: held for one --timeout (see linger_has) */
	double linger_s;          /* that --timeout, in seconds */

	struct stable **tables;
	size_t ntables;
	struct sfile *files;
	size_t nfiles;
	FILE *spool;              /* --strict with standard input: a copy to read twice */
	FILE *rej;

	int has_fatal;
	struct err fatal;
	struct err last_temp;     /* the last error of an exhausted retry budget */
	long tempfail;

	char *cp_path;
	int cp_warned;
	int lock_fd;              /* the checkpoint's lock (<checkpoint>.lock, flock), or -1 */
	char **cp_tables;         /* the tables (on the wire) the loaded checkpoint confirms writes to */
	size_t ncp_tables;
	char *dest_endpoint;      /* where this run writes: recorded in the checkpoint */
	int rej_failed;           /* a write to the rejects file failed (errno rej_errno) */
	int rej_errno;
	double t0, last_cp, last_progress;
	long long bytes_total, bytes_done;
	int progress_drawn;
	long completed_since_cp;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void entry_release(struct entry *en)
{
	free(en->json);
	free(en->key);
	free(en->raw);
	memset(en, 0, sizeof(*en));
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->n; i++)
		entry_release(&b->e[i]);
	free(b);
}

static void table_free(struct stable *t)
{
	if (!t)
		return;
	free(t->user);
	free(t->wire);
	free(t->wire_json);
	for (size_t i = 0; i < 2; i++)
		free(t->key_names[i]);
	for (size_t i = 0; i < t->nattrs; i++)
		free(t->attr_names[i]);
	free(t->attr_names);
	free(t->attr_types);
	batch_free(t->cur);
	free(t);
}

/* ---- progress ----------------------------------------------------------------------------------------- */

static void progress_clear(struct run *R)   /* with R->mu held (or no threads) */
{
	if (R->progress_drawn) {
		fputs("\r\033[K", R->ctx->err_out);
		R->progress_drawn = 0;
	}
}

static void progress_draw(struct run *R, int force)
{
	if (!R->o->progress || R->dry)
		return;
	double now = mono();
	if (!force && now - R->last_progress < PROGRESS_EVERY)
		return;
	R->last_progress = now;
	pthread_mutex_lock(&R->mu);
	long done = R->st->written + R->st->skipped;
	double el = now - R->t0;
	double rate = el > 0.05 ? R->st->written / el : 0;
	char eta[96] = "";
	if (R->bytes_total > 0 && R->bytes_done > 0 && el > 0.5) {
		double f = (double)R->bytes_done / (double)R->bytes_total;
		if (f > 1)
			f = 1;
		long s = (long)(el * (1 - f) / f + 0.5);
		snprintf(eta, sizeof(eta), "  %3d%%  ETA %ld:%02ld", (int)(f * 100), s / 60, s % 60);
	}
	fprintf(R->ctx->err_out, "\r\033[Kseed: %ld items  %.0f items/s%s", done, rate, eta);
	fflush(R->ctx->err_out);
	R->progress_drawn = 1;
	pthread_mutex_unlock(&R->mu);
}

/* ---- checkpoint ------------------------------------------------------------------------------------------ */

static int file_identity(struct sfile *f, struct err *e)
{
	struct stat sb;
	if (stat(f->path, &sb) < 0)
		return err_set(e, ERR_NOINPUT, "cannot read '%s': %s", f->path, strerror(errno));
	f->size = (long long)sb.st_size;
	f->mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
	f->no_cp = !S_ISREG(sb.st_mode);   /* a pipe or a device cannot be read again: nothing to resume */
	return 0;
}

static void file_add_table(struct sfile *f, const char *wire)
{
	for (size_t i = 0; i < f->ntabs; i++)
		if (!strcmp(f->tabs[i], wire))
			return;
	f->tabs = xrealloc(f->tabs, (f->ntabs + 1) * sizeof(char *));
	f->tabs[f->ntabs++] = xstrdup(wire);
}

static void sha_hex(EVP_MD_CTX *c, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	out[0] = '\0';
	if (EVP_DigestFinal_ex(c, md, &n) != 1)
		return;
	for (unsigned int i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* The SHA-256 of what was read of f so far (the reader keeps hashing). */
static void file_sha_so_far(const struct sfile *f, char out[65])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	out[0] = '\0';
	if (c && f->sha && EVP_MD_CTX_copy_ex(c, f->sha) == 1)
		sha_hex(c, out);
	EVP_MD_CTX_free(c);
}

static void json_str(struct buf *b, const char *s)
{
	cJSON *p = cJSON_CreateString(s ? s : "");
	char *pj = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	buf_adds(b, pj ? pj : "\"\"");
	cJSON_free(pj);
}

static const char *dest_mode(const struct ctx *ctx)
{
	return ctx->prod ? "prod" : "local";
}

static int checkpoint_save(struct run *R)
{
	if (!R->cp_path || R->dry)
		return 0;
	struct buf b = BUF_INIT;
	pthread_mutex_lock(&R->mu);
	/* format 2: the destination (never a credential) and, per file, its tables and the SHA-256 of what was read */
	buf_adds(&b, "{\"ddb_seed_checkpoint\":2,\"destination\":{\"endpoint\":");
	json_str(&b, R->dest_endpoint);
	buf_adds(&b, ",\"region\":");
	json_str(&b, R->ctx->region);
	buf_addf(&b, ",\"mode\":\"%s\"},\"files\":[", dest_mode(R->ctx));
	int first = 1;
	for (size_t i = 0; i < R->nfiles; i++) {
		struct sfile *f = &R->files[i];
		if (f->is_stdin || f->no_cp)
			continue;
		char sha[65];
		file_sha_so_far(f, sha);
		buf_adds(&b, first ? "{\"path\":" : ",{\"path\":");
		json_str(&b, f->path);
		buf_addf(&b, ",\"size\":%lld,\"mtime_ns\":\"%lld\",\"sha256\":\"%s\",\"hashed\":%lld,\"tables\":[",
		         f->size, f->mtime_ns, sha, f->hashed);
		for (size_t j = 0; j < f->ntabs; j++) {
			buf_adds(&b, j ? "," : "");
			json_str(&b, f->tabs[j]);
		}
		buf_adds(&b, "],\"done\":[");
		first = 0;
		for (size_t j = 0; j < f->done.n; j++)
			buf_addf(&b, "%s[%ld,%ld]", j ? "," : "", f->done.r[j][0], f->done.r[j][1]);
		buf_adds(&b, "]}");
	}
	buf_adds(&b, "]}\n");
	R->completed_since_cp = 0;
	pthread_mutex_unlock(&R->mu);

	char *tmp = xasprintf("%s.tmp%ld", R->cp_path, (long)getpid());
	int ok = 0;
	FILE *f = fopen(tmp, "w");
	if (f) {
		ok = fwrite(b.ptr, 1, b.len, f) == b.len;
		ok = fflush(f) == 0 && ok;
		ok = fsync(fileno(f)) == 0 && ok;
		ok = fclose(f) == 0 && ok;
		ok = ok && rename(tmp, R->cp_path) == 0;
	}
	if (!ok) {
		int saved = errno;
		unlink(tmp);
		if (!R->cp_warned) {
			pthread_mutex_lock(&R->mu);
			progress_clear(R);
			ctx_warn(R->ctx, "cannot write the checkpoint '%s': %s (--resume will not know what was written)",
			         R->cp_path, strerror(saved));
			pthread_mutex_unlock(&R->mu);
			R->cp_warned = 1;
		}
	}
	free(tmp);
	buf_release(&b);
	return ok ? 0 : -1;
}

static void checkpoint_maybe(struct run *R)
{
	double now = mono();
	if (R->cp_path && !R->dry && now - R->last_cp >= CHECKPOINT_EVERY) {
		R->last_cp = now;
		pthread_mutex_lock(&R->mu);
		long pending = R->completed_since_cp;
		pthread_mutex_unlock(&R->mu);
		if (pending)
			checkpoint_save(R);
	}
}

/* The checkpoint's [[lo,hi],...]: sorted, disjoint, as checkpoint_save writes them. */
static int parse_ranges(const cJSON *done, struct seed_ranges *out)
{
	const cJSON *r;
	if (!cJSON_IsArray(done))
		return -1;
	cJSON_ArrayForEach(r, done) {
		const cJSON *a = cJSON_GetArrayItem(r, 0), *z = cJSON_GetArrayItem(r, 1);
		if (!cJSON_IsNumber(a) || !cJSON_IsNumber(z) || a->valuedouble < 0 || z->valuedouble <= a->valuedouble ||
		    z->valuedouble > 1e15)
			return -1;
		long lo = (long)a->valuedouble, hi = (long)z->valuedouble;
		if (out->n && lo <= out->r[out->n - 1][1])
			return -1;
		if (out->n == out->alloc) {
			out->alloc = out->alloc ? out->alloc * 2 : 16;
			out->r = xrealloc(out->r, out->alloc * sizeof(out->r[0]));
		}
		out->r[out->n][0] = lo;
		out->r[out->n][1] = hi;
		out->n++;
	}
	return 0;
}

/* --resume: the SHA-256 of the first cp_hashed bytes of f must be the checkpoint's (a same-size edit with its
 * mtime put back is caught here). */
static int prefix_sha(struct sfile *f, struct err *e)
{
	FILE *in = fopen(f->path, "r");
	if (!in)
		return err_set(e, ERR_NOINPUT, "cannot open '%s': %s", f->path, strerror(errno));
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	char chunk[65536], hex[65] = "";
	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		fclose(in);
		EVP_MD_CTX_free(c);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	long long left = f->cp_hashed;
	int rc = 0;
	while (left > 0) {
		size_t want = left < (long long)sizeof(chunk) ? (size_t)left : sizeof(chunk);
		size_t got = fread(chunk, 1, want, in);
		if (got == 0)
			break;
		EVP_DigestUpdate(c, chunk, got);
		left -= (long long)got;
	}
	if (ferror(in))
		rc = err_set(e, ERR_IO, "cannot read '%s': %s", f->path, strerror(errno));
	fclose(in);
	sha_hex(c, hex);
	EVP_MD_CTX_free(c);
	if (!rc && (left > 0 || strcmp(hex, f->cp_sha)))
		rc = err_set(e, ERR_DATA, "'%s' changed since the checkpoint was written (its SHA-256 differs): delete "
		             "the checkpoint to seed it from the start", f->path);
	return rc;
}

static int checkpoint_load(struct run *R, struct err *e)
{
	FILE *f = fopen(R->cp_path, "r");
	if (!f) {
		if (errno == ENOENT) {
			ctx_note(R->ctx, "no checkpoint '%s': seeding everything", R->cp_path);
			return 0;
		}
		return err_set(e, ERR_NOINPUT, "cannot read the checkpoint '%s': %s", R->cp_path, strerror(errno));
	}
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	cJSON *doc = cJSON_ParseWithLength(buf_cstr(&b), b.len);
	buf_release(&b);
	const cJSON *files = json_get(doc, "files"), *ver = json_get(doc, "ddb_seed_checkpoint");
	if (!doc || !cJSON_IsArray(files) || !cJSON_IsNumber(ver)) {
		cJSON_Delete(doc);
		return err_set(e, ERR_DATA, "the checkpoint '%s' is not a ddb seed checkpoint (delete it to start over)",
		               R->cp_path);
	}
	if (ver->valuedouble != 2) {
		double v = ver->valuedouble;
		cJSON_Delete(doc);
		return err_set(e, ERR_DATA, "the checkpoint '%s' is format %g, written by another version of ddb, and does "
		               "not say where it wrote: delete it to seed from the start", R->cp_path, v);
	}
	/* the destination must be the same: a checkpoint of table A says nothing about table B */
	const cJSON *dest = json_get(doc, "destination");
	const char *want[3][3] = {
		{ "endpoint", R->dest_endpoint ? R->dest_endpoint : "", "endpoint" },
		{ "region", R->ctx->region ? R->ctx->region : "", "region" },
		{ "mode", dest_mode(R->ctx), "mode" },
	};
	for (int k = 0; k < 3; k++) {
		const char *got = json_get_string(dest, want[k][0]);
		if (!got) {
			cJSON_Delete(doc);
			return err_set(e, ERR_DATA, "the checkpoint '%s' is damaged (delete it to start over)", R->cp_path);
		}
		if (strcmp(got, want[k][1])) {
			err_set(e, ERR_DATA, "the checkpoint '%s' is for %s '%s', not '%s': resume with the same destination, "
			        "or delete it to seed from the start", R->cp_path, want[k][2], got, want[k][1]);
			cJSON_Delete(doc);
			return -1;
		}
	}
	const cJSON *fe;
	int rc = 0;
	cJSON_ArrayForEach(fe, files) {
		const char *path = json_get_string(fe, "path"), *mt = json_get_string(fe, "mtime_ns");
		const char *sha = json_get_string(fe, "sha256");
		const cJSON *size = json_get(fe, "size"), *hashed = json_get(fe, "hashed"), *tabs = json_get(fe, "tables");
		if (!path || !mt || !cJSON_IsNumber(size) || !sha || strlen(sha) != 64 || !cJSON_IsNumber(hashed) ||
		    hashed->valuedouble < 0 || !cJSON_IsArray(tabs)) {
			rc = err_set(e, ERR_DATA, "the checkpoint '%s' is damaged (delete it to start over)", R->cp_path);
			break;
		}
		for (size_t i = 0; i < R->nfiles; i++) {
			struct sfile *sf = &R->files[i];
			if (sf->is_stdin || strcmp(sf->path, path))
				continue;
			char *end;
			long long m = strtoll(mt, &end, 10);
			if (*end || (long long)size->valuedouble != sf->size || m != sf->mtime_ns) {
				rc = err_set(e, ERR_DATA, "'%s' changed since the checkpoint '%s' was written: delete the "
				             "checkpoint to seed it from the start", sf->path, R->cp_path);
				break;
			}
			if (parse_ranges(json_get(fe, "done"), &sf->resume) < 0) {
				rc = err_set(e, ERR_DATA, "the checkpoint '%s' is damaged (delete it to start over)", R->cp_path);
				break;
			}
			const cJSON *tn;
			cJSON_ArrayForEach(tn, tabs)
				if (cJSON_IsString(tn))
					file_add_table(sf, tn->valuestring);
			sf->ncp_tabs = sf->ntabs;
			snprintf(sf->cp_sha, sizeof(sf->cp_sha), "%s", sha);
			sf->cp_hashed = (long long)hashed->valuedouble;
			if (sf->resume.n && sf->cp_hashed > sf->size) {
				rc = err_set(e, ERR_DATA, "the checkpoint '%s' is damaged (delete it to start over)", R->cp_path);
				break;
			}
			if (sf->resume.n && prefix_sha(sf, e) < 0) {
				rc = -1;
				break;
			}
			seed_ranges_release(&sf->done);
			if (sf->resume.n) {
				sf->done.r = xmalloc(sf->resume.n * sizeof(sf->done.r[0]));
				memcpy(sf->done.r, sf->resume.r, sf->resume.n * sizeof(sf->done.r[0]));
				sf->done.n = sf->done.alloc = sf->resume.n;
			}
		}
		if (rc)
			break;
	}
	cJSON_Delete(doc);
	return rc;
}

/* ---- accounting ------------------------------------------------------------------------------------------ */

/* One line of the rejects file, flushed at once: a failed write is noticed (and reported as 74) at the line that
 * failed, never claimed kept. */
static void write_reject_line(struct run *R, const char *raw)
{
	if (!R->rej || !raw || R->rej_failed)
		return;
	for (const char *p = raw; *p; p++)
		fputc(*p == '\n' || *p == '\r' ? ' ' : *p, R->rej);
	fputc('\n', R->rej);
	if (fflush(R->rej) != 0 || ferror(R->rej)) {
		R->rej_failed = 1;
		R->rej_errno = errno ? errno : EIO;
	}
}

/* With R->mu held.  At most REPORTS_PER_FILE reports per input file are printed; the rest are counted and shown
 * as one line at the end (report_hidden).  The counts in the summary stay exact. */
static void report_reject(struct run *R, size_t fi, long line, const char *raw, const char *msg)
{
	struct sfile *f = &R->files[fi];
	if (f->reports < REPORTS_PER_FILE) {
		progress_clear(R);
		fprintf(R->ctx->err_out, "ddb: %s: %s:%ld: %s\n", R->ctx->cmd_name ? R->ctx->cmd_name : "seed", f->path,
		        line, msg);
		f->reports++;
	} else {
		f->hidden++;
	}
	write_reject_line(R, raw);
	R->st->rejected++;
}

static void report_hidden(struct run *R)
{
	for (size_t i = 0; i < R->nfiles; i++)
		if (R->files[i].hidden)
			fprintf(R->ctx->err_out, "ddb: %s: %s: %ld more error%s not shown\n",
			        R->ctx->cmd_name ? R->ctx->cmd_name : "seed", R->files[i].path, R->files[i].hidden,
			        R->files[i].hidden == 1 ? "" : "s");
}

static void finish_entry(struct run *R, struct batch *b, int i, enum outcome oc, const char *msg)
{
	struct entry *en = &b->e[i];
	pthread_mutex_lock(&R->mu);
	switch (oc) {
	case OUT_DONE:
		R->st->written++;
		if (!R->files[en->file].is_stdin)
			seed_ranges_add(&R->files[en->file].done, en->ord);
		R->completed_since_cp++;
		break;
	case OUT_REJECT:
		report_reject(R, en->file, en->line, en->raw, msg);
		break;
	case OUT_TEMPFAIL:
		R->tempfail++;
		R->st->not_written++;
		/* a later line with this key must not be written before this one is (--resume sends this one) */
		if (en->key && !keyset_has(&R->failed, en->key))
			keyset_add(&R->failed, xstrdup(en->key));
		break;
	case OUT_DROPPED:
		R->st->not_written++;
		break;
	}
	if (en->key) {
		keyset_remove(&R->inflight, en->key);
		/* an attempt that timed out may still be applied by the server: a later line with this key waits one
		 * --timeout, so that the late write cannot land after it */
		if (en->uncertain)
			linger_add(&R->linger, en->key, mono() + R->linger_s);
	}
	pthread_cond_broadcast(&R->cv_change);
	pthread_mutex_unlock(&R->mu);
}

static void set_fatal(struct run *R, const struct err *e)
{
	pthread_mutex_lock(&R->mu);
	if (!R->has_fatal) {
		R->has_fatal = 1;
		R->fatal = *e;
	}
	R->stop = 1;
	pthread_cond_broadcast(&R->cv_change);
	pthread_cond_broadcast(&R->cv_work);
	pthread_mutex_unlock(&R->mu);
}

/* ---- workers ------------------------------------------------------------------------------------------- */

struct worker {
	struct run *R;
	struct http *http;
	pthread_t th;
};

static int sleep_backoff(struct run *R, int attempt)
{
	long ceil_ms = BACKOFF_BASE_MS;
	for (int i = 0; i < attempt && ceil_ms < BACKOFF_CAP_MS; i++)
		ceil_ms *= 2;
	if (ceil_ms > BACKOFF_CAP_MS)
		ceil_ms = BACKOFF_CAP_MS;
	unsigned int r = 0;
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (unsigned int)(mono() * 1e6);
	long ms = (long)(r % (unsigned long)ceil_ms);
	while (ms > 0) {
		if (R->stop || ctx_interrupted(R->ctx))
			return -1;
		long step = ms > 50 ? 50 : ms;
		struct timespec ts = { 0, step * 1000000L };
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return 0;
}

static void build_body(const struct batch *b, const int *idx, int n, struct buf *body)
{
	buf_reset(body);
	buf_addf(body, "{\"RequestItems\":{%s:[", b->t->wire_json);
	for (int k = 0; k < n; k++) {
		const struct entry *en = &b->e[idx[k]];
		buf_adds(body, k ? "," : "");
		buf_adds(body, en->del ? "{\"DeleteRequest\":{\"Key\":" : "{\"PutRequest\":{\"Item\":");
		buf_add(body, en->json, en->json_len);
		buf_adds(body, "}}");
	}
	buf_adds(body, "]}}");
}

/* 1 when a member name of UnprocessedItems names table t: its name, or an ARN ending in ":table/<name>". */
static int names_table(const struct stable *t, const char *name)
{
	if (!strcmp(name, t->wire))
		return 1;
	size_t n = strlen(name), w = strlen(t->wire);
	return !strncmp(name, "arn:", 4) && n > w + 7 && !strcmp(name + n - w, t->wire) &&
	       !strncmp(name + n - w - 7, ":table/", 7);
}

/* Which of the sent entries pend[0..np) DynamoDB left unprocessed: left[k] = 1.  Matched by table name or ARN
 * and by key; an entry that matches nothing that was sent (another table, a mangled key) makes the whole batch
 * unprocessed — never counted written on a guess.  -1 when the response is not JSON. */
static int unprocessed(const struct batch *b, const int *pend, int np, const struct buf *body, int *left)
{
	const struct stable *t = b->t;
	memset(left, 0, (size_t)np * sizeof(int));
	cJSON *doc = cJSON_ParseWithLength(buf_cstr(body), body->len);
	if (!doc)
		return -1;
	const cJSON *ui = json_get(doc, "UnprocessedItems"), *m, *req;
	int all = ui && !cJSON_IsObject(ui);
	struct buf kb = BUF_INIT;
	const cJSON *uo = cJSON_IsObject(ui) ? ui : NULL;
	cJSON_ArrayForEach(m, uo) {
		if (!m->string || !names_table(t, m->string) || !cJSON_IsArray(m)) {
			all = 1;
			break;
		}
		cJSON_ArrayForEach(req, m) {
			const cJSON *it = json_get(json_get(req, "PutRequest"), "Item");
			if (!it)
				it = json_get(json_get(req, "DeleteRequest"), "Key");
			struct err e = ERR_INIT;
			buf_reset(&kb);
			buf_addf(&kb, "%d\x1f", t->idx);
			int found = 0;
			if (it && item_key_string(it, t->keys, t->nkeys, &kb, &e) == 0) {
				const char *ks = buf_cstr(&kb);
				for (int k = 0; k < np; k++)
					if (!strcmp(ks, b->e[pend[k]].key)) {
						left[k] = found = 1;
						break;
					}
			}
			if (!found)
				all = 1;
		}
		if (all)
			break;
	}
	buf_release(&kb);
	cJSON_Delete(doc);
	if (all)
		for (int k = 0; k < np; k++)
			left[k] = 1;
	return 0;
}

static int is_table_error(const struct err *e)
{
	return !strcmp(e->type, "ResourceNotFoundException") || !strcmp(e->type, "ResourceInUseException");
}

static void send_entries(struct worker *W, struct batch *b, const int *idx, int n)
{
	struct run *R = W->R;
	int pend[SEED_BATCH_MAX], np = n, retries = 0, fails5xx = 0;
	struct buf body = BUF_INIT;
	memcpy(pend, idx, (size_t)n * sizeof(int));

	while (np > 0) {
		if (R->stop || ctx_interrupted(R->ctx))
			break;
		build_body(b, pend, np, &body);
		struct aws_request rq = { &aws_dynamodb, "BatchWriteItem", body.ptr, body.len, W->http, NULL, 0, NULL, 0, 0 };
		struct aws_response resp;
		struct err e = ERR_INIT;
		aws_response_init(&resp);
		int rc = aws_send(R->ctx, &rq, &resp, &e);
		if (resp.attempts > 1) {
			pthread_mutex_lock(&R->mu);
			R->st->retried += (long)(resp.attempts - 1) * np;
			pthread_mutex_unlock(&R->mu);
		}
		/* attempts that failed neither throttled nor answered: their writes may still be applied later */
		if (resp.attempts - resp.retried_throttles - (rc == 0 ? 1 : 0) > 0)
			for (int k = 0; k < np; k++)
				b->e[pend[k]].uncertain = 1;
		if (rc == 0) {
			int left[SEED_BATCH_MAX];
			if (unprocessed(b, pend, np, &resp.body, left) < 0) {
				aws_response_release(&resp);
				err_set(&e, ERR_DATA, "BatchWriteItem: the response is not valid JSON");
				set_fatal(R, &e);
				break;
			}
			aws_response_release(&resp);
			fails5xx = 0;
			int keep = 0;
			for (int k = 0; k < np; k++) {
				if (left[k])
					pend[keep++] = pend[k];
				else
					finish_entry(R, b, pend[k], OUT_DONE, NULL);
			}
			np = keep;
			if (!np)
				break;
			err_set(&e, ERR_TEMPFAIL, "%d items still unprocessed (UnprocessedItems)", np);
		} else {
			aws_response_release(&resp);
			if (e.kind == ERR_INTERRUPTED)
				break;
			if (e.kind == ERR_SERVICE && !is_table_error(&e)) {
				if (np > 1) {   /* find the bad items: one by one */
					for (int k = 0; k < np; k++)
						send_entries(W, b, &pend[k], 1);
					np = 0;
					break;
				}
				char msg[sizeof(e.msg) + sizeof(e.type) + 8];
				if (e.type[0] && !strstr(e.msg, e.type))
					snprintf(msg, sizeof(msg), "%s (%s)", e.msg, e.type);
				else
					snprintf(msg, sizeof(msg), "%s", e.msg);
				finish_entry(R, b, pend[0], OUT_REJECT, msg);
				np = 0;
				break;
			}
			if (e.kind != ERR_TEMPFAIL) {
				set_fatal(R, &e);
				break;
			}
			/* a batch that keeps failing with 5xx may hold one item the server chokes on: split it, so the good
			 * items are written and only the bad one is left not written */
			if (e.http_status >= 500 && ++fails5xx >= BISECT_AFTER_5XX && np > 1) {
				int half = np / 2;
				send_entries(W, b, pend, half);
				send_entries(W, b, pend + half, np - half);
				np = 0;
				break;
			}
		}
		/* unprocessed, throttled or failed after aws_send's own attempts: our budget */
		if (retries >= R->max_retries) {
			pthread_mutex_lock(&R->mu);
			R->last_temp = e;
			pthread_mutex_unlock(&R->mu);
			for (int k = 0; k < np; k++)
				finish_entry(R, b, pend[k], OUT_TEMPFAIL, NULL);
			np = 0;
			break;
		}
		retries++;
		pthread_mutex_lock(&R->mu);
		R->st->retried += np;
		pthread_mutex_unlock(&R->mu);
		if (sleep_backoff(R, retries) < 0)
			break;
	}
	for (int k = 0; k < np; k++)
		finish_entry(R, b, pend[k], OUT_DROPPED, NULL);
	buf_release(&body);
}

static void *worker_main(void *arg)
{
	struct worker *W = arg;
	struct run *R = W->R;
	for (;;) {
		pthread_mutex_lock(&R->mu);
		while (!R->qlen && !R->closed)
			pthread_cond_wait(&R->cv_work, &R->mu);
		if (!R->qlen) {
			pthread_mutex_unlock(&R->mu);
			break;
		}
		struct batch *b = R->q[R->qhead];
		R->qhead = (R->qhead + 1) % R->qcap;
		R->qlen--;
		pthread_cond_broadcast(&R->cv_change);
		pthread_mutex_unlock(&R->mu);

		int idx[SEED_BATCH_MAX];
		for (int i = 0; i < b->n; i++)
			idx[i] = i;
		if (R->stop || ctx_interrupted(R->ctx)) {
			for (int i = 0; i < b->n; i++)
				finish_entry(R, b, i, OUT_DROPPED, NULL);
		} else {
			send_entries(W, b, idx, b->n);
		}
		batch_free(b);
	}
	aws_thread_cleanup();
	return NULL;
}

/* ---- the producer ---------------------------------------------------------------------------------------- */

static int batch_conflicts(struct run *R, const struct batch *b)
{
	double now = mono();
	for (int i = 0; i < b->n; i++)
		if (keyset_has(&R->inflight, b->e[i].key) || linger_has(&R->linger, b->e[i].key, now))
			return 1;
	return 0;
}

/* Hand b to the workers (or drop it when stopping). */
static void dispatch(struct run *R, struct batch *b)
{
	if (!b || !b->n) {
		batch_free(b);
		return;
	}
	pthread_mutex_lock(&R->mu);
	while (!R->stop && !ctx_interrupted(R->ctx) && (R->qlen == R->qcap || batch_conflicts(R, b))) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&R->cv_change, &R->mu, &ts);
	}
	if (R->stop || ctx_interrupted(R->ctx)) {
		R->st->not_written += b->n;
		pthread_mutex_unlock(&R->mu);
		batch_free(b);
		return;
	}
	/* Lines whose key has an earlier write not written are not written either: a resume then sends both in file
	 * order (the earlier line alone would overwrite this one, which is later in the file, so it wins). */
	int kept = 0;
	for (int i = 0; i < b->n; i++) {
		if (keyset_has(&R->failed, b->e[i].key)) {
			R->st->not_written++;
			entry_release(&b->e[i]);
			continue;
		}
		if (kept != i) {
			b->e[kept] = b->e[i];
			memset(&b->e[i], 0, sizeof(b->e[i]));
		}
		kept++;
	}
	b->n = kept;
	if (!b->n) {
		pthread_cond_broadcast(&R->cv_change);
		pthread_mutex_unlock(&R->mu);
		batch_free(b);
		return;
	}
	for (int i = 0; i < b->n; i++)
		keyset_add(&R->inflight, b->e[i].key);
	R->q[(R->qhead + R->qlen) % R->qcap] = b;
	R->qlen++;
	pthread_cond_signal(&R->cv_work);
	pthread_mutex_unlock(&R->mu);
}

static void reject_now(struct run *R, size_t fi, long line, const char *raw, const char *msg)
{
	pthread_mutex_lock(&R->mu);
	report_reject(R, fi, line, raw, msg);
	pthread_mutex_unlock(&R->mu);
}

/* The table for a user-written name: described once (key schema and attribute types). */
static struct stable *get_table(struct run *R, const char *user, struct err *e)
{
	for (size_t i = 0; i < R->ntables; i++)
		if (!strcmp(R->tables[i]->user, user))
			return R->tables[i];
	char *wire = ctx_table_wire(R->ctx, user);
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	cJSON_AddStringToObject(in, "TableName", wire);
	int rc = aws_json(R->ctx, &aws_dynamodb, "DescribeTable", in, &out, e);
	cJSON_Delete(in);
	if (rc < 0) {
		if (aws_is_not_found(e)) {
			e->kind = ERR_NOINPUT;
			snprintf(e->msg, sizeof(e->msg), "table '%s' does not exist (create it with 'ddb schema-load')", user);
			e->type[0] = '\0';
		}
		free(wire);
		return NULL;
	}
	struct stable *t = xcalloc(1, sizeof(*t));
	t->user = xstrdup(user);
	t->wire = wire;
	cJSON *ws = cJSON_CreateString(wire);
	t->wire_json = cJSON_PrintUnformatted(ws);
	cJSON_Delete(ws);
	const cJSON *td = json_get(out, "Table"), *ks = json_get(td, "KeySchema"), *ad = json_get(td, "AttributeDefinitions");
	const cJSON *x;
	cJSON_ArrayForEach(x, ad) {
		const char *n = json_get_string(x, "AttributeName"), *ty = json_get_string(x, "AttributeType");
		if (!n || !ty)
			continue;
		t->attr_names = xrealloc(t->attr_names, (t->nattrs + 1) * sizeof(char *));
		t->attr_types = xrealloc(t->attr_types, t->nattrs + 1);
		t->attr_names[t->nattrs] = xstrdup(n);
		t->attr_types[t->nattrs++] = ty[0];
	}
	cJSON_ArrayForEach(x, ks) {
		const char *n = json_get_string(x, "AttributeName"), *kt = json_get_string(x, "KeyType");
		if (!n || !kt)
			continue;
		size_t slot = !strcmp(kt, "HASH") ? 0 : 1;
		t->key_names[slot] = xstrdup(n);
		t->keys[slot].name = t->key_names[slot];
		t->keys[slot].type = 'S';
		for (size_t i = 0; i < t->nattrs; i++)
			if (!strcmp(t->attr_names[i], n))
				t->keys[slot].type = t->attr_types[i];
	}
	cJSON_Delete(out);
	if (!t->key_names[0]) {
		table_free(t);
		err_set(e, ERR_DATA, "DescribeTable '%s': no hash key in the response", user);
		return NULL;
	}
	t->nkeys = t->key_names[1] ? 2 : 1;
	t->idx = (int)R->ntables;
	R->tables = xrealloc(R->tables, (R->ntables + 1) * sizeof(*R->tables));
	R->tables[R->ntables++] = t;
	if (R->ntables == 1)
		snprintf(R->st->table, sizeof(R->st->table), "%s", user);
	R->st->ntables = (int)R->ntables;
	return t;
}

/* Validate one typed item (owned) of file fi and add it to its table's batch. */
static int take_item(struct run *R, size_t fi, long ord, long line, struct stable *t, cJSON *typed, int del,
                     const char *raw, size_t raw_len)
{
	struct err e = ERR_INIT;
	struct buf kb = BUF_INIT;
	struct sfile *f = &R->files[fi];
	int ok = 0;

	R->st->items++;
	if (f->resume.n) {   /* the checkpoint confirms writes of this file: to these tables only */
		int known = 0;
		for (size_t i = 0; i < f->ncp_tabs && !known; i++)
			known = !strcmp(f->tabs[i], t->wire);
		if (!known) {
			cJSON_Delete(typed);
			err_set(&e, ERR_DATA, "the checkpoint '%s' is for table '%s', not '%s': resume with the same table and "
			        "namespace, or delete it to seed from the start", R->cp_path, f->ncp_tabs ? f->tabs[0] : "?",
			        t->wire);
			pthread_mutex_lock(&R->mu);
			R->st->not_written++;
			pthread_mutex_unlock(&R->mu);
			set_fatal(R, &e);
			return -1;
		}
	}
	if (seed_ranges_has(&f->resume, ord)) {
		pthread_mutex_lock(&R->mu);
		R->st->skipped++;
		pthread_mutex_unlock(&R->mu);
		cJSON_Delete(typed);
		return 0;
	}
	buf_addf(&kb, "%d\x1f", t->idx);
	if (item_key_string(typed, t->keys, t->nkeys, &kb, &e) < 0)
		goto bad;
	for (const cJSON *a = typed->child; a; a = a->next)
		if (strlen(a->string) > SEED_ATTR_NAME_MAX) {
			err_set(&e, ERR_DATA, "an attribute name is %zu bytes, over DynamoDB's 64 KB limit", strlen(a->string));
			goto bad;
		}
	if (del) {
		if ((size_t)cJSON_GetArraySize(typed) != t->nkeys) {
			err_set(&e, ERR_DATA, "a DeleteRequest Key must hold exactly the table's key attributes");
			goto bad;
		}
	} else {
		size_t size = 0;
		if (item_size(typed, &size, &e) < 0)
			goto bad;
		if (size > ITEM_MAX_BYTES) {
			err_set(&e, ERR_DATA, "item is %zu bytes, over DynamoDB's 400 KB limit", size);
			goto bad;
		}
		for (size_t i = 0; i < t->nattrs; i++) {
			const cJSON *av = json_get(typed, t->attr_names[i]);
			const char *ty = av ? item_value_type(av, NULL) : NULL;
			if (!ty)
				continue;
			if (strlen(ty) != 1 || ty[0] != t->attr_types[i]) {
				err_set(&e, ERR_DATA, "attribute '%s' is an index key of type %c, not %s", t->attr_names[i],
				        t->attr_types[i], ty);
				goto bad;
			}
			const cJSON *pl = NULL;
			item_value_type(av, &pl);
			if (cJSON_IsString(pl) && !pl->valuestring[0]) {
				err_set(&e, ERR_DATA, "attribute '%s' is an index key: it cannot be empty", t->attr_names[i]);
				goto bad;
			}
		}
	}
	ok = 1;
bad:
	if (!ok) {
		buf_release(&kb);
		cJSON_Delete(typed);
		char *r = xstrndup(raw, raw_len);
		reject_now(R, fi, line, r, e.msg);
		free(r);
		return 0;
	}
	if (R->dry) {
		buf_release(&kb);
		cJSON_Delete(typed);
		return 0;
	}
	struct entry en = { 0 };
	en.del = del;
	en.json = json_print_compact(typed);
	cJSON_Delete(typed);
	if (!en.json) {
		buf_release(&kb);
		pthread_mutex_lock(&R->mu);
		R->st->not_written++;
		pthread_mutex_unlock(&R->mu);
		err_set(&e, ERR_INTERNAL, "out of memory");
		set_fatal(R, &e);
		return -1;
	}
	en.json_len = strlen(en.json);
	if (!f->is_stdin && !f->no_cp)
		file_add_table(f, t->wire);
	en.key = buf_detach(&kb, NULL);
	en.raw = xstrndup(raw, raw_len);
	en.file = fi;
	en.ord = ord;
	en.line = line;

	struct batch *b = t->cur;
	if (b) {
		int dup = 0;
		for (int i = 0; i < b->n && !dup; i++)
			dup = !strcmp(b->e[i].key, en.key);
		if (dup || b->bytes + en.json_len + 64 > SEED_REQUEST_MAX_BYTES) {
			t->cur = NULL;
			dispatch(R, b);
		}
	}
	if (!t->cur) {
		t->cur = xcalloc(1, sizeof(struct batch));
		t->cur->t = t;
	}
	b = t->cur;
	b->e[b->n++] = en;
	b->bytes += en.json_len + 32;
	if (b->n == SEED_BATCH_MAX) {
		t->cur = NULL;
		dispatch(R, b);
	}
	return 0;
}

static int is_request(const cJSON *r)
{
	return cJSON_IsObject(r) && r->child && !r->child->next &&
	       (!strcmp(r->child->string, "PutRequest") || !strcmp(r->child->string, "DeleteRequest"));
}

/* A request-items line: every member an array of objects, each naming PutRequest or DeleteRequest (one that
 * holds more than that is a bad request, reported as such, as in a request-items document). */
static int is_request_shape(const cJSON *v)
{
	const cJSON *m, *r;
	if (!cJSON_IsObject(v) || !v->child)
		return 0;
	cJSON_ArrayForEach(m, v) {
		if (!cJSON_IsArray(m) || !m->child)
			return 0;
		cJSON_ArrayForEach(r, m) {
			if (!cJSON_IsObject(r) || (!json_get(r, "PutRequest") && !json_get(r, "DeleteRequest")))
				return 0;
		}
	}
	return 1;
}

#define BAD_REQUEST_MSG "a request must be {\"PutRequest\":{\"Item\":...}} or {\"DeleteRequest\":{\"Key\":...}}"

static const char *file_table(struct run *R, size_t fi, char **owned)
{
	*owned = NULL;
	if (R->o->table)
		return R->o->table;
	if (R->files[fi].is_stdin)
		return NULL;
	return *owned = seed_table_from_path(R->files[fi].path);
}

/* One request entry {"PutRequest":{"Item":..}} / {"DeleteRequest":{"Key":..}} for table tname. */
static int take_request(struct run *R, size_t fi, long line, const char *tname, const cJSON *req)
{
	long ord = R->files[fi].next_ord++;
	struct err e = ERR_INIT;
	cJSON *tn = cJSON_CreateString(tname);
	char *tj = cJSON_PrintUnformatted(tn), *rj = json_print_compact(req);
	cJSON_Delete(tn);
	char *raw = xasprintf("{%s:[%s]}", tj ? tj : "\"\"", rj ? rj : "{}");
	cJSON_free(tj);
	free(rj);

	const cJSON *put = json_get(req, "PutRequest"), *del = json_get(req, "DeleteRequest");
	const cJSON *it = put ? json_get(put, "Item") : json_get(del, "Key");
	int rc = 0;
	if (!cJSON_IsObject(it)) {
		R->st->items++;
		reject_now(R, fi, line, raw, put ? "PutRequest has no Item object" : "DeleteRequest has no Key object");
		goto out;
	}
	struct stable *t = get_table(R, R->o->table ? R->o->table : tname, &e);
	if (!t) {
		set_fatal(R, &e);
		rc = -1;
		goto out;
	}
	cJSON *typed = item_as_ddb(it, ITEM_FORMAT_DDB, &e);
	if (!typed) {
		R->st->items++;
		reject_now(R, fi, line, raw, e.msg);
		goto out;
	}
	rc = take_item(R, fi, ord, line, t, typed, del != NULL, raw, strlen(raw));
out:
	free(raw);
	return rc;
}

/* {"<table>":[{"<what>":<text>}]} (what: PutRequest":{"Item ...; NULL: the text is the request) — caller frees. */
static char *request_line(const char *table, const char *what, const char *text, size_t len)
{
	cJSON *tn = cJSON_CreateString(table);
	char *tj = cJSON_PrintUnformatted(tn);
	cJSON_Delete(tn);
	char *out = what ? xasprintf("{%s:[{\"%s\":%.*s}}]}", tj ? tj : "\"\"", what, (int)len, text)
	                 : xasprintf("{%s:[%.*s]}", tj ? tj : "\"\"", (int)len, text);
	cJSON_free(tj);
	return out;
}

/* One JSON text (a JSONL line or an array element) starting at `line`. */
static int take_unit(struct run *R, size_t fi, const char *text, size_t len, long line)
{
	struct sfile *f = &R->files[fi];
	struct err e = ERR_INIT;
	cJSON *v = json_parse_exact(text, len, &e);
	if (!v) {
		f->next_ord++;
		R->st->items++;
		char *r = xstrndup(text, len);
		reject_now(R, fi, line, r, e.msg);
		free(r);
		return 0;
	}
	int rc = 0;
	if (R->o->format != ITEM_FORMAT_PLAIN && is_request_shape(v)) {
		const cJSON *m, *r;
		cJSON_ArrayForEach(m, v) {
			cJSON_ArrayForEach(r, m) {
				if (!is_request(r)) {
					f->next_ord++;
					R->st->items++;
					char *rj = json_print_compact(r);
					char *raw = request_line(m->string, NULL, rj ? rj : "{}", rj ? strlen(rj) : 2);
					reject_now(R, fi, line, raw, BAD_REQUEST_MSG);
					free(raw);
					free(rj);
					continue;
				}
				if ((rc = take_request(R, fi, line, m->string, r)) < 0)
					break;
			}
			if (rc < 0)
				break;
		}
		cJSON_Delete(v);
		return rc;
	}
	long ord = f->next_ord++;
	if (!cJSON_IsObject(v)) {
		cJSON_Delete(v);
		R->st->items++;
		char *r = xstrndup(text, len);
		reject_now(R, fi, line, r, "an item must be a JSON object");
		free(r);
		return 0;
	}
	char *owned;
	const char *tname = file_table(R, fi, &owned);
	if (!tname) {
		cJSON_Delete(v);
		err_set(&e, ERR_USAGE, "%s: no table for these items: give --table", f->path);
		set_fatal(R, &e);
		return -1;
	}
	struct stable *t = get_table(R, tname, &e);
	if (!t) {
		free(owned);
		cJSON_Delete(v);
		set_fatal(R, &e);
		return -1;
	}
	if (f->format == ITEM_FORMAT_AUTO)
		f->format = item_detect_format(v);
	/* the rejects file must seed back as it is, whatever else it holds: a DynamoDB JSON item is kept as a request
	 * line (always read as DynamoDB JSON), a plain one as given */
	char *raw = f->format == ITEM_FORMAT_DDB ? request_line(tname, "PutRequest\":{\"Item", text, len)
	                                         : xstrndup(text, len);
	cJSON *typed = item_as_ddb(v, f->format, &e);
	cJSON_Delete(v);
	if (!typed) {
		R->st->items++;
		reject_now(R, fi, line, raw, e.msg);
	} else {
		rc = take_item(R, fi, ord, line, t, typed, 0, raw, strlen(raw));
	}
	free(raw);
	free(owned);
	return rc;
}

static int stopping(struct run *R)
{
	return R->stop || ctx_interrupted(R->ctx);
}

static void tick(struct run *R)
{
	progress_draw(R, 0);
	checkpoint_maybe(R);
}

/* An element over SEED_LINE_MAX: reported (not kept in --rejects: it could not be seeded back), skipped. */
static void too_long(struct run *R, size_t fi, long line, size_t len)
{
	char msg[128];
	R->files[fi].next_ord++;
	R->st->items++;
	snprintf(msg, sizeof(msg), "too long (%zu bytes; the cap is %u MiB)", len, SEED_LINE_MAX >> 20);
	reject_now(R, fi, line, NULL, msg);
}

/* A whole JSON document: an array of items, a request-items object, or one item. */
static int take_doc(struct run *R, size_t fi, const char *s, size_t n, long base_line)
{
	size_t i = skip_ws(s, n, 0), pos = 0;
	long line = base_line;
	struct err e = ERR_INIT;
#define LINE_AT(off) do { for (; pos < (off); pos++) if (s[pos] == '\n') line++; } while (0)
	if (s[i] == '[') {
		for (i = skip_ws(s, n, i + 1); i < n && s[i] != ']';) {
			size_t end = seed_skip_value(s, n, i);
			if (end == (size_t)-1 || end == i)
				goto broken;
			LINE_AT(i);
			if (end - i > SEED_LINE_MAX) {
				too_long(R, fi, line, end - i);
			} else if (take_unit(R, fi, s + i, end - i, line) < 0) {
				return -1;
			}
			R->bytes_done += (long long)(end - i);
			tick(R);
			if (stopping(R))
				return 0;
			i = skip_ws(s, n, end);
			if (i < n && s[i] == ',')
				i = skip_ws(s, n, i + 1);
			else if (i >= n || s[i] != ']')
				goto broken;
		}
		if (i >= n)
			goto broken;
		i = skip_ws(s, n, i + 1);
		if (i < n)
			goto broken;
		return 0;
	}
	/* an object: request items when every member is an array */
	int req = 1;
	for (size_t j = skip_ws(s, n, i + 1); j < n && s[j] != '}';) {
		size_t ke = seed_skip_value(s, n, j);
		if (s[j] != '"' || ke == (size_t)-1)
			goto broken;
		j = skip_ws(s, n, ke);
		if (j >= n || s[j] != ':')
			goto broken;
		j = skip_ws(s, n, j + 1);
		if (j >= n || s[j] != '[') {
			req = 0;
			break;
		}
		size_t ve = seed_skip_value(s, n, j);
		if (ve == (size_t)-1)
			goto broken;
		j = skip_ws(s, n, ve);
		if (j < n && s[j] == ',')
			j = skip_ws(s, n, j + 1);
	}
	if (!req || R->o->format == ITEM_FORMAT_PLAIN) {
		size_t end = seed_skip_value(s, n, i);
		if (end == (size_t)-1 || skip_ws(s, n, end) != n)
			goto broken;
		return take_unit(R, fi, s + i, end - i, line);
	}
	for (i = skip_ws(s, n, i + 1); i < n && s[i] != '}';) {
		size_t ke = seed_skip_value(s, n, i);
		cJSON *kn = json_parse_exact(s + i, ke - i, &e);
		if (!cJSON_IsString(kn)) {
			cJSON_Delete(kn);
			goto broken;
		}
		char *tname = xstrdup(kn->valuestring);
		cJSON_Delete(kn);
		i = skip_ws(s, n, skip_ws(s, n, ke) + 1);   /* past ':' */
		for (i = skip_ws(s, n, i + 1); i < n && s[i] != ']';) {
			size_t end = seed_skip_value(s, n, i);
			if (end == (size_t)-1 || end == i) {
				free(tname);
				goto broken;
			}
			LINE_AT(i);
			cJSON *r = end - i > SEED_LINE_MAX ? NULL : json_parse_exact(s + i, end - i, &e);
			int rc;
			if (end - i > SEED_LINE_MAX) {
				too_long(R, fi, line, end - i);
				rc = 0;
			} else if (!r) {
				R->files[fi].next_ord++;
				R->st->items++;
				char *raw = request_line(tname, NULL, s + i, end - i);   /* re-seedable: with its table */
				reject_now(R, fi, line, raw, e.msg);
				free(raw);
				rc = 0;
			} else if (!is_request(r)) {
				R->files[fi].next_ord++;
				R->st->items++;
				char *raw = request_line(tname, NULL, s + i, end - i);   /* re-seedable: with its table */
				reject_now(R, fi, line, raw, BAD_REQUEST_MSG);
				free(raw);
				rc = 0;
			} else {
				rc = take_request(R, fi, line, tname, r);
			}
			cJSON_Delete(r);
			if (rc < 0) {
				free(tname);
				return -1;
			}
			R->bytes_done += (long long)(end - i);
			tick(R);
			if (stopping(R)) {
				free(tname);
				return 0;
			}
			i = skip_ws(s, n, end);
			if (i < n && s[i] == ',')
				i = skip_ws(s, n, i + 1);
			else if (i >= n || s[i] != ']') {
				free(tname);
				goto broken;
			}
		}
		free(tname);
		if (i >= n)
			goto broken;
		i = skip_ws(s, n, i + 1);
		if (i < n && s[i] == ',')
			i = skip_ws(s, n, i + 1);
	}
	return 0;
broken:
	/* the document's structure is broken here: what follows cannot be read as items */
	LINE_AT(i < n ? i : n);
	R->files[fi].next_ord++;
	R->st->items++;
	err_clear(&e);
	{
		cJSON *whole = json_parse_exact(s, n, &e);
		if (whole) {
			cJSON_Delete(whole);
			err_set(&e, ERR_DATA, "not an array of items or a request-items object");
		}
		char *msg = xasprintf("%s; the rest of the file was not loaded", e.msg);
		reject_now(R, fi, line, NULL, msg);
		free(msg);
	}
	return 0;
#undef LINE_AT
}

/* 1 when the first line of a file (from its first non-blank character) does not hold a whole JSON value. */
static int incomplete_line(const char *s, size_t n)
{
	size_t i = skip_ws(s, n, 0);
	return i < n && seed_skip_value(s, n, i) == (size_t)-1;
}

/* A bounded line reader: lines up to SEED_LINE_MAX bytes are returned whole; a longer one is skipped up to its
 * end (memory stays at the cap whatever the input) and reported with its length.  Every byte read is hashed into
 * the file's SHA-256 (the checkpoint records it).  A read error is an error, never an end of file. */
struct lreader {
	FILE *in;
	struct sfile *f;
	char chunk[65536];
	size_t pos, len;
	int err;                  /* errno of a failed read, else 0 */
	char *line;               /* the current line (not NUL-terminated), up to SEED_LINE_MAX bytes */
	size_t n, cap;
};

static int lr_fill(struct lreader *r)   /* 1 bytes available, 0 end of file, -1 read error */
{
	if (r->pos < r->len)
		return 1;
	r->pos = r->len = 0;
	errno = 0;
	size_t got = fread(r->chunk, 1, sizeof(r->chunk), r->in);
	if (got > 0) {
		if (r->f->sha)
			EVP_DigestUpdate(r->f->sha, r->chunk, got);
		r->f->hashed += (long long)got;
		r->len = got;
		return 1;
	}
	if (ferror(r->in)) {
		r->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

enum { LR_EOF, LR_LINE, LR_LONG, LR_BINARY, LR_ERROR };

/* The next line into r->line/r->n (the newline not included).  LR_LONG: the line was longer than the cap and
 * skipped (*total: its length); LR_BINARY: a NUL byte inside an over-long line — not text, the rest of the file
 * is not read (so /dev/zero ends); *consumed: the bytes taken from the input. */
static int lr_line(struct lreader *r, long long *total, long long *consumed)
{
	long long tot = 0;
	int lng = 0;
	r->n = 0;
	*consumed = 0;
	for (;;) {
		int fr = lr_fill(r);
		if (fr < 0)
			return LR_ERROR;
		if (fr == 0) {
			*total = tot;
			return lng ? LR_LONG : tot ? LR_LINE : LR_EOF;
		}
		char *base = r->chunk + r->pos, *nl = memchr(base, '\n', r->len - r->pos);
		size_t take = nl ? (size_t)(nl - base) : r->len - r->pos;
		if (!lng && r->n + take > SEED_LINE_MAX) {
			lng = 1;
			r->n = 0;
		}
		if (lng) {
			if (memchr(base, '\0', take)) {
				r->pos += take + (nl != NULL);
				*consumed += (long long)(take + (nl != NULL));
				*total = tot + (long long)take;
				return LR_BINARY;
			}
		} else {
			if (r->n + take > r->cap) {
				size_t nc = r->cap ? r->cap : 4096;
				while (nc < r->n + take)
					nc *= 2;
				if (nc > SEED_LINE_MAX)
					nc = SEED_LINE_MAX;
				r->line = xrealloc(r->line, nc);
				r->cap = nc;
			}
			memcpy(r->line + r->n, base, take);
			r->n += take;
		}
		tot += (long long)take;
		r->pos += take + (nl != NULL);
		*consumed += (long long)(take + (nl != NULL));
		if (nl) {
			*total = tot;
			return lng ? LR_LONG : LR_LINE;
		}
	}
}

static int read_input(struct run *R, size_t fi, struct err *e)
{
	struct sfile *f = &R->files[fi];
	struct lreader r;
	int own = 0;
	memset(&r, 0, sizeof(r));
	r.f = f;
	if (f->is_stdin) {
		r.in = R->spool ? R->spool : stdin;
		if (R->spool)
			rewind(R->spool);
	} else {
		r.in = fopen(f->path, "r");
		if (!r.in)
			return err_set(e, ERR_NOINPUT, "cannot open '%s': %s", f->path, strerror(errno));
		own = 1;
	}
	f->next_ord = 0;
	f->hashed = 0;
	if (f->sha)
		EVP_DigestInit_ex(f->sha, EVP_sha256(), NULL);
	if (R->o->format != ITEM_FORMAT_AUTO)
		f->format = R->o->format;
	long lineno = 0;
	int first = 1, rc = 0, k;
	long long total, used;
	while (!stopping(R) && (k = lr_line(&r, &total, &used)) != LR_EOF) {
		if (k == LR_ERROR)
			break;
		lineno++;
		R->bytes_done += used;
		if (k == LR_LONG || k == LR_BINARY) {
			/* too long to be an item (DynamoDB's limit is 400 KB): reported, not kept in --rejects */
			f->next_ord++;
			R->st->items++;
			char msg[160];
			if (k == LR_LONG)
				snprintf(msg, sizeof(msg), "too long (%lld bytes; the cap is %u MiB)", total,
				         SEED_LINE_MAX >> 20);
			else
				snprintf(msg, sizeof(msg), "too long (over %u MiB) and binary (a NUL byte): the rest of the file "
				         "was not read", SEED_LINE_MAX >> 20);
			reject_now(R, fi, lineno, NULL, msg);
			first = 0;
			if (k == LR_BINARY)
				break;
			tick(R);
			continue;
		}
		size_t n = r.n;
		while (n && r.line[n - 1] == '\r')
			n--;
		size_t i = skip_ws(r.line, n, 0);
		if (i == n)
			continue;
		if (first && (r.line[i] == '[' || (r.line[i] == '{' && incomplete_line(r.line, n)))) {
			/* a JSON document: read the whole of it (buf's cap bounds it) */
			struct buf doc = BUF_INIT;
			buf_add(&doc, r.line, r.n);
			buf_add(&doc, "\n", 1);
			int fr;
			while ((fr = lr_fill(&r)) > 0) {
				if (buf_add(&doc, r.chunk + r.pos, r.len - r.pos) < 0) {
					buf_release(&doc);
					rc = err_set(e, ERR_DATA, "%s: too large to read as one JSON document", f->path);
					goto out;
				}
				r.pos = r.len;
			}
			if (fr < 0) {
				buf_release(&doc);
				break;
			}
			R->bytes_done -= used;
			rc = take_doc(R, fi, doc.ptr, doc.len, lineno);
			buf_release(&doc);
			if (rc < 0)
				*e = R->fatal;
			goto out;
		}
		first = 0;
		if (take_unit(R, fi, r.line + i, n - i, lineno) < 0) {
			*e = R->fatal;
			rc = -1;
			goto out;
		}
		tick(R);
	}
	if (r.err)
		rc = err_set(e, ERR_IO, "cannot read '%s': %s", f->path, strerror(r.err));
out:
	free(r.line);
	if (own)
		fclose(r.in);
	return rc;
}

static void flush_batches(struct run *R)
{
	for (size_t i = 0; i < R->ntables; i++) {
		struct batch *b = R->tables[i]->cur;
		R->tables[i]->cur = NULL;
		if (!b)
			continue;
		if (R->stop || ctx_interrupted(R->ctx)) {
			pthread_mutex_lock(&R->mu);
			R->st->not_written += b->n;
			pthread_mutex_unlock(&R->mu);
			batch_free(b);
		} else {
			dispatch(R, b);
		}
	}
}

/* ---- inputs ------------------------------------------------------------------------------------------ */

static int has_ext(const char *name)
{
	size_t n = strlen(name);
	static const char *const exts[] = { ".jsonl", ".ndjson", ".json", NULL };
	for (int i = 0; exts[i]; i++) {
		size_t el = strlen(exts[i]);
		if (n > el && !strcmp(name + n - el, exts[i]))
			return 1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_file(struct run *R, const char *path, int is_stdin)
{
	R->files = xrealloc(R->files, (R->nfiles + 1) * sizeof(*R->files));
	struct sfile *f = &R->files[R->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(is_stdin ? "<stdin>" : path);
	f->is_stdin = is_stdin;
	f->no_cp = is_stdin;
	f->format = ITEM_FORMAT_AUTO;
	f->sha = EVP_MD_CTX_new();   /* NULL (out of memory): the checkpoint then records no hash, resume refuses */
}

static int collect_inputs(struct run *R, const char *const *in, size_t nin, int defaulted, struct err *e)
{
	for (size_t k = 0; k < nin; k++) {
		const char *p = in[k];
		struct stat sb;
		if (!strcmp(p, "-")) {
			add_file(R, p, 1);
			continue;
		}
		if (stat(p, &sb) < 0) {
			if (defaulted)
				return err_set(e, ERR_NOINPUT, "no '%s/' directory here: give the files to seed (or - for "
				               "standard input)", p);
			return err_set(e, ERR_NOINPUT, "cannot open '%s': %s", p, strerror(errno));
		}
		if (!S_ISDIR(sb.st_mode)) {
			add_file(R, p, 0);
			R->files[R->nfiles - 1].size = (long long)sb.st_size;
			R->bytes_total += (long long)sb.st_size;
			continue;
		}
		DIR *d = opendir(p);
		if (!d)
			return err_set(e, ERR_NOINPUT, "cannot read the directory '%s': %s", p, strerror(errno));
		char **names = NULL;
		size_t nn = 0;
		struct dirent *de;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || !has_ext(de->d_name))
				continue;
			names = xrealloc(names, (nn + 1) * sizeof(char *));
			size_t pl = strlen(p);
			names[nn++] = xasprintf("%s%s%s", p, pl && p[pl - 1] == '/' ? "" : "/", de->d_name);
		}
		closedir(d);
		if (nn)
			qsort(names, nn, sizeof(char *), cmp_str);
		size_t before = R->nfiles;
		for (size_t j = 0; j < nn; j++) {
			if (stat(names[j], &sb) == 0 && S_ISREG(sb.st_mode)) {
				add_file(R, names[j], 0);
				R->bytes_total += (long long)sb.st_size;
			}
			free(names[j]);
		}
		free(names);
		if (R->nfiles == before)
			return err_set(e, ERR_NOINPUT, "no seed files (*.jsonl, *.ndjson, *.json) in '%s'", p);
	}
	for (size_t i = 0; i < R->nfiles; i++)
		if (!R->files[i].is_stdin && file_identity(&R->files[i], e) < 0)
			return -1;
	return 0;
}

/* -1 with e when path (the rejects file or the checkpoint, named by opt) is one of the input files: writing it
 * would destroy the input before it is read. */
static int not_an_input(const struct run *R, const char *path, const char *opt, struct err *e)
{
	struct stat a, b;
	if (!path || stat(path, &a) < 0)
		return 0;
	for (size_t i = 0; i < R->nfiles; i++)
		if (!R->files[i].is_stdin && stat(R->files[i].path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return err_set(e, ERR_USAGE, "%s '%s' is also an input file: writing it would destroy the input", opt,
			               path);
	return 0;
}

/* Two seeds must not share a checkpoint: <checkpoint>.lock is held (flock) for the whole run; a second run is
 * refused with ERR_TEMPFAIL (75: try again when the other has finished). */
static int checkpoint_lock(struct run *R, struct err *e)
{
	char *lp = xasprintf("%s.lock", R->cp_path);
	int rc = 0;
	for (int tries = 0; tries < 5; tries++) {
		int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			break;   /* a directory we cannot write: the checkpoint cannot be written either (warned then) */
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int saved = errno;
			close(fd);
			if (saved == EWOULDBLOCK)
				rc = err_set(e, ERR_TEMPFAIL, "the checkpoint '%s' is in use by another 'ddb seed' (locked): wait "
				             "for it to finish", R->cp_path);
			break;
		}
		struct stat a, b;   /* the run before us may have removed the lock file after we opened it */
		if (fstat(fd, &a) == 0 && stat(lp, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			R->lock_fd = fd;
			break;
		}
		close(fd);
	}
	free(lp);
	return rc;
}

static void checkpoint_unlock(struct run *R, int remove)
{
	if (R->lock_fd < 0)
		return;
	if (remove) {
		char *lp = xasprintf("%s.lock", R->cp_path);
		unlink(lp);
		free(lp);
	}
	close(R->lock_fd);
	R->lock_fd = -1;
}

static char *default_checkpoint(const char *first)
{
	struct stat sb;
	if (stat(first, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		size_t n = strlen(first);
		return xasprintf("%s%s.ddb-checkpoint", first, n && first[n - 1] == '/' ? "" : "/");
	}
	return xasprintf("%s.ddb-checkpoint", first);
}

/* ---- the run ----------------------------------------------------------------------------------------------- */

static int pass(struct run *R, struct err *e)
{
	for (size_t i = 0; i < R->nfiles && !stopping(R); i++)
		if (read_input(R, i, e) < 0)
			return -1;
	return 0;
}

int seed_run(struct ctx *ctx, const struct seed_opts *o, struct seed_stats *st, struct err *e)
{
	static const char *const def_inputs[] = { SEED_DEFAULT_DIR };
	struct run R;
	struct worker *ws = NULL;
	int nstarted = 0, rc = 0, any_stdin = 0;

	memset(st, 0, sizeof(*st));
	memset(&R, 0, sizeof(R));
	R.ctx = ctx;
	R.o = o;
	R.st = st;
	R.max_retries = o->max_retries < 0 ? SEED_DEFAULT_MAX_RETRIES : o->max_retries;
	R.concurrency = o->concurrency > 0 ? o->concurrency : SEED_DEFAULT_CONCURRENCY;
	R.inflight.b = xcalloc(KEYSET_BUCKETS, sizeof(struct knode *));
	R.failed.b = xcalloc(KEYSET_BUCKETS, sizeof(struct knode *));
	R.linger.b = xcalloc(KEYSET_BUCKETS, sizeof(struct knode *));
	R.linger_s = (ctx->timeout > 0 ? ctx->timeout : 60.0) + 1.0;
	R.lock_fd = -1;
	pthread_mutex_init(&R.mu, NULL);
	pthread_cond_init(&R.cv_work, NULL);
	pthread_cond_init(&R.cv_change, NULL);
	R.t0 = R.last_cp = R.last_progress = mono();

	const char *const *inputs = o->ninputs ? o->inputs : def_inputs;
	size_t ninputs = o->ninputs ? o->ninputs : 1;
	if (collect_inputs(&R, inputs, ninputs, !o->ninputs, e) < 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < R.nfiles; i++)
		any_stdin |= R.files[i].is_stdin;
	const char *first_file = NULL;
	for (size_t i = 0; i < ninputs && !first_file; i++)
		if (strcmp(inputs[i], "-"))
			first_file = inputs[i];
	if (o->checkpoint)
		R.cp_path = xstrdup(o->checkpoint);
	else if (first_file)
		R.cp_path = default_checkpoint(first_file);
	if (not_an_input(&R, o->rejects, "--rejects", e) < 0 || not_an_input(&R, o->checkpoint, "--checkpoint", e) < 0) {
		rc = -1;
		goto out;
	}
	if (R.cp_path) {
		int any_cp = 0;
		for (size_t i = 0; i < R.nfiles; i++)
			any_cp |= !R.files[i].no_cp;
		if (!any_cp) {   /* only pipes and devices: nothing a checkpoint could resume */
			free(R.cp_path);
			R.cp_path = NULL;
		}
	}
	if (R.cp_path) {
		if (aws_endpoint(ctx, &aws_dynamodb, &R.dest_endpoint, e) < 0 || checkpoint_lock(&R, e) < 0) {
			rc = -1;
			goto out;
		}
	}
	if (o->resume && R.cp_path && checkpoint_load(&R, e) < 0) {
		rc = -1;
		goto out;
	}
	if (!o->resume && R.cp_path && access(R.cp_path, F_OK) == 0)
		ctx_note(ctx, "'%s' is left from an earlier run: seeding everything (--resume skips what it confirms)",
		         R.cp_path);
	if (o->rejects) {
		R.rej = fopen(o->rejects, "w");
		if (!R.rej) {
			rc = err_set(e, ERR_IO, "cannot write the rejects file '%s': %s", o->rejects, strerror(errno));
			goto out;
		}
	}
	if (o->table && !get_table(&R, o->table, e)) {
		rc = -1;
		goto out;
	}

	if (o->strict) {
		if (any_stdin) {   /* read standard input twice: keep a copy */
			R.spool = tmpfile();
			if (!R.spool) {
				rc = err_set(e, ERR_IO, "cannot create a temporary file: %s", strerror(errno));
				goto out;
			}
			char chunk[65536];
			size_t got;
			while ((got = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
				if (fwrite(chunk, 1, got, R.spool) != got) {
					rc = err_set(e, ERR_IO, "cannot write a temporary file: %s", strerror(errno));
					goto out;
				}
		}
		R.dry = 1;
		if (pass(&R, e) < 0) {
			rc = -1;
			goto out;
		}
		R.dry = 0;
		if (ctx_interrupted(ctx)) {
			rc = err_set(e, ERR_INTERRUPTED, "interrupted while validating: nothing was written");
			goto out;
		}
		if (st->rejected) {
			rc = err_set(e, ERR_DATA, "%ld invalid item%s: nothing was written (--strict)", st->rejected,
			             st->rejected == 1 ? "" : "s");
			goto out;
		}
		st->items = st->skipped = 0;
		R.bytes_done = 0;
		for (size_t i = 0; i < R.nfiles; i++)
			R.files[i].format = ITEM_FORMAT_AUTO;
	}

	R.qcap = (size_t)R.concurrency * 2;
	R.q = xcalloc(R.qcap, sizeof(*R.q));
	ws = xcalloc((size_t)R.concurrency, sizeof(*ws));
	for (int i = 0; i < R.concurrency; i++) {
		struct http_opts ho = { 0 };
		ho.connect_timeout_ms = ctx->connect_timeout > 0 ? (long)(ctx->connect_timeout * 1000) : 0;
		ho.timeout_ms = ctx->timeout > 0 ? (long)(ctx->timeout * 1000) : 0;
		ho.interrupted = NULL;   /* Ctrl-C lets requests in flight finish */
		ws[i].R = &R;
		ws[i].http = http_new(&ho);
		if (!ws[i].http) {
			rc = err_set(e, ERR_INTERNAL, "cannot initialise libcurl");
			break;
		}
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0) {
			http_free(ws[i].http);
			ws[i].http = NULL;
			rc = err_set(e, ERR_INTERNAL, "cannot start a thread");
			break;
		}
		nstarted++;
	}
	if (rc == 0) {
		struct err pe = ERR_INIT;
		if (pass(&R, &pe) < 0 && !R.has_fatal)
			set_fatal(&R, &pe);
		flush_batches(&R);
	} else {
		set_fatal(&R, e);
	}
	pthread_mutex_lock(&R.mu);
	R.closed = 1;
	pthread_cond_broadcast(&R.cv_work);
	pthread_mutex_unlock(&R.mu);
	/* wait for the queue to drain, drawing progress and saving the checkpoint */
	for (;;) {
		pthread_mutex_lock(&R.mu);
		long settled = st->written + st->skipped + st->rejected + st->not_written;
		int busy = R.qlen > 0 || settled < st->items;
		pthread_mutex_unlock(&R.mu);
		if (!busy || nstarted == 0)
			break;
		struct timespec ts = { 0, 50000000L };
		nanosleep(&ts, NULL);
		tick(&R);
	}
	for (int i = 0; i < nstarted; i++)
		pthread_join(ws[i].th, NULL);
	pthread_mutex_lock(&R.mu);
	progress_clear(&R);
	pthread_mutex_unlock(&R.mu);

	st->seconds = mono() - R.t0;
	if (rc < 0)
		goto out;
	int complete = !R.has_fatal && !ctx_interrupted(ctx) && !R.tempfail && !st->not_written;
	long confirmed = 0;
	for (size_t i = 0; i < R.nfiles; i++)
		confirmed += (long)R.files[i].done.n;
	if (R.cp_path) {
		if (complete || !confirmed) {   /* nothing to resume from: no checkpoint */
			if (unlink(R.cp_path) < 0 && errno != ENOENT)
				ctx_warn(ctx, "cannot remove the checkpoint '%s': %s", R.cp_path, strerror(errno));
		} else if (checkpoint_save(&R) == 0) {
			snprintf(st->checkpoint, sizeof(st->checkpoint), "%s", R.cp_path);
		}
	}
	char resume_hint[1200] = "";
	if (st->checkpoint[0])
		snprintf(resume_hint, sizeof(resume_hint), "; 'ddb seed --resume' with the same input finishes the rest");
	if (R.has_fatal) {
		*e = R.fatal;
		if (st->written || st->not_written)
			err_prefix(e, "%ld written, %ld not written", st->written, st->not_written);
		rc = -1;
	} else if (ctx_interrupted(ctx)) {
		rc = err_set(e, ERR_INTERRUPTED, "interrupted: %ld written, %ld not written, the rest of the input not "
		             "read%s", st->written, st->not_written, resume_hint);
	} else if (R.tempfail || st->not_written) {
		rc = err_set(e, ERR_TEMPFAIL, "the retry budget ran out: %ld written, %ld not written (last error: %s)%s",
		             st->written, st->not_written, R.last_temp.msg[0] ? R.last_temp.msg : "throttled", resume_hint);
	} else if (R.rej_failed) {
		rc = err_set(e, ERR_IO, "cannot write the rejects file '%s': %s (%ld rejected item%s not kept); the other "
		             "%ld written", o->rejects, strerror(R.rej_errno), st->rejected, st->rejected == 1 ? "" : "s",
		             st->written + st->skipped);
	} else if (st->rejected) {
		if (o->rejects)
			rc = err_set(e, ERR_SERVICE, "%ld item%s rejected (kept in '%s'); the other %ld written",
			             st->rejected, st->rejected == 1 ? "" : "s", o->rejects, st->written + st->skipped);
		else
			rc = err_set(e, ERR_SERVICE, "%ld item%s rejected (--rejects FILE keeps them); the other %ld written",
			             st->rejected, st->rejected == 1 ? "" : "s", st->written + st->skipped);
	}
out:
	report_hidden(&R);
	if (R.rej && fclose(R.rej) != 0 && (rc == 0 || e->kind == ERR_SERVICE))
		rc = err_set(e, ERR_IO, "cannot write the rejects file '%s': %s", o->rejects, strerror(errno));
	if (R.cp_path)
		checkpoint_unlock(&R, access(R.cp_path, F_OK) != 0);
	if (R.spool)
		fclose(R.spool);
	for (int i = 0; ws && i < R.concurrency; i++)
		http_free(ws[i].http);
	free(ws);
	/* anything still queued (only after an error before the workers ran) */
	for (size_t i = 0; i < R.qlen; i++)
		batch_free(R.q[(R.qhead + i) % R.qcap]);
	free(R.q);
	for (size_t i = 0; i < R.ntables; i++)
		table_free(R.tables[i]);
	free(R.tables);
	for (size_t i = 0; i < R.nfiles; i++) {
		free(R.files[i].path);
		EVP_MD_CTX_free(R.files[i].sha);
		for (size_t j = 0; j < R.files[i].ntabs; j++)
			free(R.files[i].tabs[j]);
		free(R.files[i].tabs);
		seed_ranges_release(&R.files[i].done);
		seed_ranges_release(&R.files[i].resume);
	}
	free(R.files);
	for (size_t i = 0; i < KEYSET_BUCKETS; i++)
		while (R.inflight.b[i]) {
			struct knode *n = R.inflight.b[i];
			R.inflight.b[i] = n->next;
			free(n);
		}
	free(R.inflight.b);
	for (size_t i = 0; i < KEYSET_BUCKETS; i++)
		while (R.failed.b[i]) {
			struct knode *n = R.failed.b[i];
			R.failed.b[i] = n->next;
			free(n->key);
			free(n);
		}
	free(R.failed.b);
	for (size_t i = 0; i < KEYSET_BUCKETS; i++)
		while (R.linger.b[i]) {
			struct knode *n = R.linger.b[i];
			R.linger.b[i] = n->next;
			free(n->key);
			free(n);
		}
	free(R.linger.b);
	free(R.dest_endpoint);
	free(R.cp_path);
	pthread_mutex_destroy(&R.mu);
	pthread_cond_destroy(&R.cv_work);
	pthread_cond_destroy(&R.cv_change);
	return rc;
}
