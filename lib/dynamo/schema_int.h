/* schema_int.h — what the files of module schema share (schema.c, schema_validate.c, schema_tf.c,
 * schema_plan.c); no other module includes it. */
#ifndef DDB_SCHEMA_INT_H
#define DDB_SCHEMA_INT_H

#include <stddef.h>
#include "dynamo/schema.h"

/* schema.lines: a field path of a converted (.tf) schema and the source line it came from. */
struct schema_lineref { char *path; int line; };

/* snprintf into a fixed buffer; what does not fit is cut (only messages and field paths go through here). */
void schema_fmt(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void schema_list_push(struct schema_list *l, struct schema *s);
/* Record that path (e.g. "GlobalSecondaryIndexes[0].KeySchema") comes from line (schema_line_of reads it). */
void schema_lines_add(struct schema *s, const char *path, int line);
const char *schema_vars_getn(const struct schema_vars *vars, const char *name, size_t n);
/* Fill table, create and the extras (TTL, PITR) from a validated doc. */
void schema_finish(struct schema *s);

/* schema_validate.c */
int schema_one_of(const char *s, const char *const *set);
/* The closest of names to word (case-blind), or NULL when none is close. */
const char *schema_did_you_mean(const char *word, const char *const *names);
int schema_legal_name(const char *s, size_t min, size_t max);

/* schema_tf.c: the .tf files of one module (one file, or every .tf file of a folder), as loaded together. */
int schema_load_tf_set(size_t nf, const char *const *srcs, const size_t *lens, const char *const *files,
                       const struct schema_vars *vars, struct schema_list *out, struct err *e);

#endif
