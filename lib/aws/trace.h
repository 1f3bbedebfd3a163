/* trace.h — --debug output: each request and response on stderr, with every secret redacted.
 * The one place that decides what is secret: Authorization signatures, X-Amz-Security-Token, and secret-bearing
 * fields in JSON, XML and form bodies (SecretAccessKey, SessionToken, Token, Password, ...); access key ids are
 * masked to their last four characters. */
#ifndef DDB_TRACE_H
#define DDB_TRACE_H

#include <stddef.h>
#include "base/buf.h"
#include "aws/http.h"

struct ctx;

void trace_request(struct ctx *ctx, const struct http_req *r, int attempt);
void trace_response(struct ctx *ctx, const struct http_resp *r, double seconds);
void trace_note(struct ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append text to out with secret values replaced by "<redacted>" and access key ids (AccessKeyId,
 * Credential=..., aws_access_key_id) masked by trace_mask_akid. */
void trace_redact(struct buf *out, const char *text, size_t len);
/* A header value as it may be shown ("Authorization" keeps only the scope and signed headers). */
void trace_redact_header(struct buf *out, const char *name, const char *value);
/* An access key id as it may be shown: '*' for all but the last four characters (at most 16 of them), the last
 * four kept ("****************MPLE"); "****" for four characters or fewer.  whoami shows it the same way. */
void trace_mask_akid(struct buf *out, const char *akid, size_t len);

#endif
