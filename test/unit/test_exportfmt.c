/* test_exportfmt.c — lib/exportfmt: write an export to a temporary directory, read it back exactly, check the
 * manifests' fields, counts and checksums, and that damaged exports (truncated or corrupt gzip, edited manifests,
 * missing files, over-long lines) are errors naming the file; schema.json from table descriptions. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <openssl/evp.h>

#include "dynamo/exportfmt.h"
#include "dynamo/item.h"
#include "base/json.h"
#include "dynamo/schema.h"
#include "unit.h"

static char root[256];

static cJSON *parse(const char *s)
{
	struct err e = ERR_INIT;
	cJSON *j = json_parse_exact(s, strlen(s), &e);
	if (!j)
		fprintf(stderr, "test: bad JSON in test: %s: %s\n", e.msg, s);
	return j;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (len)
		*len = b.len;
	return b.ptr ? buf_detach(&b, NULL) : xstrdup("");
}

static void spit(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

static void gz_spit(const char *path, const char *text)
{
	gzFile g = gzopen(path, "wb");
	gzwrite(g, text, (unsigned)strlen(text));
	gzclose(g);
}

static void md5_b64(const void *p, size_t n, char out[25], unsigned char raw[16])
{
	unsigned int len = 0;
	EVP_Digest(p, n, raw, &len, EVP_md5(), NULL);
	EVP_EncodeBlock((unsigned char *)out, raw, 16);
}

static void hexs(const unsigned char *md, char out[33])
{
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Read everything under path; returns the canonical texts of the items joined by '\n' (sorted: 1 sorted, 0 as read,
 * 2 the raw lines as read), or "ERR <kind>: <msg>". */
static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_all(const char *path, long *nitems, int sorted)
{
	struct export_reader *r;
	struct export_line l;
	struct err e = ERR_INIT;
	char **v = NULL;
	size_t n = 0;
	int rc;
	struct buf out = BUF_INIT;
	if (export_reader_open(&r, path, &e) < 0)
		return xasprintf("ERR %d: %s", e.kind, e.msg);
	while ((rc = export_reader_next(r, &l, &e)) == 1) {
		const cJSON *item;
		cJSON *j = export_parse_line(l.text, l.len, &item, &e);
		struct buf c = BUF_INIT;
		if (!j) {
			err_prefix(&e, "%s:%ld", l.file, l.line);
			rc = -1;
			break;
		}
		if (sorted == 2)
			buf_add(&c, l.text, l.len);
		else
			item_canonical_text(item, &c, &e);
		cJSON_Delete(j);
		v = xrealloc(v, (n + 1) * sizeof *v);
		v[n++] = buf_detach(&c, NULL);
	}
	if (rc < 0)
		buf_addf(&out, "ERR %d: %s", e.kind, e.msg);
	else {
		if (sorted == 1 && n)
			qsort(v, n, sizeof *v, cmp_strp);
		for (size_t i = 0; i < n; i++)
			buf_addf(&out, "%s%s", i ? "\n" : "", v[i]);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	if (nitems)
		export_reader_counts(r, NULL, nitems, NULL);
	export_reader_free(r);
	return out.ptr ? buf_detach(&out, NULL) : xstrdup("");
}

static const char *ITEMS[] = {
	"{\"pk\":{\"S\":\"a\"},\"n\":{\"N\":\"12345678901234567890123456789012345678\"}}",
	"{\"pk\":{\"S\":\"b\"},\"tags\":{\"SS\":[\"x\",\"y\"]},\"ns\":{\"NS\":[\"1\",\"0.000000000000000000001\"]}}",
	"{\"pk\":{\"S\":\"c\"},\"bin\":{\"B\":\"AAEC/w==\"},\"bs\":{\"BS\":[\"AQ==\",\"Ag==\"]}}",
	"{\"pk\":{\"S\":\"d\"},\"m\":{\"M\":{\"l\":{\"L\":[{\"N\":\"-1E-130\"},{\"NULL\":true},{\"BOOL\":false}]}}}}",
	"{\"pk\":{\"S\":\"e\\u00e9\\n\"},\"big\":{\"N\":\"9.9999999999999999999999999999999999999E+125\"}}",
	"{\"pk\":{\"S\":\"f\"}}",
	"{\"pk\":{\"S\":\"g\"},\"s\":{\"S\":\"\\\"quoted\\\" \\\\ slash\"}}",
	"{\"pk\":{\"S\":\"h\"}}",
	"{\"pk\":{\"S\":\"i\"},\"n\":{\"N\":\"0.10\"}}",
};
#define NITEMS (sizeof ITEMS / sizeof ITEMS[0])

static char *expected_sorted(void)
{
	char *v[NITEMS];
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < NITEMS; i++) {
		struct err e = ERR_INIT;
		struct buf c = BUF_INIT;
		cJSON *j = parse(ITEMS[i]);
		item_canonical_text(j, &c, &e);
		cJSON_Delete(j);
		v[i] = buf_detach(&c, NULL);
	}
	qsort(v, NITEMS, sizeof v[0], cmp_strp);
	for (size_t i = 0; i < NITEMS; i++) {
		buf_addf(&out, "%s%s", i ? "\n" : "", v[i]);
		free(v[i]);
	}
	return buf_detach(&out, NULL);
}

