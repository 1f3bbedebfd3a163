/* copy.c — ddb copy SRC [DST]: a table's schema and items from one environment (the global options) to another
 * (--to-*: a second context), in constant memory: the parallel reader (lib/tablescan) feeds the batch writer
 * (lib/bwriter) directly; a checkpoint per segment makes it resumable. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "cli/bulk.h"
#include "dynamo/bwriter.h"
#include "dynamo/capacity.h"
#include "aws/clock.h"
#include "aws/creds.h"
#include "dynamo/item.h"
#include "base/json.h"
#include "dynamo/progress.h"
#include "dynamo/checkpoint.h"
#include "dynamo/table.h"
#include "dynamo/tablescan.h"

static int cmd_copy(struct ctx *ctx, void *args, int npos, char **argv);

struct copy_args {
	int to_local, to_prod, schema_only, data_only, resume, plan;
	const char *to_endpoint_url, *to_region, *to_profile, *to_namespace, *segment, *checkpoint, *rejects;
	long segments, concurrency, max_retries, max_wcu, max_rcu;
	double wait_timeout;
};

static const struct opt copy_opts[] = {
	OPT_F_BOOL(0, "to-local", struct copy_args, to_local, "the destination is the local engine"),
	OPT_F_BOOL(0, "to-prod", struct copy_args, to_prod, "the destination is AWS (prod: writing there is confirmed)"),
	OPT_F_STR(0, "to-endpoint-url", struct copy_args, to_endpoint_url, "URL", "the destination's endpoint"),
	OPT_F_STR(0, "to-region", struct copy_args, to_region, "REGION", "the destination's region"),
	OPT_F_STR(0, "to-profile", struct copy_args, to_profile, "PROFILE", "the destination's profile (another account)"),
	OPT_F_STR(0, "to-namespace", struct copy_args, to_namespace, "PREFIX", "the destination's namespace"),
	OPT_F_BOOL(0, "schema-only", struct copy_args, schema_only, "create the destination table, copy no item"),
	OPT_F_BOOL(0, "data-only", struct copy_args, data_only, "copy items into an existing table, create nothing"),
	OPT_F_INT(0, "segments", struct copy_args, segments, "N", "parallel scan segments (threads), 1-64 (default 4)",
	          1, 64),
	OPT_F_STR(0, "segment", struct copy_args, segment, "I/N", "copy only share I of an N-way split (0 <= I < N)"),
	OPT_F_INT('j', "concurrency", struct copy_args, concurrency, "N", "write requests in flight (default 4)", 1, 64),
	OPT_F_INT(0, "max-retries", struct copy_args, max_retries, "N",
	          "re-sends of unprocessed or throttled items per batch (default 10)", 0, 1000),
	OPT_F_INT(0, "max-wcu", struct copy_args, max_wcu, "N", "write at most N capacity units per second", 1,
	          100000000L),
	OPT_F_INT(0, "max-rcu", struct copy_args, max_rcu, "N", "read at most N capacity units per second", 1,
	          100000000L),
	OPT_F_STRC(0, "checkpoint", struct copy_args, checkpoint, "FILE",
	           "checkpoint file (default: .ddb-copy-SRC-DST.checkpoint here)", "file"),
	OPT_F_BOOL(0, "resume", struct copy_args, resume, "go on from the checkpoint (after an interrupted run)"),
	OPT_F_STRC(0, "rejects", struct copy_args, rejects, "FILE", "write items the destination refuses to FILE", "file"),
	OPT_F_BOOL(0, "plan", struct copy_args, plan, "print the items, bytes, capacity units, time and cost; copy nothing"),
	OPT_F_DOUBLE(0, "wait-timeout", struct copy_args, wait_timeout, "SEC",
	             "give up waiting for a new table after SEC seconds (default 600)"),
	OPT_F_END,
};

const struct cmd cmd_def_copy = {
	"copy", cmd_copy, CMD_AWS, "copy a table (schema and items) to another environment, account or name",
	"ddb copy SRC [DST] [--to-local|--to-prod] [--to-endpoint-url URL] [--to-region R] [--to-profile P]\n"
	"         [--to-namespace NS] [--schema-only|--data-only] [--segments N] [--segment I/N] [--concurrency N]\n"
	"         [--max-wcu N] [--max-rcu N] [--max-retries N] [--checkpoint FILE] [--resume] [--rejects FILE] [--plan]\n"
	"         [--wait-timeout SEC]",
	copy_opts,
	"Copies table SRC to DST (default: the same name).  The global options choose the source; --to-local, "
	"--to-prod, --to-endpoint-url, --to-region, --to-profile and --to-namespace choose the destination, each "
	"defaulting to the source's (`ddb --prod copy cruddur-messages --to-local` brings a table to a laptop; two "
	"profiles copy between accounts).  A missing DST is created from SRC's description (keys, GSIs, LSIs, "
	"billing, stream, TTL, tags) by the same code as schema-load, and waited for; --schema-only stops there, "
	"--data-only creates nothing.  Then a parallel scan of SRC feeds batch writes to DST directly, in constant "
	"memory, every type kept; writes are retried as seed's are and refused items kept in --rejects FILE.  A "
	"checkpoint records, per segment, the last key below which every item is confirmed written; after Ctrl-C, "
	"kill or an exhausted retry budget, --resume goes on from there (with the same --segments).  --max-wcu / "
	"--max-rcu cap the units per second; throttling halves the writes in flight and they recover one by one.  "
	"--plan prints the estimate from SRC's DescribeTable (items, bytes, units with GSIs, time at DST's capacity, "
	"on-demand cost) and copies nothing.  Writing into prod needs --yes, or DST's name typed on a terminal.  A "
	"summary goes to stderr.  Exit 0 when every item was copied, 1 when items were rejected, 64 when source and "
	"destination are the same table, 65 for a checkpoint of another copy, 66 when SRC (or DST with --data-only) "
	"does not exist, 75 when the retry budget ran out, 130 when interrupted.",
	"table",
	.args_size = sizeof(struct copy_args),
	.args_init = &(const struct copy_args){ .max_retries = -1, .wait_timeout = -1 },
};

#define CP_MAX_SEG 64
#define CP_SEQ_BITS 40   /* tag = segment << 40 | ordinal within the segment */
#define CP_CHUNK 25      /* a checkpoint key every CP_CHUNK items (a batch) */

