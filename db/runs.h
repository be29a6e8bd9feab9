/* runs.h: the queries of the run engine: runs, tasks, leases, events, reconcilers. */
#ifndef STRATUS_DB_RUNS_H
#define STRATUS_DB_RUNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "lib/engine.h"

struct json_object;
struct provision_destroy;

/* The most tasks one run may have (the engine's limit is higher). */
#define DB_RUN_MAX_TASKS 64
/* The largest input or output JSON of a run that is read back. */
#define DB_RUN_JSON_MAX (256 * 1024)

/* ------------------------------------------------------------------ runs */

struct run_task_new {
	const char *name;
	const char *depends_on; /* "a,b" or "" */
	int64_t max_attempts;
	int64_t retry_delay_s;
	bool retry_backoff;
	int64_t timeout_s;
};

struct run_new {
	const char *uuid;
	const char *kind;            /* "provision" */
	const char *subject;         /* what it is about, for lists; may be NULL */
	const char *executor;        /* "terraform" */
	const char *input;           /* JSON text */
	const char *created_by;      /* the creator's username, or the label of a key without one */
	int64_t created_by_user_id;  /* the creator's user id; 0 for a key without an account */
	const char *idempotency_key; /* NULL when none */
	const char *request_hash;    /* SHA-256 hex of the request, with the key */
	const char *callback_url;    /* completion webhook, or NULL */
	const struct run_task_new *tasks;
	size_t ntasks;
};

/*
 * Creates the run and its tasks in one transaction (db_transaction: a
 * deadlock is tried again): the tasks with nothing to wait for are ready
 * at once. Sets *id. DB_DUPLICATE when the creator
 * already used the idempotency key. The graph must have passed
 * jobs_graph_check.
 */
enum db_rc db_run_create(struct db *db, const struct run_new *n, int64_t *id);

/*
 * What a kind of run adds to the creation of its runs, in the same
 * transaction (the extension point of kind-specific tables joined by
 * run_id, such as provision_destroys): check() first (lock and decide;
 * anything but DB_OK stops the creation and is its answer), then the run
 * and its tasks are inserted, then link() writes the kind's own row for
 * run `run_id`. Either may be NULL. They are db/ functions: the transaction
 * may run them again after a deadlock, so they keep no state of a try.
 */
struct run_create_hooks {
	enum db_rc (*check)(struct db *db, void *ctx);
	enum db_rc (*link)(struct db *db, int64_t run_id, void *ctx);
	void *ctx;
};

/* db_run_create with the hooks of a kind (h may be NULL): one db_transaction. */
enum db_rc db_run_create_with(struct db *db, const struct run_new *n,
                              const struct run_create_hooks *h, int64_t *id);

/* One run as read. input and output belong to the struct: run_clear frees them. */
struct run {
	int64_t id;
	char uuid[40];
	char kind[36];
	char subject[256];
	char executor[20];
	enum jobs_run_status status;
	struct json_object *input;  /* NULL when unreadable */
	struct json_object *output; /* NULL when none */
	char message[2004];         /* "" when none */
	char created_by[256];
	int64_t created_by_user_id; /* 0: none (an environment key), who may change it: admins */
	char idempotency_key[256];  /* "" when none */
	char request_hash[68];
	char created_at[32];
	char updated_at[32];
	char started_at[32];  /* "" when not yet */
	char finished_at[32]; /* "" when not yet */
};
void run_clear(struct run *r);

/* The run `uuid` (of `kind`, or any when NULL). DB_NOT_FOUND when none. */
enum db_rc db_run_get(struct db *db, const char *uuid, const char *kind, struct run *r);

/*
 * The run `created_by` made with Idempotency-Key `key`. DB_NOT_FOUND when
 * none; DB_BUSY when a request with that key is creating it right now (its
 * transaction holds the row: a locking read with NOWAIT).
 */
enum db_rc db_run_by_idempotency(struct db *db, const char *created_by, const char *key,
                                 struct run *r);

