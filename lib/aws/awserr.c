/* awserr.c — AWS errors: what an error response says (JSON and Query protocols), and what kind it is. */
#include "aws/awserr.h"

#include <string.h>
#include <cjson/cJSON.h>

#include "base/buf.h"
#include "aws/http.h"
#include "aws/trace.h"
#include "base/xml.h"

int aws_is_throttle(const char *code)
{
	static const char *const codes[] = {
		"ThrottlingException", "Throttling", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
		"SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", NULL,
	};
	for (int i = 0; codes[i]; i++)
		if (!strcmp(code, codes[i]))
			return 1;
	return 0;
}

static int is_auth_error(const char *code)
{
	static const char *const codes[] = {
		"AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidSignatureException",
		"SignatureDoesNotMatch", "IncompleteSignature", "IncompleteSignatureException", "MissingAuthenticationToken",
		"MissingAuthenticationTokenException", "AuthFailure", "UnauthorizedOperation", "InvalidClientTokenId",
		"ExpiredToken", "ExpiredTokenException", "RequestExpired", "NotAuthorizedException", "OptInRequired",
		"InvalidAccessKeyId", "InvalidToken", NULL,
	};
	for (int i = 0; codes[i]; i++)
		if (!strcmp(code, codes[i]))
			return 1;
	return 0;
}

int aws_classify_error(long status, const char *code, struct err *e)
{
	if (aws_is_throttle(code)) {
		e->kind = ERR_TEMPFAIL;
		return 1;
	}
	if (is_auth_error(code) || status == 401 || status == 403) {
		e->kind = ERR_DENIED;
		return 0;
	}
	if (status >= 500 || !strcmp(code, "InternalServerError") || !strcmp(code, "ServiceUnavailable") ||
	    !strcmp(code, "InternalFailure") || !strcmp(code, "InternalError")) {
		e->kind = ERR_TEMPFAIL;
		return 1;
	}
	e->kind = ERR_SERVICE;
	return 0;
}

/* The error code as AWS writes it, sanitised as the JSON protocols say: text before the first ':', then after the
 * last '#' ("com.amazon.coral.validate#ValidationException", "ValidationException:http://internal...", plain). */
static void set_error_type(struct err *e, const char *code)
{
	char tmp[sizeof(e->type)];
	int n = (int)strcspn(code, ":");
	snprintf(tmp, sizeof(tmp), "%.*s", n, code);
	const char *h = strrchr(tmp, '#');
	memmove(e->type, h ? h + 1 : tmp, strlen(h ? h + 1 : tmp) + 1);
}

static const cJSON *string_field(const cJSON *j, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, a);
	if (!cJSON_IsString(v) || !*v->valuestring)
		v = cJSON_GetObjectItemCaseSensitive(j, b);
	return cJSON_IsString(v) && *v->valuestring ? v : NULL;
}

int aws_parse_json_error(const char *body, size_t len, const char *header_type, struct err *e)
{
	cJSON *j = len ? cJSON_ParseWithLength(body, len) : NULL;
	int is_obj = cJSON_IsObject(j);
	const cJSON *t = NULL, *m = NULL;

	e->type[0] = e->msg[0] = '\0';
	if (is_obj) {
		if (!(t = string_field(j, "code", "Code")))
			t = string_field(j, "__type", "__type");
		m = string_field(j, "message", "Message");
	}
	if (header_type && *header_type)   /* x-amzn-ErrorType wins over the body */
		set_error_type(e, header_type);
	else if (t)
		set_error_type(e, t->valuestring);
	if (m)
		snprintf(e->msg, sizeof(e->msg), "%s", m->valuestring);
	else if (e->type[0])
		snprintf(e->msg, sizeof(e->msg), "%s", e->type);
	cJSON_Delete(j);
	return is_obj;
}

/* A body that is not AWS's JSON or XML (a proxy's or load balancer's text): its first line, for the message. */
static void plain_body_note(const struct http_resp *hr, char *dst, size_t cap)
{
	const char *b = buf_cstr(&hr->body);
	b += strspn(b, " \t\r\n");
	size_t n = strcspn(b, "\r\n");
	dst[0] = '\0';
	if (!n || *b == '<' || *b == '{' || *b == '[')
		return;
	if (n > 200)
		n = 200;
	snprintf(dst, cap, ": %.*s", (int)n, b);
}

void awserr_from_http(const struct aws_service *svc, const struct http_resp *hr, struct err *e)
{
	e->type[0] = e->msg[0] = '\0';
	if (svc->protocol == AWS_QUERY)
		awsquery_parse_error(buf_cstr(&hr->body), hr->body.len, e);
	else
		aws_parse_json_error(buf_cstr(&hr->body), hr->body.len, hr->error_type, e);
	if (!e->msg[0]) {
		char note[256];
		plain_body_note(hr, note, sizeof(note));
		snprintf(e->msg, sizeof(e->msg), "HTTP %ld from %s%s", hr->status, svc->name, note);
	}
	/* AWS's signature errors echo the canonical request, X-Amz-Security-Token included: never print it */
	struct buf red = BUF_INIT;
	trace_redact(&red, e->msg, strlen(e->msg));
	snprintf(e->msg, sizeof(e->msg), "%s", buf_cstr(&red));
	buf_cleanse(&red);
	for (char *c = e->msg; *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	if (!e->request_id[0])
		snprintf(e->request_id, sizeof(e->request_id), "%s", hr->request_id);
	e->http_status = (int)hr->status;
}

int awsquery_parse_error(const char *xml, size_t len, struct err *e)
{
	struct err pe = ERR_INIT;
	struct xml_node *doc = len ? xml_parse(xml, len, &pe) : NULL;
	if (!doc)
		return -1;
	const struct xml_node *er = xml_path(doc, "Errors/Error");   /* EC2: <Response><Errors><Error> */
	if (!er)
		er = xml_child(doc, "Error");                           /* STS: <ErrorResponse><Error> */
	const char *code = er ? xml_text(er, "Code") : NULL;
	if (code && !*code)
		code = NULL;   /* <Code/>: no code, not an empty one */
	const char *msg = er ? xml_text(er, "Message") : NULL;
	const char *rid = xml_text(doc, "RequestID");
	if (!rid)
		rid = xml_text(doc, "RequestId");
	if (code)
		snprintf(e->type, sizeof(e->type), "%s", code);
	if (msg && *msg)
		snprintf(e->msg, sizeof(e->msg), "%s", msg);
	else if (code)
		snprintf(e->msg, sizeof(e->msg), "%s", code);
	if (rid)
		snprintf(e->request_id, sizeof(e->request_id), "%s", rid);
	xml_free(doc);
	return code ? 0 : -1;
}

int aws_is_not_found(const struct err *e)
{
	return e->kind == ERR_SERVICE && !strcmp(e->type, "ResourceNotFoundException");
}

int aws_table_not_found(struct err *e, const char *shown, int kind)
{
	if (!aws_is_not_found(e))
		return 0;
	if (kind < 0) {
		snprintf(e->msg, sizeof(e->msg), "table '%s' does not exist", shown);
	} else {
		err_clear(e);
		err_set(e, (enum err_kind)kind, "table '%s' does not exist", shown);
	}
	return 1;
}

int awserr_is_expired(const char *code)
{
	return !strcmp(code, "ExpiredToken") || !strcmp(code, "ExpiredTokenException") || !strcmp(code, "RequestExpired");
}
