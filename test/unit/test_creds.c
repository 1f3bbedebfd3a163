/* test_creds.c — credential helpers (lib/creds*.c): ISO-8601 expirations, the credential_process word splitter,
 * JSON credential documents, the STS endpoint rules, and the cache's refresh before expiry on a fixed clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "aws/aws.h"
#include "aws/config.h"
#include "aws/creds.h"
#include "aws/ctx.h"
#include "unit.h"

static void test_time(void)
{
	time_t t = 0;
	CHECK_INTEQ(creds_parse_time("2023-11-14T22:13:20Z", &t), 0);
	CHECK_INTEQ(t, 1700000000);
	CHECK_INTEQ(creds_parse_time("2023-11-14T22:13:20.123456Z", &t), 0);
	CHECK_INTEQ(t, 1700000000);
	CHECK_INTEQ(creds_parse_time("2023-11-15T00:13:20+02:00", &t), 0);
	CHECK_INTEQ(t, 1700000000);
	CHECK_INTEQ(creds_parse_time("2023-11-14T21:13:20-0100", &t), 0);
	CHECK_INTEQ(t, 1700000000);
	CHECK_INTEQ(creds_parse_time("2023-11-14T22:13:20UTC", &t), 0);
	CHECK_INTEQ(t, 1700000000);
	CHECK_INTEQ(creds_parse_time("2023-11-14 22:13:20", &t), 0);
	CHECK_INTEQ(t, 1700000000);
	CHECK_INTEQ(creds_parse_time("1970-01-01T00:00:00Z", &t), 0);
	CHECK_INTEQ(t, 0);
	CHECK_INTEQ(creds_parse_time("2024-02-29T12:00:00Z", &t), 0);
	CHECK_INTEQ(t, 1709208000);
	static const char *const bad[] = {
		"", "2023-11-14", "2023-11-14T22:13Z", "2023-13-14T22:13:20Z", "2023-11-14T24:00:00Z",
		"2023-11-14T22:13:20Zjunk", "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20+2", "yesterday",
		"2023-11-14X22:13:20Z", NULL,
	};
	for (int i = 0; bad[i]; i++)
		CHECK_MSG(creds_parse_time(bad[i], &t) == -1, "'%s' should not parse", bad[i]);
	CHECK_INTEQ(creds_parse_time(NULL, &t), -1);
}

static void split_is(const char *cmd, const char *const *want)
{
	char **argv = NULL;
	int argc = 0, n = 0;
	struct err e = ERR_INIT;
	CHECK_MSG(creds_split_command(cmd, &argv, &argc, &e) == 0, "split '%s': %s", cmd, e.msg);
	while (want[n])
		n++;
	CHECK_INTEQ(argc, n);
	for (int i = 0; i < n && i < argc; i++)
		CHECK_STREQ(argv[i], want[i]);
	if (argv)
		CHECK(argv[argc] == NULL);
	creds_argv_free(argv);
}

static void split_fails(const char *cmd, const char *msg)
{
	char **argv = NULL;
	int argc = 0;
	struct err e = ERR_INIT;
	CHECK_INTEQ(creds_split_command(cmd, &argv, &argc, &e), -1);
	CHECK(argv == NULL && argc == 0);
	CHECK_STREQ(e.msg, msg);
}

static void test_split(void)
{
	split_is("helper", (const char *const[]){ "helper", NULL });
	split_is("  /usr/bin/aws-vault   exec  prod --json ",
	         (const char *const[]){ "/usr/bin/aws-vault", "exec", "prod", "--json", NULL });
	split_is("a 'b c' \"d e\"", (const char *const[]){ "a", "b c", "d e", NULL });
	split_is("x 'it''s' \"q\\\"uote\" back\\ slash", (const char *const[]){ "x", "its", "q\"uote", "back slash", NULL });
	split_is("a ; b | c $(d) `e` $HOME", (const char *const[]){ "a", ";", "b", "|", "c", "$(d)", "`e`", "$HOME", NULL });
	split_is("'' \"\" x", (const char *const[]){ "", "", "x", NULL });
	split_is("\"a\\\\b\\$c\\n\"", (const char *const[]){ "a\\b$c\\n", NULL });
	split_is("'a\\b'", (const char *const[]){ "a\\b", NULL });
	split_is("a\tb\nc", (const char *const[]){ "a", "b", "c", NULL });
	split_is("pre'mid'post", (const char *const[]){ "premidpost", NULL });
	split_fails("a 'b", "unbalanced single quote");
	split_fails("a \"b", "unbalanced double quote");
	split_fails("a \\", "a backslash ends the command");
	split_fails("   ", "the command is empty");
	split_fails("", "the command is empty");
}

static void test_json(void)
{
	struct creds c;
	struct err e = ERR_INIT;
	memset(&c, 0, sizeof(c));
	cJSON *j = cJSON_Parse("{\"accessKeyId\":\"A\",\"secretAccessKey\":\"S\",\"sessionToken\":\"T\","
	                       "\"expiration\":1700000000000}");
	CHECK_INTEQ(creds_from_json(j, "accessKeyId", "secretAccessKey", "sessionToken", "expiration", "sso", &c, &e), 0);
	CHECK_STREQ(c.access_key_id, "A");
	CHECK_STREQ(c.secret_access_key, "S");
	CHECK_STREQ(c.session_token, "T");
	CHECK_INTEQ(c.expiration, 1700000000);
	creds_release(&c);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"Expiration\":\"soon\"}");
	CHECK_INTEQ(creds_from_json(j, "AccessKeyId", "SecretAccessKey", "Token", "Expiration", "x", &c, &e), -1);
	CHECK_STREQ(e.msg, "x: Expiration 'soon' is not an ISO-8601 time");
	creds_release(&c);
	cJSON_Delete(j);

	j = cJSON_Parse("{\"AccessKeyId\":\"A\"}");
	CHECK_INTEQ(creds_from_json(j, "AccessKeyId", "SecretAccessKey", NULL, NULL, "x", &c, &e), -1);
	CHECK_STREQ(e.msg, "x: no SecretAccessKey in the response");
	CHECK_INTEQ(e.kind, ERR_DATA);
	creds_release(&c);
	cJSON_Delete(j);
	CHECK_INTEQ(creds_from_json(NULL, "AccessKeyId", "SecretAccessKey", NULL, NULL, "x", &c, &e), -1);
	creds_release(&c);
}

static time_t fake_now;
static time_t fake_clock(void)
{
	return fake_now;
}

static void sts_url_is(struct ctx *ctx, const char *want)
{
	char *url = NULL;
	struct err e = ERR_INIT;
	CHECK_MSG(aws_endpoint(ctx, &aws_sts, &url, &e) == 0, "aws_endpoint: %s", e.msg);
	CHECK_STREQ(url, want);
	free(url);
}

static void test_sts_endpoint(void)
{
	struct ctx ctx;
	struct err e = ERR_INIT;
	ctx_init(&ctx, stdout, stderr);
	ctx.prod = 1;
	ctx.endpoint_url = "http://127.0.0.1:9";    /* --endpoint-url is DynamoDB's, never STS's */
	setenv("AWS_REGION", "eu-west-1", 1);
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	sts_url_is(&ctx, "https://sts.eu-west-1.amazonaws.com");
	setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy", 1);
	sts_url_is(&ctx, "https://sts.amazonaws.com");
	CHECK(aws_sts_legacy_global(&ctx));
	setenv("AWS_REGION", "ap-east-1", 1);         /* never had the global endpoint */
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	sts_url_is(&ctx, "https://sts.ap-east-1.amazonaws.com");
	setenv("AWS_STS_REGIONAL_ENDPOINTS", "regional", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	sts_url_is(&ctx, "https://sts.us-east-1.amazonaws.com");
	setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4566", 1);
	sts_url_is(&ctx, "http://127.0.0.1:4566");
	setenv("AWS_ENDPOINT_URL_STS", "http://sts.example.com", 1);   /* plain http off loopback: refused in prod */
	char *url = NULL;
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_sts, &url, &e), -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	free(url);
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_STS_REGIONAL_ENDPOINTS");
	/* DynamoDB still follows --endpoint-url */
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_dynamodb, &url, &e), 0);
	CHECK_STREQ(url, "http://127.0.0.1:9");
	free(url);
	ctx_release(&ctx);
}

