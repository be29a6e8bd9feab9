/* runs.h: runs of the engine as the API shows them: a run, its log, cancel. */
#ifndef STRATUS_H_RUNS_H
#define STRATUS_H_RUNS_H

struct req;
struct run;
struct json_object;

int h_runs_get(struct req *rq);
int h_runs_events(struct req *rq);
int h_runs_cancel(struct req *rq);

/*
 * Shared with handlers/provision.c (the provisioning view of the same
 * runs): {"is_cancelable","is_retryable","is_destroyable"} of a run, as
 * far as this API offers the action; and the run's uuid path parameter
 * `name`, or NULL after a 404 when it is not a uuid.
 */
struct json_object *run_actions_json(const struct run *r);
const char *run_uuid_param(struct req *rq, const char *name);

#endif
