/* sigv4.h — AWS Signature Version 4 (HMAC-SHA256).  Signing knows no transport.
 *
 * The caller describes a request (method, path, query, headers, body) and gets back the headers to add.
 * The time is an input: the signer never reads the clock.  Secrets (the secret key, derived signing keys,
 * HMAC scratch) are cleansed when released.  Nothing here prints.
 */
#ifndef DDB_SIGV4_H
#define DDB_SIGV4_H

#include <stddef.h>
#include <time.h>
#include "base/err.h"

struct sigv4_header { const char *name; const char *value; };

struct sigv4_request {
	const char *method;
	/* The path as given.  Unless SIGV4_S3 is set the signer removes dot segments and empty segments
	 * (unless SIGV4_NO_NORMALIZE) and then URI-encodes it once more (so a wire-encoded path is
	 * double-encoded, as every non-S3 service expects).  With SIGV4_S3 the path is used as given. */
	const char *path;
	const char *query;      /* without '?'; NULL or "" for none.  Pairs are percent-decoded, then encoded once
	                         * ('+' is a literal plus, not a space; "k" without '=' signs as "k="). */
	/* Must include Host; repeated names allowed, joined with ',' in this order.  Every header given is signed
	 * (Content-Length and Content-Type too) except: Authorization, User-Agent, Expect, X-Amzn-Trace-Id and the
	 * hop-by-hop Connection, Keep-Alive, Proxy-Authorization, TE, Trailer, Transfer-Encoding, Upgrade.  So the
	 * caller decides what is signed by what it passes.  A given X-Amz-Content-SHA256 (e.g. UNSIGNED-PAYLOAD)
	 * is used verbatim as the payload hash.  A Date header has no special meaning (X-Amz-Date is always used). */
	const struct sigv4_header *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
};

struct sigv4_credentials {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;      /* NULL when not temporary */
};

enum sigv4_flags {
	SIGV4_NO_NORMALIZE = 1 << 0,    /* keep '.', '..' and '//' in the path (still encoded) */
	SIGV4_S3           = 1 << 1,    /* S3 rules: path neither normalised nor re-encoded */
	SIGV4_SIGN_BODY    = 1 << 2,    /* add and sign X-Amz-Content-SHA256 */
	SIGV4_OMIT_TOKEN   = 1 << 3,    /* X-Amz-Security-Token added after signing, not signed */
	SIGV4_PRESIGN      = 1 << 4,    /* query-string auth (presigned URL), expires in `expires` seconds */
};

struct sigv4_config {
	const char *region;
	const char *service;            /* signing name: "dynamodb", "ec2", "cognito-idp", "sts", ... */
	time_t when;                    /* request time (UTC seconds) */
	unsigned flags;
	unsigned expires;               /* SIGV4_PRESIGN only; 0 = 3600 */
};

/* A derived signing key, cached per (access key, date, region, service).  sigv4_key_cache_release cleanses. */
struct sigv4_key_cache {
	int valid;
	char akid[128], date[9], region[64], service[64];
	unsigned char key[32];
};

/* The result.  All strings are owned by the struct; sigv4_signed_release frees and cleanses them. */
struct sigv4_signed {
	char amz_date[17];              /* "20150830T123600Z" */
	char payload_hash[65];          /* lowercase hex SHA-256 of the body */
	char signature[65];             /* lowercase hex */
	char *canonical_request;
	char *string_to_sign;
	char *signed_headers;           /* "host;x-amz-date" */
	char *credential_scope;         /* "20150830/us-east-1/service/aws4_request" */
	char *authorization;            /* the Authorization header value (NULL when presigning) */
	char *presigned_query;          /* SIGV4_PRESIGN: the full query string to send (without '?') */
	/* Headers the caller must add to the request, in this order (names are string literals, values are
	 * owned here):
	 * X-Amz-Date, X-Amz-Security-Token (if any), X-Amz-Content-SHA256 (SIGV4_SIGN_BODY), Authorization. */
	struct sigv4_header add[4];
	size_t nadd;
};

/* Sign req.  If req->headers already contain X-Amz-Date it must agree with cfg->when and is not added again;
 * likewise an X-Amz-Security-Token already present is not added twice.  cache may be NULL.
 * Returns 0, or -1 with e filled (ERR_INTERNAL / ERR_DATA for a malformed request). */
int sigv4_sign(const struct sigv4_request *req, const struct sigv4_credentials *cr,
               const struct sigv4_config *cfg, struct sigv4_key_cache *cache,
               struct sigv4_signed *out, struct err *e);
void sigv4_signed_release(struct sigv4_signed *s);
void sigv4_key_cache_release(struct sigv4_key_cache *c);

/* Helpers shared with the rest of the library (and the test stand-ins' C side, if any). */
void sigv4_hex(const unsigned char *in, size_t n, char *out /* 2n+1 */);
void sigv4_sha256_hex(const void *data, size_t n, char out[65]);
/* RFC 3986 encoding: only A-Z a-z 0-9 - _ . ~ kept; uppercase hex; keep_slash keeps '/'.  Appends to *out. */
struct buf;
int sigv4_uri_encode(struct buf *out, const char *s, size_t n, int keep_slash);
/* Format a time as "YYYYMMDDTHHMMSSZ" (UTC). */
void sigv4_amz_date(time_t when, char out[17]);

#endif
