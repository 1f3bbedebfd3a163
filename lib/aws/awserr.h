/* awserr.h — AWS errors: parsing an error answer (JSON protocols, the Query protocol's XML) into struct err, and
 * classifying it (throttling, auth, retryable, not-found).  No I/O: the call path (awscall.c) and the callers that
 * look at e->type use it. */
#ifndef DDB_AWSERR_H
#define DDB_AWSERR_H

#include <stddef.h>
#include "aws/endpoint.h"
#include "base/err.h"

struct http_resp;

/* Fills e->kind from status and code.  Returns 1 when the error is retryable (throttling, 5xx, checksum). */
int aws_classify_error(long status, const char *code, struct err *e);
int aws_is_throttle(const char *code);
/* 1 for the codes that say the credentials expired (ExpiredToken, ExpiredTokenException, RequestExpired). */
int awserr_is_expired(const char *code);
/* JSON protocols: the error code (x-amzn-ErrorType header if any, else the body's code/Code, else __type; sanitised:
 * before the first ':', after the last '#') into e->type and message/Message into e->msg (the code when there is no
 * message).  Returns 1 when the body was a JSON object, else 0. */
int aws_parse_json_error(const char *body, size_t len, const char *header_type, struct err *e);
/* Query protocol (EC2, STS): the XML error document -> e->type / e->msg / e->request_id: 0, or -1 (no code). */
int awsquery_parse_error(const char *xml, size_t len, struct err *e);
/* A non-2xx answer of svc into e (type, message with secrets redacted and on one line, request id, status); kind
 * is left to aws_classify_error. */
void awserr_from_http(const struct aws_service *svc, const struct http_resp *hr, struct err *e);

/* 1 when e is the service's "no such resource" (ResourceNotFoundException: a table, a stream, a shard). */
int aws_is_not_found(const struct err *e);
/* The one not-found message: when e is not-found, reword it "table 'SHOWN' does not exist" and return 1 (kind -1
 * keeps e's kind and so the exit code, 1; another kind replaces the whole error, e.g. ERR_NOINPUT: 66); else 0. */
int aws_table_not_found(struct err *e, const char *shown, int kind);

#endif
