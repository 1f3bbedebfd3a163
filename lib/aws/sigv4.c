/* sigv4.c — AWS Signature Version 4 (HMAC-SHA256).  See sigv4.h for the contract.
 *
 * The steps follow the AWS documentation ("Create a signed AWS API request"):
 *   canonical request = method \n path \n query \n headers \n signed-headers \n payload-hash
 *   string to sign    = AWS4-HMAC-SHA256 \n amz-date \n scope \n hex(SHA256(canonical request))
 *   signing key       = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")
 *
 * Header policy: every header the caller passes is signed, except the small skip list below (headers that
 * proxies, libcurl or the transport may add, drop or rewrite, and that botocore does not sign either).
 * So http.c decides what is signed by what it passes.  Host is required.
 */
#include "aws/sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/buf.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_MAX_SECRET 1024

/* Never signed (compared lower-case).  botocore skips expect, user-agent and x-amzn-trace-id; authorization is
 * the result itself; connection, keep-alive, transfer-encoding, te, trailer, upgrade and proxy-authorization are
 * hop-by-hop and may be changed on the way. */
static const char *const skip_headers[] = {
	"authorization", "connection", "expect", "keep-alive", "proxy-authorization", "te", "trailer",
	"transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
};

void sigv4_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void sigv4_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!EVP_Digest(data ? data : "", n, md, &len, EVP_sha256(), NULL) || len != 32) {
		out[0] = '\0';    /* cannot happen with a working libcrypto; the caller's compare will fail */
		return;
	}
	sigv4_hex(md, 32, out);
}

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

int sigv4_uri_encode(struct buf *out, const char *s, size_t n, int keep_slash)
{
	static const char digits[] = "0123456789ABCDEF";
	int rc = 0;
	size_t run = 0;     /* start of the current run of bytes that stay as they are */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c) || (keep_slash && c == '/'))
			continue;
		char esc[3] = { '%', digits[c >> 4], digits[c & 15] };
		rc |= buf_add(out, s + run, i - run);
		rc |= buf_add(out, esc, 3);
		run = i + 1;
	}
	rc |= buf_add(out, s + run, n - run);
	return rc ? -1 : 0;
}

void sigv4_amz_date(time_t when, char out[17])
{
	struct tm tm;
	if (!gmtime_r(&when, &tm) || tm.tm_year < 0 || tm.tm_year > 8099 ||
	    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		out[0] = '\0';
}

/* ---- small helpers ------------------------------------------------------------------------------- */

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Append the value trimmed, with every run of whitespace folded into one space. */
static int add_trimall(struct buf *b, const char *v)
{
	int rc = 0, pending = 0, any = 0;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (is_space(*p)) {
			pending = any;
			continue;
		}
		if (pending)
			rc |= buf_addc(b, ' ');
		pending = 0;
		any = 1;
		rc |= buf_addc(b, (char)*p);
	}
	return rc ? -1 : 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..n) into a fresh string (a '%' not followed by two hex digits stays literal; '+' is a '+').
 * *outlen gets the decoded length (the result may contain NUL bytes). */
static char *pct_decode(const char *s, size_t n, size_t *outlen)
{
	char *d = xmalloc(n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)s[i + 2])) >= 0) {
			d[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			d[j++] = s[i];
		}
	}
	d[j] = '\0';
	*outlen = j;
	return d;
}

static void lower_ascii(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int hmac256(const void *key, size_t klen, const void *msg, size_t mlen, unsigned char out[32])
{
	unsigned int len = 0;
	if (klen > SIGV4_MAX_SECRET + 4 ||
	    !HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, mlen, out, &len) || len != 32)
		return -1;
	return 0;
}

/* ---- canonical path ----------------------------------------------------------------------------- */

/* Remove '.' and '..' segments and collapse empty ones, keeping a leading and (when something remains) a
 * trailing slash — botocore's remove_dot_segments, which AWS services expect. */
static char *normalize_path(const char *path)
{
	size_t n = strlen(path);
	if (!n)
		return xstrdup("/");
	/* segment start offsets kept as a stack, written into out as we go */
	char *out = xmalloc(n + 2);
	size_t *stack = xcalloc(n + 1, sizeof *stack);
	size_t depth = 0, len = 0;
	const char *p = path, *end = path + n;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *segend = slash ? slash : end;
		size_t sl = (size_t)(segend - p);
		if (sl == 0 || (sl == 1 && p[0] == '.')) {
			/* skip */
		} else if (sl == 2 && p[0] == '.' && p[1] == '.') {
			if (depth)
				len = stack[--depth];
		} else {
			stack[depth++] = len;
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, sl);
			len += sl;
		}
		p = slash ? slash + 1 : end;
	}
	/* out holds the segments joined by '/'; now add the leading and trailing slash */
	int lead = path[0] == '/', trail = path[n - 1] == '/' && depth > 0;
	char *res = xmalloc(len + 3);
	size_t k = 0;
	if (lead)
		res[k++] = '/';
	memcpy(res + k, out, len);
	k += len;
	if (trail)
		res[k++] = '/';
	res[k] = '\0';
	free(out);
	free(stack);
	return res;
}

