/* project.c: the pipeline's project step (see project.h). */
#include "config.h"

#include <string.h>

#include "fcgi/app.h"
#include "fcgi/auth.h"
#include "fcgi/http.h"
#include "fcgi/project.h"

bool project_slug_ok(const char *s)
{
	size_t n = 0;

	if (s == NULL || *s == '-')
		return false;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return false;
	return n >= 1 && n <= 63;
}

/* The one answer for "no such project for you": the slug is not repeated. */
static int not_found(struct req *rq)
{
	return api_error(rq, E_NOT_FOUND, "no such project");
}

int project_resolve(struct req *rq)
{
	const char *slug = rq_param(rq, "project");
	int64_t id = 0;
	int role = ROLE_PUBLIC;

	rq->project_id = 0;
	rq->project_role = ROLE_PUBLIC;
	if (rq->app->project_lookup == NULL)
		return api_error(rq, E_INTERNAL, "projects are not configured");
	if (rq->who == NULL || rq->who->user_id <= 0 || !project_slug_ok(slug))
		return not_found(rq);
	switch (rq->app->project_lookup(rq->app, slug, rq->who->user_id, &id, &role)) {
	case PROJECT_MEMBER: break;
	case PROJECT_NONE: return not_found(rq);
	case PROJECT_UNAVAILABLE:
		return api_error(rq, E_UNAVAILABLE, "the database is not available");
	default: return api_error(rq, E_INTERNAL, "the project could not be looked up");
	}
	if (id <= 0 || role <= ROLE_PUBLIC || role >= ROLE__MAX)
		return not_found(rq);
	/* The caller's own role (an API key's cap included) still bounds it. */
	if (role > (int)rq->who->role)
		role = (int)rq->who->role;
	if (role < (int)rq->route->role)
		return api_error(rq, E_FORBIDDEN,
		                 "this requires the %s role in the project; the caller is %s",
		                 role_name(rq->route->role), role_name((enum role)role));
	rq->project_id = id;
	rq->project_role = (enum role)role;
	return 0;
}
