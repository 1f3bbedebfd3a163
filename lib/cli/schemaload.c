/* schemaload.c — what `ddb schema-load` does to one table, shared with import, copy and truncate --recreate: describe
 * it; missing -> CreateTable, wait until it and every GSI are ACTIVE, then converge (TTL, point-in-time recovery,
 * tags, and whatever the engine ignored in CreateTable); present -> compare (schema_plan + tags) and apply the changes
 * one request at a time, waiting for ACTIVE in between; key-schema or LSI differences only with --recreate.
 */
#include "cli/schemaload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/term.h"
#include "cli/render.h"
#include "dynamo/table.h"

static void lines_push(struct lines *l, char *s)   /* takes s */
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = s;
}

void schemaload_lines_release(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}


/* One result line per table (text: "name: result" then indented changes; json: an object). */
static int report(struct schemaload *st, const struct schema *s, const char *result, struct err *e)
{
	if (st->r) {
		cJSON *o = cJSON_CreateObject(), *ch = cJSON_AddArrayToObject(o, "changes");
		cJSON_AddStringToObject(o, "table", s->table);
		cJSON_AddStringToObject(o, "result", result);
		for (size_t i = 0; i < st->lines.n; i++)
			cJSON_AddItemToArray(ch, cJSON_CreateString(st->lines.v[i]));
		int rc = render_row(st->r, o, e);
		cJSON_Delete(o);
		schemaload_lines_release(&st->lines);
		return rc;
	}
	/* the plan's lines quote schema files and the live table: sanitised on a terminal (term.h) */
	int tty = st->ctx->out_tty;
	char *t = tty ? term_clean(s->table) : NULL;
	fprintf(st->ctx->out, "%s: %s\n", t ? t : s->table, result);
	free(t);
	for (size_t i = 0; i < st->lines.n; i++) {
		char *l = tty ? term_clean(st->lines.v[i]) : NULL;
		fprintf(st->ctx->out, "  %s\n", l ? l : st->lines.v[i]);
		free(l);
	}
	fflush(st->ctx->out);
	schemaload_lines_release(&st->lines);
	return 0;
}

/* Progress as it happens ("creating", each change as it is sent): stderr, and only when stderr is a terminal that
 * is not also showing stdout, where the report names every change once the table is done (so a change is never
 * printed twice on a screen; long waits are noted by table_wait_active). */
static int progress(const struct ctx *ctx)
{
	return ctx->err_tty && !ctx->out_tty;
}

/* ---- tags ------------------------------------------------------------------------------- */

/* Merge --tag KEY=VALUE into s->create's Tags (a later value for the same key wins). */
int schemaload_merge_tags(struct schemaload *st, struct schema *s, struct err *e)
{
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(s->create, "Tags");
	for (size_t i = 0; i < st->a->tags.n; i++) {
		const char *kv = st->a->tags.v[i], *eq = strchr(kv, '=');
		if (!eq || eq == kv)
			return err_set(e, ERR_USAGE, "--tag '%s': expected KEY=VALUE", kv);
		if ((size_t)(eq - kv) > 128 || strlen(eq + 1) > 256)
			return err_set(e, ERR_USAGE, "--tag '%s': keys are at most 128 characters, values 256", kv);
		if (!tags)
			tags = cJSON_AddArrayToObject(s->create, "Tags");
		char *key = xstrndup(kv, (size_t)(eq - kv));
		cJSON *t, *found = NULL;
		cJSON_ArrayForEach(t, tags) {
			const char *k = json_get_string(t, "Key");
			if (k && !strcmp(k, key))
				found = t;
		}
		if (found) {
			cJSON_ReplaceItemInObjectCaseSensitive(found, "Value", cJSON_CreateString(eq + 1));
		} else {
			t = cJSON_CreateObject();
			cJSON_AddStringToObject(t, "Key", key);
			cJSON_AddStringToObject(t, "Value", eq + 1);
			cJSON_AddItemToArray(tags, t);
		}
		free(key);
	}
	if (tags && cJSON_GetArraySize(tags) > 50)
		return err_set(e, ERR_USAGE, "%s: at most 50 tags, not %d (schema Tags plus --tag)", s->table,
		               cJSON_GetArraySize(tags));
	return 0;
}

static const char *tag_value(const cJSON *tags, const char *key)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, tags) {
		const char *k = json_get_string(t, "Key");
		if (k && !strcmp(k, key)) {
			const char *v = json_get_string(t, "Value");
			return v ? v : "";
		}
	}
	return NULL;
}

