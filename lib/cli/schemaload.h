/* schemaload.h — what `ddb schema-load` does to one table (lib/cli/schemaload.c), shared with import, copy and
 * truncate --recreate, which create a missing table exactly as schema-load would. */
#ifndef DDB_SCHEMALOAD_H
#define DDB_SCHEMALOAD_H

#include <stddef.h>

#include "aws/ctx.h"
#include "base/err.h"
#include "cli/opt.h"
#include "dynamo/schema.h"

struct render;

/* schema-load's options (also the command's parsed argument struct). */
struct schemaload_opts {
	int plan, no_wait, recreate, prune;
	double wait_timeout;
	struct strlist vars, tags;
};

/* The change lines of the table being loaded (the report lists them). */
struct lines { char **v; size_t n; };
void schemaload_lines_release(struct lines *l);

/* What a local engine can change, learnt once per run (0 unknown, 1 yes, -1 no): see engine_cannot. */
struct caps { int stream, ttl, table_class, pitr; };

struct schemaload {
	struct ctx *ctx;
	const struct schemaload_opts *a;
	struct render *r;      /* json/jsonl output, else NULL (text) */
	struct lines lines;    /* the current table's change lines */
	struct caps caps;
};

/* Merge --tag KEY=VALUE (st->a->tags) into s->create's Tags (a later value for the same key wins); -1 with e for a
 * bad --tag. */
int schemaload_merge_tags(struct schemaload *st, struct schema *s, struct err *e);
/* In prod: a warning when the schema's tags lack 'project' or 'env'. */
void schemaload_warn_prod_tags(struct schemaload *st, const struct schema *s);
/* Load one table (create, update, plan or re-create, as st->a says) and report it: 0 done (or up to date), 1 drift
 * (--plan) or a change that needs --recreate, -1 with e. */
int schemaload_one(struct schemaload *st, struct schema *s, struct err *e);

/* For import, copy and truncate --recreate: make sure the table of s exists and is ACTIVE, creating it as
 * schema-load would (*created says whether it was created). */
int schema_load_ensure(struct ctx *ctx, struct schema *s, double wait_timeout, int *created, struct err *e);

#endif