/* Write ITEMS with two writers (items 0..6 by one, rotating every 3 items; 7..8 by the other as text). */
static int write_export(const char *dir, uint64_t *billed_expected)
{
	struct export_dir *d;
	struct export_limits lim = { 3, 0, 0 };
	struct export_meta meta = { "01604474914028-a1b2c3d4", "arn:aws:dynamodb:us-east-1:123456789012:table/T",
	                            "12345a12-abcd-123a-ab12-1234abc12345", NULL, NULL, NULL, NULL,
	                            1604474914028LL, 1604475223897LL, 1604474914028LL };
	struct err e = ERR_INIT;
	*billed_expected = 0;
	if (export_dir_open(&d, dir, &lim, &e) < 0) {
		fprintf(stderr, "export_dir_open: %s\n", e.msg);
		return -1;
	}
	struct export_writer *w1 = export_writer_new(d), *w2 = export_writer_new(d);
	for (size_t i = 0; i < NITEMS; i++) {
		cJSON *j = parse(ITEMS[i]);
		size_t size = 0;
		item_size(j, &size, &e);
		*billed_expected += size;
		if (i < 7) {
			CHECK(export_writer_add_item(w1, j, &e) == 0);
		} else {
			char *t = json_print_compact(j);
			CHECK(export_writer_add_text(w2, t, strlen(t), i == 7 ? size : (size_t)-1, &e) == 0);
			free(t);
		}
		cJSON_Delete(j);
	}
	/* finishing with a writer still open is a bug in the caller */
	CHECK(export_dir_finish(d, &meta, &e) < 0 && e.kind == ERR_INTERNAL);
	CHECK(export_writer_close(w1, &e) == 0);
	CHECK(export_writer_close(w2, &e) == 0);
	long files, items;
	uint64_t billed;
	export_dir_totals(d, &files, &items, &billed);
	CHECK_INTEQ(files, 4);
	CHECK_INTEQ(items, (long)NITEMS);
	CHECK_INTEQ((long long)billed, (long long)*billed_expected);
	err_clear(&e);
	CHECK(export_dir_finish(d, &meta, &e) == 0);
	export_dir_free(d);
	return 0;
}