static int canonical_path(struct buf *b, const char *path, unsigned flags)
{
	if (!path || !*path)
		return buf_addc(b, '/');
	if (flags & SIGV4_S3)
		return buf_adds(b, path);
	if (flags & SIGV4_NO_NORMALIZE)
		return sigv4_uri_encode(b, path, strlen(path), 1);
	char *norm = normalize_path(path);
	int rc = sigv4_uri_encode(b, norm, strlen(norm), 1);
	free(norm);
	return rc;
}

/* ---- canonical query ---------------------------------------------------------------------------- */

struct qpair { char *k, *v; };    /* both already canonically encoded */

static int qpair_cmp(const void *a, const void *b)
{
	const struct qpair *x = a, *y = b;
	int c = strcmp(x->k, y->k);
	return c ? c : strcmp(x->v, y->v);
}

static char *encode_dup(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	if (sigv4_uri_encode(&b, s, n, 0) < 0 || !b.ptr) {
		buf_release(&b);
		return xstrdup("");
	}
	return buf_detach(&b, NULL);
}

struct qlist { struct qpair *p; size_t n, alloc; };

static void qlist_push(struct qlist *q, const char *k, size_t kl, const char *v, size_t vl)
{
	if (q->n == q->alloc) {
		q->alloc = q->alloc ? 2 * q->alloc : 16;
		q->p = xrealloc(q->p, q->alloc * sizeof *q->p);
	}
	q->p[q->n].k = encode_dup(k, kl);
	q->p[q->n].v = encode_dup(v, vl);
	q->n++;
}

static void qlist_free(struct qlist *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->p[i].k);
		free(q->p[i].v);
	}
	free(q->p);
}

/* Split "a=1&b&c=" into pairs, percent-decode each key and value, then encode once. */
static void qlist_parse(struct qlist *q, const char *query)
{
	if (!query)
		return;
	const char *p = query;
	while (*p) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		if (n) {
			const char *eq = memchr(p, '=', n);
			size_t kl = eq ? (size_t)(eq - p) : n;
			size_t dk, dv;
			char *k = pct_decode(p, kl, &dk);
			char *v = eq ? pct_decode(eq + 1, n - kl - 1, &dv) : (dv = 0, xstrdup(""));
			qlist_push(q, k, dk, v, dv);
			free(k);
			free(v);
		}
		p += n;
		if (*p == '&')
			p++;
	}
}

static int qlist_join(struct buf *b, struct qlist *q)
{
	int rc = 0;
	if (q->n > 1)
		qsort(q->p, q->n, sizeof *q->p, qpair_cmp);
	for (size_t i = 0; i < q->n; i++) {
		if (i)
			rc |= buf_addc(b, '&');
		rc |= buf_adds(b, q->p[i].k);
		rc |= buf_addc(b, '=');
		rc |= buf_adds(b, q->p[i].v);
	}
	return rc ? -1 : 0;
}

/* ---- canonical headers -------------------------------------------------------------------------- */

struct chdr { char *name; const char *value; size_t seq; };

static int chdr_cmp(const void *a, const void *b)
{
	const struct chdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int skipped(const char *lname)
{
	for (size_t i = 0; i < sizeof skip_headers / sizeof *skip_headers; i++)
		if (!strcmp(lname, skip_headers[i]))
			return 1;
	return 0;
}

static const char *find_header(const struct sigv4_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (req->headers[i].name && !strcasecmp(req->headers[i].name, name))
			return req->headers[i].value ? req->headers[i].value : "";
	return NULL;
}

static int valid_header_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= ' ' || c == ':' || c >= 0x7f)
			return 0;
	}
	return 1;
}

/* ---- key ----------------------------------------------------------------------------------------- */

