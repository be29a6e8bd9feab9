/* runs.c: the queries of the run engine: runs, tasks, leases, events, reconcilers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "db/run_row.h"
#include "db/runs.h"
#include "db/stmt.h"
#include "lib/log.h"

/* ------------------------------------------------------------------ helpers */

/* NUL-terminates a fetched string column of capacity cap (the bind's buffer_length). */
static void fix_str(char *buf, unsigned long len, unsigned long cap)
{
	buf[len < cap ? len : cap] = '\0';
}

/* Parses stored JSON text; NULL when empty or unreadable (truncated). */
static struct json_object *parse_json(const char *s)
{
	if (s == NULL || *s == '\0')
		return NULL;
	return json_tokener_parse(s);
}

static const char *task_status(enum jobs_task_status s)
{
	return jobs_task_status_name(s);
}

/* ------------------------------------------------------------------ runs */

static const char SQL_RUN_INSERT[] =
        "INSERT INTO runs (uuid, kind, subject, executor, status, input, created_by, "
        "created_by_user_id, idempotency_key, request_hash, callback_url, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, 'queued', ?, ?, NULLIF(?, 0), ?, ?, ?, "
        "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))";
static const char SQL_TASK_INSERT[] =
        "INSERT INTO tasks (run_id, seq, name, depends_on, status, max_attempts, retry_delay_s, "
        "retry_backoff, timeout_s, next_attempt_at, executor, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, IF(? = 'ready', UTC_TIMESTAMP(6), NULL), ?, "
        "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))";
static const char SQL_EVENT_ADD[] =
        "INSERT INTO run_events (run_id, task_id, attempt, level, stream, message, created_at) "
        "VALUES (?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, UTC_TIMESTAMP(6))";

static struct db_stmt q_run_insert = DB_STMT(SQL_RUN_INSERT, 10, 0);
static struct db_stmt q_task_insert = DB_STMT(SQL_TASK_INSERT, 11, 0);
static struct db_stmt q_event_add = DB_STMT(SQL_EVENT_ADD, 6, 0);

enum db_rc db_event_add(struct db *db, int64_t run_id, int64_t task_id, int64_t attempt,
                        enum run_event_level level, const char *stream, const char *message)
{
	MYSQL_BIND in[6];
	int64_t lv = level;
	char msg[4001];

	/* At most 4000 bytes, cut on a UTF-8 boundary. */
	snprintf(msg, sizeof(msg), "%s", message);
	if (strlen(message) > 4000) {
		size_t n = 4000;

		while (n > 0 && ((unsigned char)msg[n] & 0xc0) == 0x80)
			n--;
		msg[n] = '\0';
	}
	db_bind_int64(&in[0], &run_id);
	db_bind_int64(&in[1], &task_id);
	db_bind_int64(&in[2], &attempt);
	db_bind_int64(&in[3], &lv);
	db_bind_str(&in[4], stream, NULL);
	db_bind_str(&in[5], msg, NULL);
	return db_query(db, &q_event_add, in, NULL);
}

/* Inserts the run, its tasks and its first log line; inside the caller's transaction. */
static enum db_rc insert_run(struct db *db, const struct run_new *n, int64_t *id)
{
	struct jobs_task t[DB_RUN_MAX_TASKS];
	enum jobs_run_status rs = JR_QUEUED;
	int64_t owner = n->created_by_user_id;
	MYSQL_BIND in[11];
	char line[128];
	enum db_rc rc;

	if (n->ntasks == 0 || n->ntasks > DB_RUN_MAX_TASKS)
		return DB_ERROR;
	/* The initial statuses come from the engine: roots are ready. */
	memset(t, 0, sizeof(t));
	for (size_t i = 0; i < n->ntasks; i++) {
		snprintf(t[i].name, sizeof(t[i].name), "%.*s", JOBS_NAME_MAX, n->tasks[i].name);
		snprintf(t[i].depends_on, sizeof(t[i].depends_on), "%.*s", JOBS_DEPS_MAX,
		         n->tasks[i].depends_on);
		t[i].status = JT_PENDING;
	}
	jobs_settle(t, n->ntasks, &rs);

	db_bind_str(&in[0], n->uuid, NULL);
	db_bind_str(&in[1], n->kind, NULL);
	db_bind_str(&in[2], n->subject, NULL);
	db_bind_str(&in[3], n->executor, NULL);
	db_bind_str(&in[4], n->input, NULL);
	db_bind_str(&in[5], n->created_by, NULL);
	db_bind_int64(&in[6], &owner);
	db_bind_str(&in[7], n->idempotency_key, NULL);
	db_bind_str(&in[8], n->request_hash, NULL);
	db_bind_str(&in[9], n->callback_url, NULL);
	if ((rc = db_query(db, &q_run_insert, in, NULL)) != DB_OK)
		return rc;
	*id = (int64_t)db_insert_id(db, &q_run_insert);
	for (size_t i = 0; i < n->ntasks; i++) {
		const struct run_task_new *x = &n->tasks[i];
		int64_t seq = (int64_t)i, ma = x->max_attempts, rd = x->retry_delay_s,
		        bo = x->retry_backoff, to = x->timeout_s;
		const char *st = task_status(t[i].status);

		db_bind_int64(&in[0], id);
		db_bind_int64(&in[1], &seq);
		db_bind_str(&in[2], x->name, NULL);
		db_bind_str(&in[3], x->depends_on, NULL);
		db_bind_str(&in[4], st, NULL);
		db_bind_int64(&in[5], &ma);
		db_bind_int64(&in[6], &rd);
		db_bind_int64(&in[7], &bo);
		db_bind_int64(&in[8], &to);
		db_bind_str(&in[9], st, NULL);
		db_bind_str(&in[10], n->executor, NULL);
		if ((rc = db_query(db, &q_task_insert, in, NULL)) != DB_OK)
			return rc;
	}
	snprintf(line, sizeof(line), "run created with %zu tasks (executor %.16s)", n->ntasks,
	         n->executor);
	return db_event_add(db, *id, 0, 0, EV_INFO, NULL, line);
}

/* db_run_create_with's transaction. */
struct create_tx {
	const struct run_new *n;
	const struct run_create_hooks *h;
	int64_t *id;
};

static enum db_rc create_body(struct db *db, void *arg)
{
	struct create_tx *c = arg;
	enum db_rc rc;

	*c->id = 0;
	if (c->h != NULL && c->h->check != NULL && (rc = c->h->check(db, c->h->ctx)) != DB_OK)
		return rc;
	if ((rc = insert_run(db, c->n, c->id)) != DB_OK)
		return rc;
	if (c->h != NULL && c->h->link != NULL)
		return c->h->link(db, *c->id, c->h->ctx);
	return DB_OK;
}

enum db_rc db_run_create_with(struct db *db, const struct run_new *n,
                              const struct run_create_hooks *h, int64_t *id)
{
	struct create_tx c = { n, h, id };

	return db_transaction(db, create_body, &c);
}

enum db_rc db_run_create(struct db *db, const struct run_new *n, int64_t *id)
{
	return db_run_create_with(db, n, NULL, id);
}

static const char SQL_RUN_GET[] =
        "SELECT " RUN_COLS " FROM runs r WHERE r.uuid = ? AND (? = '' OR r.kind = ?)";
static const char SQL_RUN_IDEM[] =
        "SELECT " RUN_COLS " FROM runs r WHERE r.created_by = ? AND r.idempotency_key = ? "
        "LOCK IN SHARE MODE NOWAIT";

