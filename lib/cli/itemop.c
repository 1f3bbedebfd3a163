/* itemop.c — single-item helpers shared by get, put, update, delete and transact (see itemop.h). */
#include "cli/itemop.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "cli/render.h"

int itemop_keys(const struct table_desc *d, const char *shown, struct item_key_attr keys[2], size_t *nkeys,
                struct err *e)
{
	const struct table_key *k[2] = { &d->hash, &d->range };
	*nkeys = 0;
	for (size_t i = 0; i < 2; i++) {
		keys[i].name = NULL;
		keys[i].type = 0;
		if (!k[i]->name)
			continue;
		if (!k[i]->type || !k[i]->type[0] || k[i]->type[1] || !strchr("SNB", k[i]->type[0]))
			return err_set(e, ERR_DATA, "table '%s': DescribeTable gives no valid type for the key '%s'", shown,
			               k[i]->name);
		keys[i].name = k[i]->name;
		keys[i].type = k[i]->type[0];
		*nkeys = i + 1;
	}
	if (!keys[0].name)
		return err_set(e, ERR_DATA, "table '%s': DescribeTable gives no hash key", shown);
	return 0;
}

int itemop_describe(struct ctx *ctx, const char *wire, const char *shown, struct table_desc *d, struct err *e)
{
	int rc = table_describe(ctx, wire, d, e);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return err_set(e, ERR_NOINPUT, "table '%s' does not exist%s%s", shown, ctx->ns[0] ? " in namespace " : "",
		               ctx->ns);
	return 0;
}

cJSON *itemop_key(const struct item_key_attr *keys, size_t nkeys, const char *pk, const char *sk, struct err *e)
{
	if (nkeys == 2 && !sk) {
		err_set(e, ERR_USAGE, "missing --sk VALUE (the table's sort key '%s')", keys[1].name);
		return NULL;
	}
	if (nkeys < 2 && sk) {
		err_set(e, ERR_USAGE, "--sk: the table has no sort key (its key is '%s' alone)", keys[0].name);
		return NULL;
	}
	cJSON *key = cJSON_CreateObject();
	cJSON *v = expr_key_value(pk, keys[0].type, "--pk", keys[0].name, e);
	if (!v) {
		cJSON_Delete(key);
		return NULL;
	}
	cJSON_AddItemToObject(key, keys[0].name, v);
	if (nkeys == 2) {
		if (!(v = expr_key_value(sk, keys[1].type, "--sk", keys[1].name, e))) {
			cJSON_Delete(key);
			return NULL;
		}
		cJSON_AddItemToObject(key, keys[1].name, v);
	}
	return key;
}

cJSON *itemop_parse_item(const char *text, size_t len, const struct item_key_attr *keys, size_t nkeys,
                         struct err *e)
{
	cJSON *v = json_parse_exact(text, len, e);
	if (!v)
		return NULL;
	if (!cJSON_IsObject(v)) {
		cJSON_Delete(v);
		err_set(e, ERR_DATA, "an item must be a JSON object");
		return NULL;
	}
	cJSON *typed = item_as_ddb(v, ITEM_FORMAT_AUTO, e);
	cJSON_Delete(v);
	if (!typed)
		return NULL;
	if (nkeys) {
		cJSON *k = item_key(typed, keys, nkeys, e);
		if (!k) {
			cJSON_Delete(typed);
			return NULL;
		}
		cJSON_Delete(k);
	}
	size_t size = 0;
	if (item_size(typed, &size, e) < 0) {
		cJSON_Delete(typed);
		return NULL;
	}
	if (size > ITEM_MAX_BYTES) {
		cJSON_Delete(typed);
		err_set(e, ERR_DATA, "the item is %zu bytes, over DynamoDB's 400 KB limit", size);
		return NULL;
	}
	return typed;
}