void schemaload_warn_prod_tags(struct schemaload *st, const struct schema *s)
{
	const cJSON *tags = json_get(s->create, "Tags");
	static const char *const want[] = { "project", "env" };
	if (!st->ctx->prod)
		return;
	for (size_t i = 0; i < 2; i++)
		if (!tag_value(tags, want[i]))
			ctx_warn(st->ctx, "%s: no '%s' tag (add it to the schema's Tags or give --tag %s=...)", s->table,
			         want[i], want[i]);
}

/* ---- talking to the engine ---------------------------------------------------------------- */

static int call(struct ctx *ctx, const char *op, const cJSON *in, cJSON **out, struct err *e)
{
	cJSON *o = NULL;
	int rc = aws_json(ctx, &aws_dynamodb, op, in, &o, e);
	if (out)
		*out = o;
	else
		cJSON_Delete(o);
	return rc;
}

/* An optional read (DescribeTimeToLive, DescribeContinuousBackups, ListTagsOfResource): *out NULL when the engine
 * lacks it (a warning in local mode; an error in prod). */
static int optional_read(struct schemaload *st, const struct schema *s, const char *op, const char *key, const char *val,
                         const char *what, cJSON **out, struct err *e)
{
	cJSON *in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, key, val);
	int rc = call(st->ctx, op, in, out, e);
	cJSON_Delete(in);
	if (rc == 0)
		return 0;
	*out = NULL;
	if (!st->ctx->prod && table_unsupported(e)) {
		ctx_warn(st->ctx, "%s: this engine does not support %s: %s not checked or applied", s->table, op, what);
		err_clear(e);
		return 0;
	}
	return err_prefix(e, "%s: %s", s->table, op);
}

/* The plan for s against the live table d, plus a TagResource request when tags differ (its change line in the
 * private member "x-ddb-line", removed before sending).  just_created: converging a table CreateTable just made,
 * where Terraform's ignore_changes (s->ignore) does not apply: what the schema says is what the table gets. */
static int make_plan(struct schemaload *st, const struct schema *s0, const struct table_desc *d, struct schema_plan *plan,
                     cJSON **tag_req, int just_created, struct err *e)
{
	struct schema copy = *s0;   /* shallow, read only: the same schema with ignore cleared */
	const struct schema *s = s0;
	cJSON *ttl = NULL, *cb = NULL, *tags = NULL;
	const cJSON *want = json_get(s->create, "Tags");
	int rc = -1;

	*tag_req = NULL;
	if (just_created) {
		copy.ignore = 0;
		s = &copy;
	}
	if (s->has_ttl && optional_read(st, s, "DescribeTimeToLive", "TableName", schema_wire_name(s), "TTL", &ttl, e) < 0)
		goto done;
	if (s->has_pitr && optional_read(st, s, "DescribeContinuousBackups", "TableName", schema_wire_name(s),
	                                 "point-in-time recovery", &cb, e) < 0)
		goto done;
	if (cJSON_GetArraySize(want) > 0 && d->arn && !(s->ignore & SCHEMA_IGN_TAGS) &&
	    optional_read(st, s, "ListTagsOfResource", "ResourceArn", d->arn, "tags", &tags, e) < 0)
		goto done;
	if (schema_plan(s, d->table, ttl, cb, plan, e) < 0) {
		err_prefix(e, "%s", s->table);
		goto done;
	}
	if (tags) {
		const cJSON *t, *live = json_get(tags, "Tags");
		cJSON *req = NULL, *arr = NULL;
		struct buf line = BUF_INIT;
		cJSON_ArrayForEach(t, want) {
			const char *k = json_get_string(t, "Key"), *v = json_get_string(t, "Value"), *have;
			if (!k)
				continue;
			if (!v)
				v = "";
			have = tag_value(live, k);
			if (have && !strcmp(have, v))
				continue;
			if (!req) {
				req = cJSON_CreateObject();
				cJSON_AddStringToObject(req, "ResourceArn", d->arn);
				arr = cJSON_AddArrayToObject(req, "Tags");
			}
			cJSON_AddItemToArray(arr, cJSON_Duplicate(t, 1));
			if (have)
				buf_addf(&line, "%s%s: %s -> %s", line.len ? ", " : "~ tag ", k, have, v);
			else
				buf_addf(&line, "%s%s=%s", line.len ? ", " : "~ tag ", k, v);
		}
		if (req) {
			cJSON_AddItemToObject(req, "x-ddb-line", cJSON_CreateString(buf_cstr(&line)));
			*tag_req = req;
		}
		buf_release(&line);
	}
	rc = 0;
done:
	cJSON_Delete(ttl);
	cJSON_Delete(cb);
	cJSON_Delete(tags);
	return rc;
}