static struct db_stmt q_run_get = DB_STMT_COLS(SQL_RUN_GET, 3, RC__MAX, DB_IDEMPOTENT);
static struct db_stmt q_run_idem = DB_STMT_COLS(SQL_RUN_IDEM, 2, RC__MAX, DB_IDEMPOTENT);

int run_row_bind(struct run_row *o, struct run *r)
{
	struct {
		char *buf;
		size_t cap;
	} s[RC__MAX] = {
		[RC_UUID] = { r->uuid, sizeof(r->uuid) },
		[RC_KIND] = { r->kind, sizeof(r->kind) },
		[RC_SUBJECT] = { r->subject, sizeof(r->subject) },
		[RC_EXECUTOR] = { r->executor, sizeof(r->executor) },
		[RC_STATUS] = { o->status, sizeof(o->status) },
		[RC_MESSAGE] = { r->message, sizeof(r->message) },
		[RC_CREATED_BY] = { r->created_by, sizeof(r->created_by) },
		[RC_IDEMPOTENCY_KEY] = { r->idempotency_key, sizeof(r->idempotency_key) },
		[RC_REQUEST_HASH] = { r->request_hash, sizeof(r->request_hash) },
		[RC_CREATED_AT] = { r->created_at, sizeof(r->created_at) },
		[RC_UPDATED_AT] = { r->updated_at, sizeof(r->updated_at) },
		[RC_STARTED_AT] = { r->started_at, sizeof(r->started_at) },
		[RC_FINISHED_AT] = { r->finished_at, sizeof(r->finished_at) },
	};

	memset(r, 0, sizeof(*r));
	if ((o->input = malloc(DB_RUN_JSON_MAX + 1)) == NULL ||
	    (o->output = malloc(DB_RUN_JSON_MAX + 1)) == NULL) {
		free(o->input);
		return -1;
	}
	memset(o->b, 0, sizeof(o->b));
	memset(o->len, 0, sizeof(o->len));
	for (int i = 0; i < RC__MAX; i++)
		if (s[i].buf != NULL)
			db_bind_out_str(&o->b[i], s[i].buf, s[i].cap - 2, &o->len[i], NULL);
	db_bind_out_int64(&o->b[RC_ID], &r->id, NULL);
	db_bind_out_int64(&o->b[RC_CREATED_BY_USER_ID], &r->created_by_user_id, NULL);
	db_bind_out_str(&o->b[RC_INPUT], o->input, DB_RUN_JSON_MAX, &o->len[RC_INPUT], NULL);
	db_bind_out_str(&o->b[RC_OUTPUT], o->output, DB_RUN_JSON_MAX, &o->len[RC_OUTPUT], NULL);
	return 0;
}

void run_row_fix(struct run_row *o, struct run *r)
{
	for (int i = 0; i < RC__MAX; i++)
		if (o->b[i].buffer_type == MYSQL_TYPE_STRING)
			fix_str(o->b[i].buffer, o->len[i], o->b[i].buffer_length);
	if (jobs_run_status_parse(o->status, &r->status) < 0)
		r->status = JR_FAILED;
	json_object_put(r->input);
	json_object_put(r->output);
	r->input = parse_json(o->input);
	r->output = parse_json(o->output);
	db_time_iso(r->created_at);
	db_time_iso(r->updated_at);
	db_time_iso(r->started_at);
	db_time_iso(r->finished_at);
}

void run_row_free(struct run_row *o)
{
	free(o->input);
	free(o->output);
}

void run_clear(struct run *r)
{
	json_object_put(r->input);
	json_object_put(r->output);
	r->input = r->output = NULL;
}

static enum db_rc one_run(struct db *db, struct db_stmt *q, MYSQL_BIND *in, struct run *r)
{
	struct run_row o;
	enum db_rc rc;

	if (run_row_bind(&o, r) < 0)
		return DB_ERROR;
	if ((rc = db_query_one(db, q, in, o.b)) == DB_OK)
		run_row_fix(&o, r);
	run_row_free(&o);
	return rc;
}

enum db_rc db_run_get(struct db *db, const char *uuid, const char *kind, struct run *r)
{
	MYSQL_BIND in[3];

	db_bind_str(&in[0], uuid, NULL);
	db_bind_str(&in[1], kind ? kind : "", NULL);
	db_bind_str(&in[2], kind ? kind : "", NULL);
	return one_run(db, &q_run_get, in, r);
}

enum db_rc db_run_by_idempotency(struct db *db, const char *created_by, const char *key,
                                 struct run *r)
{
	MYSQL_BIND in[2];

	db_bind_str(&in[0], created_by, NULL);
	db_bind_str(&in[1], key, NULL);
	return one_run(db, &q_run_idem, in, r);
}

enum db_rc run_rows(struct db *db, struct db_stmt *list, MYSQL_BIND *in, struct run_row *o,
                    struct run *r, void (*each)(struct run *r, void *ud), void *ud)
{
	enum db_rc rc;
	int f;

	if ((rc = db_query(db, list, in, o->b)) != DB_OK)
		return rc;
	while ((f = db_fetch(db, list)) == 1) {
		run_row_fix(o, r);
		each(r, ud);
	}
	db_done(db, list);
	return f == 0 ? DB_OK : DB_ERROR;
}

/* ------------------------------------------------------------------ tasks of a run */

static const char SQL_TASKS[] =
        "SELECT name, depends_on, status, attempts, max_attempts, COALESCE(last_error, ''), "
        "last_error IS NULL, COALESCE(next_attempt_at, ''), COALESCE(started_at, ''), "
        "COALESCE(finished_at, '') FROM tasks WHERE run_id = ? ORDER BY seq";
enum task_col {
	TC_NAME,
	TC_DEPENDS_ON,
	TC_STATUS,
	TC_ATTEMPTS,
	TC_MAX_ATTEMPTS,
	TC_LAST_ERROR,
	TC_NO_ERROR,
	TC_NEXT_ATTEMPT_AT,
	TC_STARTED_AT,
	TC_FINISHED_AT,
	TC__MAX
};
static struct db_stmt q_tasks = DB_STMT_COLS(SQL_TASKS, 1, TC__MAX, DB_IDEMPOTENT);

/* A DATETIME text as ISO 8601 (in place), or NULL when empty. */
static const char *time_or_null(char *s)
{
	if (s[0] == '\0')
		return NULL;
	db_time_iso(s);
	return s;
}

enum db_rc db_run_tasks(struct db *db, int64_t run_id,
                        void (*row)(const struct run_task_row *t, void *ud), void *ud)
{
	MYSQL_BIND in[1], out[TC__MAX];
	struct db_str name, status, next, started, finished;
	char deps[JOBS_DEPS_MAX + 2], err[2004];
	unsigned long dlen = 0, elen = 0;
	int64_t attempts = 0, max = 0, no_err = 0;
	enum db_rc rc;
	int f;

	db_bind_int64(&in[0], &run_id);
	db_bind_out_dstr(&out[TC_NAME], &name);
	db_bind_out_str(&out[TC_DEPENDS_ON], deps, sizeof(deps) - 2, &dlen, NULL);
	db_bind_out_dstr(&out[TC_STATUS], &status);
	db_bind_out_int64(&out[TC_ATTEMPTS], &attempts, NULL);
	db_bind_out_int64(&out[TC_MAX_ATTEMPTS], &max, NULL);
	db_bind_out_str(&out[TC_LAST_ERROR], err, sizeof(err) - 2, &elen, NULL);
	db_bind_out_int64(&out[TC_NO_ERROR], &no_err, NULL);
	db_bind_out_dstr(&out[TC_NEXT_ATTEMPT_AT], &next);
	db_bind_out_dstr(&out[TC_STARTED_AT], &started);
	db_bind_out_dstr(&out[TC_FINISHED_AT], &finished);
	if ((rc = db_query(db, &q_tasks, in, out)) != DB_OK)
		return rc;
	while ((f = db_fetch(db, &q_tasks)) == 1) {
		struct run_task_row t;

		fix_str(deps, dlen, sizeof(deps) - 2);
		fix_str(err, elen, sizeof(err) - 2);
		t = (struct run_task_row){
			.name = db_str_fix(&name),
			.depends_on = deps,
			.status = db_str_fix(&status),
			.attempts = attempts,
			.max_attempts = max,
			.last_error = no_err ? NULL : err,
			.next_attempt_at = time_or_null((char *)db_str_fix(&next)),
			.started_at = time_or_null((char *)db_str_fix(&started)),
			.finished_at = time_or_null((char *)db_str_fix(&finished)),
		};
		row(&t, ud);
	}
	db_done(db, &q_tasks);
	return f == 0 ? DB_OK : DB_ERROR;
}

