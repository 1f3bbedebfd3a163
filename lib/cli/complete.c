/* complete.c — the completion engine (rules in complete.h). */
#include "cli/complete.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "cli/cmd.h"
#include "aws/config.h"
#include "aws/http.h"
#include "base/json.h"
#include "aws/pager.h"

const char *const complete_regions[] = {
	"af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
	"ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
	"ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
	"eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
	"sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2", NULL,
};

#define MAX_TABLES 5000
#define MAX_PAGES 60

void complete_list_add(struct complete_list *l, const char *s)
{
	if (l->n + 1 >= l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(s);
	l->v[l->n] = NULL;
}

void complete_list_release(struct complete_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
	l->kind = COMPLETE_WORDS;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique(struct complete_list *l)
{
	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cmp_str);
	size_t k = 1;
	for (size_t i = 1; i < l->n; i++) {
		if (!strcmp(l->v[i], l->v[k - 1]))
			free(l->v[i]);
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
	l->v[k] = NULL;
}

/* Add prefix+s when it starts with cur. */
static void offer(struct complete_list *out, const char *prefix, const char *s, const char *cur)
{
	char *full = xasprintf("%s%s", prefix, s);
	if (!strncmp(full, cur, strlen(cur)))
		complete_list_add(out, full);
	free(full);
}

/* ---- table names -------------------------------------------------------------------------------------------- */

static struct {
	char *key;
	time_t at;
	struct complete_list names;
} mem;

void complete_forget_tables(void)
{
	free(mem.key);
	mem.key = NULL;
	complete_list_release(&mem.names);
}

static long cache_seconds(void)
{
	const char *v = getenv("DDB_COMPLETE_CACHE_SECONDS");
	if (v && *v) {
		char *end;
		long n = strtol(v, &end, 10);
		if (!*end && n >= 0)
			return n;
	}
	return 30;
}

static char *cache_path(const char *key)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];
	const char *base = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *dir;

	if (base && *base == '/')
		dir = xasprintf("%s/ddb", base);
	else if (home && *home)
		dir = xasprintf("%s/.cache/ddb", home);
	else
		return NULL;
	SHA256((const unsigned char *)key, strlen(key), md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	char *p = xasprintf("%s/tables-%.32s", dir, hex);
	free(dir);
	return p;
}

static int read_cache(const char *path, long ttl, struct complete_list *out)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	time_t age = time(NULL) - st.st_mtime;
	if (age < 0 || age >= ttl)
		return -1;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			complete_list_add(out, line);
	}
	free(line);
	fclose(f);
	return 0;
}

static void mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST)
				break;
			*s = '/';
		}
	}
	free(p);
}

static void write_cache(const char *path, const struct complete_list *names)
{
	mkdirs(path);
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		free(tmp);
		return;
	}
	for (size_t i = 0; i < names->n; i++)
		fprintf(f, "%s\n", names->v[i]);
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		unlink(tmp);
	free(tmp);
}

static int fetch_tables(struct ctx *ctx, struct complete_list *out)
{
	struct err e = ERR_INIT;
	struct http_opts ho = { 0 };
	ho.connect_timeout_ms = 1000;
	ho.timeout_ms = 3000;
	ho.interrupted = ctx->interrupted;
	struct http *h = http_new(&ho);
	long saved_attempts = ctx->max_attempts;
	int saved_debug = ctx->debug, rc = 0;
	ctx->max_attempts = 1;
	ctx->debug = 0;

	/* every page from the start, filtered here (see cmd/list_tables.c); a server that repeats its token ends the
	 * list quietly (lib/aws/pager.h) */
	cJSON *in = cJSON_CreateObject(), *resp;
	struct pager p;
	int got;
	pager_init(&p, ctx, "dynamodb ListTables", "ExclusiveStartTableName", "LastEvaluatedTableName");
	while (p.pages < MAX_PAGES && (got = pager_json_next(&p, h, &aws_dynamodb, "ListTables", in, &resp, NULL, &e)) != 0) {
		if (got < 0) {
			rc = p.done ? 0 : -1;   /* done: the repeated token; the names of its first showing are in */
			break;
		}
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(resp, "TableNames"), *nm;
		cJSON_ArrayForEach(nm, names) {
			if (!cJSON_IsString(nm))
				continue;
			const char *u = ctx_table_user(ctx, nm->valuestring);
			if (u && *u && out->n < MAX_TABLES)
				complete_list_add(out, u);
		}
		cJSON_Delete(resp);
	}
	pager_release(&p);
	cJSON_Delete(in);
	http_free(h);
	ctx->max_attempts = saved_attempts;
	ctx->debug = saved_debug;
	return rc;
}

