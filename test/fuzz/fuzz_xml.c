/* fuzz_xml.c — libFuzzer target for lib/xml (the expat tree the EC2/STS responses are read through) and
 * awsquery_parse_error (EC2's and STS's XML error documents).
 *
 * Checks, for arbitrary bytes (a failed check aborts, which libFuzzer reports):
 *   - xml_parse either fails with an ERR_DATA/ERR_INTERNAL message, or builds a consistent tree: names and texts
 *     never NULL, parent/first/last/next links agree, depth within the builder's limit, texts trimmed;
 *   - xml_child / xml_next / xml_path / xml_text agree with a plain walk of the tree;
 *   - the tree written back as XML (texts escaped) parses to the same tree (when its names are plain ASCII names);
 *   - awsquery_parse_error returns 0 only with an error code and a message; its strings stay terminated.
 * Build (xml.c and awsquery.c, plus what aws.c pulls in):
 *        clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -DDDB_VERSION='"fuzz"' -Ilib \
 *        $(pkg-config --cflags libcjson) test/fuzz/fuzz_xml.c lib/base/xml.c lib/aws/awsquery.c lib/aws/aws.c lib/aws/sigv4.c \
 *        lib/base/buf.c lib/base/err.c lib/aws/http.c lib/aws/creds.c lib/aws/creds_net.c lib/aws/creds_sts.c lib/aws/config.c lib/aws/ctx.c \
 *        lib/aws/trace.c lib/cli/opt.c $(pkg-config --libs libcurl libcjson openssl expat zlib) -lpthread -lm -o fuzz_xml
 * It found: an EC2/STS error document with an empty <Code/> was taken as a parsed error with no code.
 * Run:   ./fuzz_xml -max_len=8192 corpus/   (seeds: any EC2 responses, e.g. from test/standins/ec2_standin.py)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "base/xml.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)
#define MAX_DEPTH 64

static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static int plain_name(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-' || *s == '.'))
			return 0;
	return 1;
}

/* Checks one node and its subtree; returns 0 when some name is not plain (no round trip then). */
static int check_node(const struct xml_node *n, const struct xml_node *parent, int depth)
{
	int plain = 1;
	REQUIRE(n && n->name && n->text);
	REQUIRE(n->parent == parent);
	REQUIRE(depth <= MAX_DEPTH);
	REQUIRE(!strchr(n->name, ':'));
	size_t tl = strlen(n->text);
	REQUIRE(tl == 0 || (!is_space(n->text[0]) && !is_space(n->text[tl - 1])));
	if (!plain_name(n->name))
		plain = 0;
	const struct xml_node *last = NULL;
	for (const struct xml_node *c = n->first; c; c = c->next) {
		if (!check_node(c, n, depth + 1))
			plain = 0;
		/* xml_child finds the first child of that name; xml_next from there skips the other names. */
		const struct xml_node *f = xml_child(n, c->name);
		REQUIRE(f && !strcmp(f->name, c->name));
		int found = 0;
		for (const struct xml_node *k = f; k; k = xml_next(k)) {
			REQUIRE(!strcmp(k->name, c->name) && k->parent == n);
			if (k == c)
				found = 1;
		}
		REQUIRE(found);
		last = c;
	}
	REQUIRE(n->last == last);
	REQUIRE(!n->first == !n->last);
	return plain;
}

/* The path of first children from root: xml_path must walk it back. */
static void check_path(const struct xml_node *root)
{
	struct buf path = BUF_INIT;
	const struct xml_node *n = root->first, *want = root;
	while (n && !strchr(n->name, '/') && strlen(n->name) < 128) {
		if (path.len)
			buf_addc(&path, '/');
		buf_adds(&path, n->name);
		/* xml_path takes the first child of each name, which may not be n when names repeat. */
		want = xml_child(want, n->name);
		n = want->first;
	}
	const struct xml_node *got = xml_path(root, buf_cstr(&path));
	REQUIRE(got == want);
	const char *t = xml_text(root, buf_cstr(&path));
	REQUIRE(t == want->text);
	buf_release(&path);
}

static void write_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_adds(b, "&amp;"); break;
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '\r': buf_adds(b, "&#13;"); break;
		case '\t': buf_adds(b, "&#9;"); break;
		case '\n': buf_adds(b, "&#10;"); break;
		default: buf_addc(b, *s);
		}
	}
}

static void write_node(struct buf *b, const struct xml_node *n)
{
	buf_addf(b, "<%s>", n->name);
	write_escaped(b, n->text);
	for (const struct xml_node *c = n->first; c; c = c->next)
		write_node(b, c);
	buf_addf(b, "</%s>", n->name);
}

static void same_tree(const struct xml_node *a, const struct xml_node *b)
{
	REQUIRE(!strcmp(a->name, b->name));
	REQUIRE(!strcmp(a->text, b->text));
	const struct xml_node *x = a->first, *y = b->first;
	for (; x && y; x = x->next, y = y->next)
		same_tree(x, y);
	REQUIRE(!x && !y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = ERR_INIT;
	struct xml_node *doc = xml_parse((const char *)data, size, &e);
	if (!doc) {
		REQUIRE(e.kind == ERR_DATA || e.kind == ERR_INTERNAL);
		REQUIRE(e.msg[0]);
	} else {
		int plain = check_node(doc, NULL, 1);
		check_path(doc);
		if (plain) {
			struct buf out = BUF_INIT;
			struct err e2 = ERR_INIT;
			write_node(&out, doc);
			struct xml_node *again = xml_parse(buf_cstr(&out), out.len, &e2);
			REQUIRE(again);
			same_tree(doc, again);
			xml_free(again);
			buf_release(&out);
		}
		xml_free(doc);
	}

	struct err qe = ERR_INIT;
	if (awsquery_parse_error((const char *)data, size, &qe) == 0) {
		REQUIRE(qe.type[0]);
		REQUIRE(qe.msg[0]);
	}
	REQUIRE(memchr(qe.type, '\0', sizeof(qe.type)) && memchr(qe.msg, '\0', sizeof(qe.msg)));
	return 0;
}
