/* seed.c — the bulk loader (see seed.h): the calling thread reads inputs (seed_input.c), parses and validates each
 * item once, and hands it to the batch writer (bwriter.c), which sends, retries and accounts for it; the
 * checkpoint (checkpoint.c) records what the writer confirmed, the progress line (progress.c) shows it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/aws.h"
#include "aws/clock.h"
#include "aws/ctx.h"
#include "base/json.h"
#include "dynamo/seed_int.h"

#define CHECKPOINT_EVERY 1.0   /* seconds */
#define TAG_ORD_BITS     40    /* a writer tag: file index << 40 | the item's ordinal in its file */

static uint64_t tag_of(size_t fi, long ord)
{
	return (uint64_t)fi << TAG_ORD_BITS | (uint64_t)ord;
}

static void table_free(struct stable *t)
{
	if (!t)
		return;
	free(t->user);
	free(t->wire);
	for (size_t i = 0; i < 2; i++)
		free(t->key_names[i]);
	for (size_t i = 0; i < t->nattrs; i++)
		free(t->attr_names[i]);
	free(t->attr_names);
	free(t->attr_types);
	capacity_table_release(&t->cap);
	free(t);
}

/* ---- reports, progress, checkpoint ------------------------------------------------------------------------- */

/* The writer's report hook (its lock held: one report at a time): at most SEED_REPORTS_PER_FILE per input file
 * are printed; the rest are counted and shown as one line at the end (report_hidden).  The summary stays exact. */
static void on_report(void *arg, uint64_t tag, const char *origin, const char *msg)
{
	struct run *R = arg;
	struct sfile *f = &R->files[tag >> TAG_ORD_BITS];
	if (f->reports < SEED_REPORTS_PER_FILE) {
		progress_clear(&R->prog);
		fprintf(R->ctx->err_out, "ddb: %s: %s: %s\n", R->ctx->cmd_name ? R->ctx->cmd_name : "seed", origin, msg);
		f->reports++;
	} else {
		f->hidden++;
	}
}

static void report_hidden(struct run *R)
{
	for (size_t i = 0; i < R->nfiles; i++)
		if (R->files[i].hidden)
			fprintf(R->ctx->err_out, "ddb: %s: %s: %ld more error%s not shown\n",
			        R->ctx->cmd_name ? R->ctx->cmd_name : "seed", R->files[i].cp.path, R->files[i].hidden,
			        R->files[i].hidden == 1 ? "" : "s");
}

/* The writer's confirmation hook: a written item's ordinal goes into its file's confirmed ranges. */
static void on_confirmed(void *arg, uint64_t tag, int outcome)
{
	struct run *R = arg;
	struct sfile *f = &R->files[tag >> TAG_ORD_BITS];
	if (outcome == BWRITER_WRITTEN && R->cp.path && !f->cp.is_stdin)
		ckpt_confirm(&R->cp, &f->cp, (long)(tag & (((uint64_t)1 << TAG_ORD_BITS) - 1)));
}

void seed_reject(struct run *R, size_t fi, long line, const char *raw, const char *msg)
{
	char *origin = xasprintf("%s:%ld", R->files[fi].cp.path, line);
	bwriter_reject(R->w, tag_of(fi, 0), origin, raw, msg);
	free(origin);
}

static void save_checkpoint(struct run *R, int force)
{
	struct err e = ERR_INIT;
	if (!R->cp.path || R->dry)
		return;
	int rc = force ? ckpt_save(&R->cp, &e) : ckpt_save_maybe(&R->cp, CHECKPOINT_EVERY, &e);
	if (rc < 0 && !R->cp_warned) {
		progress_clear(&R->prog);
		ctx_warn(R->ctx, "%s", e.msg);
		R->cp_warned = 1;
	}
}

void seed_tick(struct run *R)
{
	if (!R->dry && R->prog.enabled) {
		struct bwriter_stats bs;
		bwriter_snapshot(R->w, &bs);
		long written = bs.written + bs.deleted;
		progress_update(&R->prog, written + R->st->skipped, written, R->bytes_done, R->bytes_total, 0);
	}
	save_checkpoint(R, 0);
}