/* ---- what a local engine cannot change ----------------------------------------------------- */

/* A probe: op with body on a table that does not exist.  An engine that knows the request answers
 * ResourceNotFoundException (nothing can change: there is no such table); one that does not know it refuses the
 * request itself (UnknownOperationException, or a ValidationException saying which fields it expects).  1 when the
 * engine knows it, -1 when not, 0 when the answer says neither (then apply finds out). */
#define PROBE_TABLE "ddb-capability-probe.does-not-exist"

static int probe(struct schemaload *st, const char *op, const char *body)
{
	struct err e = ERR_INIT;
	struct err pe = ERR_INIT;
	cJSON *in = json_parse_exact(body, strlen(body), &pe), *out = NULL;
	if (!in)
		return 0;
	int rc = call(st->ctx, op, in, &out, &e);
	cJSON_Delete(in);
	cJSON_Delete(out);
	if (rc == 0)
		return 0;   /* cannot happen (no such table); do not guess */
	if (e.kind == ERR_SERVICE && !strcmp(e.type, "ResourceNotFoundException"))
		return 1;
	if (table_unsupported(&e) || (e.kind == ERR_SERVICE && !strcmp(e.type, "ValidationException")))
		return -1;
	return 0;
}

/* 1 when the local engine cannot apply change c (and apply would skip it with a warning), else 0.  Both --plan
 * and apply ask this, so that a table apply calls "up to date as far as this engine supports" is not drift for
 * --plan.  Never in prod: AWS supports everything schema-load sends.  The probes are harmless (a table that does not
 * exist; skipped should a table of that name exist).  DynamoDB Local (its ARNs name the region "ddblocal") accepts
 * TableClass in requests but ignores it, so its table class never changes: known from the ARN. */
static int engine_cannot(struct schemaload *st, const struct table_desc *d, const struct schema_change *c)
{
	int *cap;
	const char *op, *body;

	if (st->ctx->prod)
		return 0;
	switch (c->kind) {
	case SCHEMA_CH_STREAM:
		cap = &st->caps.stream;
		op = "UpdateTable";
		body = "{\"TableName\":\"" PROBE_TABLE "\",\"StreamSpecification\":{\"StreamEnabled\":true,"
		       "\"StreamViewType\":\"KEYS_ONLY\"}}";
		break;
	case SCHEMA_CH_TTL:
		cap = &st->caps.ttl;
		op = "UpdateTimeToLive";
		body = "{\"TableName\":\"" PROBE_TABLE "\",\"TimeToLiveSpecification\":{\"AttributeName\":\"x\","
		       "\"Enabled\":true}}";
		break;
	case SCHEMA_CH_PITR:
		cap = &st->caps.pitr;
		op = "UpdateContinuousBackups";
		body = "{\"TableName\":\"" PROBE_TABLE "\",\"PointInTimeRecoverySpecification\":"
		       "{\"PointInTimeRecoveryEnabled\":true}}";
		break;
	case SCHEMA_CH_TABLE_CLASS:
		if (d && d->arn && strstr(d->arn, ":ddblocal:"))
			return 1;
		cap = &st->caps.table_class;
		op = "UpdateTable";
		body = "{\"TableName\":\"" PROBE_TABLE "\",\"TableClass\":\"STANDARD\"}";
		break;
	default:
		return 0;
	}
	if (!*cap) {
		struct table_desc pd = TABLE_DESC_INIT;
		struct err e = ERR_INIT;
		int exists = table_describe(st->ctx, PROBE_TABLE, &pd, &e) == 0;
		table_desc_release(&pd);
		*cap = exists ? 1 : probe(st, op, body);
		if (!*cap)
			*cap = 1;   /* no clear answer: try it (apply still skips what the engine refuses) */
	}
	return *cap < 0;
}

