/* runs.c: runs of the engine as the API shows them: a run and its log. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "db/runs.h"
#include "fcgi/auth.h"
#include "handlers/common.h"
#include "handlers/runs.h"
#include "jobs/executors.h"
#include "lib/engine.h"

struct json_object *run_actions_json(const struct run *r)
{
	struct jobs_actions a = jobs_run_actions(r->status, r->kind);
	const struct executor *x = executor_find(r->executor);
	struct json_object *o = json_object_new_object();

	/* Once a destroy is queued, running or done, there is nothing left to destroy. */
	bool destroying = r->has_destroy && r->destroy_status != JR_FAILED &&
	                  r->destroy_status != JR_CANCELED;

	/*
	 * Only what this API offers: there is no retry endpoint yet, so that
	 * stays false whatever the engine's rules (a.is_retryable) would allow.
	 */
	json_object_object_add(o, "is_cancelable", json_object_new_boolean(a.is_cancelable));
	json_object_object_add(o, "is_retryable", json_object_new_boolean(0));
	json_object_object_add(o, "is_destroyable",
	                       json_object_new_boolean(a.is_destroyable && !destroying && x != NULL &&
	                                               x->destroys_here));
	return o;
}

const char *run_uuid_param(struct req *rq, const char *name)
{
	const char *u = rq_param(rq, name);

	if (u == NULL || strlen(u) != 36 || strspn(u, "0123456789abcdef-") != 36) {
		char clean[48];

		api_error(rq, E_NOT_FOUND, "no such run: %s",
		          util_clean(clean, sizeof(clean), u ? u : "", 40));
		return NULL;
	}
	return u;
}

const char *run_actor(const struct req *rq)
{
	const char *a = rq_actor(rq);

	return a != NULL ? a : "?";
}

void run_creator_json(struct json_object *o, const char *created_by, int64_t user_id)
{
	json_object_object_add(o, "created_by", json_object_new_string(created_by));
	json_object_object_add(o, "created_by_user_id",
	                       user_id > 0 ? json_object_new_int64(user_id) : NULL);
}

int run_owner_or_403(struct req *rq, const struct run *r, const char *action)
{
	char clean[80];

	/* The route already asked for a developer; admins may change anyone's run. */
	if (rq->who != NULL &&
	    (rq->who->role >= ROLE_ADMIN ||
	     (rq->who->user_id > 0 && rq->who->user_id == r->created_by_user_id)))
		return 0;
	return api_error(rq, E_FORBIDDEN, "only the creator of %s (%s) or an admin may %s it",
	                 r->uuid, util_clean(clean, sizeof(clean), r->created_by, 64), action);
}

static struct json_object *str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

int run_load_or_reply(struct req *rq, const char *param, const char *kind, struct run *r)
{
	const char *uuid = run_uuid_param(rq, param);
	const char *what = kind == NULL ? "run" : "provisioning request";
	char failed[64];
	enum db_rc rc;

	if (uuid == NULL)
		return -1;
	if ((rc = db_run_get(rq->app->db, uuid, kind, r)) == DB_NOT_FOUND)
		return api_error(rq, E_NOT_FOUND, "no such %s: %s", what, uuid);
	if (rc != DB_OK) {
		snprintf(failed, sizeof(failed), "%s lookup", what);
		return db_failure(rq, rc, failed);
	}
	return 0;
}

/*
 * GET /runs/{id} : the run with its input, output, tasks, timestamps and
 * actions. Raises 404.
 */