/* One task of a run as db_run_tasks reads it; its strings live only for the row() call. */
struct run_task_row {
	const char *name;
	const char *depends_on; /* "a,b": names of tasks of the same run, "" none */
	const char *status;     /* "waiting", "running", ... */
	int64_t attempts, max_attempts;
	const char *last_error;      /* NULL when none */
	const char *next_attempt_at; /* ISO 8601 UTC, NULL when none */
	const char *started_at;      /* ISO 8601 UTC, NULL when none */
	const char *finished_at;     /* ISO 8601 UTC, NULL when none */
};

/* Calls row() for each of the run's tasks, in order. */
enum db_rc db_run_tasks(struct db *db, int64_t run_id,
                        void (*row)(const struct run_task_row *t, void *ud), void *ud);

/*
 * Cancels a run that is not finished: pending, ready and retrying tasks
 * become canceled at once; a running task is canceled too, and the
 * reconciler running it finds out at its next lease extension and kills
 * the step. DB_NOT_FOUND when there is no such run, DB_DUPLICATE when it
 * had finished already.
 */
enum db_rc db_run_cancel(struct db *db, const char *uuid, const char *who);

/* ------------------------------------------------------------------ leases */

/* A task a reconciler holds. input is owned by the struct (leased_clear). */
struct leased {
	int64_t task_id;
	int64_t run_id;
	char run_uuid[40];
	char kind[36];
	char executor[20]; /* "terraform" or "airflow" */
	char name[JOBS_NAME_MAX + 4];
	int64_t attempt; /* this attempt's number, 1-based: the fencing token */
	int64_t max_attempts;
	int64_t timeout_s;
	struct json_object *input;
};
void leased_clear(struct leased *l);

/*
 * Leases up to `max` due tasks (ready or retrying, next_attempt_at passed)
 * of runs whose executor is one of `executors` (name one twice for one) for
 * `owner`: SELECT ... FOR UPDATE SKIP LOCKED in a short transaction that
 * makes them running with a lease of lease_s seconds and counts the
 * attempt, so that any number of reconcilers never take the same attempt.
 * Fills out[0..*n) and marks their runs running.
 */
enum db_rc db_tasks_lease(struct db *db, const char *owner, const char *const executors[2],
                          int64_t lease_s, size_t max, struct leased *out, size_t *n);

/*
 * Extends the lease of attempt `attempt` of a task by lease_s seconds from
 * now. DB_NOT_FOUND when the lease is no longer ours (canceled, or taken
 * over after it expired): the step must stop.
 */
enum db_rc db_task_extend(struct db *db, int64_t task_id, const char *owner, int64_t attempt,
                          int64_t lease_s);

/* struct task_result, the outcome of one attempt, is in lib/engine.h. */

/*
 * Records the outcome of attempt `attempt` held by `owner` (NULL: any owner
 * whose lease has expired, for recovery), then moves the run forward (the
 * engine's jobs_settle) in one transaction that locks the run: a failure
 * becomes retrying or, attempts exhausted, failed and cancels what depends
 * on it; the run finishes when every task has. DB_NOT_FOUND when the
 * attempt is no longer ours (the result is dropped).
 */
enum db_rc db_task_finish(struct db *db, int64_t run_id, int64_t task_id, const char *owner,
                          int64_t attempt, const struct task_result *res);

/* A running task whose lease expired. */
struct expired {
	int64_t task_id, run_id, attempt;
};
/* Up to `max` running tasks whose lease expired before now. */
enum db_rc db_tasks_expired(struct db *db, size_t max, struct expired *out, size_t *n);

/* ------------------------------------------------------------------ events */

/* enum run_event_level (EV_DEBUG ... EV_ERROR) is in lib/engine.h: the engine chooses levels. */
const char *run_event_level_name(enum run_event_level l);
/* "debug|info|warning|error" -> level; -1 when unknown. */
int run_event_level_parse(const char *s, enum run_event_level *out);

