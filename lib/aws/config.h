/* config.h — the AWS shared config and credentials files (INI).
 *
 * Files: $AWS_CONFIG_FILE or ~/.aws/config ("[default]", "[profile NAME]", "[sso-session NAME]",
 * "[services NAME]"), and $AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials ("[NAME]").  A missing file is
 * fine; a broken one is an ERR_CONFIG naming file and line.  Nested sub-properties ("s3 =" followed by indented
 * "key = value" lines) are stored as "s3.key".  Keys are case-insensitive, as in the AWS CLI.
 * config_free releases everything (values may hold secrets: they are cleansed).
 */
#ifndef DDB_CONFIG_H
#define DDB_CONFIG_H

#include <stddef.h>
#include <sys/types.h>
#include "base/err.h"

struct ini_entry { char *section; char *key; char *value; int line; };
struct ini {
	char *path;
	struct ini_entry *v;
	size_t n;
	int exists;
	mode_t mode;           /* file permission bits (for the world-readable warning) */
};

struct config {
	struct ini cfg;        /* ~/.aws/config */
	struct ini cred;       /* ~/.aws/credentials */
};

/* Parse INI text; path is used in messages. Returns 0, or -1 with e (ERR_CONFIG, "path:line: ..."). */
int ini_parse(struct ini *ini, const char *path, const char *text, size_t len, struct err *e);
void ini_release(struct ini *ini);
const char *ini_get(const struct ini *ini, const char *section, const char *key);
int ini_has_section(const struct ini *ini, const char *section);

/* Load both files (from the environment's paths). */
int config_load(struct config **out, struct err *e);
void config_free(struct config *c);
/* A profile's setting: the credentials file's [profile] first (for credential keys), then config's
 * "[profile NAME]" (or "[default]" for "default").  NULL when absent. */
const char *config_get(const struct config *c, const char *profile, const char *key);
/* Any other section of the config file: config_section(c, "sso-session", "my-sso", "sso_region"). */
const char *config_section_get(const struct config *c, const char *kind, const char *name, const char *key);
int config_has_profile(const struct config *c, const char *profile);

#endif