/* Per segment: chunks of items in flight (the ordinal after the chunk's last item, and that item's key), what is confirmed
 * (ordinals), and the checkpoint key: the last key below which everything is confirmed.  Locked by cp_state.mu. */
struct cp_page { long end; cJSON *key; };

struct cp_seg {
	long next;                      /* ordinals given (scan order) */
	struct ckpt_ranges confirmed;   /* ordinals confirmed (written or rejected) */
	struct cp_page *pages;          /* a ring, oldest first */
	size_t npages, alloc, head;
	cJSON *done_key;                /* the checkpoint's key (owned), or NULL: nothing yet */
	long done_items;
	/* --resume */
	cJSON *skip_to;                 /* skip items up to and including this key (owned), NULL: not skipping */
	long skipped;
};

struct cp_state {
	struct ctx *ctx;
	struct bwriter *w;
	const char *dwire, *src;
	struct table_key hash, range;   /* the source's keys (borrowed from its description) */
	pthread_mutex_t mu;
	struct cp_seg seg[CP_MAX_SEG];
	_Atomic long read;
	_Atomic long skipped_all;
	struct progress progress;
	long total;
	/* what the checkpoint says it is for */
	const char *source, *dest;
	int segments, part, parts;
};

static cJSON *key_of(const struct cp_state *st, const cJSON *item)
{
	cJSON *k = cJSON_CreateObject();
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, st->hash.name);
	if (v)
		cJSON_AddItemToObject(k, st->hash.name, cJSON_Duplicate(v, 1));
	if (st->range.name && (v = cJSON_GetObjectItemCaseSensitive(item, st->range.name)))
		cJSON_AddItemToObject(k, st->range.name, cJSON_Duplicate(v, 1));
	return k;
}

/* Advance a segment's checkpoint key over the pages whose items are all confirmed (mu held). */
static void advance(struct cp_seg *s)
{
	long upto = 0;
	/* the first unconfirmed ordinal: confirmed ranges are sorted; the first one must start at 0 */
	if (s->confirmed.n && s->confirmed.r[0][0] == 0)
		upto = s->confirmed.r[0][1];
	while (s->npages && s->pages[s->head].end <= upto) {
		struct cp_page *p = &s->pages[s->head];
		cJSON_Delete(s->done_key);
		s->done_key = p->key;
		s->done_items = p->end;
		p->key = NULL;
		s->head = (s->head + 1) % s->alloc;
		s->npages--;
	}
}

