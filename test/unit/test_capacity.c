/* test_capacity.c — lib/capacity: unit arithmetic (item size, GSIs, projections), the token bucket on a fake
 * clock (rate, burst, debt, refunds, threads), the AIMD controller, and the --plan estimate. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dynamo/capacity.h"
#include "base/json.h"
#include "unit.h"

static double fake_now;
static double fake_clock(void *arg)
{
	(void)arg;
	return fake_now;
}

static cJSON *parse(const char *s)
{
	struct err e = ERR_INIT;
	cJSON *j = json_parse_exact(s, strlen(s), &e);
	if (!j)
		fprintf(stderr, "test: bad JSON: %s\n", e.msg);
	return j;
}

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static void test_units(void)
{
	CHECK(NEAR(capacity_write_units(0), 1));
	CHECK(NEAR(capacity_write_units(1), 1));
	CHECK(NEAR(capacity_write_units(1024), 1));
	CHECK(NEAR(capacity_write_units(1025), 2));
	CHECK(NEAR(capacity_write_units(400 * 1024), 400));
	CHECK(NEAR(capacity_read_units(1, 1), 1));
	CHECK(NEAR(capacity_read_units(4096, 1), 1));
	CHECK(NEAR(capacity_read_units(4097, 1), 2));
	CHECK(NEAR(capacity_read_units(4097, 0), 1));
	CHECK(NEAR(capacity_read_units(100, 0), 0.5));
	CHECK(NEAR(capacity_read_units(0, 0), 0.5));
}

static void test_put_units(void)
{
	struct err e = ERR_INIT;
	struct capacity_table t = CAPACITY_TABLE_INIT;
	/* keys pk/sk; GSIs: by-g (ALL), by-h (KEYS_ONLY, hash h range r), by-i (INCLUDE x) */
	cJSON *desc = parse(
		"{\"Table\":{\"TableName\":\"tbl\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
		"{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"GlobalSecondaryIndexes\":["
		"{\"IndexName\":\"by-g\",\"KeySchema\":[{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],"
		"\"Projection\":{\"ProjectionType\":\"ALL\"}},"
		"{\"IndexName\":\"by-h\",\"KeySchema\":[{\"AttributeName\":\"h\",\"KeyType\":\"HASH\"},"
		"{\"AttributeName\":\"r\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"}},"
		"{\"IndexName\":\"by-i\",\"KeySchema\":[{\"AttributeName\":\"i\",\"KeyType\":\"HASH\"}],"
		"\"Projection\":{\"ProjectionType\":\"INCLUDE\",\"NonKeyAttributes\":[\"x\"]}}]}}");
	CHECK(capacity_table_init(&t, desc, &e) == 0);
	CHECK_STREQ(t.hash, "pk");
	CHECK_STREQ(t.range, "sk");
	CHECK_INTEQ((long)t.ngsi, 3);
	CHECK(t.gsi[1].projection == CAPACITY_PROJ_KEYS_ONLY && t.gsi[2].projection == CAPACITY_PROJ_INCLUDE);

	/* 2 KB of payload plus keys: 3 units; in no index (no g, h without r, no i) */
	char big[2200 + 1];
	memset(big, 'a', 2200);
	big[2200] = '\0';
	char *txt = xasprintf("{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1\"},\"h\":{\"S\":\"x\"},\"pay\":{\"S\":\"%s\"}}", big);
	cJSON *it = parse(txt);
	double u = 0;
	int n = -1;
	CHECK(capacity_put_units(&t, it, &u, &n, &e) == 0);
	CHECK(NEAR(u, 3) && n == 0);
	cJSON_Delete(it);
	free(txt);
	/* in by-g (ALL: the whole item again, 3 more), by-h (KEYS_ONLY: pk, sk, h, r: 1), by-i (INCLUDE x: 1) */
	txt = xasprintf("{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1\"},\"g\":{\"S\":\"g\"},\"h\":{\"S\":\"x\"},"
	                "\"r\":{\"N\":\"2\"},\"i\":{\"S\":\"i\"},\"x\":{\"S\":\"small\"},\"pay\":{\"S\":\"%s\"}}", big);
	it = parse(txt);
	CHECK(capacity_put_units(&t, it, &u, &n, &e) == 0);
	CHECK_MSG(NEAR(u, 3 + 3 + 1 + 1) && n == 3, "units %g, gsis %d", u, n);
	/* the tally adds them up */
	struct capacity_tally tl = CAPACITY_TALLY_INIT;
	CHECK(capacity_tally_put(&tl, &t, it, &e) == 0);
	CHECK(capacity_tally_put(&tl, NULL, it, &e) == 0);   /* no table known: just the item */
	CHECK_INTEQ(tl.items, 2);
	CHECK(NEAR(tl.wcu, 8 + 3));
	CHECK_INTEQ(tl.gsi_writes, 3);
	CHECK(tl.bytes > 2 * 2200);
	cJSON_Delete(it);
	free(txt);
	/* INCLUDE projecting the big attribute costs its size */
	capacity_table_release(&t);
	cJSON_Delete(desc);
	desc = parse("{\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"}],\"GlobalSecondaryIndexes\":["
	             "{\"IndexName\":\"inc\",\"KeySchema\":[{\"AttributeName\":\"i\",\"KeyType\":\"HASH\"}],"
	             "\"Projection\":{\"ProjectionType\":\"INCLUDE\",\"NonKeyAttributes\":[\"pay\"]}}]}");
	CHECK(capacity_table_init(&t, desc, &e) == 0);
	txt = xasprintf("{\"pk\":{\"S\":\"p\"},\"i\":{\"S\":\"i\"},\"other\":{\"S\":\"%s\"},\"pay\":{\"S\":\"%s\"}}", big,
	                big);
	it = parse(txt);
	CHECK(capacity_put_units(&t, it, &u, &n, &e) == 0);
	CHECK_MSG(NEAR(u, 5 + 3) && n == 1, "units %g", u);
	cJSON_Delete(it);
	free(txt);
	/* an invalid item is an error, not a guess */
	it = parse("{\"pk\":{\"N\":\"abc\"}}");
	CHECK(capacity_put_units(&t, it, &u, &n, &e) < 0 && e.kind == ERR_DATA);
	cJSON_Delete(it);
	capacity_table_release(&t);
	cJSON_Delete(desc);
	/* no hash key: not a table */
	desc = parse("{\"KeySchema\":[]}");
	CHECK(capacity_table_init(&t, desc, &e) < 0);
	capacity_table_release(&t);
	cJSON_Delete(desc);
}

