/* xml.c — expat to a small tree. */
#include "base/xml.h"

#include <stdlib.h>
#include <string.h>
#include <expat.h>

#include "base/buf.h"

struct builder {
	struct xml_node *root, *cur;
	struct buf text;
	int depth;
	int failed;
	size_t nodes;                /* at most XML_MAX_NODES: what a response costs once parsed, not only its bytes */
	XML_Parser parser;           /* stopped at the first failure: nothing after it is built */
};

static void fail(struct builder *b)
{
	if (!b->failed)
		XML_StopParser(b->parser, XML_FALSE);
	b->failed = 1;
}

static const char *local_name(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static void flush_text(struct builder *b)
{
	if (!b->cur)
		return;
	const char *s = buf_cstr(&b->text);
	size_t n = b->text.len;
	while (n && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	if (n) {
		size_t old = strlen(b->cur->text);
		b->cur->text = xrealloc(b->cur->text, old + n + 1);
		memcpy(b->cur->text + old, s, n);
		b->cur->text[old + n] = '\0';
	}
	buf_reset(&b->text);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct builder *b = ud;
	(void)attrs;
	if (++b->depth > 64 || ++b->nodes > XML_MAX_NODES) {
		fail(b);
		return;
	}
	flush_text(b);
	struct xml_node *n = xcalloc(1, sizeof(*n));
	n->name = xstrdup(local_name(name));
	n->text = xstrdup("");
	n->parent = b->cur;
	if (b->cur) {
		if (b->cur->last)
			b->cur->last->next = n;
		else
			b->cur->first = n;
		b->cur->last = n;
	} else if (!b->root) {
		b->root = n;
	} else {
		fail(b);
		free(n->name);
		free(n->text);
		free(n);
		return;
	}
	b->cur = n;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct builder *b = ud;
	(void)name;
	b->depth--;
	flush_text(b);
	if (b->cur)
		b->cur = b->cur->parent;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct builder *b = ud;
	if (b->cur && len > 0 && buf_add(&b->text, s, (size_t)len) < 0)
		fail(b);
}

struct xml_node *xml_parse(const char *text, size_t len, struct err *e)
{
	struct builder b;
	memset(&b, 0, sizeof(b));
	buf_init(&b.text, (size_t)16 << 20);
	XML_Parser p = XML_ParserCreate("UTF-8");
	if (!p) {
		err_set(e, ERR_INTERNAL, "cannot create an XML parser");
		return NULL;
	}
	b.parser = p;
	XML_SetUserData(p, &b);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	int ok = len <= (size_t)0x7fffffff && XML_Parse(p, text, (int)len, 1) == XML_STATUS_OK;
	if (!ok || b.failed || !b.root) {
		if (!ok && !b.failed)
			err_set(e, ERR_DATA, "invalid XML at line %lu, column %lu: %s",
			        (unsigned long)XML_GetCurrentLineNumber(p), (unsigned long)XML_GetCurrentColumnNumber(p),
			        XML_ErrorString(XML_GetErrorCode(p)));
		else if (b.failed)
			err_set(e, ERR_DATA, "XML nested too deeply, more than %u elements, or too much text", XML_MAX_NODES);
		else
			err_set(e, ERR_DATA, "empty XML document");
		xml_free(b.root);
		b.root = NULL;
	}
	XML_ParserFree(p);
	buf_release(&b.text);
	return b.root;
}

void xml_free(struct xml_node *n)
{
	while (n) {
		struct xml_node *next = n->next;
		xml_free(n->first);
		free(n->name);
		free(n->text);
		free(n);
		n = next;
	}
}

struct xml_node *xml_child(const struct xml_node *n, const char *name)
{
	for (struct xml_node *c = n ? n->first : NULL; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

struct xml_node *xml_next(const struct xml_node *n)
{
	for (struct xml_node *c = n->next; c; c = c->next)
		if (!strcmp(c->name, n->name))
			return c;
	return NULL;
}

struct xml_node *xml_path(const struct xml_node *n, const char *path)
{
	char part[128];
	const struct xml_node *cur = n;
	while (cur && *path) {
		size_t k = strcspn(path, "/");
		if (k >= sizeof(part))
			return NULL;
		memcpy(part, path, k);
		part[k] = '\0';
		cur = xml_child(cur, part);
		path += k;
		if (*path == '/')
			path++;
	}
	return (struct xml_node *)cur;
}

const char *xml_text(const struct xml_node *n, const char *path)
{
	const struct xml_node *x = xml_path(n, path);
	return x ? x->text : NULL;
}
