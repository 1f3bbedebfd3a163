/* test_s3.c — lib/aws/s3.c's pure parts: s3:// URLs, bucket names, key encoding, where a request goes (virtual-hosted
 * or path-style), S3's XML errors, and the endpoint resolution (--endpoint-url never applies to S3).  The wire
 * behaviour is in test/s3.bats (s3rver), the encoding against botocore in sigv4_oracle_check.py. */
#include <stdlib.h>
#include <string.h>

#include "aws/aws.h"
#include "base/buf.h"
#include "aws/ctx.h"
#include "aws/s3.h"
#include "unit.h"

static void check_url_ok(const char *url, const char *bucket, const char *prefix)
{
	struct s3_url u;
	struct err e = ERR_INIT;
	CHECK_INTEQ(s3_url_parse(url, &u, &e), 0);
	CHECK_STREQ(u.bucket, bucket);
	CHECK_STREQ(u.prefix, prefix);
	s3_url_release(&u);
}

static void check_url_bad(const char *url, const char *why)
{
	struct s3_url u;
	struct err e = ERR_INIT;
	CHECK_INTEQ(s3_url_parse(url, &u, &e), -1);
	CHECK_INTEQ(e.kind, ERR_USAGE);
	CHECK_MSG(strstr(e.msg, why) != NULL, "%s: '%s' has no '%s'", url, e.msg, why);
}

static void test_urls(void)
{
	check_url_ok("s3://my-bucket/exports/2024/", "my-bucket", "exports/2024/");
	check_url_ok("s3://my-bucket", "my-bucket", "");
	check_url_ok("s3://my-bucket/", "my-bucket", "");
	check_url_ok("s3://a.b.c/x y+z", "a.b.c", "x y+z");
	check_url_bad("https://my-bucket/x", "not an s3:// URL");
	check_url_bad("s3:///x", "no bucket");
	check_url_bad("s3://ab/x", "not a valid bucket name");
	check_url_bad("s3://My-Bucket/x", "not a valid bucket name");
	check_url_bad("s3://my_bucket/x", "not a valid bucket name");
	check_url_bad("s3://-bucket/x", "not a valid bucket name");
	CHECK(s3_bucket_dns_compatible("my-bucket"));
	CHECK(!s3_bucket_dns_compatible("my.bucket"));
	CHECK(!s3_bucket_dns_compatible("Bucket"));
}

static void check_key(const char *key, const char *want)
{
	struct buf b = BUF_INIT;
	s3_encode_key(&b, key);
	CHECK_STREQ(buf_cstr(&b), want);
	buf_release(&b);
}

static void test_keys(void)
{
	/* RFC 3986 unreserved kept, '/' kept, everything else %XX (uppercase), once */
	check_key("a/b c/d.json.gz", "a/b%20c/d.json.gz");
	check_key("x+y=z~w", "x%2By%3Dz~w");
	check_key("pct%41", "pct%2541");
	check_key("\xc3\xbc", "%C3%BC");
	check_key("a//b/../c/./", "a//b/../c/./");
	check_key("!'()*", "%21%27%28%29%2A");
}

static void check_where(struct s3_client *c, const char *bucket, const char *key, const char *url, const char *host,
                        const char *path)
{
	struct buf u = BUF_INIT, h = BUF_INIT, p = BUF_INIT;
	struct err e = ERR_INIT;
	CHECK_INTEQ(s3_request_url(c, bucket, key, &u, &h, &p, &e), 0);
	CHECK_STREQ(buf_cstr(&u), url);
	CHECK_STREQ(buf_cstr(&h), host);
	CHECK_STREQ(buf_cstr(&p), path);
	buf_release(&u);
	buf_release(&h);
	buf_release(&p);
}

