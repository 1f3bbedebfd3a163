/* tablescan.c — the one segmented parallel reader (tablescan.h). */
#include "dynamo/tablescan.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "dynamo/capacity.h"
#include "aws/clock.h"
#include "aws/creds.h"
#include "aws/http.h"
#include "dynamo/item.h"
#include "base/json.h"
#include "aws/pager.h"

/* Parsed pages all segments may hold together (in values, aws.h): two responses at their largest, about 600 MB at
 * the very worst, whatever the number of segments. */
#define BUDGET_VALUES (2 * (size_t)AWS_MAX_VALUES)

struct run {
	struct ctx *ctx;
	const struct tablescan_opts *o;
	tablescan_fn fn;
	void *arg;
	cJSON *tmpl;                /* the request every segment starts from */
	int total;                  /* TotalSegments on the wire; 1: no Segment members */
	int count_only, has_filter, consistent;
	pthread_mutex_t mu;
	long delivered;             /* under mu: items handed to fn */
	struct tablescan_stats st;  /* under mu */
	atomic_int stop;
	int failed, rc;             /* under mu: the first failure, its return and error */
	struct err err;
	struct aws_budget budget;
};

static void run_fail(struct run *r, int rc, const struct err *e)
{
	pthread_mutex_lock(&r->mu);
	if (!r->failed) {
		r->failed = 1;
		r->rc = rc;
		r->err = *e;
	}
	pthread_mutex_unlock(&r->mu);
	atomic_store(&r->stop, 1);
}

/* A page's Count or ScannedCount (a server's number: in range before it becomes a long; a page holds at most 1 MB). */
static long count_of(const cJSON *n)
{
	return cJSON_IsNumber(n) && n->valuedouble >= 0 && n->valuedouble <= 1e9 ? (long)n->valuedouble : 0;
}

/* Read units of a page: ConsumedCapacity when the server says, else by the size of the items returned. */
static double page_units(const struct run *r, const cJSON *page)
{
	const cJSON *cu = json_get(json_get(page, "ConsumedCapacity"), "CapacityUnits");
	if (cJSON_IsNumber(cu) && cu->valuedouble >= 0 && cu->valuedouble < 1e9)
		return cu->valuedouble;
	if (!r->o->rcu)
		return 0;
	size_t bytes = 0, sz;
	const cJSON *it;
	struct err e = ERR_INIT;
	cJSON_ArrayForEach(it, json_get(page, "Items"))
		if (item_size(it, &sz, &e) == 0)
			bytes += sz;
	return capacity_read_units(bytes, r->consistent);
}

/* One segment: the fetcher fills the slot, the segment's thread empties it. */
struct pipe {
	struct run *r;
	int index;                  /* this process's segment number, for fn */
	int segment;                /* on the wire; < 0: no Segment members */
	struct http *http;          /* NULL: ctx's transport */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	cJSON *slot;                /* a fetched page waiting to be handed over */
	size_t slot_cost;           /* its share of r->budget */
	int done, quit, failed;
	struct err err;
};

