/* checkpoint.c — confirmed ranges, saving, loading and locking a bulk load's checkpoint (see checkpoint.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "dynamo/checkpoint.h"
#include "aws/clock.h"
#include "base/json.h"

/* ---- ranges ------------------------------------------------------------------------------------------ */


void ckpt_ranges_add(struct ckpt_ranges *s, long v)
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

int ckpt_ranges_has(const struct ckpt_ranges *s, long v)
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

long ckpt_ranges_count(const struct ckpt_ranges *s)
{
	long n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->r[i][1] - s->r[i][0];
	return n;
}

void ckpt_ranges_release(struct ckpt_ranges *s)
{
	free(s->r);
	s->r = NULL;
	s->n = s->alloc = 0;
}


int ckpt_file_identity(struct ckpt_file *f, struct err *e)
{
	struct stat sb;
	if (stat(f->path, &sb) < 0)
		return err_set(e, ERR_NOINPUT, "cannot read '%s': %s", f->path, strerror(errno));
	f->size = (long long)sb.st_size;
	f->mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
	f->no_cp = !S_ISREG(sb.st_mode);   /* a pipe or a device cannot be read again: nothing to resume */
	return 0;
}

static void file_add_table_locked(struct ckpt_file *f, const char *wire)
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
static void file_sha_so_far(const struct ckpt_file *f, char out[65])
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


