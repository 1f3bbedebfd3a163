/* awsquery.h — the AWS Query protocol (EC2 and STS): form-encoded parameters in, XML out.
 * The call goes through aws_send (protocol AWS_QUERY); the signed call under it (awscall.c) adds Action and
 * Version. */
#ifndef DDB_AWSQUERY_H
#define DDB_AWSQUERY_H

#include "aws/aws.h"
#include "base/buf.h"
#include "base/xml.h"

/* Append "&key=value" (or "key=value" when the form is empty), both RFC 3986-encoded (aws_form_add). */
void awsquery_add(struct buf *form, const char *key, const char *value);
void awsquery_addf(struct buf *form, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Call a Query action; on success *doc is the parsed XML response (caller xml_free). */
int awsquery_call(struct ctx *ctx, const struct aws_service *svc, const char *action, const struct buf *form,
                  struct xml_node **doc, struct err *e);

#endif
