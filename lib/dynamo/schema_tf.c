/* schema_tf.c — Terraform: aws_dynamodb_table and aws_dynamodb_global_secondary_index resources converted into
 * CreateTable JSON (see schema.h). */
#include "dynamo/schema.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/json.h"
#include "dynamo/schema_int.h"
#include "base/hcl.h"

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

/* *out: a new array, only when every element is a string (nothing is left to free on error). */
static int tf_string_list(struct tfc *c, const struct hcl_attr *a, cJSON **out)
{
	size_t i;
	cJSON *list;
	if (a->value->kind != HCL_LIST)
		return a->value->kind == HCL_EXPR
		       ? tferr(c, a->line, "'%s': '%.60s' is not supported here: a list of strings is needed", a->name,
		               a->value->str)
		       : tferr(c, a->line, "'%s' must be a list of strings, not %s", a->name, hcl_kind_name(a->value->kind));
	list = cJSON_CreateArray();
	for (i = 0; i < a->value->n; i++) {
		struct buf b = BUF_INIT;
		if (a->value->items[i]->kind == HCL_LIST || a->value->items[i]->kind == HCL_OBJECT) {
			cJSON_Delete(list);
			return tferr(c, a->value->items[i]->line, "'%s' must be a list of strings", a->name);
		}
		if (tf_text(c, a->name, a->value->items[i], &b) < 0) {
			buf_release(&b);
			cJSON_Delete(list);
			return -1;
		}
		cJSON_AddItemToArray(list, cJSON_CreateString(buf_cstr(&b)));
		buf_release(&b);
	}
	*out = list;
	return 0;
}

/* ---- reading a block by a table of its arguments and blocks ------------------------------------------ */

/* How an argument is read.  Values go into the struct the block is read into, at the offsets of its struct tf_arg. */
enum tf_kind {
	TF_STR,      /* a string (literal, var.NAME, "${var.NAME}"): char * */
	TF_INT,      /* a whole number: long long */
	TF_BOOL,     /* true or false: int */
	TF_LIST,     /* a list of strings: cJSON * (an array) */
	TF_TAGS,     /* a map of strings: cJSON * (a Tags array) */
	TF_SKIP,     /* accepted, not used here (provider, depends_on, table_name) */
	TF_REFUSE,   /* "'x' is not supported by ddb" */
};

#define NO (-1)
#define OF(T, m) ((int)offsetof(struct T, m))

struct tf_arg {
	const char *name;
	enum tf_kind kind;
	int val;     /* offset of the value, or NO */
	int given;   /* offset of an int set to 1 when the argument is there, or NO */
	int line;    /* offset of the int that records the argument's line, or NO */
	int weak;    /* 1: record the line only while that int is still 0 */
};

#define TF_ONLY(name, kind) { name, kind, NO, NO, NO, 0 }   /* TF_SKIP, TF_REFUSE */
#define TF_END { NULL, 0, NO, NO, NO, 0 }

struct tf_shape;

/* A block inside a block: read by a shape into the same struct, or by a function; with neither (and not refused),
 * accepted and skipped. */
struct tf_sub {
	const char *name;
	const struct tf_shape *shape;
	int (*read)(struct tfc *c, const struct hcl_block *b, void *obj);
	int seen;              /* offset of an int: a second block of this kind is an error; or NO */
	int line;              /* offset of the int that records the block's line, or NO */
	const char *refused;   /* not NULL: the block is an error "'name' <refused>" */
};

#define TF_SUB_END { NULL, NULL, NULL, NO, NO, NULL }

struct tf_shape {
	const char *what;            /* an unknown argument is "unknown <what> 'x'"; NULL: the block's type */
	const struct tf_arg *args;   /* ends with a NULL name */
	const char *blocks_what;     /* an unknown block is "unknown <blocks_what> 'x'"; NULL: "unexpected block" */
	const struct tf_sub *blocks; /* ends with a NULL name; NULL: no block is allowed */
	int names_first;             /* check every name before reading any value, then read in the table's order */
};

#define TF_MAX_NAMES 32

static int tf_unknown(struct tfc *c, int line, const char *what, const char *name, const char *const *names)
{
	const char *m = schema_did_you_mean(name, names);
	if (m)
		return tferr(c, line, "unknown %s '%s' (did you mean '%s'?)", what, name, m);
	return tferr(c, line, "unknown %s '%s'", what, name);
}

static int tf_find_arg(const struct tf_shape *sh, const char *name, const char **names)
{
	int k;
	for (k = 0; sh->args[k].name; k++) {
		if (!strcmp(sh->args[k].name, name))
			return k;
		if (k < TF_MAX_NAMES - 1)
			names[k] = sh->args[k].name;
	}
	names[k < TF_MAX_NAMES - 1 ? k : TF_MAX_NAMES - 1] = NULL;
	return -1;
}

