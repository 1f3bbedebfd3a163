/* fuzz_exportfmt.c — libFuzzer target for lib/exportfmt's reader (manifests, gzip data files, line splitting).
 *
 * The input is cut at SEP ("\n==part==\n") into up to three parts, written into a scratch export directory:
 *   1. manifest-files.json   (absent when the input has no SEP: the data file is then read on its own)
 *   2. data/a.json.gz        (any bytes: gzip or not, truncated, corrupt, concatenated members)
 *   3. manifest-summary.json (when present)
 * and the export is read to the end.  What must hold (a failed check aborts, which libFuzzer reports):
 *   - no crash, no leak, no sanitizer report, whatever the bytes;
 *   - every line handed out is at most EXPORT_LINE_MAX bytes, NUL-terminated at its length, without '\n', with a
 *     line number that grows within the file, and export_parse_line either parses it or fails with ERR_DATA;
 *   - an error is ERR_DATA, ERR_NOINPUT or ERR_IO and names a file of the scratch directory.
 * Seeds: test/fuzz/corpus/fuzz_exportfmt/ (a valid export with its manifest, a lone gzip file).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dynamo/exportfmt.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static char dir[256], data_dir[300], mfiles[300], msum[300], datafile[300];

static void put(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	REQUIRE(f);
	if (n)
		REQUIRE(fwrite(p, 1, n, f) == n);
	REQUIRE(fclose(f) == 0);
}

#define SEP "\n==part==\n"

static const uint8_t *cut(const uint8_t *p, size_t n, size_t *len)
{
	const uint8_t *s = memmem(p, n, SEP, sizeof SEP - 1);
	if (!s) {
		*len = n;
		return NULL;
	}
	*len = (size_t)(s - p);
	return s + sizeof SEP - 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct export_reader *r;
	struct export_line l;
	struct err e = ERR_INIT;
	size_t n1, n2, n3;
	const uint8_t *p2, *p3 = NULL;
	const char *path;
	long last = 0;
	const char *cur = NULL;
	int rc;

	if (!dir[0]) {
		snprintf(dir, sizeof dir, "%s/ddb-fuzz-export-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		REQUIRE(mkdtemp(dir));
		snprintf(data_dir, sizeof data_dir, "%s/data", dir);
		REQUIRE(mkdir(data_dir, 0700) == 0);
		snprintf(mfiles, sizeof mfiles, "%s/manifest-files.json", dir);
		snprintf(msum, sizeof msum, "%s/manifest-summary.json", dir);
		snprintf(datafile, sizeof datafile, "%s/a.json.gz", data_dir);
	}
	unlink(mfiles);
	unlink(msum);
	p2 = cut(data, size, &n1);
	if (p2) {
		put(mfiles, data, n1);
		p3 = cut(p2, size - (size_t)(p2 - data), &n2);
		put(datafile, p2, n2);
		if (p3) {
			n3 = size - (size_t)(p3 - data);
			put(msum, p3, n3);
		}
		path = dir;
	} else {
		put(datafile, data, size);
		path = datafile;
	}

	if (export_reader_open(&r, path, &e) < 0) {
		REQUIRE(e.kind == ERR_DATA || e.kind == ERR_NOINPUT || e.kind == ERR_IO);
		REQUIRE(strstr(e.msg, dir) != NULL);
		return 0;
	}
	while ((rc = export_reader_next(r, &l, &e)) == 1) {
		REQUIRE(l.len <= EXPORT_LINE_MAX);
		REQUIRE(l.text[l.len] == '\0');
		REQUIRE(!memchr(l.text, '\n', l.len));
		if (cur != l.file)
			last = 0;
		cur = l.file;
		REQUIRE(l.line > last);
		last = l.line;
		const cJSON *item;
		struct err pe = ERR_INIT;
		cJSON *j = export_parse_line(l.text, l.len, &item, &pe);
		REQUIRE(j ? item != NULL : pe.kind == ERR_DATA);
		cJSON_Delete(j);
	}
	if (rc < 0) {
		REQUIRE(e.kind == ERR_DATA || e.kind == ERR_NOINPUT || e.kind == ERR_IO);
		REQUIRE(strstr(e.msg, dir) != NULL);
	}
	export_reader_free(r);
	return 0;
}