/* ------------------------------------------------------------------ settling a run */

static const char SQL_RUN_LOCK[] =
        "SELECT status, kind, COALESCE(callback_url, '') FROM runs WHERE id = ? FOR UPDATE";
static const char SQL_WEBHOOK_ADD[] =
        "INSERT INTO webhooks (run_id, url, status, next_attempt_at, created_at) VALUES "
        "(?, ?, 'pending', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE id = id";
static struct db_stmt q_webhook_add = DB_STMT(SQL_WEBHOOK_ADD, 2, 0);
static const char SQL_TASKS_LOCK[] =
        "SELECT id, name, depends_on, status, attempts, max_attempts, retry_delay_s, "
        "retry_backoff, COALESCE(lease_owner, ''), "
        "COALESCE(lease_expires_at < UTC_TIMESTAMP(6), 0) "
        "FROM tasks WHERE run_id = ? ORDER BY seq FOR UPDATE";
static const char SQL_TASK_SET[] =
        "UPDATE tasks SET status = ?, updated_at = UTC_TIMESTAMP(6), "
        "next_attempt_at = IF(? = 'ready', UTC_TIMESTAMP(6), NULL), "
        "finished_at = IF(? IN ('succeeded', 'failed', 'canceled'), UTC_TIMESTAMP(6), "
        "finished_at), lease_owner = IF(? = 'running', lease_owner, NULL), "
        "lease_expires_at = IF(? = 'running', lease_expires_at, NULL) WHERE id = ?";
static const char SQL_TASK_DONE[] =
        "UPDATE tasks SET status = 'succeeded', output = ?, updated_at = UTC_TIMESTAMP(6), "
        "finished_at = UTC_TIMESTAMP(6), lease_owner = NULL, lease_expires_at = NULL, "
        "next_attempt_at = NULL WHERE id = ?";
static const char SQL_TASK_FAILED[] =
        "UPDATE tasks SET status = ?, last_error = ?, updated_at = UTC_TIMESTAMP(6), "
        "next_attempt_at = IF(? = 'retrying', UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND, NULL), "
        "finished_at = IF(? = 'failed', UTC_TIMESTAMP(6), NULL), lease_owner = NULL, "
        "lease_expires_at = NULL WHERE id = ?";
static const char SQL_RUN_OUTPUT[] =
        "UPDATE runs SET output = JSON_MERGE_PATCH(COALESCE(output, '{}'), ?), "
        "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
static const char SQL_RUN_SET[] =
        "UPDATE runs SET status = ?, message = COALESCE(?, message), "
        "updated_at = UTC_TIMESTAMP(6), started_at = COALESCE(started_at, UTC_TIMESTAMP(6)), "
        "finished_at = IF(? IN ('succeeded', 'failed', 'canceled'), UTC_TIMESTAMP(6), NULL) "
        "WHERE id = ?";

static const char SQL_TASK_DEFER[] =
        "UPDATE tasks SET status = 'ready', attempts = attempts - 1, "
        "next_attempt_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND, lease_owner = NULL, "
        "lease_expires_at = NULL, updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
static struct db_stmt q_task_defer = DB_STMT(SQL_TASK_DEFER, 2, 0);
enum run_lock_col { RL_STATUS, RL_KIND, RL_CALLBACK, RL__MAX };
enum tasks_lock_col {
	TL_ID,
	TL_NAME,
	TL_DEPENDS_ON,
	TL_STATUS,
	TL_ATTEMPTS,
	TL_MAX_ATTEMPTS,
	TL_RETRY_DELAY_S,
	TL_RETRY_BACKOFF,
	TL_LEASE_OWNER,
	TL_LEASE_EXPIRED,
	TL__MAX
};
static struct db_stmt q_run_lock = DB_STMT_COLS(SQL_RUN_LOCK, 1, RL__MAX, 0);
static struct db_stmt q_tasks_lock = DB_STMT_COLS(SQL_TASKS_LOCK, 1, TL__MAX, 0);
static struct db_stmt q_task_set = DB_STMT(SQL_TASK_SET, 6, 0);
static struct db_stmt q_task_done = DB_STMT(SQL_TASK_DONE, 2, 0);
static struct db_stmt q_task_failed = DB_STMT(SQL_TASK_FAILED, 6, 0);
static struct db_stmt q_run_output = DB_STMT(SQL_RUN_OUTPUT, 2, 0);
static struct db_stmt q_run_set = DB_STMT(SQL_RUN_SET, 4, 0);

/* A run locked for an update, with its tasks as the engine sees them. */
struct locked_run {
	int64_t id;
	enum jobs_run_status status;
	char kind[36];
	char callback[2052]; /* "" when none */
	size_t n;
	struct jobs_task t[DB_RUN_MAX_TASKS];
	int64_t task_id[DB_RUN_MAX_TASKS];
	int64_t attempts[DB_RUN_MAX_TASKS];
	int64_t max_attempts[DB_RUN_MAX_TASKS];
	int64_t retry_delay_s[DB_RUN_MAX_TASKS];
	bool backoff[DB_RUN_MAX_TASKS];
	bool lease_expired[DB_RUN_MAX_TASKS];
	char owner[DB_RUN_MAX_TASKS][132];
};

/* Inside a transaction: locks run `id` and reads its tasks. */
static enum db_rc lock_run(struct db *db, int64_t id, struct locked_run *L)
{
	MYSQL_BIND in[1], out[TL__MAX];
	struct db_str st, kind, name, status, owner;
	char deps[JOBS_DEPS_MAX + 2];
	unsigned long dlen = 0, clen = 0;
	int64_t tid = 0, att = 0, max = 0, delay = 0, bo = 0, expired = 0;
	enum db_rc rc;
	int f;

	L->id = id;
	L->n = 0;
	db_bind_int64(&in[0], &id);
	db_bind_out_dstr(&out[RL_STATUS], &st);
	db_bind_out_dstr(&out[RL_KIND], &kind);
	db_bind_out_str(&out[RL_CALLBACK], L->callback, sizeof(L->callback) - 2, &clen, NULL);
	if ((rc = db_query_one(db, &q_run_lock, in, out)) != DB_OK)
		return rc;
	fix_str(L->callback, clen, sizeof(L->callback) - 2);
	if (jobs_run_status_parse(db_str_fix(&st), &L->status) < 0)
		return DB_ERROR;
	snprintf(L->kind, sizeof(L->kind), "%s", db_str_fix(&kind));

