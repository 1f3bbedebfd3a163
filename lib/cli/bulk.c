/* bulk.c — what export, import, copy and truncate share: --segment I/N, a table's schema.json from the live table,
 * a schema tree turned into a loadable schema (namespace applied), the destination context of copy, SIGTERM. */
#include <dirent.h>
#include <errno.h>
#include <openssl/rand.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/bulk.h"
#include "base/buf.h"
#include "aws/creds.h"
#include "dynamo/exportfmt.h"
#include "base/json.h"
#include "dynamo/table.h"
#include "aws/s3.h"
#include "base/term.h"

/* An optional read (the engine may not have it): *out NULL then. */
static int optional(struct ctx *ctx, const char *op, const char *key, const char *val, cJSON **out, struct err *e)
{
	cJSON *in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, key, val);
	int rc = aws_json(ctx, &aws_dynamodb, op, in, out, e);
	cJSON_Delete(in);
	if (rc == 0)
		return 0;
	*out = NULL;
	if (!ctx->prod && table_unsupported(e)) {
		err_clear(e);
		return 0;
	}
	return -1;
}

cJSON *bulk_table_schema(struct ctx *ctx, const char *wire, const char *shown, const char *name,
                         struct table_desc *d, struct err *e)
{
	cJSON *ttl = NULL, *tags = NULL, *cb = NULL, *schema = NULL;
	int rc = table_describe(ctx, wire, d, e);
	if (rc < 0) {
		err_prefix(e, "'%s'", shown);
		return NULL;
	}
	if (rc == 1) {
		err_set(e, ERR_NOINPUT, "table '%s' does not exist%s%s", shown, ctx->ns[0] ? " in namespace " : "",
		        ctx->ns);
		return NULL;
	}
	if (optional(ctx, "DescribeTimeToLive", "TableName", wire, &ttl, e) < 0) {
		err_prefix(e, "'%s': DescribeTimeToLive", shown);
		goto done;
	}
	if (d->arn && optional(ctx, "ListTagsOfResource", "ResourceArn", d->arn, &tags, e) < 0) {
		/* tags are a nicety: without the permission the copy goes on */
		ctx_warn(ctx, "'%s': ListTagsOfResource: %s (tags not copied)", shown, e->msg);
		err_clear(e);
		tags = NULL;
	}
	schema = export_schema_from_describe(d->table, ttl, tags ? cJSON_GetObjectItemCaseSensitive(tags, "Tags") : NULL,
	                                     name, 0, e);
	if (!schema) {
		err_prefix(e, "'%s'", shown);
		goto done;
	}
	/* point-in-time recovery (schema-load's extension), so a re-created or copied table keeps it */
	if (optional(ctx, "DescribeContinuousBackups", "TableName", wire, &cb, e) < 0) {
		ctx_warn(ctx, "'%s': DescribeContinuousBackups: %s (point-in-time recovery not copied)", shown, e->msg);
		err_clear(e);
		cb = NULL;
	}
	const cJSON *pd = json_get(json_get(json_get(cb, "ContinuousBackupsDescription"), "PointInTimeRecoveryDescription"),
	                           "PointInTimeRecoveryStatus");
	if (cJSON_IsString(pd) && !strcmp(pd->valuestring, "ENABLED")) {
		cJSON *pitr = cJSON_AddObjectToObject(schema, "PointInTimeRecoverySpecification");
		cJSON_AddBoolToObject(pitr, "PointInTimeRecoveryEnabled", 1);
	}
done:
	cJSON_Delete(cb);
	cJSON_Delete(ttl);
	cJSON_Delete(tags);
	return schema;
}

struct schema *bulk_schema_from_tree(struct ctx *ctx, const cJSON *tree, const char *file, const char *name,
                                     struct err *e)
{
	struct schema_list l = SCHEMA_LIST_INIT;
	cJSON *copy = cJSON_Duplicate(tree, 1);
	if (name) {
		cJSON_DeleteItemFromObjectCaseSensitive(copy, "TableName");
		cJSON_AddStringToObject(copy, "TableName", name);
	}
	char *text = cJSON_Print(copy);
	cJSON_Delete(copy);
	int rc = schema_load_mem(text, strlen(text), file, 0, NULL, &l, e);
	free(text);
	if (rc < 0)
		return NULL;
	if (l.n != 1) {
		schema_list_release(&l);
		err_set(e, ERR_DATA, "%s: expected one table", file);
		return NULL;
	}
	struct schema *s = l.v[0];
	free(l.v);
	if (schema_set_prefix(s, ctx->ns, e) < 0) {
		schema_free(s);
		return NULL;
	}
	return s;
}