int seed_stopping(struct run *R)
{
	return R->has_fatal || bwriter_stopped(R->w) || ctx_interrupted(R->ctx);
}

/* The reader's fatal error: the writer stops too (what is queued is not sent). */
static void set_fatal(struct run *R, const struct err *e)
{
	if (!R->has_fatal) {
		R->has_fatal = 1;
		R->fatal = *e;
	}
	bwriter_abort(R->w, e);
}

/* ---- tables ------------------------------------------------------------------------------------------------ */

/* The table for a user-written name: described once (key schema, attribute types, indexes); the writer is told. */
static struct stable *get_table(struct run *R, const char *user, struct err *e)
{
	for (size_t i = 0; i < R->ntables; i++)
		if (!strcmp(R->tables[i]->user, user))
			return R->tables[i];
	char *wire = ctx_table_wire(R->ctx, user);
	cJSON *in = cJSON_CreateObject(), *out = NULL;
	cJSON_AddStringToObject(in, "TableName", wire);
	int rc = aws_json(R->ctx, &aws_dynamodb, "DescribeTable", in, &out, e);
	cJSON_Delete(in);
	if (rc < 0) {
		if (aws_is_not_found(e)) {
			e->kind = ERR_NOINPUT;
			snprintf(e->msg, sizeof(e->msg), "table '%s' does not exist (create it with 'ddb schema-load')", user);
			e->type[0] = '\0';
		}
		free(wire);
		return NULL;
	}
	struct stable *t = xcalloc(1, sizeof(*t));
	t->user = xstrdup(user);
	t->wire = wire;
	const cJSON *td = json_get(out, "Table"), *ks = json_get(td, "KeySchema"), *ad = json_get(td, "AttributeDefinitions");
	const cJSON *x;
	cJSON_ArrayForEach(x, ad) {
		const char *n = json_get_string(x, "AttributeName"), *ty = json_get_string(x, "AttributeType");
		if (!n || !ty)
			continue;
		t->attr_names = xrealloc(t->attr_names, (t->nattrs + 1) * sizeof(char *));
		t->attr_types = xrealloc(t->attr_types, t->nattrs + 1);
		t->attr_names[t->nattrs] = xstrdup(n);
		t->attr_types[t->nattrs++] = ty[0];
	}
	cJSON_ArrayForEach(x, ks) {
		const char *n = json_get_string(x, "AttributeName"), *kt = json_get_string(x, "KeyType");
		if (!n || !kt)
			continue;
		size_t slot = !strcmp(kt, "HASH") ? 0 : 1;
		free(t->key_names[slot]);
		t->key_names[slot] = xstrdup(n);
		t->keys[slot].name = t->key_names[slot];
		t->keys[slot].type = 'S';
		for (size_t i = 0; i < t->nattrs; i++)
			if (!strcmp(t->attr_names[i], n))
				t->keys[slot].type = t->attr_types[i];
	}
	if (!t->key_names[0])
		err_set(e, ERR_DATA, "DescribeTable '%s': no hash key in the response", user);
	if (!t->key_names[0] || capacity_table_init(&t->cap, td, e) < 0 || bwriter_table(R->w, wire, td, e) < 0) {
		cJSON_Delete(out);
		table_free(t);
		return NULL;
	}
	cJSON_Delete(out);
	t->nkeys = t->key_names[1] ? 2 : 1;
	R->tables = xrealloc(R->tables, (R->ntables + 1) * sizeof(*R->tables));
	R->tables[R->ntables++] = t;
	if (R->ntables == 1)
		snprintf(R->st->table, sizeof(R->st->table), "%s", user);
	R->st->ntables = (int)R->ntables;
	return t;
}

/* ---- the item path ------------------------------------------------------------------------------------------- */

/* Validate one typed item (owned) of file fi (one walk for its size; the key and index attributes are looked up)
 * and hand it to the writer with its key string and write units. */
