/* expr.c — expression building for scan and query (see expr.h for the rules). */
#include "dynamo/expr.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"

void expr_init(struct expr *x)
{
	x->names = cJSON_CreateObject();
	x->values = cJSON_CreateObject();
	x->nseq = x->vseq = 0;
}

void expr_release(struct expr *x)
{
	cJSON_Delete(x->names);
	cJSON_Delete(x->values);
	x->names = x->values = NULL;
	x->nseq = x->vseq = 0;
}

static cJSON *parse_option_object(const char *opt, const char *json, struct err *e)
{
	cJSON *v = json_parse_exact(json, strlen(json), e);
	if (!v) {
		e->kind = ERR_USAGE;
		err_prefix(e, "%s", opt);
		return NULL;
	}
	if (!cJSON_IsObject(v)) {
		cJSON_Delete(v);
		err_set(e, ERR_USAGE, "%s: expected a JSON object", opt);
		return NULL;
	}
	return v;
}

int expr_add_names(struct expr *x, const char *json, struct err *e)
{
	cJSON *v = parse_option_object("--names", json, e);
	if (!v)
		return -1;
	for (cJSON *c = v->child; c; c = c->next) {
		if (c->string[0] != '#' || !c->string[1]) {
			err_set(e, ERR_USAGE, "--names: '%s' must start with '#' (like \"#n\")", c->string);
			cJSON_Delete(v);   /* after the message: c->string lives in v */
			return -1;
		}
		if (!cJSON_IsString(c) || !c->valuestring[0]) {
			err_set(e, ERR_USAGE, "--names: '%s' must map to a non-empty attribute name", c->string);
			cJSON_Delete(v);
			return -1;
		}
		if (cJSON_GetObjectItemCaseSensitive(x->names, c->string)) {
			err_set(e, ERR_USAGE, "--names: '%s' is given twice", c->string);
			cJSON_Delete(v);
			return -1;
		}
		cJSON_AddStringToObject(x->names, c->string, c->valuestring);
	}
	cJSON_Delete(v);
	return 0;
}

int expr_add_values(struct expr *x, const char *json, struct err *e)
{
	cJSON *v = parse_option_object("--values", json, e);
	if (!v)
		return -1;
	for (cJSON *c = v->child; c; c = c->next) {
		if (c->string[0] != ':' || !c->string[1]) {
			err_set(e, ERR_USAGE, "--values: '%s' must start with ':' (like \":v\")", c->string);
			cJSON_Delete(v);
			return -1;
		}
		if (cJSON_GetObjectItemCaseSensitive(x->values, c->string)) {   /* a repeated --values merges */
			err_set(e, ERR_USAGE, "--values: '%s' is given twice", c->string);
			cJSON_Delete(v);
			return -1;
		}
	}
	cJSON *typed = item_as_ddb(v, ITEM_FORMAT_AUTO, e);
	cJSON_Delete(v);
	if (!typed) {
		e->kind = ERR_USAGE;   /* an option's value, not input data */
		return err_prefix(e, "--values");
	}
	while (typed->child) {
		cJSON *c = cJSON_DetachItemViaPointer(typed, typed->child);
		cJSON_AddItemToObject(x->values, c->string, c);   /* cJSON copies the key */
	}
	cJSON_Delete(typed);
	return 0;
}

/* The next "<sigil><prefix><n>" not used in map. */
static int next_placeholder(unsigned *seq, const cJSON *map, char sigil, const char *prefix, char *out,
                            size_t outlen, struct err *e)
{
	for (;;) {
		int n = snprintf(out, outlen, "%c%s%u", sigil, prefix, (*seq)++);
		if (n < 0 || (size_t)n >= outlen)
			return err_set(e, ERR_INTERNAL, "placeholder buffer too small");
		if (!cJSON_GetObjectItemCaseSensitive(map, out))
			return 0;
	}
}

int expr_name(struct expr *x, const char *prefix, const char *attr, char *out, size_t outlen, struct err *e)
{
	if (next_placeholder(&x->nseq, x->names, '#', prefix, out, outlen, e) < 0)
		return -1;
	cJSON_AddStringToObject(x->names, out, attr);
	return 0;
}

int expr_value(struct expr *x, const char *prefix, cJSON *av, char *out, size_t outlen, struct err *e)
{
	if (next_placeholder(&x->vseq, x->values, ':', prefix, out, outlen, e) < 0) {
		cJSON_Delete(av);
		return -1;
	}
	cJSON_AddItemToObject(x->values, out, av);
	return 0;
}

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.';
}

