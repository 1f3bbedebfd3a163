/* fuzzy.c — edit distance for "did you mean" (see fuzzy.h). */
#include "base/fuzzy.h"

#include <string.h>

static char fold(char c, int nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* One row of the classic table, kept on the stack. */
static size_t distance(const char *a, const char *b, int nocase)
{
	size_t la = strlen(a), lb = strlen(b), row[65];
	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t v = prev + (fold(a[i - 1], nocase) == fold(b[j - 1], nocase) ? 0 : 1);
			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			prev = cur;
		}
	}
	return row[lb];
}

size_t edit_distance(const char *a, const char *b)
{
	return distance(a, b, 0);
}

size_t edit_distance_nocase(const char *a, const char *b)
{
	return distance(a, b, 1);
}
