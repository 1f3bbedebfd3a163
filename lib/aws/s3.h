/* s3.h — a small S3 client on the shared signer (sigv4.c) and transport (http.c): no SDK.
 *
 * Where requests go: AWS_ENDPOINT_URL_S3 > AWS_ENDPOINT_URL > the profile's [services] s3 endpoint_url > the
 * profile's endpoint_url (aws_endpoint, service aws_s3; --endpoint-url names DynamoDB's endpoint and is not used
 * for S3) > in prod https://s3.REGION.amazonaws.com.  A configured endpoint is addressed path-style
 * (ENDPOINT/BUCKET/KEY); AWS virtual-hosted-style (https://BUCKET.s3.REGION.amazonaws.com/KEY) when the bucket is
 * DNS-compatible without dots, else path-style.  In local mode with no endpoint configured: ERR_CONFIG (78).
 *
 * Signing follows S3's rules: the key is encoded once (RFC 3986, '/' kept) and the canonical request uses the path
 * as sent (no normalisation, no second encoding); every request carries x-amz-content-sha256: the SHA-256 of the
 * body when it is in memory, UNSIGNED-PAYLOAD when it is streamed from a file.
 *
 * Errors: S3's XML <Error> (expat, xml.h) into struct err: e->type is the S3 code.  NoSuchBucket, NoSuchKey,
 * NoSuchUpload and a HEAD's 404 -> ERR_NOINPUT (66); SignatureDoesNotMatch, InvalidAccessKeyId, AccessDenied and
 * any 401/403 -> ERR_DENIED (77); SlowDown, 5xx and transport failures are retried (capped backoff, full jitter,
 * ctx's attempt limit), then ERR_TEMPFAIL (75); a refused connection -> ERR_UNAVAILABLE (69); other 4xx ->
 * ERR_SERVICE (1).  Messages name the s3:// URL.  Nothing here prints.
 *
 * Memory is bounded whatever the object's size: downloads are streamed to a callback, uploads hold at most one
 * part (s3_client.part_size) in memory, or none when streamed from a regular file.
 */
#ifndef DDB_S3_H
#define DDB_S3_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "aws/aws.h"
#include "base/buf.h"
#include "base/err.h"

struct ctx;
struct http;

/* The service row is aws_s3 (aws.h): signing name "s3", AWS_ENDPOINT_URL_S3, [services] s3. */

/* s3://BUCKET[/PREFIX]: bucket 3-63 characters of [a-z0-9.-] (S3's bucket rules; uppercase and '_' refused),
 * prefix as given (may be empty; a key prefix, not a directory: no '/' added).  ERR_USAGE naming the URL. */
struct s3_url {
	char *bucket;
	char *prefix;                  /* never NULL */
};
int s3_url_parse(const char *url, struct s3_url *out, struct err *e);
void s3_url_release(struct s3_url *u);
/* 1 when the bucket name can be a DNS label (virtual-hosted style on AWS): no dots, no uppercase. */
int s3_bucket_dns_compatible(const char *bucket);

/* One client.  Initialise with s3_client_init; s3_client_release frees what it holds (its own transport). */
#define S3_DEFAULT_PART_SIZE ((size_t)8 << 20)
#define S3_MIN_PART_SIZE ((size_t)5 << 20)      /* AWS's minimum for every part but the last */
#define S3_MAX_PARTS 10000
struct s3_client {
	struct ctx *ctx;
	struct http *http;             /* own transport (threads may each have a client) */
	char *endpoint;                /* resolved once: the configured endpoint, or NULL for AWS */
	char *region;                  /* the signing region (ctx's, else us-east-1) */
	size_t part_size;              /* multipart part size; DDB_S3_PART_SIZE (bytes, tests) overrides the default;
	                                * below S3_MIN_PART_SIZE only with a configured endpoint */
};
/* Resolve the endpoint and region (ERR_CONFIG for a bad or missing endpoint, a bad DDB_S3_PART_SIZE). */
int s3_client_init(struct s3_client *c, struct ctx *ctx, struct err *e);
void s3_client_release(struct s3_client *c);

/* The URL a request for BUCKET/KEY goes to (key encoded once, '/' kept), and the path the signer sees.  For the
 * unit tests and --debug; key may be "" (the bucket itself). */