static void test_bucket(void)
{
	struct capacity_bucket b;
	fake_now = 100;
	capacity_bucket_init(&b, 250, 0, fake_clock, NULL);
	/* starts empty: 1,000 one-KB items at --max-wcu 250 take 4 s */
	double t = 0;
	for (int i = 0; i < 40; i++) {   /* 40 batches of 25 */
		double w = capacity_bucket_take(&b, 25);
		fake_now += w;               /* the caller waits as told */
		t += w;
	}
	CHECK_MSG(NEAR(t, 4.0), "took %g s", t);
	CHECK(NEAR(b.taken, 1000));
	/* idle time refills, but only up to the burst (one second's worth: 250) */
	fake_now += 10;
	CHECK(NEAR(capacity_bucket_take(&b, 250), 0));
	CHECK(NEAR(capacity_bucket_take(&b, 25), 0.1));
	/* a take larger than the burst: debt, never stuck */
	fake_now += 0.1;
	CHECK(NEAR(capacity_bucket_take(&b, 1000), 4.0));
	/* the next taker queues behind the debt */
	CHECK(NEAR(capacity_bucket_take(&b, 25), 4.1));
	fake_now += 4.1;
	/* refunds (UnprocessedItems) give units back */
	CHECK(NEAR(capacity_bucket_take(&b, 50), 0.2));
	capacity_bucket_refund(&b, 50);   /* as if they had never been taken */
	CHECK(NEAR(capacity_bucket_take(&b, 25), 0.1));
	fake_now += 0.1;
	/* a rate change applies from now on */
	fake_now += 1;
	capacity_bucket_set_rate(&b, 100);   /* the burst follows the rate: 100 */
	CHECK(NEAR(capacity_bucket_rate(&b), 100));
	CHECK(NEAR(capacity_bucket_take(&b, 150), 0.5));
	/* unlimited */
	capacity_bucket_set_rate(&b, 0);
	CHECK(NEAR(capacity_bucket_take(&b, 1e9), 0));
	capacity_bucket_set_rate(&b, 10);   /* limited again: starts empty, the old debt forgotten */
	CHECK(NEAR(capacity_bucket_take(&b, 10), 1));
	capacity_bucket_release(&b);

	/* an explicit burst */
	fake_now = 0;
	capacity_bucket_init(&b, 10, 50, fake_clock, NULL);
	fake_now = 100;
	CHECK(NEAR(capacity_bucket_take(&b, 50), 0));
	CHECK(NEAR(capacity_bucket_take(&b, 5), 0.5));
	capacity_bucket_release(&b);
}

