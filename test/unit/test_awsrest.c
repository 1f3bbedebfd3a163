/* test_awsrest.c — the REST-JSON protocol's pieces: paths from templates with URI-encoded labels, query strings,
 * the signer's double encoding of such a path, Lambda's errors, and the lambda service's endpoints. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "aws/awsrest.h"
#include "base/buf.h"
#include "aws/ctx.h"
#include "aws/sigv4.h"
#include "unit.h"

#define ESM "/2015-03-31/event-source-mappings/{UUID}"

static void check_path(const char *tmpl, const char *name, const char *value, const char *want)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	const char *labels[] = { name, value, NULL };
	CHECK_INTEQ(awsrest_path(&b, tmpl, labels, &e), 0);
	CHECK_STREQ(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_paths(void)
{
	check_path(ESM, "UUID", "6f1a-22", "/2015-03-31/event-source-mappings/6f1a-22");
	/* every byte but the unreserved ones is encoded, '/' too (a label is one segment), uppercase hex */
	check_path(ESM, "UUID", "a/b c", "/2015-03-31/event-source-mappings/a%2Fb%20c");
	check_path(ESM, "UUID", "x+y=z&q?#%", "/2015-03-31/event-source-mappings/x%2By%3Dz%26q%3F%23%25");
	check_path(ESM, "UUID", "A-Z_a.z~0", "/2015-03-31/event-source-mappings/A-Z_a.z~0");
	check_path(ESM, "UUID", "\xc3\xa9", "/2015-03-31/event-source-mappings/%C3%A9");
	check_path(ESM, "UUID", "..", "/2015-03-31/event-source-mappings/..");
	/* a greedy label keeps its slashes */
	check_path("/b/{Key+}", "Key", "dir/sub dir/f", "/b/dir/sub%20dir/f");
	/* no labels at all */
	check_path("/2015-03-31/event-source-mappings", "UUID", "unused", "/2015-03-31/event-source-mappings");

	/* a caller's bug: a label without a value, an empty value, an unclosed brace */
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	const char *none[] = { NULL };
	const char *empty[] = { "UUID", "", NULL };
	CHECK_INTEQ(awsrest_path(&b, ESM, none, &e), -1);
	CHECK_INTEQ(e.kind, ERR_INTERNAL);
	CHECK(strstr(e.msg, "{UUID}") != NULL);
	err_clear(&e);
	CHECK_INTEQ(awsrest_path(&b, ESM, empty, &e), -1);
	err_clear(&e);
	CHECK_INTEQ(awsrest_path(&b, "/x/{UUID", empty, &e), -1);
	CHECK(strstr(e.msg, "unclosed") != NULL);
	buf_release(&b);
}

static void test_query(void)
{
	struct buf q = BUF_INIT;
	awsrest_query_add(&q, "EventSourceArn",
	                  "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000");
	awsrest_query_add(&q, "Marker", "a+b/c= d");
	CHECK_STREQ(buf_cstr(&q), "EventSourceArn=arn%3Aaws%3Adynamodb%3Aus-east-1%3A123456789012%3Atable%2Ft%2Fstream%2F"
	                          "2024-01-01T00%3A00%3A00.000&Marker=a%2Bb%2Fc%3D%20d");
	buf_release(&q);
}

/* The signer encodes the wire path once more (every service but S3): a label's %2F signs as %252F. */
static void test_signed_path(void)
{
	struct sigv4_header h[] = { { "Host", "lambda.us-east-1.amazonaws.com" } };
	struct sigv4_request r = { "DELETE", "/2015-03-31/event-source-mappings/a%2Fb%20c", "Marker=a%2Bb", h, 1, "", 0 };
	struct sigv4_credentials c = { "AKIDEXAMPLE", "secret", NULL };
	struct sigv4_config cfg = { "us-east-1", "lambda", 1700000000, 0, 0 };
	struct sigv4_signed s;
	struct err e = ERR_INIT;
	CHECK_INTEQ(sigv4_sign(&r, &c, &cfg, NULL, &s, &e), 0);
	CHECK(!strncmp(s.canonical_request, "DELETE\n/2015-03-31/event-source-mappings/a%252Fb%2520c\nMarker=a%2Bb\n",
	               strlen("DELETE\n/2015-03-31/event-source-mappings/a%252Fb%2520c\nMarker=a%2Bb\n")));
	CHECK(strstr(s.credential_scope, "/us-east-1/lambda/aws4_request") != NULL);
	sigv4_signed_release(&s);
}

/* Lambda's errors: the code in x-amzn-ErrorType, {"Type": "User", "message": ...} in the body. */
static void test_errors(void)
{
	struct err e = ERR_INIT;
	const char body[] = "{\"Type\":\"User\",\"message\":\"The resource you requested does not exist.\"}";
	CHECK_INTEQ(aws_parse_json_error(body, strlen(body), "ResourceNotFoundException", &e), 1);
	CHECK_STREQ(e.type, "ResourceNotFoundException");
	CHECK_STREQ(e.msg, "The resource you requested does not exist.");
	CHECK_INTEQ(aws_classify_error(404, e.type, &e), 0);
	CHECK_INTEQ(e.kind, ERR_SERVICE);
	err_clear(&e);
	CHECK_INTEQ(aws_parse_json_error(body, strlen(body), "InvalidSignatureException:http://internal", &e), 1);
	CHECK_STREQ(e.type, "InvalidSignatureException");
	CHECK_INTEQ(aws_classify_error(403, e.type, &e), 0);
	CHECK_INTEQ(e.kind, ERR_DENIED);
	err_clear(&e);
	CHECK_INTEQ(aws_classify_error(429, "TooManyRequestsException", &e), 1);
	CHECK_INTEQ(e.kind, ERR_TEMPFAIL);
}

static void test_endpoints(void)
{
	struct ctx ctx;
	struct err e = ERR_INIT;
	char *url = NULL;
	FILE *devnull = fopen("/dev/null", "w");
	ctx_init(&ctx, devnull, devnull);
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_LAMBDA");
	unsetenv("DDB_LOCAL_ENDPOINT");
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	CHECK_STREQ(aws_lambda.signing_name, "lambda");
	CHECK_INTEQ(aws_lambda.protocol, AWS_REST_JSON);
	/* local mode: no engine of its own, so an endpoint must be given (78) */
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_lambda, &url, &e), -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	CHECK(strstr(e.msg, "AWS_ENDPOINT_URL_LAMBDA") != NULL);
	err_clear(&e);
	setenv("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9001", 1);
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_lambda, &url, &e), 0);
	CHECK_STREQ(url, "http://127.0.0.1:9001");
	free(url);
	unsetenv("AWS_ENDPOINT_URL_LAMBDA");
	ctx.prod = 1;
	free(ctx.region);
	ctx.region = xstrdup("eu-west-1");
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_lambda, &url, &e), 0);
	CHECK_STREQ(url, "https://lambda.eu-west-1.amazonaws.com");
	free(url);
	ctx_release(&ctx);
	fclose(devnull);
}

int main(void)
{
	test_paths();
	test_query();
	test_signed_path();
	test_errors();
	test_endpoints();
	return unit_done();
}
