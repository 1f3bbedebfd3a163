/* test_sigv4.c — the SigV4 signer against the AWS test suites and the botocore-generated vectors.
 *
 * With no arguments: API checks, then every case under $SIGV4_TESTDATA (default test/data/sigv4,
 * relative to the repo root, where test/run runs it; see test/data/sigv4/SOURCE.md):
 *   aws-sig-v4-test-suite/.../<case>.req -> .creq, .sts, .authz
 *   aws-signing-test-suite/v4/<case>/   request.txt + context.json -> header-* and query-* (presigned) files
 *   botocore-generated/<name>.json {"input", "expected"} (input format: test/data/sigv4/SOURCE.md)
 * One line per case on stdout, details of a mismatch on stderr, "N passed, N failed" last.
 *
 * With --drive: a driver for test/unit/sigv4_oracle_check.py.  Reads one input object (that format) per line
 * on stdin (plus an optional "query": the wire query string, used instead of "params"), signs it, and writes
 * one JSON object per line (with "s3_bucket" and "s3_key" the path is lib/aws/s3.c's encoding of them): canonical_request, string_to_sign, signature, authorization, signed_headers,
 * credential_scope, payload_hash, presigned_query, add (the [name, value] headers to add) — or {"error"}.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "base/buf.h"
#include "base/err.h"
#include "aws/s3.h"
#include "aws/sigv4.h"
#include "unit.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

/* ---- files ---------------------------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	int bad = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		bad |= buf_add(&b, chunk, n);
	if (ferror(f))
		bad = -1;
	fclose(f);
	if (bad) {
		buf_release(&b);
		return NULL;
	}
	if (len)
		*len = b.len;
	return b.ptr ? buf_detach(&b, NULL) : xstrdup("");
}

static char *slurp2(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s", dir, name);
	char *s = slurp(p, NULL);
	free(p);
	return s;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of dir (without . and ..); *n gets the count. */
static char **list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	char **v = NULL;
	size_t cnt = 0, alloc = 0;
	*n = 0;
	if (!d)
		return NULL;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (cnt == alloc) {
			alloc = alloc ? 2 * alloc : 32;
			v = xrealloc(v, alloc * sizeof *v);
		}
		v[cnt++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (cnt)
		qsort(v, cnt, sizeof *v, cmpstr);
	*n = cnt;
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- .req / request.txt parsing --------------------------------------------------------------------- */

struct parsed {
	char *method, *path, *query;          /* query NULL when none */
	struct sigv4_header *h;               /* names and values owned */
	size_t nh;
	char *body;
	size_t body_len;
};

static void parsed_free(struct parsed *p)
{
	free(p->method);
	free(p->path);
	free(p->query);
	for (size_t i = 0; i < p->nh; i++) {
		free((char *)p->h[i].name);
		free((char *)p->h[i].value);
	}
	free(p->h);
	free(p->body);
	memset(p, 0, sizeof *p);
}

/* The request line may hold raw spaces (split at the first and the last space); a line starting with
 * whitespace continues the header above (obs-fold, kept with its newline); the body is everything after the
 * first blank line. */
static int parse_request(const char *data, size_t len, struct parsed *p)
{
	memset(p, 0, sizeof *p);
	const char *sep = NULL;
	for (size_t i = 0; i + 1 < len; i++)
		if (data[i] == '\n' && data[i + 1] == '\n') {
			sep = data + i;
			break;
		}
	size_t headlen = sep ? (size_t)(sep - data) : len;
	if (sep) {
		p->body_len = len - headlen - 2;
		p->body = xmalloc(p->body_len + 1);
		memcpy(p->body, sep + 2, p->body_len);
		p->body[p->body_len] = '\0';
	}
	char *head = xstrndup(data, headlen);
	size_t alloc = 0;
	int lineno = 0, ok = 1;
	char *save = head;
	while (save && ok) {
		char *line = save;
		char *nl = strchr(line, '\n');
		if (nl) {
			*nl = '\0';
			save = nl + 1;
		} else {
			save = NULL;
		}
		if (lineno++ == 0) {
			char *sp1 = strchr(line, ' '), *sp2 = strrchr(line, ' ');
			if (!sp1 || sp1 == sp2) {
				ok = 0;
				break;
			}
			p->method = xstrndup(line, (size_t)(sp1 - line));
			char *target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
			char *q = strchr(target, '?');
			if (q) {
				p->query = xstrdup(q + 1);
				*q = '\0';
			}
			p->path = target;
			continue;
		}
		if (!*line)
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			if (!p->nh) {
				ok = 0;
				break;
			}
			char *old = (char *)p->h[p->nh - 1].value;
			p->h[p->nh - 1].value = xasprintf("%s\n%s", old, line);
			free(old);
			continue;
		}
		char *colon = strchr(line, ':');
		if (!colon) {
			ok = 0;
			break;
		}
		if (p->nh == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			p->h = xrealloc(p->h, alloc * sizeof *p->h);
		}
		p->h[p->nh].name = xstrndup(line, (size_t)(colon - line));
		p->h[p->nh].value = xstrdup(colon + 1);
		p->nh++;
	}
	free(head);
	if (!ok || !p->method) {
		parsed_free(p);
		return -1;
	}
	return 0;
}

