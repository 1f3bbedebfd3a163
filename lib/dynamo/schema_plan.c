/* schema_plan.c — schema_plan: a schema compared with a live table, as the requests that converge it (see
 * schema.h). */
#include "dynamo/schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "dynamo/schema_int.h"

/* ---- plans: schema vs live table -------------------------------------------------------- */

/* A number from a live response: a cJSON number, a raw number node (lib/base/json.c) or a numeric string. */
static int live_num(const cJSON *o, const char *k, long long *out)
{
	const cJSON *v = json_get(o, k);
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;   /* a server's number: in range before it becomes an integer */
		*out = d >= 0 && d < 9e18 ? (long long)d : 0;
		return d >= 0 && d < 9e18 ? 0 : -1;
	}
	if ((cJSON_IsRaw(v) || cJSON_IsString(v)) && v->valuestring) {
		char *end;
		errno = 0;
		*out = strtoll(v->valuestring, &end, 10);
		if (end != v->valuestring && !*end && !errno)
			return 0;
	}
	*out = 0;
	return -1;
}

static const cJSON *unwrap(const cJSON *o, const char *k)
{
	const cJSON *in = json_get(o, k);
	return cJSON_IsObject(in) ? in : o;
}

static const char *live_billing(const cJSON *t)
{
	const char *b = json_get_string(json_get(t, "BillingModeSummary"), "BillingMode");
	const cJSON *pt = json_get(t, "ProvisionedThroughput");
	long long r, w;
	if (b)
		return b;
	if (!pt || (live_num(pt, "ReadCapacityUnits", &r) == 0 && live_num(pt, "WriteCapacityUnits", &w) == 0 &&
	            r == 0 && w == 0))
		return "PAY_PER_REQUEST";
	return "PROVISIONED";
}

static const char *attr_type(const cJSON *defs, const char *name)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, defs) {
		const char *n = json_get_string(d, "AttributeName");
		if (n && !strcmp(n, name))
			return json_get_string(d, "AttributeType");
	}
	return NULL;
}

/* "pk HASH, sk RANGE" (+ " S"/" N" types when defs are given). */
static void keys_desc(struct buf *b, const cJSON *ks)
{
	const cJSON *k;
	int first = 1;
	cJSON_ArrayForEach(k, ks) {
		const char *n = json_get_string(k, "AttributeName"), *t = json_get_string(k, "KeyType");
		buf_addf(b, "%s%s %s", first ? "" : ", ", n ? n : "?", t ? t : "?");
		first = 0;
	}
}

static void index_desc(struct buf *b, const cJSON *ix)
{
	const cJSON *pr = json_get(ix, "Projection"), *nk = json_get(pr, "NonKeyAttributes"), *a;
	const char *pt = json_get_string(pr, "ProjectionType");
	buf_addc(b, '(');
	keys_desc(b, json_get(ix, "KeySchema"));
	buf_addf(b, ", %s", pt ? pt : "ALL");
	if (nk) {
		int first = 1;
		buf_addc(b, ' ');
		cJSON_ArrayForEach(a, nk) {
			buf_addf(b, "%s%s", first ? "" : ",", cJSON_IsString(a) ? a->valuestring : "?");
			first = 0;
		}
	}
	buf_addc(b, ')');
}

/* Same key names, key types and attribute types (types from each side's AttributeDefinitions). */
static int same_keys(const cJSON *ka, const cJSON *defa, const cJSON *kb, const cJSON *defb)
{
	const cJSON *a = ka ? ka->child : NULL, *b = kb ? kb->child : NULL;
	for (; a && b; a = a->next, b = b->next) {
		const char *na = json_get_string(a, "AttributeName"), *nb = json_get_string(b, "AttributeName");
		const char *ta = json_get_string(a, "KeyType"), *tb = json_get_string(b, "KeyType"), *xa, *xb;
		if (!na || !nb || !ta || !tb || strcmp(na, nb) || strcmp(ta, tb))
			return 0;
		xa = attr_type(defa, na);
		xb = attr_type(defb, nb);
		if (xa && xb && strcmp(xa, xb))
			return 0;
	}
	return !a && !b;
}