static int tf_tags(struct tfc *c, const struct hcl_attr *a, cJSON **out)
{
	size_t i;
	const struct hcl_value *v = a->value;
	if (v->kind != HCL_OBJECT)
		return v->kind == HCL_EXPR
		       ? tferr(c, a->line, "'tags': '%.60s' is not supported here: a literal map is needed", v->str)
		       : tferr(c, a->line, "'tags' must be a map, not %s", hcl_kind_name(v->kind));
	cJSON_Delete(*out);
	*out = cJSON_CreateArray();
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
		cJSON_AddItemToArray(*out, tag);
		buf_release(&b);
		schema_fmt(p, sizeof p, "Tags[%zu]", i);
		schema_lines_add(c->s, p, v->attrs[i].line);
	}
	return 0;
}

/* Read one argument a, described by g, into obj. */
static int tf_arg_read(struct tfc *c, const struct tf_arg *g, const struct hcl_attr *a, void *obj)
{
	char *o = obj;
	if (g->kind == TF_SKIP)
		return 0;
	if (g->kind == TF_REFUSE)
		return tferr(c, a->line, "'%s' is not supported by ddb", a->name);
	if (g->line != NO && (!g->weak || !*(int *)(o + g->line)))
		*(int *)(o + g->line) = a->line;
	if (g->given != NO)
		*(int *)(o + g->given) = 1;
	switch (g->kind) {
	case TF_STR: {
		char **p = (char **)(o + g->val);
		free(*p);
		*p = NULL;
		return tf_string(c, a, p);
	}
	case TF_INT:
		return tf_int(c, a, (long long *)(o + g->val));
	case TF_BOOL:
		return tf_bool(c, a, (int *)(o + g->val));
	case TF_LIST: {
		cJSON **p = (cJSON **)(o + g->val);
		cJSON_Delete(*p);
		*p = NULL;
		return tf_string_list(c, a, p);
	}
	case TF_TAGS:
		return tf_tags(c, a, (cJSON **)(o + g->val));
	default:
		return 0;
	}
}

static int tf_attr(struct tfc *c, const struct tf_shape *sh, const char *what, const struct hcl_attr *a, void *obj)
{
	const char *names[TF_MAX_NAMES];
	int k = tf_find_arg(sh, a->name, names);
	if (k < 0)
		return tf_unknown(c, a->line, what, a->name, names);
	return tf_arg_read(c, &sh->args[k], a, obj);
}

static int tf_sub_block(struct tfc *c, const struct hcl_block *parent, const struct tf_shape *sh,
                        const struct hcl_block *b, void *obj);

/* The items of block b by shape sh into obj; skip: an argument read already (or NULL). */
static int tf_items(struct tfc *c, const struct hcl_block *b, const struct tf_shape *sh, void *obj, const char *skip)
{
	const char *what = sh->what ? sh->what : b->type;
	size_t i;
	if (sh->names_first) {
		const struct hcl_attr *found[TF_MAX_NAMES] = { NULL };
		const char *names[TF_MAX_NAMES];
		int k;
		for (i = 0; i < b->body->n; i++) {
			const struct hcl_item *it = &b->body->items[i];
			if (it->is_block)
				return tferr(c, it->block.line, "unexpected block '%s' in %s", it->block.type, b->type);
			if ((k = tf_find_arg(sh, it->attr.name, names)) < 0)
				return tf_unknown(c, it->attr.line, what, it->attr.name, names);
			found[k] = &it->attr;
		}
		for (k = 0; sh->args[k].name; k++)
			if (found[k] && tf_arg_read(c, &sh->args[k], found[k], obj) < 0)
				return -1;
		return 0;
	}
	for (i = 0; i < b->body->n; i++) {
		const struct hcl_item *it = &b->body->items[i];
		if (it->is_block ? tf_sub_block(c, b, sh, &it->block, obj) < 0
		                 : (!skip || strcmp(it->attr.name, skip)) && tf_attr(c, sh, what, &it->attr, obj) < 0)
			return -1;
	}
	return 0;
}

/* A block that takes no label, read by shape sh into obj. */
static int tf_body(struct tfc *c, const struct hcl_block *b, const struct tf_shape *sh, void *obj)
{
	if (b->nlabels)
		return tferr(c, b->line, "'%s' blocks take no label", b->type);
	return tf_items(c, b, sh, obj, NULL);
}