/* The warning for a change the engine cannot make: the same from --plan and from apply. */
static void warn_cannot(struct schemaload *st, const struct schema *s, const char *line, const char *why)
{
	ctx_warn(st->ctx, "%s: the engine refused '%s' (%s): not applied", s->table, line, why);
}

#define CANNOT_WHY "this engine does not support it"

/* The IndexName of an UpdateTable request that deletes a GSI ("?" when absent). */
static const char *gsi_delete_name(const cJSON *req)
{
	const cJSON *u = cJSON_GetArrayItem(json_get(req, "GlobalSecondaryIndexUpdates"), 0);
	const char *n = json_get_string(json_get(u, "Delete"), "IndexName");
	return n ? n : "?";
}

/* "- GSI x (a HASH, ALL) deleted (--prune: not in the schema)" from the plan's "- GSI x (...) is live but ..." */
static char *pruned_line(const struct schema_change *c, const char *done)
{
	const char *cut = strstr(c->line, " is live but not in the schema");
	int n = cut ? (int)(cut - c->line) : (int)strlen(c->line);
	return xasprintf("%.*s %s (--prune: not in the schema)", n, c->line, done);
}

/* The IndexName of an UpdateTable request that creates a GSI, or NULL. */
static const char *gsi_add_name(const cJSON *req)
{
	const cJSON *u = cJSON_GetArrayItem(json_get(req, "GlobalSecondaryIndexUpdates"), 0);
	return json_get_string(json_get(u, "Create"), "IndexName");
}

/* Apply one change.  Returns 0 applied, 1 skipped (the local engine does not support it: warned), -1 error.
 * wait_after: wait for the table (and every GSI) to be ACTIVE after an UpdateTable. */
static int apply(struct schemaload *st, const struct schema *s, const char *op, const cJSON *req, const char *line, int is_gsi_add,
                 int wait_after, struct err *e)
{
	struct ctx *ctx = st->ctx;
	cJSON *out = NULL;
	const char *ix = NULL;

	if (ctx_interrupted(ctx))
		return err_set(e, ERR_INTERRUPTED, "%s: interrupted before: %s", s->table, line);
	if (progress(ctx))
		ctx_note(ctx, "%s: %s", s->table, line);
	if (call(ctx, op, req, &out, e) < 0) {
		if (!ctx->prod && !is_gsi_add &&
		    (table_unsupported(e) || (e->kind == ERR_SERVICE && !strcmp(e->type, "ValidationException")))) {
			ctx_warn(ctx, "%s: the engine refused '%s' (%s): not applied", s->table, line, e->msg);
			err_clear(e);
			return 1;
		}
		return err_prefix(e, "%s: %s", s->table, line);
	}
	if (is_gsi_add) {
		const cJSON *td = json_get(out, "TableDescription");
		ix = gsi_add_name(req);
		if (ix && td && !table_has_index(td, ix)) {
			cJSON_Delete(out);
			return err_set(e, ERR_SERVICE, "%s: the engine accepted UpdateTable but did not add GSI '%s' (this engine "
			               "cannot add an index to an existing table: use DynamoDB Local or AWS, or --recreate)",
			               s->table, ix);
		}
	}
	cJSON_Delete(out);
	if (wait_after && !strcmp(op, "UpdateTable")) {
		struct table_desc d = TABLE_DESC_INIT;
		if (table_wait_active(ctx, schema_wire_name(s), s->table, st->a->wait_timeout, &d, e) < 0)
			return -1;
		if (ix && !table_has_index(d.table, ix)) {
			table_desc_release(&d);
			return err_set(e, ERR_SERVICE, "%s: GSI '%s' is not on the table after UpdateTable (the engine did not "
			               "create it)", s->table, ix);
		}
		table_desc_release(&d);
	}
	return 0;
}

/* Apply a plan (and tag changes).  *applied / *skipped count what happened.  Changes that need re-creation must
 * have been handled by the caller. */