static int in_list(const cJSON *arr, const char *s)
{
	const cJSON *a;
	cJSON_ArrayForEach(a, arr)
		if (cJSON_IsString(a) && !strcmp(a->valuestring, s))
			return 1;
	return 0;
}

static int same_projection(const cJSON *a, const cJSON *b)
{
	const char *ta = json_get_string(json_get(a, "Projection"), "ProjectionType");
	const char *tb = json_get_string(json_get(b, "Projection"), "ProjectionType");
	const cJSON *na = json_get(json_get(a, "Projection"), "NonKeyAttributes");
	const cJSON *nb = json_get(json_get(b, "Projection"), "NonKeyAttributes");
	const cJSON *x;
	if (strcmp(ta ? ta : "ALL", tb ? tb : "ALL"))
		return 0;
	if (cJSON_GetArraySize(na) != cJSON_GetArraySize(nb))
		return 0;
	cJSON_ArrayForEach(x, na)
		if (!cJSON_IsString(x) || !in_list(nb, x->valuestring))
			return 0;
	return 1;
}

static const cJSON *find_index(const cJSON *arr, const char *name)
{
	const cJSON *ix;
	cJSON_ArrayForEach(ix, arr) {
		const char *n = json_get_string(ix, "IndexName");
		if (n && !strcmp(n, name))
			return ix;
	}
	return NULL;
}

static struct schema_change *plan_add(struct schema_plan *p, enum schema_change_kind kind, const char *op,
                                      cJSON *req, struct buf *line)
{
	struct schema_change *c;
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	c = &p->v[p->n++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->op = op;
	c->request = req;
	c->needs_recreate = req == NULL;
	c->line = line->ptr ? buf_detach(line, NULL) : xstrdup("");
	return c;
}

static cJSON *update_req(const struct schema *s)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "TableName", schema_wire_name(s));
	return r;
}

static cJSON *dup(const cJSON *x)
{
	cJSON *d = cJSON_Duplicate(x, 1);
	if (!d) {
		fprintf(stderr, "ddb: out of memory\n");
		abort();
	}
	return d;
}

static void tp_text(char *out, size_t size, const cJSON *pt)
{
	long long r = 0, w = 0;
	live_num(pt, "ReadCapacityUnits", &r);
	live_num(pt, "WriteCapacityUnits", &w);
	schema_fmt(out, size, "%lld/%lld", r, w);
}

static int same_tp(const cJSON *a, const cJSON *b)
{
	long long ra = 0, wa = 0, rb = 0, wb = 0;
	live_num(a, "ReadCapacityUnits", &ra);
	live_num(a, "WriteCapacityUnits", &wa);
	live_num(b, "ReadCapacityUnits", &rb);
	live_num(b, "WriteCapacityUnits", &wb);
	return ra == rb && wa == wb;
}

static cJSON *tp_only(const cJSON *pt)
{
	cJSON *o = cJSON_CreateObject();
	long long r = 0, w = 0;
	live_num(pt, "ReadCapacityUnits", &r);
	live_num(pt, "WriteCapacityUnits", &w);
	cJSON_AddNumberToObject(o, "ReadCapacityUnits", (double)r);
	cJSON_AddNumberToObject(o, "WriteCapacityUnits", (double)w);
	return o;
}

int schema_plan(const struct schema *s, const cJSON *live, const cJSON *live_ttl, const cJSON *live_cb,
                struct schema_plan *plan, struct err *e)
{
	const cJSON *doc = s->doc, *t, *sdefs, *ldefs, *sg, *lg, *sl, *ll, *ix, *x;
	const char *want_billing, *have_billing;
	struct buf line = BUF_INIT;
	char a[64], b[64];

