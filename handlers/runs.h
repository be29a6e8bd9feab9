/* runs.h: runs of the engine as the API shows them: the list, a run, its log, cancel. */
#ifndef STRATUS_H_RUNS_H
#define STRATUS_H_RUNS_H

#include <stdint.h>

#include "db/db.h"

struct req;
struct run;
struct provision_destroy;
struct json_object;

int h_runs_list(struct req *rq);
int h_runs_get(struct req *rq);
int h_runs_events(struct req *rq);
int h_runs_cancel(struct req *rq);

/*
 * Shared with handlers/provision.c (the provisioning view of the same
 * runs): {"is_cancelable","is_retryable","is_destroyable"} of a run, as
 * far as this API offers the action, given the latest destroy `d` of a
 * provisioning run (NULL: none, or not asked because the run's kind and
 * status allow none); and the run's uuid path parameter `name`, or NULL
 * after a 404 when it is not a uuid.
 */
struct json_object *run_actions_json(const struct run *r, const struct provision_destroy *d);
const char *run_uuid_param(struct req *rq, const char *name);

/*
 * Loads the run named by path parameter `param` into *r: any run when
 * `kind` is NULL, else only one of that kind (a provisioning request).
 * Returns 0 (run_clear *r after), or -1 after answering 404 (not a run id,
 * no such run/provisioning request) or 5xx.
 */
int run_load_or_reply(struct req *rq, const char *param, const char *kind, struct run *r);

/*
 * Who acts on a run, as stored in created_by and the events' actor:
 * rq_actor, or "?" on a route without credentials (none of the runs' routes).
 */
const char *run_actor(const struct req *rq);

/*
 * Appends the run's tasks in order to `items`: {"name","depends_on":[...],
 * "status","attempts","max_attempts","last_error","next_attempt_at",
 * "started_at","finished_at"}. Returns what db_run_tasks did.
 */
enum db_rc run_tasks_json(struct req *rq, int64_t run_id, struct json_object *items);

/*
 * Adds who made a run to `o`: "created_by" (their username, or the label
 * of an environment key) and "created_by_user_id" (null for an
 * environment key, which has no account).
 */
void run_creator_json(struct json_object *o, const char *created_by, int64_t user_id);

/*
 * Whether the caller may change run r (cancel it, destroy what it
 * provisioned): its creator (any of their keys or tokens) and admins may.
 * Returns 0, or -1 after answering 403 naming `action`.
 */
int run_owner_or_403(struct req *rq, const struct run *r, const char *action);

#endif
