/* cognito.c — ddb cognito list-users: every user of a Cognito user pool (ListUsers, JSON 1.1, all pages).
 *
 * Rows stream as they come: a table on a terminal (username, status, enabled, created, then the attributes),
 * JSON/JSONL when piped ({"username", "status", "enabled", "created", "modified", "attributes": {...}}), and
 * `--output map`: one JSON object {"<key attribute>": "<value attribute>"} (preferred_username -> sub by default),
 * the handle-to-sub map the reference app's scripts build.
 */
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/aws.h"
#include "cli/cmd.h"
#include "aws/pager.h"
#include "cli/render.h"

static int cmd_cognito(struct ctx *ctx, void *args, int npos, char **argv);

struct cognito_args {
	const char *pool;
	const char *attributes;
	const char *filter;
	long limit;
	const char *key, *value;
};

static const struct opt cognito_opts[] = {
	OPT_F_STR(0, "user-pool-id", struct cognito_args, pool, "ID",
	          "the user pool (else AWS_COGNITO_USER_POOL_ID)"),
	OPT_F_STR(0, "attributes", struct cognito_args, attributes, "A,B",
	          "only these attributes (AttributesToGet); also the table's columns"),
	OPT_F_STR(0, "filter", struct cognito_args, filter, "EXPR",
	          "a Cognito filter, e.g. 'email ^= \"andrew\"' or 'status = \"Enabled\"'"),
	OPT_F_INT(0, "limit", struct cognito_args, limit, "N", "at most N users", 1, 1000000000L),
	OPT_F_STR(0, "key", struct cognito_args, key, "ATTR",
	          "--output map: the attribute for the keys (default preferred_username; 'username' = the Username)"),
	OPT_F_STR(0, "value", struct cognito_args, value, "ATTR",
	          "--output map: the attribute for the values (default sub; 'username' = the Username)"),
	OPT_F_END,
};

const struct cmd cmd_def_cognito = {
	"cognito", cmd_cognito, CMD_AWS | CMD_OUTPUT_MAP, "Cognito user pools: list-users",
	"ddb cognito list-users [--user-pool-id ID] [--attributes A,B] [--filter EXPR] [--limit N]\n"
	"                       [--output table|json|jsonl|text|map [--key ATTR] [--value ATTR]]",
	cognito_opts,
	"list-users reads every page of ListUsers (Cognito returns at most 60 users a page).  Piped, each user is "
	"one JSON line: username, status, enabled, created, modified and the attributes.  --output map prints one "
	"JSON object mapping each user's preferred_username to its sub (choose others with --key and --value); users "
	"without either attribute are left out, and a key seen twice keeps its first user.  Cognito has no local "
	"engine: in local mode give --endpoint-url or AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER (cognito-local).  "
	"Also linked as list-users.",
	"words:list-users",
	.args_size = sizeof(struct cognito_args),
};

#define PAGE_MAX 60   /* Cognito's ListUsers Limit maximum */

/* ---- a small string set (map mode: keys already printed) ------------------------------------------------- */

struct strset {
	char **slot;
	size_t cap, n;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Add s; returns 1 when it was new, 0 when already there. */
static int strset_add(struct strset *set, const char *s)
{
	if ((set->n + 1) * 2 > set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 64;
		char **ns = xcalloc(ncap, sizeof(*ns));
		for (size_t i = 0; i < set->cap; i++) {
			if (!set->slot[i])
				continue;
			size_t j = (size_t)(fnv1a(set->slot[i]) & (ncap - 1));
			while (ns[j])
				j = (j + 1) & (ncap - 1);
			ns[j] = set->slot[i];
		}
		free(set->slot);
		set->slot = ns;
		set->cap = ncap;
	}
	size_t j = (size_t)(fnv1a(s) & (set->cap - 1));
	for (; set->slot[j]; j = (j + 1) & (set->cap - 1))
		if (!strcmp(set->slot[j], s))
			return 0;
	set->slot[j] = xstrdup(s);
	set->n++;
	return 1;
}

static void strset_release(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	memset(set, 0, sizeof(*set));
}

/* ---- rows -------------------------------------------------------------------------------------------------- */

struct lu_state {
	struct ctx *ctx;
	struct render *r;         /* NULL in map mode */
	enum out_mode mode;
	long limit, seen;
	const char *key, *value;  /* map mode */
	struct strset keys;
	long map_rows, missing, dups;
	char first_dup[256];
	int closed;               /* the reader of the output went away (EPIPE): stop quietly */
};

/* Cognito sends dates as epoch seconds (a JSON number, maybe with a fraction); cognito-local too. */
static cJSON *date_json(const cJSON *v)
{
	if (cJSON_IsString(v))
		return cJSON_CreateString(v->valuestring);
	if (!cJSON_IsNumber(v))
		return cJSON_CreateNull();
	double d = v->valuedouble;
	if (!(d >= 0 && d < 253402300800.0))   /* before year 10000 */
		return cJSON_CreateNull();
	time_t t = (time_t)d;
	struct tm tm;
	char out[40];
	if (!gmtime_r(&t, &tm) || !strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return cJSON_CreateNull();
	return cJSON_CreateString(out);
}

static const char *attr_value(const cJSON *attrs, const char *name)
{
	const cJSON *a;
	cJSON_ArrayForEach(a, attrs) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(a, "Name");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "Value");
		if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
			return cJSON_IsString(v) ? v->valuestring : NULL;
	}
	return NULL;
}