static int take_item(struct run *R, size_t fi, long ord, long line, struct stable *t, cJSON *typed, int del,
                     const char *raw)
{
	struct err e = ERR_INIT;
	struct buf kb = BUF_INIT;
	struct sfile *f = &R->files[fi];
	double units = 1;
	int ok = 0;

	R->st->items++;
	if (f->cp.resume.n) {   /* the checkpoint confirms writes of this file: to these tables only */
		int known = 0;
		for (size_t i = 0; i < f->cp.ncp_tabs && !known; i++)
			known = !strcmp(f->cp.tabs[i], t->wire);
		if (!known) {
			cJSON_Delete(typed);
			err_set(&e, ERR_DATA, "the checkpoint '%s' is for table '%s', not '%s': resume with the same table and "
			        "namespace, or delete it to seed from the start", R->cp.path,
			        f->cp.ncp_tabs ? f->cp.tabs[0] : "?", t->wire);
			R->not_written++;
			set_fatal(R, &e);
			return -1;
		}
	}
	if (ckpt_ranges_has(&f->cp.resume, ord)) {
		R->st->skipped++;
		cJSON_Delete(typed);
		return 0;
	}
	/* typed is not validated yet (DynamoDB JSON input is taken as parsed): item_size validates and sizes it in
	 * one call; a delete's key is validated here (it is small) */
	size_t size = 0;
	if (del ? item_validate_ddb(typed, &e) < 0 : item_size(typed, &size, &e) < 0)
		goto bad;
	if (item_key_string(typed, t->keys, t->nkeys, &kb, &e) < 0)
		goto bad;
	for (const cJSON *a = typed->child; a; a = a->next)
		if (strlen(a->string) > SEED_ATTR_NAME_MAX) {
			err_set(&e, ERR_DATA, "an attribute name is %zu bytes, over DynamoDB's 64 KB limit", strlen(a->string));
			goto bad;
		}
	if (del) {
		if ((size_t)cJSON_GetArraySize(typed) != t->nkeys) {
			err_set(&e, ERR_DATA, "a DeleteRequest Key must hold exactly the table's key attributes");
			goto bad;
		}
	} else {
		if (size > ITEM_MAX_BYTES) {
			err_set(&e, ERR_DATA, "item is %zu bytes, over DynamoDB's 400 KB limit", size);
			goto bad;
		}
		for (size_t i = 0; i < t->nattrs; i++) {
			const cJSON *pl = NULL, *av = json_get(typed, t->attr_names[i]);
			const char *ty = av ? item_value_type(av, &pl) : NULL;
			if (!ty)
				continue;
			if (strlen(ty) != 1 || ty[0] != t->attr_types[i]) {
				err_set(&e, ERR_DATA, "attribute '%s' is an index key of type %c, not %s", t->attr_names[i],
				        t->attr_types[i], ty);
				goto bad;
			}
			if (cJSON_IsString(pl) && !pl->valuestring[0]) {
				err_set(&e, ERR_DATA, "attribute '%s' is an index key: it cannot be empty", t->attr_names[i]);
				goto bad;
			}
		}
		/* write units: the size just computed, plus the GSIs the item lands in (only then walked again) */
		units = capacity_write_units(size);
		if (t->cap.ngsi && capacity_put_units(&t->cap, typed, &units, NULL, &e) < 0)
			goto bad;
	}
	ok = 1;
bad:
	if (!ok) {
		buf_release(&kb);
		cJSON_Delete(typed);
		seed_reject(R, fi, line, raw, e.msg);
		return 0;
	}
	if (R->dry) {
		buf_release(&kb);
		cJSON_Delete(typed);
		return 0;
	}
	if (!f->cp.is_stdin && !f->cp.no_cp)
		ckpt_add_table(&R->cp, &f->cp, t->wire);
	char *origin = xasprintf("%s:%ld", f->cp.path, line);
	struct bwriter_item it = { t->wire, typed, del, origin, raw, tag_of(fi, ord), buf_cstr(&kb), units };
	int rc = bwriter_submit(R->w, &it, &e);
	free(origin);
	buf_release(&kb);
	if (rc < 0) {
		set_fatal(R, &e);
		return -1;
	}
	return 0;
}