int s3_request_url(const struct s3_client *c, const char *bucket, const char *key, struct buf *url,
                   struct buf *host, struct buf *path, struct err *e);
/* S3's URI encoding of an object key into a path: RFC 3986 unreserved kept, '/' kept, everything else %XX. */
void s3_encode_key(struct buf *out, const char *key);

/* What a HEAD, GET or PUT learnt about an object. */
struct s3_object_info {
	uint64_t size;
	char etag[80];                 /* as sent, quotes included */
	char content_type[96];
	time_t last_modified;          /* 0 when unknown */
};

/* PutObject from memory (hashed payload).  content_type NULL: application/octet-stream. */
int s3_put(struct s3_client *c, const char *bucket, const char *key, const void *data, size_t len,
           const char *content_type, struct s3_object_info *info, struct err *e);
/* Upload a whole stream: a regular file up to part_size in one PutObject streamed from the file (UNSIGNED-PAYLOAD),
 * larger ones as a multipart upload whose parts are streamed from the file; a pipe is read one part at a time into
 * memory (hashed).  A failed multipart upload is aborted (AbortMultipartUpload) before returning -1.  `name` names
 * the input in messages. */
int s3_put_stream(struct s3_client *c, const char *bucket, const char *key, FILE *in, const char *name,
                  const char *content_type, struct s3_object_info *info, struct err *e);

/* GetObject streamed to fn (called with each chunk as it arrives; returns 0, or -1 with e filled to stop).  A
 * transfer cut after some bytes is resumed with a Range request (If-Match the ETag), so fn sees each byte once. */
typedef int (*s3_sink_fn)(void *arg, const void *data, size_t n, struct err *e);
int s3_get(struct s3_client *c, const char *bucket, const char *key, s3_sink_fn fn, void *arg,
           struct s3_object_info *info, struct err *e);
/* GetObject into a FILE (fwrite; ERR_IO when it fails). */
int s3_get_file(struct s3_client *c, const char *bucket, const char *key, FILE *out, struct s3_object_info *info,
                struct err *e);
/* GetObject into memory, refused (ERR_DATA) above max bytes: manifests, schema.json. */
int s3_get_buf(struct s3_client *c, const char *bucket, const char *key, struct buf *out, size_t max,
               struct err *e);
/* HeadObject: 0 found, 1 not found (no error), -1 error. */
int s3_head(struct s3_client *c, const char *bucket, const char *key, struct s3_object_info *info, struct err *e);
/* DeleteObject (S3 answers 204 whether or not the key existed). */
int s3_delete(struct s3_client *c, const char *bucket, const char *key, struct err *e);

/* ListObjectsV2 under prefix, page by page (max_keys per page, 0: S3's 1000), each object handed to fn (return 0
 * to go on, 1 to stop, -1 on error).  Follows NextContinuationToken; a token that comes back twice is ERR_DATA. */
struct s3_list_entry {
	const char *key;
	uint64_t size;
	const char *etag;
	const char *last_modified;     /* as S3 writes it: 2024-01-01T00:00:00.000Z */
};
typedef int (*s3_list_fn)(void *arg, const struct s3_list_entry *o, struct err *e);
int s3_list(struct s3_client *c, const char *bucket, const char *prefix, int max_keys, s3_list_fn fn, void *arg,
            struct err *e);

/* The multipart steps, for callers that produce parts themselves (s3_put_stream uses them).  Parts are numbered
 * from 1; their ETags are kept in the struct for Complete. */
struct s3_multipart {
	char *bucket, *key, *upload_id;
	char **etags;
	int nparts, cap;
};
int s3_mpu_create(struct s3_client *c, const char *bucket, const char *key, const char *content_type,
                  struct s3_multipart *m, struct err *e);
int s3_mpu_part(struct s3_client *c, struct s3_multipart *m, const void *data, size_t len, struct err *e);
int s3_mpu_complete(struct s3_client *c, struct s3_multipart *m, struct s3_object_info *info, struct err *e);
/* Abort (best effort: errors are ignored, e is not touched) and release. */
void s3_mpu_abort(struct s3_client *c, struct s3_multipart *m);
void s3_mpu_release(struct s3_multipart *m);

/* Parse S3's XML error document into e->type/e->msg/e->request_id (kind untouched).  1 when it was one. */
int s3_parse_error(const char *xml, size_t len, struct err *e);

#endif
