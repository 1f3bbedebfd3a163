/* exportfmt.c — DynamoDB's S3 export layout on disk: gzip data files, manifests, schema.json (the reader is
 * exportfmt_read.c). */
#include "dynamo/exportfmt.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "dynamo/item.h"
#include "base/json.h"
#include "dynamo/exportfmt_int.h"


/* ---- small helpers ---------------------------------------------------------------------------------------- */

void xf_hex16(const unsigned char md[16], char out[33])
{
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hx[md[i] >> 4];
		out[2 * i + 1] = hx[md[i] & 15];
	}
	out[32] = '\0';
}

void xf_b64_16(const unsigned char md[16], char out[25])
{
	EVP_EncodeBlock((unsigned char *)out, md, 16);   /* 24 characters + NUL */
}

EVP_MD_CTX *xf_md5_new(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c || EVP_DigestInit_ex(c, EVP_md5(), NULL) != 1) {
		fprintf(stderr, "ddb: MD5 is not available in this OpenSSL\n");
		abort();
	}
	return c;
}

void xf_md5_final(EVP_MD_CTX *c, unsigned char md[16])
{
	unsigned int n = 0;
	EVP_DigestFinal_ex(c, md, &n);
	EVP_MD_CTX_free(c);
}

void xf_md5_of(const void *p, size_t n, unsigned char md[16])
{
	EVP_MD_CTX *c = xf_md5_new();
	EVP_DigestUpdate(c, p, n);
	xf_md5_final(c, md);
}

int xf_is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int xf_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* Write data to path through path.tmp<pid> and a rename. */
static int write_atomic(const char *path, const void *data, size_t len, struct err *e)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	int ok = f != NULL;
	if (ok && len)
		ok = fwrite(data, 1, len, f) == len;
	if (f) {
		ok = fflush(f) == 0 && ok;
		ok = fclose(f) == 0 && ok;
	}
	ok = ok && rename(tmp, path) == 0;
	if (!ok) {
		int en = errno;
		unlink(tmp);
		free(tmp);
		return err_set(e, ERR_IO, "%s: cannot write: %s", path, strerror(en));
	}
	free(tmp);
	return 0;
}

/* Read a whole (small) file into out; ERR_NOINPUT when missing, ERR_DATA when over max. */
int xf_read_small(const char *path, size_t max, struct buf *out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;
	if (!f)
		return err_set(e, errno == ENOENT ? ERR_NOINPUT : ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	buf_init(out, max);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_add(out, chunk, n) < 0) {
			fclose(f);
			buf_release(out);
			return err_set(e, ERR_DATA, "%s: larger than %zu bytes", path, max);
		}
	}
	if (ferror(f)) {
		int en = errno;
		fclose(f);
		buf_release(out);
		return err_set(e, ERR_IO, "%s: cannot read: %s", path, strerror(en));
	}
	fclose(f);
	return 0;
}

/* 26 lowercase base32 characters from 16 random bytes (AWS's data file names look the same). */
static void random_name(char out[27])
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[17] = { 0 };
	if (RAND_bytes(r, 16) != 1) {
		fprintf(stderr, "ddb: no random bytes from OpenSSL\n");
		abort();
	}
	for (int i = 0; i < 26; i++) {
		int bit = i * 5, byte = bit / 8, off = bit % 8;
		unsigned v = ((unsigned)r[byte] << 8 | r[byte + 1]) >> (11 - off);
		out[i] = al[v & 31];
	}
	out[26] = '\0';
}

static void iso_ms(int64_t ms, char out[80])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 80, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* ---- writing ---------------------------------------------------------------------------------------------- */

struct export_file {
	char *name;          /* "<26>.json.gz" */
	long items;
	uint64_t bytes;      /* compressed */
	char md5[25];        /* base64 */
	char etag[64];
};

struct export_dir {
	pthread_mutex_t mu;
	char *dir, *data;
	struct export_limits lim;
	struct export_file *files;
	size_t nfiles, alloc;
	long items;
	uint64_t billed;
	int open_writers;
};