static int tf_sub_block(struct tfc *c, const struct hcl_block *parent, const struct tf_shape *sh,
                        const struct hcl_block *b, void *obj)
{
	const char *names[TF_MAX_NAMES];
	const struct tf_sub *s = NULL;
	char *o = obj;
	int k;
	for (k = 0; sh->blocks && sh->blocks[k].name; k++) {
		if (!strcmp(sh->blocks[k].name, b->type)) {
			s = &sh->blocks[k];
			break;
		}
		if (k < TF_MAX_NAMES - 1)
			names[k] = sh->blocks[k].name;
	}
	if (!s) {
		names[k < TF_MAX_NAMES - 1 ? k : TF_MAX_NAMES - 1] = NULL;
		if (sh->blocks_what)
			return tf_unknown(c, b->line, sh->blocks_what, b->type, names);
		return tferr(c, b->line, "unexpected block '%s' in %s", b->type, parent->type);
	}
	if (s->refused)
		return tferr(c, b->line, "'%s' %s", b->type, s->refused);
	if (s->seen != NO) {
		if (*(int *)(o + s->seen))
			return tferr(c, b->line, "only one '%s' block is allowed", b->type);
		*(int *)(o + s->seen) = 1;
	}
	if (s->line != NO)
		*(int *)(o + s->line) = b->line;
	if (s->read)
		return s->read(c, b, obj);
	return s->shape ? tf_body(c, b, s->shape, obj) : 0;
}

/* {"<k1>": v1, "<k2>": v2} with the members given, added to o as name. */
static void tf_pair(cJSON *o, const char *name, const char *k1, int has1, long long v1, const char *k2, int has2,
                    long long v2)
{
	cJSON *p = cJSON_AddObjectToObject(o, name);
	if (has1)
		cJSON_AddNumberToObject(p, k1, (double)v1);
	if (has2)
		cJSON_AddNumberToObject(p, k2, (double)v2);
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

/* ---- indexes: global_secondary_index / local_secondary_index blocks and the standalone
 *      resource "aws_dynamodb_global_secondary_index" read into one struct and built by one function ---------- */

struct tf_index {
	char *name, *hash, *range, *ptype;
	cJSON *keys;     /* standalone: the key_schema blocks (HASH first) */
	cJSON *nonkey;
	long long rc, wc, odt_r, odt_w, wt_r, wt_w;
	int has_rc, has_wc, has_odt_r, has_odt_w, has_wt_r, has_wt_w;
	int has_pt, has_odt, has_wt, has_proj;   /* standalone: that block was given */
	int line, name_line, key_line, proj_line, rc_line;
	struct schema *table;   /* standalone: the table it goes into (key_schema blocks add attribute definitions) */
};

static void tf_index_release(struct tf_index *x)
{
	free(x->name);
	free(x->hash);
	free(x->range);
	free(x->ptype);
	cJSON_Delete(x->keys);
	cJSON_Delete(x->nonkey);
}

static const struct tf_arg TF_GSI_ARGS[] = {
	{ "name", TF_STR, OF(tf_index, name), NO, OF(tf_index, name_line), 0 },
	{ "hash_key", TF_STR, OF(tf_index, hash), NO, OF(tf_index, key_line), 0 },
	{ "range_key", TF_STR, OF(tf_index, range), NO, OF(tf_index, key_line), 1 },
	{ "projection_type", TF_STR, OF(tf_index, ptype), NO, OF(tf_index, proj_line), 0 },
	{ "non_key_attributes", TF_LIST, OF(tf_index, nonkey), NO, NO, 0 },
	{ "read_capacity", TF_INT, OF(tf_index, rc), OF(tf_index, has_rc), OF(tf_index, rc_line), 0 },
	{ "write_capacity", TF_INT, OF(tf_index, wc), OF(tf_index, has_wc), OF(tf_index, rc_line), 1 },
	TF_END,
};
static const struct tf_sub TF_GSI_BLOCKS[] = {
	{ "on_demand_throughput", NULL, NULL, NO, NO, "is not supported by ddb" },
	TF_SUB_END,
};
static const struct tf_shape TF_GSI = { "global_secondary_index attribute", TF_GSI_ARGS, NULL, TF_GSI_BLOCKS, 0 };

static const struct tf_arg TF_LSI_ARGS[] = {
	{ "name", TF_STR, OF(tf_index, name), NO, OF(tf_index, name_line), 0 },
	{ "range_key", TF_STR, OF(tf_index, range), NO, OF(tf_index, key_line), 1 },
	{ "projection_type", TF_STR, OF(tf_index, ptype), NO, OF(tf_index, proj_line), 0 },
	{ "non_key_attributes", TF_LIST, OF(tf_index, nonkey), NO, NO, 0 },
	TF_END,
};
static const struct tf_shape TF_LSI = { "local_secondary_index attribute", TF_LSI_ARGS, NULL, NULL, 0 };

/* The index as CreateTable wants it.  lsi_hash: the table's hash key for a local index, NULL for a global one.
 * Takes x's keys and nonkey. */
static cJSON *tf_index_json(struct tf_index *x, const char *lsi_hash)
{
	cJSON *o = cJSON_CreateObject(), *pr;
	cJSON_AddStringToObject(o, "IndexName", x->name);
	cJSON_AddItemToObject(o, "KeySchema", x->keys ? x->keys : key_schema(lsi_hash ? lsi_hash : x->hash, x->range));
	x->keys = NULL;
	pr = cJSON_AddObjectToObject(o, "Projection");
	cJSON_AddStringToObject(pr, "ProjectionType", x->ptype);
	if (x->nonkey) {
		cJSON_AddItemToObject(pr, "NonKeyAttributes", x->nonkey);
		x->nonkey = NULL;
	}
	if (x->has_rc || x->has_wc || x->has_pt)
		tf_pair(o, "ProvisionedThroughput", "ReadCapacityUnits", x->has_rc, x->rc, "WriteCapacityUnits", x->has_wc,
		        x->wc);
	if (x->has_odt)
		tf_pair(o, "OnDemandThroughput", "MaxReadRequestUnits", x->has_odt_r, x->odt_r, "MaxWriteRequestUnits",
		        x->has_odt_w, x->odt_w);
	if (x->has_wt)
		tf_pair(o, "WarmThroughput", "ReadUnitsPerSecond", x->has_wt_r, x->wt_r, "WriteUnitsPerSecond", x->has_wt_w,
		        x->wt_w);
	return o;
}

/* Append the index to doc's array arr (GlobalSecondaryIndexes / LocalSecondaryIndexes) and record its lines in s
 * (any line not known is the block's, line). */
static void tf_index_add(struct schema *s, cJSON *doc, const char *arr, struct tf_index *x, const char *lsi_hash,
                         int line)
{
	static const char *const parts[] = { "", ".IndexName", ".KeySchema", ".Projection", ".ProvisionedThroughput" };
	int *lines[] = { &x->line, &x->name_line, &x->key_line, &x->proj_line, &x->rc_line };
	cJSON *a = cJSON_GetObjectItemCaseSensitive(doc, arr);
	int ix;
	char p[96];
	if (!a)
		a = cJSON_AddArrayToObject(doc, arr);
	ix = cJSON_GetArraySize(a);
	cJSON_AddItemToArray(a, tf_index_json(x, lsi_hash));
	for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) {
		schema_fmt(p, sizeof p, "%s[%d]%s", arr, ix, parts[k]);
		schema_lines_add(s, p, *lines[k] ? *lines[k] : line);
	}
}

