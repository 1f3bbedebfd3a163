/* test_core.c — option tables, redaction, error mapping, buffers, endpoints. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "cli/cmd.h"
#include "aws/ctx.h"
#include "base/err.h"
#include "cli/opt.h"
#include "cli/render.h"
#include "aws/trace.h"
#include "unit.h"
#include "base/xml.h"


struct targs {
	int flag;
	const char *name;
	long n;
	struct strlist tags;
	const char *pair[2];
	double secs;
	const char *mode;
};

static const char *const modes[] = { "a", "b", NULL };
static const struct opt topts[] = {
	OPT_F_BOOL('f', "flag", struct targs, flag, "a flag"),
	OPT_F_STR('n', "name", struct targs, name, "NAME", "a name"),
	OPT_F_INT(0, "count", struct targs, n, "N", "a count", 1, 10),
	OPT_F_LIST(0, "tag", struct targs, tags, "K=V", "tags"),
	OPT_F_PAIR(0, "between", struct targs, pair, "A B", "a range"),
	OPT_F_DOUBLE(0, "secs", struct targs, secs, "SEC", "seconds"),
	OPT_F_CHOICE(0, "mode", struct targs, mode, "MODE", "a mode", modes),
	OPT_F_END,
};
static const struct cmd tcmd = { "t", NULL, 0, "test", "ddb t", topts, NULL, NULL };

static int parse(struct ctx *ctx, struct targs *a, struct err *e, int *npos, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	memset(a, 0, sizeof(*a));
	err_clear(e);
	return opt_parse(ctx, tcmd.opts, argc, argv, a, npos, e);
}

static void test_opts(void)
{
	struct ctx ctx;
	struct targs a;
	struct err e;
	int npos;
	FILE *devnull = fopen("/dev/null", "w");
	ctx_init(&ctx, devnull, devnull);

	char *v1[] = { "t", "x", "--flag", "-n", "bob", "--count=3", "--tag", "a=1", "--tag", "b=2", "y",
	               "--between", "1", "9", "--secs", "1.5", "--mode", "b", "--prod", "--region", "eu-west-1", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v1), 0);
	CHECK_INTEQ(npos, 2);
	CHECK_STREQ(v1[1], "x");
	CHECK_STREQ(v1[2], "y");
	CHECK(v1[3] == NULL);
	CHECK_INTEQ(a.flag, 1);
	CHECK_STREQ(a.name, "bob");
	CHECK_INTEQ(a.n, 3);
	CHECK_INTEQ(a.tags.n, 2);
	CHECK_STREQ(a.tags.v[1], "b=2");
	CHECK_STREQ(a.pair[0], "1");
	CHECK_STREQ(a.pair[1], "9");
	CHECK(a.secs == 1.5);
	CHECK_STREQ(a.mode, "b");
	CHECK_INTEQ(ctx.prod, 1);
	CHECK_STREQ(ctx.region_opt, "eu-west-1");
	strlist_release(&a.tags);

	char *v2[] = { "t", "--count", "11", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v2), -1);
	CHECK_INTEQ(e.kind, ERR_USAGE);
	CHECK_STREQ(e.msg, "option '--count': 11 is out of range (1..10)");
	char *v3[] = { "t", "--count", "3x", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v3), -1);
	CHECK_STREQ(e.msg, "option '--count': '3x' is not a whole number");
	char *v4[] = { "t", "--nmae", "x", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v4), -1);
	CHECK_STREQ(e.msg, "unknown option '--nmae' (did you mean '--name'?)");
	char *v5[] = { "t", "--name", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v5), -1);
	CHECK_STREQ(e.msg, "option '--name' needs a value (NAME)");
	char *v6[] = { "t", "--flag=1", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v6), -1);
	CHECK_STREQ(e.msg, "option '--flag' takes no value");
	char *v7[] = { "t", "--mode", "c", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v7), -1);
	CHECK_STREQ(e.msg, "option '--mode': 'c' is not one of: a, b");
	char *v8[] = { "t", "--between", "1", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v8), -1);
	char *v9[] = { "t", "--", "--flag", "-", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v9), 0);
	CHECK_INTEQ(npos, 2);
	CHECK_STREQ(v9[1], "--flag");
	CHECK_STREQ(v9[2], "-");
	CHECK_INTEQ(a.flag, 0);
	char *v10[] = { "t", "--fla", NULL };   /* no abbreviations */
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v10), -1);
	char *v11[] = { "t", "-fn", NULL };      /* no bundling */
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v11), -1);
	char *v12[] = { "t", "--secs", "-1", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v12), -1);
	ctx.help = 0;
	char *v13[] = { "t", "--help", NULL };
	CHECK_INTEQ(parse(&ctx, &a, &e, &npos, v13), 1);
	CHECK_INTEQ(edit_distance("list-table", "list-tables"), 1);
	CHECK_INTEQ(edit_distance("", "abc"), 3);
	CHECK_INTEQ(edit_distance("TableName", "tablename"), 2);
	CHECK_INTEQ(edit_distance_nocase("TableName", "tablename"), 0);
	CHECK_INTEQ(edit_distance_nocase("Tablenam", "TABLENAMES"), 2);
	char long65[66];
	memset(long65, 'a', 65);
	long65[65] = '\0';
	CHECK(edit_distance_nocase(long65, "a") == (size_t)-1);
	CHECK(edit_distance(long65 + 1, long65 + 2) == 1);
	ctx_release(&ctx);
	fclose(devnull);
}

