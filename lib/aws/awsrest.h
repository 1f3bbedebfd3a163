/* awsrest.h — the REST-JSON protocol (Lambda): an HTTP method, a path built from a template with URI-encoded
 * labels, a query string, and a JSON body; the answer is JSON.
 *
 * The call goes through aws_send (protocol AWS_REST_JSON) like every other protocol: the same endpoint resolution,
 * signer, retries, error parsing (the x-amzn-ErrorType header, else the body's code/Type/__type, and its message)
 * and --debug trace.  The signer encodes the (already encoded) path once more, as every non-S3 service expects.
 */
#ifndef DDB_AWSREST_H
#define DDB_AWSREST_H

#include <cjson/cJSON.h>
#include "aws/aws.h"
#include "base/buf.h"

/* Expand a request URI template ("/2015-03-31/event-source-mappings/{UUID}") into *out: each {Name} is replaced by
 * the value given for Name in labels (name, value pairs, NULL-terminated), RFC 3986-encoded ('/' too); a greedy
 * {Name+} keeps its '/'.  A label without a value, an empty value, or an unclosed '{' is ERR_INTERNAL (a caller's
 * bug): -1 with e filled. */
int awsrest_path(struct buf *out, const char *tmpl, const char *const *labels, struct err *e);
/* Append "name=value" to a query string (a '&' first when it is not empty), both RFC 3986-encoded. */
void awsrest_query_add(struct buf *query, const char *name, const char *value);

/* One REST-JSON call: METHOD path?query with `body` (NULL: no body, no Content-Type) as application/json.  On
 * success *out is the parsed answer ({} when the answer is empty; caller cJSON_Delete).  The answer's parsed cost
 * is checked as for the other JSON protocols (aws_json_cost_check). */
struct awsrest_call {
	const struct aws_service *svc;
	const char *op;          /* the operation, for messages and --debug: "CreateEventSourceMapping" */
	const char *method;      /* "GET", "POST", "PUT", "DELETE" */
	const char *path;        /* already encoded (awsrest_path) */
	const char *query;       /* already encoded (awsrest_query_add), NULL or "" for none */
	const cJSON *body;
};
int awsrest_call(struct ctx *ctx, const struct awsrest_call *c, cJSON **out, struct err *e);

#endif