/* The cache: env credentials with AWS_CREDENTIAL_EXPIRATION, a fixed clock that the test moves. */
static void test_cache_refresh(void)
{
	struct ctx ctx;
	struct creds c;
	struct err e = ERR_INIT;
	ctx_init(&ctx, stdout, stderr);
	ctx.prod = 1;
	ctx.now = fake_clock;
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	setenv("AWS_ACCESS_KEY_ID", "AKIAONE", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "s1", 1);
	setenv("AWS_SESSION_TOKEN", "t1", 1);
	setenv("AWS_CREDENTIAL_EXPIRATION", "2023-11-14T23:13:20Z", 1);   /* 1700003600 */
	fake_now = 1700000000;
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	CHECK_STREQ(c.access_key_id, "AKIAONE");
	CHECK_INTEQ(c.expiration, 1700003600);
	CHECK_STREQ(c.provider, "env");
	creds_release(&c);
	setenv("AWS_ACCESS_KEY_ID", "AKIATWO", 1);
	fake_now = 1700003600 - CREDS_REFRESH_MARGIN - 1;                 /* still comfortably valid: cached */
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	CHECK_STREQ(c.access_key_id, "AKIAONE");
	CHECK_INTEQ(ctx.creds->resolutions, 1);
	creds_release(&c);
	fake_now = 1700003600 - CREDS_REFRESH_MARGIN;                     /* inside the margin: resolved again */
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	CHECK_STREQ(c.access_key_id, "AKIATWO");
	CHECK_INTEQ(ctx.creds->resolutions, 2);
	creds_release(&c);
	/* a refresh that fails keeps still-valid credentials, then fails once they have expired */
	setenv("AWS_CREDENTIAL_EXPIRATION", "2023-11-14T23:13:20Z", 1);
	creds_invalidate(&ctx);
	fake_now = 1700000000;
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	creds_release(&c);
	unsetenv("AWS_ACCESS_KEY_ID");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	fake_now = 1700003600 - 10;
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	CHECK_STREQ(c.access_key_id, "AKIATWO");
	creds_release(&c);
	fake_now = 1700003600;
	CHECK_INTEQ(creds_get(&ctx, &c, &e), -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	/* credentials without an expiry are never refreshed */
	setenv("AWS_ACCESS_KEY_ID", "AKIASTATIC", 1);
	unsetenv("AWS_CREDENTIAL_EXPIRATION");
	unsetenv("AWS_SESSION_TOKEN");
	err_clear(&e);
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	creds_release(&c);
	int n = ctx.creds->resolutions;
	fake_now += 10L * 365 * 86400;
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	CHECK_STREQ(c.access_key_id, "AKIASTATIC");
	CHECK(c.session_token == NULL);
	CHECK_INTEQ(ctx.creds->resolutions, n);
	creds_release(&c);
	ctx_release(&ctx);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
}

/* The cache belongs to one profile and one mode: a REPL line with another --profile, or --prod after local mode, must
 * not be signed with the credentials resolved for the previous line. */
static void test_cache_key(void)
{
	struct ctx ctx;
	struct creds c;
	struct err e = ERR_INIT;
	char dir[] = "/tmp/ddb-test-creds-XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/credentials", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fputs("[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = s\n"
	      "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s\n", f);
	fclose(f);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	ctx_init(&ctx, stdout, stderr);
	ctx.now = fake_clock;
	fake_now = 1700000000;
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);                         /* local mode */
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	CHECK_STREQ(c.access_key_id, "AKIADEF");
	creds_release(&c);
	ctx.profile_opt = "dev";                                         /* a line with --profile dev */
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	CHECK_STREQ(c.access_key_id, "AKIADEV");
	CHECK_INTEQ(ctx.creds->resolutions, 2);
	creds_release(&c);
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);                         /* the same line again: cached */
	CHECK_INTEQ(ctx.creds->resolutions, 2);
	creds_release(&c);
	ctx.profile_opt = NULL;                                          /* back to the default profile */
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	CHECK_STREQ(c.access_key_id, "AKIADEF");
	creds_release(&c);
	ctx_release(&ctx);
	/* local dummy credentials are never used in prod */
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	ctx_init(&ctx, stdout, stderr);
	ctx.now = fake_clock;
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	CHECK_INTEQ(creds_get(&ctx, &c, &e), 0);
	CHECK_STREQ(c.provider, "local-dummy");
	creds_release(&c);
	ctx.prod = 1;
	setenv("AWS_REGION", "eu-west-1", 1);
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	CHECK_INTEQ(creds_get(&ctx, &c, &e), -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	ctx_release(&ctx);
	unsetenv("AWS_REGION");
	unlink(path);
	rmdir(dir);
}

