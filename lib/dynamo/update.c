/* update.c — UpdateExpression clauses from --set/--remove/--add/--delete (see update.h). */
#include "dynamo/update.h"

#include <stdlib.h>
#include <string.h>

#include "dynamo/item.h"
#include "base/json.h"

int update_path(struct expr *x, const char *what, const char *path, size_t len, struct buf *out, struct err *e)
{
	size_t i = 0;
	char shown[256];
	snprintf(shown, sizeof(shown), "%.*s", (int)(len < 200 ? len : 200), path);
	if (!len)
		return err_set(e, ERR_USAGE, "%s: empty attribute path", what);
	for (;;) {
		size_t start = i;
		while (i < len && path[i] != '.' && path[i] != '[' && path[i] != ']')
			i++;
		if (i == start)
			return err_set(e, ERR_USAGE, "%s: empty attribute name in path '%s'", what, shown);
		if (start)
			buf_addc(out, '.');
		if (path[start] == '#') {
			buf_add(out, path + start, i - start);
		} else {
			char np[32];
			char *name = xstrndup(path + start, i - start);
			int rc = expr_name(x, "u", name, np, sizeof(np), e);
			free(name);
			if (rc < 0)
				return -1;
			buf_adds(out, np);
		}
		while (i < len && path[i] == '[') {
			size_t d = ++i;
			while (i < len && path[i] >= '0' && path[i] <= '9')
				i++;
			if (i == d || i >= len || path[i] != ']' || i - d > 9)
				return err_set(e, ERR_USAGE, "%s: bad list index in path '%s' (expected [N])", what, shown);
			buf_addc(out, '[');
			buf_add(out, path + d, i - d);
			buf_addc(out, ']');
			i++;
		}
		if (i == len)
			return 0;
		if (path[i] != '.')
			return err_set(e, ERR_USAGE, "%s: unexpected '%c' in path '%s'", what, path[i], shown);
		i++;
	}
}

/* A JSON object or array given on the command line: one typed AttributeValue, or plain JSON. */
static cJSON *json_operand(const char *what, const char *text, struct err *e)
{
	cJSON *v = json_parse_exact(text, strlen(text), e);
	if (!v) {
		e->kind = ERR_USAGE;
		err_prefix(e, "%s '%s'", what, text);
		return NULL;
	}
	cJSON *av;
	if (cJSON_IsObject(v) && item_value_type(v, NULL)) {
		struct err ve = ERR_INIT;
		if (item_validate_value(v, NULL, &ve) < 0) {
			cJSON_Delete(v);
			err_set(e, ERR_DATA, "%s '%s': %s", what, text, ve.msg);
			return NULL;
		}
		return v;
	}
	av = item_value_from_plain(v, NULL, e);
	cJSON_Delete(v);
	if (!av)
		err_prefix(e, "%s '%s'", what, text);
	return av;
}

cJSON *update_set_value(const char *what, const char *text, struct err *e)
{
	if (text[0] == '{' || text[0] == '[')
		return json_operand(what, text, e);
	cJSON *av = expr_sugar_value(text, e);
	if (!av)
		err_prefix(e, "%s '%s'", what, text);
	return av;
}

