/* test_clock.c — lib/clock: full-jitter bounds (every draw in [0, min(cap, base * 2^n)], the ceiling doubles then
 * stays at the cap, reset starts over, the draws spread), the poll step, the monotonic clock, the interruptible
 * sleep (whole, and cut short by the interrupt flag). */
#include <signal.h>
#include <string.h>

#include "aws/clock.h"
#include "aws/ctx.h"
#include "unit.h"

static void test_jitter_bounds(void)
{
	struct backoff b;
	backoff_init(&b, 50, 5000);
	CHECK_INTEQ(b.attempt, 0);
	long want[] = { 50, 100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000 };
	for (int n = 0; n < 10; n++) {
		CHECK_INTEQ(backoff_ceiling_ms(&b), want[n]);
		long ms = backoff_next_ms(&b);
		CHECK_MSG(ms >= 0 && ms <= want[n], "attempt %d: %ld not in [0, %ld]", n, ms, want[n]);
	}
	/* a thousand draws at the cap: all within, and spread over the range (full jitter, not "cap/2 + jitter") */
	long lo = 1L << 30, hi = -1;
	for (int i = 0; i < 1000; i++) {
		long ms = backoff_next_ms(&b);
		CHECK_MSG(ms >= 0 && ms <= 5000, "draw %d: %ld", i, ms);
		lo = ms < lo ? ms : lo;
		hi = ms > hi ? ms : hi;
	}
	CHECK_MSG(lo < 500 && hi > 4500, "draws not spread: [%ld, %ld]", lo, hi);
	CHECK(b.attempt <= 1000);   /* the counter stops: no overflow however long a caller retries */
	CHECK_INTEQ(backoff_ceiling_ms(&b), 5000);
	backoff_reset(&b);
	CHECK_INTEQ(b.attempt, 0);
	CHECK_INTEQ(backoff_ceiling_ms(&b), 50);
	long ms = backoff_next_ms(&b);
	CHECK(ms >= 0 && ms <= 50);
}

static void test_odd_bounds(void)
{
	struct backoff b;
	backoff_init(&b, 0, 0);   /* base < 1 counts as 1, cap < base as base */
	CHECK_INTEQ(b.base_ms, 1);
	CHECK_INTEQ(b.cap_ms, 1);
	for (int i = 0; i < 50; i++) {
		long ms = backoff_next_ms(&b);
		CHECK(ms == 0 || ms == 1);
	}
	backoff_init(&b, 3, 10);   /* a cap that is no power-of-two multiple of base */
	long want[] = { 3, 6, 10, 10 };
	for (int n = 0; n < 4; n++)
		CHECK_INTEQ(backoff_step_ms(&b), want[n]);
	backoff_init(&b, 1, 0x7fffffffL);   /* doubling near LONG range does not overflow */
	for (int n = 0; n < 80; n++) {
		long c = backoff_ceiling_ms(&b);
		CHECK_MSG(c >= 1 && c <= 0x7fffffffL, "attempt %d: ceiling %ld", n, c);
		backoff_step_ms(&b);
	}
	/* two backoffs started together draw different waits (threads must not retry in step) */
	struct backoff x, y;
	backoff_init(&x, 1000, 1000);
	backoff_init(&y, 1000, 1000);
	int same = 0;
	for (int i = 0; i < 20; i++)
		same += backoff_next_ms(&x) == backoff_next_ms(&y);
	CHECK_MSG(same < 5, "%d of 20 draws equal", same);
}

static void test_poll_step(void)
{
	struct backoff b;
	backoff_init(&b, 250, 2000);
	long want[] = { 250, 500, 1000, 2000, 2000 };
	for (int n = 0; n < 5; n++)
		CHECK_INTEQ(backoff_step_ms(&b), want[n]);
	backoff_reset(&b);
	CHECK_INTEQ(backoff_step_ms(&b), 250);
}

static void test_sleep(void)
{
	double t0 = clock_now();
	long long m0 = clock_now_ms();
	CHECK_INTEQ(clock_sleep_ms(NULL, 120), 0);
	double dt = clock_now() - t0;
	CHECK_MSG(dt >= 0.119 && dt < 2.0, "slept %g s", dt);
	CHECK(clock_now_ms() - m0 >= 119);
	CHECK_INTEQ(clock_sleep_ms(NULL, 0), 0);
	CHECK_INTEQ(clock_sleep_ms(NULL, -5), 0);

	struct ctx ctx;
	volatile sig_atomic_t flag = 1;
	memset(&ctx, 0, sizeof ctx);
	ctx.interrupted = &flag;
	t0 = clock_now();
	CHECK_INTEQ(clock_sleep_ms(&ctx, 10000), -1);   /* interrupted: returns at once, not after 10 s */
	CHECK(clock_now() - t0 < 1.0);
	CHECK_INTEQ(clock_sleep_ms(&ctx, 0), -1);
	flag = 0;
	CHECK_INTEQ(clock_sleep_ms(&ctx, 20), 0);
}

int main(void)
{
	test_jitter_bounds();
	test_odd_bounds();
	test_poll_step();
	test_sleep();
	return unit_done();
}
