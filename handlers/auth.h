/* auth.h: tokens, login, registration, refresh, the caller's identity. */
#ifndef STRATUS_H_AUTH_H
#define STRATUS_H_AUTH_H

struct req;
struct body_spec;

/* The bodies the handlers read (their ROUTE rows name them). */
extern const struct body_spec auth_token_body;
extern const struct body_spec auth_login_body;
extern const struct body_spec auth_refresh_body;
extern const struct body_spec auth_register_body;

int h_token(struct req *rq);
int h_auth_register(struct req *rq);
int h_auth_login(struct req *rq);
int h_auth_refresh(struct req *rq);
int h_auth_me(struct req *rq);

#endif
