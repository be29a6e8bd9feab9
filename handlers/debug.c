/* debug.c: development-only endpoints (ENVIRONMENT=development). */
#include "config.h"

#include <json-c/json.h>

#include "fcgi/auth.h"
#include "fcgi/http.h"
#include "handlers/debug.h"

/*
 * POST /debug/echo : answers with the body as Stratus parsed it, so a
 * client author can see what a request turns into after the strict JSON
 * checks (size, type, UTF-8, depth, number range). Served only when
 * ENVIRONMENT=development (the route's F_DEV_ONLY flag); 404 elsewhere.
 */
int h_debug_echo(struct req *rq)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	json_object_object_add(o, "received", json_object_get(rq->json));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)rq->body_len));
	json_object_object_add(o, "content_type", json_object_new_string(rq->content_type));
	return api_reply(rq, 200, o);
}

/*
 * GET /debug/projects/{project} : the project and role the pipeline
 * resolved for the caller (route flag F_PROJECT), so the resolution can be
 * seen and tested before tenant-scoped resources exist. Development only.
 */
int h_debug_project(struct req *rq)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return api_error(rq, E_INTERNAL, "out of memory");
	json_object_object_add(o, "project", json_object_new_string(rq_param(rq, "project")));
	json_object_object_add(o, "project_id", json_object_new_int64(rq->project_id));
	json_object_object_add(o, "role",
	                       json_object_new_string(role_name((enum role)rq->project_role)));
	return api_reply(rq, 200, o);
}