struct export_writer {
	struct export_dir *d;
	/* the current file */
	FILE *f;
	char *path, *name;
	z_stream zs;
	int zs_init;
	long items;
	uint64_t ubytes, cbytes, billed;
	EVP_MD_CTX *md5, *part;     /* whole file; current etag part */
	uint64_t part_bytes;
	struct buf parts;           /* the finished parts' MD5s, 16 bytes each */
	unsigned char *out;         /* IO_CHUNK of compressed output */
	struct buf line;            /* one {"Item":...}\n line */
	/* closed files, not yet handed to d */
	long total_items;
};

int export_dir_open(struct export_dir **out, const char *dir, const struct export_limits *lim, struct err *e)
{
	struct export_dir *d;
	char *p;
	*out = NULL;
	if (!dir || !*dir)
		return err_set(e, ERR_USAGE, "no export directory given");
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return err_set(e, errno == ENOENT ? ERR_NOINPUT : ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
	if (!xf_is_dir(dir))
		return err_set(e, ERR_USAGE, "%s: not a directory", dir);
	p = xasprintf("%s/manifest-summary.json", dir);
	if (xf_exists(p)) {
		free(p);
		return err_set(e, ERR_USAGE, "%s already holds an export (manifest-summary.json): choose an empty directory",
		               dir);
	}
	free(p);
	p = xasprintf("%s/data", dir);
	if (mkdir(p, 0777) < 0 && errno != EEXIST) {
		int en = errno;
		free(p);
		return err_set(e, ERR_IO, "%s/data: cannot create: %s", dir, strerror(en));
	}
	DIR *dh = opendir(p);
	if (dh) {
		struct dirent *de;
		int busy = 0;
		while ((de = readdir(dh)))
			if (de->d_name[0] != '.')
				busy = 1;
		closedir(dh);
		if (busy) {
			free(p);
			return err_set(e, ERR_USAGE, "%s/data already holds files: choose an empty directory", dir);
		}
	}
	free(p);
	p = xasprintf("%s/_started", dir);
	if (write_atomic(p, "", 0, e) < 0) {
		free(p);
		return -1;
	}
	free(p);
	d = xcalloc(1, sizeof *d);
	pthread_mutex_init(&d->mu, NULL);
	d->dir = xstrdup(dir);
	d->data = xasprintf("%s/data", dir);
	if (lim)
		d->lim = *lim;
	if (d->lim.file_items <= 0)
		d->lim.file_items = EXPORT_DEFAULT_FILE_ITEMS;
	if (!d->lim.file_bytes)
		d->lim.file_bytes = EXPORT_DEFAULT_FILE_BYTES;
	if (d->lim.gzip_level < 1 || d->lim.gzip_level > 9)
		d->lim.gzip_level = 6;
	*out = d;
	return 0;
}

struct export_writer *export_writer_new(struct export_dir *d)
{
	struct export_writer *w = xcalloc(1, sizeof *w);
	w->d = d;
	buf_init(&w->parts, 0);
	buf_init(&w->line, 0);
	pthread_mutex_lock(&d->mu);
	d->open_writers++;
	pthread_mutex_unlock(&d->mu);
	return w;
}

/* Hand out the compressed bytes in w->out[0..n): to the file, the MD5s and the etag parts. */
static int emit(struct export_writer *w, const unsigned char *p, size_t n, struct err *e)
{
	if (n && fwrite(p, 1, n, w->f) != n)
		return err_set(e, ERR_IO, "%s: cannot write: %s", w->path, strerror(errno));
	EVP_DigestUpdate(w->md5, p, n);
	w->cbytes += n;
	while (n) {
		uint64_t room = EXPORT_ETAG_PART_BYTES - w->part_bytes;
		size_t k = n < room ? n : (size_t)room;
		EVP_DigestUpdate(w->part, p, k);
		w->part_bytes += k;
		p += k;
		n -= k;
		if (w->part_bytes == EXPORT_ETAG_PART_BYTES) {
			unsigned char md[16];
			xf_md5_final(w->part, md);
			buf_add(&w->parts, md, 16);
			w->part = xf_md5_new();
			w->part_bytes = 0;
		}
	}
	return 0;
}

static int deflate_some(struct export_writer *w, const void *p, size_t n, int flush, struct err *e)
{
	int rc;
	w->zs.next_in = (Bytef *)(uintptr_t)p;
	w->zs.avail_in = (uInt)n;
	do {
		w->zs.next_out = w->out;
		w->zs.avail_out = IO_CHUNK;
		rc = deflate(&w->zs, flush);
		if (rc == Z_STREAM_ERROR)
			return err_set(e, ERR_INTERNAL, "%s: zlib deflate failed", w->path);
		if (emit(w, w->out, IO_CHUNK - w->zs.avail_out, e) < 0)
			return -1;
	} while (w->zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
	return 0;
}

static void file_drop(struct export_writer *w)
{
	if (w->zs_init)
		deflateEnd(&w->zs);
	w->zs_init = 0;
	if (w->f) {
		fclose(w->f);
		unlink(w->path);
	}
	w->f = NULL;
	if (w->md5)
		EVP_MD_CTX_free(w->md5);
	if (w->part)
		EVP_MD_CTX_free(w->part);
	w->md5 = w->part = NULL;
	free(w->path);
	free(w->name);
	free(w->out);
	w->path = w->name = NULL;
	w->out = NULL;
	buf_reset(&w->parts);
}

static int file_start(struct export_writer *w, struct err *e)
{
	char rnd[27];
	int fd;
	random_name(rnd);
	w->name = xasprintf("%s.json.gz", rnd);
	w->path = xasprintf("%s/%s", w->d->data, w->name);
	fd = open(w->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 || !(w->f = fdopen(fd, "wb"))) {
		int en = errno;
		if (fd >= 0) {
			close(fd);
			unlink(w->path);
		}
		err_set(e, ERR_IO, "%s: cannot create: %s", w->path, strerror(en));
		free(w->path);
		free(w->name);
		w->path = w->name = NULL;
		return -1;
	}
	memset(&w->zs, 0, sizeof w->zs);
	if (deflateInit2(&w->zs, w->d->lim.gzip_level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		fclose(w->f);
		w->f = NULL;
		unlink(w->path);
		return err_set(e, ERR_INTERNAL, "zlib deflateInit2 failed");
	}
	w->zs_init = 1;
	w->out = xmalloc(IO_CHUNK);
	w->md5 = xf_md5_new();
	w->part = xf_md5_new();
	w->part_bytes = 0;
	w->items = 0;
	w->ubytes = w->cbytes = w->billed = 0;
	buf_reset(&w->parts);
	return 0;
}

/* Finish the current file and record it in d. */
static int file_finish(struct export_writer *w, struct err *e)
{
	struct export_file fe;
	unsigned char md[16];
	size_t nparts;
	if (!w->f)
		return 0;
	if (deflate_some(w, NULL, 0, Z_FINISH, e) < 0)
		goto fail;
	if (fflush(w->f) != 0 || ferror(w->f)) {
		err_set(e, ERR_IO, "%s: cannot write: %s", w->path, strerror(errno));
		goto fail;
	}
	if (fclose(w->f) != 0) {
		w->f = NULL;
		err_set(e, ERR_IO, "%s: cannot write: %s", w->path, strerror(errno));
		unlink(w->path);
		goto fail;
	}
	w->f = NULL;
	deflateEnd(&w->zs);
	w->zs_init = 0;
	memset(&fe, 0, sizeof fe);
	fe.name = w->name;
	w->name = NULL;
	fe.items = w->items;
	fe.bytes = w->cbytes;
	xf_md5_final(w->md5, md);
	w->md5 = NULL;
	xf_b64_16(md, fe.md5);
	if (w->part_bytes || w->parts.len == 0) {
		xf_md5_final(w->part, md);
		buf_add(&w->parts, md, 16);
	} else {
		EVP_MD_CTX_free(w->part);
	}
	w->part = NULL;
	nparts = w->parts.len / 16;
	xf_md5_of(w->parts.ptr, w->parts.len, md);
	xf_hex16(md, fe.etag);
	snprintf(fe.etag + 32, sizeof fe.etag - 32, "-%zu", nparts);
	pthread_mutex_lock(&w->d->mu);
	if (w->d->nfiles == w->d->alloc) {
		w->d->alloc = w->d->alloc ? 2 * w->d->alloc : 16;
		w->d->files = xrealloc(w->d->files, w->d->alloc * sizeof *w->d->files);
	}
	w->d->files[w->d->nfiles++] = fe;
	w->d->items += w->items;
	w->d->billed += w->billed;
	pthread_mutex_unlock(&w->d->mu);
	file_drop(w);
	return 0;
fail:
	file_drop(w);
	return -1;
}

/* Append w->line (a complete line) to the current file, rotating first when the limits are reached. */
static int put_line(struct export_writer *w, uint64_t billed, struct err *e)
{
	if (w->f && (w->items >= w->d->lim.file_items || w->ubytes >= w->d->lim.file_bytes))
		if (file_finish(w, e) < 0)
			return -1;
	if (!w->f && file_start(w, e) < 0)
		return -1;
	if (deflate_some(w, w->line.ptr, w->line.len, Z_NO_FLUSH, e) < 0) {
		file_drop(w);
		return -1;
	}
	w->items++;
	w->ubytes += w->line.len;
	w->billed += billed;
	return 0;
}

int export_writer_add_item(struct export_writer *w, const cJSON *item, struct err *e)
{
	size_t size;
	if (!cJSON_IsObject(item))
		return err_set(e, ERR_DATA, "an exported item must be a JSON object");
	if (item_size(item, &size, e) < 0)
		return -1;
	buf_reset(&w->line);
	if (buf_adds(&w->line, "{\"Item\":") < 0 || json_print_to_buf(item, &w->line, e) < 0 ||
	    buf_adds(&w->line, "}\n") < 0)
		return err_set(e, ERR_DATA, "item too large to export");
	return put_line(w, size, e);
}

int export_writer_add_text(struct export_writer *w, const char *text, size_t len, size_t item_bytes,
                           struct err *e)
{
	if (!len || text[0] != '{' || text[len - 1] != '}')
		return err_set(e, ERR_DATA, "an exported item must be a JSON object");
	if (memchr(text, '\n', len) || memchr(text, '\r', len))
		return err_set(e, ERR_DATA, "an exported item's text must be one line");
	if (item_bytes == (size_t)-1) {
		cJSON *j = json_parse_exact(text, len, e);
		int rc = j ? item_size(j, &item_bytes, e) : -1;
		cJSON_Delete(j);
		if (rc < 0)
			return -1;
	}
	buf_reset(&w->line);
	if (buf_adds(&w->line, "{\"Item\":") < 0 || buf_add(&w->line, text, len) < 0 || buf_adds(&w->line, "}\n") < 0)
		return err_set(e, ERR_DATA, "item too large to export");
	return put_line(w, item_bytes, e);
}

static void writer_free(struct export_writer *w)
{
	pthread_mutex_lock(&w->d->mu);
	w->d->open_writers--;
	pthread_mutex_unlock(&w->d->mu);
	buf_release(&w->parts);
	buf_release(&w->line);
	free(w);
}

int export_writer_close(struct export_writer *w, struct err *e)
{
	int rc;
	if (!w)
		return 0;
	rc = file_finish(w, e);
	file_drop(w);
	writer_free(w);
	return rc;
}

void export_writer_abort(struct export_writer *w)
{
	if (!w)
		return;
	file_drop(w);
	writer_free(w);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct export_file *)a)->name, ((const struct export_file *)b)->name);
}

