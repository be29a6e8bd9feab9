/* health.h: the service's own endpoints: index, health, readiness, status. */
#ifndef STRATUS_H_HEALTH_H
#define STRATUS_H_HEALTH_H

struct req;

int h_root(struct req *rq);
int h_health(struct req *rq);
int h_ready(struct req *rq);
int h_status(struct req *rq);

#endif