int complete_tables(struct ctx *ctx, unsigned flags, struct complete_list *out)
{
	struct err e = ERR_INIT;
	char *url = NULL;
	long ttl = cache_seconds();
	int rc = -1;

	if (ctx_resolve(ctx, &e) < 0 || (ctx->prod && !ctx->region))
		return -1;
	if (aws_endpoint(ctx, &aws_dynamodb, &url, &e) < 0)
		return -1;
	char *key = xasprintf("%s\n%s\n%s\n%s\n%s", ctx->prod ? "prod" : "local", url, ctx->region ? ctx->region : "",
	                      ctx->profile ? ctx->profile : "", ctx->ns);
	free(url);

	if (ttl > 0 && mem.key && !strcmp(mem.key, key) && time(NULL) - mem.at < ttl) {
		for (size_t i = 0; i < mem.names.n; i++)
			complete_list_add(out, mem.names.v[i]);
		free(key);
		return 0;
	}
	struct complete_list names = COMPLETE_LIST_INIT;
	char *path = (flags & COMPLETE_FILE_CACHE) && ttl > 0 ? cache_path(key) : NULL;
	if (path && read_cache(path, ttl, &names) == 0) {
		rc = 0;
	} else if (fetch_tables(ctx, &names) == 0) {
		rc = 0;
		if (path)
			write_cache(path, &names);
	}
	if (rc == 0) {
		for (size_t i = 0; i < names.n; i++)
			complete_list_add(out, names.v[i]);
		complete_forget_tables();
		mem.key = key;
		key = NULL;
		mem.at = time(NULL);
		mem.names = names;
	} else {
		complete_list_release(&names);
	}
	free(path);
	free(key);
	return rc;
}

/* ---- the words of a line ------------------------------------------------------------------------------------ */

/* The line's own --prod/--local/--endpoint-url/--region/--profile/--namespace decide where tables are listed. */
static void apply_global(struct ctx *ctx, const struct opt *o, const char *val)
{
	static const char *const where[] = { "prod", "local", "endpoint-url", "region", "profile", "namespace", NULL };
	int ok = 0;
	for (int i = 0; where[i]; i++)
		if (!strcmp(o->long_name, where[i]))
			ok = 1;
	if (!ok)
		return;
	char *p = (char *)ctx + o->offset;
	if (o->type == OPT_BOOL) {
		if (!strcmp(o->long_name, "prod"))
			ctx->local = 0;
		else
			ctx->prod = 0;
		*(int *)p = 1;
	} else if (o->type == OPT_STRING && val) {
		*(const char **)p = val;
	}
}

static void offer_tables(struct ctx *ctx, unsigned flags, const char *prefix, const char *cur,
                         struct complete_list *out)
{
	struct complete_list names = COMPLETE_LIST_INIT;
	if (complete_tables(ctx, flags, &names) == 0)
		for (size_t i = 0; i < names.n; i++)
			offer(out, prefix, names.v[i], cur);
	complete_list_release(&names);
}

static void offer_profiles(struct ctx *ctx, const char *prefix, const char *cur, struct complete_list *out)
{
	struct err e = ERR_INIT;
	if (!ctx->config && config_load(&ctx->config, &e) < 0)
		return;
	const struct ini *inis[2] = { &ctx->config->cfg, &ctx->config->cred };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < inis[k]->n; i++) {
			const char *s = inis[k]->v[i].section;
			if (!s)
				continue;
			if (k == 0 && !strncmp(s, "profile ", 8))
				s += 8;
			else if (k == 0 && strcmp(s, "default"))
				continue;   /* sso-session, services, ... */
			while (*s == ' ')
				s++;
			if (*s)
				offer(out, prefix, s, cur);
		}
}

static void offer_commands(const struct cmd_table *t, const char *cur, struct complete_list *out)
{
	for (const struct cmd *const *c = t ? t->commands : NULL; c && *c; c++)
		if (!((*c)->flags & CMD_HIDDEN))
			offer(out, "", (*c)->name, cur);
}