int expr_is_sugar(const char *text, size_t *name_len)
{
	size_t i = 0;
	while (name_char(text[i]))
		i++;
	if (i == 0 || text[i] != '=' || text[i + 1] == ':' || text[i + 1] == '=')
		return 0;
	if (name_len)
		*name_len = i;
	return 1;
}

cJSON *expr_sugar_value(const char *text, struct err *e)
{
	size_t len = strlen(text);
	if (!strcmp(text, "true") || !strcmp(text, "false")) {
		cJSON *av = cJSON_CreateObject();
		cJSON_AddBoolToObject(av, "BOOL", text[0] == 't');
		return av;
	}
	if (!strcmp(text, "null")) {
		cJSON *av = cJSON_CreateObject();
		cJSON_AddBoolToObject(av, "NULL", 1);
		return av;
	}
	if (len && json_number_syntax_ok(text, len)) {
		if (item_number_check(text, e) < 0)
			return NULL;
		cJSON *av = cJSON_CreateObject();
		cJSON_AddStringToObject(av, "N", text);
		return av;
	}
	if (len >= 2 && text[0] == '"' && text[len - 1] == '"') {
		struct err pe = ERR_INIT;
		cJSON *s = json_parse_exact(text, len, &pe);
		if (s && cJSON_IsString(s)) {
			cJSON *av = cJSON_CreateObject();
			cJSON_AddStringToObject(av, "S", s->valuestring);
			cJSON_Delete(s);
			return av;
		}
		cJSON_Delete(s);
	}
	cJSON *av = cJSON_CreateObject();
	cJSON_AddStringToObject(av, "S", text);
	return av;
}

int expr_filter(struct expr *x, const char *const *filters, size_t n, struct buf *out, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		const char *f = filters[i];
		size_t nl;
		if (i)
			buf_adds(out, " AND ");
		if (expr_is_sugar(f, &nl)) {
			char np[32], vp[32];
			/* a dotted NAME is a path into maps: m.a.b -> #f0.#f1.#f2 */
			for (size_t s0 = 0; s0 <= nl;) {
				const char *dot = memchr(f + s0, '.', nl - s0);
				size_t seg = dot ? (size_t)(dot - f) - s0 : nl - s0;
				if (!seg)
					return err_set(e, ERR_USAGE,
					               "--filter '%s': empty name in the path '%.*s' (a dotted name is a path "
					               "into maps; an attribute whose name holds a dot needs --names)",
					               f, (int)nl, f);
				char *name = xstrndup(f + s0, seg);
				int rc = expr_name(x, "f", name, np, sizeof(np), e);
				free(name);
				if (rc < 0)
					return -1;
				buf_adds(out, np);
				s0 += seg + 1;
				if (dot)
					buf_addc(out, '.');
			}
			cJSON *av = expr_sugar_value(f + nl + 1, e);
			if (!av) {
				e->kind = ERR_USAGE;   /* an option's value */
				return err_prefix(e, "--filter '%s'", f);
			}
			if (expr_value(x, "f", av, vp, sizeof(vp), e) < 0)
				return -1;
			buf_addf(out, " = %s", vp);
		} else {
			const char *p = f;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p)
				return err_set(e, ERR_USAGE, "--filter: empty expression");
			if (n > 1)
				buf_addf(out, "(%s)", f);
			else
				buf_adds(out, f);
		}
	}
	return 0;
}

int expr_projection(struct expr *x, const char *attrs, struct buf *out, struct err *e)
{
	const char *p = attrs;
	int first = 1;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!len)
			return err_set(e, ERR_USAGE, "--projection: empty attribute name in '%s'", attrs);
		if (!first)
			buf_adds(out, ", ");
		first = 0;
		if (p[0] == '#') {
			buf_add(out, p, len);
		} else {
			char np[32];
			char *name = xstrndup(p, len);
			int rc = expr_name(x, "p", name, np, sizeof(np), e);
			free(name);
			if (rc < 0)
				return -1;
			buf_adds(out, np);
		}
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

