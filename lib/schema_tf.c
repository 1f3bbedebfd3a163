/* schema_tf.c — Terraform: aws_dynamodb_table and aws_dynamodb_global_secondary_index resources converted into
 * CreateTable JSON (see schema.h). */
#include "schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "schema_int.h"
#include "hcl.h"

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
	const char *v = schema_vars_getn(c->vars, name, n);
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

/* Look for name among names; error with a suggestion when absent. */
static int tf_known(struct tfc *c, int line, const char *what, const char *name, const char *const *names)
{
	const char *m;
	if (schema_one_of(name, names))
		return 0;
	m = schema_did_you_mean(name, names);
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
	schema_fmt(p, sizeof p, "AttributeDefinitions[%d]", ix);
	schema_lines_add(c->s, p, b->line);
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
			schema_fmt(p, sizeof p, "Tags[%zu]", i);
			schema_lines_add(c->s, p, v->attrs[i].line);
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
				cJSON_AddNumberToObject(pt, "ReadCapacityUnits", (double)x.rc);
			if (x.has_wc)
				cJSON_AddNumberToObject(pt, "WriteCapacityUnits", (double)x.wc);
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
		schema_fmt(p, sizeof p, "%s[%d]", arr, ix);
		schema_lines_add(c->s, p, x.line);
		schema_fmt(p, sizeof p, "%s[%d].IndexName", arr, ix);
		schema_lines_add(c->s, p, x.name_line);
		schema_fmt(p, sizeof p, "%s[%d].KeySchema", arr, ix);
		schema_lines_add(c->s, p, x.key_line);
		schema_fmt(p, sizeof p, "%s[%d].Projection", arr, ix);
		schema_lines_add(c->s, p, x.proj_line);
		schema_fmt(p, sizeof p, "%s[%d].ProvisionedThroughput", arr, ix);
		schema_lines_add(c->s, p, x.rc_line);
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
		schema_lines_add(c->s, "TimeToLiveSpecification", b->line);
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
			cJSON_AddNumberToObject(t->pitr, "RecoveryPeriodInDays", (double)days);
		schema_lines_add(c->s, "PointInTimeRecoverySpecification", b->line);
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
		schema_lines_add(c->s, "SSESpecification", b->line);
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
	schema_lines_add(s, "TableName", t.name_line);
	cJSON_AddItemToObject(doc, "AttributeDefinitions", t.attrs);
	t.attrs = NULL;
	schema_lines_add(s, "AttributeDefinitions", nattr ? t.attr_line : r->line);
	cJSON_AddItemToObject(doc, "KeySchema", key_schema(t.hash, t.range));
	schema_lines_add(s, "KeySchema", t.key_line);
	schema_lines_add(s, "KeySchema[0]", t.key_line);
	if (t.range)
		schema_lines_add(s, "KeySchema[1]", t.range_line);
	if (t.gsis) {
		cJSON_AddItemToObject(doc, "GlobalSecondaryIndexes", t.gsis);
		t.gsis = NULL;
	}
	if (t.lsis) {
		cJSON_AddItemToObject(doc, "LocalSecondaryIndexes", t.lsis);
		t.lsis = NULL;
	}
	cJSON_AddStringToObject(doc, "BillingMode", t.billing ? t.billing : "PROVISIONED");
	schema_lines_add(s, "BillingMode", t.billing ? t.billing_line : r->line);
	if (t.has_rc || t.has_wc) {
		cJSON *pt = cJSON_CreateObject();
		if (t.has_rc)
			cJSON_AddNumberToObject(pt, "ReadCapacityUnits", (double)t.rc);
		if (t.has_wc)
			cJSON_AddNumberToObject(pt, "WriteCapacityUnits", (double)t.wc);
		cJSON_AddItemToObject(doc, "ProvisionedThroughput", pt);
		schema_lines_add(s, "ProvisionedThroughput", t.rc_line);
	}
	if (t.has_stream) {
		cJSON *ss = cJSON_CreateObject();
		cJSON_AddBoolToObject(ss, "StreamEnabled", t.stream);
		if (t.view)
			cJSON_AddStringToObject(ss, "StreamViewType", t.view);
		cJSON_AddItemToObject(doc, "StreamSpecification", ss);
		schema_lines_add(s, "StreamSpecification", t.stream_line);
	}
	if (t.sse) {
		cJSON_AddItemToObject(doc, "SSESpecification", t.sse);
		t.sse = NULL;
	}
	if (t.tclass) {
		cJSON_AddStringToObject(doc, "TableClass", t.tclass);
		schema_lines_add(s, "TableClass", t.class_line);
	}
	if (t.tags) {
		cJSON_AddItemToObject(doc, "Tags", t.tags);
		t.tags = NULL;
		schema_lines_add(s, "Tags", t.tags_line);
	}
	if (t.has_dp) {
		cJSON_AddBoolToObject(doc, "DeletionProtectionEnabled", t.dp);
		schema_lines_add(s, "DeletionProtectionEnabled", t.dp_line);
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
	schema_fmt(p, sizeof p, "AttributeDefinitions[%d]", n);
	schema_lines_add(t, p, line);
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
		cJSON_AddNumberToObject(*out, keys[k], (double)n);
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
	schema_fmt(p, sizeof p, "GlobalSecondaryIndexes[%d]", ix);
	schema_lines_add(t, p, r->line);
	schema_fmt(p, sizeof p, "GlobalSecondaryIndexes[%d].IndexName", ix);
	schema_lines_add(t, p, r->line);
	schema_fmt(p, sizeof p, "GlobalSecondaryIndexes[%d].KeySchema", ix);
	schema_lines_add(t, p, g.key_line);
	schema_fmt(p, sizeof p, "GlobalSecondaryIndexes[%d].Projection", ix);
	schema_lines_add(t, p, g.proj_line);
	schema_fmt(p, sizeof p, "GlobalSecondaryIndexes[%d].ProvisionedThroughput", ix);
	schema_lines_add(t, p, g.pt_line);
	rc = 0;
out:
	tf_gsir_release(&g);
	return rc;
}

/* The .tf files of one module (one file, or every .tf file of a folder, as Terraform reads a module): the tables of
 * every file first, then the standalone GSI resources of every file, which may name a table of another file. */
int schema_load_tf_set(size_t nf, const char *const *srcs, const size_t *lens, const char *const *files,
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
			schema_fmt(where, sizeof where, "aws_dynamodb_table.%s", it->block.labels[1]);
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
			schema_list_push(&got, s);
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
			schema_fmt(where, sizeof where, "aws_dynamodb_global_secondary_index.%s", it->block.labels[1]);
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
		schema_list_push(out, got.v[i]);
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