int bulk_plan_print(struct ctx *ctx, const struct capacity_plan_in *in)
{
	struct capacity_plan p;
	struct buf b = BUF_INIT;
	capacity_plan_compute(in, &p);
	if (capacity_plan_format(&p, &b) < 0) {
		buf_release(&b);
		return -1;
	}
	fwrite(b.ptr ? b.ptr : "", 1, b.len, ctx->out);
	buf_release(&b);
	fflush(ctx->out);
	return ferror(ctx->out) ? -1 : 0;
}

/* ---- SIGTERM: as Ctrl-C (everything in flight finishes, the checkpoint is saved) ---------------------------- */

static volatile sig_atomic_t *term_flag;
static struct sigaction old_term;

static void on_sigterm(int sig)
{
	(void)sig;
	if (term_flag)
		*term_flag = 1;
}

void bulk_sigterm_begin(struct ctx *ctx)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigterm;
	sigemptyset(&sa.sa_mask);
	term_flag = ctx->interrupted;
	sigaction(SIGTERM, &sa, &old_term);
}

void bulk_sigterm_end(void)
{
	sigaction(SIGTERM, &old_term, NULL);
	term_flag = NULL;
}

/* ---- checkpoints of import and copy ------------------------------------------------------------------------- */

int bulk_ckpt_open(struct bulk_ckpt *c, const char *path, const char *cmd, struct err *e)
{
	c->path = xstrdup(path);
	c->lock_fd = -1;
	char *lp = xasprintf("%s.lock", path);
	int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(lp);
	if (fd < 0)
		return err_set(e, ERR_IO, "%s.lock: %s (the checkpoint cannot be written there: --checkpoint FILE)", path,
		               strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int saved = errno;
		close(fd);
		if (saved == EWOULDBLOCK)
			return err_set(e, ERR_TEMPFAIL, "the checkpoint '%s' is in use by another 'ddb %s' (locked): wait for it "
			               "to finish", path, cmd);
		return err_set(e, ERR_IO, "%s.lock: %s", path, strerror(saved));
	}
	c->lock_fd = fd;
	return 0;
}

cJSON *bulk_ckpt_load(struct bulk_ckpt *c, struct err *e)
{
	FILE *f = fopen(c->path, "rb");
	struct buf b = BUF_INIT;
	char tmp[65536];
	size_t n;
	if (!f) {
		if (errno == ENOENT)
			err_set(e, ERR_NOINPUT, "no checkpoint '%s' to resume from", c->path);
		else
			err_set(e, ERR_IO, "%s: %s", c->path, strerror(errno));
		return NULL;
	}
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0 && b.len < 64u * 1024 * 1024)
		buf_add(&b, tmp, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		buf_release(&b);
		err_set(e, ERR_IO, "%s: read error", c->path);
		return NULL;
	}
	/* our own file: plain cJSON numbers (the ordinals), keys of items are typed strings anyway */
	cJSON *doc = b.len ? cJSON_ParseWithLength(b.ptr, b.len) : NULL;
	buf_release(&b);
	if (!doc || !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		err_set(e, ERR_DATA, "%s: not a ddb checkpoint (delete it to start again)", c->path);
		return NULL;
	}
	return doc;
}

int bulk_ckpt_save(struct bulk_ckpt *c, const cJSON *doc, struct err *e)
{
	char *text = json_print_compact(doc);
	char *tmp = xasprintf("%s.tmp", c->path);
	FILE *f = fopen(tmp, "wb");
	int rc = 0;
	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0 || fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = err_set(e, ERR_IO, "%s: %s", tmp, strerror(errno));
	if (f && fclose(f) != 0 && !rc)
		rc = err_set(e, ERR_IO, "%s: %s", tmp, strerror(errno));
	if (!rc && rename(tmp, c->path) < 0)
		rc = err_set(e, ERR_IO, "%s: %s", c->path, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	free(text);
	return rc;
}

void bulk_ckpt_close(struct bulk_ckpt *c, int remove)
{
	if (remove && c->path) {
		unlink(c->path);
		char *lp = xasprintf("%s.lock", c->path);
		unlink(lp);
		free(lp);
	}
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	c->lock_fd = -1;
	free(c->path);
	c->path = NULL;
}

char *bulk_destination(struct ctx *ctx, const char *wire, struct err *e)
{
	char *url = NULL;
	if (aws_endpoint(ctx, &aws_dynamodb, &url, e) < 0)
		return NULL;
	char *s = xasprintf("%s %s %s %s", ctx->prod ? "prod" : "local", url, ctx->region ? ctx->region : "-", wire);
	free(url);
	return s;
}

/* ---- the checkpoint saver: a thread that saves about every second while a run goes on ------------------------ */

static void *saver_main(void *arg)
{
	struct bulk_saver *sv = arg;
	pthread_mutex_lock(&sv->mu);
	while (!sv->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&sv->cv, &sv->mu, &ts);
		if (sv->stop)
			break;
		pthread_mutex_unlock(&sv->mu);
		cJSON *doc = sv->doc(sv->arg);
		struct err e = ERR_INIT;
		int rc = bulk_ckpt_save(sv->ck, doc, &e);
		cJSON_Delete(doc);
		pthread_mutex_lock(&sv->mu);
		if (rc < 0 && !sv->failed) {
			sv->failed = 1;
			sv->err = e;
		}
	}
	pthread_mutex_unlock(&sv->mu);
	return NULL;
}

