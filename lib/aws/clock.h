/* clock.h — the one monotonic clock of ddb, backoff with full jitter, and a sleep that Ctrl-C cuts short.
 *
 * Every wait in ddb (retries, waiters, stream polling, the engine's start and stop) measures time with clock_now
 * (CLOCK_MONOTONIC: DDB_TEST_NOW and changes of the wall clock do not affect it) and sleeps with clock_sleep_ms,
 * which sleeps in slices of at most 50 ms and returns early when ctx_interrupted(ctx).
 *
 * Backoff is "full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): attempt n (from 0) waits a
 * uniform random time in [0, min(cap, base * 2^n)].  A struct backoff owns no memory; each thread has its own.
 */
#ifndef DDB_CLOCK_H
#define DDB_CLOCK_H

struct ctx;

/* Seconds on CLOCK_MONOTONIC. */
double clock_now(void);
/* Milliseconds on CLOCK_MONOTONIC. */
long long clock_now_ms(void);
/* Sleep ms milliseconds, in slices, returning early (-1) when ctx_interrupted(ctx) (ctx may be NULL: never
 * interrupted).  0 when the whole time was slept.  It sets no error: the caller says what was interrupted. */
int clock_sleep_ms(const struct ctx *ctx, long ms);

struct backoff {
	long base_ms, cap_ms;   /* first ceiling, and the largest */
	int attempt;            /* retries so far (0 after init / reset) */
	unsigned rnd;           /* the jitter's random state (seeded by backoff_init; a test may set it) */
};

/* base_ms >= 1; cap_ms < base_ms counts as base_ms. */
void backoff_init(struct backoff *b, long base_ms, long cap_ms);
/* The next wait, full jitter: uniform in [0, min(cap, base * 2^attempt)]; then attempt++. */
long backoff_next_ms(struct backoff *b);
/* A poll's next interval, without jitter: min(cap, base * 2^attempt); then attempt++.  For one client polling one
 * thing (a waiter, a stream reader with nothing to read), where there is no crowd of retries to spread. */
long backoff_step_ms(struct backoff *b);
/* After a success: the next wait starts again from base. */
void backoff_reset(struct backoff *b);
/* The ceiling backoff_next_ms draws under now: min(cap, base * 2^attempt). */
long backoff_ceiling_ms(const struct backoff *b);

#endif
