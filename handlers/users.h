/* users.h: the caller's profile, and user administration. */
#ifndef STRATUS_H_USERS_H
#define STRATUS_H_USERS_H

#include <stdint.h>

struct body_spec;
struct json_object;
struct req;
struct user;

/* The bodies the handlers read (their ROUTE rows name them). */
extern const struct body_spec profile_put_body;
extern const struct body_spec profile_delete_body;
extern const struct body_spec users_create_body;
extern const struct body_spec users_patch_body;

/* The API's view of a user: never the password hash. New object. */
struct json_object *user_to_json(const struct user *u);

/*
 * Loads the user `id` into *u. Returns 0, or -1 after answering 404 ("no
 * such user: ID") or 500/503 ("`what` failed"). Deleted users are found.
 */
int user_load_or_reply(struct req *rq, int64_t id, struct user *u, const char *what);

int h_profile_get(struct req *rq);
int h_profile_put(struct req *rq);
int h_profile_delete(struct req *rq);
int h_users_list(struct req *rq);
int h_users_create(struct req *rq);
int h_users_get(struct req *rq);
int h_users_patch(struct req *rq);
int h_users_delete(struct req *rq);

#endif