static int apply_plan(struct schemaload *st, const struct schema *s, const struct table_desc *d, const struct schema_plan *p,
                      const cJSON *tag_req, int *applied, int *skipped, struct err *e)
{
	size_t last = p->n;   /* the last UpdateTable: --no-wait skips the wait after it */
	for (size_t i = 0; i < p->n; i++)
		if ((!p->v[i].destructive || st->a->prune) && !p->v[i].needs_recreate && p->v[i].op && !strcmp(p->v[i].op, "UpdateTable"))
			last = i;
	for (size_t i = 0; i < p->n; i++) {
		const struct schema_change *c = &p->v[i];
		if (c->destructive && !st->a->prune) {
			lines_push(&st->lines, xasprintf("%s", c->line));
			continue;
		}
		if (c->destructive) {   /* --prune: a live GSI the schema lacks */
			char *label = ctx_table_label(st->ctx, s->table);
			char *what = xasprintf("delete GSI '%s' of table %s", gsi_delete_name(c->request), label);
			int ok = ctx_confirm(st->ctx, what, s->table, e);
			free(what);
			free(label);
			if (ok < 0)
				return -1;
		}
		if (c->needs_recreate || !c->op)
			continue;
		int rc;
		if (engine_cannot(st, d, c)) {
			warn_cannot(st, s, c->line, CANNOT_WHY);
			rc = 1;
		} else {
			rc = apply(st, s, c->op, c->request, c->line, c->kind == SCHEMA_CH_GSI_ADD,
			           !(st->a->no_wait && i == last), e);
		}
		if (rc < 0)
			return -1;
		if (c->destructive && rc == 0)
			lines_push(&st->lines, pruned_line(c, "deleted"));
		else
			lines_push(&st->lines, xasprintf("%s%s", c->line, rc == 1 ? " (not supported by this engine: skipped)" : ""));
		if (rc == 1)
			(*skipped)++;
		else
			(*applied)++;
	}
	if (tag_req) {
		cJSON *req = cJSON_Duplicate(tag_req, 1);
		const char *line = json_get_string(tag_req, "x-ddb-line");
		char *l = xstrdup(line ? line : "~ tags");
		cJSON_DeleteItemFromObjectCaseSensitive(req, "x-ddb-line");
		int rc = apply(st, s, "TagResource", req, l, 0, 0, e);
		cJSON_Delete(req);
		if (rc < 0) {
			free(l);
			return -1;
		}
		lines_push(&st->lines, xasprintf("%s%s", l, rc == 1 ? " (not supported by this engine: skipped)" : ""));
		free(l);
		if (rc == 1)
			(*skipped)++;
		else
			(*applied)++;
	}
	return 0;
}

/* "+ create table (pk HASH, sk RANGE; 1 GSI; PROVISIONED 5/5)" */
static char *create_line(const struct schema *s)
{
	struct buf b = BUF_INIT;
	const cJSON *k, *c = s->create;
	int first = 1, ng = cJSON_GetArraySize(json_get(c, "GlobalSecondaryIndexes")),
	    nl = cJSON_GetArraySize(json_get(c, "LocalSecondaryIndexes"));
	const char *billing = json_get_string(c, "BillingMode");
	buf_adds(&b, "+ create table (");
	cJSON_ArrayForEach(k, json_get(c, "KeySchema")) {
		buf_addf(&b, "%s%s %s", first ? "" : ", ", json_get_string(k, "AttributeName") ? json_get_string(k, "AttributeName") : "?",
		         json_get_string(k, "KeyType") ? json_get_string(k, "KeyType") : "?");
		first = 0;
	}
	if (ng)
		buf_addf(&b, "; %d GSI%s", ng, ng == 1 ? "" : "s");
	if (nl)
		buf_addf(&b, "; %d LSI%s", nl, nl == 1 ? "" : "s");
	buf_addf(&b, "; %s)", billing ? billing : "PROVISIONED");
	if (s->has_ttl && s->ttl_enabled)
		buf_addf(&b, ", then ttl %s", s->ttl_attr ? s->ttl_attr : "?");
	if (s->has_pitr && s->pitr_enabled)
		buf_adds(&b, ", then point-in-time recovery");
	return buf_detach(&b, NULL);
}