	db_bind_out_int64(&out[TL_ID], &tid, NULL);
	db_bind_out_dstr(&out[TL_NAME], &name);
	db_bind_out_str(&out[TL_DEPENDS_ON], deps, sizeof(deps) - 2, &dlen, NULL);
	db_bind_out_dstr(&out[TL_STATUS], &status);
	db_bind_out_int64(&out[TL_ATTEMPTS], &att, NULL);
	db_bind_out_int64(&out[TL_MAX_ATTEMPTS], &max, NULL);
	db_bind_out_int64(&out[TL_RETRY_DELAY_S], &delay, NULL);
	db_bind_out_int64(&out[TL_RETRY_BACKOFF], &bo, NULL);
	db_bind_out_dstr(&out[TL_LEASE_OWNER], &owner);
	db_bind_out_int64(&out[TL_LEASE_EXPIRED], &expired, NULL);
	if ((rc = db_query(db, &q_tasks_lock, in, out)) != DB_OK)
		return rc;
	while ((f = db_fetch(db, &q_tasks_lock)) == 1) {
		size_t i = L->n;
		struct jobs_task *t = &L->t[i];

		if (i >= DB_RUN_MAX_TASKS)
			continue;
		memset(t, 0, sizeof(*t));
		fix_str(deps, dlen, sizeof(deps) - 2);
		snprintf(t->name, sizeof(t->name), "%.*s", JOBS_NAME_MAX, db_str_fix(&name));
		snprintf(t->depends_on, sizeof(t->depends_on), "%.*s", JOBS_DEPS_MAX, deps);
		if (jobs_task_status_parse(db_str_fix(&status), &t->status) < 0)
			t->status = JT_FAILED;
		L->task_id[i] = tid;
		L->attempts[i] = att;
		L->max_attempts[i] = max;
		L->retry_delay_s[i] = delay;
		L->backoff[i] = bo != 0;
		L->lease_expired[i] = expired != 0;
		snprintf(L->owner[i], sizeof(L->owner[i]), "%s", db_str_fix(&owner));
		L->n++;
	}
	db_done(db, &q_tasks_lock);
	return f == 0 ? DB_OK : DB_ERROR;
}

/*
 * Lets the engine move the locked run forward and writes what changed: the
 * tasks it readied or canceled, the run's status (with `message` when the
 * status changes and message is not NULL), and a log line per change.
 * `force` (JR__MAX: none) is the run's status whatever its tasks say: a
 * cancel.
 */
static enum db_rc settle(struct db *db, struct locked_run *L, const char *message,
                         enum jobs_run_status force)
{
	enum jobs_run_status before = L->status;
	MYSQL_BIND in[6];
	enum db_rc rc;