	if (!cJSON_IsObject(live))
		return err_set(e, ERR_DATA, "describe-table: the response is not a JSON object");
	t = unwrap(live, "Table");
	if (!cJSON_IsArray(json_get(t, "KeySchema")))
		return err_set(e, ERR_DATA, "describe-table: the response has no KeySchema");
	sdefs = json_get(doc, "AttributeDefinitions");
	ldefs = json_get(t, "AttributeDefinitions");
	sg = json_get(doc, "GlobalSecondaryIndexes");
	lg = json_get(t, "GlobalSecondaryIndexes");
	if (s->ignore & SCHEMA_IGN_GSI)
		sg = lg = NULL;   /* lifecycle ignore_changes: no GSI is added, updated or reported */
	sl = json_get(doc, "LocalSecondaryIndexes");
	ll = json_get(t, "LocalSecondaryIndexes");

	/* 1. what cannot change in place */
	if (!same_keys(json_get(doc, "KeySchema"), sdefs, json_get(t, "KeySchema"), ldefs)) {
		buf_adds(&line, "! key schema differs: live ");
		keys_desc(&line, json_get(t, "KeySchema"));
		buf_adds(&line, "; schema ");
		keys_desc(&line, json_get(doc, "KeySchema"));
		buf_adds(&line, " (needs --recreate)");
		plan_add(plan, SCHEMA_CH_KEY_SCHEMA, NULL, NULL, &line);
	}
	cJSON_ArrayForEach(ix, sl) {
		const char *n = json_get_string(ix, "IndexName");
		const cJSON *l = n ? find_index(ll, n) : NULL;
		if (!l) {
			buf_addf(&line, "! LSI %s is not on the live table (local indexes need --recreate)", n ? n : "?");
			plan_add(plan, SCHEMA_CH_LSI, NULL, NULL, &line);
		} else if (!same_keys(json_get(ix, "KeySchema"), sdefs, json_get(l, "KeySchema"), ldefs) || !same_projection(ix, l)) {
			buf_addf(&line, "! LSI %s differs: live ", n);
			index_desc(&line, l);
			buf_adds(&line, ", schema ");
			index_desc(&line, ix);
			buf_adds(&line, " (needs --recreate)");
			plan_add(plan, SCHEMA_CH_LSI, NULL, NULL, &line);
		}
	}
	cJSON_ArrayForEach(ix, ll) {
		const char *n = json_get_string(ix, "IndexName");
		if (n && !find_index(sl, n)) {
			buf_addf(&line, "! LSI %s is on the live table but not in the schema (needs --recreate)", n);
			plan_add(plan, SCHEMA_CH_LSI, NULL, NULL, &line);
		}
	}
	cJSON_ArrayForEach(ix, sg) {
		const char *n = json_get_string(ix, "IndexName");
		const cJSON *l = n ? find_index(lg, n) : NULL;
		if (l && (!same_keys(json_get(ix, "KeySchema"), sdefs, json_get(l, "KeySchema"), ldefs) || !same_projection(ix, l))) {
			buf_addf(&line, "! GSI %s differs: live ", n);
			index_desc(&line, l);
			buf_adds(&line, ", schema ");
			index_desc(&line, ix);
			buf_adds(&line, " (delete and re-add the index, or --recreate)");
			plan_add(plan, SCHEMA_CH_GSI_DIFFERS, NULL, NULL, &line);
		}
	}

