/* audit.c: the audit log: recording an event, and GET /audit. */
#include "config.h"

#include <json-c/json.h>

#include "db/identity.h"
#include "fcgi/auth.h"
#include "handlers/audit.h"
#include "handlers/common.h"
#include "lib/log.h"
#include "lib/util.h"

void api_audit(struct req *rq, const char *action, const char *target, const char *who)
{
	if (who == NULL)
		who = rq->who ? rq->who->label : NULL;
	if (db_audit_add(rq->app->db, who, action, target, rq->client_addr, rq->request_id) !=
	    DB_OK)
		log_msg(LOG_ERROR, rq->request_id, "audit record %s failed: %s", action,
		        db_last_error(rq->app->db));
}

static struct json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static void list_row(const struct audit_row *a, void *items)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(a->id));
	json_object_object_add(o, "at", str_or_null(a->at));
	json_object_object_add(o, "principal", str_or_null(a->principal));
	json_object_object_add(o, "action", str_or_null(a->action));
	json_object_object_add(o, "target", str_or_null(a->target));
	json_object_object_add(o, "client_addr", str_or_null(a->client_addr));
	json_object_object_add(o, "request_id", str_or_null(a->request_id));
	json_object_array_add(items, o);
}

/* audit_log.action's width (schema/002_identity.sql). */
#define AUDIT_ACTION_MAX 64

/* GET /audit?action=&limit=&offset= (admin), newest first; 400: an action of over 64 characters. */
int h_audit_list(struct req *rq)
{
	const char *action = rq_query(rq, "action");
	struct json_object *items;
	int64_t limit, offset, total = 0;
	enum db_rc rc;

	if (page_params(rq, &limit, &offset) < 0)
		return -1;
	/* As long as the column: a longer name can only be a mistake. */
	if (action != NULL && util_utf8_chars(action) > AUDIT_ACTION_MAX)
		return query_invalid(rq, "action", "must be at most %d characters",
		                     AUDIT_ACTION_MAX);
	if ((items = rq_own_json(rq, json_object_new_array())) == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	if ((rc = db_audit_list(rq->app->db, action, limit, offset, list_row, items, &total)) !=
	    DB_OK)
		return db_failure(rq, rc, "audit list");
	return api_reply(rq, 200, page_body(json_object_get(items), total, limit, offset));
}
