/* schema.c — table schemas: --var lists, schema objects and their source lines, loading JSON files, files and
 * folders, namespaces (see schema.h).  Validation is schema_validate.c, Terraform schema_tf.c, plans schema_plan.c. */
#include "dynamo/schema.h"
#include "dynamo/schema_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/json.h"

#define SCHEMA_MAX_FILE ((size_t)16 << 20)

/* snprintf into a fixed buffer; what does not fit is cut (only messages and field paths go through here). */
void schema_fmt(char *out, size_t size, const char *fmt, ...)
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

const char *schema_vars_getn(const struct schema_vars *vars, const char *name, size_t n)
{
	size_t i;
	for (i = 0; vars && i < vars->n; i++)
		if (strlen(vars->v[i].name) == n && !memcmp(vars->v[i].name, name, n))
			return vars->v[i].value;
	return NULL;
}

const char *schema_vars_get(const struct schema_vars *vars, const char *name)
{
	return schema_vars_getn(vars, name, strlen(name));
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

void schema_list_push(struct schema_list *l, struct schema *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = s;
}

void schema_lines_add(struct schema *s, const char *path, int line)
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
		schema_fmt(buf, sizeof buf, "%s", path ? path : "");
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

/* Fill table, create and the extras from a validated doc. */
void schema_finish(struct schema *s)
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
	schema_list_push(out, s);
	return 0;
}

static int load_tf(const char *src, size_t len, const char *file, const struct schema_vars *vars,
                   struct schema_list *out, struct err *e)
{
	return schema_load_tf_set(1, &src, &len, &file, vars, out, e);
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
		if ((!ok || schema_load_tf_set(m, srcs, lens, files, vars, out, e) < 0) && load_failed(le, e) < 0)
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
		schema_list_push(out, got.v[i]);
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
	if (!schema_legal_name(name, 3, 255)) {
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


