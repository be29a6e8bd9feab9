/* common.c: what handlers share: body fields, pagination, database outcomes. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "fcgi/auth.h"
#include "handlers/common.h"
#include "lib/json.h"
#include "lib/log.h"

int query_invalid(struct req *rq, const char *name, const char *fmt, ...)
{
	struct json_object *errors = json_object_new_array();
	char msg[256];
	va_list ap;

	if (errors == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_errors_add(errors, name, "%s", msg);
	return api_validation_failed(rq, errors);
}

int page_params(struct req *rq, int64_t *limit, int64_t *offset)
{
	if (rq_query_int_or_error(rq, "limit", 1, 100, 20, limit) < 0 ||
	    rq_query_int_or_error(rq, "offset", 0, INT32_MAX, 0, offset) < 0)
		return -1;
	return 0;
}

struct json_object *page_body(struct json_object *items, int64_t total, int64_t limit,
                              int64_t offset)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL) {
		json_object_put(items);
		return NULL;
	}
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "limit", json_object_new_int64(limit));
	json_object_object_add(o, "offset", json_object_new_int64(offset));
	return o;
}

int db_failure(struct req *rq, enum db_rc rc, const char *what)
{
	log_msg(LOG_ERROR, rq->request_id, "%s: %s", what, db_last_error(rq->app->db));
	if (rc == DB_UNAVAILABLE)
		return api_error(rq, E_UNAVAILABLE, "database unavailable");
	return api_error(rq, E_INTERNAL, "%s failed", what);
}

int param_id(struct req *rq, const char *name, int64_t *id)
{
	const char *v = rq_param(rq, name);

	if (v == NULL || util_parse_int64(v, 1, INT64_MAX, id) < 0)
		return api_error(rq, E_NOT_FOUND, "no such %s: %.40s", name, v ? v : "");
	return 0;
}

const char *param_uuid(struct req *rq, const char *name, const char *what)
{
	const char *u = rq_param(rq, name);
	size_t i;
	char clean[48];

	for (i = 0; u != NULL && i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' : !isxdigit((unsigned char)u[i]))
			break;
	}
	if (u != NULL && i == 36 && u[36] == '\0')
		return u;
	api_error(rq, E_NOT_FOUND, "no such %s: %s", what,
	          util_clean(clean, sizeof(clean), u ? u : "", 40));
	return NULL;
}

const char *rq_actor(const struct req *rq)
{
	if (rq->who == NULL)
		return NULL;
	return rq->who->user.username[0] ? rq->who->user.username : rq->who->label;
}
