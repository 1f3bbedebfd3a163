/* clock.c — the monotonic clock, interruptible sleep, full-jitter backoff (clock.h). */
#include "aws/clock.h"

#include <stdint.h>
#include <time.h>
#include <pthread.h>

#include "aws/ctx.h"

#define SLICE_MS 50

double clock_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long long clock_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int clock_sleep_ms(const struct ctx *ctx, long ms)
{
	if (ms <= 0)
		return ctx && ctx_interrupted(ctx) ? -1 : 0;
	long long end = clock_now_ms() + ms;
	for (;;) {
		if (ctx && ctx_interrupted(ctx))
			return -1;
		long long left = end - clock_now_ms();
		if (left <= 0)
			return 0;
		if (left > SLICE_MS)
			left = SLICE_MS;
		struct timespec ts = { 0, (long)left * 1000000L };
		nanosleep(&ts, NULL);
	}
}

/* xorshift32: jitter needs spread, not secrecy */
static unsigned next_rnd(unsigned *s)
{
	unsigned x = *s ? *s : 0x9e3779b9u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

void backoff_init(struct backoff *b, long base_ms, long cap_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	b->base_ms = base_ms < 1 ? 1 : base_ms;
	b->cap_ms = cap_ms < b->base_ms ? b->base_ms : cap_ms;
	b->attempt = 0;
	/* threads that start together must not draw the same waits: mix in the time, the struct's address and the
	 * thread */
	uintptr_t a = (uintptr_t)b, t = (uintptr_t)pthread_self();
	b->rnd = (unsigned)ts.tv_nsec ^ (unsigned)ts.tv_sec * 2654435761u ^ (unsigned)(a >> 4) ^ (unsigned)(t * 40503u);
	if (!b->rnd)
		b->rnd = 1;
}

long backoff_ceiling_ms(const struct backoff *b)
{
	long c = b->base_ms;
	for (int i = 0; i < b->attempt && c < b->cap_ms; i++)
		c = c > b->cap_ms / 2 ? b->cap_ms : c * 2;
	return c > b->cap_ms ? b->cap_ms : c;
}

long backoff_next_ms(struct backoff *b)
{
	long c = backoff_ceiling_ms(b);
	if (b->attempt < 1000)
		b->attempt++;
	return (long)(next_rnd(&b->rnd) % ((unsigned long)c + 1));
}

long backoff_step_ms(struct backoff *b)
{
	long c = backoff_ceiling_ms(b);
	if (b->attempt < 1000)
		b->attempt++;
	return c;
}

void backoff_reset(struct backoff *b)
{
	b->attempt = 0;
}