static void redact(const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	trace_redact(&b, in, strlen(in));
	CHECK_STREQ(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_redaction(void)
{
	redact("{\"AccessKeyId\":\"ASIA1\",\"SecretAccessKey\":\"abc/def+g\",\"SessionToken\":\"tok\"}",
	       "{\"AccessKeyId\":\"*SIA1\",\"SecretAccessKey\":\"<redacted>\",\"SessionToken\":\"<redacted>\"}");
	/* access key ids are masked to their last four characters (at most 16 stars), as whoami shows them */
	redact("{\"AccessKeyId\":\"ASIAIOSFODNN7EXAMPLE\"}", "{\"AccessKeyId\":\"****************MPLE\"}");
	redact("<AccessKeyId>ASIAXYZ12345</AccessKeyId>", "<AccessKeyId>********2345</AccessKeyId>");
	redact("{\"accessKeyId\":\"AKIAB\"}", "{\"accessKeyId\":\"*KIAB\"}");
	redact("?X-Amz-Credential=AKIAABCDEFGH%2F20240101%2Fus-east-1", "?X-Amz-Credential=********EFGH%2F20240101%2Fus-east-1");
	redact("aws_access_key_id = AKIAABCDEFGH\n", "aws_access_key_id = ********EFGH\n");
	redact("<Credentials><SecretAccessKey>xyz</SecretAccessKey><SessionToken>t==</SessionToken></Credentials>",
	       "<Credentials><SecretAccessKey><redacted></SecretAccessKey><SessionToken><redacted></SessionToken></Credentials>");
	redact("Action=AssumeRoleWithWebIdentity&WebIdentityToken=eyJ.abc.def&RoleArn=arn",
	       "Action=AssumeRoleWithWebIdentity&WebIdentityToken=<redacted>&RoleArn=arn");
	redact("{\"Password\" : \"hunter2\"}", "{\"Password\" : \"<redacted>\"}");
	redact("{\"message\":\"The security token included in the request is invalid\"}",
	       "{\"message\":\"The security token included in the request is invalid\"}");
	redact("{\"TableName\":\"Token\"}", "{\"TableName\":\"Token\"}");
	redact("{\"secret\":\"a\\\"b\",\"x\":1}", "{\"secret\":\"a\\\"b\",\"x\":1}");
	redact("{\"Token\":\"a\\\"b\",\"x\":1}", "{\"Token\":\"<redacted>\",\"x\":1}");

	struct buf b = BUF_INIT;
	trace_redact_header(&b, "Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/dynamodb/aws4_request, "
	                    "SignedHeaders=host;x-amz-date, Signature=0123456789abcdef");
	CHECK_STREQ(buf_cstr(&b), "AWS4-HMAC-SHA256 Credential=****/20240101/us-east-1/dynamodb/aws4_request, "
	            "SignedHeaders=host;x-amz-date, Signature=<redacted>");
	buf_reset(&b);
	trace_redact_header(&b, "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDLEAKCHECK7/20240101/x/y/aws4_request, "
	                    "SignedHeaders=host, Signature=0123");
	CHECK_STREQ(buf_cstr(&b), "AWS4-HMAC-SHA256 Credential=**********ECK7/20240101/x/y/aws4_request, "
	            "SignedHeaders=host, Signature=<redacted>");
	buf_reset(&b);
	trace_redact_header(&b, "X-Amz-Security-Token", "FwoGZXIvYXdzE");
	CHECK_STREQ(buf_cstr(&b), "<redacted>");
	buf_release(&b);
}

static void test_errors(void)
{
	struct err e = ERR_INIT;
	static const struct { enum err_kind k; int code; } map[] = {
		{ ERR_NONE, 0 }, { ERR_SERVICE, 1 }, { ERR_USAGE, 64 }, { ERR_DATA, 65 }, { ERR_NOINPUT, 66 },
		{ ERR_UNAVAILABLE, 69 }, { ERR_INTERNAL, 70 }, { ERR_IO, 74 }, { ERR_TEMPFAIL, 75 }, { ERR_DENIED, 77 },
		{ ERR_CONFIG, 78 }, { ERR_INTERRUPTED, 130 },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		e.kind = map[i].k;
		CHECK_INTEQ(err_exit_code(&e), map[i].code);
	}
	CHECK_INTEQ(err_set(&e, ERR_DATA, "line\nbreak\tand %d", 7), -1);
	CHECK_STREQ(e.msg, "line break and 7");
	err_prefix(&e, "file.json:%d", 3);
	CHECK_STREQ(e.msg, "file.json:3: line break and 7");
	char big[3000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err_set(&e, ERR_DATA, "%s", big);
	CHECK_INTEQ(strlen(e.msg), sizeof(e.msg) - 1);
	err_prefix(&e, "p");
	CHECK_INTEQ(strlen(e.msg), sizeof(e.msg) - 1);

	struct err c = ERR_INIT;
	CHECK_INTEQ(aws_classify_error(400, "ProvisionedThroughputExceededException", &c), 1);
	CHECK_INTEQ(c.kind, ERR_TEMPFAIL);
	CHECK_INTEQ(aws_classify_error(400, "ThrottlingException", &c), 1);
	CHECK_INTEQ(aws_classify_error(503, "RequestLimitExceeded", &c), 1);
	CHECK_INTEQ(aws_classify_error(500, "InternalServerError", &c), 1);
	CHECK_INTEQ(aws_classify_error(400, "ResourceNotFoundException", &c), 0);
	CHECK_INTEQ(c.kind, ERR_SERVICE);
	CHECK_INTEQ(aws_classify_error(400, "UnrecognizedClientException", &c), 0);
	CHECK_INTEQ(c.kind, ERR_DENIED);
	CHECK_INTEQ(aws_classify_error(401, "AuthFailure", &c), 0);
	CHECK_INTEQ(c.kind, ERR_DENIED);

	struct err x = ERR_INIT;
	const char *ec2 = "<?xml version=\"1.0\"?><Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>"
	                  "<Message>The vpc ID 'vpc-1' does not exist</Message></Error></Errors>"
	                  "<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>";
	CHECK_INTEQ(awsquery_parse_error(ec2, strlen(ec2), &x), 0);
	CHECK_STREQ(x.type, "InvalidVpcID.NotFound");
	CHECK_STREQ(x.msg, "The vpc ID 'vpc-1' does not exist");
	CHECK_STREQ(x.request_id, "ea966190-f9aa-478e-9ede-example");
	const char *sts = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
	                  "<Code>InvalidClientTokenId</Code><Message>bad</Message></Error><RequestId>r1</RequestId>"
	                  "</ErrorResponse>";
	err_clear(&x);
	CHECK_INTEQ(awsquery_parse_error(sts, strlen(sts), &x), 0);
	CHECK_STREQ(x.type, "InvalidClientTokenId");
	CHECK_STREQ(x.request_id, "r1");
	err_clear(&x);
	CHECK_INTEQ(awsquery_parse_error("<not xml", 8, &x), -1);
}

/* JSON protocol errors in every shape AWS sends (botocore parsers.py, Smithy's awsJson1_0/1_1 error rules) */
static void json_error(const char *body, const char *header, const char *type, const char *msg)
{
	struct err e = ERR_INIT;
	aws_parse_json_error(body, strlen(body), header, &e);
	CHECK_STREQ(e.type, type);
	CHECK_STREQ(e.msg, msg);
}

static void test_json_errors(void)
{
	json_error("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\",\"message\":\"gone\"}",
	           "", "ResourceNotFoundException", "gone");
	json_error("{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"bad\"}", NULL,
	           "ValidationException", "bad");
	json_error("{\"__type\":\"ValidationException\",\"Message\":\"capital\"}", NULL, "ValidationException", "capital");
	json_error("{\"__type\":\"ValidationException\",\"message\":null,\"Message\":\"second\"}", NULL,
	           "ValidationException", "second");
	/* a ':' suffix goes before the '#' prefix is looked for: a '#' in the suffix does not count */
	json_error("{\"__type\":\"aws.protocoltests#FooError:http://internal.amazon.com/coral/x/#frag\"}", NULL,
	           "FooError", "FooError");
	/* the x-amzn-ErrorType header wins over the body */
	json_error("{\"message\":\"hdr\"}", "ResourceNotFoundException:http://internal.amazon.com/coral/x/",
	           "ResourceNotFoundException", "hdr");
	json_error("{\"__type\":\"Other\",\"message\":\"hdr\"}", "ns#Picked", "Picked", "hdr");
	json_error("{\"code\":\"NotAuthorizedException\",\"message\":\"m\"}", NULL, "NotAuthorizedException", "m");
	json_error("{\"Code\":\"InvalidParameterException\"}", NULL, "InvalidParameterException",
	           "InvalidParameterException");
	json_error("{\"__type\":null,\"message\":7}", NULL, "", "");
	json_error("plain text", NULL, "", "");
	json_error("", "ThrottlingException", "ThrottlingException", "ThrottlingException");
	struct err e = ERR_INIT;
	CHECK_INTEQ(aws_parse_json_error("[1]", 3, NULL, &e), 0);
	CHECK_INTEQ(aws_parse_json_error("{}", 2, NULL, &e), 1);
}

static void test_buf(void)
{
	struct buf b;
	buf_init(&b, 10);
	CHECK_STREQ(buf_cstr(&b), "");
	CHECK_INTEQ(buf_adds(&b, "0123456789"), 0);
	CHECK_INTEQ(buf_addc(&b, 'x'), -1);   /* the cap holds */
	CHECK_INTEQ(b.len, 10);
	buf_reset(&b);
	CHECK_INTEQ(buf_addf(&b, "%d-%s", 42, "ab"), 0);
	CHECK_STREQ(buf_cstr(&b), "42-ab");
	size_t n;
	char *p = buf_detach(&b, &n);
	CHECK_STREQ(p, "42-ab");
	CHECK_INTEQ(n, 5);
	free(p);
	CHECK(b.ptr == NULL);
	char *s = xasprintf("%s/%s", "a", "b");
	CHECK_STREQ(s, "a/b");
	free(s);
}

/* Render rows (JSON texts) in a mode and return what was printed; caller frees. */
static char *render_rows(enum out_mode mode, const char *const *rows)
{
	struct ctx ctx;
	struct err e = ERR_INIT;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ctx_init(&ctx, f, stderr);
	ctx.output = mode;
	struct render *r = render_begin(&ctx, OUT_JSONL, NULL);
	for (; *rows; rows++) {
		cJSON *v = cJSON_Parse(*rows);
		CHECK(v != NULL);
		CHECK_INTEQ(render_row(r, v, &e), 0);
		cJSON_Delete(v);
	}
	CHECK_INTEQ(render_end(r, &e), 0);
	fclose(f);
	return text;
}

static void test_render(void)
{
	unsetenv("COLUMNS");
	/* table: columns line up by terminal columns: wide CJK and emoji take 2, combining marks 0; controls (C0, C1,
	 * bidi overrides) show as spaces; bad UTF-8 as U+FFFD */
	static const char *const rows[] = {
		"{\"k\":\"1\",\"v\":\"\\u4e2d\\u6587\",\"z\":\"end\"}",
		"{\"k\":\"2\",\"v\":\"\\ud83d\\ude00x\",\"z\":\"end\"}",
		"{\"k\":\"3\",\"v\":\"e\\u0301t\",\"z\":\"end\"}",
		"{\"k\":\"4\",\"v\":\"a\tb\\u202ec\\u009b\",\"z\":\"end\"}",
		NULL,
	};
	char *t = render_rows(OUT_TABLE, rows);
	CHECK_STREQ(t, "k  v       z\n"
	               "-  ------  ---\n"
	               "1  \xe4\xb8\xad\xe6\x96\x87    end\n"
	               "2  \xf0\x9f\x98\x80x     end\n"
	               "3  e\xcc\x81t      end\n"
	               "4  a b c   end\n");
	free(t);
	/* a long wide cell is cut by columns (60 at most, the last one "…") */
	struct buf long_row = BUF_INIT;
	buf_adds(&long_row, "{\"v\":\"");
	for (int i = 0; i < 40; i++)
		buf_adds(&long_row, "\\u4e2d");
	buf_adds(&long_row, "\"}");
	const char *one[] = { buf_cstr(&long_row), NULL };
	t = render_rows(OUT_TABLE, one);
	struct buf want = BUF_INIT;
	buf_adds(&want, "v\n");
	for (int i = 0; i < 59; i++)   /* 29 wide characters and the ellipsis: a 30th would pass 60 */
		buf_addc(&want, '-');
	buf_addc(&want, '\n');
	for (int i = 0; i < 29; i++)
		buf_adds(&want, "\xe4\xb8\xad");
	buf_adds(&want, "\xe2\x80\xa6\n");
	CHECK_STREQ(t, buf_cstr(&want));
	free(t);
	buf_release(&want);
	buf_release(&long_row);
	/* text: tab-separated, tabs and line breaks inside values (objects and scalars) become spaces */
	static const char *const trows[] = { "{\"a\":\"x\\ty\",\"b\":2}", "\"s\\nt\"", NULL };
	t = render_rows(OUT_TEXT, trows);
	CHECK_STREQ(t, "x y\t2\ns t\n");
	free(t);
	/* json: one array; jsonl: one value per line; numbers exact */
	static const char *const jrows[] = { "{\"a\":1}", "\"b\"", NULL };
	t = render_rows(OUT_JSON, jrows);
	CHECK_STREQ(t, "[\n{\"a\":1},\n\"b\"\n]\n");
	free(t);
	t = render_rows(OUT_JSONL, jrows);
	CHECK_STREQ(t, "{\"a\":1}\n\"b\"\n");
	free(t);
}

static void test_endpoints(void)
{
	struct ctx ctx;
	struct err e = ERR_INIT;
	char *url = NULL;
	FILE *devnull = fopen("/dev/null", "w");
	ctx_init(&ctx, devnull, devnull);
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
	unsetenv("AWS_ENDPOINT_URL_EC2");
	unsetenv("DDB_LOCAL_ENDPOINT");
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_dynamodb, &url, &e), 0);
	CHECK_STREQ(url, "http://localhost:8000");
	free(url);
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_ec2, &url, &e), -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	ctx.prod = 1;
	free(ctx.region);
	ctx.region = xstrdup("eu-west-1");
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_streams, &url, &e), 0);
	CHECK_STREQ(url, "https://streams.dynamodb.eu-west-1.amazonaws.com");
	free(url);
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_cognito, &url, &e), 0);
	CHECK_STREQ(url, "https://cognito-idp.eu-west-1.amazonaws.com");
	free(url);
	free(ctx.region);
	ctx.region = xstrdup("cn-north-1");
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_ec2, &url, &e), 0);
	CHECK_STREQ(url, "https://ec2.cn-north-1.amazonaws.com.cn");
	free(url);
	setenv("AWS_ENDPOINT_URL_EC2", "http://10.1.2.3:9000", 1);
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_ec2, &url, &e), -1);   /* prod over http to a non-loopback host */
	setenv("AWS_ENDPOINT_URL_EC2", "http://[::1]:9000", 1);
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_ec2, &url, &e), 0);
	free(url);
	setenv("AWS_ENDPOINT_URL_EC2", "ftp://x", 1);
	CHECK_INTEQ(aws_endpoint(&ctx, &aws_ec2, &url, &e), -1);
	unsetenv("AWS_ENDPOINT_URL_EC2");

	/* The call path's endpoints: resolved once, parsed once, kept while the command's inputs stay the same. */
	const struct endpoint *ep = NULL, *again = NULL;
	free(ctx.region);
	ctx.region = xstrdup("eu-west-1");
	CHECK_INTEQ(endpoint_get(&ctx, &aws_dynamodb, &ep, &e), 0);
	CHECK_STREQ(ep->url, "https://dynamodb.eu-west-1.amazonaws.com");
	CHECK_STREQ(ep->host, "dynamodb.eu-west-1.amazonaws.com");
	CHECK_STREQ(ep->sign_region, "eu-west-1");
	setenv("AWS_ENDPOINT_URL_DYNAMODB", "https://elsewhere.example.com", 1);   /* not read again */
	CHECK_INTEQ(endpoint_get(&ctx, &aws_dynamodb, &again, &e), 0);
	CHECK(again == ep);
	CHECK_STREQ(again->url, "https://dynamodb.eu-west-1.amazonaws.com");
	free(ctx.region);
	ctx.region = xstrdup("us-west-2");                /* another command line: resolved again */
	CHECK_INTEQ(endpoint_get(&ctx, &aws_dynamodb, &again, &e), 0);
	CHECK_STREQ(again->url, "https://elsewhere.example.com");
	CHECK_STREQ(again->sign_region, "us-west-2");
	unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
	ctx.prod = 0;
	CHECK_INTEQ(endpoint_get(&ctx, &aws_ec2, &ep, &e), -1);   /* EC2 has no local engine: an error, not cached */
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	CHECK(ep == NULL);
	ctx_release(&ctx);
	fclose(devnull);
}

