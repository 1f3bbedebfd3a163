/* test_config.c — the AWS shared-file INI parser (lib/aws/config.c): sections, profile names, comments, nested
 * sub-properties, errors with line numbers, last-wins, and config_get's precedence between the two files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/config.h"
#include "unit.h"

static int parse(struct ini *ini, const char *text, struct err *e)
{
	memset(ini, 0, sizeof(*ini));
	err_clear(e);
	return ini_parse(ini, "cfg", text, strlen(text), e);
}

/* Parse must fail with exactly this message. */
static void bad(const char *text, const char *msg)
{
	struct ini ini;
	struct err e = ERR_INIT;
	CHECK_INTEQ(parse(&ini, text, &e), -1);
	CHECK_INTEQ(e.kind, ERR_CONFIG);
	CHECK_STREQ(e.msg, msg);
	ini_release(&ini);
}

static void test_sections_and_values(void)
{
	struct ini ini;
	struct err e = ERR_INIT;
	const char *text =
		"# a comment\n"
		"; another\n"
		"[default]\n"
		"region = eu-west-1\n"
		"  output=json  \n"
		"\n"
		"[profile   dev]   # trailing comment after a header\n"
		"Region = us-east-2\n"
		"AWS_ACCESS_KEY_ID = AKIADEV\n"
		"empty =\n"
		"url = https://x/?a=b=c\n"
		"region = inline # not a comment in a value\n"
		"[sso-session corp]\r\n"
		"sso_region = eu-central-1\r\n";
	CHECK_INTEQ(parse(&ini, text, &e), 0);
	CHECK_STREQ(ini_get(&ini, "default", "region"), "eu-west-1");
	CHECK_STREQ(ini_get(&ini, "default", "output"), "json");
	CHECK(ini_has_section(&ini, "profile dev"));
	CHECK(!ini_has_section(&ini, "profile   dev"));
	CHECK_STREQ(ini_get(&ini, "profile dev", "aws_access_key_id"), "AKIADEV");   /* keys are case-insensitive */
	CHECK_STREQ(ini_get(&ini, "profile dev", "Aws_Access_Key_Id"), "AKIADEV");
	CHECK_STREQ(ini_get(&ini, "profile dev", "empty"), "");
	CHECK_STREQ(ini_get(&ini, "profile dev", "url"), "https://x/?a=b=c");         /* only the first '=' splits */
	CHECK_STREQ(ini_get(&ini, "profile dev", "region"), "inline # not a comment in a value");   /* last wins */
	CHECK_STREQ(ini_get(&ini, "sso-session corp", "sso_region"), "eu-central-1");  /* CRLF */
	CHECK(ini_get(&ini, "default", "nope") == NULL);
	CHECK(ini_get(&ini, "profile nope", "region") == NULL);
	CHECK(!ini_has_section(&ini, "nope"));
	ini_release(&ini);
}

static void test_nested(void)
{
	struct ini ini;
	struct err e = ERR_INIT;
	const char *text =
		"[services local]\n"
		"dynamodb =\n"
		"  endpoint_url = http://localhost:8000\n"
		"\tsigning = x\n"
		"sts =\n"
		"  endpoint_url = http://127.0.0.1:9\n"
		"region = after\n"
		"  stray = indented but no parent\n";
	CHECK_INTEQ(parse(&ini, text, &e), 0);
	CHECK_STREQ(ini_get(&ini, "services local", "dynamodb.endpoint_url"), "http://localhost:8000");
	CHECK_STREQ(ini_get(&ini, "services local", "dynamodb.signing"), "x");
	CHECK_STREQ(ini_get(&ini, "services local", "sts.endpoint_url"), "http://127.0.0.1:9");
	CHECK_STREQ(ini_get(&ini, "services local", "dynamodb"), "");
	CHECK_STREQ(ini_get(&ini, "services local", "region"), "after");
	CHECK_STREQ(ini_get(&ini, "services local", "stray"), "indented but no parent");
	CHECK(ini_get(&ini, "services local", "region.stray") == NULL);
	ini_release(&ini);

	/* a new section ends the nesting */
	CHECK_INTEQ(parse(&ini, "[a]\ns3 =\n[b]\n  k = v\n", &e), 0);
	CHECK_STREQ(ini_get(&ini, "b", "k"), "v");
	CHECK(ini_get(&ini, "b", "s3.k") == NULL);
	ini_release(&ini);
}