/* Value of header `name` in a signed-request file ("Name:value" or "Name: value"), trimmed; NULL if absent. */
static char *header_in_file(const char *text, const char *name)
{
	size_t nl = strlen(name);
	for (const char *line = text; line && *line; ) {
		const char *end = strchr(line, '\n');
		size_t ll = end ? (size_t)(end - line) : strlen(line);
		if (ll > nl && !strncasecmp(line, name, nl) && line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = (size_t)(line + ll - v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
				vl--;
			return xstrndup(v, vl);
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

/* ---- comparisons ----------------------------------------------------------------------------------- */

static int same(const char *what, const char *kase, const char *got, const char *want)
{
	if (got && want && !strcmp(got, want))
		return 1;
	fprintf(stderr, "FAIL %s: %s differs\n--- got:\n%s\n--- expected:\n%s\n---\n", kase, what,
	        got ? got : "(null)", want ? want : "(missing)");
	return 0;
}

/* Strip one trailing newline that some expected files carry. */
static void chomp(char *s)
{
	if (!s)
		return;
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

static void report(const char *kase, int ok)
{
	if (ok)
		unit_passed++;
	else
		unit_failed++;
	printf("%s %s\n", ok ? "ok  " : "FAIL", kase);
}

static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

/* ---- the classic suite -------------------------------------------------------------------------------- */

static int classic_case(const char *dir, const char *name)
{
	char *kase = xasprintf("aws-sig-v4-test-suite/%s", name);
	char *reqp = xasprintf("%s/%s.req", dir, name);
	char *fcreq = xasprintf("%s.creq", name), *fsts = xasprintf("%s.sts", name);
	char *fauthz = xasprintf("%s.authz", name), *fsreq = xasprintf("%s.sreq", name);
	char *creq = slurp2(dir, fcreq), *sts = slurp2(dir, fsts), *authz = slurp2(dir, fauthz);
	char *sreq = slurp2(dir, fsreq);
	size_t len = 0;
	char *req = slurp(reqp, &len);
	struct parsed p;
	int ok = 0;
	chomp(authz);
	if (!req || !creq || !sts || !authz || parse_request(req, len, &p) < 0) {
		fprintf(stderr, "FAIL %s: cannot read or parse the case files\n", kase);
		goto out;
	}
	/* The token: signed when the canonical request has it; otherwise added after signing (.sreq has it). */
	char *token = header_in_file(creq, "x-amz-security-token");
	unsigned flags = 0;
	if (!token && sreq && (token = header_in_file(sreq, "X-Amz-Security-Token")) != NULL)
		flags |= SIGV4_OMIT_TOKEN;
	struct sigv4_request r = { p.method, p.path, p.query, p.h, p.nh, p.body, p.body_len };
	struct sigv4_credentials cr = { AKID, SECRET, token };
	struct sigv4_config cfg = { "us-east-1", "service", utc(2015, 8, 30, 12, 36, 0), flags, 0 };
	struct sigv4_signed s;
	struct err e = ERR_INIT;
	if (sigv4_sign(&r, &cr, &cfg, NULL, &s, &e) < 0) {
		fprintf(stderr, "FAIL %s: sigv4_sign: %s\n", kase, e.msg);
	} else {
		ok = same("canonical request", kase, s.canonical_request, creq);
		ok &= same("string to sign", kase, s.string_to_sign, sts);
		ok &= same("Authorization", kase, s.authorization, authz);
		if (token && (flags & SIGV4_OMIT_TOKEN)) {
			int found = 0;
			for (size_t i = 0; i < s.nadd; i++)
				found |= !strcmp(s.add[i].name, "X-Amz-Security-Token") && !strcmp(s.add[i].value, token);
			ok &= same("added token", kase, found ? "present" : "absent", "present");
		}
		sigv4_signed_release(&s);
	}
	free(token);
	parsed_free(&p);
out:
	report(kase, ok);
	free(req); free(creq); free(sts); free(authz); free(sreq);
	free(reqp); free(fcreq); free(fsts); free(fauthz); free(fsreq); free(kase);
	return ok;
}

static size_t classic_walk(const char *dir)
{
	size_t n, found = 0;
	char **names = list_dir(dir, &n);
	const char *base = strrchr(dir, '/');
	base = base ? base + 1 : dir;
	char *reqname = xasprintf("%s.req", base);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], reqname)) {
			classic_case(dir, base);
			found++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		char *sub = xasprintf("%s/%s", dir, names[i]);
		if (is_dir(sub))
			found += classic_walk(sub);
		free(sub);
	}
	free(reqname);
	free_list(names, n);
	return found;
}

/* ---- the aws-c-auth suite ------------------------------------------------------------------------------ */

/* s percent-decoded (a stray '%' stays) and encoded again: the form a parameter takes on the wire. */
static void add_reencoded(struct buf *b, const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned hi, lo;
		if (s[i] == '%' && i + 2 < n && sscanf(s + i + 1, "%1x%1x", &hi, &lo) == 2) {
			d[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			d[j++] = s[i];
		}
	}
	sigv4_uri_encode(b, d, j, 0);
	free(d);
}

/* The '&'-separated parameters of a query, each re-encoded (the signed-request files write them unencoded),
 * sorted and joined. */
static char *sorted_query_of(const char *query)
{
	char *copy = xstrdup(query ? query : "");
	size_t n = 0, alloc = 8;
	char **v = xmalloc(alloc * sizeof *v);
	for (char *p = copy; p; ) {
		char *amp = strchr(p, '&');
		if (amp)
			*amp = '\0';
		if (*p) {
			if (n == alloc)
				v = xrealloc(v, (alloc *= 2) * sizeof *v);
			struct buf one = BUF_INIT;
			char *eq = strchr(p, '=');
			size_t kl = eq ? (size_t)(eq - p) : strlen(p);
			add_reencoded(&one, p, kl);
			buf_addc(&one, '=');
			if (eq)
				add_reencoded(&one, eq + 1, strlen(eq + 1));
			v[n++] = buf_detach(&one, NULL);
		}
		p = amp ? amp + 1 : NULL;
	}
	qsort(v, n, sizeof *v, cmpstr);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, '&');
		buf_adds(&b, v[i]);
		free(v[i]);
	}
	free(v);
	free(copy);
	return b.ptr ? buf_detach(&b, NULL) : xstrdup("");
}