static void *fetch_main(void *arg)
{
	struct pipe *p = arg;
	struct run *r = p->r;
	const struct tablescan_opts *o = r->o;
	struct err e = ERR_INIT;
	struct pager pg;
	cJSON *in = cJSON_Duplicate(r->tmpl, 1);
	long wait_ms = 0;
	int rc = 0;
	pager_init(&pg, r->ctx, "Scan", "ExclusiveStartKey", "LastEvaluatedKey");
	if (p->segment >= 0) {
		cJSON_AddNumberToObject(in, "Segment", p->segment);
		cJSON_AddNumberToObject(in, "TotalSegments", r->total);
	}
	for (;;) {
		if (atomic_load(&r->stop))
			break;
		if (wait_ms > 0 && clock_sleep_ms(r->ctx, wait_ms) < 0) {   /* --max-rcu */
			rc = err_set(&e, ERR_INTERRUPTED, "interrupted");
			break;
		}
		long lim = o->page_size;
		if (o->limit && !r->has_filter && !r->count_only) {
			/* every item evaluated is returned: ask for no more than are still wanted */
			pthread_mutex_lock(&r->mu);
			long left = o->limit - r->delivered;
			pthread_mutex_unlock(&r->mu);
			if (left <= 0)
				break;
			if (!lim || left < lim)
				lim = left;
		}
		pg.page_size = lim;
		cJSON *page = NULL;
		struct aws_response meta;
		memset(&meta, 0, sizeof(meta));
		meta.budget = &r->budget;
		int got = pager_json_next(&pg, p->http, &aws_dynamodb, "Scan", in, &page, &meta, &e);
		if (got <= 0) {
			rc = got;
			break;
		}
		double units = page_units(r, page);
		pthread_mutex_lock(&r->mu);
		r->st.pages++;
		r->st.throttles += meta.retried_throttles;
		r->st.rcu += units;
		r->st.scanned += count_of(json_get(page, "ScannedCount"));
		if (r->count_only)
			r->st.items += count_of(json_get(page, "Count"));
		pthread_mutex_unlock(&r->mu);
		if (o->rcu)
			wait_ms = (long)(capacity_bucket_take(o->rcu, units) * 1000 + 0.5);
		pthread_mutex_lock(&p->mu);
		while (p->slot && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		int quit = p->quit;
		if (!quit) {
			p->slot = page;
			p->slot_cost = meta.cost;
			pthread_cond_broadcast(&p->cv);
		}
		pthread_mutex_unlock(&p->mu);
		if (quit) {
			cJSON_Delete(page);
			aws_budget_give(&r->budget, meta.cost);
			break;
		}
	}
	pager_release(&pg);
	cJSON_Delete(in);
	pthread_mutex_lock(&p->mu);
	p->done = 1;
	if (rc < 0) {
		p->failed = 1;
		p->err = e;
	}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	aws_thread_cleanup();
	return NULL;
}

/* Hand one page's items to fn, under the limit.  0, or fn's non-zero return / -1 with e. */
static int hand_over(struct pipe *p, cJSON *page, struct err *e)
{
	struct run *r = p->r;
	cJSON *items = cJSON_GetObjectItemCaseSensitive(page, "Items");
	if (r->count_only)
		return 0;
	if (items && !cJSON_IsArray(items))
		return err_set(e, ERR_DATA, "Scan: Items is not a list");
	long n = cJSON_GetArraySize(items);
	pthread_mutex_lock(&r->mu);
	if (atomic_load(&r->stop))
		n = 0;
	if (r->o->limit && n > r->o->limit - r->delivered)
		n = r->o->limit - r->delivered;
	r->delivered += n;
	r->st.items += n;
	if (r->o->limit && r->delivered >= r->o->limit)
		atomic_store(&r->stop, 1);
	pthread_mutex_unlock(&r->mu);
	if (n <= 0)
		return 0;
	while (cJSON_GetArraySize(items) > n)
		cJSON_DeleteItemFromArray(items, (int)n);
	return r->fn(r->arg, p->index, items, e);
}

/* One segment, page after page, on transport http (NULL: ctx's). */
static int scan_segment(struct run *r, int index, int segment, struct http *http, struct err *e)
{
	struct pipe p;
	pthread_t th;
	int rc = 0;
	memset(&p, 0, sizeof(p));
	p.r = r;
	p.index = index;
	p.segment = segment;
	p.http = http;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (pthread_create(&th, NULL, fetch_main, &p) != 0) {
		pthread_cond_destroy(&p.cv);
		pthread_mutex_destroy(&p.mu);
		return err_set(e, ERR_INTERNAL, "cannot start the scan's fetch thread");
	}
	for (;;) {
		pthread_mutex_lock(&p.mu);
		while (!p.slot && !p.done)
			pthread_cond_wait(&p.cv, &p.mu);
		cJSON *page = p.slot;
		size_t cost = p.slot_cost;
		p.slot = NULL;
		p.slot_cost = 0;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		if (!page)
			break;   /* done, nothing left */
		rc = hand_over(&p, page, e);
		cJSON_Delete(page);
		aws_budget_give(&r->budget, cost);
		if (rc != 0)
			break;
	}
	pthread_mutex_lock(&p.mu);
	p.quit = 1;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	pthread_join(th, NULL);
	cJSON_Delete(p.slot);
	aws_budget_give(&r->budget, p.slot_cost);
	if (rc == 0 && p.failed) {
		*e = p.err;
		rc = -1;
	}
	if (rc == 0 && ctx_interrupted(r->ctx))
		rc = err_set(e, ERR_INTERRUPTED, "interrupted");
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	return rc;
}

struct seg_thread {
	struct run *r;
	int index, segment;
	pthread_t th;
	int started;
};

static void *seg_main(void *arg)
{
	struct seg_thread *t = arg;
	struct ctx *ctx = t->r->ctx;
	struct http_opts ho = { 0 };
	struct err e = ERR_INIT;
	ho.connect_timeout_ms = ctx->connect_timeout > 0 ? (long)(ctx->connect_timeout * 1000) : 0;
	ho.timeout_ms = ctx->timeout > 0 ? (long)(ctx->timeout * 1000) : 0;
	ho.interrupted = ctx->interrupted;
	struct http *h = http_new(&ho);
	int rc = h ? scan_segment(t->r, t->index, t->segment, h, &e)
	           : err_set(&e, ERR_INTERNAL, "cannot initialise libcurl");
	if (rc != 0)
		run_fail(t->r, rc, &e);
	http_free(h);
	aws_thread_cleanup();
	return NULL;
}

/* Does the endpoint ignore Segment?  Segments 0 and 1 of `total`, Limit 1: a server that honours Segment never
 * returns the same item (or the same LastEvaluatedKey) for both.  1 yes, 0 no, -1 with e. */
static int ignores_segment(struct run *r, struct err *e)
{
	cJSON *out[2] = { NULL, NULL };
	int rc = 0;
	for (int s = 0; s < 2 && rc == 0; s++) {
		cJSON *in = cJSON_CreateObject();
		cJSON_AddStringToObject(in, "TableName", r->o->table);
		if (r->o->index)
			cJSON_AddStringToObject(in, "IndexName", r->o->index);
		cJSON_AddNumberToObject(in, "Segment", s);
		cJSON_AddNumberToObject(in, "TotalSegments", r->total);
		cJSON_AddNumberToObject(in, "Limit", 1);
		rc = aws_json(r->ctx, &aws_dynamodb, "Scan", in, &out[s], e);
		cJSON_Delete(in);
	}
	if (rc == 0) {
		const cJSON *i0 = json_get(out[0], "Items"), *k0 = json_get(out[0], "LastEvaluatedKey");
		const cJSON *i1 = json_get(out[1], "Items"), *k1 = json_get(out[1], "LastEvaluatedKey");
		int something = cJSON_GetArraySize(i0) > 0 || k0;
		rc = something && (i0 ? i1 && cJSON_Compare(i0, i1, 1) : !i1) && (k0 ? k1 && cJSON_Compare(k0, k1, 1) : !k1);
	}
	cJSON_Delete(out[0]);
	cJSON_Delete(out[1]);
	return rc;
}

static int run_segments(struct run *r, int segments, struct err *e)
{
	int first = r->o->parts > 1 ? r->o->part * segments : 0;
	if (segments <= 1)
		return scan_segment(r, 0, r->total > 1 ? first : -1, NULL, e);
	/* resolve the credentials once, before the threads share ctx's cache */
	struct creds c;
	if (creds_get(r->ctx, &c, e) < 0)
		return -1;
	creds_release(&c);
	struct seg_thread *t = xcalloc((size_t)segments, sizeof(*t));
	for (int i = 0; i < segments; i++) {
		t[i].r = r;
		t[i].index = i;
		t[i].segment = first + i;
		if (pthread_create(&t[i].th, NULL, seg_main, &t[i]) != 0) {
			struct err te = ERR_INIT;
			err_set(&te, ERR_INTERNAL, "cannot start scan thread %d", i);
			run_fail(r, -1, &te);
			break;
		}
		t[i].started = 1;
	}
	for (int i = 0; i < segments; i++)
		if (t[i].started)
			pthread_join(t[i].th, NULL);
	free(t);
	if (r->failed) {
		*e = r->err;
		return r->rc;
	}
	return 0;
}

int tablescan_run(struct ctx *ctx, const struct tablescan_opts *o, tablescan_fn fn, void *arg,
                  struct tablescan_stats *st, struct err *e)
{
	struct run r;
	int segments = o->segments < 1 ? 1 : o->segments, parts = o->parts < 1 ? 1 : o->parts, rc = 0;
	const cJSON *m;

	if (segments > TABLESCAN_MAX_SEGMENTS)
		return err_set(e, ERR_USAGE, "%d segments: at most %d", segments, TABLESCAN_MAX_SEGMENTS);
	if (o->part < 0 || o->part >= parts)
		return err_set(e, ERR_USAGE, "share %d of %d does not exist (from 0 to %d)", o->part, parts, parts - 1);
	if ((long long)segments * parts > 1000000)
		return err_set(e, ERR_USAGE, "%d shares of %d segments: DynamoDB takes at most 1,000,000 segments", parts,
		               segments);
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.o = o;
	r.fn = fn;
	r.arg = arg;
	r.total = segments * parts;
	pthread_mutex_init(&r.mu, NULL);
	atomic_init(&r.stop, 0);
	aws_budget_init(&r.budget, BUDGET_VALUES);
	r.tmpl = o->request ? cJSON_Duplicate(o->request, 1) : cJSON_CreateObject();
	cJSON_DeleteItemFromObjectCaseSensitive(r.tmpl, "TableName");
	cJSON_DeleteItemFromObjectCaseSensitive(r.tmpl, "IndexName");
	cJSON_AddStringToObject(r.tmpl, "TableName", o->table);
	if (o->index)
		cJSON_AddStringToObject(r.tmpl, "IndexName", o->index);
	if (o->rcu && !cJSON_GetObjectItemCaseSensitive(r.tmpl, "ReturnConsumedCapacity"))
		cJSON_AddStringToObject(r.tmpl, "ReturnConsumedCapacity", "TOTAL");
	m = json_get(r.tmpl, "Select");
	r.count_only = cJSON_IsString(m) && !strcmp(m->valuestring, "COUNT");
	r.has_filter = json_get(r.tmpl, "FilterExpression") != NULL;
	r.consistent = cJSON_IsTrue(json_get(r.tmpl, "ConsistentRead"));

	if (r.total > 1) {
		int ig = ignores_segment(&r, e);
		if (ig < 0) {
			rc = -1;
			goto out;
		}
		if (ig) {
			if (o->part > 0) {
				ctx_note(ctx, "the endpoint ignores Segment (every segment is the whole table): share 0 of %d reads "
				         "the whole table, share %d reads nothing", parts, o->part);
				segments = 0;
				goto out;
			}
			ctx_note(ctx, "the endpoint ignores Segment (every segment is the whole table): scanning with one segment");
			segments = 1;
			parts = 1;
			r.total = 1;
		}
	}
	rc = run_segments(&r, segments, e);
out:
	if (st) {
		*st = r.st;
		st->segments_used = segments;
	}
	cJSON_Delete(r.tmpl);
	aws_budget_release(&r.budget);
	pthread_mutex_destroy(&r.mu);
	return rc;
}

int tablescan_parse_part(const char *s, int *part, int *parts, struct err *e)
{
	char *end;
	*part = *parts = 0;
	if (!s)
		return 0;
	const char *slash = strchr(s, '/');
	if (!isdigit((unsigned char)s[0]) || !slash || !isdigit((unsigned char)slash[1]))
		goto bad;
	errno = 0;
	long i = strtol(s, &end, 10);
	if (end != slash || errno)
		goto bad;
	long n = strtol(slash + 1, &end, 10);
	if (*end || errno || n < 1 || n > TABLESCAN_MAX_PARTS || i >= n)
		goto bad;
	*part = (int)i;
	*parts = (int)n;
	return 0;
bad:
	return err_set(e, ERR_USAGE, "--segment '%s': expected I/N, a share I from 0 to N-1 of N (1 to %d), e.g. 0/2", s,
	               TABLESCAN_MAX_PARTS);
}
