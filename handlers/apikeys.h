/* apikeys.h: API keys: create (shown once), list, revoke. */
#ifndef STRATUS_H_APIKEYS_H
#define STRATUS_H_APIKEYS_H

#include <stdint.h>

struct apikey_row;
struct body_spec;
struct req;

/* The body POST /api-keys reads (its ROUTE row names it). */
extern const struct body_spec apikeys_create_body;

/*
 * Loads the API key `id` as the caller may see it into *k: someone else's
 * key is "not found" to a non-admin (no probing). Returns 0, or -1 after
 * answering 404 ("no such API key: ID") or 500/503 ("`what` failed").
 */
int apikey_load_or_reply(struct req *rq, int64_t id, struct apikey_row *k, const char *what);

int h_apikeys_create(struct req *rq);
int h_apikeys_list(struct req *rq);
int h_apikeys_delete(struct req *rq);

#endif