static void crt_case(const char *root, const char *name, int presign)
{
	char *dir = xasprintf("%s/%s", root, name);
	char *kase = xasprintf("aws-signing-test-suite/v4/%s (%s)", name, presign ? "query" : "header");
	const char *pre = presign ? "query" : "header";
	char *fc = xasprintf("%s-canonical-request.txt", pre), *fs = xasprintf("%s-string-to-sign.txt", pre);
	char *fg = xasprintf("%s-signature.txt", pre), *fr = xasprintf("%s-signed-request.txt", pre);
	char *ctxs = slurp2(dir, "context.json"), *creq = slurp2(dir, fc), *sts = slurp2(dir, fs);
	char *sig = slurp2(dir, fg), *sreq = slurp2(dir, fr);
	char *reqp = xasprintf("%s/request.txt", dir);
	size_t len = 0;
	char *req = slurp(reqp, &len);
	cJSON *ctx = ctxs ? cJSON_Parse(ctxs) : NULL;
	struct parsed p;
	int ok = 0, parsed_ok = 0;
	chomp(sig);
	if (!req || !ctx || !creq || !sts || !sig || !sreq || parse_request(req, len, &p) < 0) {
		fprintf(stderr, "FAIL %s: cannot read or parse the case files\n", kase);
		goto out;
	}
	parsed_ok = 1;
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(ctx, "credentials");
	const char *akid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "access_key_id"));
	const char *secret = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "secret_access_key"));
	const char *token = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "token"));
	const char *region = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "region"));
	const char *service = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "service"));
	const char *ts = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ctx, "timestamp"));
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(ctx, "expiration_in_seconds");
	int y, mo, d, h, mi, se;
	if (!akid || !secret || !region || !service || !ts ||
	    sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &se) != 6) {
		fprintf(stderr, "FAIL %s: bad context.json\n", kase);
		goto out;
	}
	unsigned flags = 0;
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ctx, "normalize")))
		flags |= SIGV4_NO_NORMALIZE;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ctx, "sign_body")))
		flags |= SIGV4_SIGN_BODY;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ctx, "omit_session_token")))
		flags |= SIGV4_OMIT_TOKEN;
	if (presign)
		flags |= SIGV4_PRESIGN;
	struct sigv4_request r = { p.method, p.path, p.query, p.h, p.nh, p.body, p.body_len };
	struct sigv4_credentials cr = { akid, secret, token };
	struct sigv4_config cfg = { region, service, utc(y, mo, d, h, mi, se), flags,
	                            cJSON_IsNumber(exp) ? (unsigned)exp->valueint : 0 };
	struct sigv4_signed s;
	struct err e = ERR_INIT;
	if (sigv4_sign(&r, &cr, &cfg, NULL, &s, &e) < 0) {
		fprintf(stderr, "FAIL %s: sigv4_sign: %s\n", kase, e.msg);
		goto out;
	}
	ok = same("canonical request", kase, s.canonical_request, creq);
	ok &= same("string to sign", kase, s.string_to_sign, sts);
	ok &= same("signature", kase, s.signature, sig);
	if (!presign) {
		char *authz = header_in_file(sreq, "Authorization");
		ok &= same("Authorization", kase, s.authorization, authz);
		free(authz);
	} else {
		/* The signed request line: "METHOD /path?query HTTP/1.1"; parameter order does not matter. */
		struct parsed sp;
		size_t sl = strlen(sreq);
		if (parse_request(sreq, sl, &sp) == 0) {
			char *want = sorted_query_of(sp.query), *got = sorted_query_of(s.presigned_query);
			ok &= same("presigned query", kase, got, want);
			free(want);
			free(got);
			parsed_free(&sp);
		} else {
			ok = same("signed request", kase, "unparsable", "parsable");
		}
	}
	sigv4_signed_release(&s);
