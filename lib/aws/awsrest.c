/* awsrest.c — the REST-JSON protocol: paths from templates, query strings, and the call over aws_send. */
#include "aws/awsrest.h"

#include <string.h>

#include "aws/sigv4.h"

static const char *label_value(const char *const *labels, const char *name, size_t n)
{
	for (size_t i = 0; labels && labels[i]; i += 2)
		if (strlen(labels[i]) == n && !strncmp(labels[i], name, n))
			return labels[i + 1];
	return NULL;
}

int awsrest_path(struct buf *out, const char *tmpl, const char *const *labels, struct err *e)
{
	buf_reset(out);
	for (const char *p = tmpl; *p;) {
		if (*p != '{') {
			size_t n = strcspn(p, "{");
			buf_add(out, p, n);
			p += n;
			continue;
		}
		const char *close = strchr(p, '}');
		if (!close)
			return err_set(e, ERR_INTERNAL, "REST path template '%s': an unclosed '{'", tmpl);
		size_t n = (size_t)(close - p - 1);
		int greedy = n && p[n] == '+';
		const char *v = label_value(labels, p + 1, greedy ? n - 1 : n);
		if (!v || !*v)
			return err_set(e, ERR_INTERNAL, "REST path template '%s': no value for {%.*s}", tmpl, (int)n, p + 1);
		sigv4_uri_encode(out, v, strlen(v), greedy);
		p = close + 1;
	}
	return 0;
}

void awsrest_query_add(struct buf *query, const char *name, const char *value)
{
	aws_form_add(query, name, value);
}

int awsrest_call(struct ctx *ctx, const struct awsrest_call *c, cJSON **out, struct err *e)
{
	char *body = c->body ? cJSON_PrintUnformatted(c->body) : NULL;
	struct aws_response resp;
	struct aws_request r = { .svc = c->svc, .op = c->op, .body = body ? body : "", .body_len = body ? strlen(body) : 0,
	                         .method = c->method, .path = c->path, .query = c->query };
	size_t cost = 0;
	int rc;

	*out = NULL;
	aws_response_init(&resp);
	rc = aws_send(ctx, &r, &resp, e);
	if (rc == 0 && resp.body.len)
		rc = aws_json_cost_check(c->svc, c->op, resp.body.ptr, resp.body.len, &cost, e);
	if (rc == 0) {
		*out = resp.body.len ? cJSON_ParseWithLength(resp.body.ptr, resp.body.len) : cJSON_CreateObject();
		if (!cJSON_IsObject(*out)) {
			cJSON_Delete(*out);
			*out = NULL;
			rc = err_set(e, ERR_DATA, "%s %s: the response is not a JSON object", c->svc->name, c->op);
		}
	}
	aws_response_release(&resp);
	cJSON_free(body);
	return rc;
}