cJSON *expr_key_value(const char *text, char type, const char *what, const char *attr, struct err *e)
{
	cJSON *av = cJSON_CreateObject();
	if (type == 'N') {
		struct err ne = ERR_INIT;
		if (item_number_check(text, &ne) < 0) {
			cJSON_Delete(av);
			err_set(e, ERR_USAGE, "%s: '%s' is not a valid number (the key '%s' is of type N): %s", what, text,
			        attr, ne.msg);
			return NULL;
		}
		cJSON_AddStringToObject(av, "N", text);
	} else if (type == 'B') {
		struct buf raw = BUF_INIT;
		struct err be = ERR_INIT;
		int rc = item_b64_decode(text, strlen(text), &raw, &be);
		buf_release(&raw);
		if (rc < 0) {
			cJSON_Delete(av);
			err_set(e, ERR_USAGE, "%s: '%s' is not valid base64 (the key '%s' is of type B)", what, text, attr);
			return NULL;
		}
		cJSON_AddStringToObject(av, "B", text);
	} else {
		if (!*text) {
			cJSON_Delete(av);
			err_set(e, ERR_USAGE, "%s: the key '%s' cannot be empty", what, attr);
			return NULL;
		}
		cJSON_AddStringToObject(av, "S", text);
	}
	return av;
}

static char attr_type(const cJSON *defs, const char *name)
{
	const cJSON *d;
	cJSON_ArrayForEach(d, defs) {
		const char *n = json_get_string(d, "AttributeName");
		const char *t = json_get_string(d, "AttributeType");
		if (n && t && !strcmp(n, name))
			return t[0];
	}
	return 0;
}

static int fill_keys(const cJSON *schema, const cJSON *defs, const char *what, struct item_key_attr keys[2],
                     size_t *nkeys, struct err *e)
{
	const cJSON *k;
	*nkeys = 0;
	keys[0].name = keys[1].name = NULL;
	cJSON_ArrayForEach(k, schema) {
		const char *n = json_get_string(k, "AttributeName");
		const char *t = json_get_string(k, "KeyType");
		if (!n || !t)
			return err_set(e, ERR_DATA, "%s: malformed KeySchema in DescribeTable", what);
		int slot = !strcmp(t, "HASH") ? 0 : 1;
		keys[slot].name = n;
		keys[slot].type = attr_type(defs, n);
		if (!keys[slot].type)
			return err_set(e, ERR_DATA, "%s: key '%s' has no attribute definition", what, n);
	}
	if (!keys[0].name)
		return err_set(e, ERR_DATA, "%s: no hash key in DescribeTable", what);
	*nkeys = keys[1].name ? 2 : 1;
	return 0;
}

int expr_key_schema(const cJSON *desc, const char *index, const char *shown_table, struct item_key_attr keys[2],
                    size_t *nkeys, struct err *e)
{
	const cJSON *t = json_get(desc, "Table");
	if (!t)
		t = desc;
	const cJSON *defs = json_get(t, "AttributeDefinitions");
	if (!index) {
		char what[300];
		snprintf(what, sizeof(what), "table '%s'", shown_table);
		return fill_keys(json_get(t, "KeySchema"), defs, what, keys, nkeys, e);
	}
	static const char *const kinds[] = { "GlobalSecondaryIndexes", "LocalSecondaryIndexes" };
	struct buf names = BUF_INIT;
	for (size_t i = 0; i < 2; i++) {
		const cJSON *ix;
		cJSON_ArrayForEach(ix, json_get(t, kinds[i])) {
			const char *n = json_get_string(ix, "IndexName");
			if (!n)
				continue;
			if (!strcmp(n, index)) {
				char what[300];
				buf_release(&names);
				snprintf(what, sizeof(what), "index '%s' of table '%s'", index, shown_table);
				return fill_keys(json_get(ix, "KeySchema"), defs, what, keys, nkeys, e);
			}
			buf_addf(&names, "%s%s", names.len ? ", " : "", n);
		}
	}
	if (names.len)
		err_set(e, ERR_SERVICE, "table '%s' has no index '%s' (its indexes: %s)", shown_table, index,
		        buf_cstr(&names));
	else
		err_set(e, ERR_SERVICE, "table '%s' has no index '%s' (it has no secondary indexes)", shown_table, index);
	buf_release(&names);
	return -1;
}

void expr_apply(const struct expr *x, cJSON *in)
{
	if (x->names && x->names->child)
		cJSON_AddItemToObject(in, "ExpressionAttributeNames", cJSON_Duplicate(x->names, 1));
	if (x->values && x->values->child)
		cJSON_AddItemToObject(in, "ExpressionAttributeValues", cJSON_Duplicate(x->values, 1));
}

void expr_keys_first(cJSON *obj, const struct item_key_attr *keys, size_t nkeys)
{
	for (size_t i = nkeys; i-- > 0;) {
		if (!keys[i].name)
			continue;
		cJSON *m = cJSON_DetachItemFromObjectCaseSensitive(obj, keys[i].name);
		if (!m)
			continue;
		cJSON_InsertItemInArray(obj, 0, m);   /* works on objects: m keeps its name */
	}
}