/* A NUL in credential JSON: a NUL byte or a \u0000 escape inside a string; an escaped backslash before u0000 is text. */
static void test_json_nul(void)
{
	static const char nulbyte[] = "{\"k\":\"a\0b\"}";
	CHECK(creds_json_has_nul(nulbyte, sizeof(nulbyte) - 1) == 1);
	CHECK(creds_json_has_nul("{\"k\":\"a\\u0000b\"}", 15) == 1);
	CHECK(creds_json_has_nul("{\"k\":\"a\\\\u0000b\"}", 16) == 0);   /* "a\\u0000b": a backslash, then text */
	CHECK(creds_json_has_nul("{\"k\":\"\\\"\\u0000\"}", 16) == 1);  /* an escaped quote does not end the string */
	CHECK(creds_json_has_nul("{\"k\":\"a\\u00000\"}", 15) == 1);
	CHECK(creds_json_has_nul("{\"k\":\"a\\u0001\"}", 14) == 0);
	CHECK(creds_json_has_nul("{\"k\":\"a\\u000", 12) == 0);   /* truncated: cJSON refuses it anyway */
}

int main(void)
{
	test_json_nul();
	/* no real files or endpoints: an empty HOME, nothing configured */
	setenv("HOME", "/nonexistent-ddb-home", 1);
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_STS");
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	unsetenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	test_time();
	test_split();
	test_json();
	test_sts_endpoint();
	test_cache_refresh();
	test_cache_key();
	return unit_done();
}
