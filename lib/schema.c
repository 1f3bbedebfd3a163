/* schema.c — table schemas: loading (.json, .tf), validation, namespaces, plans (see schema.h). */
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fuzzy.h"
#include "hcl.h"
#include "json.h"

#define SCHEMA_MAX_FILE ((size_t)16 << 20)
#define MAX_CAPACITY 999999999999999.0   /* 15 digits: prints exactly through cJSON's %1.15g */

struct schema_lineref { char *path; int line; };

/* snprintf into a fixed buffer; what does not fit is cut (only messages and field paths go through here). */
static void sfmt(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void sfmt(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 && size)
		out[0] = '\0';
}

/* ---- vars ------------------------------------------------------------------------------- */

static int is_ident(const char *s, size_t n)
{
	size_t i;
	if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int schema_vars_add(struct schema_vars *vars, const char *kv, struct err *e)
{
	const char *eq = strchr(kv, '=');
	size_t i, n;
	if (!eq)
		return err_set(e, ERR_USAGE, "--var '%s': expected NAME=VALUE", kv);
	n = (size_t)(eq - kv);
	if (!is_ident(kv, n))
		return err_set(e, ERR_USAGE, "--var '%s': '%.*s' is not a variable name", kv, (int)n, kv);
	for (i = 0; i < vars->n; i++) {
		if (strlen(vars->v[i].name) == n && !memcmp(vars->v[i].name, kv, n)) {
			free(vars->v[i].value);
			vars->v[i].value = xstrdup(eq + 1);
			return 0;
		}
	}
	vars->v = xrealloc(vars->v, (vars->n + 1) * sizeof *vars->v);
	vars->v[vars->n].name = xstrndup(kv, n);
	vars->v[vars->n].value = xstrdup(eq + 1);
	vars->n++;
	return 0;
}

static const char *vars_getn(const struct schema_vars *vars, const char *name, size_t n)
{
	size_t i;
	for (i = 0; vars && i < vars->n; i++)
		if (strlen(vars->v[i].name) == n && !memcmp(vars->v[i].name, name, n))
			return vars->v[i].value;
	return NULL;
}

const char *schema_vars_get(const struct schema_vars *vars, const char *name)
{
	return vars_getn(vars, name, strlen(name));
}

void schema_vars_release(struct schema_vars *vars)
{
	size_t i;
	for (i = 0; i < vars->n; i++) {
		free(vars->v[i].name);
		free(vars->v[i].value);
	}
	free(vars->v);
	vars->v = NULL;
	vars->n = 0;
}

/* ---- schema objects --------------------------------------------------------------------- */

void schema_free(struct schema *s)
{
	size_t i;
	if (!s)
		return;
	free(s->table);
	free(s->file);
	free(s->tf_name);
	cJSON_Delete(s->doc);
	cJSON_Delete(s->create);
	free(s->ttl_attr);
	free(s->src);
	for (i = 0; i < s->nwarnings; i++)
		free(s->warnings[i]);
	free(s->warnings);
	for (i = 0; i < s->nlines; i++)
		free(s->lines[i].path);
	free(s->lines);
	free(s);
}

void schema_list_release(struct schema_list *l)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		schema_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void list_push(struct schema_list *l, struct schema *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = s;
}

static void lines_add(struct schema *s, const char *path, int line)
{
	s->lines = xrealloc(s->lines, (s->nlines + 1) * sizeof *s->lines);
	s->lines[s->nlines].path = xstrdup(path);
	s->lines[s->nlines].line = line;
	s->nlines++;
}

int schema_line_of(const struct schema *s, const char *path)
{
	if (s->src)
		return json_path_line(s->src, s->src_len, path ? path : "");
	if (s->nlines) {
		char buf[512];
		size_t i, l;
		sfmt(buf, sizeof buf, "%s", path ? path : "");
		for (;;) {
			char *cut;
			for (i = 0; i < s->nlines; i++)
				if (!strcmp(s->lines[i].path, buf))
					return s->lines[i].line;
			l = strlen(buf);
			if (!l)
				break;
			cut = buf + l;
			while (cut > buf && cut[-1] != '.' && cut[-1] != '[')
				cut--;
			if (cut > buf && cut[-1] == '[')
				cut--;
			else if (cut > buf)
				cut--;
			*cut = '\0';
		}
	}
	return s->line;
}

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
static const char *did_you_mean(const char *word, const char *const *names)
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
		sfmt(out, size, "%s", field);
	else if (field[0] == '[')
		sfmt(out, size, "%s%s", base, field);
	else
		sfmt(out, size, "%s.%s", base, field);
}

static void join_ix(char *out, size_t size, const char *base, int ix)
{
	char f[32];
	sfmt(f, sizeof f, "[%d]", ix);
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
			const char *m = did_you_mean(c->string, allowed);
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

static int one_of(const char *s, const char *const *set)
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
	if (!one_of(f->valuestring, set)) {
		const char *m = did_you_mean(f->valuestring, set);
		for (i = 0; set[i]; i++) {
			size_t l = strlen(list);
			sfmt(list + l, sizeof list - l, "%s%s", i ? ", " : "", set[i]);
		}
		join(p, sizeof p, path, k);
		if (m)
			return verr(v, p, "'%s' is not one of %s (did you mean '%s'?)", f->valuestring, list, m);
		return verr(v, p, "'%s' is not one of %s", f->valuestring, list);
	}
	*out = f->valuestring;
	return 0;
}

