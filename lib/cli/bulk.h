/* bulk.h — what export, import, copy and truncate share (lib/cli/bulk.c): a live table's schema, checkpoint files and
 * their saver thread, SIGTERM, the S3 side of export/import.  Tables are created from a schema by schemaload.h's
 * schema_load_ensure, the same code as `ddb schema-load`; --segment I/N is tablescan_parse_part. */
#ifndef DDB_BULK_H
#define DDB_BULK_H

#include <pthread.h>
#include <cjson/cJSON.h>

#include "dynamo/capacity.h"
#include "cli/cmd.h"
#include "dynamo/schema.h"
#include "aws/clock.h"
#include "cli/schemaload.h"

struct table_desc;

/* The CreateTable input of a live table (wire name), as schema.json holds it: DescribeTable (kept in d, which the
 * caller releases), DescribeTimeToLive and ListTagsOfResource when the engine has them.  name: the TableName to
 * write (the name without namespace).  A missing table: ERR_NOINPUT.  Caller owns the tree. */
cJSON *bulk_table_schema(struct ctx *ctx, const char *wire, const char *shown, const char *name,
                         struct table_desc *d, struct err *e);
/* A schema tree (schema.json) as schema-load would load it from file (validated), TableName replaced by name
 * when not NULL, ctx's namespace applied.  Caller frees (schema_free). */
struct schema *bulk_schema_from_tree(struct ctx *ctx, const cJSON *tree, const char *file, const char *name,
                                     struct err *e);
/* --plan: print lib/capacity's estimate on ctx->out. */
int bulk_plan_print(struct ctx *ctx, const struct capacity_plan_in *in);

/* SIGTERM acts as Ctrl-C (ctx->interrupted) between begin and end. */
void bulk_sigterm_begin(struct ctx *ctx);
void bulk_sigterm_end(void);


/* A checkpoint file of import or copy: a JSON document saved atomically (tmp + rename), locked with flock on
 * <path>.lock for the whole run (a second run: ERR_TEMPFAIL). */
struct bulk_ckpt { char *path; int lock_fd; };
int bulk_ckpt_open(struct bulk_ckpt *c, const char *path, const char *cmd, struct err *e);
cJSON *bulk_ckpt_load(struct bulk_ckpt *c, struct err *e);   /* ERR_NOINPUT when absent, ERR_DATA when not JSON */
int bulk_ckpt_save(struct bulk_ckpt *c, const cJSON *doc, struct err *e);
void bulk_ckpt_close(struct bulk_ckpt *c, int remove);        /* remove: the run is complete */
/* A thread saving doc(arg) into ck about every second until stopped (so a kill -9 loses about a second of
 * confirmations, whatever the pace of pages).  doc is called on the saver's thread: it locks what it reads. */
struct bulk_saver {
	struct bulk_ckpt *ck;
	cJSON *(*doc)(void *arg);
	void *arg;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running, stop, failed;
	struct err err;
};
void bulk_saver_start(struct bulk_saver *sv, struct bulk_ckpt *ck, cJSON *(*doc)(void *arg), void *arg);
/* Stop and join; -1 with the first save error (ERR_IO). */
int bulk_saver_stop(struct bulk_saver *sv, struct err *e);

/* What a checkpoint is for: "local|prod ENDPOINT REGION WIRE-TABLE".  Caller frees. */
char *bulk_destination(struct ctx *ctx, const char *wire, struct err *e);

/* ---- exports on S3 through this machine (export --to s3://, import s3://) ---------------------------------- */
struct s3_url;
/* A private temporary directory (mkdtemp under TMPDIR); bulk_rmtree removes it and what it holds (two levels:
 * DIR/ and DIR/<sub>/).  Caller frees the name. */
char *bulk_tmpdir(struct err *e);
void bulk_rmtree(const char *dir);
/* Upload the export in local directory dir under PREFIX/AWSDynamoDB/<id>/ of u as AWS lays it out: _started, the
 * data files, schema.json, the manifests, manifest-summary.json last (so a listing without it is an incomplete
 * export).  Prints each object's s3:// URL on ctx->out. */
int bulk_s3_upload_export(struct ctx *ctx, const char *dir, const struct s3_url *u, const char *id, struct err *e);
/* Find the one export under u (its manifest-summary.json; none: ERR_NOINPUT, several: ERR_USAGE naming them) and
 * download its manifests, schema.json and data files into dir (dir/ and dir/data/), each streamed to disk; the
 * checks (item counts, MD5s) are the reader's (lib/exportfmt).  *root: the export's s3:// folder (caller frees). */
struct s3_client;
/* The key of the one export folder under u (PREFIX/AWSDynamoDB/ID, no trailing '/'): none ERR_NOINPUT, several
 * ERR_USAGE naming them.  Caller frees *root. */
int bulk_s3_find_export(struct s3_client *c, const struct s3_url *u, char **root, struct err *e);
/* A DescribeExport/DescribeImport poll: waits the next interval (500 ms doubling to 10 s); 1 when Ctrl-C cut it. */
int bulk_poll_wait(struct ctx *ctx, struct backoff *b);
/* A ClientToken as botocore fills an idempotency token in: a random UUID (version 4), so that a request retried
 * after a lost answer starts one export or import, not two. */
void bulk_client_token(char out[37]);
int bulk_s3_download_export(struct ctx *ctx, const struct s3_url *u, const char *dir, char **root, struct err *e);

#endif