static void test_errors(void)
{
	bad("[default\nregion = x\n", "cfg:1: section header without ']'");
	bad("region = x\n", "cfg:1: setting outside of any [section]");
	bad("[a]\n\n# c\njust words\n", "cfg:4: expected 'key = value' or '[section]'");
	bad("[a]\n = value\n", "cfg:2: missing key before '='");
	bad("[a] junk\n", "cfg:1: unexpected text after the section header");
	bad("[a]\n[   ]\n", "cfg:2: empty section name");
	/* long names: an error, never a silently truncated name */
	char longtext[1200];
	snprintf(longtext, sizeof(longtext), "[%0300d]\n", 0);
	bad(longtext, "cfg:1: section name longer than 255 bytes");
	struct ini ini;
	struct err e = ERR_INIT;
	char longkey[400];
	memset(longkey, 'k', 299);
	longkey[299] = '\0';
	snprintf(longtext, sizeof(longtext), "[a]\n%s =\n  %s = v\n", longkey, longkey);
	CHECK_INTEQ(parse(&ini, longtext, &e), 0);
	char full[900];
	snprintf(full, sizeof(full), "%s.%s", longkey, longkey);
	CHECK_STREQ(ini_get(&ini, "a", full), "v");
	ini_release(&ini);
	memset(&ini, 0, sizeof(ini));
	CHECK_INTEQ(ini_parse(&ini, "bin", "[a]\nk = v\0x\n", 10, &e), -1);
	CHECK_STREQ(e.msg, "bin: not a text file (NUL byte)");
	ini_release(&ini);
	/* empty input and only comments are fine */
	CHECK_INTEQ(parse(&ini, "", &e), 0);
	CHECK_INTEQ((long long)ini.n, 0);
	ini_release(&ini);
	CHECK_INTEQ(parse(&ini, "# x\n;y\n\n   \n", &e), 0);
	ini_release(&ini);
	/* no final newline */
	CHECK_INTEQ(parse(&ini, "[a]\nk = v", &e), 0);
	CHECK_STREQ(ini_get(&ini, "a", "k"), "v");
	CHECK_INTEQ(ini.v[0].line, 2);
	ini_release(&ini);
}

static char dir[256];

static void write_file(const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_load_and_precedence(void)
{
	char p1[512], p2[512];
	struct config *c = NULL;
	struct err e = ERR_INIT;

	snprintf(p1, sizeof(p1), "%s/config", dir);
	snprintf(p2, sizeof(p2), "%s/credentials", dir);
	write_file("config",
	           "[default]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n"
	           "[profile default]\nregion = shadowed\noutput = json\n"
	           "[profile dev]\nregion = us-east-2\naws_access_key_id = CONFIGDEV\nsso_session = corp\n"
	           "[sso-session corp]\nsso_region = eu-central-1\n"
	           "[only]\nregion = not-a-profile-in-config\n");
	write_file("credentials", "[dev]\naws_access_key_id = CREDDEV\n[credonly]\naws_access_key_id = X\n");
	setenv("AWS_CONFIG_FILE", p1, 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", p2, 1);
	CHECK_INTEQ(config_load(&c, &e), 0);
	if (!c)
		return;
	CHECK(c->cfg.exists && c->cred.exists);
	/* credentials file first, then the config file's [profile NAME] */
	CHECK_STREQ(config_get(c, "dev", "aws_access_key_id"), "CREDDEV");
	CHECK_STREQ(config_get(c, "dev", "region"), "us-east-2");
	/* default: [default] first, then [profile default] */
	CHECK_STREQ(config_get(c, "default", "region"), "eu-west-1");
	CHECK_STREQ(config_get(c, "default", "output"), "json");
	/* a config section without "profile " is not a profile (except default) */
	CHECK(config_get(c, "only", "region") == NULL);
	CHECK(!config_has_profile(c, "only"));
	CHECK(config_has_profile(c, "dev"));
	CHECK(config_has_profile(c, "credonly"));
	CHECK(config_has_profile(c, "default"));
	CHECK(!config_has_profile(c, "nope"));
	CHECK_STREQ(config_section_get(c, "sso-session", "corp", "sso_region"), "eu-central-1");
	CHECK(config_section_get(c, "sso-session", "other", "sso_region") == NULL);
	config_free(c);
	c = NULL;

	/* missing files are fine */
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	CHECK_INTEQ(config_load(&c, &e), 0);
	if (c) {
		CHECK(!c->cfg.exists && !c->cred.exists);
		CHECK(config_get(c, "default", "region") == NULL);
		config_free(c);
		c = NULL;
	}
	/* a broken file names file and line; a directory is an error */
	write_file("broken", "[a]\nk = v\n[b\n");
	snprintf(p1, sizeof(p1), "%s/broken", dir);
	setenv("AWS_CONFIG_FILE", p1, 1);
	CHECK_INTEQ(config_load(&c, &e), -1);
	char want[600];
	snprintf(want, sizeof(want), "%s:3: section header without ']'", p1);
	CHECK_STREQ(e.msg, want);
	setenv("AWS_CONFIG_FILE", dir, 1);
	err_clear(&e);
	CHECK_INTEQ(config_load(&c, &e), -1);
	CHECK(strstr(e.msg, "is a directory") != NULL);
	/* ~/ in the variables is the home directory */
	setenv("HOME", dir, 1);
	setenv("AWS_CONFIG_FILE", "~/config", 1);
	CHECK_INTEQ(config_load(&c, &e), 0);
	if (c) {
		snprintf(want, sizeof(want), "%s/config", dir);
		CHECK_STREQ(c->cfg.path, want);
		config_free(c);
	}
	unsetenv("AWS_CONFIG_FILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "%s/ddb-test-config-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_sections_and_values();
	test_nested();
	test_errors();
	test_load_and_precedence();
	static const char *const files[] = { "config", "credentials", "broken", NULL };
	for (int i = 0; files[i]; i++) {
		char p[512];
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	return unit_done();
}