int itemop_condition(struct expr *x, const char *what, const char *const *conds, size_t n, struct buf *out,
                     struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		const char *c = conds[i];
		size_t nl;
		if (i)
			buf_adds(out, " AND ");
		if (expr_is_sugar(c, &nl)) {
			char np[32], vp[32];
			char *name = xstrndup(c, nl);
			int rc = expr_name(x, "c", name, np, sizeof(np), e);
			free(name);
			if (rc < 0)
				return -1;
			cJSON *av = expr_sugar_value(c + nl + 1, e);
			if (!av) {
				e->kind = ERR_USAGE;
				return err_prefix(e, "%s '%s'", what, c);
			}
			if (expr_value(x, "c", av, vp, sizeof(vp), e) < 0)
				return -1;
			buf_addf(out, "%s = %s", np, vp);
		} else {
			if (!c[strspn(c, " \t")])
				return err_set(e, ERR_USAGE, "%s: empty expression", what);
			if (n > 1)
				buf_addf(out, "(%s)", c);
			else
				buf_adds(out, c);
		}
	}
	return 0;
}

int itemop_write_condition(struct expr *x, const char *guard, const char *key_attr, const char *guard_shown,
                           const char *const *conds, size_t n, struct buf *cond, struct buf *shown, struct err *e)
{
	if (guard) {
		char np[32];
		if (expr_name(x, "k", key_attr, np, sizeof(np), e) < 0)
			return -1;
		buf_addf(cond, "%s(%s)", guard, np);
		buf_adds(shown, guard_shown);
	}
	if (n) {
		buf_adds(cond, cond->len ? " AND (" : "(");
		if (itemop_condition(x, "--condition", conds, n, cond, e) < 0)
			return -1;
		buf_adds(cond, ")");
		for (size_t i = 0; i < n; i++)
			buf_addf(shown, "%s'%s'", shown->len ? " AND " : "", conds[i]);
	}
	return 0;
}

int itemop_condition_failed(struct err *e, const char *shown)
{
	if (e->kind != ERR_SERVICE || strcmp(e->type, "ConditionalCheckFailedException"))
		return -1;
	char what[600];
	snprintf(what, sizeof(what), "%s", shown);
	err_clear(e);
	return err_set(e, ERR_CONDITION, "condition failed: %s; the item was not changed", what);
}

int itemop_print(struct ctx *ctx, const cJSON *item, const struct item_key_attr *keys, size_t nkeys, struct err *e)
{
	cJSON *shown = ctx->ddb_json ? cJSON_Duplicate(item, 1) : item_to_plain(item, e);
	if (!shown)
		return -1;
	if (nkeys)
		expr_keys_first(shown, keys, nkeys);
	int rc = render_record(ctx, OUT_JSONL, shown, e);
	cJSON_Delete(shown);
	return rc;
}

const char *itemop_return_values(const char *opt)
{
	static const char *const map[][2] = {
		{ "new", "ALL_NEW" }, { "old", "ALL_OLD" }, { "updated-new", "UPDATED_NEW" },
		{ "updated-old", "UPDATED_OLD" }, { "none", "NONE" },
	};
	for (size_t i = 0; opt && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], opt))
			return map[i][1];
	return NULL;
}

int itemop_read_input(const char *path, size_t max, struct buf *out, struct err *e)
{
	int is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	const char *shown = is_stdin ? "standard input" : path;
	char chunk[65536];
	size_t n;
	if (!f)
		return err_set(e, ERR_NOINPUT, "%s: %s", path, strerror(errno));
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > max) {
			rc = err_set(e, ERR_DATA, "%s: larger than %zu bytes", shown, max);
			break;
		}
		buf_add(out, chunk, n);
	}
	if (!rc && ferror(f))
		rc = err_set(e, ERR_IO, "%s: cannot read: %s", shown, strerror(errno));
	if (!is_stdin)
		fclose(f);
	return rc;
}

