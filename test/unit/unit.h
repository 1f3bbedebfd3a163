/* unit.h — the smallest test harness: CHECK macros, counters, and the closing "N passed, N failed" line. */
#ifndef DDB_UNIT_H
#define DDB_UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;

#define CHECK(cond) do { if (cond) unit_passed++; else { unit_failed++; \
	fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_MSG(cond, ...) do { if (cond) unit_passed++; else { unit_failed++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
#define CHECK_STREQ(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (a_ && b_ && !strcmp(a_, b_)) unit_passed++; else { unit_failed++; \
	fprintf(stderr, "FAIL %s:%d: %s == %s\n  got:      %s\n  expected: %s\n", __FILE__, __LINE__, #a, #b, \
	        a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_INTEQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ == b_) unit_passed++; else { unit_failed++; \
	fprintf(stderr, "FAIL %s:%d: %s == %s (got %lld, expected %lld)\n", __FILE__, __LINE__, #a, #b, a_, b_); } } while (0)

/* Print the closing line and return the process exit code. */
static inline int unit_done(void)
{
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}
#endif
