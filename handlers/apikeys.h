/* apikeys.h: API keys: create (shown once), list, revoke. */
#ifndef STRATUS_H_APIKEYS_H
#define STRATUS_H_APIKEYS_H

struct req;

int h_apikeys_create(struct req *rq);
int h_apikeys_list(struct req *rq);
int h_apikeys_delete(struct req *rq);

#endif