/* CreateTable, wait, converge.  Returns 0, or -1.  *exists set when the table turned out to exist already. */
static int create_and_converge(struct schemaload *st, struct schema *s, int *exists, struct err *e)
{
	struct ctx *ctx = st->ctx;
	struct table_desc d = TABLE_DESC_INIT;
	struct schema_plan p = SCHEMA_PLAN_INIT;
	cJSON *tag_req = NULL;
	int applied = 0, skipped = 0, rc = -1;

	*exists = 0;
	if (progress(ctx))
		ctx_note(ctx, "%s: creating", s->table);
	if (call(ctx, "CreateTable", s->create, NULL, e) < 0) {
		if (e->kind == ERR_SERVICE && !strcmp(e->type, "ResourceInUseException")) {
			err_clear(e);
			*exists = 1;   /* created meanwhile by someone else: compare instead */
			return 0;
		}
		return err_prefix(e, "%s: CreateTable", s->table);
	}
	lines_push(&st->lines, create_line(s));
	if (st->a->no_wait) {
		if ((s->has_ttl && s->ttl_enabled) || (s->has_pitr && s->pitr_enabled))
			ctx_note(ctx, "%s: --no-wait: TTL and point-in-time recovery are applied by the next schema-load, once "
			         "the table is ACTIVE", s->table);
		return 0;
	}
	if (table_wait_active(ctx, schema_wire_name(s), s->table, st->a->wait_timeout, &d, e) < 0)
		return -1;
	/* Converge: TTL, PITR, tags, and whatever the engine ignored in CreateTable. */
	if (make_plan(st, s, &d, &p, &tag_req, 1, e) < 0)
		goto done;
	for (size_t i = 0; i < p.n; i++)
		if (p.v[i].needs_recreate) {
			err_set(e, ERR_SERVICE, "%s: the new table does not match its schema: %s", s->table, p.v[i].line);
			goto done;
		}
	if (apply_plan(st, s, &d, &p, tag_req, &applied, &skipped, e) < 0)
		goto done;
	rc = 0;
done:
	cJSON_Delete(tag_req);
	schema_plan_release(&p);
	table_desc_release(&d);
	return rc;
}

/* Drop the table and create it again (--recreate). */
static int recreate(struct schemaload *st, struct schema *s, struct err *e)
{
	struct ctx *ctx = st->ctx;
	char what[1200];
	cJSON *in;
	int exists;

	char *label = ctx_table_label(ctx, s->table);
	snprintf(what, sizeof what, "drop and re-create table %s (every item in it is lost)", label);
	free(label);
	if (ctx_confirm(ctx, what, s->table, e) < 0)
		return -1;
	ctx_warn(ctx, "%s: dropping the table to re-create it: its items are lost", s->table);
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "TableName", schema_wire_name(s));
	int rc = call(ctx, "DeleteTable", in, NULL, e);
	cJSON_Delete(in);
	if (rc < 0 && !(aws_is_not_found(e)))
		return err_prefix(e, "%s: DeleteTable", s->table);
	err_clear(e);
	if (table_wait_gone(ctx, schema_wire_name(s), s->table, st->a->wait_timeout, e) < 0)
		return -1;
	if (create_and_converge(st, s, &exists, e) < 0)
		return -1;
	if (exists)
		return err_set(e, ERR_SERVICE, "%s: the table was created again by someone else while re-creating it",
		               s->table);
	return 0;
}