static const char *user_field(const cJSON *user, const char *name)
{
	if (!strcmp(name, "username")) {
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(user, "Username");
		return cJSON_IsString(u) ? u->valuestring : NULL;
	}
	return attr_value(cJSON_GetObjectItemCaseSensitive(user, "Attributes"), name);
}

static int print_json_string(FILE *f, const char *s)
{
	cJSON *j = cJSON_CreateString(s);
	char *p = j ? cJSON_PrintUnformatted(j) : NULL;
	int rc = p ? fputs(p, f) : EOF;
	cJSON_free(p);
	cJSON_Delete(j);
	return rc == EOF ? -1 : 0;
}

static int map_row(struct lu_state *st, const cJSON *user, struct err *e)
{
	const char *k = user_field(user, st->key), *v = user_field(user, st->value);
	FILE *f = st->ctx->out;
	if (!k || !v) {
		st->missing++;
		return 0;
	}
	if (!strset_add(&st->keys, k)) {
		if (!st->dups++)
			snprintf(st->first_dup, sizeof(st->first_dup), "%s", k);
		return 0;
	}
	fputs(st->map_rows++ ? ",\n  " : "{\n  ", f);
	if (print_json_string(f, k) < 0 || fputs(": ", f) == EOF || print_json_string(f, v) < 0) {
		st->closed = errno == EPIPE;
		return err_set(e, ERR_IO, "cannot write output");
	}
	return 0;
}

static int user_row(struct lu_state *st, const cJSON *user, struct err *e)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(user, "Username");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(user, "UserStatus");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(user, "Enabled");
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(user, "Attributes");
	int flat = st->mode == OUT_TABLE || st->mode == OUT_TEXT;
	cJSON *row = cJSON_CreateObject();
	cJSON_AddStringToObject(row, "username", cJSON_IsString(u) ? u->valuestring : "");
	cJSON_AddStringToObject(row, "status", cJSON_IsString(s) ? s->valuestring : "");
	cJSON_AddItemToObject(row, "enabled", cJSON_IsBool(en) ? cJSON_CreateBool(cJSON_IsTrue(en)) : cJSON_CreateNull());
	cJSON_AddItemToObject(row, "created", date_json(cJSON_GetObjectItemCaseSensitive(user, "UserCreateDate")));
	if (!flat)
		cJSON_AddItemToObject(row, "modified",
		                      date_json(cJSON_GetObjectItemCaseSensitive(user, "UserLastModifiedDate")));
	cJSON *dst = flat ? row : cJSON_AddObjectToObject(row, "attributes");
	const cJSON *a;
	cJSON_ArrayForEach(a, attrs) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(a, "Name");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "Value");
		if (!cJSON_IsString(n) || cJSON_GetObjectItemCaseSensitive(dst, n->valuestring))
			continue;   /* a flat row keeps its fixed fields first */
		cJSON_AddItemToObject(dst, n->valuestring, cJSON_IsString(v) ? cJSON_CreateString(v->valuestring)
		                                                             : cJSON_CreateNull());
	}
	int rc = render_row(st->r, row, e);
	if (rc < 0 && errno == EPIPE)
		st->closed = 1;
	cJSON_Delete(row);
	return rc;
}

static int on_page(void *arg, cJSON *page, struct err *e)
{
	struct lu_state *st = arg;
	const cJSON *users = cJSON_GetObjectItemCaseSensitive(page, "Users");
	const cJSON *user;
	if (users && !cJSON_IsArray(users))
		return err_set(e, ERR_DATA, "ListUsers: Users is not a list");
	cJSON_ArrayForEach(user, users) {
		if (st->limit && st->seen >= st->limit)
			return 1;
		st->seen++;
		if ((st->r ? user_row(st, user, e) : map_row(st, user, e)) < 0)
			return -1;
	}
	if (st->limit && st->seen >= st->limit)
		return 1;
	if (ctx_interrupted(st->ctx))
		return err_set(e, ERR_INTERRUPTED, "interrupted after %ld users", st->seen);
	return 0;
}

/* "a, b,c" -> ["a","b","c"]; NULL on an empty name. */
static cJSON *split_names(const char *list)
{
	cJSON *arr = cJSON_CreateArray();
	const char *p = list;
	for (;;) {
		size_t n = strcspn(p, ",");
		const char *s = p, *end = p + n;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end == s) {
			cJSON_Delete(arr);
			return NULL;
		}
		char *name = xstrndup(s, (size_t)(end - s));
		cJSON_AddItemToArray(arr, cJSON_CreateString(name));
		free(name);
		if (!p[n])
			break;
		p += n + 1;
	}
	return arr;
}