static int derive_key(const struct sigv4_credentials *cr, const char *date, const char *region,
                      const char *service, unsigned char key[32])
{
	size_t sl = strlen(cr->secret_access_key);
	unsigned char k1[32], k2[32], k3[32];
	char *ksecret = xmalloc(sl + 5);
	memcpy(ksecret, "AWS4", 4);
	memcpy(ksecret + 4, cr->secret_access_key, sl + 1);
	int rc = hmac256(ksecret, sl + 4, date, strlen(date), k1) |
	         hmac256(k1, 32, region, strlen(region), k2) |
	         hmac256(k2, 32, service, strlen(service), k3) |
	         hmac256(k3, 32, "aws4_request", 12, key);
	OPENSSL_cleanse(ksecret, sl + 5);
	free(ksecret);
	OPENSSL_cleanse(k1, sizeof k1);
	OPENSSL_cleanse(k2, sizeof k2);
	OPENSSL_cleanse(k3, sizeof k3);
	if (rc)
		OPENSSL_cleanse(key, 32);
	return rc ? -1 : 0;
}

static int cache_matches(const struct sigv4_key_cache *c, const char *akid, const char *date,
                         const char *region, const char *service)
{
	return c->valid && !strcmp(c->akid, akid) && !strcmp(c->date, date) && !strcmp(c->region, region) &&
	       !strcmp(c->service, service);
}

static void cache_store(struct sigv4_key_cache *c, const char *akid, const char *date, const char *region,
                        const char *service, const unsigned char key[32])
{
	sigv4_key_cache_release(c);
	if (strlen(akid) >= sizeof c->akid || strlen(date) >= sizeof c->date ||
	    strlen(region) >= sizeof c->region || strlen(service) >= sizeof c->service)
		return;  /* too long to cache: sign without caching */
	memcpy(c->akid, akid, strlen(akid) + 1);
	memcpy(c->date, date, strlen(date) + 1);
	memcpy(c->region, region, strlen(region) + 1);
	memcpy(c->service, service, strlen(service) + 1);
	memcpy(c->key, key, 32);
	c->valid = 1;
}

void sigv4_key_cache_release(struct sigv4_key_cache *c)
{
	if (!c)
		return;
	OPENSSL_cleanse(c, sizeof *c);
	c->valid = 0;
}

void sigv4_signed_release(struct sigv4_signed *s)
{
	if (!s)
		return;
	free(s->canonical_request);
	free(s->string_to_sign);
	free(s->signed_headers);
	free(s->credential_scope);
	free(s->authorization);
	if (s->presigned_query) {
		OPENSSL_cleanse(s->presigned_query, strlen(s->presigned_query));   /* may carry the session token */
		free(s->presigned_query);
	}
	for (size_t i = 0; i < s->nadd && i < sizeof s->add / sizeof *s->add; i++) {
		char *v = (char *)s->add[i].value;
		if (v) {
			OPENSSL_cleanse(v, strlen(v));
			free(v);
		}
	}
	memset(s, 0, sizeof *s);
}

/* ---- sign ---------------------------------------------------------------------------------------- */

static int ok_token(const char *s)
{
	return s && *s && !strchr(s, '/') && !strchr(s, '\n');
}

int sigv4_sign(const struct sigv4_request *req, const struct sigv4_credentials *cr,
               const struct sigv4_config *cfg, struct sigv4_key_cache *cache,
               struct sigv4_signed *out, struct err *e)
{
	struct chdr *hs = NULL;
	struct qlist q = { NULL, 0, 0 };
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	unsigned char key[32], sig[32];
	char date[9];
	int ret = -1, bad = 0;

	memset(out, 0, sizeof *out);
	if (!req || !req->method || !*req->method || (req->nheaders && !req->headers) || (req->body_len && !req->body))
		return err_set(e, ERR_INTERNAL, "sigv4: incomplete request");
	if (!cr || !cr->access_key_id || !*cr->access_key_id || !cr->secret_access_key || !*cr->secret_access_key)
		return err_set(e, ERR_CONFIG, "sigv4: no credentials");
	if (strlen(cr->secret_access_key) > SIGV4_MAX_SECRET)
		return err_set(e, ERR_CONFIG, "sigv4: secret access key too long");
	if (!cfg || !ok_token(cfg->region) || !ok_token(cfg->service))
		return err_set(e, ERR_CONFIG, "sigv4: missing or bad region or service name");
	for (const char *m = req->method; *m; m++)
		if ((unsigned char)*m <= ' ' || (unsigned char)*m >= 0x7f)
			return err_set(e, ERR_DATA, "sigv4: bad method");

