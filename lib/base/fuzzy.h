/* fuzzy.h — "did you mean": how far apart two words are.  No allocation. */
#ifndef DDB_FUZZY_H
#define DDB_FUZZY_H

#include <stddef.h>

/* The Levenshtein distance between a and b, in bytes (insert, delete, replace one byte); (size_t)-1 when either
 * is longer than 64 bytes (nothing anyone mistyped). */
size_t edit_distance(const char *a, const char *b);
/* The same with ASCII letters compared without case ("tablename" is 0 from "TableName"). */
size_t edit_distance_nocase(const char *a, const char *b);

#endif