/* What a response would cost once parsed: values, containers and names, strings skipped (escapes included). */
static void test_json_cost(void)
{
	CHECK(aws_json_cost("1", 1) == 1);
	CHECK(aws_json_cost("[1,1,1]", 7) == 4);
	CHECK(aws_json_cost("{\"Items\":[{},{}]}", 17) == 7);
	CHECK(aws_json_cost("[\"a,b:[{\",\"\\\",\"]", 16) == 3);   /* ["a,b:[{","\","]: punctuation in strings */
	size_t cost;
	struct err e = ERR_INIT;
	struct buf b = BUF_INIT;
	buf_adds(&b, "[1");
	for (unsigned i = 0; i + 2 < AWS_MAX_VALUES; i++)
		buf_adds(&b, ",1");
	CHECK(aws_json_cost_check(&aws_dynamodb, "Scan", b.ptr, b.len, &cost, &e) == 0);   /* exactly at the cap */
	CHECK(cost == AWS_MAX_VALUES);
	buf_adds(&b, ",1");
	CHECK(aws_json_cost_check(&aws_dynamodb, "Scan", b.ptr, b.len, &cost, &e) == -1);
	CHECK(e.kind == ERR_DATA && cost == (size_t)AWS_MAX_VALUES + 1);
	CHECK(strstr(e.msg, "dynamodb Scan: the response") != NULL);
	buf_release(&b);
}

/* An XML answer holds at most XML_MAX_NODES elements (each ~130 bytes once parsed, from 4 bytes of text). */
static void test_xml_cap(void)
{
	struct buf b = BUF_INIT;
	struct err e = ERR_INIT;
	buf_adds(&b, "<r>");
	for (unsigned i = 0; i + 1 < XML_MAX_NODES; i++)
		buf_adds(&b, "<a/>");
	buf_adds(&b, "</r>");
	struct xml_node *x = xml_parse(b.ptr, b.len, &e);   /* exactly at the cap: parsed */
	CHECK(x != NULL);
	xml_free(x);
	b.len -= 4;
	buf_adds(&b, "<a/></r>");
	CHECK(xml_parse(b.ptr, b.len, &e) == NULL);
	CHECK(e.kind == ERR_DATA && strstr(e.msg, "more than 1000000 elements") != NULL);
	buf_release(&b);
}

int main(void)
{
	test_json_cost();
	test_xml_cap();
	test_opts();
	test_redaction();
	test_errors();
	test_json_errors();
	test_buf();
	test_endpoints();
	test_render();
	return unit_done();
}