static void on_confirmed(void *arg, uint64_t tag, int outcome)
{
	struct cp_state *st = arg;
	if (outcome == BWRITER_NOT_WRITTEN)
		return;
	int segment = (int)(tag >> CP_SEQ_BITS);
	long ord = (long)(tag & (((uint64_t)1 << CP_SEQ_BITS) - 1));
	if (segment < 0 || segment >= CP_MAX_SEG)
		return;
	pthread_mutex_lock(&st->mu);
	ckpt_ranges_add(&st->seg[segment].confirmed, ord);
	advance(&st->seg[segment]);
	pthread_mutex_unlock(&st->mu);
}

static void push_page(struct cp_seg *s, long end, cJSON *key)
{
	if (s->npages == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 16;
		struct cp_page *np = xcalloc(na, sizeof *np);
		for (size_t i = 0; i < s->npages; i++)
			np[i] = s->pages[(s->head + i) % s->alloc];
		free(s->pages);
		s->pages = np;
		s->alloc = na;
		s->head = 0;
	}
	s->pages[(s->head + s->npages) % s->alloc] = (struct cp_page){ end, key };
	s->npages++;
}

static int on_page(void *arg, int segment, cJSON *items, struct err *e)
{
	struct cp_state *st = arg;
	struct cp_seg *s;
	cJSON *it;
	if (segment < 0 || segment >= CP_MAX_SEG)
		return err_set(e, ERR_INTERNAL, "segment %d out of range", segment);
	s = &st->seg[segment];
	int n = cJSON_GetArraySize(items);
	if (!n)
		return 0;
	atomic_fetch_add(&st->read, n);
	/* --resume: skip up to the checkpoint's key (scan order within a segment is the same on every run); once
	 * found, it is the segment's checkpoint key until a later page is confirmed */
	pthread_mutex_lock(&st->mu);
	while (s->skip_to && (it = cJSON_DetachItemFromArray(items, 0))) {
		cJSON *k = key_of(st, it);
		int same = cJSON_Compare(k, s->skip_to, 1);
		cJSON_Delete(k);
		cJSON_Delete(it);
		s->skipped++;
		atomic_fetch_add(&st->skipped_all, 1);
		if (same) {
			cJSON_Delete(s->done_key);
			s->done_key = s->skip_to;
			s->skip_to = NULL;
		}
	}
	n = cJSON_GetArraySize(items);
	if (!n) {
		pthread_mutex_unlock(&st->mu);
		return 0;
	}
	/* the last key of every CP_CHUNK items, recorded before the items are given (a confirmation may come at
	 * once): the checkpoint moves on as chunks are confirmed, not only whole pages (a page can be 1 MB) */
	long first = s->next;
	s->next += n;
	int k = 0;
	cJSON *it2;
	cJSON_ArrayForEach(it2, items) {
		k++;
		if (k % CP_CHUNK == 0 || k == n)
			push_page(s, first + k, key_of(st, it2));
	}
	pthread_mutex_unlock(&st->mu);
	long ord = first;
	char origin[300];
	snprintf(origin, sizeof origin, "%s (segment %d)", st->src, segment);
	while ((it = cJSON_DetachItemFromArray(items, 0))) {
		uint64_t tag = ((uint64_t)segment << CP_SEQ_BITS) | (uint64_t)(ord - 0);
		ord++;
		if (bwriter_put(st->w, st->dwire, it, origin, tag, e) < 0)
			return -1;
	}
	struct bwriter_stats ws;
	bwriter_snapshot(st->w, &ws);
	progress_update(&st->progress, ws.written, -1, ws.written + (long)atomic_load(&st->skipped_all), st->total, 0);
	return 0;
}