/* ---- resource "aws_dynamodb_table" ------------------------------------------------------------------ */

struct tf_table {
	char *name, *billing, *hash, *range, *view, *tclass;
	long long rc, wc;
	int has_rc, has_wc, has_stream, stream, has_dp, dp;
	int attr_line, name_line, billing_line, key_line, range_line, rc_line, stream_line, tags_line, class_line, dp_line;
	cJSON *attrs, *tags;
	cJSON *ixs;          /* {"GlobalSecondaryIndexes": [...], "LocalSecondaryIndexes": [...]} as they are read */
	int nattr;
	/* ttl, point_in_time_recovery, server_side_encryption */
	char *ttl_attr, *kms;
	int has_ttl, ttl_on, ttl_line, has_pitr, pitr_on, has_days, pitr_line, has_sse, sse_on, sse_line;
	long long days;
};

static void tf_table_release(struct tf_table *t)
{
	free(t->name);
	free(t->billing);
	free(t->hash);
	free(t->range);
	free(t->view);
	free(t->tclass);
	free(t->ttl_attr);
	free(t->kms);
	cJSON_Delete(t->attrs);
	cJSON_Delete(t->tags);
	cJSON_Delete(t->ixs);
}

struct tf_attrdef { char *name, *type; };

static const struct tf_arg TF_ATTRDEF_ARGS[] = {
	{ "name", TF_STR, OF(tf_attrdef, name), NO, NO, 0 },
	{ "type", TF_STR, OF(tf_attrdef, type), NO, NO, 0 },
	TF_END,
};
static const struct tf_shape TF_ATTRDEF = { "attribute field", TF_ATTRDEF_ARGS, NULL, NULL, 0 };

static int tf_attribute_read(struct tfc *c, const struct hcl_block *b, void *obj)
{
	struct tf_table *t = obj;
	struct tf_attrdef d = { NULL, NULL };
	int rc = -1;
	char p[64];
	if (tf_body(c, b, &TF_ATTRDEF, &d) < 0)
		goto out;
	if (!d.name || !d.type) {
		tferr(c, b->line, "an attribute block needs 'name' and 'type'");
		goto out;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "AttributeName", d.name);
	cJSON_AddStringToObject(o, "AttributeType", d.type);
	cJSON_AddItemToArray(t->attrs, o);
	schema_fmt(p, sizeof p, "AttributeDefinitions[%d]", t->nattr);
	schema_lines_add(c->s, p, b->line);
	if (t->nattr++ == 0)
		t->attr_line = b->line;
	rc = 0;
out:
	free(d.name);
	free(d.type);
	return rc;
}