int seed_is_request(const cJSON *r)
{
	return cJSON_IsObject(r) && r->child && !r->child->next &&
	       (!strcmp(r->child->string, "PutRequest") || !strcmp(r->child->string, "DeleteRequest"));
}

/* A request-items line: every member an array of objects, each naming PutRequest or DeleteRequest (one that
 * holds more than that is a bad request, reported as such, as in a request-items document). */
static int is_request_shape(const cJSON *v)
{
	const cJSON *m, *r;
	if (!cJSON_IsObject(v) || !v->child)
		return 0;
	cJSON_ArrayForEach(m, v) {
		if (!cJSON_IsArray(m) || !m->child)
			return 0;
		cJSON_ArrayForEach(r, m) {
			if (!cJSON_IsObject(r) || (!json_get(r, "PutRequest") && !json_get(r, "DeleteRequest")))
				return 0;
		}
	}
	return 1;
}

/* A DynamoDB export data line, {"Item":{...typed...}}: the typed item, else NULL. */
static cJSON *export_item(cJSON *v)
{
	return cJSON_IsObject(v) && v->child && !v->child->next && v->child->string &&
	       !strcmp(v->child->string, "Item") && cJSON_IsObject(v->child) ? v->child : NULL;
}

static const char *file_table(struct run *R, size_t fi, char **owned)
{
	*owned = NULL;
	if (R->o->table)
		return R->o->table;
	if (R->files[fi].cp.is_stdin)
		return NULL;
	return *owned = seed_table_from_path(R->files[fi].cp.path);
}

/* {"<table>":[{"<what>":<text>}]} (what: PutRequest":{"Item ...; NULL: the text is the request) — caller frees. */
char *seed_request_line(const char *table, const char *what, const char *text, size_t len)
{
	cJSON *tn = cJSON_CreateString(table);
	char *tj = cJSON_PrintUnformatted(tn);
	cJSON_Delete(tn);
	char *out = what ? xasprintf("{%s:[{\"%s\":%.*s}}]}", tj ? tj : "\"\"", what, (int)len, text)
	                 : xasprintf("{%s:[%.*s]}", tj ? tj : "\"\"", (int)len, text);
	cJSON_free(tj);
	return out;
}

/* One request entry {"PutRequest":{"Item":..}} / {"DeleteRequest":{"Key":..}} for table tname. */
int seed_take_request(struct run *R, size_t fi, long line, const char *tname, cJSON *req)
{
	long ord = R->files[fi].next_ord++;
	struct err e = ERR_INIT;
	char *rj = json_print_compact(req);
	char *raw = seed_request_line(tname, NULL, rj ? rj : "{}", rj ? strlen(rj) : 2);
	free(rj);

	cJSON *put = cJSON_GetObjectItemCaseSensitive(req, "PutRequest");
	cJSON *del = cJSON_GetObjectItemCaseSensitive(req, "DeleteRequest");
	cJSON *it = cJSON_GetObjectItemCaseSensitive(put ? put : del, put ? "Item" : "Key");
	int rc = 0;
	if (!cJSON_IsObject(it)) {
		R->st->items++;
		seed_reject(R, fi, line, raw, put ? "PutRequest has no Item object" : "DeleteRequest has no Key object");
		goto out;
	}
	struct stable *t = get_table(R, R->o->table ? R->o->table : tname, &e);
	if (!t) {
		set_fatal(R, &e);
		rc = -1;
		goto out;
	}
	/* taken from the parsed request as it is: take_item validates it */
	rc = take_item(R, fi, ord, line, t, cJSON_DetachItemViaPointer(put ? put : del, it), del != NULL, raw);
out:
	free(raw);
	return rc;
}

