/* runs.c: runs of the engine as the API shows them: a run and its log. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "db/provision.h"
#include "db/runs.h"
#include "fcgi/auth.h"
#include "handlers/common.h"
#include "handlers/runs.h"
#include "jobs/executors.h"
#include "lib/engine.h"

struct json_object *run_actions_json(const struct run *r, const struct provision_destroy *d)
{
	struct jobs_actions a = jobs_run_actions(r->status, r->kind);
	const struct executor *x = executor_find(r->executor);
	struct json_object *o = json_object_new_object();

	/* Once a destroy is queued, running or done, there is nothing left to destroy. */
	bool destroying = d != NULL && d->has && jobs_destroy_blocks(d->status);

	/*
	 * Only what this API offers: there is no retry endpoint yet, so that
	 * stays false whatever the engine's rules (a.is_retryable) would allow.
	 */
	json_object_object_add(o, "is_cancelable", json_object_new_boolean(a.is_cancelable));
	json_object_object_add(o, "is_retryable", json_object_new_boolean(0));
	json_object_object_add(o, "is_destroyable",
	                       json_object_new_boolean(a.is_destroyable && !destroying &&
	                                               x != NULL && x->destroys_here));
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

/* NULL stays JSON null. */
static struct json_object *opt_str(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* db_run_tasks row: one task as the API shows it, appended to the array `ud`. */
static void task_row(const struct run_task_row *t, void *ud)
{
	struct json_object *o = json_object_new_object(), *d = json_object_new_array();
	char deps[JOBS_DEPS_MAX + 2], *save = NULL;

	snprintf(deps, sizeof(deps), "%s", t->depends_on);
	for (char *p = strtok_r(deps, ",", &save); p; p = strtok_r(NULL, ",", &save))
		json_object_array_add(d, json_object_new_string(p));
	json_object_object_add(o, "name", json_object_new_string(t->name));
	json_object_object_add(o, "depends_on", d);
	json_object_object_add(o, "status", json_object_new_string(t->status));
	json_object_object_add(o, "attempts", json_object_new_int64(t->attempts));
	json_object_object_add(o, "max_attempts", json_object_new_int64(t->max_attempts));
	json_object_object_add(o, "last_error", opt_str(t->last_error));
	json_object_object_add(o, "next_attempt_at", opt_str(t->next_attempt_at));
	json_object_object_add(o, "started_at", opt_str(t->started_at));
	json_object_object_add(o, "finished_at", opt_str(t->finished_at));
	json_object_array_add(ud, o);
}

enum db_rc run_tasks_json(struct req *rq, int64_t run_id, struct json_object *items)
{
	return db_run_tasks(rq->app->db, run_id, task_row, items);
}

/* What h_runs_events collects: the items and the cursor. */
struct events_acc {
	struct json_object *items;
	int64_t last;
};

/* db_events_list row: one event as the API shows it. */
static void event_row(const struct run_event_row *e, void *ud)
{
	struct events_acc *acc = ud;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(e->id));
	json_object_object_add(o, "time", json_object_new_string(e->time));
	json_object_object_add(o, "level", json_object_new_string(run_event_level_name(e->level)));
	json_object_object_add(o, "task", opt_str(e->task));
	json_object_object_add(o, "attempt", e->attempt ? json_object_new_int64(e->attempt) : NULL);
	json_object_object_add(o, "stream", opt_str(e->stream));
	json_object_object_add(o, "message", json_object_new_string(e->message));
	json_object_array_add(acc->items, o);
	acc->last = e->id;
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
 * A run as the API shows it (GET /runs/{id}, the items of GET /runs): with
 * "tasks" (before "actions") when `tasks` is not NULL, which it then owns;
 * `d` is its latest destroy (provisioning runs), NULL or d->has false for none.
 */
static struct json_object *run_json(const struct run *r, const struct provision_destroy *d,
                                    struct json_object *tasks)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(r->uuid));
	json_object_object_add(o, "kind", json_object_new_string(r->kind));
	json_object_object_add(o, "subject", str_or_null(r->subject));
	json_object_object_add(o, "executor", json_object_new_string(r->executor));
	json_object_object_add(o, "status",
	                       json_object_new_string(jobs_run_status_name(r->status)));
	json_object_object_add(o, "message", str_or_null(r->message));
	json_object_object_add(o, "input", json_object_get(r->input));
	json_object_object_add(o, "output", json_object_get(r->output));
	run_creator_json(o, r->created_by, r->created_by_user_id);
	json_object_object_add(o, "created_at", json_object_new_string(r->created_at));
	json_object_object_add(o, "updated_at", json_object_new_string(r->updated_at));
	json_object_object_add(o, "started_at", str_or_null(r->started_at));
	json_object_object_add(o, "finished_at", str_or_null(r->finished_at));
	if (tasks != NULL)
		json_object_object_add(o, "tasks", tasks);
	json_object_object_add(o, "actions", run_actions_json(r, d));
	return o;
}

/*
 * GET /runs/{id} : the run with its input, output, tasks, timestamps and
 * actions. Raises 404.
 */