	jobs_settle(L->t, L->n, &L->status);
	if (force != JR__MAX)
		L->status = force;
	for (size_t i = 0; i < L->n; i++) {
		const char *st = task_status(L->t[i].status);
		enum run_event_level lv;
		char line[160];

		if (!L->t[i].changed)
			continue;
		for (int k = 0; k < 5; k++)
			db_bind_str(&in[k], st, NULL);
		db_bind_int64(&in[5], &L->task_id[i]);
		if ((rc = db_query(db, &q_task_set, in, NULL)) != DB_OK)
			return rc;
		lv = jobs_task_moved(&L->t[i], line, sizeof(line));
		if ((rc = db_event_add(db, L->id, L->task_id[i], 0, lv, NULL, line)) != DB_OK)
			return rc;
	}
	if (L->status != before) {
		const char *st = jobs_run_status_name(L->status);
		enum run_event_level lv;
		char line[64];

		db_bind_str(&in[0], st, NULL);
		db_bind_str(&in[1], jobs_run_terminal(L->status) ? message : NULL, NULL);
		db_bind_str(&in[2], st, NULL);
		db_bind_int64(&in[3], &L->id);
		if ((rc = db_query(db, &q_run_set, in, NULL)) != DB_OK)
			return rc;
		/* The run's end: its completion webhook, sent by the reconcilers. */
		if (jobs_run_terminal(L->status) && L->callback[0] != '\0') {
			db_bind_int64(&in[0], &L->id);
			db_bind_str(&in[1], L->callback, NULL);
			if ((rc = db_query(db, &q_webhook_add, in, NULL)) != DB_OK)
				return rc;
		}
		lv = jobs_run_moved(L->status, line, sizeof(line));
		if ((rc = db_event_add(db, L->id, 0, 0, lv, NULL, line)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/*
 * What a run update does once its run is locked (lock_run): decide with the
 * engine and write the outcome, settling the run. DB_OK commits; anything
 * else rolls back and is the update's answer.
 */
typedef enum db_rc (*run_update_fn)(struct db *db, struct locked_run *L, void *ctx);

struct run_update {
	int64_t id;
	run_update_fn fn;
	void *ctx;
	struct locked_run *L;
};

static enum db_rc run_update_body(struct db *db, void *arg)
{
	struct run_update *u = arg;
	enum db_rc rc;

	if ((rc = lock_run(db, u->id, u->L)) != DB_OK)
		return rc;
	return u->fn(db, u->L, u->ctx);
}

/*
 * Locks run `id` with its tasks, calls fn, commits: one db_transaction,
 * tried again from the lock on a deadlock (the lock re-reads everything fn
 * decides on).
 */
static enum db_rc db_run_update(struct db *db, int64_t id, run_update_fn fn, void *ctx)
{
	struct run_update u = { id, fn, ctx, malloc(sizeof(struct locked_run)) };
	enum db_rc rc;

	if (u.L == NULL)
		return DB_ERROR;
	rc = db_transaction(db, run_update_body, &u);
	free(u.L);
	return rc;
}

/* db_task_finish's report. */
struct finish_ctx {
	int64_t task_id, attempt;
	const char *owner;
	const struct task_result *res;
	struct jobs_recorded rec;
};

static enum db_rc finish_locked(struct db *db, struct locked_run *L, void *ctx)
{
	struct finish_ctx *c = ctx;
	struct jobs_recorded *rec = &c->rec;
	struct jobs_attempt_task t;
	MYSQL_BIND in[6];
	enum db_rc rc;
	size_t i;

	for (i = 0; i < L->n && L->task_id[i] != c->task_id; i++)
		;
	if (i == L->n)
		return DB_NOT_FOUND;
	t = (struct jobs_attempt_task){ .name = L->t[i].name,
		                        .status = L->t[i].status,
		                        .attempts = L->attempts[i],
		                        .max_attempts = L->max_attempts[i],
		                        .retry_delay_s = L->retry_delay_s[i],
		                        .backoff = L->backoff[i],
		                        .lease_owner = L->owner[i],
		                        .lease_expired = L->lease_expired[i] };
	if (!jobs_attempt_fenced(&t, c->attempt, c->owner))
		return DB_NOT_FOUND;
	jobs_record_attempt(&t, c->attempt, c->res, rec);
	switch (rec->what) {
	case JOBS_REC_DEFER: {
		int64_t d = c->res->defer_s;

		db_bind_int64(&in[0], &d);
		db_bind_int64(&in[1], &c->task_id);
		return db_query(db, &q_task_defer, in, NULL);
	}
	case JOBS_REC_SUCCEEDED:
		db_bind_str(&in[0], c->res->output, NULL);
		db_bind_int64(&in[1], &c->task_id);
		if ((rc = db_query(db, &q_task_done, in, NULL)) != DB_OK)
			return rc;
		if (c->res->output != NULL) {
			db_bind_str(&in[0], c->res->output, NULL);
			db_bind_int64(&in[1], &L->id);
			if ((rc = db_query(db, &q_run_output, in, NULL)) != DB_OK)
				return rc;
		}
		break;
	case JOBS_REC_RETRY:
	case JOBS_REC_FAILED: {
		const char *st = task_status(rec->status);
		int64_t us = rec->delay_ms * 1000;

		db_bind_str(&in[0], st, NULL);
		db_bind_str(&in[1], rec->error, NULL);
		db_bind_str(&in[2], st, NULL);
		db_bind_int64(&in[3], &us);
		db_bind_str(&in[4], st, NULL);
		db_bind_int64(&in[5], &c->task_id);
		if ((rc = db_query(db, &q_task_failed, in, NULL)) != DB_OK)
			return rc;
		break;
	}
	}
	L->t[i].status = rec->status;
	if ((rc = db_event_add(db, L->id, c->task_id, c->attempt, rec->level, NULL, rec->line)) !=
	    DB_OK)
		return rc;
	return settle(db, L, rec->message[0] ? rec->message : NULL, JR__MAX);
}

enum db_rc db_task_finish(struct db *db, int64_t run_id, int64_t task_id, const char *owner,
                          int64_t attempt, const struct task_result *res)
{
	struct finish_ctx *c = malloc(sizeof(*c));
	enum db_rc rc;

	if (c == NULL)
		return DB_ERROR;
	*c = (struct finish_ctx){
		.task_id = task_id, .attempt = attempt, .owner = owner, .res = res
	};
	rc = db_run_update(db, run_id, finish_locked, c);
	free(c);
	return rc;
}

static const char SQL_CANCEL_RUN[] = "SELECT id FROM runs WHERE uuid = ?";
static struct db_stmt q_cancel_run = DB_STMT_COLS(SQL_CANCEL_RUN, 1, 1, DB_IDEMPOTENT);

static enum db_rc cancel_locked(struct db *db, struct locked_run *L, void *ctx)
{
	char line[320];
	enum db_rc rc;

	if (jobs_cancel(L->t, L->n, L->status, ctx, line, sizeof(line)) < 0)
		return DB_DUPLICATE;
	if ((rc = db_event_add(db, L->id, 0, 0, EV_WARNING, NULL, line)) != DB_OK)
		return rc;
	return settle(db, L, line, JR_CANCELED);
}

enum db_rc db_run_cancel(struct db *db, const char *uuid, const char *who)
{
	MYSQL_BIND in[1], out[1];
	int64_t id = 0;
	enum db_rc rc;

	db_bind_str(&in[0], uuid, NULL);
	db_bind_out_int64(&out[0], &id, NULL);
	if ((rc = db_query_one(db, &q_cancel_run, in, out)) != DB_OK)
		return rc;
	return db_run_update(db, id, cancel_locked, (void *)who);
}

/* ------------------------------------------------------------------ leases */

static const char SQL_DUE[] = "SELECT id FROM tasks WHERE status IN ('ready', 'retrying') "
                              "AND next_attempt_at <= UTC_TIMESTAMP(6) AND executor IN (?, ?) "
                              "ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
static const char SQL_TAKE[] =
        "UPDATE tasks SET status = 'running', lease_owner = ?, "
        "lease_expires_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND, attempts = attempts + 1, "
        "next_attempt_at = NULL, started_at = COALESCE(started_at, UTC_TIMESTAMP(6)), "
        "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
static const char SQL_LEASED[] =
        "SELECT t.run_id, r.uuid, r.kind, t.name, t.attempts, t.max_attempts, t.timeout_s, "
        "r.input, r.executor FROM tasks t JOIN runs r ON r.id = t.run_id WHERE t.id = ?";
static const char SQL_RUN_STARTED[] =
        "UPDATE runs SET status = 'running', started_at = COALESCE(started_at, "
        "UTC_TIMESTAMP(6)), updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND status = 'queued'";
static const char SQL_EXTEND[] =
        "UPDATE tasks SET lease_expires_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND "
        "WHERE id = ? AND lease_owner = ? AND attempts = ? AND status = 'running'";
static const char SQL_EXPIRED[] =
        "SELECT id, run_id, attempts FROM tasks WHERE status = 'running' "
        "AND lease_expires_at < UTC_TIMESTAMP(6) ORDER BY lease_expires_at LIMIT ?";

/* SQL_DUE and SQL_WH_DUE: one column, the id of a due row (due_ids). */
static struct db_stmt q_due = DB_STMT_COLS(SQL_DUE, 3, 1, 0);
static struct db_stmt q_take = DB_STMT(SQL_TAKE, 3, 0);
enum leased_col {
	LE_RUN_ID,
	LE_RUN_UUID,
	LE_KIND,
	LE_NAME,
	LE_ATTEMPT,
	LE_MAX_ATTEMPTS,
	LE_TIMEOUT_S,
	LE_INPUT,
	LE_EXECUTOR,
	LE__MAX
};
static struct db_stmt q_leased = DB_STMT_COLS(SQL_LEASED, 1, LE__MAX, DB_IDEMPOTENT);
static struct db_stmt q_run_started = DB_STMT(SQL_RUN_STARTED, 1, DB_IDEMPOTENT);
static struct db_stmt q_extend = DB_STMT(SQL_EXTEND, 4, DB_IDEMPOTENT);
enum expired_col { EX_TASK_ID, EX_RUN_ID, EX_ATTEMPT, EX__MAX };
static struct db_stmt q_expired = DB_STMT_COLS(SQL_EXPIRED, 1, EX__MAX, DB_IDEMPOTENT);

void leased_clear(struct leased *l)
{
	json_object_put(l->input);
	l->input = NULL;
}

/* Reads what a reconciler needs to run leased task l->task_id. */
static enum db_rc leased_read(struct db *db, struct leased *l)
{
	MYSQL_BIND in[1], out[LE__MAX];
	unsigned long len[LE__MAX] = { 0 };
	char *input = malloc(DB_RUN_JSON_MAX + 1);
	enum db_rc rc;

	if (input == NULL)
		return DB_ERROR;
	db_bind_int64(&in[0], &l->task_id);
	db_bind_out_int64(&out[LE_RUN_ID], &l->run_id, NULL);
	db_bind_out_str(&out[LE_RUN_UUID], l->run_uuid, sizeof(l->run_uuid) - 2, &len[LE_RUN_UUID],
	                NULL);
	db_bind_out_str(&out[LE_KIND], l->kind, sizeof(l->kind) - 2, &len[LE_KIND], NULL);
	db_bind_out_str(&out[LE_NAME], l->name, sizeof(l->name) - 2, &len[LE_NAME], NULL);
	db_bind_out_int64(&out[LE_ATTEMPT], &l->attempt, NULL);
	db_bind_out_int64(&out[LE_MAX_ATTEMPTS], &l->max_attempts, NULL);
	db_bind_out_int64(&out[LE_TIMEOUT_S], &l->timeout_s, NULL);
	db_bind_out_str(&out[LE_INPUT], input, DB_RUN_JSON_MAX, &len[LE_INPUT], NULL);
	db_bind_out_str(&out[LE_EXECUTOR], l->executor, sizeof(l->executor) - 2, &len[LE_EXECUTOR],
	                NULL);
	if ((rc = db_query_one(db, &q_leased, in, out)) == DB_OK) {
		fix_str(l->run_uuid, len[LE_RUN_UUID], sizeof(l->run_uuid) - 2);
		fix_str(l->kind, len[LE_KIND], sizeof(l->kind) - 2);
		fix_str(l->name, len[LE_NAME], sizeof(l->name) - 2);
		fix_str(input, len[LE_INPUT], DB_RUN_JSON_MAX);
		fix_str(l->executor, len[LE_EXECUTOR], sizeof(l->executor) - 2);
		l->input = parse_json(input);
	}
	free(input);
	return rc;
}

/*
 * Inside a lease transaction: runs `q` (its parameters in `in`, its one
 * column the id of a due row, locked FOR UPDATE SKIP LOCKED) and keeps at
 * most `lim` ids in ids[], their number in *got.
 */
static enum db_rc due_ids(struct db *db, struct db_stmt *q, MYSQL_BIND *in, int64_t lim,
                          int64_t *ids, size_t *got)
{
	MYSQL_BIND o[1];
	int64_t id = 0;
	enum db_rc rc;
	int f;

	*got = 0;
	db_bind_out_int64(&o[0], &id, NULL);
	if ((rc = db_query(db, q, in, o)) != DB_OK)
		return rc;
	while ((f = db_fetch(db, q)) == 1)
		if (*got < (size_t)lim)
			ids[(*got)++] = id;
	db_done(db, q);
	return f == 0 ? DB_OK : DB_ERROR;
}

/*
 * Leasing rows is two phases: take_due's transaction only picks the due ids
 * (`due`, its placeholders in due_in) and marks each taken (`take`, whose
 * last placeholder, take_in[id_at], is the id); the caller reads what each
 * needs after the commit. A deadlock or certification conflict runs the
 * pick again (db_transaction), so a retry never keeps ids of a rolled-back try.
 */
struct take_due {
	struct db_stmt *due, *take;
	MYSQL_BIND *due_in, *take_in;
	size_t id_at;
	int64_t lim, *ids;
	size_t got; /* out */
};

static enum db_rc take_due_body(struct db *db, void *arg)
{
	struct take_due *t = arg;
	enum db_rc rc;

	if ((rc = due_ids(db, t->due, t->due_in, t->lim, t->ids, &t->got)) != DB_OK)
		return rc;
	for (size_t i = 0; i < t->got; i++) {
		db_bind_int64(&t->take_in[t->id_at], &t->ids[i]);
		if ((rc = db_query(db, t->take, t->take_in, NULL)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

enum db_rc db_tasks_lease(struct db *db, const char *owner, const char *const executors[2],
                          int64_t lease_s, size_t max, struct leased *out, size_t *n)
{
	MYSQL_BIND in[3], take[3];
	int64_t ids[DB_RUN_MAX_TASKS];
	struct take_due t = { &q_due, &q_take, in, take, 2, (int64_t)max, ids, 0 };
	enum db_rc rc;

	*n = 0;
	if (max == 0)
		return DB_OK;
	if (t.lim > DB_RUN_MAX_TASKS)
		t.lim = DB_RUN_MAX_TASKS;
	db_bind_str(&in[0], executors[0], NULL);
	db_bind_str(&in[1], executors[1], NULL);
	db_bind_int64(&in[2], &t.lim);
	db_bind_str(&take[0], owner, NULL);
	db_bind_int64(&take[1], &lease_s);
	/* The transaction only takes the rows: short, and it touches no run row,
	 * so it cannot deadlock with a writer that locks a run and then its tasks. */
	if ((rc = db_transaction(db, take_due_body, &t)) != DB_OK)
		return rc;
	/* Ours now: read what each needs. A failure here leaves the lease to expire. */
	for (size_t i = 0; i < t.got; i++) {
		memset(&out[*n], 0, sizeof(out[*n]));
		out[*n].task_id = ids[i];
		if ((rc = leased_read(db, &out[*n])) != DB_OK)
			return rc;
		db_bind_int64(&in[0], &out[*n].run_id);
		(*n)++;
		if ((rc = db_query(db, &q_run_started, in, NULL)) != DB_OK)
			return rc;
	}
	return DB_OK;
}

enum db_rc db_task_extend(struct db *db, int64_t task_id, const char *owner, int64_t attempt,
                          int64_t lease_s)
{
	MYSQL_BIND in[4];
	enum db_rc rc;

	db_bind_int64(&in[0], &lease_s);
	db_bind_int64(&in[1], &task_id);
	db_bind_str(&in[2], owner, NULL);
	db_bind_int64(&in[3], &attempt);
	if ((rc = db_query(db, &q_extend, in, NULL)) != DB_OK)
		return rc;
	/* CLIENT_FOUND_ROWS: matched rows, so an unchanged expiry still counts. */
	return db_affected_rows(db, &q_extend) == 1 ? DB_OK : DB_NOT_FOUND;
}

enum db_rc db_tasks_expired(struct db *db, size_t max, struct expired *out, size_t *n)
{
	MYSQL_BIND in[1], o[EX__MAX];
	int64_t lim = (int64_t)max, tid = 0, rid = 0, att = 0;
	enum db_rc rc;
	int f;

	*n = 0;
	db_bind_int64(&in[0], &lim);
	db_bind_out_int64(&o[EX_TASK_ID], &tid, NULL);
	db_bind_out_int64(&o[EX_RUN_ID], &rid, NULL);
	db_bind_out_int64(&o[EX_ATTEMPT], &att, NULL);
	if ((rc = db_query(db, &q_expired, in, o)) != DB_OK)
		return rc;
	while ((f = db_fetch(db, &q_expired)) == 1)
		if (*n < max)
			out[(*n)++] = (struct expired){ tid, rid, att };
	db_done(db, &q_expired);
	return f == 0 ? DB_OK : DB_ERROR;
}

/* ------------------------------------------------------------------ events */

static const char *const level_names[EV__MAX] = {
	"debug",   /* EV_DEBUG */
	"info",    /* EV_INFO */
	"warning", /* EV_WARNING */
	"error",   /* EV_ERROR */
};

const char *run_event_level_name(enum run_event_level l)
{
	return (unsigned)l < EV__MAX ? level_names[l] : "info";
}

int run_event_level_parse(const char *s, enum run_event_level *out)
{
	for (int i = 0; i < EV__MAX; i++)
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum run_event_level)i;
			return 0;
		}
	return -1;
}

static const char SQL_EVENTS[] =
        "SELECT e.id, e.created_at, e.level, COALESCE(t.name, ''), COALESCE(e.attempt, 0), "
        "COALESCE(e.stream, ''), e.message FROM run_events e LEFT JOIN tasks t ON "
        "t.id = e.task_id WHERE e.run_id = ? AND e.id > ? AND e.level >= ? ORDER BY e.id "
        "LIMIT ?";
enum event_col { EC_ID, EC_TIME, EC_LEVEL, EC_TASK, EC_ATTEMPT, EC_STREAM, EC_MESSAGE, EC__MAX };
static struct db_stmt q_events = DB_STMT_COLS(SQL_EVENTS, 4, EC__MAX, DB_IDEMPOTENT);

enum db_rc db_events_list(struct db *db, int64_t run_id, int64_t after,
                          enum run_event_level min_level, int64_t limit,
                          void (*row)(const struct run_event_row *e, void *ud), void *ud)
{
	MYSQL_BIND in[4], out[EC__MAX];
	int64_t id = 0, level = 0, attempt = 0, ml = min_level;
	struct db_str at, task, stream;
	char msg[4004];
	unsigned long mlen = 0;
	enum db_rc rc;
	int f;

	db_bind_int64(&in[0], &run_id);
	db_bind_int64(&in[1], &after);
	db_bind_int64(&in[2], &ml);
	db_bind_int64(&in[3], &limit);
	db_bind_out_int64(&out[EC_ID], &id, NULL);
	db_bind_out_dstr(&out[EC_TIME], &at);
	db_bind_out_int64(&out[EC_LEVEL], &level, NULL);
	db_bind_out_dstr(&out[EC_TASK], &task);
	db_bind_out_int64(&out[EC_ATTEMPT], &attempt, NULL);
	db_bind_out_dstr(&out[EC_STREAM], &stream);
	db_bind_out_str(&out[EC_MESSAGE], msg, sizeof(msg) - 2, &mlen, NULL);
	if ((rc = db_query(db, &q_events, in, out)) != DB_OK)
		return rc;
	while ((f = db_fetch(db, &q_events)) == 1) {
		struct run_event_row e;

		fix_str(msg, mlen, sizeof(msg) - 2);
		db_str_fix(&at);
		db_time_iso(at.buf);
		e = (struct run_event_row){
			.id = id,
			.time = at.buf,
			.level = (enum run_event_level)level,
			.task = db_str_fix(&task)[0] ? task.buf : NULL,
			.attempt = attempt,
			.stream = db_str_fix(&stream)[0] ? stream.buf : NULL,
			.message = msg,
		};
		row(&e, ud);
	}
	db_done(db, &q_events);
	return f == 0 ? DB_OK : DB_ERROR;
}

/* ------------------------------------------------------------------ reconcilers */

static const char SQL_BEAT[] =
        "INSERT INTO reconcilers (owner, host, pid, started_at, last_pass_at, passes, tasks_run) "
        "VALUES (?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6), 1, ?) ON DUPLICATE KEY UPDATE "
        "last_pass_at = UTC_TIMESTAMP(6), passes = passes + 1, tasks_run = tasks_run + "
        "VALUES(tasks_run)";
static const char SQL_BEAT_PRUNE[] =
        "DELETE FROM reconcilers WHERE last_pass_at < UTC_TIMESTAMP(6) - INTERVAL 1 DAY";
static struct db_stmt q_beat = DB_STMT(SQL_BEAT, 4, 0);
static struct db_stmt q_beat_prune = DB_STMT(SQL_BEAT_PRUNE, 0, DB_IDEMPOTENT);

enum db_rc db_reconciler_beat(struct db *db, const char *owner, const char *host, int64_t pid,
                              int64_t tasks)
{
	MYSQL_BIND in[4];
	enum db_rc rc;

	db_bind_str(&in[0], owner, NULL);
	db_bind_str(&in[1], host, NULL);
	db_bind_int64(&in[2], &pid);
	db_bind_int64(&in[3], &tasks);
	if ((rc = db_query(db, &q_beat, in, NULL)) != DB_OK)
		return rc;
	/* Cron starts a new process, so a new owner, every minute: forget old ones. */
	return db_query(db, &q_beat_prune, NULL, NULL);
}

static const char SQL_HEALTH[] =
        "SELECT (SELECT TIMESTAMPDIFF(SECOND, MAX(last_pass_at), UTC_TIMESTAMP(6)) FROM "
        "reconcilers), (SELECT COALESCE(MAX(last_pass_at), '') FROM reconcilers), "
        "(SELECT COUNT(*) FROM tasks WHERE status IN ('ready', 'retrying') AND next_attempt_at "
        "<= UTC_TIMESTAMP(6)), (SELECT COALESCE(TIMESTAMPDIFF(SECOND, MIN(next_attempt_at), "
        "UTC_TIMESTAMP(6)), 0) FROM tasks WHERE status IN ('ready', 'retrying') AND "
        "next_attempt_at <= UTC_TIMESTAMP(6)), (SELECT COUNT(*) FROM tasks WHERE status = "
        "'running'), (SELECT COUNT(*) FROM tasks WHERE status = 'failed' AND finished_at > "
        "UTC_TIMESTAMP(6) - INTERVAL 1 DAY)";
enum health_col {
	HL_LAST_PASS_AGE,
	HL_LAST_PASS_AT,
	HL_QUEUE_DEPTH,
	HL_OLDEST_DUE,
	HL_RUNNING,
	HL_FAILED_24H,
	HL__MAX
};
static struct db_stmt q_health = DB_STMT_COLS(SQL_HEALTH, 0, HL__MAX, DB_IDEMPOTENT);

enum db_rc db_reconciler_health(struct db *db, struct reconciler_health *h)
{
	MYSQL_BIND out[HL__MAX];
	my_bool never = 0;
	unsigned long len = 0;
	enum db_rc rc;

	memset(h, 0, sizeof(*h));
	db_bind_out_int64(&out[HL_LAST_PASS_AGE], &h->last_pass_age_s, &never);
	db_bind_out_str(&out[HL_LAST_PASS_AT], h->last_pass_at, sizeof(h->last_pass_at) - 2, &len,
	                NULL);
	db_bind_out_int64(&out[HL_QUEUE_DEPTH], &h->queue_depth, NULL);
	db_bind_out_int64(&out[HL_OLDEST_DUE], &h->oldest_due_s, NULL);
	db_bind_out_int64(&out[HL_RUNNING], &h->running, NULL);
	db_bind_out_int64(&out[HL_FAILED_24H], &h->failed_24h, NULL);
	if ((rc = db_query_one(db, &q_health, NULL, out)) != DB_OK)
		return rc;
	fix_str(h->last_pass_at, len, sizeof(h->last_pass_at) - 2);
	db_time_iso(h->last_pass_at);
	h->ever = !never;
	return DB_OK;
}

/* ------------------------------------------------------------------ webhooks */

static const char SQL_WH_DUE[] =
        "SELECT id FROM webhooks WHERE status = 'pending' AND next_attempt_at <= "
        "UTC_TIMESTAMP(6) ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED";
static const char SQL_WH_TAKE[] =
        "UPDATE webhooks SET attempts = attempts + 1, next_attempt_at = UTC_TIMESTAMP(6) + "
        "INTERVAL ? SECOND WHERE id = ?";
static const char SQL_WH_READ[] =
        "SELECT w.run_id, r.uuid, w.url, w.attempts FROM webhooks w JOIN runs r ON r.id = "
        "w.run_id WHERE w.id = ?";
static const char SQL_WH_DONE[] =
        "UPDATE webhooks SET status = ?, last_status = NULLIF(?, 0), last_error = ?, "
        "delivered_at = IF(? = 'delivered', UTC_TIMESTAMP(6), NULL), next_attempt_at = "
        "IF(? = 'pending', UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND, NULL) "
        "WHERE id = ? AND attempts = ?";
static struct db_stmt q_wh_due = DB_STMT_COLS(SQL_WH_DUE, 1, 1, 0);
static struct db_stmt q_wh_take = DB_STMT(SQL_WH_TAKE, 2, 0);
enum webhook_col { WR_RUN_ID, WR_RUN_UUID, WR_URL, WR_ATTEMPT, WR__MAX };
static struct db_stmt q_wh_read = DB_STMT_COLS(SQL_WH_READ, 1, WR__MAX, DB_IDEMPOTENT);
static struct db_stmt q_wh_done = DB_STMT(SQL_WH_DONE, 8, 0);

enum db_rc db_webhooks_lease(struct db *db, int64_t lease_s, size_t max, struct webhook_due *out,
                             size_t *n)
{
	MYSQL_BIND in[2], take[2], o[WR__MAX];
	int64_t ids[64];
	struct take_due t = { &q_wh_due, &q_wh_take, in, take, 1, (int64_t)(max > 64 ? 64 : max),
		              ids,       0 };
	unsigned long len[WR__MAX] = { 0 };
	enum db_rc rc;

	*n = 0;
	db_bind_int64(&in[0], &t.lim);
	db_bind_int64(&take[0], &lease_s);
	if ((rc = db_transaction(db, take_due_body, &t)) != DB_OK)
		return rc;
	for (size_t i = 0; i < t.got; i++) {
		struct webhook_due *w = &out[*n];

		memset(w, 0, sizeof(*w));
		w->id = ids[i];
		db_bind_int64(&in[0], &w->id);
		db_bind_out_int64(&o[WR_RUN_ID], &w->run_id, NULL);
		db_bind_out_str(&o[WR_RUN_UUID], w->run_uuid, sizeof(w->run_uuid) - 2,
		                &len[WR_RUN_UUID], NULL);
		db_bind_out_str(&o[WR_URL], w->url, sizeof(w->url) - 2, &len[WR_URL], NULL);
		db_bind_out_int64(&o[WR_ATTEMPT], &w->attempt, NULL);
		if ((rc = db_query_one(db, &q_wh_read, in, o)) != DB_OK)
			return rc;
		fix_str(w->run_uuid, len[WR_RUN_UUID], sizeof(w->run_uuid) - 2);
		fix_str(w->url, len[WR_URL], sizeof(w->url) - 2);
		(*n)++;
	}
	return DB_OK;
}

enum db_rc db_webhook_done(struct db *db, int64_t id, int64_t attempt, bool ok, bool final,
                           int64_t http_status, const char *error, int64_t retry_ms)
{
	MYSQL_BIND in[8];
	const char *st = ok ? "delivered" : final ? "failed" : "pending";
	int64_t us = retry_ms * 1000;

	db_bind_str(&in[0], st, NULL);
	db_bind_int64(&in[1], &http_status);
	db_bind_str(&in[2], ok ? NULL : error, NULL);
	db_bind_str(&in[3], st, NULL);
	db_bind_str(&in[4], st, NULL);
	db_bind_int64(&in[5], &us);
	db_bind_int64(&in[6], &id);
	db_bind_int64(&in[7], &attempt);
	return db_query(db, &q_wh_done, in, NULL);
}

/* ------------------------------------------------------------------ runs of every kind */

/*
 * GET /runs. A filter is off when its count is 0 (the unused places of a
 * list repeat its first name), so that one prepared statement serves every
 * combination. Plans (EXPLAIN on 50,000 runs): the page walks the primary
 * key backwards (newest first, stops after the page) unless kind and status
 * narrow it through runs_kind_status_created; the count reads only
 * runs_kind_status_created (kind, kind and status: a range; neither: the
 * whole index), or runs_idempotency for created_by. The count has a second
 * statement for created_by: a column named in the WHERE, even behind
 * "? = '' OR", makes the index no longer cover the count.
 */
#define RUNS_WHERE                                                                                 \
	" WHERE (? = 0 OR r.kind IN (?, ?, ?, ?)) AND (? = 0 OR r.status IN (?, ?, ?, ?, ?))"
#define RUNS_NFILTER 11 /* the placeholders of RUNS_WHERE; created_by is the next */
static const char SQL_RUNS_COUNT[] = "SELECT COUNT(*) FROM runs r" RUNS_WHERE;
static const char SQL_RUNS_COUNT_BY[] =
        "SELECT COUNT(*) FROM runs r" RUNS_WHERE " AND r.created_by = ?";
static const char SQL_RUNS_LIST[] =
        "SELECT " RUN_COLS RUN_DESTROY_COLS " FROM runs r " RUN_DESTROY_JOIN RUNS_WHERE
        " AND (? = '' OR r.created_by = ?) ORDER BY r.id DESC LIMIT ? OFFSET ?";
/* SQL_RUNS_LIST: RUN_COLS, then the latest destroy's columns. */
enum runs_col { RUNS_DESTROY_UUID = RC__MAX, RUNS_DESTROY_STATUS, RUNS__MAX };
_Static_assert(RUNS__MAX - RC__MAX <= RUN_ROW_EXTRA, "struct run_row has room for the join");
static struct db_stmt q_runs_count = DB_STMT_COLS(SQL_RUNS_COUNT, RUNS_NFILTER, 1, DB_IDEMPOTENT);
static struct db_stmt q_runs_count_by =
        DB_STMT_COLS(SQL_RUNS_COUNT_BY, RUNS_NFILTER + 1, 1, DB_IDEMPOTENT);
static struct db_stmt q_runs_list =
        DB_STMT_COLS(SQL_RUNS_LIST, RUNS_NFILTER + 4, RUNS__MAX, DB_IDEMPOTENT);

/* Binds the RUNS_NFILTER placeholders of RUNS_WHERE from f; *nk and *ns hold the counts. */
static void bind_runs_filter(MYSQL_BIND *in, const struct run_filter *f, int64_t *nk, int64_t *ns)
{
	*nk = (int64_t)f->nkind;
	*ns = (int64_t)f->nstatus;
	db_bind_int64(&in[0], nk);
	for (size_t i = 0; i < DB_RUN_FILTER_KINDS; i++)
		db_bind_str(&in[1 + i],
		            i < f->nkind ? f->kind[i]
		            : f->nkind   ? f->kind[0]
		                         : "",
		            NULL);
	db_bind_int64(&in[5], ns);
	for (size_t i = 0; i < JR__MAX; i++)
		db_bind_str(&in[6 + i],
		            i < f->nstatus ? jobs_run_status_name(f->status[i])
		            : f->nstatus   ? jobs_run_status_name(f->status[0])
		                           : "",
		            NULL);
}

/* db_runs_list's row callback, its argument and the join's buffers. */
struct runs_ctx {
	void (*row)(const struct run *r, const struct provision_destroy *d, void *ud);
	void *ud;
	struct db_str uuid, status;
};

static void runs_each(struct run *r, void *arg)
{
	struct runs_ctx *c = arg;
	struct provision_destroy d;

	run_row_destroy(&d, &c->uuid, &c->status);
	c->row(r, &d, c->ud);
}

enum db_rc db_runs_list(struct db *db, const struct run_filter *f, int64_t limit, int64_t offset,
                        void (*row)(const struct run *r, const struct provision_destroy *d,
                                    void *ud),
                        void *ud, int64_t *total)
{
	const char *by = f->created_by != NULL ? f->created_by : "";
	MYSQL_BIND in[RUNS_NFILTER + 4], cnt[1];
	struct runs_ctx c = { .row = row, .ud = ud };
	struct run_row o;
	struct run *r;
	int64_t nk, ns;
	enum db_rc rc;

	bind_runs_filter(in, f, &nk, &ns);
	db_bind_str(&in[RUNS_NFILTER], by, NULL);
	db_bind_out_int64(&cnt[0], total, NULL);
	rc = db_query_one(db, *by ? &q_runs_count_by : &q_runs_count, in, cnt);
	if (rc != DB_OK)
		return rc;
	db_bind_str(&in[RUNS_NFILTER + 1], by, NULL);
	db_bind_int64(&in[RUNS_NFILTER + 2], &limit);
	db_bind_int64(&in[RUNS_NFILTER + 3], &offset);
	/* struct run is large (its message and subject): on the heap. */
	if ((r = malloc(sizeof(*r))) == NULL)
		return DB_ERROR;
	if (run_row_bind(&o, r) < 0) {
		free(r);
		return DB_ERROR;
	}
	db_bind_out_dstr(&o.b[RUNS_DESTROY_UUID], &c.uuid);
	db_bind_out_dstr(&o.b[RUNS_DESTROY_STATUS], &c.status);
	rc = run_rows(db, &q_runs_list, in, &o, r, runs_each, &c);
	run_clear(r);
	run_row_free(&o);
	free(r);
	return rc;
}
