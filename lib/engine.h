/* engine.h: the run engine's rules: statuses, task readiness, retries, run completion. */
#ifndef STRATUS_ENGINE_H
#define STRATUS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * No SQL and no HTTP here: db/runs.c loads a run's tasks into these structs,
 * asks the engine what changes, and writes the changes back in the same
 * transaction. The reconciler and the handlers read the names and actions.
 */

enum jobs_run_status {
	JR_QUEUED,    /* JR_QUEUED: created, no task started yet */
	JR_RUNNING,   /* JR_RUNNING */
	JR_SUCCEEDED, /* JR_SUCCEEDED */
	JR_FAILED,    /* JR_FAILED */
	JR_CANCELED,  /* JR_CANCELED */
	JR__MAX
};

enum jobs_task_status {
	JT_PENDING,   /* JT_PENDING: waits for what it depends on */
	JT_READY,     /* JT_READY: due at next_attempt_at */
	JT_RUNNING,   /* JT_RUNNING: leased by a reconciler */
	JT_RETRYING,  /* JT_RETRYING: failed, due again at next_attempt_at */
	JT_SUCCEEDED, /* JT_SUCCEEDED */
	JT_FAILED,    /* JT_FAILED: attempts exhausted */
	JT_CANCELED,  /* JT_CANCELED */
	JT__MAX
};

/* Names as stored and served ("queued", "retrying", ...); NULL when out of range. */
const char *jobs_run_status_name(enum jobs_run_status s);
const char *jobs_task_status_name(enum jobs_task_status s);
/* Parses a stored name; returns 0 or -1. */
int jobs_run_status_parse(const char *s, enum jobs_run_status *out);
int jobs_task_status_parse(const char *s, enum jobs_task_status *out);

bool jobs_run_terminal(enum jobs_run_status s);
bool jobs_task_terminal(enum jobs_task_status s);

/*
 * The status the original provisioner's clients read: in_progress (queued,
 * running), completed, failed, canceled.
 */
const char *jobs_public_status(enum jobs_run_status s);
/*
 * The run statuses behind a public status: sets out[0..*n) and returns 0, or
 * -1 when `public_status` is not one of the four.
 */
int jobs_public_status_parse(const char *public_status, enum jobs_run_status out[2], size_t *n);

#define JOBS_NAME_MAX 64
#define JOBS_DEPS_MAX 512

/* One task as the engine sees it. */
struct jobs_task {
	char name[JOBS_NAME_MAX + 1];
	char depends_on[JOBS_DEPS_MAX + 1]; /* "a,b": names of tasks of the same run */
	enum jobs_task_status status;
	bool changed; /* set by jobs_settle when it moved status */
};

/*
 * Checks a task graph before it is stored: names are 1-64 of [a-z0-9_],
 * unique; every dependency names another task; no cycle. Returns 0, or -1
 * with one line in why.
 */
int jobs_graph_check(const struct jobs_task *t, size_t n, char *why, size_t whylen);

/*
 * Moves the run forward after any change: a pending task whose every
 * dependency succeeded becomes ready; a pending or ready task that depends
 * (directly or not) on a failed or canceled task is canceled. Marks each
 * moved task `changed`. Then computes the run's status from its tasks into
 * *run: terminal once every task is terminal (failed if any failed, else
 * canceled if any was canceled, else succeeded), running once any task has
 * started, else it stays queued. A run already terminal keeps its status.
 * Returns the number of tasks changed.
 */
size_t jobs_settle(struct jobs_task *t, size_t n, enum jobs_run_status *run);

/* What the reconciler does with a failed attempt. */
enum jobs_after_failure {
	JOBS_RETRY, /* JOBS_RETRY: retrying, due after the delay */
	JOBS_FAIL,  /* JOBS_FAIL: attempts exhausted */
};
enum jobs_after_failure jobs_on_failure(int64_t attempts, int64_t max_attempts);

/*
 * The delay before attempt `attempt` + 1, after `attempt` (>= 1) failed, in
 * milliseconds: `base_s` seconds, doubled per earlier failure when `backoff`
 * (capped at one day), plus up to `jitter` of itself (0 to 1) scaled by
 * `rnd` in [0, 1). Pure: the caller supplies the random number.
 */
int64_t jobs_retry_delay_ms(int64_t base_s, int64_t attempt, bool backoff, double jitter,
                            double rnd);