out:
	report(kase, ok);
	if (parsed_ok)
		parsed_free(&p);
	cJSON_Delete(ctx);
	free(req); free(reqp); free(ctxs); free(creq); free(sts); free(sig); free(sreq);
	free(fc); free(fs); free(fg); free(fr); free(kase); free(dir);
}

static size_t crt_suite(const char *root)
{
	size_t n, found = 0;
	char **names = list_dir(root, &n);
	for (size_t i = 0; i < n; i++) {
		char *ctx = xasprintf("%s/%s/context.json", root, names[i]);
		struct stat st;
		if (stat(ctx, &st) == 0) {
			crt_case(root, names[i], 0);
			crt_case(root, names[i], 1);
			found++;
		}
		free(ctx);
	}
	free_list(names, n);
	return found;
}

/* ---- input objects (botocore-generated vectors and the --drive mode) -------------------------------- */

struct drv {
	struct sigv4_header *h;
	size_t nh, alloc;
	char *path, *query;
	unsigned char *body;
	size_t body_len;
	struct sigv4_request r;
	struct sigv4_credentials cr;
	struct sigv4_config cfg;
};

static void drv_free(struct drv *d)
{
	free(d->h);
	free(d->path);
	free(d->query);
	free(d->body);
	memset(d, 0, sizeof *d);
}

static void drv_header(struct drv *d, const char *name, const char *value)
{
	if (d->nh == d->alloc) {
		d->alloc = d->alloc ? 2 * d->alloc : 8;
		d->h = xrealloc(d->h, d->alloc * sizeof *d->h);
	}
	d->h[d->nh].name = name;
	d->h[d->nh].value = value;
	d->nh++;
}

static const char *jstr(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static int b64decode(const char *s, unsigned char **out, size_t *outlen)
{
	size_t n = strlen(s);
	if (n % 4 || n / 4 * 3 > INT32_MAX)
		return -1;
	unsigned char *p = xmalloc(n / 4 * 3 + 1);
	int m = n ? EVP_DecodeBlock(p, (const unsigned char *)s, (int)n) : 0;
	if (m < 0) {
		free(p);
		return -1;
	}
	size_t len = (size_t)m;
	if (n && s[n - 1] == '=')
		len--;
	if (n > 1 && s[n - 2] == '=')
		len--;
	*out = p;
	*outlen = len;
	return 0;
}

/* Build a signer request from an input object; strings point into `in`. */
static int drv_from_json(struct drv *d, const cJSON *in, const char **why)
{
	memset(d, 0, sizeof *d);
	const char *method = jstr(in, "method"), *url = jstr(in, "url"), *amz = jstr(in, "amz_date");
	const char *service = jstr(in, "service");
	*why = "missing method, url, amz_date, service, region, access_key or secret_key";
	if (!method || !url || !amz || !service || !jstr(in, "region") || !jstr(in, "access_key") ||
	    !jstr(in, "secret_key"))
		return -1;
	int y, mo, dd, h, mi, se;
	*why = "bad amz_date";
	if (strlen(amz) != 16 || sscanf(amz, "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &dd, &h, &mi, &se) != 6)
		return -1;

	/* url: scheme://authority/path?query#fragment */
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	p += strcspn(p, "/?#");
	size_t pl = strcspn(p, "?#");
	d->path = xstrndup(p, pl);
	if (p[pl] == '?')
		d->query = xstrndup(p + pl + 1, strcspn(p + pl + 1, "#"));

	const cJSON *params = cJSON_GetObjectItemCaseSensitive(in, "params");
	const char *wire_query = jstr(in, "query");
	if (wire_query) {
		free(d->query);
		d->query = xstrdup(wire_query);
	} else if (params && cJSON_GetArraySize(params) > 0) {
		struct buf b = BUF_INIT;
		const cJSON *it;
		int bad = 0;
		cJSON_ArrayForEach(it, params) {
			const char *k = cJSON_IsArray(it) ? cJSON_GetStringValue(cJSON_GetArrayItem(it, 0)) : it->string;
			const char *v = cJSON_GetStringValue(cJSON_IsArray(it) ? cJSON_GetArrayItem(it, 1) : it);
			if (!k || !v) {
				*why = "params must be strings";
				buf_release(&b);
				drv_free(d);
				return -1;
			}
			if (b.len)
				bad |= buf_addc(&b, '&');
			bad |= sigv4_uri_encode(&b, k, strlen(k), 0);
			bad |= buf_addc(&b, '=');
			bad |= sigv4_uri_encode(&b, v, strlen(v), 0);
		}
		free(d->query);
		d->query = b.ptr ? buf_detach(&b, NULL) : xstrdup("");
		if (bad) {
			*why = "query too long";
			drv_free(d);
			return -1;
		}
	}

	const cJSON *hs = cJSON_GetObjectItemCaseSensitive(in, "headers"), *it;
	cJSON_ArrayForEach(it, hs) {
		if (cJSON_IsArray(it) && !it->string) {          /* ["Name", "value"] */
			const char *n = cJSON_GetStringValue(cJSON_GetArrayItem(it, 0));
			const char *v = cJSON_GetStringValue(cJSON_GetArrayItem(it, 1));
			if (n && v)
				drv_header(d, n, v);
		} else if (cJSON_IsArray(it)) {                 /* "Name": ["v1", "v2"] */
			const cJSON *v;
			cJSON_ArrayForEach(v, it)
				if (cJSON_IsString(v))
					drv_header(d, it->string, v->valuestring);
		} else if (cJSON_IsString(it)) {
			drv_header(d, it->string, it->valuestring);
		}
	}

	const char *body = jstr(in, "body"), *b64 = jstr(in, "body_b64");
	if (b64) {
		if (b64decode(b64, &d->body, &d->body_len) < 0) {
			*why = "bad body_b64";
			drv_free(d);
			return -1;
		}
	} else if (body) {
		d->body_len = strlen(body);
		d->body = (unsigned char *)xstrndup(body, d->body_len);
	}

	const char *signer = jstr(in, "signer");
	int s3 = signer ? !strcmp(signer, "s3v4")
	                : (!strcmp(service, "s3") || !strcmp(service, "s3-outposts") ||
	                   !strcmp(service, "s3-object-lambda"));
	unsigned flags = 0;
	if (s3)
		flags |= SIGV4_S3 | SIGV4_SIGN_BODY;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "unsigned_payload")))
		drv_header(d, "X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(in, "sign_session_token")))
		flags |= SIGV4_OMIT_TOKEN;
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(in, "expires");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "presign")))
		flags |= SIGV4_PRESIGN;

	/* "s3_bucket" and "s3_key": the path is the one lib/aws/s3.c sends (path-style), not the URL's: its key encoding is
	 * then checked against botocore's (the oracle builds the URL with botocore's own S3 key quoting) */
	const char *s3b = jstr(in, "s3_bucket"), *s3k = jstr(in, "s3_key");
	if (s3b && s3k) {
		struct buf p = BUF_INIT;
		buf_addf(&p, "/%s/", s3b);
		s3_encode_key(&p, s3k);
		free(d->path);
		d->path = buf_detach(&p, NULL);
	}
	d->r = (struct sigv4_request){ method, d->path, d->query, d->h, d->nh, d->body, d->body_len };
	d->cr = (struct sigv4_credentials){ jstr(in, "access_key"), jstr(in, "secret_key"), jstr(in, "session_token") };
	d->cfg = (struct sigv4_config){ jstr(in, "region"), service, utc(y, mo, dd, h, mi, se), flags,
	                                cJSON_IsNumber(exp) ? (unsigned)exp->valueint : 0 };
	return 0;
}