cJSON *update_set_operand(const char *what, const char *text, int number_ok, struct err *e)
{
	size_t len = strlen(text);
	if (number_ok && len && json_number_syntax_ok(text, len)) {
		cJSON *av = expr_sugar_value(text, e);
		if (!av)
			err_prefix(e, "%s '%s'", what, text);
		return av;
	}
	if (text[0] != '{' && text[0] != '[') {
		err_set(e, ERR_USAGE, "%s '%s': expected %sa set (a JSON array such as '[\"a\",\"b\"]' or '[1,2]', or "
		        "{\"SS\":[...]})", what, text, number_ok ? "a number or " : "");
		return NULL;
	}
	cJSON *v = json_parse_exact(text, len, e);
	if (!v) {
		e->kind = ERR_USAGE;
		err_prefix(e, "%s '%s'", what, text);
		return NULL;
	}
	cJSON *av = NULL;
	if (cJSON_IsArray(v)) {
		int strings = 0, numbers = 0, others = 0;
		const cJSON *el;
		cJSON_ArrayForEach(el, v) {
			if (cJSON_IsString(el))
				strings++;
			else if (json_is_number(el))
				numbers++;
			else
				others++;
		}
		if (others || (strings && numbers) || !(strings || numbers)) {
			err_set(e, ERR_USAGE, "%s '%s': a set is a non-empty array of strings only or of numbers only", what,
			        text);
			cJSON_Delete(v);
			return NULL;
		}
		av = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(av, strings ? "SS" : "NS");
		cJSON_ArrayForEach(el, v) {
			char tmp[JSON_NUMBER_TMP];
			cJSON_AddItemToArray(arr, cJSON_CreateString(strings ? el->valuestring
			                                                     : json_number_text_tmp(el, tmp, sizeof(tmp))));
		}
	} else if (cJSON_IsObject(v)) {
		const char *t = item_value_type(v, NULL);
		if (!t || (strcmp(t, "SS") && strcmp(t, "NS") && strcmp(t, "BS"))) {
			err_set(e, ERR_USAGE, "%s '%s': expected a set (SS, NS or BS)", what, text);
			cJSON_Delete(v);
			return NULL;
		}
		av = cJSON_Duplicate(v, 1);
	} else {
		err_set(e, ERR_USAGE, "%s '%s': expected a set", what, text);
		cJSON_Delete(v);
		return NULL;
	}
	cJSON_Delete(v);
	struct err ve = ERR_INIT;
	if (item_validate_value(av, NULL, &ve) < 0) {
		cJSON_Delete(av);
		err_set(e, ERR_DATA, "%s '%s': %s", what, text, ve.msg);
		return NULL;
	}
	return av;
}

/* "PATH=VALUE": the length of PATH, or an error naming the option. */
static int split_eq(const char *what, const char *text, size_t *plen, struct err *e)
{
	const char *eq = strchr(text, '=');
	if (!eq)
		return err_set(e, ERR_USAGE, "%s '%s': expected PATH=VALUE", what, text);
	*plen = (size_t)(eq - text);
	return 0;
}

int update_build(struct expr *x, const struct update_clauses *c, struct buf *out, struct err *e)
{
	char vp[32];
	size_t plen = 0;
	for (size_t i = 0; i < c->nset; i++) {
		buf_adds(out, i ? ", " : "SET ");
		if (split_eq("--set", c->set[i], &plen, e) < 0 || update_path(x, "--set", c->set[i], plen, out, e) < 0)
			return -1;
		cJSON *av = update_set_value("--set", c->set[i] + plen + 1, e);
		if (!av || expr_value(x, "u", av, vp, sizeof(vp), e) < 0)
			return -1;
		buf_addf(out, " = %s", vp);
	}
	for (size_t i = 0; i < c->nremove; i++) {
		buf_adds(out, i ? ", " : out->len ? " REMOVE " : "REMOVE ");
		if (update_path(x, "--remove", c->remove[i], strlen(c->remove[i]), out, e) < 0)
			return -1;
	}
	for (int k = 0; k < 2; k++) {
		const char *what = k ? "--delete" : "--add";
		const char *const *v = k ? c->del : c->add;
		size_t n = k ? c->ndel : c->nadd;
		for (size_t i = 0; i < n; i++) {
			buf_adds(out, i ? ", " : out->len ? (k ? " DELETE " : " ADD ") : (k ? "DELETE " : "ADD "));
			if (split_eq(what, v[i], &plen, e) < 0 || update_path(x, what, v[i], plen, out, e) < 0)
				return -1;
			cJSON *av = update_set_operand(what, v[i] + plen + 1, !k, e);
			if (!av || expr_value(x, "u", av, vp, sizeof(vp), e) < 0)
				return -1;
			buf_addf(out, " %s", vp);
		}
	}
	return 0;
}
