/* xml.h — a small read-only XML tree built with expat, for the Query protocols' responses (EC2, STS).
 *
 * xml_parse builds the whole tree (responses are small: one page); xml_free releases it.  Element names are kept
 * without namespace prefixes; text is the concatenated character data of the element (trimmed).
 */
#ifndef DDB_XML_H
#define DDB_XML_H

#include <stddef.h>
#include "base/err.h"

struct xml_node {
	char *name;
	char *text;                  /* never NULL */
	struct xml_node *parent, *first, *last, *next;
};

/* The most elements a document may have (about 130 bytes each once parsed; an EC2 page of 1000 items has ~30 000). */
#define XML_MAX_NODES 1000000u
/* NULL with e (ERR_DATA) for invalid XML, nesting deeper than 64, more than XML_MAX_NODES elements, 16 MB of text. */
struct xml_node *xml_parse(const char *text, size_t len, struct err *e);
void xml_free(struct xml_node *root);
/* The first child named name (NULL when none). */
struct xml_node *xml_child(const struct xml_node *n, const char *name);
/* Follow a '/'-separated path of child names: xml_path(root, "Errors/Error/Code"). */
struct xml_node *xml_path(const struct xml_node *n, const char *path);
/* Text of xml_path(n, path), or NULL. */
const char *xml_text(const struct xml_node *n, const char *path);
/* Iterate children named name: for (c = xml_child(n, "item"); c; c = xml_next(c)) */
struct xml_node *xml_next(const struct xml_node *n);

#endif
