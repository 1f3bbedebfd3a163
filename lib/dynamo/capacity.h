/* capacity.h — DynamoDB capacity units: what an item costs, a thread-safe token bucket in units (--max-wcu,
 * --max-rcu), an AIMD controller (back off on throttles, recover on success), and the --plan estimate.
 *
 * Units (DynamoDB Developer Guide, "Read/write capacity mode" and "Managing settings on DynamoDB provisioned
 * capacity tables"; sizes are item_size(), 1 KB = 1024 bytes):
 *   write  1 WCU (or on-demand WRU) per 1 KB of the item, rounded up, for the table, plus the same for every
 *          global secondary index the item lands in (it has the index's key attributes), computed on the size of
 *          the item as projected into the index.  (An update that moves an item between index keys costs an
 *          index delete and put; a put into an empty key, what bulk loads do, costs one index write.)
 *   read   1 RCU (RRU) per 4 KB read, rounded up, strongly consistent; half that eventually consistent.  A
 *          GetItem rounds each item; a Scan or Query page rounds the page's total.
 *
 * Prices (USD, us-east-1, on-demand, Standard table class; AWS DynamoDB pricing page, in effect since the
 * 1 November 2024 price reduction, as published when this was written in December 2026): $0.625 per million write request units, $0.125 per
 * million read request units.  (Before November 2024: $1.25 and $0.25.)  Other regions differ; the plan says
 * which constants it used.
 *
 * On-demand tables: a new table serves at once up to 4,000 write and 12,000 read units per second (its default
 * warm throughput); a plan for an on-demand table uses those rates unless the table reports a WarmThroughput.
 *
 * Clocks are injectable (tests use a fake one): every time here is seconds on the clock given, by default the
 * monotonic clock.  Nothing here sleeps: the bucket says how long to wait, the caller waits (interruptibly).
 */
#ifndef DDB_CAPACITY_H
#define DDB_CAPACITY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"

#define CAPACITY_WRITE_UNIT_BYTES 1024
#define CAPACITY_READ_UNIT_BYTES  4096
#define CAPACITY_PRICE_REGION           "us-east-1"
#define CAPACITY_PRICE_DATE             "2024-11-01"
#define CAPACITY_PRICE_WRU_PER_MILLION  0.625
#define CAPACITY_PRICE_RRU_PER_MILLION  0.125
#define CAPACITY_ON_DEMAND_WRITE_RATE   4000.0   /* default warm throughput of a new on-demand table, units/s */
#define CAPACITY_ON_DEMAND_READ_RATE    12000.0

/* ---- what things cost -------------------------------------------------------------------------------------- */

/* Write units for bytes: ceil(bytes / 1024), at least 1. */
double capacity_write_units(size_t bytes);
/* Read units for bytes read in one go: ceil(bytes / 4096), at least 1; halved when !consistent. */
double capacity_read_units(size_t bytes, int consistent);

enum capacity_projection { CAPACITY_PROJ_ALL, CAPACITY_PROJ_KEYS_ONLY, CAPACITY_PROJ_INCLUDE };

struct capacity_index {
	char *name, *hash, *range;          /* range may be NULL */
	enum capacity_projection projection;
	char **include;                     /* INCLUDE's NonKeyAttributes */
	size_t ninclude;
};

/* A table's keys and GSIs, as far as write costs go.  Owns its strings; capacity_table_release frees them. */
struct capacity_table {
	char *hash, *range;
	struct capacity_index *gsi;
	size_t ngsi;
};

#define CAPACITY_TABLE_INIT { NULL, NULL, NULL, 0 }

/* From DescribeTable's "Table" (or the whole response, or a CreateTable input / schema.json).  ERR_DATA when
 * there is no HASH key. */
int capacity_table_init(struct capacity_table *t, const cJSON *desc, struct err *e);
void capacity_table_release(struct capacity_table *t);

/* Write units of putting one typed item (validated: item_size's rules) into t: the table's, plus one index write
 * for each GSI the item lands in.  *ngsi (may be NULL) receives that number of GSIs. */
int capacity_put_units(const struct capacity_table *t, const cJSON *item, double *units, int *ngsi, struct err *e);

/* ---- token bucket ------------------------------------------------------------------------------------------ */

typedef double (*capacity_clock_fn)(void *arg);   /* seconds on some monotonic clock */
double capacity_clock_monotonic(void *arg);       /* CLOCK_MONOTONIC; arg unused */

/* rate units per second, holding at most burst units when idle; it starts empty, so N units take N / rate
 * seconds from the start (--max-wcu 250: 1,000 one-KB items take 4 s).  A take larger than what is there runs
 * the bucket into debt and says how long to wait: requests larger than the burst (a batch of big items) are
 * never stuck, and waiting callers are served in the order they took.  Thread-safe. */
