/* exportfmt_read.c — reading an export back: the manifests checked against their checksums, the data files
 * streamed (gzip or plain), each verified by its MD5 and item count (lib/dynamo/exportfmt.h). */
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

#include "dynamo/item.h"
#include "base/json.h"
#include "dynamo/exportfmt_int.h"

/* ---- reading ---------------------------------------------------------------------------------------------- */

struct rfile {
	char *path;
	long items;           /* expected, or -1 */
	char md5[32];         /* expected base64, or "" */
	char etag[80];        /* expected, or "" */
	char *listed_at;      /* "DIR/manifest-files.json:3", or NULL */
};

struct export_reader {
	struct rfile *files;
	size_t nfiles, next;
	long expect_total;    /* manifest-summary.json's itemCount, or -1 */
	char *summary_path;
	/* the current file */
	struct rfile *cur;
	FILE *f;
	int gz, zs_init, member_done, eof;
	z_stream zs;
	unsigned char *in, *out;
	size_t out_len, out_pos;
	EVP_MD_CTX *md5;
	long lineno, file_items;
	struct buf line;
	/* counts */
	long nopened, items;
	uint64_t bytes;
};

static void rfiles_add(struct export_reader *r, char *path)
{
	r->files = xrealloc(r->files, (r->nfiles + 1) * sizeof *r->files);
	memset(&r->files[r->nfiles], 0, sizeof *r->files);
	r->files[r->nfiles].path = path;
	r->files[r->nfiles].items = -1;
	r->nfiles++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !strcmp(s + n - m, suf);
}

/* The data files of a folder without a manifest: *.json.gz and *.json, name order, hidden files skipped. */
static int list_dir(struct export_reader *r, const char *dir, struct err *e)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	if (!dh)
		return err_set(e, errno == ENOENT ? ERR_NOINPUT : ERR_IO, "%s: cannot open: %s", dir, strerror(errno));
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.' || !(ends_with(de->d_name, ".json.gz") || ends_with(de->d_name, ".json")))
			continue;
		if (!strcmp(de->d_name, "schema.json") || !strncmp(de->d_name, "manifest-", 9))
			continue;
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(dh);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (xf_is_dir(names[i])) {
			free(names[i]);
			continue;
		}
		rfiles_add(r, names[i]);
	}
	free(names);
	return 0;
}

/* A non-negative integer member (raw number text), or -1. */
static long long count_of(const cJSON *o, const char *k)
{
	const char *t = json_number_text(xf_jget(o, k));
	char *end;
	long long n;
	if (!t || t[0] == '-')
		return -1;
	errno = 0;
	n = strtoll(t, &end, 10);
	return errno || *end ? -1 : n;
}

static int check_checksum(const char *dir, const char *base, const struct buf *content, struct err *e)
{
	char *p = xasprintf("%s/%s.checksum", dir, base);
	struct buf c = BUF_INIT;
	unsigned char md[16];
	char hex[33], b64[25];
	int rc = 0;
	if (!xf_exists(p)) {
		free(p);
		return 0;
	}
	if (xf_read_small(p, 256, &c, e) < 0) {
		free(p);
		return -1;
	}
	while (c.len && strchr(" \t\r\n", c.ptr[c.len - 1]))
		c.ptr[--c.len] = '\0';
	xf_md5_of(content->ptr ? content->ptr : "", content->len, md);
	xf_hex16(md, hex);
	xf_b64_16(md, b64);
	if (c.len == 32) {
		if (strcasecmp(buf_cstr(&c), hex))
			rc = err_set(e, ERR_DATA, "%s/%s.json: MD5 %s does not match %s (%s): the manifest is damaged", dir,
			             base, hex, p, buf_cstr(&c));
	} else if (c.len == 24) {
		if (strcmp(buf_cstr(&c), b64))
			rc = err_set(e, ERR_DATA, "%s/%s.json: MD5 %s does not match %s (%s): the manifest is damaged", dir,
			             base, b64, p, buf_cstr(&c));
	} else {
		rc = err_set(e, ERR_DATA, "%s: not an MD5 checksum (32 hex or 24 base64 characters expected)", p);
	}
	buf_release(&c);
	free(p);
	return rc;
}

