/* awsquery.c — Query protocol requests over aws_send (their XML errors are parsed in awserr.c). */
#include "aws/awsquery.h"

#include <stdarg.h>
#include <string.h>


void awsquery_add(struct buf *form, const char *key, const char *value)
{
	aws_form_add(form, key, value);
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

int awsquery_call(struct ctx *ctx, const struct aws_service *svc, const char *action, const struct buf *form,
                  struct xml_node **doc, struct err *e)
{
	struct aws_response resp;
	struct aws_request r = { .svc = svc, .op = action, .body = form ? buf_cstr(form) : "",
	                         .body_len = form ? form->len : 0 };
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