static void test_round_trip(void)
{
	char dir[300], p[400];
	uint64_t billed;
	snprintf(dir, sizeof dir, "%s/exp", root);
	if (write_export(dir, &billed) < 0) {
		CHECK(0);
		return;
	}
	snprintf(p, sizeof p, "%s/_started", dir);
	CHECK(access(p, F_OK) == 0);

	/* manifest-summary.json: every field DynamoDB writes */
	snprintf(p, sizeof p, "%s/manifest-summary.json", dir);
	char *s = slurp(p, NULL);
	cJSON *sum = s ? parse(s) : NULL;
	CHECK(sum != NULL);
	CHECK_STREQ(json_get_string(sum, "version"), "2020-06-30");
	CHECK_STREQ(json_get_string(sum, "exportArn"),
	            "arn:aws:dynamodb:us-east-1:123456789012:table/T/export/01604474914028-a1b2c3d4");
	CHECK_STREQ(json_get_string(sum, "startTime"), "2020-11-04T07:28:34.028Z");
	CHECK_STREQ(json_get_string(sum, "endTime"), "2020-11-04T07:33:43.897Z");
	CHECK_STREQ(json_get_string(sum, "exportTime"), "2020-11-04T07:28:34.028Z");
	CHECK_STREQ(json_get_string(sum, "tableArn"), "arn:aws:dynamodb:us-east-1:123456789012:table/T");
	CHECK_STREQ(json_get_string(sum, "tableId"), "12345a12-abcd-123a-ab12-1234abc12345");
	CHECK(cJSON_IsNull(json_get(sum, "s3Bucket")) && cJSON_IsNull(json_get(sum, "s3Prefix")));
	CHECK(cJSON_IsNull(json_get(sum, "s3SseAlgorithm")) && cJSON_IsNull(json_get(sum, "s3SseKmsKeyId")));
	CHECK_STREQ(json_get_string(sum, "manifestFilesS3Key"), "AWSDynamoDB/01604474914028-a1b2c3d4/manifest-files.json");
	CHECK_STREQ(json_number_text(json_get(sum, "itemCount")), "9");
	char bb[32];
	snprintf(bb, sizeof bb, "%llu", (unsigned long long)billed);
	CHECK_STREQ(json_number_text(json_get(sum, "billedSizeBytes")), bb);
	CHECK_STREQ(json_get_string(sum, "outputFormat"), "DYNAMODB_JSON");
	CHECK_STREQ(json_get_string(sum, "exportType"), "FULL_EXPORT");
	CHECK_INTEQ(cJSON_GetArraySize(sum), 16);
	cJSON_Delete(sum);
	/* its checksum file: the hex MD5 */
	{
		size_t n;
		unsigned char raw[16];
		char b64[25], hex[33];
		char *t = slurp(p, &n);
		md5_b64(t, n, b64, raw);
		hexs(raw, hex);
		free(t);
		snprintf(p, sizeof p, "%s/manifest-summary.checksum", dir);
		t = slurp(p, NULL);
		CHECK_STREQ(t, hex);
		free(t);
	}
	free(s);

	/* manifest-files.json: one JSON line per data file, counts and checksums right */
	snprintf(p, sizeof p, "%s/manifest-files.json", dir);
	s = slurp(p, NULL);
	CHECK(s != NULL);
	long lines = 0, total = 0;
	for (char *line = s, *nl; s && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		cJSON *j = parse(line);
		const char *key = json_get_string(j, "dataFileS3Key");
		const char *md = json_get_string(j, "md5Checksum"), *et = json_get_string(j, "etag");
		CHECK(key && md && et && json_number_text(json_get(j, "itemCount")));
		CHECK_INTEQ(cJSON_GetArraySize(j), 4);
		if (!key || !md || !et) {
			cJSON_Delete(j);
			break;
		}
		CHECK(!strncmp(key, "AWSDynamoDB/01604474914028-a1b2c3d4/data/", 41));
		CHECK_INTEQ((long)strlen(key + 41), 26 + 8);
		char fp[400], b64[25], want_etag[40], hx[33];
		unsigned char raw[16], raw2[16];
		size_t n;
		snprintf(fp, sizeof fp, "%s/data/%s", dir, key + 41);
		char *data = slurp(fp, &n);
		CHECK(data != NULL && n > 18 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b);
		if (data) {
			md5_b64(data, n, b64, raw);
			CHECK_STREQ(md, b64);
			unsigned int l2 = 0;
			EVP_Digest(raw, 16, raw2, &l2, EVP_md5(), NULL);
			hexs(raw2, hx);
			snprintf(want_etag, sizeof want_etag, "%s-1", hx);
			CHECK_STREQ(et, want_etag);
			long cnt = 0;
			gzFile g = gzopen(fp, "rb");
			char lb[4096];
			while (gzgets(g, lb, sizeof lb))
				cnt++;
			gzclose(g);
			CHECK_INTEQ(cnt, atol(json_number_text(json_get(j, "itemCount"))));
		}
		free(data);
		total += atol(json_number_text(json_get(j, "itemCount")));
		lines++;
		cJSON_Delete(j);
	}
	CHECK_INTEQ(lines, 4);   /* 3 + 3 + 1 from the rotating writer, 2 from the other */
	CHECK_INTEQ(total, (long)NITEMS);
	free(s);

	/* read back: the same items, exactly (numbers as written, sets, binary, nesting) */
	char *want = expected_sorted();
	long n = 0;
	char *got = read_all(dir, &n, 1);
	CHECK_STREQ(got, want);
	CHECK_INTEQ(n, (long)NITEMS);
	free(got);
	/* the exact number text survives: not canonicalised, not through a double */
	got = read_all(dir, NULL, 2);
	CHECK(strstr(got, "{\"Item\":{\"pk\":{\"S\":\"i\"},\"n\":{\"N\":\"0.10\"}}}") != NULL);
	CHECK(strstr(got, "12345678901234567890123456789012345678") != NULL);
	free(got);
	/* without the manifests: the data files are read in name order, the same items */
	snprintf(p, sizeof p, "%s/data", dir);
	got = read_all(p, NULL, 1);
	CHECK_STREQ(got, want);
	free(got);
	free(want);

	/* a second export into the same directory is refused */
	struct export_dir *d;
	struct err e = ERR_INIT;
	CHECK(export_dir_open(&d, dir, NULL, &e) < 0 && e.kind == ERR_USAGE && strstr(e.msg, "already holds"));
}

/* Copy the export in src to a fresh dir so each damage test starts clean. */
static void copy_export(const char *src, const char *dst)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", dst, src, dst);
	CHECK(system(cmd) == 0);
}