int h_runs_get(struct req *rq)
{
	struct provision_destroy d = { 0 };
	struct json_object *o, *tasks;
	struct run r;
	enum db_rc rc;

	if (run_load_or_reply(rq, "id", NULL, &r) < 0)
		return -1;
	/* Only a run that could be destroyed asks which destroy it has. */
	if (jobs_run_actions(r.status, r.kind).is_destroyable &&
	    (rc = db_provision_destroy_of(rq->app->db, r.id, &d)) != DB_OK) {
		run_clear(&r);
		return db_failure(rq, rc, "run destroy");
	}
	tasks = json_object_new_array();
	o = rq_own_json(rq, run_json(&r, &d, tasks));
	run_clear(&r);
	if ((rc = run_tasks_json(rq, r.id, tasks)) != DB_OK)
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
	struct events_acc acc;
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
	acc = (struct events_acc){ items, after };
	if ((rc = db_events_list(rq->app->db, r.id, after, min, limit, event_row, &acc)) != DB_OK)
		return db_failure(rq, rc, "run events");
	last = acc.last;
	o = json_object_new_object();
	json_object_object_add(o, "run_id", json_object_new_string(r.uuid));
	json_object_object_add(o, "run_status",
	                       json_object_new_string(jobs_run_status_name(r.status)));
	json_object_object_add(o, "items", json_object_get(items));
	json_object_object_add(o, "next_after", json_object_new_int64(last));
	return api_reply(rq, 200, o);
}

/* The kinds of run this API makes; a new kind (a deployment) adds its name here. */
static const char *const run_kinds[] = { "provision", "destroy" };
#define NKINDS (sizeof(run_kinds) / sizeof(run_kinds[0]))
_Static_assert(NKINDS <= DB_RUN_FILTER_KINDS, "GET /runs?kind= binds at most DB_RUN_FILTER_KINDS");

static const char *status_name(size_t i)
{
	return jobs_run_status_name((enum jobs_run_status)i);
}
static const char *kind_name(size_t i)
{
	return run_kinds[i];
}

/*
 * Query parameter `name` as a comma-separated list of the n names name(i):
 * sets bit i of *set for each (once however often named). Returns 0 (*set 0
 * when absent or empty), or -1 after a 400 that lists the names.
 */
static int query_names(struct req *rq, const char *name, const char *(*nm)(size_t), size_t n,
                       unsigned *set)
{
	const char *v = rq_query(rq, name), *p, *end;
	char all[160] = "";
	size_t len;

	*set = 0;
	if (v == NULL || *v == '\0')
		return 0;
	for (p = v;; p = end + 1) {
		size_t i;

		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < n; i++)
			if (strlen(nm(i)) == len && strncmp(p, nm(i), len) == 0)
				break;
		if (i == n)
			break;
		*set |= 1u << i;
		if (end == NULL)
			return 0;
	}
	for (size_t i = 0; i < n; i++)
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", i ? ", " : "",
		         nm(i));
	return query_invalid(rq, name, "must be one or more of: %s (comma-separated)", all);
}

/* db_runs_list row: the run as GET /runs/{id} shows it, without its tasks. */
static void runs_list_row(const struct run *r, const struct provision_destroy *d, void *items)
{
	json_object_array_add(items, run_json(r, d, NULL));
}

/*
 * GET /runs?kind=&status=&created_by=&limit=&offset= : runs of every kind,
 * newest first (the order they were created in), paginated; kind and status
 * take comma-separated lists of names. Every reader sees every run, as with
 * GET /runs/{id}. Raises 400.
 */
int h_runs_list(struct req *rq)
{
	struct run_filter f = { .nkind = 0 };
	struct json_object *items;
	int64_t limit, offset, total = 0;
	unsigned kinds, statuses;
	const char *by;
	enum db_rc rc;

	if (page_params(rq, &limit, &offset) < 0 ||
	    query_names(rq, "kind", kind_name, NKINDS, &kinds) < 0 ||
	    query_names(rq, "status", status_name, JR__MAX, &statuses) < 0)
		return -1;
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds & (1u << i))
			f.kind[f.nkind++] = run_kinds[i];
	for (size_t i = 0; i < JR__MAX; i++)
		if (statuses & (1u << i))
			f.status[f.nstatus++] = (enum jobs_run_status)i;
	if ((by = rq_query(rq, "created_by")) != NULL && *by != '\0') {
		bool ok = strlen(by) <= 254 && util_utf8_valid(by, strlen(by));

		for (const unsigned char *p = (const unsigned char *)by; ok && *p; p++)
			ok = *p >= 0x20 && *p != 0x7f;
		if (!ok)
			return query_invalid(rq, "created_by",
			                     "must be a creator's name: at most 254 bytes of UTF-8 "
			                     "text, no control characters");
		f.created_by = by;
	}
	items = rq_own_json(rq, json_object_new_array());
	rc = db_runs_list(rq->app->db, &f, limit, offset, runs_list_row, items, &total);
	if (rc != DB_OK)
		return db_failure(rq, rc, "run list");
	return api_reply(rq, 200, page_body(json_object_get(items), total, limit, offset));
}
