/* exec_airflow.h: the airflow executor: a provisioning run handed to an Apache Airflow DAG. */
#ifndef STRATUS_JOBS_EXEC_AIRFLOW_H
#define STRATUS_JOBS_EXEC_AIRFLOW_H

#include <stddef.h>

struct json_object;

/* Where the DAG lives and how to reach it (the configuration's AIRFLOW_*). */
struct af_ctx {
	const char *url;      /* the API's base: http://airflow:8080 */
	const char *dag;      /* AIRFLOW_DAG_ID */
	const char *user;     /* basic auth, or NULL */
	const char *password; /* with user */
	const char *token;    /* bearer, or NULL */
	long timeout_ms;
};

/* What Stratus makes of an Airflow task instance's state. */
enum af_verdict {
	AF_WAIT,    /* AF_WAIT: not finished (queued, running, up_for_retry, ...) */
	AF_SUCCESS, /* AF_SUCCESS */
	AF_FAILED,  /* AF_FAILED: failed for good (failed, upstream_failed, skipped, removed) */
};

/* Maps a state as the stable REST API spells it (NULL: not scheduled yet). Pure. */
enum af_verdict af_map_state(const char *state);

/* The outcomes of af_step. */
#define AF_STEP_DONE   0  /* the task instance succeeded */
#define AF_STEP_WAIT   1  /* look again later */
#define AF_STEP_RETRY  -1 /* Airflow could not be asked: a failed attempt */
#define AF_STEP_FAILED -2 /* the task instance failed for good */

/*
 * One look at step `step` of the DAG run "stratus-<request_id>" for a run
 * whose input is `input`: creates the DAG run (with the input as its conf)
 * when it does not exist yet, then reads the task instance of the same
 * name. On AF_STEP_DONE *output may be a JSON object text (terraform_apply:
 * {"instances":[...]} from its XCom return_value) the caller frees.
 * Progress goes to stdout. Otherwise err says why.
 */
int af_step(const struct af_ctx *c, const char *step, struct json_object *input, char **output,
            char *err, size_t errlen);

#endif
