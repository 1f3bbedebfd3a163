/* partiql.c — statement kinds and the namespace rewriter (rules in partiql.h). */
#include "dynamo/partiql.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/ctx.h"

enum tok_kind { TOK_END, TOK_WORD, TOK_QUOTED, TOK_STRING, TOK_PUNCT };

struct tok {
	enum tok_kind kind;
	size_t start, len;   /* the whole token as written (quotes included) */
};

struct lexer {
	const char *s;
	size_t len, pos;
};

static int word_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int word_char(char c)
{
	return word_start(c) || (c >= '0' && c <= '9');
}

/* The next token; -1 with e for what the rule refuses. */
static int next(struct lexer *l, struct tok *t, struct err *e)
{
	const char *s = l->s;
	while (l->pos < l->len && (s[l->pos] == ' ' || s[l->pos] == '\t' || s[l->pos] == '\n' || s[l->pos] == '\r'))
		l->pos++;
	t->start = l->pos;
	if (l->pos >= l->len) {
		t->kind = TOK_END;
		t->len = 0;
		return 0;
	}
	char c = s[l->pos];
	if ((unsigned char)c < 0x20 || c == 0x7f)
		return err_set(e, ERR_USAGE, "a control character at offset %zu", l->pos);
	if (c == '\'' || c == '"') {
		size_t i = l->pos + 1;
		for (;;) {
			if (i >= l->len)
				return err_set(e, ERR_USAGE, "an unterminated %s", c == '"' ? "quoted name" : "string");
			if (s[i] == '\0')
				return err_set(e, ERR_USAGE, "a NUL byte at offset %zu", i);
			if (s[i] == c) {
				if (i + 1 < l->len && s[i + 1] == c) {
					i += 2;
					continue;
				}
				break;
			}
			i++;
		}
		t->kind = c == '"' ? TOK_QUOTED : TOK_STRING;
		t->len = i + 1 - l->pos;
		l->pos = i + 1;
		return 0;
	}
	if ((c == '-' && l->pos + 1 < l->len && s[l->pos + 1] == '-') ||
	    (c == '/' && l->pos + 1 < l->len && s[l->pos + 1] == '*'))
		return err_set(e, ERR_USAGE, "a comment");
	if (word_char(c)) {
		size_t i = l->pos;
		while (i < l->len && word_char(s[i]))
			i++;
		t->kind = TOK_WORD;
		t->len = i - l->pos;
		l->pos = i;
		return 0;
	}
	t->kind = TOK_PUNCT;
	t->len = 1;
	l->pos++;
	return 0;
}

static int is_kw(const struct lexer *l, const struct tok *t, const char *kw)
{
	return t->kind == TOK_WORD && t->len == strlen(kw) && !strncasecmp(l->s + t->start, kw, t->len);
}

enum partiql_kind partiql_kind(const char *stmt, size_t len)
{
	struct lexer l = { stmt, len, 0 };
	struct tok t;
	struct err e = ERR_INIT;
	if (next(&l, &t, &e) < 0)
		return PARTIQL_OTHER;
	return is_kw(&l, &t, "SELECT") ? PARTIQL_SELECT
	       : is_kw(&l, &t, "INSERT") ? PARTIQL_INSERT
	       : is_kw(&l, &t, "UPDATE") ? PARTIQL_UPDATE
	       : is_kw(&l, &t, "DELETE") ? PARTIQL_DELETE
	                                 : PARTIQL_OTHER;
}

int partiql_is_write(const char *stmt, size_t len)
{
	enum partiql_kind k = partiql_kind(stmt, len);
	return k == PARTIQL_INSERT || k == PARTIQL_UPDATE || k == PARTIQL_DELETE;
}

static int refuse(struct err *e, const char *why)
{
	return err_set(e, ERR_USAGE, "--namespace: cannot apply the namespace to this statement (%s); write the full "
	               "table name without --namespace", why);
}

