/* executors.h: the one table of executors: what carries out a run's steps, by name. */
#ifndef STRATUS_JOBS_EXECUTORS_H
#define STRATUS_JOBS_EXECUTORS_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;
struct tf_ctx;
struct af_ctx;

/* What the executors of one reconciler are set up with (NULL members: not configured). */
struct exec_env {
	const struct tf_ctx *tf;
	const struct af_ctx *af;
};

/* The outcomes of one step. */
enum exec_outcome {
	EXEC_DONE,   /* EXEC_DONE: finished well; *output may hold its result */
	EXEC_WAIT,   /* EXEC_WAIT: not finished elsewhere, look again later */
	EXEC_RETRY,  /* EXEC_RETRY: a failed attempt, retried under the task's policy */
	EXEC_FAILED, /* EXEC_FAILED: failed for good, no further attempt */
};

/*
 * One row per executor. A run names its executor (runs.executor); every
 * decision that depends on it is a member here, so an unknown name is one
 * lookup miss (executor_find returns NULL) and a new executor is one row.
 */
struct executor {
	const char *name; /* as stored in runs.executor and STRATUS_EXECUTOR */
	/* Requests it carried out can be destroyed here (by a destroy run of its own). */
	bool destroys_here;
	/* Whether it is configured in `e` (a reconciler leases only tasks it can run). */
	bool (*available)(const struct exec_env *e);
	/* Whether `step` is one of the steps it can carry out. */
	bool (*validate)(const char *step);
	/*
	 * Carries out one step of a run whose input is `input`, in the reconciler's
	 * child process. On EXEC_DONE *output is NULL or a JSON text the caller frees;
	 * on EXEC_RETRY and EXEC_FAILED `why` holds one line.
	 */
	enum exec_outcome (*run)(const struct exec_env *e, const char *step,
	                         struct json_object *input, char **output, char *why,
	                         size_t whylen);
};

/* The table, and its length. */
extern const struct executor executors[];
extern const size_t executors_n;

/* The executor called `name`, or NULL when there is none (also for NULL). */
const struct executor *executor_find(const char *name);

/* The executor whose destroy runs tear down what a provisioning request made. */
const struct executor *executor_destroyer(void);

#endif