	/* 2. billing and throughput */
	want_billing = json_get_string(doc, "BillingMode");
	if (!want_billing)
		want_billing = "PROVISIONED";
	have_billing = live_billing(t);
	if (s->ignore & SCHEMA_IGN_BILLING)
		want_billing = have_billing;
	if (strcmp(want_billing, have_billing)) {
		cJSON *r = update_req(s);
		cJSON_AddStringToObject(r, "BillingMode", want_billing);
		buf_addf(&line, "~ billing %s -> %s", have_billing, want_billing);
		if (!strcmp(want_billing, "PROVISIONED")) {
			cJSON *upd = NULL;
			tp_text(a, sizeof a, json_get(doc, "ProvisionedThroughput"));
			buf_addf(&line, " (%s)", a);
			cJSON_AddItemToObject(r, "ProvisionedThroughput", tp_only(json_get(doc, "ProvisionedThroughput")));
			cJSON_ArrayForEach(ix, sg) {
				const char *n = json_get_string(ix, "IndexName");
				cJSON *u, *in;
				if (!n || !find_index(lg, n))
					continue;
				if (!upd)
					upd = cJSON_AddArrayToObject(r, "GlobalSecondaryIndexUpdates");
				u = cJSON_CreateObject();
				in = cJSON_AddObjectToObject(u, "Update");
				cJSON_AddStringToObject(in, "IndexName", n);
				cJSON_AddItemToObject(in, "ProvisionedThroughput", tp_only(json_get(ix, "ProvisionedThroughput")));
				cJSON_AddItemToArray(upd, u);
			}
		}
		plan_add(plan, SCHEMA_CH_BILLING, "UpdateTable", r, &line);
	} else if (!strcmp(want_billing, "PROVISIONED")) {
		const cJSON *lpt = json_get(t, "ProvisionedThroughput");
		cJSON *spt = json_get(doc, "ProvisionedThroughput") ? dup(json_get(doc, "ProvisionedThroughput")) : NULL;
		/* lifecycle ignore_changes: an ignored half is whatever the live table has */
		if (spt && (s->ignore & SCHEMA_IGN_READ) && json_get(lpt, "ReadCapacityUnits"))
			cJSON_ReplaceItemInObjectCaseSensitive(spt, "ReadCapacityUnits", dup(json_get(lpt, "ReadCapacityUnits")));
		if (spt && (s->ignore & SCHEMA_IGN_WRITE) && json_get(lpt, "WriteCapacityUnits"))
			cJSON_ReplaceItemInObjectCaseSensitive(spt, "WriteCapacityUnits", dup(json_get(lpt, "WriteCapacityUnits")));
		if (!same_tp(spt, lpt)) {
			cJSON *r = update_req(s);
			tp_text(a, sizeof a, lpt);
			tp_text(b, sizeof b, spt);
			buf_addf(&line, "~ throughput %s -> %s", a, b);
			cJSON_AddItemToObject(r, "ProvisionedThroughput", tp_only(spt));
			plan_add(plan, SCHEMA_CH_THROUGHPUT, "UpdateTable", r, &line);
		}
		cJSON_Delete(spt);
		cJSON_ArrayForEach(ix, sg) {
			const char *n = json_get_string(ix, "IndexName");
			const cJSON *l = n ? find_index(lg, n) : NULL;
			if (l && !same_tp(json_get(ix, "ProvisionedThroughput"), json_get(l, "ProvisionedThroughput"))) {
				cJSON *r = update_req(s), *u, *in;
				tp_text(a, sizeof a, json_get(l, "ProvisionedThroughput"));
				tp_text(b, sizeof b, json_get(ix, "ProvisionedThroughput"));
				buf_addf(&line, "~ GSI %s throughput %s -> %s", n, a, b);
				u = cJSON_CreateObject();
				in = cJSON_AddObjectToObject(u, "Update");
				cJSON_AddStringToObject(in, "IndexName", n);
				cJSON_AddItemToObject(in, "ProvisionedThroughput", tp_only(json_get(ix, "ProvisionedThroughput")));
				cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "GlobalSecondaryIndexUpdates"), u);
				plan_add(plan, SCHEMA_CH_GSI_THROUGHPUT, "UpdateTable", r, &line);
			}
		}
	}

	/* 3. new and extra GSIs */
	cJSON_ArrayForEach(ix, sg) {
		const char *n = json_get_string(ix, "IndexName");
		const cJSON *k;
		cJSON *r, *defs, *u;
		if (!n || find_index(lg, n))
			continue;
		r = update_req(s);
		defs = cJSON_AddArrayToObject(r, "AttributeDefinitions");
		cJSON_ArrayForEach(k, json_get(ix, "KeySchema")) {
			const char *an = json_get_string(k, "AttributeName");
			const cJSON *d;
			cJSON_ArrayForEach(d, sdefs) {
				if (an && !strcmp(json_get_string(d, "AttributeName"), an))
					cJSON_AddItemToArray(defs, dup(d));
			}
		}
		u = cJSON_CreateObject();
		cJSON_AddItemToObject(u, "Create", dup(ix));
		cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "GlobalSecondaryIndexUpdates"), u);
		buf_addf(&line, "+ add GSI %s ", n);
		index_desc(&line, ix);
		plan_add(plan, SCHEMA_CH_GSI_ADD, "UpdateTable", r, &line);
	}
	cJSON_ArrayForEach(ix, lg) {
		const char *n = json_get_string(ix, "IndexName");
		cJSON *r, *u, *in;
		struct schema_change *c;
		if (!n || find_index(sg, n))
			continue;
		r = update_req(s);
		u = cJSON_CreateObject();
		in = cJSON_AddObjectToObject(u, "Delete");
		cJSON_AddStringToObject(in, "IndexName", n);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "GlobalSecondaryIndexUpdates"), u);
		buf_addf(&line, "- GSI %s ", n);
		index_desc(&line, ix);
		buf_adds(&line, " is live but not in the schema (kept; --prune deletes it)");
		c = plan_add(plan, SCHEMA_CH_GSI_EXTRA, "UpdateTable", r, &line);
		c->destructive = 1;
	}

	/* 4. streams */
	if ((x = json_get(doc, "StreamSpecification")) && !(s->ignore & SCHEMA_IGN_STREAM)) {
		int want = cJSON_IsTrue(json_get(x, "StreamEnabled"));
		const char *wview = json_get_string(x, "StreamViewType");
		const cJSON *ls = json_get(t, "StreamSpecification");
		int have = cJSON_IsTrue(json_get(ls, "StreamEnabled"));
		const char *hview = json_get_string(ls, "StreamViewType");
		if (have && (!want || (wview && hview && strcmp(wview, hview)))) {
			cJSON *r = update_req(s), *ss = cJSON_AddObjectToObject(r, "StreamSpecification");
			cJSON_AddBoolToObject(ss, "StreamEnabled", 0);
			if (want)
				buf_addf(&line, "~ stream %s -> %s (disable the old stream first)", hview, wview);
			else
				buf_addf(&line, "~ stream %s -> off", hview ? hview : "on");
			plan_add(plan, SCHEMA_CH_STREAM, "UpdateTable", r, &line);
			have = 0;
		}
		if (want && !have) {
			cJSON *r = update_req(s), *ss = cJSON_AddObjectToObject(r, "StreamSpecification");
			cJSON_AddBoolToObject(ss, "StreamEnabled", 1);
			if (wview)
				cJSON_AddStringToObject(ss, "StreamViewType", wview);
			buf_addf(&line, "~ stream %s -> %s", hview && cJSON_IsTrue(json_get(ls, "StreamEnabled")) ? hview : "off",
			         wview ? wview : "on");
			plan_add(plan, SCHEMA_CH_STREAM, "UpdateTable", r, &line);
		}
	}

	/* 5. TTL and point-in-time recovery */
	if (s->has_ttl && live_ttl && !(s->ignore & SCHEMA_IGN_TTL)) {
		const cJSON *lt = unwrap(live_ttl, "TimeToLiveDescription");
		const char *st = json_get_string(lt, "TimeToLiveStatus"), *hattr = json_get_string(lt, "AttributeName");
		int have = st && (!strcmp(st, "ENABLED") || !strcmp(st, "ENABLING"));
		int want = s->ttl_enabled && s->ttl_attr;
		if (have && hattr && (!want || strcmp(hattr, s->ttl_attr))) {
			cJSON *r = update_req(s), *ts = cJSON_AddObjectToObject(r, "TimeToLiveSpecification");
			cJSON_AddStringToObject(ts, "AttributeName", hattr);
			cJSON_AddBoolToObject(ts, "Enabled", 0);
			buf_addf(&line, "~ ttl %s -> %s%s", hattr, want ? s->ttl_attr : "off",
			         want ? " (disable the old attribute first)" : "");
			plan_add(plan, SCHEMA_CH_TTL, "UpdateTimeToLive", r, &line);
			have = 0;
		}
		if (want && !have) {
			cJSON *r = update_req(s), *ts = cJSON_AddObjectToObject(r, "TimeToLiveSpecification");
			cJSON_AddStringToObject(ts, "AttributeName", s->ttl_attr);
			cJSON_AddBoolToObject(ts, "Enabled", 1);
			buf_addf(&line, "~ ttl off -> %s", s->ttl_attr);
			plan_add(plan, SCHEMA_CH_TTL, "UpdateTimeToLive", r, &line);
		}
	}
	if (s->has_pitr && live_cb && !(s->ignore & SCHEMA_IGN_PITR)) {
		const cJSON *cb = unwrap(live_cb, "ContinuousBackupsDescription");
		const cJSON *pd = json_get(cb, "PointInTimeRecoveryDescription");
		const char *st = json_get_string(pd, "PointInTimeRecoveryStatus");
		int have = st && !strcmp(st, "ENABLED");
		long long days = 0;
		int days_differ = s->pitr_enabled && have && s->pitr_days &&
		                  live_num(pd, "RecoveryPeriodInDays", &days) == 0 && days != s->pitr_days;
		if (have != s->pitr_enabled || days_differ) {
			cJSON *r = update_req(s), *ps = cJSON_AddObjectToObject(r, "PointInTimeRecoverySpecification");
			cJSON_AddBoolToObject(ps, "PointInTimeRecoveryEnabled", s->pitr_enabled);
			if (s->pitr_enabled && s->pitr_days)
				cJSON_AddNumberToObject(ps, "RecoveryPeriodInDays", (double)s->pitr_days);
			if (days_differ)
				buf_addf(&line, "~ point-in-time recovery period %lld -> %d days", days, s->pitr_days);
			else
				buf_addf(&line, "~ point-in-time recovery %s -> %s", have ? "on" : "off", s->pitr_enabled ? "on" : "off");
			plan_add(plan, SCHEMA_CH_PITR, "UpdateContinuousBackups", r, &line);
		}
	}

	/* 6. the rest of what UpdateTable changes */
	if ((x = json_get(doc, "DeletionProtectionEnabled")) && !(s->ignore & SCHEMA_IGN_DP)) {
		int want = cJSON_IsTrue(x), have = cJSON_IsTrue(json_get(t, "DeletionProtectionEnabled"));
		if (want != have) {
			cJSON *r = update_req(s);
			cJSON_AddBoolToObject(r, "DeletionProtectionEnabled", want);
			buf_addf(&line, "~ deletion protection %s -> %s", have ? "on" : "off", want ? "on" : "off");
			plan_add(plan, SCHEMA_CH_DELETION_PROTECTION, "UpdateTable", r, &line);
		}
	}
	if (json_get_string(doc, "TableClass") && !(s->ignore & SCHEMA_IGN_CLASS)) {
		const char *want = json_get_string(doc, "TableClass"), *have = json_get_string(json_get(t, "TableClassSummary"), "TableClass");
		if (!have)
			have = "STANDARD";
		if (strcmp(want, have)) {
			cJSON *r = update_req(s);
			cJSON_AddStringToObject(r, "TableClass", want);
			buf_addf(&line, "~ table class %s -> %s", have, want);
			plan_add(plan, SCHEMA_CH_TABLE_CLASS, "UpdateTable", r, &line);
		}
	}
	buf_release(&line);
	return 0;
}

void schema_plan_release(struct schema_plan *plan)
{
	size_t i;
	for (i = 0; i < plan->n; i++) {
		free(plan->v[i].line);
		cJSON_Delete(plan->v[i].request);
	}
	free(plan->v);
	plan->v = NULL;
	plan->n = 0;
}