static cJSON *ckpt_doc(struct cp_state *st, const char *source, const char *dest, int segments, int part, int parts)
{
	cJSON *doc = cJSON_CreateObject(), *segs = cJSON_CreateArray();
	cJSON_AddStringToObject(doc, "ddb", "copy-checkpoint-1");
	cJSON_AddStringToObject(doc, "source", source);
	cJSON_AddStringToObject(doc, "destination", dest);
	cJSON_AddNumberToObject(doc, "segments", segments);
	cJSON_AddNumberToObject(doc, "part", part);
	cJSON_AddNumberToObject(doc, "parts", parts);
	pthread_mutex_lock(&st->mu);
	for (int i = 0; i < segments; i++) {
		const struct cp_seg *s = &st->seg[i];
		cJSON *o = cJSON_CreateObject();
		/* still skipping (resumed, nothing new confirmed): keep the old key */
		const cJSON *k = s->done_key ? s->done_key : s->skip_to;
		cJSON_AddItemToObject(o, "key", k ? cJSON_Duplicate(k, 1) : cJSON_CreateNull());
		cJSON_AddItemToArray(segs, o);
	}
	pthread_mutex_unlock(&st->mu);
	cJSON_AddItemToObject(doc, "segment", segs);
	return doc;
}

static cJSON *saver_doc(void *arg)
{
	struct cp_state *st = arg;
	return ckpt_doc(st, st->source, st->dest, st->segments, st->part, st->parts);
}

static int ckpt_resume(struct cp_state *st, const cJSON *doc, const char *path, const char *source, const char *dest,
                       int segments, int part, int parts, struct err *e)
{
	const char *v = json_get_string(doc, "ddb"), *s = json_get_string(doc, "source"),
	           *d = json_get_string(doc, "destination");
	const cJSON *n = json_get(doc, "segments"), *p = json_get(doc, "part"), *ps = json_get(doc, "parts");
	if (!v || strcmp(v, "copy-checkpoint-1"))
		return err_set(e, ERR_DATA, "%s: not a copy checkpoint", path);
	if (!s || strcmp(s, source) || !d || strcmp(d, dest))
		return err_set(e, ERR_DATA, "%s: the checkpoint is for another copy (%s -> %s)", path, s ? s : "?", d ? d : "?");
	if (!cJSON_IsNumber(n) || n->valueint != segments)
		return err_set(e, ERR_DATA, "%s: the checkpoint was made with --segments %d: resume with the same", path,
		               cJSON_IsNumber(n) ? n->valueint : 0);
	if (!cJSON_IsNumber(p) || !cJSON_IsNumber(ps) || p->valueint != part || ps->valueint != parts)
		return err_set(e, ERR_DATA, "%s: the checkpoint is for another --segment share", path);
	int i = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, json_get(doc, "segment")) {
		if (i >= segments)
			break;
		const cJSON *k = json_get(o, "key");
		if (cJSON_IsObject(k))
			st->seg[i].skip_to = cJSON_Duplicate(k, 1);
		i++;
	}
	return 0;
}

/* The destination context: the source's options, with --to-* over them. */
static int dest_ctx(struct ctx *ctx, const struct copy_args *a, struct ctx *d, struct err *e)
{
	ctx_init(d, ctx->out, ctx->err_out);
	d->prod = a->to_prod ? 1 : a->to_local ? 0 : ctx->prod;
	d->local = !d->prod;
	d->env_set_by_option = 1;
	d->endpoint_url = a->to_endpoint_url ? a->to_endpoint_url : (a->to_local || a->to_prod) ? NULL : ctx->endpoint_url;
	d->region_opt = a->to_region ? a->to_region : ctx->region_opt;
	d->profile_opt = a->to_profile ? a->to_profile : ctx->profile_opt;
	d->namespace_opt = a->to_namespace ? a->to_namespace : ctx->namespace_opt;
	d->debug = ctx->debug;
	d->quiet = ctx->quiet;
	d->yes = ctx->yes;
	d->no_color = ctx->no_color;
	d->max_attempts = ctx->max_attempts;
	d->connect_timeout = ctx->connect_timeout;
	d->timeout = ctx->timeout;
	d->interrupted = ctx->interrupted;
	d->now = ctx->now;
	d->cmd_name = ctx->cmd_name;
	d->cmds = ctx->cmds;
	d->in_repl = ctx->in_repl;
	if (!a->to_namespace && !ctx->namespace_opt)
		d->namespace_opt = ctx->ns;   /* the source's, however it was set */
	if (ctx_resolve(d, e) < 0)
		return err_prefix(e, "the destination");
	if (d->prod) {
		if (!d->region)
			return err_set(e, ERR_CONFIG, "no region for the destination in prod: use --to-region, set AWS_REGION, "
			               "or set region in profile '%s'", d->profile);
		struct creds c;
		if (creds_get(d, &c, e) < 0)
			return err_prefix(e, "the destination");
		creds_release(&c);
	}
	return 0;
}