/* The first data file listed in dir's manifest (its path). */
static void first_data_file(const char *dir, char *out, size_t n)
{
	char p[400];
	snprintf(p, sizeof p, "%s/manifest-files.json", dir);
	char *s = slurp(p, NULL);
	char *k = s ? strstr(s, "/data/") : NULL;
	out[0] = '\0';
	if (k)
		snprintf(out, n, "%s/data/%.34s", dir, k + 6);
	free(s);
}

static void test_damage(void)
{
	char src[300], dir[300], f[500], p[500];
	char *got, *data;
	size_t n;
	snprintf(src, sizeof src, "%s/exp", root);
	snprintf(dir, sizeof dir, "%s/bad", root);

	/* truncated gzip: an error naming the file, never a silent end */
	copy_export(src, dir);
	first_data_file(dir, f, sizeof f);
	data = slurp(f, &n);
	spit(f, data, n - 12);
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, f) && strstr(got, "truncated"), "got %s", got);
	free(got);
	/* corrupt gzip (a flipped byte in the middle) */
	data[n / 2] ^= 0x55;
	spit(f, data, n);
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, f), "got %s", got);
	free(got);
	/* data after the end of the gzip stream */
	data[n / 2] ^= 0x55;
	char *more = xmalloc(n + 3);
	memcpy(more, data, n);
	memcpy(more + n, "xyz", 3);
	spit(f, more, n + 3);
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, f) && strstr(got, "after the end"), "got %s", got);
	free(got);
	free(more);
	/* intact again: reads */
	spit(f, data, n);
	got = read_all(dir, NULL, 0);
	CHECK(strncmp(got, "ERR", 3) != 0);
	free(got);

	/* a data file replaced by another valid gzip file: the MD5 in the manifest catches it */
	gz_spit(f, "{\"Item\":{\"pk\":{\"S\":\"zz\"}}}\n{\"Item\":{\"pk\":{\"S\":\"zy\"}}}\n{\"Item\":{\"pk\":{\"S\":\"zx\"}}}\n");
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, f) && strstr(got, "MD5"), "got %s", got);
	free(got);
	spit(f, data, n);
	free(data);

	/* an edited manifest: the .checksum file catches it */
	snprintf(p, sizeof p, "%s/manifest-files.json", dir);
	data = slurp(p, &n);
	char *c = strstr(data, "\"itemCount\":3");
	CHECK(c != NULL);
	if (c)
		c[12] = '2';
	spit(p, data, n);
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, "manifest-files.json") && strstr(got, "damaged"),
	          "got %s", got);
	free(got);
	/* without the .checksum, the item count of the file is checked when it ends */
	snprintf(f, sizeof f, "%s/manifest-files.checksum", dir);
	unlink(f);
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, "3 items, but") && strstr(got, "manifest-files.json:"),
	          "got %s", got);
	free(got);
	/* a manifest line that is not JSON names file:line */
	spit(p, data, n);
	{
		char *nl = strchr(data, '\n');
		struct buf b = BUF_INIT;
		buf_add(&b, data, (size_t)(nl - data) + 1);
		buf_adds(&b, "not json\n");
		spit(p, b.ptr, b.len);
		buf_release(&b);
	}
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, "manifest-files.json:2: invalid JSON"), "got %s", got);
	free(got);
	/* a manifest line without dataFileS3Key */
	spit(p, "{\"itemCount\":1}\n", strlen("{\"itemCount\":1}\n"));
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, "manifest-files.json:1: expected"), "got %s", got);
	free(got);
	free(data);

	/* a listed data file that is missing: input missing (66), naming it and where it was listed */
	copy_export(src, dir);
	first_data_file(dir, f, sizeof f);
	unlink(f);
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 4: ") == got && strstr(got, f) && strstr(got, "manifest-files.json:1"), "got %s", got);
	free(got);

	/* the summary's itemCount disagrees with the data */
	copy_export(src, dir);
	snprintf(p, sizeof p, "%s/manifest-summary.json", dir);
	data = slurp(p, &n);
	c = strstr(data, "\"itemCount\":\t9");
	CHECK(c != NULL);
	if (c)
		c[13] = '8';
	spit(p, data, n);
	snprintf(f, sizeof f, "%s/manifest-summary.checksum", dir);
	unlink(f);
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, "manifest-summary.json: itemCount 8"), "got %s", got);
	free(got);
	/* an ION export is not read as JSON */
	{
		const char *ion = "{\"version\":\"2020-06-30\",\"itemCount\":9,\"outputFormat\":\"ION\"}";
		spit(p, ion, strlen(ion));
	}
	got = read_all(dir, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, "outputFormat ION"), "got %s", got);
	free(got);
	free(data);

	/* a path that does not exist */
	snprintf(p, sizeof p, "%s/nothing-here", root);
	got = read_all(p, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 4: ") == got && strstr(got, "nothing-here"), "got %s", got);
	free(got);
}