/* Attribute names for "attr" / "attr=" hints: the key attributes of the line's table (DescribeTable with the short
 * timeouts of table names, silent on errors); with '=', "name=" so the value follows. */
static void offer_attrs(struct ctx *ctx, const char *table, int with_eq, const char *prefix, const char *cur,
                        struct complete_list *out)
{
	struct err e = ERR_INIT;
	if (!table || !*table || strchr(cur + strlen(prefix), '=') || ctx_resolve(ctx, &e) < 0 ||
	    (ctx->prod && !ctx->region))
		return;
	struct http_opts ho = { 0 };
	ho.connect_timeout_ms = 1000;
	ho.timeout_ms = 3000;
	ho.interrupted = ctx->interrupted;
	struct http *h = http_new(&ho);
	long saved_attempts = ctx->max_attempts;
	int saved_debug = ctx->debug;
	ctx->max_attempts = 1;
	ctx->debug = 0;
	char *wire = ctx_table_wire(ctx, table);
	cJSON *in = cJSON_CreateObject(), *resp = NULL;
	cJSON_AddStringToObject(in, "TableName", wire);
	if (aws_json_on(ctx, h, &aws_dynamodb, "DescribeTable", in, &resp, NULL, &e) == 0) {
		const cJSON *k;
		cJSON_ArrayForEach(k, json_get(json_get(resp, "Table"), "KeySchema")) {
			const char *n = json_get_string(k, "AttributeName");
			if (!n)
				continue;
			char *w = xasprintf("%s%s", n, with_eq ? "=" : "");
			offer(out, prefix, w, cur);
			free(w);
		}
	}
	cJSON_Delete(in);
	cJSON_Delete(resp);
	free(wire);
	http_free(h);
	ctx->max_attempts = saved_attempts;
	ctx->debug = saved_debug;
}

/* Completion by a hint ("table", "file", "dir", "region", "profile", "commands", "attr", "attr="). */
static void offer_hint(struct ctx *ctx, unsigned flags, const char *hint, size_t len, const char *prefix,
                       const char *cur, const char *table, struct complete_list *out)
{
#define IS(s) (len == strlen(s) && !strncmp(hint, s, len))
	if (IS("attr") || IS("attr="))
		offer_attrs(ctx, table, IS("attr="), prefix, cur, out);
	else if (IS("table"))
		offer_tables(ctx, flags, prefix, cur, out);
	else if (IS("file"))
		out->kind = COMPLETE_FILES;
	else if (IS("dir"))
		out->kind = COMPLETE_DIRS;
	else if (IS("region"))
		for (int i = 0; complete_regions[i]; i++)
			offer(out, prefix, complete_regions[i], cur);
	else if (IS("profile"))
		offer_profiles(ctx, prefix, cur, out);
	else if (IS("commands"))
		offer_commands(ctx->cmds, cur, out);
#undef IS
}

static void offer_value(struct ctx *ctx, unsigned flags, const struct opt *o, const char *prefix, const char *cur,
                        const char *table, struct complete_list *out)
{
	if (o->choices) {
		for (const char *const *c = o->choices; *c; c++)
			offer(out, prefix, *c, cur);
	} else if (o->complete) {
		offer_hint(ctx, flags, o->complete, strlen(o->complete), prefix, cur, table, out);
	}
}

static void offer_options(const struct cmd *cmd, const char *cur, struct complete_list *out)
{
	const struct opt *tables[2] = { cmd ? cmd->opts : NULL, ctx_global_opts };
	for (int k = 0; k < 2; k++)
		for (const struct opt *o = tables[k]; o && o->type != OPT_END; o++)
			if (o->long_name)
				offer(out, "--", o->long_name, cur);
	offer(out, "", "--help", cur);
	if (!cmd)
		offer(out, "", "--version", cur);
}