void bulk_saver_start(struct bulk_saver *sv, struct bulk_ckpt *ck, cJSON *(*doc)(void *arg), void *arg)
{
	memset(sv, 0, sizeof *sv);
	sv->ck = ck;
	sv->doc = doc;
	sv->arg = arg;
	pthread_mutex_init(&sv->mu, NULL);
	pthread_cond_init(&sv->cv, NULL);
	sv->running = pthread_create(&sv->th, NULL, saver_main, sv) == 0;
}

int bulk_saver_stop(struct bulk_saver *sv, struct err *e)
{
	if (sv->running) {
		pthread_mutex_lock(&sv->mu);
		sv->stop = 1;
		pthread_cond_signal(&sv->cv);
		pthread_mutex_unlock(&sv->mu);
		pthread_join(sv->th, NULL);
		sv->running = 0;
	}
	pthread_cond_destroy(&sv->cv);
	pthread_mutex_destroy(&sv->mu);
	if (sv->failed) {
		*e = sv->err;
		return -1;
	}
	return 0;
}

/* ---- exports on S3 through this machine ------------------------------------------------------------------- */

char *bulk_tmpdir(struct err *e)
{
	const char *t = getenv("TMPDIR");
	char *p = xasprintf("%s/ddb-s3-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(p)) {
		err_set(e, ERR_IO, "%s: cannot create a temporary directory: %s", p, strerror(errno));
		free(p);
		return NULL;
	}
	return p;
}

