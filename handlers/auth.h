/* auth.h: tokens, login, registration, refresh, the caller's identity. */
#ifndef STRATUS_H_AUTH_H
#define STRATUS_H_AUTH_H

struct req;

int h_token(struct req *rq);
int h_auth_register(struct req *rq);
int h_auth_login(struct req *rq);
int h_auth_refresh(struct req *rq);
int h_auth_me(struct req *rq);

#endif