static void test_single_files(void)
{
	char p[400];
	char *got;
	/* a plain .json file: blank lines skipped, CRLF accepted, no final newline, file:line in errors */
	snprintf(p, sizeof p, "%s/plain.json", root);
	const char *plain = "{\"Item\":{\"pk\":{\"S\":\"1\"}}}\r\n\n  \n{\"Item\":{\"pk\":{\"N\":\"1.50\"}}}";
	spit(p, plain, strlen(plain));
	got = read_all(p, NULL, 0);
	CHECK_STREQ(got, "{\"pk\":{\"S\":\"1\"}}\n{\"pk\":{\"N\":\"1.5\"}}");
	free(got);
	{
		struct export_reader *r;
		struct export_line l;
		struct err e = ERR_INIT;
		CHECK(export_reader_open(&r, p, &e) == 0);
		CHECK(export_reader_next(r, &l, &e) == 1 && l.line == 1 && !strcmp(l.file, p));
		CHECK(export_reader_next(r, &l, &e) == 1 && l.line == 4);
		CHECK_STREQ(l.text, "{\"Item\":{\"pk\":{\"N\":\"1.50\"}}}");
		CHECK(export_reader_next(r, &l, &e) == 0);
		export_reader_free(r);
	}
	/* a line that is not an export line names file:line */
	const char *notline = "{\"Item\":{\"pk\":{\"S\":\"1\"}}}\n{\"pk\":{\"S\":\"2\"}}\n";
	spit(p, notline, strlen(notline));
	got = read_all(p, NULL, 0);
	CHECK_MSG(strstr(got, "plain.json:2: expected {\"Item\"") != NULL, "got %s", got);
	free(got);

	/* gzip recognised by its bytes, whatever the name; concatenated members read in turn */
	snprintf(p, sizeof p, "%s/two.members", root);
	gz_spit(p, "{\"Item\":{\"pk\":{\"S\":\"1\"}}}\n");
	{
		size_t n1;
		char *a = slurp(p, &n1);
		gz_spit(p, "{\"Item\":{\"pk\":{\"S\":\"2\"}}}\n");
		size_t n2;
		char *b = slurp(p, &n2);
		char *ab = xmalloc(n1 + n2);
		memcpy(ab, a, n1);
		memcpy(ab + n1, b, n2);
		spit(p, ab, n1 + n2);
		free(a);
		free(b);
		free(ab);
	}
	got = read_all(p, NULL, 0);
	CHECK_STREQ(got, "{\"pk\":{\"S\":\"1\"}}\n{\"pk\":{\"S\":\"2\"}}");
	free(got);

	/* a line over 1 MiB (inside gzip) is refused with file:line, memory stays bounded */
	snprintf(p, sizeof p, "%s/long.json.gz", root);
	{
		size_t big = EXPORT_LINE_MAX + 10;
		char *t = xmalloc(big + 64);
		int k = snprintf(t, 64, "{\"Item\":{\"pk\":{\"S\":\"1\"}}}\n{\"Item\":{\"s\":{\"S\":\"");
		memset(t + k, 'x', big);
		memcpy(t + k + big, "\"}}}\n", 6);
		gz_spit(p, t);
		free(t);
	}
	got = read_all(p, NULL, 0);
	CHECK_MSG(strstr(got, "ERR 3: ") == got && strstr(got, "long.json.gz:2: line longer than"), "got %s", got);
	free(got);
	/* a line of exactly the cap is still read */
	{
		char *t = xmalloc(EXPORT_LINE_MAX + 2);
		const char *head = "{\"Item\":{\"s\":{\"S\":\"", *tail = "\"}}}";
		size_t hl = strlen(head), tl = strlen(tail), fill = EXPORT_LINE_MAX - hl - tl;
		memcpy(t, head, hl);
		memset(t + hl, 'y', fill);
		memcpy(t + hl + fill, tail, tl);
		t[EXPORT_LINE_MAX] = '\n';
		t[EXPORT_LINE_MAX + 1] = '\0';
		gz_spit(p, t);
		free(t);
		struct export_reader *r;
		struct export_line l;
		struct err e = ERR_INIT;
		CHECK(export_reader_open(&r, p, &e) == 0);
		CHECK(export_reader_next(r, &l, &e) == 1 && l.len == EXPORT_LINE_MAX);
		CHECK(export_reader_next(r, &l, &e) == 0);
		export_reader_free(r);
	}

	/* export_parse_line: exactly {"Item":{...}} */
	{
		struct err e = ERR_INIT;
		const cJSON *item;
		const char *ok = "{\"Item\":{\"n\":{\"N\":\"1e400\"}}}";
		cJSON *j = export_parse_line(ok, strlen(ok), &item, &e);
		CHECK(j && item && cJSON_IsObject(item));
		cJSON_Delete(j);
		const char *bad[] = { "{\"Item\":{},\"x\":1}", "{\"Item\":[]}", "[1]", "{\"item\":{}}", "{\"Item\":{" };
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			err_clear(&e);
			CHECK(export_parse_line(bad[i], strlen(bad[i]), &item, &e) == NULL && e.kind == ERR_DATA);
		}
	}
}