static int read_summary(struct export_reader *r, const char *dir, struct err *e)
{
	char *p = xasprintf("%s/manifest-summary.json", dir);
	struct buf b = BUF_INIT;
	cJSON *j = NULL;
	const char *fmt;
	int rc = -1;
	if (!xf_exists(p)) {
		free(p);
		return 0;
	}
	if (xf_read_small(p, EXPORT_SUMMARY_MAX, &b, e) < 0)
		goto done;
	if (!(j = json_parse_exact(buf_cstr(&b), b.len, e))) {
		err_prefix(e, "%s", p);
		goto done;
	}
	if (!cJSON_IsObject(j)) {
		err_set(e, ERR_DATA, "%s: not a JSON object", p);
		goto done;
	}
	fmt = json_get_string(j, "outputFormat");
	if (fmt && strcmp(fmt, "DYNAMODB_JSON")) {
		err_set(e, ERR_DATA, "%s: outputFormat %s is not supported (export as DYNAMODB_JSON)", p, fmt);
		goto done;
	}
	if (xf_jget(j, "itemCount") && (r->expect_total = count_of(j, "itemCount")) < 0) {
		err_set(e, ERR_DATA, "%s: itemCount is not a non-negative integer", p);
		goto done;
	}
	if (check_checksum(dir, "manifest-summary", &b, e) < 0)
		goto done;
	r->summary_path = p;
	p = NULL;
	rc = 0;
done:
	cJSON_Delete(j);
	buf_release(&b);
	free(p);
	return rc;
}

static int read_manifest(struct export_reader *r, const char *dir, const char *mpath, struct err *e)
{
	struct buf b = BUF_INIT;
	const char *s, *end;
	long lineno = 0;
	if (xf_read_small(mpath, (size_t)256 << 20, &b, e) < 0)
		return -1;
	if (check_checksum(dir, "manifest-files", &b, e) < 0)
		goto fail;
	for (s = buf_cstr(&b), end = s + b.len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		const char *key, *base, *md, *et;
		long long items;
		cJSON *j;
		lineno++;
		if (len && s[len - 1] == '\r')
			len--;
		size_t k = 0;
		while (k < len && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k == len)
			goto next;
		if (len > EXPORT_MANIFEST_LINE_MAX) {
			err_set(e, ERR_DATA, "%s:%ld: line longer than %u bytes", mpath, lineno, EXPORT_MANIFEST_LINE_MAX);
			goto fail;
		}
		if (!(j = json_parse_exact(s, len, e))) {
			err_prefix(e, "%s:%ld", mpath, lineno);
			goto fail;
		}
		key = json_get_string(j, "dataFileS3Key");
		items = count_of(j, "itemCount");
		md = json_get_string(j, "md5Checksum");
		et = json_get_string(j, "etag");
		if (!cJSON_IsObject(j) || !key || items < 0) {
			cJSON_Delete(j);
			err_set(e, ERR_DATA, "%s:%ld: expected {\"itemCount\":N,\"md5Checksum\":...,\"dataFileS3Key\":...}",
			        mpath, lineno);
			goto fail;
		}
		base = strrchr(key, '/') ? strrchr(key, '/') + 1 : key;
		if (!*base || !strcmp(base, "..") || !strcmp(base, ".") || (md && strlen(md) != 24) ||
		    (et && strlen(et) >= sizeof r->files->etag)) {
			cJSON_Delete(j);
			err_set(e, ERR_DATA, "%s:%ld: bad dataFileS3Key, md5Checksum or etag", mpath, lineno);
			goto fail;
		}
		rfiles_add(r, xasprintf("%s/data/%s", dir, base));
		struct rfile *rf = &r->files[r->nfiles - 1];
		rf->items = (long)items;
		if (md)
			snprintf(rf->md5, sizeof rf->md5, "%s", md);
		if (et)
			snprintf(rf->etag, sizeof rf->etag, "%s", et);
		rf->listed_at = xasprintf("%s:%ld", mpath, lineno);
		cJSON_Delete(j);
		if (!xf_exists(rf->path)) {
			err_set(e, ERR_NOINPUT, "%s: missing (listed in %s)", rf->path, rf->listed_at);
			goto fail;
		}
	next:
		s += (nl ? (size_t)(nl - s) + 1 : (size_t)(end - s));
	}
	buf_release(&b);
	return 0;
fail:
	buf_release(&b);
	return -1;
}

int export_reader_open(struct export_reader **out, const char *path, struct err *e)
{
	struct export_reader *r = xcalloc(1, sizeof *r);
	r->expect_total = -1;
	buf_init(&r->line, EXPORT_LINE_MAX + 1);
	*out = NULL;
	if (xf_is_dir(path)) {
		char *m = xasprintf("%s/manifest-files.json", path), *data = xasprintf("%s/data", path);
		int rc;
		if (xf_exists(m)) {
			rc = read_summary(r, path, e);
			if (rc == 0)
				rc = read_manifest(r, path, m, e);
		} else {
			rc = list_dir(r, xf_is_dir(data) ? data : path, e);
		}
		free(m);
		free(data);
		if (rc < 0) {
			export_reader_free(r);
			return -1;
		}
	} else if (xf_exists(path)) {
		rfiles_add(r, xstrdup(path));
	} else {
		export_reader_free(r);
		return err_set(e, ERR_NOINPUT, "%s: no such file or directory", path);
	}
	*out = r;
	return 0;
}

