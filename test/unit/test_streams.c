/* test_streams.c — lib/dynamo/streams.c pieces that need no server: sequence numbers, epoch seconds, the handler
 * command splitter, the handler environment, running a handler, plain records. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "dynamo/streams.h"
#include "unit.h"

static void test_seq_cmp(void)
{
	CHECK_INTEQ(stream_seq_cmp("000000000000000000001", "000000000000000000002"), -1);
	CHECK_INTEQ(stream_seq_cmp("000000000000000000010", "9"), 1);
	CHECK_INTEQ(stream_seq_cmp("0042", "42"), 0);
	CHECK_INTEQ(stream_seq_cmp("0", "000"), 0);
	CHECK_INTEQ(stream_seq_cmp("100000000000000000000000000001", "99999999999999999999999999999"), 1);
	CHECK_INTEQ(stream_seq_cmp("49590338271490256608559692538361571095921575989136588898",
	                           "49590338271490256608559692538361571095921575989136588899"), -1);
}

static void test_epoch(void)
{
	char out[64];
	CHECK(stream_epoch_seconds("1795270920.000", out, sizeof(out)) == 0);
	CHECK_STREQ(out, "1795270920");
	CHECK(stream_epoch_seconds("1.7E9", out, sizeof(out)) == 0);
	CHECK_STREQ(out, "1700000000");
	CHECK(stream_epoch_seconds("1479499740", out, sizeof(out)) == 0);
	CHECK_STREQ(out, "1479499740");
	CHECK(stream_epoch_seconds("1479499740.999", out, sizeof(out)) == 0);
	CHECK_STREQ(out, "1479499740");
	CHECK(stream_epoch_seconds("0.5", out, sizeof(out)) == 0);
	CHECK_STREQ(out, "0");
	CHECK(stream_epoch_seconds("abc", out, sizeof(out)) == -1);
	CHECK(stream_epoch_seconds("1", out, 8) == -1);   /* too small a buffer is refused */
}

static void check_split(const char *line, const char *const *want)
{
	char **argv = NULL;
	struct err e = ERR_INIT;
	int rc = stream_split_command(line, &argv, &e);
	CHECK_MSG(rc == 0, "split '%s': %s", line, e.msg);
	if (rc)
		return;
	size_t i = 0;
	for (; want[i]; i++) {
		CHECK_MSG(argv[i] != NULL, "split '%s': word %zu missing", line, i);
		if (!argv[i])
			break;
		CHECK_STREQ(argv[i], want[i]);
	}
	CHECK_MSG(argv[i] == NULL, "split '%s': extra word '%s'", line, argv[i] ? argv[i] : "");
	stream_argv_free(argv);
}

static void test_split(void)
{
	check_split("handler.sh", (const char *const[]){ "handler.sh", NULL });
	check_split("  python3   h.py\t--x  ", (const char *const[]){ "python3", "h.py", "--x", NULL });
	check_split("a 'b c' \"d e\"", (const char *const[]){ "a", "b c", "d e", NULL });
	check_split("a 'it''s' x\\ y", (const char *const[]){ "a", "its", "x y", NULL });
	check_split("\"q\\\"uote\\\\ \\$HOME \\n\"", (const char *const[]){ "q\"uote\\ $HOME \\n", NULL });
	/* Nothing a shell would do: no expansion, no operators. */
	check_split("sh $(rm -rf x) ; `id` | *.c ~ $HOME",
	            (const char *const[]){ "sh", "$(rm", "-rf", "x)", ";", "`id`", "|", "*.c", "~", "$HOME", NULL });
	check_split("''", (const char *const[]){ "", NULL });

	char **argv = NULL;
	struct err e = ERR_INIT;
	CHECK(stream_split_command("a 'b", &argv, &e) == -1 && e.kind == ERR_USAGE && !argv);
	CHECK(strstr(e.msg, "unterminated quote") != NULL);
	err_clear(&e);
	CHECK(stream_split_command("a \"b", &argv, &e) == -1 && e.kind == ERR_USAGE);
	err_clear(&e);
	CHECK(stream_split_command("   ", &argv, &e) == -1 && e.kind == ERR_USAGE);
	CHECK(strstr(e.msg, "empty") != NULL);
}