/* One positional's spec: alternatives separated by '|', each "words:a b c", "words:commands" or a hint. */
static void offer_spec(struct ctx *ctx, unsigned flags, const char *spec, size_t len, const char *cur,
                       struct complete_list *out)
{
	const char *end = spec + len;
	while (spec < end) {
		const char *bar = memchr(spec, '|', (size_t)(end - spec));
		size_t n = bar ? (size_t)(bar - spec) : (size_t)(end - spec);
		if (n >= 6 && !strncmp(spec, "words:", 6)) {
			const char *p = spec + 6, *wend = spec + n;
			if (wend - p == 8 && !strncmp(p, "commands", 8)) {
				offer_commands(ctx->cmds, cur, out);
			} else {
				while (p < wend) {
					while (p < wend && *p == ' ')
						p++;
					size_t k = 0;
					while (p + k < wend && p[k] != ' ')
						k++;
					if (k) {
						char *w = xstrndup(p, k);
						offer(out, "", w, cur);
						free(w);
					}
					p += k;
				}
			}
		} else if (n) {
			offer_hint(ctx, flags, spec, n, "", cur, NULL, out);
		}
		spec += n + (bar ? 1 : 0);
	}
}

/* Positional number k (0-based) by the command's positional_complete spec: the first positional's part, then
 * after ';' the part for every later one ("words:tail list;table"). */
static void offer_positional(struct ctx *ctx, unsigned flags, const char *spec, int k, const char *cur,
                             struct complete_list *out)
{
	if (!spec)
		return;
	const char *semi = strchr(spec, ';');
	if (k == 0)
		offer_spec(ctx, flags, spec, semi ? (size_t)(semi - spec) : strlen(spec), cur, out);
	else if (semi)
		offer_spec(ctx, flags, semi + 1, strlen(semi + 1), cur, out);
	else if (!strcmp(spec, "table") || !strcmp(spec, "file") || !strcmp(spec, "dir"))
		offer_spec(ctx, flags, spec, strlen(spec), cur, out);   /* TABLE..., FILE... */
}

void complete_words(struct ctx *ctx, int n, char *const *words, unsigned flags, struct complete_list *out)
{
	const struct cmd *cmd = NULL;
	const struct opt *pending = NULL;
	int pending_left = 0, pending_global = 0, npos = 0, only_pos = 0;
	const char *cur = n > 0 ? words[n - 1] : "";
	const char *table = ctx->default_table;   /* the line's first positional, for attribute names */

	out->kind = COMPLETE_WORDS;
	for (int i = 0; i < n - 1; i++) {
		const char *w = words[i];
		if (pending_left) {
			if (pending_global)
				apply_global(ctx, pending, w);
			pending_left--;
			continue;
		}
		if (!only_pos && w[0] == '-' && w[1]) {
			if (!strcmp(w, "--")) {
				if (cmd)
					only_pos = 1;
				continue;
			}
			const char *iv;
			int global;
			const struct opt *o = opt_word(cmd ? cmd->opts : NULL, w, &global, &iv);
			if (!o)
				continue;
			if (global)
				apply_global(ctx, o, iv);
			if (!iv && opt_nvalues(o)) {
				pending = o;
				pending_left = opt_nvalues(o);
				pending_global = global;
			}
			continue;
		}
		if (!cmd) {
			cmd = cmd_find(ctx->cmds, w);
			if (!cmd) {
				const struct cmd_alias *al = cmd_find_alias(ctx->cmds, w);
				if (al) {
					cmd = cmd_find(ctx->cmds, al->words[0]);
					for (int k = 1; k < 4 && al->words[k]; k++)
						npos++;
				}
			}
			if (!cmd)
				return;   /* not a command: nothing to offer */
			continue;
		}
		if (!npos && cmd->positional_complete && !strncmp(cmd->positional_complete, "table", 5))
			table = w;
		npos++;
	}

	if (pending_left) {
		offer_value(ctx, flags, pending, "", cur, table, out);
	} else if (!only_pos && cur[0] == '-') {
		const char *eq = strchr(cur, '=');
		if (cur[1] == '-' && eq) {
			const char *iv;
			int global;
			const struct opt *o = opt_word(cmd ? cmd->opts : NULL, cur, &global, &iv);
			if (o && opt_nvalues(o) == 1) {
				char *prefix = xstrndup(cur, (size_t)(eq - cur) + 1);
				offer_value(ctx, flags, o, prefix, cur, table, out);
				free(prefix);
			}
		} else {
			offer_options(cmd, cur, out);
		}
	} else if (!cmd) {
		offer_commands(ctx->cmds, cur, out);
	} else {
		offer_positional(ctx, flags, cmd->positional_complete, npos, cur, out);
	}
	sort_unique(out);
}
