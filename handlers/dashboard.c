/* dashboard.c: build dashboards: summary, recent builds, one platform. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

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

/* A double written with `places` decimals (0.1772749999 is 0.177). */
static struct json_object *rounded(double v, int places)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.*f", places, v);
	return json_object_new_double_s(strtod(buf, NULL), buf);
}

/*
 * Adds the summary's figures to `o`: by_state, by_platform,
 * top_failure_codes, total, success_rate (succeeded / finished, 4
 * decimals), last_24h, mean_duration_seconds (3 decimals), stale.
 */
static enum db_rc summary(struct req *rq, int64_t platform_id, struct json_object *o)
{
	struct json_object *by_state = json_object_new_object(),
	                   *by_platform = json_object_new_object(), *top = json_object_new_array();
	struct build_counts c;
	enum db_rc rc;

	json_object_object_add(o, "by_state", by_state);
	json_object_object_add(o, "by_platform", by_platform);
	json_object_object_add(o, "top_failure_codes", top);
	rc = db_build_summary(rq->app->db, platform_id, rq->app->cfg.build_stale_minutes, &c);
	if (rc != DB_OK)
		return rc;
	for (size_t i = 0; i < c.nstates; i++)
		json_object_object_add(by_state, c.by_state[i].name,
		                       json_object_new_int64(c.by_state[i].n));
	for (size_t i = 0; i < c.nplatforms; i++)
		json_object_object_add(by_platform, c.by_platform[i].name,
		                       json_object_new_int64(c.by_platform[i].n));
	for (size_t i = 0; i < c.ntop; i++) {
		struct json_object *f = json_object_new_object();

		json_object_object_add(f, "error_code", json_object_new_string(c.top[i].code));
		json_object_object_add(f, "count", json_object_new_int64(c.top[i].n));
		json_object_array_add(top, f);
	}
	json_object_object_add(o, "total", json_object_new_int64(c.total));
	json_object_object_add(o, "success_rate",
	                       c.finished ? rounded((double)c.succeeded / (double)c.finished, 4)
	                                  : NULL);
	json_object_object_add(o, "last_24h", json_object_new_int64(c.last_24h));
	json_object_object_add(
	        o, "mean_duration_seconds",
	        c.finished ? rounded((double)c.finished_us / 1e6 / (double)c.finished, 3) : NULL);
	json_object_object_add(o, "stale", json_object_new_int64(c.stale));
	db_build_counts_free(&c);
	return DB_OK;
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
	if ((rc = summary(rq, 0, o)) != DB_OK)
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
	if ((rc = summary(rq, id, o)) != DB_OK)
		return db_failure(rq, rc, "dashboard");
	items = json_object_new_array();
	json_object_object_add(o, "recent", items);
	if ((rc = recent(rq, id, 20, items)) != DB_OK)
		return db_failure(rq, rc, "dashboard");
	api_reply(rq, 200, json_object_get(o));
	memo_keep(rq, &t);
	return 0;
}