static int do_plan(struct ctx *ctx, struct ctx *dctx, const struct table_desc *sd, const char *dwire,
                   const struct copy_args *a, const char *src, const char *dst, struct err *e)
{
	struct capacity_plan_in in;
	struct table_desc dd = TABLE_DESC_INIT;
	memset(&in, 0, sizeof in);
	int r = table_describe(dctx, dwire, &dd, e);
	if (r < 0)
		return -1;
	const cJSON *shape = r == 0 ? dd.table : sd->table;
	const cJSON *ic = json_get(sd->table, "ItemCount"), *sz = json_get(sd->table, "TableSizeBytes");
	double items = cJSON_IsNumber(ic) ? ic->valuedouble : 0, bytes = cJSON_IsNumber(sz) ? sz->valuedouble : 0;
	int ngsi = cJSON_GetArraySize(json_get(shape, "GlobalSecondaryIndexes"));
	capacity_rates_from_desc(shape, &in);
	if (!a->schema_only) {
		in.w.items = (long)items;
		in.w.bytes = (uint64_t)bytes;
		if (items > 0) {
			in.w.wcu = items * capacity_write_units((size_t)(bytes / items)) * (1 + ngsi);
			in.w.gsi_writes = (long)items * ngsi;
		}
		in.read_bytes = (uint64_t)bytes;
	}
	if (a->max_wcu)
		in.write_rate = (double)a->max_wcu;
	if (a->max_rcu)
		in.read_rate = (double)a->max_rcu;
	(void)ctx;
	fprintf(ctx->out, "%s -> %s: %s%s (SRC's ItemCount and TableSizeBytes, updated about every six hours)\n", src,
	        dst, r == 0 ? "into the existing table" : a->data_only ? "the table does not exist (--data-only)"
	                                                               : "create the table, then copy",
	        a->schema_only ? " (--schema-only: no item)" : "");
	table_desc_release(&dd);
	if (bulk_plan_print(ctx, &in) < 0)
		return err_set(e, ERR_IO, "standard output: write error");
	return 0;
}

