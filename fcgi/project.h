/*
 * project.h: resolving the {project} of an F_PROJECT route before the
 * handler runs, as cgit resolves the repository in its dispatcher. fcgi/
 * knows no table: the lookup is a function pointer the composition root
 * (fcgi/main.c) sets in app->project_lookup.
 */
#ifndef STRATUS_PROJECT_H
#define STRATUS_PROJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "fcgi/router.h"

struct app;
struct req;

/* What a lookup answers. */
enum project_found {
	PROJECT_MEMBER,      /* PROJECT_MEMBER: *id and *role are set */
	PROJECT_NONE,        /* PROJECT_NONE: unknown project, or the user is no member */
	PROJECT_UNAVAILABLE, /* PROJECT_UNAVAILABLE: the store cannot be reached (503) */
	PROJECT_FAILED,      /* PROJECT_FAILED: any other failure (500) */
};

/*
 * The membership of `user_id` in the project named `slug`: returns an enum
 * project_found and, on PROJECT_MEMBER, sets *id and *role (an enum role).
 * Plain ints, so that fcgi/app.h can hold one without including this file.
 */
typedef int (*project_lookup_fn)(struct app *app, const char *slug, int64_t user_id, int64_t *id,
                                 int *role);

/* A well-formed project slug: 1-63 of [a-z0-9-], not starting with '-'. */
bool project_slug_ok(const char *s);

/*
 * The pipeline's project step for a route flagged F_PROJECT: reads the
 * {project} parameter, looks up the caller's membership and sets
 * rq->project_id and rq->project_role. An unknown project, a caller who is
 * no member and a malformed slug all get the same 404; a member whose
 * project role is below the route's role gets the pipeline's usual 403.
 * Returns 0 to go on, or -1 after answering.
 */
int project_resolve(struct req *rq);

#endif
