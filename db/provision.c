/* provision.c: the queries of provisioning: requests and the destroy runs that tear them down. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/provision.h"
#include "db/run_row.h"
#include "db/stmt.h"

#define KIND "provision"

void run_row_destroy(struct provision_destroy *d, struct db_str *uuid, struct db_str *status)
{
	memset(d, 0, sizeof(*d));
	d->has = db_str_fix(uuid)[0] != '\0' &&
	         jobs_run_status_parse(db_str_fix(status), &d->status) == 0;
	if (d->has)
		snprintf(d->run, sizeof(d->run), "%.36s", uuid->buf);
}

/* ------------------------------------------------------------------ the latest destroy */

enum destroy_col { DC_UUID, DC_STATUS, DC__MAX };

static const char SQL_DESTROY_OF[] =
        "SELECT d.uuid, d.status FROM provision_destroys p JOIN runs d ON d.id = p.run_id "
        "WHERE p.target_run_id = ? ORDER BY p.run_id DESC LIMIT 1";
static struct db_stmt q_destroy_of = DB_STMT_COLS(SQL_DESTROY_OF, 1, DC__MAX, DB_IDEMPOTENT);

enum db_rc db_provision_destroy_of(struct db *db, int64_t run_id, struct provision_destroy *d)
{
	MYSQL_BIND in[1], out[DC__MAX];
	struct db_str uuid, status;
	enum db_rc rc;

	memset(d, 0, sizeof(*d));
	db_bind_int64(&in[0], &run_id);
	db_bind_out_dstr(&out[DC_UUID], &uuid);
	db_bind_out_dstr(&out[DC_STATUS], &status);
	if ((rc = db_query_one(db, &q_destroy_of, in, out)) == DB_NOT_FOUND)
		return DB_OK;
	if (rc == DB_OK)
		run_row_destroy(d, &uuid, &status);
	return rc;
}

/* ------------------------------------------------------------------ creating a destroy */

enum lock_col { LC_ID, LC_STATUS, LC__MAX };

static const char SQL_DESTROY_LOCK[] =
        "SELECT id, status FROM runs WHERE uuid = ? AND kind = '" KIND "' FOR UPDATE";
static const char SQL_DESTROY_LAST[] =
        "SELECT d.status FROM provision_destroys p JOIN runs d ON d.id = p.run_id "
        "WHERE p.target_run_id = ? ORDER BY p.run_id DESC LIMIT 1";
static const char SQL_DESTROY_LINK[] =
        "INSERT INTO provision_destroys (run_id, target_run_id, created_at) "
        "VALUES (?, ?, UTC_TIMESTAMP(6))";
static struct db_stmt q_destroy_lock = DB_STMT_COLS(SQL_DESTROY_LOCK, 1, LC__MAX, 0);
static struct db_stmt q_destroy_last = DB_STMT_COLS(SQL_DESTROY_LAST, 1, 1, 0);
static struct db_stmt q_destroy_link = DB_STMT(SQL_DESTROY_LINK, 2, 0);

/* The hooks' context: the request to destroy, and its run id once locked. */
struct destroy_ctx {
	const char *target;
	int64_t target_id;
};

/* run_create_hooks.check: locks the request's run and asks the engine whether it may go. */
static enum db_rc destroy_check(struct db *db, void *arg)
{
	struct destroy_ctx *c = arg;
	MYSQL_BIND in[1], out[LC__MAX];
	enum jobs_run_status ts, ds;
	struct db_str st;
	enum db_rc rc;

	c->target_id = 0;
	db_bind_str(&in[0], c->target, NULL);
	db_bind_out_int64(&out[LC_ID], &c->target_id, NULL);
	db_bind_out_dstr(&out[LC_STATUS], &st);
	/* The provisioning run's row serialises concurrent destroy requests. */
	if ((rc = db_query_one(db, &q_destroy_lock, in, out)) != DB_OK)
		return rc;
	if (jobs_run_status_parse(db_str_fix(&st), &ts) < 0 || !jobs_destroy_allowed(ts, JR__MAX))
		return DB_CONFLICT;
	db_bind_int64(&in[0], &c->target_id);
	db_bind_out_dstr(&out[0], &st);
	rc = db_query_one(db, &q_destroy_last, in, out);
	if (rc != DB_OK && rc != DB_NOT_FOUND)
		return rc;
	if (rc != DB_OK || jobs_run_status_parse(db_str_fix(&st), &ds) < 0)
		ds = JR__MAX;
	return jobs_destroy_allowed(ts, ds) ? DB_OK : DB_CONFLICT;
}

