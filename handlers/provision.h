/* provision.h: infrastructure provisioning requests and their status (runs of kind provision). */
#ifndef STRATUS_H_PROVISION_H
#define STRATUS_H_PROVISION_H

struct req;

int h_provision_create(struct req *rq);
int h_provision_list(struct req *rq);
int h_provision_status(struct req *rq);
int h_provision_destroy(struct req *rq);

#endif
