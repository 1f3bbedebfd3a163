/* schema_validate.c — schema_validate: every check of a schema before anything is sent (see schema.h), and the
 * "did you mean" of the module. */
#include "dynamo/schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "dynamo/schema_int.h"
#include "base/fuzzy.h"

#define MAX_CAPACITY 999999999999999.0   /* 15 digits: prints exactly through cJSON's %1.15g */

/* ---- validation ------------------------------------------------------------------------- */

struct vctx {
	const struct schema *s;
	struct err *e;
};

static int verr(struct vctx *v, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int verr(struct vctx *v, const char *path, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	int line = schema_line_of(v->s, path);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (path && *path)
		return err_set(v->e, ERR_DATA, "%s:%d: %s: %s", v->s->file, line, path, msg);
	return err_set(v->e, ERR_DATA, "%s:%d: %s", v->s->file, line, msg);
}

/* The closest of names to word, or NULL when none is close. */
const char *schema_did_you_mean(const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t bd = 99, i, wl = strlen(word);
	for (i = 0; names[i]; i++) {
		size_t d = edit_distance_nocase(word, names[i]);
		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	if (best && (bd <= 2 || (bd <= 4 && bd * 3 <= wl)))
		return best;
	return NULL;
}

static void join(char *out, size_t size, const char *base, const char *field)
{
	if (!base || !*base)
		schema_fmt(out, size, "%s", field);
	else if (field[0] == '[')
		schema_fmt(out, size, "%s%s", base, field);
	else
		schema_fmt(out, size, "%s.%s", base, field);
}

static void join_ix(char *out, size_t size, const char *base, int ix)
{
	char f[32];
	schema_fmt(f, sizeof f, "[%d]", ix);
	join(out, size, base, f);
}

/* o must be an object whose fields are among allowed, each at most once. */
static int check_object(struct vctx *v, const cJSON *o, const char *path, const char *const *allowed)
{
	const cJSON *c, *d;
	char p[512];
	if (!cJSON_IsObject(o))
		return verr(v, path, "must be an object");
	for (c = o->child; c; c = c->next) {
		size_t i;
		int ok = 0;
		for (d = o->child; d != c; d = d->next) {
			if (!strcmp(d->string, c->string)) {
				join(p, sizeof p, path, c->string);
				return verr(v, p, "given twice");
			}
		}
		for (i = 0; allowed[i]; i++)
			if (!strcmp(allowed[i], c->string))
				ok = 1;
		if (!ok) {
			const char *m = schema_did_you_mean(c->string, allowed);
			join(p, sizeof p, path, c->string);
			if (m)
				return verr(v, p, "unknown field (did you mean '%s'?)", m);
			return verr(v, p, "unknown field");
		}
	}
	return 0;
}

/* Field k of o: *out NULL when absent (error when required). */
static int field(struct vctx *v, const cJSON *o, const char *path, const char *k, int type, int required,
                 const cJSON **out)
{
	const cJSON *f = json_get(o, k);
	char p[512];
	static const char *const tname[] = { "", "a string", "a number", "true or false", "an array", "an object" };
	int ok;
	*out = NULL;
	join(p, sizeof p, path, k);
	if (!f || cJSON_IsNull(f)) {
		if (required)
			return verr(v, p, "required");
		return 0;
	}
	switch (type) {
	case 1: ok = cJSON_IsString(f); break;
	case 2: ok = cJSON_IsNumber(f); break;
	case 3: ok = cJSON_IsBool(f); break;
	case 4: ok = cJSON_IsArray(f); break;
	default: ok = cJSON_IsObject(f); break;
	}
	if (!ok)
		return verr(v, p, "must be %s", tname[type]);
	*out = f;
	return 0;
}
enum { F_STR = 1, F_NUM, F_BOOL, F_ARR, F_OBJ };

int schema_one_of(const char *s, const char *const *set)
{
	size_t i;
	for (i = 0; set[i]; i++)
		if (!strcmp(s, set[i]))
			return 1;
	return 0;
}

static int enum_field(struct vctx *v, const cJSON *o, const char *path, const char *k, int required,
                      const char *const *set, const char **out)
{
	const cJSON *f;
	char p[512], list[256] = "";
	size_t i;
	*out = NULL;
	if (field(v, o, path, k, F_STR, required, &f) < 0)
		return -1;
	if (!f)
		return 0;
	if (!schema_one_of(f->valuestring, set)) {
		const char *m = schema_did_you_mean(f->valuestring, set);
		for (i = 0; set[i]; i++) {
			size_t l = strlen(list);
			schema_fmt(list + l, sizeof list - l, "%s%s", i ? ", " : "", set[i]);
		}
		join(p, sizeof p, path, k);
		if (m)
			return verr(v, p, "'%s' is not one of %s (did you mean '%s'?)", f->valuestring, list, m);
		return verr(v, p, "'%s' is not one of %s", f->valuestring, list);
	}
	*out = f->valuestring;
	return 0;
}

int schema_legal_name(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s), i;
	if (n < min || n > max)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

static int int_field(struct vctx *v, const cJSON *o, const char *path, const char *k, int required, double min,
                     double max, const cJSON **out)
{
	char p[512];
	double d;
	if (field(v, o, path, k, F_NUM, required, out) < 0)
		return -1;
	if (!*out)
		return 0;
	d = (*out)->valuedouble;
	join(p, sizeof p, path, k);
	/* range first: converting inf, NaN or 1e400000 to an integer type is undefined */
	if (!(d >= min && d <= max) || d != (double)(long long)d)
		return verr(v, p, "must be an integer from %.0f to %.0f", min, max);
	return 0;
}

struct attrdefs {
	const char *name[256];
	const char *type[256];
	int used[256];
	size_t n;
};

static const char *const KEY_FIELDS[] = { "AttributeName", "KeyType", NULL };
static const char *const KEY_TYPES[] = { "HASH", "RANGE", NULL };

/* A KeySchema array: HASH first, an optional RANGE, attributes defined.  hash/range receive the names. */
static int check_keys(struct vctx *v, struct attrdefs *defs, const cJSON *ks, const char *path,
                      const char **hash, const char **range)
{
	const cJSON *k;
	int i = 0;
	char p[512];
	*hash = *range = NULL;
	if (!cJSON_IsArray(ks))
		return verr(v, path, "must be an array");
	if (cJSON_GetArraySize(ks) < 1 || cJSON_GetArraySize(ks) > 2)
		return verr(v, path, "must hold a HASH key and optionally a RANGE key (1 or 2 entries), not %d",
		            cJSON_GetArraySize(ks));
	cJSON_ArrayForEach(k, ks) {
		const char *type;
		const cJSON *name;
		size_t d;
		join_ix(p, sizeof p, path, i);
		if (check_object(v, k, p, KEY_FIELDS) < 0 || field(v, k, p, "AttributeName", F_STR, 1, &name) < 0 ||
		    enum_field(v, k, p, "KeyType", 1, KEY_TYPES, &type) < 0)
			return -1;
		if (i == 0 && strcmp(type, "HASH"))
			return verr(v, p, "the first key must be the HASH key");
		if (i == 1 && strcmp(type, "RANGE"))
			return verr(v, p, "the second key must be the RANGE key");
		if (i == 1 && !strcmp(name->valuestring, *hash))
			return verr(v, p, "'%s' is already the HASH key", name->valuestring);
		for (d = 0; d < defs->n; d++)
			if (!strcmp(defs->name[d], name->valuestring))
				break;
		if (d == defs->n) {
			char pp[512];
			join(pp, sizeof pp, p, "AttributeName");
			return verr(v, pp, "'%s' is not in AttributeDefinitions", name->valuestring);
		}
		defs->used[d] = 1;
		if (i == 0)
			*hash = name->valuestring;
		else
			*range = name->valuestring;
		i++;
	}
	return 0;
}

static const char *const PROJ_FIELDS[] = { "ProjectionType", "NonKeyAttributes", NULL };
static const char *const PROJ_TYPES[] = { "ALL", "KEYS_ONLY", "INCLUDE", NULL };

static int check_projection(struct vctx *v, const cJSON *ix, const char *path, int *nonkey_total)
{
	const cJSON *pr, *nk, *a;
	const char *type;
	char p[512], pp[512];
	int i = 0;
	if (field(v, ix, path, "Projection", F_OBJ, 1, &pr) < 0)
		return -1;
	join(p, sizeof p, path, "Projection");
	if (check_object(v, pr, p, PROJ_FIELDS) < 0 || enum_field(v, pr, p, "ProjectionType", 1, PROJ_TYPES, &type) < 0 ||
	    field(v, pr, p, "NonKeyAttributes", F_ARR, 0, &nk) < 0)
		return -1;
	join(pp, sizeof pp, p, "NonKeyAttributes");
	if (nk && strcmp(type, "INCLUDE"))
		return verr(v, pp, "only allowed when ProjectionType is INCLUDE");
	if (!strcmp(type, "INCLUDE") && (!nk || cJSON_GetArraySize(nk) == 0))
		return verr(v, nk ? pp : p, "ProjectionType INCLUDE needs a non-empty NonKeyAttributes list");
	cJSON_ArrayForEach(a, nk) {
		const cJSON *b;
		char q[512];
		join_ix(q, sizeof q, pp, i);
		if (!cJSON_IsString(a) || !a->valuestring[0])
			return verr(v, q, "must be a non-empty string");
		for (b = nk->child; b != a; b = b->next)
			if (!strcmp(b->valuestring, a->valuestring))
				return verr(v, q, "'%s' listed twice", a->valuestring);
		i++;
	}
	*nonkey_total += i;
	return 0;
}

static const char *const PT_FIELDS[] = { "ReadCapacityUnits", "WriteCapacityUnits", NULL };

static int check_throughput(struct vctx *v, const cJSON *o, const char *path, const char *billing)
{
	const cJSON *pt, *r;
	char p[512];
	if (field(v, o, path, "ProvisionedThroughput", F_OBJ, 0, &pt) < 0)
		return -1;
	join(p, sizeof p, path, "ProvisionedThroughput");
	if (!strcmp(billing, "PROVISIONED") && !pt)
		return verr(v, p, "required when BillingMode is PROVISIONED");
	if (!strcmp(billing, "PAY_PER_REQUEST") && pt)
		return verr(v, p, "not allowed when BillingMode is PAY_PER_REQUEST");
	if (!pt)
		return 0;
	if (check_object(v, pt, p, PT_FIELDS) < 0 ||
	    int_field(v, pt, p, "ReadCapacityUnits", 1, 1, MAX_CAPACITY, &r) < 0 ||
	    int_field(v, pt, p, "WriteCapacityUnits", 1, 1, MAX_CAPACITY, &r) < 0)
		return -1;
	return 0;
}

static const char *const ODT_FIELDS[] = { "MaxReadRequestUnits", "MaxWriteRequestUnits", NULL };
static const char *const WT_FIELDS[] = { "ReadUnitsPerSecond", "WriteUnitsPerSecond", NULL };

static int check_passthrough_throughput(struct vctx *v, const cJSON *o, const char *path)
{
	const cJSON *f, *n;
	char p[512];
	if (field(v, o, path, "OnDemandThroughput", F_OBJ, 0, &f) < 0)
		return -1;
	if (f) {
		join(p, sizeof p, path, "OnDemandThroughput");
		if (check_object(v, f, p, ODT_FIELDS) < 0 ||
		    int_field(v, f, p, "MaxReadRequestUnits", 0, -1, MAX_CAPACITY, &n) < 0 ||
		    int_field(v, f, p, "MaxWriteRequestUnits", 0, -1, MAX_CAPACITY, &n) < 0)
			return -1;
	}
	if (field(v, o, path, "WarmThroughput", F_OBJ, 0, &f) < 0)
		return -1;
	if (f) {
		join(p, sizeof p, path, "WarmThroughput");
		if (check_object(v, f, p, WT_FIELDS) < 0 ||
		    int_field(v, f, p, "ReadUnitsPerSecond", 0, 1, MAX_CAPACITY, &n) < 0 ||
		    int_field(v, f, p, "WriteUnitsPerSecond", 0, 1, MAX_CAPACITY, &n) < 0)
			return -1;
	}
	return 0;
}

static const char *const TOP_FIELDS[] = {
	"TableName", "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
	"BillingMode", "ProvisionedThroughput", "StreamSpecification", "SSESpecification", "TableClass", "Tags",
	"DeletionProtectionEnabled", "OnDemandThroughput", "WarmThroughput", "ResourcePolicy",
	"TimeToLiveSpecification", "PointInTimeRecoverySpecification", NULL
};
static const char *const AD_FIELDS[] = { "AttributeName", "AttributeType", NULL };
static const char *const AD_TYPES[] = { "S", "N", "B", NULL };
static const char *const GSI_FIELDS[] = { "IndexName", "KeySchema", "Projection", "ProvisionedThroughput",
	"OnDemandThroughput", "WarmThroughput", NULL };
static const char *const LSI_FIELDS[] = { "IndexName", "KeySchema", "Projection", NULL };
static const char *const BILLING[] = { "PROVISIONED", "PAY_PER_REQUEST", NULL };
static const char *const STREAM_FIELDS[] = { "StreamEnabled", "StreamViewType", NULL };
static const char *const VIEW_TYPES[] = { "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY", NULL };
static const char *const SSE_FIELDS[] = { "Enabled", "SSEType", "KMSMasterKeyId", NULL };
static const char *const SSE_TYPES[] = { "AES256", "KMS", NULL };
static const char *const CLASSES[] = { "STANDARD", "STANDARD_INFREQUENT_ACCESS", NULL };
static const char *const TAG_FIELDS[] = { "Key", "Value", NULL };
static const char *const TTL_FIELDS[] = { "AttributeName", "Enabled", NULL };
static const char *const PITR_FIELDS[] = { "PointInTimeRecoveryEnabled", "RecoveryPeriodInDays", NULL };

static int check_indexes(struct vctx *v, const cJSON *doc, struct attrdefs *defs, const char *billing,
                         const char *thash, const char *trange)
{
	const cJSON *gsis, *lsis, *ix;
	const char *names[32];
	size_t nnames = 0, k;
	int i, nonkey = 0, pass;
	char p[512], pp[512];
	if (field(v, doc, "", "GlobalSecondaryIndexes", F_ARR, 0, &gsis) < 0 ||
	    field(v, doc, "", "LocalSecondaryIndexes", F_ARR, 0, &lsis) < 0)
		return -1;
	if (gsis && cJSON_GetArraySize(gsis) > 20)
		return verr(v, "GlobalSecondaryIndexes", "at most 20 global secondary indexes, not %d",
		            cJSON_GetArraySize(gsis));
	if (lsis && cJSON_GetArraySize(lsis) > 5)
		return verr(v, "LocalSecondaryIndexes", "at most 5 local secondary indexes, not %d",
		            cJSON_GetArraySize(lsis));
	if (gsis && cJSON_GetArraySize(gsis) == 0)
		return verr(v, "GlobalSecondaryIndexes", "must not be empty (leave it out)");
	if (lsis && cJSON_GetArraySize(lsis) == 0)
		return verr(v, "LocalSecondaryIndexes", "must not be empty (leave it out)");
	for (pass = 0; pass < 2; pass++) {
		const cJSON *arr = pass ? lsis : gsis;
		const char *what = pass ? "LocalSecondaryIndexes" : "GlobalSecondaryIndexes";
		i = 0;
		cJSON_ArrayForEach(ix, arr) {
			const cJSON *name, *ks;
			const char *h, *r;
			join_ix(p, sizeof p, what, i);
			if (check_object(v, ix, p, pass ? LSI_FIELDS : GSI_FIELDS) < 0 ||
			    field(v, ix, p, "IndexName", F_STR, 1, &name) < 0)
				return -1;
			join(pp, sizeof pp, p, "IndexName");
			if (!schema_legal_name(name->valuestring, 3, 255))
				return verr(v, pp, "'%s' is not a legal index name (3 to 255 characters: a-z A-Z 0-9 _ - .)",
				            name->valuestring);
			for (k = 0; k < nnames; k++)
				if (!strcmp(names[k], name->valuestring))
					return verr(v, pp, "index name '%s' used twice", name->valuestring);
			names[nnames++] = name->valuestring;
			if (field(v, ix, p, "KeySchema", F_ARR, 1, &ks) < 0)
				return -1;
			join(pp, sizeof pp, p, "KeySchema");
			if (check_keys(v, defs, ks, pp, &h, &r) < 0)
				return -1;
			if (pass) {
				if (!trange)
					return verr(v, p, "a local secondary index needs a table with a RANGE key");
				if (strcmp(h, thash))
					return verr(v, pp, "the HASH key of a local secondary index must be the table's ('%s'), "
					            "not '%s'", thash, h);
				if (!r)
					return verr(v, pp, "a local secondary index needs a RANGE key");
			}
			if (check_projection(v, ix, p, &nonkey) < 0)
				return -1;
			if (!pass && (check_throughput(v, ix, p, billing) < 0 || check_passthrough_throughput(v, ix, p) < 0))
				return -1;
			i++;
		}
	}
	if (nonkey > 100)
		return verr(v, "", "more than 100 NonKeyAttributes across all indexes (%d)", nonkey);
	return 0;
}

int schema_validate(const struct schema *s, struct err *e)
{
	struct vctx v = { s, e };
	const cJSON *doc = s->doc, *f, *a, *ks;
	struct attrdefs *defs = xcalloc(1, sizeof *defs);
	const char *billing, *thash, *trange, *str;
	char p[512], pp[512];
	int i, rc = -1;
	size_t d;

	if (!cJSON_IsObject(doc)) {
		verr(&v, "", "a schema must be a JSON object (the CreateTable input)");
		goto out;
	}
	if (check_object(&v, doc, "", TOP_FIELDS) < 0)
		goto out;

	if (field(&v, doc, "", "TableName", F_STR, 1, &f) < 0)
		goto out;
	if (!schema_legal_name(f->valuestring, 3, 255)) {
		verr(&v, "TableName", "'%s' is not a legal table name (3 to 255 characters: a-z A-Z 0-9 _ - .)",
		     f->valuestring);
		goto out;
	}

	if (field(&v, doc, "", "AttributeDefinitions", F_ARR, 1, &f) < 0)
		goto out;
	i = 0;
	cJSON_ArrayForEach(a, f) {
		const cJSON *name;
		join_ix(p, sizeof p, "AttributeDefinitions", i);
		if (check_object(&v, a, p, AD_FIELDS) < 0 || field(&v, a, p, "AttributeName", F_STR, 1, &name) < 0 ||
		    enum_field(&v, a, p, "AttributeType", 1, AD_TYPES, &str) < 0)
			goto out;
		join(pp, sizeof pp, p, "AttributeName");
		if (!name->valuestring[0] || strlen(name->valuestring) > 255) {
			verr(&v, pp, "must be 1 to 255 characters");
			goto out;
		}
		for (d = 0; d < defs->n; d++) {
			if (!strcmp(defs->name[d], name->valuestring)) {
				verr(&v, pp, "'%s' is defined twice", name->valuestring);
				goto out;
			}
		}
		if (defs->n == sizeof defs->name / sizeof defs->name[0]) {
			verr(&v, p, "too many attribute definitions");
			goto out;
		}
		defs->name[defs->n] = name->valuestring;
		defs->type[defs->n] = str;
		defs->n++;
		i++;
	}
	if (!defs->n) {
		verr(&v, "AttributeDefinitions", "must define at least the HASH key attribute");
		goto out;
	}

	if (field(&v, doc, "", "KeySchema", F_ARR, 1, &ks) < 0 || check_keys(&v, defs, ks, "KeySchema", &thash, &trange) < 0)
		goto out;

	if (enum_field(&v, doc, "", "BillingMode", 0, BILLING, &billing) < 0)
		goto out;
	if (!billing)
		billing = "PROVISIONED";
	if (check_throughput(&v, doc, "", billing) < 0 || check_passthrough_throughput(&v, doc, "") < 0)
		goto out;

	if (check_indexes(&v, doc, defs, billing, thash, trange) < 0)
		goto out;

	for (d = 0; d < defs->n; d++) {
		if (!defs->used[d]) {
			join_ix(p, sizeof p, "AttributeDefinitions", (int)d);
			verr(&v, p, "'%s' is not used by any key of the table or its indexes (DynamoDB rejects unused "
			     "definitions: define only key attributes)", defs->name[d]);
			goto out;
		}
	}

	if (field(&v, doc, "", "StreamSpecification", F_OBJ, 0, &f) < 0)
		goto out;
	if (f) {
		const cJSON *en;
		if (check_object(&v, f, "StreamSpecification", STREAM_FIELDS) < 0 ||
		    field(&v, f, "StreamSpecification", "StreamEnabled", F_BOOL, 1, &en) < 0 ||
		    enum_field(&v, f, "StreamSpecification", "StreamViewType", cJSON_IsTrue(en), VIEW_TYPES, &str) < 0)
			goto out;
	}
	if (field(&v, doc, "", "SSESpecification", F_OBJ, 0, &f) < 0)
		goto out;
	if (f) {
		const cJSON *x;
		if (check_object(&v, f, "SSESpecification", SSE_FIELDS) < 0 ||
		    field(&v, f, "SSESpecification", "Enabled", F_BOOL, 0, &x) < 0 ||
		    enum_field(&v, f, "SSESpecification", "SSEType", 0, SSE_TYPES, &str) < 0 ||
		    field(&v, f, "SSESpecification", "KMSMasterKeyId", F_STR, 0, &x) < 0)
			goto out;
	}
	if (enum_field(&v, doc, "", "TableClass", 0, CLASSES, &str) < 0 ||
	    field(&v, doc, "", "DeletionProtectionEnabled", F_BOOL, 0, &f) < 0 ||
	    field(&v, doc, "", "ResourcePolicy", F_STR, 0, &f) < 0)
		goto out;

	if (field(&v, doc, "", "Tags", F_ARR, 0, &f) < 0)
		goto out;
	if (f && cJSON_GetArraySize(f) > 50) {
		verr(&v, "Tags", "at most 50 tags, not %d", cJSON_GetArraySize(f));
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(a, f) {
		const cJSON *k, *val, *b;
		join_ix(p, sizeof p, "Tags", i);
		if (check_object(&v, a, p, TAG_FIELDS) < 0 || field(&v, a, p, "Key", F_STR, 1, &k) < 0 ||
		    field(&v, a, p, "Value", F_STR, 1, &val) < 0)
			goto out;
		if (!k->valuestring[0] || strlen(k->valuestring) > 128) {
			join(pp, sizeof pp, p, "Key");
			verr(&v, pp, "must be 1 to 128 characters");
			goto out;
		}
		if (strlen(val->valuestring) > 256) {
			join(pp, sizeof pp, p, "Value");
			verr(&v, pp, "must be at most 256 characters");
			goto out;
		}
		for (b = f->child; b != a; b = b->next) {
			if (!strcmp(json_get_string(b, "Key"), k->valuestring)) {
				join(pp, sizeof pp, p, "Key");
				verr(&v, pp, "tag '%s' given twice", k->valuestring);
				goto out;
			}
		}
		i++;
	}

	if (field(&v, doc, "", "TimeToLiveSpecification", F_OBJ, 0, &f) < 0)
		goto out;
	if (f) {
		const cJSON *en, *an;
		if (check_object(&v, f, "TimeToLiveSpecification", TTL_FIELDS) < 0 ||
		    field(&v, f, "TimeToLiveSpecification", "Enabled", F_BOOL, 1, &en) < 0 ||
		    field(&v, f, "TimeToLiveSpecification", "AttributeName", F_STR, cJSON_IsTrue(en), &an) < 0)
			goto out;
		if (an && (!an->valuestring[0] || strlen(an->valuestring) > 255)) {
			verr(&v, "TimeToLiveSpecification.AttributeName", "must be 1 to 255 characters");
			goto out;
		}
	}
	if (field(&v, doc, "", "PointInTimeRecoverySpecification", F_OBJ, 0, &f) < 0)
		goto out;
	if (f) {
		const cJSON *x;
		if (check_object(&v, f, "PointInTimeRecoverySpecification", PITR_FIELDS) < 0 ||
		    field(&v, f, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled", F_BOOL, 1, &x) < 0 ||
		    int_field(&v, f, "PointInTimeRecoverySpecification", "RecoveryPeriodInDays", 0, 1, 35, &x) < 0)
			goto out;
	}
	rc = 0;
out:
	free(defs);
	return rc;
}