int partiql_namespace(const char *stmt, size_t len, const char *ns, struct buf *out, char **table, struct err *e)
{
	if (table)
		*table = NULL;
	if (!ns || !*ns) {
		buf_add(out, stmt, len);
		return 0;
	}
	struct lexer l = { stmt, len, 0 };
	struct tok t, first, slot = { TOK_END, 0, 0 };
	struct err le = ERR_INIT;
	int nkw = 0, idx = 0, want_after = -1;
	const char *slot_kw = NULL;

	if (memchr(stmt, '\0', len))
		return refuse(e, "a NUL byte");
	if (next(&l, &first, &le) < 0)
		return refuse(e, le.msg);
	enum partiql_kind kind = is_kw(&l, &first, "SELECT") ? PARTIQL_SELECT
	                         : is_kw(&l, &first, "INSERT") ? PARTIQL_INSERT
	                         : is_kw(&l, &first, "UPDATE") ? PARTIQL_UPDATE
	                         : is_kw(&l, &first, "DELETE") ? PARTIQL_DELETE
	                                                       : PARTIQL_OTHER;
	if (kind == PARTIQL_OTHER)
		return refuse(e, "not a SELECT, INSERT, UPDATE or DELETE");
	if (kind == PARTIQL_UPDATE) {
		nkw = 1;
		want_after = 0;
		slot_kw = "UPDATE";
	}
	/* the token index (0 = the first word) after which the table name must come */
	for (idx = 1;; idx++) {
		if (next(&l, &t, &le) < 0)
			return refuse(e, le.msg);
		if (t.kind == TOK_END)
			break;
		if (want_after >= 0 && idx == want_after + 1) {
			if (t.kind != TOK_WORD && t.kind != TOK_QUOTED)
				return refuse(e, "the table name is not a plain or double-quoted name");
			if (t.kind == TOK_WORD && (!word_start(stmt[t.start])))
				return refuse(e, "the table name is not a plain or double-quoted name");
			slot = t;
			continue;
		}
		int from = is_kw(&l, &t, "FROM"), into = is_kw(&l, &t, "INTO");
		if (is_kw(&l, &t, "UPDATE") || is_kw(&l, &t, "DELETE") || is_kw(&l, &t, "INSERT") ||
		    is_kw(&l, &t, "SELECT"))
			return refuse(e, "more than one statement keyword");
		if (!from && !into)
			continue;
		nkw++;
		if (nkw > 1)
			return refuse(e, "more than one FROM, INTO or UPDATE");
		if ((kind == PARTIQL_INSERT && !into) || (kind != PARTIQL_INSERT && !from) || kind == PARTIQL_UPDATE)
			return refuse(e, into ? "INTO where FROM was expected" : "FROM where it was not expected");
		if ((kind == PARTIQL_INSERT || kind == PARTIQL_DELETE) && idx != 1)
			return refuse(e, kind == PARTIQL_INSERT ? "INTO does not follow INSERT" : "FROM does not follow DELETE");
		want_after = idx;
		slot_kw = from ? "FROM" : "INTO";
	}
	if (slot.kind == TOK_END)
		return refuse(e, slot_kw ? "no table name after the keyword" : "no FROM, INTO or UPDATE");
	/* written quoted, the name would merge with a quoted name right after it ("t""x" is one name) */
	if (slot.start + slot.len < len && stmt[slot.start + slot.len] == '"')
		return refuse(e, "a quoted name right after the table name");

	struct buf name = BUF_INIT;
	buf_adds(&name, ns);
	if (slot.kind == TOK_WORD) {
		buf_add(&name, stmt + slot.start, slot.len);
	} else {
		for (size_t i = slot.start + 1; i < slot.start + slot.len - 1; i++) {
			buf_addc(&name, stmt[i]);
			if (stmt[i] == '"')
				i++;   /* "" is one quote */
		}
	}
	struct err ne = ERR_INIT;
	if (ctx_check_table_name(buf_cstr(&name), &ne) < 0) {
		buf_release(&name);
		return refuse(e, "the table name with the namespace is not a valid table name");
	}
	buf_add(out, stmt, slot.start);
	buf_addc(out, '"');
	buf_add(out, name.ptr, name.len);   /* a valid table name holds no quote */
	buf_addc(out, '"');
	buf_add(out, stmt + slot.start + slot.len, len - slot.start - slot.len);
	if (table)
		*table = buf_detach(&name, NULL);
	buf_release(&name);
	return 0;
}

/* ---- running statements ----------------------------------------------------------------------------------- */

#include "aws/aws.h"
#include "dynamo/item.h"
#include "base/json.h"
#include "aws/pager.h"
#include "dynamo/table.h"

