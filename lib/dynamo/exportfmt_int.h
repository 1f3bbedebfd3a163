/* exportfmt_int.h — what the parts of module exportfmt share (exportfmt.c writes the layout and schema.json,
 * exportfmt_read.c reads an export back): MD5 and its encodings, small file helpers, a JSON member lookup. */
#ifndef DDB_EXPORTFMT_INT_H
#define DDB_EXPORTFMT_INT_H

#include <stddef.h>
#include <openssl/evp.h>
#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/err.h"

#define IO_CHUNK (64u * 1024)

void xf_hex16(const unsigned char md[16], char out[33]);
void xf_b64_16(const unsigned char md[16], char out[25]);
EVP_MD_CTX *xf_md5_new(void);
void xf_md5_final(EVP_MD_CTX *c, unsigned char md[16]);
void xf_md5_of(const void *p, size_t n, unsigned char md[16]);
int xf_is_dir(const char *p);
int xf_exists(const char *p);
int xf_read_small(const char *path, size_t max, struct buf *out, struct err *e);
const cJSON *xf_jget(const cJSON *o, const char *k);

#endif