/* Appends one line to a run's log. task_id 0: the run's own; stream may be NULL. */
enum db_rc db_event_add(struct db *db, int64_t run_id, int64_t task_id, int64_t attempt,
                        enum run_event_level level, const char *stream, const char *message);

/* One event of a run's log as db_events_list reads it; strings live only for the row() call. */
struct run_event_row {
	int64_t id;
	const char *time; /* ISO 8601 UTC */
	enum run_event_level level;
	const char *task;   /* its task's name, NULL for the run's own */
	int64_t attempt;    /* 0 when none */
	const char *stream; /* "stdout", "stderr", NULL when none */
	const char *message;
};

/*
 * Calls row() for up to `limit` events of the run with id > after and
 * level >= min_level, oldest first.
 */
enum db_rc db_events_list(struct db *db, int64_t run_id, int64_t after,
                          enum run_event_level min_level, int64_t limit,
                          void (*row)(const struct run_event_row *e, void *ud), void *ud);

/* ------------------------------------------------------------------ webhooks */

/* A completion webhook a reconciler delivers now. */
struct webhook_due {
	int64_t id;
	int64_t run_id;
	char run_uuid[40];
	char url[2052];
	int64_t attempt; /* this delivery's number, 1-based */
};

/*
 * Leases up to `max` due webhooks (pending, next_attempt_at passed) with
 * FOR UPDATE SKIP LOCKED: counts the attempt and pushes next_attempt_at
 * lease_s into the future, so that a reconciler that dies mid-delivery
 * leaves it to be sent again.
 */
enum db_rc db_webhooks_lease(struct db *db, int64_t lease_s, size_t max, struct webhook_due *out,
                             size_t *n);

/*
 * Records delivery `attempt` of webhook `id`: delivered when `ok`; else
 * pending again in retry_ms, or failed when `final`. http_status 0: none.
 */
enum db_rc db_webhook_done(struct db *db, int64_t id, int64_t attempt, bool ok, bool final,
                           int64_t http_status, const char *error, int64_t retry_ms);

/* ------------------------------------------------------------------ reconcilers */

/* What GET /status says about the reconcilers. */
struct reconciler_health {
	bool ever;               /* any pass recorded */
	int64_t last_pass_age_s; /* seconds since the latest pass of any reconciler */
	char last_pass_at[32];   /* ISO 8601, "" when never */
	int64_t queue_depth;     /* tasks due now */
	int64_t oldest_due_s;    /* how long the longest-waiting due task has waited */
	int64_t running;         /* tasks leased now */
	int64_t failed_24h;      /* tasks that exhausted their attempts in the last 24 h */
};
enum db_rc db_reconciler_health(struct db *db, struct reconciler_health *h);

/* Records a pass of reconciler `owner` that ran `tasks` tasks; forgets owners silent for a day. */
enum db_rc db_reconciler_beat(struct db *db, const char *owner, const char *host, int64_t pid,
                              int64_t tasks);

/* ------------------------------------------------------------------ runs of every kind */

/* The most kinds one list may name (GET /runs?kind=a,b). */
#define DB_RUN_FILTER_KINDS 4

/* Which runs db_runs_list reads; an empty list or NULL means any. */
struct run_filter {
	const char *kind[DB_RUN_FILTER_KINDS];
	size_t nkind;
	enum jobs_run_status status[JR__MAX];
	size_t nstatus;
	const char *created_by; /* the creator as stored (a username), or NULL */
};

/*
 * Runs of every kind that pass `f`, newest first (by id: the order they
 * were created in): calls row() for each with a run and its latest destroy
 * (d->has false: none) that live only for the call. Sets *total to the count over every page. Two
 * statements: the count and the page.
 */
enum db_rc db_runs_list(struct db *db, const struct run_filter *f, int64_t limit, int64_t offset,
                        void (*row)(const struct run *r, const struct provision_destroy *d,
                                    void *ud),
                        void *ud, int64_t *total);

#endif