int ckpt_save(struct ckpt *cp, struct err *e)
{
	struct buf b = BUF_INIT;
	pthread_mutex_lock(&cp->mu);
	/* format 2: the destination (never a credential) and, per file, its tables and the SHA-256 of what was read */
	buf_adds(&b, "{\"ddb_seed_checkpoint\":2,\"destination\":{\"endpoint\":");
	json_str(&b, cp->endpoint);
	buf_adds(&b, ",\"region\":");
	json_str(&b, cp->region);
	buf_addf(&b, ",\"mode\":\"%s\"},\"files\":[", cp->mode);
	int first = 1;
	for (size_t i = 0; i < cp->nfiles; i++) {
		struct ckpt_file *f = cp->files[i];
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
	cp->pending = 0;
	cp->last_save = clock_now();
	pthread_mutex_unlock(&cp->mu);

	char *tmp = xasprintf("%s.tmp%ld", cp->path, (long)getpid());
	int ok = 0;
	FILE *f = fopen(tmp, "w");
	if (f) {
		ok = fwrite(b.ptr, 1, b.len, f) == b.len;
		ok = fflush(f) == 0 && ok;
		ok = fsync(fileno(f)) == 0 && ok;
		ok = fclose(f) == 0 && ok;
		ok = ok && rename(tmp, cp->path) == 0;
	}
	if (!ok) {
		int saved = errno;
		unlink(tmp);
		err_set(e, ERR_IO, "cannot write the checkpoint '%s': %s (--resume will not know what was written)",
		        cp->path, strerror(saved));
	}
	free(tmp);
	buf_release(&b);
	return ok ? 0 : -1;
}

int ckpt_save_maybe(struct ckpt *cp, double every, struct err *e)
{
	double now = clock_now();
	pthread_mutex_lock(&cp->mu);
	int due = cp->pending && now - cp->last_save >= every;
	if (!cp->pending && now - cp->last_save >= every)
		cp->last_save = now;
	pthread_mutex_unlock(&cp->mu);
	if (!due)
		return 0;
	return ckpt_save(cp, e) < 0 ? -1 : 1;
}

void ckpt_confirm(struct ckpt *cp, struct ckpt_file *f, long ord)
{
	pthread_mutex_lock(&cp->mu);
	ckpt_ranges_add(&f->done, ord);
	cp->pending++;
	pthread_mutex_unlock(&cp->mu);
}

void ckpt_add_table(struct ckpt *cp, struct ckpt_file *f, const char *wire)
{
	pthread_mutex_lock(&cp->mu);
	file_add_table_locked(f, wire);
	pthread_mutex_unlock(&cp->mu);
}

long ckpt_confirmed(struct ckpt *cp)
{
	long n = 0;
	pthread_mutex_lock(&cp->mu);
	for (size_t i = 0; i < cp->nfiles; i++)
		n += (long)cp->files[i]->done.n;
	pthread_mutex_unlock(&cp->mu);
	return n;
}

/* The checkpoint's [[lo,hi],...]: sorted, disjoint, as checkpoint_save writes them. */
static int parse_ranges(const cJSON *done, struct ckpt_ranges *out)
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
static int prefix_sha(struct ckpt_file *f, struct err *e)
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

int ckpt_load(struct ckpt *cp, struct err *e)
{
	FILE *f = fopen(cp->path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 1;
		return err_set(e, ERR_NOINPUT, "cannot read the checkpoint '%s': %s", cp->path, strerror(errno));
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
		               cp->path);
	}
	if (ver->valuedouble != 2) {
		double v = ver->valuedouble;
		cJSON_Delete(doc);
		return err_set(e, ERR_DATA, "the checkpoint '%s' is format %g, written by another version of ddb, and does "
		               "not say where it wrote: delete it to seed from the start", cp->path, v);
	}
	/* the destination must be the same: a checkpoint of table A says nothing about table B */
	const cJSON *dest = json_get(doc, "destination");
	const char *want[3][3] = {
		{ "endpoint", cp->endpoint ? cp->endpoint : "", "endpoint" },
		{ "region", cp->region ? cp->region : "", "region" },
		{ "mode", cp->mode ? cp->mode : "", "mode" },
	};
	for (int k = 0; k < 3; k++) {
		const char *got = json_get_string(dest, want[k][0]);
		if (!got) {
			cJSON_Delete(doc);
			return err_set(e, ERR_DATA, "the checkpoint '%s' is damaged (delete it to start over)", cp->path);
		}
		if (strcmp(got, want[k][1])) {
			err_set(e, ERR_DATA, "the checkpoint '%s' is for %s '%s', not '%s': resume with the same destination, "
			        "or delete it to seed from the start", cp->path, want[k][2], got, want[k][1]);
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
			rc = err_set(e, ERR_DATA, "the checkpoint '%s' is damaged (delete it to start over)", cp->path);
			break;
		}
		for (size_t i = 0; i < cp->nfiles; i++) {
			struct ckpt_file *sf = cp->files[i];
			if (sf->is_stdin || strcmp(sf->path, path))
				continue;
			char *end;
			long long m = strtoll(mt, &end, 10);
			if (*end || (long long)size->valuedouble != sf->size || m != sf->mtime_ns) {
				rc = err_set(e, ERR_DATA, "'%s' changed since the checkpoint '%s' was written: delete the "
				             "checkpoint to seed it from the start", sf->path, cp->path);
				break;
			}
			if (parse_ranges(json_get(fe, "done"), &sf->resume) < 0) {
				rc = err_set(e, ERR_DATA, "the checkpoint '%s' is damaged (delete it to start over)", cp->path);
				break;
			}
			const cJSON *tn;
			cJSON_ArrayForEach(tn, tabs)
				if (cJSON_IsString(tn))
					file_add_table_locked(sf, tn->valuestring);
			sf->ncp_tabs = sf->ntabs;
			snprintf(sf->cp_sha, sizeof(sf->cp_sha), "%s", sha);
			sf->cp_hashed = (long long)hashed->valuedouble;
			if (sf->resume.n && sf->cp_hashed > sf->size) {
				rc = err_set(e, ERR_DATA, "the checkpoint '%s' is damaged (delete it to start over)", cp->path);
				break;
			}
			if (sf->resume.n && prefix_sha(sf, e) < 0) {
				rc = -1;
				break;
			}
			ckpt_ranges_release(&sf->done);
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


/* Two seeds must not share a checkpoint: <checkpoint>.lock is held (flock) for the whole run; a second run is
 * refused with ERR_TEMPFAIL (75: try again when the other has finished). */
int ckpt_lock(struct ckpt *cp, struct err *e)
{
	char *lp = xasprintf("%s.lock", cp->path);
	int rc = 0;
	for (int tries = 0; tries < 5; tries++) {
		int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			break;   /* a directory we cannot write: the checkpoint cannot be written either (warned then) */
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int saved = errno;
			close(fd);
			if (saved == EWOULDBLOCK)
				rc = err_set(e, ERR_TEMPFAIL, "the checkpoint '%s' is in use by another 'ddb %s' (locked): wait "
				             "for it to finish", cp->path, cp->what ? cp->what : "seed");
			break;
		}
		struct stat a, b;   /* the run before us may have removed the lock file after we opened it */
		if (fstat(fd, &a) == 0 && stat(lp, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			cp->lock_fd = fd;
			break;
		}
		close(fd);
	}
	free(lp);
	return rc;
}

void ckpt_unlock(struct ckpt *cp, int remove)
{
	if (cp->lock_fd < 0)
		return;
	if (remove) {
		char *lp = xasprintf("%s.lock", cp->path);
		unlink(lp);
		free(lp);
	}
	close(cp->lock_fd);
	cp->lock_fd = -1;
}

char *ckpt_default_path(const char *first)
{
	struct stat sb;
	if (stat(first, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		size_t n = strlen(first);
		return xasprintf("%s%s.ddb-checkpoint", first, n && first[n - 1] == '/' ? "" : "/");
	}
	return xasprintf("%s.ddb-checkpoint", first);
}


void ckpt_init(struct ckpt *cp, const char *path, const char *what)
{
	memset(cp, 0, sizeof(*cp));
	cp->path = path ? xstrdup(path) : NULL;
	cp->what = what;
	cp->lock_fd = -1;
	cp->last_save = clock_now();
	pthread_mutex_init(&cp->mu, NULL);
}

void ckpt_release(struct ckpt *cp)
{
	free(cp->path);
	cp->path = NULL;
	free(cp->files);
	cp->files = NULL;
	cp->nfiles = 0;
	pthread_mutex_destroy(&cp->mu);
}

void ckpt_file_release(struct ckpt_file *f)
{
	free(f->path);
	EVP_MD_CTX_free(f->sha);
	for (size_t j = 0; j < f->ntabs; j++)
		free(f->tabs[j]);
	free(f->tabs);
	ckpt_ranges_release(&f->done);
	ckpt_ranges_release(&f->resume);
	memset(f, 0, sizeof(*f));
}