/* global_secondary_index / local_secondary_index blocks */
static int tf_inline_index(struct tfc *c, const struct hcl_block *b, struct tf_table *t, int lsi)
{
	struct tf_index x;
	int rc = -1;
	memset(&x, 0, sizeof x);
	if (tf_body(c, b, lsi ? &TF_LSI : &TF_GSI, &x) < 0)
		goto out;
	if (!x.name)
		tferr(c, b->line, "%s: 'name' is required", b->type);
	else if (!lsi && !x.hash)
		tferr(c, b->line, "%s '%s': 'hash_key' is required", b->type, x.name);
	else if (lsi && !x.range)
		tferr(c, b->line, "%s '%s': 'range_key' is required", b->type, x.name);
	else if (!x.ptype)
		tferr(c, b->line, "%s '%s': 'projection_type' is required", b->type, x.name);
	else
		rc = 0;
	if (rc == 0)
		tf_index_add(c->s, t->ixs, lsi ? "LocalSecondaryIndexes" : "GlobalSecondaryIndexes", &x,
		             lsi ? (t->hash ? t->hash : "") : NULL, b->line);
out:
	tf_index_release(&x);
	return rc;
}

static int tf_gsi_read(struct tfc *c, const struct hcl_block *b, void *obj)
{
	return tf_inline_index(c, b, obj, 0);
}

static int tf_lsi_read(struct tfc *c, const struct hcl_block *b, void *obj)
{
	return tf_inline_index(c, b, obj, 1);
}

static int tf_lifecycle_read(struct tfc *c, const struct hcl_block *b, void *obj);

static const struct tf_arg TF_TTL_ARGS[] = {
	{ "attribute_name", TF_STR, OF(tf_table, ttl_attr), NO, NO, 0 },
	{ "enabled", TF_BOOL, OF(tf_table, ttl_on), NO, NO, 0 },
	TF_END,
};
static const struct tf_shape TF_TTL = { NULL, TF_TTL_ARGS, NULL, NULL, 1 };

static const struct tf_arg TF_PITR_ARGS[] = {
	{ "enabled", TF_BOOL, OF(tf_table, pitr_on), NO, NO, 0 },
	{ "recovery_period_in_days", TF_INT, OF(tf_table, days), OF(tf_table, has_days), NO, 0 },
	TF_END,
};
static const struct tf_shape TF_PITR = { NULL, TF_PITR_ARGS, NULL, NULL, 1 };

static const struct tf_arg TF_SSE_ARGS[] = {
	{ "enabled", TF_BOOL, OF(tf_table, sse_on), NO, NO, 0 },
	{ "kms_key_arn", TF_STR, OF(tf_table, kms), NO, NO, 0 },
	TF_END,
};
static const struct tf_shape TF_SSE = { NULL, TF_SSE_ARGS, NULL, NULL, 1 };

/* The arguments of aws_dynamodb_table: what each becomes in struct tf_table (the CreateTable JSON is built from
 * it by tf_resource), or why it is refused. */
static const struct tf_arg TF_TABLE_ARGS[] = {
	{ "name", TF_STR, OF(tf_table, name), NO, OF(tf_table, name_line), 0 },
	{ "billing_mode", TF_STR, OF(tf_table, billing), NO, OF(tf_table, billing_line), 0 },
	{ "read_capacity", TF_INT, OF(tf_table, rc), OF(tf_table, has_rc), OF(tf_table, rc_line), 0 },
	{ "write_capacity", TF_INT, OF(tf_table, wc), OF(tf_table, has_wc), OF(tf_table, rc_line), 1 },
	{ "hash_key", TF_STR, OF(tf_table, hash), NO, OF(tf_table, key_line), 0 },
	{ "range_key", TF_STR, OF(tf_table, range), NO, OF(tf_table, range_line), 0 },
	{ "stream_enabled", TF_BOOL, OF(tf_table, stream), OF(tf_table, has_stream), OF(tf_table, stream_line), 0 },
	{ "stream_view_type", TF_STR, OF(tf_table, view), NO, OF(tf_table, stream_line), 1 },
	{ "tags", TF_TAGS, OF(tf_table, tags), NO, OF(tf_table, tags_line), 0 },
	{ "deletion_protection_enabled", TF_BOOL, OF(tf_table, dp), OF(tf_table, has_dp), OF(tf_table, dp_line), 0 },
	{ "table_class", TF_STR, OF(tf_table, tclass), NO, OF(tf_table, class_line), 0 },
	TF_ONLY("provider", TF_SKIP),
	TF_ONLY("depends_on", TF_SKIP),
	TF_ONLY("count", TF_REFUSE),
	TF_ONLY("for_each", TF_REFUSE),
	TF_ONLY("tags_all", TF_REFUSE),
	TF_ONLY("restore_source_name", TF_REFUSE),
	TF_ONLY("restore_source_table_arn", TF_REFUSE),
	TF_ONLY("restore_to_latest_time", TF_REFUSE),
	TF_ONLY("restore_date_time", TF_REFUSE),
	TF_END,
};

