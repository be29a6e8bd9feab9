/* openapi.h: the API's own description, from the route table and docs/openapi/. */
#ifndef STRATUS_H_OPENAPI_H
#define STRATUS_H_OPENAPI_H

#include <stddef.h>

struct json_object;
struct route;
struct req;

/*
 * One file of docs/openapi/, compiled in by make (handlers/openapi_overlay.c,
 * generated): "base.json" first, then "paths/<resource>.json".
 */
struct openapi_source {
	const char *name;
	const char *text;
};
extern const struct openapi_source openapi_sources[]; /* ends with { NULL, NULL } */

/*
 * The OpenAPI 3.1 document of `table`: what the code knows (paths, path
 * parameters, security from the role, request bodies from the route's
 * body_spec, the responses its flags imply) merged with the hand-written
 * operations of `sources`. The two must match: a route without an
 * operation, an operation without a route, or an operation that states a
 * request schema or security of its own (the code's are the truth) is an
 * error. Returns a new document the caller owns, or NULL with every
 * problem, one per line, in err.
 */
struct json_object *openapi_build(const struct route *table, size_t n,
                                  const struct openapi_source *sources, char *err, size_t errlen);

/*
 * The document as served and installed (compact JSON): a malloc'ed string
 * the caller frees, its length in *len; NULL with err set.
 */
char *openapi_render(const struct route *table, size_t n, const struct openapi_source *sources,
                     size_t *len, char *err, size_t errlen);

/* GET /openapi.json and GET /api/openapi.json: the same bytes, with an ETag. */
int h_openapi(struct req *rq);

#endif
