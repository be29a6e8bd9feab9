/* router.h: the route table's shape and the path matcher. */
#ifndef STRATUS_ROUTER_H
#define STRATUS_ROUTER_H

#include <stddef.h>

#include "fcgi/http.h"

/* Who may call a route, lowest first; checked by the pipeline. */
enum role {
	ROLE_PUBLIC,    /* ROLE_PUBLIC: no credentials needed */
	ROLE_READONLY,  /* ROLE_READONLY */
	ROLE_DEVELOPER, /* ROLE_DEVELOPER */
	ROLE_ADMIN,     /* ROLE_ADMIN */
	ROLE__MAX
};

/* Rate-limit classes, counted per minute by the pipeline (fcgi/auth.c). */
enum rl_class {
	RL_NONE,    /* RL_NONE: health probes */
	RL_GENERAL, /* RL_GENERAL: per principal, STRATUS_RATE_GENERAL */
	RL_AUTH,    /* RL_AUTH: per address here, per identifier in the handler */
	RL_HEAVY,   /* RL_HEAVY: per principal, STRATUS_RATE_HEAVY */
	RL__MAX
};

/* Route flags: generic requirements the pipeline checks before the handler. */
#define F_JSON     0x1u  /* the body must be a JSON object (415, 400) */
#define F_DEV_ONLY 0x2u  /* served only when ENVIRONMENT=development */
#define F_FORM     0x4u  /* with F_JSON: a form-encoded body is accepted too */
#define F_IDENTIFY 0x8u  /* a public route that still reads credentials when sent */
#define F_IDENTITY 0x10u /* changes users or API keys: cached identities are forgotten */
#define F_JSON_OPT 0x40u /* with F_JSON: the body may be left out (an empty object then) */
#define F_PROJECT  0x80u /* {project} resolved to rq->project_id/role first (fcgi/project.h) */

struct body_spec;

typedef int (*handler_fn)(struct req *rq);

struct route {
	enum http_method method;
	const char *pattern; /* "/builds/{uuid}/state" */
	handler_fn handler;
	enum role role;
	enum rl_class rl;
	unsigned flags;
	/*
	 * The path parameter naming what a successful call changes ("uuid"),
	 * or NULL: after the handler, every responder of the host forgets the
	 * answers it remembered under that key (fcgi/memo.c).
	 */
	const char *changes;
	/*
	 * The fields the handler reads from its JSON body (handlers/fields.h),
	 * or NULL: for the fuzz target and documentation; the handler still
	 * reads them itself.
	 */
	const struct body_spec *body;
};

/*
 * One row of the table: ROUTE(GET, "/builds/{uuid}", h_builds_get, READONLY,
 * GENERAL, 0). Optional designated initializers follow the flags:
 * ROUTE(POST, ..., F_JSON, .changes = "uuid").
 */
#define ROUTE(m_, pattern_, handler_, role_, rl_, flags_, ...)                                     \
	{                                                                                          \
		.method = M_##m_, .pattern = (pattern_), .handler = (handler_),                    \
		.role = ROLE_##role_, .rl = RL_##rl_, .flags = (flags_), __VA_ARGS__               \
	}

enum route_result {
	ROUTE_FOUND,        /* ROUTE_FOUND */
	ROUTE_NOT_FOUND,    /* ROUTE_NOT_FOUND: 404 */
	ROUTE_WRONG_METHOD, /* ROUTE_WRONG_METHOD: 405, see allow */
};

struct route_param {
	const char *name; /* into the pattern, name_len bytes */
	size_t name_len;
	const char *value; /* into the path, value_len bytes */
	size_t value_len;
};

struct route_match {
	const struct route *route;
	size_t nparams;
	struct route_param params[RQ_MAX_PARAMS];
	unsigned allow; /* bit (1 << method) for each method the path has */
};

/*
 * Matches `method` and `path` against the table. A trailing slash is
 * optional; `{name}` matches one non-empty segment; when several patterns
 * match, the one with more literal segments wins (/builds/recent before
 * /builds/{uuid}); HEAD matches GET routes. Fills `m` and returns the result.
 */
enum route_result router_match(const struct route *table, size_t n, enum http_method method,
                               const char *path, struct route_match *m);

/*
 * Writes the Allow header value for m->allow ("GET, HEAD, OPTIONS") into
 * buf. Returns buf.
 */
char *router_allow(unsigned allow, char *buf, size_t len);

/* The table itself (handlers/routes.c: the application's composition root). */
extern const struct route routes[];
extern const size_t nroutes;

#endif
