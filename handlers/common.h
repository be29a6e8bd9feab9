/* common.h: what handlers share: body fields, pagination, database outcomes. */
#ifndef STRATUS_H_COMMON_H
#define STRATUS_H_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "fcgi/http.h"

struct json_object;

/*
 * Reads fields of rq->json, collecting every failure; fields_done answers
 * 400 with all of them. Strings are checked for type, length in characters
 * and control characters.
 */
struct fields {
	struct req *rq;
	struct json_object *errors; /* array, created on first failure */
};

/* Returns the string, NULL when absent (an error if `required`) or invalid. */
const char *field_str(struct fields *f, const char *name, bool required, size_t minlen,
                      size_t maxlen);
/* Like field_str, for free text: tab, LF and CR are allowed. */
const char *field_text(struct fields *f, const char *name, bool required, size_t minlen,
                       size_t maxlen);
/* Like field_str, and the value must be one of `allowed` (NULL-terminated). */
const char *field_enum(struct fields *f, const char *name, bool required,
                       const char *const *allowed);
/* An email address (user@domain.tld, at most 254 bytes). */
const char *field_email(struct fields *f, const char *name, bool required);
/*
 * An optional username: 3-64 letters, digits, '.', '_', '-'. Never an '@',
 * so that no username can equal somebody's email (the default username is
 * the user's own email).
 */
const char *field_username(struct fields *f, const char *name);
/* An integer in [min, max]; `*out` keeps its value when absent. False if invalid or absent. */
bool field_int(struct fields *f, const char *name, bool required, int64_t min, int64_t max,
               int64_t *out);
/* Applies the password policy to `pw`, recording what is missing. */
bool field_password_ok(struct fields *f, const char *name, const char *pw);
/* Adds a failure of its own ("field": message). */
void field_fail(struct fields *f, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* 0 when nothing failed, else answers 400 with details.errors and returns -1. */
int fields_done(struct fields *f);

/* Answers 400 for query parameter `name` in the field-list shape. Returns -1. */
int query_invalid(struct req *rq, const char *name, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/*
 * Reads ?limit= (1-100, default 20) and ?offset= (>= 0, default 0).
 * Returns 0 or -1 after a 400.
 */
int page_params(struct req *rq, int64_t *limit, int64_t *offset);
/* {"items": items, "total", "limit", "offset"}: takes ownership of items. */
struct json_object *page_body(struct json_object *items, int64_t total, int64_t limit,
                              int64_t offset);

/* Answers a database failure: 503 when unreachable, else 500 (logged). Returns -1. */
int db_failure(struct req *rq, enum db_rc rc, const char *what);

/* Reads path parameter `name` as a positive id; -1 after a 404 when it is not one. */
int param_id(struct req *rq, const char *name, int64_t *id);

/*
 * Path parameter `name` as a uuid (8-4-4-4-12 hex digits, either case), or
 * NULL after answering 404 "no such <what>: <value>" without a query.
 */
const char *param_uuid(struct req *rq, const char *name, const char *what);

/*
 * Who acts, as stored in created_by/actor columns: the caller's username,
 * or the label of a key without an account; NULL on a public route.
 */
const char *rq_actor(const struct req *rq);

#endif
