/* config.c — INI parsing for the AWS shared files. */
#include "aws/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <openssl/crypto.h>

#include "base/buf.h"

static char *trim(char *s, char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

static void add_entry(struct ini *ini, const char *section, const char *key, const char *value, int line)
{
	ini->v = xrealloc(ini->v, (ini->n + 1) * sizeof(*ini->v));
	struct ini_entry *en = &ini->v[ini->n++];
	en->section = xstrdup(section);
	en->key = xstrdup(key);
	for (char *k = en->key; *k; k++)
		*k = (char)tolower((unsigned char)*k);
	en->value = xstrdup(value);
	en->line = line;
}

int ini_parse(struct ini *ini, const char *path, const char *text, size_t len, struct err *e)
{
	char *copy = xstrndup(text, len), *p = copy, *end = copy + len;
	char section[256] = "";
	long parent = -1;      /* the entry whose sub-properties indented lines are ("s3 =" with no value) */
	int line = 0, rc = -1;

	ini->path = xstrdup(path);
	ini->exists = 1;
	if (memchr(text, '\0', len)) {
		err_set(e, ERR_CONFIG, "%s: not a text file (NUL byte)", path);
		goto out;
	}
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		line++;
		int indented = (*p == ' ' || *p == '\t');
		char *s = trim(p, le);
		p = nl ? nl + 1 : end;
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');
			if (!close) {
				err_set(e, ERR_CONFIG, "%s:%d: section header without ']'", path, line);
				goto out;
			}
			char *after = close + 1;
			while (*after == ' ' || *after == '\t')
				after++;
			if (*after && *after != '#' && *after != ';') {
				err_set(e, ERR_CONFIG, "%s:%d: unexpected text after the section header", path, line);
				goto out;
			}
			char *name = trim(s + 1, close);
			if (!*name) {
				err_set(e, ERR_CONFIG, "%s:%d: empty section name", path, line);
				goto out;
			}
			if (strlen(name) >= sizeof(section)) {
				err_set(e, ERR_CONFIG, "%s:%d: section name longer than %zu bytes", path, line, sizeof(section) - 1);
				goto out;
			}
			/* "profile   x" -> "profile x" */
			char norm[256];
			size_t k = 0;
			for (char *c = name; *c && k + 1 < sizeof(norm); c++) {
				if ((*c == ' ' || *c == '\t') && k && norm[k - 1] == ' ')
					continue;
				norm[k++] = (*c == '\t') ? ' ' : *c;
			}
			norm[k] = '\0';
			snprintf(section, sizeof(section), "%s", norm);
			parent = -1;
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			err_set(e, ERR_CONFIG, "%s:%d: expected 'key = value' or '[section]'", path, line);
			goto out;
		}
		if (!section[0]) {
			err_set(e, ERR_CONFIG, "%s:%d: setting outside of any [section]", path, line);
			goto out;
		}
		char *key = trim(s, eq);
		char *val = trim(eq + 1, eq + 1 + strlen(eq + 1));
		if (!*key) {
			err_set(e, ERR_CONFIG, "%s:%d: missing key before '='", path, line);
			goto out;
		}
		if (indented && parent >= 0) {
			char *full = xasprintf("%s.%s", ini->v[parent].key, key);
			add_entry(ini, section, full, val, line);
			free(full);
			continue;
		}
		parent = *val ? -1 : (long)ini->n;
		add_entry(ini, section, key, val, line);
	}
	rc = 0;
out:
	OPENSSL_cleanse(copy, len);
	free(copy);
	return rc;
}

void ini_release(struct ini *ini)
{
	for (size_t i = 0; i < ini->n; i++) {
		free(ini->v[i].section);
		free(ini->v[i].key);
		OPENSSL_cleanse(ini->v[i].value, strlen(ini->v[i].value));
		free(ini->v[i].value);
	}
	free(ini->v);
	free(ini->path);
	memset(ini, 0, sizeof(*ini));
}

const char *ini_get(const struct ini *ini, const char *section, const char *key)
{
	const char *found = NULL;
	for (size_t i = 0; i < ini->n; i++)   /* the last setting wins, as in the AWS CLI */
		if (!strcmp(ini->v[i].section, section) && !strcasecmp(ini->v[i].key, key))
			found = ini->v[i].value;
	return found;
}

int ini_has_section(const struct ini *ini, const char *section)
{
	for (size_t i = 0; i < ini->n; i++)
		if (!strcmp(ini->v[i].section, section))
			return 1;
	return 0;
}

static int load_file(struct ini *ini, const char *path, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f) {
		ini->path = xstrdup(path);
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return err_set(e, ERR_CONFIG, "%s: cannot read: %s", path, strerror(errno));
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		ini->path = xstrdup(path);
		return err_set(e, ERR_CONFIG, "%s: is a directory, not a config file", path);
	}
	struct buf b = BUF_INIT;
	buf_init(&b, (size_t)16 << 20);
	char chunk[8192];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0) {
			rc = err_set(e, ERR_CONFIG, "%s: file too large", path);
			break;
		}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (!rc && ferror(f))
		rc = err_set(e, ERR_CONFIG, "%s: read error", path);
	fclose(f);
	if (!rc)
		rc = ini_parse(ini, path, buf_cstr(&b), b.len, e);
	if (!rc)
		ini->mode = st.st_mode & 0777;
	buf_cleanse(&b);
	return rc;
}

static char *default_path(const char *env, const char *leaf)
{
	const char *v = getenv(env);
	if (v && *v) {
		if (v[0] == '~' && v[1] == '/' && getenv("HOME"))
			return xasprintf("%s%s", getenv("HOME"), v + 1);
		return xstrdup(v);
	}
	const char *home = getenv("HOME");
	return xasprintf("%s/.aws/%s", home && *home ? home : ".", leaf);
}

int config_load(struct config **out, struct err *e)
{
	struct config *c = xcalloc(1, sizeof(*c));
	char *p1 = default_path("AWS_CONFIG_FILE", "config");
	char *p2 = default_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
	int rc = load_file(&c->cfg, p1, e);
	if (!rc)
		rc = load_file(&c->cred, p2, e);
	free(p1);
	free(p2);
	if (rc) {
		config_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void config_free(struct config *c)
{
	if (!c)
		return;
	ini_release(&c->cfg);
	ini_release(&c->cred);
	free(c);
}

const char *config_get(const struct config *c, const char *profile, const char *key)
{
	if (!c)
		return NULL;
	const char *v = ini_get(&c->cred, profile, key);
	if (v)
		return v;
	char sec[300];
	if (!strcmp(profile, "default")) {
		v = ini_get(&c->cfg, "default", key);
		if (v)
			return v;
	}
	snprintf(sec, sizeof(sec), "profile %s", profile);
	return ini_get(&c->cfg, sec, key);
}

const char *config_section_get(const struct config *c, const char *kind, const char *name, const char *key)
{
	char sec[300];
	if (!c)
		return NULL;
	snprintf(sec, sizeof(sec), "%s %s", kind, name);
	return ini_get(&c->cfg, sec, key);
}

int config_has_profile(const struct config *c, const char *profile)
{
	char sec[300];
	if (!c)
		return 0;
	snprintf(sec, sizeof(sec), "profile %s", profile);
	return ini_has_section(&c->cred, profile) || ini_has_section(&c->cfg, sec) ||
	       (!strcmp(profile, "default") && ini_has_section(&c->cfg, "default"));
}