/* One table.  Returns 0, 1 (drift in --plan, or a change needing --recreate), -1 error. */
int schemaload_one(struct schemaload *st, struct schema *s, struct err *e)
{
	struct ctx *ctx = st->ctx;
	struct table_desc d = TABLE_DESC_INIT;
	struct schema_plan p = SCHEMA_PLAN_INIT;
	cJSON *tag_req = NULL;
	int rc, ret = -1, exists, applied = 0, skipped = 0, need_recreate = 0;

	rc = table_describe(ctx, schema_wire_name(s), &d, e);
	if (rc < 0) {
		err_prefix(e, "%s", s->table);
		goto done;
	}
	if (rc == 0 && !st->a->plan && !strcmp(d.status, "DELETING")) {
		/* e.g. right after `drop --no-wait`: let it go, then create it again */
		ctx_note(ctx, "%s: the table is being deleted: waiting until it is gone", s->table);
		table_desc_release(&d);
		if (table_wait_gone(ctx, schema_wire_name(s), s->table, st->a->wait_timeout, e) < 0)
			goto done;
		rc = 1;
	}
	if (rc == 1) {
		if (st->a->plan) {
			lines_push(&st->lines, create_line(s));
			ret = report(st, s, "would create", e) < 0 ? -1 : 1;
			goto done;
		}
		if (create_and_converge(st, s, &exists, e) < 0)
			goto done;
		if (!exists) {
			ret = report(st, s, st->a->no_wait ? "created (not waiting for ACTIVE)" : "created", e);
			goto done;
		}
		schemaload_lines_release(&st->lines);
		if (table_describe(ctx, schema_wire_name(s), &d, e) != 0) {
			if (!e->msg[0])
				err_set(e, ERR_SERVICE, "%s: CreateTable said the table exists, DescribeTable does not find it",
				        s->table);
			goto done;
		}
	}
	/* The table exists.  Updates need it ACTIVE; a plan just looks. */
	if (!st->a->plan && !table_ready(d.table)) {
		table_desc_release(&d);
		if (table_wait_active(ctx, schema_wire_name(s), s->table, st->a->wait_timeout, &d, e) < 0)
			goto done;
	}
	if (make_plan(st, s, &d, &p, &tag_req, 0, e) < 0)
		goto done;
	for (size_t i = 0; i < p.n; i++)
		if (p.v[i].needs_recreate)
			need_recreate = 1;

	if (st->a->plan) {
		/* what apply would skip for this engine is not drift: listed as skipped, with apply's warning */
		size_t n = 0;
		for (size_t i = 0; i < p.n; i++) {
			const struct schema_change *c = &p.v[i];
			if (!c->needs_recreate && !c->destructive && c->op && engine_cannot(st, &d, c)) {
				warn_cannot(st, s, c->line, CANNOT_WHY);
				lines_push(&st->lines, xasprintf("%s (not supported by this engine: skipped)", c->line));
				skipped++;
				continue;
			}
			lines_push(&st->lines, c->destructive && st->a->prune ? pruned_line(c, "would be deleted")
			                                                        : xasprintf("%s", c->line));
			n++;
		}
		if (tag_req) {
			lines_push(&st->lines, xasprintf("%s", json_get_string(tag_req, "x-ddb-line")));
			n++;
		}
		char result[64];
		snprintf(result, sizeof result, "%zu change%s%s", n, n == 1 ? "" : "s", need_recreate ? " (needs --recreate)" : "");
		ret = report(st, s, n ? result : skipped ? "up to date as far as this engine supports" : "up to date", e) < 0
		              ? -1 : (n ? 1 : 0);
		goto done;
	}
	if (need_recreate) {
		if (!st->a->recreate) {
			for (size_t i = 0; i < p.n; i++)
				if (p.v[i].needs_recreate)
					lines_push(&st->lines, xasprintf("%s", p.v[i].line));
			if (report(st, s, "cannot be changed in place", e) < 0)
				goto done;
			fprintf(ctx->err_out, "ddb: schema-load: %s: the key schema or local indexes differ from the live table; "
			        "this cannot be changed in place: --recreate drops and re-creates it (every item is lost)\n",
			        s->table);
			ret = 1;
			goto done;
		}
		if (recreate(st, s, e) < 0)
			goto done;
		ret = report(st, s, "re-created", e);
		goto done;
	}
	if (apply_plan(st, s, &d, &p, tag_req, &applied, &skipped, e) < 0)
		goto done;
	if (applied)
		ret = report(st, s, "updated", e);
	else if (skipped)
		ret = report(st, s, "up to date as far as this engine supports", e);
	else
		ret = report(st, s, "up to date", e);
done:
	cJSON_Delete(tag_req);
	schema_plan_release(&p);
	table_desc_release(&d);
	return ret;
}

int schema_load_ensure(struct ctx *ctx, struct schema *s, double wait_timeout, int *created, struct err *e)
{
	struct schemaload_opts a = { 0, 0, 0, 0, wait_timeout, { NULL, 0 }, { NULL, 0 } };
	struct schemaload st = { ctx, &a, NULL, { NULL, 0 }, { 0, 0, 0, 0 } };
	struct table_desc d = TABLE_DESC_INIT;
	int exists = 0, rc;

	*created = 0;
	rc = table_describe(ctx, schema_wire_name(s), &d, e);
	if (rc == 0 && !strcmp(d.status, "DELETING")) {
		table_desc_release(&d);
		if (table_wait_gone(ctx, schema_wire_name(s), s->table, wait_timeout, e) < 0)
			return -1;
		rc = 1;
	}
	table_desc_release(&d);
	if (rc < 0)
		return err_prefix(e, "%s", s->table);
	if (rc == 0)
		return table_wait_active(ctx, schema_wire_name(s), s->table, wait_timeout, NULL, e);
	rc = create_and_converge(&st, s, &exists, e);
	schemaload_lines_release(&st.lines);
	if (rc < 0)
		return -1;
	*created = !exists;
	if (exists)
		return table_wait_active(ctx, schema_wire_name(s), s->table, wait_timeout, NULL, e);
	return 0;
}