int itemop_read_line(FILE *f, size_t max, struct buf *line, struct err *e)
{
	int c;
	buf_reset(line);
	while ((c = getc(f)) != EOF && c != '\n') {
		if (line->len >= max)
			return err_set(e, ERR_DATA, "a line longer than %zu bytes", max);
		buf_addc(line, (char)c);
	}
	if (ferror(f))
		return err_set(e, ERR_IO, "cannot read: %s", strerror(errno));
	if (c == EOF && !line->len)
		return 1;
	if (line->len && line->ptr[line->len - 1] == '\r')
		line->ptr[--line->len] = '\0';
	if (!line->ptr)
		buf_add(line, "", 0);
	return 0;
}

/* ---- transactions --------------------------------------------------------------------------------------- */

#include "aws/aws.h"

static const char *const action_kinds[] = { "Put", "Update", "Delete", "ConditionCheck", NULL };

cJSON *itemop_transact_action(const struct ctx *ctx, const cJSON *line, const char **kind, const char **table,
                              struct err *e)
{
	*kind = NULL;
	*table = NULL;
	if (!cJSON_IsObject(line) || !line->child || line->child->next) {
		err_set(e, ERR_DATA, "expected one object {\"Put\"|\"Update\"|\"Delete\"|\"ConditionCheck\": {...}}");
		return NULL;
	}
	const cJSON *body = line->child;
	for (const char *const *k = action_kinds; *k; k++)
		if (!strcmp(*k, body->string))
			*kind = *k;
	if (!*kind) {
		err_set(e, ERR_DATA, "unknown action '%s' (Put, Update, Delete or ConditionCheck)", body->string);
		return NULL;
	}
	if (!cJSON_IsObject(body)) {
		err_set(e, ERR_DATA, "%s: expected an object", *kind);
		return NULL;
	}
	int put = !strcmp(*kind, "Put"), update = !strcmp(*kind, "Update"), check = !strcmp(*kind, "ConditionCheck");
	cJSON *out = cJSON_CreateObject(), *a = cJSON_AddObjectToObject(out, *kind);
	const cJSON *m;
	cJSON_ArrayForEach(m, body) {
		const char *n = m->string;
		cJSON *v = NULL;
		if (!strcmp(n, "TableName")) {
			if (!cJSON_IsString(m) || !m->valuestring[0]) {
				err_set(e, ERR_DATA, "%s: TableName must be a non-empty string", *kind);
				goto fail;
			}
			*table = m->valuestring;
			char *wire = ctx_table_wire(ctx, m->valuestring);
			if (ctx_check_table_name(wire, e) < 0) {
				free(wire);
				e->kind = ERR_DATA;
				err_prefix(e, "%s: TableName", *kind);
				goto fail;
			}
			v = cJSON_CreateString(wire);
			free(wire);
		} else if ((put && !strcmp(n, "Item")) || (!put && !strcmp(n, "Key"))) {
			if (!cJSON_IsObject(m) || !m->child) {
				err_set(e, ERR_DATA, "%s: %s must be a non-empty object", *kind, n);
				goto fail;
			}
			if (!(v = item_as_ddb(m, ITEM_FORMAT_AUTO, e))) {
				err_prefix(e, "%s: %s", *kind, n);
				goto fail;
			}
		} else if (!strcmp(n, "ExpressionAttributeValues")) {
			if (!cJSON_IsObject(m)) {
				err_set(e, ERR_DATA, "%s: %s must be an object", *kind, n);
				goto fail;
			}
			for (const cJSON *c = m->child; c; c = c->next)
				if (c->string[0] != ':' || !c->string[1]) {
					err_set(e, ERR_DATA, "%s: %s: '%s' must start with ':'", *kind, n, c->string);
					goto fail;
				}
			if (!(v = item_as_ddb(m, ITEM_FORMAT_AUTO, e))) {
				err_prefix(e, "%s: %s", *kind, n);
				goto fail;
			}
		} else if (!strcmp(n, "ExpressionAttributeNames")) {
			if (!cJSON_IsObject(m)) {
				err_set(e, ERR_DATA, "%s: %s must be an object", *kind, n);
				goto fail;
			}
			for (const cJSON *c = m->child; c; c = c->next)
				if (c->string[0] != '#' || !cJSON_IsString(c) || !c->valuestring[0]) {
					err_set(e, ERR_DATA, "%s: %s: '%s' must start with '#' and name an attribute", *kind, n,
					        c->string);
					goto fail;
				}
			v = cJSON_Duplicate(m, 1);
		} else if (!strcmp(n, "ConditionExpression") || (update && !strcmp(n, "UpdateExpression")) ||
		           !strcmp(n, "ReturnValuesOnConditionCheckFailure")) {
			if (!cJSON_IsString(m) || !m->valuestring[0]) {
				err_set(e, ERR_DATA, "%s: %s must be a non-empty string", *kind, n);
				goto fail;
			}
			v = cJSON_CreateString(m->valuestring);
		} else {
			err_set(e, ERR_DATA, "%s: unknown field '%s'", *kind, n);
			goto fail;
		}
		if (json_get(a, n)) {
			cJSON_Delete(v);
			err_set(e, ERR_DATA, "%s: '%s' given twice", *kind, n);
			goto fail;
		}
		cJSON_AddItemToObject(a, n, v);
	}
	const char *need = !json_get(a, "TableName") ? "TableName"
	                   : put && !json_get(a, "Item") ? "Item"
	                   : !put && !json_get(a, "Key") ? "Key"
	                   : update && !json_get(a, "UpdateExpression") ? "UpdateExpression"
	                   : check && !json_get(a, "ConditionExpression") ? "ConditionExpression"
	                                                                  : NULL;
	if (need) {
		err_set(e, ERR_DATA, "%s: missing %s", *kind, need);
		goto fail;
	}
	return out;
fail:
	cJSON_Delete(out);
	return NULL;
}