static void botocore_case(const char *dir, const char *file)
{
	char *kase = xasprintf("botocore-generated/%s", file);
	char *text = slurp2(dir, file);
	cJSON *j = text ? cJSON_Parse(text) : NULL;
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(j, "input");
	const cJSON *want = cJSON_GetObjectItemCaseSensitive(j, "expected");
	struct drv d;
	const char *why = NULL;
	int ok = 0;
	if (!in || !want) {
		fprintf(stderr, "FAIL %s: not a vector file\n", kase);
	} else if (drv_from_json(&d, in, &why) < 0) {
		fprintf(stderr, "FAIL %s: %s\n", kase, why);
	} else {
		struct sigv4_signed s;
		struct sigv4_key_cache cache = { 0 };
		struct err e = ERR_INIT;
		if (sigv4_sign(&d.r, &d.cr, &d.cfg, &cache, &s, &e) < 0) {
			fprintf(stderr, "FAIL %s: sigv4_sign: %s\n", kase, e.msg);
		} else {
			ok = same("canonical request", kase, s.canonical_request, jstr(want, "canonical_request"));
			ok &= same("string to sign", kase, s.string_to_sign, jstr(want, "string_to_sign"));
			ok &= same("signature", kase, s.signature, jstr(want, "signature"));
			ok &= same("Authorization", kase, s.authorization, jstr(want, "authorization"));
			ok &= same("signed headers", kase, s.signed_headers, jstr(want, "signed_headers"));
			ok &= same("credential scope", kase, s.credential_scope, jstr(want, "credential_scope"));
			ok &= same("payload hash", kase, s.payload_hash, jstr(want, "payload_hash"));
			/* every header we add is in botocore's final header list, with the same value */
			const cJSON *hl = cJSON_GetObjectItemCaseSensitive(want, "header_list");
			for (size_t i = 0; i < s.nadd; i++) {
				const cJSON *pair;
				int found = 0;
				cJSON_ArrayForEach(pair, hl) {
					const char *n = cJSON_GetStringValue(cJSON_GetArrayItem(pair, 0));
					const char *v = cJSON_GetStringValue(cJSON_GetArrayItem(pair, 1));
					found |= n && v && !strcasecmp(n, s.add[i].name) && !strcmp(v, s.add[i].value);
				}
				ok &= same("added header", kase, found ? s.add[i].name : "(not in header_list)", s.add[i].name);
			}
			sigv4_signed_release(&s);
		}
		sigv4_key_cache_release(&cache);
		drv_free(&d);
	}
	report(kase, ok);
	cJSON_Delete(j);
	free(text);
	free(kase);
}

