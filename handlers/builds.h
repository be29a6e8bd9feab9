/* builds.h: the Build State API: builds and their states, failures and heartbeats. */
#ifndef STRATUS_H_BUILDS_H
#define STRATUS_H_BUILDS_H

struct req;

int h_builds_create(struct req *rq);
int h_builds_list(struct req *rq);
int h_builds_get(struct req *rq);
int h_builds_state_get(struct req *rq);
int h_builds_state_post(struct req *rq);
int h_builds_failure(struct req *rq);
int h_builds_heartbeat(struct req *rq);

#endif