cJSON *partiql_params(const char *json, struct err *e)
{
	cJSON *v = json_parse_exact(json, strlen(json), e);
	if (!v) {
		e->kind = ERR_USAGE;
		err_prefix(e, "--params");
		return NULL;
	}
	if (!cJSON_IsArray(v) || !v->child) {
		cJSON_Delete(v);
		err_set(e, ERR_USAGE, "--params: expected a non-empty JSON array of values ('[\"a\", 1]')");
		return NULL;
	}
	int typed = 1;
	const cJSON *el;
	cJSON_ArrayForEach(el, v)
		if (!cJSON_IsObject(el) || !item_value_type(el, NULL))
			typed = 0;
	cJSON *out = cJSON_CreateArray();
	int i = 0;
	cJSON_ArrayForEach(el, v) {
		char path[32];
		snprintf(path, sizeof(path), "--params[%d]", i++);
		cJSON *av;
		if (typed) {
			if (item_validate_value(el, path, e) < 0) {
				cJSON_Delete(out);
				cJSON_Delete(v);
				return NULL;
			}
			av = cJSON_Duplicate(el, 1);
		} else if (!(av = item_value_from_plain(el, path, e))) {
			cJSON_Delete(out);
			cJSON_Delete(v);
			return NULL;
		}
		cJSON_AddItemToArray(out, av);
	}
	cJSON_Delete(v);
	return out;
}

void partiql_error(struct err *e, const char *code, const char *msg)
{
	if (code) {
		err_clear(e);
		e->kind = ERR_SERVICE;
		snprintf(e->type, sizeof(e->type), "%s", code);
		snprintf(e->msg, sizeof(e->msg), "%s", msg ? msg : code);
	}
	if (e->kind != ERR_SERVICE)
		return;
	if (table_unsupported(e)) {
		err_clear(e);
		err_set(e, ERR_UNAVAILABLE, "this engine has no PartiQL (ExecuteStatement): use DynamoDB Local or AWS, or "
		        "get/put/update/delete/query");
		return;
	}
	const char *t = e->type;
	if (!strcmp(t, "ConditionalCheckFailedException") || !strcmp(t, "ConditionalCheckFailed")) {
		err_clear(e);
		err_set(e, ERR_CONDITION, "condition failed: the statement's WHERE matched no item, or its condition was "
		        "false; nothing was changed");
	} else if (!strcmp(t, "DuplicateItemException") || !strcmp(t, "DuplicateItem")) {
		err_clear(e);
		err_set(e, ERR_CONDITION, "condition failed: an item with this key already exists (INSERT); nothing was "
		        "changed");
	}
}

int partiql_execute(struct ctx *ctx, cJSON *in, long limit, long page_size, partiql_item_fn fn, void *arg,
                    struct err *e)
{
	struct pager p;
	cJSON *page;
	long emitted = 0;
	int rc, in_page = 0;
	/* Limit counts items evaluated, not returned (a WHERE filters after): --limit is counted here (pager_take) */
	pager_init(&p, ctx, "ExecuteStatement", "NextToken", "NextToken");
	p.limit = limit;
	p.page_size = page_size;
	cJSON_DeleteItemFromObjectCaseSensitive(in, "Limit");
	while ((rc = pager_json_next(&p, NULL, &aws_dynamodb, "ExecuteStatement", in, &page, NULL, e)) > 0) {
		const cJSON *items = json_get(page, "Items"), *it;
		if (items && !cJSON_IsArray(items))
			rc = err_set(e, ERR_DATA, "ExecuteStatement: Items is not a list");
		long n = rc < 0 ? 0 : pager_take(&p, cJSON_GetArraySize(items));
		cJSON_ArrayForEach(it, items) {
			if (rc < 0 || n-- <= 0)
				break;
			if (!cJSON_IsObject(it))
				rc = err_set(e, ERR_DATA, "ExecuteStatement: an item is not an object");
			else if (fn(arg, it, e) < 0)
				rc = -1;
			else
				emitted++;
		}
		cJSON_Delete(page);
		if (rc < 0) {
			in_page = 1;
			break;
		}
	}
	pager_release(&p);
	if (rc < 0 && e->kind == ERR_INTERRUPTED)
		snprintf(e->msg, sizeof(e->msg), "interrupted after %ld items", emitted);
	else if (rc < 0 && !in_page)
		partiql_error(e, NULL, NULL);   /* the service's refusal, in PartiQL's terms */
	return rc < 0 ? -1 : 0;
}
