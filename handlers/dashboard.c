/* dashboard.c: build dashboards: summary, recent builds, one platform. */
#include "config.h"

#include <json-c/json.h>

#include "db/builds.h"
#include "fcgi/memo.h"
#include "handlers/builds.h"
#include "handlers/common.h"
#include "handlers/dashboard.h"

/* Appends the `limit` newest builds (of one platform when platform_id > 0). */
static enum db_rc recent(struct req *rq, int64_t platform_id, int64_t limit,
                         struct json_object *items)
{
	return db_build_recent(rq->app->db, platform_id, limit, rq->app->cfg.build_stale_minutes,
	                       build_append_json, items);
}

/*
 * GET /dashboard/summary : totals by state and platform, success rate
 * (succeeded / finished), builds in the last 24 h, mean duration of finished
 * builds, the most frequent failure codes, stale builds. Computed at most
 * once per STRATUS_DASHBOARD_CACHE_MS by each responder (fcgi/memo.c).
 */
int h_dashboard_summary(struct req *rq)
{
	struct json_object *o;
	struct memo_ticket t;
	enum db_rc rc;

	if (memo_reply(rq, MEMO_SUMMARY, "", &t))
		return 0;
	if ((o = rq_own_json(rq, json_object_new_object())) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if ((rc = db_build_summary(rq->app->db, 0, rq->app->cfg.build_stale_minutes, o)) != DB_OK)
		return db_failure(rq, rc, "dashboard");
	api_reply(rq, 200, json_object_get(o));
	memo_keep(rq, &t);
	return 0;
}

/* GET /dashboard/recent?limit= (default 20, 1-100) : the latest builds. */
int h_dashboard_recent(struct req *rq)
{
	struct json_object *items = rq_own_json(rq, json_object_new_array()), *o;
	int64_t limit;
	enum db_rc rc;

	if (items == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if (rq_query_int_or_error(rq, "limit", 1, 100, 20, &limit) < 0)
		return -1;
	if ((rc = recent(rq, 0, limit, items)) != DB_OK)
		return db_failure(rq, rc, "dashboard");
	o = json_object_new_object();
	json_object_object_add(o, "items", json_object_get(items));
	return api_reply(rq, 200, o);
}

/*
 * GET /dashboard/platform/{platform} : the summary of one platform and its
 * recent builds; remembered like the summary.
 */
int h_dashboard_platform(struct req *rq)
{
	const char *name = rq_param(rq, "platform");
	struct json_object *o, *items;
	struct memo_ticket t;
	char canon[65];
	int64_t id = 0;
	enum db_rc rc;

	/* A name that no platform can have is not looked up (the names are ASCII). */
	if (name == NULL || !util_ref_name_ok(name, true))
		return api_error(rq, E_NOT_FOUND, "no such platform: %.64s", name ? name : "");
	rc = db_ref_resolve(rq->app->db, REF_PLATFORM, name, &id, canon);
	if (rc == DB_NOT_FOUND)
		return api_error(rq, E_NOT_FOUND, "no such platform: %.64s", name);
	if (rc != DB_OK)
		return db_failure(rq, rc, "dashboard");
	/* Under its canonical name: an alias reads the same answer. */
	if (memo_reply(rq, MEMO_PLATFORM, canon, &t))
		return 0;
	if ((o = rq_own_json(rq, json_object_new_object())) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	json_object_object_add(o, "platform", json_object_new_string(canon));
	if ((rc = db_build_summary(rq->app->db, id, rq->app->cfg.build_stale_minutes, o)) != DB_OK)
		return db_failure(rq, rc, "dashboard");
	items = json_object_new_array();
	json_object_object_add(o, "recent", items);
	if ((rc = recent(rq, id, 20, items)) != DB_OK)
		return db_failure(rq, rc, "dashboard");
	api_reply(rq, 200, json_object_get(o));
	memo_keep(rq, &t);
	return 0;
}