static const struct tf_sub TF_TABLE_BLOCKS[] = {
	{ "attribute", NULL, tf_attribute_read, NO, NO, NULL },
	{ "global_secondary_index", NULL, tf_gsi_read, NO, NO, NULL },
	{ "local_secondary_index", NULL, tf_lsi_read, NO, NO, NULL },
	{ "ttl", &TF_TTL, NULL, OF(tf_table, has_ttl), OF(tf_table, ttl_line), NULL },
	{ "point_in_time_recovery", &TF_PITR, NULL, OF(tf_table, has_pitr), OF(tf_table, pitr_line), NULL },
	{ "server_side_encryption", &TF_SSE, NULL, OF(tf_table, has_sse), OF(tf_table, sse_line), NULL },
	{ "lifecycle", NULL, tf_lifecycle_read, NO, NO, NULL },
	{ "timeouts", NULL, NULL, NO, NO, NULL },
	{ "replica", NULL, NULL, NO, NO, "is not supported by ddb" },
	{ "import_table", NULL, NULL, NO, NO, "is not supported by ddb" },
	{ "on_demand_throughput", NULL, NULL, NO, NO, "is not supported by ddb" },
	{ "dynamic", NULL, NULL, NO, NO, "blocks are not supported by ddb (write the blocks out)" },
	TF_SUB_END,
};

static const struct tf_shape TF_TABLE = { "aws_dynamodb_table argument", TF_TABLE_ARGS, "aws_dynamodb_table block",
	TF_TABLE_BLOCKS, 0 };

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

static int tf_is(const char *name, const char *w, size_t n)
{
	return strlen(name) == n && !strncmp(w, name, n);
}

static int tf_lifecycle_read(struct tfc *c, const struct hcl_block *b, void *obj)
{
	const struct hcl_attr *a = hcl_body_attr(b->body, "ignore_changes");
	size_t i, k, n;
	(void)obj;
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
			if (tf_is(TF_IGNORE[k].name, w, n)) {
				c->s->ignore |= TF_IGNORE[k].bit;
				known = 1;
			}
		}
		for (k = 0; !known && TF_TABLE_ARGS[k].name; k++)
			known = tf_is(TF_TABLE_ARGS[k].name, w, n);
		for (k = 0; !known && TF_TABLE_BLOCKS[k].name; k++)
			known = tf_is(TF_TABLE_BLOCKS[k].name, w, n);
		if (!known)
			tf_warn(c->s, "%s:%d: %s: ignore_changes: unknown argument '%.*s' (ignored)", c->file, v->line,
			        c->where, (int)(n > 60 ? 60 : n), w);
	}
	return 0;
}