static void rm_level(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *p = xasprintf("%s/%s", dir, de->d_name);
		if (unlink(p) < 0 && depth < 2)
			rm_level(p, depth + 1);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

void bulk_rmtree(const char *dir)
{
	if (dir)
		rm_level(dir, 0);
}

/* The export's folder key: PREFIX/AWSDynamoDB/ID (PREFIX without trailing '/'; none: AWSDynamoDB/ID). */
static char *export_root_key(const struct s3_url *u, const char *id)
{
	size_t n = strlen(u->prefix);
	while (n && u->prefix[n - 1] == '/')
		n--;
	return n ? xasprintf("%.*s/AWSDynamoDB/%s", (int)n, u->prefix, id) : xasprintf("AWSDynamoDB/%s", id);
}

static int upload_one(struct ctx *ctx, struct s3_client *c, const char *bucket, const char *path, const char *key,
                      const char *type, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, errno == ENOENT ? ERR_NOINPUT : ERR_IO, "%s: %s", path, strerror(errno));
	int rc = s3_put_stream(c, bucket, key, f, path, type, NULL, e);
	fclose(f);
	if (rc == 0)
		fprintf(ctx->out, "s3://%s/%s\n", bucket, key);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int bulk_s3_upload_export(struct ctx *ctx, const char *dir, const struct s3_url *u, const char *id, struct err *e)
{
	struct s3_client c;
	char *root = export_root_key(u, id), *ddir = xasprintf("%s/data", dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;
	static const char *const tail[] = { "schema.json", "manifest-files.json", "manifest-files.checksum",
	                                    "manifest-summary.checksum", "manifest-summary.json" };

	if (s3_client_init(&c, ctx, e) < 0) {
		free(root);
		free(ddir);
		return -1;
	}
	DIR *d = opendir(ddir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (n == cap)
				names = xrealloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
			names[n++] = xstrdup(de->d_name);
		}
		closedir(d);
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	char *p = xasprintf("%s/_started", dir), *k = xasprintf("%s/_started", root);
	int r = upload_one(ctx, &c, u->bucket, p, k, NULL, e);
	free(p);
	free(k);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (ctx_interrupted(ctx)) {
			r = err_set(e, ERR_INTERRUPTED, "interrupted");
			break;
		}
		p = xasprintf("%s/%s", ddir, names[i]);
		k = xasprintf("%s/data/%s", root, names[i]);
		r = upload_one(ctx, &c, u->bucket, p, k, "application/gzip", e);
		free(p);
		free(k);
	}
	for (size_t i = 0; r == 0 && i < sizeof tail / sizeof *tail; i++) {
		p = xasprintf("%s/%s", dir, tail[i]);
		k = xasprintf("%s/%s", root, tail[i]);
		r = upload_one(ctx, &c, u->bucket, p, k, strstr(tail[i], ".json") ? "application/json" : "text/plain", e);
		free(p);
		free(k);
	}
	rc = r;
	if (fflush(ctx->out) != 0 && rc == 0)
		rc = err_set(e, ERR_IO, "standard output: write error");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(root);
	free(ddir);
	s3_client_release(&c);
	return rc;
}

struct find_state {
	struct buf roots;      /* each export folder key found, '\n'-separated */
	int n;
};

static int find_summary(void *arg, const struct s3_list_entry *o, struct err *e)
{
	struct find_state *st = arg;
	static const char suffix[] = "/manifest-summary.json";
	size_t kl = strlen(o->key), sl = sizeof suffix - 1;
	(void)e;
	if (kl > sl && !strcmp(o->key + kl - sl, suffix) && strstr(o->key, "AWSDynamoDB/")) {
		if (st->n++)
			buf_adds(&st->roots, "\n");
		buf_add(&st->roots, o->key, kl - sl);
	}
	return st->n > 20 ? 1 : 0;
}

struct dl_state {
	struct ctx *ctx;
	struct s3_client *c;
	const char *bucket, *root, *dir;
	size_t rootlen;
};

/* Each object directly in the export folder or in its data/: downloaded into dir/ or dir/data/. */
static int download_entry(void *arg, const struct s3_list_entry *o, struct err *e)
{
	struct dl_state *st = arg;
	const char *rel = o->key + st->rootlen;   /* after "ROOT/" */
	const char *slash = strchr(rel, '/');
	if (!*rel || (slash && (strncmp(rel, "data/", 5) || strchr(rel + 5, '/'))) || rel[0] == '.' ||
	    (slash && (!slash[1] || slash[1] == '.')))
		return 0;   /* something else (another folder): not part of the export */
	if (ctx_interrupted(st->ctx))
		return err_set(e, ERR_INTERRUPTED, "interrupted");
	char *p = xasprintf("%s/%s", st->dir, rel);
	FILE *f = fopen(p, "wb");
	if (!f) {
		int rc = err_set(e, ERR_IO, "%s: %s", p, strerror(errno));
		free(p);
		return rc;
	}
	int rc = s3_get_file(st->c, st->bucket, o->key, f, NULL, e);
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(e, ERR_IO, "%s: %s", p, strerror(errno));
	free(p);
	return rc < 0 ? -1 : 0;
}

int bulk_s3_find_export(struct s3_client *c, const struct s3_url *u, char **root, struct err *e)
{
	struct find_state fs = { BUF_INIT, 0 };
	int rc = -1;
	*root = NULL;
	if (s3_list(c, u->bucket, u->prefix, 0, find_summary, &fs, e) < 0)
		goto out;
	if (!fs.n) {
		err_set(e, ERR_NOINPUT, "s3://%s/%s: no export there (no .../AWSDynamoDB/ID/manifest-summary.json)",
		        u->bucket, u->prefix);
		goto out;
	}
	if (fs.n > 1) {
		char *shown = term_clean(buf_cstr(&fs.roots));
		for (char *q = shown; *q; q++)
			if (*q == '\n')
				*q = ' ';
		err_set(e, ERR_USAGE, "s3://%s/%s holds %s%d exports (%s): give the prefix of one", u->bucket, u->prefix,
		        fs.n > 20 ? "more than " : "", fs.n > 20 ? 20 : fs.n, shown);
		free(shown);
		goto out;
	}
	*root = xstrdup(buf_cstr(&fs.roots));
	rc = 0;
out:
	buf_release(&fs.roots);
	return rc;
}

int bulk_s3_download_export(struct ctx *ctx, const struct s3_url *u, const char *dir, char **root, struct err *e)
{
	struct s3_client c;
	char *key = NULL;
	int rc = -1;
	*root = NULL;
	if (s3_client_init(&c, ctx, e) < 0)
		return -1;
	if (bulk_s3_find_export(&c, u, &key, e) < 0)
		goto out;
	char *dd = xasprintf("%s/data", dir);
	int mk = mkdir(dd, 0700);
	free(dd);
	if (mk < 0) {
		err_set(e, ERR_IO, "%s/data: %s", dir, strerror(errno));
		goto out;
	}
	char *prefix = xasprintf("%s/", key);
	struct dl_state st = { ctx, &c, u->bucket, prefix, dir, strlen(prefix) };
	rc = s3_list(&c, u->bucket, prefix, 0, download_entry, &st, e);
	*root = xasprintf("s3://%s/%s", u->bucket, prefix);
	free(prefix);
out:
	free(key);
	s3_client_release(&c);
	return rc;
}

int bulk_poll_wait(struct ctx *ctx, struct backoff *b)
{
	return clock_sleep_ms(ctx, backoff_step_ms(b)) != 0 || ctx_interrupted(ctx);
}

void bulk_client_token(char out[37])
{
	unsigned char r[16];
	if (RAND_bytes(r, sizeof r) != 1)
		abort();
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3],
	         r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}