/* One JSON text (a JSONL line or an array element) starting at `line`: parsed once, here. */
int seed_take_unit(struct run *R, size_t fi, const char *text, size_t len, long line)
{
	struct sfile *f = &R->files[fi];
	struct err e = ERR_INIT;
	cJSON *v = json_parse_exact(text, len, &e);
	if (!v) {
		f->next_ord++;
		R->st->items++;
		char *r = xstrndup(text, len);
		seed_reject(R, fi, line, r, e.msg);
		free(r);
		return 0;
	}
	int rc = 0;
	if (R->o->format != ITEM_FORMAT_PLAIN && is_request_shape(v)) {
		cJSON *m, *r;
		cJSON_ArrayForEach(m, v) {
			cJSON_ArrayForEach(r, m) {
				if (!seed_is_request(r)) {
					f->next_ord++;
					R->st->items++;
					char *rj = json_print_compact(r);
					char *raw = seed_request_line(m->string, NULL, rj ? rj : "{}", rj ? strlen(rj) : 2);
					seed_reject(R, fi, line, raw, SEED_BAD_REQUEST_MSG);
					free(raw);
					free(rj);
					continue;
				}
				if ((rc = seed_take_request(R, fi, line, m->string, r)) < 0)
					break;
			}
			if (rc < 0)
				break;
		}
		cJSON_Delete(v);
		return rc;
	}
	long ord = f->next_ord++;
	if (!cJSON_IsObject(v)) {
		cJSON_Delete(v);
		R->st->items++;
		char *r = xstrndup(text, len);
		seed_reject(R, fi, line, r, "an item must be a JSON object");
		free(r);
		return 0;
	}
	char *owned;
	const char *tname = file_table(R, fi, &owned);
	if (!tname) {
		cJSON_Delete(v);
		err_set(&e, ERR_USAGE, "%s: no table for these items: give --table", f->cp.path);
		set_fatal(R, &e);
		return -1;
	}
	struct stable *t = get_table(R, tname, &e);
	if (!t) {
		free(owned);
		cJSON_Delete(v);
		set_fatal(R, &e);
		return -1;
	}
	/* an export data line holds its typed item under "Item" (always DynamoDB JSON; rejected as the line) */
	cJSON *exported = R->o->format != ITEM_FORMAT_PLAIN ? export_item(v) : NULL;
	if (exported && t->keys[0].name && !strcmp(t->keys[0].name, "Item"))
		exported = NULL;   /* a table keyed on "Item": a plain item after all */
	if (!exported && f->format == ITEM_FORMAT_AUTO)
		f->format = item_detect_format(v);
	/* the rejects file must seed back as it is, whatever else it holds: a DynamoDB JSON item is kept as a request
	 * line (always read as DynamoDB JSON), a plain one (or an export line) as given */
	char *raw = !exported && f->format == ITEM_FORMAT_DDB ? seed_request_line(tname, "PutRequest\":{\"Item", text, len)
	                                                      : xstrndup(text, len);
	/* DynamoDB JSON is taken as parsed (take_item validates it); plain JSON is typed here */
	cJSON *typed;
	if (exported) {
		typed = cJSON_DetachItemViaPointer(v, exported);
		cJSON_Delete(v);
	} else if (f->format == ITEM_FORMAT_DDB) {
		typed = v;
	} else {
		typed = item_as_ddb(v, f->format, &e);
		cJSON_Delete(v);
	}
	if (!typed) {
		R->st->items++;
		seed_reject(R, fi, line, raw, e.msg);
	} else {
		rc = take_item(R, fi, ord, line, t, typed, 0, raw);
	}
	free(raw);
	free(owned);
	return rc;
}

/* An element over SEED_LINE_MAX: reported (not kept in --rejects: it could not be seeded back), skipped. */
void seed_too_long(struct run *R, size_t fi, long line, size_t len)
{
	char msg[128];
	R->files[fi].next_ord++;
	R->st->items++;
	snprintf(msg, sizeof(msg), "too long (%zu bytes; the cap is %u MiB)", len, SEED_LINE_MAX >> 20);
	seed_reject(R, fi, line, NULL, msg);
}