static int has_name(const cJSON *arr, const char *s)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, arr)
		if (!strcmp(x->valuestring, s))
			return 1;
	return 0;
}

static int cmd_cognito(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct cognito_args a = *(struct cognito_args *)args;
	struct err e = ERR_INIT;
	const struct cmd *c = &cmd_def_cognito;

	if (!npos)
		return ctx_usage(ctx, c, "missing subcommand: list-users");
	if (strcmp(argv[1], "list-users"))
		return ctx_usage(ctx, c, "unknown subcommand '%s' (list-users)", argv[1]);
	if (npos > 1)
		return ctx_usage(ctx, c, "unexpected argument '%s'", argv[2]);
	const char *pool = a.pool ? a.pool : getenv("AWS_COGNITO_USER_POOL_ID");
	if (!pool || !*pool)
		return ctx_usage(ctx, c, "no user pool: give --user-pool-id or set AWS_COGNITO_USER_POOL_ID");
	if (a.filter && !*a.filter)
		return ctx_usage(ctx, c, "--filter is empty");
	enum out_mode mode = render_pick(ctx, OUT_JSONL);
	if ((a.key || a.value) && mode != OUT_MAP)
		return ctx_usage(ctx, c, "--key and --value are for --output map");
	if (a.key && !*a.key)
		return ctx_usage(ctx, c, "--key is empty");
	if (a.value && !*a.value)
		return ctx_usage(ctx, c, "--value is empty");

	cJSON *attrs = NULL;
	if (a.attributes && !(attrs = split_names(a.attributes)))
		return ctx_usage(ctx, c, "--attributes '%s': expected names separated by commas", a.attributes);

	struct lu_state st;
	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.mode = mode;
	st.limit = a.limit;
	st.key = a.key ? a.key : "preferred_username";
	st.value = a.value ? a.value : "sub";

	cJSON *in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "UserPoolId", pool);
	if (a.filter)
		cJSON_AddStringToObject(in, "Filter", a.filter);
	if (a.limit)
		cJSON_AddNumberToObject(in, "Limit", a.limit < PAGE_MAX ? (double)a.limit : PAGE_MAX);
	if (mode == OUT_MAP) {
		/* Only the two attributes the map needs (plus any asked for). */
		if (!attrs)
			attrs = cJSON_CreateArray();
		const char *need[2] = { st.key, st.value };
		for (int i = 0; i < 2; i++)
			if (strcmp(need[i], "username") && !has_name(attrs, need[i]))
				cJSON_AddItemToArray(attrs, cJSON_CreateString(need[i]));
	}
	if (attrs)
		cJSON_AddItemToObject(in, "AttributesToGet", cJSON_Duplicate(attrs, 1));

	const char **cols = NULL;
	if (mode != OUT_MAP) {
		if (attrs) {   /* fixed columns: the four fields, then the attributes asked for */
			static const char *const fixed[] = { "username", "status", "enabled", "created" };
			size_t n = 4 + (size_t)cJSON_GetArraySize(attrs), i = 0;
			const cJSON *x;
			cols = xcalloc(n + 1, sizeof(*cols));
			for (; i < 4; i++)
				cols[i] = fixed[i];
			cJSON_ArrayForEach(x, attrs)
				cols[i++] = x->valuestring;
		}
		st.r = render_begin(ctx, OUT_JSONL, cols);
	}

	int rc = pager_paginate(ctx, &aws_cognito, "ListUsers", in, "PaginationToken", "PaginationToken", on_page, &st, &e);
	if (st.r) {
		if (rc < 0)
			render_abort(st.r);
		else
			rc = render_end(st.r, &e);
	} else {
		FILE *f = ctx->out;
		if (rc == 0 || st.map_rows)   /* close what was printed: the output stays valid JSON */
			fputs(st.map_rows ? "\n}\n" : "{}\n", f);
		if (fflush(f) != 0 || ferror(f)) {
			if (errno == EPIPE)
				st.closed = 1;
			if (rc == 0)
				rc = err_set(&e, ERR_IO, "cannot write output");
		}
		if (rc == 0 && st.missing)
			ctx_note(ctx, "%ld user%s without %s or %s left out of the map", st.missing, st.missing == 1 ? "" : "s",
			         st.key, st.value);
		if (rc == 0 && st.dups)
			ctx_warn(ctx, "%ld user%s share a %s with an earlier user (first: '%s'); the map keeps the first",
			         st.dups, st.dups == 1 ? "" : "s", st.key, st.first_dup);
	}
	if (rc < 0 && e.kind == ERR_IO && (st.closed || errno == EPIPE)) {
		/* `ddb cognito list-users | head -1`: the reader went away, not an error (as scan and query) */
		clearerr(ctx->out);   /* main's last flush sees EPIPE afresh and exits 0 */
		rc = 0;
	}
	free(cols);
	strset_release(&st.keys);
	cJSON_Delete(in);
	cJSON_Delete(attrs);
	return rc < 0 ? ctx_fail(ctx, &e) : 0;
}