/* What may be done next with a run (the "actions" object of the API). */
struct jobs_actions {
	bool is_cancelable;  /* queued or running */
	bool is_retryable;   /* failed or canceled */
	bool is_destroyable; /* a provisioning run that finished (its resources may exist) */
};
struct jobs_actions jobs_run_actions(enum jobs_run_status s, const char *kind);

/* ------------------------------------------------------------------ a run's log levels */

enum run_event_level {
	EV_DEBUG,   /* EV_DEBUG */
	EV_INFO,    /* EV_INFO */
	EV_WARNING, /* EV_WARNING */
	EV_ERROR,   /* EV_ERROR */
	EV__MAX
};

/* ------------------------------------------------------------------ recording an attempt */

/* The outcome of one attempt, as the reconciler reports it. */
struct task_result {
	bool ok;
	const char *output; /* JSON object text merged into the run's output, or NULL */
	const char *error;  /* on failure */
	bool retry_now;     /* a lost worker, not a failing step: no delay */
	bool final;         /* a failure no further attempt can mend: failed at once */
	int64_t defer_s;    /* > 0: not finished, look again in defer_s seconds (no attempt
	                       is spent: the task is ready again then) */
	double rnd;         /* [0, 1) for the retry jitter */
};

/* A task of a locked run, as the finish policy sees it. */
struct jobs_attempt_task {
	const char *name;
	enum jobs_task_status status;
	int64_t attempts; /* the attempt it is on (the one its lease is for) */
	int64_t max_attempts;
	int64_t retry_delay_s;
	bool backoff;
	const char *lease_owner; /* "" when none */
	bool lease_expired;
};

/*
 * The fencing: whether a report of attempt `attempt` by `owner` may be
 * recorded. Only the holder of that attempt's lease may; owner NULL is the
 * recovery of a lease that has expired.
 */
bool jobs_attempt_fenced(const struct jobs_attempt_task *t, int64_t attempt, const char *owner);

/* What recording an attempt does to its task. */
enum jobs_record {
	JOBS_REC_DEFER,     /* JOBS_REC_DEFER: not finished elsewhere, ready again after defer_s,
	                       attempt given back */
	JOBS_REC_SUCCEEDED, /* JOBS_REC_SUCCEEDED */
	JOBS_REC_RETRY,     /* JOBS_REC_RETRY: retrying after delay_ms */
	JOBS_REC_FAILED,    /* JOBS_REC_FAILED: failed for good */
};

/* The decision for one attempt, with its wording. */
struct jobs_recorded {
	enum jobs_record what;
	enum jobs_task_status status; /* the task's new status (unchanged for a defer) */
	int64_t delay_ms;             /* before the next attempt (JOBS_REC_RETRY) */
	const char *error;            /* the error stored (failures), never NULL then */
	enum run_event_level level;   /* of line */
	char line[2200];              /* the task's log line, "" for a defer */
	char message[2200];           /* the run's message should it end now, "" none */
};

/*
 * Decides what attempt `attempt` of task t, which ended with `res`, means:
 * a defer, a success, a retry (with its jittered delay) or a failure for
 * good; and how the log and the run's message say it. Pure.
 */
void jobs_record_attempt(const struct jobs_attempt_task *t, int64_t attempt,
                         const struct task_result *res, struct jobs_recorded *out);

/* ------------------------------------------------------------------ cancel and settle wording */

/*
 * Cancels a run in `status` with tasks t[0..n): every unfinished task (the
 * running ones too: their reconciler stops them) becomes canceled and
 * `changed`; line gets "canceled by <who>" ("?" when NULL). Returns 0, or
 * -1 without changing anything when the run has already finished.
 */
int jobs_cancel(struct jobs_task *t, size_t n, enum jobs_run_status status, const char *who,
                char *line, size_t len);

/* The log line of a task jobs_settle or jobs_cancel moved ("task x is canceled"), and its level. */
enum run_event_level jobs_task_moved(const struct jobs_task *t, char *line, size_t len);

/* The log line of a run that changed status ("run is failed"), and its level. */
enum run_event_level jobs_run_moved(enum jobs_run_status s, char *line, size_t len);

/* ------------------------------------------------------------------ destroy */

/*
 * Whether the last destroy run of a provisioning request (JR__MAX: none)
 * stands in the way of another: queued, running, or done.
 */
bool jobs_destroy_blocks(enum jobs_run_status last_destroy);

/*
 * Whether a provisioning run in `target` may get a destroy run now: it
 * ended (not canceled) and no destroy blocks it (last_destroy JR__MAX: none).
 */
bool jobs_destroy_allowed(enum jobs_run_status target, enum jobs_run_status last_destroy);

#endif