static size_t botocore_suite(const char *dir)
{
	size_t n, found = 0;
	char **names = list_dir(dir, &n);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]);
		if (l > 5 && !strcmp(names[i] + l - 5, ".json")) {
			botocore_case(dir, names[i]);
			found++;
		}
	}
	free_list(names, n);
	return found;
}

/* ---- --drive ------------------------------------------------------------------------------------------ */

static int drive(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct sigv4_key_cache cache = { 0 };
	int rc = 0;
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (n == 1 && line[0] == '\n')
			continue;
		cJSON *in = cJSON_Parse(line), *res = cJSON_CreateObject();
		struct drv d;
		const char *why = "not a JSON object";
		if (!cJSON_IsObject(in) || drv_from_json(&d, in, &why) < 0) {
			cJSON_AddStringToObject(res, "error", why);
		} else {
			struct sigv4_signed s;
			struct err e = ERR_INIT;
			if (sigv4_sign(&d.r, &d.cr, &d.cfg, &cache, &s, &e) < 0) {
				cJSON_AddStringToObject(res, "error", e.msg);
			} else {
				cJSON_AddStringToObject(res, "canonical_request", s.canonical_request);
				cJSON_AddStringToObject(res, "string_to_sign", s.string_to_sign);
				cJSON_AddStringToObject(res, "signature", s.signature);
				if (s.authorization)
					cJSON_AddStringToObject(res, "authorization", s.authorization);
				else
					cJSON_AddNullToObject(res, "authorization");
				cJSON_AddStringToObject(res, "signed_headers", s.signed_headers);
				cJSON_AddStringToObject(res, "credential_scope", s.credential_scope);
				cJSON_AddStringToObject(res, "payload_hash", s.payload_hash);
				if (s.presigned_query)
					cJSON_AddStringToObject(res, "presigned_query", s.presigned_query);
				cJSON *add = cJSON_AddArrayToObject(res, "add");
				for (size_t i = 0; i < s.nadd; i++) {
					cJSON *pair = cJSON_CreateArray();
					cJSON_AddItemToArray(pair, cJSON_CreateString(s.add[i].name));
					cJSON_AddItemToArray(pair, cJSON_CreateString(s.add[i].value));
					cJSON_AddItemToArray(add, pair);
				}
				sigv4_signed_release(&s);
			}
			drv_free(&d);
		}
		char *outs = cJSON_PrintUnformatted(res);
		if (!outs || puts(outs) == EOF)
			rc = 1;
		cJSON_free(outs);
		cJSON_Delete(res);
		cJSON_Delete(in);
	}
	free(line);
	sigv4_key_cache_release(&cache);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = 1;
	return rc;
}

/* ---- API checks ---------------------------------------------------------------------------------------- */

static const struct sigv4_credentials creds = { AKID, SECRET, NULL };

/* Sign a GET of path?query to example.amazonaws.com with extra headers; returns the canonical request. */
static char *creq_of(const char *path, const char *query, const struct sigv4_header *extra, size_t nextra,
                     unsigned flags)
{
	struct sigv4_header h[16] = { { "Host", "example.amazonaws.com" } };
	size_t nh = 1;
	for (size_t i = 0; i < nextra && nh < 16; i++)
		h[nh++] = extra[i];
	struct sigv4_request r = { "GET", path, query, h, nh, NULL, 0 };
	struct sigv4_config cfg = { "us-east-1", "service", utc(2015, 8, 30, 12, 36, 0), flags, 0 };
	struct sigv4_signed s;
	struct err e = ERR_INIT;
	if (sigv4_sign(&r, &creds, &cfg, NULL, &s, &e) < 0)
		return xasprintf("error: %s", e.msg);
	char *c = xstrdup(s.canonical_request);
	sigv4_signed_release(&s);
	return c;
}

/* The path line (2nd) or query line (3rd) of a canonical request. */
static char *line_of(char *creq, int which)
{
	char *p = creq;
	for (int i = 0; i < which && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	char *r = p ? xstrndup(p, strcspn(p, "\n")) : xstrdup("(none)");
	free(creq);
	return r;
}

#define CHECK_PATH(path, flags, want) do { char *g_ = line_of(creq_of(path, NULL, NULL, 0, flags), 1); \
	CHECK_STREQ(g_, want); free(g_); } while (0)
#define CHECK_QUERY(query, want) do { char *g_ = line_of(creq_of("/", query, NULL, 0, 0), 2); \
	CHECK_STREQ(g_, want); free(g_); } while (0)