static void close_cur(struct export_reader *r)
{
	if (r->f)
		fclose(r->f);
	r->f = NULL;
	if (r->zs_init)
		inflateEnd(&r->zs);
	r->zs_init = 0;
	if (r->md5)
		EVP_MD_CTX_free(r->md5);
	r->md5 = NULL;
	r->cur = NULL;
}

/* Raw bytes from the current file into r->in; returns the count (0 at the end) or -1. */
static long raw_read(struct export_reader *r, struct err *e)
{
	size_t n = fread(r->in, 1, IO_CHUNK, r->f);
	if (n == 0 && ferror(r->f))
		return err_set(e, ERR_IO, "%s: cannot read: %s", r->cur->path, strerror(errno));
	EVP_DigestUpdate(r->md5, r->in, n);
	r->bytes += n;
	return (long)n;
}

/* More uncompressed bytes into r->out: 1, 0 at the (verified) end of the stream, -1 on error. */
static int fill(struct export_reader *r, struct err *e)
{
	r->out_pos = r->out_len = 0;
	if (r->eof)
		return 0;
	if (!r->gz) {
		if (r->zs.avail_in) {   /* the first chunk, read to look for the gzip magic */
			memcpy(r->out, r->zs.next_in, r->zs.avail_in);
			r->out_len = r->zs.avail_in;
			r->zs.avail_in = 0;
			return 1;
		}
		long n = raw_read(r, e);
		if (n < 0)
			return -1;
		if (n == 0) {
			r->eof = 1;
			return 0;
		}
		memcpy(r->out, r->in, (size_t)n);
		r->out_len = (size_t)n;
		return 1;
	}
	for (;;) {
		if (r->zs.avail_in == 0) {
			long n = raw_read(r, e);
			if (n < 0)
				return -1;
			if (n == 0) {
				if (r->member_done) {
					r->eof = 1;
					return 0;
				}
				return err_set(e, ERR_DATA, "%s: truncated gzip data (the file ends inside the stream)",
				               r->cur->path);
			}
			r->zs.next_in = r->in;
			r->zs.avail_in = (uInt)n;
		}
		if (r->member_done) {
			/* another gzip member may follow (concatenated .gz files are valid gzip) */
			if (r->zs.next_in[0] != 0x1f)
				return err_set(e, ERR_DATA, "%s: unexpected data after the end of the gzip stream", r->cur->path);
			inflateReset(&r->zs);
			r->member_done = 0;
		}
		r->zs.next_out = r->out;
		r->zs.avail_out = IO_CHUNK;
		int rc = inflate(&r->zs, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			r->member_done = 1;
		} else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
			return err_set(e, ERR_DATA, "%s: corrupt gzip data (%s)", r->cur->path,
			               r->zs.msg ? r->zs.msg : "invalid stream");
		} else if (rc == Z_MEM_ERROR) {
			return err_set(e, ERR_INTERNAL, "%s: zlib: out of memory", r->cur->path);
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			return err_set(e, ERR_DATA, "%s: gzip error %d", r->cur->path, rc);
		}
		r->out_len = IO_CHUNK - r->zs.avail_out;
		if (r->out_len)
			return 1;
	}
}

static int open_next(struct export_reader *r, struct err *e)
{
	struct rfile *rf = &r->files[r->next++];
	long n;
	r->cur = rf;
	r->f = fopen(rf->path, "rb");
	if (!r->f) {
		int en = errno;
		r->cur = NULL;
		return err_set(e, en == ENOENT ? ERR_NOINPUT : ERR_IO, "%s: cannot open: %s", rf->path, strerror(en));
	}
	if (!r->in) {
		r->in = xmalloc(IO_CHUNK);
		r->out = xmalloc(IO_CHUNK);
	}
	r->md5 = xf_md5_new();
	r->nopened++;
	r->lineno = r->file_items = 0;
	r->eof = r->member_done = 0;
	r->out_len = r->out_pos = 0;
	buf_reset(&r->line);
	memset(&r->zs, 0, sizeof r->zs);
	if ((n = raw_read(r, e)) < 0)
		return -1;
	r->gz = n >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b;
	r->zs.next_in = r->in;
	r->zs.avail_in = (uInt)n;
	if (r->gz) {
		if (inflateInit2(&r->zs, 15 + 16) != Z_OK)
			return err_set(e, ERR_INTERNAL, "zlib inflateInit2 failed");
		r->zs_init = 1;
	}
	return 0;
}

