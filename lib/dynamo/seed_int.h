/* seed_int.h — what the parts of the seed module share: seed.c (the run, the item path: parse, validate, hand to
 * the batch writer) and seed_input.c (finding and reading inputs: lines, JSON documents, gzip). */
#ifndef DDB_SEED_INT_H
#define DDB_SEED_INT_H

#include <stdio.h>

#include "dynamo/bwriter.h"
#include "dynamo/capacity.h"
#include "dynamo/checkpoint.h"
#include "dynamo/progress.h"
#include "dynamo/seed.h"

#define SEED_REPORTS_PER_FILE 20   /* reports printed per input file; the rest are counted in one line */

struct stable {
	char *user, *wire;
	struct item_key_attr keys[2];
	char *key_names[2];
	size_t nkeys;
	char **attr_names;        /* every AttributeDefinition (table and index keys) */
	char *attr_types;
	size_t nattrs;
	struct capacity_table cap;   /* for write units (GSIs) */
};

struct sfile {
	struct ckpt_file cp;      /* path, identity, hash, confirmed ranges, tables */
	long next_ord;
	enum item_format format;  /* detected from the first item (or opts) */
	int gz;                   /* a .gz file: inflated while read */
	long reports, hidden;     /* reports printed for this file, and those not printed */
};

struct run {
	struct ctx *ctx;
	const struct seed_opts *o;
	struct seed_stats *st;
	int dry;                  /* --strict's first pass: validate only */
	struct bwriter *w;
	struct progress prog;
	struct ckpt cp;           /* cp.path NULL: no checkpoint */
	int cp_warned;
	char *dest_endpoint;
	struct stable **tables;
	size_t ntables;
	struct sfile *files;
	size_t nfiles;
	FILE *spool;              /* --strict with standard input: a copy to read twice */
	int has_fatal;            /* the reader's own fatal error (the writer has its own) */
	struct err fatal;
	long not_written;         /* items the reader gave up on (not handed to the writer) */
	long long bytes_total, bytes_done;
};

/* seed.c */
int seed_stopping(struct run *R);
void seed_tick(struct run *R);
void seed_reject(struct run *R, size_t fi, long line, const char *raw, const char *msg);
void seed_too_long(struct run *R, size_t fi, long line, size_t len);
int seed_take_unit(struct run *R, size_t fi, const char *text, size_t len, long line);
int seed_take_request(struct run *R, size_t fi, long line, const char *tname, cJSON *req);
char *seed_request_line(const char *table, const char *what, const char *text, size_t len);
#define SEED_BAD_REQUEST_MSG "a request must be {\"PutRequest\":{\"Item\":...}} or {\"DeleteRequest\":{\"Key\":...}}"
int seed_is_request(const cJSON *r);

/* seed_input.c */
int seed_collect_inputs(struct run *R, const char *const *in, size_t nin, int defaulted, struct err *e);
int seed_read_input(struct run *R, size_t fi, struct err *e);

#endif
