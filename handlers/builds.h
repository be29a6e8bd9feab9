/* builds.h: the Build State API: builds and their states, failures and heartbeats. */
#ifndef STRATUS_H_BUILDS_H
#define STRATUS_H_BUILDS_H

struct body_spec;
struct build;
struct json_object;
struct req;

/* The bodies of POST /builds, /builds/{uuid}/state and /failure (their ROUTE rows name them). */
extern const struct body_spec build_body;
extern const struct body_spec build_state_body;
extern const struct body_spec build_failure_body;

/* The build object of the API (no history), from the row db/ read. New object. */
struct json_object *build_to_json(const struct build *b);
/* A db_build_row_fn: appends build_to_json(b) to the json array `items`. */
void build_append_json(const struct build *b, void *items);

int h_builds_create(struct req *rq);
int h_builds_list(struct req *rq);
int h_builds_get(struct req *rq);
int h_builds_state_get(struct req *rq);
int h_builds_state_post(struct req *rq);
int h_builds_failure(struct req *rq);
int h_builds_heartbeat(struct req *rq);

#endif
