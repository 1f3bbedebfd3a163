/* awsquery.c — Query protocol requests and XML errors (EC2: Response/Errors/Error; STS: ErrorResponse/Error). */
#include "aws/awsquery.h"

#include <stdarg.h>
#include <string.h>

#include "aws/sigv4.h"

void awsquery_add(struct buf *form, const char *key, const char *value)
{
	if (form->len)
		buf_addc(form, '&');
	sigv4_uri_encode(form, key, strlen(key), 0);
	buf_addc(form, '=');
	sigv4_uri_encode(form, value, strlen(value), 0);
}

void awsquery_addf(struct buf *form, const char *key, const char *fmt, ...)
{
	struct buf v = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&v, fmt, ap);
	va_end(ap);
	awsquery_add(form, key, buf_cstr(&v));
	buf_release(&v);
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

int awsquery_call(struct ctx *ctx, const struct aws_service *svc, const char *action, const struct buf *form,
                  struct xml_node **doc, struct err *e)
{
	struct aws_response resp;
	struct aws_request r = { svc, action, form ? buf_cstr(form) : "", form ? form->len : 0, NULL, NULL, 0, NULL, 0, 0 };
	int rc;
	aws_response_init(&resp);
	*doc = NULL;
	rc = aws_send(ctx, &r, &resp, e);
	if (rc == 0) {
		*doc = xml_parse(buf_cstr(&resp.body), resp.body.len, e);
		if (!*doc) {
			err_prefix(e, "%s %s response", svc->name, action);
			rc = -1;
		}
	}
	aws_response_release(&resp);
	return rc;
}