static void api_checks(void)
{
	char hex[65], date[17];
	struct buf b = BUF_INIT;

	sigv4_sha256_hex("", 0, hex);
	CHECK_STREQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sigv4_amz_date(utc(2015, 8, 30, 12, 36, 0), date);
	CHECK_STREQ(date, "20150830T123600Z");
	CHECK(sigv4_uri_encode(&b, "a b/\xe1\x88\xb4~-_.%+", 13, 1) == 0);
	CHECK_STREQ(buf_cstr(&b), "a%20b/%E1%88%B4~-_.%25%2B");
	buf_reset(&b);
	CHECK(sigv4_uri_encode(&b, "a/b", 3, 0) == 0);
	CHECK_STREQ(buf_cstr(&b), "a%2Fb");
	buf_release(&b);

	/* paths */
	CHECK_PATH("/a/./b/../c//", 0, "/a/c/");
	CHECK_PATH("/example/.", 0, "/example");
	CHECK_PATH("/..", 0, "/");
	CHECK_PATH("", 0, "/");
	CHECK_PATH("/a/./b", SIGV4_NO_NORMALIZE, "/a/./b");
	CHECK_PATH("/a%3Ab@c", 0, "/a%253Ab%40c");
	CHECK_PATH("/a%20b//../c", SIGV4_S3, "/a%20b//../c");

	/* queries: decoded then encoded once, sorted by (key, value) */
	CHECK_QUERY("b=2&a=1&a=0&c", "a=0&a=1&b=2&c=");
	CHECK_QUERY("Param-3=x&Param=y", "Param=y&Param-3=x");
	CHECK_QUERY("%e1%88%b4=%41", "%E1%88%B4=A");
	CHECK_QUERY("a+b=c d", "a%2Bb=c%20d");
	CHECK_QUERY("k=v=w", "k=v%3Dw");
	CHECK_QUERY("&&x=1&", "x=1");
	CHECK_QUERY("%zz=%4", "%25zz=%254");
	CHECK_QUERY("", "");

	/* headers: trimmed, folded, repeated joined in order, skip list, caller decides the rest */
	struct sigv4_header h[] = {
		{ "X-B", "  a \t  b  " }, { "x-a", "2" }, { "X-A", "1" }, { "X-E", "" },
		{ "User-Agent", "ddb/1" }, { "Expect", "100-continue" }, { "X-Amzn-Trace-Id", "t" },
		{ "Authorization", "old" }, { "Connection", "close" }, { "Content-Length", "0" },
	};
	char *c = creq_of("/", NULL, h, sizeof h / sizeof *h, 0);
	CHECK_STREQ(c, "GET\n/\n\ncontent-length:0\nhost:example.amazonaws.com\nx-a:2,1\nx-amz-date:20150830T123600Z\n"
	               "x-b:a b\nx-e:\n\ncontent-length;host;x-a;x-amz-date;x-b;x-e\n"
	               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	free(c);

	/* added headers, in the documented order */
	struct sigv4_header hh[] = { { "Host", "dynamodb.us-east-1.amazonaws.com" } };
	struct sigv4_request r = { "POST", "/", NULL, hh, 1, "{}", 2 };
	struct sigv4_credentials tc = { AKID, SECRET, "TOKEN/+=" };
	struct sigv4_config cfg = { "us-east-1", "dynamodb", utc(2024, 1, 15, 9, 30, 0), SIGV4_SIGN_BODY, 0 };
	struct sigv4_signed s, s2;
	struct err e = ERR_INIT;
	CHECK(sigv4_sign(&r, &tc, &cfg, NULL, &s, &e) == 0);
	CHECK_INTEQ(s.nadd, 4);
	if (s.nadd == 4) {
		CHECK_STREQ(s.add[0].name, "X-Amz-Date");
		CHECK_STREQ(s.add[0].value, "20240115T093000Z");
		CHECK_STREQ(s.add[1].name, "X-Amz-Security-Token");
		CHECK_STREQ(s.add[1].value, "TOKEN/+=");
		CHECK_STREQ(s.add[2].name, "X-Amz-Content-SHA256");
		CHECK_STREQ(s.add[2].value, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
		CHECK_STREQ(s.add[3].name, "Authorization");
		CHECK_STREQ(s.add[3].value, s.authorization);
	}
	CHECK_STREQ(s.signed_headers, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
	CHECK_STREQ(s.credential_scope, "20240115/us-east-1/dynamodb/aws4_request");
	CHECK(s.presigned_query == NULL);

	/* the key cache: filled, used, refreshed on a new date, cleansed */
	struct sigv4_key_cache cache = { 0 };
	CHECK(sigv4_sign(&r, &tc, &cfg, &cache, &s2, &e) == 0);
	CHECK(cache.valid);
	CHECK_STREQ(cache.date, "20240115");
	CHECK_STREQ(s2.signature, s.signature);
	sigv4_signed_release(&s2);
	CHECK(sigv4_sign(&r, &tc, &cfg, &cache, &s2, &e) == 0);   /* from the cache */
	CHECK_STREQ(s2.signature, s.signature);
	sigv4_signed_release(&s2);
	cache.key[0] ^= 1;                                         /* a cached key is really used */
	CHECK(sigv4_sign(&r, &tc, &cfg, &cache, &s2, &e) == 0);
	CHECK(strcmp(s2.signature, s.signature) != 0);
	sigv4_signed_release(&s2);
	cfg.when += 86400;                                         /* next day: derived again */
	CHECK(sigv4_sign(&r, &tc, &cfg, &cache, &s2, &e) == 0);
	CHECK_STREQ(cache.date, "20240116");
	cfg.when -= 86400;
	sigv4_signed_release(&s2);
	CHECK(sigv4_sign(&r, &tc, &cfg, &cache, &s2, &e) == 0);
	CHECK_STREQ(s2.signature, s.signature);
	sigv4_signed_release(&s2);
	sigv4_key_cache_release(&cache);
	unsigned char zero[32] = { 0 };
	CHECK(!cache.valid && !memcmp(cache.key, zero, 32));
	sigv4_signed_release(&s);
	CHECK(s.canonical_request == NULL && s.nadd == 0);

	/* a token already present is not added twice; X-Amz-Date present and matching is kept */
	struct sigv4_header ht[] = { { "Host", "h" }, { "X-Amz-Security-Token", "TOKEN/+=" },
	                             { "X-Amz-Date", "20240115T093000Z" } };
	struct sigv4_request rt = { "GET", "/", NULL, ht, 3, NULL, 0 };
	cfg.flags = 0;
	CHECK(sigv4_sign(&rt, &tc, &cfg, NULL, &s, &e) == 0);
	CHECK_INTEQ(s.nadd, 1);
	CHECK_STREQ(s.signed_headers, "host;x-amz-date;x-amz-security-token");
	sigv4_signed_release(&s);

	/* omitted token: not signed, still added */
	cfg.flags = SIGV4_OMIT_TOKEN;
	CHECK(sigv4_sign(&r, &tc, &cfg, NULL, &s, &e) == 0);
	CHECK_STREQ(s.signed_headers, "host;x-amz-date");
	CHECK(s.nadd == 3 && !strcmp(s.add[1].name, "X-Amz-Security-Token"));
	sigv4_signed_release(&s);

	/* presigning: everything in the query, nothing to add */
	cfg.flags = SIGV4_PRESIGN;
	cfg.expires = 60;
	CHECK(sigv4_sign(&r, &tc, &cfg, NULL, &s, &e) == 0);
	CHECK(s.authorization == NULL && s.nadd == 0 && s.presigned_query);
	CHECK(s.presigned_query && strstr(s.presigned_query, "X-Amz-Expires=60&") &&
	      strstr(s.presigned_query, "X-Amz-Security-Token=TOKEN%2F%2B%3D&") &&
	      strstr(s.presigned_query, "&X-Amz-Signature="));
	sigv4_signed_release(&s);
	cfg.flags = 0;
	cfg.expires = 0;

	/* errors: out is left empty */
	struct sigv4_header nohost[] = { { "X-A", "1" } };
	struct sigv4_request rn = { "GET", "/", NULL, nohost, 1, NULL, 0 };
	e = (struct err)ERR_INIT;
	CHECK(sigv4_sign(&rn, &tc, &cfg, NULL, &s, &e) == -1);
	CHECK_INTEQ(e.kind, ERR_DATA);
	CHECK(s.canonical_request == NULL && s.authorization == NULL && s.nadd == 0);
	struct sigv4_header baddate[] = { { "Host", "h" }, { "X-Amz-Date", "20240115T093001Z" } };
	struct sigv4_request rd = { "GET", "/", NULL, baddate, 2, NULL, 0 };
	e = (struct err)ERR_INIT;
	CHECK(sigv4_sign(&rd, &tc, &cfg, NULL, &s, &e) == -1);
	CHECK_INTEQ(e.kind, ERR_DATA);
	struct sigv4_credentials nocred = { AKID, "", NULL };
	e = (struct err)ERR_INIT;
	CHECK(sigv4_sign(&r, &nocred, &cfg, NULL, &s, &e) == -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	struct sigv4_config noregion = { "", "dynamodb", cfg.when, 0, 0 };
	e = (struct err)ERR_INIT;
	CHECK(sigv4_sign(&r, &tc, &noregion, NULL, &s, &e) == -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	struct sigv4_header badname[] = { { "Host", "h" }, { "Bad Name", "1" } };
	struct sigv4_request rb = { "GET", "/", NULL, badname, 2, NULL, 0 };
	e = (struct err)ERR_INIT;
	CHECK(sigv4_sign(&rb, &tc, &cfg, NULL, &s, &e) == -1);
	CHECK_INTEQ(e.kind, ERR_DATA);
	/* the secret never appears in the error or the result */
	CHECK(strstr(e.msg, SECRET) == NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--drive"))
		return drive();
	if (argc > 1) {
		fprintf(stderr, "usage: test_sigv4 [--drive]\n");
		return 64;
	}
	api_checks();

	const char *root = getenv("SIGV4_TESTDATA");
	if (!root || !*root)
		root = "test/data/sigv4";
	char *classic = xasprintf("%s/aws-sig-v4-test-suite", root);
	char *crt = xasprintf("%s/aws-signing-test-suite/v4", root);
	char *boto = xasprintf("%s/botocore-generated", root);
	size_t n1 = classic_walk(classic), n2 = crt_suite(crt), n3 = botocore_suite(boto);
	/* a walker that silently finds nothing must not pass */
	CHECK_MSG(n1 >= 34, "%s: %zu cases found, 34 expected", classic, n1);
	CHECK_MSG(n2 >= 38, "%s: %zu cases found, 38 expected", crt, n2);
	CHECK_MSG(n3 >= 12, "%s: %zu vectors found, 12 expected", boto, n3);
	free(classic);
	free(crt);
	free(boto);
	return unit_done();
}
