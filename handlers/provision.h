/* provision.h: infrastructure provisioning requests and their status (runs of kind provision). */
#ifndef STRATUS_H_PROVISION_H
#define STRATUS_H_PROVISION_H

struct req;
struct body_spec;

/* The body POST /provision reads (its ROUTE row names it). */
extern const struct body_spec provision_body;

int h_provision_create(struct req *rq);
int h_provision_list(struct req *rq);
int h_provision_status(struct req *rq);
int h_provision_destroy(struct req *rq);

#endif