/* ---- the run ----------------------------------------------------------------------------------------------- */

/* -1 with e when path (the rejects file or the checkpoint, named by opt) is one of the input files: writing it
 * would destroy the input before it is read. */
static int not_an_input(const struct run *R, const char *path, const char *opt, struct err *e)
{
	struct stat a, b;
	if (!path || stat(path, &a) < 0)
		return 0;
	for (size_t i = 0; i < R->nfiles; i++)
		if (!R->files[i].cp.is_stdin && stat(R->files[i].cp.path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return err_set(e, ERR_USAGE, "%s '%s' is also an input file: writing it would destroy the input", opt,
			               path);
	return 0;
}

static int pass(struct run *R, struct err *e)
{
	for (size_t i = 0; i < R->nfiles && !seed_stopping(R); i++)
		if (seed_read_input(R, i, e) < 0)
			return -1;
	return 0;
}

/* --strict with standard input: read it twice, from a copy. */
static int spool_stdin(struct run *R, struct err *e)
{
	R->spool = tmpfile();
	if (!R->spool)
		return err_set(e, ERR_IO, "cannot create a temporary file: %s", strerror(errno));
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (fwrite(chunk, 1, got, R->spool) != got)
			return err_set(e, ERR_IO, "cannot write a temporary file: %s", strerror(errno));
	return 0;
}

/* Where the checkpoint goes, and what it says about the destination; locked, loaded for --resume. */
static int setup_checkpoint(struct run *R, const char *const *inputs, size_t ninputs, struct err *e)
{
	const struct seed_opts *o = R->o;
	const char *first_file = NULL;
	for (size_t i = 0; i < ninputs && !first_file; i++)
		if (strcmp(inputs[i], "-"))
			first_file = inputs[i];
	char *path = o->checkpoint ? xstrdup(o->checkpoint) : first_file ? ckpt_default_path(first_file) : NULL;
	int any_cp = 0;
	for (size_t i = 0; i < R->nfiles; i++)
		any_cp |= !R->files[i].cp.no_cp;
	if (!any_cp) {   /* only pipes and devices: nothing a checkpoint could resume */
		free(path);
		path = NULL;
	}
	ckpt_init(&R->cp, path, "seed");
	free(path);
	R->cp.files = xcalloc(R->nfiles ? R->nfiles : 1, sizeof(*R->cp.files));
	for (size_t i = 0; i < R->nfiles; i++)
		R->cp.files[i] = &R->files[i].cp;
	R->cp.nfiles = R->nfiles;
	if (not_an_input(R, o->rejects, "--rejects", e) < 0 || not_an_input(R, o->checkpoint, "--checkpoint", e) < 0)
		return -1;
	if (!R->cp.path)
		return 0;
	if (aws_endpoint(R->ctx, &aws_dynamodb, &R->dest_endpoint, e) < 0)
		return -1;
	R->cp.endpoint = R->dest_endpoint;
	R->cp.region = R->ctx->region;
	R->cp.mode = R->ctx->prod ? "prod" : "local";
	if (ckpt_lock(&R->cp, e) < 0)
		return -1;
	if (o->resume) {
		int rc = ckpt_load(&R->cp, e);
		if (rc < 0)
			return -1;
		if (rc == 1)
			ctx_note(R->ctx, "no checkpoint '%s': seeding everything", R->cp.path);
	} else if (access(R->cp.path, F_OK) == 0) {
		ctx_note(R->ctx, "'%s' is left from an earlier run: seeding everything (--resume skips what it confirms)",
		         R->cp.path);
	}
	return 0;
}

/* The exit status of a finished run (seed.h), from the writer's counts and the reader's. */
static int outcome(struct run *R, const struct bwriter_stats *bs, struct err *we, struct err *e)
{
	struct seed_stats *st = R->st;
	const struct seed_opts *o = R->o;
	int complete = !R->has_fatal && !bs->fatal && !ctx_interrupted(R->ctx) && !bs->tempfail && !st->not_written;
	if (R->cp.path) {
		if (complete || !ckpt_confirmed(&R->cp)) {   /* nothing to resume from: no checkpoint */
			if (unlink(R->cp.path) < 0 && errno != ENOENT)
				ctx_warn(R->ctx, "cannot remove the checkpoint '%s': %s", R->cp.path, strerror(errno));
		} else {
			struct err ce = ERR_INIT;
			if (ckpt_save(&R->cp, &ce) == 0)
				snprintf(st->checkpoint, sizeof(st->checkpoint), "%s", R->cp.path);
			else if (!R->cp_warned)
				ctx_warn(R->ctx, "%s", ce.msg);
		}
	}
	char resume_hint[1200] = "";
	if (st->checkpoint[0])
		snprintf(resume_hint, sizeof(resume_hint), "; 'ddb seed --resume' with the same input finishes the rest");
	if (R->has_fatal || bs->fatal) {
		*e = R->has_fatal ? R->fatal : *we;
		if (st->written || st->not_written)
			err_prefix(e, "%ld written, %ld not written", st->written, st->not_written);
		return -1;
	}
	if (ctx_interrupted(R->ctx))
		return err_set(e, ERR_INTERRUPTED, "interrupted: %ld written, %ld not written, the rest of the input not "
		               "read%s", st->written, st->not_written, resume_hint);
	if (bs->tempfail || st->not_written)
		return err_set(e, ERR_TEMPFAIL, "the retry budget ran out: %ld written, %ld not written (last error: %s)%s",
		               st->written, st->not_written, bs->last_temp[0] ? bs->last_temp : "throttled", resume_hint);
	if (bs->rejects_failed)
		return err_set(e, ERR_IO, "cannot write the rejects file '%s': %s (%ld rejected item%s not kept); the other "
		               "%ld written", o->rejects, strerror(bs->rejects_errno), st->rejected,
		               st->rejected == 1 ? "" : "s", st->written + st->skipped);
	if (st->rejected) {
		if (o->rejects)
			return err_set(e, ERR_SERVICE, "%ld item%s rejected (kept in '%s'); the other %ld written",
			               st->rejected, st->rejected == 1 ? "" : "s", o->rejects, st->written + st->skipped);
		return err_set(e, ERR_SERVICE, "%ld item%s rejected (--rejects FILE keeps them); the other %ld written",
		               st->rejected, st->rejected == 1 ? "" : "s", st->written + st->skipped);
	}
	return 0;
}

static void copy_stats(struct run *R, const struct bwriter_stats *bs)
{
	struct seed_stats *st = R->st;
	st->written = bs->written + bs->deleted;
	st->rejected = bs->rejected;
	st->not_written = bs->not_written + R->not_written;
	st->retried = bs->retried;
	st->throttles = bs->throttles;
	st->wcu = bs->wcu;
}

int seed_run(struct ctx *ctx, const struct seed_opts *o, struct seed_stats *st, struct err *e)
{
	static const char *const def_inputs[] = { SEED_DEFAULT_DIR };
	struct run R;
	struct capacity_bucket bucket;
	int rc = 0, any_stdin = 0, wrc = 0;
	struct bwriter_stats bs;
	struct err we = ERR_INIT;

	memset(st, 0, sizeof(*st));
	memset(&R, 0, sizeof(R));
	memset(&bs, 0, sizeof(bs));
	R.ctx = ctx;
	R.o = o;
	R.st = st;
	progress_init(&R.prog, ctx->err_out, "seed", o->progress);
	ckpt_init(&R.cp, NULL, "seed");
	capacity_bucket_init(&bucket, o->max_wcu, 0, NULL, NULL);
	double t0 = clock_now();

	const char *const *inputs = o->ninputs ? o->inputs : def_inputs;
	size_t ninputs = o->ninputs ? o->ninputs : 1;
	if (seed_collect_inputs(&R, inputs, ninputs, !o->ninputs, e) < 0) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < R.nfiles; i++)
		any_stdin |= R.files[i].cp.is_stdin;
	ckpt_release(&R.cp);
	if (setup_checkpoint(&R, inputs, ninputs, e) < 0) {
		rc = -1;
		goto out;
	}
	struct bwriter_opts wo = { 0 };
	wo.concurrency = o->concurrency > 0 ? o->concurrency : SEED_DEFAULT_CONCURRENCY;
	wo.max_retries = o->max_retries < 0 ? SEED_DEFAULT_MAX_RETRIES : o->max_retries;
	wo.rejects = o->rejects;
	wo.wcu = o->max_wcu > 0 ? &bucket : NULL;
	wo.adaptive = !o->fixed_concurrency;
	wo.confirmed = on_confirmed;
	wo.report = on_report;
	wo.arg = &R;
	wo.progress = &R.prog;
	if (!(R.w = bwriter_open(ctx, &wo, e))) {
		rc = -1;
		goto out;
	}
	if (o->table && !get_table(&R, o->table, e)) {
		rc = -1;
		goto out;
	}

	if (o->strict) {
		if (any_stdin && spool_stdin(&R, e) < 0) {
			rc = -1;
			goto out;
		}
		R.dry = 1;
		if (pass(&R, e) < 0) {
			rc = -1;
			goto out;
		}
		R.dry = 0;
		bwriter_snapshot(R.w, &bs);
		if (ctx_interrupted(ctx)) {
			rc = err_set(e, ERR_INTERRUPTED, "interrupted while validating: nothing was written");
			goto out;
		}
		if (bs.rejected) {
			rc = err_set(e, ERR_DATA, "%ld invalid item%s: nothing was written (--strict)", bs.rejected,
			             bs.rejected == 1 ? "" : "s");
			goto out;
		}
		st->items = st->skipped = 0;
		R.bytes_done = 0;
		for (size_t i = 0; i < R.nfiles; i++)
			R.files[i].format = ITEM_FORMAT_AUTO;
	}

	struct err pe = ERR_INIT;
	if (pass(&R, &pe) < 0 && !R.has_fatal)
		set_fatal(&R, &pe);
	bwriter_flush(R.w);
	/* wait for the writer to drain, drawing progress and saving the checkpoint */
	while (!bwriter_drained(R.w)) {
		clock_sleep_ms(NULL, 50);   /* not cut short by Ctrl-C: the writer finishes what is in flight */
		seed_tick(&R);
	}
	wrc = bwriter_finish(R.w, &bs, &we);
	progress_clear(&R.prog);
	copy_stats(&R, &bs);
	st->seconds = clock_now() - t0;
	(void)wrc;
	rc = outcome(&R, &bs, &we, e);
out:
	if (rc < 0 && R.w && !st->seconds) {   /* stopped before writing: the counts so far */
		bwriter_finish(R.w, &bs, &we);
		copy_stats(&R, &bs);
		st->seconds = clock_now() - t0;
	}
	report_hidden(&R);
	if (R.w && !bs.fatal && bs.rejects_failed && (rc == 0 || e->kind == ERR_SERVICE))
		rc = err_set(e, ERR_IO, "cannot write the rejects file '%s': %s", o->rejects, strerror(bs.rejects_errno));
	bwriter_free(R.w);
	if (R.cp.path)
		ckpt_unlock(&R.cp, access(R.cp.path, F_OK) != 0);
	if (R.spool)
		fclose(R.spool);
	for (size_t i = 0; i < R.ntables; i++)
		table_free(R.tables[i]);
	free(R.tables);
	for (size_t i = 0; i < R.nfiles; i++)
		ckpt_file_release(&R.files[i].cp);
	free(R.files);
	free(R.dest_endpoint);
	ckpt_release(&R.cp);
	progress_release(&R.prog);
	capacity_bucket_release(&bucket);
	return rc;
}