int itemop_transact(struct ctx *ctx, const cJSON *items, cJSON **reasons, struct err *e)
{
	*reasons = NULL;
	cJSON *in = cJSON_CreateObject();
	cJSON_AddItemToObject(in, "TransactItems", cJSON_Duplicate(items, 1));
	char *body = cJSON_PrintUnformatted(in);
	cJSON_Delete(in);
	struct aws_request r = { &aws_dynamodb, "TransactWriteItems", body, strlen(body), NULL, NULL, 0, NULL, 0, 0 };
	struct aws_response resp;
	aws_response_init(&resp);
	int rc = aws_send(ctx, &r, &resp, e);
	cJSON_free(body);
	if (rc < 0 && e->kind == ERR_SERVICE && !strcmp(e->type, "TransactionCanceledException")) {
		size_t cost = 0;
		struct err ce = ERR_INIT;
		cJSON *doc = NULL;
		if (resp.body.ptr && aws_json_cost_check(&aws_dynamodb, "TransactWriteItems", resp.body.ptr, resp.body.len,
		                                         &cost, &ce) == 0)
			doc = cJSON_ParseWithLength(resp.body.ptr, resp.body.len);
		cJSON *rs = cJSON_DetachItemFromObjectCaseSensitive(doc, "CancellationReasons");
		if (cJSON_IsArray(rs))
			*reasons = rs;
		else
			cJSON_Delete(rs);
		cJSON_Delete(doc);
		char msg[sizeof(e->msg)];
		snprintf(msg, sizeof(msg), "%s", e->msg);
		err_clear(e);
		err_set(e, ERR_CONDITION, "transaction cancelled, nothing written: %s", msg);
	} else if (rc < 0 && table_unsupported(e)) {
		err_clear(e);
		err_set(e, ERR_UNAVAILABLE, "this engine has no transactions (TransactWriteItems): use DynamoDB Local or AWS");
	}
	aws_response_release(&resp);
	return rc;
}