/* Threads sharing one bucket on the real clock: the waits handed out add up to units / rate, whoever takes. */
static struct capacity_bucket shared;
static void *taker(void *arg)
{
	double *sum = arg;
	for (int i = 0; i < 1000; i++)
		*sum += capacity_bucket_take(&shared, 1);
	return NULL;
}

static void test_bucket_threads(void)
{
	pthread_t th[4];
	double w[4] = { 0 };
	fake_now = 0;
	capacity_bucket_init(&shared, 1000, 0, fake_clock, NULL);   /* a frozen clock: pure debt */
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, taker, &w[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK(NEAR(shared.taken, 4000));
	CHECK_INTEQ(shared.takes, 4000);
	/* the last taker waits 4 s; the waits are 1 ms, 2 ms, ... 4000 ms in some order */
	double total = w[0] + w[1] + w[2] + w[3];
	CHECK_MSG(fabs(total - 4000.0 * 4001.0 / 2.0 / 1000.0) < 1e-6, "total %g", total);
	capacity_bucket_release(&shared);
}

static void test_aimd(void)
{
	struct capacity_aimd a;
	struct capacity_aimd_stats st;
	fake_now = 0;
	capacity_aimd_init(&a, 8, 1, 32, fake_clock, NULL);
	CHECK(NEAR(capacity_aimd_limit(&a), 8));
	/* additive increase: +1 after a window of `limit` successes */
	for (int i = 0; i < 7; i++)
		capacity_aimd_success(&a);
	CHECK(NEAR(capacity_aimd_limit(&a), 8));
	CHECK(NEAR(capacity_aimd_success(&a), 9));
	for (int i = 0; i < 9; i++)
		capacity_aimd_success(&a);
	CHECK(NEAR(capacity_aimd_limit(&a), 10));
	/* multiplicative decrease, once per cooldown however many throttles arrive together */
	CHECK(NEAR(capacity_aimd_throttle(&a), 5));
	CHECK(NEAR(capacity_aimd_throttle(&a), 5));
	fake_now += 0.5;
	CHECK(NEAR(capacity_aimd_throttle(&a), 5));
	fake_now += 0.6;
	CHECK(NEAR(capacity_aimd_throttle(&a), 2.5));
	fake_now += 2;
	CHECK(NEAR(capacity_aimd_throttle(&a), 1.25));
	fake_now += 2;
	CHECK(NEAR(capacity_aimd_throttle(&a), 1));   /* the floor */
	fake_now += 2;
	CHECK(NEAR(capacity_aimd_throttle(&a), 1));
	/* a throttle restarts the success window */
	CHECK(NEAR(capacity_aimd_success(&a), 2));
	capacity_aimd_success(&a);
	CHECK(NEAR(capacity_aimd_success(&a), 3));
	/* the ceiling */
	for (int i = 0; i < 2000; i++)
		capacity_aimd_success(&a);
	CHECK(NEAR(capacity_aimd_limit(&a), 32));
	capacity_aimd_stats(&a, &st);
	CHECK_INTEQ(st.throttles, 7);
	CHECK_INTEQ(st.decreases, 4);   /* 10->5, 5->2.5, 2.5->1.25, 1.25->1 */
	CHECK(NEAR(st.lowest, 1) && NEAR(st.highest, 32) && NEAR(st.limit, 32));
	CHECK_INTEQ(st.successes, 8 + 9 + 3 + 2000);
	/* a fixed window */
	a.window = 2;
	fake_now += 5;
	capacity_aimd_throttle(&a);   /* 16 */
	capacity_aimd_success(&a);
	CHECK(NEAR(capacity_aimd_success(&a), 17));
	capacity_aimd_release(&a);
	/* bad bounds are fixed up */
	capacity_aimd_init(&a, 100, 0, 0, fake_clock, NULL);
	CHECK(NEAR(capacity_aimd_limit(&a), 1));
	capacity_aimd_release(&a);
}

static void test_plan(void)
{
	struct capacity_plan_in in;
	struct capacity_plan p;
	struct buf b = BUF_INIT;
	/* 1,000 one-KB items into a table with one GSI they all land in, at --max-wcu 250 */
	memset(&in, 0, sizeof in);
	in.w.items = 1000;
	in.w.bytes = 1000 * 1000;
	in.w.wcu = 2000;
	in.w.gsi_writes = 1000;
	in.write_rate = 250;
	capacity_plan_compute(&in, &p);
	CHECK(NEAR(p.write_seconds, 8) && NEAR(p.seconds, 8));
	CHECK(NEAR(p.cost_write, 2000 * 0.625 / 1e6));
	CHECK(NEAR(p.rcu, 0) && NEAR(p.cost_read, 0));
	CHECK(capacity_plan_format(&p, &b) == 0);
	CHECK_STREQ(buf_cstr(&b), "items: 1000 (976.6 KiB)\n"
	                          "write units: 2000 (1000 index writes)\n"
	                          "write time: 8.0 s at 250 units/s\n"
	                          "on-demand cost: $0.0013 (us-east-1 prices of 2024-11-01: $0.625 per million writes, "
	                          "$0.125 per million reads)\n");
	buf_release(&b);
	/* a copy: read 10 GiB eventually consistent from an on-demand table, write 10M items on demand */
	memset(&in, 0, sizeof in);
	in.w.items = 10000000;
	in.w.bytes = 10ull << 30;
	in.w.wcu = 20000000;
	in.read_bytes = 10ull << 30;
	in.on_demand = 1;
	capacity_plan_compute(&in, &p);
	CHECK(NEAR(p.rcu, (10.0 * 1024 * 1024 * 1024 / 4096) / 2));
	CHECK(NEAR(p.write_rate, 4000) && NEAR(p.read_rate, 12000));
	CHECK(NEAR(p.write_seconds, 5000) && NEAR(p.seconds, 5000));
	CHECK(NEAR(p.cost, 20 * 0.625 + p.rcu * 0.125 / 1e6));
	CHECK(capacity_plan_format(&p, &b) == 0);
	CHECK(strstr(buf_cstr(&b), "write time: 1h23m at 4000 units/s\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "read units: 1310720.0\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "on-demand cost: $12.6638 ") != NULL);
	buf_release(&b);
	/* tiny reads still round up per 1 MB page */
	memset(&in, 0, sizeof in);
	in.read_bytes = 10;
	in.consistent_reads = 1;
	capacity_plan_compute(&in, &p);
	CHECK(NEAR(p.rcu, 1) && NEAR(p.read_seconds, 0));
}

static void test_rates(void)
{
	struct capacity_plan_in in;
	cJSON *d;
	/* provisioned */
	memset(&in, 0, sizeof in);
	d = parse("{\"Table\":{\"BillingModeSummary\":{\"BillingMode\":\"PROVISIONED\"},"
	          "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":100,\"WriteCapacityUnits\":25}}}");
	capacity_rates_from_desc(d, &in);
	CHECK(!in.on_demand && NEAR(in.write_rate, 25) && NEAR(in.read_rate, 100));
	cJSON_Delete(d);
	/* on demand, no warm throughput reported: the new-table defaults */
	d = parse("{\"BillingModeSummary\":{\"BillingMode\":\"PAY_PER_REQUEST\"},"
	          "\"ProvisionedThroughput\":{\"ReadCapacityUnits\":0,\"WriteCapacityUnits\":0}}");
	capacity_rates_from_desc(d, &in);
	CHECK(in.on_demand && NEAR(in.write_rate, 4000) && NEAR(in.read_rate, 12000));
	cJSON_Delete(d);
	/* DynamoDB Local: no BillingModeSummary, 0/0; warm throughput and an on-demand maximum */
	d = parse("{\"ProvisionedThroughput\":{\"ReadCapacityUnits\":0,\"WriteCapacityUnits\":0},"
	          "\"WarmThroughput\":{\"ReadUnitsPerSecond\":30000,\"WriteUnitsPerSecond\":10000,\"Status\":\"ACTIVE\"},"
	          "\"OnDemandThroughput\":{\"MaxWriteRequestUnits\":500,\"MaxReadRequestUnits\":-1}}");
	capacity_rates_from_desc(d, &in);
	CHECK(in.on_demand && NEAR(in.write_rate, 500) && NEAR(in.read_rate, 30000));
	cJSON_Delete(d);
}

int main(void)
{
	json_init();
	test_units();
	test_put_units();
	test_bucket();
	test_bucket_threads();
	test_aimd();
	test_plan();
	test_rates();
	return unit_done();
}