	unsigned flags = cfg->flags;
	int presign = (flags & SIGV4_PRESIGN) != 0;
	sigv4_amz_date(cfg->when, out->amz_date);
	if (!out->amz_date[0])
		return err_set(e, ERR_DATA, "sigv4: request time out of range");
	memcpy(date, out->amz_date, 8);
	date[8] = '\0';

	/* Headers the request already carries. */
	if (!find_header(req, "host"))
		return err_set(e, ERR_DATA, "sigv4: the request has no Host header");
	const char *have_date = find_header(req, "x-amz-date");
	if (have_date) {
		struct buf t = BUF_INIT;
		int same = add_trimall(&t, have_date) == 0 && !strcmp(buf_cstr(&t), out->amz_date);
		buf_release(&t);
		if (!same)
			return err_set(e, ERR_DATA, "sigv4: X-Amz-Date header does not match the signing time");
	}
	const char *have_token = find_header(req, "x-amz-security-token");
	const char *have_sha = find_header(req, "x-amz-content-sha256");
	const char *token = cr->session_token && *cr->session_token ? cr->session_token : NULL;
	int omit_token = (flags & SIGV4_OMIT_TOKEN) != 0;

	/* Payload hash: a caller-supplied X-Amz-Content-SHA256 (e.g. UNSIGNED-PAYLOAD) is used verbatim. */
	if (have_sha && !presign) {
		if (add_trimall(&tmp, have_sha) < 0 || tmp.len == 0 || tmp.len >= sizeof out->payload_hash) {
			ret = err_set(e, ERR_DATA, "sigv4: bad X-Amz-Content-SHA256 header");
			goto done;
		}
		memcpy(out->payload_hash, tmp.ptr, tmp.len + 1);
		buf_reset(&tmp);
	} else {
		sigv4_sha256_hex(req->body, req->body_len, out->payload_hash);
	}

	out->credential_scope = xasprintf("%s/%s/%s/aws4_request", date, cfg->region, cfg->service);

	/* The header set to sign: the caller's (minus the skip list), then what we add. */
	size_t nh = 0;
	hs = xcalloc(req->nheaders + 3, sizeof *hs);
	for (size_t i = 0; i < req->nheaders; i++) {
		const char *name = req->headers[i].name;
		if (!name || !valid_header_name(name)) {
			ret = err_set(e, ERR_DATA, "sigv4: bad header name '%s'", name ? name : "(null)");
			goto done;
		}
		char *lname = xstrdup(name);
		lower_ascii(lname);
		if (skipped(lname) || (omit_token && !strcmp(lname, "x-amz-security-token"))) {
			free(lname);
			continue;
		}
		hs[nh].name = lname;
		hs[nh].value = req->headers[i].value ? req->headers[i].value : "";
		hs[nh].seq = nh;
		nh++;
	}
	if (!presign && !have_date) {
		hs[nh].name = xstrdup("x-amz-date");
		hs[nh].value = out->amz_date;
		hs[nh].seq = nh;
		nh++;
	}
	if (!presign && token && !omit_token && !have_token) {
		hs[nh].name = xstrdup("x-amz-security-token");
		hs[nh].value = token;
		hs[nh].seq = nh;
		nh++;
	}
	if (!presign && (flags & SIGV4_SIGN_BODY) && !have_sha) {
		hs[nh].name = xstrdup("x-amz-content-sha256");
		hs[nh].value = out->payload_hash;
		hs[nh].seq = nh;
		nh++;
	}
	if (nh > 1)
		qsort(hs, nh, sizeof *hs, chdr_cmp);

	/* Signed headers list. */
	for (size_t i = 0; i < nh; i++) {
		if (i && !strcmp(hs[i].name, hs[i - 1].name))
			continue;
		if (tmp.len)
			bad |= buf_addc(&tmp, ';');
		bad |= buf_adds(&tmp, hs[i].name);
	}
	if (bad)
		goto toobig;
	out->signed_headers = xstrdup(buf_cstr(&tmp));
	buf_reset(&tmp);

	/* Canonical query (with the X-Amz-* parameters when presigning). */
	qlist_parse(&q, req->query);
	if (presign) {
		char expires[24];
		char *cred = xasprintf("%s/%s", cr->access_key_id, out->credential_scope);
		int n = snprintf(expires, sizeof expires, "%u", cfg->expires ? cfg->expires : 3600u);
		if (n < 0 || (size_t)n >= sizeof expires) {
			free(cred);
			goto toobig;
		}
		qlist_push(&q, "X-Amz-Algorithm", 15, SIGV4_ALGORITHM, strlen(SIGV4_ALGORITHM));
		qlist_push(&q, "X-Amz-Credential", 16, cred, strlen(cred));
		qlist_push(&q, "X-Amz-Date", 10, out->amz_date, 16);
		qlist_push(&q, "X-Amz-Expires", 13, expires, strlen(expires));
		qlist_push(&q, "X-Amz-SignedHeaders", 19, out->signed_headers, strlen(out->signed_headers));
		if (token && !omit_token)
			qlist_push(&q, "X-Amz-Security-Token", 20, token, strlen(token));
		free(cred);
	}

