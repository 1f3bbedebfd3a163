/* table.c — DescribeTable wrapper and waiters (see table.h). */
#include "dynamo/table.h"

#include <string.h>
#include <time.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "aws/clock.h"
#include "base/json.h"

void table_desc_release(struct table_desc *d)
{
	cJSON_Delete(d->resp);
	*d = (struct table_desc)TABLE_DESC_INIT;
}

void table_keys(const cJSON *table, struct table_key *hash, struct table_key *range)
{
	const cJSON *k, *defs = json_get(table, "AttributeDefinitions");
	hash->name = hash->type = range->name = range->type = NULL;
	cJSON_ArrayForEach(k, json_get(table, "KeySchema")) {
		const char *n = json_get_string(k, "AttributeName"), *t = json_get_string(k, "KeyType");
		struct table_key *dst;
		const cJSON *d;
		if (!n || !t)
			continue;
		if (!strcmp(t, "HASH"))
			dst = hash;
		else if (!strcmp(t, "RANGE"))
			dst = range;
		else
			continue;
		dst->name = n;
		cJSON_ArrayForEach(d, defs) {
			const char *dn = json_get_string(d, "AttributeName");
			if (dn && !strcmp(dn, n))
				dst->type = json_get_string(d, "AttributeType");
		}
	}
}

int table_describe(struct ctx *ctx, const char *wire, struct table_desc *d, struct err *e)
{
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	int rc;

	table_desc_release(d);
	cJSON_AddStringToObject(in, "TableName", wire);
	rc = aws_json(ctx, &aws_dynamodb, "DescribeTable", in, &out, e);
	cJSON_Delete(in);
	if (rc < 0) {
		if (aws_is_not_found(e)) {
			err_clear(e);
			return 1;
		}
		return -1;
	}
	const cJSON *t = json_get(out, "Table");
	if (!cJSON_IsObject(t)) {
		cJSON_Delete(out);
		return err_set(e, ERR_DATA, "DescribeTable %s: the response has no Table object", wire);
	}
	d->resp = out;
	d->table = t;
	d->status = json_get_string(t, "TableStatus");
	if (!d->status)
		d->status = "";
	d->arn = json_get_string(t, "TableArn");
	table_keys(t, &d->hash, &d->range);
	return 0;
}

int table_ready(const cJSON *table)
{
	const char *st = json_get_string(table, "TableStatus");
	const cJSON *ix;
	if (!st || strcmp(st, "ACTIVE"))
		return 0;
	cJSON_ArrayForEach(ix, json_get(table, "GlobalSecondaryIndexes")) {
		const char *is = json_get_string(ix, "IndexStatus");
		if ((is && strcmp(is, "ACTIVE")) || cJSON_IsTrue(json_get(ix, "Backfilling")))
			return 0;
	}
	return 1;
}

void table_pending(const cJSON *table, char *out, size_t size)
{
	struct buf b = BUF_INIT;
	const char *st = json_get_string(table, "TableStatus");
	const cJSON *ix;
	if (!table) {
		snprintf(out, size, "not found");
		return;
	}
	if (!st || strcmp(st, "ACTIVE"))
		buf_addf(&b, "table %s", st ? st : "(no status)");
	cJSON_ArrayForEach(ix, json_get(table, "GlobalSecondaryIndexes")) {
		const char *is = json_get_string(ix, "IndexStatus"), *n = json_get_string(ix, "IndexName");
		int bf = cJSON_IsTrue(json_get(ix, "Backfilling"));
		if ((is && strcmp(is, "ACTIVE")) || bf)
			buf_addf(&b, "%sGSI %s %s%s", b.len ? ", " : "", n ? n : "?", is ? is : "?", bf ? " (backfilling)" : "");
	}
	snprintf(out, size, "%s", b.len ? buf_cstr(&b) : "ready");
	buf_release(&b);
}

int table_has_index(const cJSON *table, const char *index)
{
	static const char *const kinds[] = { "GlobalSecondaryIndexes", "LocalSecondaryIndexes" };
	for (size_t k = 0; k < 2; k++) {
		const cJSON *ix;
		cJSON_ArrayForEach(ix, json_get(table, kinds[k])) {
			const char *n = json_get_string(ix, "IndexName");
			if (n && !strcmp(n, index))
				return 1;
		}
	}
	return 0;
}

int table_unsupported(const struct err *e)
{
	return e->kind == ERR_SERVICE &&
	       (!strcmp(e->type, "UnknownOperationException") || strstr(e->msg, "not currently supported") ||
	        strstr(e->msg, "not supported"));
}

/* One waiter for both directions.  want_gone: poll until not found; else until table_ready. */
static int wait_for(struct ctx *ctx, const char *wire, const char *shown, double timeout, int want_gone,
                    struct table_desc *out, struct err *e)
{
	double start = clock_now();
	struct backoff poll;
	struct table_desc d = TABLE_DESC_INIT;
	char pending[512];
	int noted = 0;

	if (timeout < 0)
		timeout = TABLE_WAIT_DEFAULT;
	backoff_init(&poll, ctx->prod ? 1000 : 50, ctx->prod ? 5000 : 2000);
	for (;;) {
		int rc = table_describe(ctx, wire, &d, e);
		if (rc < 0)
			goto fail;
		if (want_gone ? rc == 1 : (rc == 0 && table_ready(d.table))) {
			if (out)
				*out = d;
			else
				table_desc_release(&d);
			return 0;
		}
		if (rc == 1)
			snprintf(pending, sizeof pending, "not found yet");
		else if (want_gone)
			snprintf(pending, sizeof pending, "table %s", d.status[0] ? d.status : "still there");
		else
			table_pending(d.table, pending, sizeof pending);
		double now = clock_now();
		if (now - start >= timeout) {
			err_set(e, ERR_TEMPFAIL, "'%s': timed out after %g s waiting for it to %s (%s)", shown, timeout,
			        want_gone ? "be gone" : "be ACTIVE with every index", pending);
			goto fail;
		}
		if (!noted && now - start >= 2.0 && ctx->err_tty) {
			ctx_note(ctx, "waiting for '%s' (%s)...", shown, pending);
			noted = 1;
		}
		double step = backoff_step_ms(&poll) / 1000.0;
		if (now + step > start + timeout)
			step = start + timeout - now;
		if (clock_sleep_ms(ctx, (long)(step * 1000)) < 0) {
			err_set(e, ERR_INTERRUPTED, "interrupted");
			err_prefix(e, "'%s': while waiting (%s)", shown, pending);
			goto fail;
		}
	}
fail:
	table_desc_release(&d);
	return -1;
}

int table_wait_active(struct ctx *ctx, const char *wire, const char *shown, double timeout, struct table_desc *out,
                      struct err *e)
{
	return wait_for(ctx, wire, shown, timeout, 0, out, e);
}

int table_wait_gone(struct ctx *ctx, const char *wire, const char *shown, double timeout, struct err *e)
{
	return wait_for(ctx, wire, shown, timeout, 1, NULL, e);
}
