/* fuzz_partiql.c — libFuzzer target for lib/partiql's namespace rewriter (and --params).
 *
 * The input is a PartiQL statement (any bytes).  What must hold (a failed check aborts, which libFuzzer reports):
 *   - no crash, no leak, no sanitizer report, whatever the bytes;
 *   - with an empty namespace the statement comes back byte for byte;
 *   - with a namespace, either a refusal (ERR_USAGE, nothing written) or a statement of the same kind whose table
 *     name is the namespace plus the original name, and in which everything else is unchanged: rewriting the
 *     output again succeeds and gives the namespace twice (the rewritten name is found at the same place);
 *   - partiql_params on the same bytes gives an array of valid typed values, or an error.
 * Seeds: test/fuzz/corpus/fuzz_partiql/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dynamo/item.h"
#include "base/json.h"
#include "dynamo/partiql.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct buf out = BUF_INIT, again = BUF_INIT;
	struct err e = ERR_INIT;
	char *t1 = NULL, *t2 = NULL;

	REQUIRE(partiql_namespace(s, size, "", &out, &t1, &e) == 0);
	REQUIRE(out.len == size && (!size || !memcmp(out.ptr, s, size)) && !t1);
	buf_release(&out);

	if (partiql_namespace(s, size, "ns_", &out, &t1, &e) < 0) {
		REQUIRE(e.kind == ERR_USAGE && !t1);
	} else {
		REQUIRE(t1 && !strncmp(t1, "ns_", 3));
		REQUIRE(partiql_kind(out.ptr, out.len) == partiql_kind(s, size));
		REQUIRE(partiql_kind(s, size) != PARTIQL_OTHER);
		REQUIRE(out.len > size);
		struct err e2 = ERR_INIT;
		if (partiql_namespace(out.ptr, out.len, "ns_", &again, &t2, &e2) == 0) {
			REQUIRE(t2 && !strncmp(t2, "ns_", 3) && !strcmp(t2 + 3, t1));
		} else {
			/* only a name grown past DynamoDB's 255 bytes may be refused the second time */
			REQUIRE(e2.kind == ERR_USAGE && strlen(t1) + 3 > 255);
		}
	}
	free(t1);
	free(t2);
	buf_release(&out);
	buf_release(&again);

	/* --params: the same bytes as JSON (NUL-terminated copy) */
	char *z = malloc(size + 1);
	REQUIRE(z);
	memcpy(z, data, size);
	z[size] = '\0';
	err_clear(&e);
	cJSON *p = partiql_params(z, &e);
	if (p) {
		REQUIRE(cJSON_IsArray(p) && p->child);
		const cJSON *v;
		cJSON_ArrayForEach(v, p) {
			struct err ve = ERR_INIT;
			REQUIRE(item_validate_value(v, NULL, &ve) == 0);
		}
		cJSON_Delete(p);
	} else {
		REQUIRE(e.kind == ERR_USAGE || e.kind == ERR_DATA);
	}
	free(z);
	return 0;
}
