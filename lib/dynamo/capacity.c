/* capacity.c — capacity units, token bucket, AIMD controller, --plan estimate. */
#include "dynamo/capacity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/clock.h"
#include "dynamo/item.h"
#include "base/json.h"

/* ---- units ---------------------------------------------------------------------------------------------- */

double capacity_write_units(size_t bytes)
{
	size_t u = (bytes + CAPACITY_WRITE_UNIT_BYTES - 1) / CAPACITY_WRITE_UNIT_BYTES;
	return (double)(u ? u : 1);
}

double capacity_read_units(size_t bytes, int consistent)
{
	size_t u = (bytes + CAPACITY_READ_UNIT_BYTES - 1) / CAPACITY_READ_UNIT_BYTES;
	if (!u)
		u = 1;
	return consistent ? (double)u : (double)u / 2.0;
}

static const char *key_named(const cJSON *ks, const char *type)
{
	const cJSON *k;
	cJSON_ArrayForEach(k, ks) {
		const char *t = json_get_string(k, "KeyType");
		if (t && !strcmp(t, type))
			return json_get_string(k, "AttributeName");
	}
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int capacity_table_init(struct capacity_table *t, const cJSON *desc, struct err *e)
{
	const cJSON *tb = json_get(desc, "Table") ? json_get(desc, "Table") : desc, *gsis, *ix;
	const char *h = key_named(json_get(tb, "KeySchema"), "HASH");
	memset(t, 0, sizeof *t);
	if (!h)
		return err_set(e, ERR_DATA, "table description without a HASH key");
	t->hash = xstrdup(h);
	t->range = dup_or_null(key_named(json_get(tb, "KeySchema"), "RANGE"));
	gsis = json_get(tb, "GlobalSecondaryIndexes");
	if (cJSON_IsArray(gsis) && cJSON_GetArraySize(gsis) > 0) {
		t->gsi = xcalloc((size_t)cJSON_GetArraySize(gsis), sizeof *t->gsi);
		cJSON_ArrayForEach(ix, gsis) {
			const cJSON *ks = json_get(ix, "KeySchema"), *pr = json_get(ix, "Projection"), *nk, *a;
			const char *ih = key_named(ks, "HASH"), *pt = json_get_string(pr, "ProjectionType");
			struct capacity_index *c;
			if (!ih)
				continue;
			c = &t->gsi[t->ngsi++];
			c->name = dup_or_null(json_get_string(ix, "IndexName"));
			c->hash = xstrdup(ih);
			c->range = dup_or_null(key_named(ks, "RANGE"));
			c->projection = !pt || !strcmp(pt, "ALL")  ? CAPACITY_PROJ_ALL
			                : !strcmp(pt, "KEYS_ONLY") ? CAPACITY_PROJ_KEYS_ONLY
			                                           : CAPACITY_PROJ_INCLUDE;
			nk = json_get(pr, "NonKeyAttributes");
			if (c->projection == CAPACITY_PROJ_INCLUDE && cJSON_IsArray(nk)) {
				c->include = xcalloc((size_t)cJSON_GetArraySize(nk) + 1, sizeof *c->include);
				cJSON_ArrayForEach(a, nk)
					if (cJSON_IsString(a))
						c->include[c->ninclude++] = xstrdup(a->valuestring);
			}
		}
	}
	return 0;
}

void capacity_table_release(struct capacity_table *t)
{
	for (size_t i = 0; i < t->ngsi; i++) {
		struct capacity_index *c = &t->gsi[i];
		free(c->name);
		free(c->hash);
		free(c->range);
		for (size_t k = 0; k < c->ninclude; k++)
			free(c->include[k]);
		free(c->include);
	}
	free(t->gsi);
	free(t->hash);
	free(t->range);
	memset(t, 0, sizeof *t);
}

static int wanted(const struct capacity_table *t, const struct capacity_index *c, const char *name)
{
	if (!strcmp(name, t->hash) || (t->range && !strcmp(name, t->range)) || !strcmp(name, c->hash) ||
	    (c->range && !strcmp(name, c->range)))
		return 1;
	for (size_t k = 0; k < c->ninclude; k++)
		if (!strcmp(name, c->include[k]))
			return 1;
	return 0;
}

/* The size of item as projected into index c. */
static int projected_size(const struct capacity_table *t, const struct capacity_index *c, const cJSON *item,
                          size_t whole, size_t *size, struct err *e)
{
	cJSON *tmp;
	int rc;
	if (c->projection == CAPACITY_PROJ_ALL) {
		*size = whole;
		return 0;
	}
	tmp = cJSON_CreateObject();
	for (const cJSON *m = item->child; m; m = m->next)
		if (wanted(t, c, m->string))
			cJSON_AddItemReferenceToObject(tmp, m->string, (cJSON *)m);
	rc = item_size(tmp, size, e);
	cJSON_Delete(tmp);
	return rc;
}

int capacity_put_units(const struct capacity_table *t, const cJSON *item, double *units, int *ngsi, struct err *e)
{
	size_t whole;
	double u;
	int n = 0;
	if (item_size(item, &whole, e) < 0)
		return -1;
	u = capacity_write_units(whole);
	for (size_t i = 0; t && i < t->ngsi; i++) {
		const struct capacity_index *c = &t->gsi[i];
		size_t ps;
		if (!json_get(item, c->hash) || (c->range && !json_get(item, c->range)))
			continue;   /* sparse index: the item is not in it */
		if (projected_size(t, c, item, whole, &ps, e) < 0)
			return -1;
		u += capacity_write_units(ps);
		n++;
	}
	*units = u;
	if (ngsi)
		*ngsi = n;
	return 0;
}

/* ---- token bucket ---------------------------------------------------------------------------------------- */

double capacity_clock_monotonic(void *arg)
{
	(void)arg;
	return clock_now();
}

void capacity_bucket_init(struct capacity_bucket *b, double rate, double burst, capacity_clock_fn now, void *arg)
{
	memset(b, 0, sizeof *b);
	pthread_mutex_init(&b->mu, NULL);
	b->now = now ? now : capacity_clock_monotonic;
	b->arg = arg;
	b->rate = rate > 0 ? rate : 0;
	b->burst = burst > 0 ? burst : -1;   /* -1: follows the rate */
	b->tokens = 0;
	b->last = b->now(b->arg);
}

void capacity_bucket_release(struct capacity_bucket *b)
{
	pthread_mutex_destroy(&b->mu);
}

static double burst_of(const struct capacity_bucket *b)
{
	return b->burst > 0 ? b->burst : b->rate;
}

/* Refill for the time since b->last (locked). */
static void refill(struct capacity_bucket *b)
{
	double t = b->now(b->arg), dt = t - b->last;
	if (dt > 0) {
		b->tokens += dt * b->rate;
		if (b->tokens > burst_of(b))
			b->tokens = burst_of(b);
		b->last = t;
	}
}

double capacity_bucket_take(struct capacity_bucket *b, double units)
{
	double wait = 0;
	pthread_mutex_lock(&b->mu);
	b->takes++;
	b->taken += units;
	if (b->rate > 0) {
		refill(b);
		b->tokens -= units;
		if (b->tokens < 0)
			wait = -b->tokens / b->rate;
		b->waited += wait;
	}
	pthread_mutex_unlock(&b->mu);
	return wait;
}

void capacity_bucket_refund(struct capacity_bucket *b, double units)
{
	pthread_mutex_lock(&b->mu);
	b->taken -= units;
	if (b->rate > 0) {
		refill(b);
		b->tokens += units;
		if (b->tokens > burst_of(b))
			b->tokens = burst_of(b);
	}
	pthread_mutex_unlock(&b->mu);
}

void capacity_bucket_set_rate(struct capacity_bucket *b, double rate)
{
	pthread_mutex_lock(&b->mu);
	if (b->rate > 0) {
		refill(b);
	} else {   /* from unlimited: start empty, as at init */
		b->last = b->now(b->arg);
		b->tokens = 0;
	}
	b->rate = rate > 0 ? rate : 0;
	if (b->tokens > burst_of(b))
		b->tokens = burst_of(b);
	pthread_mutex_unlock(&b->mu);
}

double capacity_bucket_rate(struct capacity_bucket *b)
{
	double r;
	pthread_mutex_lock(&b->mu);
	r = b->rate;
	pthread_mutex_unlock(&b->mu);
	return r;
}

/* ---- AIMD ------------------------------------------------------------------------------------------------ */

void capacity_aimd_init(struct capacity_aimd *a, double initial, double min, double max, capacity_clock_fn now,
                        void *arg)
{
	memset(a, 0, sizeof *a);
	pthread_mutex_init(&a->mu, NULL);
	if (min <= 0)
		min = 1;
	if (max < min)
		max = min;
	if (initial < min)
		initial = min;
	if (initial > max)
		initial = max;
	a->limit = initial;
	a->min = min;
	a->max = max;
	a->add = 1;
	a->mul = 0.5;
	a->cooldown = 1.0;
	a->window = 0;
	a->now = now ? now : capacity_clock_monotonic;
	a->arg = arg;
	a->st.limit = a->st.lowest = a->st.highest = initial;
}

void capacity_aimd_release(struct capacity_aimd *a)
{
	pthread_mutex_destroy(&a->mu);
}

static void note(struct capacity_aimd *a)
{
	a->st.limit = a->limit;
	if (a->limit < a->st.lowest)
		a->st.lowest = a->limit;
	if (a->limit > a->st.highest)
		a->st.highest = a->limit;
}

double capacity_aimd_success(struct capacity_aimd *a)
{
	double r;
	pthread_mutex_lock(&a->mu);
	a->st.successes++;
	a->ok++;
	long need = a->window > 0 ? a->window : (long)ceil(a->limit);
	if (a->ok >= need) {
		a->ok = 0;
		if (a->limit < a->max) {
			a->limit += a->add;
			if (a->limit > a->max)
				a->limit = a->max;
			a->st.increases++;
			note(a);
		}
	}
	r = a->limit;
	pthread_mutex_unlock(&a->mu);
	return r;
}

double capacity_aimd_throttle(struct capacity_aimd *a)
{
	double r, t;
	pthread_mutex_lock(&a->mu);
	a->st.throttles++;
	a->ok = 0;
	t = a->now(a->arg);
	if (!a->decreased || t - a->last_decrease >= a->cooldown) {
		double next = a->limit * a->mul;
		if (next < a->min)
			next = a->min;
		if (next < a->limit) {
			a->limit = next;
			a->st.decreases++;
			note(a);
		}
		a->decreased = 1;
		a->last_decrease = t;
	}
	r = a->limit;
	pthread_mutex_unlock(&a->mu);
	return r;
}

double capacity_aimd_limit(struct capacity_aimd *a)
{
	double r;
	pthread_mutex_lock(&a->mu);
	r = a->limit;
	pthread_mutex_unlock(&a->mu);
	return r;
}

void capacity_aimd_stats(struct capacity_aimd *a, struct capacity_aimd_stats *out)
{
	pthread_mutex_lock(&a->mu);
	*out = a->st;
	pthread_mutex_unlock(&a->mu);
}

/* ---- plan ------------------------------------------------------------------------------------------------ */

int capacity_tally_put(struct capacity_tally *tl, const struct capacity_table *t, const cJSON *item, struct err *e)
{
	size_t size;
	double u;
	int n = 0;
	if (item_size(item, &size, e) < 0 || capacity_put_units(t, item, &u, &n, e) < 0)
		return -1;
	tl->items++;
	tl->bytes += size;
	tl->wcu += u;
	tl->gsi_writes += n;
	return 0;
}

/* A positive number member as a double (capacity figures are small integers, not item data), or 0. */
static double rate_of(const cJSON *o, const char *k)
{
	char tmp[JSON_NUMBER_TMP], *end;
	const char *t = json_number_text_tmp(json_get(o, k), tmp, sizeof tmp);
	double v;
	if (!t)
		return 0;
	v = strtod(t, &end);
	return *end || v <= 0 ? 0 : v;
}

void capacity_rates_from_desc(const cJSON *desc, struct capacity_plan_in *in)
{
	const cJSON *t = json_get(desc, "Table") ? json_get(desc, "Table") : desc;
	const cJSON *pt = json_get(t, "ProvisionedThroughput");
	const char *billing = json_get_string(json_get(t, "BillingModeSummary"), "BillingMode");
	double w = rate_of(pt, "WriteCapacityUnits"), r = rate_of(pt, "ReadCapacityUnits");
	in->on_demand = billing ? !strcmp(billing, "PAY_PER_REQUEST") : !(w > 0 && r > 0);
	if (!in->on_demand) {
		in->write_rate = w;
		in->read_rate = r;
		return;
	}
	const cJSON *warm = json_get(t, "WarmThroughput"), *od = json_get(t, "OnDemandThroughput");
	w = rate_of(warm, "WriteUnitsPerSecond");
	r = rate_of(warm, "ReadUnitsPerSecond");
	in->write_rate = w > 0 ? w : CAPACITY_ON_DEMAND_WRITE_RATE;
	in->read_rate = r > 0 ? r : CAPACITY_ON_DEMAND_READ_RATE;
	w = rate_of(od, "MaxWriteRequestUnits");
	r = rate_of(od, "MaxReadRequestUnits");
	if (w > 0 && w < in->write_rate)
		in->write_rate = w;
	if (r > 0 && r < in->read_rate)
		in->read_rate = r;
}

void capacity_plan_compute(const struct capacity_plan_in *in, struct capacity_plan *p)
{
	memset(p, 0, sizeof *p);
	p->items = in->w.items;
	p->bytes = in->w.bytes;
	p->wcu = in->w.wcu;
	p->gsi_writes = in->w.gsi_writes;
	/* a Scan reads 1 MB pages; each page rounds up to 4 KB: at most one unit per MB more than the total */
	if (in->read_bytes) {
		double pages = ceil((double)in->read_bytes / (1024.0 * 1024.0));
		double units = ceil((double)in->read_bytes / CAPACITY_READ_UNIT_BYTES);
		if (units < pages)
			units = pages;
		p->rcu = in->consistent_reads ? units : units / 2.0;
	}
	p->write_rate = in->write_rate > 0 ? in->write_rate : in->on_demand ? CAPACITY_ON_DEMAND_WRITE_RATE : 0;
	p->read_rate = in->read_rate > 0 ? in->read_rate : in->on_demand ? CAPACITY_ON_DEMAND_READ_RATE : 0;
	p->write_seconds = p->wcu > 0 && p->write_rate > 0 ? p->wcu / p->write_rate : 0;
	p->read_seconds = p->rcu > 0 && p->read_rate > 0 ? p->rcu / p->read_rate : 0;
	p->seconds = p->write_seconds > p->read_seconds ? p->write_seconds : p->read_seconds;
	p->cost_write = p->wcu * CAPACITY_PRICE_WRU_PER_MILLION / 1e6;
	p->cost_read = p->rcu * CAPACITY_PRICE_RRU_PER_MILLION / 1e6;
	p->cost = p->cost_write + p->cost_read;
}

static void human_bytes(uint64_t n, char *out, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int i = 0;
	while (v >= 1024 && i < 4) {
		v /= 1024;
		i++;
	}
	if (i == 0)
		snprintf(out, size, "%llu B", (unsigned long long)n);
	else
		snprintf(out, size, "%.1f %s", v, unit[i]);
}

static void human_seconds(double s, char *out, size_t size)
{
	if (s < 60)
		snprintf(out, size, "%.1f s", s);
	else if (s < 3600)
		snprintf(out, size, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else
		snprintf(out, size, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

int capacity_plan_format(const struct capacity_plan *p, struct buf *out)
{
	char b[64], t[64];
	int rc = 0;
	human_bytes(p->bytes, b, sizeof b);
	if (p->items || p->wcu > 0) {
		rc |= buf_addf(out, "items: %ld (%s)\n", p->items, b);
		rc |= buf_addf(out, "write units: %.0f (%ld index writes)\n", p->wcu, p->gsi_writes);
		if (p->write_rate > 0) {
			human_seconds(p->write_seconds, t, sizeof t);
			rc |= buf_addf(out, "write time: %s at %.0f units/s\n", t, p->write_rate);
		}
	}
	if (p->rcu > 0) {
		rc |= buf_addf(out, "read units: %.1f\n", p->rcu);
		if (p->read_rate > 0) {
			human_seconds(p->read_seconds, t, sizeof t);
			rc |= buf_addf(out, "read time: %s at %.0f units/s\n", t, p->read_rate);
		}
	}
	rc |= buf_addf(out, "on-demand cost: $%.4f (%s prices of %s: $%.3f per million writes, $%.3f per million reads)\n",
	               p->cost, CAPACITY_PRICE_REGION, CAPACITY_PRICE_DATE, CAPACITY_PRICE_WRU_PER_MILLION,
	               CAPACITY_PRICE_RRU_PER_MILLION);
	return rc ? -1 : 0;
}
