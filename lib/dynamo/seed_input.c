/* seed_input.c — seed's inputs: files, directories and standard input; JSON Lines, JSON documents (an array of
 * items, a request-items object) and gzip (.gz, inflated as read), each read once, in bounded memory, hashed
 * for the checkpoint as read. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "base/json.h"
#include "dynamo/seed_int.h"

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

char *seed_table_from_path(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t n = strlen(b);
	if (n > 3 && !strcmp(b + n - 3, ".gz"))
		n -= 3;
	static const char *const exts[] = { ".jsonl", ".ndjson", ".json", NULL };
	for (int i = 0; exts[i]; i++) {
		size_t el = strlen(exts[i]);
		if (n > el && !strncmp(b + n - el, exts[i], el)) {
			n -= el;
			break;
		}
	}
	return xstrndup(b, n);
}

/* ---- documents -------------------------------------------------------------------------------------- */

/* A whole JSON document: an array of items, a request-items object, or one item. */
static int take_doc(struct run *R, size_t fi, const char *s, size_t n, long base_line)
{
	size_t i = skip_ws(s, n, 0), pos = 0;
	long line = base_line;
	struct err e = ERR_INIT;
#define LINE_AT(off) do { for (; pos < (off); pos++) if (s[pos] == '\n') line++; } while (0)
	if (s[i] == '[') {
		for (i = skip_ws(s, n, i + 1); i < n && s[i] != ']';) {
			size_t end = json_skip_value(s, n, i);
			if (end == (size_t)-1 || end == i)
				goto broken;
			LINE_AT(i);
			if (end - i > SEED_LINE_MAX) {
				seed_too_long(R, fi, line, end - i);
			} else if (seed_take_unit(R, fi, s + i, end - i, line) < 0) {
				return -1;
			}
			R->bytes_done += (long long)(end - i);
			seed_tick(R);
			if (seed_stopping(R))
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
		size_t ke = json_skip_value(s, n, j);
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
		size_t ve = json_skip_value(s, n, j);
		if (ve == (size_t)-1)
			goto broken;
		j = skip_ws(s, n, ve);
		if (j < n && s[j] == ',')
			j = skip_ws(s, n, j + 1);
	}
	if (!req || R->o->format == ITEM_FORMAT_PLAIN) {
		size_t end = json_skip_value(s, n, i);
		if (end == (size_t)-1 || skip_ws(s, n, end) != n)
			goto broken;
		return seed_take_unit(R, fi, s + i, end - i, line);
	}
	for (i = skip_ws(s, n, i + 1); i < n && s[i] != '}';) {
		size_t ke = json_skip_value(s, n, i);
		cJSON *kn = json_parse_exact(s + i, ke - i, &e);
		if (!cJSON_IsString(kn)) {
			cJSON_Delete(kn);
			goto broken;
		}
		char *tname = xstrdup(kn->valuestring);
		cJSON_Delete(kn);
		i = skip_ws(s, n, skip_ws(s, n, ke) + 1);   /* past ':' */
		for (i = skip_ws(s, n, i + 1); i < n && s[i] != ']';) {
			size_t end = json_skip_value(s, n, i);
			if (end == (size_t)-1 || end == i) {
				free(tname);
				goto broken;
			}
			LINE_AT(i);
			cJSON *r = end - i > SEED_LINE_MAX ? NULL : json_parse_exact(s + i, end - i, &e);
			int rc;
			if (end - i > SEED_LINE_MAX) {
				seed_too_long(R, fi, line, end - i);
				rc = 0;
			} else if (!r) {
				R->files[fi].next_ord++;
				R->st->items++;
				char *raw = seed_request_line(tname, NULL, s + i, end - i);   /* re-seedable: with its table */
				seed_reject(R, fi, line, raw, e.msg);
				free(raw);
				rc = 0;
			} else if (!seed_is_request(r)) {
				R->files[fi].next_ord++;
				R->st->items++;
				char *raw = seed_request_line(tname, NULL, s + i, end - i);   /* re-seedable: with its table */
				seed_reject(R, fi, line, raw, SEED_BAD_REQUEST_MSG);
				free(raw);
				rc = 0;
			} else {
				rc = seed_take_request(R, fi, line, tname, r);
			}
			cJSON_Delete(r);
			if (rc < 0) {
				free(tname);
				return -1;
			}
			R->bytes_done += (long long)(end - i);
			seed_tick(R);
			if (seed_stopping(R)) {
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
		seed_reject(R, fi, line, NULL, msg);
		free(msg);
	}
	return 0;
#undef LINE_AT
}

/* 1 when the first line of a file (from its first non-blank character) does not hold a whole JSON value. */
static int incomplete_line(const char *s, size_t n)
{
	size_t i = skip_ws(s, n, 0);
	return i < n && json_skip_value(s, n, i) == (size_t)-1;
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
	const char *zmsg;         /* a gzip error, else NULL */
	char *line;               /* the current line (not NUL-terminated), up to SEED_LINE_MAX bytes */
	size_t n, cap;
	int gz;                   /* 0 plain; gzip: 1 between members, 2 inside one */
	int zeof;                 /* the compressed input ended */
	z_stream zs;
	unsigned char *zin;       /* compressed bytes read (and hashed), ZIN_BYTES */
};

#define ZIN_BYTES 65536u

/* Bytes of the file itself into buf, hashed for the checkpoint.  The count, 0 at the end, (size_t)-1 on error. */
static size_t lr_raw(struct lreader *r, void *buf, size_t n)
{
	errno = 0;
	size_t got = fread(buf, 1, n, r->in);
	if (got > 0) {
		if (r->f->cp.sha)
			EVP_DigestUpdate(r->f->cp.sha, buf, got);
		r->f->cp.hashed += (long long)got;
		return got;
	}
	if (ferror(r->in)) {
		r->err = errno ? errno : EIO;
		return (size_t)-1;
	}
	return 0;
}

/* gzip: inflate into chunk (members one after another, as `cat a.gz b.gz` makes, are read in turn).  A truncated
 * or corrupt stream is an error naming the file, never a silent end. */
static int lr_inflate(struct lreader *r)
{
	for (;;) {
		if (!r->zs.avail_in && !r->zeof) {
			size_t got = lr_raw(r, r->zin, ZIN_BYTES);
			if (got == (size_t)-1)
				return -1;
			r->zeof = got == 0;
			r->zs.next_in = r->zin;
			r->zs.avail_in = (uInt)got;
		}
		if (r->zeof && !r->zs.avail_in && r->gz == 1)
			return 0;
		r->zs.next_out = (unsigned char *)r->chunk;
		r->zs.avail_out = sizeof(r->chunk);
		int zr = inflate(&r->zs, Z_NO_FLUSH);
		r->len = sizeof(r->chunk) - r->zs.avail_out;
		r->gz = 2;
		if (zr == Z_STREAM_END) {
			inflateReset(&r->zs);
			r->gz = 1;
		} else if (zr == Z_BUF_ERROR && r->zeof && !r->zs.avail_in && !r->len) {
			r->zmsg = "the gzip data is truncated";
			return -1;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			r->zmsg = "not valid gzip data";
			return -1;
		}
		if (r->len)
			return 1;
	}
}

static int lr_fill(struct lreader *r)   /* 1 bytes available, 0 end of file, -1 read error */
{
	if (r->pos < r->len)
		return 1;
	r->pos = r->len = 0;
	if (r->gz)
		return lr_inflate(r);
	size_t got = lr_raw(r, r->chunk, sizeof(r->chunk));
	if (got == (size_t)-1)
		return -1;
	r->len = got;
	return got > 0;
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

int seed_read_input(struct run *R, size_t fi, struct err *e)
{
	struct sfile *f = &R->files[fi];
	struct lreader r;
	int own = 0;
	memset(&r, 0, sizeof(r));
	r.f = f;
	if (f->cp.is_stdin) {
		r.in = R->spool ? R->spool : stdin;
		if (R->spool)
			rewind(R->spool);
	} else {
		r.in = fopen(f->cp.path, "r");
		if (!r.in)
			return err_set(e, ERR_NOINPUT, "cannot open '%s': %s", f->cp.path, strerror(errno));
		own = 1;
	}
	if (f->gz) {
		r.gz = 1;
		r.zin = xmalloc(ZIN_BYTES);
		if (inflateInit2(&r.zs, 15 + 16) != Z_OK) {   /* 15 + 16: gzip wrapping */
			free(r.zin);
			if (own)
				fclose(r.in);
			return err_set(e, ERR_INTERNAL, "cannot start zlib");
		}
	}
	f->next_ord = 0;
	f->cp.hashed = 0;
	if (f->cp.sha)
		EVP_DigestInit_ex(f->cp.sha, EVP_sha256(), NULL);
	if (R->o->format != ITEM_FORMAT_AUTO)
		f->format = R->o->format;
	long lineno = 0;
	int first = 1, rc = 0, k;
	long long total, used;
	while (!seed_stopping(R) && (k = lr_line(&r, &total, &used)) != LR_EOF) {
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
			seed_reject(R, fi, lineno, NULL, msg);
			first = 0;
			if (k == LR_BINARY)
				break;
			seed_tick(R);
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
					rc = err_set(e, ERR_DATA, "%s: too large to read as one JSON document", f->cp.path);
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
		if (seed_take_unit(R, fi, r.line + i, n - i, lineno) < 0) {
			*e = R->fatal;
			rc = -1;
			goto out;
		}
		seed_tick(R);
	}
	if (r.err)
		rc = err_set(e, ERR_IO, "cannot read '%s': %s", f->cp.path, strerror(r.err));
	else if (r.zmsg)
		rc = err_set(e, ERR_DATA, "%s: %s (after line %ld)", f->cp.path, r.zmsg, lineno);
out:
	if (r.gz)
		inflateEnd(&r.zs);
	free(r.zin);
	free(r.line);
	if (own)
		fclose(r.in);
	return rc;
}

/* ---- inputs ------------------------------------------------------------------------------------------ */

static int has_gz(const char *name)
{
	size_t n = strlen(name);
	return n > 3 && !strcmp(name + n - 3, ".gz");
}

/* A seed file: *.jsonl, *.ndjson, *.json, each maybe gzipped (*.json.gz: DynamoDB's export data files). */
static int has_ext(const char *name)
{
	size_t n = strlen(name);
	if (has_gz(name))
		n -= 3;
	static const char *const exts[] = { ".jsonl", ".ndjson", ".json", NULL };
	for (int i = 0; exts[i]; i++) {
		size_t el = strlen(exts[i]);
		if (n > el && !strncmp(name + n - el, exts[i], el))
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
	f->cp.path = xstrdup(is_stdin ? "<stdin>" : path);
	f->cp.is_stdin = is_stdin;
	f->cp.no_cp = is_stdin;
	f->gz = !is_stdin && has_gz(path);
	f->format = ITEM_FORMAT_AUTO;
	f->cp.sha = EVP_MD_CTX_new();   /* NULL (out of memory): the checkpoint then records no hash, resume refuses */
}

int seed_collect_inputs(struct run *R, const char *const *in, size_t nin, int defaulted, struct err *e)
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
			R->files[R->nfiles - 1].cp.size = (long long)sb.st_size;
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
		if (!R->files[i].cp.is_stdin && ckpt_file_identity(&R->files[i].cp, e) < 0)
			return -1;
	return 0;
}