int h_runs_get(struct req *rq)
{
	struct json_object *o, *tasks;
	struct run r;
	enum db_rc rc;

	if (run_load_or_reply(rq, "id", NULL, &r) < 0)
		return -1;
	o = rq_own_json(rq, json_object_new_object());
	tasks = json_object_new_array();
	json_object_object_add(o, "id", json_object_new_string(r.uuid));
	json_object_object_add(o, "kind", json_object_new_string(r.kind));
	json_object_object_add(o, "subject", str_or_null(r.subject));
	json_object_object_add(o, "executor", json_object_new_string(r.executor));
	json_object_object_add(o, "status", json_object_new_string(jobs_run_status_name(r.status)));
	json_object_object_add(o, "message", str_or_null(r.message));
	json_object_object_add(o, "input", json_object_get(r.input));
	json_object_object_add(o, "output", json_object_get(r.output));
	run_creator_json(o, r.created_by, r.created_by_user_id);
	json_object_object_add(o, "created_at", json_object_new_string(r.created_at));
	json_object_object_add(o, "updated_at", json_object_new_string(r.updated_at));
	json_object_object_add(o, "started_at", str_or_null(r.started_at));
	json_object_object_add(o, "finished_at", str_or_null(r.finished_at));
	json_object_object_add(o, "tasks", tasks);
	json_object_object_add(o, "actions", run_actions_json(&r));
	run_clear(&r);
	if ((rc = db_run_tasks(rq->app->db, r.id, tasks)) != DB_OK)
		return db_failure(rq, rc, "run tasks");
	return api_reply(rq, 200, json_object_get(o));
}

/*
 * POST /runs/{id}/cancel : cancels a queued or running run: its waiting
 * tasks at once, a running step when its reconciler next extends the lease
 * (it kills the step's process group). 200 with the run. Raises 404, 403
 * when the caller is neither its creator nor an admin, 409 when the run
 * has finished.
 */
int h_runs_cancel(struct req *rq)
{
	char uuid[40];
	struct run r;
	enum db_rc rc;
	int mine;

	/* Who made it never changes, so checking before the cancel's transaction is safe. */
	if (run_load_or_reply(rq, "id", NULL, &r) < 0)
		return -1;
	snprintf(uuid, sizeof(uuid), "%s", r.uuid);
	mine = run_owner_or_403(rq, &r, "cancel");
	run_clear(&r);
	if (mine < 0)
		return -1;
	rc = db_run_cancel(rq->app->db, uuid, run_actor(rq));
	if (rc == DB_NOT_FOUND)
		return api_error(rq, E_NOT_FOUND, "no such run: %s", uuid);
	if (rc == DB_DUPLICATE)
		return api_error(rq, E_CONFLICT, "run %s has finished: it cannot be canceled",
		                 uuid);
	if (rc != DB_OK)
		return db_failure(rq, rc, "run cancel");
	return h_runs_get(rq);
}

/*
 * GET /runs/{id}/events?after=<event id>&level=<min level>&limit= : the
 * run's log from the cursor on, oldest first: {"items","next_after",
 * "run_status"}; read on with ?after=next_after. Raises 400, 404.
 */
int h_runs_events(struct req *rq)
{
	enum run_event_level min = EV_DEBUG;
	struct json_object *o, *items;
	int64_t after, limit, last = 0;
	const char *lv;
	struct run r;
	enum db_rc rc;

	if (rq_query_int_or_error(rq, "after", 0, INT64_MAX, 0, &after) < 0 ||
	    rq_query_int_or_error(rq, "limit", 1, 1000, 100, &limit) < 0)
		return -1;
	if ((lv = rq_query(rq, "level")) != NULL && *lv != '\0' &&
	    run_event_level_parse(lv, &min) < 0)
		return query_invalid(rq, "level", "must be one of: debug, info, warning, error");
	if (run_load_or_reply(rq, "id", NULL, &r) < 0)
		return -1;
	run_clear(&r);
	items = rq_own_json(rq, json_object_new_array());
	if ((rc = db_events_list(rq->app->db, r.id, after, min, limit, items, &last)) != DB_OK)
		return db_failure(rq, rc, "run events");
	o = json_object_new_object();
	json_object_object_add(o, "run_id", json_object_new_string(r.uuid));
	json_object_object_add(o, "run_status",
	                       json_object_new_string(jobs_run_status_name(r.status)));
	json_object_object_add(o, "items", json_object_get(items));
	json_object_object_add(o, "next_after", json_object_new_int64(last));
	return api_reply(rq, 200, o);
}