static int legal_name(const char *s, size_t min, size_t max)
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
			if (!legal_name(name->valuestring, 3, 255))
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
	if (!legal_name(f->valuestring, 3, 255)) {
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

/* Fill table, create and the extras from a validated doc. */
static void schema_finish(struct schema *s)
{
	const cJSON *t, *p;
	s->table = xstrdup(json_get_string(s->doc, "TableName"));
	s->create = cJSON_Duplicate(s->doc, 1);
	if (!s->create) {
		fprintf(stderr, "ddb: out of memory\n");
		abort();
	}
	cJSON_DeleteItemFromObjectCaseSensitive(s->create, "TimeToLiveSpecification");
	cJSON_DeleteItemFromObjectCaseSensitive(s->create, "PointInTimeRecoverySpecification");
	if ((t = json_get(s->doc, "TimeToLiveSpecification"))) {
		s->has_ttl = 1;
		s->ttl_enabled = cJSON_IsTrue(json_get(t, "Enabled"));
		if (json_get_string(t, "AttributeName"))
			s->ttl_attr = xstrdup(json_get_string(t, "AttributeName"));
	}
	if ((p = json_get(s->doc, "PointInTimeRecoverySpecification"))) {
		const cJSON *d = json_get(p, "RecoveryPeriodInDays");
		s->has_pitr = 1;
		s->pitr_enabled = cJSON_IsTrue(json_get(p, "PointInTimeRecoveryEnabled"));
		s->pitr_days = cJSON_IsNumber(d) && d->valuedouble >= 0 && d->valuedouble <= 1e6 ? (int)d->valuedouble : 0;
	}
}

/* ---- JSON files ------------------------------------------------------------------------- */

static int load_json(const char *src, size_t len, const char *file, struct schema_list *out, struct err *e)
{
	const char *end = NULL;
	struct schema *s;
	const char *nul = memchr(src, '\0', len);
	if (nul) {   /* cJSON would skip a NUL as if it were a blank */
		int line = 1;
		for (const char *q = src; q < nul; q++)
			line += *q == '\n';
		return err_set(e, ERR_DATA, "%s:%d: NUL byte in the file (not a text file?)", file, line);
	}
	cJSON *doc = cJSON_ParseWithLengthOpts(src, len, &end, 0);
	if (!doc) {
		int line = 1, col = 1;
		const char *p;
		if (!end || end < src || end > src + len)
			end = src + len;
		for (p = src; p < end; p++) {
			if (*p == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		for (p = end; p < src + len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'); p++)
			;
		if (p >= src + len)
			return err_set(e, ERR_DATA, "%s:%d:%d: invalid JSON (unexpected end of file)", file, line, col);
		return err_set(e, ERR_DATA, "%s:%d:%d: invalid JSON", file, line, col);
	}
	{
		/* trailing garbage: cJSON stops after the first value */
		const char *p = end;
		int line = 1;
		while (p < src + len && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		if (p < src + len && *p) {
			const char *q;
			for (q = src; q < p; q++)
				line += *q == '\n';
			cJSON_Delete(doc);
			return err_set(e, ERR_DATA, "%s:%d: invalid JSON (text after the schema object)", file, line);
		}
	}
	s = xcalloc(1, sizeof *s);
	s->file = xstrdup(file);
	s->doc = doc;
	s->src = xstrndup(src, len);
	s->src_len = len;
	s->line = 1;
	if (schema_validate(s, e) < 0) {
		schema_free(s);
		return -1;
	}
	s->line = json_path_line(src, len, "TableName");
	schema_finish(s);
	list_push(out, s);
	return 0;
}

/* ---- Terraform -------------------------------------------------------------------------- */

struct tfc {
	const char *file;
	const struct schema_vars *vars;
	const struct hcl_body *root;
	struct schema *s;
	struct err *e;
	const char *where;     /* "aws_dynamodb_table.x" */
};

static int tferr(struct tfc *c, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int tferr(struct tfc *c, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(c->e, ERR_DATA, "%s:%d: %s: %s", c->file, line, c->where, msg);
}

/* A literal default of `variable "name" { default = ... }` in the same file. */
static const struct hcl_value *var_default(const struct hcl_body *root, const char *name, size_t n)
{
	size_t i;
	for (i = 0; root && i < root->n; i++) {
		const struct hcl_item *it = &root->items[i];
		if (it->is_block && !strcmp(it->block.type, "variable") && it->block.nlabels == 1 &&
		    strlen(it->block.labels[0]) == n && !memcmp(it->block.labels[0], name, n)) {
			const struct hcl_attr *d = hcl_body_attr(it->block.body, "default");
			if (d && (d->value->kind == HCL_STRING || d->value->kind == HCL_NUMBER || d->value->kind == HCL_BOOL))
				return d->value;
		}
	}
	return NULL;
}

static const char *tf_lookup(void *arg, const char *name, size_t n)
{
	struct tfc *c = arg;
	const char *v = vars_getn(c->vars, name, n);
	const struct hcl_value *d;
	if (v)
		return v;
	d = var_default(c->root, name, n);
	if (!d)
		return NULL;
	if (d->kind == HCL_BOOL)
		return d->b ? "true" : "false";
	if (d->kind == HCL_STRING && strlen(d->str) != d->len)
		return NULL;
	return d->str;
}

/* The text of a literal-ish value: string, number, bool, resolved var.x or "${var.x}" template. */
static int tf_text(struct tfc *c, const char *name, const struct hcl_value *v, struct buf *out)
{
	size_t n;
	const char *ref;
	switch (v->kind) {
	case HCL_STRING:
		if (strlen(v->str) != v->len)
			return tferr(c, v->line, "'%s': a NUL character is not allowed here", name);
		return buf_adds(out, v->str) < 0 ? tferr(c, v->line, "'%s': too long", name) : 0;
	case HCL_NUMBER:
		return buf_adds(out, v->str) < 0 ? tferr(c, v->line, "'%s': too long", name) : 0;
	case HCL_BOOL:
		return buf_adds(out, v->b ? "true" : "false");
	case HCL_TEMPLATE: {
		/* hcl's message is "<file>:<line>: <what>": say which resource and field as well */
		struct err te = ERR_INIT;
		char pre[64];
		int pl;
		if (hcl_template_render(v->str, v->len, tf_lookup, c, c->file, v->line, out, &te) == 0)
			return 0;
		pl = snprintf(pre, sizeof pre, ":%d: ", v->line);
		const char *what = strstr(te.msg, pre);
		if (pl <= 0 || (size_t)pl >= sizeof pre || !what) {
			*c->e = te;
			return -1;
		}
		return tferr(c, v->line, "'%s': %s", name, what + pl);
	}
	case HCL_EXPR:
		if ((ref = hcl_var_ref(v, &n))) {
			const char *val = tf_lookup(c, ref, n);
			if (!val)
				return tferr(c, v->line, "'%s': variable '%.*s' has no value (give it with --var %.*s=VALUE)",
				             name, (int)n, ref, (int)n, ref);
			return buf_adds(out, val) < 0 ? tferr(c, v->line, "'%s': too long", name) : 0;
		}
		return tferr(c, v->line, "'%s': '%.60s' is not supported here: a literal value is needed "
		             "(var.NAME works with --var NAME=VALUE)", name, v->str);
	default:
		return tferr(c, v->line, "'%s' must be a string, not %s", name, hcl_kind_name(v->kind));
	}
}

static int tf_string(struct tfc *c, const struct hcl_attr *a, char **out)
{
	struct buf b = BUF_INIT;
	if (tf_text(c, a->name, a->value, &b) < 0) {
		buf_release(&b);
		return -1;
	}
	*out = b.ptr ? buf_detach(&b, NULL) : xstrdup("");
	return 0;
}

static int tf_bool(struct tfc *c, const struct hcl_attr *a, int *out)
{
	struct buf b = BUF_INIT;
	int rc = 0;
	if (a->value->kind == HCL_BOOL) {
		*out = a->value->b;
		return 0;
	}
	if (a->value->kind == HCL_NUMBER || a->value->kind == HCL_LIST || a->value->kind == HCL_OBJECT ||
	    a->value->kind == HCL_NULL)
		return tferr(c, a->line, "'%s' must be true or false, not %s", a->name, hcl_kind_name(a->value->kind));
	if (tf_text(c, a->name, a->value, &b) < 0)
		rc = -1;
	else if (!strcmp(buf_cstr(&b), "true"))
		*out = 1;
	else if (!strcmp(buf_cstr(&b), "false"))
		*out = 0;
	else
		rc = tferr(c, a->line, "'%s' must be true or false, not '%.40s'", a->name, buf_cstr(&b));
	buf_release(&b);
	return rc;
}

static int tf_int(struct tfc *c, const struct hcl_attr *a, long long *out)
{
	struct buf b = BUF_INIT;
	int rc = 0;
	if (a->value->kind == HCL_BOOL || a->value->kind == HCL_LIST || a->value->kind == HCL_OBJECT ||
	    a->value->kind == HCL_NULL)
		return tferr(c, a->line, "'%s' must be a number, not %s", a->name, hcl_kind_name(a->value->kind));
	if (tf_text(c, a->name, a->value, &b) < 0) {
		rc = -1;
	} else {
		char *end;
		const char *t = buf_cstr(&b);
		errno = 0;
		*out = strtoll(t, &end, 10);
		if (!*t || *end || errno)
			rc = tferr(c, a->line, "'%s' must be a whole number, not '%.40s'", a->name, t);
	}
	buf_release(&b);
	return rc;
}

static int tf_string_list(struct tfc *c, const struct hcl_attr *a, cJSON **out)
{
	size_t i;
	if (a->value->kind != HCL_LIST)
		return a->value->kind == HCL_EXPR
		       ? tferr(c, a->line, "'%s': '%.60s' is not supported here: a list of strings is needed", a->name,
		               a->value->str)
		       : tferr(c, a->line, "'%s' must be a list of strings, not %s", a->name, hcl_kind_name(a->value->kind));
	*out = cJSON_CreateArray();
	for (i = 0; i < a->value->n; i++) {
		struct buf b = BUF_INIT;
		if (a->value->items[i]->kind == HCL_LIST || a->value->items[i]->kind == HCL_OBJECT) {
			cJSON_Delete(*out);
			return tferr(c, a->value->items[i]->line, "'%s' must be a list of strings", a->name);
		}
		if (tf_text(c, a->name, a->value->items[i], &b) < 0) {
			buf_release(&b);
			cJSON_Delete(*out);
			return -1;
		}
		cJSON_AddItemToArray(*out, cJSON_CreateString(buf_cstr(&b)));
		buf_release(&b);
	}
	return 0;
}

static void add_number(cJSON *o, const char *k, long long n)
{
	cJSON_AddItemToObject(o, k, cJSON_CreateNumber((double)n));
}

/* Look for name among names; error with a suggestion when absent. */
static int tf_known(struct tfc *c, int line, const char *what, const char *name, const char *const *names)
{
	const char *m;
	if (one_of(name, names))
		return 0;
	m = did_you_mean(name, names);
	if (m)
		return tferr(c, line, "unknown %s '%s' (did you mean '%s'?)", what, name, m);
	return tferr(c, line, "unknown %s '%s'", what, name);
}

struct tf_index {
	char *name, *hash, *range, *ptype;
	cJSON *nonkey;
	long long rc, wc;
	int has_rc, has_wc;
	int line, name_line, key_line, proj_line, rc_line;
};

static void tf_index_release(struct tf_index *x)
{
	free(x->name);
	free(x->hash);
	free(x->range);
	free(x->ptype);
	cJSON_Delete(x->nonkey);
}

static const char *const TF_GSI_ATTRS[] = { "name", "hash_key", "range_key", "projection_type",
	"non_key_attributes", "read_capacity", "write_capacity", NULL };
static const char *const TF_LSI_ATTRS[] = { "name", "range_key", "projection_type", "non_key_attributes", NULL };

static int tf_index(struct tfc *c, const struct hcl_block *b, int lsi, struct tf_index *x)
{
	size_t i;
	memset(x, 0, sizeof *x);
	x->line = x->name_line = x->key_line = x->proj_line = x->rc_line = b->line;
	if (b->nlabels)
		return tferr(c, b->line, "'%s' blocks take no label", b->type);
	for (i = 0; i < b->body->n; i++) {
		const struct hcl_item *it = &b->body->items[i];
		const struct hcl_attr *a = &it->attr;
		int r = 0;
		if (it->is_block) {
			if (!lsi && !strcmp(it->block.type, "on_demand_throughput"))
				return tferr(c, it->block.line, "'on_demand_throughput' is not supported by ddb");
			return tferr(c, it->block.line, "unexpected block '%s' in %s", it->block.type, b->type);
		}
		if (tf_known(c, a->line, lsi ? "local_secondary_index attribute" : "global_secondary_index attribute",
		             a->name, lsi ? TF_LSI_ATTRS : TF_GSI_ATTRS) < 0)
			return -1;
		if (!strcmp(a->name, "name")) {
			r = tf_string(c, a, &x->name);
			x->name_line = a->line;
		} else if (!strcmp(a->name, "hash_key")) {
			r = tf_string(c, a, &x->hash);
			x->key_line = a->line;
		} else if (!strcmp(a->name, "range_key")) {
			r = tf_string(c, a, &x->range);
			if (x->key_line == b->line)
				x->key_line = a->line;
		} else if (!strcmp(a->name, "projection_type")) {
			r = tf_string(c, a, &x->ptype);
			x->proj_line = a->line;
		} else if (!strcmp(a->name, "non_key_attributes")) {
			r = tf_string_list(c, a, &x->nonkey);
		} else if (!strcmp(a->name, "read_capacity")) {
			r = tf_int(c, a, &x->rc);
			x->has_rc = 1;
			x->rc_line = a->line;
		} else if (!strcmp(a->name, "write_capacity")) {
			r = tf_int(c, a, &x->wc);
			x->has_wc = 1;
			if (!x->has_rc)
				x->rc_line = a->line;
		}
		if (r < 0)
			return -1;
	}
	if (!x->name)
		return tferr(c, b->line, "%s: 'name' is required", b->type);
	if (!lsi && !x->hash)
		return tferr(c, b->line, "%s '%s': 'hash_key' is required", b->type, x->name);
	if (lsi && !x->range)
		return tferr(c, b->line, "%s '%s': 'range_key' is required", b->type, x->name);
	if (!x->ptype)
		return tferr(c, b->line, "%s '%s': 'projection_type' is required", b->type, x->name);
	return 0;
}

static cJSON *key_schema(const char *hash, const char *range)
{
	cJSON *ks = cJSON_CreateArray(), *k;
	k = cJSON_CreateObject();
	cJSON_AddStringToObject(k, "AttributeName", hash ? hash : "");
	cJSON_AddStringToObject(k, "KeyType", "HASH");
	cJSON_AddItemToArray(ks, k);
	if (range) {
		k = cJSON_CreateObject();
		cJSON_AddStringToObject(k, "AttributeName", range);
		cJSON_AddStringToObject(k, "KeyType", "RANGE");
		cJSON_AddItemToArray(ks, k);
	}
	return ks;
}

static const char *const TF_TABLE_ATTRS[] = { "name", "billing_mode", "read_capacity", "write_capacity",
	"hash_key", "range_key", "stream_enabled", "stream_view_type", "tags", "deletion_protection_enabled",
	"table_class", "provider", "depends_on", "count", "for_each", "tags_all", "restore_source_name",
	"restore_source_table_arn", "restore_to_latest_time", "restore_date_time", NULL };
static const char *const TF_TABLE_BLOCKS[] = { "attribute", "global_secondary_index", "local_secondary_index",
	"ttl", "point_in_time_recovery", "server_side_encryption", "lifecycle", "timeouts", "replica",
	"import_table", "on_demand_throughput", "dynamic", NULL };

struct tf_table {
	char *name, *billing, *hash, *range, *view, *tclass;
	long long rc, wc;
	int has_rc, has_wc, has_stream, stream, has_dp, dp;
	int attr_line, name_line, billing_line, key_line, range_line, rc_line, stream_line, tags_line, class_line, dp_line;
	cJSON *attrs, *gsis, *lsis, *tags, *ttl, *pitr, *sse;
};

static int tf_attribute_block(struct tfc *c, const struct hcl_block *b, struct tf_table *t, int ix)
{
	static const char *const names[] = { "name", "type", NULL };
	char *name = NULL, *type = NULL, p[64];
	size_t i;
	cJSON *o;
	if (b->nlabels)
		return tferr(c, b->line, "'attribute' blocks take no label");
	for (i = 0; i < b->body->n; i++) {
		const struct hcl_item *it = &b->body->items[i];
		int r;
		if (it->is_block) {
			free(name);
			free(type);
			return tferr(c, it->block.line, "unexpected block '%s' in attribute", it->block.type);
		}
		if (tf_known(c, it->attr.line, "attribute field", it->attr.name, names) < 0) {
			free(name);
			free(type);
			return -1;
		}
		if (!strcmp(it->attr.name, "name")) {
			free(name);
			name = NULL;
			r = tf_string(c, &it->attr, &name);
		} else {
			free(type);
			type = NULL;
			r = tf_string(c, &it->attr, &type);
		}
		if (r < 0) {
			free(name);
			free(type);
			return -1;
		}
	}
	if (!name || !type) {
		free(name);
		free(type);
		return tferr(c, b->line, "an attribute block needs 'name' and 'type'");
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "AttributeName", name);
	cJSON_AddStringToObject(o, "AttributeType", type);
	cJSON_AddItemToArray(t->attrs, o);
	sfmt(p, sizeof p, "AttributeDefinitions[%d]", ix);
	lines_add(c->s, p, b->line);
	if (ix == 0)
		t->attr_line = b->line;
	free(name);
	free(type);
	return 0;
}

static int tf_simple_block(struct tfc *c, const struct hcl_block *b, const char *const *names,
                           const struct hcl_attr **found)
{
	size_t i, k;
	if (b->nlabels)
		return tferr(c, b->line, "'%s' blocks take no label", b->type);
	for (k = 0; names[k]; k++)
		found[k] = NULL;
	for (i = 0; i < b->body->n; i++) {
		const struct hcl_item *it = &b->body->items[i];
		if (it->is_block)
			return tferr(c, it->block.line, "unexpected block '%s' in %s", it->block.type, b->type);
		if (tf_known(c, it->attr.line, b->type, it->attr.name, names) < 0)
			return -1;
		for (k = 0; names[k]; k++)
			if (!strcmp(names[k], it->attr.name))
				found[k] = &it->attr;
	}
	return 0;
}

static void tf_table_release(struct tf_table *t)
{
	free(t->name);
	free(t->billing);
	free(t->hash);
	free(t->range);
	free(t->view);
	free(t->tclass);
	cJSON_Delete(t->attrs);
	cJSON_Delete(t->gsis);
	cJSON_Delete(t->lsis);
	cJSON_Delete(t->tags);
	cJSON_Delete(t->ttl);
	cJSON_Delete(t->pitr);
	cJSON_Delete(t->sse);
}

static int tf_table_attr(struct tfc *c, const struct hcl_attr *a, struct tf_table *t)
{
	const char *n = a->name;
	if (tf_known(c, a->line, "aws_dynamodb_table argument", n, TF_TABLE_ATTRS) < 0)
		return -1;
	if (!strcmp(n, "provider") || !strcmp(n, "depends_on"))
		return 0;
	if (!strcmp(n, "count") || !strcmp(n, "for_each") || !strcmp(n, "tags_all") || !strncmp(n, "restore_", 8))
		return tferr(c, a->line, "'%s' is not supported by ddb", n);
	if (!strcmp(n, "name")) {
		t->name_line = a->line;
		return tf_string(c, a, &t->name);
	}
	if (!strcmp(n, "billing_mode")) {
		t->billing_line = a->line;
		return tf_string(c, a, &t->billing);
	}
	if (!strcmp(n, "hash_key")) {
		t->key_line = a->line;
		return tf_string(c, a, &t->hash);
	}
	if (!strcmp(n, "range_key")) {
		t->range_line = a->line;
		return tf_string(c, a, &t->range);
	}
	if (!strcmp(n, "read_capacity")) {
		t->has_rc = 1;
		t->rc_line = a->line;
		return tf_int(c, a, &t->rc);
	}
	if (!strcmp(n, "write_capacity")) {
		t->has_wc = 1;
		if (!t->has_rc)
			t->rc_line = a->line;
		return tf_int(c, a, &t->wc);
	}
	if (!strcmp(n, "stream_enabled")) {
		t->has_stream = 1;
		t->stream_line = a->line;
		return tf_bool(c, a, &t->stream);
	}
	if (!strcmp(n, "stream_view_type")) {
		if (!t->has_stream)
			t->stream_line = a->line;
		return tf_string(c, a, &t->view);
	}
	if (!strcmp(n, "table_class")) {
		t->class_line = a->line;
		return tf_string(c, a, &t->tclass);
	}
	if (!strcmp(n, "deletion_protection_enabled")) {
		t->has_dp = 1;
		t->dp_line = a->line;
		return tf_bool(c, a, &t->dp);
	}
	if (!strcmp(n, "tags")) {
		size_t i;
		const struct hcl_value *v = a->value;
		t->tags_line = a->line;
		if (v->kind != HCL_OBJECT)
			return v->kind == HCL_EXPR
			       ? tferr(c, a->line, "'tags': '%.60s' is not supported here: a literal map is needed", v->str)
			       : tferr(c, a->line, "'tags' must be a map, not %s", hcl_kind_name(v->kind));
		t->tags = cJSON_CreateArray();
		for (i = 0; i < v->n; i++) {
			struct buf b = BUF_INIT;
			cJSON *tag;
			char p[64];
			if (v->attrs[i].value->kind == HCL_LIST || v->attrs[i].value->kind == HCL_OBJECT ||
			    v->attrs[i].value->kind == HCL_NULL)
				return tferr(c, v->attrs[i].line, "tag '%s' must be a string", v->attrs[i].name);
			if (tf_text(c, v->attrs[i].name, v->attrs[i].value, &b) < 0) {
				buf_release(&b);
				return -1;
			}
			tag = cJSON_CreateObject();
			cJSON_AddStringToObject(tag, "Key", v->attrs[i].name);
			cJSON_AddStringToObject(tag, "Value", buf_cstr(&b));
			cJSON_AddItemToArray(t->tags, tag);
			buf_release(&b);
			sfmt(p, sizeof p, "Tags[%zu]", i);
			lines_add(c->s, p, v->attrs[i].line);
		}
		return 0;
	}
	return 0;
}

/* lifecycle { ignore_changes = [...] }: what schema_plan leaves alone.  Names ddb does not compare anyway are
 * accepted; a name no aws_dynamodb_table has is a warning (Terraform would refuse it, ddb need not). */
static const struct { const char *name; unsigned bit; } TF_IGNORE[] = {
	{ "read_capacity", SCHEMA_IGN_READ }, { "write_capacity", SCHEMA_IGN_WRITE },
	{ "billing_mode", SCHEMA_IGN_BILLING }, { "global_secondary_index", SCHEMA_IGN_GSI },
	{ "stream_enabled", SCHEMA_IGN_STREAM }, { "stream_view_type", SCHEMA_IGN_STREAM },
	{ "ttl", SCHEMA_IGN_TTL }, { "point_in_time_recovery", SCHEMA_IGN_PITR },
	{ "deletion_protection_enabled", SCHEMA_IGN_DP }, { "table_class", SCHEMA_IGN_CLASS },
	{ "tags", SCHEMA_IGN_TAGS }, { "tags_all", SCHEMA_IGN_TAGS },
	{ "warm_throughput", 0 }, { "on_demand_throughput", 0 },
};

static void tf_warn(struct schema *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tf_warn(struct schema *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	s->warnings = xrealloc(s->warnings, (s->nwarnings + 1) * sizeof *s->warnings);
	s->warnings[s->nwarnings++] = xstrdup(msg);
}

static int tf_lifecycle(struct tfc *c, const struct hcl_block *b)
{
	const struct hcl_attr *a = hcl_body_attr(b->body, "ignore_changes");
	size_t i, k, n;
	if (!a)
		return 0;
	if (a->value->kind == HCL_EXPR && !strcmp(a->value->str, "all")) {
		c->s->ignore = SCHEMA_IGN_ALL;
		return 0;
	}
	if (a->value->kind != HCL_LIST)
		return tferr(c, a->line, "'ignore_changes' must be a list of argument names or all");
	for (i = 0; i < a->value->n; i++) {
		const struct hcl_value *v = a->value->items[i];
		const char *w;
		int known = 0;
		if (v->kind != HCL_EXPR && v->kind != HCL_STRING)
			return tferr(c, v->line, "'ignore_changes' must be a list of argument names, not %s",
			             hcl_kind_name(v->kind));
		w = v->str;
		n = strcspn(w, ".[ \t");   /* global_secondary_index[0].read_capacity: the argument it is under */
		for (k = 0; k < sizeof TF_IGNORE / sizeof *TF_IGNORE; k++) {
			if (strlen(TF_IGNORE[k].name) == n && !strncmp(w, TF_IGNORE[k].name, n)) {
				c->s->ignore |= TF_IGNORE[k].bit;
				known = 1;
			}
		}
		for (k = 0; !known && TF_TABLE_ATTRS[k]; k++)
			known = strlen(TF_TABLE_ATTRS[k]) == n && !strncmp(w, TF_TABLE_ATTRS[k], n);
		for (k = 0; !known && TF_TABLE_BLOCKS[k]; k++)
			known = strlen(TF_TABLE_BLOCKS[k]) == n && !strncmp(w, TF_TABLE_BLOCKS[k], n);
		if (!known)
			tf_warn(c->s, "%s:%d: %s: ignore_changes: unknown argument '%.*s' (ignored)", c->file, v->line,
			        c->where, (int)(n > 60 ? 60 : n), w);
	}
	return 0;
}

static int tf_table_block(struct tfc *c, const struct hcl_block *b, struct tf_table *t, int *nattr, int *ngsi,
                          int *nlsi)
{
	const char *n = b->type;
	char p[96];
	if (tf_known(c, b->line, "aws_dynamodb_table block", n, TF_TABLE_BLOCKS) < 0)
		return -1;
	if (!strcmp(n, "lifecycle"))
		return tf_lifecycle(c, b);
	if (!strcmp(n, "timeouts"))
		return 0;
	if (!strcmp(n, "dynamic"))
		return tferr(c, b->line, "'dynamic' blocks are not supported by ddb (write the blocks out)");
	if (!strcmp(n, "replica") || !strcmp(n, "import_table") || !strcmp(n, "on_demand_throughput"))
		return tferr(c, b->line, "'%s' is not supported by ddb", n);
	if (!strcmp(n, "attribute"))
		return tf_attribute_block(c, b, t, (*nattr)++);
	if (!strcmp(n, "global_secondary_index") || !strcmp(n, "local_secondary_index")) {
		int lsi = n[0] == 'l', ix = lsi ? (*nlsi)++ : (*ngsi)++;
		const char *arr = lsi ? "LocalSecondaryIndexes" : "GlobalSecondaryIndexes";
		struct tf_index x;
		cJSON *o, *pr;
		if (tf_index(c, b, lsi, &x) < 0) {
			tf_index_release(&x);
			return -1;
		}
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "IndexName", x.name);
		cJSON_AddItemToObject(o, "KeySchema", key_schema(lsi ? (t->hash ? t->hash : "") : x.hash, x.range));
		pr = cJSON_CreateObject();
		cJSON_AddStringToObject(pr, "ProjectionType", x.ptype);
		if (x.nonkey) {
			cJSON_AddItemToObject(pr, "NonKeyAttributes", x.nonkey);
			x.nonkey = NULL;
		}
		cJSON_AddItemToObject(o, "Projection", pr);
		if (x.has_rc || x.has_wc) {
			cJSON *pt = cJSON_CreateObject();
			if (x.has_rc)
				add_number(pt, "ReadCapacityUnits", x.rc);
			if (x.has_wc)
				add_number(pt, "WriteCapacityUnits", x.wc);
			cJSON_AddItemToObject(o, "ProvisionedThroughput", pt);
		}
		if (lsi) {
			if (!t->lsis)
				t->lsis = cJSON_CreateArray();
			cJSON_AddItemToArray(t->lsis, o);
		} else {
			if (!t->gsis)
				t->gsis = cJSON_CreateArray();
			cJSON_AddItemToArray(t->gsis, o);
		}
		sfmt(p, sizeof p, "%s[%d]", arr, ix);
		lines_add(c->s, p, x.line);
		sfmt(p, sizeof p, "%s[%d].IndexName", arr, ix);
		lines_add(c->s, p, x.name_line);
		sfmt(p, sizeof p, "%s[%d].KeySchema", arr, ix);
		lines_add(c->s, p, x.key_line);
		sfmt(p, sizeof p, "%s[%d].Projection", arr, ix);
		lines_add(c->s, p, x.proj_line);
		sfmt(p, sizeof p, "%s[%d].ProvisionedThroughput", arr, ix);
		lines_add(c->s, p, x.rc_line);
		tf_index_release(&x);
		return 0;
	}
	if (!strcmp(n, "ttl")) {
		if (t->ttl)
			return tferr(c, b->line, "only one 'ttl' block is allowed");
		static const char *const names[] = { "attribute_name", "enabled", NULL };
		const struct hcl_attr *f[2];
		char *an = NULL;
		int en = 0;
		if (tf_simple_block(c, b, names, f) < 0 || (f[0] && tf_string(c, f[0], &an) < 0) ||
		    (f[1] && tf_bool(c, f[1], &en) < 0)) {
			free(an);
			return -1;
		}
		t->ttl = cJSON_CreateObject();
		if (an && *an)
			cJSON_AddStringToObject(t->ttl, "AttributeName", an);
		cJSON_AddBoolToObject(t->ttl, "Enabled", en);
		free(an);
		lines_add(c->s, "TimeToLiveSpecification", b->line);
		return 0;
	}
	if (!strcmp(n, "point_in_time_recovery")) {
		if (t->pitr)
			return tferr(c, b->line, "only one 'point_in_time_recovery' block is allowed");
		static const char *const names[] = { "enabled", "recovery_period_in_days", NULL };
		const struct hcl_attr *f[2];
		int en = 0;
		long long days = 0;
		if (tf_simple_block(c, b, names, f) < 0 || (f[0] && tf_bool(c, f[0], &en) < 0) ||
		    (f[1] && tf_int(c, f[1], &days) < 0))
			return -1;
		t->pitr = cJSON_CreateObject();
		cJSON_AddBoolToObject(t->pitr, "PointInTimeRecoveryEnabled", en);
		if (f[1])
			add_number(t->pitr, "RecoveryPeriodInDays", days);
		lines_add(c->s, "PointInTimeRecoverySpecification", b->line);
		return 0;
	}
	if (!strcmp(n, "server_side_encryption")) {
		if (t->sse)
			return tferr(c, b->line, "only one 'server_side_encryption' block is allowed");
		static const char *const names[] = { "enabled", "kms_key_arn", NULL };
		const struct hcl_attr *f[2];
		int en = 0;
		char *kms = NULL;
		if (tf_simple_block(c, b, names, f) < 0 || (f[0] && tf_bool(c, f[0], &en) < 0) ||
		    (f[1] && tf_string(c, f[1], &kms) < 0)) {
			free(kms);
			return -1;
		}
		t->sse = cJSON_CreateObject();
		cJSON_AddBoolToObject(t->sse, "Enabled", en);
		if (en)
			cJSON_AddStringToObject(t->sse, "SSEType", "KMS");
		if (kms && *kms)
			cJSON_AddStringToObject(t->sse, "KMSMasterKeyId", kms);
		free(kms);
		lines_add(c->s, "SSESpecification", b->line);
		return 0;
	}
	return 0;
}

static int tf_resource(struct tfc *c, const struct hcl_block *r, struct schema *s)
{
	struct tf_table t;
	cJSON *doc;
	size_t i;
	int nattr = 0, ngsi = 0, nlsi = 0, rc = -1;
	memset(&t, 0, sizeof t);
	t.attrs = cJSON_CreateArray();
	/* hash_key first: local_secondary_index blocks use it whatever the order */
	for (i = 0; i < r->body->n; i++) {
		const struct hcl_item *it = &r->body->items[i];
		if (!it->is_block && !strcmp(it->attr.name, "hash_key") && tf_table_attr(c, &it->attr, &t) < 0)
			goto out;
	}
	for (i = 0; i < r->body->n; i++) {
		const struct hcl_item *it = &r->body->items[i];
		if (it->is_block ? tf_table_block(c, &it->block, &t, &nattr, &ngsi, &nlsi) < 0
		                 : strcmp(it->attr.name, "hash_key") && tf_table_attr(c, &it->attr, &t) < 0)
			goto out;
	}
	if (!t.name) {
		tferr(c, r->line, "'name' is required");
		goto out;
	}
	if (!t.hash) {
		tferr(c, r->line, "'hash_key' is required");
		goto out;
	}
	if (t.view && !(t.has_stream && t.stream)) {
		tferr(c, t.stream_line, "'stream_view_type' needs stream_enabled = true");
		goto out;
	}
	doc = cJSON_CreateObject();
	s->doc = doc;
	cJSON_AddStringToObject(doc, "TableName", t.name);
	lines_add(s, "TableName", t.name_line);
	cJSON_AddItemToObject(doc, "AttributeDefinitions", t.attrs);
	t.attrs = NULL;
	lines_add(s, "AttributeDefinitions", nattr ? t.attr_line : r->line);
	cJSON_AddItemToObject(doc, "KeySchema", key_schema(t.hash, t.range));
	lines_add(s, "KeySchema", t.key_line);
	lines_add(s, "KeySchema[0]", t.key_line);
	if (t.range)
		lines_add(s, "KeySchema[1]", t.range_line);
	if (t.gsis) {
		cJSON_AddItemToObject(doc, "GlobalSecondaryIndexes", t.gsis);
		t.gsis = NULL;
	}
	if (t.lsis) {
		cJSON_AddItemToObject(doc, "LocalSecondaryIndexes", t.lsis);
		t.lsis = NULL;
	}
	cJSON_AddStringToObject(doc, "BillingMode", t.billing ? t.billing : "PROVISIONED");
	lines_add(s, "BillingMode", t.billing ? t.billing_line : r->line);
	if (t.has_rc || t.has_wc) {
		cJSON *pt = cJSON_CreateObject();
		if (t.has_rc)
			add_number(pt, "ReadCapacityUnits", t.rc);
		if (t.has_wc)
			add_number(pt, "WriteCapacityUnits", t.wc);
		cJSON_AddItemToObject(doc, "ProvisionedThroughput", pt);
		lines_add(s, "ProvisionedThroughput", t.rc_line);
	}
	if (t.has_stream) {
		cJSON *ss = cJSON_CreateObject();
		cJSON_AddBoolToObject(ss, "StreamEnabled", t.stream);
		if (t.view)
			cJSON_AddStringToObject(ss, "StreamViewType", t.view);
		cJSON_AddItemToObject(doc, "StreamSpecification", ss);
		lines_add(s, "StreamSpecification", t.stream_line);
	}
	if (t.sse) {
		cJSON_AddItemToObject(doc, "SSESpecification", t.sse);
		t.sse = NULL;
	}
	if (t.tclass) {
		cJSON_AddStringToObject(doc, "TableClass", t.tclass);
		lines_add(s, "TableClass", t.class_line);
	}
	if (t.tags) {
		cJSON_AddItemToObject(doc, "Tags", t.tags);
		t.tags = NULL;
		lines_add(s, "Tags", t.tags_line);
	}
	if (t.has_dp) {
		cJSON_AddBoolToObject(doc, "DeletionProtectionEnabled", t.dp);
		lines_add(s, "DeletionProtectionEnabled", t.dp_line);
	}
	if (t.ttl) {
		cJSON_AddItemToObject(doc, "TimeToLiveSpecification", t.ttl);
		t.ttl = NULL;
	}
	if (t.pitr) {
		cJSON_AddItemToObject(doc, "PointInTimeRecoverySpecification", t.pitr);
		t.pitr = NULL;
	}
	rc = 0;
out:
	tf_table_release(&t);
	return rc;
}

/* ---- resource "aws_dynamodb_global_secondary_index": merged into the table it names ---------- */

static const char *const TF_GSIR_ATTRS[] = { "table_name", "index_name", "hash_key", "range_key", "provider",
	"depends_on", "region", "count", "for_each", NULL };
static const char *const TF_GSIR_BLOCKS[] = { "key_schema", "projection", "provisioned_throughput",
	"on_demand_throughput", "warm_throughput", "lifecycle", "timeouts", NULL };

/* The table named by table_name: `aws_dynamodb_table.X.name` (or .id) by its resource name, else by the
 * table's name as written (a literal or var.NAME). */
static struct schema *tf_gsi_table(struct tfc *c, const struct hcl_attr *a, struct schema_list *got)
{
	const char *v = a->value->str;
	size_t k;
	char *name = NULL;
	if (a->value->kind == HCL_EXPR && !strncmp(v, "aws_dynamodb_table.", 19)) {
		const char *r = v + 19;
		size_t n = strcspn(r, ".");
		if (strcmp(r + n, ".name") && strcmp(r + n, ".id")) {
			tferr(c, a->line, "'table_name': '%.60s' is not supported here: use aws_dynamodb_table.NAME.name", v);
			return NULL;
		}
		for (k = 0; k < got->n; k++)
			if (strlen(got->v[k]->tf_name) == n && !strncmp(got->v[k]->tf_name, r, n))
				return got->v[k];
		tferr(c, a->line, "'table_name': no resource aws_dynamodb_table.%.*s in this file (or its folder's .tf files)", (int)(n > 60 ? 60 : n), r);
		return NULL;
	}
	if (tf_string(c, a, &name) < 0)
		return NULL;
	for (k = 0; k < got->n; k++) {
		if (!strcmp(json_get_string(got->v[k]->doc, "TableName"), name)) {
			free(name);
			return got->v[k];
		}
	}
	tferr(c, a->line, "'table_name': no aws_dynamodb_table named '%.60s' in this file (or its folder's .tf files)", name);
	free(name);
	return NULL;
}

/* Add AttributeName/AttributeType to the table's definitions unless there; a different type is an error. */
static int tf_gsi_attrdef(struct tfc *c, int line, struct schema *t, const char *name, const char *type)
{
	cJSON *defs = cJSON_GetObjectItemCaseSensitive(t->doc, "AttributeDefinitions"), *d, *o;
	int n = 0;
	char p[64];
	cJSON_ArrayForEach(d, defs) {
		if (json_get_string(d, "AttributeName") && !strcmp(json_get_string(d, "AttributeName"), name)) {
			if (type && json_get_string(d, "AttributeType") && strcmp(json_get_string(d, "AttributeType"), type))
				return tferr(c, line, "attribute '%.60s' is type %s here but %s in aws_dynamodb_table.%s", name,
				             type, json_get_string(d, "AttributeType"), t->tf_name);
			return 0;
		}
		n++;
	}
	if (!type)
		return 0;   /* hash_key / range_key: the table's attribute blocks must define it (validation says so) */
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "AttributeName", name);
	cJSON_AddStringToObject(o, "AttributeType", type);
	cJSON_AddItemToArray(defs, o);
	sfmt(p, sizeof p, "AttributeDefinitions[%d]", n);
	lines_add(t, p, line);
	return 0;
}

struct tf_gsir {
	char *index, *hash, *range, *ptype;
	cJSON *keys, *nonkey, *pt, *odt, *wt;
	int key_line, proj_line, pt_line;
};

static void tf_gsir_release(struct tf_gsir *g)
{
	free(g->index);
	free(g->hash);
	free(g->range);
	free(g->ptype);
	cJSON_Delete(g->keys);
	cJSON_Delete(g->nonkey);
	cJSON_Delete(g->pt);
	cJSON_Delete(g->odt);
	cJSON_Delete(g->wt);
}

/* A block of numbers, e.g. provisioned_throughput { read_capacity_units = 5 } -> {"ReadCapacityUnits": 5}. */
static int tf_number_block(struct tfc *c, const struct hcl_block *b, const char *const *names,
                           const char *const *keys, cJSON **out)
{
	const struct hcl_attr *f[3];
	size_t k;
	if (*out)
		return tferr(c, b->line, "only one '%s' block is allowed", b->type);
	if (tf_simple_block(c, b, names, f) < 0)
		return -1;
	*out = cJSON_CreateObject();
	for (k = 0; names[k]; k++) {
		long long n;
		if (!f[k])
			continue;
		if (tf_int(c, f[k], &n) < 0)
			return -1;
		add_number(*out, keys[k], n);
	}
	return 0;
}

static int tf_gsir_block(struct tfc *c, const struct hcl_block *b, struct tf_gsir *g, struct schema *t)
{
	const char *n = b->type;
	if (tf_known(c, b->line, "aws_dynamodb_global_secondary_index block", n, TF_GSIR_BLOCKS) < 0)
		return -1;
	if (!strcmp(n, "lifecycle") || !strcmp(n, "timeouts"))
		return 0;
	if (!strcmp(n, "key_schema")) {
		static const char *const names[] = { "attribute_name", "attribute_type", "key_type", NULL };
		const struct hcl_attr *f[3];
		char *an = NULL, *at = NULL, *kt = NULL;
		cJSON *k;
		int r = -1;
		if (tf_simple_block(c, b, names, f) < 0 || (f[0] && tf_string(c, f[0], &an) < 0) ||
		    (f[1] && tf_string(c, f[1], &at) < 0) || (f[2] && tf_string(c, f[2], &kt) < 0))
			goto out;
		if (!an || !kt) {
			tferr(c, b->line, "a key_schema block needs 'attribute_name' and 'key_type'");
			goto out;
		}
		if (tf_gsi_attrdef(c, b->line, t, an, at) < 0)
			goto out;
		if (!g->keys) {
			g->keys = cJSON_CreateArray();
			g->key_line = b->line;
		}
		k = cJSON_CreateObject();
		cJSON_AddStringToObject(k, "AttributeName", an);
		cJSON_AddStringToObject(k, "KeyType", kt);
		/* HASH first, as DynamoDB wants, whatever the order of the blocks */
		if (!strcmp(kt, "HASH"))
			cJSON_InsertItemInArray(g->keys, 0, k);
		else
			cJSON_AddItemToArray(g->keys, k);
		r = 0;
	out:
		free(an);
		free(at);
		free(kt);
		return r;
	}
	if (!strcmp(n, "projection")) {
		static const char *const names[] = { "projection_type", "non_key_attributes", NULL };
		const struct hcl_attr *f[2];
		if (g->ptype)
			return tferr(c, b->line, "only one 'projection' block is allowed");
		g->proj_line = b->line;
		if (tf_simple_block(c, b, names, f) < 0 || (f[0] && tf_string(c, f[0], &g->ptype) < 0) ||
		    (f[1] && tf_string_list(c, f[1], &g->nonkey) < 0))
			return -1;
		if (!g->ptype)
			return tferr(c, b->line, "the projection block needs 'projection_type'");
		return 0;
	}
	if (!strcmp(n, "provisioned_throughput")) {
		static const char *const names[] = { "read_capacity_units", "write_capacity_units", NULL };
		static const char *const keys[] = { "ReadCapacityUnits", "WriteCapacityUnits", NULL };
		g->pt_line = b->line;
		return tf_number_block(c, b, names, keys, &g->pt);
	}
	if (!strcmp(n, "on_demand_throughput")) {
		static const char *const names[] = { "max_read_request_units", "max_write_request_units", NULL };
		static const char *const keys[] = { "MaxReadRequestUnits", "MaxWriteRequestUnits", NULL };
		return tf_number_block(c, b, names, keys, &g->odt);
	}
	static const char *const names[] = { "read_units_per_second", "write_units_per_second", NULL };
	static const char *const keys[] = { "ReadUnitsPerSecond", "WriteUnitsPerSecond", NULL };
	return tf_number_block(c, b, names, keys, &g->wt);
}

static int tf_gsi_resource(struct tfc *c, const struct hcl_block *r, struct schema_list *got)
{
	const struct hcl_attr *tn = hcl_body_attr(r->body, "table_name");
	struct tf_gsir g;
	struct schema *t;
	cJSON *o, *arr, *pr;
	size_t i;
	int ix, rc = -1;
	char p[96];
	memset(&g, 0, sizeof g);
	if (!tn)
		return tferr(c, r->line, "'table_name' is required");
	if (!(t = tf_gsi_table(c, tn, got)))
		return -1;
	g.key_line = g.proj_line = g.pt_line = r->line;
	for (i = 0; i < r->body->n; i++) {
		const struct hcl_item *it = &r->body->items[i];
		const struct hcl_attr *a = &it->attr;
		int x = 0;
		if (it->is_block) {
			if (tf_gsir_block(c, &it->block, &g, t) < 0)
				goto out;
			continue;
		}
		if (tf_known(c, a->line, "aws_dynamodb_global_secondary_index argument", a->name, TF_GSIR_ATTRS) < 0)
			goto out;
		if (!strcmp(a->name, "count") || !strcmp(a->name, "for_each")) {
			tferr(c, a->line, "'%s' is not supported by ddb", a->name);
			goto out;
		}
		if (!strcmp(a->name, "index_name"))
			x = tf_string(c, a, &g.index);
		else if (!strcmp(a->name, "hash_key"))
			x = tf_string(c, a, &g.hash);
		else if (!strcmp(a->name, "range_key"))
			x = tf_string(c, a, &g.range);
		if (x < 0)
			goto out;
		if (!strcmp(a->name, "hash_key") || !strcmp(a->name, "range_key"))
			g.key_line = a->line;
	}
	if (!g.index) {
		tferr(c, r->line, "'index_name' is required");
		goto out;
	}
	if (g.keys && (g.hash || g.range)) {
		tferr(c, g.key_line, "give the keys as key_schema blocks or as hash_key/range_key, not both");
		goto out;
	}
	if (!g.keys && !g.hash) {
		tferr(c, r->line, "'%s': a key_schema block (or hash_key) is required", g.index);
		goto out;
	}
	if (!g.ptype) {
		tferr(c, r->line, "'%s': a projection block is required", g.index);
		goto out;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "IndexName", g.index);
	cJSON_AddItemToObject(o, "KeySchema", g.keys ? g.keys : key_schema(g.hash, g.range));
	g.keys = NULL;
	pr = cJSON_AddObjectToObject(o, "Projection");
	cJSON_AddStringToObject(pr, "ProjectionType", g.ptype);
	if (g.nonkey) {
		cJSON_AddItemToObject(pr, "NonKeyAttributes", g.nonkey);
		g.nonkey = NULL;
	}
	if (g.pt) {
		cJSON_AddItemToObject(o, "ProvisionedThroughput", g.pt);
		g.pt = NULL;
	}
	if (g.odt) {
		cJSON_AddItemToObject(o, "OnDemandThroughput", g.odt);
		g.odt = NULL;
	}
	if (g.wt) {
		cJSON_AddItemToObject(o, "WarmThroughput", g.wt);
		g.wt = NULL;
	}
	arr = cJSON_GetObjectItemCaseSensitive(t->doc, "GlobalSecondaryIndexes");
	if (!arr)
		arr = cJSON_AddArrayToObject(t->doc, "GlobalSecondaryIndexes");
	ix = cJSON_GetArraySize(arr);
	cJSON_AddItemToArray(arr, o);
	sfmt(p, sizeof p, "GlobalSecondaryIndexes[%d]", ix);
	lines_add(t, p, r->line);
	sfmt(p, sizeof p, "GlobalSecondaryIndexes[%d].IndexName", ix);
	lines_add(t, p, r->line);
	sfmt(p, sizeof p, "GlobalSecondaryIndexes[%d].KeySchema", ix);
	lines_add(t, p, g.key_line);
	sfmt(p, sizeof p, "GlobalSecondaryIndexes[%d].Projection", ix);
	lines_add(t, p, g.proj_line);
	sfmt(p, sizeof p, "GlobalSecondaryIndexes[%d].ProvisionedThroughput", ix);
	lines_add(t, p, g.pt_line);
	rc = 0;
out:
	tf_gsir_release(&g);
	return rc;
}

/* The .tf files of one module (one file, or every .tf file of a folder, as Terraform reads a module): the tables of
 * every file first, then the standalone GSI resources of every file, which may name a table of another file. */
static int load_tf_set(size_t nf, const char *const *srcs, const size_t *lens, const char *const *files,
                       const struct schema_vars *vars, struct schema_list *out, struct err *e)
{
	struct hcl_body **roots = xcalloc(nf ? nf : 1, sizeof *roots);
	struct schema_list got = SCHEMA_LIST_INIT;
	size_t f, i, k;
	char where[300];
	int rc = -1;
	for (f = 0; f < nf; f++)
		if (hcl_parse(srcs[f], lens[f], files[f], &roots[f], e) < 0)
			goto fail;
	for (f = 0; f < nf; f++) {
		const char *file = files[f];
		struct hcl_body *root = roots[f];
		for (i = 0; i < root->n; i++) {
			const struct hcl_item *it = &root->items[i];
			struct tfc c = { file, vars, root, NULL, e, where };
			struct schema *s;
			if (!it->is_block || strcmp(it->block.type, "resource") || it->block.nlabels < 1 ||
			    strcmp(it->block.labels[0], "aws_dynamodb_table"))
				continue;
			if (it->block.nlabels != 2) {
				err_set(e, ERR_DATA, "%s:%d: resource \"aws_dynamodb_table\" needs exactly one name label", file,
				        it->block.line);
				goto fail;
			}
			sfmt(where, sizeof where, "aws_dynamodb_table.%s", it->block.labels[1]);
			for (k = 0; k < got.n; k++) {
				if (!strcmp(got.v[k]->tf_name, it->block.labels[1])) {
					if (!strcmp(got.v[k]->file, file))
						err_set(e, ERR_DATA, "%s:%d: %s: defined twice (first at line %d)", file, it->block.line,
						        where, got.v[k]->line);
					else
						err_set(e, ERR_DATA, "%s:%d: %s: defined twice (first at %s:%d)", file, it->block.line,
						        where, got.v[k]->file, got.v[k]->line);
					goto fail;
				}
			}
			s = xcalloc(1, sizeof *s);
			s->file = xstrdup(file);
			s->from_tf = 1;
			s->tf_name = xstrdup(it->block.labels[1]);
			s->line = it->block.line;
			c.s = s;
			if (tf_resource(&c, &it->block, s) < 0) {
				schema_free(s);
				goto fail;
			}
			list_push(&got, s);
		}
	}
	/* standalone GSIs, once every table of the module is known (a GSI may come before its table, or in another
	 * file of the folder) */
	for (f = 0; f < nf; f++) {
		const char *file = files[f];
		struct hcl_body *root = roots[f];
		for (i = 0; i < root->n; i++) {
			const struct hcl_item *it = &root->items[i];
			struct tfc c = { file, vars, root, NULL, e, where };
			if (!it->is_block || strcmp(it->block.type, "resource") || it->block.nlabels < 1 ||
			    strcmp(it->block.labels[0], "aws_dynamodb_global_secondary_index"))
				continue;
			if (it->block.nlabels != 2) {
				err_set(e, ERR_DATA,
				        "%s:%d: resource \"aws_dynamodb_global_secondary_index\" needs exactly one name label", file,
				        it->block.line);
				goto fail;
			}
			sfmt(where, sizeof where, "aws_dynamodb_global_secondary_index.%s", it->block.labels[1]);
			if (tf_gsi_resource(&c, &it->block, &got) < 0)
				goto fail;
		}
	}
	for (i = 0; i < got.n; i++) {
		if (schema_validate(got.v[i], e) < 0)
			goto fail;
		schema_finish(got.v[i]);
	}
	for (i = 0; i < got.n; i++)
		list_push(out, got.v[i]);
	free(got.v);
	got.v = NULL;
	got.n = 0;
	rc = 0;
fail:
	for (f = 0; f < nf; f++)
		if (roots[f])
			hcl_body_free(roots[f]);
	free(roots);
	if (rc < 0)
		schema_list_release(&got);
	return rc;
}

static int load_tf(const char *src, size_t len, const char *file, const struct schema_vars *vars,
                   struct schema_list *out, struct err *e)
{
	return load_tf_set(1, &src, &len, &file, vars, out, e);
}

/* ---- files and folders ------------------------------------------------------------------ */

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

int schema_load_mem(const char *src, size_t len, const char *file, int is_tf, const struct schema_vars *vars,
                    struct schema_list *out, struct err *e)
{
	if (!file)
		file = "<input>";
	return is_tf ? load_tf(src, len, file, vars, out, e) : load_json(src, len, file, out, e);
}

static int read_file(const char *path, struct buf *b, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return err_set(e, ERR_NOINPUT, "%s: no such file", path);
		return err_set(e, ERR_NOINPUT, "%s: %s", path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_add(b, chunk, n) < 0) {
			fclose(f);
			return err_set(e, ERR_DATA, "%s: file too large for a schema", path);
		}
	}
	if (ferror(f)) {
		int en = errno;
		fclose(f);
		return err_set(e, ERR_NOINPUT, "%s: %s", path, strerror(en));
	}
	fclose(f);
	return 0;
}

int schema_load_file(const char *path, const struct schema_vars *vars, struct schema_list *out, struct err *e)
{
	struct buf b;
	int rc;
	buf_init(&b, SCHEMA_MAX_FILE);
	if (read_file(path, &b, e) < 0) {
		buf_release(&b);
		return -1;
	}
	rc = schema_load_mem(buf_cstr(&b), b.len, path, ends_with(path, ".tf"), vars, out, e);
	buf_release(&b);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Failures while loading several files: each but the last goes to more() as the next one is found; the last stays
 * in last (returned to the caller in e). */
struct load_errs {
	void (*more)(void *arg, const struct err *e);
	void *arg;
	size_t n;
	struct err last;
};

/* A file failed with *e: hold it (passing the one held before on).  0 when loading goes on, -1 to stop. */
static int load_failed(struct load_errs *le, struct err *e)
{
	if (!le || !le->more)
		return -1;
	if (le->n++)
		le->more(le->arg, &le->last);
	le->last = *e;
	err_clear(e);
	return 0;
}

static int load_dir(const char *dir, const struct schema_vars *vars, struct schema_list *out, struct load_errs *le,
                    struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;
	if (!d)
		return err_set(e, ERR_NOINPUT, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		char *full;
		struct stat st;
		if (de->d_name[0] == '.' || !(ends_with(de->d_name, ".json") || ends_with(de->d_name, ".tf")))
			continue;
		full = xasprintf("%s%s%s", dir, ends_with(dir, "/") ? "" : "/", de->d_name);
		if (stat(full, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(full);
			continue;
		}
		names = xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = full;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	/* .json files one by one; the .tf files together, as one Terraform module (a standalone GSI resource may name
	 * a table of another file), in the place of the first .tf file of the sorted names */
	size_t ntf = 0;
	for (i = 0; i < n; i++)
		ntf += ends_with(names[i], ".tf");
	for (i = 0; i < n && !rc; i++) {
		if (!ends_with(names[i], ".tf")) {
			if (schema_load_file(names[i], vars, out, e) < 0 && load_failed(le, e) < 0)
				rc = -1;
			continue;
		}
		if (!ntf)
			continue;   /* the module is loaded already */
		struct buf *bufs = xcalloc(ntf, sizeof *bufs);
		const char **srcs = xcalloc(ntf, sizeof *srcs), **files = xcalloc(ntf, sizeof *files);
		size_t *lens = xcalloc(ntf, sizeof *lens), m = 0;
		int ok = 1;
		for (size_t j = i; j < n && ok; j++) {
			if (!ends_with(names[j], ".tf"))
				continue;
			buf_init(&bufs[m], SCHEMA_MAX_FILE);
			files[m] = names[j];
			if (read_file(names[j], &bufs[m], e) < 0)
				ok = 0;
			srcs[m] = buf_cstr(&bufs[m]);
			lens[m] = bufs[m].len;
			m++;
		}
		if ((!ok || load_tf_set(m, srcs, lens, files, vars, out, e) < 0) && load_failed(le, e) < 0)
			rc = -1;
		for (size_t j = 0; j < m; j++)
			buf_release(&bufs[j]);
		free(bufs);
		free(srcs);
		free(files);
		free(lens);
		ntf = 0;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int schema_load_paths(const char *const *paths, size_t npaths, const struct schema_vars *vars,
                      struct schema_list *out, struct err *e)
{
	return schema_load_paths_all(paths, npaths, vars, out, NULL, NULL, NULL, e);
}

int schema_load_paths_all(const char *const *paths, size_t npaths, const struct schema_vars *vars,
                          struct schema_list *out, void (*more)(void *arg, const struct err *e), void *arg,
                          size_t *nbad, struct err *e)
{
	struct schema_list got = SCHEMA_LIST_INIT;
	struct load_errs le = { more, arg, 0, ERR_INIT };
	size_t i, j, k;
	if (nbad)
		*nbad = 0;
	for (i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) < 0) {
			err_set(e, ERR_NOINPUT, "%s: %s", paths[i], errno == ENOENT ? "no such file or folder" : strerror(errno));
			if (load_failed(&le, e) < 0)
				goto fail;
			continue;
		}
		if (S_ISDIR(st.st_mode) ? load_dir(paths[i], vars, &got, &le, e) < 0
		                        : schema_load_file(paths[i], vars, &got, e) < 0 && load_failed(&le, e) < 0)
			goto fail;
	}
	if (le.n) {   /* every file was read: the last failure is the answer, nothing is loaded */
		*e = le.last;
		if (nbad)
			*nbad = le.n;
		goto fail;
	}
	for (i = 0; i < got.n; i++) {
		for (j = 0; j < i; j++) {
			if (!strcmp(got.v[i]->table, got.v[j]->table)) {
				err_set(e, ERR_DATA, "%s:%d: table '%s' is also defined at %s:%d", got.v[i]->file, got.v[i]->line,
				        got.v[i]->table, got.v[j]->file, got.v[j]->line);
				goto fail;
			}
		}
	}
	for (k = 0; k < out->n; k++) {
		for (i = 0; i < got.n; i++) {
			if (!strcmp(got.v[i]->table, out->v[k]->table)) {
				err_set(e, ERR_DATA, "%s:%d: table '%s' is also defined at %s:%d", got.v[i]->file, got.v[i]->line,
				        got.v[i]->table, out->v[k]->file, out->v[k]->line);
				goto fail;
			}
		}
	}
	for (i = 0; i < got.n; i++)
		list_push(out, got.v[i]);
	free(got.v);
	return 0;
fail:
	schema_list_release(&got);
	return -1;
}

/* ---- namespaces ------------------------------------------------------------------------- */

int schema_set_prefix(struct schema *s, const char *prefix, struct err *e)
{
	char *name;
	if (!prefix)
		prefix = "";
	name = xasprintf("%s%s", prefix, s->table);
	if (!legal_name(name, 3, 255)) {
		int rc = err_set(e, ERR_USAGE, "namespace '%s': '%s' is not a legal table name (3 to 255 characters: "
		                 "a-z A-Z 0-9 _ - .)", prefix, name);
		free(name);
		return rc;
	}
	cJSON_ReplaceItemInObjectCaseSensitive(s->create, "TableName", cJSON_CreateString(name));
	free(name);
	return 0;
}

const char *schema_wire_name(const struct schema *s)
{
	const char *n = json_get_string(s->create, "TableName");
	return n ? n : s->table;
}


/* ---- plans: schema vs live table -------------------------------------------------------- */

/* A number from a live response: a cJSON number, a raw number node (lib/json.c) or a numeric string. */
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
	sfmt(out, size, "%lld/%lld", r, w);
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
	add_number(o, "ReadCapacityUnits", r);
	add_number(o, "WriteCapacityUnits", w);
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
				add_number(ps, "RecoveryPeriodInDays", s->pitr_days);
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
