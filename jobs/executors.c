/* executors.c: the one table of executors (terraform, airflow) and its lookups. */
#include "config.h"

#include <string.h>

#include "jobs/exec_airflow.h"
#include "jobs/exec_terraform.h"
#include "jobs/executors.h"

/* ------------------------------------------------------------------ terraform */

static bool tf_available(const struct exec_env *e)
{
	return e->tf != NULL;
}

static enum exec_outcome tf_run(const struct exec_env *e, const char *step,
                                struct json_object *input, char **output, char *why, size_t whylen)
{
	return tf_step(e->tf, step, input, output, why, whylen) == 0 ? EXEC_DONE : EXEC_RETRY;
}

/* ------------------------------------------------------------------ airflow */

static bool af_available(const struct exec_env *e)
{
	return e->af != NULL && e->af->url != NULL;
}

/* The DAG carries out the provisioning steps; a destroy stays with Terraform. */
static bool af_validate(const char *step)
{
	return tf_step_known(step) && strcmp(step, tf_destroy_step) != 0;
}

static enum exec_outcome af_run(const struct exec_env *e, const char *step,
                                struct json_object *input, char **output, char *why, size_t whylen)
{
	switch (af_step(e->af, step, input, output, why, whylen)) {
	case AF_STEP_DONE: return EXEC_DONE;
	case AF_STEP_WAIT: return EXEC_WAIT;
	case AF_STEP_FAILED: return EXEC_FAILED;
	default: return EXEC_RETRY;
	}
}

/* ------------------------------------------------------------------ the table */

const struct executor executors[] = {
	{ "terraform", true, tf_available, tf_step_known, tf_run },
	{ "airflow", false, af_available, af_validate, af_run },
};
const size_t executors_n = sizeof(executors) / sizeof(executors[0]);

const struct executor *executor_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < executors_n; i++)
		if (strcmp(executors[i].name, name) == 0)
			return &executors[i];
	return NULL;
}

const struct executor *executor_destroyer(void)
{
	for (size_t i = 0; i < executors_n; i++)
		if (executors[i].destroys_here)
			return &executors[i];
	return NULL;
}