static void test_where(void)
{
	struct s3_client c;
	memset(&c, 0, sizeof(c));
	c.region = "eu-west-1";
	/* AWS: virtual-hosted when the bucket can be a DNS label */
	check_where(&c, "my-bucket", "a b/c", "https://my-bucket.s3.eu-west-1.amazonaws.com/a%20b/c",
	            "my-bucket.s3.eu-west-1.amazonaws.com", "/a%20b/c");
	check_where(&c, "my-bucket", "", "https://my-bucket.s3.eu-west-1.amazonaws.com/",
	            "my-bucket.s3.eu-west-1.amazonaws.com", "/");
	/* dots: path-style (a dotted name breaks the TLS wildcard certificate) */
	check_where(&c, "my.bucket", "k", "https://s3.eu-west-1.amazonaws.com/my.bucket/k", "s3.eu-west-1.amazonaws.com",
	            "/my.bucket/k");
	check_where(&c, "my.bucket", NULL, "https://s3.eu-west-1.amazonaws.com/my.bucket", "s3.eu-west-1.amazonaws.com",
	            "/my.bucket");
	c.region = "cn-north-1";
	check_where(&c, "b-1", "k", "https://b-1.s3.cn-north-1.amazonaws.com.cn/k", "b-1.s3.cn-north-1.amazonaws.com.cn",
	            "/k");
	/* a configured endpoint: path-style under its own path */
	c.endpoint = "http://127.0.0.1:4568";
	check_where(&c, "my-bucket", "d/e+f", "http://127.0.0.1:4568/my-bucket/d/e%2Bf", "127.0.0.1:4568",
	            "/my-bucket/d/e%2Bf");
	c.endpoint = "https://minio.example:9000/s3/";
	check_where(&c, "b-1", NULL, "https://minio.example:9000/s3/b-1", "minio.example:9000", "/s3/b-1");
}

static void test_errors(void)
{
	struct err e = ERR_INIT;
	const char *x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
	                "<Message>The specified bucket does not exist</Message><BucketName>b</BucketName>"
	                "<RequestId>R1</RequestId></Error>";
	CHECK_INTEQ(s3_parse_error(x, strlen(x), &e), 1);
	CHECK_STREQ(e.type, "NoSuchBucket");
	CHECK_STREQ(e.msg, "The specified bucket does not exist");
	CHECK_STREQ(e.request_id, "R1");
	err_clear(&e);
	CHECK_INTEQ(s3_parse_error("not xml", 7, &e), 0);
	CHECK_INTEQ(s3_parse_error("<Other/>", 8, &e), 0);
	CHECK_INTEQ(s3_parse_error("", 0, &e), 0);
}

static void test_endpoints(void)
{
	struct ctx ctx;
	struct err e = ERR_INIT;
	struct s3_client c;
	FILE *devnull = fopen("/dev/null", "w");
	ctx_init(&ctx, devnull, devnull);
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_S3");
	unsetenv("DDB_S3_PART_SIZE");
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	CHECK_INTEQ(ctx_resolve(&ctx, &e), 0);
	/* local mode: S3 has no local engine; --endpoint-url (DynamoDB's) does not count */
	ctx.endpoint_url = "http://127.0.0.1:8000";
	CHECK_INTEQ(s3_client_init(&c, &ctx, &e), -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	CHECK(strstr(e.msg, "AWS_ENDPOINT_URL_S3") != NULL);
	err_clear(&e);
	setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:4568", 1);
	CHECK_INTEQ(s3_client_init(&c, &ctx, &e), 0);
	CHECK_STREQ(c.endpoint, "http://127.0.0.1:4568");
	CHECK_STREQ(c.region, "us-east-1");
	CHECK_INTEQ((long)c.part_size, (long)S3_DEFAULT_PART_SIZE);
	s3_client_release(&c);
	setenv("DDB_S3_PART_SIZE", "100000", 1);
	CHECK_INTEQ(s3_client_init(&c, &ctx, &e), 0);
	CHECK_INTEQ((long)c.part_size, 100000L);
	s3_client_release(&c);
	setenv("DDB_S3_PART_SIZE", "12x", 1);
	CHECK_INTEQ(s3_client_init(&c, &ctx, &e), -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	err_clear(&e);
	unsetenv("DDB_S3_PART_SIZE");
	unsetenv("AWS_ENDPOINT_URL_S3");
	/* prod: AWS, so no configured endpoint (virtual-hosted addressing) */
	ctx.prod = 1;
	free(ctx.region);
	ctx.region = xstrdup("eu-west-1");
	CHECK_INTEQ(s3_client_init(&c, &ctx, &e), 0);
	CHECK(c.endpoint == NULL);
	CHECK_STREQ(c.region, "eu-west-1");
	s3_client_release(&c);
	/* prod over plain http to a non-loopback host is refused, as for every service */
	setenv("AWS_ENDPOINT_URL_S3", "http://s3.example.com", 1);
	CHECK_INTEQ(s3_client_init(&c, &ctx, &e), -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	unsetenv("AWS_ENDPOINT_URL_S3");
	ctx.endpoint_url = NULL;
	ctx_release(&ctx);
	fclose(devnull);
}

int main(void)
{
	test_urls();
	test_keys();
	test_where();
	test_errors();
	test_endpoints();
	return unit_done();
}