static int tf_resource(struct tfc *c, const struct hcl_block *r, struct schema *s)
{
	struct tf_table t;
	cJSON *doc, *o;
	size_t i;
	int rc = -1;
	memset(&t, 0, sizeof t);
	t.attrs = cJSON_CreateArray();
	t.ixs = cJSON_CreateObject();
	/* hash_key first: local_secondary_index blocks use it whatever the order */
	for (i = 0; i < r->body->n; i++) {
		const struct hcl_item *it = &r->body->items[i];
		if (!it->is_block && !strcmp(it->attr.name, "hash_key") &&
		    tf_attr(c, &TF_TABLE, TF_TABLE.what, &it->attr, &t) < 0)
			goto out;
	}
	if (tf_items(c, r, &TF_TABLE, &t, "hash_key") < 0)
		goto out;
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
	s->doc = doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "TableName", t.name);
	schema_lines_add(s, "TableName", t.name_line);
	cJSON_AddItemToObject(doc, "AttributeDefinitions", t.attrs);
	t.attrs = NULL;
	schema_lines_add(s, "AttributeDefinitions", t.nattr ? t.attr_line : r->line);
	cJSON_AddItemToObject(doc, "KeySchema", key_schema(t.hash, t.range));
	schema_lines_add(s, "KeySchema", t.key_line);
	schema_lines_add(s, "KeySchema[0]", t.key_line);
	if (t.range)
		schema_lines_add(s, "KeySchema[1]", t.range_line);
	if ((o = cJSON_DetachItemFromObjectCaseSensitive(t.ixs, "GlobalSecondaryIndexes")))
		cJSON_AddItemToObject(doc, "GlobalSecondaryIndexes", o);
	if ((o = cJSON_DetachItemFromObjectCaseSensitive(t.ixs, "LocalSecondaryIndexes")))
		cJSON_AddItemToObject(doc, "LocalSecondaryIndexes", o);
	cJSON_AddStringToObject(doc, "BillingMode", t.billing ? t.billing : "PROVISIONED");
	schema_lines_add(s, "BillingMode", t.billing ? t.billing_line : r->line);
	if (t.has_rc || t.has_wc) {
		tf_pair(doc, "ProvisionedThroughput", "ReadCapacityUnits", t.has_rc, t.rc, "WriteCapacityUnits", t.has_wc,
		        t.wc);
		schema_lines_add(s, "ProvisionedThroughput", t.rc_line);
	}
	if (t.has_stream) {
		o = cJSON_AddObjectToObject(doc, "StreamSpecification");
		cJSON_AddBoolToObject(o, "StreamEnabled", t.stream);
		if (t.view)
			cJSON_AddStringToObject(o, "StreamViewType", t.view);
		schema_lines_add(s, "StreamSpecification", t.stream_line);
	}
	if (t.has_sse) {
		o = cJSON_AddObjectToObject(doc, "SSESpecification");
		cJSON_AddBoolToObject(o, "Enabled", t.sse_on);
		if (t.sse_on)
			cJSON_AddStringToObject(o, "SSEType", "KMS");
		if (t.kms && *t.kms)
			cJSON_AddStringToObject(o, "KMSMasterKeyId", t.kms);
		schema_lines_add(s, "SSESpecification", t.sse_line);
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
	if (t.has_ttl) {
		o = cJSON_AddObjectToObject(doc, "TimeToLiveSpecification");
		if (t.ttl_attr && *t.ttl_attr)
			cJSON_AddStringToObject(o, "AttributeName", t.ttl_attr);
		cJSON_AddBoolToObject(o, "Enabled", t.ttl_on);
		schema_lines_add(s, "TimeToLiveSpecification", t.ttl_line);
	}
	if (t.has_pitr) {
		o = cJSON_AddObjectToObject(doc, "PointInTimeRecoverySpecification");
		cJSON_AddBoolToObject(o, "PointInTimeRecoveryEnabled", t.pitr_on);
		if (t.has_days)
			cJSON_AddNumberToObject(o, "RecoveryPeriodInDays", (double)t.days);
		schema_lines_add(s, "PointInTimeRecoverySpecification", t.pitr_line);
	}
	rc = 0;
out:
	tf_table_release(&t);
	return rc;
}

/* ---- resource "aws_dynamodb_global_secondary_index": merged into the table it names ---------- */

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

struct tf_key { char *name, *type, *key_type; };

static const struct tf_arg TF_KEY_ARGS[] = {
	{ "attribute_name", TF_STR, OF(tf_key, name), NO, NO, 0 },
	{ "attribute_type", TF_STR, OF(tf_key, type), NO, NO, 0 },
	{ "key_type", TF_STR, OF(tf_key, key_type), NO, NO, 0 },
	TF_END,
};
static const struct tf_shape TF_KEY = { NULL, TF_KEY_ARGS, NULL, NULL, 1 };

static int tf_key_schema_read(struct tfc *c, const struct hcl_block *b, void *obj)
{
	struct tf_index *x = obj;
	struct tf_key k = { NULL, NULL, NULL };
	cJSON *o;
	int rc = -1;
	if (tf_body(c, b, &TF_KEY, &k) < 0)
		goto out;
	if (!k.name || !k.key_type) {
		tferr(c, b->line, "a key_schema block needs 'attribute_name' and 'key_type'");
		goto out;
	}
	if (tf_gsi_attrdef(c, b->line, x->table, k.name, k.type) < 0)
		goto out;
	if (!x->keys) {
		x->keys = cJSON_CreateArray();
		x->key_line = b->line;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "AttributeName", k.name);
	cJSON_AddStringToObject(o, "KeyType", k.key_type);
	/* HASH first, as DynamoDB wants, whatever the order of the blocks */
	if (!strcmp(k.key_type, "HASH"))
		cJSON_InsertItemInArray(x->keys, 0, o);
	else
		cJSON_AddItemToArray(x->keys, o);
	rc = 0;
out:
	free(k.name);
	free(k.type);
	free(k.key_type);
	return rc;
}

static const struct tf_arg TF_PROJ_ARGS[] = {
	{ "projection_type", TF_STR, OF(tf_index, ptype), NO, NO, 0 },
	{ "non_key_attributes", TF_LIST, OF(tf_index, nonkey), NO, NO, 0 },
	TF_END,
};
static const struct tf_shape TF_PROJ = { NULL, TF_PROJ_ARGS, NULL, NULL, 1 };

