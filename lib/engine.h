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

#endif
