/* hcl.h — a small parser for the subset of HCL (HashiCorp Configuration Language) that Terraform files use.
 *
 * What it reads:
 *   - comments: `# ...`, `// ...`, slash-star block comments (may span lines);
 *   - attributes `name = expr` and blocks `type "label" label2 { ... }` (one-line blocks too);
 *   - literals: quoted strings with escapes (\n \r \t \" \\ \uNNNN \UNNNNNNNN, `$${` and `%%{`),
 *     numbers, true/false/null, lists `[a, b]`, objects `{ k = v, "k2" : v }`;
 *   - everything else Terraform allows in an expression (references `var.x`, `a.b[0]`, function calls,
 *     operators, conditionals, `for` expressions, heredocs `<<EOF` / `<<-EOF`) is recognised and kept as an
 *     HCL_EXPR node holding its source text, so blocks we do not care about parse cleanly.
 *   - A quoted string containing `${...}` or `%{...}` is an HCL_TEMPLATE holding the raw (undecoded) text
 *     between the quotes; hcl_template_render() resolves `${var.name}` parts against a variable lookup.
 *
 * Memory: hcl_parse() returns a tree owned by the caller, freed with hcl_body_free().  Nothing is shared.
 * Errors: -1 with ERR_DATA and "<file>:<line>: <what>" in e.  Nesting deeper than HCL_MAX_DEPTH is refused.
 */
#ifndef DDB_HCL_H
#define DDB_HCL_H

#include <stddef.h>
#include "base/err.h"
#include "base/buf.h"

#define HCL_MAX_DEPTH 64

enum hcl_kind {
	HCL_NULL,
	HCL_BOOL,      /* b */
	HCL_NUMBER,    /* str: the literal as written, e.g. "5", "1.5e3", "-2" */
	HCL_STRING,    /* str: decoded text (may hold NUL bytes from \u0000: see len) */
	HCL_TEMPLATE,  /* str: raw text between the quotes, with ${...} / %{...} still in it */
	HCL_LIST,      /* items[n] */
	HCL_OBJECT,    /* attrs[n] (keys in source order) */
	HCL_EXPR,      /* str: source text of an expression that is not a literal (var.x, f(x), a ? b : c, heredoc) */
};

struct hcl_value;

struct hcl_attr {
	char *name;
	int line;
	struct hcl_value *value;
};

struct hcl_value {
	enum hcl_kind kind;
	int line;                 /* line where the value starts */
	int b;                    /* HCL_BOOL */
	char *str;                /* NUMBER, STRING, TEMPLATE, EXPR (NUL-terminated) */
	size_t len;               /* strlen(str) except for STRING with embedded NULs */
	size_t n;                 /* LIST / OBJECT */
	struct hcl_value **items; /* LIST */
	struct hcl_attr *attrs;   /* OBJECT */
};

struct hcl_body;

struct hcl_block {
	char *type;
	char **labels;
	size_t nlabels;
	int line;
	struct hcl_body *body;
};

/* One item of a body: an attribute or a block, in source order. */
struct hcl_item {
	int is_block;
	struct hcl_attr attr;     /* when !is_block */
	struct hcl_block block;   /* when is_block */
};

struct hcl_body {
	struct hcl_item *items;
	size_t n;
};

/* Parse src[0..len) (need not be NUL-terminated).  file names the source in error messages.
 * On success *out is a new body owned by the caller.  Duplicate attribute names in one body are an error. */
int hcl_parse(const char *src, size_t len, const char *file, struct hcl_body **out, struct err *e);
void hcl_body_free(struct hcl_body *body);
void hcl_value_free(struct hcl_value *v);

/* Lookups in one body (not recursive).  NULL when absent. */
const struct hcl_attr *hcl_body_attr(const struct hcl_body *body, const char *name);

/* Is v a plain reference `var.NAME`?  Returns NAME (pointing into v->str) with *namelen set, or NULL. */
const char *hcl_var_ref(const struct hcl_value *v, size_t *namelen);

/* Resolve a variable: return its value (NUL-terminated) or NULL when unknown. */
typedef const char *(*hcl_var_lookup)(void *arg, const char *name, size_t namelen);

/* Render the raw text of an HCL_TEMPLATE (escapes decoded) into out, replacing each `${var.NAME}` (spaces
 * allowed inside the braces) with lookup(NAME).  Any other interpolation, an unknown variable or a `%{`
 * directive is an error naming file:line.  Only appends to out. */
int hcl_template_render(const char *raw, size_t len, hcl_var_lookup lookup, void *arg, const char *file,
                        int line, struct buf *out, struct err *e);

/* A short human name for a kind ("a string", "a number", "a list", ...) for messages. */
const char *hcl_kind_name(enum hcl_kind k);

#endif