static int cmd_copy(struct ctx *ctx, void *args, int npos, char **argv)
{
	struct copy_args a = *(struct copy_args *)args;
	int rc = -1, part, parts, complete = 0, have_dctx = 0;
	struct err e = ERR_INIT, fe = ERR_INIT;
	struct ctx dctx;
	struct table_desc sd = TABLE_DESC_INIT, dd = TABLE_DESC_INIT;
	struct cp_state st;
	struct capacity_bucket wcu, rcu;
	struct bulk_ckpt ck = { NULL, -1 };
	struct tablescan_stats ss;
	struct bwriter_stats ws;
	struct schema *s = NULL;
	cJSON *tree = NULL;
	char *swire = NULL, *dwire = NULL, *source = NULL, *dest = NULL, *cpath = NULL;

	memset(&st, 0, sizeof st);
	memset(&ss, 0, sizeof ss);
	memset(&ws, 0, sizeof ws);
	pthread_mutex_init(&st.mu, NULL);
	progress_init(&st.progress, ctx->err_out, "copy", ctx->err_tty && !ctx->quiet);
	capacity_bucket_init(&wcu, 0, 0, NULL, NULL);
	capacity_bucket_init(&rcu, 0, 0, NULL, NULL);
	if (npos < 1 || npos > 2) {
		rc = ctx_usage(ctx, &cmd_def_copy, npos ? "too many arguments (SRC [DST])" : "missing SRC");
		goto out;
	}
	if (a.to_local && a.to_prod) {
		rc = ctx_usage(ctx, &cmd_def_copy, "--to-local and --to-prod contradict each other");
		goto out;
	}
	if (a.schema_only && a.data_only) {
		rc = ctx_usage(ctx, &cmd_def_copy, "--schema-only and --data-only contradict each other");
		goto out;
	}
	if (a.plan && a.resume) {
		rc = ctx_usage(ctx, &cmd_def_copy, "--plan copies nothing: it does not go with --resume");
		goto out;
	}
	if (tablescan_parse_part(a.segment, &part, &parts, &e) < 0) {
		rc = ctx_usage(ctx, &cmd_def_copy, "%s", e.msg);
		goto out;
	}
	const char *src = argv[1], *dst = npos == 2 ? argv[2] : argv[1];
	swire = ctx_table_wire(ctx, src);
	if (ctx_check_table_name(swire, &e) < 0) {
		rc = ctx_usage(ctx, &cmd_def_copy, "%s", e.msg);
		goto out;
	}
	if (dest_ctx(ctx, &a, &dctx, &e) < 0) {
		have_dctx = 1;
		goto fail;
	}
	have_dctx = 1;
	dwire = ctx_table_wire(&dctx, dst);
	if (ctx_check_table_name(dwire, &e) < 0) {
		rc = ctx_usage(ctx, &cmd_def_copy, "%s", e.msg);
		goto out;
	}
	if (!(source = bulk_destination(ctx, swire, &e)) || !(dest = bulk_destination(&dctx, dwire, &e)))
		goto fail;
	if (!strcmp(source, dest)) {
		rc = ctx_usage(ctx, &cmd_def_copy, "the source and the destination are the same table (%s): give DST or a "
		               "--to-* option", dst);
		goto out;
	}

	/* The source's description and schema. */
	if (!(tree = bulk_table_schema(ctx, swire, src, dst, &sd, &e)))
		goto fail;
	if (a.plan) {
		rc = do_plan(ctx, &dctx, &sd, dwire, &a, src, dst, &e) < 0 ? ctx_fail(ctx, &e) : 0;
		goto out;
	}
	if (dctx.prod) {
		char *label = ctx_table_label(&dctx, dst);
		char *what = xasprintf("copy '%s' into table %s (items with the same keys are overwritten)", src, label);
		int ok = ctx_confirm(&dctx, what, dst, &e);
		free(what);
		free(label);
		if (ok < 0)
			goto fail;
	}

	/* The destination table. */
	int r = table_describe(&dctx, dwire, &dd, &e);
	if (r < 0)
		goto fail;
	if (r == 1) {
		if (a.data_only) {
			err_set(&e, ERR_NOINPUT, "the destination table '%s' does not exist (--data-only creates nothing)", dst);
			goto fail;
		}
		int created;
		if (!(s = bulk_schema_from_tree(&dctx, tree, "(the source's description)", dst, &e)) ||
		    schema_load_ensure(&dctx, s, a.wait_timeout, &created, &e) < 0)
			goto fail;
		if (created)
			ctx_note(ctx, "created table '%s' from '%s'", dst, src);
		table_desc_release(&dd);
		if (table_describe(&dctx, dwire, &dd, &e) != 0) {
			if (!e.msg[0])
				err_set(&e, ERR_SERVICE, "'%s' was created but DescribeTable does not find it", dst);
			goto fail;
		}
	} else if (a.schema_only) {
		ctx_note(ctx, "'%s' exists already: left as it is", dst);
	}
	if (a.schema_only) {
		rc = 0;
		goto out;
	}

	/* The checkpoint. */
	int segments = a.segments ? (int)a.segments : 4;
	cpath = a.checkpoint ? xstrdup(a.checkpoint) : xasprintf(".ddb-copy-%s-%s.checkpoint", src, dst);
	if (bulk_ckpt_open(&ck, cpath, "copy", &e) < 0)
		goto fail;
	table_keys(sd.table, &st.hash, &st.range);
	if (a.resume) {
		cJSON *doc = bulk_ckpt_load(&ck, &e);
		if (!doc)
			goto fail;
		r = ckpt_resume(&st, doc, cpath, source, dest, segments, part, parts, &e);
		cJSON_Delete(doc);
		if (r < 0)
			goto fail;
	}

	/* Scan -> write. */
	capacity_bucket_set_rate(&wcu, (double)a.max_wcu);
	capacity_bucket_set_rate(&rcu, (double)a.max_rcu);
	struct bwriter_opts wo = { (int)a.concurrency, (int)a.max_retries, a.rejects, a.max_wcu ? &wcu : NULL, 1,
	                           on_confirmed, &st };
	wo.progress = &st.progress;
	const cJSON *ic = json_get(sd.table, "ItemCount");
	st.total = cJSON_IsNumber(ic) ? (long)ic->valuedouble / (parts ? parts : 1) : 0;
	if (!(st.w = bwriter_open(&dctx, &wo, &e)))
		goto fail;
	if (bwriter_table(st.w, dwire, dd.table, &e) < 0)
		goto fail;
	st.ctx = ctx;
	st.dwire = dwire;
	st.src = src;
	st.source = source;
	st.dest = dest;
	st.segments = segments;
	st.part = part;
	st.parts = parts;
	bulk_sigterm_begin(ctx);
	struct bulk_saver saver;
	bulk_saver_start(&saver, &ck, saver_doc, &st);
	double t0 = clock_now();
	struct tablescan_opts so = { swire, NULL, NULL, segments, part, parts, 0, 0, a.max_rcu ? &rcu : NULL };
	int sr = tablescan_run(ctx, &so, on_page, &st, &ss, &e);
	int fr = bwriter_finish(st.w, &ws, &fe);
	struct err sve = ERR_INIT;
	if (bulk_saver_stop(&saver, &sve) < 0)
		ctx_warn(ctx, "%s", sve.msg);
	bulk_sigterm_end();
	progress_clear(&st.progress);
	if (sr == 0 && fr < 0) {
		e = fe;
		sr = -1;
	}
	long skipped = 0;
	int lost = -1;
	for (int i = 0; i < CP_MAX_SEG; i++) {
		skipped += st.seg[i].skipped;
		if (st.seg[i].skip_to && lost < 0 && sr == 0)
			lost = i;
	}
	if (lost >= 0) {
		/* the checkpoint's key was never seen again: the source changed under it; everything after it was skipped */
		err_set(&e, ERR_DATA, "%s: segment %d's checkpoint key is no longer in '%s' (the source changed): copy again "
		        "without --resume", cpath, lost, src);
		sr = -1;
	}
	complete = !ws.not_written && lost < 0 && (sr == 0 || e.kind == ERR_SERVICE);
	if (!complete) {
		cJSON *doc = ckpt_doc(&st, source, dest, segments, part, parts);
		struct err se = ERR_INIT;
		if (bulk_ckpt_save(&ck, doc, &se) < 0)
			ctx_warn(ctx, "%s", se.msg);
		cJSON_Delete(doc);
	}
	char skip[80] = "";
	if (skipped)
		snprintf(skip, sizeof skip, ", %ld skipped (copied before: checkpoint)", skipped);
	ctx_note(ctx, "%ld copied from '%s' to '%s'%s%s, %ld rejected, %ld not written, %ld retried, %ld throttles (read "
	         "%ld, write %ld), %.1f s", ws.written, src, dst, parts ? " (this share)" : "", skip, ws.rejected,
	         ws.not_written, ws.retried,
	         ss.throttles + ws.throttles, ss.throttles, ws.throttles, clock_now() - t0);
	if (!complete)
		ctx_note(ctx, "checkpoint kept in %s: --resume goes on from there", cpath);
	if (sr < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	rc = ctx_fail(ctx, &e);
out:
	if (st.w)
		bwriter_free(st.w);
	if (ck.path)
		bulk_ckpt_close(&ck, complete);
	for (int i = 0; i < CP_MAX_SEG; i++) {
		struct cp_seg *sg = &st.seg[i];
		for (size_t j = 0; j < sg->npages; j++)
			cJSON_Delete(sg->pages[(sg->head + j) % sg->alloc].key);
		free(sg->pages);
		cJSON_Delete(sg->done_key);
		cJSON_Delete(sg->skip_to);
		ckpt_ranges_release(&sg->confirmed);
	}
	pthread_mutex_destroy(&st.mu);
	progress_clear(&st.progress);
	progress_release(&st.progress);
	capacity_bucket_release(&wcu);
	capacity_bucket_release(&rcu);
	schema_free(s);
	cJSON_Delete(tree);
	table_desc_release(&sd);
	if (have_dctx) {
		table_desc_release(&dd);
		ctx_release(&dctx);
	} else {
		table_desc_release(&dd);
	}
	free(swire);
	free(dwire);
	free(source);
	free(dest);
	free(cpath);
	return rc;
}