	/* Canonical request. */
	bad |= buf_adds(&b, req->method);
	bad |= buf_addc(&b, '\n');
	bad |= canonical_path(&b, req->path, flags);
	bad |= buf_addc(&b, '\n');
	bad |= qlist_join(&b, &q);
	bad |= buf_addc(&b, '\n');
	for (size_t i = 0; i < nh; i++) {
		int first = !i || strcmp(hs[i].name, hs[i - 1].name);
		if (first) {
			if (i)
				bad |= buf_addc(&b, '\n');
			bad |= buf_adds(&b, hs[i].name);
			bad |= buf_addc(&b, ':');
		} else {
			bad |= buf_addc(&b, ',');
		}
		bad |= add_trimall(&b, hs[i].value);
	}
	bad |= buf_adds(&b, "\n\n");
	bad |= buf_adds(&b, out->signed_headers);
	bad |= buf_addc(&b, '\n');
	bad |= buf_adds(&b, out->payload_hash);
	if (bad)
		goto toobig;
	out->canonical_request = buf_detach(&b, NULL);

	/* String to sign. */
	char crhash[65];
	sigv4_sha256_hex(out->canonical_request, strlen(out->canonical_request), crhash);
	out->string_to_sign = xasprintf(SIGV4_ALGORITHM "\n%s\n%s\n%s", out->amz_date, out->credential_scope, crhash);

	/* Signing key (cached) and signature. */
	if (cache && cache_matches(cache, cr->access_key_id, date, cfg->region, cfg->service)) {
		memcpy(key, cache->key, 32);
	} else {
		if (derive_key(cr, date, cfg->region, cfg->service, key) < 0) {
			ret = err_set(e, ERR_INTERNAL, "sigv4: HMAC-SHA256 failed");
			goto done;
		}
		if (cache)
			cache_store(cache, cr->access_key_id, date, cfg->region, cfg->service, key);
	}
	if (hmac256(key, 32, out->string_to_sign, strlen(out->string_to_sign), sig) < 0) {
		ret = err_set(e, ERR_INTERNAL, "sigv4: HMAC-SHA256 failed");
		goto done;
	}
	sigv4_hex(sig, 32, out->signature);

	/* Results. */
	if (presign) {
		bad |= qlist_join(&tmp, &q);
		bad |= buf_adds(&tmp, "&X-Amz-Signature=");
		bad |= buf_adds(&tmp, out->signature);
		if (token && omit_token) {
			bad |= buf_adds(&tmp, "&X-Amz-Security-Token=");
			bad |= sigv4_uri_encode(&tmp, token, strlen(token), 0);
		}
		if (bad)
			goto toobig;
		out->presigned_query = buf_detach(&tmp, NULL);
	} else {
		out->authorization = xasprintf(SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		                               cr->access_key_id, out->credential_scope, out->signed_headers,
		                               out->signature);
		if (!have_date)
			out->add[out->nadd++] = (struct sigv4_header){ "X-Amz-Date", xstrdup(out->amz_date) };
		if (token && !have_token)
			out->add[out->nadd++] = (struct sigv4_header){ "X-Amz-Security-Token", xstrdup(token) };
		if ((flags & SIGV4_SIGN_BODY) && !have_sha)
			out->add[out->nadd++] = (struct sigv4_header){ "X-Amz-Content-SHA256",
			                                               xstrdup(out->payload_hash) };
		out->add[out->nadd++] = (struct sigv4_header){ "Authorization", xstrdup(out->authorization) };
	}
	ret = 0;
	goto done;

toobig:
	ret = err_set(e, ERR_DATA, "sigv4: request too large to sign");
done:
	OPENSSL_cleanse(key, sizeof key);
	OPENSSL_cleanse(sig, sizeof sig);
	if (hs)
		for (size_t i = 0; i < req->nheaders + 3; i++)
			free(hs[i].name);
	free(hs);
	qlist_free(&q);
	buf_release(&b);
	buf_cleanse(&tmp);
	if (ret)
		sigv4_signed_release(out);
	return ret;
}