/* The current file ended: check what the manifest says about it. */
static int verify_cur(struct export_reader *r, struct err *e)
{
	struct rfile *rf = r->cur;
	unsigned char md[16];
	char b64[25], hex[33];
	xf_md5_final(r->md5, md);
	r->md5 = NULL;
	xf_b64_16(md, b64);
	xf_hex16(md, hex);
	if (rf->md5[0] && strcmp(rf->md5, b64))
		return err_set(e, ERR_DATA, "%s: MD5 %s, but %s says %s: the file is damaged", rf->path, b64,
		               rf->listed_at, rf->md5);
	if (rf->items >= 0 && rf->items != r->file_items)
		return err_set(e, ERR_DATA, "%s: %ld items, but %s says %ld: the file is incomplete or damaged", rf->path,
		               r->file_items, rf->listed_at, rf->items);
	if (rf->etag[0]) {
		/* verifiable: a plain ETag (the MD5) or a one-part multipart ETag (the MD5 of the MD5) */
		const char *dash = strchr(rf->etag, '-');
		char want[48] = "";
		if (!dash) {
			snprintf(want, sizeof want, "%s", hex);
		} else if (!strcmp(dash, "-1")) {
			unsigned char m2[16];
			xf_md5_of(md, 16, m2);
			xf_hex16(m2, want);
			snprintf(want + 32, sizeof want - 32, "-1");
		}
		if (want[0] && strcasecmp(want, rf->etag))
			return err_set(e, ERR_DATA, "%s: ETag %s, but %s says %s: the file is damaged", rf->path, want,
			               rf->listed_at, rf->etag);
	}
	return 0;
}

int export_reader_next(struct export_reader *r, struct export_line *l, struct err *e)
{
	for (;;) {
		if (!r->cur) {
			if (r->next == r->nfiles) {
				if (r->expect_total >= 0 && r->expect_total != r->items)
					return err_set(e, ERR_DATA, "%s: itemCount %ld, but the data files hold %ld items",
					               r->summary_path, r->expect_total, r->items);
				return 0;
			}
			if (open_next(r, e) < 0) {
				close_cur(r);
				return -1;
			}
		}
		/* assemble one line */
		int have = 0;
		buf_reset(&r->line);
		for (;;) {
			if (r->out_pos == r->out_len) {
				int rc = fill(r, e);
				if (rc < 0) {
					close_cur(r);
					return -1;
				}
				if (rc == 0)
					break;
			}
			const unsigned char *s = r->out + r->out_pos;
			size_t n = r->out_len - r->out_pos;
			const unsigned char *nl = memchr(s, '\n', n);
			size_t k = nl ? (size_t)(nl - s) : n;
			if (buf_add(&r->line, s, k) < 0 || r->line.len > EXPORT_LINE_MAX) {
				err_set(e, ERR_DATA, "%s:%ld: line longer than %u bytes", r->cur->path, r->lineno + 1,
				        EXPORT_LINE_MAX);
				close_cur(r);
				return -1;
			}
			r->out_pos += k + (nl ? 1 : 0);
			have = 1;
			if (nl)
				break;
		}
		if (!have) {   /* end of the file */
			int rc = verify_cur(r, e);
			close_cur(r);
			if (rc < 0)
				return -1;
			continue;
		}
		r->lineno++;
		if (r->line.len && r->line.ptr[r->line.len - 1] == '\r')
			r->line.ptr[--r->line.len] = '\0';
		size_t i = 0;
		while (i < r->line.len && (r->line.ptr[i] == ' ' || r->line.ptr[i] == '\t'))
			i++;
		if (i == r->line.len)
			continue;   /* blank */
		r->file_items++;
		r->items++;
		l->text = buf_cstr(&r->line);
		l->len = r->line.len;
		l->file = r->cur->path;
		l->line = r->lineno;
		return 1;
	}
}

void export_reader_counts(const struct export_reader *r, long *files, long *items, uint64_t *bytes)
{
	if (files)
		*files = r->nopened;
	if (items)
		*items = r->items;
	if (bytes)
		*bytes = r->bytes;
}

void export_reader_free(struct export_reader *r)
{
	if (!r)
		return;
	close_cur(r);
	for (size_t i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].listed_at);
	}
	free(r->files);
	free(r->summary_path);
	free(r->in);
	free(r->out);
	buf_release(&r->line);
	free(r);
}

cJSON *export_parse_line(const char *text, size_t len, const cJSON **item, struct err *e)
{
	cJSON *j = json_parse_exact(text, len, e);
	const cJSON *it;
	*item = NULL;
	if (!j)
		return NULL;
	it = json_get(j, "Item");
	if (!cJSON_IsObject(j) || !cJSON_IsObject(it) || cJSON_GetArraySize(j) != 1) {
		cJSON_Delete(j);
		err_set(e, ERR_DATA, "expected {\"Item\":{...}} (a DynamoDB export line)");
		return NULL;
	}
	*item = it;
	return j;
}