static void test_writer_errors(void)
{
	char dir[300];
	struct export_dir *d;
	struct err e = ERR_INIT;
	snprintf(dir, sizeof dir, "%s/w", root);
	CHECK(export_dir_open(&d, dir, NULL, &e) == 0);
	struct export_writer *w = export_writer_new(d);
	cJSON *bad = parse("{\"a\":{\"N\":\"x\"}}");
	CHECK(export_writer_add_item(w, bad, &e) < 0 && e.kind == ERR_DATA);
	cJSON_Delete(bad);
	err_clear(&e);
	CHECK(export_writer_add_text(w, "{\"a\":\n{\"S\":\"x\"}}", 16, (size_t)-1, &e) < 0 && strstr(e.msg, "one line"));
	CHECK(export_writer_add_text(w, "[1]", 3, 1, &e) < 0);
	/* an aborted writer leaves no file behind; an empty one none either */
	CHECK(export_writer_add_text(w, "{\"a\":{\"S\":\"x\"}}", 15, (size_t)-1, &e) == 0);
	export_writer_abort(w);
	w = export_writer_new(d);
	CHECK(export_writer_close(w, &e) == 0);
	CHECK(export_dir_finish(d, NULL, &e) == 0);
	long files, items;
	export_dir_totals(d, &files, &items, NULL);
	CHECK(files == 0 && items == 0);
	export_dir_free(d);
	char p[400];
	snprintf(p, sizeof p, "%s/manifest-files.json", dir);
	size_t n = 99;
	char *s = slurp(p, &n);
	CHECK(s && n == 0);
	free(s);
	char *got = read_all(dir, NULL, 0);
	CHECK_STREQ(got, "");
	free(got);
	/* with no parent directory: input missing */
	snprintf(p, sizeof p, "%s/no/such/dir", root);
	CHECK(export_dir_open(&d, p, NULL, &e) < 0 && e.kind == ERR_NOINPUT);
}

/* The etag for files over one part (8 MiB): "-2", the multipart rule. */
static void test_multipart_etag(void)
{
	char dir[300];
	struct export_dir *d;
	struct err e = ERR_INIT;
	struct export_limits lim = { 0, 0, 1 };
	snprintf(dir, sizeof dir, "%s/big", root);
	CHECK(export_dir_open(&d, dir, &lim, &e) == 0);
	struct export_writer *w = export_writer_new(d);
	/* incompressible-ish text: random base64 binary values */
	unsigned char rnd[3000];
	struct buf b = BUF_INIT, t = BUF_INIT;
	unsigned x = 12345;
	long items = 0;
	for (int k = 0; k < 4200; k++) {
		for (size_t i = 0; i < sizeof rnd; i++) {
			x = x * 1103515245u + 12345u;
			rnd[i] = (unsigned char)(x >> 16);
		}
		buf_reset(&b);
		item_b64_encode(rnd, sizeof rnd, &b, &e);
		buf_reset(&t);
		buf_addf(&t, "{\"pk\":{\"N\":\"%d\"},\"b\":{\"B\":\"%s\"}}", k, buf_cstr(&b));
		if (export_writer_add_text(w, t.ptr, t.len, 3010, &e) < 0)
			break;
		items++;
	}
	buf_release(&b);
	buf_release(&t);
	CHECK(export_writer_close(w, &e) == 0);
	CHECK(export_dir_finish(d, NULL, &e) == 0);
	export_dir_free(d);
	char p[400];
	snprintf(p, sizeof p, "%s/manifest-files.json", dir);
	char *s = slurp(p, NULL);
	cJSON *j = s ? parse(s) : NULL;
	const char *et = json_get_string(j, "etag");
	CHECK_MSG(et && strlen(et) == 34 && !strcmp(et + 32, "-2"), "etag %s", et ? et : "(none)");
	cJSON_Delete(j);
	free(s);
	long n = 0;
	char *got = read_all(dir, &n, 0);
	CHECK(strncmp(got, "ERR", 3) != 0);
	CHECK_INTEQ(n, items);
	free(got);
}

/* Several writers on several threads (as parallel scan segments use them): every item lands once. */
struct seg { struct export_dir *d; int id, ok; };