static const char *env_get(char **env, const char *name)
{
	size_t n = strlen(name);
	for (; *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static void test_env(void)
{
	setenv("DDB_UNIT_KEEP", "mine", 1);
	setenv("DDB_UNIT_FORCE", "old", 1);
	const char *force[] = { "DDB_UNIT_FORCE=new", "DDB_UNIT_ADDED=1", NULL };
	const char *dflt[] = { "DDB_UNIT_KEEP=default", "DDB_UNIT_DEFAULT=d", NULL };
	char **env = stream_env(force, dflt);
	CHECK_STREQ(env_get(env, "DDB_UNIT_FORCE"), "new");
	CHECK_STREQ(env_get(env, "DDB_UNIT_ADDED"), "1");
	CHECK_STREQ(env_get(env, "DDB_UNIT_KEEP"), "mine");
	CHECK_STREQ(env_get(env, "DDB_UNIT_DEFAULT"), "d");
	size_t forced = 0;
	for (char **p = env; *p; p++)
		forced += !strncmp(*p, "DDB_UNIT_FORCE=", 15);
	CHECK_INTEQ(forced, 1);
	stream_argv_free(env);
	env = stream_env(NULL, NULL);
	CHECK_STREQ(env_get(env, "DDB_UNIT_KEEP"), "mine");
	stream_argv_free(env);
}

static void test_run(void)
{
	char tmpl[] = "/tmp/ddb_unit_streams_XXXXXX";
	int fd = mkstemp(tmpl);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	char script[512];
	snprintf(script, sizeof(script), "cat > '%s'; exit 3", tmpl);
	char *argv[] = { "sh", "-c", script, NULL };
	int status, signo;
	struct err e = ERR_INIT;
	const char *data = "{\"Records\":[]}";
	CHECK(stream_run_handler(argv, NULL, data, strlen(data), -1, -1, &status, &signo, &e) == 0);
	CHECK_INTEQ(status, 3);
	CHECK_INTEQ(signo, 0);
	FILE *f = fopen(tmpl, "r");
	char got[64] = "";
	if (f) {
		size_t n = fread(got, 1, sizeof(got) - 1, f);
		got[n] = '\0';
		fclose(f);
	}
	CHECK_STREQ(got, data);
	unlink(tmpl);

	/* A handler that reads nothing and exits at once, with more data than a pipe holds. */
	size_t big = 1 << 20;
	char *lots = malloc(big);
	memset(lots, 'x', big);
	char *quit[] = { "true", NULL };
	CHECK(stream_run_handler(quit, NULL, lots, big, -1, -1, &status, &signo, &e) == 0);
	CHECK_INTEQ(status, 0);
	free(lots);

	char *killed[] = { "sh", "-c", "kill -TERM $$", NULL };
	CHECK(stream_run_handler(killed, NULL, "", 0, -1, -1, &status, &signo, &e) == 0);
	CHECK_INTEQ(signo, 15);
	CHECK_INTEQ(status, 128 + 15);

	/* Its stdout and stderr go to the descriptors given (ctx->out's and ctx->err_out's in ddb). */
	FILE *o = tmpfile(), *x = tmpfile();
	CHECK(o && x);
	if (o && x) {
		char *talk[] = { "sh", "-c", "cat; echo to-err >&2", NULL };
		CHECK(stream_run_handler(talk, NULL, "to-out\n", 7, fileno(o), fileno(x), &status, &signo, &e) == 0);
		CHECK_INTEQ(status, 0);
		char got_o[32] = "", got_x[32] = "";
		rewind(o);
		rewind(x);
		got_o[fread(got_o, 1, sizeof(got_o) - 1, o)] = '\0';
		got_x[fread(got_x, 1, sizeof(got_x) - 1, x)] = '\0';
		CHECK_STREQ(got_o, "to-out\n");
		CHECK_STREQ(got_x, "to-err\n");
	}
	if (o)
		fclose(o);
	if (x)
		fclose(x);

	char *missing[] = { "/nonexistent/ddb-handler", NULL };
	CHECK(stream_run_handler(missing, NULL, "", 0, -1, -1, &status, &signo, &e) == -1);
	CHECK_INTEQ(e.kind, ERR_NOINPUT);
	CHECK(strstr(e.msg, "cannot run the handler '/nonexistent/ddb-handler'") != NULL);
}

static void test_plain(void)
{
	struct err e = ERR_INIT;
	const char *txt = "{\"eventID\":\"1\",\"dynamodb\":{\"ApproximateCreationDateTime\":1700000000,"
	                  "\"Keys\":{\"pk\":{\"S\":\"a\"}},\"NewImage\":{\"pk\":{\"S\":\"a\"},"
	                  "\"n\":{\"N\":\"12345678901234567890.123456789\"}},\"SequenceNumber\":\"1\"}}";
	cJSON *rec = json_parse_exact(txt, strlen(txt), &e);
	CHECK(rec != NULL);
	if (!rec)
		return;
	CHECK(stream_record_plain(rec, &e) == 0);
	char *out = json_print_compact(rec);
	CHECK_STREQ(out, "{\"eventID\":\"1\",\"dynamodb\":{\"ApproximateCreationDateTime\":1700000000,"
	                 "\"Keys\":{\"pk\":\"a\"},\"NewImage\":{\"pk\":\"a\",\"n\":12345678901234567890.123456789},"
	                 "\"SequenceNumber\":\"1\"}}");
	free(out);
	cJSON_Delete(rec);

	const char *bad = "{\"eventID\":\"2\",\"dynamodb\":{\"OldImage\":{\"n\":{\"N\":\"x\"}}}}";
	rec = json_parse_exact(bad, strlen(bad), &e);
	CHECK(stream_record_plain(rec, &e) == -1);
	CHECK(strstr(e.msg, "record 2: OldImage") != NULL);
	cJSON_Delete(rec);
}

int main(void)
{
	test_seq_cmp();
	test_epoch();
	test_split();
	test_env();
	test_run();
	test_plain();
	return unit_done();
}