static int tf_projection_read(struct tfc *c, const struct hcl_block *b, void *obj)
{
	struct tf_index *x = obj;
	if (tf_body(c, b, &TF_PROJ, x) < 0)
		return -1;
	return x->ptype ? 0 : tferr(c, b->line, "the projection block needs 'projection_type'");
}

static const struct tf_arg TF_PT_ARGS[] = {
	{ "read_capacity_units", TF_INT, OF(tf_index, rc), OF(tf_index, has_rc), NO, 0 },
	{ "write_capacity_units", TF_INT, OF(tf_index, wc), OF(tf_index, has_wc), NO, 0 },
	TF_END,
};
static const struct tf_shape TF_PT = { NULL, TF_PT_ARGS, NULL, NULL, 1 };

static const struct tf_arg TF_ODT_ARGS[] = {
	{ "max_read_request_units", TF_INT, OF(tf_index, odt_r), OF(tf_index, has_odt_r), NO, 0 },
	{ "max_write_request_units", TF_INT, OF(tf_index, odt_w), OF(tf_index, has_odt_w), NO, 0 },
	TF_END,
};
static const struct tf_shape TF_ODT = { NULL, TF_ODT_ARGS, NULL, NULL, 1 };

static const struct tf_arg TF_WT_ARGS[] = {
	{ "read_units_per_second", TF_INT, OF(tf_index, wt_r), OF(tf_index, has_wt_r), NO, 0 },
	{ "write_units_per_second", TF_INT, OF(tf_index, wt_w), OF(tf_index, has_wt_w), NO, 0 },
	TF_END,
};
static const struct tf_shape TF_WT = { NULL, TF_WT_ARGS, NULL, NULL, 1 };

/* table_name is read before the others (tf_gsi_table); hash_key and range_key are the other way to give keys */
static const struct tf_arg TF_GSIR_ARGS[] = {
	TF_ONLY("table_name", TF_SKIP),
	{ "index_name", TF_STR, OF(tf_index, name), NO, NO, 0 },
	{ "hash_key", TF_STR, OF(tf_index, hash), NO, OF(tf_index, key_line), 0 },
	{ "range_key", TF_STR, OF(tf_index, range), NO, OF(tf_index, key_line), 0 },
	TF_ONLY("provider", TF_SKIP),
	TF_ONLY("depends_on", TF_SKIP),
	TF_ONLY("region", TF_SKIP),
	TF_ONLY("count", TF_REFUSE),
	TF_ONLY("for_each", TF_REFUSE),
	TF_END,
};
static const struct tf_sub TF_GSIR_BLOCKS[] = {
	{ "key_schema", NULL, tf_key_schema_read, NO, NO, NULL },
	{ "projection", NULL, tf_projection_read, OF(tf_index, has_proj), OF(tf_index, proj_line), NULL },
	{ "provisioned_throughput", &TF_PT, NULL, OF(tf_index, has_pt), OF(tf_index, rc_line), NULL },
	{ "on_demand_throughput", &TF_ODT, NULL, OF(tf_index, has_odt), NO, NULL },
	{ "warm_throughput", &TF_WT, NULL, OF(tf_index, has_wt), NO, NULL },
	{ "lifecycle", NULL, NULL, NO, NO, NULL },
	{ "timeouts", NULL, NULL, NO, NO, NULL },
	TF_SUB_END,
};
static const struct tf_shape TF_GSIR = { "aws_dynamodb_global_secondary_index argument", TF_GSIR_ARGS,
	"aws_dynamodb_global_secondary_index block", TF_GSIR_BLOCKS, 0 };

static int tf_gsi_resource(struct tfc *c, const struct hcl_block *r, struct schema_list *got)
{
	const struct hcl_attr *tn = hcl_body_attr(r->body, "table_name");
	struct tf_index x;
	int rc = -1;
	memset(&x, 0, sizeof x);
	if (!tn)
		return tferr(c, r->line, "'table_name' is required");
	if (!(x.table = tf_gsi_table(c, tn, got)))
		return -1;
	if (tf_items(c, r, &TF_GSIR, &x, NULL) < 0)
		goto out;
	if (!x.name)
		tferr(c, r->line, "'index_name' is required");
	else if (x.keys && (x.hash || x.range))
		tferr(c, x.key_line, "give the keys as key_schema blocks or as hash_key/range_key, not both");
	else if (!x.keys && !x.hash)
		tferr(c, r->line, "'%s': a key_schema block (or hash_key) is required", x.name);
	else if (!x.ptype)
		tferr(c, r->line, "'%s': a projection block is required", x.name);
	else
		rc = 0;
	if (rc == 0)
		tf_index_add(x.table, x.table->doc, "GlobalSecondaryIndexes", &x, NULL, r->line);
out:
	tf_index_release(&x);
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

