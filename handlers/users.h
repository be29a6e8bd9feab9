/* users.h: the caller's profile, and user administration. */
#ifndef STRATUS_H_USERS_H
#define STRATUS_H_USERS_H

struct req;

int h_profile_get(struct req *rq);
int h_profile_put(struct req *rq);
int h_profile_delete(struct req *rq);
int h_users_list(struct req *rq);
int h_users_create(struct req *rq);
int h_users_get(struct req *rq);
int h_users_patch(struct req *rq);
int h_users_delete(struct req *rq);

#endif