struct capacity_bucket {
	pthread_mutex_t mu;
	double rate, burst, tokens, last;
	capacity_clock_fn now;
	void *arg;
	double taken;        /* units taken in all (refunds subtracted) */
	double waited;       /* seconds of wait handed out */
	long takes;
};

/* rate <= 0: unlimited (every take returns 0).  burst <= 0: one second's worth (rate).  now NULL: monotonic. */
void capacity_bucket_init(struct capacity_bucket *b, double rate, double burst, capacity_clock_fn now, void *arg);
void capacity_bucket_release(struct capacity_bucket *b);
/* Take units; returns the seconds to wait before using them (0: go now). */
double capacity_bucket_take(struct capacity_bucket *b, double units);
/* Give back units that were taken but not consumed (UnprocessedItems, a failed request). */
void capacity_bucket_refund(struct capacity_bucket *b, double units);
/* Change the rate (the burst follows when it was the default); <= 0 makes the bucket unlimited, and going from
 * unlimited to a rate starts empty again. */
void capacity_bucket_set_rate(struct capacity_bucket *b, double rate);
double capacity_bucket_rate(struct capacity_bucket *b);

/* ---- AIMD -------------------------------------------------------------------------------------------------- */

struct capacity_aimd_stats {
	long successes, throttles;   /* reported */
	long decreases, increases;   /* applied */
	double limit, lowest, highest;
};

/* A limit (a concurrency or a rate) that grows by `add` after every `window` successes (window 0: as many
 * successes as the current limit, i.e. one step per round of requests, as TCP does per round trip) and shrinks to
 * limit * mul on a throttle — at most once per cooldown seconds, so the in-flight requests of one overload do not
 * collapse it several times.  Kept within [min, max].  Thread-safe. */
struct capacity_aimd {
	pthread_mutex_t mu;
	double limit, min, max, add, mul, cooldown;
	long window, ok;
	double last_decrease;
	int decreased;
	capacity_clock_fn now;
	void *arg;
	struct capacity_aimd_stats st;
};

/* Defaults: add 1, mul 0.5, window 0 (the limit), cooldown 1 s; change the fields after init when needed. */
void capacity_aimd_init(struct capacity_aimd *a, double initial, double min, double max, capacity_clock_fn now,
                        void *arg);
void capacity_aimd_release(struct capacity_aimd *a);
double capacity_aimd_success(struct capacity_aimd *a);    /* returns the limit after */
double capacity_aimd_throttle(struct capacity_aimd *a);   /* returns the limit after */
double capacity_aimd_limit(struct capacity_aimd *a);
void capacity_aimd_stats(struct capacity_aimd *a, struct capacity_aimd_stats *out);

/* ---- --plan ------------------------------------------------------------------------------------------------ */

/* What a bulk job will move, accumulated item by item. */
struct capacity_tally {
	long items;
	uint64_t bytes;       /* sum of item_size() */
	double wcu;           /* sum of capacity_put_units() */
	long gsi_writes;      /* index writes among them */
};

#define CAPACITY_TALLY_INIT { 0, 0, 0.0, 0 }

/* Add one typed item that will be written to t (t may be NULL: no indexes known, keys not needed). */
int capacity_tally_put(struct capacity_tally *tl, const struct capacity_table *t, const cJSON *item, struct err *e);

struct capacity_plan_in {
	struct capacity_tally w;   /* what is written (items 0: nothing) */
	uint64_t read_bytes;       /* what is read by Scan (0: nothing) */
	int consistent_reads;
	int on_demand;             /* the destination / source is on demand */
	double write_rate;         /* units/s the writes may use: provisioned WCU, --max-wcu, or 0 (on demand: 4,000) */
	double read_rate;          /* units/s for reads: provisioned RCU, --max-rcu, or 0 (on demand: 12,000) */
};

struct capacity_plan {
	long items;
	uint64_t bytes;
	double wcu, rcu;
	long gsi_writes;
	double write_rate, read_rate;     /* as used (defaults filled in) */
	double write_seconds, read_seconds, seconds;   /* reads and writes overlap: seconds is the larger */
	double cost_write, cost_read, cost;            /* USD at on-demand prices */
};

/* The rates a table serves, from DescribeTable's "Table" (or the whole response): provisioned: its
 * ProvisionedThroughput; on demand (BillingModeSummary PAY_PER_REQUEST, or DynamoDB Local's 0/0 throughput): its
 * WarmThroughput when it reports one, else the new-table defaults (4,000 / 12,000), lowered to its
 * OnDemandThroughput maxima when set.  Fills in->on_demand, in->write_rate and in->read_rate. */
void capacity_rates_from_desc(const cJSON *desc, struct capacity_plan_in *in);
void capacity_plan_compute(const struct capacity_plan_in *in, struct capacity_plan *out);
/* The plan as a few "key: value" lines for people (the caller prints them). */
int capacity_plan_format(const struct capacity_plan *p, struct buf *out);

#endif