static void add_str_or_null(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void add_time(cJSON *o, const char *k, int64_t ms)
{
	char t[80];
	if (ms < 0) {
		cJSON_AddNullToObject(o, k);
		return;
	}
	iso_ms(ms, t);
	cJSON_AddStringToObject(o, k, t);
}

static void add_count(cJSON *o, const char *k, uint64_t n)
{
	char t[32];
	snprintf(t, sizeof t, "%llu", (unsigned long long)n);
	json_add_number_text(o, k, t, NULL);
}

/* Write text to path and its hex MD5 to the .checksum beside it (same base name). */
static int write_with_checksum(const char *dir, const char *base, const char *text, size_t len, struct err *e)
{
	unsigned char md[16];
	char hex[33];
	char *p = xasprintf("%s/%s.json", dir, base), *c = xasprintf("%s/%s.checksum", dir, base);
	int rc;
	xf_md5_of(text, len, md);
	xf_hex16(md, hex);
	rc = write_atomic(p, text, len, e);
	if (rc == 0)
		rc = write_atomic(c, hex, 32, e);
	free(p);
	free(c);
	return rc;
}

int export_dir_finish(struct export_dir *d, const struct export_meta *meta, struct err *e)
{
	struct export_meta none = { NULL, NULL, NULL, NULL, NULL, NULL, NULL, -1, -1, -1 };
	struct buf files = BUF_INIT;
	char id[64], *root, *mkey;
	cJSON *sum;
	char *text;
	int rc = -1;

	if (!meta)
		meta = &none;
	pthread_mutex_lock(&d->mu);
	int nopen = d->open_writers;
	pthread_mutex_unlock(&d->mu);
	if (nopen)
		return err_set(e, ERR_INTERNAL, "export: %d writer(s) still open at the end", nopen);
	if (meta->export_id) {
		snprintf(id, sizeof id, "%s", meta->export_id);
	} else {
		unsigned char r[4];
		if (RAND_bytes(r, 4) != 1)
			abort();
		snprintf(id, sizeof id, "%014lld-%02x%02x%02x%02x", (long long)(meta->export_ms > 0 ? meta->export_ms : 0),
		         r[0], r[1], r[2], r[3]);
	}
	root = meta->s3_prefix && *meta->s3_prefix ? xasprintf("%s/AWSDynamoDB/%s", meta->s3_prefix, id)
	                                            : xasprintf("AWSDynamoDB/%s", id);
	if (d->nfiles)
		qsort(d->files, d->nfiles, sizeof *d->files, cmp_file);
	for (size_t i = 0; i < d->nfiles; i++) {
		const struct export_file *f = &d->files[i];
		if (buf_addf(&files, "{\"itemCount\":%ld,\"md5Checksum\":\"%s\",\"etag\":\"%s\",\"dataFileS3Key\":",
		             f->items, f->md5, f->etag) < 0)
			goto toobig;
		char *key = xasprintf("%s/data/%s", root, f->name);
		cJSON *k = cJSON_CreateString(key);
		free(key);
		int bad = json_print_to_buf(k, &files, e) < 0 || buf_adds(&files, "}\n") < 0;
		cJSON_Delete(k);
		if (bad)
			goto toobig;
	}
	if (write_with_checksum(d->dir, "manifest-files", buf_cstr(&files), files.len, e) < 0)
		goto done;

	sum = cJSON_CreateObject();
	cJSON_AddStringToObject(sum, "version", "2020-06-30");
	if (meta->table_arn) {
		char *arn = xasprintf("%s/export/%s", meta->table_arn, id);
		cJSON_AddStringToObject(sum, "exportArn", arn);
		free(arn);
	} else {
		cJSON_AddNullToObject(sum, "exportArn");
	}
	add_time(sum, "startTime", meta->start_ms);
	add_time(sum, "endTime", meta->end_ms);
	add_str_or_null(sum, "tableArn", meta->table_arn);
	add_str_or_null(sum, "tableId", meta->table_id);
	add_time(sum, "exportTime", meta->export_ms);
	add_str_or_null(sum, "s3Bucket", meta->s3_bucket);
	add_str_or_null(sum, "s3Prefix", meta->s3_prefix);
	add_str_or_null(sum, "s3SseAlgorithm", meta->s3_sse_algorithm);
	add_str_or_null(sum, "s3SseKmsKeyId", meta->s3_sse_kms_key_id);
	mkey = xasprintf("%s/manifest-files.json", root);
	cJSON_AddStringToObject(sum, "manifestFilesS3Key", mkey);
	free(mkey);
	add_count(sum, "billedSizeBytes", d->billed);
	add_count(sum, "itemCount", (uint64_t)d->items);
	cJSON_AddStringToObject(sum, "outputFormat", "DYNAMODB_JSON");
	cJSON_AddStringToObject(sum, "exportType", "FULL_EXPORT");
	text = cJSON_Print(sum);
	cJSON_Delete(sum);
	if (!text) {
		err_set(e, ERR_INTERNAL, "cannot print manifest-summary.json");
		goto done;
	}
	rc = write_with_checksum(d->dir, "manifest-summary", text, strlen(text), e);
	free(text);
	goto done;
toobig:
	if (!e->kind)
		err_set(e, ERR_DATA, "manifest-files.json would be too large");
done:
	buf_release(&files);
	free(root);
	return rc;
}

void export_dir_totals(const struct export_dir *d, long *files, long *items, uint64_t *billed)
{
	pthread_mutex_lock((pthread_mutex_t *)&d->mu);
	if (files)
		*files = (long)d->nfiles;
	if (items)
		*items = d->items;
	if (billed)
		*billed = d->billed;
	pthread_mutex_unlock((pthread_mutex_t *)&d->mu);
}

void export_dir_free(struct export_dir *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nfiles; i++)
		free(d->files[i].name);
	free(d->files);
	free(d->dir);
	free(d->data);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

/* ---- schema.json ------------------------------------------------------------------------------------------ */

const cJSON *xf_jget(const cJSON *o, const char *k)
{
	return json_get(o, k);
}

static void copy_to(cJSON *dst, const cJSON *src, const char *k)
{
	const cJSON *v = xf_jget(src, k);
	if (v)
		cJSON_AddItemToObject(dst, k, cJSON_Duplicate(v, 1));
}

/* A throughput number from a description (a raw or cJSON number), or -1. */
static long long num(const cJSON *o, const char *k)
{
	const cJSON *v = xf_jget(o, k);
	char tmp[JSON_NUMBER_TMP], *end;
	const char *t = json_number_text_tmp(v, tmp, sizeof tmp);
	long long n;
	if (!t)
		return -1;
	errno = 0;
	n = strtoll(t, &end, 10);
	return errno || *end ? -1 : n;
}

static void add_throughput(cJSON *dst, const cJSON *pt, const cJSON *fallback)
{
	long long r = num(pt, "ReadCapacityUnits"), w = num(pt, "WriteCapacityUnits");
	char t[32];
	if (r <= 0 || w <= 0) {
		r = num(fallback, "ReadCapacityUnits");
		w = num(fallback, "WriteCapacityUnits");
	}
	if (r <= 0)
		r = 1;
	if (w <= 0)
		w = 1;
	cJSON *o = cJSON_AddObjectToObject(dst, "ProvisionedThroughput");
	snprintf(t, sizeof t, "%lld", r);
	json_add_number_text(o, "ReadCapacityUnits", t, NULL);
	snprintf(t, sizeof t, "%lld", w);
	json_add_number_text(o, "WriteCapacityUnits", t, NULL);
}

static void add_on_demand(cJSON *dst, const cJSON *src)
{
	const cJSON *od = xf_jget(src, "OnDemandThroughput");
	long long r = num(od, "MaxReadRequestUnits"), w = num(od, "MaxWriteRequestUnits");
	char t[32];
	if (r <= 0 && w <= 0)
		return;
	cJSON *o = cJSON_AddObjectToObject(dst, "OnDemandThroughput");
	if (r > 0) {
		snprintf(t, sizeof t, "%lld", r);
		json_add_number_text(o, "MaxReadRequestUnits", t, NULL);
	}
	if (w > 0) {
		snprintf(t, sizeof t, "%lld", w);
		json_add_number_text(o, "MaxWriteRequestUnits", t, NULL);
	}
}

static cJSON *index_of(const cJSON *ix, int global, int provisioned, const cJSON *table_pt)
{
	cJSON *o = cJSON_CreateObject();
	copy_to(o, ix, "IndexName");
	copy_to(o, ix, "KeySchema");
	copy_to(o, ix, "Projection");
	if (global) {
		if (provisioned)
			add_throughput(o, xf_jget(ix, "ProvisionedThroughput"), table_pt);
		else
			add_on_demand(o, ix);
	}
	return o;
}

cJSON *export_schema_from_describe(const cJSON *table, const cJSON *ttl, const cJSON *tags, const char *name,
                                   int flags, struct err *e)
{
	const cJSON *t = xf_jget(table, "Table") ? xf_jget(table, "Table") : table, *pt, *v;
	const char *billing, *tname = json_get_string(t, "TableName");
	int provisioned;
	cJSON *s;

	if (!cJSON_IsObject(t) || !tname || !cJSON_IsArray(xf_jget(t, "KeySchema")) ||
	    !cJSON_IsArray(xf_jget(t, "AttributeDefinitions"))) {
		err_set(e, ERR_DATA, "not a table description (TableName, KeySchema and AttributeDefinitions expected)");
		return NULL;
	}
	pt = xf_jget(t, "ProvisionedThroughput");
	billing = json_get_string(xf_jget(t, "BillingModeSummary"), "BillingMode");
	if (billing)
		provisioned = !strcmp(billing, "PROVISIONED");
	else
		provisioned = num(pt, "ReadCapacityUnits") > 0 && num(pt, "WriteCapacityUnits") > 0;

	s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "TableName", name ? name : tname);
	copy_to(s, t, "AttributeDefinitions");
	copy_to(s, t, "KeySchema");
	cJSON_AddStringToObject(s, "BillingMode", provisioned ? "PROVISIONED" : "PAY_PER_REQUEST");
	if (provisioned)
		add_throughput(s, pt, NULL);
	else
		add_on_demand(s, t);
	for (int g = 1; g >= 0; g--) {
		const char *k = g ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes";
		const cJSON *arr = xf_jget(t, k), *ix;
		if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
			continue;
		cJSON *out = cJSON_AddArrayToObject(s, k);
		cJSON_ArrayForEach(ix, arr)
			cJSON_AddItemToArray(out, index_of(ix, g, provisioned, pt));
	}
	v = xf_jget(t, "StreamSpecification");
	if (cJSON_IsTrue(xf_jget(v, "StreamEnabled")) && json_get_string(v, "StreamViewType")) {
		cJSON *o = cJSON_AddObjectToObject(s, "StreamSpecification");
		cJSON_AddTrueToObject(o, "StreamEnabled");
		cJSON_AddStringToObject(o, "StreamViewType", json_get_string(v, "StreamViewType"));
	}
	v = xf_jget(t, "SSEDescription");
	if ((flags & EXPORT_SCHEMA_SSE) && v) {
		const char *st = json_get_string(v, "Status"), *ty = json_get_string(v, "SSEType");
		if (st && (!strcmp(st, "ENABLED") || !strcmp(st, "ENABLING")) && ty && !strcmp(ty, "KMS")) {
			cJSON *o = cJSON_AddObjectToObject(s, "SSESpecification");
			cJSON_AddTrueToObject(o, "Enabled");
			cJSON_AddStringToObject(o, "SSEType", "KMS");
			if (json_get_string(v, "KMSMasterKeyArn"))
				cJSON_AddStringToObject(o, "KMSMasterKeyId", json_get_string(v, "KMSMasterKeyArn"));
		}
	}
	const char *cls = json_get_string(xf_jget(t, "TableClassSummary"), "TableClass");
	if (cls && strcmp(cls, "STANDARD"))
		cJSON_AddStringToObject(s, "TableClass", cls);
	if (cJSON_IsTrue(xf_jget(t, "DeletionProtectionEnabled")))
		cJSON_AddTrueToObject(s, "DeletionProtectionEnabled");
	if (cJSON_IsArray(tags) && cJSON_GetArraySize(tags) > 0)
		cJSON_AddItemToObject(s, "Tags", cJSON_Duplicate(tags, 1));
	if (ttl) {
		const cJSON *d = xf_jget(ttl, "TimeToLiveDescription") ? xf_jget(ttl, "TimeToLiveDescription") : ttl;
		const char *st = json_get_string(d, "TimeToLiveStatus"), *an = json_get_string(d, "AttributeName");
		if (st && an && (!strcmp(st, "ENABLED") || !strcmp(st, "ENABLING"))) {
			cJSON *o = cJSON_AddObjectToObject(s, "TimeToLiveSpecification");
			cJSON_AddStringToObject(o, "AttributeName", an);
			cJSON_AddTrueToObject(o, "Enabled");
		}
	}
	return s;
}

int export_write_schema(const char *dir, const cJSON *schema, struct err *e)
{
	char *text = cJSON_Print(schema), *p;
	int rc;
	if (!text)
		return err_set(e, ERR_INTERNAL, "cannot print schema.json");
	p = xasprintf("%s/schema.json", dir);
	size_t n = strlen(text);
	text = xrealloc(text, n + 2);
	text[n] = '\n';
	text[n + 1] = '\0';
	rc = write_atomic(p, text, n + 1, e);
	free(p);
	free(text);
	return rc;
}