static void *seg_run(void *arg)
{
	struct seg *sg = arg;
	struct err e = ERR_INIT;
	struct export_writer *w = export_writer_new(sg->d);
	char t[128];
	sg->ok = 1;
	for (int i = 0; i < 500; i++) {
		int n = snprintf(t, sizeof t, "{\"pk\":{\"S\":\"s%d-%d\"},\"n\":{\"N\":\"%d.000\"}}", sg->id, i, i);
		if (export_writer_add_text(w, t, (size_t)n, (size_t)-1, &e) < 0)
			sg->ok = 0;
	}
	if (export_writer_close(w, &e) < 0)
		sg->ok = 0;
	return NULL;
}

static void test_threads(void)
{
	char dir[300];
	struct export_dir *d;
	struct err e = ERR_INIT;
	struct export_limits lim = { 70, 0, 0 };
	pthread_t th[4];
	struct seg sg[4];
	snprintf(dir, sizeof dir, "%s/par", root);
	CHECK(export_dir_open(&d, dir, &lim, &e) == 0);
	for (int i = 0; i < 4; i++) {
		sg[i] = (struct seg){ d, i, 0 };
		pthread_create(&th[i], NULL, seg_run, &sg[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(sg[i].ok);
	}
	CHECK(export_dir_finish(d, NULL, &e) == 0);
	long files, items;
	export_dir_totals(d, &files, &items, NULL);
	CHECK_INTEQ(files, 4 * 8);   /* 500 items in files of 70: 8 files per writer */
	CHECK_INTEQ(items, 2000);
	export_dir_free(d);
	long n = 0;
	char *got = read_all(dir, &n, 1);
	CHECK(strncmp(got, "ERR", 3) != 0);
	CHECK_INTEQ(n, 2000);
	CHECK(strstr(got, "{\"n\":{\"N\":\"499\"},\"pk\":{\"S\":\"s3-499\"}}") != NULL);
	free(got);
}

static void check_schema_loads(const cJSON *schema, const char *name)
{
	char dir[300];
	struct err e = ERR_INIT;
	struct schema_list l = SCHEMA_LIST_INIT;
	snprintf(dir, sizeof dir, "%s/schema-%s", root, name);
	mkdir(dir, 0777);
	CHECK(export_write_schema(dir, schema, &e) == 0);
	char p[400];
	snprintf(p, sizeof p, "%s/schema.json", dir);
	int rc = schema_load_file(p, NULL, &l, &e);
	CHECK_MSG(rc == 0, "schema-load refuses what export writes: %s", e.msg);
	schema_list_release(&l);
}

static void test_schema(void)
{
	struct err e = ERR_INIT;
	/* an AWS description: provisioned, a GSI and an LSI, a stream, TTL, tags, SSE with KMS, IA table class */
	cJSON *desc = parse(
		"{\"Table\":{\"TableName\":\"orders\",\"TableStatus\":\"ACTIVE\",\"TableId\":\"x-1\","
		"\"TableArn\":\"arn:aws:dynamodb:eu-west-1:123456789012:table/orders\",\"ItemCount\":3,"
		"\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
		"{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},{\"AttributeName\":\"g\",\"AttributeType\":\"S\"},"
		"{\"AttributeName\":\"l\",\"AttributeType\":\"B\"}],"
		"\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
		"\"BillingModeSummary\":{\"BillingMode\":\"PROVISIONED\"},"
		"\"ProvisionedThroughput\":{\"ReadCapacityUnits\":10,\"WriteCapacityUnits\":5,\"NumberOfDecreasesToday\":0},"
		"\"GlobalSecondaryIndexes\":[{\"IndexName\":\"by-g\",\"IndexStatus\":\"ACTIVE\",\"IndexSizeBytes\":0,"
		"\"KeySchema\":[{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],"
		"\"Projection\":{\"ProjectionType\":\"INCLUDE\",\"NonKeyAttributes\":[\"x\"]},"
		"\"ProvisionedThroughput\":{\"ReadCapacityUnits\":3,\"WriteCapacityUnits\":2,\"NumberOfDecreasesToday\":0}}],"
		"\"LocalSecondaryIndexes\":[{\"IndexName\":\"by-l\",\"IndexSizeBytes\":0,\"ItemCount\":0,"
		"\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"l\",\"KeyType\":\"RANGE\"}],"
		"\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}],"
		"\"StreamSpecification\":{\"StreamEnabled\":true,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"},"
		"\"LatestStreamArn\":\"arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/2020\","
		"\"SSEDescription\":{\"Status\":\"ENABLED\",\"SSEType\":\"KMS\",\"KMSMasterKeyArn\":\"arn:aws:kms:eu-west-1:1:key/k\"},"
		"\"TableClassSummary\":{\"TableClass\":\"STANDARD_INFREQUENT_ACCESS\"},"
		"\"DeletionProtectionEnabled\":true}}");
	cJSON *ttl = parse("{\"TimeToLiveDescription\":{\"TimeToLiveStatus\":\"ENABLED\",\"AttributeName\":\"exp\"}}");
	cJSON *tags = parse("[{\"Key\":\"team\",\"Value\":\"a\"}]");
	cJSON *s = export_schema_from_describe(desc, ttl, tags, NULL, 0, &e);
	char *got = s ? json_print_compact(s) : NULL;
	CHECK_STREQ(got,
		"{\"TableName\":\"orders\",\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
		"{\"AttributeName\":\"sk\",\"AttributeType\":\"N\"},{\"AttributeName\":\"g\",\"AttributeType\":\"S\"},"
		"{\"AttributeName\":\"l\",\"AttributeType\":\"B\"}],"
		"\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
		"\"BillingMode\":\"PROVISIONED\",\"ProvisionedThroughput\":{\"ReadCapacityUnits\":10,\"WriteCapacityUnits\":5},"
		"\"GlobalSecondaryIndexes\":[{\"IndexName\":\"by-g\",\"KeySchema\":[{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],"
		"\"Projection\":{\"ProjectionType\":\"INCLUDE\",\"NonKeyAttributes\":[\"x\"]},"
		"\"ProvisionedThroughput\":{\"ReadCapacityUnits\":3,\"WriteCapacityUnits\":2}}],"
		"\"LocalSecondaryIndexes\":[{\"IndexName\":\"by-l\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
		"{\"AttributeName\":\"l\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}}],"
		"\"StreamSpecification\":{\"StreamEnabled\":true,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"},"
		"\"TableClass\":\"STANDARD_INFREQUENT_ACCESS\",\"DeletionProtectionEnabled\":true,"
		"\"Tags\":[{\"Key\":\"team\",\"Value\":\"a\"}],"
		"\"TimeToLiveSpecification\":{\"AttributeName\":\"exp\",\"Enabled\":true}}");
	if (s)
		check_schema_loads(s, "aws");
	free(got);
	cJSON_Delete(s);
	/* SSE only when asked for; another name */
	s = export_schema_from_describe(desc, NULL, NULL, "orders-copy", EXPORT_SCHEMA_SSE, &e);
	CHECK_STREQ(json_get_string(s, "TableName"), "orders-copy");
	CHECK_STREQ(json_get_string(json_get(s, "SSESpecification"), "KMSMasterKeyId"), "arn:aws:kms:eu-west-1:1:key/k");
	CHECK(json_get(s, "TimeToLiveSpecification") == NULL);
	if (s)
		check_schema_loads(s, "sse");
	cJSON_Delete(s);
	cJSON_Delete(desc);
	cJSON_Delete(ttl);
	cJSON_Delete(tags);

	/* DynamoDB Local: an on-demand table shows 0/0 throughput and no BillingModeSummary; TTL disabled */
	desc = parse("{\"TableName\":\"tbl\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"},"
	             "{\"AttributeName\":\"g\",\"AttributeType\":\"N\"}],"
	             "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
	             "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":0,\"WriteCapacityUnits\":0},"
	             "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"gsi\",\"KeySchema\":[{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],"
	             "\"Projection\":{\"ProjectionType\":\"ALL\"},"
	             "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":0,\"WriteCapacityUnits\":0}}],"
	             "\"StreamSpecification\":{\"StreamEnabled\":false}}");
	ttl = parse("{\"TimeToLiveStatus\":\"DISABLED\"}");
	s = export_schema_from_describe(desc, ttl, NULL, NULL, 0, &e);
	got = s ? json_print_compact(s) : NULL;
	CHECK_STREQ(got, "{\"TableName\":\"tbl\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\",\"AttributeType\":\"S\"},"
	                 "{\"AttributeName\":\"g\",\"AttributeType\":\"N\"}],"
	                 "\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],\"BillingMode\":\"PAY_PER_REQUEST\","
	                 "\"GlobalSecondaryIndexes\":[{\"IndexName\":\"gsi\",\"KeySchema\":[{\"AttributeName\":\"g\","
	                 "\"KeyType\":\"HASH\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}]}");
	if (s)
		check_schema_loads(s, "local");
	free(got);
	cJSON_Delete(s);
	cJSON_Delete(desc);
	cJSON_Delete(ttl);
	/* not a description */
	desc = parse("{\"TableNames\":[]}");
	err_clear(&e);
	CHECK(export_schema_from_describe(desc, NULL, NULL, NULL, 0, &e) == NULL && e.kind == ERR_DATA);
	cJSON_Delete(desc);
}

int main(void)
{
	char cmd[400];
	json_init();
	snprintf(root, sizeof root, "%s/ddb-test-export-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_round_trip();
	test_damage();
	test_single_files();
	test_writer_errors();
	test_multipart_etag();
	test_threads();
	test_schema();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "test: could not remove %s\n", root);
	return unit_done();
}
