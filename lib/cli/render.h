/* render.h — output modes as a table (sqlite's .mode): table for people, json, jsonl, text (tab-separated).
 *
 * Rows are plain JSON values (objects or scalars), rendered as they come: jsonl and text stream a line per row,
 * json streams one array, table buffers a block of rows (up to 500) to size its columns, then prints it.
 * Everything goes to ctx->out.  Numbers stored as cJSON raw text print exactly.
 */
#ifndef DDB_RENDER_H
#define DDB_RENDER_H

#include <cjson/cJSON.h>
#include "aws/ctx.h"

struct render;

/* mode: ctx->output, or when that is OUT_AUTO: OUT_TABLE on a terminal, else piped_default.
 * columns: NULL-terminated column names for table/text (NULL: the keys of the first rows, in order). */
struct render *render_begin(struct ctx *ctx, enum out_mode piped_default, const char *const *columns);
enum out_mode render_mode(const struct render *r);
/* Render one row; v is borrowed. */
int render_row(struct render *r, const cJSON *v, struct err *e);
/* Flush, close the JSON array, free r.  Returns -1 (ERR_IO) when the output could not be written. */
int render_end(struct render *r, struct err *e);
/* Free r without printing anything more (after an error). */
void render_abort(struct render *r);
/* The mode a command would use (without starting a render). */
enum out_mode render_pick(const struct ctx *ctx, enum out_mode piped_default);
/* Text of a scalar for table/text cells: strings raw, numbers exact, others compact JSON.  Caller frees. */
char *render_cell(const cJSON *v);

/* Records: one object shown as its fields (describe, local status).  json and jsonl print the object itself,
 * compact on one line (one document either way); table and text print one row per field with the columns
 * "field" and "value" (text: "field<TAB>value" lines), values never cut (a terminal wraps them).
 * render_begin_record + render_field for fields worded for people; render_record for an object's members as they
 * are (values through render_cell).  render_record returns -1 (ERR_IO) when the output could not be written. */
struct render *render_begin_record(struct ctx *ctx, enum out_mode piped_default);
int render_field(struct render *r, const char *field, const char *value, struct err *e);
int render_record(struct ctx *ctx, enum out_mode piped_default, const cJSON *o, struct err *e);

#endif