/* run_create_hooks.link: the destroy run's provision_destroys row. */
static enum db_rc destroy_link(struct db *db, int64_t run_id, void *arg)
{
	struct destroy_ctx *c = arg;
	MYSQL_BIND in[2];

	db_bind_int64(&in[0], &run_id);
	db_bind_int64(&in[1], &c->target_id);
	return db_query(db, &q_destroy_link, in, NULL);
}

enum db_rc db_provision_destroy_create(struct db *db, const char *target, const struct run_new *n,
                                       int64_t *id)
{
	struct destroy_ctx c = { .target = target };
	const struct run_create_hooks h = { destroy_check, destroy_link, &c };

	return db_run_create_with(db, n, &h, id);
}

/* ------------------------------------------------------------------ the list */

/* Binds the 4 placeholders of LIST_FILTER: kind, nstatus, status, status. */
#define LIST_FILTER "r.kind = ? AND (? = 0 OR r.status IN (?, ?))"
static void list_filter_bind(MYSQL_BIND *in, const char *kind, const enum jobs_run_status *status,
                             size_t nstatus, int64_t *ns)
{
	*ns = (int64_t)nstatus;
	db_bind_str(&in[0], kind, NULL);
	db_bind_int64(&in[1], ns);
	db_bind_str(&in[2], nstatus > 0 ? jobs_run_status_name(status[0]) : "", NULL);
	db_bind_str(&in[3],
	            nstatus > 1   ? jobs_run_status_name(status[1])
	            : nstatus > 0 ? jobs_run_status_name(status[0])
	                          : "",
	            NULL);
}

/* SQL_LIST: RUN_COLS, then the latest destroy's columns. */
enum list_col { LIST_DESTROY_UUID = RC__MAX, LIST_DESTROY_STATUS, LIST__MAX };
_Static_assert(LIST__MAX - RC__MAX <= RUN_ROW_EXTRA, "struct run_row has room for the join");

/*
 * The latest destroy of each request: the newest provision_destroys row per
 * target (provision_destroys_target covers the grouping), then its run.
 */
static const char SQL_LIST[] =
        "SELECT " RUN_COLS RUN_DESTROY_COLS " FROM runs r " RUN_DESTROY_JOIN " WHERE " LIST_FILTER
        " ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM runs r WHERE " LIST_FILTER;
static struct db_stmt q_list = DB_STMT_COLS(SQL_LIST, 6, LIST__MAX, DB_IDEMPOTENT);
static struct db_stmt q_count = DB_STMT_COLS(SQL_COUNT, 4, 1, DB_IDEMPOTENT);

/* What each row of the list needs: the caller's callback and the join's buffers. */
struct list_ctx {
	void (*row)(const struct run *r, const struct provision_destroy *d, void *ud);
	void *ud;
	struct db_str uuid, status;
};

static void list_each(struct run *r, void *arg)
{
	struct list_ctx *c = arg;
	struct provision_destroy d;

	run_row_destroy(&d, &c->uuid, &c->status);
	c->row(r, &d, c->ud);
}

enum db_rc db_provision_list(struct db *db, const enum jobs_run_status *status, size_t nstatus,
                             int64_t limit, int64_t offset,
                             void (*row)(const struct run *r, const struct provision_destroy *d,
                                         void *ud),
                             void *ud, int64_t *total)
{
	MYSQL_BIND in[6], cnt[1];
	struct list_ctx *c;
	struct run_row *o;
	struct run *r;
	int64_t ns = 0;
	enum db_rc rc;

	list_filter_bind(in, KIND, status, nstatus, &ns);
	db_bind_out_int64(&cnt[0], total, NULL);
	if ((rc = db_query_one(db, &q_count, in, cnt)) != DB_OK)
		return rc;
	db_bind_int64(&in[4], &limit);
	db_bind_int64(&in[5], &offset);
	r = malloc(sizeof(*r));
	o = malloc(sizeof(*o));
	c = malloc(sizeof(*c));
	if (r == NULL || o == NULL || c == NULL || run_row_bind(o, r) < 0) {
		free(r), free(o), free(c);
		return DB_ERROR;
	}
	c->row = row;
	c->ud = ud;
	db_bind_out_dstr(&o->b[LIST_DESTROY_UUID], &c->uuid);
	db_bind_out_dstr(&o->b[LIST_DESTROY_STATUS], &c->status);
	rc = run_rows(db, &q_list, in, o, r, list_each, c);
	run_clear(r);
	run_row_free(o);
	free(r), free(o), free(c);
	return rc;
}
